"""The national impact report: map, impact chart with uncertainty, comparison, operators.

One self-contained HTML page (plotly.js inlined once, as the run report); figures are made
with plotly and embedded with `netruimte.report.html._fig`, tables with `_table`.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from netruimte import __version__
from netruimte.impact import players as P
from netruimte.report.figures import colourbar_trace
from netruimte.report.html import CSS, _fig, _kpi, _table

SCALE = "Viridis"


def impact_figure(comparison: pd.DataFrame) -> go.Figure:
    """Per year: our attributed offtake GW (P50, P10–P90 bar) beside the report's estimate
    (point and ±50% band), per compared item and for all eight."""
    years = sorted(comparison["year"].unique())
    fig = make_subplots(rows=1, cols=len(years), subplot_titles=[str(y) for y in years])
    for c, year in enumerate(years, start=1):
        t = comparison[comparison["year"] == year]
        items = t["item"].tolist()
        fig.add_trace(
            go.Bar(
                x=t["ours_p50_gw"],
                y=items,
                orientation="h",
                name="netruimte P50 (bar: P10–P90)",
                marker_color="#12355b",
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (t["ours_p90_gw"] - t["ours_p50_gw"]).clip(lower=0),
                    "arrayminus": (t["ours_p50_gw"] - t["ours_p10_gw"]).clip(lower=0),
                    "color": "#6c8ebf",
                    "thickness": 2,
                },
                showlegend=c == 1,
                legendgroup="ours",
                offsetgroup="ours",
            ),
            row=1,
            col=c,
        )
        fig.add_trace(
            go.Bar(
                x=t["reference_gw"],
                y=items,
                orientation="h",
                name="Aansluitoffensief (bar: its 50% margin, our reading)",
                marker_color="#e8a33d",
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": t["reference_high_gw"] - t["reference_gw"],
                    "arrayminus": t["reference_gw"] - t["reference_low_gw"],
                    "color": "#b5762a",
                    "thickness": 2,
                },
                showlegend=c == 1,
                legendgroup="ref",
                offsetgroup="ref",
            ),
            row=1,
            col=c,
        )
        fig.update_xaxes(title_text="GW offtake freed", row=1, col=c)
        fig.update_yaxes(autorange="reversed", showticklabels=c == 1, row=1, col=c)
    fig.update_layout(
        barmode="group",
        height=520,
        margin={"l": 220, "r": 20, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.12},
    )
    return fig


def area_map(areas: pd.DataFrame, freed: pd.Series, year: int) -> go.Figure:
    """Supply areas as bounding boxes coloured by offtake MW freed by all eight (P50)."""
    # scale on supply areas only (a TenneT area's own requests are GW-sized) and cap at
    # their P95, so one large area does not leave the rest of the map one colour
    dso = freed.reindex(areas.index[areas["level"] != "tso"]).dropna()
    dso = dso[dso > 0]
    vmax = max(float(np.percentile(dso, 95)) if len(dso) else 0.0, 1.0)
    fig = go.Figure()
    for aid, a in areas.iterrows():  # per area (hundreds)
        if pd.isna(a.bbox_west):
            continue
        tso = a.level == "tso"
        mw = float(freed.get(aid, 0.0))
        colour = sample_colorscale(SCALE, [min(mw / vmax, 1.0)])[0] if mw > 0 else "#eef2ee"
        fig.add_trace(
            go.Scatter(
                x=[a.bbox_west, a.bbox_east, a.bbox_east, a.bbox_west, a.bbox_west],
                y=[a.bbox_south, a.bbox_south, a.bbox_north, a.bbox_north, a.bbox_south],
                fill=None if tso else "toself",
                fillcolor=None if tso else colour,
                mode="lines",
                line={"color": "#8899aa" if tso else "#445", "width": 1 if tso else 0.5}
                | ({"dash": "dot"} if tso else {}),
                hoveron="points" if tso else "fills",
                hoverinfo="text",
                text=f"{a['name']} ({aid}, {a.operator}): {mw:,.1f} MW offtake freed",
                showlegend=False,
            )
        )
    fig.add_trace(colourbar_trace(SCALE, vmax, "MW (P95+ capped)"))
    fig.update_layout(
        title=f"{year}: offtake MW freed by all eight breakthroughs per supply area (P50); "
        "TenneT areas dotted (their own requests are in the operator table)",
        height=640,
        xaxis={"title": "longitude", "scaleanchor": "y", "scaleratio": 1.6},
        yaxis={"title": "latitude"},
        margin={"t": 60},
    )
    return fig


def _fmt(frame: pd.DataFrame, digits: int = 2) -> str:
    return _table(frame.round(digits))


def render(
    res,
    tables: dict[str, pd.DataFrame],
    validation: pd.DataFrame | None = None,
    run_info: dict | None = None,
) -> str:
    """The report as one HTML string."""
    comp = tables["impact_comparison"]
    bt = tables["impact_breakthroughs"]
    years = sorted(res.years)
    kpis = []
    for year in years:
        row = comp[(comp.year == year) & (comp["item"] == "all eight")].iloc[0]
        kpis.append(
            _kpi(
                f"{year}: GW offtake freed, all eight (P10–P90)",
                f"{row.ours_p50_gw:.1f} ({row.ours_p10_gw:.1f}–{row.ours_p90_gw:.1f})",
            )
        )
        lo, hi = row.reference_low_gw, row.reference_high_gw
        kpis.append(_kpi(f"{year}: Aansluitoffensief", f"{lo:.0f}–{hi:.0f} GW"))
    q = res.region.queue
    kpis.append(
        _kpi("offtake queue GW", f"{q.loc[q.direction == 'offtake', 'mw'].sum() / 1e3:.1f}")
    )
    kpis.append(_kpi("areas", f"{res.region.n_areas}"))
    kpis.append(_kpi("Monte Carlo samples", f"{len(res.samples) - 1}"))
    blocks = []
    comp_cols = [
        "year",
        "item",
        "breakthroughs",
        "ours",
        "ours_central_gw",
        "ours_p10_gw",
        "ours_p50_gw",
        "ours_p90_gw",
        "reference_gw",
        "reference_low_gw",
        "reference_high_gw",
        "note",
    ]
    blocks.append(
        (
            "Impact per breakthrough beside the Aansluitoffensief",
            "<p class='note'>Offtake GW freed: MW admitted from the queue with the "
            "breakthroughs minus without any, on the completed national region. Per "
            "breakthrough its exact Shapley share within all eight (average marginal "
            "contribution over every order, per Monte Carlo sample; the shares add up to "
            "all eight); items the report gives as '0 alone' show the breakthrough alone. "
            "Bars: P50 with P10–P90 over the samples; the report's point value with ±50% "
            "(our reading of its margin, docs/national.md).</p>"
            + _fig(impact_figure(comp))
            + _fmt(comp[comp_cols]),
        )
    )
    for year in years:
        freed = tables["impact_areas"]
        f = freed[freed.year == year].set_index("area_id")["freed_mw_offtake_p50"]
        blocks.append((f"Where ({year})", _fig(area_map(res.region.areas, f, year))))
    shown = bt[bt.metric.isin(["mw_offtake", "requests"])].drop(columns=["label"])
    blocks.append(
        (
            "MW and requests freed per breakthrough: alone and attributed",
            "<p class='note'>'alone' = the breakthrough without the others; 'attributed' = "
            "its Shapley share of all eight. The baseline row is what is admitted without "
            "any breakthrough (not freed).</p>" + _fmt(shown),
        )
    )
    blocks.append(("TenneT and regional queues", _fmt(tables["impact_queues"])))
    blocks.append(("Per operator", _fmt(tables["impact_operators"], 1)))
    if validation is not None and len(validation):
        blocks.append(
            (
                "Surrogate against the exact engine",
                "<p class='note'>The roll-up admits the queue on a reduced set of "
                "quarter-hours per area (docs/national.md); here sets of breakthroughs at the "
                "central parameters on both paths.</p>" + _fmt(validation, 1),
            )
        )
    info = run_info or {}
    notes = (
        "<ul class='note'>"
        "<li>Region: the Netbeheer Nederland capacity map (areas, capacities, queues) completed "
        "with generated load, requests and flex where the map is silent and calibrated to the "
        "national queue totals (see provenance.csv of the region).</li>"
        "<li>Exact: each set's transformations (measures/), the flex bought (market/), the "
        "ACM priority order, the Shapley attribution over all 256 sets per sample. "
        "Approximated: admission on a reduced set of quarter-hours per area (validated "
        "against the exact engine), Monte Carlo factors scale each measure's load effect "
        "(exact at the central values), the budget and tender allocations are decided "
        "without the other breakthroughs.</li>"
        f"<li>Run: {html.escape(str(info.get('executor', res.executor)))}, "
        f"{info.get('seconds', res.timings_s.get('total', 0.0)):.0f} s.</li></ul>"
    )
    blocks.append(("How to read this", notes))
    body = "".join(f"<h2>{html.escape(t)}</h2>{b}" for t, b in blocks)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = f"netruimte national impact – {html.escape(res.region.meta.name)}"
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<style>{CSS}</style><script type="text/javascript">{get_plotlyjs()}</script></head><body>
<header><h1>{title}</h1>
<p>The eight breakthroughs of the Aansluitoffensief, target years {", ".join(map(str, years))};
{len(res.samples) - 1} Monte Carlo samples (spread ±{res.params.monte_carlo.spread:.0%},
{res.params.monte_carlo.distribution}). Made {stamp} by netruimte {__version__}.</p></header>
<main><div class="kpis">{"".join(kpis)}</div>{body}</main></body></html>"""


__all__ = ["P", "area_map", "impact_figure", "np", "render"]
