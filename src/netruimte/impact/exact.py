"""The exact path for one set of breakthroughs: the framework's measures and the full engine.

Used to validate the surrogate (tests, benchmarks): the picture of the set is built with
measures/framework.py (risk appetite with all its options, prognoses, flex as the norm,
contracts) and its counted flex is replaced by the same flex table the surrogate uses (booked,
tendered, top-50 and budget flex, scaled by the enabler), so both paths see identical inputs;
then queue/engine.py admits the whole queue on every candidate step.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from netruimte.impact import players as P
from netruimte.impact.flexsets import N_FLEX
from netruimte.measures import framework
from netruimte.measures.picture import FlexCover, Picture, base_picture
from netruimte.queue.engine import run_admission

FRAMEWORK = {
    "risk_appetite": "risk_appetite",
    "prognosis": "prognosis",
    "flex_norm": "flex_norm",
    "contracts": "contracts",
}


def exact_admission(
    pic: Picture,
    mask: int,
    measures,
    flex_mw: np.ndarray,
    flex_hours: np.ndarray,
    design_kinds: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """The exact admission table of one set on the base picture `pic`.

    flex_mw / flex_hours: (A, 2) counted flex of the set (from the surrogate's flex table);
    design_kinds: the weather kinds risk appetite designs for (default: the scenario's).
    """
    names = [FRAMEWORK[n] for n in P.members(mask) if n in FRAMEWORK]
    m = measures
    if design_kinds is not None:
        ra = m.risk_appetite.model_copy(
            update={
                "design_weather": m.risk_appetite.design_weather.model_copy(
                    update={"kinds": list(design_kinds)}
                )
            }
        )
        m = m.model_copy(update={"risk_appetite": ra})
    out = framework.apply_set(pic, names, m)
    flex = FlexCover(
        np.asarray(flex_mw, float),
        np.asarray(flex_hours, float),
        np.zeros_like(flex_mw, dtype=float),
        np.zeros_like(flex_mw, dtype=float),
    )
    out = replace(out, flex=flex)
    problem = replace(out.problem(), reasons=False)
    ordered, outcome = run_admission(problem)
    return outcome.frame(ordered)


def flex_of_set(data, f_table: np.ndarray, h_table: np.ndarray, sample: int, mask: int):
    """(A, 2) counted flex MW and hours of one set from the surrogate's flex tables."""
    fc = P.flex_combo(mask)
    row = sample * N_FLEX + fc
    f = f_table[row].reshape(-1, 2)
    levels = data.hours_levels
    idx = h_table[row].reshape(-1, 2)
    hours = np.where(idx >= 0, levels[np.maximum(idx, 0)] if len(levels) else np.inf, np.inf)
    return f, hours


def exact_values(
    region,
    scenario,
    lib,
    cube,
    design_years: list[int],
    masks: list[int],
    flex_for_mask,
    design_kinds: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Admitted MW and requests per direction for each mask on the exact path."""
    pic = base_picture(region, scenario, cube, lib, design_years)
    rows = []
    for mask in masks:
        f, h = flex_for_mask(mask)
        adm = exact_admission(pic, mask, scenario.measures, f, h, design_kinds)
        got = adm[adm["outcome"] == "admitted"]
        rows.append(
            {
                "mask": mask,
                "members": " + ".join(P.members(mask)) or "(none)",
                "mw_offtake": float(got.loc[got["direction"] == "offtake", "mw"].sum()),
                "mw_feedin": float(got.loc[got["direction"] == "feedin", "mw"].sum()),
                "requests": len(got),
            }
        )
    return pd.DataFrame(rows)
