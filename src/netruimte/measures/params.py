"""Typed parameters of the scenario's `measures` section, each with a documented default.

Unknown keys are an error (a typo must not silently fall back to a default). Every number
here is described, with its source or the assumption behind it, in docs/measures.md.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from netruimte.market.params import MarketParams

ContractName = Literal["firm", "non_firm", "tdtr", "tbtr", "cbc_a", "cbc_t", "csc"]
CONTRACTS: tuple[str, ...] = ("firm", "non_firm", "tdtr", "tbtr", "cbc_a", "cbc_t", "csc")
MEASURES: tuple[str, ...] = ("risk_appetite", "prognosis", "contracts", "flex_norm")
RISK_OPTIONS: tuple[str, ...] = (
    "design_weather",
    "time_of_use",
    "expected_flex",
    "kev_growth",
    "emergency_curtailment",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Window(_Strict):
    """A recurring window in local time (Europe/Amsterdam): months × day kind × hours."""

    months: list[int] = Field(default_factory=lambda: list(range(1, 13)))
    days: Literal["all", "workdays", "weekends"] = "all"
    hours: list[tuple[int, int]] = Field(
        default_factory=list, description="[start, end) local hours; start > end wraps midnight."
    )

    @field_validator("months")
    @classmethod
    def _months(cls, v: list[int]) -> list[int]:
        bad = [m for m in v if not 1 <= m <= 12]
        if bad:
            raise ValueError(f"months must be 1..12, got {bad}")
        return v

    @field_validator("hours")
    @classmethod
    def _hours(cls, v: list[tuple[int, int]]) -> list[tuple[int, int]]:
        for start, end in v:
            if not (0 <= start <= 23 and 0 <= end <= 24) or start == end:
                raise ValueError(f"hours ({start}, {end}) must be 0..23 → 1..24, start ≠ end")
        return v

    def mask(self, calendar) -> np.ndarray:
        """Boolean mask over the steps of a LocalCalendar."""
        hour = calendar.hour.astype(np.int64)
        in_hours = np.zeros(len(hour), dtype=bool)
        for start, end in self.hours:
            if start < end:
                in_hours |= (hour >= start) & (hour < end)
            else:
                in_hours |= (hour >= start) | (hour < end)
        in_months = np.isin(calendar.month, self.months)
        if self.days == "workdays":
            in_days = calendar.is_workday
        elif self.days == "weekends":
            in_days = ~calendar.is_workday
        else:
            in_days = np.ones(len(hour), dtype=bool)
        return in_hours & in_months & in_days


# ---------------------------------------------------------------- breakthrough 1: risk appetite
class DesignWeather(_Strict):
    """Option 1: design for another weather year than the coldest."""

    enabled: bool = True
    kinds: list[Literal["cold", "typical", "mild"]] = Field(
        default_factory=lambda: ["typical", "mild"], min_length=1
    )


class TimeOfUse(_Strict):
    """Option 2: a price-responsive share of small-user load leaves the peak window."""

    enabled: bool = True
    share: float = Field(0.10, ge=0, le=1)
    classes: list[Literal["households", "heat_pumps", "ev_charge_points"]] = Field(
        default_factory=lambda: ["households", "heat_pumps", "ev_charge_points"]
    )
    peak: Window = Field(default_factory=lambda: Window(hours=[(16, 20)]))
    offpeak: Window = Field(default_factory=lambda: Window(hours=[(0, 6), (11, 15)]))


class ExpectedFlex(_Strict):
    """Option 3: book congestion-management flex that is expected but not yet contracted."""

    enabled: bool = True
    share: float = Field(1.0, ge=0, le=1, description="Share of uncontracted flex MW booked.")


class KevGrowth(_Strict):
    """Option 4: grow small-user load on the KEV/VT path instead of the investment path."""

    enabled: bool = True
    path: Literal["kev", "investment"] = "kev"


class EmergencyCurtailment(_Strict):
    """Option 5: allow emergency curtailment of up to `share` of an area's load."""

    enabled: bool = True
    share: float = Field(0.10, ge=0, le=0.5)
    max_calls_per_year: int = Field(5, ge=0, le=365)


