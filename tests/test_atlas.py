"""The atlas against known figures from the official files, and its derived tables' rules."""

from __future__ import annotations

import os

import duckdb
import pytest

from upward import atlas, bundle
from upward.analysis.coverage import onet_coverage


def one(con, sql, params=None):
    return con.execute(sql, params or []).fetchone()


@pytest.mark.parametrize(
    "area, occ, column, value",
    [
        # BLS OEWS May 2025, oe.data.0.Current, as in ../shared/data/oews (hand-checked).
        ("0000000", "00-0000", "tot_emp", 155_495_730),
        ("0000000", "00-0000", "a_median", 50_980),
        ("0026420", "29-1141", "tot_emp", 65_910),
        ("0026420", "29-1141", "a_median", 99_830),
        ("0026420", "29-1141", "a_pct25", 81_890),
        ("0026420", "29-1141", "h_mean", 48.21),
        ("0026420", "29-1141", "loc_quotient", 0.92),
        ("4800000", "15-1252", "tot_emp", 163_880),
        ("4800000", "15-1252", "a_median", 132_150),
        ("0100001", "29-1141", "tot_emp", 1_330),
        ("0100001", "29-1141", "a_median", 64_540),
        ("0010180", "00-0000", "a_mean", 54_360),
    ],
)
def test_wage_cells_match_official_values(con, area, occ, column, value):
    assert one(con, f"select {column} from wages where area_code = ? and occ_code = ?", [area, occ])[0] == pytest.approx(value)


def test_top_coded_wage_stays_a_flagged_lower_bound(con):
    # Albany, OR family medicine physicians: BLS footnote 5 (≥ $239,200) on every annual percentile.
    row = one(
        con,
        "select a_median, a_median_fn, a_median_top_coded, a_pct90_top_coded, tot_emp from wages "
        "where area_code = '0010540' and occ_code = '29-1215'",
    )
    assert row[0] is None and row[1] == "5" and row[2] is True and row[3] is True and row[4] > 0


def test_not_released_cell_keeps_footnote_8(con):
    row = one(con, "select tot_emp, tot_emp_fn from wages where area_code = '0100001' and occ_code = '11-9039'")
    assert row == (None, "8")


def test_areas_have_types_states_and_counties(con):
    counts = dict(con.execute("select area_type, count(*) from areas group by 1").fetchall())
    assert counts == {"national": 1, "state": 54, "metro": 393, "nonmetro": 135}
    houston = one(con, "select area_name, state_abbr, cbsa_code, n_counties, price_parity from areas where area_code = '0026420'")
    # BEA MARPP 2024 all items for CBSA 26420 is 98.629; the OMB 2023 metro has 10 counties.
    assert houston == ("Houston-Pasadena-The Woodlands, TX", "TX", "26420", 10, pytest.approx(98.629))
    assert one(con, "select count(*) from area_counties where area_code = '4800000'")[0] == 254
    # The noncontiguous Ohio nonmetropolitan area is a nonmetro area by its code, whatever its name says.
    assert one(con, "select area_type from areas where area_code = '3900002'")[0] == "nonmetro"


def test_price_parities_by_area_type(con):
    # Nonmetro areas take BEA's state nonmetropolitan portion (Texas 2024: 87.835).
    assert one(con, "select price_parity from areas where area_code = '4800006'")[0] == pytest.approx(87.835)
    assert one(con, "select price_parity from areas where area_code = '0000000'")[0] == pytest.approx(100.0)
    # A state's parity is BEA's two portions weighted by employment: the nonmetro portion by the
    # state's nonmetropolitan areas (codes 48000N), the metro portion by the rest of the state.
    state_emp = one(con, "select tot_emp from wages where area_code = '4800000' and occ_code = '00-0000'")[0]
    nonmetro_emp = one(
        con,
        "select sum(tot_emp) from wages where area_code like '48000_%' and area_code <> '4800000' and occ_code = '00-0000'",
    )[0]
    metro_rpp, nonmetro_rpp = (
        one(con, f"""select rpp from prices_rpp where "table" = 'PARPP' and geo_fips = '{f}' and item = 'all_items' and year = 2024""")[0]
        for f in ("48998", "48999")
    )
    assert nonmetro_rpp == pytest.approx(87.835)
    expected = (metro_rpp * (state_emp - nonmetro_emp) + nonmetro_rpp * nonmetro_emp) / state_emp
    got, source = one(con, "select price_parity, price_parity_source from areas where area_code = '4800000'")
    assert got == pytest.approx(expected, abs=1e-3) and source.startswith("derived")
    # BEA publishes no parity for Puerto Rico: it stays missing.
    assert one(con, "select price_parity from areas where area_code = '0041980'")[0] is None


