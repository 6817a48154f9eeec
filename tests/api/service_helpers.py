"""Helpers of the service tests (imported by conftest and the tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from netruimte.store import CLI, Database
from netruimte.store.parties import create_party, issue_token

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = T0):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


@dataclass
class Parties:
    operator: str
    bidder_a: str
    bidder_b: str

    def headers(self, who: str | None) -> dict[str, str]:
        if who is None:
            return {}
        return {"Authorization": f"Bearer {getattr(self, who)}"}


def make_parties(db: Database, now: datetime = T0) -> Parties:
    tokens = {}
    with db.writing() as s:
        for key, name, role in (
            ("operator", "Netbeheerder Polderland", "operator"),
            ("bidder_a", "Flexbedrijf A", "bidder"),
            ("bidder_b", "Batterij B", "bidder"),
        ):
            party = create_party(s, CLI, name, role, now)
            tokens[key] = issue_token(s, CLI, party, now)
    return Parties(**tokens)


def congested_area(read_model, direction: str = "offtake") -> str:
    """A supply area with the most congested hours in `direction`."""
    dso = [a for a in read_model.areas if a["level"] == "dso"]
    return max(dso, key=lambda a: a["congested_hours_per_year"][direction] or 0)["area_id"]


def bid_body(area_id: str, mw: float = 2.0, **over) -> dict:
    """A valid bid body for a 2027 tender on `area_id`."""
    body = {
        "area_id": area_id,
        "asset": "existing",
        "action": "less_offtake",
        "technology": "battery",
        "mw": mw,
        "max_activations_per_year": 60,
        "max_duration_h": 6,
        "availability_eur_per_mw_yr": 20000,
        "activation_eur_per_mwh": 150,
        "co2_kg_per_mwh": 0,
        "start_date": "2027-01-01",
    }
    body.update(over)
    return body
