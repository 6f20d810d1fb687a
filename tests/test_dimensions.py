"""Benefits, safety, equity and AI exposure per occupation, and every dimension by group.

Each figure is checked against the bundled source table it comes from (read here with plain SQL),
and the issue's pinned values (electricians' hazard score 90; NCS medical-care access of the
occupational group) as literals.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from upward import profiles
from upward.analysis.dimensions import MIN_COVERAGE, by_group, occupation_dimensions, occupation_record
from upward.analysis.quality import quality_table
from upward.errors import UpwardError

HOUSTON, CHICAGO, NW_AL = "0026420", "0016980", "0100001"


@pytest.fixture(scope="module")
def profile():
    return profiles.load()


@pytest.fixture(scope="module")
def dims(con, profile) -> pd.DataFrame:
    return occupation_dimensions(con, profile).set_index("occ_code")


def ncs_medical(con, group: str, ownership: str = "civilian") -> float:
    return con.execute(
        "select access_pct from ncs_medical_by_occupation where occupational_group = ? and ownership = ?", [group, ownership]
    ).fetchone()[0]


# ----------------------------------------------------------------------------- safety


def test_electricians_hazard_score_90(con, dims):
    assert dims.loc["47-2111", "hazard_exposure"] == 90 and dims.loc["47-2111", "hazard_method"] == "onet_rollup"
    assert dims.loc["47-2111", "safety"] == pytest.approx(0.10)
    assert con.execute("select hazard_score from onet_hazardous_conditions where onetsoc_code = '47-2111.00'").fetchone()[0] == 90


def test_hazard_rollup_rules(con, dims):
    # an OEWS aggregate takes the mean of its component codes' scores
    parts = con.execute(
        """select avg(h.hazard_score) from onet_hazardous_conditions h join soc_map m on m.system = 'onet' and m.code = h.onetsoc_code
           where m.occ_code = '13-1020'"""
    ).fetchone()[0]
    assert dims.loc["13-1020", "hazard_exposure"] == pytest.approx(parts)
    # an unrated "All Other" occupation takes its named siblings' mean, labelled
    assert dims.loc["51-9199", "hazard_method"] == "all_other_broad_group"


# ----------------------------------------------------------------------------- benefits


def test_ncs_medical_care_matches_the_table(con, dims):
    """The occupational group's published March 2025 rate, where the civilian group is the most specific."""
    assert dims.loc["29-1141", "medical_access"] == ncs_medical(con, "Registered nurses") / 100 == 0.89
    assert dims.loc["29-1141", "medical_group"] == "Registered nurses"
    assert dims.loc["49-9041", "medical_access"] == ncs_medical(con, "Installation, maintenance, and repair occupations") / 100 == 0.81
    assert dims.loc["25-2021", "medical_access"] == ncs_medical(con, "Primary, secondary, and special education school teachers") / 100
    assert dims.loc["47-2111", "medical_access"] == 0.75 and dims.loc["47-2111", "medical_basis"] == "civilian"


def test_medical_care_by_ownership_mix(con, dims):
    """Police officers: protective service is published only for state and local government, so the
    private and public rates of the most specific groups are weighted by the occupation's ownership."""
    own = dict(con.execute(
        "select industry_code, tot_emp from oews_industry_staffing where occ_code = '33-3051' and industry_code in ('000001','999201','999301')"
    ).fetchall())
    private, public = own.get("000001", 0), own.get("999201", 0) + own.get("999301", 0)
    expected = (ncs_medical(con, "Service occupations", "private") * private
                + ncs_medical(con, "Protective service occupations", "statelocal") * public) / (private + public) / 100
    assert dims.loc["33-3051", "medical_access"] == pytest.approx(expected)
    assert dims.loc["33-3051", "medical_basis"] == "ownership mix"


def test_benefits_is_the_profile_weighted_mean(dims, tmp_path, con):
    r = dims.loc["47-2111"]
    assert r.benefits == pytest.approx(0.4 * r.medical_access + 0.3 * r.sick_leave_access + 0.3 * r.retirement_access_wage)
    assert r.wage_quartile == "Third 25 percent" and r.retirement_access_wage == 0.83
    path = tmp_path / "w.toml"
    path.write_text("[benefits]\nweights = { medical_by_group = 1, sick_leave_by_industry = 0, retirement_by_wage = 0, medical_by_wage = 0, sick_leave_by_wage = 0 }\n")
    only_medical = occupation_dimensions(con, profiles.load(path)).set_index("occ_code")
    assert only_medical.loc["47-2111", "benefits"] == pytest.approx(0.75)


