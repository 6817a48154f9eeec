"""The network layer as a stage of `netruimte run` (see netruimte.stages).

For each area of the region that has `networks/<area_id>.json`, the year is run on the network
(profiles aligned to the run's axis) and reported per asset: tables in `result.extra`
(written as CSV), a report section listing the congested assets, and headline numbers.
A region without networks is left untouched.
"""

from __future__ import annotations

import html

import pandas as pd

from netruimte.grid.region_report import region_network_congestion

TOP_ASSETS = 20


def network_stage(result, progress=None) -> None:
    """Add network congestion per asset to a run result (no-op without network models)."""
    region = result.region
    axis = result.cube.axis if hasattr(result, "cube") else None
    out = region_network_congestion(
        getattr(region, "folder", None), axis, list(getattr(region, "area_ids", []))
    )
    if not out.results:
        return
    result.extra.update(out.tables)
    assets = out.tables["asset_congestion"]
    hot = assets[assets["hours_congested"] > 0]
    area = out.tables["network_area_congestion"]
    summary = getattr(result, "extra_summary", None)
    if summary is not None:
        summary.update(
            {
                "networked_areas": len(out.results),
                "network_assets": len(assets),
                "network_assets_congested": len(hot),
                "network_shortage_mwh_offtake": float(
                    area.loc[area.direction == "offtake", "shortage_mwh"].sum()
                ),
                "network_shortage_mwh_feedin": float(
                    area.loc[area.direction == "feedin", "shortage_mwh"].sum()
                ),
            }
        )
    sections = getattr(result, "sections", None)
    if sections is not None:
        sections.append(("Network congestion per asset", _section_html(assets, area)))


def _section_html(assets: pd.DataFrame, area: pd.DataFrame) -> str:
    hot = assets[assets["hours_congested"] > 0].copy()
    hot["mwh"] = hot["offtake_mwh"] + hot["feedin_mwh"]
    hot = hot.sort_values("mwh", ascending=False).head(TOP_ASSETS)
    rows = "".join(
        "<tr>"
        f"<td>{html.escape(str(r.area_id))}</td><td>{html.escape(str(r.name))}</td>"
        f"<td>{html.escape(str(r.kind))}</td>"
        f"<td>{'' if pd.isna(r.max_loading) else f'{r.max_loading:.0%}'}</td>"
        f"<td>{r.hours_congested:,.1f}</td><td>{r.offtake_mwh:,.1f}</td>"
        f"<td>{r.feedin_mwh:,.1f}</td>"
        "</tr>"
        for r in hot.itertuples()
    )
    per_area = "".join(
        f"<tr><td>{html.escape(str(r.area_id))}</td><td>{r.direction}</td><td>{r.events}</td>"
        f"<td>{r.hours_congested:,.1f}</td><td>{r.peak_shortage_mw:,.2f}</td>"
        f"<td>{r.shortage_mwh:,.1f}</td><td>{html.escape(str(r.most_binding_asset))}</td></tr>"
        for r in area.itertuples()
    )
    if not rows:
        rows = "<tr><td colspan='7'>no line, transformer or node is congested</td></tr>"
    return (
        "<p>Power flow over the year on each area's network model (power-grid-model, "
        "iterative current). A line or transformer is congested above 100% loading "
        "(transformers current-based), a node outside 0.90-1.10 pu. The area takes its "
        "worst asset at every quarter-hour.</p>"
        "<table><thead><tr><th>area</th><th>direction</th><th>events</th><th>hours</th>"
        "<th>peak MW</th><th>MWh</th><th>most binding asset</th></tr></thead>"
        f"<tbody>{per_area}</tbody></table>"
        "<table><thead><tr><th>area</th><th>asset</th><th>kind</th><th>worst loading</th>"
        "<th>hours congested</th><th>offtake MWh</th><th>feed-in MWh</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
