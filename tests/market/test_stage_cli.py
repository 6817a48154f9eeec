"""The market stage of a run and the market commands (exit codes, atomic outputs)."""

from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace

import pytest

from netruimte.errors import InputError
from netruimte.market.params import MarketParams, market_params

from .market_cases import (
    make_bid,
    winter_need,
)


@pytest.fixture(scope="module")
def staged(small_core):
    from netruimte.market.stage import core_run, market_stage
    from netruimte.progress import Silent
    from netruimte.region.default import generate_default_region
    from netruimte.scenario import Scenario

    result = core_run(generate_default_region(seed=7, n_areas=6), Scenario())
    market_stage(result, Silent())
    return result


def test_stage_adds_tables_sections_and_summary(staged, tmp_path):
    from netruimte.pipeline import write_outputs

    for name in (
        "tender_need",
        "tender_outcomes",
        "tender_blocks",
        "large_connections",
        "top50_ranking",
        "top50_shortlist",
        "top50",
        "budget_curve",
        "budget_allocation",
    ):
        assert name in staged.extra, name
    titles = [t for t, _ in staged.sections]
    assert titles == [
        "Regional flex tender",
        "Top-50: large connections per bottleneck",
        "Budget above the financial floor",
    ]
    s = staged.extra_summary
    assert s["market_needs"] == len(staged.extra["tender_need"].groupby(["area_id", "direction"]))
    assert s["budget_mw_from_budget"] >= 0
    assert s["large_connections_generated"] <= s["large_connections"]
    write_outputs(staged, tmp_path)
    html = (tmp_path / "report.html").read_text()
    assert "Budget above the financial floor" in html and "generated" in html
    assert (tmp_path / "top50.csv").exists() and (tmp_path / "budget_curve.csv").exists()
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert "tender_status" in summary


def test_market_params_are_validated():
    assert market_params(SimpleNamespace(measures={})) == MarketParams()
    p = market_params(SimpleNamespace(measures={"market": {"budget_levels": 6}}))
    assert p.budget_levels == 6
    with pytest.raises(InputError) as info:
        market_params(SimpleNamespace(measures={"market": {"reliability": 2, "bogus": 1}}))
    text = str(info.value)
    assert "measures.market.reliability" in text and "measures.market.bogus" in text


def _cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "netruimte.cli", *args], capture_output=True, text=True, cwd=cwd
    )


def test_tender_clear_command(tmp_path):
    need = winter_need()
    (tmp_path / "need.json").write_text(json.dumps({"needs": [need.model_dump(mode="json")]}))
    bids = [
        make_bid("jan", mw=10, windows=[next(iter(need.blocks)).window]),
        make_bid("all", mw=12, availability_eur_per_mw_yr=30000),
        make_bid("cheap", mw=6, windows="2027-02-01..2027-02-28"),
    ]
    header = [
        "bid_id",
        "bidder",
        "area_id",
        "asset",
        "action",
        "mw",
        "windows",
        "max_activations_per_year",
        "max_duration_h",
        "availability_eur_per_mw_yr",
        "start_date",
    ]
    lines = [",".join(header)]
    for b in bids:
        d = b.model_dump(mode="json")
        d["windows"] = "; ".join(str(w) for w in b.windows)
        lines.append(",".join(str(d[h]) for h in header))
    lines.append("neg,x,A1,new,less_offtake,-1,,5,4,0,2027-01-01")
    (tmp_path / "bids.csv").write_text("\n".join(lines) + "\n")
    out = _cli("tender", "clear", "need.json", "bids.csv", "--out", "res", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    clearing = json.loads((tmp_path / "res" / "clearing.json").read_text())
    assert clearing["status"] == "optimal"
    by = {o["bid_id"]: o for o in clearing["outcomes"]}
    assert by["jan"]["status"] == "accepted" and by["cheap"]["status"] == "accepted"
    assert by["all"]["status"] == "rejected" and by["neg"]["status"] == "invalid"
    cards = sorted(p.name for p in (tmp_path / "res" / "scorecards").iterdir())
    assert cards == ["all.json", "cheap.json", "jan.json", "neg.json"]
    assert "accepted MW" in out.stdout


def test_tender_clear_errors_exit_2_and_write_nothing(tmp_path):
    (tmp_path / "need.json").write_text('{"area_id": "A1", "direction": "sideways", "year": 2027}')
    (tmp_path / "bids.csv").write_text("bid_id\nx\n")
    out = _cli("tender", "clear", "need.json", "bids.csv", "--out", "res", cwd=tmp_path)
    assert out.returncode == 2
    assert "column 'direction'" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "res").exists() or not any((tmp_path / "res").iterdir())
    (tmp_path / "need.json").write_text(json.dumps(winter_need().model_dump(mode="json")))
    out = _cli("tender", "clear", "need.json", "bids.csv", "--out", "res", cwd=tmp_path)
    assert out.returncode == 2
    assert "required column is missing" in out.stderr


def test_stage_without_congestion_has_no_nan(tmp_path):
    import dataclasses

    from netruimte.market.stage import core_run, market_stage
    from netruimte.progress import Silent
    from netruimte.region.default import generate_default_region
    from netruimte.scenario import Scenario

    reg = generate_default_region(seed=7, n_areas=3)
    areas = reg.areas.assign(capacity_offtake_mw=1e6, capacity_feedin_mw=1e6)
    reg = dataclasses.replace(reg, areas=areas, flex_assets=reg.flex_assets.iloc[0:0])
    result = core_run(reg, Scenario())
    market_stage(result, Silent())
    s = result.extra_summary
    assert s["market_needs"] == 0 and s["budget_admission_runs"] == 0
    assert s["budget_mw_per_meur_spent"] is None
    json.dumps(s, allow_nan=False)
    assert "Regional flex tender" not in [t for t, _ in result.sections]