def test_mostly_federal_occupations_have_no_benefits_figure(dims):
    carriers = dims.loc["43-5052"]  # postal service mail carriers: NCS does not survey federal workers
    assert carriers.federal_share > 0.9 and pd.isna(carriers.benefits) and "federal" in carriers.benefits_basis
    assert pd.isna(carriers.sick_leave_access)


def test_sick_leave_by_industry_weights_by_staffing(con, dims):
    """Cooks in restaurants sit mostly in accommodation and food services (NCS 2025: 55%)."""
    r = dims.loc["35-2014"]
    assert 0.55 <= r.sick_leave_access < 0.65 and r.sick_leave_coverage > 0.95
    assert con.execute(
        "select sick_leave_access_pct from ncs_sick_leave_by_industry where year = 2025 and ownership = 'private' and industry_code = '720000'"
    ).fetchone()[0] == 55


# ----------------------------------------------------------------------------- equity


def test_cps_same_code_and_census_groups(con, dims):
    assert dims.loc["29-1141", "women_share"] == 0.879 and dims.loc["29-1141", "cps_match"] == "same_code"
    assert dims.loc["29-1141", "women_men_pay_ratio"] == pytest.approx(1517 / 1900)
    assert dims.loc["29-1141", "share_55_over"] == pytest.approx((568 + 188) / 3528)
    # a residual Census code (15-124X) and a minor group (25-1000) stand for each occupation in them
    assert dims.loc["15-1242", "census_titles"] == "Database administrators and architects"
    assert dims.loc["15-1242", "cps_match"] == "census_residual"
    assert dims.loc["25-1011", "census_titles"] == "Postsecondary teachers" and dims.loc["25-1011", "cps_match"] == "census_minor"
    assert dims.loc["25-1011", "women_share"] == dims.loc["25-1071", "women_share"] == 0.484
    # suppressed figures stay missing: electricians have too few women working full time
    assert pd.isna(dims.loc["47-2111", "women_men_pay_ratio"]) and dims.loc["47-2111", "women_share"] == 0.022


def test_cps_combined_lines_for_an_oews_aggregate(con, dims):
    """13-1020 buyers and purchasing agents spans three Census occupations: shares weighted by employment."""
    rows = con.execute(
        "select employed_thousands, women_pct from cps_sex_race where census_code in ('0510', '0520', '0530') and women_pct is not null"
    ).fetchall()
    assert len(rows) >= 2
    expected = sum(e * w for e, w in rows) / sum(e for e, _ in rows) / 100
    assert dims.loc["13-1020", "cps_match"] == "combined"
    assert dims.loc["13-1020", "women_share"] == pytest.approx(expected, abs=1e-6)


def test_every_oews_occupation_has_a_census_occupation(con):
    missing = con.execute(
        "select count(*) from occupations where level = 'detailed' and in_oews and occ_code not in (select occ_code from occupation_demographics)"
    ).fetchone()[0]
    assert missing == 0


def test_small_bases_follow_the_bls_rule(con, dims):
    """Shares made from table 11b's counts are left out under 50,000 workers, like BLS's own."""
    leg = con.execute("select employed_thousands_age, share_55_over from occupation_demographics where occ_code = '11-1031'").fetchone()
    assert leg[0] < 50 and leg[1] is None


# ----------------------------------------------------------------------------- AI exposure


def test_ai_exposure_from_both_releases(con, dims):
    g = con.execute("select value from ai_exposure_gpts where code = '15-1252.00' and measure = 'human_rating_beta'").fetchone()[0]
    w = con.execute("select value from ai_exposure_working_with_ai where code = '15-1252' and measure = 'ai_applicability_score'").fetchone()[0]
    assert dims.loc["15-1252", "ai_exposure"] == pytest.approx(g) and dims.loc["15-1252", "ai_applicability"] == pytest.approx(w)
    assert dims.ai_exposure.between(0, 1).all() or dims.ai_exposure.dropna().between(0, 1).all()


def test_occupation_record_labels_the_level(con, profile):
    r = occupation_record(con, "47-2111", profile)
    assert r["benefits"]["basis"].startswith("group-level estimate") and r["safety"]["hazard_exposure"] == 90
    assert "not bundled" in r["safety"]["source"] and r["equity"]["census_occupation"] == "Electricians"
    assert occupation_record(con, "99-9999", profile) == {"available": False}


# ----------------------------------------------------------------------------- by group


@pytest.fixture(scope="module")
def chicago_groups(con, profile):
    return by_group(con, CHICAGO, profile, "major-group")


