"""The `measures` stage of `netruimte run`: KPIs per measure and per set, and the attribution.

Evaluates the baseline (no measure), every subset of the enabled breakthroughs (each alone,
the whole set, and what the exact Shapley attribution needs), each enabled risk-appetite
option alone, and the scenario's named sets. Adds tables `measures_summary` (one row per
evaluated set), `measures_kpis` (per area for the baseline, each measure, option and the
whole set) and `measures_attribution`; a report section; and `measures` in summary.json.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netruimte.measures import framework
from netruimte.measures.attribution import shapley
from netruimte.measures.params import RISK_OPTIONS
from netruimte.measures.picture import base_picture

ATTRIBUTED = ("mw_freed_offtake", "mw_freed_feedin", "mw_freed", "requests_freed")
SUMMARY_COLUMNS = (
    "admitted_mw_offtake",
    "admitted_mw_feedin",
    "admitted_mw_firm",
    "admitted_requests",
    "eens_mwh",
    "eens_hours",
    "feedin_unserved_mwh",
    "overload_mwh",
    "curtailment_mwh",
    "curtailment_hours",
    "curtailment_events",
    "window_limited_mwh",
    "flex_mwh",
    "flex_hours",
    "flex_events",
    "emergency_mwh",
    "emergency_calls",
    "operator_cost_eur",
    "flex_eur",
    "contract_eur",
    "measure_eur",
    "societal_unserved_eur",
    "eur_per_mw_admitted",
    "tariff_eur_per_mwh",
    "tariff_eur_per_household_yr",
)


def _row(kind: str, name: str, ev: framework.Evaluation, base: framework.Evaluation) -> dict:
    t, b = ev.total, base.total
    row = {"kind": kind, "name": name, "members": " + ".join(ev.members) or "(none)"}
    row.update({c: t.get(c, np.nan) for c in SUMMARY_COLUMNS})
    row["mw_freed_offtake"] = t["admitted_mw_offtake"] - b["admitted_mw_offtake"]
    row["mw_freed_feedin"] = t["admitted_mw_feedin"] - b["admitted_mw_feedin"]
    row["mw_freed"] = row["mw_freed_offtake"] + row["mw_freed_feedin"]
    row["requests_freed"] = t["admitted_requests"] - b["admitted_requests"]
    row["delta_eens_mwh"] = t.get("eens_mwh", np.nan) - b["eens_mwh"]
    row["delta_cost_eur"] = t.get("operator_cost_eur", np.nan) - b["operator_cost_eur"]
    row["eur_per_mw_freed"] = (
        row["delta_cost_eur"] / row["mw_freed"] if row["mw_freed"] > 1e-9 else np.nan
    )
    row["delta_tariff_eur_per_mwh"] = t.get("tariff_eur_per_mwh", np.nan) - b["tariff_eur_per_mwh"]
    row["delta_tariff_eur_per_household_yr"] = (
        t.get("tariff_eur_per_household_yr", np.nan) - b["tariff_eur_per_household_yr"]
    )
    row["applied"] = "; ".join(ev.applied)
    return row


def evaluate_measures(
    region, scenario, cube, lib, design_years: list[int] | None = None, progress=None
) -> dict[str, object]:
    """All evaluations of the stage: a pure function of the run's inputs (used by the CLI)."""
    measures = scenario.measures
    pic = base_picture(region, scenario, cube, lib, design_years)
    players = measures.enabled()
    exact = len(players) <= measures.attribution.max_exact
    extra: dict[str, list[str]] = {}
    if measures.evaluate_options and "risk_appetite" in players:
        for o in RISK_OPTIONS:
            if getattr(measures.risk_appetite, o).enabled:
                extra[f"option:{o}"] = [f"risk_appetite.{o}"]
    extra |= {f"set:{n}": m for n, m in measures.sets.items()}
    if not exact:  # singles and the whole set; the sampled attribution adds what it needs
        extra |= {f"single:{p}": [p] for p in players}
        extra["whole"] = list(players)
    workers = framework.workers_available(measures.workers)
    if exact:
        subsets, done = framework.evaluate_tasks(pic, players, measures, extra, progress, workers)
    else:
        subsets = {}
        _, done = framework.evaluate_tasks(pic, [], measures, extra, progress, workers)
        subsets[frozenset()] = framework.evaluate(pic, [], measures)
        for p in players:
            subsets[frozenset([p])] = done[f"single:{p}"]
        subsets[frozenset(players)] = done["whole"]
    base = subsets[frozenset()]
    options = {k.split(":", 1)[1]: v for k, v in done.items() if k.startswith("option:")}
    named = {k.split(":", 1)[1]: v for k, v in done.items() if k.startswith("set:")}

    rows = [_row("baseline", "baseline", base, base)]
    for p in players:
        rows.append(_row("measure", p, subsets[frozenset([p])], base))
    for o, ev in options.items():
        rows.append(_row("option", f"risk_appetite.{o}", ev, base))
    if len(players) > 1:
        rows.append(_row("set", "all enabled", subsets[frozenset(players)], base))
    for s, ev in subsets.items():
        if 1 < len(s) < len(players):
            rows.append(_row("subset", " + ".join(framework.canonical(s)), ev, base))
    for n, ev in named.items():
        rows.append(_row("named set", n, ev, base))
    summary = pd.DataFrame(rows)

    def value(s: frozenset) -> np.ndarray:
        ev = subsets.get(s)
        if ev is None:  # sampled attribution: evaluate on demand
            ev = subsets[s] = framework.evaluate(pic, s, measures)
        row = _row("", "", ev, base)
        return np.array([row[c] for c in ATTRIBUTED])

    phi, method = shapley(
        players,
        value,
        measures.attribution.max_exact,
        measures.attribution.samples,
        measures.attribution.seed,
    )
    attr_rows = [
        {"measure": p, "method": method, **dict(zip(ATTRIBUTED, phi[p], strict=True))}
        for p in players
    ]
    whole = value(frozenset(players)) - value(frozenset())
    attr_rows.append(
        {"measure": "sum of attributions", "method": method}
        | dict(zip(ATTRIBUTED, sum(phi.values()) if phi else whole * 0, strict=True))
    )
    attr_rows.append(
        {"measure": "whole set", "method": "evaluated"} | dict(zip(ATTRIBUTED, whole, strict=True))
    )
    attribution = pd.DataFrame(attr_rows)

    per_area = []
    evs = {"baseline": base, **{p: subsets[frozenset([p])] for p in players}}
    evs |= {f"risk_appetite.{o}": ev for o, ev in options.items()}
    if len(players) > 1:
        evs["all enabled"] = subsets[frozenset(players)]
    for name, ev in evs.items():
        t = ev.per_area.copy()
        t.insert(0, "name", name)
        per_area.append(t)
    return {
        "summary": summary,
        "attribution": attribution,
        "per_area": pd.concat(per_area, ignore_index=True),
        "players": players,
        "method": method,
        "baseline": base,
    }


