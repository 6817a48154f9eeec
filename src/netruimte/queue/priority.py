"""Priority order of the queue under the ACM prioritisation framework (December 2025).

Category 1 congestion relievers first, ranked by the five efficiency criteria (location
relative to the bottleneck, MW controllable, availability date, period available, €/MWh
asked); then category 2 safety and category 3 basic needs (offtake only); then everyone else
first-come-first-served. Ties everywhere: submitted date, then request id (deterministic).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from netruimte.queue.policy import CRITERIA, Ranking

CATEGORY_RANK = {"relief": 0, "safety": 1, "basic": 2, "other": 3}


def _goodness(queue: pd.DataFrame, location_hours: np.ndarray) -> dict[str, np.ndarray]:
    """Each criterion as a number where higher is better; missing values rank worst."""
    avail = pd.to_datetime(queue["available_from"], errors="coerce")
    days = ((avail - pd.Timestamp("2000-01-01")).dt.days).to_numpy(dtype=float)

    def col(name: str) -> np.ndarray:
        return queue[name].to_numpy(dtype=float, na_value=np.nan)

    return {
        "location": np.nan_to_num(np.asarray(location_hours, dtype=float), nan=0.0),
        "controllable_mw": np.nan_to_num(col("controllable_mw"), nan=0.0),
        "available_from": np.where(np.isnan(days), -np.inf, -days),
        "available_hours": np.nan_to_num(col("available_hours_per_year"), nan=0.0),
        "price": np.where(np.isnan(p := col("price_eur_per_mwh")), -np.inf, -p),
    }


def efficiency_scores(
    queue: pd.DataFrame, location_hours: np.ndarray | None, ranking: Ranking
) -> np.ndarray:
    """Weighted percentile score in [0, 1] of each request on the five criteria (1 = best).

    A criterion's percentile is (rank − 1)/(n − 1) among the requests scored, ties averaged;
    the score is the weight-averaged percentile.
    """
    n = len(queue)
    if n == 0:
        return np.zeros(0)
    good = _goodness(queue, np.zeros(n) if location_hours is None else location_hours)
    weights = ranking.weights
    total = sum(weights.get(c, 0.0) for c in CRITERIA)
    score = np.zeros(n)
    for crit in CRITERIA:
        w = weights.get(crit, 0.0)
        if w == 0:
            continue
        pct = (rankdata(good[crit], method="average") - 1.0) / (n - 1) if n > 1 else np.ones(n)
        score += w * pct
    return score / total


def priority_permutation(
    queue: pd.DataFrame, ranking: Ranking | None = None, location_hours: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(row positions in admission order, efficiency score per row (NaN outside category 1))."""
    ranking = ranking or Ranking()
    n = len(queue)
    cat = queue["category"].to_numpy(dtype=object)
    offtake = (queue["direction"] == "offtake").to_numpy()
    rank = np.array([CATEGORY_RANK.get(c, 3) for c in cat], dtype=np.int64)
    rank = np.where((rank == 1) | (rank == 2), np.where(offtake, rank, 3), rank)
    relief = rank == 0
    score = np.full(n, np.nan)
    keys: list[np.ndarray] = []
    if relief.any() and ranking.method != "fcfs":
        part = queue[relief]
        loc = None if location_hours is None else np.asarray(location_hours, float)[relief]
        score[relief] = efficiency_scores(part, loc, ranking)
        if ranking.method == "weighted":
            keys.append(-np.nan_to_num(score, nan=0.0))
        else:  # lexicographic: criteria in the stated order, each best first
            good = _goodness(part, np.zeros(len(part)) if loc is None else loc)
            for crit in ranking.order:
                k = np.zeros(n)
                k[relief] = -good[crit]
                keys.append(k)
    submitted = pd.to_datetime(queue["submitted"]).to_numpy(dtype="datetime64[D]").astype(np.int64)
    ids = np.unique(queue["request_id"].astype(str).to_numpy(), return_inverse=True)[1]
    order = np.lexsort((ids, submitted, *reversed(keys), rank))
    return order, score


def priority_order(
    queue: pd.DataFrame,
    ranking: Ranking | None = None,
    location_hours: np.ndarray | None = None,
) -> pd.DataFrame:
    """The queue sorted in admission order, with a 1-based `priority` column.

    `location_hours` (aligned with the rows) is the congestion the request relieves where it
    sits (hours per year of shortage in the direction it relieves); without it the location
    criterion ties. Adds `efficiency_score` (category 1 only; NaN elsewhere). Categories 2
    and 3 are offtake only; a feed-in request marked so queues first-come-first-served.
    """
    if queue.empty:
        return queue.assign(
            priority=pd.Series(dtype="int64"), efficiency_score=pd.Series(dtype=float)
        )
    order, score = priority_permutation(queue, ranking, location_hours)
    ranked = queue.iloc[order].reset_index(drop=True)
    ranked["efficiency_score"] = score[order]
    ranked["priority"] = np.arange(1, len(ranked) + 1)
    return ranked
