"""Readers of the smaller official files: projections, CIP–SOC, living wage, geography, prices.

Known values are read off the official files in ../shared/data; rejection tests write small
malformed copies to tmp_path and check the error names the file, the file row and the field.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from upward.bundle.sources import MIT_CITATION, SOURCES
from upward.errors import SourceFormatError
from upward.sources import cip_soc, geography, living_wage, prices, projections
from _support import assert_names, one

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"shared official data not found at {DATA} (known-value tests need the raw files)"
)

PROJ = DATA / "projections" / "occupation_2024-34.xlsx"
PROJ_PREVIOUS = DATA / "projections" / "previous" / "occupation_2022-32.xlsx"
XWALK = DATA / "cip_soc" / "CIP2020_SOC2018_Crosswalk.xlsx"
CIPCODES = DATA / "cip_soc" / "CIPCode2020.csv"
LIVING = DATA / "living_wage" / "mit-living-wage-2022.csv"
COUNTY_AREAS = DATA / "geo" / "county_to_oews_area_may2025.csv"
CBSA = DATA / "geo" / "cbsa2fipsxw_2023.csv"
MARPP = DATA / "prices" / "MARPP_MSA_2008_2024.csv"
PARPP = DATA / "prices" / "PARPP_PORT_2008_2024.csv"


# ----------------------------------------------------------------------------- projections


@pytest.fixture(scope="module")
def proj() -> pd.DataFrame:
    return projections.read_occupation_projections(PROJ)


@needs_data
def test_projections_shape(proj):
    assert list(proj.columns) == projections.COLUMNS
    assert len(proj) == 1113
    assert proj.occupation_type.value_counts().to_dict() == {"Line item": 832, "Summary": 281}
    assert proj.soc_code.is_unique and proj.soc_code.is_monotonic_increasing
    assert proj.index.equals(pd.RangeIndex(len(proj)))
    assert SOURCES["bls_projections"].release == "2024–34 and 2022–32"


@needs_data
def test_projections_registered_nurses(proj):
    rn = one(proj, soc_code="29-1141")
    assert rn.title == "Registered nurses"
    assert rn.occupation_type == "Line item"
    assert (rn.emp_base, rn.emp_projected, rn.emp_change, rn.emp_change_pct) == (3391.0, 3557.1, 166.1, 4.9)
    assert (rn.emp_dist_base_pct, rn.self_employed_pct) == (2.0, 0.5)
    assert rn.openings_annual == 189.1
    assert rn.median_wage == 93600 and pd.isna(rn.median_wage_note)
    assert (rn.typical_education, rn.work_experience, rn.on_the_job_training) == ("Bachelor's degree", "None", "None")
    assert (rn.labor_force_exit_rate, rn.occupational_transfer_rate, rn.separations_rate) == (2.8, 2.1, 5.0)
    assert (rn.labor_force_exits, rn.occupational_transfers, rn.separations) == (97.9, 74.6, 172.4)


@needs_data
def test_projections_of_an_earlier_release_read_the_same_way():
    # 2022–32 keeps the worker characteristics in Table 1.7 (2024–34 moved them into Table 1.2),
    # writes its spans with a hyphen and its wage footnote as "(1)": one reader for both.
    got = projections.read_projections(PROJ_PREVIOUS)
    assert (got.period.base_year, got.period.projected_year, got.period.release, got.period.label) == (2022, 2032, "2022-32", "2022–32")
    df = got.table
    assert list(df.columns) == projections.COLUMNS and len(df) == 1113
    rn = one(df, soc_code="29-1141")  # PROVENANCE's check: 3,172.5K (2022) → 3,349.9K (2032)
    assert (rn.emp_base, rn.emp_projected, rn.emp_change_pct, rn.openings_annual) == (3172.5, 3349.9, 5.6, 193.1)
    assert (rn.median_wage, rn.typical_education, rn.self_employed_pct) == (81220, "Bachelor's degree", 0.5)
    assert (rn.separations_rate, rn.separations) == (5.4, 175.4)
    total = one(df, soc_code="00-0000")
    assert (total.emp_base, total.emp_projected, total.median_wage) == (164482.6, 169148.1, 46310)
    assert df.median_wage_note.value_counts().to_dict() == {">=$239,200": 12, "—": 10}
    assert projections.read_projections(PROJ).period.release == "2024-34"


@needs_data
def test_projections_summary_rows_and_totals(proj):
    total = one(proj, soc_code="00-0000")
    assert (total.emp_base, total.openings_annual, total.separations) == (169956.1, 18863.3, 18342.1)
    mgmt = one(proj, soc_code="11-0000")
    assert mgmt.title == "Management occupations"  # indentation stripped
    assert mgmt.occupation_type == "Summary"
    assert pd.isna(mgmt.typical_education) and pd.isna(mgmt.work_experience) and pd.isna(mgmt.on_the_job_training)
    summary = proj[proj.occupation_type == "Summary"]
    assert summary.typical_education.isna().all()
    assert proj[proj.occupation_type == "Line item"].typical_education.notna().all()
    ceo = one(proj, soc_code="11-1011")
    assert ceo.work_experience == "5 years or more"
    assert not proj.title.str.startswith(" ").any()


@needs_data
def test_projections_top_coded_and_unavailable_wages(proj):
    obgyn = one(proj, soc_code="29-1218")
    assert math.isnan(obgyn.median_wage)
    assert obgyn.median_wage_note == ">=$239,200"
    actors = one(proj, soc_code="27-2011")
    assert math.isnan(actors.median_wage) and actors.median_wage_note == "—"
    assert proj.median_wage_note.value_counts().to_dict() == {">=$239,200": 19, "—": 9}
    assert (proj.median_wage.isna() == proj.median_wage_note.notna()).all()
    assert proj.self_employed_pct.isna().sum() == 219  # "—" in the file
    assert math.isnan(one(proj, soc_code="29-1243").self_employed_pct)


@needs_data
def test_projection_footnotes():
    notes = projections.read_footnotes(PROJ)
    assert list(notes.columns) == ["table", "marker", "text"]
    t12 = notes[notes.table == "Table 1.2"]
    assert t12.marker.tolist() == ["[1]", "Note"]
    assert t12.text.iloc[0].startswith("Data are from the Occupational Employment and Wage Statistics program")
    assert t12.text.iloc[1] == 'Data is unavailable for values denoted with a "—".'
    assert one(notes, table="Table 1.11", marker="[2]").text.startswith("Science, technology, engineering, and math")
    assert len(notes) == 9
    assert "Table 1.10" not in set(notes.table)  # Table 1.10 carries only its source line


_T12_HEADER = [
    "2024 National Employment Matrix title", "2024 National Employment Matrix code", "Occupation type",
    "Employment, 2024", "Employment, 2034", "Employment distribution, percent, 2024",
    "Employment distribution, percent, 2034", "Employment change, numeric, 2024–34",
    "Employment change, percent, 2024–34", "Percent self employed, 2024",
    "Occupational openings, 2024–34 annual average", "Median annual wage, dollars, 2024[1]",
    "Typical education needed for entry", "Work experience in a related occupation",
    "Typical on-the-job training needed to attain competency in the occupation",
    "Related Occupational Outlook Handbook (OOH) content xlsx",
]
_T10_HEADER = [
    "2024 National Employment Matrix title", "2024 National Employment Matrix code", "Occupation type",
    "Employment, 2024", "Employment, 2034", "Employment change, numeric, 2024–34",
    "Employment change, percent, 2024–34", "Labor force exit rate, 2024–34 annual average",
    "Occupational transfer rate, 2024–34 annual average",
    "Total occupational separations rate, 2024–34 annual average", "Labor force exits, 2024–34 annual average",
    "Occupational transfers, 2024–34 annual average", "Total occupational separations, 2024–34 annual average",
    "Occupational openings, 2024–34 annual average",
]


def _mini_projections(tmp_path: Path, t12_edit=None, t10_edit=None, t12_header=None) -> Path:
    """A three-occupation workbook in BLS's layout; the edits make it malformed on purpose."""
    t12 = [
        ["Total, all occupations", "00-0000", "Summary", 100, 110, 100, 100, 10, 10, 5.8, 12, 50000, "—", "—", "—", "—"],
        ["  Actors", "27-2011", "Line item", 40, 44, 40, 40, 4, 10, "—", 5, "—",
         "Some college, no degree", "None", "Long-term on-the-job training", "—"],
        ["  Surgeons, all other", "29-1249", "Line item", 60, 66, 60, 60, 6, 10, 0.7, 7, ">=$239,200",
         "Doctoral or professional degree", "None", "Internship/residency", "OOH Content"],
    ]
    t10 = [
        ["Total, all occupations", "00-0000", "Summary", 100, 110, 10, 10, 4.7, 5.9, 10.6, 4.7, 5.9, 10.6, 12],
        ["  Actors", "27-2011", "Line item", 40, 44, 4, 10, 1, 2, 3, 0.4, 0.8, 1.2, 5],
        ["  Surgeons, all other", "29-1249", "Line item", 60, 66, 6, 10, 1, 1, 2, 0.6, 0.6, 1.2, 7],
    ]
    if t12_edit:
        t12_edit(t12)
    if t10_edit:
        t10_edit(t10)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("Table 1.2")
    ws.append(["Table 1.2 Occupational projections (Employment in thousands)"])
    ws.append(t12_header or _T12_HEADER)
    for row in t12:
        ws.append(row)
    ws.append(["Footnotes:"])
    ws.append(["[1] Data are from the Occupational Employment and Wage Statistics program."])
    ws.append(['Note: Data is unavailable for values denoted with a "—".'])
    ws.append(["Source: Employment Projections program, U.S. Bureau of Labor Statistics"])
    ws = wb.create_sheet("Table 1.10")
    ws.append(["Table 1.10 Occupational separations and openings (Employment in thousands)"])
    ws.append(_T10_HEADER)
    for row in t10:
        ws.append(row)
    ws.append(["Source: Employment Projections program, U.S. Bureau of Labor Statistics"])
    path = tmp_path / "occupation.xlsx"
    wb.save(path)
    return path


