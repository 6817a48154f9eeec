"""Congestion per asset: thresholds, MW conversion, direction and the area's worst asset."""

from __future__ import annotations

import numpy as np
from power_grid_model import ComponentType as CT

from netruimte.grid.area import run_area_network
from netruimte.grid.asset_congestion import downstream_sign, node_depth
from netruimte.grid.model import ApplianceProfiles
from netruimte.grid.powerflow import PowerFlowEngine


def _rows(cong, kind):
    return np.flatnonzero((cong.assets["kind"] == kind).to_numpy())


def test_offtake_overload_in_mw(feeder_factory) -> None:
    model = feeder_factory(load_mw=2.0)
    res = run_area_network(model)
    cong = res.congestion
    lines = _rows(cong, "line")
    loading = cong.loading[lines]
    rating = cong.assets["rating_mva"].to_numpy()[lines]
    expected = np.maximum(loading - 1.0, 0.0) * rating[:, None]
    assert (loading > 1.0).any()  # the evening peak overloads the first cables
    assert np.allclose(cong.shortage_offtake_mw[lines], expected)
    assert not cong.shortage_feedin_mw.any()  # loads only: all offtake
    # Rating of a 300 A, 10.5 kV cable: sqrt(3) * 10.5 kV * 0.3 kA.
    assert np.isclose(rating[0], np.sqrt(3) * 10.5 * 0.3)
    # The power-flow arrays come in (T, n) and leave asset-major (A, T).
    assert np.array_equal(loading.T, res.power_flow.line_loading)


def test_feedin_overload_and_direction(feeder_factory) -> None:
    model = feeder_factory(load_mw=0.2, pv_mw=9.0)
    cong = run_area_network(model).congestion
    lines = _rows(cong, "line")
    assert cong.shortage_feedin_mw[lines].max() > 0.5
    assert not cong.shortage_offtake_mw[lines].any()


def test_orientation_from_the_source(feeder) -> None:
    assert np.array_equal(node_depth(feeder), [0, 1, 2, 3, 4, 5])
    line = feeder.input_data[CT.line]
    # Flip one cable's orientation: its downstream sign flips with it.
    line["from_node"][1], line["to_node"][1] = line["to_node"][1], line["from_node"][1]
    assert np.array_equal(downstream_sign(feeder), [1, -1, 1, 1, 1])
    cong = run_area_network(feeder_factory_loaded(feeder)).congestion
    assert not cong.shortage_feedin_mw.any()  # still offtake, though p_from < 0 on cable 201


def feeder_factory_loaded(model):
    p = model.profiles
    p.p_mw[:, :5] *= 2.0
    return model


def test_voltage_congestion_converted_with_engine_sensitivity(feeder_factory) -> None:
    """Under-voltage becomes MW via dU/dP from the engine: shedding that many MW at the worst
    node (at the worst step) must lift its voltage back to about 0.90 pu."""
    model = feeder_factory(load_mw=1.6, i_n_a=2000.0, r_ohm=0.9)
    cong = run_area_network(model).congestion
    nodes = _rows(cong, "node")
    short = cong.shortage_offtake_mw[nodes]
    assert short.max() > 0 and not cong.shortage_offtake_mw[_rows(cong, "line")].any()
    node_row, step = np.unravel_index(np.argmax(short), short.shape)
    mw = short[node_row, step]
    node_id = int(cong.assets["asset_id"].to_numpy()[nodes][node_row])
    p = model.profiles.select(np.array([step]))
    col = int(np.flatnonzero(p.appliance_ids == 300 + node_id)[0])
    p.p_mw = p.p_mw.copy()
    p.p_mw[0, col] -= mw
    after = PowerFlowEngine(model).run(p)
    u = after.u_pu[0, list(model.node_ids).index(node_id)]
    assert abs(u - 0.90) < 0.1 * (0.90 - cong.loading[nodes][node_row, step])


def test_area_takes_worst_asset(feeder_factory) -> None:
    cong = run_area_network(feeder_factory(load_mw=2.0)).congestion
    assert np.array_equal(cong.area_shortage_offtake_mw, cong.shortage_offtake_mw.max(axis=0))
    hot = cong.area_shortage_offtake_mw > 0
    worst = cong.area_worst_asset_offtake
    assert (worst[~hot] == -1).all()
    assert np.allclose(
        cong.shortage_offtake_mw[worst[hot], np.flatnonzero(hot)],
        cong.area_shortage_offtake_mw[hot],
    )
    summary = cong.summary()
    first = summary.iloc[0]
    assert first["kind"] == "line" and first["hours_congested"] > 0
    assert np.isclose(first["offtake_mwh"], cong.shortage_offtake_mw[0].sum() * 0.25)


def test_no_congestion_in_a_light_grid(feeder) -> None:
    cong = run_area_network(feeder).congestion
    assert not cong.area_shortage_offtake_mw.any() and not cong.area_shortage_feedin_mw.any()


def test_profiles_override_and_alignment(feeder) -> None:
    import pandas as pd

    p = feeder.profiles
    axis = pd.date_range("2031-01-01", periods=p.n_steps, freq="15min", tz="UTC")
    res = run_area_network(feeder, time_utc=axis)
    assert res.time_utc.equals(axis)
    base = run_area_network(feeder)
    assert np.array_equal(res.power_flow.u_pu, base.power_flow.u_pu)
    zero = ApplianceProfiles(p.time_utc, p.appliance_ids, p.p_mw * 0, p.q_mvar * 0)
    flat = run_area_network(feeder, profiles=zero)
    assert np.allclose(flat.power_flow.u_pu, flat.power_flow.u_pu[0])
