"""An independent reference for the tender: quarter-hour masks from pandas, brute force.

Nothing here uses the market's grid, atoms or MILP: windows are matched against each UTC
quarter-hour converted to Europe/Amsterdam with pandas and the `holidays` package, coverage is
checked step by step, and every subset of bids is tried (divisible bids: an LP per subset).
"""

from __future__ import annotations

import itertools
from datetime import date
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd
from scipy.optimize import linprog

from netruimte.market.bids import Bid
from netruimte.market.need import RELIEVES, Need
from netruimte.market.windows import Window


@lru_cache(maxsize=4)
def local_fields(year: int):
    axis = pd.date_range(
        f"{year}-01-01", f"{year + 1}-01-01", freq="15min", tz="UTC", inclusive="left"
    )
    local = axis.tz_convert("Europe/Amsterdam")
    dates = np.array(local.date)
    nl = holidays.country_holidays("NL", years=[year, year + 1])
    workday = np.array([d.weekday() < 5 and d not in nl for d in dates])
    return dates, local.hour.to_numpy(), workday


def window_steps(w: Window, year: int) -> np.ndarray:
    dates, hours, workday = local_fields(year)
    ok = (dates >= w.start) & (dates <= w.end)
    if w.days == "workday":
        ok &= workday
    elif w.days == "non-workday":
        ok &= ~workday
    if w.from_hour < w.to_hour:
        ok &= (hours >= w.from_hour) & (hours < w.to_hour)
    else:
        ok &= (hours >= w.from_hour) | (hours < w.to_hour)
    return ok


def bid_steps(b: Bid, year: int) -> np.ndarray:
    dates, _, _ = local_fields(year)
    if b.windows:
        ok = np.zeros(len(dates), dtype=bool)
        for w in b.windows:
            ok |= window_steps(w, year)
    else:
        ok = np.ones(len(dates), dtype=bool)
    return ok & (dates >= b.start_date)


def reference_problem(needs: list[Need], bids: list[Bid], co2_eur_per_t: float):
    """Per-step coverage matrices, eligibility and cost per MW, straight from the definitions."""
    year = needs[0].year
    steps = [bid_steps(b, year) for b in bids]
    n_b = len(bids)
    rows = []  # (need index, block index, per-step usable matrix (T_block, B), need MW, hours)
    act_mwh = np.zeros(n_b)
    for ni, need in enumerate(needs):
        bm = [window_steps(bl.window, year) for bl in need.blocks]
        elig = np.zeros((n_b, len(need.blocks)), dtype=bool)
        for b, bid in enumerate(bids):
            if bid.area_id not in need.areas or RELIEVES[bid.action] != need.direction:
                continue
            for k, bl in enumerate(need.blocks):
                elig[b, k] = (steps[b] & bm[k]).any() and bid.max_duration_h >= bl.max_duration_h
            acts = sum(bl.activations_per_year for k, bl in enumerate(need.blocks) if elig[b, k])
            if need.max_activations_per_year > 0:
                acts = min(acts, need.max_activations_per_year)
            if bid.max_activations_per_year < acts:
                elig[b, :] = False
            e = 0.0
            for k, bl in enumerate(need.blocks):
                if elig[b, k]:
                    share = (steps[b] & bm[k]).sum() / bm[k].sum()
                    e += share * bl.expected_mwh_per_year / bl.mw
            act_mwh[b] = max(act_mwh[b], e)
        for k, bl in enumerate(need.blocks):
            usable = np.stack([steps[b][bm[k]] & elig[b, k] for b in range(n_b)], axis=1)
            rows.append((ni, k, usable, bl.mw, bl.expected_hours_per_year))
    days = (date(year, 12, 31) - date(year, 1, 1)).days + 1
    cost = np.zeros(n_b)
    for b, bid in enumerate(bids):
        share = ((date(year, 12, 31) - max(bid.start_date, date(year, 1, 1))).days + 1) / days
        e = min(act_mwh[b], bid.max_activations_per_year * bid.max_duration_h)
        cost[b] = bid.availability_eur_per_mw_yr * share + e * (
            bid.activation_eur_per_mwh + co2_eur_per_t * bid.co2_kg_per_mwh / 1000
        )
    return rows, cost


def brute_force(needs: list[Need], bids: list[Bid], co2_eur_per_t: float = 100.0):
    """Least-cost acceptance by enumerating every subset of bids: (cost, accepted MW)."""
    rows, cost = reference_problem(needs, bids, co2_eur_per_t)
    n_b = len(bids)
    mw = np.array([b.mw for b in bids])
    allowance = np.array([(1 - n.reliability) * n.expected_hours_per_year for n in needs])
    # blocks that even all bids cannot cover are exempt (the need is then 'partial')
    forced = np.zeros(len(needs))
    live = []
    for ni, k, usable, need_mw, hours in rows:
        if (usable.astype(float) @ mw < need_mw - 1e-9).any():
            forced[ni] += hours
        else:
            live.append((ni, k, np.unique(usable, axis=0).astype(float), need_mw, hours))
    allowance = np.maximum(allowance, forced)
    divisible = np.array([bool(b.divisible) for b in bids])
    lo = np.array([b.min_accept_mw for b in bids])
    best_cost, best_x = np.inf, None
    for subset in itertools.product([0, 1], repeat=n_b):
        on = np.array(subset, dtype=bool)
        if not divisible[on].any():
            x = np.where(on, mw, 0.0)
            uncovered = forced.copy()  # blocks nobody can cover stay uncovered
            missed = np.zeros(len(needs), dtype=bool)
            for ni, _, usable, need_mw, hours in live:
                if (usable @ x < need_mw - 1e-9).any():
                    uncovered[ni] += hours
                    missed[ni] = True
            # reliability 1: every coverable block; else uncovered hours within the allowance
            if all(
                not missed[i] if n.reliability >= 1 else uncovered[i] <= allowance[i] + 1e-6
                for i, n in enumerate(needs)
            ):
                c = float(cost @ x)
                if c < best_cost - 1e-9:
                    best_cost, best_x = c, x
            continue
        # divisible bids on: an LP over their MW (reliability 1 only)
        assert all(n.reliability >= 1 for n in needs), "the LP branch handles reliability 1"
        bounds = [
            (lo[b], mw[b]) if on[b] and divisible[b] else (mw[b] if on[b] else 0.0,) * 2
            for b in range(n_b)
        ]
        a_ub, b_ub = [], []
        for _, _, usable, need_mw, _ in live:
            a_ub.append(-usable)
            b_ub.append(np.full(len(usable), -need_mw))
        if a_ub:
            res = linprog(
                cost, A_ub=np.vstack(a_ub), b_ub=np.concatenate(b_ub), bounds=bounds, method="highs"
            )
        else:
            res = linprog(cost, bounds=bounds, method="highs")
        if res.status == 0 and res.fun < best_cost - 1e-9:
            best_cost, best_x = float(res.fun), res.x
    return best_cost, best_x


def covers(needs: list[Need], bids: list[Bid], x: np.ndarray) -> bool:
    """Whether accepted MW x cover every need block at every quarter-hour (reliability 1)."""
    rows, _ = reference_problem(needs, bids, 0.0)
    mw = np.array([b.mw for b in bids])
    for _, _, usable, need_mw, _ in rows:
        if (usable.astype(float) @ mw < need_mw - 1e-9).any():
            continue  # not coverable at all
        if (usable.astype(float) @ x < need_mw - 1e-6).any():
            return False
    return True