def test_projections_mini_file_reads(tmp_path):
    df = projections.read_occupation_projections(_mini_projections(tmp_path))
    assert df.soc_code.tolist() == ["00-0000", "27-2011", "29-1249"]
    assert df.title.tolist() == ["Total, all occupations", "Actors", "Surgeons, all other"]
    surgeons = df.iloc[2]
    assert math.isnan(surgeons.median_wage) and surgeons.median_wage_note == ">=$239,200"
    assert surgeons.separations == 1.2 and surgeons.on_the_job_training == "Internship/residency"
    assert df.iloc[0].median_wage == 50000 and pd.isna(df.iloc[0].typical_education)
    notes = projections.read_footnotes(tmp_path / "occupation.xlsx")
    assert notes.marker.tolist() == ["[1]", "Note"]


def test_projections_rejects_non_numeric(tmp_path):
    path = _mini_projections(tmp_path, t12_edit=lambda rows: rows[1].__setitem__(3, "forty"))
    with pytest.raises(SourceFormatError, match="sheet 'Table 1.2'") as exc:
        projections.read_occupation_projections(path)
    assert_names(exc, path, row=4, field="Employment, 2024")
    path = _mini_projections(tmp_path, t10_edit=lambda rows: rows[2].__setitem__(12, ""))
    with pytest.raises(SourceFormatError, match="sheet 'Table 1.10'") as exc:
        projections.read_occupation_projections(path)
    assert_names(exc, path, row=5, field="Total occupational separations, 2024–34 annual average")


