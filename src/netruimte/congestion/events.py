"""Congestion events: maximal runs of quarter-hours with a shortage, extracted vectorised.

The work is proportional to the number of congested steps: one pass finds them, the rest is
done on that sparse set. An event is (series, start step, length, peak MW, MWh). With
`wrap=True` the year is cyclic (a typical year repeats), so a run over the year end is one
event that starts in late December; its length may carry past the last step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netruimte.timeaxis import STEP_H


@dataclass
class EventTable:
    """Events sorted by (series, start). `series` indexes the flattened leading axes."""

    series: np.ndarray  # int64
    start: np.ndarray  # int64, step of the first congested quarter-hour
    length: np.ndarray  # int64, number of steps
    peak_mw: np.ndarray  # float64
    energy_mwh: np.ndarray  # float64
    n_series: int
    n_steps: int
    step_h: float = STEP_H

    def __len__(self) -> int:
        return len(self.series)

    @property
    def duration_h(self) -> np.ndarray:
        return self.length * self.step_h

    @property
    def end(self) -> np.ndarray:
        """Exclusive end step; beyond n_steps for events that wrap over the year end."""
        return self.start + self.length

    def count_per_series(self) -> np.ndarray:
        return np.bincount(self.series, minlength=self.n_series)


@dataclass
class CongestedSteps:
    """The sparse set of congested steps, sorted by (series, time), with their shortage."""

    series: np.ndarray
    step: np.ndarray
    shortage_mw: np.ndarray
    n_series: int
    n_steps: int


def _events_from_steps(steps: CongestedSteps, step_h: float, wrap: bool) -> EventTable:
    s, t, v = steps.series, steps.step, steps.shortage_mw
    n = len(s)
    if n == 0:
        empty_i, empty_f = np.zeros(0, np.int64), np.zeros(0, np.float64)
        return EventTable(
            empty_i, empty_i, empty_i, empty_f, empty_f, steps.n_series, steps.n_steps, step_h
        )
    new = np.ones(n, dtype=bool)
    new[1:] = (s[1:] != s[:-1]) | (t[1:] != t[:-1] + 1)
    first = np.flatnonzero(new)
    bounds = np.r_[first, n]
    ev_series = s[first].astype(np.int64)
    ev_start = t[first].astype(np.int64)
    ev_len = np.diff(bounds).astype(np.int64)
    vals = v.astype(np.float64)
    ev_peak = np.maximum.reduceat(vals, first)
    ev_energy = np.add.reduceat(vals, first) * step_h
    table = EventTable(
        ev_series, ev_start, ev_len, ev_peak, ev_energy, steps.n_series, steps.n_steps, step_h
    )
    return _merge_year_end(table) if wrap else table


def _merge_year_end(ev: EventTable) -> EventTable:
    """Join each series' last event (ending at the year end) with its first (starting at 0)."""
    k = len(ev)
    is_first = np.ones(k, dtype=bool)
    is_first[1:] = ev.series[1:] != ev.series[:-1]
    is_last = np.ones(k, dtype=bool)
    is_last[:-1] = ev.series[:-1] != ev.series[1:]
    first_idx = np.flatnonzero(is_first)
    last_idx = np.flatnonzero(is_last)
    join = (ev.start[first_idx] == 0) & (ev.end[last_idx] == ev.n_steps) & (first_idx != last_idx)
    if not join.any():
        return ev
    f, la = first_idx[join], last_idx[join]
    length, peak, energy = ev.length.copy(), ev.peak_mw.copy(), ev.energy_mwh.copy()
    length[la] += ev.length[f]
    peak[la] = np.maximum(peak[la], ev.peak_mw[f])
    energy[la] += ev.energy_mwh[f]
    keep = np.ones(k, dtype=bool)
    keep[f] = False
    return EventTable(
        ev.series[keep],
        ev.start[keep],
        length[keep],
        peak[keep],
        energy[keep],
        ev.n_series,
        ev.n_steps,
        ev.step_h,
    )


def congested_steps_series(shortage: np.ndarray) -> CongestedSteps:
    """Congested steps of a (N, T) shortage array (time last)."""
    s2 = shortage.reshape(-1, shortage.shape[-1])
    s_idx, t_idx = np.nonzero(s2 > 0)
    return CongestedSteps(s_idx, t_idx, s2[s_idx, t_idx], s2.shape[0], s2.shape[1])


