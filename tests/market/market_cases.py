"""Hand-made needs and bids shared by the market tests."""

from __future__ import annotations

from datetime import date

from netruimte.market.bids import Bid
from netruimte.market.need import Need, NeedBlock
from netruimte.market.windows import Window

YEAR = 2027


def make_bid(bid_id: str, **kw) -> Bid:
    """A bid with sensible defaults; override any field."""
    fields = {
        "bid_id": bid_id,
        "bidder": kw.pop("bidder", f"party-{bid_id}"),
        "area_id": "A1",
        "asset": "existing",
        "action": "less_offtake",
        "technology": "demand response",
        "mw": 5.0,
        "max_activations_per_year": 100,
        "max_duration_h": 8.0,
        "availability_eur_per_mw_yr": 10000.0,
        "activation_eur_per_mwh": 100.0,
        "co2_kg_per_mwh": 0.0,
        "start_date": date(YEAR, 1, 1),
    }
    fields.update(kw)
    return Bid.model_validate(fields)


def winter_need(reliability: float = 1.0) -> Need:
    """Area A1, offtake: 10 MW on January workday evenings, 6 MW on February evenings."""
    return Need(
        area_id="A1",
        direction="offtake",
        year=YEAR,
        reliability=reliability,
        blocks=[
            NeedBlock(
                window=Window(
                    start=date(YEAR, 1, 1),
                    end=date(YEAR, 1, 31),
                    days="workday",
                    from_hour=17,
                    to_hour=20,
                ),
                mw=10.0,
                expected_hours_per_year=30.0,
                expected_mwh_per_year=150.0,
                activations_per_year=15,
                max_duration_h=3.0,
            ),
            NeedBlock(
                window=Window(
                    start=date(YEAR, 2, 1),
                    end=date(YEAR, 2, 28),
                    days="all",
                    from_hour=17,
                    to_hour=19,
                ),
                mw=6.0,
                expected_hours_per_year=10.0,
                expected_mwh_per_year=30.0,
                activations_per_year=8,
                max_duration_h=2.0,
            ),
        ],
        max_activations_per_year=20,
        max_duration_h=3.0,
    )