def test_projections_rejects_bad_code_and_wage_text(tmp_path):
    path = _mini_projections(tmp_path, t12_edit=lambda rows: rows[2].__setitem__(1, "291249"))
    with pytest.raises(SourceFormatError) as exc:
        projections.read_occupation_projections(path)
    assert_names(exc, path, row=5, field="2024 National Employment Matrix code")
    path = _mini_projections(tmp_path, t12_edit=lambda rows: rows[1].__setitem__(11, "n/a"))
    with pytest.raises(SourceFormatError) as exc:
        projections.read_occupation_projections(path)
    assert_names(exc, path, row=4, field="Median annual wage, dollars, 2024[1]")


def test_projections_rejects_missing_column_and_unknown_education(tmp_path):
    header = [h for h in _T12_HEADER]
    header[12] = "Education"
    path = _mini_projections(tmp_path, t12_header=header)
    with pytest.raises(SourceFormatError) as exc:
        projections.read_occupation_projections(path)
    assert_names(exc, path, row=None, field="Typical education needed for entry")
    path = _mini_projections(tmp_path, t12_edit=lambda rows: rows[2].__setitem__(12, "PhD"))
    with pytest.raises(SourceFormatError) as exc:
        projections.read_occupation_projections(path)
    assert_names(exc, path, row=5, field="Typical education needed for entry")


def test_projections_rejects_tables_that_disagree(tmp_path):
    path = _mini_projections(tmp_path, t10_edit=lambda rows: rows[2].__setitem__(1, "29-1248"))
    with pytest.raises(SourceFormatError, match="Table 1.10") as exc:
        projections.read_occupation_projections(path)
    assert "29-1249" in str(exc.value) and "29-1248" in str(exc.value)
    path = _mini_projections(tmp_path, t10_edit=lambda rows: rows[1].__setitem__(3, 41))
    with pytest.raises(SourceFormatError, match="'Table 1.2' gives 40.0 for 27-2011 but 'Table 1.10' row 4 gives 41.0") as exc:
        projections.read_occupation_projections(path)
    assert_names(exc, path, row=4, field="Employment, 2024")


