"""Command: impact (the national roll-up of the eight breakthroughs, with uncertainty)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from netruimte.cli import app
from netruimte.cli.commands_core import RegionOpt, load_region
from netruimte.cli.ui import RichProgress, console
from netruimte.errors import InputError


def _years(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        return [int(y) for y in text.split(",") if y.strip()]
    except ValueError:
        raise InputError(f"--years {text!r}: give years like 2030,2035", column="--years") from None


@app.command("impact")
def impact_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("impact"),
    region: RegionOpt = None,
    capacity_map: Annotated[
        Path | None,
        typer.Option(
            "--capacity-map",
            help="Build the national region from this capacity-map folder (e.g. "
            "../shared/data/capacity-map) instead of reading --region.",
        ),
    ] = None,
    areas: Annotated[
        int | None,
        typer.Option(help="With --capacity-map: split supply areas until the region has N."),
    ] = None,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", "-s", help="Scenario TOML (measure values).")
    ] = None,
    params: Annotated[
        Path | None, typer.Option("--params", "-p", help="Impact parameters TOML.")
    ] = None,
    samples: Annotated[int | None, typer.Option(help="Monte Carlo samples per year.")] = None,
    years: Annotated[str | None, typer.Option(help="Target years, e.g. 2030,2035.")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the Monte Carlo samples.")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Run on a local Dask cluster of N worker processes.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Run on the Dask scheduler at this address.")
    ] = None,
    validate: Annotated[
        bool,
        typer.Option(
            "--validate",
            help="Also run the exact engine for the empty set, each breakthrough alone and "
            "all eight (central case, first year) and report the surrogate's error.",
        ),
    ] = False,
) -> None:
    """The national impact of the eight breakthroughs: MW and requests freed per
    breakthrough and together, attributed (Shapley), with Monte Carlo P10/P50/P90, beside
    the Aansluitoffensief estimates; map, chart, per-operator tables (docs/national.md)."""
    import resource

    from pydantic import ValidationError

    from netruimte.impact.distributed import dask_executor
    from netruimte.impact.outputs import write_outputs
    from netruimte.impact.params import ImpactParams, read_impact_params
    from netruimte.impact.rollup import LocalExecutor, run_impact
    from netruimte.scenario import read_scenario

    if region is not None and capacity_map is not None:
        raise InputError("give either --region or --capacity-map, not both", column="--region")
    if areas is not None and capacity_map is None:
        raise InputError("--areas needs --capacity-map", column="--areas")
    prm = read_impact_params(params)
    data = prm.model_dump()
    data["monte_carlo"] |= {
        k: v for k, v in {"samples": samples, "seed": seed}.items() if v is not None
    }
    if (ys := _years(years)) is not None:
        data["years"] = ys
    try:
        prm = ImpactParams.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(err["msg"], column=".".join(map(str, err["loc"]))) from None
    scen = read_scenario(scenario)
    t0 = time.perf_counter()
    if capacity_map is not None:
        from netruimte.region.national import (
            build_national_region,
            capacity_map_files,
            split_areas,
        )

        reg, prov = build_national_region(capacity_map_files(capacity_map))
        if areas is not None:
            reg, prov = split_areas(reg, prov, areas)
    else:
        reg = load_region(region)
    validation = None
    with RichProgress() as progress:
        if workers or scheduler:
            ctx = dask_executor(scheduler, workers)
        else:
            import contextlib

            ctx = contextlib.nullcontext(LocalExecutor())
        with ctx as executor:
            res = run_impact(reg, scen, prm, executor, progress)
            if validate:
                from netruimte.impact import players as P
                from netruimte.impact.validate import compare_sets

                masks = [0, *(1 << j for j in range(P.N_PLAYERS)), P.ALL]
                progress.step("validation: exact engine on 10 sets")
                validation = compare_sets(reg, scen, prm, prm.years[0], masks, executor)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    info = {"executor": res.executor, "seconds": round(seconds, 1), "peak_rss_mb": round(peak_mb)}
    write_outputs(res, out, info, validation)
    from netruimte.impact.analysis import comparison_table

    comp = comparison_table(res)
    table = Table(title=f"{reg.meta.name}: offtake GW freed (P10 / P50 / P90) vs Aansluitoffensief")
    for col in ("year", "item", "ours P10", "P50", "P90", "report", "report band"):
        table.add_column(col, justify="left" if col == "item" else "right")
    for r in comp.itertuples():
        table.add_row(
            str(r.year),
            r.item,
            f"{r.ours_p10_gw:.2f}",
            f"{r.ours_p50_gw:.2f}",
            f"{r.ours_p90_gw:.2f}",
            f"{r.reference_gw:.2f}",
            f"{r.reference_low_gw:.2f}–{r.reference_high_gw:.2f}",
        )
    console.print(table)
    console.print(_operator_table(res))
    console.print(
        f"[green]wrote[/] {out} ({res.executor}, {seconds:.0f} s, peak memory of this "
        f"process {peak_mb:,.0f} MB)"
    )


def _operator_table(res) -> Table:
    """Per operator and year: baseline admitted and offtake MW freed by all eight."""
    from netruimte.impact.analysis import operator_table

    ops = operator_table(res)
    table = Table(title="Offtake MW freed by all eight per operator (P10 / P50 / P90)")
    for col in ("year", "operator", "level", "baseline MW", "P10", "P50", "P90", "requests P50"):
        table.add_column(col, justify="left" if col in ("operator", "level") else "right")
    for r in ops.itertuples():
        table.add_row(
            str(r.year),
            str(r.operator),
            str(r.level),
            f"{r.baseline_mw_offtake:,.0f}",
            f"{r.freed_mw_p10:,.0f}",
            f"{r.freed_mw_p50:,.0f}",
            f"{r.freed_mw_p90:,.0f}",
            f"{r.freed_requests_p50:,.0f}",
        )
    return table
