"""schemathesis over the published OpenAPI spec: generated requests (valid and invalid) for
every operation, as anonymous caller, bidder and operator; no server error, and every answer
conforms to the spec (status code, content type, body schema)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from service_helpers import congested_area, make_parties

from netruimte.store import Database

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 15


def _strategy(operation, area: str, tender_id: str):
    """Valid and invalid cases; for paths with ids also cases that hit real resources."""
    parts = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    real = {}
    if "{area_id}" in operation.path:
        real["area_id"] = area
    if "{tender_id}" in operation.path:
        real["tender_id"] = tender_id
    if real:
        parts.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real))
    return st.one_of(parts)


def test_schemathesis_finds_no_server_error(read_model, tmp_path, capsys) -> None:
    from fastapi.testclient import TestClient

    from netruimte.api import create_app

    db = Database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    parties = make_parties(db, datetime.now(UTC))
    app = create_app(read_model, db)
    area = congested_area(read_model)
    with TestClient(app) as client:
        tender_id = client.post(
            "/api/tenders",
            json={
                "area_id": area,
                "direction": "offtake",
                "deadline": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
            },
            headers=parties.headers("operator"),
        ).json()["id"]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 20
    calls, statuses, server_errors = 0, {}, []
    for operation in operations:

        @given(case=_strategy(operation, area, tender_id))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:
            nonlocal calls
            for who in (None, "bidder_a", "operator"):
                response = case.call(headers=parties.headers(who))
                calls += 1
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code >= 500:
                    server_errors.append((case.operation.label, response.status_code))
                case.validate_response(response, checks=CHECKS)

        run()
    db.dispose()
    with capsys.disabled():
        print(
            f"\nschemathesis: {len(operations)} operations, {calls} requests, "
            f"statuses {dict(sorted(statuses.items()))}, {len(server_errors)} server errors"
        )
    assert server_errors == []
