"""Core commands: run, import capacity-map / measured-load, region generate / validate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from netruimte.cli import app, import_app
from netruimte.cli.ui import RichProgress, console
from netruimte.errors import InputError

region_app = typer.Typer(help="Make and check region folders.", no_args_is_help=True)
app.add_typer(region_app, name="region")

RegionOpt = Annotated[
    Path | None,
    typer.Option("--region", "-r", help="Region folder; default: the embedded default region."),
]


def load_region(path: Path | None):
    """The region at `path`, or the embedded default region."""
    from netruimte.region.default import packaged_default_region_path
    from netruimte.region.folder import read_region

    return read_region(path if path is not None else packaged_default_region_path())


@app.command()
def version() -> None:
    """Print the version."""
    from netruimte import __version__

    print(__version__)


@app.command()
def run(
    region: RegionOpt = None,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", "-s", help="Scenario TOML file.")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("out"),
) -> None:
    """Run the main job: load cube, congestion, flex expectation, queue admission, report."""
    from netruimte.pipeline import compute, write_outputs
    from netruimte.scenario import read_scenario

    reg = load_region(region)
    scen = read_scenario(scenario)
    with RichProgress() as progress:
        result = compute(reg, scen, progress)
        write_outputs(result, out, progress)
    _print_summary(result)
    console.print(f"[green]wrote[/] {out}/report.html and tables")


def _print_summary(result) -> None:
    s = result.summary()
    table = Table(title=f"{s['region']} · {s['scenario']} · {s['target_year']}")
    table.add_column("what")
    table.add_column("value", justify="right")
    rows = [
        ("supply areas", f"{s['supply_areas']}"),
        ("congested, offtake", f"{s['supply_areas_congested_offtake']}"),
        ("congested, feed-in", f"{s['supply_areas_congested_feedin']}"),
        ("shortage MWh/yr offtake", f"{s['shortage_mwh_per_year_offtake']:,.0f}"),
        ("shortage MWh/yr feed-in", f"{s['shortage_mwh_per_year_feedin']:,.0f}"),
        ("queue requests / MW", f"{s['queue_requests']:,} / {s['queue_mw']:,.0f}"),
        ("admitted requests / MW", f"{s['admitted_requests']:,} / {s['admitted_mw']:,.0f}"),
        ("waiting requests / MW", f"{s['waiting_requests']:,} / {s['waiting_mw']:,.0f}"),
    ]
    for k, v in rows:
        table.add_row(k, v)
    console.print(table)


@import_app.command("capacity-map")
def import_capacity_map_cmd(
    files: Annotated[list[Path], typer.Argument(help="Per-operator capacity-map JSON files.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Region folder to write.")],
    name: Annotated[str | None, typer.Option(help="Region name.")] = None,
) -> None:
    """Import the Netbeheer Nederland capacity map (per-area JSON) as a region folder."""
    from netruimte.region.capacity_map import import_capacity_map
    from netruimte.region.folder import write_region

    region = import_capacity_map(list(files), name=name)
    write_region(region, out)
    table = Table(title=f"capacity map → {out}")
    for col in (
        "operator",
        "areas",
        "offtake queue MW",
        "offtake requests",
        "feed-in queue MW",
        "feed-in requests",
    ):
        table.add_column(col, justify="right" if col != "operator" else "left")
    g = region.areas.groupby("operator")
    for op, part in g:
        table.add_row(
            op,
            str(len(part)),
            f"{part.queue_offtake_mw.sum():,.1f}",
            f"{int(part.requests_offtake.sum()):,}",
            f"{part.queue_feedin_mw.sum():,.1f}",
            f"{int(part.requests_feedin.sum()):,}",
        )
    console.print(table)


@import_app.command("measured-load")
def import_measured_load_cmd(
    file: Annotated[Path, typer.Argument(help="CSV of timestamped load in MW.")],
    region: Annotated[Path, typer.Option("--region", "-r", help="Region folder to add it to.")],
    area: Annotated[str, typer.Option("--area", "-a", help="Area id the load belongs to.")],
    column: Annotated[str | None, typer.Option(help="Load column (default: auto).")] = None,
    time_column: Annotated[str | None, typer.Option(help="Time column (default: auto).")] = None,
    timezone: Annotated[str, typer.Option(help="Zone of timestamps without offset.")] = "UTC",
) -> None:
    """Add measured area load (e.g. OpenSTEF CSV) to a region as the area's base load."""
    import tomli_w

    from netruimte import atomic
    from netruimte.region.folder import read_region
    from netruimte.region.measured_load import read_measured_csv, write_measured_parquet

    reg = read_region(region)
    if area not in reg.areas.index:
        raise InputError(f"area {area!r} is not in the region", file=region, column="--area")
    measured = read_measured_csv(file, column, time_column, timezone)
    rel = f"measured/{_safe(area)}.parquet"
    write_measured_parquet(measured, region / rel)
    meta = reg.meta.model_copy(update={"measured_load": {**reg.meta.measured_load, area: rel}})
    atomic.write_text(
        region / "region.toml", tomli_w.dumps(meta.model_dump(mode="json", exclude_none=True))
    )
    s = measured.load_mw
    console.print(
        f"[green]added[/] {file} → {region / rel}: {s.index[0]} … {s.index[-1]} UTC, "
        f"{s.notna().sum():,} of {len(s):,} quarter-hours ({measured.coverage:.1%})"
    )
    if measured.gaps:
        table = Table(title=f"{len(measured.gaps)} gaps")
        for col in ("start (UTC)", "end (UTC)", "quarter-hours", "kind"):
            table.add_column(col)
        for g in measured.gaps[:30]:
            table.add_row(str(g.start), str(g.end), str(g.steps), g.kind)
        console.print(table)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


