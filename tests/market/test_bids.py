"""Bad bids are rejected with a clear reason (row, column, problem); bad files are errors."""

from __future__ import annotations

import json

import pytest

from netruimte.errors import InputError, InputErrors
from netruimte.market.bids import check_against_needs, read_bids

from .market_cases import winter_need

HEADER = (
    "bid_id,bidder,area_id,asset,action,technology,mw,divisible,min_mw,windows,"
    "max_activations_per_year,max_duration_h,availability_eur_per_mw_yr,"
    "activation_eur_per_mwh,co2_kg_per_mwh,start_date"
)
GOOD = (
    "g1,P1,A1,new,less_offtake,battery,5,false,,2027-01-01..2027-03-31 workday 17-21,"
    "50,4,10000,100,0,2027-01-01"
)


def _csv(tmp_path, *rows: str):
    path = tmp_path / "bids.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _one(bids, bid_id):
    return [r for r in bids.rejected if r.bid_id == bid_id]


@pytest.mark.parametrize(
    ("row", "column", "text"),
    [
        ("neg,P,A1,new,less_offtake,x,-5,,,,50,4,0,0,0,2027-01-01", "mw", "must be more than 0"),
        ("zero,P,A1,new,less_offtake,x,0,,,,50,4,0,0,0,2027-01-01", "mw", "must be more than 0"),
        ("kw,P,A1,new,less_offtake,x,5 kW,,,,50,4,0,0,0,2027-01-01", "mw", "in kW, but"),
        (
            "act,P,A1,new,less_offtake,x,5,,,,0,4,0,0,0,2027-01-01",
            "max_activations_per_year",
            "1 or more",
        ),
        ("dur,P,A1,new,less_offtake,x,5,,,,5,-1,0,0,0,2027-01-01", "max_duration_h", "more than 0"),
        (
            "price,P,A1,new,less_offtake,x,5,,,,5,4,-10,0,0,2027-01-01",
            "availability_eur_per_mw_yr",
            "negative",
        ),
        ("co2,P,A1,new,less_offtake,x,5,,,,5,4,0,0,-1,2027-01-01", "co2_kg_per_mwh", "negative"),
        ("asset,P,A1,old,less_offtake,x,5,,,,5,4,0,0,0,2027-01-01", "asset", "'existing' or"),
        ("action,P,A1,new,more_power,x,5,,,,5,4,0,0,0,2027-01-01", "action", "less_offtake"),
        ("date,P,A1,new,less_offtake,x,5,,,,5,4,0,0,0,1-1-2027", "start_date", "YYYY-MM-DD"),
        ("min,P,A1,new,less_offtake,x,5,true,7,,5,4,0,0,0,2027-01-01", None, "exceeds mw"),
        (
            "win,P,A1,new,less_offtake,x,5,,,2027-01-01 17-21,5,4,0,0,0,2027-01-01",
            "windows",
            "is not a window",
        ),
        (
            "winrev,P,A1,new,less_offtake,x,5,,,2027-03-01..2027-01-01,5,4,0,0,0,2027-01-01",
            "windows",
            "after it ends",
        ),
        (
            "hours,P,A1,new,less_offtake,x,5,,,2027-01-01..2027-01-31 all 25-3,5,4,0,0,0,"
            "2027-01-01",
            "windows",
            "less than or equal to 23",
        ),
        (",P,A1,new,less_offtake,x,5,,,,5,4,0,0,0,2027-01-01", "bid_id", "id is required"),
    ],
)
def test_bad_bid_is_rejected_with_row_column_and_reason(tmp_path, row, column, text):
    bids = read_bids(_csv(tmp_path, GOOD, row))
    assert [b.bid_id for b in bids.bids] == ["g1"]
    assert len(bids.rejected) >= 1
    r = bids.rejected[0]
    assert r.row == 2
    assert r.column == column
    assert text in r.reason
    assert "bids.csv" in str(r) and "row 2" in str(r)


def test_rejections_against_the_need(tmp_path):
    rows = [
        GOOD,
        "area,P,ZZ,new,less_offtake,x,5,,,,50,4,0,0,0,2027-01-01",
        "dir,P,A1,new,more_offtake,x,5,,,,50,4,0,0,0,2027-01-01",
        "late,P,A1,new,less_offtake,x,5,,,,50,4,0,0,0,2028-02-01",
        "out,P,A1,new,less_offtake,x,5,,,2026-12-01..2027-02-28,50,4,0,0,0,2027-01-01",
        "g1,P,A1,new,less_offtake,x,5,,,,50,4,0,0,0,2027-01-01",
    ]
    bids = check_against_needs(read_bids(_csv(tmp_path, *rows)), [winter_need()])
    assert [b.bid_id for b in bids.bids] == ["g1"]
    why = {(r.bid_id, r.row): (r.column, r.reason) for r in bids.rejected}
    assert why[("area", 2)] == ("area_id", "area 'ZZ' has no need in this tender")
    assert why[("dir", 3)][0] == "action"
    assert "relieves feedin congestion" in why[("dir", 3)][1]
    assert why[("late", 4)] == (
        "start_date",
        "start date 2028-02-01 is after the delivery year 2027",
    )
    assert why[("out", 5)][0] == "windows"
    assert "outside the delivery year 2027" in why[("out", 5)][1]
    assert why[("g1", 6)] == ("bid_id", "duplicate bid id (first in row 1)")


def test_strict_turns_rejections_into_errors(tmp_path):
    path = _csv(tmp_path, GOOD, "neg,P,A1,new,less_offtake,x,-5,,,,50,4,0,0,0,2027-01-01")
    with pytest.raises(InputErrors) as info:
        read_bids(path, strict=True)
    assert info.value.row == 2 and info.value.column == "mw"


def test_missing_and_unknown_columns_are_file_errors(tmp_path):
    path = tmp_path / "bids.csv"
    path.write_text("bid_id,area_id,asset,action,megawatt\nx,A1,new,less_offtake,5\n")
    with pytest.raises(InputErrors) as info:
        read_bids(path)
    text = str(info.value)
    assert "column 'megawatt': unknown column" in text
    assert "column 'mw': required column is missing" in text
    assert "column 'start_date': required column is missing" in text


def test_json_bids_and_bad_json(tmp_path):
    good = {
        "bid_id": "j1",
        "area_id": "A1",
        "asset": "new",
        "action": "less_offtake",
        "mw": 5,
        "windows": [
            {
                "start": "2027-01-01",
                "end": "2027-01-31",
                "days": "workday",
                "from_hour": 17,
                "to_hour": 20,
            },
            "2027-02-01..2027-02-28",
        ],
        "max_activations_per_year": 20,
        "max_duration_h": 3,
        "start_date": "2027-01-01",
    }
    path = tmp_path / "bids.json"
    path.write_text(json.dumps({"bids": [good, {**good, "bid_id": "j2", "mw": -1}]}))
    bids = read_bids(path)
    assert [b.bid_id for b in bids.bids] == ["j1"]
    assert len(bids.bids[0].windows) == 2
    assert bids.rejected[0].row == 2 and bids.rejected[0].column == "mw"
    path.write_text('[{"bid_id": "x",\n "mw": }]')
    with pytest.raises(InputError) as info:
        read_bids(path)
    assert info.value.row == 2 and "invalid JSON" in info.value.problem
    path.write_text('{"bid": 1}')
    with pytest.raises(InputError, match="list of bid objects"):
        read_bids(path)
