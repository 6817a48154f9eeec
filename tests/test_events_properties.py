"""Property tests of the congestion core against a plain Python reference."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from netruimte.congestion.events import events_from_cube, events_from_series
from netruimte.congestion.shortage import shortage_mw

shortages = arrays(
    np.float64,
    st.tuples(st.integers(1, 4), st.integers(1, 40)),
    elements=st.sampled_from([0.0, 0.0, 0.0, 0.5, 1.0, 2.5, 7.0]),
)


def reference_events(row: list[float], wrap: bool) -> list[tuple[int, int, float, float]]:
    """(start, length, peak, sum) of runs, by a loop written independently of the core."""
    runs, i, n = [], 0, len(row)
    while i < n:
        if row[i] > 0:
            j = i
            while j < n and row[j] > 0:
                j += 1
            seg = row[i:j]
            runs.append((i, j - i, max(seg), sum(seg)))
            i = j
        else:
            i += 1
    if wrap and len(runs) > 1 and runs[0][0] == 0 and runs[-1][0] + runs[-1][1] == n:
        first, last = runs[0], runs[-1]
        merged = (last[0], last[1] + first[1], max(first[2], last[2]), first[3] + last[3])
        runs = [*runs[1:-1], merged]
        runs.sort()
    return runs


@settings(max_examples=200, deadline=None)
@given(shortages, st.booleans())
def test_matches_reference(s: np.ndarray, wrap: bool) -> None:
    ev = events_from_series(s, step_h=0.25, wrap=wrap)
    for k in range(s.shape[0]):
        mine = ev.series == k
        got = sorted(
            zip(
                ev.start[mine].tolist(),
                ev.length[mine].tolist(),
                ev.peak_mw[mine].tolist(),
                (ev.energy_mwh[mine] / 0.25).tolist(),
                strict=True,
            )
        )
        want = reference_events(s[k].tolist(), wrap)
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert g[:2] == w[:2]
            assert abs(g[2] - w[2]) < 1e-9 and abs(g[3] - w[3]) < 1e-9


@settings(max_examples=200, deadline=None)
@given(shortages, st.booleans())
def test_energy_and_steps_are_conserved(s: np.ndarray, wrap: bool) -> None:
    ev = events_from_series(s, step_h=0.25, wrap=wrap)
    assert abs(ev.energy_mwh.sum() - s.sum() * 0.25) < 1e-9
    assert ev.length.sum() == int((s > 0).sum())
    assert (ev.peak_mw > 0).all()
    assert (ev.length >= 1).all()


@settings(max_examples=100, deadline=None)
@given(
    arrays(
        np.float32,
        st.tuples(st.integers(1, 3), st.integers(2, 30), st.integers(1, 4)),
        elements=st.floats(-30, 30, width=32),
    ),
    st.floats(0, 20, width=32),
)
def test_cube_and_series_agree_both_directions(load: np.ndarray, cap: float) -> None:
    a_n = load.shape[2]
    caps = np.full(a_n, cap, dtype=np.float32)
    for direction in ("offtake", "feedin"):
        ev, steps = events_from_cube(load, caps, direction)
        short = shortage_mw(load.copy(), caps, direction)
        ref = events_from_series(np.transpose(short, (0, 2, 1)))
        assert ev.series.tolist() == ref.series.tolist()
        assert ev.start.tolist() == ref.start.tolist()
        assert ev.length.tolist() == ref.length.tolist()
        np.testing.assert_allclose(ev.energy_mwh, ref.energy_mwh, rtol=1e-5, atol=1e-6)
        assert abs(steps.shortage_mw.sum() - float(short.sum(dtype=np.float64))) < 1e-3