@region_app.command("generate")
def region_generate(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write.")],
    seed: Annotated[int, typer.Option(help="Random seed.")] = 20260226,
    areas: Annotated[int, typer.Option(help="Number of supply areas.", min=3, max=256)] = 48,
) -> None:
    """Generate a synthetic region like the embedded default (deterministic per seed)."""
    from netruimte.region.default import generate_default_region
    from netruimte.region.folder import write_region

    write_region(generate_default_region(seed, areas), out)
    console.print(f"[green]wrote[/] {out}")


@region_app.command("national")
def region_national(
    capacity_map: Annotated[
        Path,
        typer.Option(
            "--capacity-map", help="Folder with the per-operator capacity-map JSON files."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Region folder to write.")],
    seed: Annotated[int, typer.Option(help="Seed of the generated parts.")] = 2026,
) -> None:
    """Build the national region: the real capacity map, completed and calibrated."""
    from netruimte import atomic
    from netruimte.region.folder import write_region
    from netruimte.region.national import build_national_region, capacity_map_files

    region, provenance = build_national_region(capacity_map_files(capacity_map), seed)
    write_region(region, out)
    atomic.write_text(out / "provenance.csv", provenance.to_csv(index=False))
    s = region.summary()
    console.print(
        f"[green]wrote[/] {out}: {s['areas']} areas, {s['queue_requests']:,} requests, "
        f"{s['queue_offtake_mw']:,.0f} MW offtake and {s['queue_feedin_mw']:,.0f} MW "
        f"feed-in waiting; origins in provenance.csv"
    )


@region_app.command("validate")
def region_validate(folder: Annotated[Path, typer.Argument(help="Region folder.")]) -> None:
    """Check a region folder and print what it holds."""
    reg = load_region(folder)
    table = Table(title=f"{folder}: valid")
    table.add_column("what")
    table.add_column("value", justify="right")
    for k, v in reg.summary().items():
        table.add_row(k, str(v))
    console.print(table)
