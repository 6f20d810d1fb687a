"""Readers of the population, benefits, hazard, CPS and AI-exposure files.

Known values are read off the official files in ../shared/data (each checked against the file
by hand); rejection tests write small malformed copies to tmp_path and check that the error names
the file, the row and the field.
"""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from upward.errors import SourceFormatError
from upward.sources import ai_exposure, cps, ncs, svi, work_context
from _support import one

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"shared official data not found at {DATA}")

SVI = DATA / "population" / "SVI_2022_US_county.csv"
BEN = DATA / "job_quality" / "benefits"
HAZ = DATA / "job_quality" / "onet_hazardous_conditions.csv"
CENSUS = DATA / "cps" / "2018-occupation-code-list-and-crosswalk.xlsx"
GPTS = DATA / "ai_exposure" / "gpts_are_gpts" / "occ_level.csv"
WWAI = DATA / "ai_exposure" / "microsoft_working_with_ai"

#: Chicago-Naperville-Elgin, IL-IN (OEWS 0016980): its 13 counties under the May 2025 areas.
CHICAGO_COUNTIES = {"17031", "17037", "17043", "17063", "17089", "17093", "17097", "17111", "17197", "18073", "18089", "18111", "18127"}


# ----------------------------------------------------------------------------- SVI


@pytest.fixture(scope="module")
def pop() -> pd.DataFrame:
    return svi.read_svi_county(SVI)


@needs_data
def test_svi_every_county_once(pop):
    assert list(pop.columns) == svi.COLUMNS
    assert len(pop) == 3144 and pop.county_fips.is_unique and pop.county_fips.str.fullmatch(r"\d{5}").all()
    assert not pop.county_fips.str.startswith("72").any()  # no Puerto Rico in SVI
    # Connecticut as its nine planning regions, like OEWS
    assert sorted(pop[pop.state_abbr == "CT"].county_fips) == [f"091{i}0" for i in range(1, 10)]


@needs_data
def test_svi_autauga_values(pop):
    a = one(pop, county_fips="01001")  # the file's first row; leading zero restored
    assert a.county_name == "Autauga County" and a.state_abbr == "AL"
    assert (a.total_population, a.households) == (58761, 22308)


@needs_data
def test_svi_chicago_counts_from_the_issue(pop):
    chi = pop[pop.county_fips.isin(CHICAGO_COUNTIES)]
    assert len(chi) == 13
    assert chi.no_hs_diploma.sum() == 667_675
    assert chi.limited_english.sum() == 443_387
    assert chi.no_vehicle.sum() == 436_818


def test_svi_negative_count_names_row_and_field(tmp_path):
    f = tmp_path / "svi.csv"
    cols = ["FIPS", "ST_ABBR", "COUNTY", "E_TOTPOP", "M_TOTPOP", "E_HH", "M_HH"] + [
        f"{p}_{c}" for c, _, _ in svi.MEASURES.values() for p in ("E", "M", "EP")
    ]
    good = {c: "1" for c in cols} | {"FIPS": "1001", "ST_ABBR": "AL", "COUNTY": "Autauga County"}
    bad = good | {"FIPS": "1003", "E_NOVEH": "-5"}
    pd.DataFrame([good, bad]).to_csv(f, index=False)
    with pytest.raises(SourceFormatError) as e:
        svi.read_svi_county(f)
    assert (e.value.row, e.value.field) == (3, "E_NOVEH")
    pd.DataFrame([good, good | {"E_NOVEH": "-999"}]).to_csv(f, index=False)  # SVI's "not computed"
    with pytest.raises(SourceFormatError, match="duplicate"):
        svi.read_svi_county(f)


# ----------------------------------------------------------------------------- NCS


@needs_data
def test_ncs_medical_care_march_2025():
    med = ncs.read_medical_by_occupation(BEN / "ncs_medical_care_by_occupation_march2025.csv")
    r = one(med, occupational_group="Installation, maintenance, and repair occupations", ownership="civilian")
    assert (r.access_pct, r.participation_pct, r.takeup_pct) == (81, 59, 72)
    assert one(med, occupational_group="All workers", ownership="civilian").access_pct == 74
    assert one(med, occupational_group="Service occupations", ownership="statelocal").access_pct == 82
    # a group BLS publishes only for state and local government has no civilian row
    assert med[(med.occupational_group == "Protective service occupations")].ownership.tolist() == ["statelocal"]


