"""Write the roll-up: CSV tables, summary.json and report.html, atomically (all or nothing)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from netruimte import __version__
from netruimte.atomic import staged_dir
from netruimte.impact import analysis
from netruimte.impact.rollup import ImpactResult


def build_tables(res: ImpactResult) -> dict[str, pd.DataFrame]:
    """Every table of the roll-up, by file name (without .csv)."""
    return {
        "impact_breakthroughs": analysis.breakthrough_table(res),
        "impact_comparison": analysis.comparison_table(res),
        "impact_queues": analysis.level_split(res),
        "impact_operators": analysis.operator_table(res),
        "impact_areas": analysis.area_table(res),
        "impact_samples": analysis.sample_table(res),
        "impact_sets_central": analysis.sets_table(res),
        "impact_spend": pd.concat(
            [yr.spend.assign(year=y) for y, yr in res.years.items()], ignore_index=True
        ),
        "impact_groups": pd.concat(
            [yr.group_stats.assign(year=y) for y, yr in res.years.items()], ignore_index=True
        ),
    }


def summary(res: ImpactResult, tables: dict[str, pd.DataFrame], run_info: dict) -> dict:
    """Headline numbers (summary.json)."""
    comp = tables["impact_comparison"]
    bt = tables["impact_breakthroughs"]
    out: dict[str, object] = {
        "netruimte_version": __version__,
        "region": res.region.meta.name,
        "areas": res.region.n_areas,
        "groups": len(res.groups),
        "requests": len(res.region.queue),
        "samples": len(res.samples) - 1,
        "spread": res.params.monte_carlo.spread,
        "distribution": res.params.monte_carlo.distribution,
        "seed": res.params.monte_carlo.seed,
        **run_info,
        "years": {},
    }
    for year in res.years:
        c = comp[comp.year == year].set_index("item")
        b = bt[(bt.year == year) & (bt.metric == "mw_offtake")]
        per = {}
        for r in b.itertuples():
            if r.breakthrough > 0:
                per.setdefault(r.name, {})[r.effect] = {
                    k: round(getattr(r, k), 1) for k in ("central", "p10", "p50", "p90")
                }
        out["years"][str(year)] = {
            "all_eight_gw_offtake": {
                k: round(float(c.loc["all eight", f"ours_{k}_gw"]), 3)
                for k in ("central", "p10", "p50", "p90")
            },
            "aansluitoffensief_gw": [
                float(c.loc["all eight", "reference_low_gw"]),
                float(c.loc["all eight", "reference_high_gw"]),
            ],
            "baseline_mw_offtake": round(float(b.loc[b.name == "baseline", "central"].iloc[0]), 1),
            "per_breakthrough_mw_offtake": per,
            "timings_s": {k: round(v, 2) for k, v in res.years[year].timings_s.items()},
        }
    return out


def write_outputs(
    res: ImpactResult,
    out: str | Path,
    run_info: dict | None = None,
    validation: pd.DataFrame | None = None,
) -> Path:
    """Write all outputs into `out`; nothing changes there when any part fails."""
    from netruimte.impact.report import render

    run_info = dict(run_info or {})
    tables = build_tables(res)
    html = render(res, tables, validation, run_info)
    head = summary(res, tables, run_info)
    out = Path(out)
    with staged_dir(out) as stage:
        for name, frame in tables.items():
            frame.round(6).to_csv(stage / f"{name}.csv", index=False)
        if validation is not None:
            validation.round(4).to_csv(stage / "impact_validation.csv", index=False)
        (stage / "summary.json").write_text(json.dumps(head, indent=2, default=str) + "\n")
        (stage / "report.html").write_text(html, encoding="utf-8")
    return out
