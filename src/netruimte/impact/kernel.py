"""The surrogate admission: the queue in priority order against each area's rows, for a batch.

One batch element b is one (Monte Carlo sample, set of breakthroughs) — after removing
elements whose inputs are identical within the group. Its load at every row is
Σ_{T ⊆ L} w[s, L, T] · Δ_T + (g_s − 1) · G (reduced.py); its limits come from the counted
flex F and the accepted risk of the set. Requests are decided in priority order, as in the
exact engine (queue/engine.py), restricted to the rows:

- an area that already fails its accepted risk blocks a request that adds load where it is
  short (the key's base short steps, or a row above capacity);
- otherwise a request is blocked when at a row it adds load beyond (C + F)/(1 − e) (the
  residual shortage after flex and emergency curtailment), when with emergency curtailment the
  runs of rows beyond C + F exceed the accepted calls in a design year (core and
  emergency-only rows, merged by time; a gap between rows breaks a run), or when the queue
  mix's flex-hours bound is exceeded;
- a blocked request may take a contract (CSC when steerable, or any limit contract when the
  largest cut it needs, max over rows of L + v − C, stays within its flexible MW); its firm
  part fills the room left under C;
- a firm admission adds its profile in its own direction and relieves the other direction.

Batch elements are independent: numba runs them in parallel (prange), each deterministic.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

EPS = 1e-6


@njit(cache=True)
def _count_runs(load, rs, ce, re_, row_year, row_step, ym, limf, shape_kr, x, counts):
    """Runs of active rows beyond limf per year, after adding x · shape (x = 0: as is).

    The ad's core rows [rs, ce) and emergency-only rows [ce, re_) are each sorted by (year,
    step); they are merged on the fly. `counts` (W,) is overwritten."""
    counts[:] = 0
    i, j = rs, ce
    prev_beyond = False
    prev_year = -1
    prev_step = -10
    while i < ce or j < re_:
        if j >= re_ or (
            i < ce
            and (
                row_year[i] < row_year[j]
                or (row_year[i] == row_year[j] and row_step[i] < row_step[j])
            )
        ):
            r = i
            i += 1
        else:
            r = j
            j += 1
        y = row_year[r]
        if not (ym >> y) & 1:
            continue
        beyond = load[r] + shape_kr[r] * x > limf + EPS
        if beyond and not (prev_beyond and y == prev_year and row_step[r] == prev_step + 1):
            counts[y] += 1
        prev_beyond = beyond
        prev_year = y
        prev_step = row_step[r]


@njit(cache=True)
def _too_many(counts, ym, ncalls):
    for y in range(len(counts)):
        if (ym >> y) & 1 and counts[y] > ncalls:
            return True
    return False


@njit(cache=True, parallel=True, nogil=True)
def admit_batch(
    row_start, core_end, row_year, row_step, delta, growth, shape,
    cap, touch, smax, c_val, c_coef,
    req_key, req_dir, req_path, req_mw, req_share, req_steer, req_cat, req_area,
    b_sample, b_load, b_flex, b_e, b_calls, b_years, b_pi, b_share, b_offer, b_rec,
    weights, grow, flex_mw, flex_h,
    n_cat, n_rec, n_areas, n_years,
):  # fmt: skip
    """Admit the queue for every batch element; returns MW and requests admitted per
    (b, category, direction), contract MW per (b, direction), and per-area MW of the
    recorded elements (n_rec, area, direction)."""
    n_b = len(b_sample)
    n_r = len(row_year)
    n_ad = len(cap)
    n_req = len(req_key)
    n_path = req_path.shape[1]
    n_t = delta.shape[1]
    out_mw = np.zeros((n_b, n_cat, 2))
    out_n = np.zeros((n_b, n_cat, 2), dtype=np.int64)
    out_c = np.zeros((n_b, 2))
    rec = np.zeros((max(n_rec, 1), n_areas, 2))
    for b in prange(n_b):
        s = b_sample[b]
        lc = b_load[b]
        fi = b_flex[b]
        e = b_e[b]
        emerg = e > 0.0
        ncalls = b_calls[b]
        ym = b_years[b]
        pi = b_pi[b]
        offer = b_offer[b]
        counts = np.zeros(n_years, dtype=np.int64)
        load = np.zeros(n_r)
        g1 = grow[s] - 1.0
        for ad in range(n_ad):
            last = row_start[ad + 1] if emerg else core_end[ad]
            for r in range(row_start[ad], last):
                v = g1 * growth[r]
                for t in range(n_t):
                    w = weights[s, lc, t]
                    if w != 0.0:
                        v += w * delta[r, t]
                load[r] = v
        limf = np.empty(n_ad)
        limef = np.empty(n_ad)
        room_c = np.full(n_ad, np.inf)
        cok = np.zeros(n_ad, dtype=np.bool_)
        hl = np.zeros(n_ad, dtype=np.int64)
        for ad in range(n_ad):
            f = flex_mw[fi, ad]
            limf[ad] = cap[ad] + f
            limef[ad] = limf[ad] / (1.0 - e) if emerg else limf[ad]
            h = flex_h[fi, ad]
            hl[ad] = h
            if h >= 0 and f > 0.0:
                best = np.inf
                for y in range(n_years):
                    if (ym >> y) & 1:
                        best = min(best, c_val[lc, h, y, ad])
                if best < np.inf:
                    room_c[ad] = best
                    cok[ad] = True
        dirty = np.ones(n_ad, dtype=np.bool_)
        failing = np.zeros(n_ad, dtype=np.bool_)
        zero_shape = np.zeros(n_r, dtype=np.float32)
        for i in range(n_req):
            k = req_key[i]
            d = req_dir[i]
            x = req_mw[i] * pi
            sh = shape[lc, k]
            blocked = False
            need = 0.0
            # no contract can follow a block: decide at the first violation
            early = not ((offer >= 1 and req_steer[i] > 0.0) or (offer == 2 and req_share[i] > 0.0))
            for p in range(n_path):
                a = req_path[i, p]
                if a < 0:
                    break
                ad = 2 * a + d
                rs = row_start[ad]
                ce = core_end[ad]
                re_ = row_start[ad + 1] if emerg else ce
                if re_ == rs and not cok[ad]:
                    continue
                if dirty[ad]:
                    fail = cok[ad] and room_c[ad] < -EPS
                    if not fail:
                        for r in range(rs, re_):
                            if (ym >> row_year[r]) & 1 and load[r] > limef[ad] + EPS:
                                fail = True
                                break
                    if not fail and emerg:
                        _count_runs(load, rs, ce, re_, row_year, row_step, ym, limf[ad],
                                    zero_shape, 0.0, counts)  # fmt: skip
                        fail = _too_many(counts, ym, ncalls)
                    failing[ad] = fail
                    dirty[ad] = False
                if failing[ad]:
                    t = (touch[lc, k, ad] & ym) != 0
                    if not t:
                        for r in range(rs, re_):
                            if (ym >> row_year[r]) & 1 and load[r] > cap[ad] + EPS and sh[r] > EPS:
                                t = True
                                break
                    if t:
                        blocked = True
                        need = max(need, x * smax[lc, k])
                        if early:
                            break
                        continue
                newly = False
                for r in range(rs, ce):
                    if not (ym >> row_year[r]) & 1:
                        continue
                    v = sh[r] * x
                    if v <= EPS:
                        continue
                    after = load[r] + v
                    if after > limef[ad] + EPS:
                        blocked = True
                        if early:
                            break
                    if after > cap[ad] + EPS:
                        need = max(need, min(v, after - cap[ad]))
                    if emerg and load[r] <= limf[ad] + EPS and after > limf[ad] + EPS:
                        newly = True
                if blocked and early:
                    break
                if emerg and not blocked:
                    for r in range(ce, re_):
                        if not (ym >> row_year[r]) & 1:
                            continue
                        v = sh[r] * x
                        if v <= EPS:
                            continue
                        after = load[r] + v
                        if after > limef[ad] + EPS:
                            blocked = True
                        if load[r] <= limf[ad] + EPS and after > limf[ad] + EPS:
                            newly = True
                    if newly and not blocked:
                        _count_runs(load, rs, ce, re_, row_year, row_step, ym, limf[ad],
                                    sh, x, counts)  # fmt: skip
                        if _too_many(counts, ym, ncalls):
                            blocked = True
                if cok[ad]:
                    cv = c_coef[lc, hl[ad], k, ad] * x
                    if cv > EPS and cv > room_c[ad] + EPS:
                        blocked = True
                if blocked and early:
                    break
            cat = req_cat[i]
            if not blocked:
                for p in range(n_path):
                    a = req_path[i, p]
                    if a < 0:
                        break
                    for dd in range(2):
                        ad = 2 * a + dd
                        last = row_start[ad + 1] if emerg else core_end[ad]
                        for r in range(row_start[ad], last):
                            load[r] += sh[r] * x
                        if cok[ad]:  # own direction uses the bound, the other is relieved
                            room_c[ad] -= c_coef[lc, hl[ad], k, ad] * x
                        # own direction: the check passed on the state after adding, so its
                        # failing flag stands; the other direction is re-evaluated when needed
                        if dd != d:
                            dirty[ad] = True
                out_mw[b, cat, d] += req_mw[i]
                out_n[b, cat, d] += 1
                if b_rec[b] >= 0:
                    rec[b_rec[b], req_area[i], d] += req_mw[i]
                continue
            if early:
                continue
            ok = req_steer[i] > 0.0 and need <= req_steer[i] + EPS
            share = min(1.0, req_share[i] * b_share[b])
            if not ok and offer == 2 and share > 0.0 and need <= share * req_mw[i] + EPS:
                ok = True
            if not ok:
                continue
            for p in range(n_path):
                a = req_path[i, p]
                if a < 0:
                    break
                ad = 2 * a + d
                last = row_start[ad + 1] if emerg else core_end[ad]
                for r in range(row_start[ad], last):
                    v = sh[r] * x
                    if v > 0.0:
                        load[r] += min(v, max(cap[ad] - load[r], 0.0))
                    else:
                        load[r] += v
                # the firm part stays under capacity: the failing flag stands
                if cok[ad]:
                    room_c[ad] -= c_coef[lc, hl[ad], k, ad] * max(x - need, 0.0)
            out_mw[b, cat, d] += req_mw[i]
            out_n[b, cat, d] += 1
            out_c[b, d] += req_mw[i]
            if b_rec[b] >= 0:
                rec[b_rec[b], req_area[i], d] += req_mw[i]
    return out_mw, out_n, out_c, rec