def test_major_groups_add_up_and_weight_by_employment(con, profile, chicago_groups):
    qt = quality_table(con, profile, [CHICAGO])
    qt = qt[qt.employment > 0]
    groups = {g["group_code"]: g for g in chicago_groups["groups"]}
    assert sum(g["employment"] for g in groups.values()) == pytest.approx(qt.employment.sum())
    construction = qt[qt.occ_code.str.startswith("47-")]
    g = groups["47-0000"]
    assert g["employment"] == construction.employment.sum()
    ok = construction.hazard_exposure.notna()
    assert g["hazard_exposure"] == pytest.approx((construction.hazard_exposure[ok] * construction.employment[ok]).sum() / construction.employment[ok].sum())
    assert g["quality_share"] == pytest.approx(construction.employment[construction.tier == "quality"].sum() / construction.employment.sum())
    assert g["group_title"] == "Construction and Extraction Occupations"
    # a figure covering under half the group's jobs is left out, with its coverage reported
    thin = [x for x in groups.values() if x["women_men_pay_ratio_coverage"] < MIN_COVERAGE]
    assert thin and all(x["women_men_pay_ratio"] is None for x in thin)


def test_industries_spread_employment_by_national_staffing(con, profile):
    r = by_group(con, CHICAGO, profile, "industry")
    codes = [g["group_code"] for g in r["groups"]]
    assert "62--63" in codes and "99-100" in codes and not any(c.startswith("9991") or c.startswith("9992") for c in codes)
    total = quality_table(con, profile, [CHICAGO]).query("employment > 0").employment.sum()
    assert sum(g["employment"] for g in r["groups"]) == pytest.approx(total, rel=0.01)
    food = next(g for g in r["groups"] if g["group_code"] == "72--73")
    assert food["sector_sick_leave_access"] == 0.55
    assert [g["employment"] for g in r["groups"]] == sorted((g["employment"] for g in r["groups"]), reverse=True)


def test_unknown_grouping(con, profile):
    with pytest.raises(UpwardError, match="major-group, industry"):
        by_group(con, CHICAGO, profile, "sector")


def test_dimensions_cli_and_occupation_json(cli):
    rc, out, _ = cli("dimensions", "--region", "chicago", "--json")
    assert rc == 0 and json.loads(out)["by"] == "major-group"
    rc, out, _ = cli("dimensions", "--region", NW_AL, "--by", "industry", "--csv")
    assert rc == 0 and out.startswith("area_code,by,group_code,group_title")
    rc, _, err = cli("dimensions", "--region", "chicago", "--by", "bogus")
    assert rc == 1 and "major-group, industry" in err
    rc, out, _ = cli("occupation", "47-2111", "--json")
    d = json.loads(out)["dimensions"]
    assert d["safety"]["hazard_exposure"] == 90 and d["benefits"]["medical_access"] == 0.75
    assert d["equity"]["women_share"] == 0.022 and d["ai"]["exposure"] is not None
    rc, text, _ = cli("occupation", "29-1141")
    assert "Beyond pay (national figures)" in text and "87.9%" in text


def test_quality_json_reports_benefits_and_safety_measured(cli):
    rc, out, _ = cli("quality", "--region", "chicago", "--json")
    q = json.loads(out)
    assert rc == 0 and q["benefits_measured"] is True and q["safety_measured"] is True


def test_jtms_unchanged_unless_the_profile_gates(con, profile, tmp_path):
    from upward.analysis.mobilize import scored_table

    base = scored_table(con, profile, [HOUSTON]).set_index("occ_code")
    bars = profile.get("jtm.bars")
    by_hand = base.scored & np.logical_and.reduce([base[f"pillar_{p}"] >= b for p, b in bars.items()]) \
        & (base.median_living_wage_ratio >= profile.get("jtm.min_median_living_wage_ratio")) \
        & base.reachable & ~base.residual & ~base.unreliable & ~base.ladder
    assert (base.jtm == by_hand).all()  # the default profile gates on nothing
    path = tmp_path / "gate.toml"
    path.write_text("[quality]\nmin_safety = 0.5\n")
    gated = scored_table(con, profiles.load(path), [HOUSTON]).set_index("occ_code")
    assert (gated.jtm == (base.jtm & (base.safety >= 0.5))).all()
    assert base.jtm.sum() > gated.jtm.sum() > 0
    assert base.loc["49-9041", "jtm"] and not gated.loc["49-9041", "jtm"]  # industrial machinery mechanics: hazard 59
