"""A region folder with network models: per-asset tables for `netruimte run`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netruimte.grid.area import save_area_network
from netruimte.grid.region_report import network_congestion_frames, region_network_congestion


def test_region_without_networks_adds_nothing(tmp_path) -> None:
    assert region_network_congestion(tmp_path).tables == {}
    assert region_network_congestion(None).tables == {}


def test_networked_areas_are_reported_per_asset(tmp_path, feeder_factory) -> None:
    save_area_network(tmp_path, "DSO-1", feeder_factory(load_mw=2.0))
    save_area_network(tmp_path, "DSO-2", feeder_factory(load_mw=0.2, pv_mw=9.0))
    save_area_network(tmp_path, "ELSEWHERE", feeder_factory())
    axis = pd.date_range("2030-01-01", periods=96 * 7, freq="15min", tz="UTC")
    out = region_network_congestion(tmp_path, axis, area_ids=["DSO-1", "DSO-2"])
    assert set(out.results) == {"DSO-1", "DSO-2"}  # a network of an unknown area is ignored
    assets = out.tables["asset_congestion"]
    assert set(assets.area_id) == {"DSO-1", "DSO-2"}
    assert len(assets) == 2 * 11  # 4 cables, 1 transformer, 6 nodes per area
    hot = assets[assets.hours_congested > 0]
    assert set(hot[hot.area_id == "DSO-1"].kind) == {"line"}
    assert hot[hot.area_id == "DSO-1"].feedin_mwh.sum() == 0
    assert hot[hot.area_id == "DSO-2"].offtake_mwh.sum() == 0

    events = out.tables["asset_congestion_events"]
    for area_id, direction in (("DSO-1", "offtake"), ("DSO-2", "feedin")):
        ev = events[(events.area_id == area_id) & (events.direction == direction)]
        per_asset = hot[hot.area_id == area_id].set_index("asset_id")
        col = f"{direction}_mwh"
        mwh = ev.groupby("asset_id").energy_mwh.sum()
        assert np.allclose(mwh.sort_index(), per_asset.loc[mwh.index, col].sort_index(), atol=1e-3)
        assert (ev.start_utc >= axis[0]).all()

    area = out.tables["network_area_congestion"].set_index(["area_id", "direction"])
    assert area.loc[("DSO-1", "offtake"), "events"] > 0
    assert area.loc[("DSO-1", "feedin"), "events"] == 0
    assert area.loc[("DSO-2", "feedin"), "most_binding_asset"].startswith("Cable")
    # The area's worst asset bounds every asset: its MWh is at least the largest asset's.
    worst = assets[assets.area_id == "DSO-1"].offtake_mwh.max()
    assert area.loc[("DSO-1", "offtake"), "shortage_mwh"] >= worst - 1e-6


def test_hook_takes_a_region_object(tmp_path, feeder_factory) -> None:
    save_area_network(tmp_path, "A", feeder_factory(load_mw=2.0))

    from types import SimpleNamespace

    # What the hook reads from netruimte.region.model.Region: its folder and area ids.
    frames = network_congestion_frames(SimpleNamespace(folder=tmp_path, area_ids=["A", "B"]))
    assert set(frames) == {
        "asset_congestion",
        "asset_congestion_events",
        "network_area_congestion",
        "network_flex_expectation",
        "asset_flex_expectation",
    }


def test_run_stage_adds_tables_section_and_headlines(tmp_path, feeder_factory) -> None:
    from types import SimpleNamespace

    from netruimte.grid.stage import network_stage

    save_area_network(tmp_path, "A", feeder_factory(load_mw=2.0))
    axis = pd.date_range("2030-01-01", periods=96 * 7, freq="15min", tz="UTC")
    result = SimpleNamespace(
        region=SimpleNamespace(folder=tmp_path, area_ids=["A"]),
        cube=SimpleNamespace(axis=axis),
        extra={},
        sections=[],
        extra_summary={},
    )
    network_stage(result, None)
    assert "asset_congestion" in result.extra
    assert result.extra_summary["networked_areas"] == 1
    assert result.extra_summary["network_assets_congested"] >= 1
    assert result.extra_summary["network_shortage_mwh_offtake"] > 0
    title, body = result.sections[0]
    assert title == "Network congestion per asset" and "Cable 200" in body

    empty = SimpleNamespace(
        region=SimpleNamespace(folder=tmp_path / "none", area_ids=["A"]),
        cube=SimpleNamespace(axis=axis),
        extra={},
        sections=[],
        extra_summary={},
    )
    network_stage(empty, None)
    assert empty.extra == {} and empty.sections == [] and empty.extra_summary == {}


def test_flex_expectation_of_network_shortages(tmp_path, feeder_factory) -> None:
    """The core's flex expectation on the worst-asset shortage agrees with the event counts
    and MWh reported per area, and per asset with each asset's own totals."""
    save_area_network(tmp_path, "DSO-1", feeder_factory(load_mw=2.0))
    save_area_network(tmp_path, "DSO-2", feeder_factory(load_mw=0.2, pv_mw=9.0))
    out = region_network_congestion(tmp_path)
    fx = out.tables["network_flex_expectation"].set_index(["series", "direction"])
    area = out.tables["network_area_congestion"].set_index(["area_id", "direction"])
    for key in area.index:
        assert fx.loc[key, "events_per_year_mean"] == area.loc[key, "events"]
        assert np.isclose(
            fx.loc[key, "mwh_per_year_mean"], area.loc[key, "shortage_mwh"], atol=1e-3
        )
        assert np.isclose(fx.loc[key, "peak_mw_mean"], area.loc[key, "peak_shortage_mw"], atol=1e-3)
    per_asset = out.tables["asset_flex_expectation"]
    assets = out.tables["asset_congestion"]
    cable = per_asset[(per_asset.series == "DSO-2/Cable 203") & (per_asset.direction == "feedin")]
    row = assets[(assets.area_id == "DSO-2") & (assets.name == "Cable 203")].iloc[0]
    assert np.isclose(cable["mwh_per_year_mean"].iloc[0], row["feedin_mwh"], atol=1e-3)
    assert cable["hours_per_year_mean"].iloc[0] == row["hours_congested"]
