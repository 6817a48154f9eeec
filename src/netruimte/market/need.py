"""The operator's published need per area: MW per time block, with activations and durations.

Derived from the flex expectation's shortage arrays: the year is cut into cells of local month
× day type (workday / non-workday) × hour; a cell's need is the largest shortage in it over
the design weather years (rounded up to `mw_resolution`). Runs of hours with equal need are
merged into blocks, and equal blocks in consecutive months into one. Each block carries what a
provider must know: expected congested hours and MWh per year (mean over all weather years),
the activations per year it sees (events touching it, worst design year) and the longest such
event. A block's MW is required throughout its window, as in a CBC tender.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from netruimte.congestion.shortage import shortage_mw
from netruimte.market.windows import Window, year_grid
from netruimte.timeaxis import STEP_H, local_calendar

Direction = Literal["offtake", "feedin"]


class NeedBlock(BaseModel):
    """MW needed throughout a window, and how often and how long it is expected to be called."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    window: Window
    mw: float = Field(gt=0, description="MW that must be available throughout the window.")
    expected_hours_per_year: float = Field(0.0, ge=0, description="Congested hours, mean.")
    expected_mwh_per_year: float = Field(0.0, ge=0, description="Shortage energy, mean.")
    activations_per_year: int = Field(0, ge=0, description="Events touching it, worst year.")
    max_duration_h: float = Field(0.0, ge=0, description="Longest event touching it.")


class Need(BaseModel):
    """The published need of one area and direction for one delivery year."""

    model_config = ConfigDict(extra="forbid")

    area_id: str = Field(min_length=1)
    direction: Direction
    year: int = Field(ge=2000, le=2100)
    reliability: float = Field(
        1.0,
        gt=0,
        le=1,
        description="Share of the expected congested hours whose blocks must be covered.",
    )
    blocks: list[NeedBlock] = Field(default_factory=list)
    relieving_area_ids: list[str] = Field(
        default_factory=list,
        description="Further areas whose flex relieves this one (e.g. a TenneT area's children).",
    )
    max_activations_per_year: int = Field(0, ge=0)
    max_duration_h: float = Field(0.0, ge=0)
    weather_years: list[str] = Field(default_factory=list)
    design_weather_years: list[str] = Field(default_factory=list)
    notice: str = "day-ahead"
    source: str = ""

    @model_validator(mode="after")
    def _blocks_fit(self) -> Need:
        for i, b in enumerate(self.blocks):
            why = b.window.outside_year(self.year)
            if why:
                raise ValueError(f"block {i}: {why}")
        if len(self.blocks) > 1:
            cells = year_grid(self.year).windows_cells([[b.window] for b in self.blocks])
            count = cells.sum(axis=0)
            if (count > 1).any():
                c = int(np.flatnonzero(count > 1)[0])
                i, j = np.flatnonzero(cells[:, c])[:2]
                raise ValueError(
                    f"blocks {i} and {j} overlap ({self.blocks[i].window} and "
                    f"{self.blocks[j].window})"
                )
        return self

    @property
    def areas(self) -> list[str]:
        """Areas whose flex counts for this need."""
        return [self.area_id, *[a for a in self.relieving_area_ids if a != self.area_id]]

    @property
    def key(self) -> str:
        return f"{self.area_id}/{self.direction}"

    @property
    def expected_hours_per_year(self) -> float:
        return float(sum(b.expected_hours_per_year for b in self.blocks))

    @property
    def peak_mw(self) -> float:
        return max((b.mw for b in self.blocks), default=0.0)


RELIEVES: dict[str, Direction] = {
    "less_offtake": "offtake",
    "more_feedin": "offtake",
    "more_offtake": "feedin",
    "less_feedin": "feedin",
}


# ---------------------------------------------------------------------------------------------
# derivation from shortage arrays

N_TEMPLATE = 12 * 2 * 24  # month × day type × hour


def _template_cell(axis: pd.DatetimeIndex) -> np.ndarray:
    """(T,) index of each step's month × day type × hour cell (local clock)."""
    cal = local_calendar(axis)
    dt = (~cal.is_workday).astype(np.int64)  # 0 workday, 1 non-workday
    return ((cal.month.astype(np.int64) - 1) * 2 + dt) * 24 + cal.hour.astype(np.int64)