@needs_data
def test_ncs_sick_leave_keeps_private_and_public_only():
    sick = ncs.read_sick_leave_by_industry(BEN / "ncs_paid_sick_leave_access_by_industry_2010_2025.csv")
    assert set(sick.ownership) == {"private", "public"}
    assert one(sick, year=2025, ownership="private", industry_code="720000").sick_leave_access_pct == 55
    assert one(sick, year=2025, ownership="public", industry_code="000000").sick_leave_access_pct == 93
    assert one(sick, year=2010, ownership="private", industry_code="230000").sick_leave_access_pct == 37


@needs_data
def test_ncs_wage_categories():
    w = ncs.read_wage_category_tables(BEN / "ncs_access_by_wage_group_civilian_march2023.csv", BEN / "ncs_paid_leave_by_wage_category_private_2022.csv")
    assert one(w, benefit="retirement", wage_category="Lowest 25 percent").access_pct == 49
    assert one(w, benefit="medical_care", wage_category="Highest 10 percent").access_pct == 95
    r = one(w, benefit="paid_sick_leave", wage_category="Second 25 percent")
    assert (r.access_pct, r.ownership, r.reference) == (81, "private", "March 2022")
    assert math.isnan(r.participation_pct)


def test_ncs_rate_over_100_is_rejected(tmp_path):
    f = tmp_path / "med.csv"
    text = "characteristic," + ",".join(f"{o}_{m}" for o in ncs.OWNERSHIPS for m in ("access", "participation", "takeup")) + "\n"
    text += "All workers,74,48,65,72,45,63,89,67,75\nService occupations,152,27,52,48,22,46,82,62,76\n"
    f.write_text(text)
    with pytest.raises(SourceFormatError) as e:
        ncs.read_medical_by_occupation(f)
    assert (e.value.row, e.value.field) == (3, "civilian_access")


# ----------------------------------------------------------------------------- O*NET hazard


@needs_data
def test_hazard_electricians_score_90():
    hz = work_context.read_hazardous_conditions(HAZ)
    assert len(hz) == 894 and hz.onetsoc_code.is_unique
    e = one(hz, onetsoc_code="47-2111.00")
    assert (e.title, e.hazard_score, e.job_zone, e.element_id) == ("Electricians", 90, 3, "4.C.2.c.1.d")


def test_hazard_score_out_of_range(tmp_path):
    f = tmp_path / "h.csv"
    f.write_text("hazard_context,job_zone,onet_soc2018_code,onet_soc2018_title\n90,3,47-2111.00,Electricians\n101,2,51-8091.00,X\n")
    with pytest.raises(SourceFormatError) as e:
        work_context.read_hazardous_conditions(f)
    assert (e.value.row, e.value.field) == (3, "hazard_context")


# ----------------------------------------------------------------------------- CPS


@pytest.fixture(scope="module")
def census() -> pd.DataFrame:
    return cps.read_census_occupations(CENSUS)


@needs_data
def test_census_codes_and_patterns(census):
    assert len(census) == 568  # 570 codes less the two with no SOC equivalent
    assert one(census, census_code="0010").soc_pattern == "11-1011"
    db = one(census, census_code="1065")  # database administrators and architects
    assert (db.soc_code, db.soc_pattern, db.soc_level) == ("15-124X", "15-124_", "residual")
    assert one(census, census_code="2205")[["soc_pattern", "soc_level"]].tolist() == ["25-1___", "minor"]
    assert one(census, census_code="1610")[["soc_pattern", "soc_level"]].tolist() == ["19-102_", "broad"]
    assert one(census, census_code="8225").soc_pattern == "51-4___"


