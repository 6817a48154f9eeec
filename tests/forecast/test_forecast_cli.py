"""`netruimte flexradar` end to end on a real slice, and its clear errors (exit code 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netruimte.cli", "flexradar", *args],
        capture_output=True, text=True, timeout=300,
    )


def _cli_inprocess(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    """Run `netruimte flexradar ...` through the real entry point, in this process (fast)."""
    from netruimte.cli import main

    monkeypatch.setattr(sys, "argv", ["netruimte", "flexradar", *args])
    try:
        main()
    except SystemExit as stop:
        return int(stop.code or 0), capsys.readouterr().err
    return 0, capsys.readouterr().err


@pytest.fixture(scope="module")
def slice_csv(tmp_path_factory: pytest.TempPathFactory, substation_dir: Path) -> Path:
    """The first 24 days of substation WHF as a CSV in the original format."""
    raw = pd.read_csv(substation_dir / "substations" / "WHF.csv")
    path = tmp_path_factory.mktemp("flexradar") / "WHF.csv"
    raw.iloc[: 24 * 96].to_csv(path, index=False)
    return path


@pytest.mark.realdata
def test_flexradar_writes_csv_and_json(slice_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = _cli("--load", str(slice_csv), "--date", "2021-08-22", "--capacity-mw", "10",
               "--feedin-capacity-mw", "40", "--out", str(out), "--seed", "3")
    assert res.returncode == 0, res.stderr
    csv = out / "flexradar_WHF_2021-08-22.csv"
    table = pd.read_csv(csv)
    assert len(table) == 96
    assert {"p10_mw", "p90_mw", "p_congestion", "expected_shortage_mw",
            "p_congestion_feedin"} <= set(table.columns)
    assert table["p_congestion"].between(0, 1).all()
    assert (table["expected_shortage_mw"] >= 0).all()
    assert (table["issue_time_utc"] == "2021-08-21T06:00:00Z").all()
    doc = json.loads((out / "flexradar_WHF_2021-08-22.json").read_text())
    assert len(doc["steps"]) == 96 and "perfect forecast" in doc["note"]
    assert not list(out.glob(".*.tmp"))  # atomic writes leave no temporaries


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2021-09-30", "outside the data"),
        ("2021-08-05", "too little history"),
        ("yesterday-ish", "not a date"),
    ],
)
def test_flexradar_bad_dates(
    slice_csv: Path, tmp_path: Path, date: str, message: str,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    code, err = _cli_inprocess(monkeypatch, capsys, "--load", str(slice_csv), "--date", date,
                               "--capacity-mw", "10", "--out", str(tmp_path))
    assert code == 2
    assert message in err and "Traceback" not in err
    assert "WHF.csv" in err


def test_flexradar_missing_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("datetime,power\n2021-01-01 00:00:00+00:00,1\n")
    code, err = _cli_inprocess(monkeypatch, capsys, "--load", str(bad), "--date", "2021-01-02",
                               "--capacity-mw", "1", "--out", str(tmp_path))
    assert code == 2
    assert "bad.csv" in err and "no load column" in err


def test_flexradar_missing_weather_for_the_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    idx = pd.date_range("2021-01-01", periods=20 * 96, freq="15min", tz="UTC")
    frame = pd.DataFrame({"datetime": idx, "load": 1.0, "windspeed_100m": 5.0})
    frame.loc[frame.index[-40:], "windspeed_100m"] = None
    path = tmp_path / "w.csv"
    frame.to_csv(path, index=False)
    code, err = _cli_inprocess(monkeypatch, capsys, "--load", str(path), "--date", "2021-01-20",
                               "--capacity-mw", "1", "--out", str(tmp_path))
    assert code == 2
    assert "windspeed_100m" in err and "weather forecast" in err


def test_flexradar_needs_a_capacity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _cli_inprocess(monkeypatch, capsys, "--load", str(tmp_path / "x.csv"),
                               "--date", "2021-01-02", "--out", str(tmp_path))
    assert code == 2 and "capacity" in err


@pytest.mark.realdata
def test_flexradar_load_only_file_beyond_its_end(
    substation_dir: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """A file with load only (no weather) can forecast the day after it ends."""
    raw = pd.read_csv(substation_dir / "substations" / "HAL.csv")
    path = tmp_path / "hal_load.csv"
    raw.loc[: 20 * 96 - 1, ["datetime", "total_substation"]].to_csv(path, index=False)
    code, err = _cli_inprocess(monkeypatch, capsys, "--load", str(path), "--date", "2021-08-20",
                               "--capacity-mw", "5", "--out", str(tmp_path / "o"))
    assert code == 0, err
    table = pd.read_csv(tmp_path / "o" / "flexradar_hal_load_2021-08-20.csv")
    assert len(table) == 96 and table["p_congestion"].between(0, 1).all()