def test_projections_rejects_stray_line_below_table(tmp_path):
    def stray(rows):
        rows.append(["Mystery line", None, None])

    path = _mini_projections(tmp_path, t12_edit=stray)
    with pytest.raises(SourceFormatError) as exc:
        projections.read_occupation_projections(path)
    assert_names(exc, path, row=6, field="2024 National Employment Matrix title")


# ----------------------------------------------------------------------------- CIP–SOC


@pytest.fixture(scope="module")
def xwalk() -> pd.DataFrame:
    return cip_soc.read_crosswalk(XWALK)


@needs_data
def test_crosswalk_pairs(xwalk):
    assert list(xwalk.columns) == ["cip_code", "cip_title", "soc_code", "soc_title"]
    assert len(xwalk) == 5723  # 6,097 rows in 'CIP-SOC' less 374 NO MATCH rows
    rn = one(xwalk, cip_code="51.3801", soc_code="29-1141")
    assert (rn.cip_title, rn.soc_title) == ("Registered Nursing/Registered Nurse.", "Registered Nurses")
    first = xwalk.iloc[0]
    assert (first.cip_code, first.soc_code, first.soc_title) == ("01.0000", "19-1011", "Animal Scientists")
    assert not xwalk.cip_code.eq("99.9999").any() and not xwalk.soc_code.eq("99-9999").any()
    assert not xwalk.duplicated(["cip_code", "soc_code"]).any()
    # the four pairs NCES left out of 'SOC-CIP' are kept from 'CIP-SOC'
    assert set(cip_soc.KNOWN_MISSING_FROM_SOC_CIP) <= set(zip(xwalk.cip_code, xwalk.soc_code))


@needs_data
def test_unmatched_codes(xwalk):
    un = cip_soc.read_unmatched(XWALK)
    assert list(un.columns) == ["kind", "code", "title"]
    assert un.kind.value_counts().to_dict() == {"cip": 194, "soc": 180}
    assert one(un, kind="cip", code="01.0508").title == "Taxidermy/Taxidermist."
    assert one(un, kind="soc", code="25-3041").title == "Tutors"
    assert not set(un[un.kind == "cip"].code) & set(xwalk.cip_code)
    assert not set(un[un.kind == "soc"].code) & set(xwalk.soc_code)


@needs_data
def test_cip_codes():
    cips = cip_soc.read_cip_codes(CIPCODES)
    assert list(cips.columns) == ["cip_code", "cip_family", "title", "definition", "action", "text_change", "digits"]
    assert len(cips) == 2848
    assert cips.digits.value_counts().to_dict() == {6: 2325, 4: 473, 2: 50}
    rn = one(cips, cip_code="51.3801")
    assert (rn.cip_family, rn.title, rn.digits, rn.action, rn.text_change) == (
        "51", "Registered Nursing/Registered Nurse.", 6, "No substantive changes", False,
    )
    assert rn.definition.startswith("A program that generally prepares individuals in the knowledge, techniques")
    fam = one(cips, cip_code="01")
    assert fam.title == "AGRICULTURAL/ANIMAL/PLANT/VETERINARY SCIENCE AND RELATED FIELDS." and fam.text_change
    assert one(cips, cip_code="60.0809").title == "Drug Information Pharmacy Residency/Fellowship Program"  # no period, as published
    assert not cips.cip_code.str.contains('[="]').any()
    assert cips.action.value_counts()["Deleted"] == 12


def _mini_crosswalk(tmp_path: Path, cip_soc_rows=None, soc_cip_rows=None) -> Path:
    pairs = [
        ("01.0000", "Agriculture, General.", "19-1011", "Animal Scientists"),
        ("51.3801", "Registered Nursing/Registered Nurse.", "29-1141", "Registered Nurses"),
        ("99.9999", "NO MATCH", "25-3041", "Tutors"),
    ]
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("CIP-SOC")
    ws.append(["CIP2020Code", "CIP2020Title", "SOC2018Code", "SOC2018Title"])
    for row in cip_soc_rows or pairs:
        ws.append(list(row))
    ws = wb.create_sheet("SOC-CIP")
    ws.append(["SOC2018Code", "SOC2018Title", "CIP2020Code", "CIP2020Title"])
    for c, ct, s, st in soc_cip_rows or pairs:
        ws.append([s, st, c, ct])
    path = tmp_path / "crosswalk.xlsx"
    wb.save(path)
    return path


def test_crosswalk_mini_file_drops_no_match(tmp_path):
    df = cip_soc.read_crosswalk(_mini_crosswalk(tmp_path))
    assert list(zip(df.cip_code, df.soc_code)) == [("01.0000", "19-1011"), ("51.3801", "29-1141")]


