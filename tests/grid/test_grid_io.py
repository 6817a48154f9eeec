"""power-grid-model JSON and Parquet profiles in a region folder; alignment to a run's axis."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from power_grid_model import ComponentType as CT

from netruimte.errors import InputError
from netruimte.grid.area import (
    align_profiles,
    list_area_networks,
    load_area_network,
    run_area_network,
    save_area_network,
)
from netruimte.grid.pgm_json import read_pgm_json, read_profiles


def test_round_trip_keeps_data_names_and_profiles(tmp_path, feeder) -> None:
    save_area_network(tmp_path, "AREA-1", feeder)
    assert (tmp_path / "networks" / "AREA-1.json").exists()
    assert (tmp_path / "networks" / "AREA-1.profiles.parquet").exists()
    assert list_area_networks(tmp_path) == ["AREA-1"]
    back = load_area_network(tmp_path, "AREA-1")
    for comp, arr in feeder.input_data.items():
        for field in arr.dtype.names:
            a, b = arr[field], back.input_data[comp][field]
            assert np.array_equal(a, b, equal_nan=np.issubdtype(a.dtype, np.floating)), field
    assert back.names[101] == "Substation transformer"
    assert np.array_equal(back.profiles.appliance_ids, np.sort(feeder.profiles.appliance_ids))
    order = np.argsort(feeder.profiles.appliance_ids)
    assert np.allclose(back.profiles.p_mw, feeder.profiles.p_mw[:, order])
    assert back.profiles.time_utc.equals(feeder.profiles.time_utc)
    # Same results from the file as from memory.
    a = run_area_network(feeder).power_flow
    b = run_area_network(back).power_flow
    assert np.allclose(a.u_pu, b.u_pu, atol=1e-12)


def test_json_is_plain_power_grid_model_input(tmp_path, feeder) -> None:
    save_area_network(tmp_path, "A", feeder)
    raw = json.loads((tmp_path / "networks" / "A.json").read_text())
    assert raw["type"] == "input" and raw["is_batch"] is False
    assert {"node", "line", "transformer", "source", "sym_load", "sym_gen"} <= set(raw["data"])
    assert raw["data"]["line"][0]["name"] == "Cable 200"


def test_bad_files_are_named(tmp_path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON") as err:
        read_pgm_json(bad)
    assert "x.json" in str(err.value)
    bad.write_text(json.dumps({"type": "update", "is_batch": True, "data": {}}))
    with pytest.raises(InputError, match="not a power-grid-model input dataset"):
        read_pgm_json(bad)
    frame = pd.DataFrame({"time_utc": pd.date_range("2025", periods=3, freq="15min", tz="UTC")})
    frame["power:7"] = 1.0
    frame.to_parquet(tmp_path / "p.parquet")
    with pytest.raises(InputError, match="column 'power:7'"):
        read_profiles(tmp_path / "p.parquet")
    with pytest.raises(InputError, match="has no network model"):
        load_area_network(tmp_path, "nope")


def test_checks_run_when_loading_from_a_folder(tmp_path, feeder) -> None:
    feeder.input_data[CT.line]["from_status"][0] = 0  # strands the whole feeder
    save_area_network(tmp_path, "A", feeder)
    with pytest.raises(InputError, match="islanded"):
        load_area_network(tmp_path, "A")


def test_align_leap_year_profile_to_common_year(feeder) -> None:
    t = pd.date_range("2016-02-28", "2016-03-02", freq="15min", tz="UTC", inclusive="left")
    p = feeder.profiles
    src = type(p)(
        t, p.appliance_ids, np.arange(len(t))[:, None] * np.ones((1, 6)), 0 * np.ones((len(t), 6))
    )
    dst = pd.date_range("2025-02-28", "2025-03-02", freq="15min", tz="UTC", inclusive="left")
    out = align_profiles(src, dst)
    assert len(out.time_utc) == len(dst)
    # 1 March 2025 takes 1 March 2016's values (29 Feb is dropped).
    assert out.p_mw[96, 0] == 2 * 96
    back = align_profiles(out, t.shift(8 * 365 + 2, freq="D"))  # to 2024, a leap year
    assert back.p_mw[96, 0] == 0  # 29 Feb 2024 filled from 28 Feb
    with pytest.raises(InputError, match="do not match the time axis"):
        align_profiles(src, pd.date_range("2025-06-01", periods=4, freq="15min", tz="UTC"))
