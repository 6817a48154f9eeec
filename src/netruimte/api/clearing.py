"""Clearing a stored tender with the market's MILP and building its result document.

The document keeps everything for the operator (the market's summary, outcomes, block
coverage and a full ranking) and, for bidders, a summary without totals that could reveal
another bid's size or price, plus per-bid scorecards (the market's k-anonymous comparison).
"""

from __future__ import annotations

from netruimte.api.market import stored_to_market
from netruimte.market.need import Need
from netruimte.market.scorecard import scorecards
from netruimte.market.tender import clear_tender
from netruimte.store.models import Bid as StoredBid
from netruimte.store.models import Tender

CO2_EUR_PER_T = 100.0
TIME_LIMIT_S = 60.0
#: Summary fields every bidder may see (no totals of MW, € or CO₂).
BIDDER_SUMMARY_FIELDS = ("status", "year", "needs", "co2_eur_per_t", "n_bids", "tie_break")


def clear_stored_bids(tender: Tender, bids: list[StoredBid]) -> dict:
    """The result document of clearing the active `bids` against the tender's need."""
    need = Need.model_validate(tender.need)
    result = clear_tender(
        need, [stored_to_market(b) for b in bids], CO2_EUR_PER_T, time_limit_s=TIME_LIMIT_S
    )
    summary = result.summary()
    outcomes = [o.model_dump(mode="json") for o in result.outcomes]
    ranked = sorted(
        outcomes,
        key=lambda o: (o["rank"] is None, o["rank"] or 0, o["bid_id"] or ""),
    )
    ranking = [
        {
            "rank": o["rank"],
            "status": o["status"],
            "bid_id": o["bid_id"],
            "party_id": o["bidder"],
            "score_eur_per_mwh": o["score_eur_per_mwh"],
            "offered_mw": o["offered_mw"],
            "accepted_mw": o["accepted_mw"],
            "cost_eur_per_yr": o["cost_eur_per_yr"],
            "binding": o["binding"],
        }
        for o in ranked
    ]
    return {
        "summary": summary,
        "bidder_summary": {k: summary[k] for k in BIDDER_SUMMARY_FIELDS},
        "scorecards": {c.bid_id: c.model_dump(mode="json") for c in scorecards(result) if c.bid_id},
        "ranking": ranking,
        "outcomes": outcomes,
        "blocks": [b.model_dump(mode="json") for b in result.blocks],
    }