def test_crosswalk_rejects_sheets_that_disagree(tmp_path):
    path = _mini_crosswalk(
        tmp_path, soc_cip_rows=[("01.0000", "Agriculture, General.", "19-1011", "Animal Scientists")]
    )
    with pytest.raises(SourceFormatError, match="'SOC-CIP' does not hold the same") as exc:
        cip_soc.read_crosswalk(path)
    assert exc.value.field == "SOC-CIP" and path.name in str(exc.value)


def test_crosswalk_rejects_bad_code(tmp_path):
    rows = [("01.0000", "Agriculture, General.", "19-1011", "Animal Scientists"),
            ("51.3801", "Registered Nursing/Registered Nurse.", "291141", "Registered Nurses")]
    path = _mini_crosswalk(tmp_path, cip_soc_rows=rows)
    with pytest.raises(SourceFormatError, match="sheet 'CIP-SOC'") as exc:
        cip_soc.read_crosswalk(path)
    assert_names(exc, path, row=3, field="SOC2018Code")


_CIP_HEADER = '"CIPFamily","CIPCode","Action","TextChange","CIPTitle","CIPDefinition","CrossReferences","Examples"\n'


def test_cip_codes_mini_and_rejections(tmp_path):
    good = '="51",="51.3801","No substantive changes",no,"Registered Nursing/Registered Nurse.","A program.","",\n'
    path = tmp_path / "CIPCode2020.csv"
    path.write_text(_CIP_HEADER + '="51",="51","New",yes,"HEALTH.","Programs.","",\n' + good)
    df = cip_soc.read_cip_codes(path)
    assert df.cip_code.tolist() == ["51", "51.3801"] and df.digits.tolist() == [2, 6]
    assert df.text_change.tolist() == [True, False]

    path.write_text(_CIP_HEADER + good + good.replace('="51.3801"', '="51.38X1"'))
    with pytest.raises(SourceFormatError) as exc:
        cip_soc.read_cip_codes(path)
    assert_names(exc, path, row=3, field="CIPCode")

    path.write_text(_CIP_HEADER + good.replace(",no,", ",maybe,"))
    with pytest.raises(SourceFormatError) as exc:
        cip_soc.read_cip_codes(path)
    assert_names(exc, path, row=2, field="TextChange")

    path.write_text(_CIP_HEADER.replace('"CIPTitle",', "") + good)
    with pytest.raises(SourceFormatError) as exc:
        cip_soc.read_cip_codes(path)
    assert_names(exc, path, row=None, field="CIPTitle")


# ----------------------------------------------------------------------------- living wage


@needs_data
def test_living_wage_values():
    lw = living_wage.read_living_wage(LIVING)
    assert list(lw.columns) == living_wage.COLUMNS
    assert len(lw) == 37704 and lw.county_fips.nunique() == 3142
    assert set(lw.household) == set(living_wage.HOUSEHOLDS) and len(living_wage.HOUSEHOLDS) == 12
    assert (lw.year == 2021).all()
    harris = lw[lw.county_fips == "48201"].set_index("household")
    assert harris.loc["1A0C", "hourly_wage"] == 16.95
    assert harris.loc["2A2W2C", "hourly_wage"] == 22.56
    assert tuple(harris.loc["2A1W3C", ["adults", "working_adults", "children"]]) == (2, 1, 3)
    autauga = lw[lw.county_fips == "01001"].set_index("household")
    assert autauga.loc["1A1C", "hourly_wage"] == 30.58
    assert lw.iloc[0].county_fips == "01001" and lw.iloc[0].household == "1A0C"


def test_household_labels():
    assert living_wage.HOUSEHOLDS["1A0C"] == "1 adult, no children"
    assert living_wage.HOUSEHOLDS["2A2W2C"] == "2 adults (both working), 2 children"
    assert living_wage.HOUSEHOLDS["2A1W1C"] == "2 adults (1 working), 1 child"
    assert list(living_wage.HOUSEHOLDS)[:5] == ["1A0C", "1A1C", "1A2C", "1A3C", "2A1W0C"]
    assert "livingwage.mit.edu" in MIT_CITATION and "commercial" in MIT_CITATION


_LW = "year,state,county,adults,children,wage\n"