def test_living_wage_county_and_area(con):
    # MIT, Harris County TX (48201): 1 adult $16.95, 2 working adults with 2 children $22.56.
    rows = dict(con.execute("select household, hourly_wage from living_wage_county where county_fips = '48201'").fetchall())
    assert rows["1A0C"] == pytest.approx(16.95) and rows["2A2W2C"] == pytest.approx(22.56) and len(rows) == 12
    # An area's living wage is the median of its counties' figures.
    median = one(
        con,
        """select median(l.hourly_wage) from area_counties c join living_wage_county l using (county_fips)
           where c.area_code = '0100001' and l.household = '1A2C'""",
    )[0]
    got = one(con, "select hourly_wage, annual_wage from living_wage where area_code = '0100001' and household = '1A2C'")
    assert got[0] == pytest.approx(median) and got[1] == round(round(median, 2) * 2080)
    # Connecticut's state figure comes from its six areas (the planning regions allocated by town: tests/test_living_wage.py).
    assert one(con, "select n_areas from living_wage where area_code = '0900000' and household = '1A0C'")[0] == 6


def test_projections_row(con):
    # BLS Employment Projections 2024–34, tables 1.2 and 1.10: Registered nurses.
    row = one(
        con,
        "select emp_base, emp_projected, openings_annual, separations, typical_education, median_wage, projections_period, base_year, projected_year "
        "from projections where occ_code = '29-1141'",
    )
    assert row[0] == pytest.approx(3391.0) and row[1] == pytest.approx(3557.1)
    assert row[2] == pytest.approx(189.1) and row[3] == pytest.approx(172.4)
    assert row[4] == "Bachelor's degree" and row[5] == pytest.approx(93600)
    assert row[6:] == ("2024–34", 2024, 2034)  # the release's years are data, not column names
    # Projections codes that OEWS does not publish keep their own code.
    assert one(con, "select count(*) from projections where occ_code in ('11-1031', '45-3031')")[0] == 2


def test_cip_soc_pair_and_titles(con):
    assert one(con, "select cip_title from cip_soc_crosswalk where cip_code = '51.3801' and soc_code = '29-1141'")[0] == (
        "Registered Nursing/Registered Nurse."
    )
    assert one(con, "select title from cip_codes where cip_code = '51.3801'")[0] == "Registered Nursing/Registered Nurse."


def test_soc_reconciliation(con):
    members = [r[0] for r in con.execute("select code from soc_map where system = 'onet' and occ_code = '31-1120' order by code").fetchall()]
    assert members == ["31-1121.00", "31-1122.00"]
    assert one(con, "select occ_code, method from soc_map where code = '29-1141.01'") == ("29-1141", "onet_rollup")
    # An aggregate's rating is the mean of its component SOC codes' ratings.
    expected = one(
        con,
        """select avg(value) from onet_descriptors where onetsoc_code in ('31-1121.00', '31-1122.00')
           and domain = 'skills' and element_id = '2.A.1.a' and scale_id = 'IM'""",
    )[0]
    got = one(con, "select value from descriptors where occ_code = '31-1120' and domain = 'skills' and element_id = '2.A.1.a' and scale_id = 'IM'")[0]
    assert got == pytest.approx(expected)
    # A SOC code whose .00 is rated takes the .00 rating, not the mean with its specialties.
    nurse = one(con, "select value from descriptors where occ_code = '29-1141' and domain = 'knowledge' and element_id = '2.C.4.e' and scale_id = 'IM'")[0]
    assert nurse == pytest.approx(4.58)
    # Every OEWS detailed code is either rated by O*NET or known to be unrated: no code is silently dropped.
    unmapped = one(
        con,
        """select count(*) from occupations o where o.level = 'detailed' and o.in_oews
           and o.occ_code not in (select occ_code from soc_map where system = 'onet')""",
    )[0]
    assert unmapped == 0


