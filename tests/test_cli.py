"""The `upward` command on a large metro, a nonmetro area, a state and the nation; JSON, CSV and errors."""

from __future__ import annotations

import csv
import io
import json

import pytest


def test_region_by_name_resolves_and_says_so(cli):
    code, out, err = cli("region", "houston")
    assert code == 0
    assert "'houston' resolved to Houston-Pasadena-The Woodlands, TX (0026420)" in err
    assert "Houston-Pasadena-The Woodlands, TX" in out and "3,289,720" in out
    assert "Petroleum Engineers" in out  # the most concentrated occupation (LQ 12.50)


@pytest.mark.parametrize(
    "area, code, area_type, employment",
    [
        ("0026420", "0026420", "metro", 3_289_720),
        ("26420", "0026420", "metro", 3_289_720),
        ("Northwest Alabama nonmetropolitan area", "0100001", "nonmetro", 67_570),
        ("TX", "4800000", "state", 14_071_160),
        ("national", "0000000", "national", 155_495_730),
    ],
)
def test_region_json_for_each_area_type(cli, con, area, code, area_type, employment):
    rc, out, _ = cli("region", area, "--json")
    assert rc == 0
    data = json.loads(out)
    assert data["area"]["area_code"] == code and data["area"]["area_type"] == area_type
    expected = con.execute("select tot_emp from wages where area_code = ? and occ_code = '00-0000'", [code]).fetchone()[0]
    assert data["employment"] == expected
    if employment is not None:
        assert data["employment"] == employment
    assert len(data["largest_occupations"]) == 10
    emps = [o["employment"] for o in data["largest_occupations"]]
    assert emps == sorted(emps, reverse=True)
    assert data["data"]["releases"]["bls_oews"].startswith("May 2025")
    if area_type == "national":
        assert data["most_concentrated_occupations"] == []  # every national LQ is 1 by definition
    else:
        lqs = [o["loc_quotient"] for o in data["most_concentrated_occupations"]]
        assert lqs == sorted(lqs, reverse=True) and lqs[0] > 1


def test_region_living_wage_household(cli):
    rc, out, _ = cli("region", "0026420", "--household", "2A2W2C", "--json")
    lw = json.loads(out)["living_wage"]
    # Every Houston county has MIT's metro figure for two working adults with two children: $22.56 (2021),
    # × CPI-U Houston 2025/2021 (277.742 / 238.975) = $26.22.
    assert rc == 0 and lw["household"] == "2A2W2C" and lw["mit_hourly_wage"] == pytest.approx(22.56)
    assert lw["hourly_wage"] == pytest.approx(26.22) and lw["annual_wage"] == round(26.22 * 2080)
    assert lw["prices"]["factor"] == round(277.742 / 238.975, 4) and lw["prices"]["index"] == "Houston-The Woodlands-Sugar Land, TX"
    # without --household, the profile's (as quality, jobs, the pages and the report use)
    rc, out, _ = cli("region", "0026420", "--json")
    assert json.loads(out)["living_wage"] == lw
    rc, _, err = cli("region", "0026420", "--household", "3A")
    assert rc == 1 and "Unknown household type '3A'" in err and "2A2W2C" in err


def test_region_csv_matches_json(cli):
    _, out_json, _ = cli("region", "TX", "--json")
    _, out_csv, _ = cli("region", "TX", "--csv")
    rows = list(csv.DictReader(io.StringIO(out_csv)))
    largest = [r for r in rows if r["list"] == "largest_occupations"]
    data = json.loads(out_json)["largest_occupations"]
    assert [r["occ_code"] for r in largest] == [o["occ_code"] for o in data]
    assert [float(r["employment"]) for r in largest] == [o["employment"] for o in data]


def test_ambiguous_area_lists_candidates(cli):
    rc, _, err = cli("region", "springfield")
    assert rc == 2
    for name in ("Springfield, IL", "Springfield, MA", "Springfield, MO", "Springfield, OH"):
        assert name in err


def test_unknown_area_suggests_closest_and_exits_2(cli):
    rc, out, err = cli("region", "houstn")
    assert rc == 2 and out == ""
    assert "No area matches 'houstn'" in err and "Houston-Pasadena-The Woodlands, TX" in err
    rc, _, err = cli("region", "9999999")
    assert rc == 2 and "No OEWS area has the code 9999999" in err


def test_regions_filters(cli):
    rc, out, _ = cli("regions", "--state", "TX", "--json")
    rows = json.loads(out)
    assert rc == 0 and rows[0]["area_code"] == "4800000"
    assert {r["area_type"] for r in rows} == {"state", "metro", "nonmetro"}
    assert "0026420" in {r["area_code"] for r in rows}
    rc, out, _ = cli("regions", "--type", "nonmetro", "--search", "alabama", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["area_code"] for r in rows] == ["0100002", "0100001", "0100004", "0100003"]
    rc, _, err = cli("regions", "--type", "city")
    assert rc == 1 and "national, state, metro, nonmetro" in err


