"""Parsing of single cell values with clear messages (units, NaN, decimal commas, dates)."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

_NUMBER_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z/€%]*)\s*$")
_MISSING = {"", "-"}
_NAN_WORDS = {"nan", "na", "n/a", "null", "none", "inf", "-inf", "+inf", "infinity"}


def parse_number(value: Any, unit: str | None = None) -> float | None:
    """A finite float from a cell; '' or '-' is missing (None); a unit suffix must match `unit`."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{value!r} is not allowed: give a finite number")
        return float(value)
    text = str(value).strip()
    if text in _MISSING:
        return None
    if text.lower() in _NAN_WORDS:
        raise ValueError(f"{text!r} is not allowed: give a finite number or leave the cell empty")
    if re.fullmatch(r"[-+]?\d+,\d+", text):
        raise ValueError(f"{text!r} uses a decimal comma: write {text.replace(',', '.')}")
    m = _NUMBER_UNIT.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a number")
    number, given_unit = float(m.group(1)), m.group(2)
    if given_unit:
        if unit is None:
            raise ValueError(f"{text!r}: this column takes a plain number without a unit")
        if given_unit != unit:
            raise ValueError(f"{text!r} is in {given_unit}, but this column is in {unit}")
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is not allowed: give a finite number")
    return number


def _mw(value: Any) -> float | None:
    return parse_number(value, "MW")


def _mwh(value: Any) -> float | None:
    return parse_number(value, "MWh")


def _plain(value: Any) -> float | None:
    return parse_number(value, None)


def _int(value: Any) -> int | None:
    x = parse_number(value, None)
    if x is None:
        return None
    if x != int(x):
        raise ValueError(f"{value!r} is not a whole number")
    return int(x)


def _non_negative(x: float | None) -> float | None:
    if x is not None and x < 0:
        raise ValueError(f"{x:g} is negative; it must be 0 or more")
    return x


def _positive(x: float | None) -> float | None:
    if x is not None and x <= 0:
        raise ValueError(f"{x:g} must be more than 0")
    return x


def _fraction(x: float | None) -> float | None:
    if x is not None and not 0.0 <= x <= 1.0:
        raise ValueError(f"{x:g} is outside 0..1")
    return x


def _date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if text in _MISSING:
        return None
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def _bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"", "-"}:
        return None
    if text in {"true", "yes", "1", "y"}:
        return True
    if text in {"false", "no", "0", "n"}:
        return False
    raise ValueError(f"{value!r} is not true/false")


MW = Annotated[float | None, BeforeValidator(_mw), AfterValidator(_non_negative)]
PositiveMW = Annotated[float | None, BeforeValidator(_mw), AfterValidator(_positive)]
MWh = Annotated[float | None, BeforeValidator(_mwh), AfterValidator(_non_negative)]
NonNegative = Annotated[float | None, BeforeValidator(_plain), AfterValidator(_non_negative)]
Number = Annotated[float | None, BeforeValidator(_plain)]
Count = Annotated[int | None, BeforeValidator(_int), AfterValidator(_non_negative)]
Fraction = Annotated[float | None, BeforeValidator(_plain), AfterValidator(_fraction)]
Date = Annotated[date | None, BeforeValidator(_date)]
Text = Annotated[str | None, BeforeValidator(_text)]
Flag = Annotated[bool | None, BeforeValidator(_bool)]
