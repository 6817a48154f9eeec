"""The tender lifecycle over HTTP: create from the need, sealed bids, deadline, clearing,
scorecards, idempotency keys and the audit log; on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest
from service_helpers import T0, bid_body, congested_area

from netruimte.api.market import stored_to_market
from netruimte.market.need import Need
from netruimte.market.tender import clear_tender
from netruimte.pipeline import design_year_indices
from netruimte.store.models import Bid

DEADLINE = T0 + timedelta(days=30)


def _create(client, parties, area: str, **over) -> dict:
    body = {"area_id": area, "direction": "offtake", "deadline": DEADLINE.isoformat(), **over}
    r = client.post("/api/tenders", json=body, headers=parties.headers("operator"))
    assert r.status_code == 201, r.text
    return r.json()


def _submit(client, parties, who: str, tid: str, body: dict, key: str | None = None):
    headers = parties.headers(who)
    if key:
        headers["Idempotency-Key"] = key
    return client.post(f"/api/tenders/{tid}/bids", json=body, headers=headers)


def test_need_comes_from_the_areas_shortage(client, parties, read_model, small_run) -> None:
    area = congested_area(read_model)
    tender = _create(client, parties, area)
    need = Need.model_validate(tender["need"])
    a = small_run.cube.area_ids.index(area)
    cap = small_run.region.capacity_mw("offtake")[a]
    design = design_year_indices(small_run.scenario, small_run.cube.weather_labels)
    peak = float(np.maximum(small_run.cube.load_mw[design, :, a] - cap, 0).max())
    assert need.peak_mw == pytest.approx(math.ceil(peak * 10 - 1e-6) / 10, abs=1e-6)
    assert need.area_id == area and need.year == small_run.scenario.target_year
    assert tender["status"] == "open" and tender["accepting_bids"] is True
    listed = client.get("/api/tenders", params={"area_id": area}).json()
    assert [t["id"] for t in listed] == [tender["id"]]
    assert set(listed[0]) == set(tender)  # no bid counts anywhere in the public view


def test_tender_creation_is_checked(client, parties, read_model) -> None:
    area = congested_area(read_model)
    h = parties.headers("operator")
    ok = {"area_id": area, "direction": "offtake", "deadline": DEADLINE.isoformat()}
    r = client.post("/api/tenders", json={**ok, "area_id": "NOPE"}, headers=h)
    assert r.status_code == 404 and r.json()["area_id"] == "NOPE"
    r = client.post(
        "/api/tenders", json={**ok, "deadline": (T0 - timedelta(hours=1)).isoformat()}, headers=h
    )
    assert r.status_code == 422 and r.json()["field"] == "deadline"
    r = client.post("/api/tenders", json={**ok, "deadline": "2026-07-01T12:00:00"}, headers=h)
    assert r.status_code == 422  # a deadline needs a time zone
    quiet = next(
        a["area_id"]
        for a in read_model.areas
        if a["level"] == "dso" and a["congested_hours_per_year"]["offtake"] == 0
    )
    r = client.post("/api/tenders", json={**ok, "area_id": quiet}, headers=h)
    assert r.status_code == 422 and "no offtake need" in r.json()["message"]
    assert (
        client.post("/api/tenders", json=ok, headers=parties.headers("bidder_a")).status_code == 403
    )
    assert client.post("/api/tenders", json=ok).status_code == 401


def test_full_lifecycle_with_clearing(client, parties, read_model, clock, db) -> None:
    area = congested_area(read_model)
    tender = _create(client, parties, area)
    tid = tender["id"]
    need = Need.model_validate(tender["need"])
    mw = need.peak_mw
    a1 = _submit(
        client, parties, "bidder_a", tid, bid_body(area, mw=mw, availability_eur_per_mw_yr=30000)
    ).json()
    a2 = _submit(
        client, parties, "bidder_a", tid, bid_body(area, mw=mw, availability_eur_per_mw_yr=90000)
    ).json()
    b1 = _submit(
        client, parties, "bidder_b", tid, bid_body(area, mw=mw, availability_eur_per_mw_yr=50000)
    ).json()
    b2 = _submit(
        client, parties, "bidder_b", tid, bid_body(area, mw=mw, availability_eur_per_mw_yr=10000)
    ).json()
    # A improves its expensive bid; B withdraws its cheapest
    r = client.put(
        f"/api/tenders/{tid}/bids/{a2['id']}",
        json=bid_body(area, mw=mw, availability_eur_per_mw_yr=20000),
        headers={**parties.headers("bidder_a"), "If-Match": "1"},
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    r = client.delete(f"/api/tenders/{tid}/bids/{b2['id']}", headers=parties.headers("bidder_b"))
    assert r.json()["status"] == "withdrawn"
    # sealed: each bidder sees only its own; the operator nothing, not even a count
    own_a = client.get(f"/api/tenders/{tid}/bids", headers=parties.headers("bidder_a")).json()
    assert sorted(b["id"] for b in own_a) == sorted([a1["id"], a2["id"]])
    own_b = client.get(f"/api/tenders/{tid}/bids", headers=parties.headers("bidder_b")).json()
    assert sorted(b["id"] for b in own_b) == sorted([b1["id"], b2["id"]])
    r = client.get(f"/api/tenders/{tid}/bids", headers=parties.headers("operator"))
    assert r.status_code == 409 and r.json()["error"] == "sealed"
    audit = client.get("/api/audit", headers=parties.headers("operator")).json()
    assert not [e for e in audit if e["object_type"] == "bid"]
    r = client.post(f"/api/tenders/{tid}/clear", headers=parties.headers("operator"))
    assert r.status_code == 409 and "deadline" in r.json()["message"]
    assert (
        client.get(f"/api/tenders/{tid}/result", headers=parties.headers("bidder_a")).status_code
        == 409
    )
    # the deadline passes: no more writes
    clock.now = DEADLINE
    assert client.get(f"/api/tenders/{tid}").json()["accepting_bids"] is False
    late = _submit(client, parties, "bidder_a", tid, bid_body(area))
    assert late.status_code == 409 and "deadline" in late.json()["message"]
    r = client.put(
        f"/api/tenders/{tid}/bids/{a1['id']}",
        json=bid_body(area),
        headers=parties.headers("bidder_a"),
    )
    assert r.status_code == 409
    r = client.delete(f"/api/tenders/{tid}/bids/{a1['id']}", headers=parties.headers("bidder_a"))
    assert r.status_code == 409
    # clearing: the operator sees everything
    r = client.post(f"/api/tenders/{tid}/clear", headers=parties.headers("operator"))
    assert r.status_code == 200, r.text
    full = r.json()
    assert full["view"] == "operator"
    ranked_ids = {row["bid_id"] for row in full["ranking"]}
    assert ranked_ids == {a1["id"], a2["id"], b1["id"]}  # the withdrawn bid is out
    # the same clearing run directly on the market's models gives the same cost
    with db.reading() as s:
        stored = [s.get(Bid, i) for i in (a1["id"], a2["id"], b1["id"])]
    direct = clear_tender(need, [stored_to_market(b) for b in stored])
    assert full["summary"]["total_cost_eur_per_yr"] == pytest.approx(direct.total_cost_eur_per_yr)
    assert full["summary"]["status"] == direct.status
    # the cheapest (A's modified bid, 20 k€/MW/yr) is accepted when one bid covers the need
    accepted = {row["bid_id"] for row in full["ranking"] if row["status"] == "accepted"}
    assert a2["id"] in accepted
    assert all(b["covered"] for b in full["blocks"] if b["coverable"])
    # each bidder: own scorecards and the anonymised ranking
    for who, own in (("bidder_a", {a1["id"], a2["id"]}), ("bidder_b", {b1["id"]})):
        view = client.get(f"/api/tenders/{tid}/result", headers=parties.headers(who)).json()
        assert view["view"] == "bidder"
        assert set(view["scorecards"]) == own
        assert len(view["ranking"]) == 3
        assert sum(row["yours"] for row in view["ranking"]) == len(own)
        assert all(set(row) == {"rank", "status", "yours"} for row in view["ranking"])
        assert "total_cost_eur_per_yr" not in view["summary"]
        text = str(view)
        for other in ranked_ids - own:
            assert other not in text
    # after clearing the operator sees all bids, with party names
    bids = client.get(f"/api/tenders/{tid}/bids", headers=parties.headers("operator")).json()
    assert {b["party"] for b in bids} == {"Flexbedrijf A", "Batterij B"} and len(bids) == 4
    audit = client.get("/api/audit", headers=parties.headers("operator")).json()
    acts = [e["action"] for e in audit if e["tender_id"] == tid]
    assert acts == [
        "tender.create",
        "bid.submit",
        "bid.submit",
        "bid.submit",
        "bid.submit",
        "bid.modify",
        "bid.withdraw",
        "tender.clear",
    ]
    r = client.post(f"/api/tenders/{tid}/clear", headers=parties.headers("operator"))
    assert r.status_code == 409


def test_bids_are_checked_against_the_need(client, parties, read_model) -> None:
    area = congested_area(read_model)
    tid = _create(client, parties, area)["id"]
    for body, field in (
        (bid_body("NOPE"), "area_id"),
        (bid_body(area, action="less_feedin"), "action"),
        (bid_body(area, windows="2030-01-01..2030-02-01"), "windows"),
    ):
        r = _submit(client, parties, "bidder_a", tid, body)
        assert r.status_code == 422 and r.json()["field"] == field, r.text
    for bad in ({**bid_body(area), "mw": -1}, {**bid_body(area), "price": 3}, {}):
        assert _submit(client, parties, "bidder_a", tid, bad).status_code == 422
    assert client.get(f"/api/tenders/{tid}/bids", headers=parties.headers("bidder_a")).json() == []


def test_idempotency_keys(client, parties, read_model, db) -> None:
    area = congested_area(read_model)
    tid = _create(client, parties, area)["id"]
    first = _submit(client, parties, "bidder_a", tid, bid_body(area), key="order-1")
    again = _submit(client, parties, "bidder_a", tid, bid_body(area), key="order-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    other = _submit(client, parties, "bidder_a", tid, bid_body(area, mw=9), key="order-1")
    assert other.status_code == 422 and other.json()["error"] == "idempotency_key_reused"
    # keys are per party: B's "order-1" is its own bid
    b = _submit(client, parties, "bidder_b", tid, bid_body(area), key="order-1")
    assert b.status_code == 201 and b.json()["id"] != first.json()["id"]
    # a failed write stores nothing: the retry runs again
    bad = _submit(client, parties, "bidder_a", tid, bid_body("NOPE"), key="order-2")
    assert bad.status_code == 422
    good = _submit(client, parties, "bidder_a", tid, bid_body(area), key="order-2")
    assert good.status_code == 201
    with db.reading() as s:
        from sqlalchemy import func, select

        assert s.scalar(select(func.count()).select_from(Bid)) == 3
    # PUT with a key: replays too, version goes up once
    bid_id = first.json()["id"]
    h = {**parties.headers("bidder_a"), "Idempotency-Key": "edit-1"}
    r1 = client.put(f"/api/tenders/{tid}/bids/{bid_id}", json=bid_body(area, mw=3), headers=h)
    r2 = client.put(f"/api/tenders/{tid}/bids/{bid_id}", json=bid_body(area, mw=3), headers=h)
    assert r1.json() == r2.json() and r2.json()["version"] == 2
    too_long = {**parties.headers("bidder_a"), "Idempotency-Key": "k" * 201}
    r = client.post(f"/api/tenders/{tid}/bids", json=bid_body(area), headers=too_long)
    assert r.status_code == 422


def test_revoked_token_is_refused_at_once(client, parties, db) -> None:
    from netruimte.store import CLI
    from netruimte.store.parties import revoke_token
    from netruimte.store.tokens import parse_token

    assert client.get("/api/me", headers=parties.headers("bidder_a")).json()["role"] == "bidder"
    with db.writing() as s:
        revoke_token(s, CLI, parse_token(parties.bidder_a)[0], T0)
    r = client.get("/api/me", headers=parties.headers("bidder_a"))
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
