"""Breakthrough 7: flex as the norm — smart EV charging and batteries on CSC plus redispatch.

Smart EV charging: in each evening-night plug-in session (local 16:00–08:00 by default) a
share σ of the area's EV charging energy is grid-aware: it is re-placed by water-filling on
the area's own load, new(t) = max(B(t), λ) with B = load − σ·EV and λ such that the session's
energy is kept. Water-filling minimises the session's peak, so it never raises an area's
peak and never deepens its feed-in trough (the new minimum is ≥ λ ≥ the old minimum).
Queue requests of class ev_charging use the generic smart shape (σ of each session moved
evenly to the night window), as the area-aware placement is not known before connection.

Batteries on CSC plus redispatch: each area's existing battery MW P (energy P·h) is steered by
the operator. On trigger days (the area's load without the battery, B, passes
`trigger_share` × capacity in either direction) it shaves the day's top to a level μ and
fills the day's bottom to a level ν ≤ μ with the same energy (after round-trip losses);
discharged MWh are paid as redispatch. On other days its market dispatch is clipped to the
day's range of B. Either way the battery never takes the area's daily load beyond the range
it has without the battery. Battery requests in the queue are offered CSC.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from netruimte.measures import prognosis
from netruimte.measures.params import FlexNorm, Window
from netruimte.measures.picture import Picture
from netruimte.timeaxis import STEP_H, STEPS_PER_DAY

PAD = 1e12  # padding above any load: never filled


def session_matrix(session: np.ndarray) -> np.ndarray:
    """(J, L) step indices of each session, padded with −1."""
    steps = np.flatnonzero(session >= 0)
    sid = session[steps]
    uniq, start, counts = np.unique(sid, return_index=True, return_counts=True)
    out = np.full((len(uniq), int(counts.max()) if len(counts) else 0), -1, dtype=np.int64)
    col = np.arange(len(steps)) - np.repeat(start, counts)
    row = np.repeat(np.arange(len(uniq)), counts)
    out[row, col] = steps
    return out


def water_level(base: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """Level λ per row with Σ max(0, λ − base) = energy (base rows padded with PAD)."""
    b = np.sort(base, axis=-1)
    csum = np.cumsum(b, axis=-1)
    k = np.arange(1, b.shape[-1] + 1)
    need = k * b - csum  # energy to lift the k lowest steps to the k-th value
    kstar = np.maximum((need <= energy[..., None]).sum(axis=-1), 1)
    picked = np.take_along_axis(csum, (kstar - 1)[..., None], axis=-1)[..., 0]
    return (energy + picked) / kstar


def smart_charging_delta(
    pic: Picture, share: float, start_hour: int, end_hour: int, own: np.ndarray | None = None
):
    """(W, T, A) change of own load when `share` of EV session energy is water-filled.

    `own` is the picture's own load (pic.own_load()) when the caller already has it."""
    if "ev_charge_points" not in pic.classes or share <= 0:
        return None
    q_ev = pic.quantities[pic.class_index("ev_charge_points")].astype(np.float32)
    if not (q_ev > 0).any():
        return None
    sessions = session_matrix(prognosis.session_index(pic.calendar, start_hour, end_hour))
    valid = sessions >= 0
    idx = np.where(valid, sessions, 0)
    own_s = (pic.own_load() if own is None else own)[:, idx, :]  # (W, J, L, A)
    flex_s = (share * pic.class_shapes["ev_charge_points"][:, idx])[..., None] * q_ev
    flex_s *= valid[None, :, :, None]
    base = own_s - flex_s
    base[:, ~valid, :] = PAD
    energy = flex_s.sum(axis=2, dtype=np.float64)  # (W, J, A), MW·steps
    level = water_level(np.moveaxis(base, 2, -1), energy)  # (W, J, A)
    change = np.maximum(base, level[:, :, None, :].astype(np.float32)) - own_s
    delta = np.zeros(pic.load_mw.shape, dtype=np.float32)
    delta[:, idx[valid], :] = change[:, valid, :]
    return delta


def _solve_level(b: np.ndarray, p: np.ndarray, energy: np.ndarray, top: bool) -> np.ndarray:
    """Per day, the highest level μ with Σ min(P, (b − μ)+)·Δt ≥ E (top: shave only what
    is needed), or the lowest ν with Σ min(P, (ν − b)+)·Δt ≥ E (bottom)."""
    lo, hi = b.min(axis=-1), b.max(axis=-1)
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        gap = b - mid[..., None] if top else mid[..., None] - b
        got = np.minimum(p[..., None], np.maximum(gap, 0.0)).sum(axis=-1) * STEP_H
        enough = got >= energy * (1 - 1e-6) - 1e-9  # float noise must not flip the level
        if top:  # enough energy above mid: the level may go up
            lo, hi = np.where(enough, mid, lo), np.where(enough, hi, mid)
        else:  # enough energy below mid: the level may go down
            lo, hi = np.where(enough, lo, mid), np.where(enough, mid, hi)
    return lo if top else hi