def test_living_wage_mini_and_rejections(tmp_path):
    path = tmp_path / "lw.csv"
    path.write_text(_LW + "2021,48,201,2 Adults (Both Working),2 Children,22.56\n2021,48,201,1 Adult,0 Children,16.95\n")
    df = living_wage.read_living_wage(path)
    assert df.household.tolist() == ["1A0C", "2A2W2C"] and df.hourly_wage.tolist() == [16.95, 22.56]
    assert df.working_adults.tolist() == [1, 2]

    path.write_text(_LW + "2021,48,201,1 Adult,0 Children,16.95\n2021,48,201,2 Adults (Neither Working),1 Child,9.00\n")
    with pytest.raises(SourceFormatError, match="'2 Adults \\(Neither Working\\)' is not one of") as exc:
        living_wage.read_living_wage(path)
    assert_names(exc, path, row=3, field="adults")

    path.write_text(_LW + "2021,48,201,1 Adult,4 Children,16.95\n")
    with pytest.raises(SourceFormatError) as exc:
        living_wage.read_living_wage(path)
    assert_names(exc, path, row=2, field="children")

    path.write_text(_LW + "2021,48,201,1 Adult,0 Children,$16.95\n")
    with pytest.raises(SourceFormatError) as exc:
        living_wage.read_living_wage(path)
    assert_names(exc, path, row=2, field="wage")

    path.write_text(_LW + "2021,48,201,1 Adult,0 Children,16.95\n2021,48,201,1 Adult,0 Children,17.00\n")
    with pytest.raises(SourceFormatError, match="first at row 2") as exc:
        living_wage.read_living_wage(path)
    assert_names(exc, path, row=3, field="county")

    path.write_text("year,state,county,adults,children\n2021,48,201,1 Adult,0 Children\n")
    with pytest.raises(SourceFormatError) as exc:
        living_wage.read_living_wage(path)
    assert_names(exc, path, row=None, field="wage")


# ----------------------------------------------------------------------------- geography


@pytest.fixture(scope="module")
def counties() -> pd.DataFrame:
    return geography.read_county_areas(COUNTY_AREAS)


@pytest.fixture(scope="module")
def omb() -> pd.DataFrame:
    return geography.read_cbsa_delineation(CBSA)


@needs_data
def test_county_areas(counties):
    assert list(counties.columns) == geography.COUNTY_AREA_COLUMNS
    assert len(counties) == 3222 and counties.county_fips.is_unique
    assert counties.area_code.nunique() == 528
    assert counties.area_type.value_counts().to_dict() == {"nonmetro": 1970, "metro": 1252}
    harris = one(counties, county_fips="48201")
    assert (harris.state_abbr, harris.county_name, harris.area_code, harris.area_name, harris.area_type) == (
        "TX", "Harris County", "0026420", "Houston-Pasadena-The Woodlands, TX", "metro",
    )
    barbour = one(counties, county_fips="01005")
    assert (barbour.area_code, barbour.area_name, barbour.area_type) == (
        "0100004", "Southeast Alabama nonmetropolitan area", "nonmetro",
    )
    assert (barbour.cbsa_code, barbour.cbsa_type) == ("21640", "Micropolitan Statistical Area")
    aleutians = one(counties, county_fips="02013")
    assert pd.isna(aleutians.cbsa_code) and pd.isna(aleutians.cbsa_title) and pd.isna(aleutians.cbsa_type)


@needs_data
def test_cbsa_delineation(omb):
    assert list(omb.columns) == geography.DELINEATION_COLUMNS
    assert len(omb) == 1915
    assert omb.cbsa_type.value_counts().to_dict() == {"Metropolitan Statistical Area": 1252, "Micropolitan Statistical Area": 663}
    ny = one(omb, county_fips="36061")
    assert (ny.cbsa_code, ny.metro_division_code, ny.csa_code, ny.central_outlying) == ("35620", "35614", "408", "Central")
    assert ny.metro_division_title == "New York-Jersey City-White Plains, NY-NJ"
    harris = one(omb, county_fips="48201")
    assert pd.isna(harris.metro_division_code) and harris.csa_title == "Houston-Pasadena, TX"
    assert one(omb, county_fips="72153").cbsa_title == "Ponce, PR"
    assert "San Juan-Bayamón-Caguas, PR" in set(omb.cbsa_title)  # read as UTF-8


@needs_data
def test_metro_counties_match_omb(counties, omb):
    metro = counties[counties.area_type == "metro"].merge(omb, on="county_fips", how="left", suffixes=("", "_omb"))
    assert len(metro) == 1252
    assert metro.cbsa_code_omb.notna().all()
    assert (metro.cbsa_code == metro.cbsa_code_omb).all()
    assert (metro.area_code == "00" + metro.cbsa_code_omb).all()


_GEO = "county_fips,state,county_name,oews_area_code7,oews_area_code5,oews_area_name,area_type,cbsa_code_2023,cbsa_title_2023,cbsa_type_2023\n"
_HARRIS = '48201,TX,Harris County,0026420,26420,"Houston-Pasadena-The Woodlands, TX",metropolitan,26420,"Houston-Pasadena-The Woodlands, TX",Metropolitan Statistical Area\n'
_ALEUTIANS = "02013,AK,Aleutians East Borough,0200006,0200006,Alaska nonmetropolitan area,nonmetropolitan,,,\n"


