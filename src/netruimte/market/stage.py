"""The market stage of `netruimte run`: published needs, a regional tender, top-50, budget.

Parameters come from the scenario's `[measures.market]` table (all optional):
enabled, reliability, co2_eur_per_t, floor_eur_per_area_yr, budget_eur_per_yr, budget_levels,
large_connection_min_mw, shortlist_size, seed, tender_time_limit_s.

The tender of the report invites the region's own flex: its flex assets (existing) and the
shortlisted large connections (flex agreements), each available all year; their bids are
cleared against every published need at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd

from netruimte.market.bids import Bid, BidSet, parse_bids
from netruimte.market.budget import BudgetResult, flex_options, run_budget
from netruimte.market.large_connections import derive_large_connections
from netruimte.market.need import Need, need_frame, needs_from_cube
from netruimte.market.params import market_params
from netruimte.market.tender import ClearingResult, clear_tender
from netruimte.market.top50 import rank_connections, shortlist, top50


@contextlib.contextmanager
def core_only() -> Iterator[None]:
    """Within this block `pipeline.compute` runs the core only (no optional stages): the
    market commands need the load cube and the admission, not the other capabilities."""
    import netruimte.stages as registry

    saved = registry.stages
    registry.stages = lambda: []
    try:
        yield
    finally:
        registry.stages = saved


def core_run(region, scenario, progress=None):
    """The core of `netruimte run` (cube, flex expectation, admission) without the stages."""
    from netruimte.pipeline import compute

    with core_only():
        return compute(region, scenario, progress)


def children_of(region) -> dict[str, list[str]]:
    """Child areas of each area (a TenneT area's supply areas)."""
    out: dict[str, list[str]] = {}
    for child, parent in region.areas["parent_id"].items():
        if parent is not None and parent == parent:
            out.setdefault(parent, []).append(child)
    return out


def region_needs(result, reliability: float = 1.0) -> list[Need]:
    """Published needs of every congested area and direction of a run."""
    from netruimte.pipeline import design_year_indices

    cube, region = result.cube, result.region
    return needs_from_cube(
        cube.load_mw,
        region.capacity_mw("offtake"),
        region.capacity_mw("feedin"),
        cube.axis,
        cube.area_ids,
        cube.weather_labels,
        design_year_indices(result.scenario, cube.weather_labels),
        children=children_of(region),
        reliability=reliability,
    )


def region_bids(region, short: pd.DataFrame, year: int) -> BidSet:
    """Bids of the region's own flex: flex assets and shortlisted large connections."""
    records = []
    first = date(year, 1, 1).isoformat()
    for r in region.flex_assets.itertuples():  # per asset (tens)
        acts = r.max_activations_per_year
        dur = r.max_duration_h
        records.append(
            {
                "bid_id": f"FA-{r.asset_id}",
                "bidder": f"owner of {r.asset_id}",
                "area_id": r.area_id,
                "asset": "existing",
                "action": "less_offtake" if r.direction == "offtake" else "less_feedin",
                "technology": r.technology or "",
                "mw": r.mw,
                "max_activations_per_year": 365 if acts is None or acts != acts else int(acts),
                "max_duration_h": 24.0 if dur is None or dur != dur else float(dur),
                "availability_eur_per_mw_yr": r.availability_eur_per_mw_yr or 0.0,
                "activation_eur_per_mwh": r.activation_eur_per_mwh or 0.0,
                "co2_kg_per_mwh": r.co2_kg_per_mwh or 0.0,
                "start_date": first,
            }
        )
    seen = set()
    for r in short.itertuples():  # per shortlisted connection
        if r.connection_id in seen or r.relief_at_peak_mw < 0.05:
            continue
        seen.add(r.connection_id)
        records.append(
            {
                "bid_id": f"LC-{r.connection_id}",
                "bidder": f"owner of {r.connection_id}",
                "area_id": r.area_id,
                "asset": "existing",
                "action": "less_offtake" if r.direction == "offtake" else "less_feedin",
                "technology": f"{r.sector} (flex agreement)",
                "mw": round(float(r.relief_at_peak_mw), 2),
                "divisible": True,
                "max_activations_per_year": 365,
                "max_duration_h": 24.0,
                "availability_eur_per_mw_yr": float(r.availability_eur_per_mw_yr),
                "activation_eur_per_mwh": float(r.price_eur_per_mwh),
                "co2_kg_per_mwh": 0.0,
                "start_date": first,
            }
        )
    return parse_bids(records, None)


def _fmt_table(frame: pd.DataFrame, n: int = 25) -> str:
    from netruimte.report.html import _table

    return _table(frame.head(n))


def _tender_html(needs: list[Need], clearing: ClearingResult, bids: list[Bid]) -> str:
    nf = need_frame(needs)
    per_area = (
        nf.groupby(["area_id", "direction"])
        .agg(
            blocks=("mw", "size"),
            peak_mw=("mw", "max"),
            expected_hours=("expected_hours_per_year", "sum"),
            expected_mwh=("expected_mwh_per_year", "sum"),
        )
        .reset_index()
        .sort_values("expected_hours", ascending=False)
    )
    out = clearing.outcome_frame()
    status = out.groupby(["status", "binding"]).size().rename("bids").reset_index()
    rel = dict(zip(clearing.needs, clearing.reliability_achieved, strict=True))
    per_area["covered_share"] = [
        rel.get(f"{a}/{d}") for a, d in zip(per_area.area_id, per_area.direction, strict=True)
    ]
    return (
        f"<p>The operator publishes per congested area the MW needed per time block "
        f"({len(nf)} blocks in {len(needs)} needs; table <code>tender_need.csv</code>). "
        f"The region's own flex bids into one tender ({len(bids)} bids: flex assets and the "
        f"shortlisted large connections), cleared by a MILP (HiGHS) at least cost plus "
        f"{clearing.co2_eur_per_t:g} €/t CO₂: status <b>{clearing.status}</b>, "
        f"{clearing.accepted_bids} bids accepted for {clearing.accepted_mw:,.1f} MW, "
        f"€{clearing.total_cost_eur_per_yr:,.0f}/yr (greedy merit order: "
        f"€{(clearing.greedy_cost_eur_per_yr or 0):,.0f}/yr), MIP gap {clearing.mip_gap:.1e}, "
        f"{clearing.solve_s:.2f} s.</p>"
        + _fmt_table(per_area)
        + "<p class='note'>Outcome per bid and the binding reason "
        "(<code>tender_outcomes.csv</code>):</p>" + _fmt_table(status)
    )


def _top50_html(ranking: pd.DataFrame, best: pd.DataFrame, conns: pd.DataFrame) -> str:
    import plotly.graph_objects as go

    from netruimte.report.html import _fig

    gen = int(conns.generated.sum())
    fig = go.Figure(
        go.Bar(
            x=best.relief_at_peak_mw.head(50),
            y=best.connection_id.head(50),
            orientation="h",
            text=best.bottleneck_area.head(50),
            marker_color="#12355b",
        )
    )
    fig.update_layout(
        height=max(300, 14 * min(len(best), 50) + 80),
        margin={"l": 140, "r": 20, "t": 30, "b": 40},
        yaxis={"autorange": "reversed"},
        xaxis_title="MW freed at the bottleneck's worst quarter-hour",
    )
    cols = [
        "top_rank",
        "connection_id",
        "bottleneck_area",
        "direction",
        "sector",
        "peak_mw",
        "coincidence",
        "relief_at_peak_mw",
        "relief_mwh_per_year",
        "cost_eur_per_mw_yr",
    ]
    return (
        f"<p>{len(conns)} large connections (≥ 1 MW); {gen} of them are <b>generated</b> "
        f"(the region has no list of large users: industry and business energy, wind and PV "
        f"capacity split into plausible users with a seeded generator), "
        f"{len(conns) - gen} are admitted queue requests. Ranked per bottleneck by the MW a "
        f"flex agreement frees at the worst quarter-hour (coincidence × flexible share), "
        f"then by MWh/yr and cost (<code>top50_ranking.csv</code>, shortlist per area in "
        f"<code>top50_shortlist.csv</code>).</p>"
        + (_fig(fig) if len(best) else "")
        + _fmt_table(best[cols], 20)
    )


def _budget_html(b: BudgetResult) -> str:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from netruimte.report.html import _fig

    c = b.curve
    s = b.summary
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Scatter(
            x=c.budget_eur_per_yr / 1e6, y=c.admitted_mw, mode="lines+markers", name="MW admitted"
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Bar(
            x=c.budget_eur_per_yr / 1e6,
            y=c.marginal_eur_per_mw / 1e3,
            name="marginal k€ per MW",
            opacity=0.4,
        ),
        secondary_y=True,
    )
    fig.update_layout(height=360, margin={"t": 30}, xaxis_title="budget above the floor, M€/yr")
    fig.update_yaxes(title_text="MW admitted", secondary_y=False)
    fig.update_yaxes(title_text="k€ per extra MW", secondary_y=True)
    return (
        f"<p>A budget above the financial floor (floor {s['floor_eur_per_area_yr']:,.0f} €/yr "
        f"per supply area, a parameter) buys flex options ({int(s['options'])}: uncontracted "
        f"flex assets and top-50 agreements) where they admit the most MW from the queue; "
        f"admission is the queue's own <code>admit_queue</code>, run once per merit-order "
        f"level ({int(s['admission_runs'])} runs). At €{s['budget_eur_per_yr'] / 1e6:,.1f}M/yr "
        f"€{s['spent_above_floor_eur_per_yr'] / 1e6:,.2f}M is spent and "
        f"<b>{s['mw_from_budget']:,.0f} MW</b> more is admitted "
        f"({s['mw_per_meur_spent']:,.0f} MW per M€). Socialised over transport tariffs pro "
        f"rata to offtake energy: <b>{s['tariff_eur_per_mwh']:.2f} €/MWh</b> "
        f"(≈ €{s['per_household_eur_per_yr']:.2f} per household per year).</p>"
        + _fig(fig)
        + _fmt_table(c)
    )


def market_stage(result, progress) -> None:
    """Add the needs, the tender, the top-50 and the budget to a run."""
    from netruimte.pipeline import design_year_indices

    params = market_params(result.scenario)
    if not params.enabled:
        return
    region, cube, lib = result.region, result.cube, result.library
    design = design_year_indices(result.scenario, cube.weather_labels)
    needs = region_needs(result, params.reliability)
    result.extra["tender_need"] = need_frame(needs)
    conns = derive_large_connections(
        region, lib, result.admission, params.seed, params.large_connection_min_mw
    )
    ranking = rank_connections(region, cube, lib, conns, design, params.shortlist_size)
    short = shortlist(ranking)
    best = top50(ranking)
    result.extra["large_connections"] = conns.drop(
        columns=[c for c in conns if c.startswith("w_")] + ["profile_norm"]
    )
    result.extra["top50_ranking"] = ranking
    result.extra["top50_shortlist"] = short
    result.extra["top50"] = best
    summary: dict[str, object] = {
        "market_needs": len(needs),
        "large_connections": len(conns),
        "large_connections_generated": int(conns.generated.sum()),
        "top50_relief_mw": round(float(best.relief_at_peak_mw.sum()), 3) if len(best) else 0.0,
    }
    if needs:
        bids = region_bids(region, short, needs[0].year)
        clearing = clear_tender(
            needs, bids, params.co2_eur_per_t, params.tender_time_limit_s, mip_rel_gap=1e-4
        )
        result.extra["tender_outcomes"] = clearing.outcome_frame()
        result.extra["tender_blocks"] = clearing.block_frame()
        result.sections.append(("Regional flex tender", _tender_html(needs, clearing, bids.bids)))
        summary.update(
            {
                "tender_status": clearing.status,
                "tender_accepted_mw": clearing.accepted_mw,
                "tender_cost_eur_per_yr": clearing.total_cost_eur_per_yr,
                "tender_greedy_cost_eur_per_yr": clearing.greedy_cost_eur_per_yr,
            }
        )
    result.sections.append(
        ("Top-50: large connections per bottleneck", _top50_html(ranking, best, conns))
    )
    options = flex_options(region, ranking)
    budget = run_budget(
        region,
        result.scenario,
        cube,
        lib,
        design,
        options,
        result.admission,
        params.budget_eur_per_yr,
        params.floor_eur_per_area_yr,
        params.budget_levels,
        verify=False,
        progress=progress,
    )
    result.extra["budget_curve"] = budget.curve
    result.extra["budget_allocation"] = budget.allocation
    result.extra["budget_options"] = budget.curves.options
    result.sections.append(("Budget above the financial floor", _budget_html(budget)))
    for k, v in budget.summary.items():  # JSON has no NaN: an undefined ratio is null
        finite = not isinstance(v, float) or np.isfinite(v)
        summary[f"budget_{k}"] = (round(v, 4) if isinstance(v, float) else v) if finite else None
    result.extra_summary.update(summary)
