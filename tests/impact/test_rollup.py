"""The roll-up on a tiny region: attribution sums, the enabler, determinism, outputs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from netruimte.impact import analysis
from netruimte.impact import players as P
from netruimte.impact.params import ImpactParams
from netruimte.impact.rollup import LocalExecutor, run_impact
from netruimte.scenario import Scenario


def test_attributions_add_up_to_all_eight(tiny_result) -> None:
    for yr in tiny_result.years.values():
        for metric in analysis.METRICS:
            a = analysis.attribution(analysis.values(yr, metric))
            assert np.allclose(a["shapley"].sum(axis=1), a["all"], atol=1e-6)


def test_flex_expectation_alone_changes_nothing(tiny_result) -> None:
    for yr in tiny_result.years.values():
        v = analysis.values(yr, "mw_offtake")
        assert np.array_equal(v[:, P.BIT["flex_expectation"]], v[:, 0])
        # it enables booked flex: with risk appetite it can matter, never negative alone
        assert (analysis.attribution(v)["alone"][:, 3] == 0).all()


def test_samples_spread_and_central_row(tiny_result) -> None:
    yr = tiny_result.years[2030]
    freed = analysis.attribution(analysis.values(yr, "mw_offtake"))["all"]
    assert len(freed) == len(tiny_result.samples) == 7
    assert np.ptp(freed[1:]) > 0  # the Monte Carlo factors move the result
    stats = analysis.stats(freed)
    assert stats["p10"] <= stats["p50"] <= stats["p90"]


def test_deterministic_with_seed(tiny_region) -> None:
    params = ImpactParams.model_validate({"years": [2027], "monte_carlo": {"samples": 2}})
    a = run_impact(tiny_region, Scenario(), params, LocalExecutor(threads=1))
    b = run_impact(tiny_region, Scenario(), params, LocalExecutor(threads=2))
    assert np.array_equal(a.years[2027].mw, b.years[2027].mw)
    assert np.array_equal(a.years[2027].n, b.years[2027].n)


def test_admitted_never_exceeds_the_queue(tiny_result, tiny_region) -> None:
    q = tiny_region.queue
    for yr in tiny_result.years.values():
        off = analysis.values(yr, "mw_offtake")
        assert off.max() <= q.loc[q.direction == "offtake", "mw"].sum() + 1e-6
        assert analysis.values(yr, "requests").max() <= len(q)


def test_outputs_written_atomically(tiny_result, tmp_path, monkeypatch) -> None:
    from netruimte.impact import outputs

    out = tmp_path / "impact"
    outputs.write_outputs(tiny_result, out, {"seconds": 1.0})
    names = {p.name for p in out.iterdir()}
    assert {"report.html", "summary.json", "impact_comparison.csv", "impact_areas.csv"} <= names
    html = (out / "report.html").read_text()
    assert html.count("Plotly.newPlot") >= 3 and html.count("plotly.js v") == 1
    head = json.loads((out / "summary.json").read_text())
    assert set(head["years"]) == {"2027", "2030"}
    assert head["samples"] == 6
    # a failure while rendering leaves the folder as it was
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}

    def boom(*a, **k):
        raise RuntimeError("render failed")

    monkeypatch.setattr("netruimte.impact.report.render", boom)
    with pytest.raises(RuntimeError):
        outputs.write_outputs(tiny_result, out, {})
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
