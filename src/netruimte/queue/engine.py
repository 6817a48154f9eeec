"""The admission engine: requests in priority order against areas' room, on arrays only.

A request adds its profile (MW × per-MW shape) to its area and every area above it. In its
own direction it is blocked when, in some affected area, the accepted-risk check fails after
adding it and the request adds to that area's shortage. The check (per design weather year):
the shortage left after contracted flex (and, if allowed, emergency curtailment of a share
of the load) lasts at most the accepted hours; emergency curtailment is called at most N
times; flex is not needed for more hours than it offers. A request blocked on a firm right may
be admitted on the first offered contract type whose rule fits (measures/contracts.py).

Speed: only steps where the area's base load plus everything the queue could add in that
direction (per step, by profile) reaches the capacity can ever be short; each area keeps just
those candidate steps. A direction that already fails its check blocks any request that adds
load at one of its short steps without a full evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netruimte.measures.contracts import (
    LIMIT_CONTRACTS,
    WINDOW_CONTRACTS,
    limit_verdict,
    limited_days_per_year,
    limited_hours_per_year,
    window_keep,
)
from netruimte.measures.params import ContractTerms
from netruimte.timeaxis import STEP_H

EPS_MW = 1e-6
DIR_NAMES = ("offtake", "feed-in")
DIRECTIONS = ("offtake", "feedin")


@dataclass(frozen=True)
class RiskRule:
    """The accepted risk of an area: residual hours, emergency curtailment share and calls."""

    max_residual_hours: float = 0.0
    emergency_share: float = 0.0
    emergency_max_calls: float = np.inf


@dataclass
class AdmissionProblem:
    """Everything admission needs, as arrays; a pure input (nothing in it is modified).

    `shape(profile_class, direction)` gives the signed per-MW shape (W, T) of a request.
    `reserved_mw[purpose]` is (A, 2) MW held back for requests with that reservation.
    """

    load_mw: np.ndarray  # (W, T, A) net load before the queue, + offtake − feed-in
    design_years: list[int]
    capacity_mw: np.ndarray  # (A, 2); inf = no limit
    flex_mw: np.ndarray  # (A, 2) counted flex
    flex_hours: np.ndarray  # (A, 2) hours per year the flex offers; inf = unlimited
    agg: np.ndarray  # (A, A): agg[x, a] = 1 when a's load counts in x
    area_ids: list[str]
    queue: pd.DataFrame  # in admission order, or any order when `ranking` is given
    shape: Callable[[str, str], np.ndarray]
    rule: RiskRule = field(default_factory=RiskRule)
    offer: tuple[str, ...] = ("firm",)
    terms: ContractTerms = field(default_factory=ContractTerms)
    calendar: object | None = None  # LocalCalendar of the axis; needed for some contracts
    reserved_mw: dict[str, np.ndarray] = field(default_factory=dict)
    ranking: object | None = None  # queue.policy.Ranking: order by ACM; None = keep order
    reasons: bool = True  # False: skip building the reason texts (faster; outcomes identical)


@dataclass
class AdmissionOutcome:
    """Per request (in queue order): outcome, contract, reason, binding area, limitation."""

    outcome: list[str]
    contract: list[str]
    reason: list[str]
    binding_area: list[str]
    limited_hours: np.ndarray

    def frame(self, queue: pd.DataFrame) -> pd.DataFrame:
        cols = [
            "priority",
            "request_id",
            "area_id",
            "direction",
            "mw",
            "category",
            "submitted",
            "profile_class",
        ]
        out = queue[cols].copy()
        out["outcome"] = self.outcome
        out["contract"] = self.contract
        out["reason"] = self.reason
        out["binding_area"] = self.binding_area
        out["limited_hours_per_year"] = np.round(self.limited_hours, 2)
        for extra in ("efficiency_score", "reservation", "flexible_share"):
            if extra in queue:
                out[extra] = queue[extra].to_numpy()
        return out


def risk_message(
    steps: np.ndarray,
    year: np.ndarray,
    short: np.ndarray,
    load: np.ndarray,
    flex_mw: float,
    flex_hours: float,
    rule: RiskRule,
    n_years: int,
) -> str:
    """Why an area direction fails its accepted risk ('' = it passes).

    steps: sorted flat step indices (design year × step), year: their design-year index,
    short: load − capacity there, load: the directional load there. Per design year: hours
    short beyond flex (and beyond emergency curtailment of `emergency_share` × load) ≤ the
    accepted hours; runs of emergency curtailment ≤ the accepted calls; hours needing flex ≤
    the hours the flex offers.
    """
    over = short > EPS_MW
    if not over.any():
        return ""
    yrs = year[over]
    s = short[over]
    beyond_flex = s > flex_mw + EPS_MW
    if rule.emergency_share > 0:
        resid = s > flex_mw + rule.emergency_share * np.maximum(load[over], 0) + EPS_MW
    else:
        resid = beyond_flex
    resid_h = np.bincount(yrs[resid], minlength=n_years).max() * STEP_H
    if resid_h > rule.max_residual_hours:
        return (
            f"shortage {resid_h:.2f} h/yr after {flex_mw:g} MW flex "
            f"(accepted {rule.max_residual_hours:g} h/yr)"
        )
    if rule.emergency_share > 0 and beyond_flex.any():
        em = steps[over][beyond_flex]
        yb = yrs[beyond_flex]
        new = np.ones(len(em), dtype=bool)
        new[1:] = (em[1:] != em[:-1] + 1) | (yb[1:] != yb[:-1])
        calls = np.bincount(yb[new], minlength=n_years).max()
        if calls > rule.emergency_max_calls:
            return f"emergency curtailment {calls} calls/yr (accepted {rule.emergency_max_calls:g})"
    called = np.bincount(yrs, minlength=n_years).max() * STEP_H
    if called > flex_hours:
        return f"flex needed {called:.2f} h/yr (offered {flex_hours:g} h/yr)"
    return ""


def risk_fails(
    steps: np.ndarray,
    year: np.ndarray,
    short: np.ndarray,
    load: np.ndarray,
    flex_mw: float,
    flex_hours: float,
    rule: RiskRule,
    n_years: int,
) -> bool:
    """Whether risk_message would give a reason; cheaper (counts per year only when the
    total over all design years could exceed a limit)."""
    over = short > EPS_MW
    n_over = int(np.count_nonzero(over))
    if n_over == 0:
        return False
    s = short[over]
    beyond_flex = s > flex_mw + EPS_MW
    if rule.emergency_share > 0:
        resid = s > flex_mw + rule.emergency_share * np.maximum(load[over], 0) + EPS_MW
    else:
        resid = beyond_flex
    n_resid = int(np.count_nonzero(resid))
    limit = rule.max_residual_hours / STEP_H
    if n_resid > limit:
        if limit <= 0:
            return True
        if np.bincount(year[over][resid], minlength=n_years).max() > limit:
            return True
    if rule.emergency_share > 0 and beyond_flex.any():
        em = steps[over][beyond_flex]
        yb = year[over][beyond_flex]
        new = np.ones(len(em), dtype=bool)
        new[1:] = (em[1:] != em[:-1] + 1) | (yb[1:] != yb[:-1])
        if np.count_nonzero(new) > rule.emergency_max_calls:
            if np.bincount(yb[new], minlength=n_years).max() > rule.emergency_max_calls:
                return True
    if n_over * STEP_H > flex_hours:
        return np.bincount(year[over], minlength=n_years).max() * STEP_H > flex_hours
    return False


class _State:
    """Candidate steps of one area and direction, with the load there (this direction, +)."""

    __slots__ = (
        "blocks",
        "cap",
        "dirty",
        "fail_msg",
        "failing",
        "flex_hours",
        "flex_mw",
        "gathered",
        "gmax",
        "idx",
        "load",
        "peak_excess",
        "rem",
        "rem_at_prune",
        "rem_total",
        "reserved",
        "short_idx",
        "year",
    )

    def __init__(self, idx, n_steps, load, cap, flex_mw, flex_hours, reserved):
        self.idx = idx
        self.year = idx // n_steps
        self.load = load
        self.cap = cap
        self.flex_mw = flex_mw
        self.flex_hours = flex_hours
        self.reserved = reserved  # purpose -> MW still held back (own area only)
        self.gathered: dict[object, np.ndarray] = {}
        self.failing = False
        self.fail_msg = ""
        self.short_idx = np.zeros(0, dtype=np.int64)
        self.dirty = True
        self.blocks = 0
        self.rem: np.ndarray | None = None  # undecided MW per key below the area
        self.rem_at_prune = 0.0
        self.rem_total = 0.0
        self.gmax: dict[int, float] = {}  # key -> max of its gathered shape
        # max(load − capacity) over the candidates; an over-estimate is safe (loads only
        # fall between updates, capacities only rise)
        self.peak_excess = np.inf

    def clone(self) -> _State:
        """A copy whose load and bookkeeping can change without touching this one."""
        c = _State.__new__(_State)
        for name in self.__slots__:
            setattr(c, name, getattr(self, name))
        c.load = self.load.copy()
        c.gathered = {k: v for k, v in self.gathered.items() if isinstance(k, int | np.integer)}
        c.gmax = dict(self.gmax)
        c.reserved = dict(self.reserved)
        c.rem = None if self.rem is None else self.rem.copy()
        return c

    def cap_for(self, purpose: str | None) -> float:
        if not self.reserved:
            return self.cap
        held = sum(v for k, v in self.reserved.items() if k != purpose)
        return self.cap - held


class _Engine:
    def __init__(self, p: AdmissionProblem):
        self.p = p
        self.years = list(p.design_years)
        self.n_years = len(self.years)
        self.n_steps = p.load_mw.shape[1]
        self.n_areas = len(p.area_ids)
        self.pos = {a: i for i, a in enumerate(p.area_ids)}
        self._requests(p.queue)
        # directional per-MW shapes of each key over the design years, flat (W_d * T)
        n_flat = self.n_years * self.n_steps
        self.dshape: list[np.ndarray] = []
        self.dshape32 = np.zeros((len(self.key_names), n_flat), dtype=np.float32)
        for k, (pc, d) in enumerate(self.key_names):
            sign = 1.0 if d == "offtake" else -1.0
            s = np.asarray(p.shape(pc, d))[self.years].ravel().astype(np.float64) * sign
            self.dshape.append(s)  # ≥ 0 in the request's own direction
            self.dshape32[k] = s
        self.key_dir = np.array([0 if d == "offtake" else 1 for _, d in self.key_names])
        # MW per (area subtree, key): bounds what the queue could ever add, per step
        own = np.zeros((self.n_areas, len(self.key_names)))
        np.add.at(own, (self.area, self.key), self.mw)
        self.subtree = p.agg.astype(np.float64) @ own  # (A, K)
        self.path = [np.flatnonzero(p.agg[:, a]) for a in range(self.n_areas)]
        self.states: dict[int, tuple[_State, _State]] = {}
        self.shortage_hours = np.zeros((self.n_areas, 2))
        self._scan()
        if p.ranking is not None:
            self._order(p.ranking)
        else:
            self.queue = p.queue
        self.keep: dict[tuple[str, str], np.ndarray] = {}
        self.local_day = None
        if p.calendar is not None:
            self.local_day = np.asarray(p.calendar.local_date_index, dtype=np.int64)

    def fork(self, problem: AdmissionProblem) -> _Engine:
        """A fresh engine on this one's scan, for `problem` (offer, terms, rule and flex may
        differ)."""
        new = _Engine.__new__(_Engine)
        new.__dict__.update(self.__dict__)
        new.p = problem
        new.states = {x: (a.clone(), b.clone()) for x, (a, b) in self.states.items()}
        for x, pair in new.states.items():  # flex does not move candidates: take the new one
            for d, st in enumerate(pair):
                st.flex_mw = float(problem.flex_mw[x, d])
                st.flex_hours = float(problem.flex_hours[x, d])
        new.keep = {}
        new.local_day = None
        if problem.calendar is not None:
            new.local_day = np.asarray(problem.calendar.local_date_index, dtype=np.int64)
        return new

    def _requests(self, q: pd.DataFrame) -> None:
        """Per-request arrays (in the order of `q`)."""
        self.area = q["area_id"].map(self.pos).to_numpy()
        self.dir = (q["direction"] == "feedin").to_numpy().astype(np.int64)
        self.mw = q["mw"].to_numpy(dtype=float)
        keys = list(zip(q["profile_class"], q["direction"], strict=True))
        if not hasattr(self, "key_names"):
            self.key_names = sorted(set(keys))
        kpos = {k: i for i, k in enumerate(self.key_names)}
        self.key = np.array([kpos[k] for k in keys], dtype=np.int64)
        res = q["reservation"] if "reservation" in q else pd.Series([None] * len(q))
        self.purpose = [
            r if isinstance(r, str) and r in self.p.reserved_mw else None for r in res.tolist()
        ]
        ctrl = (
            q["controllable_mw"].astype(float).fillna(0.0).to_numpy()
            if "controllable_mw" in q
            else np.zeros(len(q))
        )
        battery = (q["profile_class"] == "battery").to_numpy()
        self.steerable = np.where(battery, np.maximum(ctrl, self.mw), ctrl)
        share = (
            q["flexible_share"].astype(float).fillna(0.0).to_numpy()
            if "flexible_share" in q
            else np.zeros(len(q))
        )
        self.flex_share = np.clip(share, 0.0, 1.0)

    def _order(self, ranking) -> None:
        """ACM order, with the location criterion from the base shortage hours."""
        from netruimte.queue.priority import priority_permutation

        worst = np.zeros((self.n_areas, 2))
        for a in range(self.n_areas):
            worst[a] = self.shortage_hours[self.path[a]].max(axis=0)
        loc = worst[self.area, 1 - self.dir]
        order, score = priority_permutation(self.p.queue, ranking, loc)
        queue = self.p.queue.iloc[order].reset_index(drop=True)
        queue["efficiency_score"] = score[order]
        queue["priority"] = np.arange(1, len(queue) + 1)
        self.queue = queue
        for name in ("area", "dir", "mw", "key", "steerable", "flex_share"):
            setattr(self, name, getattr(self, name)[order])
        self.purpose = [self.purpose[j] for j in order]

    # ------------------------------------------------------------------ states
    def state(self, x: int) -> tuple[_State, _State]:
        return self.states[x]

    def _scan(self, chunk: int = 64) -> None:
        """Candidate steps of every area with requests below it, and base shortage hours.

        Pass 1, over the cube in chunks of areas (time-major, as the cube is stored): steps
        where load + all the queue's MW under the area reaches capacity. Pass 2, per area on
        that sparse set: keep steps where load + Σ_k MW_k · shape_k(t) (the most the queue
        could add at that step, by profile) reaches capacity. Base shortage steps are a subset
        of the candidates, so the shortage hours come from the sparse set too.
        """
        p = self.p
        n_areas, n_steps = self.n_areas, self.n_steps
        touched = p.agg[:, np.unique(self.area)].any(axis=1) if len(self.area) else None
        held = np.zeros((n_areas, 2))
        for mw in p.reserved_mw.values():
            held += mw
        total = np.zeros((n_areas, 2))
        for d in (0, 1):
            total[:, d] = self.subtree[:, self.key_dir == d].sum(axis=1)
        if touched is not None:
            total[~touched] = 0.0
        cap = p.capacity_mw
        with np.errstate(invalid="ignore"):
            thr = (cap - held - total - 1e-3).astype(np.float32)  # (A, 2); inf where no limit
        per_year = STEP_H / self.n_years
        hits: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = [[], []]
        for a0 in range(0, n_areas, chunk):
            a1 = min(a0 + chunk, n_areas)
            c = a1 - a0
            for wi, y in enumerate(self.years):
                block = p.load_mw[y, :, a0:a1]  # (T, c) view, time major as stored
                for d in (0, 1):
                    t_row = thr[a0:a1, d]
                    if not np.isfinite(t_row).any():
                        continue
                    mask = block > t_row if d == 0 else block < -t_row
                    flat = np.flatnonzero(mask)  # t * c + j, in time order
                    if len(flat):
                        t, col = np.divmod(flat, c)
                        area = (a0 + col).astype(np.int32)
                        hits[d].append((area, t + wi * n_steps, p.load_mw[y, t, area]))
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0))
        grouped: list[dict[int, tuple[np.ndarray, np.ndarray]]] = [{}, {}]
        for d, sign in ((0, 1.0), (1, -1.0)):
            if not hits[d]:
                continue
            area = np.concatenate([h[0] for h in hits[d]])
            step = np.concatenate([h[1] for h in hits[d]])
            load = sign * np.concatenate([h[2] for h in hits[d]]).astype(np.float64)
            # group by area (stable: steps stay sorted within an area; radix for small ints)
            order = np.argsort(area.astype(np.int16) if n_areas < 32768 else area, kind="stable")
            area, step, load = area[order], step[order], load[order]
            counts = np.bincount(area, minlength=n_areas)
            short = load > np.repeat(cap[:, d], counts)
            self.shortage_hours[:, d] = np.bincount(area[short], minlength=n_areas) * per_year
            # the most the undecided queue could add at each hit, by profile
            bound = np.full(len(step), 1e-3, dtype=np.float32)
            sub = np.where(self.key_dir[None, :] == d, self.subtree, 0.0).astype(np.float32)
            for k in np.flatnonzero(sub.max(axis=0) > 0):
                bound += np.repeat(sub[:, k], counts) * np.take(self.dshape32[k], step)
            keep = load + bound > np.repeat(cap[:, d] - held[:, d], counts) - EPS_MW
            if touched is not None:
                keep &= np.repeat(touched, counts)
            area, step, load = area[keep], step[keep], load[keep]
            bounds = np.searchsorted(area, np.arange(n_areas + 1))
            for x in np.flatnonzero(np.diff(bounds)):
                grouped[d][int(x)] = (
                    step[bounds[x] : bounds[x + 1]],
                    load[bounds[x] : bounds[x + 1]],
                )
        for x in range(n_areas):
            pair = []
            for d in (0, 1):
                idx, load = grouped[d].get(x, empty)
                reserved = {k: float(mw[x, d]) for k, mw in p.reserved_mw.items() if mw[x, d] > 0}
                st = _State(
                    idx,
                    n_steps,
                    load,
                    float(cap[x, d]),
                    float(p.flex_mw[x, d]),
                    float(p.flex_hours[x, d]),
                    reserved,
                )
                if len(idx):
                    st.rem = np.where(self.key_dir == d, self.subtree[x], 0.0)
                    st.rem_at_prune = st.rem_total = float(st.rem.sum())
                    st.peak_excess = float((load - st.cap_for(None)).max())
                else:
                    st.peak_excess = -np.inf
                pair.append(st)
            self.states[x] = (pair[0], pair[1])

    def gather(self, st: _State, k: int, d: int) -> np.ndarray:
        """Per-MW contribution of key k at st's steps, in st's direction d (+ adds load)."""
        g = st.gathered.get(k)
        if g is None:
            g = self.dshape[k][st.idx]
            if self.key_dir[k] != d:
                g = -g
            st.gathered[k] = g
        return g

    # ------------------------------------------------------------------ the check
    def rule_msg(self, st: _State, short: np.ndarray, load: np.ndarray) -> str:
        """Why the accepted-risk check fails on these short steps ('' = it passes)."""
        return risk_message(
            st.idx, st.year, short, load, st.flex_mw, st.flex_hours, self.p.rule, self.n_years
        )

    def _fails(self, st: _State, short: np.ndarray, load: np.ndarray) -> bool:
        """Whether the accepted-risk check fails (fast when no risk is accepted)."""
        rule = self.p.rule
        if (
            rule.max_residual_hours <= 0
            and rule.emergency_share <= 0
            and not np.isfinite(st.flex_hours)
        ):
            return bool((short > st.flex_mw + EPS_MW).any())
        return risk_fails(
            st.idx, st.year, short, load, st.flex_mw, st.flex_hours, rule, self.n_years
        )

    def gmax(self, st: _State, k: int) -> float:
        """Largest per-MW contribution of key k at st's steps (cached with the gathered shape)."""
        m = st.gmax.get(k)
        if m is None:
            g = st.gathered[k]
            m = st.gmax[k] = float(g.max()) if len(g) else 0.0
        return m

    def refresh(self, st: _State) -> None:
        """Recompute whether the direction fails at its current load (non-reserved view)."""
        short = st.load - st.cap_for(None)
        st.peak_excess = float(short.max()) if len(short) else -np.inf
        st.short_idx = np.flatnonzero(short > EPS_MW)
        st.failing = bool(len(st.short_idx)) and self._fails(st, short, st.load)
        st.fail_msg = ""  # built when first needed
        st.dirty = False
        st.blocks = 0

    def fail_message(self, st: _State) -> str:
        """The reason a refreshed, failing direction fails (cached until it changes)."""
        if not st.fail_msg:
            st.fail_msg = self.rule_msg(st, st.load - st.cap_for(None), st.load)
        return st.fail_msg

    def check(self, st: _State, g: np.ndarray, x: float, purpose: str | None, gkey=None):
        """(code, e) for adding e = x·g at st's steps. code 0: fits; 1: fits, the area is
        short but this adds nothing there; 2: blocked (`self.why()` gives the reason).
        e is None when the quick path decided without it."""
        self.last_over = None
        if purpose is None and not st.dirty and st.failing:
            if len(st.short_idx) and (x * g[st.short_idx] > EPS_MW).any():
                self._why = (st, None, None)
                return 2, None
        if (
            gkey is not None
            and purpose is None
            and st.peak_excess + x * self.gmax(st, gkey) < -EPS_MW
        ):
            self.last_over = None
            return 0, None  # even at its largest the request stays below capacity everywhere
        e = x * g
        load = st.load + e
        short = load - st.cap_for(purpose)
        over = short > EPS_MW
        self.last_over = over
        if not over.any():
            return 0, e
        if not (e[over] > EPS_MW).any():
            return 1, e
        if self._fails(st, short, load):
            self._why = (st, short, load)
            return 2, e
        return 0, e

    def why(self) -> str:
        """Reason of the last blocking check."""
        st, short, load = self._why
        if short is None:
            return self.fail_message(st)
        return self.rule_msg(st, short, load)

    # ------------------------------------------------------------------ contracts
    def try_contracts(self, i: int, path, es: list[np.ndarray], sts: list[_State], overs=None):
        """First offered contract that fits: (contract, firm e per area, hours, reason)."""
        d, k, x = int(self.dir[i]), int(self.key[i]), float(self.mw[i])
        purpose = self.purpose[i]
        notes = []
        lim = None  # limitation shared by the limit contracts: computed once
        if (
            self.p.terms.acceptance == "flexible_share"
            and self.flex_share[i] <= 0
            and self.steerable[i] <= 0
        ):  # a blocked request always needs some cut; this user can give up nothing
            return "", None, 0.0, "no flexible or controllable MW for another contract"
        for contract in self.p.offer[1:]:
            if contract == "csc" and self.steerable[i] <= 0:
                continue
            if contract in LIMIT_CONTRACTS:
                if lim is None:
                    lim = self._limitation(k, x, es, sts, purpose, overs)
                u_idx, cut, hours, need = lim
                days = 0.0
                if contract == "cbc_a" and self.local_day is not None:  # calls: only here
                    days = limited_days_per_year(u_idx, self.n_steps, self.n_years, self.local_day)
                why = limit_verdict(
                    contract,
                    hours,
                    days,
                    need,
                    float(self.steerable[i]),
                    float(self.flex_share[i]) * x,
                    self.p.terms,
                    self.n_steps,
                )
                if why:
                    notes.append(f"{contract}: {why}")
                    continue
                firm = []
                for st, e in zip(sts, es, strict=True):
                    if contract == "non_firm":
                        firm.append(np.zeros_like(e))
                        continue
                    f = e.copy()
                    if len(u_idx) and len(st.idx):
                        loc = np.minimum(np.searchsorted(st.idx, u_idx), len(st.idx) - 1)
                        hit = st.idx[loc] == u_idx
                        f[loc[hit]] -= cut[hit]
                    firm.append(f)
                return contract, firm, hours, "; ".join(notes)
            if contract in WINDOW_CONTRACTS:
                if self.p.calendar is None:
                    raise ValueError("window contracts need the calendar")
                share = float(self.flex_share[i])
                if self.p.terms.acceptance == "flexible_share" and share <= 0:
                    notes.append(f"{contract}: no flexible MW to give up in the windows")
                    continue
                key = (contract, DIRECTIONS[d], share)
                if key not in self.keep:
                    keep = window_keep(
                        contract, DIRECTIONS[d], self.p.terms, self.p.calendar, share
                    )
                    restricted = np.flatnonzero(keep < 1.0)
                    self.keep[key] = (keep, float(len(np.unique(restricted // 4))))
                keep, hours = self.keep[key]
                firm, msg = [], ""
                for j, (st, e) in enumerate(zip(sts, es, strict=True)):
                    kept = st.gathered.get(key)
                    if kept is None:
                        kept = st.gathered[key] = keep[st.idx % self.n_steps]
                    f = e * kept
                    firm.append(f)
                    if not msg and len(st.idx) and self.check(st, f, 1.0, purpose)[0] == 2:
                        msg = f"{self.p.area_ids[path[j]]}: {self.why()}"
                if msg:
                    notes.append(f"{contract}: {msg}")
                    continue
                return contract, firm, hours, "; ".join(notes)
        return "", None, 0.0, "; ".join(notes)

    def _limitation(self, k, x, es, sts, purpose, overs=None):
        """Steps where the request exceeds the least room of its areas; the cut there."""
        idx_parts, room_parts = [], []
        for j, (st, e) in enumerate(zip(sts, es, strict=True)):
            if len(st.idx) == 0:
                continue
            cap = st.cap_for(purpose)
            over = None if overs is None else overs.get(j)
            if over is None:
                over = st.load + e > cap + EPS_MW
            hit = over & (e > EPS_MW)
            if hit.any():
                idx_parts.append(st.idx[hit])
                room_parts.append(cap - st.load[hit])
        if not idx_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0), 0.0, 0.0
        idx = np.concatenate(idx_parts)
        room = np.concatenate(room_parts)
        if len(idx_parts) > 1:  # least room per step; each part is sorted, so merge
            order = np.argsort(idx, kind="stable")
            idx, room = idx[order], room[order]
            first = np.ones(len(idx), dtype=bool)
            first[1:] = idx[1:] != idx[:-1]
            starts = np.flatnonzero(first)
            idx, room = idx[starts], np.minimum.reduceat(room, starts)
        prof = x * self.dshape[k][idx]
        cut = np.clip(prof - np.maximum(room, 0.0), 0.0, prof)
        hours = limited_hours_per_year(idx, self.n_steps, self.n_years)
        return idx, cut, hours, float(cut.max())

    # ------------------------------------------------------------------ the loop
    def run(self, progress=None) -> AdmissionOutcome:
        n = len(self.mw)
        outcome, contract_of, reason, binding = [], [], [], []
        limited = np.zeros(n)
        rows = range(n)
        if progress is not None:
            rows = progress.track(rows, "queue admission", total=n)
        ids = self.p.area_ids
        contracts = len(self.p.offer) > 1
        reasons = self.p.reasons
        for i in rows:
            a, d, k, x = int(self.area[i]), int(self.dir[i]), int(self.key[i]), float(self.mw[i])
            purpose = self.purpose[i]
            path = self.path[a]
            sts, es = [], []
            overs: dict[int, np.ndarray | None] = {}
            blocked_msg, blocked_at, congested_ok = "", -1, False
            for xa in path:
                st = self.state(xa)[d]
                sts.append(st)
                es.append(None)
                if len(st.idx) == 0 or (blocked_at >= 0 and not contracts):
                    continue
                code, e = self.check(st, self.gather(st, k, d), x, purpose, k)
                es[-1] = e
                overs[len(sts) - 1] = self.last_over
                congested_ok |= code == 1
                if code == 2:
                    if blocked_at < 0:
                        blocked_msg = self.why() if reasons else "blocked"
                        blocked_at = xa
                    st.blocks += 1
                    if st.dirty and purpose is None:
                        self.refresh(st)
            es = (
                [
                    x * self.gather(st, k, d) if e is None else e
                    for st, e in zip(sts, es, strict=True)
                ]
                if (blocked_at < 0 or contracts)
                else es
            )
            if blocked_at < 0:
                congested_ok |= self._admit(i, path, sts, es, full=True)
                outcome.append("admitted")
                contract_of.append("firm")
                reason.append(
                    "does not increase the shortage of a congested area"
                    if congested_ok
                    else "within capacity and accepted risk"
                )
                binding.append("")
                self._decided(i, sts)
                continue
            firm_reason = f"{ids[blocked_at]}: {DIR_NAMES[d]} {blocked_msg}"
            if len(self.p.offer) > 1:
                c, firm, hours, notes = self.try_contracts(i, path, es, sts, overs)
                if c:
                    self._admit(i, path, sts, firm, full=False)
                    outcome.append("admitted")
                    contract_of.append(c)
                    tail = f" (tried {notes})" if notes else ""
                    reason.append(
                        f"{c}: limited {hours:.0f} h/yr; firm blocked: {firm_reason}{tail}"
                    )
                    binding.append(ids[blocked_at])
                    limited[i] = hours
                    self._decided(i, sts)
                    continue
                firm_reason += f"; no contract fits ({notes})" if notes else ""
            outcome.append("waiting")
            contract_of.append("")
            reason.append(firm_reason)
            binding.append(ids[blocked_at])
            self._decided(i, sts)
        return AdmissionOutcome(outcome, contract_of, reason, binding, limited)

    def _decided(self, i: int, sts: list[_State]) -> None:
        """Request i no longer bounds its areas' candidates; prune them now and then."""
        k, x = int(self.key[i]), float(self.mw[i])
        for st in sts:
            if st.rem is None:
                continue
            st.rem[k] -= x
            st.rem_total -= x
            if len(st.idx) > 2048 and st.rem_total < 0.6 * st.rem_at_prune:
                self._prune(st)

    def _prune(self, st: _State) -> None:
        """Drop steps that even the undecided rest of the queue can no longer make short."""
        keys = np.flatnonzero(st.rem > 1e-9)
        bound = np.full(len(st.idx), 1e-3)
        for k in keys:
            bound += st.rem[k] * self.dshape[k][st.idx]
        keep = st.load + bound > st.cap_for("") - EPS_MW
        st.idx, st.year, st.load = st.idx[keep], st.year[keep], st.load[keep]
        st.gathered = {}
        st.gmax = {}
        st.peak_excess = float((st.load - st.cap_for(None)).max()) if len(st.idx) else -np.inf
        st.dirty = True
        st.rem_at_prune = st.rem_total = float(st.rem.sum())

    def _admit(self, i: int, path, sts, es, full: bool) -> bool:
        """Add the request's firm part; True when the other direction is still short."""
        d, k, x = int(self.dir[i]), int(self.key[i]), float(self.mw[i])
        purpose = self.purpose[i]
        other_congested = False
        for xa, st, e in zip(path, sts, es, strict=True):
            if len(st.idx):
                st.load += e
                st.dirty = True
                st.peak_excess = float((st.load - st.cap_for(None)).max())
            if purpose is not None and purpose in st.reserved and xa == self.area[i]:
                st.reserved[purpose] = max(0.0, st.reserved[purpose] - x)
            if full:  # the firm profile relieves the other direction
                other = self.state(xa)[1 - d]
                if len(other.idx):
                    other.load += x * self.gather(other, k, 1 - d)
                    other.dirty = True
                    if (other.load > other.cap_for(None) + EPS_MW).any():
                        other_congested = True  # still short there; this request relieved it
        return other_congested


def prepare(problem: AdmissionProblem) -> _Engine:
    """Scan and order once; reusable (see run_admission) for problems that differ from this
    one only in the contracts offered, their terms, the accepted-risk rule and the flex."""
    return _Engine(problem)


def run_admission(
    problem: AdmissionProblem, progress=None, prepared: _Engine | None = None
) -> tuple[pd.DataFrame, AdmissionOutcome]:
    """Admit the queue of `problem`; pure. Returns (the queue in admission order, outcome).

    `prepared` (from `prepare` on a problem with the same load, design years, capacities,
    flex, shapes, queue and reservations) skips the scan; it is not modified.
    """
    engine = _Engine(problem) if prepared is None else prepared.fork(problem)
    return engine.queue, engine.run(progress)
