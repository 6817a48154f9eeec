"""The Monte Carlo sample table: one factor per uncertain effect, seeded and reproducible.

Each factor multiplies the *effect* of a parameter (the part in which it differs from the
situation without the measure), so a factor of 1 is the documented default and the spread
is the report's 50% margin: factor ∈ [1 − m, 1 + m], uniform by default (no value inside the
margin is favoured) or triangular with mode 1. The weather years risk appetite designs for are
a discrete draw. Row 0 is the central case (every factor 1, the first weather choice); rows
1..S are the Monte Carlo samples.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netruimte.impact.params import MonteCarlo

# factor column -> what it multiplies (docs/national.md has the central values and sources)
FACTORS: dict[str, str] = {
    "growth": "growth of small-user load from the base year to the target year",
    "risk_load": "load effect of risk appetite (time-of-use response, KEV growth path)",
    "risk_booked": "share of expected flex that is booked (risk appetite; capped at 1)",
    "risk_emergency_share": "share of the load that may be curtailed in an emergency",
    "risk_emergency_calls": "emergency calls accepted per year",
    "prognosis_load": "load effect of smart charging in the prognoses",
    "prognosis_peak": "reduction of a new connection's realised peak (1 − peak factor)",
    "contracts_share": "flexible share of the requests (what users can give up)",
    "enabler_reach": "share of flex delivered without a flex expectation",
    "tenders_floor": "financial floor per supply area (what tenders may spend)",
    "top50_delivery": "MW the top-50 agreements deliver",
    "flex_norm_load": "load effect of flex as the norm (smart charging, CSC batteries)",
    "budget_eur": "budget above the financial floor (€/yr)",
}


def draw_factors(mc: MonteCarlo, n: int, rng: np.random.Generator) -> np.ndarray:
    """(n,) factors on [1 − m, 1 + m] with the configured shape."""
    m = mc.spread
    if m == 0:
        return np.ones(n)
    if mc.distribution == "triangular":
        return rng.triangular(1 - m, 1.0, 1 + m, size=n)
    return 1.0 + m * (2.0 * rng.random(n) - 1.0)


def sample_table(mc: MonteCarlo) -> pd.DataFrame:
    """Row 0 central, rows 1..S drawn; columns: sample, kind, the factors, design_choice."""
    rng = np.random.default_rng(mc.seed)
    n = mc.samples
    data: dict[str, np.ndarray] = {}
    for name in FACTORS:  # fixed order: one stream, column by column
        data[name] = np.r_[1.0, draw_factors(mc, n, rng)]
    choice = rng.integers(0, len(mc.design_weather_choices), size=n)
    frame = pd.DataFrame(data)
    frame.insert(0, "kind", ["central"] + ["monte carlo"] * n)
    frame.insert(0, "sample", np.arange(n + 1))
    frame["design_choice"] = np.r_[0, choice].astype(int)
    frame["design_kinds"] = ["+".join(mc.design_weather_choices[c]) for c in frame["design_choice"]]
    return frame
