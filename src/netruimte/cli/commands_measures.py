"""Commands: queue (ACM admission), contracts (one request), prognosis (paths, quickscan),
measures (KPIs per measure and set, attribution, national comparison)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from netruimte.cli import app
from netruimte.cli.commands_core import RegionOpt, load_region
from netruimte.cli.ui import console
from netruimte.errors import InputError

ScenarioOpt = Annotated[Path | None, typer.Option("--scenario", "-s", help="Scenario TOML file.")]
prognosis_app = typer.Typer(help="Growth paths and the area quickscan.", no_args_is_help=True)
app.add_typer(prognosis_app, name="prognosis")


def _prepare(region_path: Path | None, scenario_path: Path | None):
    """Region, scenario, load cube, shape library and design years (no queue, no report)."""
    from netruimte.pipeline import design_year_indices
    from netruimte.profiles.library import build_library
    from netruimte.profiles.weather_source import region_weather
    from netruimte.prognosis.cube import build_cube
    from netruimte.scenario import read_scenario
    from netruimte.timeaxis import year_axis

    region = load_region(region_path)
    scenario = read_scenario(scenario_path)
    weather = region_weather(region, year_axis(scenario.target_year), scenario.weather_years)
    lib = build_library(weather, region.meta.latitude, region.meta.longitude)
    cube = build_cube(region, scenario, lib)
    return region, scenario, cube, lib, design_year_indices(scenario, cube.weather_labels)


def _print_frame(frame, title: str, limit: int = 40) -> None:
    table = Table(title=title)
    for col in frame.columns:
        table.add_column(str(col), justify="right" if frame[col].dtype.kind in "fiu" else "left")
    for row in frame.head(limit).itertuples(index=False):
        table.add_row(*[f"{v:,.2f}" if isinstance(v, float) else str(v) for v in row])
    console.print(table)


@app.command("queue")
def queue_cmd(
    region: RegionOpt = None,
    scenario: ScenarioOpt = None,
    offer: Annotated[
        str | None,
        typer.Option(help="Contract types offered after firm, comma separated (e.g. tdtr,csc)."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the table (CSV).")] = None,
) -> None:
    """Queue admission under the ACM prioritisation framework: outcome and reason per request."""
    from netruimte import atomic
    from netruimte.queue.admission import admit_queue
    from netruimte.queue.policy import QueuePolicy

    reg, scen, cube, lib, design = _prepare(region, scenario)
    if offer is not None:
        names = [c.strip() for c in offer.split(",") if c.strip()]
        try:
            policy = QueuePolicy(**{**scen.queue.model_dump(), "offer": ["firm", *names]})
        except ValueError as exc:
            raise InputError(f"--offer: {exc}", column="--offer") from None
        scen = scen.model_copy(update={"queue": policy})
    adm = admit_queue(reg, scen, cube, lib, design)
    adm["outcome_contract"] = adm["outcome"].where(adm["outcome"] == "waiting", adm["contract"])
    by = (
        adm.groupby(["category", "outcome_contract"])
        .agg(requests=("mw", "size"), mw=("mw", "sum"))
        .reset_index()
    )
    _print_frame(by, f"{reg.meta.name}: admission by category (ACM order) and outcome")
    waiting = adm[adm.outcome == "waiting"]
    if len(waiting):
        bind = (
            waiting.groupby("binding_area")
            .agg(requests=("mw", "size"), mw=("mw", "sum"))
            .sort_values("mw", ascending=False)
            .reset_index()
        )
        _print_frame(bind, "waiting: binding area", limit=10)
    if out is not None:
        atomic.write_text(out, adm.drop(columns="outcome_contract").to_csv(index=False))
        console.print(f"[green]wrote[/] {out}")


@app.command("contracts")
def contracts_cmd(
    area: Annotated[str, typer.Option("--area", "-a", help="Area id of the request.")],
    request: Annotated[
        str | None, typer.Option("--request", help="Request id in the queue (or give --mw).")
    ] = None,
    mw: Annotated[float | None, typer.Option(help="MW of a hypothetical request.")] = None,
    profile: Annotated[str, typer.Option(help="Profile class (hypothetical request).")] = "flat",
    direction: Annotated[str, typer.Option(help="offtake or feedin.")] = "offtake",
    flexible_share: Annotated[float, typer.Option(help="Share of MW the user can give up.")] = 0,
    region: RegionOpt = None,
    scenario: ScenarioOpt = None,
) -> None:
    """Compare firm, non-firm ATO, TDTR, TBTR, CBC-A, CBC-T and CSC for one request."""
    from netruimte.measures.contracts import compare_contracts
    from netruimte.measures.picture import base_picture
    from netruimte.queue.admission import admit_queue

    reg, scen, cube, lib, design = _prepare(region, scenario)
    if area not in reg.areas.index:
        raise InputError(f"area {area!r} is not in the region", column="--area")
    if request is not None:
        q = reg.queue[reg.queue["request_id"] == request]
        if q.empty:
            raise InputError(f"request {request!r} is not in the queue", column="--request")
        req = q.iloc[0].to_dict()
        if req["area_id"] != area:
            raise InputError(
                f"request {request!r} is in area {req['area_id']!r}, not {area!r}",
                column="--area",
            )
    else:
        if mw is None or mw <= 0:
            raise InputError("give --request R or a positive --mw", column="--mw")
        from netruimte.region.schema import PROFILE_DIRECTIONS

        if direction not in ("offtake", "feedin"):
            raise InputError("direction must be offtake or feedin", column="--direction")
        if direction not in PROFILE_DIRECTIONS.get(profile, ()):
            known = ", ".join(p for p, ds in PROFILE_DIRECTIONS.items() if direction in ds)
            raise InputError(
                f"profile {profile!r} does not fit direction {direction!r} (known: {known})",
                column="--profile",
            )
        if not 0 <= flexible_share <= 1:
            raise InputError("flexible share must be 0..1", column="--flexible-share")
        req = {
            "request_id": "(hypothetical)",
            "area_id": area,
            "mw": mw,
            "profile_class": profile,
            "direction": direction,
            "flexible_share": flexible_share,
        }
    pic = base_picture(reg, scen, cube, lib, design)
    extra = None
    if request is not None:  # the grid at its turn: requests admitted ahead of it
        adm = admit_queue(reg, scen, cube, lib, design)
        pos = adm.index[adm["request_id"] == request][0]
        ahead = adm.iloc[:pos]
        extra = _admitted_load(pic, ahead[ahead["outcome"] == "admitted"])
    table = compare_contracts(pic, req, extra).set_index("contract").T.reset_index()
    table = table.rename(columns={"index": "per year, at the MW offered"})
    title = (
        f"{req['request_id']} in {area}: {req['mw']:g} MW {req['direction']} "
        f"({req.get('profile_class', 'flat')}), flexible share {req.get('flexible_share') or 0:g}"
    )
    _print_frame(table, title)


def _admitted_load(pic, admitted):
    """(W, T, A) load of admitted requests at their full profile (the area and above)."""
    import numpy as np

    own = np.zeros(pic.load_mw.shape, dtype=np.float32)
    pos = {a: i for i, a in enumerate(pic.area_ids)}
    per = admitted.groupby(["profile_class", "direction", "area_id"])["mw"].sum()
    for (pc, d, area), mw in per.items():
        own[:, :, pos[area]] += np.float32(mw) * pic.request_shape(pc, d)
    return pic.aggregate(own)


@prognosis_app.command("paths")
def prognosis_paths(
    path: Annotated[str | None, typer.Option(help="investment or kev (default both).")] = None,
) -> None:
    """Growth factors per asset class and year, 2026–2035 (relative to 2026)."""
    from netruimte.measures.prognosis import growth_paths

    table = growth_paths()
    paths = [path] if path else sorted(table["path"].unique())
    for p in paths:
        part = table[table["path"] == p].pivot(index="asset_class", columns="year", values="factor")
        part = part.reset_index()
        part.columns = [str(c) for c in part.columns]
        _print_frame(part.round(3), f"growth path {p!r}: factor on 2026")


@prognosis_app.command("quickscan")
def prognosis_quickscan(
    area: Annotated[str, typer.Option("--area", "-a", help="Area id.")],
    direction: Annotated[str, typer.Option(help="offtake or feedin.")] = "offtake",
    request_mw: Annotated[float | None, typer.Option(help="Add one request of this MW.")] = None,
    profile: Annotated[str, typer.Option(help="Profile class of that request.")] = "flat",
    measure: Annotated[
        str | None,
        typer.Option(help="Apply one measure, e.g. prognosis or risk_appetite.kev_growth."),
    ] = None,
    region: RegionOpt = None,
    scenario: ScenarioOpt = None,
) -> None:
    """An area's firm headroom now and after one request or one measure (under 1 s per scan)."""
    import time

    from netruimte.measures.framework import measure_function
    from netruimte.measures.picture import base_picture
    from netruimte.measures.prognosis import quickscan

    reg, scen, cube, lib, design = _prepare(region, scenario)
    if area not in reg.areas.index:
        raise InputError(f"area {area!r} is not in the region", column="--area")
    pic = base_picture(reg, scen, cube, lib, design)
    req = None
    if request_mw is not None:
        req = {"mw": request_mw, "profile_class": profile, "direction": direction}
    fn = None
    if measure is not None:
        try:
            fn = measure_function(measure, scen.measures)
        except ValueError as exc:
            raise InputError(str(exc), column="--measure") from None
    t0 = time.perf_counter()
    out = quickscan(pic, area, direction, req, fn)
    out["seconds"] = round(time.perf_counter() - t0, 3)
    table = Table(title=f"quickscan {area} ({direction})")
    table.add_column("what")
    table.add_column("value", justify="right")
    for k, v in out.items():
        table.add_row(k, str(v))
    console.print(table)


