"""Public read endpoints, checked against numbers computed independently from the load cube."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest

from netruimte.flex.product import FlexExpectationProduct
from netruimte.web import STATIC_DIR


@pytest.fixture
def db_url(tmp_path) -> str:
    """Read endpoints do not touch the store: SQLite only."""
    return f"sqlite:///{tmp_path / 'store.db'}"


def _shortage_hours(run, area_id: str, direction: str) -> float:
    """Brute force: quarter-hours above capacity, in hours per year (mean over years)."""
    a = run.cube.area_ids.index(area_id)
    load = run.cube.load_mw[:, :, a].astype(np.float64)
    cap = run.region.capacity_mw(direction)[a]
    over = load > cap if direction == "offtake" else -load > cap
    return float(over.sum(axis=1).mean() * 0.25)


def test_areas_carry_bbox_and_severity_from_the_cube(client, small_run) -> None:
    areas = client.get("/api/areas").json()
    assert [a["area_id"] for a in areas] == small_run.cube.area_ids
    for a in areas:
        for direction in ("offtake", "feedin"):
            expect = _shortage_hours(small_run, a["area_id"], direction)
            assert a["congested_hours_per_year"][direction] == pytest.approx(expect, abs=1e-6)
        b = a["bbox"]
        assert b["west"] < b["east"] and b["south"] < b["north"]
    one = client.get(f"/api/areas/{areas[4]['area_id']}").json()
    assert one == areas[4]


def test_area_flex_follows_the_published_schema_and_adds_up(client, small_run) -> None:
    for area_id in small_run.cube.area_ids:
        r = client.get(f"/api/areas/{area_id}/flex/annual")
        assert r.status_code == 200
        product = FlexExpectationProduct.model_validate(r.json())
        assert [x.area_id for x in product.areas] == [area_id]
        for direction in ("offtake", "feedin"):
            x = getattr(product.areas[0], direction)
            hours = _shortage_hours(small_run, area_id, direction)
            assert x.hours_per_year.mean == pytest.approx(hours, abs=1e-3)
            assert np.sum(x.hours_month_hour) == pytest.approx(hours, abs=0.05)


def test_flex_csv_matches_json(client, small_run) -> None:
    table = pd.read_csv(io.StringIO(client.get("/api/flex/annual?format=csv").text))
    assert len(table) == 2 * len(small_run.cube.area_ids)
    product = client.get("/api/flex/annual").json()
    by_key = {
        (a["area_id"], d): a[d]["hours_per_year"]["mean"]
        for a in product["areas"]
        for d in ("offtake", "feedin")
    }
    for row in table.itertuples():
        assert row.hours_per_year_mean == pytest.approx(
            by_key[(row.area_id, row.direction)], abs=1e-4
        )
    area_id = small_run.cube.area_ids[4]
    r = client.get(f"/api/areas/{area_id}/flex/annual", params={"format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert set(pd.read_csv(io.StringIO(r.text)).area_id) == {area_id}
    heat = pd.read_csv(
        io.StringIO(client.get(f"/api/areas/{area_id}/flex/annual/heatmap.csv").text)
    )
    got = heat.groupby("direction")["hours_per_year"].sum()
    for direction, hours in got.items():
        assert hours == pytest.approx(_shortage_hours(small_run, area_id, direction), abs=0.05)


def test_forecast_horizons_answer_404_naming_the_horizon(client) -> None:
    for horizon in ("monthly", "day-ahead"):
        for path in (f"/api/flex/{horizon}", f"/api/areas/NO01/flex/{horizon}"):
            r = client.get(path)
            assert r.status_code == 404, path
            body = r.json()
            assert body["horizon"] == horizon and horizon in body["message"]
    assert client.get("/api/flex/weekly").status_code == 422
    r = client.get("/api/areas/NOPE/flex/annual")
    assert r.status_code == 404 and r.json() == {
        "error": "not_found",
        "message": "no such area",
        "area_id": "NOPE",
    }


def test_load_duration_curve_spans_the_cube(client, small_run) -> None:
    area_id = small_run.cube.area_ids[3]
    a = small_run.cube.area_ids.index(area_id)
    ldc = client.get(f"/api/areas/{area_id}/load-duration").json()
    assert ldc["hours"][0] == 0.25 and ldc["hours"][-1] == pytest.approx(35040 * 0.25)
    for w, label in enumerate(small_run.cube.weather_labels):
        curve = np.asarray(ldc["load_mw"][label])
        assert curve[0] == pytest.approx(small_run.cube.load_mw[w, :, a].max(), abs=1e-3)
        assert curve[-1] == pytest.approx(small_run.cube.load_mw[w, :, a].min(), abs=1e-3)
        assert (np.diff(curve) <= 1e-9).all()


def test_queue_status_matches_admission(client, small_run) -> None:
    adm = small_run.admission
    q = client.get("/api/queue").json()
    assert q["summary"]["requests"] == len(adm)
    assert q["summary"]["waiting_mw"] == pytest.approx(
        adm.loc[adm.outcome == "waiting", "mw"].sum()
    )
    area_id = adm.groupby("area_id").size().idxmax()
    qa = client.get(f"/api/areas/{area_id}/queue").json()
    mine = adm[adm.area_id == area_id]
    assert [r["request_id"] for r in qa["requests"]] == list(
        mine.sort_values("priority", kind="stable").request_id
    )
    assert qa["summary"]["admitted_requests"] == int((mine.outcome == "admitted").sum())
    csv = pd.read_csv(io.StringIO(client.get(f"/api/areas/{area_id}/queue?format=csv").text))
    assert list(csv.request_id) == [r["request_id"] for r in qa["requests"]]
    per_area = pd.read_csv(io.StringIO(client.get("/api/queue?format=csv").text))
    assert per_area.waiting_requests.sum() == (adm.outcome == "waiting").sum()


def test_health_summary_and_openapi(client, small_run) -> None:
    h = client.get("/api/health").json()
    assert h == {
        "status": "ok",
        "region": small_run.region.meta.name,
        "areas": small_run.region.n_areas,
        "target_year": small_run.scenario.target_year,
        "database": "sqlite",
    }
    assert client.get("/api/summary").json()["queue_requests"] == len(small_run.admission)
    spec = client.get("/api/openapi.json").json()
    assert "/api/areas/{area_id}/flex/{horizon}" in spec["paths"]
    assert "/api/tenders/{tender_id}/bids" in spec["paths"]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_web_pages_are_served_and_load_nothing_from_outside(client) -> None:
    index = client.get("/")
    assert index.status_code == 200 and '<div id="map"' in index.text
    assert client.get("/areas/NO01").status_code == 200
    assert client.get("/areas/NOPE").status_code == 404
    js = client.get("/vendor/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    for path in STATIC_DIR.iterdir():
        text = path.read_text(encoding="utf-8")
        # only same-origin references: no absolute URLs in src/href/fetch
        assert not re.search(r"""(src|href)\s*=\s*["']https?://""", text), path.name
        assert not re.search(r"""fetch\(\s*["']https?://""", text), path.name
        for ref in re.findall(r"""(?:src|href)=["'](/[^"']+)["']""", text):
            assert client.get(ref).status_code == 200, (path.name, ref)


