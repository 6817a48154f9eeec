"""The main job end to end: outputs exist, agree with each other and are self-contained."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netruimte.pipeline import compute, write_outputs
from netruimte.scenario import Growth, Risk, Scenario

OUTPUTS = (
    "flex_expectation.csv",
    "flex_expectation.parquet",
    "flex_heatmap.csv",
    "congestion_events.csv",
    "queue_admission.csv",
    "summary.json",
    "report.html",
)


def test_outputs_of_a_small_region(small_region, tmp_path: Path) -> None:
    result = compute(small_region, Scenario(), run_stages=False)
    write_outputs(result, tmp_path)
    for name in OUTPUTS:
        assert (tmp_path / name).stat().st_size > 0, name
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temp files left"
    summary = json.loads((tmp_path / "summary.json").read_text())
    adm = pd.read_csv(tmp_path / "queue_admission.csv")
    assert summary["queue_requests"] == len(small_region.queue) == len(adm)
    assert summary["admitted_mw"] == pytest.approx(adm.loc[adm.outcome == "admitted", "mw"].sum())
    fx = pd.read_parquet(tmp_path / "flex_expectation.parquet")
    ev = pd.read_csv(tmp_path / "congestion_events.csv")
    n_years = len(result.cube.weather_labels)
    per_area = ev.groupby(["area_id", "direction"]).energy_mwh.sum() / n_years
    joined = fx.set_index(["area_id", "direction"])["mwh_per_year_mean"]
    np.testing.assert_allclose(
        per_area.reindex(joined.index).fillna(0).to_numpy(), joined.to_numpy(), rtol=1e-3, atol=1e-3
    )


def test_report_is_self_contained(small_region, tmp_path: Path) -> None:
    write_outputs(compute(small_region, Scenario(), run_stages=False), tmp_path)
    html = (tmp_path / "report.html").read_text()
    assert "Plotly" in html and "<svg" not in html[:100]
    assert not re.search(r'<script[^>]+src=["\']https?://', html), "no external scripts"
    assert not re.search(r'<link[^>]+href=["\']https?://', html), "no external styles"
    assert "When congestion happens" in html and "Load-duration curve" in html


def test_failed_report_writes_nothing(small_region, tmp_path: Path, monkeypatch) -> None:
    result = compute(small_region, Scenario(), run_stages=False)

    def boom(_result):
        raise RuntimeError("report failed")

    monkeypatch.setattr("netruimte.report.html.render_report", boom)
    with pytest.raises(RuntimeError):
        write_outputs(result, tmp_path / "out")
    assert not any((tmp_path / "out").iterdir()) if (tmp_path / "out").exists() else True


def test_more_growth_means_more_congestion(small_region) -> None:
    low = compute(
        small_region, Scenario(target_year=2027, growth=Growth(path="none")), run_stages=False
    )
    high = compute(
        small_region, Scenario(target_year=2035, growth=Growth(path="investment")), run_stages=False
    )
    lo = low.flex.table.query("direction == 'offtake'").mwh_per_year_mean.sum()
    hi = high.flex.table.query("direction == 'offtake'").mwh_per_year_mean.sum()
    assert hi > lo


def test_design_year_choice_changes_admission(small_region) -> None:
    all_years = compute(small_region, Scenario(), run_stages=False)
    mild_only = compute(
        small_region,
        Scenario(risk=Risk(design_weather_years=["mild (2004-like)"])),
        run_stages=False,
    )
    assert mild_only.summary()["admitted_mw"] >= all_years.summary()["admitted_mw"]


def test_default_region_run(default_run) -> None:
    s = default_run.summary()
    assert s["supply_areas"] == 48
    assert s["supply_areas_congested_offtake"] > 0
    assert 0 < s["admitted_mw"] < s["queue_mw"]
    assert default_run.cube.load_mw.dtype == np.float32
    assert default_run.cube.load_mw.shape == (3, 35040, 51)