@app.command("measures")
def measures_cmd(
    region: RegionOpt = None,
    scenario: ScenarioOpt = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for the tables.")] = None,
) -> None:
    """KPIs per measure and per set, the attribution, and the national comparison."""
    from netruimte.cli.ui import RichProgress
    from netruimte.measures.stage import evaluate_measures, national_comparison

    reg, scen, cube, lib, design = _prepare(region, scenario)
    with RichProgress() as progress:
        res = evaluate_measures(reg, scen, cube, lib, design, progress)
    cols = [
        "name",
        "mw_freed_offtake",
        "mw_freed_feedin",
        "requests_freed",
        "eens_mwh",
        "curtailment_hours",
        "emergency_calls",
        "operator_cost_eur",
        "delta_tariff_eur_per_household_yr",
    ]
    s = res["summary"]
    _print_frame(s[s.kind != "subset"][cols].round(2), "measures: effect against the baseline")
    _print_frame(res["attribution"].round(2), f"attribution ({res['method']})")
    nat = national_comparison(res, reg).round(1)
    nat["region_queue_share"] = national_comparison(res, reg)["region_queue_share"].round(4)
    _print_frame(nat, "next to the Aansluitoffensief")
    if out is not None:
        from netruimte.atomic import staged_dir

        with staged_dir(out) as stage:
            s.to_csv(stage / "measures_summary.csv", index=False)
            res["attribution"].to_csv(stage / "measures_attribution.csv", index=False)
            res["per_area"].to_csv(stage / "measures_kpis.csv", index=False)
            national_comparison(res, reg).to_csv(stage / "measures_national.csv", index=False)
        console.print(f"[green]wrote[/] {out}")
