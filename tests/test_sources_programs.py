"""Readers of the program data: IPEDS completions and directory, College Scorecard, state ETPLs.

Known values were read off the official files in ../shared/data with independent code (pyarrow,
the csv module); rejection tests write small malformed copies to tmp_path and check the error
names the file, the file row (parquet and JSON: the record number) and the field.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from upward.errors import SourceFormatError
from upward.sources import etpl, ipeds, scorecard
from _support import assert_names, one

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "programs"
needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"shared program data not found at {DATA} (known-value tests need the raw files)"
)

C2023 = DATA / "ipeds" / "c2023_a.parquet"
C2024 = DATA / "ipeds" / "c2024_a.parquet"
HD = DATA / "ipeds" / "hd2024.csv"
DICT = DATA / "ipeds" / "c_a_dictionary_varlist.xlsx"
DIST = DATA / "ipeds" / "ef2024a_dist.csv"
DRVEF = DATA / "ipeds" / "drvef2024.csv"
FOS = DATA / "scorecard" / "value_check_fos_2026-06-10.parquet"
SC_INST = DATA / "scorecard" / "institutions_scorecard_2026-06-10.parquet"
TX = DATA / "etpl" / "tx" / "twc_etpl_programs_2022-02.csv"
NJ_OUT = DATA / "etpl" / "nj" / "outcomes_schcip.csv"
NJ_PROV = DATA / "etpl" / "nj" / "providers_20210305.csv"
NJ_DEMAND = DATA / "etpl" / "nj" / "in_demand_cips.csv"
CA_CSV = DATA / "etpl" / "ca" / "programs_fixture_CA_flat.csv"
CA_JSON = DATA / "etpl" / "ca" / "programs_fixture_CA_2026-08-07.json"

HCC = "225423"  # Houston Community College


def deterministic(df: pd.DataFrame, key: list[str]) -> None:
    assert df.index.equals(pd.RangeIndex(len(df)))
    assert df.equals(df.sort_values(key, kind="stable", na_position="last").reset_index(drop=True))


# --------------------------------------------------------------------------------------- IPEDS


@pytest.fixture(scope="module")
def c2024() -> pd.DataFrame:
    return ipeds.read_completions(C2024)


@pytest.fixture(scope="module")
def hd() -> pd.DataFrame:
    return ipeds.read_institutions(HD)


@needs_data
def test_completions_known_counts(c2024):
    assert list(c2024.columns) == ipeds.COMPLETIONS_COLUMNS
    assert len(c2024) == 267_595
    assert c2024.attrs["dropped_total_rows"] == 19_384  # CIPCODE '99' grand totals
    assert c2024.cip_code.str.fullmatch(r"\d{2}\.\d{4}").all()
    rn = one(c2024, unitid=HCC, cip_code="51.3801", award_level=3, majornum=1)
    assert (rn.completions_total, rn.completions_men, rn.completions_women, rn.year) == (117, 23, 94, 2024)
    ma = one(c2024, unitid=HCC, cip_code="51.0801", award_level=21, majornum=1)
    assert (ma.completions_total, ma.completions_men, ma.completions_women) == (21, 5, 16)
    assert set(c2024.majornum) == {1}
    assert set(c2024.award_level) <= set(ipeds.AWARD_LEVELS)
    assert c2024.unitid.str.fullmatch(r"\d{6}").all()
    assert c2024.completions_total.dtype == "int64" and (c2024.completions_total >= 0).all()
    deterministic(c2024, ["unitid", "cip_code", "award_level", "majornum"])


@needs_data
def test_completions_previous_year():
    c = ipeds.read_completions(C2023)
    assert len(c) == 263_014 and c.attrs["dropped_total_rows"] == 19_308
    rn = one(c, unitid=HCC, cip_code="51.3801", award_level=3, majornum=1)
    assert (rn.completions_total, rn.completions_men, rn.completions_women, rn.year) == (153, 47, 106, 2023)


@needs_data
def test_institutions_place_and_markers(hd):
    assert list(hd.columns) == ipeds.INSTITUTION_COLUMNS
    assert len(hd) == 6_072 and hd.unitid.is_unique
    h = one(hd, unitid=HCC)
    assert h["name"] == "Houston Community College" and h.city == "Houston" and h.state_abbr == "TX"
    assert (h.county_fips, h.county_name, h.cbsa_code, h.cbsa_type, h.csa_code) == (
        "48201", "Harris County", "26420", "metro", "288"
    )
    assert (h.latitude, h.longitude) == (29.742114, -95.377319)
    assert (h.sector, h.sector_label, h.control, h.control_label) == (1, "Public, 4-year or above", 1, "Public")
    assert h.web_address == "www.hccs.edu/" and h.opeid == "01063300" and pd.isna(h.closed_on)
    # -2 (not applicable) stays missing, never a code
    fsm = one(hd, unitid="243638")
    assert pd.isna(fsm.county_fips) and pd.isna(fsm.cbsa_code) and pd.isna(fsm.cbsa_type)
    assert hd.county_fips.isna().sum() == 3 and hd.cbsa_code.isna().sum() == 276
    assert (hd.cbsa_code.isna() == hd.cbsa_type.isna()).all()
    # four-digit county codes get their leading zero back
    assert one(hd, unitid="446163").county_fips == "06071"
    assert hd.county_fips.dropna().str.fullmatch(r"\d{5}").all()
    # -3 (not available): the 22 sector-99 units
    unknown = hd[hd.sector == 99]
    assert len(unknown) == 22 and unknown.control.isna().all() and unknown.level.isna().all()
    assert hd.control.isna().sum() == 22
    assert hd.closed_on.notna().sum() == 68
    deterministic(hd, ["unitid"])


@needs_data
def test_award_level_labels():
    levels = ipeds.read_award_levels(DICT)
    assert list(levels.columns) == ipeds.AWARD_LEVEL_COLUMNS
    assert levels.award_level.tolist() == sorted(ipeds.AWARD_LEVELS)
    labels = dict(zip(levels.award_level, levels.label))
    assert labels[3] == "Associate's degree"
    assert labels[17] == "Doctor's degree - research/scholarship"  # NCES's trailing space stripped
    assert labels[20] == "Certificates of less than 12 weeks"


def _completions(tmp_path: Path, name: str = "c2024_a.parquet", **changes) -> Path:
    df = pd.DataFrame(
        {
            "UNITID": [100654, 100654, 100663],
            "CIPCODE": ["99", "01.0999", "51.3801"],
            "MAJORNUM": [1, 1, 1],
            "AWLEVEL": [5, 5, 3],
            "CTOTALT": [30, 18, 5],
            "CTOTALM": [10, 1, 2],
            "CTOTALW": [20, 17, 3],
        }
    )
    for col, value in changes.items():
        if value is None:
            df = df.drop(columns=col)
        else:
            df[col] = value
    path = tmp_path / name
    df.to_parquet(path, index=False)
    return path


def test_completions_small_file_and_year(tmp_path):
    out = ipeds.read_completions(_completions(tmp_path))
    assert out.cip_code.tolist() == ["01.0999", "51.3801"] and out.attrs["dropped_total_rows"] == 1
    assert out.year.tolist() == [2024, 2024]
    other = _completions(tmp_path, "completions.parquet")
    assert ipeds.read_completions(other, year=2023).year.tolist() == [2023, 2023]
    with pytest.raises(SourceFormatError, match="pass year="):
        ipeds.read_completions(other)
    with pytest.raises(SourceFormatError, match="academic year 2024"):
        ipeds.read_completions(_completions(tmp_path), year=2023)


@pytest.mark.parametrize(
    ("changes", "row", "field"),
    [
        ({"CTOTALT": None}, None, "CTOTALT"),  # missing column
        ({"CTOTALT": ["30", "x", "5"], "CTOTALM": None, "CTOTALW": None}, 2, "CTOTALT"),  # not a number
        ({"CTOTALT": [30, 18, -5], "CTOTALM": [10, 1, -7], "CTOTALW": [20, 17, 2]}, 3, "CTOTALT"),  # negative
        ({"CTOTALT": [30, 18, 6]}, 3, "CTOTALT"),  # total ≠ men + women
        ({"CIPCODE": ["99", "01.0999", "51.38x1"]}, 3, "CIPCODE"),  # bad CIP
        ({"AWLEVEL": [5, 5, 9]}, 3, "AWLEVEL"),  # retired award level
        ({"CIPCODE": ["99", "51.3801", "51.3801"], "UNITID": [100654, 100663, 100663], "AWLEVEL": [5, 3, 3]},
         3, "CIPCODE"),  # duplicate key
        ({"UNITID": [100654, 100654, 1006]}, 3, "UNITID"),
    ],
)
def test_completions_rejects(tmp_path, changes, row, field):
    path = _completions(tmp_path, **changes)
    with pytest.raises(SourceFormatError) as exc:
        ipeds.read_completions(path)
    assert_names(exc, path, row=row, field=field)


_HD_ROW = {
    "UNITID": "225423", "INSTNM": "Houston Community College", "ADDR": "3100 Main Street", "CITY": "Houston",
    "STABBR": "TX", "ZIP": "77002", "FIPS": "48", "OPEID": "01063300", "WEBADDR": "www.hccs.edu/", "SECTOR": "1",
    "ICLEVEL": "1", "CONTROL": "1", "DEGGRANT": "1", "CLOSEDAT": "-2", "CBSA": "26420", "CBSATYPE": "1",
    "CSA": "288", "COUNTYCD": "48201", "COUNTYNM": "Harris County", "LONGITUD": "-95.377319",
    "LATITUDE": "29.742114",
}


def _hd(tmp_path: Path, *rows: dict, drop: str | None = None) -> Path:
    path = tmp_path / "hd2024.csv"
    cols = [c for c in _HD_ROW if c != drop]
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({**_HD_ROW, **r})
    return path


def test_institutions_small_file(tmp_path):
    path = _hd(tmp_path, {}, {"UNITID": "243638", "COUNTYCD": "-2", "CBSA": "-2", "CBSATYPE": "-2", "CSA": "-2",
                              "FIPS": "64", "CLOSEDAT": "06/30/2024", "OPEID": "-2"})
    out = ipeds.read_institutions(path)
    assert out.county_fips.tolist()[0] == "48201" and pd.isna(out.county_fips[1]) and pd.isna(out.opeid[1])
    assert out.closed_on[1] == pd.Timestamp("2024-06-30")


@pytest.mark.parametrize(
    ("second", "drop", "row", "field"),
    [
        ({"COUNTYCD": "Harris"}, None, 3, "COUNTYCD"),  # bad county code
        ({"COUNTYCD": "-9"}, None, 3, "COUNTYCD"),  # unknown marker
        ({"CBSA": "-2"}, None, 3, "CBSATYPE"),  # code and type disagree
        ({"SECTOR": "4", "CONTROL": "2"}, None, 3, "CONTROL"),
        ({"LATITUDE": "129.7"}, None, 3, "LATITUDE"),
        ({"UNITID": "100654"}, None, 3, "UNITID"),  # duplicate
        ({}, "COUNTYCD", None, "COUNTYCD"),
    ],
)
def test_institutions_rejects(tmp_path, second, drop, row, field):
    path = _hd(tmp_path, {"UNITID": "100654"}, second, drop=drop)
    with pytest.raises(SourceFormatError) as exc:
        ipeds.read_institutions(path)
    assert_names(exc, path, row=row, field=field)


def test_award_levels_rejects(tmp_path):
    path = tmp_path / "dict.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Frequencies"
    ws.append(["VarName", "CodeValue", "ValueLabel"])
    ws.append(["MAJORNUM", "1", "First major"])
    wb.save(path)
    with pytest.raises(SourceFormatError, match="no award-level labels") as exc:
        ipeds.read_award_levels(path)
    assert_names(exc, path, row=None, field="VarName")
    ws.append(["AWLEVEL", "3", "Associate's degree"])
    ws.append(["AWLEVEL", "x", "Something"])
    wb.save(path)
    with pytest.raises(SourceFormatError) as exc:
        ipeds.read_award_levels(path)
    assert_names(exc, path, row=4, field="CodeValue")
    assert "sheet 'Frequencies'" in str(exc.value)


@needs_data
def test_distance_education_known_values():
    d = ipeds.read_distance_education(DIST, DRVEF)
    assert list(d.columns) == ipeds.DISTANCE_COLUMNS and len(d) == 21_819 and d.unitid.nunique() == 5_842
    deterministic(d, ["unitid", "student_level"])
    with open(DIST, newline="", encoding="utf-8-sig") as f:  # Chamberlain University-Illinois, undergraduates, by the csv module
        raw = next(r for r in csv.DictReader(f) if r["UNITID"] == "454227" and r["EFDELEV"] == "2")
    row = one(d[(d.unitid == "454227") & (d.student_level == "undergraduate")])
    assert (row.enrolled, row.exclusively_distance, row.distance_in_state, row.distance_other_state) == (
        int(raw["EFDETOT"]), int(raw["EFDEEXC"]), int(raw["EFDEEX1"]), int(raw["EFDEEX2"])) == (14041, 11445, 841, 10597)
    wgu = d[(d.unitid == "433387") & (d.student_level == "all")].iloc[0]  # entirely online: blank "some"/"none" with flag A are 0
    assert wgu.exclusively_distance == wgu.enrolled == 210208 and wgu.some_distance == wgu.no_distance == 0
    assert set(d.term) == {"Fall 2024"}


def _distance(tmp_path: Path, edit=None, name: str = "ef2024a_dist.csv") -> Path:
    """A small copy of EF2024A_DIST (two institutions, every level the reader knows), optionally edited."""
    head = ["UNITID", "EFDELEV"] + [c for f in ("EFDETOT", "EFDEEXC", "EFDESOM", "EFDENON", *(f"EFDEEX{i}" for i in range(1, 6))) for c in (f"X{f}", f)]

    def row(unit, level, tot, exc, som, non, places):
        cells = [unit, level]
        for v in (tot, exc, som, non, *places):
            cells += ["R", str(v)]
        return cells

    rows = [
        row("100654", "1", 100, 10, 20, 70, (6, 4, 0, 0, 0)),
        row("100654", "2", 80, 8, 12, 60, (5, 3, 0, 0, 0)),
        row("100654", "3", 70, 8, 10, 52, (5, 3, 0, 0, 0)),
        row("100654", "11", 10, 0, 2, 8, (0, 0, 0, 0, 0)),
        row("100654", "12", 20, 2, 8, 10, (1, 1, 0, 0, 0)),
    ]
    if edit:
        edit(rows)
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(head)
        w.writerows(rows)
    return path


def test_distance_education_small_file(tmp_path):
    d = ipeds.read_distance_education(_distance(tmp_path))
    assert d.student_level.tolist() == ["all", "graduate", "undergraduate", "undergraduate_degree_seeking", "undergraduate_non_degree"]
    assert d.set_index("student_level").loc["undergraduate", ["enrolled", "distance_other_state"]].tolist() == [80, 3]


def _set(r, row, field, value, flag=None):
    head = ["UNITID", "EFDELEV"] + [c for f in ("EFDETOT", "EFDEEXC", "EFDESOM", "EFDENON", *(f"EFDEEX{i}" for i in range(1, 6))) for c in (f"X{f}", f)]
    r[row][head.index(field)] = value
    if flag is not None:
        r[row][head.index(f"X{field}")] = flag


@pytest.mark.parametrize(
    ("edit", "row", "field"),
    [
        (lambda r: _set(r, 2, "EFDESOM", "", "R"), 4, "EFDESOM"),  # blank, but reported: not "not applicable"
        (lambda r: _set(r, 1, "EFDETOT", "81"), 3, "EFDETOT"),  # total ≠ exclusively + some + none
        (lambda r: _set(r, 4, "EFDEEX2", "2"), 6, "EFDEEXC"),  # exclusively-online ≠ the places they live
        (lambda r: _set(r, 3, "EFDETOT", "11") or _set(r, 3, "EFDENON", "9"), 3, "EFDELEV"),  # undergraduates ≠ their two kinds
        (lambda r: _set(r, 0, "EFDELEV", "7"), 2, "EFDELEV"),  # a student level the reader does not know
        (lambda r: _set(r, 0, "XEFDETOT", "Q"), 2, "XEFDETOT"),  # an imputation flag it does not know
    ],
)
def test_distance_education_rejects(tmp_path, edit, row, field):
    path = _distance(tmp_path, edit)
    with pytest.raises(SourceFormatError) as exc:
        ipeds.read_distance_education(path)
    assert_names(exc, path, row=row, field=field)


def test_distance_education_cross_check_names_the_derived_row(tmp_path):
    path = _distance(tmp_path)
    derived = tmp_path / "drvef2024.csv"
    derived.write_text("UNITID,PCTDEEXC,PCUDEEXC,PCGDEEXC\n100654,10,10,10\n", encoding="utf-8")
    ipeds.read_distance_education(path, derived)  # 10%, 10%, 10%: agrees
    derived.write_text("UNITID,PCTDEEXC,PCUDEEXC,PCGDEEXC\n100654,10,25,10\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="not the same release") as exc:
        ipeds.read_distance_education(path, derived)
    assert_names(exc, derived, row=2, field="PCUDEEXC")


# ----------------------------------------------------------------------------------- Scorecard


@pytest.fixture(scope="module")
def fos() -> pd.DataFrame:
    return scorecard.read_field_of_study(FOS)


@needs_data
def test_field_of_study_earnings(fos):
    assert list(fos.columns) == scorecard.FIELD_OF_STUDY_COLUMNS
    assert len(fos) == 227_980
    rn = one(fos, unitid=HCC, cip4="51.38", credential_level=2)
    assert rn.credential_desc == "Associate's Degree" and rn.opeid6 == "010633"
    assert (rn.earnings, rn.earnings_horizon, rn.earnings_1yr, rn.earnings_4yr) == (
        89002.0, "4yr_after_completion", 66743.0, 89002.0
    )
    assert (rn.completers, rn.debt_median, rn.earnings_threshold_state) == (276, 12455.0, 34809.0)
    assert rn.value_flag == "passes_earnings_premium" and pd.notna(rn.fails_ep_state) and not rn.fails_ep_state
    # suppressed: missing, never a number
    hort = one(fos, unitid=HCC, cip4="01.06", credential_level=1)
    assert math.isnan(hort.earnings) and pd.isna(hort.earnings_horizon) and hort.completers == 0
    assert hort.value_flag == "insufficient_data" and pd.isna(hort.fails_ep_state)
    # 1-year fallback where the 4-year figure is suppressed
    pace = one(fos, unitid="194310", cip4="11.04", credential_level=3)
    assert (pace.earnings, pace.earnings_horizon) == (52116.0, "1yr_after_completion") and math.isnan(pace.earnings_4yr)
    assert fos.earnings.notna().sum() == 62_902
    horizons = fos.earnings_horizon.value_counts().to_dict()
    assert horizons == {"4yr_after_completion": 58_112, "1yr_after_completion": 4_790}
    assert fos.unitid.isna().sum() == 7_020  # written 'NA' in the file
    assert fos.cip4.str.fullmatch(r"\d{2}\.\d{2}").all()
    deterministic(fos, ["unitid", "opeid6", "cip4", "credential_level"])


@needs_data
def test_scorecard_institutions():
    inst = scorecard.read_institutions(SC_INST)
    assert list(inst.columns) == scorecard.INSTITUTION_COLUMNS
    assert len(inst) == 6_273 and inst.unitid.is_unique
    aamu = one(inst, unitid="100654")
    assert (aamu["name"], aamu.enrollment, aamu.earnings_threshold_state, aamu.net_price_avg) == (
        "Alabama A & M University", 6124, 32204.0, 17621.0
    )
    assert inst.unitid.str.len().value_counts().to_dict() == {6: 5_803, 8: 470}
    assert (inst.net_price_avg < 0).sum() == 12  # grants above cost: published as negative
    deterministic(inst, ["unitid"])


def _fos_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unitid": ["225423", "NA"], "opeid6": ["010633", "042640"],
            "inst_name": ["Houston City College", "California Southern University"], "state": ["TX", None],
            "control": ["Public", "Private, for-profit"], "cip_code": ["5138", "4228"],
            "cip_desc": ["Registered Nursing.", "Clinical Psychology."], "credential_level": ["2", "99"],
            "credential_desc": ["Associate's Degree", scorecard.CREDENTIAL_LEVELS[99]],
            "completers_count": [276.0, None], "earnings_median_1yr": [66743.0, None],
            "earnings_median_4yr": [89002.0, None], "earnings_threshold_state": [34809.0, None],
            "earnings_threshold_national": [36082.0, None], "debt_median": [12455.0, None],
            "earnings": [89002.0, None], "earnings_horizon": ["4yr_after_completion", None],
            "fails_ep_state": [False, None], "value_flag": ["passes_earnings_premium", "insufficient_data"],
            "debt_to_earnings_ratio": [0.14, None], "debt_payback_years": [0.2, None],
        }
    )


def test_field_of_study_small_file(tmp_path):
    path = tmp_path / "fos.parquet"
    _fos_frame().to_parquet(path, index=False)
    out = scorecard.read_field_of_study(path)
    assert out.unitid.tolist()[0] == "225423" and pd.isna(out.unitid[1]) and out.cip4.tolist() == ["51.38", "42.28"]


@pytest.mark.parametrize(
    ("column", "values", "row"),
    [
        ("cip_code", ["5138", "42.2"], 2),
        ("earnings", [89000.0, None], 1),  # not the 4-year median it claims to be
        ("earnings_horizon", ["1yr_after_completion", None], 1),
        ("completers_count", [-1.0, None], 1),
        ("credential_desc", ["Bachelor's Degree", scorecard.CREDENTIAL_LEVELS[99]], 1),
        ("value_flag", ["fails_earnings_premium", "insufficient_data"], 1),
    ],
)
def test_field_of_study_rejects(tmp_path, column, values, row):
    df = _fos_frame()
    df[column] = values
    path = tmp_path / "fos.parquet"
    df.to_parquet(path, index=False)
    with pytest.raises(SourceFormatError) as exc:
        scorecard.read_field_of_study(path)
    assert_names(exc, path, row=row, field=column)


# --------------------------------------------------------------------------------------- Texas


@pytest.fixture(scope="module")
def texas() -> pd.DataFrame:
    return etpl.read_texas(TX)


@needs_data
def test_texas_programs(texas):
    assert list(texas.columns) == etpl.TEXAS_COLUMNS
    assert len(texas) == 4_736 and texas.program_id.is_unique
    yb = one(texas, program_id="32083")
    assert (yb.provider_name, yb.program_name, yb.campus_county) == (
        "100 Black Men of San Antonio, Inc.", "YouthBuild San Antonio", "Bexar"
    )
    assert (yb.tuition_fees, yb.books_supplies, yb.hours, yb.weeks, yb.apprentices) == (5600.0, 1983.0, 160.0, 4.0, 8)
    assert yb.onet_codes == ["47-2111.00"] and yb.soc_codes == ["47-2111"]
    assert (yb.public_transit, yb.onsite_childcare, yb.flexible_hours) == (True, False, True)
    assert math.isnan(yb.optional_other) and yb.books_supplies_description == "Book Tools Safety Gear"
    assert yb.program_start == pd.Timestamp("2021-01-07 17:35")
    hvac = one(texas, program_id="31827")
    assert hvac.onet_codes == ["49-9020.00", "49-2021.00", "49-9021.01"]
    assert hvac.soc_codes == ["49-9020", "49-2021", "49-9021"]
    assert (hvac.tuition_fees, hvac.books_supplies, hvac.campus_county, hvac.onsite_childcare) == (
        5750.0, 450.0, "Harris", True
    )
    assert texas.onet_codes.map(len).value_counts().to_dict() == {1: 3_361, 2: 625, 3: 556, 0: 194}
    assert texas.onsite_childcare.isna().sum() == 3_823  # blank = not stated
    assert texas.program_id.astype(int).is_monotonic_increasing
    assert texas.index.equals(pd.RangeIndex(len(texas)))


def _tx_row(**changes) -> dict:
    row = {col: "" for col in [*etpl._TX.values(), *etpl._TX_OCCUPATIONS]}
    row.update({
        "Provider #": "10144", "Campus #": "20311", "Program #": "32083", "Program Status": "Approved",
        "Provider Name": "100 Black Men", "Institution Type": "Private non-profit", "Campus Name": "San Antonio",
        "Campus Address1": "1104 Denver Blvd", "Campus City": "San Antonio", "Campus State": "TX",
        "Campus Zip Code": "78210", "Campus County": "Bexar", "Program Name": "YouthBuild",
        "Academic PreRequisites": "None", "Program Outcome": "Certificate", "Length: Contact Hours": "160",
        "Program Format": "Hybrid", "Occupation Code 1": "47211100", "Required Cost: Tuition & Fees": " 5600 ",
        "Program Start Date": "January 7, 2021 5:35 PM", "Program Last Update Date": "March 16, 2021 1:23 PM",
    })
    row.update(changes)
    return row


def _write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"Occupation Code 2": "47-2111"}, "Occupation Code 2"),
        ({"Required Cost: Tuition & Fees": "$5,600"}, "Required Cost: Tuition & Fees"),
        ({"Length: Weeks": "-4"}, "Length: Weeks"),
        ({"Information: Onsite Childcare?": "Maybe"}, "Information: Onsite Childcare?"),
        ({"Program Start Date": "2021-01-07"}, "Program Start Date"),
        ({"Program #": "1"}, "Program #"),  # duplicate id
    ],
)
def test_texas_rejects(tmp_path, changes, field):
    path = _write_csv(tmp_path / "tx.csv", [_tx_row(**{"Program #": "1"}), _tx_row(**changes)])
    with pytest.raises(SourceFormatError) as exc:
        etpl.read_texas(path)
    assert_names(exc, path, row=3, field=field)


def test_texas_small_file(tmp_path):
    path = _write_csv(tmp_path / "tx.csv", [_tx_row(**{"Program #": "9341", "Occupation Code 2": "47211101"}),
                                            _tx_row(**{"Program #": "10"})])
    out = etpl.read_texas(path)
    assert out.program_id.tolist() == ["10", "9341"]  # numeric order
    assert out.onet_codes[1] == ["47-2111.00", "47-2111.01"] and out.soc_codes[1] == ["47-2111"]
    assert out.tuition_fees.tolist() == [5600.0, 5600.0] and out.public_transit.isna().all()


# ---------------------------------------------------------------------------------- New Jersey


@needs_data
def test_nj_outcomes_suppression():
    out = etpl.read_nj_outcomes(NJ_OUT)
    assert list(out.columns) == etpl.NJ_OUTCOME_COLUMNS
    assert len(out) == 1_565
    r = one(out, provider_id="6", cip_code="51.1020")
    assert r.employment_rate_q2 == 0.0 and pd.isna(r.employment_rate_q2_note)
    assert math.isnan(r.avg_quarterly_wage_q2) and r.avg_quarterly_wage_q2_note == "-99999"
    assert math.isnan(r.retention_rate_q8) and r.retention_rate_q8_note == "-99999"
    assert (r.completers_q2, r.completers_q8, r.wage_cohort_q2) == (10, 7, 0)
    p = one(out, provider_id="27", cip_code="52.0301")
    assert (p.avg_quarterly_wage_q2, p.avg_quarterly_wage_q4) == (5013.0, 5869.0)
    assert p.employment_rate_q2 == pytest.approx(0.714285714285714)
    assert math.isnan(p.avg_quarterly_wage_q8) and p.avg_quarterly_wage_q8_note == "-99999"
    assert out.avg_quarterly_wage_q2_note.notna().sum() == 656
    for name in ("employment_rate_q2", "avg_quarterly_wage_q8", "retention_rate_q4"):
        assert (out[name].isna() == out[f"{name}_note"].notna()).all()
    assert out.cip_code.str.fullmatch(r"\d{2}\.\d{4}").all()


@needs_data
def test_nj_providers_and_in_demand():
    prov = etpl.read_nj_providers(NJ_PROV)
    assert list(prov.columns) == etpl.NJ_PROVIDER_COLUMNS
    assert len(prov) == 408
    rowan = one(prov, provider_id="6")
    assert (rowan.zip, rowan.county, rowan.city) == ("08080", "Gloucester", "Sewell")
    camden = one(prov, provider_id="68")
    assert camden.childcare and camden.bus_route1 == "452, 403, 400"  # extra quotes removed
    assert pd.isna(one(prov, provider_id="9277").county)  # 'Select One'
    assert prov.childcare.sum() == 31 and prov.wheelchair_accessible.sum() == 318
    assert prov.provider_id.astype(int).is_monotonic_increasing
    demand = etpl.read_nj_in_demand(NJ_DEMAND)
    assert len(demand) == 722 and demand.cip_code.iloc[0] == "01.0105"
    deterministic(demand, ["cip_code"])


_NJ_HEADER = ["providerid", "cipcode", *etpl._NJ_OUTCOMES]


@pytest.mark.parametrize(
    ("cell", "value", "field"),
    [
        ("cipcode", "51102", "cipcode"),  # lost its leading digit: five digits
        ("cipcode", "51.1020", "cipcode"),
        ("PerEmployed2", "", "PerEmployed2"),  # blank is not the marker
        ("PerEmployed2", "1.3", "PerEmployed2"),
        ("AvgQuarterlyWage4", "-99998", "AvgQuarterlyWage4"),
        ("NumCompleted2", "-99999", "NumCompleted2"),  # counts are never suppressed
    ],
)
def test_nj_outcomes_rejects(tmp_path, cell, value, field):
    good = {"providerid": "6", "cipcode": "511020", **{c: "1" for c in etpl._NJ_OUTCOMES}}
    good["AvgQuarterlyWage2"] = "-99999"
    path = _write_csv(tmp_path / "outcomes_schcip.csv", [good, {**good, "providerid": "7", cell: value}])
    with pytest.raises(SourceFormatError) as exc:
        etpl.read_nj_outcomes(path)
    assert_names(exc, path, row=3, field=field)


def test_nj_outcomes_small_file(tmp_path):
    good = {"providerid": "6", "cipcode": "010101", **{c: "3" for c in etpl._NJ_OUTCOMES}}
    good.update({"PerEmployed2": "0.5", "PerEmployed4": "-99999", "PerEmployed8": "1", "PerRetention4": "0",
                 "PerRetention8": "1"})
    out = etpl.read_nj_outcomes(_write_csv(tmp_path / "o.csv", [good]))
    assert out.cip_code[0] == "01.0101" and out.employment_rate_q2[0] == 0.5
    assert math.isnan(out.employment_rate_q4[0]) and out.employment_rate_q4_note[0] == "-99999"


# ---------------------------------------------------------------------------------- California


@needs_data
def test_california_programs():
    ca = etpl.read_california(CA_CSV)
    assert list(ca.columns) == etpl.CALIFORNIA_COLUMNS
    assert len(ca) == 60
    bim = one(ca, program_id="f6900f55-31e5-11f1-ba03-00155dd2f085")
    assert bim.soc_codes == ["17-3019", "11-9021", "17-3011"] and bim.cip_code == "15.0101"
    assert (bim.tuition, bim.total_cost, bim.employed_q4) == (5660.0, 5660.0, 9.0)
    assert bim.outcomes_reported and math.isnan(bim.median_quarterly_earnings_q2)  # not published
    billing = one(ca, program_id="f69d0c12-31e5-11f1-b47c-00155dd2f085")
    assert billing.soc_codes == ["43-3011", "43-3021", "43-6013"]
    assert (billing.city, billing.zip, billing.weeks, billing.hours) == ("Woodland Hills", "91367", 27.0, 17.0)
    assert (billing.median_quarterly_earnings_q2, billing.employment_rate_q2, billing.total_cost) == (
        10499.0, 0.57, 2735.0
    )
    quiet = one(ca, program_id="f6929c13-31e5-11f1-8fef-00155dd2f085")
    assert not quiet.outcomes_reported and math.isnan(quiet.total_served)
    assert (~ca.outcomes_reported).sum() == 14
    assert ca.exited_exceeds_served.sum() == 24
    deterministic(ca, ["program_id"])
    pd.testing.assert_frame_equal(etpl.read_california(CA_JSON), ca)  # the JSON it was flattened from


def _ca_record() -> dict:
    return {
        "uuid": "f6900f55-31e5-11f1-ba03-00155dd2f085", "provider_name": "VDCI", "program_name": "BIM",
        "program_format": "online", "program_url": None, "entity_type": "Private For-Profit",
        "cip_code": "15.0101", "soc_codes": ["17-3019", "11-9021"],
        "location": {"city": "San Diego", "state": "CA", "zip": "92110", "lat": 32.77, "lon": -117.2},
        "region": None,
        "length": {"weeks": None, "hours": 12.0, "competency_based": False},
        "cost": {"tuition": 5660.0, "supplies": 0.0, "total_out_of_pocket": 5660.0, "total_is_complete": True,
                 "wioa_funded_cost": 0.0},
        "outcomes": {"total_served": 11.0, "total_exited": 9.0, "total_completed": 9.0, "completion_rate": 1.0,
                     "credentials_earned": 9.0, "median_earnings": None, "employment_rate_q2": None,
                     "employed_q2": None, "employed_q4": 9.0, "reported": True,
                     "cohort": {"internally_consistent": True, "exited_exceeds_served": False,
                                "completed_exceeds_served": False}},
    }


def test_california_json_rejects(tmp_path):
    path = tmp_path / "ca.json"
    second = _ca_record()
    second["uuid"] = "f6900f55-31e5-11f1-ba03-00155dd2f086"
    path.write_text(json.dumps({"programs": [_ca_record(), second]}))
    out = etpl.read_california(path)
    assert out.soc_codes[0] == ["17-3019", "11-9021"] and pd.isna(out.area_name[0]) and out.hours[0] == 12.0
    for mutate, field in (
        (lambda r: r.update(soc_codes=["17-3019", "173011"]), "soc_codes"),
        (lambda r: r.update(cip_code="15.01"), "cip_code"),
        (lambda r: r["outcomes"].update(employment_rate_q2=57.0), "outcomes.employment_rate_q2"),
        (lambda r: r["outcomes"].update(reported=False), "outcomes.reported"),
        (lambda r: r["cost"].update(tuition="free"), "cost.tuition"),
    ):
        bad = json.loads(json.dumps(second))
        mutate(bad)
        path.write_text(json.dumps({"programs": [_ca_record(), bad]}))
        with pytest.raises(SourceFormatError) as exc:
            etpl.read_california(path)
        assert_names(exc, path, row=2, field=field)


def test_missing_files_and_columns(tmp_path):
    for reader in (etpl.read_texas, etpl.read_nj_providers, etpl.read_california, scorecard.read_institutions,
                   ipeds.read_institutions):
        with pytest.raises(SourceFormatError, match="file not found"):
            reader(tmp_path / "absent.csv")
    path = _write_csv(tmp_path / "in_demand_cips.csv", [{"CIP": "01.0105"}])
    with pytest.raises(SourceFormatError) as exc:
        etpl.read_nj_in_demand(path)
    assert_names(exc, path, row=None, field="CIPTitle")
