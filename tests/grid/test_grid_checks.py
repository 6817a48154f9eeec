"""Bad input: each problem gets a clear InputError that names the element."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from power_grid_model import ComponentType as CT

from netruimte.errors import InputError
from netruimte.grid.area import run_area_network
from netruimte.grid.checks import check_model, check_node, check_profiles, energized_nodes
from netruimte.grid.model import ApplianceProfiles
from netruimte.grid.quickscan import Quickscan


def test_clean_feeder_passes(feeder) -> None:
    check_model(feeder)
    assert energized_nodes(feeder).all()


def test_islanded_network_names_the_stranded_nodes(feeder) -> None:
    line = feeder.input_data[CT.line]
    line["to_status"][line["id"] == 202] = 0  # cut the cable between node 4 and node 5
    with pytest.raises(InputError) as err:
        check_model(feeder)
    msg = str(err.value)
    assert "islanded" in msg
    assert "Node 5 (id 5)" in msg and "Node 6 (id 6)" in msg
    assert "Node 4 (id 4)" not in msg


def test_missing_source(feeder) -> None:
    del feeder.input_data[CT.source]
    with pytest.raises(InputError, match="has no source"):
        check_model(feeder)


def test_switched_off_source_is_named(feeder) -> None:
    feeder.input_data[CT.source]["status"] = 0
    with pytest.raises(InputError, match=r"no switched-on source: id 100"):
        check_model(feeder)


def test_engine_validation_names_component_and_id(feeder) -> None:
    feeder.input_data[CT.line]["from_node"][0] = 999  # a node that does not exist
    with pytest.raises(InputError) as err:
        check_model(feeder)
    assert "from_node" in str(err.value) and "Cable 200 (id 200)" in str(err.value)


def test_profile_with_unknown_appliance(feeder) -> None:
    p = feeder.profiles
    p.appliance_ids = p.appliance_ids.copy()
    p.appliance_ids[0] = 7777
    with pytest.raises(InputError, match=r"name no sym_load or sym_gen of the grid: id 7777"):
        check_profiles(feeder, p)


def test_profile_with_wrong_shape(feeder) -> None:
    p = feeder.profiles
    bad = ApplianceProfiles(p.time_utc, p.appliance_ids, p.p_mw[:, :-1], p.q_mvar)
    with pytest.raises(InputError, match=r"p_mw has shape .* expected \(672 time steps, 6"):
        check_profiles(feeder, bad)


def test_profile_with_gap_names_appliance_and_time(feeder) -> None:
    p = feeder.profiles
    p.p_mw[10, 2] = np.nan
    with pytest.raises(InputError) as err:
        check_profiles(feeder, p)
    assert "Node 5" not in str(err.value)  # it names the load, not a node
    assert "id 304" in str(err.value) and "2025-01-01 02:30:00+00:00" in str(err.value)


def test_profile_time_axis_must_be_regular_utc(feeder) -> None:
    p = feeder.profiles
    naive = ApplianceProfiles(p.time_utc.tz_localize(None), p.appliance_ids, p.p_mw, p.q_mvar)
    with pytest.raises(InputError, match="tz-aware"):
        check_profiles(feeder, naive)
    times = p.time_utc.delete(5).append(pd.DatetimeIndex([p.time_utc[-1] + pd.Timedelta("1h")]))
    gap = ApplianceProfiles(times, p.appliance_ids, p.p_mw, p.q_mvar)
    with pytest.raises(InputError, match="breaks at 2025-01-01 01:30"):
        check_profiles(feeder, gap)


def test_run_rejects_mismatching_profile(feeder) -> None:
    p = feeder.profiles
    other = ApplianceProfiles(p.time_utc, p.appliance_ids + 1000, p.p_mw, p.q_mvar)
    with pytest.raises(InputError, match="id 1302"):
        run_area_network(feeder, profiles=other)


def test_unknown_node_in_request(feeder) -> None:
    assert check_node(feeder, 4) == 3
    with pytest.raises(InputError, match=r"node id 42 is not in network 'feeder'.*nearby ids"):
        check_node(feeder, 42)
    scanner = Quickscan(feeder)
    with pytest.raises(InputError, match="node id 42"):
        scanner.scan(42, 1.0)


def test_request_profile_length_is_checked(feeder) -> None:
    scanner = Quickscan(feeder)
    with pytest.raises(InputError, match="672 finite values"):
        scanner.scan(4, np.ones(10))
