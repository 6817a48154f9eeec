"""Clearing a stored tender with the market's MILP (netruimte.market.tender.clear_tender)."""

from __future__ import annotations

from netruimte.store.errors import StoreError
from netruimte.store.models import Bid as StoredBid
from netruimte.store.models import Tender


class ClearingUnavailable(StoreError):
    status, code = 503, "clearing_unavailable"


def clear_stored_bids(tender: Tender, bids: list[StoredBid]) -> dict:
    """The result document of clearing `bids` against the tender's need."""
    try:
        from netruimte.market.tender import clear_tender  # noqa: F401
    except ImportError as exc:
        raise ClearingUnavailable(
            "tender clearing (netruimte.market.tender) is not installed"
        ) from exc
    raise ClearingUnavailable("tender clearing is not wired up yet")
