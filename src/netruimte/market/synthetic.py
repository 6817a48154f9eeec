"""Seeded synthetic tender bids, for benchmarks, tests and demos (clearly generated data).

Technologies and price ranges follow public Dutch congestion-management figures loosely:
availability 5–40 k€/MW/yr, activation 50–500 €/MWh (BCG's worst regions reach 2,000+),
CO₂ per technology (0 for batteries and demand response, ~450 kg/MWh for gas engines).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import numpy as np

from netruimte.market.bids import Bid
from netruimte.market.need import Need
from netruimte.market.windows import Window

# technology: (action for offtake need, action for feed-in need, co2 kg/MWh, max duration h
# choices, activation €/MWh range, availability €/MW/yr range)
TECHNOLOGIES: dict[
    str, tuple[str, str, float, tuple[float, ...], tuple[float, float], tuple[float, float]]
] = {
    "battery": ("more_feedin", "more_offtake", 0.0, (1, 2, 4), (40, 150), (15000, 40000)),
    "demand response": ("less_offtake", "more_offtake", 0.0, (2, 4, 8), (80, 400), (5000, 20000)),
    "e-boiler": ("less_offtake", "more_offtake", 0.0, (4, 8, 12), (60, 250), (4000, 15000)),
    "gas engine": ("more_feedin", "less_feedin", 450.0, (8, 12, 24), (150, 350), (8000, 25000)),
    "emergency generator": ("more_feedin", "less_feedin", 700.0, (4, 8), (250, 500), (3000, 12000)),
    "curtailment": ("less_offtake", "less_feedin", 0.0, (4, 8, 24), (50, 200), (2000, 10000)),
}


def _random_window(rng: np.random.Generator, year: int) -> Window:
    if rng.random() < 0.6:  # month-aligned
        m0 = int(rng.integers(1, 13))
        m1 = int(rng.integers(m0, 13))
        start, end = date(year, m0, 1), date(year, m1, calendar.monthrange(year, m1)[1])
    else:
        d0 = int(rng.integers(0, 365))
        d1 = int(rng.integers(d0, 365))
        start, end = date(year, 1, 1) + timedelta(d0), date(year, 1, 1) + timedelta(d1)
    days = str(rng.choice(["all", "all", "workday", "non-workday"]))
    if rng.random() < 0.35:
        return Window(start=start, end=end, days=days)  # type: ignore[arg-type]
    h0 = int(rng.integers(0, 24))
    length = int(rng.integers(3, 16))
    h1 = (h0 + length) % 24 or 24
    return Window(start=start, end=end, days=days, from_hour=h0, to_hour=h1)  # type: ignore[arg-type]


def random_bids(needs: list[Need], n: int, seed: int = 0) -> list[Bid]:
    """n plausible bids spread over the needs' areas (weighted by peak need)."""
    rng = np.random.default_rng(seed)
    year = needs[0].year
    weights = np.array([max(nd.peak_mw, 0.1) for nd in needs])
    weights = weights / weights.sum()
    techs = list(TECHNOLOGIES)
    bids = []
    for i in range(n):
        nd = needs[int(rng.choice(len(needs), p=weights))]
        area = (
            nd.area_id
            if not nd.relieving_area_ids or rng.random() < 0.3
            else str(rng.choice(nd.relieving_area_ids))
        )
        tech = techs[int(rng.integers(len(techs)))]
        off_action, feed_action, co2, durations, act_rng, avail_rng = TECHNOLOGIES[tech]
        action = off_action if nd.direction == "offtake" else feed_action
        mw = float(np.round(max(0.1, nd.peak_mw * 0.08 * np.exp(0.8 * rng.standard_normal())), 1))
        divisible = bool(rng.random() < 0.4)
        n_win = int(rng.choice([0, 1, 1, 2, 3]))
        start = date(year, 1, 1) if rng.random() < 0.8 else date(year, int(rng.integers(2, 7)), 1)
        bids.append(
            Bid(
                bid_id=f"B{i + 1:05d}",
                bidder=f"P{int(rng.integers(1, max(2, n // 3))):04d}",
                area_id=area,
                asset="new" if rng.random() < 0.4 else "existing",
                action=action,  # type: ignore[arg-type]
                technology=tech,
                mw=mw,
                divisible=divisible,
                min_mw=round(mw * float(rng.choice([0.0, 0.25, 0.5])), 2) if divisible else None,
                windows=[_random_window(rng, year) for _ in range(n_win)],
                max_activations_per_year=int(rng.choice([20, 50, 100, 200, 400])),
                max_duration_h=float(rng.choice(durations)),
                availability_eur_per_mw_yr=float(np.round(rng.uniform(*avail_rng), -2)),
                activation_eur_per_mwh=float(np.round(rng.uniform(*act_rng))),
                co2_kg_per_mwh=co2,
                start_date=start,
            )
        )
    return bids
