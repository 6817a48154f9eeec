"""The `netruimte` command. Each command group lives in its own module and registers on `app`."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from netruimte.errors import InputError

app = typer.Typer(
    name="netruimte",
    help="Free room on a congested electricity grid: flex expectation, measures, queue.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
import_app = typer.Typer(help="Import real data into a region folder.", no_args_is_help=True)
app.add_typer(import_app, name="import")

err_console = Console(stderr=True)


def main() -> None:
    """Entry point: user errors print one clear message and exit 2, never a traceback."""
    try:
        app(standalone_mode=False)
    except InputError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except Exception as exc:  # click usage errors carry their own exit code
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(2 if exc.exit_code == 1 else exc.exit_code)
        raise


# Command modules register themselves on `app` / `import_app` when imported.
import netruimte.cli.commands_core  # noqa: E402
import netruimte.cli.commands_forecast  # noqa: E402
import netruimte.cli.commands_grid  # noqa: E402
import netruimte.cli.commands_impact  # noqa: E402
import netruimte.cli.commands_market  # noqa: E402
import netruimte.cli.commands_measures  # noqa: E402
import netruimte.cli.commands_serve  # noqa: E402,F401 (ruff flags only the last)
