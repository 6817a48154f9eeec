"""Optional stages of the main job, run after the core in this order.

Each stage is `fn(result: RunResult, progress: Progress) -> None`. It adds tables to
`result.extra` (written as `<name>.csv`), report blocks to `result.sections` (title, html) and
headline numbers to `result.extra_summary`. A capability plugs into `netruimte run` by adding
one line here; the core never imports the stages.
"""

from __future__ import annotations

from collections.abc import Callable


def stages() -> list[tuple[str, Callable]]:
    """(name, stage function) in run order."""
    out: list[tuple[str, Callable]] = []
    from netruimte.measures.stage import measures_stage

    out.append(("measures", measures_stage))
    from netruimte.market.stage import market_stage

    out.append(("market: needs, tender, top-50, budget", market_stage))
    from netruimte.grid.stage import network_stage

    out.append(("network power flow", network_stage))
    from netruimte.flex.horizons import horizons_stage

    out.append(("monthly and day-ahead horizons", horizons_stage))
    return out
