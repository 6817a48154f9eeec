"""Breakthrough 2: better prognoses — growth paths per year, flex in the profiles, a quickscan.

- Growth paths 2026–2035 per asset class for two scenarios: "investment" (the operators'
  investment-like high path) and "kev" (KEV/VT-like). Yearly rates taper linearly from the
  2027 rate to the 2035 rate; the 2027 rates equal the foundation's scenario.GROWTH_PATHS, so a
  2027 run grows identically. factor(year) = Π_{y=base+1..year} (1 + r(y)).
- Flex in the profiles: a market-driven share of EV charging is smart (price-driven): the
  share's energy of each evening-night plug-in session (16:00–08:00 local) moves evenly into
  the night window (22:00–07:00 local) of the same session; energy is conserved per session.
- Realistic request peaks: a new connection's realised peak is `request_peak_factor` × MW.
- Quickscan: an area's firm headroom (largest flat MW it can still admit under the picture's
  accepted risk, its own area and those above) and its change from one request or one measure.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from netruimte.measures.params import Prognosis, Window
from netruimte.measures.picture import Picture
from netruimte.queue.engine import risk_message
from netruimte.region.schema import ASSET_CLASSES

YEARS = tuple(range(2026, 2036))
# (rate in 2027, rate in 2035) per class; linear in between, constant before 2027.
RATES: dict[str, dict[str, tuple[float, float]]] = {
    "investment": {
        "households": (0.008, 0.008),
        "businesses": (0.02, 0.02),
        "industry": (0.015, 0.015),
        "heat_pumps": (0.16, 0.10),
        "ev_charge_points": (0.18, 0.10),
        "pv": (0.10, 0.06),
        "wind": (0.06, 0.05),
        "batteries": (0.30, 0.15),
    },
    "kev": {
        "households": (0.005, 0.005),
        "businesses": (0.01, 0.01),
        "industry": (0.005, 0.005),
        "heat_pumps": (0.10, 0.07),
        "ev_charge_points": (0.12, 0.08),
        "pv": (0.07, 0.04),
        "wind": (0.05, 0.04),
        "batteries": (0.20, 0.10),
    },
}
# Market-driven smart-charging share of EV charging energy by year (assumption, docs).
SMART_SHARE = {2026: 0.15, 2030: 0.35, 2035: 0.55}
SESSION_HOURS = (16, 8)  # evening-night plug-in session, local


def yearly_rate(path: str, asset_class: str, year: int) -> float:
    """Growth rate of a class in one year on a path."""
    r27, r35 = RATES[path].get(asset_class, (0.0, 0.0))
    if year <= 2027:
        return r27
    if year >= 2035:
        return r35
    return r27 + (r35 - r27) * (year - 2027) / (2035 - 2027)


def growth_factor(path: str, asset_class: str, base_year: int, year: int) -> float:
    """Multiplier on a class's base-year quantity in `year` (1 for year ≤ base year)."""
    if path == "none":
        return 1.0
    f = 1.0
    for y in range(base_year + 1, year + 1):
        f *= 1.0 + yearly_rate(path, asset_class, y)
    return f


def growth_paths(base_year: int = 2026, years: tuple[int, ...] = YEARS) -> pd.DataFrame:
    """Long table: path, asset_class, year, rate, factor (relative to the base year)."""
    rows = []
    for path in RATES:
        for cls in ASSET_CLASSES:
            for y in years:
                rows.append(
                    {
                        "path": path,
                        "asset_class": cls,
                        "year": y,
                        "rate": yearly_rate(path, cls, y),
                        "factor": growth_factor(path, cls, base_year, y),
                    }
                )
    return pd.DataFrame(rows)


def smart_share(year: int) -> float:
    """Market-driven smart-charging share in a year (piecewise linear in SMART_SHARE)."""
    ys = sorted(SMART_SHARE)
    return float(np.interp(year, ys, [SMART_SHARE[y] for y in ys]))


def session_index(calendar, start_hour: int, end_hour: int) -> np.ndarray:
    """Session number of each step (the local date the session starts), −1 outside sessions."""
    hour = calendar.hour.astype(np.int64)
    day = calendar.local_date_index.astype(np.int64)
    if start_hour > end_hour:  # over midnight
        evening = hour >= start_hour
        morning = hour < end_hour
        return np.where(evening, day, np.where(morning, day - 1, -1))
    inside = (hour >= start_hour) & (hour < end_hour)
    return np.where(inside, day, -1)


def shift_into_window(
    shape: np.ndarray,
    share: float,
    session: np.ndarray,
    target: np.ndarray,
    source: np.ndarray | None = None,
) -> np.ndarray:
    """Move `share` of each session's energy on its `source` steps evenly into its `target` steps.

    shape (W, T) ≥ 0; session (T,) session number or −1 (outside any session); source and
    target (T,) bool (source default: every step of the session). Sessions without target
    steps keep their energy. Energy per session and weather year is conserved.
    """
    if share <= 0:
        return shape.copy()
    inside = session >= 0
    src = inside if source is None else inside & source
    tgt = inside & target
    n_sess = int(session.max()) + 2 if inside.any() else 1
    sid = np.where(inside, session + 1, 0)  # 0 = outside
    n_target = np.bincount(sid[tgt], minlength=n_sess).astype(float)
    has = n_target > 0
    has[0] = False
    movable = src & has[sid]
    per_target = np.where(tgt, 1.0 / np.where(n_target[sid] > 0, n_target[sid], 1.0), 0.0)
    out = shape.astype(np.float64).copy()
    for w in range(out.shape[0]):
        moved = np.where(movable, share * out[w], 0.0)
        energy = np.bincount(sid, weights=moved, minlength=n_sess)
        out[w] += energy[sid] * per_target - moved
    return out.astype(shape.dtype)