def _with_short_horizons(run):
    """The run with the two tables the horizons stage adds for measured areas (as
    netruimte.flex.horizons names them), for two areas."""
    import copy

    out = copy.copy(run)
    out.extra = dict(run.extra)
    areas = run.cube.area_ids[3:5]
    times = pd.date_range("2026-12-15", periods=96, freq="15min", tz="Europe/Amsterdam")
    out.extra["flexradar_dayahead"] = pd.DataFrame(
        {
            "area_id": np.repeat(areas, 96),
            "time_local": np.tile(times, 2),
            "p50_mw": np.arange(192) / 10,
            "p_congestion": np.linspace(0, 1, 192),
        }
    )
    out.extra["flex_monthly_daily"] = pd.DataFrame(
        {
            "area_id": [areas[0]] * 3,
            "date_local": ["2026-12-15", "2026-12-16", "2026-12-17"],
            "p_congestion_day_offtake": [0.1, 0.2, 0.3],
        }
    )
    return out, areas


def test_short_horizons_are_served_where_the_run_has_them(small_run, tmp_path) -> None:
    from fastapi.testclient import TestClient

    from netruimte.api import create_app
    from netruimte.api.readmodel import build_read_model
    from netruimte.store import Database

    run, (a, b) = _with_short_horizons(small_run)
    db = Database.connect(f"sqlite:///{tmp_path / 's.db'}")
    with TestClient(create_app(build_read_model(run), db)) as c:
        day = c.get(f"/api/areas/{a}/flex/day-ahead").json()
        assert day["horizon"] == "day-ahead" and day["area_id"] == a and len(day["rows"]) == 96
        assert day["rows"][5]["p50_mw"] == pytest.approx(0.5)
        assert day["rows"][0]["time_local"].endswith("+01:00")
        csv = pd.read_csv(io.StringIO(c.get(f"/api/areas/{b}/flex/day-ahead?format=csv").text))
        assert list(csv.p50_mw) == pytest.approx(list(np.arange(96, 192) / 10))
        month = c.get(f"/api/areas/{a}/flex/monthly").json()
        assert [r["p_congestion_day_offtake"] for r in month["rows"]] == [0.1, 0.2, 0.3]
        r = c.get(f"/api/areas/{b}/flex/monthly")
        assert r.status_code == 404 and r.json()["available"] == ["annual", "day-ahead"]
        other = small_run.cube.area_ids[0]
        assert c.get(f"/api/areas/{other}/flex/day-ahead").json()["available"] == ["annual"]
        assert len(c.get("/api/flex/day-ahead").json()["rows"]) == 192
        assert c.get(f"/api/areas/{a}/flex/day-ahead/heatmap.csv").status_code == 404
    db.dispose()


@pytest.mark.slow
def test_horizons_stage_feeds_the_short_horizons_end_to_end() -> None:
    """On the default region, when netruimte.flex.horizons exists and areas have measured load."""
    pytest.importorskip("netruimte.flex.horizons")
    from netruimte.api.readmodel import compute_read_model
    from netruimte.region.default import packaged_default_region_path
    from netruimte.region.folder import read_region

    if not read_region(packaged_default_region_path()).meta.measured_load:
        pytest.skip("the default region has no measured load")
    rm = compute_read_model(None, None)
    measured = [aid for aid, v in rm.by_area.items() if v.short]
    assert measured and set(rm.short_all) == {"day-ahead", "monthly"}
    import json

    rows = json.loads(rm.by_area[measured[0]].short["day-ahead"].json)["rows"]
    assert len(rows) in (92, 96, 100) and all(0 <= r["p_congestion"] <= 1 for r in rows)
