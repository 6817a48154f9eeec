"""Bad input: each kind gets a clear error naming file/row/column, exit code 2, no output."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from netruimte.cli import main
from netruimte.region.default import packaged_default_region_path


def run_cli(args: list[str], monkeypatch, capsys) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["netruimte", *args])
    with pytest.raises(SystemExit) as exc:
        main()
    err = capsys.readouterr().err
    return int(exc.value.code or 0), err


@pytest.fixture
def region_dir(tmp_path: Path) -> Path:
    dest = tmp_path / "region"
    shutil.copytree(packaged_default_region_path(), dest)
    return dest


def edit_line(path: Path, line_no: int, fn: Callable[[list[str], list[str]], None]) -> None:
    """Apply fn(header_fields, row_fields) to data row `line_no` (1-based after the header)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    fields = lines[line_no].split(",")
    fn(header, fields)
    lines[line_no] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    edit_line(path, row, lambda h, f: f.__setitem__(h.index(column), value))


def _areas_dso_row(region: Path) -> int:
    lines = (region / "areas.csv").read_text().splitlines()
    return next(i for i, line in enumerate(lines) if ",dso," in line)


CASES = {
    "wrong units": (
        lambda r: set_cell(r / "areas.csv", _areas_dso_row(r), "capacity_offtake_mw", "56 kW"),
        ["areas.csv", "capacity_offtake_mw", "kW", "MW"],
    ),
    "NaN": (
        lambda r: set_cell(r / "areas.csv", _areas_dso_row(r), "capacity_feedin_mw", "NaN"),
        ["areas.csv", "capacity_feedin_mw", "finite number"],
    ),
    "negative capacity": (
        lambda r: set_cell(r / "areas.csv", _areas_dso_row(r), "capacity_offtake_mw", "-5"),
        ["areas.csv", "capacity_offtake_mw", "negative"],
    ),
    "decimal comma": (
        lambda r: set_cell(r / "areas.csv", _areas_dso_row(r), "capacity_offtake_mw", '"56,5"'),
        ["areas.csv", "decimal comma"],
    ),
    "duplicate ids": (
        lambda r: set_cell(
            r / "areas.csv",
            _areas_dso_row(r) + 1,
            "area_id",
            (r / "areas.csv").read_text().splitlines()[_areas_dso_row(r)].split(",")[0],
        ),
        ["areas.csv", "duplicate area_id", "area_id"],
    ),
    "unknown area in queue": (
        lambda r: set_cell(r / "queue.csv", 3, "area_id", "NOWHERE"),
        ["queue.csv", "row 3", "unknown area 'NOWHERE'"],
    ),
    "truncated file": (
        lambda r: (r / "queue.csv").write_text((r / "queue.csv").read_text()[:-40]),
        ["queue.csv", "truncated"],
    ),
    "wrong encoding": (
        lambda r: (r / "areas.csv").write_bytes(
            (r / "areas.csv")
            .read_bytes()
            .replace(b"TenneT Noord", "TenneT Noordé".encode("latin-1"))
        ),
        ["areas.csv", "UTF-8"],
    ),
    "UTF-16 file": (
        lambda r: (r / "flex_assets.csv").write_bytes(
            (r / "flex_assets.csv").read_text().encode("utf-16")
        ),
        ["flex_assets.csv", "UTF-16"],
    ),
    "missing column": (
        lambda r: (r / "queue.csv").write_text(
            "\n".join(
                ",".join(line.split(",")[1:]) for line in (r / "queue.csv").read_text().splitlines()
            )
            + "\n"
        ),
        ["queue.csv", "request_id", "required column is missing"],
    ),
    "column typo with unit": (
        lambda r: (r / "areas.csv").write_text(
            (r / "areas.csv").read_text().replace("capacity_offtake_mw", "capacity_offtake_kw", 1)
        ),
        ["areas.csv", "capacity_offtake_kw", "did you mean"],
    ),
    "unknown category": (
        lambda r: set_cell(r / "queue.csv", 2, "category", "vip"),
        ["queue.csv", "row 2", "category"],
    ),
    "safety feed-in": (
        lambda r: edit_line(
            r / "queue.csv",
            next(
                i
                for i, ln in enumerate((r / "queue.csv").read_text().splitlines())
                if ",feedin," in ln
            ),
            lambda h, f: f.__setitem__(h.index("category"), "safety"),
        ),
        ["queue.csv", "offtake requests only"],
    ),
    "bad date": (
        lambda r: set_cell(r / "queue.csv", 4, "submitted", "31/12/2024"),
        ["queue.csv", "row 4", "submitted", "YYYY-MM-DD"],
    ),
    "parent loop": (
        lambda r: (
            set_cell(r / "areas.csv", 1, "parent_id", "TN-MIDDEN"),
            set_cell(r / "areas.csv", 2, "parent_id", "TN-NOORD"),
        ),
        ["areas.csv", "row 1", "loops"],
    ),
    "TenneT area under a supply area": (
        lambda r: set_cell(
            r / "areas.csv",
            1,
            "parent_id",
            (r / "areas.csv").read_text().splitlines()[_areas_dso_row(r)].split(",")[0],
        ),
        ["areas.csv", "row 1", "parent_id", "TenneT"],
    ),
    "missing region.toml": (lambda r: (r / "region.toml").unlink(), ["region.toml"]),
    "bad region.toml": (
        lambda r: (r / "region.toml").write_text("name = [unclosed\n"),
        ["region.toml", "invalid TOML"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_region_input(case: str, region_dir: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    corrupt, expected = CASES[case]
    corrupt(region_dir)
    out = tmp_path / "out"
    code, err = run_cli(
        ["run", "--region", str(region_dir), "--out", str(out)], monkeypatch, capsys
    )
    assert code == 2, err
    assert "Traceback" not in err
    for fragment in expected:
        assert fragment in err, f"{fragment!r} not in {err!r}"
    assert not out.exists() or not any(out.iterdir()), "no output may be written"


def test_bad_scenario_toml(tmp_path: Path, monkeypatch, capsys) -> None:
    scen = tmp_path / "s.toml"
    scen.write_text("target_year = 2030\n[risk]\nmax_shortage_hours_per_year = -3\n")
    out = tmp_path / "out"
    code, err = run_cli(["run", "--scenario", str(scen), "--out", str(out)], monkeypatch, capsys)
    assert code == 2 and "risk.max_shortage_hours_per_year" in err and "Traceback" not in err
    assert not out.exists()


def test_unknown_weather_year(tmp_path: Path, monkeypatch, capsys) -> None:
    scen = tmp_path / "s.toml"
    scen.write_text('weather_years = ["1963 (very cold)"]\n')
    out = tmp_path / "out"
    code, err = run_cli(["run", "--scenario", str(scen), "--out", str(out)], monkeypatch, capsys)
    assert code == 2 and "1963" in err and "cold (1987-like)" in err
    assert not out.exists() or not any(out.iterdir())


def test_dst_gap_in_measured_load(region_dir: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    csv = tmp_path / "load.csv"
    rows = ["timestamp,load_mw"] + [
        f"2021-03-28 {h:02d}:{m:02d},{5 + h * 0.1:.2f}"
        for h in range(0, 5)
        for m in (0, 15, 30, 45)
    ]
    csv.write_text("\n".join(rows) + "\n")
    toml_before = (region_dir / "region.toml").read_text()
    code, err = run_cli(
        [
            "import",
            "measured-load",
            str(csv),
            "--region",
            str(region_dir),
            "--area",
            "NO01",
            "--timezone",
            "Europe/Amsterdam",
        ],
        monkeypatch,
        capsys,
    )
    assert code == 2
    assert "2021-03-28 02:00" in err and "DST gap" in err and "row 9" in err
    assert not (region_dir / "measured" / "NO01.parquet").exists()
    assert (region_dir / "region.toml").read_text() == toml_before


def test_unknown_area_for_measured_load(
    region_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    csv = tmp_path / "load.csv"
    csv.write_text("timestamp,load_mw\n2021-01-01T00:00:00Z,1.0\n")
    code, err = run_cli(
        ["import", "measured-load", str(csv), "--region", str(region_dir), "--area", "ZZ99"],
        monkeypatch,
        capsys,
    )
    assert code == 2 and "ZZ99" in err


def test_malformed_capacity_map_value(tmp_path: Path, monkeypatch, capsys) -> None:
    f = tmp_path / "liander.json"
    f.write_text(
        '{"A1": {"id": "A1", "name": "A", "rnb": "Liander",'
        ' "existingTransportCapacityWithdrawal": "56 MWh"}}'
    )
    out = tmp_path / "region"
    code, err = run_cli(["import", "capacity-map", str(f), "--out", str(out)], monkeypatch, capsys)
    assert code == 2
    assert "liander.json" in err and "A1" in err and "existingTransportCapacityWithdrawal" in err
    assert not out.exists()


def test_region_folder_missing(tmp_path: Path, monkeypatch, capsys) -> None:
    code, err = run_cli(["run", "--region", str(tmp_path / "nope")], monkeypatch, capsys)
    assert code == 2 and "region folder not found" in err
