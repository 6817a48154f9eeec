"""Fixtures of the market tests."""

from __future__ import annotations

import pytest
from market_cases import winter_need

from netruimte.market.need import Need


@pytest.fixture
def need() -> Need:
    return winter_need()