def test_occupation_in_region(cli):
    rc, out, _ = cli("occupation", "29-1141", "--region", "houston", "--json")
    assert rc == 0
    p = json.loads(out)
    assert p["occupation"]["occ_title"] == "Registered Nurses"
    w = p["wages"]
    assert (w["tot_emp"], w["a_median"], w["a_pct25"], w["loc_quotient"]) == (65_910, 99_830, 81_890, 0.92)
    assert p["wages_national"]["tot_emp"] == 3_379_720
    assert p["projections_national"]["openings_annual"] == pytest.approx(189.1)
    assert p["education"]["typical_education"] == "Bachelor's degree" and p["education"]["job_zone"] == 4
    assert p["knowledge"][0] == {
        "element_id": "2.C.4.e", "element": "Psychology", "importance": 4.58, "level": 6.08,
        "onet_release": "29.3", "method": "onet_rollup",
    }
    imps = [s["importance"] for s in p["skills"]]
    assert len(imps) == 10 and imps == sorted(imps, reverse=True)
    assert p["abilities"][0]["onet_release"] == "30" and p["work_activities"][0]["element"] == "Assisting and Caring for Others"


def test_occupation_profile_carries_the_onet_sets(cli):
    """Technology and detailed work activities: the union over the O*NET-SOC codes of 29-1141, as in the raw files."""
    import pandas as pd

    from tests.conftest import SHARED_DATA

    if not (SHARED_DATA / "onet/29.3").is_dir():
        pytest.skip(f"official O*NET files not found under {SHARED_DATA / 'onet/29.3'}")
    rc, out, _ = cli("occupation", "29-1141", "--top", "5", "--json")
    p = json.loads(out)
    raw = pd.read_csv(SHARED_DATA / "onet/29.3/Technology Skills.txt", sep="\t", dtype=str)
    nurse = raw[raw["O*NET-SOC Code"].str.startswith("29-1141.")]
    assert rc == 0 and p["technology_count"] == nurse["Example"].nunique()
    hot = set(nurse.loc[nurse["Hot Technology"] == "Y", "Example"])
    assert p["technology"][0]["example"] in hot and len(p["technology"]) == 5
    assert p["detailed_work_activities"][0]["dwa_title"] == "Collaborate with healthcare professionals to plan or provide treatment."
    tasks = [d["tasks"] for d in p["detailed_work_activities"]]
    assert tasks == sorted(tasks, reverse=True) and p["detailed_work_activities_count"] >= len(tasks)


@pytest.mark.parametrize(
    "query, code",
    [("291141", "29-1141"), ("29-1141.01", "29-1141"), ("registered nurses", "29-1141"), ("31-1122", "31-1120"), ("Software Developers", "15-1252")],
)
def test_occupation_resolution(cli, query, code):
    rc, out, _ = cli("occupation", query, "--json")
    assert rc == 0 and json.loads(out)["occupation"]["occ_code"] == code


def test_top_coded_wage_shown_as_lower_bound(cli):
    rc, out, _ = cli("occupation", "29-1215", "--region", "0010540")
    assert rc == 0 and "≥ $239,200" in out
    assert "equal to or greater than $115.00 per hour" in out  # BLS footnote 5, shown with the figure
    _, out, _ = cli("occupation", "29-1215", "--region", "0010540", "--json")
    w = json.loads(out)["wages"]
    assert w["a_median"] is None and w["a_median_top_coded"] is True


