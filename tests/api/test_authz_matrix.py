"""Authorisation matrix: bidder A, bidder B, operator and anonymous against every endpoint.

Every route of the app must appear in the matrix. Besides the expected status per caller,
the test counts leaks: a response that differs between another party's bid and a bid that
does not exist, any response to one party that names the other party's bids, and any
public or operator view that reveals bids or their number before clearing. Expect 0.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from fastapi.routing import APIRoute
from service_helpers import T0, bid_body, congested_area

WHO = ("anonymous", "bidder_a", "bidder_b", "operator")
GHOST = "00000000-0000-4000-8000-000000000000"


@dataclass
class Case:
    method: str
    template: str
    path: str
    expect: dict[str, int]
    body: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _all(status: int) -> dict[str, int]:
    return dict.fromkeys(WHO, status)


def _auth(a: int, b: int, op: int) -> dict[str, int]:
    return {"anonymous": 401, "bidder_a": a, "bidder_b": b, "operator": op}


def _setup(client, parties, clock, area):
    """Open tender T with bids of A and B; tender C cleared with bids of A and B."""
    h = parties.headers
    mk = {"area_id": area, "direction": "offtake"}
    c_id = client.post(
        "/api/tenders",
        json={**mk, "deadline": (T0 + timedelta(days=1)).isoformat()},
        headers=h("operator"),
    ).json()["id"]
    t_id = client.post(
        "/api/tenders",
        json={**mk, "deadline": (T0 + timedelta(days=30)).isoformat()},
        headers=h("operator"),
    ).json()["id"]
    bids = {}
    for tid, tag in ((t_id, "T"), (c_id, "C")):
        for who in ("bidder_a", "bidder_b"):
            for k in range(2):
                r = client.post(
                    f"/api/tenders/{tid}/bids", json=bid_body(area, mw=1 + k), headers=h(who)
                )
                assert r.status_code == 201, r.text
                bids[(tag, who, k)] = r.json()["id"]
    clock.advance(days=2)
    assert client.post(f"/api/tenders/{c_id}/clear", headers=h("operator")).status_code == 200
    return t_id, c_id, bids


def _cases(t_id: str, c_id: str, bids: dict, area: str) -> list[Case]:
    a_bid, a_spare = bids[("T", "bidder_a", 0)], bids[("T", "bidder_a", 1)]
    public = [
        ("/api/health", "/api/health"),
        ("/api/summary", "/api/summary"),
        ("/api/areas", "/api/areas"),
        ("/api/areas/{area_id}", f"/api/areas/{area}"),
        ("/api/flex/{horizon}", "/api/flex/annual"),
        ("/api/areas/{area_id}/flex/{horizon}", f"/api/areas/{area}/flex/annual?format=csv"),
        (
            "/api/areas/{area_id}/flex/{horizon}/heatmap.csv",
            f"/api/areas/{area}/flex/annual/heatmap.csv",
        ),
        ("/api/areas/{area_id}/load-duration", f"/api/areas/{area}/load-duration"),
        ("/api/areas/{area_id}/queue", f"/api/areas/{area}/queue"),
        ("/api/queue", "/api/queue"),
        ("/api/tenders", "/api/tenders"),
        ("/api/tenders/{tender_id}", f"/api/tenders/{t_id}"),
        ("/api/openapi.json", "/api/openapi.json"),
        ("/", "/"),
        ("/areas/{area_id}", f"/areas/{area}"),
        ("/vendor/plotly.min.js", "/vendor/plotly.min.js"),
    ]
    cases = [Case("GET", tpl, path, _all(200)) for tpl, path in public]
    bid_tpl = "/api/tenders/{tender_id}/bids/{bid_id}"
    new_tender = {
        "area_id": area,
        "direction": "offtake",
        "deadline": (T0 + timedelta(days=40)).isoformat(),
    }
    cases += [
        Case("GET", "/api/me", "/api/me", _auth(200, 200, 200)),
        Case("POST", "/api/tenders", "/api/tenders", _auth(403, 403, 201), new_tender),
        Case(
            "POST",
            "/api/tenders/{tender_id}/bids",
            f"/api/tenders/{t_id}/bids",
            _auth(201, 201, 403),
            bid_body(area),
        ),
        Case(
            "GET",
            "/api/tenders/{tender_id}/bids",
            f"/api/tenders/{t_id}/bids",
            _auth(200, 200, 409),
        ),
        Case(
            "GET",
            "/api/tenders/{tender_id}/bids",
            f"/api/tenders/{c_id}/bids",
            _auth(200, 200, 200),
        ),
        Case("GET", bid_tpl, f"/api/tenders/{t_id}/bids/{a_bid}", _auth(200, 404, 409)),
        Case("GET", bid_tpl, f"/api/tenders/{t_id}/bids/{GHOST}", _auth(404, 404, 409)),
        Case(
            "GET",
            bid_tpl,
            f"/api/tenders/{c_id}/bids/{bids[('C', 'bidder_a', 0)]}",
            _auth(200, 404, 200),
        ),
        Case(
            "PUT",
            bid_tpl,
            f"/api/tenders/{t_id}/bids/{a_bid}",
            _auth(200, 404, 403),
            bid_body(area, mw=5),
        ),
        Case(
            "PUT",
            bid_tpl,
            f"/api/tenders/{t_id}/bids/{GHOST}",
            _auth(404, 404, 403),
            bid_body(area, mw=5),
        ),
        Case("DELETE", bid_tpl, f"/api/tenders/{t_id}/bids/{a_spare}", _auth(200, 404, 403)),
        Case("DELETE", bid_tpl, f"/api/tenders/{t_id}/bids/{GHOST}", _auth(404, 404, 403)),
        Case(
            "POST",
            "/api/tenders/{tender_id}/clear",
            f"/api/tenders/{t_id}/clear",
            _auth(403, 403, 409),
        ),
        Case(
            "GET",
            "/api/tenders/{tender_id}/result",
            f"/api/tenders/{t_id}/result",
            _auth(409, 409, 409),
        ),
        Case(
            "GET",
            "/api/tenders/{tender_id}/result",
            f"/api/tenders/{c_id}/result",
            _auth(200, 200, 200),
        ),
        Case("GET", "/api/audit", "/api/audit", _auth(403, 403, 200)),
    ]
    return cases


def _normalise(text: str, ids: list[str]) -> str:
    for i in ids:
        text = text.replace(i, "<id>")
    return re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+Z?", "<time>", text)


def test_authorisation_matrix_has_no_leaks(client, parties, clock, read_model, capsys) -> None:
    area = congested_area(read_model)
    t_id, c_id, bids = _setup(client, parties, clock, area)
    cases = _cases(t_id, c_id, bids, area)

    # every route of the app is in the matrix
    app = client.app
    routes = {(m, r.path) for r in app.routes if isinstance(r, APIRoute) for m in r.methods}
    routes |= {
        ("GET", r.path) for r in app.routes if getattr(r, "path", None) in ("/api/openapi.json",)
    }
    covered = {(c.method, c.template) for c in cases}
    assert routes <= covered, f"routes missing from the matrix: {sorted(routes - covered)}"

    own = {
        w: {v for (tag, who, _), v in bids.items() if who == w} for w in ("bidder_a", "bidder_b")
    }
    open_bids = {v for (tag, _, _), v in bids.items() if tag == "T"}
    status_errors, leaks, checked = [], [], 0
    responses: dict[tuple[str, str, str], tuple[int, str]] = {}
    for case in cases:
        for who in WHO:
            headers = {**parties.headers(None if who == "anonymous" else who), **case.headers}
            body = case.body
            if case.method == "POST" and case.template.endswith("/bids"):
                headers["Idempotency-Key"] = str(uuid.uuid4())
            r = client.request(case.method, case.path, json=body, headers=headers)
            checked += 1
            responses[(case.method, case.path, who)] = (r.status_code, r.text)
            if r.status_code != case.expect[who]:
                status_errors.append((case.method, case.path, who, r.status_code, r.text[:200]))
            if r.status_code >= 500:
                leaks.append(("server error", case.path, who))
            text = r.text if not case.path.startswith("/vendor") else ""
            if who in own:
                other = own["bidder_b" if who == "bidder_a" else "bidder_a"]
                named = [b for b in other if b in text]
                if named:
                    leaks.append(("names another party's bid", case.method, case.path, who))
            if who in ("anonymous", "operator") and any(b in text for b in open_bids):
                leaks.append(("reveals a sealed bid", case.method, case.path, who))
            if (
                case.path.startswith("/api/tenders")
                and case.method == "GET"
                and r.status_code == 200
            ):
                if re.search(r'"(bid_count|bids|n_bids)"', text) and t_id in case.path:
                    leaks.append(("counts bids of an open tender", case.path, who))
    # another party's bid must look exactly like a bid that does not exist
    for method in ("GET", "PUT", "DELETE"):
        for who in ("bidder_b", "operator", "anonymous"):
            for real in (bids[("T", "bidder_a", 0)], bids[("T", "bidder_a", 1)]):
                path_real = f"/api/tenders/{t_id}/bids/{real}"
                path_ghost = f"/api/tenders/{t_id}/bids/{GHOST}"
                if (method, path_real, who) not in responses:
                    continue
                got = responses[(method, path_real, who)]
                ghost = responses[(method, path_ghost, who)]
                ids = [real, GHOST, t_id]
                if (got[0], _normalise(got[1], ids)) != (ghost[0], _normalise(ghost[1], ids)):
                    leaks.append(("differs from a missing bid", method, path_real, who))
    # the operator's audit view shows no bid entries of the open tender
    audit = responses[("GET", "/api/audit", "operator")][1]
    if any(b in audit for b in open_bids):
        leaks.append(("audit reveals sealed bids", "/api/audit", "operator"))
    with capsys.disabled():
        print(
            f"\nauthorisation matrix: {len(cases)} endpoint cases × {len(WHO)} callers = "
            f"{checked} requests; {len(status_errors)} unexpected statuses; {len(leaks)} leaks"
        )
    assert status_errors == []
    assert leaks == []
