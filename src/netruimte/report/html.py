"""Assemble the self-contained HTML report: plotly.js inlined once, no external requests."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pandas as pd
import plotly.io as pio
from plotly.offline import get_plotlyjs

from netruimte.report import figures

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2733;
background:#fff}
header{background:#12355b;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px 0;font-size:24px} header p{margin:0;opacity:.85}
main{padding:10px 28px 40px 28px;max-width:1280px}
h2{border-bottom:2px solid #12355b;padding-bottom:4px;margin-top:34px}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.kpi{background:#f1f5f9;border-radius:8px;padding:10px 14px;min-width:150px}
.kpi b{display:block;font-size:22px;color:#12355b}
table.data{border-collapse:collapse;font-size:13px;margin:8px 0;display:block;
overflow-x:auto;max-width:100%}
table.data th,table.data td{border:1px solid #d5dde6;padding:3px 7px;text-align:right}
table.data th{background:#eef2f7} table.data td:first-child{text-align:left}
.note{color:#556;font-size:13px}
"""


def _kpi(label: str, value: str) -> str:
    return f'<div class="kpi"><b>{html.escape(value)}</b>{html.escape(label)}</div>'


def _fig(fig) -> str:
    return pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        config={"displaylogo": False, "responsive": True},
    )


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, classes="data", border=0, float_format=lambda x: f"{x:,.2f}")


def _heatmaps(result, ids: list[str], names: dict[str, str]) -> str:
    """The month×hour heatmap figure for every congested (area, direction), worst first."""
    heat = result.flex.heatmap_month_hour
    hours = heat.sum(axis=(2, 3))  # (A, 2)
    pairs = sorted(
        ((a, d) for a in range(hours.shape[0]) for d in range(2) if hours[a, d] > 0),
        key=lambda p: (-hours[p], p),
    )
    if not pairs:
        return "<p>No congestion in any area for this scenario.</p>"
    return _fig(figures.heatmap_figure(heat, ids, names, pairs))


def render_report(result, sections: list[tuple[str, str]] | None = None) -> str:
    """The report of a run as one HTML string; `sections` are extra (title, html) blocks."""
    s = result.summary()
    region, fx = result.region, result.flex.table
    names = dict(
        zip(
            region.areas["area_id"],
            region.areas["name"].fillna(region.areas["area_id"]),
            strict=True,
        )
    )
    ids = result.cube.area_ids
    sev = figures.severity(fx, "offtake").reindex(ids).fillna(0) + figures.severity(
        fx, "feedin"
    ).reindex(ids).fillna(0)
    order = [ids.index(a) for a in sev.sort_values(ascending=False, kind="stable").index]
    top = fx[fx.events_per_year_mean > 0].sort_values("hours_per_year_mean", ascending=False)
    top = top.assign(name=top.area_id.map(names))[
        [
            "area_id",
            "name",
            "direction",
            "capacity_mw",
            "events_per_year_mean",
            "events_per_year_p90",
            "hours_per_year_mean",
            "duration_h_p50",
            "duration_h_p95",
            "duration_h_max",
            "mw_max",
            "mw_p95",
            "mwh_per_year_mean",
            "probability_any",
        ]
    ].head(25)
    adm = result.admission
    by_cat = adm.pivot_table(
        index="category", columns="outcome", values="mw", aggfunc="sum", fill_value=0.0
    ).reset_index()
    blocks = [
        (
            "Where",
            "<p class='note'>Supply areas drawn as their bounding boxes; TenneT areas "
            "dotted. Hover for values.</p>" + _fig(figures.area_map(region.areas, fx)),
        ),
        (
            "How often, how long, how much",
            _table(top) if len(top) else "<p>No congestion in any area for this scenario.</p>",
        ),
        ("When", _heatmaps(result, ids, names)),
        (
            "Load-duration curves",
            _fig(
                figures.ldc_figure(
                    result.cube.load_mw,
                    region.capacity_mw("offtake"),
                    region.capacity_mw("feedin"),
                    ids,
                    names,
                    result.cube.weather_labels,
                    order,
                )
            ),
        ),
        (
            "Queue admission",
            "<p class='note'>ACM priority order: congestion relievers, "
            "safety, basic needs, then first come first served. MW by category and outcome:</p>"
            + _table(by_cat)
            + _fig(figures.queue_figure(adm)),
        ),
    ]
    blocks += list(getattr(result, "sections", []))
    blocks += sections or []
    kpis = "".join(
        [
            _kpi("supply areas", str(s["supply_areas"])),
            _kpi("congested (offtake)", str(s["supply_areas_congested_offtake"])),
            _kpi("congested (feed-in)", str(s["supply_areas_congested_feedin"])),
            _kpi("queue MW", f"{s['queue_mw']:,.0f}"),
            _kpi("admitted MW", f"{s['admitted_mw']:,.0f}"),
            _kpi("waiting MW", f"{s['waiting_mw']:,.0f}"),
        ]
    )
    body = "".join(f"<h2>{html.escape(t)}</h2>{b}" for t, b in blocks)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>netruimte – {html.escape(str(s["region"]))}</title>
<style>{CSS}</style><script type="text/javascript">{get_plotlyjs()}</script></head><body>
<header><h1>netruimte report – {html.escape(str(s["region"]))}</h1>
<p>Scenario {html.escape(str(s["scenario"]))}, target year {s["target_year"]}, weather years
{html.escape(", ".join(s["weather_years"]))}. Made {stamp} by netruimte {s["netruimte_version"]}.
</p></header><main><div class="kpis">{kpis}</div>{body}</main></body></html>"""