BLOCK_BYTES = 8 << 20  # time blocks of ~8 MB of cube stay in cache for both directions


def congested_steps_both(
    load_mw: np.ndarray, capacity_offtake_mw: np.ndarray, capacity_feedin_mw: np.ndarray
) -> dict[str, CongestedSteps]:
    """Congested steps of a load cube (W, T, A) in both directions, reading the cube once.

    The cube is walked in cache-sized blocks of time (a loop over blocks of ~400 steps, never
    over single quarter-hours); each block is compared with both capacities while it is in
    cache. Series number is w * A + a. The sparse result is put in (series, time) order with
    a stable sort on the series number (a radix sort when it fits 16 bits).
    """
    w_n, t_n, a_n = load_mw.shape
    cap_off = np.asarray(capacity_offtake_mw, dtype=load_mw.dtype)
    neg_feed = -np.asarray(capacity_feedin_mw, dtype=load_mw.dtype)
    rows = max(1, BLOCK_BYTES // max(1, a_n * load_mw.itemsize))
    parts: dict[str, list[tuple[int, np.ndarray, np.ndarray]]] = {"offtake": [], "feedin": []}
    for w in range(w_n):
        for t0 in range(0, t_n, rows):
            block = load_mw[w, t0 : t0 + rows]
            flat_block = block.reshape(-1)
            for direction, mask in (("offtake", block > cap_off), ("feedin", block < neg_feed)):
                idx = np.flatnonzero(mask)
                if len(idx):
                    parts[direction].append((w, idx + t0 * a_n, flat_block[idx]))
    out = {}
    for direction, chunks in parts.items():
        if not chunks:
            empty = np.zeros(0, np.int64)
            out[direction] = CongestedSteps(empty, empty, np.zeros(0), w_n * a_n, t_n)
            continue
        w_arr = np.concatenate([np.full(len(i), w, np.int64) for w, i, _ in chunks])
        flat = np.concatenate([i for _, i, _ in chunks])
        vals = np.concatenate([v for _, _, v in chunks]).astype(np.float64)
        t, a = np.divmod(flat, a_n)
        if direction == "offtake":
            vals -= cap_off[a]
        else:
            vals = neg_feed[a] - vals
        series = w_arr * a_n + a
        key = series.astype(np.uint16) if w_n * a_n <= np.iinfo(np.uint16).max else series
        order = np.argsort(key, kind="stable")  # input is (w, t, a) ordered: stable → (s, t)
        out[direction] = CongestedSteps(series[order], t[order], vals[order], w_n * a_n, t_n)
    return out


def congested_steps_cube(
    load_mw: np.ndarray, capacity_mw: np.ndarray, direction: str
) -> CongestedSteps:
    """Congested steps of a load cube (W, T, A) in one direction (see congested_steps_both)."""
    inf = np.full(load_mw.shape[2], np.inf, dtype=load_mw.dtype)
    if direction == "offtake":
        return congested_steps_both(load_mw, capacity_mw, inf)["offtake"]
    return congested_steps_both(load_mw, inf, capacity_mw)["feedin"]


def events_from_series(
    shortage: np.ndarray, step_h: float = STEP_H, wrap: bool = True
) -> EventTable:
    """Events of a shortage array (..., T); series numbers index the flattened leading axes."""
    return _events_from_steps(congested_steps_series(shortage), step_h, wrap)


def events_from_cube(
    load_mw: np.ndarray,
    capacity_mw: np.ndarray,
    direction: str,
    step_h: float = STEP_H,
    wrap: bool = True,
) -> tuple[EventTable, CongestedSteps]:
    """Events of a load cube (W, T, A) in one direction; series = w * A + a."""
    steps = congested_steps_cube(load_mw, capacity_mw, direction)
    return _events_from_steps(steps, step_h, wrap), steps


def events_from_cube_both(
    load_mw: np.ndarray,
    capacity_offtake_mw: np.ndarray,
    capacity_feedin_mw: np.ndarray,
    step_h: float = STEP_H,
    wrap: bool = True,
) -> dict[str, tuple[EventTable, CongestedSteps]]:
    """Events in both directions from one read of the cube; series = w * A + a."""
    both = congested_steps_both(load_mw, capacity_offtake_mw, capacity_feedin_mw)
    return {d: (_events_from_steps(st, step_h, wrap), st) for d, st in both.items()}
