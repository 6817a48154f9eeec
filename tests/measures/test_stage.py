"""The measures stage in `netruimte run` on a small generated region, and scenario typing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netruimte.errors import InputError
from netruimte.measures import framework
from netruimte.measures.picture import base_picture
from netruimte.pipeline import compute, design_year_indices
from netruimte.scenario import Scenario, read_scenario


@pytest.fixture(scope="module")
def run(small_region):
    return compute(small_region, Scenario())


def test_stage_reports_three_kpi_families_per_measure_and_set(run) -> None:
    for name in ("measures_summary", "measures_attribution", "measures_kpis", "measures_national"):
        assert isinstance(run.extra[name], pd.DataFrame) and len(run.extra[name]), name
    s = run.extra["measures_summary"].set_index("name")
    assert set(s.kind) >= {"baseline", "measure", "option", "set", "subset"}
    shown = s[s.kind.isin(["baseline", "measure", "option", "set"])]
    families = {
        "availability": ["admitted_mw_offtake", "admitted_requests", "mw_freed"],
        "reliability": ["eens_mwh", "curtailment_hours", "curtailment_events", "emergency_calls"],
        "affordability": ["operator_cost_eur", "eur_per_mw_admitted", "tariff_eur_per_mwh"],
    }
    for cols in families.values():
        assert shown[cols].notna().all().all()
    assert len(shown) == 1 + 4 + 5 + 1
    # the baseline is the run's own admission
    adm = run.admission
    got = adm[adm.outcome == "admitted"]
    assert s.loc["baseline", "admitted_mw_offtake"] == pytest.approx(
        got.loc[got.direction == "offtake", "mw"].sum()
    )
    kp = run.extra["measures_kpis"]
    assert set(kp.name) >= {"baseline", "risk_appetite", "all enabled"}
    assert "measures" in run.summary()
    assert any("Measures" in title for title, _ in run.sections)


def test_attributions_sum_to_the_whole_set(run) -> None:
    a = run.extra["measures_attribution"].set_index("measure")
    players = [m for m in a.index if m not in ("sum of attributions", "whole set")]
    assert players == ["risk_appetite", "prognosis", "contracts", "flex_norm"]
    for col in ("mw_freed_offtake", "mw_freed_feedin", "requests_freed"):
        assert a.loc[players, col].sum() == pytest.approx(a.loc["whole set", col], abs=1e-3)
    s = run.extra["measures_summary"].set_index("name")
    assert a.loc["whole set", "mw_freed_offtake"] == pytest.approx(
        s.loc["all enabled", "mw_freed_offtake"], abs=1e-3
    )


def test_measures_that_cannot_add_shortage_do_not(run) -> None:
    """Booked flex, flex as the norm and emergency curtailment never raise the base shortage
    (before any queue) of any area; booked flex never raises what is left after flex."""
    m = run.scenario.measures
    design = design_year_indices(run.scenario, run.cube.weather_labels)
    pic = base_picture(run.region, run.scenario, run.cube, run.library, design)
    cap = pic.capacity_mw

    def shortage(p, beyond_flex: bool = False) -> np.ndarray:
        flex = p.flex.mw if beyond_flex else 0.0
        off = np.maximum(p.load_mw - (cap[:, 0] + (flex[:, 0] if beyond_flex else 0)), 0)
        feed = np.maximum(-p.load_mw - (cap[:, 1] + (flex[:, 1] if beyond_flex else 0)), 0)
        return np.nan_to_num(off + feed).sum(axis=(0, 1))

    base = shortage(pic)
    for name in ("risk_appetite.emergency_curtailment", "risk_appetite.expected_flex"):
        after = framework.apply_set(pic, [name], m)
        assert (shortage(after) <= base + 1e-3).all(), name
    booked = framework.apply_set(pic, ["risk_appetite.expected_flex"], m)
    assert (shortage(booked, True) <= shortage(pic, True) + 1e-3).all()
    norm = framework.apply_set(pic, ["flex_norm"], m)
    dso = (run.region.areas["level"] == "dso").to_numpy()
    assert (shortage(norm)[dso] <= base[dso] + 1e-3).all()


def test_measures_section_is_typed(tmp_path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(
        "[measures.risk_appetite.emergency_curtailment]\nshare = 0.05\nmax_calls_per_year = 2\n"
        "[measures.contracts]\noffer = ['tdtr', 'cbc_a']\n"
        "[queue.reservations.housing]\nshare_of_capacity = 0.05\n"
    )
    s = read_scenario(good)
    assert s.measures.risk_appetite.emergency_curtailment.share == 0.05
    assert s.measures.contracts.offer == ["tdtr", "cbc_a"]
    assert s.queue.reservations["housing"].share_of_capacity == 0.05
    assert Scenario().measures.prognosis.request_peak_factor == 0.85  # a documented default
    typo = tmp_path / "typo.toml"
    typo.write_text("[measures.risk_appetite]\nemergency_curtailmnt = {share = 0.1}\n")
    with pytest.raises(InputError) as err:
        read_scenario(typo)
    assert err.value.column == "measures.risk_appetite.emergency_curtailmnt"
    bad = tmp_path / "bad.toml"
    bad.write_text("[measures.risk_appetite.time_of_use]\nshare = 1.5\n")
    with pytest.raises(InputError, match="less than or equal to 1"):
        read_scenario(bad)
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("[measures]\nsets = {both = ['prognosis', 'tenders']}\n")
    with pytest.raises(InputError, match="unknown measures"):
        read_scenario(unknown)
