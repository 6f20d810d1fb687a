"""BLS's OEWS download workbooks: the two real national workbooks read exactly, the other layouts
(state, MSA, BOS, all-data) on workbooks written here in BLS's layout with real values, and bad
files rejected naming the file, sheet, row and column."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from upward.errors import SourceFormatError
from upward.sources.oews import MEASURES
from upward.sources.oews_workbook import read_workbook
from _support import assert_names, one

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PREVIOUS = DATA / "oews" / "previous"
M2023 = PREVIOUS / "national_M2023_dl.xlsx"
M2024 = PREVIOUS / "national_M2024_dl.xlsx"
needs_data = pytest.mark.skipif(not M2024.is_file(), reason=f"BLS's national workbooks not found under {PREVIOUS}")

HEADER = ["AREA", "AREA_TITLE", "AREA_TYPE", "PRIM_STATE", "NAICS", "NAICS_TITLE", "I_GROUP", "OWN_CODE", "OCC_CODE",
          "OCC_TITLE", "O_GROUP", "TOT_EMP", "EMP_PRSE", "JOBS_1000", "LOC_QUOTIENT", "PCT_TOTAL", "PCT_RPT", "H_MEAN",
          "A_MEAN", "MEAN_PRSE", "H_PCT10", "H_PCT25", "H_MEDIAN", "H_PCT75", "H_PCT90", "A_PCT10", "A_PCT25",
          "A_MEDIAN", "A_PCT75", "A_PCT90", "ANNUAL", "HOURLY"]
NOTES = [
    "*  = indicates that a wage estimate is not available",
    "**  = indicates that an employment estimate is not available",
    "#  = indicates a wage equal to or greater than $115.00 per hour or $239,200 per year ",
]


@pytest.fixture(scope="module")
def may2024():
    return read_workbook(M2024)


@pytest.fixture(scope="module")
def may2023():
    return read_workbook(M2023)


@needs_data
def test_national_may_2024_exact_figures(may2024):
    assert may2024.year == 2024 and may2024.period == "May 2024"
    assert may2024.areas.to_dict("records") == [{"area_code": "0000000", "area_type": "national", "state_code": "00", "area_name": "U.S."}]
    w = may2024.wages
    total = one(w, occ_code="00-0000")
    assert (total.tot_emp, total.a_median, total.a_mean) == (154_187_380, 49_500, 67_920)
    sd = one(w, occ_code="15-1252")
    assert (sd.tot_emp, sd.a_median, sd.h_median) == (1_654_440, 133_080, 63.98)
    # 1,403 rows: 831 detailed occupations, and the broad groups OEWS publishes (7 codes appear twice)
    occ = may2024.occupations
    assert len(occ) == 1396 and (occ.display_level == 3).sum() == 831
    assert list(w.columns) == ["area_code", "occ_code"] + [c for _, n in MEASURES for c in (n, f"{n}_fn")]


@needs_data
def test_national_may_2023_exact_figures(may2023):
    assert may2023.period == "May 2023"
    sd = one(may2023.wages, occ_code="15-1252")
    assert (sd.tot_emp, sd.a_median) == (1_656_880, 132_270)
    total = one(may2023.wages, occ_code="00-0000")
    assert (total.tot_emp, total.a_median) == (151_853_870, 48_060)


@needs_data
def test_markers_follow_the_time_series_footnotes(may2024):
    w = may2024.wages
    # '#': top-coded (footnote 5), kept missing — never turned into a number
    mgmt = one(w, occ_code="11-0000")
    assert pd.isna(mgmt.a_pct90) and mgmt.a_pct90_fn == "5" and mgmt.a_median == 122_090
    assert (w.a_median_fn == "5").sum() == 19 and w.a_median[w.a_median_fn == "5"].isna().all()
    # '*' in the hourly columns of occupations paid annually (ANNUAL = TRUE): footnote 4, as BLS's time series
    assert (w.h_median_fn == "4").sum() == 83 and (w.a_median_fn == "4").sum() == 7
    f = dict(zip(may2024.footnotes.footnote_code, may2024.footnotes.text))
    assert f["5"] == "This wage is equal to or greater than $115.00 per hour or $239,200 per year."
    assert re.findall(r"\$([\d,]+(?:\.\d+)?)", f["5"])[:2] == ["115.00", "239,200"]  # what _rows.top_code_bounds reads
    assert "only annual wages are released" in f["4"]


def _workbook(path: Path, rows: list[list], sheet: str = "state_M2025_dl", notes: list[str] = NOTES, period: str | None = "May 2025 OEWS Estimates") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    if period is not None:
        fd = wb.create_sheet("Field Descriptions")
        fd.append([period])
        fd.append(["Notes:"])
        for n in notes:
            fd.append([n])
    wb.save(path)
    return path


def _row(area, title, area_type, prim, occ, occ_title, group, values: dict, naics="000000", own="1235", i_group="cross-industry"):
    cells = {h: None for h in HEADER}
    cells.update(AREA=area, AREA_TITLE=title, AREA_TYPE=area_type, PRIM_STATE=prim, NAICS=naics, NAICS_TITLE="Cross-industry",
                 I_GROUP=i_group, OWN_CODE=own, OCC_CODE=occ, OCC_TITLE=occ_title, O_GROUP=group, ANNUAL="", HOURLY="")
    cells.update({k.upper(): v for k, v in values.items()})
    return [cells[h] for h in HEADER]


@pytest.fixture(scope="module")
def real(con):
    """Real May 2025 cells from the atlas (BLS's time-series release) to lay out as BLS's workbooks do."""
    names = [n for _, n in MEASURES]
    df = con.execute(
        f"select area_code, occ_code, {', '.join(names)} from wages where (area_code, occ_code) in "
        "(('4800000','15-1252'), ('0026420','29-1141'), ('2100004','29-1141'), ('0010540','29-1215'), ('4800000','13-1020'))"
    ).df()
    return {(r.area_code, r.occ_code): r for r in df.itertuples()}


def _values(r) -> dict:
    out = {}
    for _, n in MEASURES:
        v = getattr(r, n)
        out[n] = "#" if pd.isna(v) and n.startswith(("h_", "a_")) and n != "mean_prse" else (None if pd.isna(v) else float(v))
    return out


def test_state_msa_and_bos_layouts(tmp_path, real):
    tx, hou, eky = real[("4800000", "15-1252")], real[("0026420", "29-1141")], real[("2100004", "29-1141")]
    state = _workbook(tmp_path / "state_M2025_dl.xlsx", [
        _row(48, "Texas", 2, "TX", "15-1252", "Software Developers", "detailed", _values(tx)),
        # an OEWS aggregate shown twice (broad and detailed) with the same numbers: kept once, as detailed
        _row(48, "Texas", 2, "TX", "13-1020", "Buyers and Purchasing Agents", "broad", _values(real[("4800000", "13-1020")])),
        _row(48, "Texas", 2, "TX", "13-1020", "Buyers and Purchasing Agents", "detailed", _values(real[("4800000", "13-1020")])),
    ])
    msa = _workbook(tmp_path / "MSA_M2025_dl.xlsx", [
        _row(26420, "Houston-Pasadena-The Woodlands, TX", 4, "TX", "29-1141", "Registered Nurses", "detailed", _values(hou)),
        # Albany, OR: family medicine physicians are top-coded (#) on every wage
        _row(10540, "Albany, OR", 4, "OR", "29-1215", "Family Medicine Physicians", "detailed", _values(real[("0010540", "29-1215")])),
    ], sheet="MSA_M2025_dl")
    bos = _workbook(tmp_path / "BOS_M2025_dl.xlsx", [
        _row(2100004, "East Kentucky nonmetropolitan area", 6, "KY", "29-1141", "Registered Nurses", "detailed", _values(eky)),
    ], sheet="BOS_M2025_dl")
    s = read_workbook(state)
    assert s.areas.to_dict("records") == [{"area_code": "4800000", "area_type": "state", "state_code": "48", "area_name": "Texas"}]
    assert one(s.wages, occ_code="15-1252").a_median == tx.a_median == 132_150
    assert one(s.occupations, occ_code="13-1020").display_level == 3 and len(s.wages) == 2
    m = read_workbook(msa, state_fips={"TX": "48", "OR": "41"})
    assert dict(zip(m.areas.area_code, m.areas.state_code)) == {"0010540": "41", "0026420": "48"}
    h = one(m.wages, area_code="0026420", occ_code="29-1141")
    assert (h.tot_emp, h.a_median, h.a_pct25, h.loc_quotient) == (65_910, 99_830, 81_890, 0.92)
    doc = one(m.wages, area_code="0010540")
    assert pd.isna(doc.a_median) and doc.a_median_fn == "5" and doc.tot_emp == real[("0010540", "29-1215")].tot_emp
    b = read_workbook(bos)
    assert b.areas.area_code.tolist() == ["2100004"] and b.areas.area_type.tolist() == ["metro_or_nonmetro"]
    assert one(b.wages, occ_code="29-1141").a_median == eky.a_median


def test_all_data_layout_keeps_cross_industry_rows_for_all_ownerships(tmp_path, real):
    tx = real[("4800000", "15-1252")]
    rows = [
        _row(99, "U.S.", 1, "US", "15-1252", "Software Developers", "detailed", _values(tx)),
        _row(48, "Texas", 2, "TX", "15-1252", "Software Developers", "detailed", _values(tx)),
        _row(26420, "Houston-Pasadena-The Woodlands, TX", 4, "TX", "15-1252", "Software Developers", "detailed", _values(tx)),
        # national industry and ownership rows are not cross-industry, all-ownership estimates
        _row(99, "U.S.", 1, "US", "15-1252", "Software Developers", "detailed", {"tot_emp": 1}, naics="541000", i_group="3-digit"),
        _row(99, "U.S.", 1, "US", "15-1252", "Software Developers", "detailed", {"tot_emp": 2}, own="5"),
    ]
    got = read_workbook(_workbook(tmp_path / "all_data_M_2025.xlsx", rows, sheet="All May 2025 data"))
    assert got.areas.area_code.tolist() == ["0000000", "0026420", "4800000"]  # the MSA's state comes from the state row
    assert dict(zip(got.areas.area_code, got.areas.state_code))["0026420"] == "48"
    assert len(got.wages) == 3 and (got.wages.tot_emp == tx.tot_emp).all()


def test_period_from_the_file_name_when_there_is_no_field_descriptions_sheet(tmp_path, real):
    path = _workbook(tmp_path / "state_M2026_dl.xlsx", [
        _row(48, "Texas", 2, "TX", "15-1252", "Software Developers", "detailed", {**_values(real[("4800000", "15-1252")]), "a_pct90": 200000})
    ], sheet="Sheet1", period=None)
    assert read_workbook(path).year == 2026
    # with a '#' and no Field Descriptions, the cap '#' stands for is unknown: refused
    path = _workbook(tmp_path / "state_M2026_dl.xlsx", [
        _row(48, "Texas", 2, "TX", "15-1252", "Software Developers", "detailed", {**_values(real[("4800000", "15-1252")]), "a_pct90": "#"})
    ], period=None)
    with pytest.raises(SourceFormatError, match="Field Descriptions"):
        read_workbook(path)


@needs_data
def test_a_damaged_real_workbook_is_rejected_naming_sheet_row_and_column(tmp_path):
    wb = openpyxl.load_workbook(M2024)
    ws = wb["national_M2024_dl"]
    ws.cell(row=10, column=HEADER.index("A_MEDIAN") + 1).value = "n/a"
    bad = tmp_path / "national_M2024_dl.xlsx"
    wb.save(bad)
    with pytest.raises(SourceFormatError, match="sheet 'national_M2024_dl'") as exc:
        read_workbook(bad)
    assert_names(exc, bad, row=10, field="A_MEDIAN")
    assert "'n/a'" in str(exc.value)


def test_bad_cells_are_rejected_naming_row_and_column(tmp_path, real):
    tx = _values(real[("4800000", "15-1252")])
    cases = [
        (_row(48, "Texas", 2, "TX", "15-1252", "Software Developers", "detailed", {**tx, "tot_emp": -5}), 2, "TOT_EMP"),
        (_row(48, "Texas", 2, "TX", "15-1252", "Software Developers", "detailed", {**tx, "tot_emp": "#"}), 2, "TOT_EMP"),
        (_row(48, "Texas", 9, "TX", "15-1252", "Software Developers", "detailed", tx), 2, "AREA_TYPE"),
        (_row(48, "Texas", 2, "TX", "151252", "Software Developers", "detailed", tx), 2, "OCC_CODE"),
        (_row(26420, "Houston", 4, "ZZ", "15-1252", "Software Developers", "detailed", tx), 2, "PRIM_STATE"),
    ]
    for i, (row, line, column) in enumerate(cases):
        path = _workbook(tmp_path / f"state_M2025_dl_{i}.xlsx", [row])
        with pytest.raises(SourceFormatError) as exc:
            read_workbook(path)
        assert_names(exc, path, row=line, field=column)
    # the same occupation and area twice with different numbers
    path = _workbook(tmp_path / "twice.xlsx", [
        _row(48, "Texas", 2, "TX", "15-1252", "Software Developers", "detailed", tx),
        _row(48, "Texas", 2, "TX", "15-1252", "Software Developers", "detailed", {**tx, "tot_emp": 1}),
    ])
    with pytest.raises(SourceFormatError, match="rows 2, 3 with different numbers") as exc:
        read_workbook(path)
    assert_names(exc, path, row=3, field="OCC_CODE")


def test_missing_column_and_not_a_workbook(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append([h for h in HEADER if h != "A_MEDIAN"])
    path = tmp_path / "national_M2025_dl.xlsx"
    wb.save(path)
    with pytest.raises(SourceFormatError) as exc:
        read_workbook(path)
    assert_names(exc, path, row=None, field="A_MEDIAN")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    with pytest.raises(SourceFormatError, match="cannot be opened as an .xlsx workbook"):
        read_workbook(junk)


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from upward.sources import _checks

    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    path = tmp_path / "national_M2025_dl.xlsx"
    wb.save(path)
    monkeypatch.setattr(_checks, "MAX_UNPACKED_BYTES", 1000)  # a bomb's directory claims gigabytes; this one a few KB
    with pytest.raises(SourceFormatError, match="unpacks to"):
        read_workbook(path)
