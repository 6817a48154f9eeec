"""Realdata: the weather generator's kinds against the real Dutch years they stand for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from netruimte.profiles.weather import generate_weather, heating_degree_days
from netruimte.timeaxis import year_axis

pytestmark = pytest.mark.realdata


@pytest.mark.parametrize(
    ("kind", "year"), [("cold", "1987"), ("typical", "1997"), ("mild", "2004")]
)
def test_generated_year_matches_real_year(shared_data: Path, kind: str, year: str) -> None:
    real = np.loadtxt(shared_data / "profiles" / "weather" / year / "air_temperature.csv")
    for seed in (20260226, 1, 2):
        gen = generate_weather([kind], [kind], year_axis(2030), seed).temperature_c[0]
        hdd_gen, hdd_real = heating_degree_days(gen, 96), heating_degree_days(real, 24)
        print(
            f"\n{kind} seed {seed}: mean {gen.mean():.2f} vs {real.mean():.2f} °C, "
            f"HDD {hdd_gen:.0f} vs {hdd_real:.0f}"
        )
        assert abs(gen.mean() - real.mean()) < 0.75
        assert abs(hdd_gen / hdd_real - 1) < 0.08
        jan_gen = gen[: 31 * 96].mean()
        jan_real = real[: 31 * 24].mean()
        assert abs(jan_gen - jan_real) < 2.5


def test_cold_year_is_colder_than_mild_year() -> None:
    w = generate_weather(["cold", "typical", "mild"], ["c", "t", "m"], year_axis(2030), 5)
    hdd = [heating_degree_days(w.temperature_c[i], 96) for i in range(3)]
    assert hdd[0] > hdd[1] > hdd[2]
    assert w.temperature_c[0].min() < w.temperature_c[2].min()
