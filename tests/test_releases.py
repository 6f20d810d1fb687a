"""Releases side by side in the atlas, running analysis on a held one, and what changed between two.

Figures are BLS's own: OEWS national workbooks May 2023 and May 2024, the May 2025 time-series
release, Employment Projections 2022–32 and 2024–34 (hand-checked against the files).
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _support import api

from upward import profiles, soc
from upward.analysis import changes as ch
from upward.atlas.provenance import atlas_id, releases as data_releases
from upward.atlas import releases as rel
from upward.errors import NotFoundError, UpwardError

NATIONAL = "0000000"
HOUSTON = "0026420"


@pytest.fixture(scope="module")
def prof():
    return profiles.load(None)


def one(con, sql, params=None):
    return con.execute(sql, params or []).fetchone()


# ---------------------------------------------------------------------------------------------
# the release records and the current release


def test_atlas_records_every_release_it_holds(con):
    held = {(h.source, h.release): h for h in rel.held(con)}
    assert sorted(held) == [("bls_oews", "2023"), ("bls_oews", "2024"), ("bls_oews", "2025"),
                            ("bls_projections", "2022-32"), ("bls_projections", "2024-34")]
    may24 = held[("bls_oews", "2024")]
    assert (may24.period, may24.published, may24.coverage, may24.complete, may24.current) == ("May 2024", "2025-04-02", "the nation", False, False)
    files = json.loads(may24.files)
    assert files == [{"path": "oews/previous/national_M2024_dl.xlsx", "sha256": "0b70d339f53d12c91509e72ad78cbfc32a5c43d7b82efff1705f83475da115b9"}]
    may25 = held[("bls_oews", "2025")]
    assert may25.complete and may25.current and may25.coverage.startswith("the nation, 54 states and territories, 393 metro areas")
    assert held[("bls_projections", "2024-34")].current and not held[("bls_projections", "2022-32")].current
    assert held[("bls_projections", "2022-32")].published == "2023-09-06"


def test_views_read_the_current_release(con):
    # every release's rows are held; the views analysis reads show the current one only
    assert one(con, "select count(distinct release) from oews_wages_by_release")[0] == 3
    assert one(con, "select count(*) from oews_wages where area_code = ? and occ_code = '15-1252'", [NATIONAL])[0] == 1
    assert one(con, "select a_median from wages where area_code = ? and occ_code = '15-1252'", [NATIONAL])[0] == 135_980
    assert one(con, "select emp_base, base_year from projections where occ_code = '29-1141'") == (3391.0, 2024)


@pytest.mark.parametrize("text, source, release", [
    ("2024", None, "2024"), ("May 2023", None, "2023"), ("m2025", None, "2025"), ("oews:2024", None, "2024"),
    ("2022", "bls_projections", "2022-32"), ("2022-32", "bls_projections", "2022-32"), ("2022–2032", "bls_projections", "2022-32"),
    ("projections:2024", None, "2024-34"),
])
def test_releases_are_named_by_year(con, text, source, release):
    assert rel.resolve(con, text, source).release == release


def test_an_unknown_release_lists_the_held_ones(con):
    with pytest.raises(NotFoundError) as exc:
        rel.resolve(con, "2019")
    assert "2023 (May 2023)" in exc.value.hint and "atlas add" in exc.value.hint


def test_choosing_a_release_on_one_connection(con, atlas_path):
    import duckdb

    other = duckdb.connect(str(atlas_path), read_only=True)
    try:
        before = atlas_id(other)
        with rel.chosen(other, [rel.resolve(other, "2024")]):
            assert one(other, "select a_median from wages where area_code = ? and occ_code = '15-1252'", [NATIONAL])[0] == 133_080
            assert one(other, "select total_employment from areas where area_code = ?", [NATIONAL])[0] == 154_187_380
            assert atlas_id(other) == before + "@bls_oews=2024"  # every in-process cache keys results by release
            assert data_releases(other)["releases"]["bls_oews"] == "May 2024 (published 2025-04-02)"
            with pytest.raises(UpwardError, match="OEWS May 2024 holds no estimates for Houston") as exc:
                rel.require_area(other, HOUSTON)
            assert "MSA_M2024_dl.xlsx" in exc.value.hint and "upward atlas add" in exc.value.hint
        assert atlas_id(other) == before
        assert one(other, "select a_median from wages where area_code = ? and occ_code = '15-1252'", [NATIONAL])[0] == 135_980
        # the session connection never saw the choice
        assert one(con, "select a_median from wages where area_code = ? and occ_code = '15-1252'", [NATIONAL])[0] == 135_980
    finally:
        other.close()


# ---------------------------------------------------------------------------------------------
# SOC codes of two releases


def test_reconcile_releases_regroups_within_a_broad_group():
    got = soc.reconcile_releases(["13-1021", "13-1022", "13-1024", "11-1031", "29-1141"], ["13-1020", "13-1024", "29-1141", "15-1299"])
    by = {r.code: (r.side, r.unit, r.method) for r in got.itertuples()}
    assert by["13-1021"] == ("earlier", "13-1020", "regrouped") and by["13-1020"] == ("later", "13-1020", "regrouped")
    assert by["13-1024"] == ("both", "13-1024", "same_code")
    assert by["11-1031"] == ("earlier", "11-1031", "left") and by["15-1299"] == ("later", "15-1299", "entered")


codes = st.lists(st.from_regex(r"[1-5][0-9]-[0-9]{4}", fullmatch=True), max_size=40, unique=True)


@given(codes, codes)
def test_reconcile_releases_places_every_code_once(a, b):
    got = soc.reconcile_releases(a, b)
    assert sorted(got.code) == sorted(set(a) | set(b))
    assert set(got.code[got.side.isin(["both", "earlier"])]) == set(a)
    assert set(got.code[got.side.isin(["both", "later"])]) == set(b)
    # a unit is one code, or one broad group holding codes both releases do not share
    for unit, g in got.groupby("unit"):
        assert len(g) == 1 or (set(g.side) <= {"earlier", "later"} and {c[:6] for c in g.code} == {unit[:6]})


# ---------------------------------------------------------------------------------------------
# what changed


def test_national_changes_may_2024_to_may_2025(con, prof):
    r = ch.changes(con, NATIONAL, prof, "2024", "2025")
    assert (r["from"]["period"], r["to"]["period"], r["years"]) == ("May 2024", "May 2025", 1)
    t = r["summary"]["all_occupations"]
    assert (t["tot_emp_from"], t["tot_emp_to"], t["tot_emp_change"]) == (154_187_380, 155_495_730, 1_308_350)
    assert (t["a_median_from"], t["a_median_to"], t["a_median_change"]) == (49_500, 50_980, 1_480)
    sd = next(o for o in r["occupations"] if o["occ_code"] == "15-1252")
    assert (sd["a_median_from"], sd["a_median_to"], sd["a_median_change"]) == (133_080, 135_980, 2_900)
    assert sd["a_median_change_pct"] == pytest.approx((135_980 / 133_080 - 1) * 100)
    assert (sd["tot_emp_from"], sd["tot_emp_to"], sd["tot_emp_change"]) == (1_654_440, 1_687_890, 33_450)
    # employment RSEs 0.7% and 0.6%: the 33,450 change is beyond 1.96 standard errors of the difference
    se = math.hypot(0.007 * 1_654_440, 0.006 * 1_687_890)
    assert sd["tot_emp_change_beyond_sampling_error"] is (33_450 > 1.96 * se)
    assert r["summary"]["left"] == [{"occ_code": "11-1031", "occ_title": "Legislators"}]
    assert (r["summary"]["occupations_from"], r["summary"]["occupations_to"], r["summary"]["in_both"]) == (831, 830, 830)
    # top-coded wages have no change
    top = [o for o in r["occupations"] if o["a_median_top_coded_to"] or o["a_median_top_coded_from"]]
    assert top and all(o["a_median_change"] is None for o in top)


def test_national_changes_may_2023_to_may_2025_and_wage_growth(con, prof):
    r = ch.changes(con, NATIONAL, prof, "2023", "2025")
    sd = next(o for o in r["occupations"] if o["occ_code"] == "15-1252")
    assert (sd["a_median_from"], sd["a_median_to"]) == (132_270, 135_980)
    assert sd["a_median_growth_annual_pct"] == pytest.approx(((135_980 / 132_270) ** 0.5 - 1) * 100)
    g = ch.wage_growth(con, NATIONAL).set_index("occ_code")  # default: the earliest release holding the area → the current one
    assert (g.loc["15-1252", "start_release"], g.loc["15-1252", "end_release"], g.loc["15-1252", "years"]) == ("2023", "2025", 2)
    assert g.loc["15-1252", "a_median_growth_pct"] == pytest.approx((135_980 / 132_270 - 1) * 100)
    assert g.loc["15-1252", "a_median_growth_annual_pct"] == pytest.approx(sd["a_median_growth_annual_pct"])
    # no growth where a median is missing: top-coded (footnote 5), or BLS pays the occupation hourly only (actors, footnote 4)
    assert g.a_median_growth_pct[g.top_coded].isna().all() and g.top_coded.sum() > 10
    assert (g.a_median_growth_pct.isna() == (g.a_median_start.isna() | g.a_median_end.isna())).all()
    assert pd.isna(g.loc["27-2011", "a_median_start"]) and not g.loc["27-2011", "top_coded"]
    with pytest.raises(UpwardError, match="wage growth needs two"):
        ch.wage_growth(con, HOUSTON)


def test_region_level_changes_are_differences_of_the_two_sides(con, prof):
    from upward.analysis.mobilize import scored_table

    r = ch.changes(con, NATIONAL, prof, "2024", "2025")
    with rel.chosen(con, [rel.resolve(con, "2024")]):
        before = scored_table(con, prof, [NATIONAL]).set_index("occ_code")
    after = scored_table(con, prof, [NATIONAL]).set_index("occ_code")
    became = set(after.index[after.jtm & after.scored]) - set(before.index[before.jtm & before.scored])
    stopped = set(before.index[before.jtm & before.scored]) - set(after.index[after.jtm & after.scored])
    # the listings show the largest 10; the counts are whole
    assert {o["occ_code"] for o in r["jtms"]["became"]} <= became and r["jtms"]["became_count"] == len(became)
    assert len(r["jtms"]["became"]) == min(10, len(became))
    assert {o["occ_code"] for o in r["jtms"]["stopped"]} <= stopped and r["jtms"]["stopped_count"] == len(stopped)
    assert len(r["jtms"]["stopped"]) == min(10, len(stopped))
    assert r["jtms"]["occupations"] == {"from": int((before.jtm & before.scored).sum()), "to": int((after.jtm & after.scored).sum())}
    q_to = set(after.index[after.tier == "quality"])
    q_from = set(before.index[before.tier == "quality"])
    assert r["quality"]["became_count"] == len(q_to - q_from) and r["quality"]["stopped_count"] == len(q_from - q_to)
    p = r["pathways"]
    assert p["steps_into_jtms"]["to"] - p["steps_into_jtms"]["from"] == p["opened"] - p["closed"]
    for e in p["opened_examples"] + p["closed_examples"]:
        assert e["reason"]


def test_projections_changes(con, prof):
    r = ch.changes(con, NATIONAL, prof, "2022", "2024", source="bls_projections")
    assert (r["from"]["period"], r["to"]["period"]) == ("2022–32", "2024–34")
    rn = next(o for o in r["occupations"] if o["occ_code"] == "29-1141")
    assert (rn["emp_base_from"], rn["emp_base_to"], rn["emp_base_change"]) == (3172.5, 3391.0, 218.5)
    assert (rn["emp_change_pct_from"], rn["emp_change_pct_to"], rn["emp_change_pct_change"]) == (5.6, 4.9, -0.7)
    assert (rn["median_wage_from"], rn["median_wage_to"], rn["typical_education_changed"]) == (81_220, 93_600, False)
    t = r["summary"]["all_occupations"]
    assert (t["emp_base_from"], t["emp_base_to"], t["emp_projected_from"], t["emp_projected_to"]) == (164482.6, 169956.1, 169148.1, 175167.9)


def test_changes_refuse_an_area_a_release_does_not_cover(con, prof):
    with pytest.raises(UpwardError, match="OEWS May 2024 holds no estimates for Houston"):
        ch.changes(con, HOUSTON, prof, "2024", "2025")
    with pytest.raises(UpwardError, match="holds OEWS for Houston-Pasadena-The Woodlands, TX in May 2025 only") as exc:
        ch.pick_releases(con, HOUSTON, None, None)
    assert "May 2024 covers the nation" in exc.value.message and "MSA_M2024_dl.xlsx" in exc.value.hint
    with pytest.raises(UpwardError, match="both OEWS May 2025"):
        ch.pick_releases(con, NATIONAL, "2025", "2025")
    assert [h.release for h in ch.pick_releases(con, NATIONAL, None, None)] == ["2024", "2025"]


# ---------------------------------------------------------------------------------------------
# the faces: CLI


def test_cli_changes_json_and_csv(cli):
    rc, out, err = cli("changes", "--region", "national", "--from", "2024", "--to", "2025", "--json")
    assert rc == 0, err
    r = json.loads(out)
    assert r["schema"] == "upward.changes/1"
    sd = next(o for o in r["occupations"] if o["occ_code"] == "15-1252")
    assert (sd["a_median_from"], sd["a_median_to"]) == (133_080, 135_980)
    rc, out, _ = cli("changes", "--region", "national", "--from", "2023", "--to", "2025", "--csv")
    import io

    df = pd.read_csv(io.StringIO(out), dtype={"occ_code": str})
    row = df[df.occ_code == "15-1252"].iloc[0]
    assert (row.a_median_from, row.a_median_to, row.from_release, row.to_release) == (132_270, 135_980, 2023, 2025)
    rc, out, _ = cli("changes", "--region", "national", "--from", "2024", "--to", "2025")
    assert rc == 0 and "154,187,380 → 155,495,730" in out and "$49,500 → $50,980" in out and "Legislators (11-1031)" in out
    rc, out, _ = cli("changes", "--region", "national", "--source", "projections", "--from", "2022", "--to", "2024")
    assert rc == 0 and "2022–32 → 2024–34" in out


def test_cli_release_option(cli):
    rc, out, err = cli("--release", "2024", "occupation", "15-1252", "--json")
    assert rc == 0, err
    r = json.loads(out)
    assert r["wages"]["a_median"] == 133_080 and r["data"]["releases"]["bls_oews"].startswith("May 2024")
    assert "not the current release" in err
    rc, out, err = cli("--release", "2024", "region", "houston")
    assert rc == 1 and "OEWS May 2024 holds no estimates for Houston" in err and "upward atlas add" in err
    rc, out, err = cli("--release", "projections:2022", "occupation", "29-1141", "--json")
    assert rc == 0 and json.loads(out)["projections_national"]["emp_base"] == 3172.5
    rc, out, err = cli("--release", "2019", "region", "national")
    assert rc == 2 and "Held releases of OEWS" in err


def test_cli_atlas_info_lists_the_releases(cli):
    rc, out, _ = cli("atlas", "info", "--json")
    held = {(h["source"], h["release"]): h for h in json.loads(out)["releases"]}
    assert held[("bls_oews", "2024")]["published"] == "2025-04-02" and held[("bls_oews", "2025")]["current"]


# ---------------------------------------------------------------------------------------------
# the faces: API and dashboard


@pytest.fixture(scope="module")
def web(atlas_path, tmp_path_factory):
    from upward.web import Settings

    with api(Settings(db=atlas_path, hub=tmp_path_factory.mktemp("hub") / "hub.duckdb")) as c:
        yield c


def test_api_changes_is_the_cli_json(web, cli):
    r = web.get("/api/v1/regions/national/changes", params={"from": "2023", "to": "2025", "top": 3})
    assert r.status_code == 200, r.text
    got = r.json()
    rc, out, _ = cli("changes", "--region", "national", "--from", "2023", "--to", "2025", "--top", "3", "--json")
    assert got == json.loads(out)
    assert got["summary"]["all_occupations"]["tot_emp_from"] == 151_853_870
    r = web.get("/api/v1/regions/houston/changes")
    assert r.status_code == 400 and "MSA_M2024_dl.xlsx" in r.json()["hint"]
    held = {(h["source"], h["release"]) for h in web.get("/api/v1/atlas").json()["releases"]}
    assert ("bls_projections", "2022-32") in held


def test_dashboard_what_changed_page_and_its_tables(web):
    r = web.get("/regions/national/changes", params={"from": "2024", "to": "2025"})
    assert r.status_code == 200
    assert "What changed in National" in r.text and "154,187,380" in r.text and "Legislators" in r.text
    for name in ("occupations", "quality", "jtms", "steps"):
        csv = web.get("/regions/national/changes", params={"from": "2024", "to": "2025", "csv": name})
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv"), name
    rows = pd.read_csv(__import__("io").StringIO(web.get("/regions/national/changes", params={"from": "2024", "to": "2025", "csv": "occupations"}).text),
                       dtype={"occ_code": str})
    sd = rows[rows.occ_code == "15-1252"].iloc[0]
    assert (sd.a_median_from, sd.a_median_to, sd.tot_emp_change) == (133_080, 135_980, 33_450)
    assert len(rows) == 831  # every occupation of either release, not only those shown
    page = web.get("/regions/houston/changes")
    assert page.status_code == 200 and "No comparison for this area yet" in page.text and "upward atlas add" in page.text
    assert web.get("/regions/houston/changes", params={"source": "projections"}).status_code == 200