def test_all_other_proxy_is_labelled_and_uses_siblings(con):
    rows = con.execute(
        "select distinct method from descriptors where occ_code = '51-9199' and domain = 'skills'"
    ).fetchall()
    assert rows == [("all_other_broad_group",)]
    expected = one(
        con,
        """select avg(d.value) from descriptors d join occupations o using (occ_code)
           where substr(d.occ_code, 1, 6) = '51-919' and d.occ_code <> '51-9199' and o.occ_title not like '%, All Other'
             and d.domain = 'skills' and d.element_id = '2.A.1.a' and d.scale_id = 'LV'
             and d.method = 'onet_rollup'""",
    )[0]
    got = one(con, "select value from descriptors where occ_code = '51-9199' and domain = 'skills' and element_id = '2.A.1.a' and scale_id = 'LV'")[0]
    assert got == pytest.approx(expected)


def test_onet_coverage_of_national_employment_is_at_least_95_percent(con):
    cov = onet_coverage(con)
    assert cov["national_share"] >= 0.95
    assert cov["national_share_with_all_other_proxies"] >= cov["national_share"]
    by_domain = {r["domain"]: r["national_share"] for r in cov["national_share_by_domain"]}
    assert by_domain["abilities"] >= 0.95 and by_domain["work_activities"] >= 0.95


def test_education_and_job_zone(con):
    row = one(con, "select typical_education, job_zone from occupation_education where occ_code = '15-1252'")
    assert row == ("Bachelor's degree", 4)


def test_meta_records_releases(con):
    meta = dict(con.execute("select key, value from meta").fetchall())
    assert meta["bundle_fingerprint"] == bundle.fingerprint()
    assert meta["atlas_fingerprint"] == atlas.fingerprint()
    assert "May 2025" in meta["releases"]


def test_atlas_rebuilds_when_bundle_changes_and_is_opened_read_only(tmp_path, monkeypatch):
    from upward import atlas

    path = tmp_path / "a.duckdb"
    atlas.ensure(path)
    mtime = path.stat().st_mtime_ns
    atlas.ensure(path)
    assert path.stat().st_mtime_ns == mtime  # current: not rebuilt
    monkeypatch.setattr("upward.atlas.fingerprint", lambda added="": "another-derivation")
    atlas.ensure(path)
    assert atlas.fingerprint_of(path) == "another-derivation"
    c = atlas.connect(path)
    with pytest.raises(duckdb.Error):
        c.execute("create table x (a int)")
    c.close()
    assert [p.name for p in tmp_path.iterdir()] == ["a.duckdb"]  # no temp files left behind