def battery_csc_delta(pic: Picture, params: FlexNorm, own: np.ndarray | None = None):
    """(W, T, A) own-load change when existing batteries run on CSC, with redispatch MWh/yr."""
    if "batteries" not in pic.classes:
        return None, None
    c = pic.class_index("batteries")
    power = pic.quantities[c]
    areas = np.flatnonzero(power > 0)
    n_steps = pic.load_mw.shape[1]
    if len(areas) == 0 or n_steps % STEPS_PER_DAY:
        return None, None
    w_n = pic.load_mw.shape[0]
    days = n_steps // STEPS_PER_DAY
    merchant = pic.class_shapes["batteries"][:, :, None] * power[areas][None, None, :]
    own = (pic.own_load() if own is None else own)[:, :, areas]
    b = (own - merchant).astype(np.float64)  # load without the battery
    # (W, a, D, 96)
    b = np.moveaxis(b, 2, 1).reshape(w_n, len(areas), days, STEPS_PER_DAY)
    m = np.moveaxis(merchant, 2, 1).reshape(w_n, len(areas), days, STEPS_PER_DAY)
    cap = pic.capacity_mw[areas]  # (a, 2)
    trig_o = params.trigger_share * cap[:, 0]
    trig_f = params.trigger_share * cap[:, 1]
    day_max, day_min = b.max(axis=-1), b.min(axis=-1)
    trigger = (day_max > trig_o[None, :, None]) | (day_min < -trig_f[None, :, None])
    new = np.clip(m, (day_min[..., None] - b), (day_max[..., None] - b))  # clipped market
    discharged = np.zeros((w_n, len(areas)))
    if trigger.any():
        wi, ai, di = np.nonzero(trigger)
        bd = b[wi, ai, di]  # (n, 96)
        p = power[areas][ai]
        e_full = p * params.battery_hours
        top_room = np.minimum(p[:, None], bd - bd.min(axis=1, keepdims=True)).sum(1) * STEP_H
        bottom_room = np.minimum(p[:, None], bd.max(axis=1, keepdims=True) - bd).sum(1) * STEP_H
        eta = params.round_trip_efficiency
        e = np.minimum(e_full, np.minimum(top_room, bottom_room * eta))
        mu = _solve_level(bd, p, e, top=True)
        nu = _solve_level(bd, p, e / eta, top=False)
        ok = (nu <= mu) & (e > 1e-9)
        dis = np.minimum(p[:, None], np.maximum(bd - mu[:, None], 0.0))
        chg = np.minimum(p[:, None], np.maximum(nu[:, None] - bd, 0.0))
        steer = np.where(ok[:, None], chg - dis, 0.0)
        new[wi, ai, di] = steer
        np.add.at(discharged, (wi, ai), np.where(ok[:, None], dis, 0.0).sum(1) * STEP_H)
    change = (new - m).reshape(w_n, len(areas), n_steps)
    delta = np.zeros(pic.load_mw.shape, dtype=np.float32)
    delta[:, :, areas] = np.moveaxis(change, 1, 2)
    mwh = np.zeros(pic.n_areas)
    mwh[areas] = discharged.mean(axis=0)
    return delta, mwh


def apply(pic: Picture, params: FlexNorm) -> Picture:
    """Smart EV charging within sessions, batteries on CSC plus redispatch, CSC offered."""
    share = params.smart_charging_share
    own = pic.own_load()
    delta = smart_charging_delta(
        pic, share, params.session_start_hour, params.session_end_hour, own
    )
    if delta is not None:
        own += delta
        pic = pic.with_own_delta(delta, f"smart EV charging {share:.0%} (water-filled)")
        night = Window(hours=[(22, 7)])
        req = prognosis.smart_ev_shape(
            pic.raw_request_shape("ev_charging", "offtake"), share, pic.calendar, night
        )
        pic = replace(pic, request_shapes={**pic.request_shapes, ("ev_charging", "offtake"): req})
    if params.battery_csc:
        bdelta, mwh = battery_csc_delta(pic, params, own)
        if bdelta is not None:
            c = pic.class_index("batteries")
            power = pic.quantities[c]
            cost = mwh * params.redispatch_eur_per_mwh + power * (
                pic.terms.csc_availability_eur_per_mw_yr
            )
            pic = pic.with_own_delta(bdelta, "batteries on CSC + redispatch")
            pic = replace(
                pic,
                extra_cost_eur={**pic.extra_cost_eur, "csc_batteries": cost},
                extra_energy_mwh={**pic.extra_energy_mwh, "redispatch": mwh},
            )
    if params.offer_csc_to_batteries and "csc" not in pic.offer:
        pic = replace(pic, offer=(*pic.offer, "csc"), applied=(*pic.applied, "CSC offered"))
    return pic
