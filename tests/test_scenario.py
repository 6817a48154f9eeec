"""Scenario files: typed sections, defaults and clear errors for unknown keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from netruimte.errors import InputError
from netruimte.market.params import market_params
from netruimte.scenario import Scenario, read_scenario


def test_defaults() -> None:
    s = read_scenario(None)
    assert s == Scenario()
    assert s.target_year == 2027
    assert market_params(s).floor_eur_per_area_yr == 100_000.0


def test_market_section_is_typed(tmp_path: Path) -> None:
    f = tmp_path / "s.toml"
    f.write_text("[measures.market]\nfloor_eur_per_area_yr = 50000\nbudget_levels = 3\n")
    params = market_params(read_scenario(f))
    assert params.floor_eur_per_area_yr == 50_000 and params.budget_levels == 3


@pytest.mark.parametrize(
    ("text", "where"),
    [("[measures.market]\nflor_eur_per_area_yr = 1\n", "measures.market.flor_eur_per_area_yr"),
     ("[growth]\npath = 'fast'\n", "growth.path"),
     ("target_year = 1800\n", "target_year")],
)
def test_unknown_or_bad_keys_name_the_key(tmp_path: Path, text: str, where: str) -> None:
    f = tmp_path / "s.toml"
    f.write_text(text)
    with pytest.raises(InputError) as exc:
        read_scenario(f)
    assert where in str(exc.value) and str(f) in str(exc.value)