@needs_data
def test_cps_table_11_registered_nurses(census):
    t = cps.read_table(DATA / "cps" / "cpsaat11_2022.xlsx", "11", census)
    assert t.year.unique().tolist() == [2022]
    assert t.row_type.value_counts().to_dict() == {"occupation": 565, "group": 29, "total": 1}
    rn = one(t, census_code="3255")
    assert (rn.title, rn.employed_thousands, rn.women_pct, rn.black_pct, rn.hispanic_pct) == ("Registered nurses", 3363, 87.9, 14.5, 8.1)
    total = one(t, row_type="total")
    assert (total.employed_thousands, total.women_pct) == (158291, 46.8)
    leg = one(t, census_code="0030")  # legislators: base under 50,000, shares suppressed ("–")
    assert leg.employed_thousands == 14 and math.isnan(leg.women_pct)
    # the Oxford comma differs between the Census list and the table, and is matched anyway
    assert one(t, title="Embalmers, crematory operators, and funeral attendants").row_type == "occupation"


@needs_data
def test_cps_tables_11b_and_39(census):
    age = cps.read_table(DATA / "cps" / "cpsaat11b_2025.xlsx", "11b", census)
    rn = one(age, census_code="3255")
    assert (rn.employed_thousands, rn.age_55_64, rn.age_65_over, rn.median_age) == (3528, 568, 188, 42.3)
    assert age.year.iloc[0] == 2025
    earn = cps.read_table(DATA / "cps" / "cpsaat39_2025.xlsx", "39", census)
    rn = one(earn, census_code="3255")
    assert (rn.median_weekly, rn.men_median_weekly, rn.women_median_weekly) == (1563, 1900, 1517)
    assert (rn.men_workers_thousands, rn.women_workers_thousands) == (402, 2494)


def _cps_copy(tmp_path: Path, edit) -> Path:
    wb = openpyxl.load_workbook(DATA / "cps" / "cpsaat11_2022.xlsx")
    edit(wb["cpsaat11"])
    out = tmp_path / "t11.xlsx"
    wb.save(out)
    return out


@needs_data
def test_cps_unknown_title_and_bad_cell_name_the_row(tmp_path, census):
    def retitle(ws):
        ws["A13"] = "Chief executive officers"

    with pytest.raises(SourceFormatError, match="not a 2018 Census occupation title") as e:
        cps.read_table(_cps_copy(tmp_path, retitle), "11", census)
    assert e.value.row == 13

    def text(ws):
        ws["C13"] = "n/a"

    with pytest.raises(SourceFormatError) as e:
        cps.read_table(_cps_copy(tmp_path, text), "11", census)
    assert (e.value.row, e.value.field) == (13, "women_pct")

    def swap(ws):
        ws["C6"], ws["D6"] = "White", "Women"

    with pytest.raises(SourceFormatError, match="header"):
        cps.read_table(_cps_copy(tmp_path, swap), "11", census)


# ----------------------------------------------------------------------------- AI exposure


@needs_data
def test_gpts_are_gpts_values():
    g = ai_exposure.read_gpts_are_gpts(GPTS)
    assert g.code.nunique() == 923 and len(g) == 923 * 6
    ceo = g[g.code == "11-1011.00"].set_index("measure").value
    assert (ceo["dv_rating_alpha"], ceo["dv_rating_beta"], ceo["human_rating_beta"]) == (0.1, 0.46, 0.35)
    assert g.value.between(0, 1).all()


@needs_data
def test_working_with_ai_values():
    w = ai_exposure.read_working_with_ai(WWAI / "soc_ai_applicability_scores.csv", WWAI / "soc_metrics.csv")
    assert w.code.nunique() == 785
    ceo = w[w.code == "11-1011"].set_index("measure").value
    assert ceo["ai_applicability_score"] == pytest.approx(0.155502898114603, abs=1e-15)
    assert ceo["ai_applicability_score"] == pytest.approx((ceo["ai_applicability_score_user"] + ceo["ai_applicability_score_ai"]) / 2)


@needs_data
def test_working_with_ai_files_must_agree(tmp_path):
    s = pd.read_csv(WWAI / "soc_ai_applicability_scores.csv", dtype=str)
    s.loc[0, "ai_applicability_score"] = "0.5"
    s.to_csv(tmp_path / "scores.csv", index=False)
    with pytest.raises(SourceFormatError, match="not the mean") as e:
        ai_exposure.read_working_with_ai(tmp_path / "scores.csv", WWAI / "soc_metrics.csv")
    assert (e.value.row, e.value.field) == (2, "ai_applicability_score")
