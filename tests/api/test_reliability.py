"""Reliability of `netruimte serve` in a subprocess on loopback: 100 concurrent bidders, and
kill -9 during submissions. Every acknowledged bid is stored exactly once and survives."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from server_process import ServerProcess
from service_helpers import bid_body, congested_area
from sqlalchemy import func, select

from netruimte.store import CLI, Database
from netruimte.store.models import Bid, IdempotencyRecord, Party
from netruimte.store.parties import create_party, issue_token

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def region_dir(tmp_path_factory):
    from netruimte.region.default import generate_default_region
    from netruimte.region.folder import write_region

    path = tmp_path_factory.mktemp("region")
    write_region(generate_default_region(seed=7, n_areas=6), path)
    return path


def _parties(db: Database, n_bidders: int) -> tuple[str, dict[str, str]]:
    """An operator token and {party name: token} of n bidders."""
    now = datetime.now(UTC)
    bidders = {}
    with db.writing() as s:
        operator = issue_token(s, CLI, create_party(s, CLI, "operator", "operator", now), now)
        for i in range(n_bidders):
            name = f"bidder-{i:03d}"
            bidders[name] = issue_token(s, CLI, create_party(s, CLI, name, "bidder", now), now)
    return operator, bidders


def _tender(url: str, operator: str, area: str) -> str:
    deadline = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    r = httpx.post(
        f"{url}/api/tenders",
        json={"area_id": area, "direction": "offtake", "deadline": deadline},
        headers={"Authorization": f"Bearer {operator}"},
        timeout=30,
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _stored(db: Database) -> dict[str, str]:
    """{bid id: party name} of every stored bid."""
    with db.reading() as s:
        rows = s.execute(select(Bid.id, Party.name).join(Party, Bid.party_id == Party.id))
        return {bid_id: name for bid_id, name in rows}


def test_100_concurrent_bidders_each_bid_stored_once(db_url, region_dir, read_model, tmp_path):
    n_bidders, bids_each = 100, 2
    db = Database.connect(db_url)
    operator, bidders = _parties(db, n_bidders)
    server = ServerProcess(region_dir, db_url, tmp_path / "server.log").start()
    area = congested_area(read_model)
    acked: dict[str, list[str]] = {name: [] for name in bidders}
    replays_same, errors = [0], []
    lock = threading.Lock()
    t_start = time.perf_counter()
    try:
        tid = _tender(server.url, operator, area)
        barrier = threading.Barrier(n_bidders)

        def bidder(name: str, token: str) -> None:
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=server.url, headers=headers, timeout=60) as c:
                barrier.wait(timeout=60)
                for k in range(bids_each):
                    key = str(uuid.uuid4())
                    body = bid_body(area, mw=1 + k)
                    first = c.post(
                        f"/api/tenders/{tid}/bids", json=body, headers={"Idempotency-Key": key}
                    )
                    # the client "lost" the answer and retries with the same key
                    again = c.post(
                        f"/api/tenders/{tid}/bids", json=body, headers={"Idempotency-Key": key}
                    )
                    with lock:
                        if first.status_code != 201 or again.status_code != 201:
                            errors.append((name, first.status_code, again.status_code))
                            continue
                        acked[name].append(first.json()["id"])
                        if again.json()["id"] == first.json()["id"]:
                            replays_same[0] += 1

        threads = [threading.Thread(target=bidder, args=kv) for kv in bidders.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not any(t.is_alive() for t in threads), "bidders did not finish in time"
        elapsed = time.perf_counter() - t_start
        # each bidder sees exactly its own bids over the API
        some = list(bidders.items())[:10]
        for name, token in some:
            own = httpx.get(
                f"{server.url}/api/tenders/{tid}/bids",
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).json()
            assert sorted(b["id"] for b in own) == sorted(acked[name])
    finally:
        server.stop()
    stored = _stored(db)
    acked_ids = [(bid_id, name) for name, ids in acked.items() for bid_id in ids]
    counts = Counter(bid_id for bid_id, _ in acked_ids)
    with db.reading() as s:
        n_keys = s.scalar(select(func.count()).select_from(IdempotencyRecord))
    db.dispose()
    print(
        f"\n100 bidders: {n_bidders * bids_each * 2} requests in {elapsed:.1f} s, "
        f"{len(acked_ids)} acknowledged bids, {replays_same[0]} retries replayed the same bid, "
        f"{len(stored)} stored, {len(errors)} errors ({db_url.split(':')[0]})"
    )
    assert errors == []
    assert len(acked_ids) == n_bidders * bids_each
    assert max(counts.values()) == 1  # no bid id acknowledged twice
    assert replays_same[0] == n_bidders * bids_each
    assert set(stored) == set(counts)  # stored exactly the acknowledged bids
    assert all(stored[bid_id] == name for bid_id, name in acked_ids)
    assert n_keys == n_bidders * bids_each


def test_kill_9_during_submissions_loses_no_acknowledged_bid(
    db_url, region_dir, read_model, tmp_path
):
    n_bidders = 20
    db = Database.connect(db_url)
    operator, bidders = _parties(db, n_bidders)
    area = congested_area(read_model)
    server = ServerProcess(region_dir, db_url, tmp_path / "server.log").start()
    tid = _tender(server.url, operator, area)
    acked: dict[str, tuple[str, str]] = {}  # key -> (bid id, bidder)
    in_flight: dict[str, tuple[str, dict]] = {}  # key -> (bidder, body) without an answer
    lock = threading.Lock()
    stop = threading.Event()

    def bidder(name: str, token: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=10) as c:
            k = 0
            while not stop.is_set() and k < 500:
                k += 1
                key, body = str(uuid.uuid4()), bid_body(area, mw=1 + k % 5)
                with lock:
                    in_flight[key] = (name, body)
                try:
                    r = c.post(
                        f"/api/tenders/{tid}/bids", json=body, headers={"Idempotency-Key": key}
                    )
                except httpx.HTTPError:
                    return  # the server died mid-request: the answer is unknown
                with lock:
                    if r.status_code == 201:
                        acked[key] = (r.json()["id"], name)
                        del in_flight[key]

    threads = [threading.Thread(target=bidder, args=kv) for kv in bidders.items()]
    t0 = time.perf_counter()
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(acked) < 150 and time.monotonic() < deadline:
            time.sleep(0.02)
        server.kill9()  # during submissions: bidders are still sending
        acked_at_kill = len(acked)
        t_kill = time.perf_counter() - t0
        stop.set()
        for t in threads:
            t.join(timeout=30)
        t_join = time.perf_counter() - t0
        server.start()  # restart on the same store
        t_restart = time.perf_counter() - t0
        # every acknowledged bid is there, owned by its bidder
        stored = _stored(Database.connect(db_url, migrate=False))
        lost = [k for k, (bid_id, name) in acked.items() if stored.get(bid_id) != name]
        # retrying the unanswered requests with their keys never duplicates a bid
        retried, committed_unanswered = 0, 0
        for key, (name, body) in in_flight.items():
            r = httpx.post(
                f"{server.url}/api/tenders/{tid}/bids",
                json=body,
                headers={"Authorization": f"Bearer {bidders[name]}", "Idempotency-Key": key},
                timeout=30,
            )
            assert r.status_code == 201, r.text
            retried += 1
            committed_unanswered += r.headers.get("Idempotent-Replayed") == "true"
        final = _stored(Database.connect(db_url, migrate=False))
        for name, token in list(bidders.items())[:5]:
            own = httpx.get(
                f"{server.url}/api/tenders/{tid}/bids",
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).json()
            assert {b["id"] for b in own} == {k for k, v in final.items() if v == name}
    finally:
        stop.set()
        server.stop()
    if db_url.startswith("sqlite"):
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    db.dispose()
    print(
        f"\nkill -9: {acked_at_kill} bids acknowledged before the kill, {len(acked)} in all, "
        f"{len(lost)} lost after restart; {retried} unanswered requests retried "
        f"({committed_unanswered} had been committed: replayed, not duplicated), "
        f"{len(final)} bids stored = {len(acked) + retried} intended ({db_url.split(':')[0]}); "
        f"killed at {t_kill:.1f} s, threads done {t_join:.1f} s, restarted {t_restart:.1f} s"
    )
    assert acked_at_kill >= 150
    assert lost == []
    assert len(final) == len(acked) + retried  # exactly once each
