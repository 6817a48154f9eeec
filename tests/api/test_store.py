"""The store: migrations, SQLite WAL, hashed tokens, append-only audit, lifecycle rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from service_helpers import T0
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from netruimte.store import CLI, Actor, Database
from netruimte.store import tenders as lifecycle
from netruimte.store.errors import Conflict, Forbidden, NotFound, Sealed, Unauthorized
from netruimte.store.migrate import current_revision, head_revision
from netruimte.store.models import AuditEntry, Base, Bid, Token
from netruimte.store.parties import authenticate, create_party, issue_token, revoke_token
from netruimte.store.tokens import Verifier, parse_token


def test_migrations_reach_head_and_match_the_models(db: Database) -> None:
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_migrating_twice_is_a_no_op(db_url: str) -> None:
    first = Database.connect(db_url)
    second = Database.connect(db_url)
    assert current_revision(second.engine) == head_revision()
    first.dispose()
    second.dispose()


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path) -> None:
    db = Database.connect(f"sqlite:///{tmp_path / 's.db'}")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert (tmp_path / "s.db-wal").exists()
    db.dispose()


def test_tokens_are_stored_hashed_and_verified(db: Database) -> None:
    with db.writing() as s:
        party = create_party(s, CLI, "Flex BV", "bidder", T0)
        token = issue_token(s, CLI, party, T0, label="test")
    key_id, secret = parse_token(token)
    with db.reading() as s:
        row = s.get(Token, key_id)
        assert row.kdf.startswith("scrypt:")
        assert secret.encode() not in row.secret_hash and len(row.secret_hash) == 32
        # the secret appears nowhere in the database
        dump = "\n".join(str(r) for r in s.execute(text("SELECT * FROM tokens")).all())
        assert secret not in dump
        who = authenticate(s, Verifier(), token)
        assert (who.name, who.role) == ("Flex BV", "bidder")
        for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "nrt_x_y", "garbage", ""):
            with pytest.raises(Unauthorized) as err:
                authenticate(s, Verifier(), bad)
            assert err.value.message == "missing, invalid or revoked bearer token"
    with db.writing() as s:
        revoke_token(s, CLI, key_id, T0)
    with db.reading() as s, pytest.raises(Unauthorized):
        authenticate(s, Verifier(), token)


def test_a_cached_verification_does_not_outlive_revocation(db: Database) -> None:
    verifier = Verifier()
    with db.writing() as s:
        token = issue_token(s, CLI, create_party(s, CLI, "P", "bidder", T0), T0)
    with db.reading() as s:
        authenticate(s, verifier, token)
        authenticate(s, verifier, token)  # from the cache
    with db.writing() as s:
        revoke_token(s, CLI, parse_token(token)[0], T0)
    with db.reading() as s, pytest.raises(Unauthorized):
        authenticate(s, verifier, token)


def test_audit_log_refuses_update_and_delete(db: Database) -> None:
    with db.writing() as s:
        create_party(s, CLI, "P", "bidder", T0)
    for sql in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), db.writing() as s:
            s.execute(text(sql))
    with db.reading() as s:
        rows = s.scalars(select(AuditEntry)).all()
    assert [r.action for r in rows] == ["party.create"]


def _actors(db: Database) -> tuple[Actor, Actor, Actor]:
    with db.writing() as s:
        op = create_party(s, CLI, "Operator", "operator", T0)
        a = create_party(s, CLI, "A", "bidder", T0)
        b = create_party(s, CLI, "B", "bidder", T0)
    return (
        Actor(op.id, op.name, "operator"),
        Actor(a.id, a.name, "bidder"),
        Actor(b.id, b.name, "bidder"),
    )


def _tender(db: Database, op: Actor) -> str:
    with db.writing() as s:
        return lifecycle.create_tender(
            s,
            op,
            area_id="X",
            direction="offtake",
            title="t",
            need={"blocks": []},
            deadline=T0 + timedelta(days=1),
            now=T0,
        ).id


def test_bid_lifecycle_rules(db: Database) -> None:
    op, a, b = _actors(db)
    tid = _tender(db, op)
    with db.writing() as s:
        bid = lifecycle.submit_bid(s, a, tid, {"mw": 1}, T0)
    with db.writing() as s:
        with pytest.raises(Forbidden):
            lifecycle.submit_bid(s, op, tid, {"mw": 1}, T0)
        assert lifecycle.modify_bid(s, a, tid, bid.id, {"mw": 2}, T0).version == 2
    with db.writing() as s, pytest.raises(Conflict, match="version 2"):
        lifecycle.modify_bid(s, a, tid, bid.id, {"mw": 3}, T0, expected_version=1)
    # another bidder: the same NotFound as for a bid that does not exist
    for bid_id in (bid.id, "00000000-0000-0000-0000-000000000000"):
        with db.writing() as s:
            for fn in (
                lambda s, bid_id=bid_id: lifecycle.modify_bid(s, b, tid, bid_id, {}, T0),
                lambda s, bid_id=bid_id: lifecycle.withdraw_bid(s, b, tid, bid_id, T0),
                lambda s, bid_id=bid_id: lifecycle.visible_bid(s, b, tid, bid_id),
            ):
                with pytest.raises(NotFound) as err:
                    fn(s)
                assert err.value.message == lifecycle.BID_NOT_FOUND
    with db.reading() as s:
        assert lifecycle.visible_bids(s, b, tid) == []
        assert [x.id for x in lifecycle.visible_bids(s, a, tid)] == [bid.id]
        with pytest.raises(Sealed):
            lifecycle.visible_bids(s, op, tid)
        with pytest.raises(Sealed):
            lifecycle.visible_bid(s, op, tid, bid.id)
    with db.writing() as s:
        assert lifecycle.withdraw_bid(s, a, tid, bid.id, T0).status == "withdrawn"
        assert lifecycle.withdraw_bid(s, a, tid, bid.id, T0).version == 3  # no-op
    late = T0 + timedelta(days=1)
    with db.writing() as s, pytest.raises(Conflict, match="closed"):
        lifecycle.submit_bid(s, a, tid, {"mw": 1}, late)
    with pytest.raises(Conflict, match="open until"):
        lifecycle.clear_tender(db.reading, db.writing, op, tid, T0, lambda t, bids: {})


def test_clearing_sees_only_active_bids_and_unseals(db: Database) -> None:
    op, a, b = _actors(db)
    tid = _tender(db, op)
    with db.writing() as s:
        keep = lifecycle.submit_bid(s, a, tid, {"mw": 1}, T0)
        gone = lifecycle.submit_bid(s, b, tid, {"mw": 2}, T0)
        lifecycle.withdraw_bid(s, b, tid, gone.id, T0)
    seen = []

    def clearing(tender, bids):
        seen.extend(x.id for x in bids)
        return {
            "summary": {"accepted": 1, "cost": 5.0},
            "bidder_summary": {"accepted": 1},
            "scorecards": {keep.id: {"accepted": True}},
            "ranking": [
                {
                    "rank": 1,
                    "status": "accepted",
                    "bid_id": keep.id,
                    "party_id": a.party_id,
                    "score": 1.0,
                }
            ],
        }

    later = T0 + timedelta(days=2)
    with pytest.raises(Forbidden):
        lifecycle.clear_tender(db.reading, db.writing, a, tid, later, clearing)
    lifecycle.clear_tender(db.reading, db.writing, op, tid, later, clearing)
    assert seen == [keep.id]
    with db.reading() as s:
        assert len(lifecycle.visible_bids(s, op, tid)) == 2
        view_a = lifecycle.result_view(s, a, tid)
        view_b = lifecycle.result_view(s, b, tid)
        assert set(view_a["scorecards"]) == {keep.id} and view_b["scorecards"] == {}
        assert view_a["ranking"] == [{"rank": 1, "status": "accepted", "yours": True}]
        assert view_b["ranking"] == [{"rank": 1, "status": "accepted", "yours": False}]
        assert view_b["summary"] == {"accepted": 1}
        assert lifecycle.result_view(s, op, tid)["ranking"][0]["bid_id"] == keep.id
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
    assert actions[-5:] == [
        "tender.create",
        "bid.submit",
        "bid.submit",
        "bid.withdraw",
        "tender.clear",
    ]
    with pytest.raises(Conflict, match="cleared already"):
        lifecycle.clear_tender(db.reading, db.writing, op, tid, later, clearing)
    with db.reading() as s:
        assert s.scalar(select(Bid).where(Bid.id == gone.id)).status == "withdrawn"


def test_tokens_hashed_with_other_scrypt_parameters_still_verify() -> None:
    import secrets

    from netruimte.store.tokens import hash_secret

    salt = secrets.token_bytes(16)
    old = "scrypt:n=16384,r=8,p=1"
    stored = hash_secret("s3cret", salt, old)
    assert Verifier().verify("k", "s3cret", stored, salt, old)
    assert not Verifier().verify("k", "wrong", stored, salt, old)
    assert not Verifier().verify("k", "s3cret", stored, salt, "md5:x")
    assert not Verifier().verify("k", "s3cret", stored, salt, "scrypt:n=1000,r=8,p=1")
