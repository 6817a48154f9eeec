"""Forecast commands: `netruimte flexradar` (day-ahead P(congestion) from measured load)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import typer

from netruimte.atomic import write_text
from netruimte.cli import app
from netruimte.errors import InputError

PERFECT_WEATHER_NOTE = (
    "Weather columns for the target day are used as the weather forecast; a backtest that "
    "uses measured weather in their place treats it as a perfect forecast."
)


@app.command()
def flexradar(
    load: Path = typer.Option(..., "--load", help="Measured-load CSV (15 min, UTC) with weather."),
    date: str = typer.Option(..., "--date", help="Forecast day D (UTC), YYYY-MM-DD."),
    out: Path = typer.Option(Path("out"), "--out", help="Output folder."),
    capacity_mw: float = typer.Option(
        None, "--capacity-mw", help="Offtake capacity (MW): load above it is congestion."
    ),
    feedin_capacity_mw: float = typer.Option(
        None, "--feedin-capacity-mw", help="Feed-in capacity (MW, positive)."
    ),
    seed: int = typer.Option(20260601, "--seed", help="Random seed of the model."),
) -> None:
    """Day-ahead flexradar: P10..P90 per quarter-hour of D, P(congestion), expected shortage.

    Trains on the load up to D-1 06:00 UTC (the issue time) and writes
    flexradar_<name>_<date>.csv and .json into --out.
    """
    from netruimte.flex.forecast.data import read_measured_load
    from netruimte.flex.forecast.dayahead import day_ahead_flexradar
    from netruimte.flex.forecast.model import with_config

    if capacity_mw is None and feedin_capacity_mw is None:
        raise InputError("give --capacity-mw and/or --feedin-capacity-mw")
    for name, value in (("--capacity-mw", capacity_mw), ("--feedin-capacity-mw",
                                                         feedin_capacity_mw)):
        if value is not None and not np.isfinite(value):
            raise InputError(f"{name} must be a finite number of MW")
    series = read_measured_load(load)
    table, model = day_ahead_flexradar(
        series, date, capacity_mw, feedin_capacity_mw, config=with_config(seed=seed)
    )
    out.mkdir(parents=True, exist_ok=True)
    day = table.index[0].strftime("%Y-%m-%d")
    stem = out / f"flexradar_{series.meta.name}_{day}"

    csv_table = table.copy()
    csv_table.index = csv_table.index.strftime("%Y-%m-%dT%H:%M:%SZ")
    csv_table["time_local"] = table["time_local"].map(lambda t: t.isoformat())
    csv_table["issue_time_utc"] = table["issue_time_utc"].map(
        lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    csv_path = stem.with_suffix(".csv")
    write_text(csv_path, csv_table.to_csv(float_format="%.6g"))

    doc = {
        "series": series.meta.name,
        "source": str(load),
        "date_utc": day,
        "issue_time_utc": csv_table["issue_time_utc"].iloc[0],
        "capacity_mw": capacity_mw,
        "feedin_capacity_mw": feedin_capacity_mw,
        "note": PERFECT_WEATHER_NOTE,
        "model": {
            "train_rows": model.n_train_rows,
            "weather_shift_quarter_hours": model.weather_shift_steps,
            "calibration_scales": [round(float(s), 4) for s in model.scales],
            "seed": seed,
        },
        "summary": _summary(table),
        "steps": json.loads(csv_table.reset_index().to_json(orient="records", double_precision=6)),
    }
    json_path = stem.with_suffix(".json")
    write_text(json_path, json.dumps(doc, indent=1))
    summary = doc["summary"]
    typer.echo(f"wrote {csv_path} and {json_path}")
    for key, value in summary.items():
        typer.echo(f"  {key}: {value}")


def _summary(table: pd.DataFrame) -> dict[str, float]:
    """Day totals: expected congested hours and MWh short, peak probability."""
    out: dict[str, float] = {}
    for suffix, label in (("", "offtake"), ("_feedin", "feedin")):
        pcol = f"p_congestion{suffix}"
        scol = f"expected_shortage{suffix}_mw"
        if pcol in table:
            out[f"{label}_max_p_congestion"] = round(float(table[pcol].max()), 4)
            out[f"{label}_expected_congested_hours"] = round(float(table[pcol].sum() * 0.25), 3)
            out[f"{label}_expected_shortage_mwh"] = round(float(table[scol].sum() * 0.25), 3)
    return out
