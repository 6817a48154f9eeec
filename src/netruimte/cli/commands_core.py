"""Core commands: run, import, region generation and validation."""

from __future__ import annotations

from netruimte.cli import app


@app.command()
def version() -> None:
    """Print the version."""
    from netruimte import __version__

    print(__version__)
