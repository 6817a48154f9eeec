"""Fixtures for the forecast tests: small real slices of ../shared/data/substation-load."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from netruimte.flex.forecast.data import MeasuredSeries, read_measured_load
from netruimte.flex.forecast.model import FlexradarConfig, with_config


@pytest.fixture(scope="session")
def substation_dir(shared_data: Path) -> Path:
    """The measured substation-load folder (skips when ../shared/data is absent)."""
    folder = shared_data / "substation-load"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    return folder


@pytest.fixture(scope="session")
def hal_full(substation_dir: Path) -> MeasuredSeries:
    """Substation HAL (wind, 92 days)."""
    return read_measured_load(substation_dir / "substations" / "HAL.csv")


@pytest.fixture(scope="session")
def pid_full(substation_dir: Path) -> MeasuredSeries:
    """OpenSTEF example pid_307 (many weather columns, NEDU profiles, NaN load at the end)."""
    return read_measured_load(substation_dir / "openstef-example" / "pid_307.csv")


def head_days(series: MeasuredSeries, days: int) -> MeasuredSeries:
    """The first `days` days of a series (a small real slice for fast tests)."""
    end = series.frame.index[0] + pd.Timedelta(days=days)
    return MeasuredSeries(
        frame=series.frame[series.frame.index < end], meta=series.meta, source=series.source
    )


@pytest.fixture(scope="session")
def hal_slice(hal_full: MeasuredSeries) -> MeasuredSeries:
    """The first 30 days of HAL."""
    return head_days(hal_full, 30)


@pytest.fixture(scope="session")
def tiny_config() -> FlexradarConfig:
    """A fast model configuration for tests (few rounds, three quantiles)."""
    return with_config(n_rounds=15, fit_quantiles=(0.1, 0.5, 0.9), num_threads=1)


@pytest.fixture(scope="session")
def hal_40days(hal_full: MeasuredSeries) -> MeasuredSeries:
    """The first 40 days of HAL (a backtest split gives 9 test days)."""
    return head_days(hal_full, 40)