def _section(out: dict) -> str:
    import plotly.graph_objects as go

    from netruimte.report.html import _fig, _table

    summary = out["summary"]
    shown = summary[summary.kind.isin(["baseline", "measure", "option", "set", "named set"])]
    cols = [
        "name",
        "mw_freed_offtake",
        "mw_freed_feedin",
        "requests_freed",
        "eens_mwh",
        "curtailment_hours",
        "emergency_calls",
        "operator_cost_eur",
        "eur_per_mw_freed",
        "delta_tariff_eur_per_household_yr",
    ]
    table = shown[cols].round(2)
    attr = out["attribution"]
    players = out["players"]
    fig = go.Figure()
    single = summary.set_index("name")
    fig.add_bar(
        name="alone",
        x=players,
        y=[float(single.loc[p, "mw_freed_offtake"]) for p in players],
    )
    fig.add_bar(
        name=f"attributed (Shapley, {out['method']})",
        x=players,
        y=attr.set_index("measure").loc[players, "mw_freed_offtake"].tolist(),
    )
    fig.update_layout(
        barmode="group",
        title="Offtake MW freed per measure: alone and attributed within the whole set",
        yaxis_title="MW freed (offtake)",
        height=380,
    )
    note = (
        "<p class='note'>Each measure transforms the picture (load, accepted risk, contracts, "
        "flex) and the queue is admitted again under the ACM order. MW freed = MW admitted "
        "more than the baseline. Reliability counts every weather year; affordability is "
        "operator cost per year, socialised into the transport tariff in proportion to "
        "offtake energy. Attribution: average marginal contribution over all orders "
        "(Shapley); it sums to the whole set's effect. See docs/measures.md.</p>"
    )
    return note + _table(table) + _fig(fig) + _table(attr.round(2))


