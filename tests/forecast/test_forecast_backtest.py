"""The backtest protocol: split by hand, persistence matches the peer's figures, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netruimte.flex.forecast.backtest import (
    backtest_series,
    persistence_mw,
    protocol_split,
    results_table,
    series_split,
)
from netruimte.flex.forecast.data import MeasuredSeries
from netruimte.flex.forecast.features import target_index
from netruimte.flex.forecast.metrics import load_range_mw, rmae


def test_split_substation_by_hand() -> None:
    # span 91 d 23:45; 0.75 of it after t0 is 2021-10-08 00:03:45 -> rounded up to 9 Oct
    s = protocol_split(pd.Timestamp("2021-07-31 00:15", tz="UTC"),
                       pd.Timestamp("2021-10-31 00:00", tz="UTC"))
    assert s.split == pd.Timestamp("2021-10-09", tz="UTC")
    assert s.test_days[0] == s.split and s.test_days[-1] == pd.Timestamp("2021-10-30", tz="UTC")
    assert len(s.test_days) == 22


def test_split_openstef_by_hand() -> None:
    # span 118 d; 88.5 d after t0 is 2020-12-29 21:45 -> 30 Dec; load ends 28 Jan 09:45
    s = protocol_split(pd.Timestamp("2020-10-02 09:45", tz="UTC"),
                       pd.Timestamp("2021-01-28 09:45", tz="UTC"))
    assert s.split == pd.Timestamp("2020-12-30", tz="UTC")
    assert s.test_days[-1] == pd.Timestamp("2021-01-27", tz="UTC") and len(s.test_days) == 29


@pytest.mark.realdata
def test_persistence_matches_the_peer_protocol(substation_dir) -> None:
    """Persistence rMAE on HAL and pid_287 (part of the peer's 0.178 / 0.169 means)."""
    from netruimte.flex.forecast.data import read_measured_load

    got = {}
    for path in (substation_dir / "substations" / "HAL.csv",
                 substation_dir / "openstef-example" / "pid_287.csv"):
        series = read_measured_load(path)
        targets = target_index(series_split(series).test_days)
        actual = series.frame["load_mw"].reindex(targets).to_numpy()
        rng = load_range_mw(actual)
        got[path.stem] = [rmae(actual, persistence_mw(series, targets, k), rng) for k in (7, 2)]
    assert np.allclose(got["HAL"], [0.218, 0.210], atol=5e-4)
    assert np.allclose(got["pid_287"], [0.083, 0.107], atol=5e-4)


@pytest.mark.realdata
def test_backtest_is_deterministic(hal_40days: MeasuredSeries, tiny_config) -> None:
    """Two backtests of a 40-day slice give identical scores (every seed fixed)."""
    a = backtest_series(hal_40days, tiny_config)
    b = backtest_series(hal_40days, tiny_config)
    assert a["ours"] == b["ours"] and a["persist7d"] == b["persist7d"]
    table = results_table([a])
    assert set(table["method"]) == {"ours", "persist7d", "persist2d"}
    assert 0 < a["ours"]["rmae"] < 1 and 0 <= a["ours"]["cov80"] <= 1
