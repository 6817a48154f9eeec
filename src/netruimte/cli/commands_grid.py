"""Network commands: `import grid` (power-grid-model JSON or SimBench) and `quickscan`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.table import Table

from netruimte.cli import app, import_app
from netruimte.cli.ui import console
from netruimte.errors import InputError


@import_app.command("grid")
def import_grid_cmd(
    region: Annotated[Path, typer.Option("--region", "-r", help="Region folder to add it to.")],
    area: Annotated[str, typer.Option("--area", "-a", help="Area id the network belongs to.")],
    pgm_json: Annotated[
        Path | None, typer.Option("--pgm-json", help="power-grid-model input JSON file.")
    ] = None,
    profiles: Annotated[
        Path | None,
        typer.Option(help="Parquet profiles for --pgm-json (time_utc, p_mw:<id>, q_mvar:<id>)."),
    ] = None,
    simbench: Annotated[
        str | None,
        typer.Option(help="SimBench code, e.g. 1-MV-rural--0-sw (needs netruimte[simbench])."),
    ] = None,
) -> None:
    """Add an area's network model (and its year of profiles) to a region folder."""
    from netruimte.grid.area import save_area_network
    from netruimte.grid.checks import check_model
    from netruimte.grid.pgm_json import read_pgm_json, read_profiles

    if (pgm_json is None) == (simbench is None):
        raise InputError("give exactly one of --pgm-json FILE or --simbench CODE")
    if simbench is not None:
        from netruimte.grid.simbench_import import load_simbench

        model = load_simbench(simbench).model
    else:
        model = read_pgm_json(pgm_json, name=area)
        if profiles is not None:
            model.profiles = read_profiles(profiles)
    model.name = area
    check_model(model)
    written = save_area_network(region, area, model)
    steps = model.profiles.n_steps if model.profiles is not None else 0
    console.print(
        f"[green]network[/] {area}: {len(model.node_ids)} nodes, "
        f"{sum(model.count(c) for c in _branches())} branches, {steps} profile steps → "
        + ", ".join(str(p) for p in written)
    )


def _branches():
    from netruimte.grid.model import BRANCH_COMPONENTS

    return BRANCH_COMPONENTS


def _read_request_shape(path: Path, n_steps: int) -> np.ndarray:
    """One numeric column (CSV or Parquet; 'p_mw' if present) of n_steps values."""
    import pandas as pd

    try:
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except Exception as exc:
        raise InputError(f"cannot read request profile: {exc}", file=path) from exc
    numeric = frame.select_dtypes("number")
    if "p_mw" in frame:
        values = frame["p_mw"].to_numpy(float)
    elif numeric.shape[1] == 1:
        values = numeric.iloc[:, 0].to_numpy(float)
    else:
        raise InputError("needs one numeric column (or one named 'p_mw')", file=path)
    if len(values) != n_steps:
        raise InputError(
            f"has {len(values)} values; the network's year has {n_steps} steps", file=path
        )
    return values


@app.command()
def quickscan(
    node: Annotated[int, typer.Option("--node", "-n", help="Node id of the new connection.")],
    mw: Annotated[float, typer.Option("--mw", help="Size of the request in MW.")],
    region: Annotated[
        Path | None, typer.Option("--region", "-r", help="Region folder with networks/.")
    ] = None,
    area: Annotated[str | None, typer.Option("--area", "-a", help="Area id.")] = None,
    simbench: Annotated[
        str | None, typer.Option(help="Use a SimBench grid instead of a region's network.")
    ] = None,
    profile: Annotated[
        Path | None,
        typer.Option(help="CSV/Parquet shape (one value per step), multiplied by --mw."),
    ] = None,
    feed_in: Annotated[bool, typer.Option("--feed-in", help="The request feeds in.")] = False,
    power_factor: Annotated[float, typer.Option(help="cos φ of the request.")] = 1.0,
    top: Annotated[int, typer.Option(help="Assets to list.")] = 8,
) -> None:
    """What a new request of X MW at a node does to worst loading and congestion, for a year."""
    from netruimte.grid.quickscan import Quickscan

    if simbench is not None:
        from netruimte.grid.simbench_import import load_simbench

        model = load_simbench(simbench).model
    elif region is not None and area is not None:
        from netruimte.grid.area import load_area_network

        model = load_area_network(region, area)
    else:
        raise InputError("give --region and --area, or --simbench CODE")
    scanner = Quickscan(model)
    n_t = scanner.profiles.n_steps
    shape = _read_request_shape(profile, n_t) if profile is not None else np.ones(n_t)
    request = shape * mw * (-1.0 if feed_in else 1.0)
    res = scanner.scan(node, request, power_factor=power_factor)

    table = Table(title=f"quickscan {model.name}: {mw:g} MW at node {node}")
    for col in ("what", "before", "after"):
        table.add_column(col, justify="left" if col == "what" else "right")
    table.add_row(
        "worst loading", f"{res.worst_loading_before:.1%}", f"{res.worst_loading_after:.1%}"
    )
    table.add_row(
        "lowest voltage, pu",
        f"{res.voltage['u_min_before_pu']:.4f}",
        f"{res.voltage['u_min_after_pu']:.4f}",
    )
    table.add_row(
        "highest voltage, pu",
        f"{res.voltage['u_max_before_pu']:.4f}",
        f"{res.voltage['u_max_after_pu']:.4f}",
    )
    for direction in ("offtake", "feedin"):
        b, a = res.before[direction], res.after[direction]
        label = "offtake" if direction == "offtake" else "feed-in"
        table.add_row(f"{label}: congested hours", f"{b.hours:,.2f}", f"{a.hours:,.2f}")
        table.add_row(f"{label}: events", f"{b.events}", f"{a.events}")
        table.add_row(
            f"{label}: longest event h", f"{b.longest_event_h:g}", f"{a.longest_event_h:g}"
        )
        table.add_row(f"{label}: peak shortage MW", f"{b.max_mw:.3f}", f"{a.max_mw:.3f}")
        table.add_row(f"{label}: shortage MWh", f"{b.mwh:,.1f}", f"{a.mwh:,.1f}")
    console.print(table)

    assets = res.assets.assign(change=res.assets.worst_after - res.assets.worst_before)
    assets = assets.reindex(assets["change"].abs().sort_values(ascending=False).index).head(top)
    detail = Table(title="assets most affected (worst loading in the year)")
    for col in ("asset", "kind", "before", "after"):
        detail.add_column(col, justify="left" if col in ("asset", "kind") else "right")
    for row in assets.itertuples():
        label = f"{row.name} (id {row.asset_id})" if row.name else f"id {row.asset_id}"
        detail.add_row(label, row.kind, f"{row.worst_before:.1%}", f"{row.worst_after:.1%}")
    console.print(detail)
    console.print(
        f"solved {res.steps_solved:,} of {res.n_steps:,} steps exactly in {res.seconds:.2f} s; "
        "the others were screened out by a conservative sensitivity band"
    )
