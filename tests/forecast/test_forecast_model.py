"""The quantile model on small real slices: shapes, order, determinism, no use of late load."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from netruimte.flex.forecast.data import MeasuredSeries
from netruimte.flex.forecast.flexradar import QUANTILE_COLUMNS
from netruimte.flex.forecast.model import (
    FlexradarConfig,
    apply_calibration,
    calibration_scales,
    predict_flexradar,
    to_deciles,
    train_flexradar,
)

TRAIN_END = pd.Timestamp("2021-08-26", tz="UTC")
DAYS = pd.DatetimeIndex(["2021-08-26", "2021-08-27"], tz="UTC")


@pytest.mark.realdata
def test_train_predict_shapes_and_order(hal_slice: MeasuredSeries, tiny_config) -> None:
    model = train_flexradar(hal_slice, train_end=TRAIN_END, config=tiny_config)
    out = predict_flexradar(model, hal_slice, DAYS)
    assert list(out.columns[:9]) == list(QUANTILE_COLUMNS)
    assert len(out) == 2 * 96 and str(out.index.tz) == "UTC"
    q = out[list(QUANTILE_COLUMNS)].to_numpy()
    assert np.isfinite(q).all()
    assert (np.diff(q, axis=1) >= 0).all()  # no crossing
    assert model.scales.shape == (3,) and model.scales[1] == 1.0
    # the forecast is in the right ballpark of the actual load
    actual = hal_slice.frame["load_mw"].reindex(out.index).to_numpy()
    assert np.mean(np.abs(actual - out["p50_mw"])) < 0.5 * np.std(actual) + 1.0


@pytest.mark.realdata
def test_two_runs_identical(hal_slice: MeasuredSeries, tiny_config) -> None:
    a = predict_flexradar(train_flexradar(hal_slice, TRAIN_END, tiny_config), hal_slice, DAYS)
    b = predict_flexradar(train_flexradar(hal_slice, TRAIN_END, tiny_config), hal_slice, DAYS)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.mark.realdata
def test_training_ignores_load_after_train_end(hal_slice: MeasuredSeries, tiny_config) -> None:
    """Poisoning load at/after the split leaves the model, and so the forecast, unchanged."""
    frame = hal_slice.frame.copy()
    frame.loc[frame.index >= TRAIN_END, "load_mw"] = 1e6
    poisoned = MeasuredSeries(frame=frame, meta=hal_slice.meta, source=hal_slice.source)
    clean = predict_flexradar(train_flexradar(hal_slice, TRAIN_END, tiny_config), hal_slice,
                              DAYS[:1])
    dirty = predict_flexradar(train_flexradar(poisoned, TRAIN_END, tiny_config), poisoned,
                              DAYS[:1])
    pd.testing.assert_frame_equal(clean, dirty, check_exact=True)


@pytest.mark.realdata
def test_too_little_history_is_refused(hal_slice: MeasuredSeries, tiny_config) -> None:
    with pytest.raises(ValueError, match="at least"):
        train_flexradar(hal_slice, train_end=pd.Timestamp("2021-08-05", tz="UTC"),
                        config=tiny_config)


def test_calibration_hits_the_target_on_its_holdout() -> None:
    """The conformal factors put exactly the target share below each calibrated quantile."""
    rng = np.random.default_rng(0)
    n = 4000
    med = rng.normal(0, 1, n)
    raw = np.stack([med - 1.0, med, med + 1.0], axis=1)  # too narrow for noise sd 2
    y = med + rng.normal(0, 2.0, n)
    levels = (0.1, 0.5, 0.9)
    scales = calibration_scales(raw, y, levels, margin=0.0, floor_mw=1e-3)
    cal = apply_calibration(raw, scales, levels, floor_mw=1e-3)
    assert np.mean(y < cal[:, 0]) == pytest.approx(0.1, abs=0.002)
    assert np.mean(y < cal[:, 2]) == pytest.approx(0.9, abs=0.002)
    assert scales[0] == pytest.approx(2.0 * 1.2816, rel=0.08)  # z_0.9 sd / width 1
    wide = calibration_scales(raw, y, levels, margin=0.5, floor_mw=1e-3)
    assert (wide[[0, 2]] > scales[[0, 2]]).all()
    # width weighting with equal widths is the same as counting
    same = calibration_scales(raw, y, levels, margin=0.0, floor_mw=1e-3, weighting="width")
    assert np.allclose(same, scales, rtol=1e-3)


@pytest.mark.realdata
def test_rolling_recalibration_uses_only_known_load(hal_slice: MeasuredSeries,
                                                    tiny_config) -> None:
    """Day 2's factors use day 1's errors only where day 1's load is known by day 2's issue
    time: poisoning the load after that issue time leaves day 2 unchanged."""
    model = train_flexradar(hal_slice, TRAIN_END, tiny_config)
    clean = predict_flexradar(model, hal_slice, DAYS)
    frame = hal_slice.frame.copy()
    frame.loc[frame.index > pd.Timestamp("2021-08-26 06:00", tz="UTC"), "load_mw"] = -1e6
    poisoned = MeasuredSeries(frame=frame, meta=hal_slice.meta, source=hal_slice.source)
    dirty = predict_flexradar(model, poisoned, DAYS)
    pd.testing.assert_frame_equal(clean, dirty, check_exact=True)
    fixed = predict_flexradar(
        train_flexradar(hal_slice, TRAIN_END, replace(tiny_config, recalibration_days=None)),
        hal_slice, DAYS,
    )
    assert not fixed.equals(clean)  # recalibration does change the intervals


def test_to_deciles_interpolates_linearly() -> None:
    fitted = np.array([[0.0, 2.0, 4.0, 8.0, 10.0]])
    d = to_deciles(fitted, (0.1, 0.3, 0.5, 0.7, 0.9))
    assert np.allclose(d, [[0, 1, 2, 3, 4, 6, 8, 9, 10]])


def test_default_config_is_seeded() -> None:
    params = FlexradarConfig().lgb_params(0.5)
    assert params["deterministic"] is True and isinstance(params["seed"], int)