def test_occupation_csv_is_long_and_tidy(cli):
    rc, out, _ = cli("occupation", "15-1252", "--region", "4800000", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and set(rows[0]) == {"occ_code", "area_code", "section", "item", "measure", "value", "unit"}
    wages = {r["item"]: r["value"] for r in rows if r["section"] == "wages"}
    assert float(wages["tot_emp"]) == 163_880 and float(wages["a_median"]) == 132_150
    assert {r["section"] for r in rows} >= {"wages", "wages_national", "projections_national", "education", "skills", "knowledge"}
    # BLS projections are in thousands, OEWS counts are jobs: each row says which
    unit = {(r["section"], r["item"]): r["unit"] for r in rows}
    assert unit[("wages", "tot_emp")] == "jobs" and unit[("wages", "a_median")] == "US dollars a year"
    assert unit[("projections_national", "emp_base")].startswith("thousands of jobs")
    assert unit[("projections_national", "emp_change_pct")] == "percent"


def test_unknown_occupation_and_format_conflict(cli):
    rc, _, err = cli("occupation", "registred nurses")
    assert rc == 2 and "Registered Nurses" in err
    rc, _, err = cli("occupation", "29-1141", "--json", "--csv")
    assert rc == 1 and "Choose one of --json and --csv" in err


def test_atlas_info_reports_coverage(cli):
    rc, out, _ = cli("atlas", "info", "--json")
    info = json.loads(out)
    assert rc == 0 and info["onet_coverage"]["national_share"] >= 0.95
    assert {s["key"] for s in info["sources"]} >= {"bls_oews", "onet_29_3", "mit_living_wage", "bea_rpp"}


def test_db_option_refuses_a_foreign_file(cli, tmp_path):
    foreign = tmp_path / "mine.csv"
    foreign.write_text("a,b\n1,2\n")
    rc, _, err = cli("region", "houston", "--db", str(foreign))
    assert rc == 1 and "is not an Upward atlas" in err
    assert foreign.read_text() == "a,b\n1,2\n"


def test_atlas_info_csv_lists_every_area(cli, con):
    rc, out, _ = cli("atlas", "info", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and len(rows) == con.execute("select count(*) from areas where total_employment is not null").fetchone()[0]
    national = next(r for r in rows if r["area_code"] == "0000000")
    assert float(national["share_of_total"]) >= 0.95


@pytest.mark.parametrize(
    "typed, code",
    [
        ("St. Louis", "0041180"),
        ("st louis", "0041180"),
        ("Houston–Pasadena", "0026420"),  # an en dash, as pasted from a document
        ("48201", "0026420"),  # Harris County's FIPS code
        ("GU", "6600000"),
        ("vi", "7800000"),
        ("pr", "7200000"),
        ("Texas", "4800000"),
    ],
)
def test_area_inputs_people_type(cli, typed, code):
    rc, out, err = cli("region", typed, "--json")
    assert rc == 0, err
    data = json.loads(out)
    assert data["area"]["area_code"] == code and data["resolved"]  # always says what it chose


@pytest.mark.parametrize("typed", ["new york", "washington"])
def test_state_and_metro_sharing_a_name_are_ambiguous(cli, typed):
    rc, _, err = cli("region", typed)
    assert rc == 2 and "(state)" in err and "(metro)" in err


def test_two_letters_never_substring_match(cli):
    rc, _, err = cli("region", "zz")
    assert rc == 2 and "not a state abbreviation" in err


def test_micropolitan_cbsa_resolves_to_its_nonmetro_area(cli, con):
    cbsa, area = con.execute(
        """select d.cbsa_code, any_value(g.area_code) from geo_cbsa_delineation d join geo_county_areas g using (county_fips)
           where d.cbsa_type like 'Micropolitan%' group by d.cbsa_code having count(distinct g.area_code) = 1
           order by d.cbsa_code limit 1"""
    ).fetchone()
    rc, out, _ = cli("region", cbsa, "--json")
    assert rc == 0 and json.loads(out)["area"]["area_code"] == area


@pytest.mark.parametrize("typed, code", [("Cashiers", "41-2011"), ("cashiers", "41-2011"), ("RN", "29-1141")])
def test_occupation_titles_people_type(cli, typed, code):
    rc, out, _ = cli("occupation", typed, "--json")
    assert rc == 0 and json.loads(out)["occupation"]["occ_code"] == code


def test_unknown_onet_detail_code_is_not_silently_rolled_up(cli):
    rc, _, err = cli("occupation", "29-1141.99")
    assert rc == 2 and "O*NET has no occupation 29-1141.99" in err and "Registered Nurses" in err


def test_every_top_coded_cell_is_shown_as_a_bound(cli):
    # Albany, OR family medicine physicians: BLS footnote 5 on the annual 10th–90th percentiles.
    rc, out, _ = cli("occupation", "29-1215", "--region", "0010540", "--json")
    w = json.loads(out)["wages"]
    flagged = {k for k, v in w.items() if k.endswith("_top_coded") and v}
    assert {"a_pct10_top_coded", "a_pct25_top_coded", "a_median_top_coded", "a_pct75_top_coded", "a_pct90_top_coded"} <= flagged
    _, text, _ = cli("occupation", "29-1215", "--region", "0010540")
    annual = next(line for line in text.splitlines() if "annual" in line)
    assert annual.count("≥ $239,200") == 5 + ("a_mean_top_coded" in flagged)


def test_state_filter_and_case(cli):
    rc, _, err = cli("regions", "--state", "ZZ")
    assert rc == 2 and "Unknown state 'ZZ'" in err  # an unknown name, like an unknown area
    rc, out, _ = cli("regions", "--type", "Metro", "--state", "texas", "--json")
    assert rc == 0 and {r["area_type"] for r in json.loads(out)} == {"metro"}
    rc, out, _ = cli("region", "0026420", "--household", "2a2w2c", "--json")
    assert rc == 0 and json.loads(out)["living_wage"]["household"] == "2A2W2C"


def test_atlas_build_force_refuses_a_foreign_file(cli, tmp_path):
    foreign = tmp_path / "notes.txt"
    foreign.write_text("keep me")
    rc, _, err = cli("atlas", "build", "--force", "--db", str(foreign))
    assert rc == 1 and "not an Upward atlas" in err and foreign.read_text() == "keep me"


def test_region_csv_carries_the_area_figures(cli):
    _, out, _ = cli("region", "0026420", "--csv")
    row = next(csv.DictReader(io.StringIO(out)))
    assert float(row["area_employment"]) == 3_289_720 and float(row["price_parity"]) == pytest.approx(98.629)
    assert row["living_wage_household"] == "2A2W2C" and float(row["living_wage_annual"]) == round(26.22 * 2080)
    assert float(row["living_wage_mit_annual"]) == round(22.56 * 2080) and float(row["living_wage_cpi_factor"]) == round(277.742 / 238.975, 4)
