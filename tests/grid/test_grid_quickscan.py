"""Quickscan: its screened answer must equal a full-year run with the request added."""

from __future__ import annotations

from dataclasses import astuple

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netruimte.grid.area import run_area_network
from netruimte.grid.model import ApplianceProfiles
from netruimte.grid.quickscan import Quickscan, _with_request, congestion_stats


def full_run(model, node_id: int, request_mw: np.ndarray, power_factor: float = 1.0):
    """Reference: the request as a real load over every step, no screening."""
    m2, rid = _with_request(model, node_id)
    p = model.profiles
    q = np.abs(request_mw) * np.tan(np.arccos(power_factor)) * np.sign(request_mw)
    prof = ApplianceProfiles(
        p.time_utc,
        np.concatenate([p.appliance_ids, [rid]]),
        np.column_stack([p.p_mw, request_mw]),
        np.column_stack([p.q_mvar, q]),
    )
    return run_area_network(m2, profiles=prof).congestion


def assert_same(res, ref, loading_tol: float = 1e-9) -> None:
    branches = (ref.assets["kind"] != "node").to_numpy()
    ref_worst = ref.loading[branches].max(axis=1)
    assert np.abs(res.assets["worst_after"].to_numpy() - ref_worst).max() <= loading_tol
    assert np.isclose(res.worst_loading_after, ref_worst.max(), atol=1e-12, rtol=0)
    for mine, theirs in (
        (res.congestion_after.area_shortage_offtake_mw, ref.area_shortage_offtake_mw),
        (res.congestion_after.area_shortage_feedin_mw, ref.area_shortage_feedin_mw),
        (res.congestion_after.shortage_offtake_mw, ref.shortage_offtake_mw),
        (res.congestion_after.shortage_feedin_mw, ref.shortage_feedin_mw),
    ):
        assert np.allclose(mine, theirs, atol=1e-9, rtol=1e-9)
    nodes = ~branches
    assert np.isclose(res.voltage["u_min_after_pu"], ref.loading[nodes].min(), atol=loading_tol)
    assert np.isclose(res.voltage["u_max_after_pu"], ref.loading[nodes].max(), atol=loading_tol)
    for direction, shortage in (
        ("offtake", ref.area_shortage_offtake_mw),
        ("feedin", ref.area_shortage_feedin_mw),
    ):
        mine, theirs = astuple(res.after[direction]), astuple(congestion_stats(shortage, 0.25))
        assert np.allclose(mine, theirs, rtol=1e-9, atol=1e-9)


@pytest.fixture(scope="module")
def scanner():
    from conftest import make_feeder

    return Quickscan(make_feeder(load_mw=1.2, pv_mw=8.0, r_ohm=0.5))


SHAPES = {
    "flat": lambda t: np.ones(t),
    "evening": lambda t: np.exp(-((((np.arange(t) % 96) / 4 - 19) / 2.5) ** 2)),
    "noon": lambda t: np.clip(np.sin(np.pi * ((np.arange(t) % 96) / 4 - 6) / 12), 0, None),
}


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    node=st.integers(2, 6),
    mw=st.floats(-8.0, 8.0).filter(lambda x: abs(x) > 0.05),
    shape=st.sampled_from(sorted(SHAPES)),
    pf=st.sampled_from([1.0, 0.95]),
)
def test_quickscan_equals_full_run(scanner, node, mw, shape, pf) -> None:
    request = mw * SHAPES[shape](scanner.profiles.n_steps)
    res = scanner.scan(node, request, power_factor=pf)
    ref = full_run(scanner.model, node, request, pf)
    assert_same(res, ref, loading_tol=3e-3)


def test_quickscan_skips_most_steps_for_a_small_request(scanner) -> None:
    res = scanner.scan(3, 0.3)
    assert res.steps_solved < 0.5 * res.n_steps
    assert_same(res, full_run(scanner.model, 3, np.full(res.n_steps, 0.3)))


def test_zero_request_changes_nothing(scanner) -> None:
    res = scanner.scan(4, 0.0)
    assert res.steps_solved == 0
    assert res.worst_loading_after == res.worst_loading_before
    assert res.after == res.before


def test_load_relieves_feedin_and_adds_offtake(scanner) -> None:
    """A midday load at the PV node cuts feed-in congestion; an evening one adds offtake."""
    t = scanner.profiles.n_steps
    midday = scanner.scan(6, 2.5 * SHAPES["noon"](t))
    evening = scanner.scan(6, 2.5 * SHAPES["evening"](t))
    assert midday.after["feedin"].mwh < midday.before["feedin"].mwh
    assert evening.after["offtake"].mwh > evening.before["offtake"].mwh


def test_congestion_stats_counts_blocks() -> None:
    s = np.zeros(96)
    s[10:14] = 1.0  # one hour
    s[50:52] = 2.0
    stats = congestion_stats(s, 0.25)
    assert stats.events == 2 and stats.hours == 1.5 and stats.longest_event_h == 1.0
    assert stats.max_mw == 2.0 and stats.mwh == 2.0


@pytest.mark.slow
def test_quickscan_on_simbench_rural_year(rural) -> None:
    scan = Quickscan(rural.model)
    res = scan.scan(15, -4.0)  # 4 MW feed-in at the end of the most loaded feeder
    assert res.worst_loading_after > 1.0 and res.after["feedin"].hours > 100
    assert res.steps_solved < res.n_steps
    assert_same(res, full_run(rural.model, 15, np.full(res.n_steps, -4.0)))
