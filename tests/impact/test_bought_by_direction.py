"""Flex MW bought by tenders and the budget, per direction (the spend table)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netruimte.impact.flexsets import mw_by_direction, tender_bought


def _options() -> pd.DataFrame:
    rows = [  # option, area, direction, MW, €/yr
        ("wind", "S1", "feedin", 10.0, 50_000.0),
        ("industry", "S1", "offtake", 2.0, 80_000.0),
        ("battery", "S2", "offtake", 1.0, 30_000.0),
        ("tso", "T", "offtake", 5.0, 10_000.0),
    ]
    out = pd.DataFrame(rows, columns=["option_id", "area_id", "direction", "mw", "cost_eur_per_yr"])
    out["eur_per_mw_yr"] = out.cost_eur_per_yr / out.mw
    return out


def test_tenders_spend_the_area_floor_on_the_cheaper_feedin_first() -> None:
    """In S1 the cheap feed-in option takes €50k of the €100k floor, so the offtake option
    (€80k) no longer fits; S2 has no offtake shortage; T is a TenneT area (no tenders)."""
    opts = _options()
    area_ids = ["T", "S1", "S2"]
    level = np.array([1, 0, 0])
    shortage = np.array([[100.0, 0.0], [50.0, 200.0], [0.0, 0.0]])
    bought = tender_bought(opts, area_ids, level, shortage, np.array([100_000.0, 200_000.0]))
    assert bought.tolist() == [[True, False, False, False], [True, True, False, False]]
    mw = mw_by_direction(opts, bought)
    assert mw.shape == (2, 2)
    np.testing.assert_allclose(mw, [[0.0, 10.0], [2.0, 10.0]])


def test_spend_table_splits_bought_mw_by_direction(tiny_result) -> None:
    for yr in tiny_result.years.values():
        sp = yr.spend
        np.testing.assert_allclose(
            sp.tenders_flex_mw_offtake + sp.tenders_flex_mw_feedin, sp.tenders_flex_mw
        )
        for col in ("tenders_flex_mw_offtake", "budget_flex_mw_offtake", "budget_flex_mw_feedin"):
            assert (sp[col] >= 0).all()
