"""The network commands as a user runs them: `import grid` and `quickscan`."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from netruimte.grid.pgm_json import write_pgm_json, write_profiles


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "netruimte.cli", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def files(tmp_path, feeder_factory):
    model = feeder_factory(load_mw=1.2, pv_mw=8.0)
    net = write_pgm_json(model, tmp_path / "in" / "feeder.json")
    prof = write_profiles(model.profiles, tmp_path / "in" / "feeder.parquet")
    return tmp_path, net, prof


def test_import_then_quickscan(files) -> None:
    tmp, net, prof = files
    region = tmp / "region"
    out = cli(
        "import",
        "grid",
        "-r",
        str(region),
        "-a",
        "A1",
        "--pgm-json",
        str(net),
        "--profiles",
        str(prof),
    )
    assert out.returncode == 0, out.stderr
    assert "6 nodes" in out.stdout and "672 profile steps" in out.stdout
    assert (region / "networks" / "A1.json").exists()

    shape = tmp / "shape.csv"
    hour = (np.arange(672) % 96) / 4
    pd.DataFrame({"p_mw": np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None)}).to_csv(shape)
    out = cli(
        "quickscan", "-r", str(region), "-a", "A1", "-n", "6", "--mw", "2", "--profile", str(shape)
    )
    assert out.returncode == 0, out.stderr
    assert "worst loading" in out.stdout and "feed-in: shortage MWh" in out.stdout
    assert "Cable 203 (id 203)" in out.stdout  # the cable to the PV node is most affected
    assert "steps exactly" in out.stdout


def test_bad_requests_exit_2_without_traceback(files) -> None:
    tmp, net, prof = files
    region = tmp / "region"
    cli("import", "grid", "-r", str(region), "-a", "A1", "--pgm-json", str(net))
    out = cli("quickscan", "-r", str(region), "-a", "A1", "-n", "99", "--mw", "1")
    assert out.returncode == 2
    assert "has no profiles" in out.stderr or "node id 99" in out.stderr
    assert "Traceback" not in out.stderr

    cli(
        "import",
        "grid",
        "-r",
        str(region),
        "-a",
        "A2",
        "--pgm-json",
        str(net),
        "--profiles",
        str(prof),
    )
    out = cli("quickscan", "-r", str(region), "-a", "A2", "-n", "99", "--mw", "1")
    assert out.returncode == 2 and "node id 99 is not in network 'A2'" in out.stderr
    assert "Traceback" not in out.stderr

    out = cli("import", "grid", "-r", str(region), "-a", "A3")
    assert out.returncode == 2 and "exactly one of" in out.stderr


@pytest.mark.slow
def test_import_simbench_into_region(tmp_path) -> None:
    pytest.importorskip("simbench")
    out = cli(
        "import", "grid", "-r", str(tmp_path), "-a", "MV-rural", "--simbench", "1-MV-rural--0-sw"
    )
    assert out.returncode == 0, out.stderr
    assert "97 nodes" in out.stdout and "35136 profile steps" in out.stdout
    bad = cli("import", "grid", "-r", str(tmp_path), "-a", "X", "--simbench", "no-such-grid")
    assert bad.returncode == 2 and "unknown SimBench code 'no-such-grid'" in bad.stderr


@pytest.mark.slow
def test_run_reports_congestion_per_asset(tmp_path, feeder_factory) -> None:
    """`netruimte run` on a region whose area has a network model reports it per asset."""
    import json

    from netruimte.grid.area import save_area_network

    region = tmp_path / "region"
    out = cli("region", "generate", "--out", str(region), "--areas", "3")
    assert out.returncode == 0, out.stderr
    areas = pd.read_csv(region / "areas.csv")
    area_id = str(areas.loc[areas.level == "dso", "area_id"].iloc[0])
    model = feeder_factory(load_mw=2.0, n_steps=35040)  # a full (common) year from 2025
    save_area_network(region, area_id, model)
    out = cli("run", "--region", str(region), "--out", str(tmp_path / "out"))
    assert out.returncode == 0, out.stderr
    assets = pd.read_csv(tmp_path / "out" / "asset_congestion.csv")
    assert set(assets.area_id) == {area_id} and len(assets) == 11
    assert assets.loc[assets.name == "Cable 200", "hours_congested"].iloc[0] > 0
    events = pd.read_csv(tmp_path / "out" / "asset_congestion_events.csv")
    assert (events.direction == "offtake").all() and len(events) > 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["networked_areas"] == 1 and summary["network_assets_congested"] >= 1
    assert "Network congestion per asset" in (tmp_path / "out" / "report.html").read_text()
