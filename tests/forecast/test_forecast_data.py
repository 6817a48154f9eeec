"""Reading measured-load CSVs for the flexradar: formats, dropped columns, clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from netruimte.errors import InputError
from netruimte.flex.forecast.data import read_measured_load


def _write(tmp_path: Path, text: str, name: str = "load.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_plain_csv_and_leaky_columns_dropped(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "datetime,load,APX,total_solar_part,radiation,Hour\n"
        "2021-01-01 00:00:00+00:00,1.0,30,0.1,0,0\n"
        "2021-01-01 00:15:00+00:00,2.0,31,0.1,0,0\n"
        "2021-01-01 00:45:00+00:00,3.0,32,0.1,0,0\n",
    )
    s = read_measured_load(path)
    assert list(s.frame.columns) == ["load_mw", "radiation"]
    assert len(s.frame) == 4 and np.isnan(s.frame["load_mw"].iloc[2])  # gap put on the grid
    assert str(s.frame.index.tz) == "UTC"


def test_missing_load_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "datetime,power\n2021-01-01 00:00:00+00:00,1\n")
    with pytest.raises(InputError, match="no load column") as err:
        read_measured_load(path)
    assert err.value.file is not None and "load.csv" in str(err.value)


def test_missing_time_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "when,load\n2021-01-01 00:00:00+00:00,1\n")
    with pytest.raises(InputError, match="no timestamp column"):
        read_measured_load(path)


def test_unparseable_timestamp_names_row_and_column(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "datetime,load\n2021-01-01 00:00:00+00:00,1\n2021-13-45 00:15,2\n",
    )
    with pytest.raises(InputError) as err:
        read_measured_load(path)
    assert err.value.row == 2 and err.value.column == "datetime"
    assert "unparseable timestamp" in str(err.value)


def test_text_in_load_names_row(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "index,load\n2021-01-01 00:00:00+00:00,1\n2021-01-01 00:15:00+00:00,abc\n",
    )
    with pytest.raises(InputError) as err:
        read_measured_load(path)
    assert (err.value.row, err.value.column) == (2, "load")


def test_duplicate_and_coarse_steps(tmp_path: Path) -> None:
    dup = _write(tmp_path, "datetime,load\n2021-01-01 00:00Z,1\n2021-01-01 00:00Z,2\n", "d.csv")
    with pytest.raises(InputError, match="duplicate"):
        read_measured_load(dup)
    hourly = _write(
        tmp_path, "datetime,load\n2021-01-01 00:00Z,1\n2021-01-01 01:00Z,2\n"
        "2021-01-01 02:00Z,2\n", "h.csv",
    )
    with pytest.raises(InputError, match="15 min"):
        read_measured_load(hourly)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_measured_load(tmp_path / "nope.csv")


@pytest.mark.realdata
def test_real_formats(hal_full, pid_full) -> None:
    assert hal_full.meta.wind_on == 1 and hal_full.meta.lat_deg == pytest.approx(53.3256701)
    assert {"radiation", "windspeed_100m"} <= set(hal_full.frame.columns)
    assert "total_wind_part" not in hal_full.frame.columns
    assert "apx" not in pid_full.frame.columns and "sjv_e1a" in pid_full.frame.columns
    _t0, t1 = pid_full.observed_span()
    assert str(t1) == "2021-01-28 09:45:00+00:00"  # the last ~2 days carry weather, no load
