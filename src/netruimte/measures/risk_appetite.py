"""Breakthrough 1: risk appetite, the five options of the Aansluitoffensief.

1. design_weather: design for another weather year than the coldest (the admission check runs
   on the weather years of the chosen kinds only; the KPIs still count every weather year).
2. time_of_use: time-of-use network tariffs and dynamic supply tariffs make a price-responsive
   share of small-user load (households, heat pumps, EV charging) leave the peak window; that
   energy moves evenly into the off-peak windows of the same local day (energy conserved).
3. expected_flex: book congestion-management flex that is expected but not yet contracted
   (a share of its MW counts as flex cover; it is paid once booked).
4. kev_growth: grow small-user load on the KEV/VT path instead of the investment path.
5. emergency_curtailment: accept emergency curtailment of up to `share` of an area's load, at
   most `max_calls_per_year` times per design year, before a shortage counts against the
   accepted hours.
Each option is a pure function Picture → Picture; `apply` runs the enabled ones in this order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from netruimte.errors import InputError
from netruimte.measures import prognosis
from netruimte.measures.params import (
    RISK_OPTIONS,
    DesignWeather,
    EmergencyCurtailment,
    ExpectedFlex,
    KevGrowth,
    RiskAppetite,
    TimeOfUse,
)
from netruimte.measures.picture import Picture, flex_cover


def design_weather(pic: Picture, p: DesignWeather) -> Picture:
    """Admission checks only the weather years of the chosen kinds."""
    years = tuple(i for i, k in enumerate(pic.weather_kinds) if k in p.kinds)
    if not years:
        raise InputError(
            f"no weather year of kind {p.kinds} in this run (kinds: {list(pic.weather_kinds)})",
            column="measures.risk_appetite.design_weather.kinds",
        )
    labels = ", ".join(pic.weather_labels[i] for i in years)
    return replace(pic, design_years=years, applied=(*pic.applied, f"design for {labels}"))


def time_of_use(pic: Picture, p: TimeOfUse) -> Picture:
    """Move `share` of the classes' peak-window energy into the same day's off-peak windows."""
    day = pic.calendar.local_date_index.astype(np.int64)
    peak, offpeak = p.peak.mask(pic.calendar), p.offpeak.mask(pic.calendar)
    for cls in p.classes:
        if cls not in pic.classes or p.share <= 0:
            continue
        shape = prognosis.shift_into_window(
            pic.class_shapes[cls], p.share, day, offpeak & ~peak, source=peak
        )
        pic = pic.with_class_shape(cls, shape, f"time of use: {p.share:.0%} of {cls} peak")
    return pic


def expected_flex(pic: Picture, p: ExpectedFlex) -> Picture:
    """Count uncontracted flex assets with `share` of their MW (at least what already counts)."""
    share = max(p.share, pic.uncontracted_share)
    cover = flex_cover(pic.region.flex_assets, pic.area_ids, share)
    return replace(
        pic,
        flex=cover,
        uncontracted_share=share,
        applied=(*pic.applied, f"book {share:.0%} of uncontracted flex"),
    )


def kev_growth(pic: Picture, p: KevGrowth) -> Picture:
    """Quantities grown on the KEV/VT path (prognosis.RATES) from the region's base year."""
    base, year = pic.region.meta.base_year, pic.scenario.target_year
    factors = np.array([prognosis.growth_factor(p.path, c, base, year) for c in pic.classes])
    q = pic.base_year_quantities * factors[:, None]
    return pic.with_quantities(q, f"growth on the {p.path} path")


def emergency_curtailment(pic: Picture, p: EmergencyCurtailment) -> Picture:
    """Accept emergency curtailment of `share` of the load, at most N calls per year."""
    rule = replace(
        pic.rule, emergency_share=p.share, emergency_max_calls=float(p.max_calls_per_year)
    )
    note = f"emergency curtailment ≤ {p.share:.0%}, ≤ {p.max_calls_per_year} calls/yr"
    return replace(pic, rule=rule, applied=(*pic.applied, note))


OPTION_FUNCS = {
    "design_weather": design_weather,
    "time_of_use": time_of_use,
    "expected_flex": expected_flex,
    "kev_growth": kev_growth,
    "emergency_curtailment": emergency_curtailment,
}


def apply(pic: Picture, params: RiskAppetite, options: Sequence[str] | None = None) -> Picture:
    """Apply the chosen options (default: the enabled ones) in the canonical order."""
    chosen = [o for o in RISK_OPTIONS if getattr(params, o).enabled] if options is None else options
    for option in RISK_OPTIONS:
        if option in chosen:
            pic = OPTION_FUNCS[option](pic, getattr(params, option))
    return pic