def _merge_blocks(cell_mw: np.ndarray, year: int) -> tuple[list[tuple[Window, float]], np.ndarray]:
    """Blocks (window, MW) from the (12, 2, 24) cell needs, and the block id of each cell."""
    mw = cell_mw.reshape(12, 2, 24)
    runs: dict[tuple[int, int], list[tuple[int, int, float]]] = {}
    for m in range(12):  # 24 small loops over a (12, 2, 24) table; not over time steps
        for d in range(2):
            row = mw[m, d]
            h = 0
            out = []
            while h < 24:
                if row[h] <= 0:
                    h += 1
                    continue
                e = h + 1
                while e < 24 and row[e] == row[h]:
                    e += 1
                out.append((h, e, float(row[h])))
                h = e
            runs[(m, d)] = out
    blocks: list[tuple[Window, float]] = []
    block_of_cell = np.full((12, 2, 24), -1, dtype=np.int64)
    for d in range(2):
        open_runs: dict[tuple[int, int, float], int] = {}  # run -> first month
        for m in range(13):
            current = set(runs[(m, d)]) if m < 12 else set()
            for run in list(open_runs):
                if run not in current:
                    m0 = open_runs.pop(run)
                    blocks.append((_window(year, m0, m - 1, d, run[0], run[1]), run[2]))
                    block_of_cell[m0:m, d, run[0] : run[1]] = len(blocks) - 1
            for run in current:
                open_runs.setdefault(run, m)
    return blocks, block_of_cell.reshape(-1)


def _window(year: int, m0: int, m1: int, d: int, h0: int, h1: int) -> Window:
    last = calendar.monthrange(year, m1 + 1)[1]
    return Window(
        start=date(year, m0 + 1, 1),
        end=date(year, m1 + 1, last),
        days="workday" if d == 0 else "non-workday",
        from_hour=h0,
        to_hour=h1,
    )


def _event_ids(congested: np.ndarray) -> np.ndarray:
    """(W, T) int64 event number per congested step (runs within a year), −1 elsewhere."""
    w_n, t_n = congested.shape
    flat = congested.reshape(-1)
    starts = flat.copy()
    starts[1:] &= ~flat[:-1]
    starts.reshape(w_n, t_n)[:, 0] = congested[:, 0]
    ids = np.cumsum(starts) - 1
    return np.where(flat, ids, -1).reshape(w_n, t_n)


