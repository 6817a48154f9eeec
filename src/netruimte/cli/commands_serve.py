"""Service commands: `netruimte serve` and the operator's `netruimte token ...`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from netruimte.cli import app
from netruimte.cli.ui import RichProgress, console
from netruimte.errors import InputError

token_app = typer.Typer(help="Bearer tokens for bidders and operators.", no_args_is_help=True)
app.add_typer(token_app, name="token")

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL: sqlite:///FILE (default sqlite:///netruimte.db, or "
        "NETRUIMTE_DB_URL) or postgresql://USER:PASSWORD@HOST/DB.",
    ),
]


def _database(url: str | None):
    from netruimte.store.db import Database
    from netruimte.store.errors import StoreError

    try:
        return Database.connect(url)
    except InputError:
        raise
    except StoreError as exc:
        raise InputError(exc.message, column="--db") from exc
    except Exception as exc:  # a server that refuses or a file that cannot be opened
        raise InputError(f"cannot open the database: {exc}", column="--db") from exc


@app.command()
def serve(
    region: Annotated[
        Path | None,
        typer.Option("--region", "-r", help="Region folder; default: the embedded region."),
    ] = None,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", "-s", help="Scenario TOML file.")
    ] = None,
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = False,
    stages: Annotated[
        bool,
        typer.Option(
            help="Also run the optional stages of the main job (measures, market) at start-up; "
            "the API serves the core (flex expectation, queue) either way."
        ),
    ] = False,
) -> None:
    """Serve the API, the map and the tenders: computes the run once, then listens."""
    import uvicorn

    from netruimte.api import create_app
    from netruimte.api.readmodel import add_short_horizons, build_read_model
    from netruimte.cli.commands_core import load_region
    from netruimte.pipeline import compute
    from netruimte.scenario import read_scenario

    database = _database(db)
    reg = load_region(region)
    scen = read_scenario(scenario)
    with RichProgress() as progress:
        result = compute(reg, scen, progress, run_stages=stages)
        add_short_horizons(result, progress)
        progress.step("rendering responses")
        data = build_read_model(result)
    api = create_app(data, database)
    import gc

    gc.collect()
    gc.freeze()  # the run's objects live as long as the server: keep them out of GC passes
    console.print(
        f"[green]serving[/] {data.region_name} ({len(data.areas)} areas, "
        f"{database.engine.dialect.name} store) on http://{host}:{port}/  "
        f"· API spec http://{host}:{port}/api/openapi.json"
    )
    uvicorn.run(api, host=host, port=port, access_log=access_log, log_level="info")


@token_app.command("create")
def token_create(
    party: Annotated[str, typer.Argument(help="Party name (made when new).")],
    role: Annotated[str, typer.Option(help="bidder or operator.")] = "bidder",
    label: Annotated[str | None, typer.Option(help="A note on what the token is for.")] = None,
    db: DbOpt = None,
) -> None:
    """Make a bearer token for a party; it is printed once and stored only as a hash."""
    from netruimte.store import CLI
    from netruimte.store.errors import NotFound, StoreError
    from netruimte.store.parties import create_party, issue_token, party_by_name

    if role not in ("bidder", "operator"):
        raise InputError(f"role must be 'bidder' or 'operator', not {role!r}", column="--role")
    database = _database(db)
    now = datetime.now(UTC)
    try:
        with database.writing() as s:
            try:
                found = party_by_name(s, party)
            except NotFound:
                found = create_party(s, CLI, party, role, now)
            if found.role != role:
                raise InputError(
                    f"party {party!r} exists with role {found.role!r}, not {role!r}",
                    column="--role",
                )
            token = issue_token(s, CLI, found, now, label)
    except StoreError as exc:
        raise InputError(exc.message, column="party") from exc
    console.print(f"[green]token for[/] {party} ({role}); store it now, it is not shown again:")
    print(token)


@token_app.command("list")
def token_list(db: DbOpt = None) -> None:
    """List tokens (key id, party, role, created, revoked); never the secrets."""
    from netruimte.store.parties import list_tokens

    database = _database(db)
    with database.reading() as s:
        rows = list_tokens(s)
    table = Table(title=f"{len(rows)} tokens")
    for col in ("key id", "party", "role", "label", "created (UTC)", "revoked (UTC)"):
        table.add_column(col)
    for t, p in rows:
        table.add_row(
            t.id,
            p.name,
            p.role,
            t.label or "",
            f"{t.created_at:%Y-%m-%d %H:%M}",
            "" if t.revoked_at is None else f"{t.revoked_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    key_id: Annotated[str, typer.Argument(help="The key id (second part of the token).")],
    db: DbOpt = None,
) -> None:
    """Revoke a token at once."""
    from netruimte.store import CLI
    from netruimte.store.errors import StoreError
    from netruimte.store.parties import revoke_token

    database = _database(db)
    try:
        with database.writing() as s:
            revoke_token(s, CLI, key_id, datetime.now(UTC))
    except StoreError as exc:
        raise InputError(exc.message, column="key_id") from exc
    console.print(f"[green]revoked[/] {key_id}")
