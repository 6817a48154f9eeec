"""The web map and area page in headless Chromium: what is drawn matches the API."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.browser

NO_CONGESTION = "rgb(232, 240, 232)"  # #e8f0e8


def _areas(server_url: str) -> list[dict]:
    return httpx.get(f"{server_url}/api/areas", timeout=30).json()


def _fills(page) -> list[str]:
    """Fill colours of the filled area shapes on the map, in drawing order."""
    return page.page.eval_on_selector_all(
        "#map .scatterlayer .trace .fills path", "els => els.map(e => getComputedStyle(e).fill)"
    )


def test_map_draws_every_area_coloured_by_need(page, server_url) -> None:
    areas = _areas(server_url)
    dso = [a for a in areas if a["level"] == "dso" and a["bbox"]]
    page.goto("/")
    mapdiv = page.page.locator("#map")
    assert int(mapdiv.get_attribute("data-areas")) == len(dso) == 48
    congested = [a for a in dso if a["congested_hours_per_year"]["offtake"] > 0]
    assert int(mapdiv.get_attribute("data-congested")) == len(congested)
    fills = _fills(page)
    assert len(fills) == len(dso)  # one filled box per supply area (TenneT areas: outlines)
    coloured = [f for f in fills if f != NO_CONGESTION]
    assert len(coloured) == len(congested) > 0
    # the worst area has the darkest colour on the map (least green+blue)
    worst = max(range(len(dso)), key=lambda i: dso[i]["congested_hours_per_year"]["offtake"])
    darkness = [sum(int(x) for x in f[4:-1].split(",")[1:]) for f in fills]
    assert darkness[worst] == min(darkness)
    assert page.page.locator("#areas tbody tr").count() == len(areas)
    assert "Polderland" in page.page.inner_text("#subtitle")
    page.screenshot("map.png")
    assert page.outside == [] and page.errors == []


def test_direction_switch_recolours_the_map(page, server_url) -> None:
    dso = [a for a in _areas(server_url) if a["level"] == "dso" and a["bbox"]]
    page.goto("/")
    before = _fills(page)
    page.page.select_option("#direction", "feedin")
    page.page.wait_for_selector("#map[data-direction='feedin']")
    page.page.wait_for_selector("body[data-ready='1']")
    feedin = [a for a in dso if a["congested_hours_per_year"]["feedin"] > 0]
    assert int(page.page.locator("#map").get_attribute("data-congested")) == len(feedin)
    after = _fills(page)
    assert sum(f != NO_CONGESTION for f in after) == len(feedin)
    assert after != before
    assert page.outside == [] and page.errors == []


def test_clicking_an_area_on_the_map_opens_its_page(page, server_url) -> None:
    dso = [a for a in _areas(server_url) if a["level"] == "dso" and a["bbox"]]
    worst = max(dso, key=lambda a: a["congested_hours_per_year"]["offtake"])
    page.goto("/")
    b = worst["bbox"]
    x, y = page.page.evaluate(
        """([lon, lat]) => {
             const gd = document.getElementById('map'), L = gd._fullLayout;
             const r = gd.querySelector('.nsewdrag').getBoundingClientRect();
             return [r.left + L.xaxis.l2p(lon), r.top + L.yaxis.l2p(lat)];
           }""",
        [(b["west"] + b["east"]) / 2, (b["south"] + b["north"]) / 2],
    )
    with page.page.expect_navigation():
        page.page.mouse.click(x, y)
    assert page.page.url.endswith(f"/areas/{worst['area_id']}")
    assert page.outside == [] and page.errors == []


def test_area_page_shows_heatmap_ldc_flex_and_queue(page, server_url) -> None:
    dso = [a for a in _areas(server_url) if a["level"] == "dso"]
    area = max(dso, key=lambda a: a["congested_hours_per_year"]["offtake"])
    aid = area["area_id"]
    flex = httpx.get(f"{server_url}/api/areas/{aid}/flex/annual", timeout=30).json()
    queue = httpx.get(f"{server_url}/api/areas/{aid}/queue", timeout=30).json()
    page.goto(f"/areas/{aid}")
    p = page.page
    assert area["name"] in p.inner_text("#title") and aid in p.inner_text("#title")
    # the heatmap shows the product's month × hour grid
    z = p.evaluate("document.getElementById('heatmap').data[0].z")
    assert z == flex["areas"][0]["offtake"]["hours_month_hour"]
    assert p.locator("#heatmap .hm image, #heatmap .heatmaplayer").count() >= 1
    # one load-duration curve per weather year plus both capacities
    n_traces = p.evaluate("document.getElementById('ldc').data.length")
    assert n_traces == len(flex["weather_years"]) + 2
    assert p.locator("#flex tbody tr").count() == 2
    kpis = p.inner_text("#kpis")
    hours = flex["areas"][0]["offtake"]["hours_per_year"]["mean"]
    assert f"{hours:,.1f}".rstrip("0").rstrip(".") in kpis
    assert p.locator("#queue tbody tr").count() == len(queue["requests"]) > 0
    page.screenshot("area.png")
    p.select_option("#direction", "feedin")
    p.wait_for_selector("body[data-direction='feedin'][data-ready='1']")
    z = p.evaluate("document.getElementById('heatmap').data[0].z")
    assert z == flex["areas"][0]["feedin"]["hours_month_hour"]
    assert page.outside == [] and page.errors == []


def test_unknown_area_page_is_404(page, server_url) -> None:
    r = page.page.goto(server_url + "/areas/NOPE")
    assert r.status == 404 and "Unknown area" in page.page.inner_text("h1")
