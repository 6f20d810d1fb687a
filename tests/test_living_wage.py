"""The living wage (issue 15): CPI-U to the wage year, Connecticut's planning regions, states and the
nation from their areas, and one household and one figure on every face.

Expectations are recomputed here from the raw bundle tables (MIT counties, CPI-U annual averages, the
Connecticut town list, OEWS wages, the county → area list) and a few are pinned as literal figures
from the published files.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import pytest

from _support import assert_names
from conftest import SHARED_DATA
from upward import profiles
from upward.analysis.quality import indicators
from upward.errors import SourceFormatError

CHICAGO, HOUSTON, EAST_KY, ILLINOIS, NATIONAL = "0016980", "0026420", "2100004", "1700000", "0000000"
HARTFORD, ANCHORAGE, SAN_JUAN = "0025540", "0011260", "0041980"
HOUSEHOLD = "2A2W2C"
CPI = "prices/cpi/cpi_u_all_items_annual_avg_by_area_2000_2025.csv"


def to_dollars(hourly: float, factor: float = 1.0) -> float:
    """MIT's hourly figure × the factor, to the cent (half up), × 2,080, to the dollar."""
    cents = Decimal(repr(round(hourly * factor, 6))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float((cents * 2080).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def profile():
    return profiles.load()


def cpi(con, series: str, year: int) -> float:
    return con.execute("select cpi from prices_cpi where series_id = ? and year = ?", [series, year]).fetchone()[0]


# --- readers ------------------------------------------------------------------------------------


def test_cpi_reader_reads_the_published_annual_averages():
    from upward.sources.cpi import read_cpi_annual

    df = read_cpi_annual(SHARED_DATA / CPI)
    us = df[df.series_id == "CUUR0000SA0"].set_index("year").cpi
    assert us[2021] == 270.970 and us[2025] == 321.943  # PROVENANCE.md's check figures
    assert df[(df.series_id == "CUURS23ASA0") & (df.year == 2025)].cpi_area_name.item() == "Chicago-Naperville-Elgin, IL-IN-WI"
    assert df.cpi_area_code[df.series_id == "CUURS49GSA0"].iloc[0] == "S49G"
    # the US-only file published beside it holds the same figures
    import pandas as pd

    alone = pd.read_csv(SHARED_DATA / "prices/cpi/cpi_u_us_city_avg_annual_2000_2025.csv").set_index("year").cpi_u_annual_avg
    assert (alone == us.reindex(alone.index)).all()


@pytest.mark.parametrize(
    "line, row, field",
    [
        ('CUUR0000SA0,"U.S. city average",2021,270.970\nCUUR0000SA0,"U.S. city average",2021,271.0\n', 3, "series_id"),
        ('CUUR0000SA0,"U.S. city average",2021,-1\n', 2, "annual_avg"),
        ('CUSR0000SA0,"U.S. city average",2021,270.970\n', 2, "series_id"),  # seasonally adjusted: another index
        ('CUUR0000SA0,"U.S. city average",21,270.970\n', 2, "year"),
    ],
)
def test_cpi_reader_rejects_bad_rows(tmp_path, line, row, field):
    from upward.sources.cpi import read_cpi_annual

    path = tmp_path / "cpi.csv"
    path.write_text("series_id,area_name,year,annual_avg\n" + line)
    with pytest.raises(SourceFormatError) as exc:
        read_cpi_annual(path)
    assert_names(exc, path, row=row, field=field)


def test_ct_town_reader():
    from upward.sources.geography import read_ct_towns

    df = read_ct_towns(SHARED_DATA / "geo/ct_planning_regions/ct-town-to-planning-region.csv")
    assert len(df) == 169 and df.town_fips.is_unique
    capitol = df[df.planning_region_fips == "09110"].legacy_county_fips.value_counts()
    assert capitol.to_dict() == {"09003": 26, "09013": 12}  # Hartford and Tolland counties
    assert df.planning_region_fips.nunique() == 9 and df.legacy_county_fips.nunique() == 8


def test_ct_town_reader_rejects_a_town_in_the_wrong_region(tmp_path):
    from upward.sources.geography import read_ct_towns

    path = tmp_path / "towns.csv"
    path.write_text("town_name,town_fips_2020,town_fips_2022,ce_name_2022,ce_fips_2022\n"
                    "Andover,901301080,911001080,Capitol Planning Region,9110\n"
                    "Avon,900302060,911002060,Capitol Planning Region,9120\n")
    with pytest.raises(SourceFormatError) as exc:
        read_ct_towns(path)
    assert_names(exc, path, row=3, field="ce_fips_2022")


# --- prices: the CPI factor of each area ---------------------------------------------------------


@pytest.mark.parametrize(
    "area, series, basis",
    [
        (CHICAGO, "CUURS23ASA0", "own index"),  # BLS 'Chicago-Naperville-Elgin, IL-IN-WI'
        (HOUSTON, "CUURS37BSA0", "own index"),  # BLS 'Houston-The Woodlands-Sugar Land', OEWS 'Houston-Pasadena-The Woodlands'
        (EAST_KY, "CUUR0360SA0", "Census division of KY"),  # East South Central
        (HARTFORD, "CUUR0110SA0", "Census division of CT"),  # New England
        (ANCHORAGE, "CUURS49GSA0", "Alaska's urban index"),  # Urban Alaska
        ("0200006", "CUURS49GSA0", "Alaska's urban index"),  # the Alaska nonmetropolitan area too
        (SAN_JUAN, "CUUR0000SA0", "U.S. city average"),  # no regional index covers Puerto Rico
    ],
)
def test_each_area_takes_the_most_local_published_index(con, area, series, basis):
    got = con.execute("select cpi_series, cpi_basis, cpi_factor, cpi_base_year, cpi_year from area_prices where area_code = ?", [area]).fetchone()
    assert got[0] == series and basis in got[1]
    assert (got[3], got[4]) == (2021, 2025)  # MIT's data year → the OEWS May 2025 reference year
    assert got[2] == pytest.approx(cpi(con, series, 2025) / cpi(con, series, 2021), rel=1e-12)


def test_chicago_factor_literal(con):
    # BLS CPI-U Chicago-Naperville-Elgin annual averages: 2025 301.232, 2021 254.159
    f = con.execute("select cpi_factor from area_prices where area_code = ?", [CHICAGO]).fetchone()[0]
    assert f == pytest.approx(301.232 / 254.159) and round(f, 4) == 1.1852


def test_every_current_bls_metro_index_prices_exactly_one_oews_metro(con):
    current = con.execute(
        "select distinct series_id from prices_cpi where regexp_full_match(cpi_area_code, 'S\\d\\d[A-Z]') and year = 2021"
    ).fetchall()
    used = con.execute("select cpi_series, count(*) from area_prices where cpi_basis like '%own index%' group by cpi_series").fetchall()
    assert len(current) == 23  # 21 metros, Urban Hawaii and Urban Alaska
    assert len(used) == 21 and all(n == 1 for _, n in used)


def test_census_divisions_agree_with_bls_metro_codes(con):
    """BLS files each metro index under a division (S23A → 0230): its principal state must be in that division."""
    from upward.sources.cpi import CENSUS_DIVISIONS, division_of

    states = [s for _, members in CENSUS_DIVISIONS.values() for s in members]
    assert len(states) == len(set(states)) == 51
    rows = con.execute(
        "select p.cpi_series, a.state_abbr from area_prices p join areas a using (area_code) where p.cpi_basis like '%own index%'"
    ).fetchall()
    for series, state in rows:
        assert state in CENSUS_DIVISIONS[division_of(series[4:8])][1], (series, state)


# --- Connecticut ---------------------------------------------------------------------------------


def test_connecticut_metros_get_a_living_wage_from_their_towns(con):
    def county(fips):
        return con.execute("select hourly_wage from living_wage_county where county_fips = ? and household = ?", [fips, HOUSEHOLD]).fetchone()[0]

    capitol = (26 * county("09003") + 12 * county("09013")) / 38  # Hartford and Tolland counties' towns
    lower_river = (15 * county("09007") + 2 * county("09011")) / 17  # Middlesex and New London counties' towns
    hourly, n = con.execute("select hourly_wage, n_counties_with_data from living_wage where area_code = ? and household = ?", [HARTFORD, HOUSEHOLD]).fetchone()
    assert n == 2 and hourly == pytest.approx((capitol + lower_river) / 2, rel=1e-12)
    missing = con.execute(
        "select count(*) from areas a where a.state_abbr = 'CT' and a.area_code not in (select area_code from living_wage)"
    ).fetchone()[0]
    assert missing == 0


# --- states and the nation from their areas --------------------------------------------------------


def area_counts_by_hand(con, codes: list[str]) -> dict[str, tuple[float, float]]:
    """(jobs with a published median, jobs whose median pays the area's own living wage) per area, by plain SQL."""
    out = {}
    for code in codes:
        row = con.execute("select hourly_wage, cpi_factor from living_wage where area_code = ? and household = ?", [code, HOUSEHOLD]).fetchone()
        if row is None:
            continue
        lw = to_dollars(*row)
        known, pays = con.execute(
            """select sum(w.tot_emp) filter (where w.a_median is not null or w.a_median_top_coded),
                      sum(w.tot_emp) filter (where coalesce(w.a_median, case when w.a_median_top_coded then 239200 end) >= ?)
               from wages w join occupations o on o.occ_code = w.occ_code and o.level = 'detailed'
               where w.area_code = ? and w.tot_emp is not null""",
            [lw, code],
        ).fetchone()
        out[code] = (known or 0.0, pays or 0.0)
    return out


def state_weights_by_hand(con, state_abbr: str) -> dict[str, float]:
    """Each area's share of its counties in the state (1 for an area wholly inside it)."""
    rows = con.execute(
        """select area_code, count(*) filter (where state_abbr = ?) * 1.0 / count(*)
           from geo_county_areas group by area_code having count(*) filter (where state_abbr = ?) > 0""",
        [state_abbr, state_abbr],
    ).fetchall()
    return dict(rows)


def test_a_states_share_is_its_areas_employment_weighted_share(con, profile):
    weights = state_weights_by_hand(con, "IL")
    assert len(weights) == 16 and weights[CHICAGO] == pytest.approx(9 / 13)  # St. Louis, Davenport, Paducah … cross in
    counts = area_counts_by_hand(con, list(weights))
    shares = {a: pays / known for a, (known, pays) in counts.items()}
    jobs = {a: known * weights[a] for a, (known, _) in counts.items()}
    expected = sum(jobs[a] * shares[a] for a in jobs) / sum(jobs.values())
    got = indicators(con, profile, [ILLINOIS]).iloc[0]
    assert got.living_wage_median_share == pytest.approx(expected, rel=1e-9)
    assert got.jobs_counted == pytest.approx(sum(jobs.values()), rel=1e-9)
    assert got.areas_counted == 16


def test_the_nations_share_is_every_areas_employment_weighted_share(con, profile):
    codes = [r[0] for r in con.execute("select area_code from areas where area_type in ('metro', 'nonmetro')").fetchall()]
    counts = area_counts_by_hand(con, codes)
    assert len(counts) == 521  # every area but Puerto Rico's seven (MIT covers the 50 states and DC)
    expected = sum(p for _, p in counts.values()) / sum(k for k, _ in counts.values())
    got = indicators(con, profile, [NATIONAL]).iloc[0]
    assert got.living_wage_median_share == pytest.approx(expected, rel=1e-9)
    assert got.areas_counted == 521


def test_like_for_like_chicago_illinois_and_the_nation(con, profile):
    """The issue's reproduction: 50% against 64% and 61% came from county medians ($45,958, $45,510)."""
    got = indicators(con, profile, [CHICAGO, ILLINOIS, NATIONAL]).set_index("area_code")
    shares = got.living_wage_median_share.round(4).to_dict()
    assert shares == {CHICAGO: 0.4217, ILLINOIS: 0.4224, NATIONAL: 0.3989}
    assert got.living_wage.to_dict() == {CHICAGO: 62_400.0, ILLINOIS: 59_530.0, NATIONAL: 61_797.0}


def test_a_states_living_wage_is_its_areas_job_weighted_mean(con):
    weights = state_weights_by_hand(con, "IL")
    rows = con.execute(
        """select l.area_code, l.hourly_wage, l.cpi_factor, a.total_employment from living_wage l join areas a using (area_code)
           where l.household = ? and l.area_code in (select unnest(?::varchar[]))""",
        [HOUSEHOLD, list(weights)],
    ).fetchall()
    w = {a: weights[a] * emp for a, _, _, emp in rows}
    hourly = sum(w[a] * h for a, h, _, _ in rows) / sum(w.values())
    adjusted = sum(w[a] * h * f for a, h, f, _ in rows) / sum(w.values())
    got_h, got_f = con.execute("select hourly_wage, cpi_factor from living_wage where area_code = ? and household = ?", [ILLINOIS, HOUSEHOLD]).fetchone()
    assert got_h == pytest.approx(hourly, rel=1e-12)
    assert got_h * got_f == pytest.approx(adjusted, rel=1e-12)


def test_tiers_of_a_state_add_up_from_its_areas(con, profile):
    from upward.analysis.quality import quality_report

    rep = quality_report(con, ILLINOIS, profile)
    by = {t["tier"]: t for t in rep["employment_by_tier"]}
    assert sum(t["share"] for t in rep["employment_by_tier"]) == pytest.approx(1.0)
    # with the default ratios (1.0), quality + near-quality is exactly the median-pays share's numerator
    known = by["quality"]["employment"] + by["near-quality"]["employment"] + by["low"]["employment"]
    assert (by["quality"]["employment"] + by["near-quality"]["employment"]) / known == pytest.approx(
        rep["indicators"]["living_wage_median_share"], rel=1e-9)
    assert any("summed over its 16 areas" in n for n in rep["notes"])


def test_cpi_adjustment_can_be_turned_off(con, tmp_path):
    from upward.analysis.living_wage import living_wage

    path = tmp_path / "mit2021.toml"
    path.write_text("[living_wage]\ncpi_adjustment = false\n")
    off = living_wage(con, CHICAGO, profiles.load(path))
    on = living_wage(con, CHICAGO, profiles.load())
    assert off["annual_wage"] == off["mit_annual_wage"] == 52_645 == to_dollars(25.31)  # MIT: median of 13 counties
    assert off["prices"]["applied"] == 1.0 and off["prices"]["factor"] == 1.1852
    assert on["annual_wage"] == to_dollars(25.31, 301.232 / 254.159) == 62_400
    assert "not brought to 2025 prices" in off["note"] and "MIT's 2021 ones" in on["note"]
    assert "overstated" not in on["note"]


# --- one household, one figure, on every face ------------------------------------------------------


@pytest.fixture(scope="module")
def web(atlas_path, tmp_path_factory):
    """One app for the API and the pages (not `with TestClient`: its start-up warming is not under test)."""
    from fastapi.testclient import TestClient

    from upward.web import Settings, create_app

    app = create_app(Settings(db=atlas_path, hub=tmp_path_factory.mktemp("lw-web") / "hub.duckdb"))
    c = TestClient(app)
    yield c
    c.close()
    app.state.atlas.close()


@pytest.mark.parametrize("area", [CHICAGO, EAST_KY, ILLINOIS, NATIONAL])
def test_cli_api_and_page_agree(cli, web, area):
    code, out, err = cli("region", area, "--json")
    assert code == 0, err
    region = json.loads(out)
    lw = region["living_wage"]
    assert lw["household"] == HOUSEHOLD  # the profile's, as quality, jobs and the report use
    code, out, err = cli("quality", "--region", area, "--json")
    quality = json.loads(out)
    assert quality["household"] == HOUSEHOLD
    assert quality["indicators"]["living_wage"] == lw["annual_wage"] == quality["living_wage"]["annual_wage"]
    api = web.get(f"/api/v1/regions/{area}").json()
    assert api["living_wage"] == lw
    api_q = web.get(f"/api/v1/regions/{area}/quality").json()
    assert api_q["indicators"]["living_wage_median_share"] == quality["indicators"]["living_wage_median_share"]
    page = web.get(f"/regions/{area}").text
    assert f"${lw['annual_wage']:,.0f}" in page and f"{quality['indicators']['living_wage_median_share']:.0%}" in page
    # --household overrides, the same on both faces
    code, out, _ = cli("region", area, "--household", "1A0C", "--json")
    assert json.loads(out)["living_wage"] == web.get(f"/api/v1/regions/{area}?household=1A0C").json()["living_wage"]


@pytest.mark.slow
@pytest.mark.parametrize("area", [CHICAGO, EAST_KY, ILLINOIS, NATIONAL])
def test_the_report_agrees(cli, area, tmp_path):
    code, out, err = cli("region", area, "--json")
    lw = json.loads(out)["living_wage"]
    code, out, err = cli("report", "--region", area, "-o", str(tmp_path / "r.html"), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["summary"]["living_wage"]["value"] == lw["annual_wage"]
    assert report["summary"]["living_wage_factor"]["value"] == lw["prices"]["applied"]
    fact = next(f for f in report["glance"]["facts"] if f["id"] == "living_wage")
    assert f"${lw['annual_wage']:,.0f}" in fact["text"] and "CPI-U" in fact["text"]
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert f"${lw['annual_wage']:,.0f}" in html