def test_failed_build_leaves_existing_atlas_untouched(tmp_path, monkeypatch, atlas_path):
    from upward.atlas import build as atlas_build

    path = tmp_path / "a.duckdb"
    path.write_bytes(atlas_path.read_bytes())
    before = path.read_bytes()
    monkeypatch.setattr(atlas_build, "DERIVED", [("broken", "select * from no_such_table")])
    with pytest.raises(duckdb.Error):
        atlas_build.build(path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["a.duckdb"]


def test_a_file_that_is_not_an_atlas_is_never_overwritten(tmp_path):
    from upward import atlas
    from upward.errors import UpwardError

    mine = tmp_path / "notes.duckdb"
    mine.write_bytes(b"a user's own file")
    with pytest.raises(UpwardError, match="not an Upward atlas"):
        atlas.ensure(mine)
    assert mine.read_bytes() == b"a user's own file"
    other = tmp_path / "other.duckdb"
    c = duckdb.connect(str(other))
    c.execute("create table t (a int)")
    c.close()
    with pytest.raises(UpwardError, match="not an Upward atlas"):
        atlas.ensure(other)
    with pytest.raises(UpwardError, match="is a folder"):
        atlas.ensure(tmp_path)


def test_occupation_hierarchy_follows_soc_structure(con):
    rows = {r[0]: r[1:] for r in con.execute("select occ_code, level, major_code, minor_code, broad_code from occupations").fetchall()}
    assert rows["15-1252"] == ("detailed", "15-0000", "15-1200", "15-1250")
    assert rows["31-1131"][2] == "31-1100"
    assert rows["51-5112"] == ("detailed", "51-0000", "51-5100", "51-5110")  # 51-5100 is not in OEWS: from projections
    assert rows["35-1010"][0] == "broad" and rows["15-1200"][0] == "minor" and rows["11-0000"][0] == "major"
    assert rows["13-1020"] == ("detailed", "13-0000", "13-1000", "13-1020")  # an OEWS aggregate is detailed
    titles = dict(con.execute("select group_code, title from occupation_groups").fetchall())
    assert titles["51-5100"] == "Printing workers" and titles["15-1200"] == "Computer Occupations"
    # every civilian detailed occupation points to a major and minor group that has a title
    for code, (level, major, minor, _broad) in rows.items():
        if level == "detailed" and not code.startswith("55-"):
            assert major in titles and minor in titles, code


def test_state_parity_lies_between_its_portions(con):
    rows = con.execute(
        """select a.area_code, a.price_parity, m.rpp, n.rpp from areas a
           left join prices_rpp m on m."table" = 'PARPP' and m.geo_fips = a.state_code || '998' and m.item = 'all_items' and m.year = 2024
           left join prices_rpp n on n."table" = 'PARPP' and n.geo_fips = a.state_code || '999' and n.item = 'all_items' and n.year = 2024
           where a.area_type = 'state' and a.price_parity is not null"""
    ).fetchall()
    assert len(rows) == 51
    for code, parity, metro, nonmetro in rows:
        parts = [p for p in (metro, nonmetro) if p is not None and p > 0]
        assert min(parts) - 1e-6 <= parity <= max(parts) + 1e-6, code
    # BEA publishes no nonmetropolitan portion for Delaware: its parity is the metro portion's.
    de = con.execute("select price_parity from areas where area_code = '1000000'").fetchone()[0]
    de_metro = con.execute(
        """select rpp from prices_rpp where "table" = 'PARPP' and geo_fips = '10998' and item = 'all_items' and year = 2024"""
    ).fetchone()[0]
    assert de == pytest.approx(de_metro)


def test_coverage_of_published_employment_in_every_area(con):
    cov = onet_coverage(con)
    assert all(r["share_of_detailed"] >= 0.90 for r in cov["per_area"])
    assert {r["area_type"]: r["areas"] for r in cov["by_area_type"]} == {"national": 1, "state": 54, "metro": 393, "nonmetro": 135}


def test_descriptor_release_is_chosen_per_occupation_never_mixed(con):
    mixed = con.execute("select count(*) from descriptors where onet_release not in ('29.3', '30')").fetchone()[0]
    assert mixed == 0
    # 15-1252 has no 29.3 skills: its skills are O*NET 30's ten basic skills.
    rows = con.execute("select distinct onet_release, count(distinct element_id) from descriptors where occ_code = '15-1252' and domain = 'skills' group by 1").fetchall()
    assert rows == [("30", 10)]
    # Recommend-suppress flags travel with the value (11-3031.00 Skills 2.B.3.a LV is flagged).
    assert con.execute(
        "select recommend_suppress from descriptors where occ_code = '11-3031' and domain = 'skills' and element_id = '2.B.3.a' and scale_id = 'LV'"
    ).fetchone()[0] is True


@pytest.mark.slow
def test_two_builds_of_the_same_bundle_are_the_same_atlas(atlas_path, tmp_path):
    """Every number traces back to the atlas, so building it again from the same bundle and code gives
    the same rows, to the last bit (parallel float sums used to move living wages and O*NET means)."""
    from upward.atlas.build import build

    again = build(tmp_path / "again.duckdb")
    con = duckdb.connect()
    try:
        con.execute(f"attach '{atlas_path}' as a (read_only)")
        con.execute(f"attach '{again}' as b (read_only)")
        tables = [t for (t,) in con.execute("select table_name from duckdb_tables() where database_name = 'a' order by 1").fetchall()]
        assert len(tables) > 50 and "living_wage" in tables and "descriptors" in tables
        differing = {}
        for t in tables:
            if t == "meta":  # holds the build time
                continue
            n = con.execute(f"select count(*) from (select * from a.main.{t} except all select * from b.main.{t})").fetchone()[0]
            m = con.execute(f"select count(*) from (select * from b.main.{t} except all select * from a.main.{t})").fetchone()[0]
            if n or m:
                differing[t] = (n, m)
        assert differing == {}
    finally:
        con.close()