def derive_need(
    shortage_mw_wt: np.ndarray,
    axis: pd.DatetimeIndex,
    area_id: str,
    direction: Direction,
    weather_labels: tuple[str, ...] | list[str],
    design_years: list[int] | None = None,
    reliability: float = 1.0,
    mw_resolution: float = 0.1,
    relieving_area_ids: list[str] | None = None,
) -> Need:
    """The need of one area and direction from its shortage S[w, t] (MW, ≥ 0) on a year axis."""
    w_n, t_n = shortage_mw_wt.shape
    if t_n != len(axis):
        raise ValueError(f"shortage has {t_n} steps but the axis {len(axis)}")
    year = int(axis[0].year)
    design = list(range(w_n)) if not design_years else list(design_years)
    s = np.asarray(shortage_mw_wt, dtype=np.float64)
    cell = _template_cell(axis)
    peak_design = s[design].max(axis=0)
    cell_mw = np.zeros(N_TEMPLATE)
    np.maximum.at(cell_mw, cell, peak_design)
    cell_mw = np.ceil(cell_mw / mw_resolution - 1e-9) * mw_resolution
    cell_mw = np.round(cell_mw, 6)
    windows, block_of_cell = _merge_blocks(cell_mw, year)
    n_b = len(windows)
    block_of_step = block_of_cell[cell]  # (T,)
    congested = s > 0
    hours = np.zeros(n_b)
    mwh = np.zeros(n_b)
    acts = np.zeros(n_b, dtype=np.int64)
    longest = np.zeros(n_b)
    need_acts, need_longest = 0, 0.0
    if n_b and congested.any():
        wi, ti = np.nonzero(congested)
        bi = block_of_step[ti]
        inside = bi >= 0
        hours = np.bincount(bi[inside], minlength=n_b) * STEP_H / w_n
        mwh = np.bincount(bi[inside], weights=s[wi, ti][inside], minlength=n_b) * STEP_H / w_n
        ev = _event_ids(congested)
        n_ev = int(ev.max()) + 1
        ev_len = np.bincount(ev[congested], minlength=n_ev) * STEP_H
        ev_year = np.zeros(n_ev, dtype=np.int64)
        ev_year[ev[wi, ti]] = wi
        in_design = np.isin(ev_year, design)
        pair = np.unique(bi[inside] * n_ev + ev[wi, ti][inside])
        pb, pe = pair // n_ev, pair % n_ev
        keep = in_design[pe]
        per_year = np.zeros((w_n, n_b), dtype=np.int64)
        np.add.at(per_year, (ev_year[pe[keep]], pb[keep]), 1)
        acts = per_year.max(axis=0)
        np.maximum.at(longest, pb[keep], ev_len[pe[keep]])
        counts = np.bincount(ev_year[in_design], minlength=w_n)
        need_acts = int(counts.max()) if len(counts) else 0
        need_longest = float(ev_len[in_design].max()) if in_design.any() else 0.0
    blocks = [
        NeedBlock(
            window=win,
            mw=mw,
            expected_hours_per_year=round(float(hours[i]), 4),
            expected_mwh_per_year=round(float(mwh[i]), 4),
            activations_per_year=int(acts[i]),
            max_duration_h=float(longest[i]),
        )
        for i, (win, mw) in enumerate(windows)
    ]
    labels = list(weather_labels)
    return Need(
        area_id=area_id,
        direction=direction,
        year=year,
        reliability=reliability,
        blocks=blocks,
        relieving_area_ids=list(relieving_area_ids or []),
        max_activations_per_year=need_acts,
        max_duration_h=need_longest,
        weather_years=labels,
        design_weather_years=[labels[i] for i in design],
        source="netruimte flex expectation (shortage of the load cube)",
    )


def needs_from_cube(
    load_mw: np.ndarray,
    capacity_offtake_mw: np.ndarray,
    capacity_feedin_mw: np.ndarray,
    axis: pd.DatetimeIndex,
    area_ids: list[str],
    weather_labels: tuple[str, ...],
    design_years: list[int] | None = None,
    areas: list[str] | None = None,
    children: dict[str, list[str]] | None = None,
    reliability: float = 1.0,
    mw_resolution: float = 0.1,
) -> list[Need]:
    """Needs of every congested area and direction of a load cube (W, T, A)."""
    pos = {a: i for i, a in enumerate(area_ids)}
    chosen = area_ids if areas is None else areas
    out = []
    for direction, cap in (("offtake", capacity_offtake_mw), ("feedin", capacity_feedin_mw)):
        for area in chosen:  # per area; each derivation is vectorised over (W, T)
            a = pos[area]
            if not np.isfinite(cap[a]):
                continue
            s = shortage_mw(load_mw[:, :, a], np.asarray(cap[a]), direction)
            if not (s > 0).any():
                continue
            need = derive_need(
                s,
                axis,
                area,
                direction,  # type: ignore[arg-type]
                weather_labels,
                design_years,
                reliability,
                mw_resolution,
                (children or {}).get(area, []),
            )
            if need.blocks:
                out.append(need)
    return out


def need_frame(needs: list[Need]) -> pd.DataFrame:
    """The published needs as one table, one row per block (what the operator publishes)."""
    rows = []
    for n in needs:
        for i, b in enumerate(n.blocks):
            rows.append(
                {
                    "area_id": n.area_id,
                    "direction": n.direction,
                    "year": n.year,
                    "block": i,
                    "window": str(b.window),
                    "mw": b.mw,
                    "expected_hours_per_year": b.expected_hours_per_year,
                    "expected_mwh_per_year": b.expected_mwh_per_year,
                    "activations_per_year": b.activations_per_year,
                    "max_duration_h": b.max_duration_h,
                    "reliability": n.reliability,
                }
            )
    cols = [
        "area_id",
        "direction",
        "year",
        "block",
        "window",
        "mw",
        "expected_hours_per_year",
        "expected_mwh_per_year",
        "activations_per_year",
        "max_duration_h",
        "reliability",
    ]
    return pd.DataFrame(rows, columns=cols)
