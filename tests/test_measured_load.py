"""Measured-load importer on synthetic files: UTC, DST, resolution and gaps."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from netruimte.errors import InputError
from netruimte.region.measured_load import read_measured_csv


def write(tmp_path: Path, rows: list[str], header: str = "timestamp,load_mw") -> Path:
    p = tmp_path / "load.csv"
    p.write_text("\n".join([header, *rows]) + "\n")
    return p


def test_local_autumn_fallback_is_inferred(tmp_path: Path) -> None:
    # 2021-10-31: 02:00-02:45 local happens twice (first CEST, then CET)
    times = [
        "00:00",
        "00:15",
        "00:30",
        "00:45",
        "01:00",
        "01:15",
        "01:30",
        "01:45",
        "02:00",
        "02:15",
        "02:30",
        "02:45",
        "02:00",
        "02:15",
        "02:30",
        "02:45",
        "03:00",
    ]
    rows = [f"2021-10-31 {t},{i}" for i, t in enumerate(times)]
    m = read_measured_csv(write(tmp_path, rows), timezone="Europe/Amsterdam")
    s = m.load_mw
    assert s.index[0] == pd.Timestamp("2021-10-30 22:00", tz="UTC")
    assert len(s) == 17 and not m.gaps  # 17 distinct UTC quarter-hours, no gap
    assert s.iloc[-1] == 16


def test_utc_offsets_and_gaps(tmp_path: Path) -> None:
    rows = [
        "2021-01-01T00:00:00+00:00,1",
        "2021-01-01T00:15:00+00:00,2",
        "2021-01-01T01:30:00+01:00,3",  # = 00:30 UTC
        "2021-01-01T01:30:00+00:00,4",  # 00:45 .. 01:15 UTC missing
        "2021-01-01T01:45:00+00:00,",
    ]  # empty value
    m = read_measured_csv(write(tmp_path, rows))
    assert m.load_mw.iloc[2] == 3
    kinds = [(g.steps, g.kind) for g in m.gaps]
    assert kinds == [(3, "missing timestamps"), (1, "empty values")]


def test_hourly_data_is_held_per_quarter_hour(tmp_path: Path) -> None:
    rows = [f"2021-01-01T{h:02d}:00:00Z,{h}" for h in range(4)]
    m = read_measured_csv(write(tmp_path, rows))
    assert m.load_mw.tolist()[:8] == [0, 0, 0, 0, 1, 1, 1, 1]


def test_five_minute_data_is_averaged(tmp_path: Path) -> None:
    rows = [
        f"2021-01-01T00:{mi:02d}:00Z,{v}"
        for mi, v in zip(range(0, 30, 5), [1, 2, 3, 4, 5, 6], strict=True)
    ]
    m = read_measured_csv(write(tmp_path, rows))
    assert m.load_mw.tolist() == [2.0, 5.0]


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        (["2021-01-01T00:00:00Z,1", "2021-01-01T00:00:00Z,2"], "duplicate timestamp"),
        (["2021-01-01T00:00:00Z,1", "yesterday,2"], "row 2"),
        (["2021-01-01T00:00:00Z,1", "2021-01-01 00:15,2"], "with and without a UTC offset"),
        (["2021-01-01T00:00:00Z,12 kW"], "not a number in MW"),
    ],
)
def test_bad_measured_files(tmp_path: Path, rows: list[str], fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        read_measured_csv(write(tmp_path, rows))


def test_no_time_column(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no time column"):
        read_measured_csv(write(tmp_path, ["1,2"], header="a,load_mw"))