# Aansluitoffensief (Feb 2026) per breakthrough, national, GW "impact in 2030 – in 2035".
NATIONAL_ESTIMATES_GW: dict[str, tuple[float, float, str]] = {
    "risk_appetite": (2.0, 4.0, "risk appetite"),
    "prognosis": (2.0, 4.0, "better prognoses"),
    "flex_norm": (1.0, 2.0, "flex as the norm (1–2 GW; a 2–5 GW figure also appears)"),
    "contracts": (0.0, 0.0, "revised contract terms: 0 alone, counted with the financial floor"),
}
NATIONAL_OFFTAKE_QUEUE_MW = 9100.0  # regional operators' offtake queue, February 2026


def national_comparison(out: dict, region) -> pd.DataFrame:
    """MW freed per measure next to the national estimates scaled to the region's queue share.

    share = the region's offtake queue MW / 9.1 GW (the regional operators' national offtake
    queue); scaled estimate = share × national GW. The national figures are for 2030 (low)
    and 2035 (high), after a 50% uncertainty margin.
    """
    q = region.queue
    queue_mw = float(q.loc[q["direction"] == "offtake", "mw"].sum())
    share = queue_mw / NATIONAL_OFFTAKE_QUEUE_MW
    summary = out["summary"].set_index("name")
    attr = out["attribution"].set_index("measure")
    rows = []
    for m in out["players"]:
        lo, hi, label = NATIONAL_ESTIMATES_GW.get(m, (np.nan, np.nan, m))
        rows.append(
            {
                "measure": m,
                "national_estimate": label,
                "national_gw_2030": lo,
                "national_gw_2035": hi,
                "region_queue_share": share,
                "scaled_mw_2030": lo * 1000 * share,
                "scaled_mw_2035": hi * 1000 * share,
                "region_mw_freed_offtake_alone": float(summary.loc[m, "mw_freed_offtake"]),
                "region_mw_freed_offtake_attributed": float(attr.loc[m, "mw_freed_offtake"]),
            }
        )
    return pd.DataFrame(rows)


def measures_stage(result, progress) -> None:
    """Stage: evaluate the scenario's measures and add tables, a section and the summary."""
    from netruimte.pipeline import design_year_indices

    design = design_year_indices(result.scenario, result.cube.weather_labels)
    out = evaluate_measures(
        result.region, result.scenario, result.cube, result.library, design, progress
    )
    national = national_comparison(out, result.region)
    result.extra["measures_national"] = national.round(4)
    result.extra["measures_summary"] = out["summary"].round(4)
    result.extra["measures_attribution"] = out["attribution"].round(4)
    result.extra["measures_kpis"] = out["per_area"].round(4)
    summary = out["summary"].set_index("name")
    attr = out["attribution"].set_index("measure")
    keys = ("mw_freed_offtake", "mw_freed_feedin", "requests_freed", "delta_eens_mwh")
    result.extra_summary["measures"] = {
        "method": out["method"],
        "alone": {
            n: {k: round(float(summary.loc[n, k]), 3) for k in keys}
            for n in summary.index
            if summary.loc[n, "kind"] in ("measure", "option", "set")
        },
        "attributed_mw_freed_offtake": {
            p: round(float(attr.loc[p, "mw_freed_offtake"]), 3) for p in out["players"]
        },
        "attributed_mw_freed_feedin": {
            p: round(float(attr.loc[p, "mw_freed_feedin"]), 3) for p in out["players"]
        },
    }
    result.extra_summary["measures"]["national_comparison"] = {
        r.measure: {
            "scaled_mw_2030": round(r.scaled_mw_2030, 1),
            "scaled_mw_2035": round(r.scaled_mw_2035, 1),
            "region_mw_freed_offtake_alone": round(r.region_mw_freed_offtake_alone, 1),
            "region_mw_freed_offtake_attributed": round(r.region_mw_freed_offtake_attributed, 1),
        }
        for r in national.itertuples()
    }
    html = _section(out)
    from netruimte.report.html import _table

    html += (
        "<p class='note'>Next to the Aansluitoffensief (national GW for 2030 – 2035), scaled "
        "by this region's share of the national offtake queue (its offtake queue MW / 9.1 "
        "GW). The region's numbers are for the scenario's target year.</p>" + _table(national)
    )
    result.sections.append(("Measures: MW freed, reliability, affordability", html))
