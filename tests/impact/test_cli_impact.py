"""`netruimte impact`: outputs on a small region folder, clear errors (exit 2) on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from netruimte.region.folder import write_region


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "netruimte", "impact", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def folder(tiny_region, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("region") / "tiny"
    write_region(tiny_region, path)
    return path


def test_writes_report_and_tables(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run("--region", str(folder), "--samples", "3", "--years", "2030", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "all eight" in proc.stdout
    assert "per operator" in proc.stdout  # the per-operator table is printed too
    head = json.loads((out / "summary.json").read_text())
    assert head["samples"] == 3 and head["executor"].startswith("1 process")
    assert list(head["years"]) == ["2030"]
    assert (out / "impact_operators.csv").read_text().count("\n") >= 2


def test_bad_input_exit_2(folder: Path, tmp_path: Path) -> None:
    proc = run("--region", str(folder), "--years", "20x0", "--out", str(tmp_path / "a"))
    assert proc.returncode == 2 and "--years" in proc.stderr
    proc = run("--region", str(folder), "--capacity-map", str(folder), "--out", str(tmp_path))
    assert proc.returncode == 2 and "not both" in proc.stderr
    bad = tmp_path / "impact.toml"
    bad.write_text("[monte_carlo]\nsamples = -3\nspreed = 0.4\n")
    proc = run("--region", str(folder), "--params", str(bad), "--out", str(tmp_path / "b"))
    assert proc.returncode == 2
    assert "impact.toml" in proc.stderr and "spreed" in proc.stderr
    assert not (tmp_path / "b").exists()
    proc = run("--region", str(folder), "--years", "2020", "--out", str(tmp_path / "c"))
    assert proc.returncode == 2 and "2026..2050" in proc.stderr