def test_county_areas_mini_and_rejections(tmp_path):
    path = tmp_path / "county_to_oews.csv"
    path.write_text(_GEO + _HARRIS + _ALEUTIANS)
    df = geography.read_county_areas(path)
    assert df.county_fips.tolist() == ["02013", "48201"] and df.area_type.tolist() == ["nonmetro", "metro"]

    path.write_text(_GEO + _HARRIS + _HARRIS)
    with pytest.raises(SourceFormatError, match="duplicate") as exc:
        geography.read_county_areas(path)
    assert_names(exc, path, row=3, field="county_fips")

    path.write_text(_GEO + _ALEUTIANS + _HARRIS.replace("0026420", "026420"))
    with pytest.raises(SourceFormatError) as exc:
        geography.read_county_areas(path)
    assert_names(exc, path, row=3, field="oews_area_code7")

    path.write_text(_GEO + _HARRIS.replace(",metropolitan,", ",urban,"))
    with pytest.raises(SourceFormatError) as exc:
        geography.read_county_areas(path)
    assert_names(exc, path, row=2, field="area_type")

    path.write_text(_GEO + _ALEUTIANS + _HARRIS.replace(",0026420,", ",0026421,"))
    with pytest.raises(SourceFormatError, match="'00' \\+ CBSA") as exc:
        geography.read_county_areas(path)
    assert_names(exc, path, row=3, field="oews_area_code7")


# ----------------------------------------------------------------------------- prices


@pytest.fixture(scope="module")
def marpp() -> pd.DataFrame:
    return prices.read_rpp(MARPP)


@needs_data
def test_rpp_metro(marpp):
    assert list(marpp.columns) == prices.COLUMNS
    assert len(marpp) == 1945 * 17 and marpp.geo_fips.nunique() == 389
    assert set(marpp.table) == {"MARPP"} and set(marpp.year) == set(range(2008, 2025))
    houston = one(marpp, geo_fips="26420", item="all_items", year=2024)
    assert houston.rpp == 98.629 and houston.line_code == 1
    assert houston.geo_name == "Houston-Pasadena-The Woodlands, TX (Metropolitan Statistical Area)"
    assert one(marpp, geo_fips="26420", item="housing", year=2024).rpp == 104.510
    assert one(marpp, geo_fips="00000", item="all_items", year=2015).rpp == 100.0
    assert one(marpp, geo_fips="00000", item="goods", year=2015).rpp == 99.583  # components are not 100 for the US
    enid = one(marpp, geo_fips="21420", item="all_items", year=2008)  # BEA "(NA)": not yet a metro
    assert math.isnan(enid.rpp) and enid.geo_name == "Enid, OK (Metropolitan Statistical Area) *"
    assert one(marpp, geo_fips="21420", item="all_items", year=2013).rpp == 89.981
    assert marpp.rpp.isna().sum() == 100
    assert set(marpp["item"]) == {"all_items", "goods", "housing", "utilities", "other_services"}


@needs_data
def test_rpp_state_portions():
    parpp = prices.read_rpp(PARPP)
    assert len(parpp) == 515 * 17 and parpp.geo_fips.nunique() == 103
    tx = one(parpp, geo_fips="48999", item="all_items", year=2024)
    assert (tx.rpp, tx.geo_name, tx.table) == (87.835, "Texas (Nonmetropolitan Portion)", "PARPP")
    assert one(parpp, geo_fips="01999", item="all_items", year=2008).rpp == 81.181


def _raw_cells(path: Path) -> dict[tuple[str, int, int], str]:
    """(geo_fips, line_code, year) → the cell exactly as BEA wrote it (stripped), footer left out."""
    lines = path.read_text(encoding="utf-8-sig").rstrip("\n").splitlines()[:-4]
    rows = list(csv.DictReader(lines))
    years = [c for c in rows[0] if c.isdigit()]
    return {
        (r["GeoFIPS"].strip().strip('"'), int(r["LineCode"]), int(y)): r[y].strip() for r in rows for y in years
    }


