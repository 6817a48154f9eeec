"""region.toml: the region's name, base year, weather source and attached files."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FORMAT_VERSION = 1


class WeatherYear(BaseModel):
    """One weather year of the region: generated from a kind, or read from the weather file."""

    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1)
    kind: Literal["cold", "typical", "mild"] = "typical"


class WeatherSpec(BaseModel):
    """Where the weather comes from: the seeded generator or a Parquet file of the region."""

    model_config = ConfigDict(extra="forbid")
    source: Literal["generated", "file"] = "generated"
    seed: int = 20260226
    file: str | None = None
    years: list[WeatherYear] = Field(
        default_factory=lambda: [
            WeatherYear(label="cold (1987-like)", kind="cold"),
            WeatherYear(label="typical (1997-like)", kind="typical"),
            WeatherYear(label="mild (2004-like)", kind="mild"),
        ],
        min_length=1,
    )

    @model_validator(mode="after")
    def _check(self) -> WeatherSpec:
        labels = [y.label for y in self.years]
        if len(set(labels)) != len(labels):
            raise ValueError(f"weather year labels must be unique, got {labels}")
        if self.source == "file" and not self.file:
            raise ValueError("weather.source = 'file' needs weather.file")
        return self


class RegionMeta(BaseModel):
    """The contents of region.toml."""

    model_config = ConfigDict(extra="forbid")
    format_version: int = FORMAT_VERSION
    name: str = Field(min_length=1)
    description: str = ""
    base_year: int = Field(default=2026, ge=2000, le=2100)
    latitude: float = Field(default=52.1, ge=-90, le=90)
    longitude: float = Field(default=5.2, ge=-180, le=180)
    weather: WeatherSpec = Field(default_factory=WeatherSpec)
    measured_load: dict[str, str] = Field(default_factory=dict)
    networks: dict[str, str] = Field(default_factory=dict)
    sources: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _version(self) -> RegionMeta:
        if self.format_version > FORMAT_VERSION:
            raise ValueError(
                f"format_version {self.format_version} is newer than this netruimte "
                f"understands ({FORMAT_VERSION}); upgrade netruimte"
            )
        return self


def read_meta(path: Path) -> RegionMeta:
    """Parse and validate region.toml."""
    from netruimte.tomlfile import read_toml_model

    return read_toml_model(path, RegionMeta)