class RiskAppetite(_Strict):
    """Breakthrough 1: the five options of the Aansluitoffensief."""

    enabled: bool = True
    design_weather: DesignWeather = Field(default_factory=DesignWeather)
    time_of_use: TimeOfUse = Field(default_factory=TimeOfUse)
    expected_flex: ExpectedFlex = Field(default_factory=ExpectedFlex)
    kev_growth: KevGrowth = Field(default_factory=KevGrowth)
    emergency_curtailment: EmergencyCurtailment = Field(default_factory=EmergencyCurtailment)


# ---------------------------------------------------------------- breakthrough 2: prognoses
class Prognosis(_Strict):
    """Breakthrough 2: better prognoses (flex in the profiles, realistic request peaks)."""

    enabled: bool = True
    smart_charging_share: float | None = Field(
        None, ge=0, le=1, description="Market-driven smart share of EV charging; None = by year."
    )
    request_peak_factor: float = Field(
        0.85, gt=0, le=1, description="Realised peak of a new connection over its requested MW."
    )
    night: Window = Field(default_factory=lambda: Window(hours=[(22, 7)]))


# ---------------------------------------------------------------- breakthrough 3: contracts
class ContractTerms(_Strict):
    """The rules and prices of the contract types (used by admission and the comparison)."""

    tdtr_max_limited_share: float = Field(0.15, ge=0, le=1)
    tbtr_restricted: dict[Literal["offtake", "feedin"], Window] = Field(
        default_factory=lambda: {
            "offtake": Window(days="workdays", hours=[(16, 20)]),
            "feedin": Window(months=[4, 5, 6, 7, 8, 9], hours=[(11, 15)]),
        }
    )
    cbc_a_max_calls_per_year: int = Field(40, ge=0, le=366)
    cbc_t_windows: dict[Literal["offtake", "feedin"], Window] = Field(
        default_factory=lambda: {
            "offtake": Window(months=[1, 2, 3, 11, 12], days="workdays", hours=[(7, 9), (16, 20)]),
            "feedin": Window(months=[4, 5, 6, 7, 8, 9], hours=[(10, 16)]),
        }
    )
    cbc_t_limit_share: float = Field(0.0, ge=0, lt=1, description="MW kept in a window / MW.")
    acceptance: Literal["flexible_share", "hours"] = Field(
        "flexible_share",
        description="Users take a non-firm contract when the cut stays within their flexible "
        "MW (queue column flexible_share), or ('hours') when limited hours stay within "
        "user_max_limited_share.",
    )
    user_max_limited_share: float = Field(
        0.25, ge=0, le=1, description="Limited hours a user accepts (acceptance = 'hours')."
    )
    transport_tariff_eur_per_kw_yr: float = Field(40.0, ge=0)
    discount: dict[Literal["tdtr", "tbtr", "non_firm"], float] = Field(
        default_factory=lambda: {"tdtr": 0.50, "tbtr": 0.35, "non_firm": 0.65}
    )
    cbc_a_availability_eur_per_mw_yr: float = Field(15000.0, ge=0)
    cbc_a_activation_eur_per_mwh: float = Field(150.0, ge=0)
    cbc_t_availability_eur_per_mw_yr: float = Field(20000.0, ge=0)
    csc_availability_eur_per_mw_yr: float = Field(10000.0, ge=0)
    csc_activation_eur_per_mwh: float = Field(100.0, ge=0)
    user_value_eur_per_mwh: float = Field(
        120.0, ge=0, description="User's gross margin per MWh transported (business case)."
    )

    @field_validator("discount")
    @classmethod
    def _shares(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if not 0 <= x <= 1:
                raise ValueError(f"discount for {k!r} must be 0..1, got {x}")
        return {"tdtr": 0.50, "tbtr": 0.35, "non_firm": 0.65} | v


class Contracts(_Strict):
    """Breakthrough 3: offer contract types to requests that cannot get a firm right."""

    enabled: bool = True
    offer: list[ContractName] = Field(
        default_factory=lambda: ["csc", "tdtr", "cbc_a", "tbtr", "cbc_t", "non_firm"]
    )
    terms: ContractTerms = Field(default_factory=ContractTerms)

    @field_validator("offer")
    @classmethod
    def _no_firm(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError(f"contract types repeat in {v}")
        return [c for c in v if c != "firm"]


# ---------------------------------------------------------------- breakthrough 7: flex as the norm
class FlexNorm(_Strict):
    """Breakthrough 7: smart EV charging within sessions; batteries on CSC plus redispatch."""

    enabled: bool = True
    smart_charging_share: float = Field(0.6, ge=0, le=1)
    session_start_hour: int = Field(16, ge=0, le=23)
    session_end_hour: int = Field(8, ge=0, le=23)
    battery_csc: bool = True
    battery_hours: float = Field(2.0, gt=0, le=24, description="Energy / power of a battery.")
    round_trip_efficiency: float = Field(0.88, gt=0, le=1)
    trigger_share: float = Field(
        0.9, gt=0, le=1.5, description="Steer on days when |load| exceeds this × capacity."
    )
    redispatch_eur_per_mwh: float = Field(250.0, ge=0)
    offer_csc_to_batteries: bool = True


# ---------------------------------------------------------------- costs, attribution, the section
class Costs(_Strict):
    """Socialisation of operator costs into the transport tariff (affordability KPI)."""

    socialisation: Literal["offtake_energy"] = "offtake_energy"
    household_mwh_per_year: float = Field(2.6, gt=0)
    value_of_lost_load_eur_per_mwh: float = Field(8000.0, ge=0)
    feedin_spill_eur_per_mwh: float = Field(
        60.0, ge=0, description="Value of generation that cannot be fed in (societal cost)."
    )


class Attribution(_Strict):
    """How the effect of a set is split over its measures."""

    method: Literal["shapley"] = "shapley"
    max_exact: int = Field(8, ge=1, le=12)
    samples: int = Field(200, ge=10)
    seed: int = 0


class Measures(_Strict):
    """The scenario's `measures` section: the four breakthroughs, costs and attribution."""

    risk_appetite: RiskAppetite = Field(default_factory=RiskAppetite)
    prognosis: Prognosis = Field(default_factory=Prognosis)
    contracts: Contracts = Field(default_factory=Contracts)
    flex_norm: FlexNorm = Field(default_factory=FlexNorm)
    costs: Costs = Field(default_factory=Costs)
    attribution: Attribution = Field(default_factory=Attribution)
    market: MarketParams = Field(
        default_factory=MarketParams,
        description="Needs, tender, top-50 and budget (breakthroughs 5, 6, 8); docs/market.md.",
    )
    evaluate_options: bool = Field(
        True, description="Also evaluate each risk-appetite option alone."
    )
    sets: dict[str, list[str]] = Field(
        default_factory=dict, description="Extra named sets of measures to evaluate."
    )
    workers: int = Field(
        0, ge=0, le=64, description="Processes for the evaluations; 0 = auto (up to 2)."
    )

    @model_validator(mode="after")
    def _sets(self) -> Measures:
        known = set(MEASURES) | {f"risk_appetite.{o}" for o in RISK_OPTIONS}
        for name, members in self.sets.items():
            bad = [m for m in members if m not in known]
            if bad:
                raise ValueError(f"set {name!r}: unknown measures {bad}; known: {sorted(known)}")
        return self

    def enabled(self) -> list[str]:
        """Names of the enabled breakthroughs, in canonical order."""
        return [m for m in MEASURES if getattr(self, m).enabled]
