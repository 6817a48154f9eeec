"""Plotly figures of a run: area map, month×hour heatmaps, load-duration curves, queue."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from netruimte.congestion.shortage import DIRECTIONS

SEVERITY_SCALE = "YlOrRd"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LDC_POINTS = 400


def severity(flex: pd.DataFrame, direction: str = "offtake") -> pd.Series:
    """Congested hours per year (mean over weather years) per area, the map's colour."""
    t = flex[flex.direction == direction].set_index("area_id")
    return t["hours_per_year_mean"]


def colourbar_trace(scale: str, vmax: float, title: str) -> go.Scatter:
    """An invisible trace that only shows a colour bar 0..vmax (area polygons have none)."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        showlegend=False,
        hoverinfo="skip",
        marker={
            "colorscale": scale,
            "cmin": 0,
            "cmax": vmax,
            "color": [0],
            "showscale": True,
            "colorbar": {"title": title},
        },
    )


def area_map(areas: pd.DataFrame, flex: pd.DataFrame, direction: str = "offtake") -> go.Figure:
    """Areas as their bounding boxes (no tile server), coloured by congested hours per year."""
    sev = severity(flex, direction)
    dso = areas[areas["level"] == "dso"]
    vmax = max(float(sev.reindex(dso.index).max() or 0.0), 1.0)
    fig = go.Figure()
    for _, a in areas[areas["level"] == "tso"].iterrows():
        if pd.isna(a.bbox_west):
            continue
        fig.add_trace(
            go.Scatter(
                x=[a.bbox_west, a.bbox_east, a.bbox_east, a.bbox_west, a.bbox_west],
                y=[a.bbox_south, a.bbox_south, a.bbox_north, a.bbox_north, a.bbox_south],
                mode="lines",
                line={"color": "#8899aa", "dash": "dot", "width": 1},
                hoverinfo="text",
                text=f"{a['name']} (TenneT) {sev.get(a.area_id, 0):.1f} h/yr",
                showlegend=False,
            )
        )
    for aid, a in dso.iterrows():
        if pd.isna(a.bbox_west):
            continue
        h = float(sev.get(aid, 0.0))
        colour = sample_colorscale(SEVERITY_SCALE, [min(h / vmax, 1.0)])[0] if h > 0 else "#e8f0e8"
        fig.add_trace(
            go.Scatter(
                x=[a.bbox_west, a.bbox_east, a.bbox_east, a.bbox_west, a.bbox_west],
                y=[a.bbox_south, a.bbox_south, a.bbox_north, a.bbox_north, a.bbox_south],
                fill="toself",
                fillcolor=colour,
                mode="lines",
                line={"color": "#445", "width": 0.6},
                hoveron="fills",
                hoverinfo="text",
                text=f"{a['name']} ({aid}, {a.operator}): {h:.1f} h/yr {direction} congestion",
                showlegend=False,
            )
        )
    fig.add_trace(colourbar_trace(SEVERITY_SCALE, vmax, "h/yr"))
    fig.update_layout(
        title=f"Supply areas by {direction} congestion (hours per year, mean of weather years)",
        xaxis={"title": "longitude", "scaleanchor": "y", "scaleratio": 1.6},
        yaxis={"title": "latitude"},
        height=560,
        margin={"l": 50, "r": 20, "t": 50, "b": 40},
        plot_bgcolor="#f7f9fb",
    )
    return fig


def _dropdown(labels: list[str], traces_per_item: int, default: int) -> list[dict]:
    buttons = []
    n = len(labels) * traces_per_item
    for i, lab in enumerate(labels):
        vis = [False] * n
        vis[i * traces_per_item : (i + 1) * traces_per_item] = [True] * traces_per_item
        buttons.append({"label": lab, "method": "update", "args": [{"visible": vis}]})
    return [
        {
            "buttons": buttons,
            "active": default,
            "x": 0.0,
            "y": 1.18,
            "xanchor": "left",
            "direction": "down",
            "showactive": True,
        }
    ]


def heatmap_figure(
    heat: np.ndarray, area_ids: list[str], names: dict[str, str], pairs: list[tuple[int, int]]
) -> go.Figure:
    """Month×hour congested hours per year (local time), one (area, direction) at a time.

    `pairs` are (area index, direction index) in dropdown order; the first is shown.
    """
    fig = go.Figure()
    labels = []
    for k, (a, d) in enumerate(pairs):
        z = heat[a, d]
        fig.add_trace(
            go.Heatmap(
                z=z,
                x=list(range(24)),
                y=MONTHS,
                colorscale=SEVERITY_SCALE,
                zmin=0,
                zmax=max(float(z.max()), 1e-6),
                visible=k == 0,
                colorbar={"title": "h/yr"},
                hovertemplate="%{y} %{x}:00 local: %{z:.2f} h/yr<extra></extra>",
            )
        )
        labels.append(f"{names.get(area_ids[a], area_ids[a])} ({area_ids[a]}) – {DIRECTIONS[d]}")
    fig.update_layout(
        updatemenus=_dropdown(labels, 1, 0) if labels else [],
        title="When congestion happens: hours per year by month and local hour",
        xaxis={"title": "hour of day (Europe/Amsterdam)", "dtick": 2},
        yaxis={"autorange": "reversed"},
        height=480,
        margin={"t": 110},
    )
    return fig


def ldc_figure(
    load: np.ndarray,
    cap_off: np.ndarray,
    cap_feed: np.ndarray,
    area_ids: list[str],
    names: dict[str, str],
    weather_labels: tuple[str, ...],
    order: list[int],
) -> go.Figure:
    """Load-duration curves per weather year with both capacities, one area at a time."""
    fig = go.Figure()
    n_steps = load.shape[1]
    idx = np.unique(np.r_[np.geomspace(1, n_steps, LDC_POINTS).astype(int) - 1, n_steps - 1])
    hours = (idx + 1) * 0.25
    per_item = len(weather_labels) + 2
    labels = []
    for k, a in enumerate(order):
        sorted_load = -np.sort(-load[:, :, a], axis=1)[:, idx]
        for w, lab in enumerate(weather_labels):
            fig.add_trace(
                go.Scatter(x=hours, y=sorted_load[w], name=lab, visible=k == 0, mode="lines")
            )
        for sign, cap, name in (
            (1, cap_off[a], "offtake capacity"),
            (-1, cap_feed[a], "feed-in capacity"),
        ):
            y = sign * cap if np.isfinite(cap) else None
            fig.add_trace(
                go.Scatter(
                    x=[hours[0], hours[-1]],
                    y=[y, y],
                    name=name,
                    mode="lines",
                    line={"dash": "dash", "color": "#c0392b" if sign > 0 else "#2471a3"},
                    visible=k == 0,
                )
            )
        labels.append(f"{names.get(area_ids[a], area_ids[a])} ({area_ids[a]})")
    fig.update_layout(
        updatemenus=_dropdown(labels, per_item, 0),
        title="Load-duration curve (net load, + offtake / − feed-in)",
        xaxis={"title": "hours per year at or above", "type": "log"},
        yaxis={"title": "MW"},
        height=460,
        margin={"t": 110},
    )
    return fig


def queue_figure(admission: pd.DataFrame) -> go.Figure:
    """Admitted versus waiting MW per area and direction."""
    agg = admission.groupby(["area_id", "outcome"])["mw"].sum().unstack(fill_value=0.0)
    for col in ("admitted", "waiting"):
        if col not in agg:
            agg[col] = 0.0
    agg = agg.sort_values("waiting", ascending=False)
    fig = go.Figure(
        [
            go.Bar(x=agg.index, y=agg["admitted"], name="admitted", marker_color="#27ae60"),
            go.Bar(x=agg.index, y=agg["waiting"], name="waiting", marker_color="#c0392b"),
        ]
    )
    fig.update_layout(
        barmode="stack",
        title="Queue after admission: MW per supply area",
        yaxis={"title": "MW"},
        height=420,
    )
    return fig
