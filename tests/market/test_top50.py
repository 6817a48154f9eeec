"""Top-50: derived large connections and their ranking per bottleneck."""

from __future__ import annotations

import numpy as np
import pytest

from netruimte.congestion.shortage import shortage_mw
from netruimte.market.large_connections import (
    BASIS,
    LARGE_SHARE,
    connection_loads,
    derive_large_connections,
)
from netruimte.market.top50 import rank_connections, shortlist, top50


@pytest.fixture(scope="module")
def conns(small_core):
    r = small_core
    return derive_large_connections(r.region, r.library, r.admission, seed=3)


@pytest.fixture(scope="module")
def ranking(small_core, conns):
    r = small_core
    return rank_connections(r.region, r.cube, r.library, conns, [0, 1, 2], shortlist_size=4)


def test_generated_connections_are_plausible_and_deterministic(small_core, conns):
    r = small_core
    assert conns.connection_id.is_unique
    assert (conns.peak_mw >= 1.0 - 1e-9).all()
    gen = conns[conns.generated]
    assert len(gen) > 10
    assert set(gen.source) <= {f"generated from {c}" for c in LARGE_SHARE}
    # generated users never hold more energy than the large share of their class (+1 user)
    comp = r.region.components
    for area in gen.area_id.unique():
        for cls, sector in (("industry", "industry"), ("businesses", "business")):
            energy = comp[(comp.area_id == area) & (comp.asset_class == cls)].annual_mwh.sum()
            mine = gen[(gen.area_id == area) & (gen.sector == sector)]
            if len(mine):
                assert mine.annual_mwh.sum() <= LARGE_SHARE[cls] * energy * 1.6 + 1e-6
    weights = conns[[f"w_{b}" for b in BASIS]].to_numpy()
    assert np.allclose(weights.sum(axis=1), 1.0)
    again = derive_large_connections(r.region, r.library, r.admission, seed=3)
    assert again.equals(conns)
    other = derive_large_connections(r.region, r.library, r.admission, seed=4)
    assert not other.peak_mw.equals(conns.peak_mw)


def test_connection_loads_match_a_direct_computation(small_core, conns):
    lib = small_core.library
    steps = np.array([0, 1000, 20000, 35039, 35040 + 17000])
    got = connection_loads(conns.head(30), lib, [0, 1], steps)
    for i, row in enumerate(conns.head(30).itertuples()):
        series = sum(
            getattr(row, f"w_{b}") * lib.request[b].astype(float) for b in BASIS
        )  # (W, T), all years
        peak = np.abs(series).max()
        sign = 1.0 if row.direction == "offtake" else -1.0
        flat = (sign * series[[0, 1]] / peak).reshape(-1)[steps]
        assert got[i] == pytest.approx(np.clip(flat, 0, None) * row.peak_mw, abs=1e-6)


def test_ranking_by_hand_for_one_bottleneck(small_core, conns, ranking):
    r = small_core
    part = ranking[(ranking.bottleneck_area == "NO06") & (ranking.direction == "feedin")]
    assert len(part) > 0
    a = r.cube.area_ids.index("NO06")
    s = shortage_mw(
        r.cube.load_mw[:, :, a].astype(float),
        np.asarray(r.region.capacity_mw("feedin")[a]),
        "feedin",
    ).reshape(-1)
    steps = np.flatnonzero(s > 0)
    worst = steps[np.argmax(s[steps])]
    for row in part.head(5).itertuples():
        c = conns[conns.connection_id == row.connection_id]
        load = connection_loads(c, r.library, [0, 1, 2], steps)[0]
        share = float(c.flexible_share.iloc[0])
        relief = np.minimum(share * load, s[steps])
        assert row.relief_at_peak_mw == pytest.approx(relief[np.argmax(s[steps])])
        assert row.relief_mwh_per_year == pytest.approx(relief.sum() * 0.25 / 3)
        assert row.coincidence == pytest.approx(load.mean() / float(c.peak_mw.iloc[0]))
        assert row.peak_shortage_mw == pytest.approx(s[worst])
    # connections of other areas or the other direction do not count for NO06 feed-in
    assert set(part.area_id) == {"NO06"}


def test_ranking_order_shortlist_and_top50(ranking):
    assert len(ranking) > 0
    assert (ranking.coincidence.between(0, 1 + 1e-9)).all()
    assert (ranking.relief_at_peak_mw <= ranking.flexible_mw + 1e-9).all()
    assert (ranking.relief_at_peak_mw <= ranking.peak_shortage_mw + 1e-9).all()
    for _, part in ranking.groupby(["bottleneck_area", "direction"]):
        part = part.sort_values("rank")
        assert list(part["rank"]) == list(range(1, len(part) + 1))
        assert part.relief_at_peak_mw.is_monotonic_decreasing
        chosen = part[part.shortlisted]
        assert len(chosen) <= 4
        if len(chosen):  # stops once the peak shortage is covered
            before = chosen.relief_at_peak_mw.cumsum() - chosen.relief_at_peak_mw
            assert (before < chosen.peak_shortage_mw - 1e-9).all()
    # TenneT bottlenecks count the connections of their supply areas
    assert (
        ranking[ranking.bottleneck_area.str.startswith("TN")]
        .area_id.str.startswith(("NO", "DE", "MI"))
        .all()
    )
    best = top50(ranking, n=7)
    assert len(best) <= 7 and best.connection_id.is_unique
    assert best.relief_at_peak_mw.is_monotonic_decreasing
    assert len(shortlist(ranking)) == int(ranking.shortlisted.sum())