@needs_data
def test_rpp_state_portion_that_does_not_exist_is_missing():
    """BEA writes 0.000 for a portion that does not exist (Delaware has no nonmetro portion)."""
    parpp = prices.read_rpp(PARPP)
    raw = _raw_cells(PARPP)
    assert raw[("10999", 1, 2024)] == "0.000"
    assert math.isnan(one(parpp, geo_fips="10999", item="all_items", year=2024).rpp)
    delaware_metro = one(parpp, geo_fips="10998", item="all_items", year=2024)
    assert delaware_metro.rpp == float(raw[("10998", 1, 2024)]) == 101.105

    zero = {k for k, v in raw.items() if v == "0.000"}
    not_available = {k for k, v in raw.items() if v == prices.NOT_AVAILABLE}
    assert len(zero) == 340
    missing = parpp[parpp.rpp.isna()]
    missing_keys = set(zip(missing.geo_fips, missing.line_code, missing.year))
    assert len(missing_keys - not_available) == len(zero)
    assert missing_keys - not_available == zero and not_available <= missing_keys
    assert (parpp.rpp.dropna() > 0).all()
    assert {f for f, _, _ in zero} == {"10999", "11999", "34999", "44999"}  # DE, DC, NJ, RI nonmetro


def test_rpp_zero_is_missing_in_a_mini_file(tmp_path):
    path = tmp_path / "MARPP.csv"
    path.write_text(_BEA_HEADER + _BEA_ROWS.replace("(NA),98.629", "0.000,98.629") + _BEA_FOOTER)
    houston = prices.read_rpp(path).query("geo_fips == '26420' and item == 'all_items'")
    assert math.isnan(houston.rpp.iloc[0]) and houston.rpp.iloc[1] == 98.629


_BEA_HEADER = "GeoFIPS,GeoName,Region,TableName,LineCode,IndustryClassification,Description,Unit,2023,2024\n"
_BEA_ROWS = (
    ' "00000","United States", ,MARPP,1,"...","RPPs: All items ","Index",100.000,100.000\n'
    ' "26420","Houston-Pasadena-The Woodlands, TX (Metropolitan Statistical Area)", ,MARPP,1,"...","RPPs: All items ","Index",(NA),98.629\n'
    ' "26420","Houston-Pasadena-The Woodlands, TX (Metropolitan Statistical Area)", ,MARPP,3,"..."," RPPs: Services: Housing ","Index",103.1,104.510\n'
)
_BEA_FOOTER = (
    '"Note: See the included footnote file."\n'
    '"MARPP: Regional price parities by MSA "\n'
    '"Last updated: February 19, 2026-- new statistics for 2024; revised statistics for 2008-2023."\n'
    '"U.S. Bureau of Economic Analysis"\n'
)


def test_rpp_mini_file(tmp_path):
    path = tmp_path / "MARPP.csv"
    path.write_text(_BEA_HEADER + _BEA_ROWS + _BEA_FOOTER)
    df = prices.read_rpp(path)
    assert len(df) == 6
    houston = df[df.geo_fips == "26420"]
    assert houston["item"].tolist() == ["all_items", "all_items", "housing", "housing"]
    assert math.isnan(houston.rpp.iloc[0]) and houston.rpp.iloc[1] == 98.629


def test_rpp_rejects_cut_footer(tmp_path):
    path = tmp_path / "MARPP.csv"
    path.write_text(_BEA_HEADER + _BEA_ROWS + _BEA_FOOTER.rsplit('"U.S.', 1)[0])
    with pytest.raises(SourceFormatError, match="cut or edited") as exc:
        prices.read_rpp(path)
    assert path.name in str(exc.value) and exc.value.row == 4
    path.write_text(_BEA_HEADER + _BEA_ROWS)  # cut mid-table: no footer at all
    with pytest.raises(SourceFormatError, match="closing notes"):
        prices.read_rpp(path)


def test_rpp_rejects_bad_values(tmp_path):
    path = tmp_path / "MARPP.csv"
    path.write_text(_BEA_HEADER + _BEA_ROWS.replace("98.629", "98.6x") + _BEA_FOOTER)
    with pytest.raises(SourceFormatError) as exc:
        prices.read_rpp(path)
    assert_names(exc, path, row=3, field="2024")

    path.write_text(_BEA_HEADER + _BEA_ROWS.replace("Services: Housing", "Services: Rent") + _BEA_FOOTER)
    with pytest.raises(SourceFormatError, match="unknown description") as exc:
        prices.read_rpp(path)
    assert_names(exc, path, row=4, field="Description")

    path.write_text(_BEA_HEADER + _BEA_ROWS.replace('"26420"', '"2642"', 1) + _BEA_FOOTER)
    with pytest.raises(SourceFormatError) as exc:
        prices.read_rpp(path)
    assert_names(exc, path, row=3, field="GeoFIPS")

    path.write_text(_BEA_HEADER.replace("Description,", "Desc,") + _BEA_ROWS + _BEA_FOOTER)
    with pytest.raises(SourceFormatError) as exc:
        prices.read_rpp(path)
    assert_names(exc, path, row=None, field="Description")
