"""Breakthrough 3: contract types as rules on a connection's profile.

A rule takes the connection's wanted load p(t) ≥ 0 in its own direction and the room
r(t) = capacity − load of the area (the tightest of its area and the areas above) on a set of
steps, and returns the firm part f(t) ≤ p(t) the operator guarantees:

- firm: f = p (admissible only when the area's accepted-risk check passes);
- non_firm (non-firm ATO): f = 0; the connection uses room when there is room;
- tdtr: f = p except where p > max(r, 0), there f = max(r, 0); at most 15% of the clock hours
  of a year may be limited (announced day-ahead), else the contract does not fit;
- tbtr: f = p outside the agreed restricted blocks, 0 inside (blocks ≤ 15% of hours);
- cbc_a: like tdtr, but counted in called days (day-ahead calls), at most N per year;
- cbc_t: f = p outside fixed windows, `limit_share` · p inside (paid per availability);
- csc: the operator steers the controllable MW c: f = p − min(c, p − max(r, 0)); fits when
  the steering needed never exceeds c (batteries: c = MW).

Steps are flat indices into (design years × steps of a year); everything is vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netruimte.errors import InputError
from netruimte.measures.params import ContractTerms
from netruimte.timeaxis import STEP_H, STEPS_PER_HOUR

EPS_MW = 1e-6
CONTRACTS = ("firm", "non_firm", "tdtr", "tbtr", "cbc_a", "cbc_t", "csc")
LIMIT_CONTRACTS = ("non_firm", "tdtr", "cbc_a", "csc")  # limited where the room runs out
WINDOW_CONTRACTS = ("tbtr", "cbc_t")  # limited in fixed windows


@dataclass
class RuleResult:
    """Outcome of one contract rule for one connection on a set of steps."""

    contract: str
    fits: bool
    firm_mw: np.ndarray  # firm part at the steps
    limited_hours_per_year: float  # clock hours with a limit, worst design year
    limited_days_per_year: float  # local days with a limit (calls), worst design year
    why: str  # '' when it fits, else the reason it does not
    needs_firm_check: bool  # window contracts: the firm part must pass the area's risk check


def per_year_max(keys: np.ndarray, year_of_key: np.ndarray, n_years: int) -> float:
    """Largest count of distinct keys in one year; `keys` must be sorted (non-decreasing)."""
    if len(keys) == 0:
        return 0.0
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return float(np.bincount(year_of_key[first], minlength=n_years).max())


def limited_hours_per_year(steps: np.ndarray, n_steps: int, n_years: int) -> float:
    """Distinct clock hours (of the UTC axis) among sorted `steps`, worst year."""
    return per_year_max(steps // STEPS_PER_HOUR, steps // n_steps, n_years)


def limited_days_per_year(
    steps: np.ndarray, n_steps: int, n_years: int, local_day: np.ndarray
) -> float:
    """Distinct local days among sorted `steps`, worst year (one day-ahead call per day)."""
    year = steps // n_steps
    return per_year_max(year * 1000 + local_day[steps % n_steps], year, n_years)


def hours_per_year(n_steps: int) -> float:
    return n_steps * STEP_H


def window_keep(
    contract: str,
    direction: str,
    terms: ContractTerms,
    calendar,
    flexible_share: float | None = None,
) -> np.ndarray:
    """Firm share of the profile per step of the year for a window contract, float64 (T,).

    Inside the windows the connection keeps `1 − flexible_share` of its profile when users
    accept by their flexible MW (terms.acceptance = "flexible_share"), else 0 (TBTR) or
    `cbc_t_limit_share` (CBC-T).
    """
    if contract == "tbtr":
        mask = terms.tbtr_restricted[direction].mask(calendar)
        inside = 0.0
    elif contract == "cbc_t":
        mask = terms.cbc_t_windows[direction].mask(calendar)
        inside = terms.cbc_t_limit_share
    else:
        raise ValueError(f"{contract!r} is not a window contract")
    if terms.acceptance == "flexible_share" and flexible_share is not None:
        inside = max(inside, 1.0 - flexible_share)
    return np.where(mask, inside, 1.0)


def check_tbtr_blocks(terms: ContractTerms, calendar) -> None:
    """TBTR must stay firm in at least (1 − tdtr_max_limited_share) of the hours."""
    for direction, window in terms.tbtr_restricted.items():
        share = float(window.mask(calendar).mean())
        if share > terms.tdtr_max_limited_share + 1e-9:
            raise InputError(
                f"TBTR restricted blocks cover {share:.1%} of the hours; at most "
                f"{terms.tdtr_max_limited_share:.0%} may be restricted",
                column=f"measures.contracts.terms.tbtr_restricted.{direction}",
            )


def apply_contract(
    contract: str,
    steps: np.ndarray,
    profile_mw: np.ndarray,
    room_mw: np.ndarray,
    *,
    n_steps: int,
    n_years: int,
    terms: ContractTerms,
    local_day: np.ndarray | None = None,
    keep: np.ndarray | None = None,
    steerable_mw: float = 0.0,
    flexible_mw: float = 0.0,
) -> RuleResult:
    """Apply one contract rule on `steps` (flat indices, sorted) for profile p and room r.

    For limit contracts only the steps where p may exceed the room matter; steps not passed
    are unlimited. Window contracts need `keep` (T,) from `window_keep`. steerable_mw: MW the
    operator may steer (CSC); flexible_mw: MW the user can give up (acceptance).
    """
    p = np.asarray(profile_mw, dtype=np.float64)
    if contract == "firm":
        return RuleResult(contract, True, p, 0.0, 0.0, "", True)
    if contract in WINDOW_CONTRACTS:
        if keep is None:
            raise ValueError("window contracts need `keep`")
        firm = p * keep[steps % n_steps]
        limited = steps[(firm < p - EPS_MW)]
        why = ""
        if terms.acceptance == "flexible_share" and flexible_mw <= EPS_MW:
            why = "no flexible MW to give up in the windows"
        return RuleResult(
            contract,
            not why,
            firm,
            limited_hours_per_year(limited, n_steps, n_years),
            0.0
            if local_day is None
            else limited_days_per_year(limited, n_steps, n_years, local_day),
            why,
            True,
        )
    if contract not in LIMIT_CONTRACTS:
        raise ValueError(f"unknown contract type {contract!r}")
    excess = np.clip(p - np.maximum(room_mw, 0.0), 0.0, p)
    limited = steps[excess > EPS_MW]
    hours = limited_hours_per_year(limited, n_steps, n_years)
    days = 0.0 if local_day is None else limited_days_per_year(limited, n_steps, n_years, local_day)
    need = float(excess.max()) if len(excess) else 0.0
    why = limit_verdict(contract, hours, days, need, steerable_mw, flexible_mw, terms, n_steps)
    firm = np.zeros_like(p) if contract == "non_firm" else p - excess
    return RuleResult(contract, not why, firm, hours, days, why, False)


def limit_verdict(
    contract: str,
    hours: float,
    days: float,
    need_mw: float,
    steerable_mw: float,
    flexible_mw: float,
    terms: ContractTerms,
    n_steps: int,
) -> str:
    """Why a limit contract does not fit ('' = it fits), from the limitation it would get.

    hours: limited clock hours per year; days: limited local days (calls) per year; need_mw:
    the largest cut needed. The contract's own rules (TDTR ≤ 15% of hours, CBC-A ≤ N calls,
    CSC cut ≤ controllable MW) and the user's acceptance: by flexible MW (the cut never
    exceeds what the user can give up) or by hours (limited hours ≤ user_max_limited_share).
    """
    year_hours = hours_per_year(n_steps)
    if contract == "csc":
        if steerable_mw <= 0:
            return "not steerable (no controllable MW)"
        if need_mw > steerable_mw + EPS_MW:
            return f"steering {need_mw:.2f} MW needed > {steerable_mw:.2f} MW controllable"
        return ""
    if contract == "tdtr":
        cap_h = terms.tdtr_max_limited_share * year_hours
        if hours > cap_h + 1e-9:
            return f"limited {hours:.0f} h/yr > {cap_h:.0f} allowed"
    elif contract == "cbc_a":
        if days > terms.cbc_a_max_calls_per_year:
            return f"{days:.0f} calls/yr > {terms.cbc_a_max_calls_per_year}"
    elif contract != "non_firm":
        raise ValueError(f"{contract!r} is not a limit contract")
    if terms.acceptance == "flexible_share":
        if need_mw > flexible_mw + EPS_MW:
            return f"cut {need_mw:.2f} MW > {flexible_mw:.2f} MW flexible"
        return ""
    accepted_h = terms.user_max_limited_share * year_hours
    if hours > accepted_h + 1e-9:
        return f"limited {hours:.0f} h/yr > {accepted_h:.0f} accepted"
    return ""


# ------------------------------------------------------------------ comparison for one request
def _runs_per_year(steps: np.ndarray, n_steps: int, n_years: int) -> float:
    """Mean number of runs (consecutive steps) per design year among sorted `steps`."""
    if len(steps) == 0:
        return 0.0
    new = np.ones(len(steps), dtype=bool)
    new[1:] = steps[1:] != steps[:-1] + 1
    return float(new.sum()) / n_years


def compare_contracts(picture, request: dict, extra_mw: np.ndarray | None = None):
    """Compare every contract type for one request on the picture (the grid at its turn).

    request: area_id, mw, profile_class, direction, and optionally controllable_mw,
    flexible_share. `extra_mw` (W, T, A) is load added before it (e.g. the requests admitted
    ahead of it). Per contract: whether the requested MW fits now, the MW admissible now, the
    limitation at the MW offered (min of both): events, hours and MWh per year; the discount
    or fees; and the user's business case in €/yr (value of the energy transported minus the
    transport tariff after discount plus fees received).
    """
    import pandas as pd

    from netruimte.measures.prognosis import headroom_mw

    terms = picture.terms
    area_id, direction = request["area_id"], request["direction"]
    mw = float(request["mw"])
    pc = request.get("profile_class", "flat")
    d = 0 if direction == "offtake" else 1
    sign = 1.0 if d == 0 else -1.0
    shape = picture.request_shape(pc, direction)
    battery = pc == "battery"
    ctrl = np.nan_to_num(float(request.get("controllable_mw") or 0.0), nan=0.0)
    steerable = max(ctrl, mw) if battery else ctrl
    flexible_mw = np.nan_to_num(float(request.get("flexible_share") or 0.0), nan=0.0) * mw
    years = list(picture.design_years)
    n_years, n_steps = len(years), picture.load_mw.shape[1]
    s = (sign * shape[years]).ravel().astype(np.float64)  # ≥ 0 per MW
    a = picture.area_ids.index(area_id)
    room = np.full(len(s), np.inf)  # least room over the area and those above
    for x in np.flatnonzero(picture.agg[:, a]):
        cap = float(picture.capacity_mw[x, d])
        if not np.isfinite(cap):
            continue
        load = sign * picture.load_mw[years, :, x].ravel().astype(np.float64)
        if extra_mw is not None:
            load = load + sign * extra_mw[years, :, x].ravel()
        room = np.minimum(room, cap - load)
    steps = np.arange(len(s))
    energy = s.sum() * STEP_H / n_years  # MWh per MW per year
    tariff = terms.transport_tariff_eur_per_kw_yr * 1000.0
    calendar = picture.calendar
    local_day = np.asarray(calendar.local_date_index, dtype=np.int64)

    def limit_rule(contract: str, x: float) -> RuleResult:
        prof = x * s
        hit = prof > np.maximum(room, 0.0) + EPS_MW
        return apply_contract(
            contract,
            steps[hit],
            prof[hit],
            room[hit],
            n_steps=n_steps,
            n_years=n_years,
            terms=terms,
            local_day=local_day,
            steerable_mw=x if battery else min(steerable, x),
            flexible_mw=flexible_mw * x / mw,
        )

    def largest(fits, hi: float) -> float:
        if fits(hi):
            return hi
        lo = 0.0
        while hi - lo > 1e-3 * max(1.0, hi):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if fits(mid) else (lo, mid)
        return lo

    rows = []
    for contract in CONTRACTS:
        discount = terms.discount.get(contract, 0.0)
        if contract in ("firm", "tbtr", "cbc_t"):
            keep = None
            if contract != "firm":
                keep = window_keep(contract, direction, terms, calendar, flexible_mw / mw)
            full = shape if keep is None else shape * keep[None, :]
            max_mw, _ = headroom_mw(picture, area_id, direction, full, extra_mw, upper_mw=mw)
            why = ""
            if keep is not None and terms.acceptance == "flexible_share" and flexible_mw <= 0:
                why, max_mw = "no flexible MW to give up in the windows", 0.0
            offered = min(mw, max_mw)
            lost = np.zeros(len(s)) if keep is None else offered * s * (1 - keep[steps % n_steps])
            limited_steps = steps[lost > EPS_MW]
        else:
            if contract == "csc" and steerable <= 0:
                rows.append(
                    {
                        "contract": contract,
                        "fits_requested_mw": False,
                        "why": "not steerable (no controllable MW)",
                    }
                )
                continue
            max_mw = largest(lambda x, c=contract: limit_rule(c, x).fits, mw)
            offered = min(mw, max_mw)
            res = limit_rule(contract, offered)
            why = limit_rule(contract, mw).why
            prof = offered * s
            lost = np.clip(prof - np.maximum(room, 0.0), 0.0, prof)
            if contract == "non_firm":  # uses room only when there is room
                lost = np.where(prof > np.maximum(room, 0.0) + EPS_MW, lost, 0.0)
            limited_steps = steps[lost > EPS_MW]
            del res
        limited_mwh = lost.sum() * STEP_H / n_years
        fees = 0.0
        if contract == "cbc_a":
            fees = terms.cbc_a_availability_eur_per_mw_yr * offered + (
                terms.cbc_a_activation_eur_per_mwh * limited_mwh
            )
        elif contract == "cbc_t":
            fees = terms.cbc_t_availability_eur_per_mw_yr * offered
        elif contract == "csc":
            fees = terms.csc_availability_eur_per_mw_yr * offered + (
                terms.csc_activation_eur_per_mwh * limited_mwh
            )
        value = terms.user_value_eur_per_mwh * (offered * energy - limited_mwh)
        rows.append(
            {
                "contract": contract,
                "fits_requested_mw": max_mw >= mw - 1e-6 and not why,
                "mw_admissible_now": round(max_mw, 3),
                "mw_offered": round(offered, 3),
                "limited_events_per_year": round(
                    _runs_per_year(limited_steps, n_steps, n_years), 2
                ),
                "limited_hours_per_year": limited_hours_per_year(limited_steps, n_steps, n_years),
                "limited_mwh_per_year": round(limited_mwh, 3),
                "discount_eur_per_yr": round(discount * tariff * offered, 2),
                "fees_eur_per_yr": round(fees, 2),
                "business_case_eur_per_yr": round(
                    value - tariff * offered * (1 - discount) + fees, 2
                ),
                "why": why,
            }
        )
    return pd.DataFrame(rows)
