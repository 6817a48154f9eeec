"""Surrogate against the exact engine on the embedded default region (central parameters)."""

from __future__ import annotations

import pytest

from netruimte.impact import players as P
from netruimte.impact.params import ImpactParams
from netruimte.impact.validate import compare_sets
from netruimte.region.default import packaged_default_region_path
from netruimte.region.folder import read_region
from netruimte.scenario import Scenario

MASKS = [
    0,
    P.BIT["risk_appetite"],
    P.BIT["prognosis"],
    P.BIT["contracts"],
    P.BIT["flex_norm"],
    P.BIT["budget"] | P.BIT["flex_expectation"],
    P.ALL,
]


@pytest.fixture(scope="module")
def table():
    region = read_region(packaged_default_region_path())
    return compare_sets(region, Scenario(), ImpactParams(), 2027, MASKS)


def test_admitted_offtake_within_a_few_percent(table) -> None:
    # measured: within 0.1–3% per set (docs/national.md); the bound leaves room for
    # changes of the region generator, not for a broken surrogate
    err = (table.surrogate_mw_offtake - table.exact_mw_offtake).abs()
    assert (err <= 0.05 * table.exact_mw_offtake + 1.0).all(), table
    assert table.loc[table["mask"] == 0, "diff_mw_offtake"].abs().item() < 1.0


def test_freed_offtake_of_all_eight_close(table) -> None:
    t = table.set_index("mask")
    exact = t.at[P.ALL, "exact_mw_offtake"] - t.at[0, "exact_mw_offtake"]
    sur = t.at[P.ALL, "surrogate_mw_offtake"] - t.at[0, "surrogate_mw_offtake"]
    assert exact > 100
    assert sur == pytest.approx(exact, rel=0.08)


def test_requests_close(table) -> None:
    err = (table.surrogate_requests - table.exact_requests).abs()
    assert (err <= 0.06 * table.exact_requests + 5).all(), table
