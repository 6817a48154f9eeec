"""Scorecards agree with the clearing and never reveal another bidder's identity or bid."""

from __future__ import annotations

import numpy as np
import pytest

from netruimte.market.scorecard import scorecard_for, scorecards
from netruimte.market.synthetic import random_bids
from netruimte.market.tender import clear_tender

from .market_cases import (
    make_bid,
    winter_need,
)


@pytest.fixture(scope="module")
def cleared():
    need = winter_need()
    bids = random_bids([need], 60, seed=5)
    return bids, clear_tender(need, bids)


def test_scorecards_match_the_accepted_set(cleared):
    bids, r = cleared
    cards = scorecards(r)
    assert len(cards) == len(bids)
    by = {o.bid_id: o for o in r.outcomes}
    accepted = [o for o in r.outcomes if o.status == "accepted"]
    assert len(accepted) >= 4
    for c in cards:
        o = by[c.bid_id]
        assert c.status == o.status
        assert (c.accepted_mw > 0) == (c.status == "accepted")
        assert c.accepted_mw == o.accepted_mw
        assert c.cost_eur_per_mw_yr == pytest.approx(
            c.availability_eur_per_mw_yr + c.activation_eur_per_mw_yr + c.co2_eur_per_mw_yr
        )
        others = [a for a in accepted if a.bid_id != c.bid_id]
        group = (
            [a for a in others if a.area_id == o.area_id]
            if c.accepted_set.group == "area"
            else others
        )
        assert c.accepted_set.accepted_bids == len(group)
        assert c.accepted_set.accepted_mw == pytest.approx(sum(a.accepted_mw for a in group))
        if not c.accepted_set.withheld:
            scores = np.array([a.score_eur_per_mwh for a in group])
            assert c.accepted_set.score_median_eur_per_mwh == pytest.approx(
                np.median(scores), rel=1e-3
            )
            if c.score_eur_per_mwh is not None:
                assert c.accepted_set.share_accepted_better == pytest.approx(
                    (scores < c.score_eur_per_mwh).mean(), abs=1e-4
                )
    ranks = sorted(c.rank for c in cards if c.rank is not None)
    assert ranks == list(range(1, len(ranks) + 1))
    assert all(c.rank is None for c in cards if c.status in ("ineligible", "invalid"))
    # a better rank never means a worse score
    ranked = sorted((c for c in cards if c.rank), key=lambda c: c.rank)
    scores = [c.score_eur_per_mwh for c in ranked]
    assert scores == sorted(scores)
    assert r.accepted_mw == pytest.approx(sum(c.accepted_mw for c in cards))
    assert r.total_cost_eur_per_yr == pytest.approx(
        sum(c.cost_eur_per_mw_yr * c.accepted_mw for c in cards)
    )


def test_a_scorecard_reveals_no_other_bidder(cleared):
    bids, r = cleared
    for bid in bids:
        text = scorecard_for(r, bid.bid_id).model_dump_json()
        for other in bids:
            if other.bid_id != bid.bid_id:
                assert f'"{other.bid_id}"' not in text
            if other.bidder != bid.bidder and other.bidder:
                assert other.bidder not in text
    with pytest.raises(KeyError):
        scorecard_for(r, "nope")


def test_small_groups_are_withheld(need):
    bids = [
        make_bid("a", mw=10, availability_eur_per_mw_yr=1000),
        make_bid("b", mw=10, availability_eur_per_mw_yr=2000),
    ]
    cards = {c.bid_id: c for c in scorecards(clear_tender(need, bids))}
    assert cards["a"].status == "accepted" and cards["b"].status == "rejected"
    assert cards["b"].accepted_set.withheld
    assert cards["b"].accepted_set.score_median_eur_per_mwh is None
    assert "Too few other accepted bids" in cards["b"].explanation