def smart_ev_shape(shape: np.ndarray, share: float, calendar, night: Window) -> np.ndarray:
    """EV charging shape with `share` of each evening-night session's energy moved to night."""
    session = session_index(calendar, *SESSION_HOURS)
    return shift_into_window(shape, share, session, night.mask(calendar))


def apply(picture: Picture, params: Prognosis) -> Picture:
    """Better prognoses: smart-charging share in EV profiles and realistic request peaks."""
    year = picture.scenario.target_year
    share = params.smart_charging_share
    if share is None:
        share = smart_share(year)
    pic = picture
    if "ev_charge_points" in pic.classes and share > 0:
        ev = smart_ev_shape(pic.class_shapes["ev_charge_points"], share, pic.calendar, params.night)
        pic = pic.with_class_shape("ev_charge_points", ev, f"prognosis: smart share {share:.2f}")
        req = smart_ev_shape(
            pic.raw_request_shape("ev_charging", "offtake"),
            share,
            pic.calendar,
            params.night,
        )
        pic = replace(pic, request_shapes={**pic.request_shapes, ("ev_charging", "offtake"): req})
    return replace(
        pic,
        request_peak_factor=pic.request_peak_factor * params.request_peak_factor,
        applied=(*pic.applied, f"prognosis: request peak × {params.request_peak_factor:g}"),
    )


# ------------------------------------------------------------------------------ quickscan
def _area_path(picture: Picture, area: int) -> np.ndarray:
    return np.flatnonzero(picture.agg[:, area])


def headroom_mw(
    picture: Picture,
    area_id: str,
    direction: str = "offtake",
    shape: np.ndarray | None = None,
    extra_mw: np.ndarray | None = None,
    upper_mw: float = 10_000.0,
    tol_mw: float = 0.01,
) -> tuple[float, str]:
    """Largest MW of a request (per-MW `shape`, default flat) the area admits firm, and the
    binding area. `extra_mw` (W, T, A) is load added before (e.g. a request being scanned).

    Bisection on MW with the admission's accepted-risk check on the area and the areas above
    (the check is monotone in MW except for emergency-call counts; the result is verified).
    """
    a = picture.area_ids.index(area_id)
    d = 0 if direction == "offtake" else 1
    sign = 1.0 if d == 0 else -1.0
    years = list(picture.design_years)
    n_steps = picture.load_mw.shape[1]
    if shape is None:
        shape = np.full((len(picture.weather_labels), n_steps), sign, dtype=np.float32)
    s = (sign * np.asarray(shape)[years]).ravel().astype(np.float64)
    steps = np.arange(len(years) * n_steps)
    year = steps // n_steps
    cols = []
    for x in _area_path(picture, a):
        cap = float(picture.capacity_mw[x, d])
        if not np.isfinite(cap):
            continue
        load = sign * picture.load_mw[years, :, x].ravel().astype(np.float64)
        if extra_mw is not None:
            load = load + sign * extra_mw[years, :, x].ravel()
        cols.append((x, cap, load))

    def failing(mw: float) -> str:
        for x, cap, load in cols:
            after = load + mw * s
            short = after - cap
            if not (short > 1e-6).any():
                continue
            msg = risk_message(
                steps,
                year,
                short,
                after,
                float(picture.flex.mw[x, d]),
                float(picture.flex.hours[x, d]),
                picture.rule,
                len(years),
            )
            if msg and ((mw * s)[short > 1e-6] > 1e-6).any():
                return picture.area_ids[x]
        return ""

    if not cols or not failing(upper_mw):
        return upper_mw, ""
    if failing(0.0):
        return 0.0, failing(0.0)
    lo, hi = 0.0, upper_mw
    while hi - lo > tol_mw:
        mid = 0.5 * (lo + hi)
        if failing(mid):
            hi = mid
        else:
            lo = mid
    return lo, failing(hi)


def quickscan(
    picture: Picture,
    area_id: str,
    direction: str = "offtake",
    request: dict | None = None,
    measure=None,
) -> dict[str, object]:
    """Headroom of an area now, and after one request (firm) or after one measure.

    request: {"mw": float, "profile_class": str, "direction": str}; measure: a function
    Picture → Picture (e.g. framework.measure_function). Only the area's family (its
    top-level area and everything below it) is scanned: nothing else shares its capacity.
    """
    picture = picture.restrict(picture.family(area_id))  # only the areas that interact
    before, bind_before = headroom_mw(picture, area_id, direction)
    after_pic, extra = picture, None
    if request is not None:
        shape = picture.request_shape(request["profile_class"], request["direction"])
        a = picture.area_ids.index(request.get("area_id", area_id))
        own = np.zeros(picture.load_mw.shape, dtype=np.float32)
        own[:, :, a] = float(request["mw"]) * shape
        extra = picture.aggregate(own)
    if measure is not None:
        after_pic = measure(picture)
    after, bind_after = headroom_mw(after_pic, area_id, direction, extra_mw=extra)
    return {
        "area_id": area_id,
        "direction": direction,
        "headroom_mw_before": round(before, 3),
        "headroom_mw_after": round(after, 3),
        "change_mw": round(after - before, 3),
        "binding_before": bind_before,
        "binding_after": bind_after,
    }
