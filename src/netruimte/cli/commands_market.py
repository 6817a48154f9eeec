"""Market commands: `tender need`, `tender clear`, `budget`, `top50`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import TypeAdapter, ValidationError
from rich.table import Table

from netruimte.cli import app
from netruimte.cli.commands_core import RegionOpt, load_region
from netruimte.cli.ui import RichProgress, console
from netruimte.errors import InputError, InputErrors

tender_app = typer.Typer(
    help="Regional flex tenders: publish a need, clear bids.", no_args_is_help=True
)
app.add_typer(tender_app, name="tender")

ScenarioOpt = Annotated[Path | None, typer.Option("--scenario", "-s", help="Scenario TOML file.")]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Output folder.")]


def _run(region: Path | None, scenario: Path | None):
    """The core of a run (no optional stages): cube, flex expectation, queue admission."""
    from netruimte.market.stage import core_run
    from netruimte.scenario import read_scenario

    reg = load_region(region)
    scen = read_scenario(scenario)
    with RichProgress() as progress:
        return core_run(reg, scen, progress)


def read_needs(path: Path):
    """Needs from a JSON file: one need, a list, or {"needs": [...]}; errors name the field."""
    from netruimte.market.need import Need
    from netruimte.region.tables import decode_text

    try:
        data = json.loads(decode_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", file=path, row=exc.lineno) from None
    if isinstance(data, dict) and "needs" in data:
        data = data["needs"]
    items = data if isinstance(data, list) else [data]
    try:
        needs = TypeAdapter(list[Need]).validate_python(items)
    except ValidationError as exc:
        raise InputErrors(
            [
                InputError(
                    e["msg"].removeprefix("Value error, "),
                    file=path,
                    row=e["loc"][0] + 1 if e["loc"] and isinstance(e["loc"][0], int) else None,
                    column=".".join(str(p) for p in e["loc"][1:]) or None,
                )
                for e in exc.errors()
            ]
        ) from None
    if not needs:
        raise InputError("the file holds no need", file=path)
    if len({n.year for n in needs}) > 1:
        raise InputError("all needs of a tender must be for one delivery year", file=path)
    return needs


@tender_app.command("need")
def tender_need(
    out: Annotated[Path, typer.Option("--out", "-o", help="Need JSON file to write.")],
    region: RegionOpt = None,
    scenario: ScenarioOpt = None,
    area: Annotated[list[str] | None, typer.Option("--area", "-a", help="Area id(s).")] = None,
    direction: Annotated[str | None, typer.Option(help="offtake or feedin.")] = None,
    reliability: Annotated[float, typer.Option(min=0.01, max=1.0)] = 1.0,
) -> None:
    """Publish the need of congested areas (MW per time block) from a run, as JSON."""
    from netruimte import atomic
    from netruimte.market.need import need_frame
    from netruimte.market.stage import region_needs

    result = _run(region, scenario)
    needs = region_needs(result, reliability)
    if area:
        unknown = [a for a in area if a not in result.region.areas.index]
        if unknown:
            raise InputError(f"unknown areas {unknown}", column="--area")
        needs = [n for n in needs if n.area_id in area]
    if direction is not None:
        if direction not in ("offtake", "feedin"):
            raise InputError("must be offtake or feedin", column="--direction")
        needs = [n for n in needs if n.direction == direction]
    if not needs:
        raise InputError("no congestion, so no need, in the chosen areas and direction")
    atomic.write_text(
        out, json.dumps({"needs": [n.model_dump(mode="json") for n in needs]}, indent=1) + "\n"
    )
    nf = need_frame(needs)
    table = Table(title=f"{len(needs)} needs → {out}")
    for col in ("area", "direction", "blocks", "peak MW", "hours/yr", "activations/yr"):
        table.add_column(col, justify="left" if col in ("area", "direction") else "right")
    for n in needs[:30]:
        part = nf[(nf.area_id == n.area_id) & (nf.direction == n.direction)]
        table.add_row(
            n.area_id,
            n.direction,
            str(len(part)),
            f"{n.peak_mw:,.1f}",
            f"{n.expected_hours_per_year:,.1f}",
            str(n.max_activations_per_year),
        )
    console.print(table)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


@tender_app.command("clear")
def tender_clear(
    need: Annotated[Path, typer.Argument(help="Need JSON (one need, a list, or {needs: [...]}).")],
    bids: Annotated[Path, typer.Argument(help="Bids file, CSV or JSON.")],
    out: OutOpt = Path("tender"),
    co2_eur_per_t: Annotated[float, typer.Option(min=0, help="€ per tonne CO₂.")] = 100.0,
    time_limit: Annotated[float, typer.Option(min=0.1, help="Solver time limit, s.")] = 60.0,
    gap: Annotated[float, typer.Option(min=0, max=0.5, help="MIP relative gap.")] = 1e-6,
    strict: Annotated[bool, typer.Option(help="A bad bid is an error (exit 2).")] = False,
) -> None:
    """Clear a tender: need + bids → clearing, outcomes, blocks and one scorecard per bid."""
    from netruimte.atomic import staged_dir
    from netruimte.market.bids import read_bids
    from netruimte.market.scorecard import scorecards
    from netruimte.market.tender import clear_tender

    needs = read_needs(need)
    bid_set = read_bids(bids, strict=strict)
    if not bid_set.bids and not bid_set.rejected:
        raise InputError("the file holds no bids", file=bids)
    with console.status("clearing (HiGHS)"):
        result = clear_tender(needs, bid_set, co2_eur_per_t, time_limit, gap)
    cards = scorecards(result)
    with staged_dir(out) as stage:
        (stage / "clearing.json").write_text(result.model_dump_json(indent=1) + "\n")
        result.outcome_frame().to_csv(stage / "outcomes.csv", index=False)
        result.block_frame().to_csv(stage / "blocks.csv", index=False)
        (stage / "scorecards.json").write_text(
            json.dumps([c.model_dump(mode="json") for c in cards], indent=1) + "\n"
        )
        (stage / "scorecards").mkdir()
        for c in cards:
            if c.bid_id:
                (stage / "scorecards" / f"{_safe(c.bid_id)}.json").write_text(
                    c.model_dump_json(indent=1) + "\n"
                )
    table = Table(title=f"tender {', '.join(result.needs)} · {result.year}")
    table.add_column("what")
    table.add_column("value", justify="right")
    statuses = result.outcome_frame().status.value_counts().to_dict()
    for k, v in [
        ("status", result.status),
        (
            "bids (accepted / rejected / ineligible / invalid)",
            " / ".join(
                str(statuses.get(s, 0)) for s in ("accepted", "rejected", "ineligible", "invalid")
            ),
        ),
        ("accepted MW", f"{result.accepted_mw:,.2f}"),
        ("cost €/yr (MILP)", f"{result.total_cost_eur_per_yr:,.0f}"),
        ("cost €/yr (greedy merit order)", f"{(result.greedy_cost_eur_per_yr or 0):,.0f}"),
        ("CO₂ t/yr", f"{result.co2_t_per_yr:,.1f}"),
        ("reliability achieved", ", ".join(f"{r:.3f}" for r in result.reliability_achieved)),
        ("MIP gap / solve s", f"{result.mip_gap:.1e} / {result.solve_s:.2f}"),
    ]:
        table.add_row(k, v)
    console.print(table)
    if result.status == "partial":
        console.print(
            "[yellow]the bids cannot cover the need at its reliability; "
            "see blocks.csv (coverable = False)[/]"
        )
    console.print(f"[green]wrote[/] {out}/clearing.json, outcomes.csv, blocks.csv, scorecards/")


@app.command("budget")
def budget_cmd(
    region: RegionOpt = None,
    scenario: ScenarioOpt = None,
    out: OutOpt = Path("budget"),
    budget_eur: Annotated[
        float | None,
        typer.Option(
            min=0, help="Budget above the floor, €/yr (default: the region's share of €500M)."
        ),
    ] = None,
    floor_eur: Annotated[float, typer.Option(min=0, help="Financial floor per area, €/yr.")] = (
        100_000.0
    ),
    levels: Annotated[int, typer.Option(min=1, max=50, help="Merit-order levels.")] = 8,
    verify: Annotated[bool, typer.Option(help="Re-run admission at the allocation.")] = True,
) -> None:
    """Allocate a flex budget above the financial floor to admit the most MW."""
    from netruimte.atomic import staged_dir
    from netruimte.market.budget import flex_options, run_budget
    from netruimte.market.large_connections import derive_large_connections
    from netruimte.market.top50 import rank_connections
    from netruimte.pipeline import design_year_indices

    result = _run(region, scenario)
    design = design_year_indices(result.scenario, result.cube.weather_labels)
    conns = derive_large_connections(result.region, result.library, result.admission)
    ranking = rank_connections(result.region, result.cube, result.library, conns, design)
    options = flex_options(result.region, ranking)
    with RichProgress() as progress:
        b = run_budget(
            result.region,
            result.scenario,
            result.cube,
            result.library,
            design,
            options,
            result.admission,
            budget_eur,
            floor_eur,
            levels,
            verify,
            progress,
        )
    with staged_dir(out) as stage:
        b.curve.to_csv(stage / "budget_curve.csv", index=False)
        b.allocation.to_csv(stage / "budget_allocation.csv", index=False)
        b.bought.to_csv(stage / "budget_options_bought.csv", index=False)
        b.curves.options.to_csv(stage / "budget_options.csv", index=False)
        (stage / "budget_summary.json").write_text(json.dumps(b.summary, indent=1) + "\n")
    table = Table(title="efficiency curve (predicted from the admission sweep)")
    for col in (
        "budget M€/yr",
        "spent M€/yr",
        "MW admitted",
        "MW from budget",
        "MW per M€",
        "marginal k€/MW",
    ):
        table.add_column(col, justify="right")
    for r in b.curve.itertuples():
        table.add_row(
            f"{r.budget_eur_per_yr / 1e6:,.2f}",
            f"{r.spent_above_floor_eur_per_yr / 1e6:,.2f}",
            f"{r.admitted_mw:,.1f}",
            f"{r.mw_from_budget:,.1f}",
            f"{r.mw_per_meur:,.1f}",
            f"{r.marginal_eur_per_mw / 1e3:,.1f}",
        )
    console.print(table)
    s = b.summary
    verified = (
        f" (verified by admit_queue: {s['admitted_mw_at_budget_verified']:,.1f} MW)"
        if "admitted_mw_at_budget_verified" in s
        else ""
    )
    console.print(
        f"budget €{s['budget_eur_per_yr'] / 1e6:,.2f}M/yr: spent "
        f"€{s['spent_above_floor_eur_per_yr'] / 1e6:,.2f}M above the floors, admitted "
        f"{s['admitted_mw_at_budget']:,.1f} MW{verified} vs {s['admitted_mw_floor_only']:,.1f} MW "
        f"with the floors only: [bold]{s['mw_per_meur_spent']:,.1f} MW per M€[/]; tariffs "
        f"+{s['tariff_eur_per_mwh']:.3f} €/MWh (≈ €{s['per_household_eur_per_yr']:.2f} per "
        "household per year)"
    )
    console.print(f"[green]wrote[/] {out}/budget_curve.csv, budget_allocation.csv, …")


@app.command("top50")
def top50_cmd(
    region: RegionOpt = None,
    scenario: ScenarioOpt = None,
    out: OutOpt = Path("top50"),
    shortlist_size: Annotated[int, typer.Option(min=1, help="Most per area shortlist.")] = 10,
    min_mw: Annotated[float, typer.Option(help="Smallest large connection, MW.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Seed of the generated connections.")] = 20260226,
) -> None:
    """Rank large connections per bottleneck; shortlist per area; the top 50."""
    from netruimte.atomic import staged_dir
    from netruimte.market.large_connections import derive_large_connections
    from netruimte.market.top50 import rank_connections, shortlist, top50
    from netruimte.pipeline import design_year_indices

    if min_mw <= 0:
        raise InputError("must be more than 0", column="--min-mw")
    result = _run(region, scenario)
    design = design_year_indices(result.scenario, result.cube.weather_labels)
    conns = derive_large_connections(result.region, result.library, result.admission, seed, min_mw)
    ranking = rank_connections(
        result.region, result.cube, result.library, conns, design, shortlist_size
    )
    best = top50(ranking)
    with staged_dir(out) as stage:
        conns.to_csv(stage / "large_connections.csv", index=False)
        ranking.to_csv(stage / "top50_ranking.csv", index=False)
        shortlist(ranking).to_csv(stage / "top50_shortlist.csv", index=False)
        best.to_csv(stage / "top50.csv", index=False)
    table = Table(
        title=f"top 50 of {len(conns)} large connections ({int(conns.generated.sum())} generated)"
    )
    for col in (
        "#",
        "connection",
        "bottleneck",
        "dir",
        "sector",
        "peak MW",
        "coincidence",
        "relief MW",
        "€/MW·yr",
    ):
        table.add_column(col, justify="right")
    for r in best.head(20).itertuples():
        table.add_row(
            str(r.top_rank),
            r.connection_id,
            r.bottleneck_area,
            r.direction,
            r.sector,
            f"{r.peak_mw:,.1f}",
            f"{r.coincidence:.2f}",
            f"{r.relief_at_peak_mw:,.2f}",
            f"{r.cost_eur_per_mw_yr:,.0f}",
        )
    console.print(table)
    console.print(
        f"[green]wrote[/] {out}/top50.csv, top50_ranking.csv, top50_shortlist.csv, "
        "large_connections.csv"
    )
