"""The Aansluitoffensief estimates (February 2026) and how we read them.

The report gives each breakthrough as "impact in 2030 – impact in 2035" in GW, national, not
regionalised and not split between the TenneT and the regional queues; the totals 5–10 GW
(2030) and 10–20 GW (2035) are stated "after a 50% uncertainty margin". Our reading
(docs/national.md): the per-breakthrough figures are point values for 2030 and 2035; the
totals bracket their sums (8 and 15 GW) with a range whose top is twice its bottom. The split
between breakthroughs is approximate; contracting above the financial floor was estimated
together with revised contract terms (so 3 + 8 compare with 2–4 GW, or 2–5 GW), contract terms
alone are 0 and the flex expectation alone is 0 ("it enables the others").
"""

from __future__ import annotations

import pandas as pd

# row label -> (breakthroughs compared, GW 2030, GW 2035, note)
ESTIMATES: dict[str, tuple[tuple[str, ...], float, float, str]] = {
    "risk appetite": (("risk_appetite",), 2.0, 4.0, "1: 2–4 GW"),
    "better prognoses": (("prognosis",), 2.0, 4.0, "2: 2–4 GW"),
    "financial floor + contract terms": (
        ("contracts", "budget"),
        2.0,
        4.0,
        "3 + 8: 2–4 GW (a 2–5 GW figure also appears)",
    ),
    "contract terms alone": (("contracts",), 0.0, 0.0, "3: 0 alone, counted with 8"),
    "flex expectation alone": (("flex_expectation",), 0.0, 0.0, "4: 0 alone, enables others"),
    "regional tenders": (("tenders",), 0.5, 0.5, "5: about 0.5 GW"),
    "top-50 agreements": (("top50",), 0.5, 0.5, "6: about 0.5 GW"),
    "flex as the norm": (("flex_norm",), 1.0, 2.0, "7: 1–2 GW"),
}
TOTAL_RANGE_GW: dict[int, tuple[float, float]] = {2030: (5.0, 10.0), 2035: (10.0, 20.0)}
MARGIN = 0.5  # the report's uncertainty margin; drawn as ±50% around each point value
QUEUE_REGIONAL_OFFTAKE_GW = 9.1
QUEUE_TENNET_OFFTAKE_GW = 38.0


def reference_gw(label: str, year: int) -> float:
    """The report's point value (GW) for a row and year; years between 2030 and 2035 are
    interpolated linearly, years outside take the nearest end."""
    _, gw30, gw35, _ = ESTIMATES[label]
    if year <= 2030:
        return gw30
    if year >= 2035:
        return gw35
    return gw30 + (gw35 - gw30) * (year - 2030) / 5.0


def total_range_gw(year: int) -> tuple[float, float]:
    """The report's total range for a year (interpolated between 2030 and 2035)."""
    if year <= 2030:
        return TOTAL_RANGE_GW[2030]
    if year >= 2035:
        return TOTAL_RANGE_GW[2035]
    f = (year - 2030) / 5.0
    lo = TOTAL_RANGE_GW[2030][0] + f * (TOTAL_RANGE_GW[2035][0] - TOTAL_RANGE_GW[2030][0])
    hi = TOTAL_RANGE_GW[2030][1] + f * (TOTAL_RANGE_GW[2035][1] - TOTAL_RANGE_GW[2030][1])
    return lo, hi


def reference_table(years: list[int]) -> pd.DataFrame:
    """One row per compared item and year: the point value and the ±50% band."""
    rows = []
    for year in years:
        for label, (players, _, _, note) in ESTIMATES.items():
            gw = reference_gw(label, year)
            rows.append(
                {
                    "year": year,
                    "item": label,
                    "breakthroughs": " + ".join(players),
                    "reference_gw": gw,
                    "reference_low_gw": gw * (1 - MARGIN),
                    "reference_high_gw": gw * (1 + MARGIN),
                    "note": note,
                }
            )
        lo, hi = total_range_gw(year)
        rows.append(
            {
                "year": year,
                "item": "all eight",
                "breakthroughs": "all",
                "reference_gw": (lo + hi) / 2,
                "reference_low_gw": lo,
                "reference_high_gw": hi,
                "note": "total after a 50% margin",
            }
        )
    return pd.DataFrame(rows)
