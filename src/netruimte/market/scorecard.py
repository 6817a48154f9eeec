"""Transparent scorecards: per bid its score components, rank, outcome and the binding reason,
and how it compares with the accepted set — anonymised.

A bidder sees only its own bid and aggregates of others: the number and MW of accepted bids
and the median and quartiles of their scores, and only when at least `k_anonymity` other
accepted bids are in the group (same area, else the whole tender); never another bid's id,
bidder, price or size.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, Field

from netruimte.market.tender import BidOutcome, ClearingResult

K_ANONYMITY = 3


class AcceptedSetStats(BaseModel):
    """Aggregates of the accepted bids a scorecard compares with (own bid excluded)."""

    group: str = Field(description="'area' or 'tender': which accepted bids are compared.")
    accepted_bids: int
    accepted_mw: float
    withheld: bool = Field(description="True when fewer than k other accepted bids exist.")
    score_p25_eur_per_mwh: float | None = None
    score_median_eur_per_mwh: float | None = None
    score_p75_eur_per_mwh: float | None = None
    share_accepted_better: float | None = Field(
        None, description="Share of the compared accepted bids with a better (lower) score."
    )


class Scorecard(BaseModel):
    """What one bidder may see about one bid."""

    bid_id: str | None
    status: str
    binding: str
    reason: str
    offered_mw: float | None
    accepted_mw: float
    availability_eur_per_mw_yr: float | None
    activation_mwh_per_mw_yr: float | None
    activation_eur_per_mw_yr: float | None
    co2_t_per_mw_yr: float | None
    co2_eur_per_mw_yr: float | None
    cost_eur_per_mw_yr: float | None
    served_hours_per_yr: float | None
    score_eur_per_mwh: float | None
    rank: int | None
    ranked_bids: int = Field(description="Eligible bids in the ranking (1 = best score).")
    co2_eur_per_t: float
    accepted_set: AcceptedSetStats
    explanation: str = ""


def _stats(
    group: str, others: list[BidOutcome], own_score: float | None, k: int
) -> AcceptedSetStats:
    mw = float(sum(o.accepted_mw for o in others))
    if len(others) < k:
        return AcceptedSetStats(
            group=group, accepted_bids=len(others), accepted_mw=round(mw, 3), withheld=True
        )
    scores = np.array(
        [o.score_eur_per_mwh for o in others if o.score_eur_per_mwh is not None], dtype=float
    )
    q25, q50, q75 = (float(np.percentile(scores, q)) for q in (25, 50, 75))
    better = None if own_score is None else float((scores < own_score).mean())
    return AcceptedSetStats(
        group=group,
        accepted_bids=len(others),
        accepted_mw=round(mw, 3),
        withheld=False,
        score_p25_eur_per_mwh=round(q25, 3),
        score_median_eur_per_mwh=round(q50, 3),
        score_p75_eur_per_mwh=round(q75, 3),
        share_accepted_better=None if better is None else round(better, 4),
    )


def _explain(o: BidOutcome, stats: AcceptedSetStats) -> str:
    head = {
        "accepted": f"Accepted {o.accepted_mw:g} of {o.offered_mw or 0:g} MW.",
        "rejected": "Not accepted.",
        "ineligible": "Not eligible.",
        "invalid": "Invalid bid.",
    }[o.status]
    why = o.reason[:1].upper() + o.reason[1:].rstrip(".") + "." if o.reason else ""
    parts = [head, why] if why else [head]
    if o.score_eur_per_mwh is not None and not stats.withheld:
        rel = o.score_eur_per_mwh / max(stats.score_median_eur_per_mwh or 0.0, 1e-9) - 1.0
        word = "above" if rel > 0 else "below"
        parts.append(
            f"Your score {o.score_eur_per_mwh:,.1f} €/MWh is {abs(rel):.0%} {word} the median "
            f"of {stats.accepted_bids} accepted bids ({stats.group})."
        )
    elif stats.withheld:
        parts.append("Too few other accepted bids to compare with anonymously.")
    return " ".join(parts)


def scorecards(result: ClearingResult, k_anonymity: int = K_ANONYMITY) -> list[Scorecard]:
    """One scorecard per bid, in the order of the result's outcomes."""
    accepted = [o for o in result.outcomes if o.status == "accepted"]
    ranked = sum(1 for o in result.outcomes if o.rank is not None)
    cards = []
    for o in result.outcomes:
        same_area = [a for a in accepted if a.area_id == o.area_id and a.bid_id != o.bid_id]
        tender = [a for a in accepted if a.bid_id != o.bid_id]
        if len(same_area) >= k_anonymity:
            stats = _stats("area", same_area, o.score_eur_per_mwh, k_anonymity)
        else:
            stats = _stats("tender", tender, o.score_eur_per_mwh, k_anonymity)
        cards.append(
            Scorecard(
                bid_id=o.bid_id,
                status=o.status,
                binding=o.binding,
                reason=o.reason,
                offered_mw=o.offered_mw,
                accepted_mw=o.accepted_mw,
                availability_eur_per_mw_yr=o.availability_eur_per_mw_yr,
                activation_mwh_per_mw_yr=o.activation_mwh_per_mw_yr,
                activation_eur_per_mw_yr=o.activation_eur_per_mw_yr,
                co2_t_per_mw_yr=o.co2_t_per_mw_yr,
                co2_eur_per_mw_yr=o.co2_eur_per_mw_yr,
                cost_eur_per_mw_yr=o.cost_eur_per_mw_yr,
                served_hours_per_yr=o.served_hours_per_yr,
                score_eur_per_mwh=o.score_eur_per_mwh,
                rank=o.rank,
                ranked_bids=ranked,
                co2_eur_per_t=result.co2_eur_per_t,
                accepted_set=stats,
                explanation=_explain(o, stats),
            )
        )
    return cards


def scorecard_for(result: ClearingResult, bid_id: str, k_anonymity: int = K_ANONYMITY) -> Scorecard:
    """The scorecard of one bid (what its bidder may see)."""
    for card in scorecards(result, k_anonymity):
        if card.bid_id == bid_id:
            return card
    raise KeyError(f"bid {bid_id!r} is not in this tender")
