"""The faces: `netruimte queue`, `contracts`, `prognosis paths|quickscan`, `measures`."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from netruimte.cli import app


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    from netruimte.region.default import generate_default_region
    from netruimte.region.folder import write_region

    path = tmp_path_factory.mktemp("region") / "small"
    write_region(generate_default_region(seed=11, n_areas=4), path)
    return path


def _ok(args: list[str]):
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())  # Rich wraps long titles


def test_queue_command_writes_outcomes(folder, tmp_path) -> None:
    out = tmp_path / "q.csv"
    text = _ok(["queue", "--region", str(folder), "--offer", "tdtr,csc", "--out", str(out)])
    assert "admission by category" in text
    table = pd.read_csv(out)
    assert set(table.outcome) <= {"admitted", "waiting"}
    assert set(table.contract.fillna("")) <= {"firm", "tdtr", "csc", ""}
    assert table.priority.tolist() == list(range(1, len(table) + 1))


def test_contracts_command_for_a_queue_request_and_a_hypothetical_one(folder) -> None:
    queue = pd.read_csv(folder / "queue.csv")
    req = queue.iloc[0]
    text = _ok(
        ["contracts", "--region", str(folder), "--area", req.area_id, "--request", req.request_id]
    )
    for name in ("firm", "tdtr", "tbtr", "cbc_a", "cbc_t", "csc"):
        assert name in text
    text = _ok(["contracts", "--region", str(folder), "--area", req.area_id, "--mw", "2"])
    assert "(hypothetical)" in text


def test_prognosis_commands(folder) -> None:
    text = _ok(["prognosis", "paths", "--path", "kev"])
    assert "growth path 'kev'" in text and "2035" in text
    area = pd.read_csv(folder / "areas.csv").query("level == 'dso'").area_id.iloc[0]
    text = _ok(
        ["prognosis", "quickscan", "--region", str(folder), "--area", area, "--request-mw", "1"]
    )
    assert "headroom_mw_after" in text
    text = _ok(
        [
            "prognosis",
            "quickscan",
            "--region",
            str(folder),
            "--area",
            area,
            "--measure",
            "flex_norm",
        ]
    )
    assert "change_mw" in text


def test_measures_command(folder, tmp_path) -> None:
    text = _ok(["measures", "--region", str(folder), "--out", str(tmp_path / "m")])
    assert "next to the Aansluitoffensief" in text
    nat = pd.read_csv(tmp_path / "m" / "measures_national.csv")
    assert set(nat.measure) == {"risk_appetite", "prognosis", "contracts", "flex_norm"}
    assert (nat.scaled_mw_2035 >= nat.scaled_mw_2030).all()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["contracts", "--area", "NOPE", "--mw", "1"], "area 'NOPE' is not in the region"),
        (["contracts", "--area", "{area}", "--request", "NOPE"], "not in the queue"),
        (["queue", "--offer", "tdtr,magic"], "--offer"),
        (
            ["contracts", "--area", "{area}", "--mw", "1", "--profile", "pv"],
            "does not fit direction 'offtake'",
        ),
        (["prognosis", "quickscan", "--area", "{area}", "--measure", "tenders"], "unknown measure"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(folder, args, message) -> None:
    area = pd.read_csv(folder / "areas.csv").query("level == 'dso'").area_id.iloc[0]
    args = [a.replace("{area}", area) for a in args]
    proc = subprocess.run(
        [sys.executable, "-m", "netruimte", *args, "--region", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    assert message in " ".join(proc.stderr.split())
    assert "Traceback" not in proc.stderr
