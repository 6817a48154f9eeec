"""The bridge to netruimte.market: the need of a tender, the bid schema, and the clearing.

The API keeps bids as JSON payloads in the store; this module turns them into the market's
pydantic `Bid` (bid id = the store's id, bidder = the party id) and back, derives a tender's
need from the run's load cube with `derive_need`, and runs the market's clearing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, create_model, model_validator

from netruimte.api.readmodel import ReadModel
from netruimte.congestion.shortage import shortage_mw
from netruimte.market.bids import Bid, BidSet, check_against_needs
from netruimte.market.need import Need, derive_need
from netruimte.pipeline import design_year_indices
from netruimte.store.errors import Invalid, StoreError
from netruimte.store.models import Bid as StoredBid
from netruimte.store.models import Tender

#: Bid fields the server sets: the id (the store's), the bidder (the token's party), the time.
SERVER_FIELDS = ("bid_id", "bidder", "submitted_at")


def _bid_in_model() -> type[BaseModel]:
    """The bid body of the API: the market's Bid without the fields the server sets."""
    fields: dict[str, Any] = {
        name: (f.annotation, f) for name, f in Bid.model_fields.items() if name not in SERVER_FIELDS
    }

    def _whole_bid(self):
        # run the market model's own cross-field checks on the complete bid
        Bid.model_validate({**self.model_dump(), "bid_id": "new"})
        return self

    return create_model(
        "BidIn",
        __config__=ConfigDict(extra="forbid", str_strip_whitespace=True),
        __doc__="A tender bid as a bidder submits it (the server sets id, bidder and time).",
        __validators__={"whole_bid": model_validator(mode="after")(_whole_bid)},
        **fields,
    )


BidIn = _bid_in_model()


def stored_to_market(bid: StoredBid) -> Bid:
    """The market's Bid of a stored bid."""
    return Bid.model_validate(
        {**bid.payload, "bid_id": bid.id, "bidder": bid.party_id, "submitted_at": bid.created_at}
    )


def area_need(data: ReadModel, area_id: str, direction: str) -> Need:
    """The need of an area and direction, from the run's shortage in the design years."""
    result = data.result
    if result is None:
        raise StoreError("this server has no load cube to derive needs from")
    ids = list(result.cube.area_ids)
    a = ids.index(area_id)
    cap = result.region.capacity_mw(direction)[a]
    if not np.isfinite(cap):
        raise Invalid(f"area {area_id} has no known {direction} capacity", field="direction")
    s = shortage_mw(result.cube.load_mw[:, :, a], np.asarray(cap), direction)
    parents = result.region.areas["parent_id"]
    children = [c for c, p in parents.items() if p == area_id]
    need = derive_need(
        s,
        result.cube.axis,
        area_id,
        direction,  # type: ignore[arg-type]
        result.cube.weather_labels,
        design_year_indices(result.scenario, result.cube.weather_labels),
        relieving_area_ids=children,
    )
    if not need.blocks:
        raise Invalid(
            f"area {area_id} has no {direction} need: no {direction} congestion is expected "
            "in the design weather years",
            field="direction",
        )
    return need


@dataclass
class MarketBridge:
    """What the tender routes need from the market."""

    need_for: Callable[[ReadModel, str, str], dict]
    clearing: Callable[[Tender, list[StoredBid]], dict]
    _needs: dict[str, Need] = field(default_factory=dict, repr=False)

    def need_of(self, tender: Tender) -> Need:
        """The tender's need as the market's model (needs never change: cached per tender)."""
        need = self._needs.get(tender.id)
        if need is None:
            need = self._needs[tender.id] = Need.model_validate(tender.need)
        return need

    @staticmethod
    def bid_payload(body: BaseModel) -> dict:
        """The JSON payload stored for a bid body."""
        return body.model_dump(mode="json")

    def check_bid(self, body: BaseModel, tender: Tender) -> None:
        """Refuse (422) a bid the tender's need cannot use: other area, direction, year."""
        bid = Bid.model_validate({**body.model_dump(), "bid_id": "new"})
        checked = check_against_needs(BidSet([bid], rows={"new": 1}), [self.need_of(tender)])
        if checked.rejected:
            r = checked.rejected[0]
            raise Invalid(r.reason, field=r.column)


def _need_dict(data: ReadModel, area_id: str, direction: str) -> dict:
    return area_need(data, area_id, direction).model_dump(mode="json")


def market_bridge() -> MarketBridge:
    """The bridge to the installed netruimte.market."""
    from netruimte.api.clearing import clear_stored_bids

    return MarketBridge(need_for=_need_dict, clearing=clear_stored_bids)
