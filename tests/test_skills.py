"""Skill landscape, proficiency benchmarks, and employer rating sheets (export, validated import, history)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from upward import hub, profiles
from upward.analysis import skills
from upward.errors import SourceFormatError, UpwardError
from upward.hub import rating_import, rating_sheet
from upward.hub import ratings as hub_ratings
from upward.sheets import Problem
from upward.hub import data as hub_data

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
#: The official O*NET files these tests read values from live in ../shared (beside the project), not in the package.
needs_onet = pytest.mark.skipif(not (SHARED / "onet" / "29.3").is_dir(), reason=f"official O*NET files not found under {SHARED / 'onet' / '29.3'}")
RN, HOUSTON, KOKOMO = "29-1141", "0026420", "0029020"


@pytest.fixture(scope="module")
def profile():
    return profiles.load()


@pytest.fixture
def hub_path(tmp_path) -> Path:
    return tmp_path / "hub" / "hub.duckdb"


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def sheet(con, profile, tmp_path, name="sheet.csv", hub_path=None) -> list[dict]:
    """An exported sheet for registered nurses in Houston, read back as CSV rows."""
    path = tmp_path / name
    rating_sheet.export(con, HOUSTON, RN, profile, path=path, hub_path=hub_path)
    return list(csv.DictReader(path.open(encoding="utf-8")))


def rated(rows: list[dict], **values) -> list[dict]:
    return [{**r, "rating": "agree", "rater": "Ana Ruiz", "organisation": "Memorial Hermann", **values} for r in rows]


def raw_tables(path: Path) -> dict:
    c = duckdb.connect(str(path), read_only=True)
    try:
        return {t: c.execute(f"select * from {t} order by all").df() for t in ("benchmark_imports", "benchmark_ratings", "imports", "programs")}
    finally:
        c.close()


# --- O*NET values and anchors ------------------------------------------------------------------


def _official_rn_skills() -> dict:
    """Registered nurses' rows of O*NET 29.3 Skills.xlsx, read straight from the official file."""
    import openpyxl

    wb = openpyxl.load_workbook(SHARED / "onet" / "29.3" / "Skills.xlsx", read_only=True)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = next(rows)
        code, element, scale, value = (header.index(h) for h in ("O*NET-SOC Code", "Element ID", "Scale ID", "Data Value"))
        out: dict = {}
        for r in rows:
            if r[code] == f"{RN}.00":
                out[(r[element], r[scale])] = float(r[value])
            elif out:
                break
        return out
    finally:
        wb.close()


@needs_onet
def test_known_onet_values_flow_into_the_benchmark(con, profile):
    official = _official_rn_skills()
    assert official[("2.A.1.b", "IM")] == 4.0 and official[("2.A.1.b", "LV")] == 4.25  # Active Listening
    b = skills.benchmark(con, None, RN, profile)
    by_id = {e["element_id"]: e for e in b["elements"]}
    listening = by_id["2.A.1.b"]
    assert (listening["importance"], listening["level"]) == (4.0, 4.25) and listening["essential"]
    # every essential skill is exactly O*NET's, and every skill at or above the bar is there
    essential = {k[0] for k, v in official.items() if k[1] == "IM" and v >= profile.get("benchmarks.essential_importance")}
    assert {e["element_id"] for e in b["elements"] if e["domain"] == "skills"} == essential
    for e in (e for e in b["elements"] if e["domain"] == "skills"):
        assert (e["importance"], e["level"]) == (official[(e["element_id"], "IM")], official[(e["element_id"], "LV")])
    assert all(e["importance"] < 3.5 for e in b["other_elements"])
    assert b["area"] is None and "ratings" not in b


@needs_onet
def test_anchors_are_oneTs_own_texts(con, profile):
    with (SHARED / "onet" / "29.3" / "Level Scale Anchors.txt").open(encoding="utf-8") as f:
        official = [r for r in csv.DictReader(f, delimiter="\t") if r["Element ID"] == "2.A.1.a"]  # Reading Comprehension
    b = skills.benchmark(con, None, RN, profile)
    reading = next(e for e in b["elements"] if e["element_id"] == "2.A.1.a")
    assert [(a["value"], a["description"]) for a in reading["anchors"]] == [(float(r["Anchor Value"]), r["Anchor Description"]) for r in official]
    assert reading["level"] == 4.25
    low, high = (r["Anchor Description"] for r in official if r["Anchor Value"] in ("4", "6"))
    assert reading["level_meaning"] == f"level 4.25: between '{low}' (4) and '{high}' (6)"


def test_level_meaning_at_between_below_above():
    a = [(2.0, "two"), (4.0, "four"), (6.0, "six")]
    assert skills.level_meaning(4.0, a) == "level 4: 'four' (4)"
    assert skills.level_meaning(4.3, a) == "level 4.3: between 'four' (4) and 'six' (6)"
    assert skills.level_meaning(1.2, a) == "level 1.2: below 'two' (2)"
    assert skills.level_meaning(6.5, a) == "level 6.5: above 'six' (6)"
    assert skills.level_meaning(None, a) is None
    assert "no anchors" in skills.level_meaning(3.0, [])


# --- the adjustment rule -----------------------------------------------------------------------


def _r(rater, rating, level=None, import_id=1, row=2, org="Acme"):
    return {"rater": rater, "organisation": org, "rating": rating, "proposed_level": level, "import_id": import_id, "file_row": row}


def test_adjustment_rule():
    essential = {"importance": 4.0, "level": 4.0, "essential": True}
    optional = {"importance": 2.5, "level": 2.0, "essential": False}
    assert skills.adjust(essential, [], True)["region_level"] == 4.0
    assert skills.adjust(essential, [_r("a", "agree")], True)["region_level"] == 4.0
    assert skills.adjust(essential, [_r("a", "raise", 5.0)], True)["region_level"] == 4.5  # O*NET is one voice
    assert skills.adjust(essential, [_r("a", "raise", 5.0)], False)["region_level"] == 5.0
    three = [_r(n, "raise", 5.0) for n in "abc"]
    assert skills.adjust(essential, three, True)["region_level"] == 5.0
    # a rater's latest rating counts; the earlier one is kept, marked superseded
    v = skills.adjust(essential, [_r("a", "raise", 6.0, 1), _r(" A ", "lower", 3.0, 2)], True)
    assert v["region_level"] == 3.5 and [r["current"] for r in v["ratings"]] == [False, True]
    # the same name at another organisation is another voice
    assert skills.adjust(essential, [_r("a", "raise", 6.0), _r("a", "raise", 6.0, org="Other")], True)["region_level"] == 6.0
    # membership: more remove than keep votes drops it; a tie keeps O*NET's verdict
    assert skills.adjust(essential, [_r("a", "remove")], True)["status"] == "removed"
    assert skills.adjust(essential, [_r("a", "remove"), _r("b", "agree")], True)["in_benchmark"]
    added = skills.adjust(optional, [_r("a", "add", 3.0)], True)
    assert added["status"] == "added" and added["region_level"] == 2.5
    assert skills.adjust(optional, [_r("a", "add", 3.0), _r("b", "remove")], True)["status"] == "not added"


# --- landscape ---------------------------------------------------------------------------------


def test_landscape_supply_and_demand_match_a_hand_computation(con, profile):
    r = skills.landscape(con, KOKOMO, profile)
    assert r["area"]["area_code"] == KOKOMO and r["jtm_count"] > 0
    ratings = con.execute(
        """select occ_code, max(value) filter (where scale_id = 'IM') im, max(value) filter (where scale_id = 'LV') lv
           from descriptors where domain = 'skills' and element_id = '2.A.1.a' and onet_release = '29.3' group by occ_code"""
    ).df().set_index("occ_code")
    jobs = con.execute(
        """select w.occ_code, w.tot_emp from wages w join occupations o using (occ_code)
           where w.area_code = ? and o.level = 'detailed' and w.tot_emp is not null""",
        [KOKOMO],
    ).df().set_index("occ_code")
    both = jobs.join(ratings, how="inner")
    value = both.lv * (both.im - 1) / 4
    supply = (both.tot_emp * value).sum() / both.tot_emp.sum()
    from upward.analysis.mobilize import jobs as jtm_jobs

    jtms = pd.DataFrame([j for j in jtm_jobs(con, KOKOMO, profile, top=None)["jobs"]]).set_index("occ_code").join(ratings, how="inner")
    demand = (jtms.openings * jtms.lv * (jtms.im - 1) / 4).sum() / jtms.openings.sum()
    row = next(e for e in r["elements"] if e["element_id"] == "2.A.1.a")
    assert row["supply"] == pytest.approx(supply, rel=1e-12)
    assert row["demand"] == pytest.approx(demand, rel=1e-12)
    assert row["gap"] == pytest.approx(demand - supply) and row["gap_ratio"] == pytest.approx(demand / supply)
    gaps = [e["gap"] for e in r["elements"]]
    assert gaps == sorted(gaps, reverse=True) and len(r["elements"]) == 35 + 33
    cov = r["coverage"]["skills"]
    assert cov["share_of_employment"] == pytest.approx(both.tot_emp.sum() / r["area"]["total_employment"], rel=1e-9)
    assert 0 < cov["share_of_jtm_openings"] <= 1 and r["data"]["bundle"] and r["profile"]["name"] == "default"


# --- rating sheets -----------------------------------------------------------------------------


def test_export_csv_and_xlsx(con, profile, tmp_path):
    rows = sheet(con, profile, tmp_path)
    assert list(rows[0]) == list(rating_sheet.COLUMNS)
    assert {r["soc"] for r in rows} == {RN} and {r["area_code"] for r in rows} == {HOUSTON}
    assert len(rows) == len(skills.benchmark(con, None, RN, profile)["elements"])
    assert all(r["rating"] == "" and r["level_meaning"].startswith("level ") for r in rows)
    with pytest.raises(UpwardError, match="will not overwrite"):
        rating_sheet.export(con, HOUSTON, RN, profile, path=tmp_path / "sheet.csv")
    import openpyxl

    rating_sheet.export(con, HOUSTON, RN, profile, path=tmp_path / "sheet.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "sheet.xlsx", read_only=True)
    try:
        assert wb.sheetnames == ["Ratings", "Instructions", "Other elements"]
        xrows = list(wb["Ratings"].iter_rows(values_only=True))
        assert list(xrows[0]) == list(rating_sheet.COLUMNS) and len(xrows) == len(rows) + 1
        assert any("row 1 is the header" in (r[0] or "").lower() for r in wb["Instructions"].iter_rows(values_only=True))
    finally:
        wb.close()
    assert not list(tmp_path.glob(".*.tmp"))


def test_round_trip_agree_changes_nothing_and_a_raise_moves_the_level(con, profile, tmp_path, hub_path):
    rows = sheet(con, profile, tmp_path)
    onet = {r["element_id"]: float(r["onet_level"]) for r in rows}
    dry = rating_import.import_ratings(con, write_csv(tmp_path / "agree.csv", rated(rows)), profile, hub_path=hub_path, dry_run=True)
    assert dry.rows == len(rows) and dry.changes == [] and not hub_path.exists()
    result = rating_import.import_ratings(con, tmp_path / "agree.csv", profile, hub_path=hub_path, who="planner")
    assert result.import_id == 1 and result.changes == [] and result.by_rating["agree"] == len(rows)
    b = skills.benchmark(con, HOUSTON, RN, profile, hub_data(hub_path))
    assert {e["element_id"]: e["region_level"] for e in b["elements"]} == onet
    assert all(e["status"] == "rated" for e in b["elements"])

    target = rows[2]["element_id"]
    raised = [{**r, "rating": "raise", "proposed_level": "6.5", "rater": "Bo Chen", "organisation": "HCA Houston"} for r in rows if r["element_id"] == target]
    result = rating_import.import_ratings(con, write_csv(tmp_path / "raise.csv", raised), profile, hub_path=hub_path, who="planner")
    assert result.changes == []  # the median of O*NET, Ana's agree (O*NET's level) and Bo's 6.5 stays O*NET's
    # a second raise: four voices (O*NET, Ana, Bo, Cy), the median half way between O*NET's level and 6.5
    raised2 = [{**r, "rater": "Cy Diaz", "organisation": "St. Luke's"} for r in raised]
    result = rating_import.import_ratings(con, write_csv(tmp_path / "raise2.csv", raised2), profile, hub_path=hub_path)
    half = (onet[target] + 6.5) / 2
    assert [(c["element_id"], c["level_before"], c["level_after"]) for c in result.changes] == [(target, onet[target], pytest.approx(half))]
    b = skills.benchmark(con, HOUSTON, RN, profile, hub_data(hub_path))
    e = next(e for e in b["elements"] if e["element_id"] == target)
    assert e["region_level"] == pytest.approx(half) and e["change"] == pytest.approx(half - onet[target])
    assert e["region_level_meaning"].startswith(f"level {round(half, 2):g}")
    # Ana now raises too (her later rating supersedes her agree): median of (O*NET, 6.5, 6.5, 7) = 6.5
    ana = [{**r, "rater": "Ana Ruiz", "organisation": "Memorial Hermann", "proposed_level": "7"} for r in raised]
    rating_import.import_ratings(con, write_csv(tmp_path / "ana.csv", ana), profile, hub_path=hub_path)
    e = next(e for e in skills.benchmark(con, HOUSTON, RN, profile, hub_data(hub_path))["elements"] if e["element_id"] == target)
    assert e["region_level"] == 6.5 and e["keep_votes"] == 3
    assert [(r["rater"], r["rating"], r["current"]) for r in e["ratings"]] == [
        ("Ana Ruiz", "agree", False), ("Bo Chen", "raise", True), ("Cy Diaz", "raise", True), ("Ana Ruiz", "raise", True),
    ]  # fmt: skip


def test_a_single_raise_moves_the_level_half_way(con, profile, tmp_path, hub_path):
    rows = sheet(con, profile, tmp_path)
    target = rows[0]
    one = [{**target, "rating": "raise", "proposed_level": "6.5", "rater": "Bo Chen", "organisation": "HCA Houston"}]
    result = rating_import.import_ratings(con, write_csv(tmp_path / "one.csv", one), profile, hub_path=hub_path)
    half = (float(target["onet_level"]) + 6.5) / 2
    assert [(c["element_id"], c["level_after"]) for c in result.changes] == [(target["element_id"], pytest.approx(half))]


def test_add_and_remove_and_xlsx_import(con, profile, tmp_path, hub_path):
    import openpyxl

    rating_sheet.export(con, HOUSTON, RN, profile, path=tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    ws = wb["Ratings"]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    ws.cell(2, col["rating"], "remove")
    ws.cell(2, col["rater"], "Ana Ruiz")
    new = ws.max_row + 1
    for k, v in {"soc": "291141", "area_code": 26420, "domain": "skills", "element_name": "mathematics", "rating": "add", "proposed_level": 3, "rater": "Ana Ruiz"}.items():
        ws.cell(new, col[k], v)  # a spreadsheet's shapes: SOC without dash, area as a number, name without an id
    wb.save(tmp_path / "s.xlsx")
    removed = ws.cell(2, col["element_id"]).value
    result = rating_import.import_ratings(con, tmp_path / "s.xlsx", profile, hub_path=hub_path, soc=RN, area_code=HOUSTON)
    assert result.rows == 2 and len(result.skipped_rows) == new - 3
    b = skills.benchmark(con, HOUSTON, RN, profile, hub_data(hub_path))
    status = {e["element_id"]: e["status"] for e in b["elements"]}
    assert status[removed] == "removed" and status["2.A.1.e"] == "added"
    math_ = next(e for e in b["elements"] if e["element_id"] == "2.A.1.e")
    assert math_["region_level"] == pytest.approx((math_["level"] + 3) / 2)


def test_a_bad_row_rejects_the_whole_file_with_row_and_field(con, profile, tmp_path, hub_path):
    rows = sheet(con, profile, tmp_path)
    good = write_csv(tmp_path / "good.csv", rated(rows[:1]))
    rating_import.import_ratings(con, good, profile, hub_path=hub_path)
    before = hub_path.read_bytes()
    bad = rated(rows)
    bad[3]["rating"] = "maybe"  # row 5 (the header is row 1)
    with pytest.raises(SourceFormatError) as caught:
        rating_import.import_ratings(con, write_csv(tmp_path / "bad.csv", bad), profile, hub_path=hub_path)
    err = caught.value
    assert isinstance(err, rating_sheet.RatingSheetError)
    assert (err.row, err.field) == (5, "rating") and "bad.csv, row 5, field 'rating'" in str(err) and "maybe" in str(err)
    assert "nothing was imported" in str(err) and "docs/skills.md" in err.hint
    assert hub_path.read_bytes() == before and len(hub_ratings.ratings(hub_path)) == 1

    bad = rated(rows)
    onet = float(bad[5]["onet_level"])
    bad[1].update(rating="raise", proposed_level="9")  # row 3: off the scale
    bad[2].update(rating="raise", proposed_level=str(onet - 1) if onet >= 1 else "0")  # row 4: not a raise
    bad[4].update(rating="lower", proposed_level="")  # row 6: no level
    bad[5].update(rater="  ")  # row 7
    bad[6].update(soc="29-9999")  # row 8
    bad[7].update(area_code="9999999")  # row 9
    bad[8].update(domain="knowledge" if bad[8]["domain"] == "skills" else "skills")  # row 10: element of the other domain
    bad[9].update(element_id="2.X.9")  # row 11
    bad[10].update(rating="agree", proposed_level="1.5")  # row 12: agree with another level
    bad.append(dict(bad[0]))  # the last row repeats row 2
    bad.append({**bad[0], "element_id": "", "element_name": "Mathematics", "domain": "skills", "rating": "raise", "proposed_level": "6"})  # not in the benchmark
    with pytest.raises(rating_sheet.RatingSheetError) as caught:
        rating_import.import_ratings(con, write_csv(tmp_path / "bad2.csv", bad), profile, hub_path=hub_path)
    found = {(p.row, p.field) for p in caught.value.problems}
    n = len(bad) + 1
    assert found == {
        (3, "proposed_level"), (4, "proposed_level"), (6, "proposed_level"), (7, "rater"), (8, "soc"), (9, "area_code"),
        (10, "domain"), (11, "element_id"), (12, "proposed_level"), (n - 1, "rater"), (n, "rating"),
    }  # fmt: skip
    assert f"row {n - 1}" in str(caught.value) and "the first is row 2" in str(caught.value)
    assert hub_path.read_bytes() == before


def test_sheet_level_problems(con, profile, tmp_path, hub_path):
    rows = sheet(con, profile, tmp_path)
    with pytest.raises(SourceFormatError, match=r"no row is rated yet\. Fill in .* rater and organisation\. Nothing was imported\.\n"):
        rating_import.import_ratings(con, tmp_path / "sheet.csv", profile, hub_path=hub_path)
    no_rater = [{k: v for k, v in r.items() if k != "rater"} for r in rated(rows)]
    with pytest.raises(rating_sheet.RatingSheetError) as caught:
        rating_import.import_ratings(con, write_csv(tmp_path / "cols.csv", no_rater), profile, hub_path=hub_path)
    assert (caught.value.row, caught.value.field) == (1, "rater")
    with pytest.raises(rating_sheet.RatingSheetError) as caught:
        rating_import.import_ratings(con, write_csv(tmp_path / "other.csv", rated(rows)), profile, hub_path=hub_path, soc="29-2061")
    assert {p.field for p in caught.value.problems} == {"soc"}
    with pytest.raises(UpwardError, match="cannot import a '.txt'"):
        (tmp_path / "x.txt").write_text("soc\n")
        rating_import.import_ratings(con, tmp_path / "x.txt", profile, hub_path=hub_path)
    assert not hub_path.exists()
    ok = write_csv(tmp_path / "ok.csv", rated(rows))
    rating_import.import_ratings(con, ok, profile, hub_path=hub_path)
    with pytest.raises(UpwardError, match="byte-identical to benchmark import 1"):
        rating_import.import_ratings(con, ok, profile, hub_path=hub_path)


def test_history_keeps_every_rating_with_who_and_when(con, profile, tmp_path, hub_path):
    rows = sheet(con, profile, tmp_path)
    rating_import.import_ratings(con, write_csv(tmp_path / "a.csv", rated(rows[:2])), profile, hub_path=hub_path, who="ana@board")
    later = rated(rows[:1], rating="lower", proposed_level="0.5")
    rating_import.import_ratings(con, write_csv(tmp_path / "b.csv", later), profile, hub_path=hub_path, who="bo@board")
    kept = hub_ratings.ratings(hub_path, HOUSTON, RN)
    assert [(r["import_id"], r["file_row"], r["rating"], r["imported_by"]) for r in kept] == [
        (1, 2, "agree", "ana@board"), (1, 3, "agree", "ana@board"), (2, 2, "lower", "bo@board"),
    ]  # fmt: skip
    assert all(r["rater"] == "Ana Ruiz" and r["organisation"] == "Memorial Hermann" and r["imported_at"] for r in kept)
    assert [h["who"] for h in hub_ratings.history(hub_path)] == ["ana@board", "bo@board"]
    e = next(e for e in skills.benchmark(con, HOUSTON, RN, profile, hub_data(hub_path))["elements"] if e["element_id"] == rows[0]["element_id"])
    assert [r["current"] for r in e["ratings"]] == [False, True]
    assert e["region_level"] == pytest.approx((float(rows[0]["onet_level"]) + 0.5) / 2)
    assert skills.benchmark(con, KOKOMO, RN, profile, hub_data(hub_path))["ratings"] == 0  # another region is untouched


def _v2_hub(where: Path, source: Path) -> None:
    """A version-2 hub (no benchmark tables) holding the programs of the hub `source`."""
    from upward.hub._db import ADDED_IN, TABLES, VIEWS

    c = duckdb.connect(str(where))
    try:
        for name, ddl in TABLES.items():
            if name not in ADDED_IN["3"]:
                c.execute(ddl)
        for ddl in VIEWS.values():
            c.execute(ddl)
        c.execute("insert into hub_meta values ('schema_version', '2'), ('kind', 'upward-hub')")
        c.execute(f"attach '{source}' as src (read_only)")
        for t in ("imports", "providers", "programs", "completions", "outcomes"):
            c.execute(f"insert into {t} select * from src.{t}")
        c.execute("detach src")
    finally:
        c.close()


def test_a_version_2_hub_is_upgraded_and_keeps_its_programs(con, profile, tmp_path, hub_path):
    hub.template(tmp_path / "t.csv")
    programs_hub = tmp_path / "p.duckdb"
    hub.import_file(con, programs_hub, tmp_path / "t.csv", who="ana")
    hub_path.parent.mkdir()
    _v2_hub(hub_path, programs_hub)
    inventory = hub.inventory(hub_path)
    assert hub_ratings.ratings(hub_path) == [] and skills.benchmark(con, HOUSTON, RN, profile, hub_data(hub_path))["ratings"] == 0
    rows = sheet(con, profile, tmp_path)
    path = write_csv(tmp_path / "r.csv", rated(rows))
    rating_import.import_ratings(con, path, profile, hub_path=hub_path, dry_run=True)
    c = duckdb.connect(str(hub_path), read_only=True)
    assert c.execute("select value from hub_meta where key = 'schema_version'").fetchone()[0] == "2"
    c.close()
    rating_import.import_ratings(con, path, profile, hub_path=hub_path)
    c = duckdb.connect(str(hub_path), read_only=True)
    try:
        assert c.execute("select value from hub_meta where key = 'schema_version'").fetchone()[0] == "5"
    finally:
        c.close()
    after = hub.inventory(hub_path)
    for k in inventory:
        pd.testing.assert_frame_equal(inventory[k], after[k], obj=k)
    assert [h["who"] for h in hub.history(hub_path)] == ["ana"] and len(hub_ratings.ratings(hub_path)) == len(rows)
    # and a programs import into the upgraded hub still works
    hub.rollback(hub_path, 1)
    assert hub.inventory(hub_path)["programs"].empty and len(hub_ratings.ratings(hub_path)) == len(rows)


def test_benchmark_profile_keys_are_validated(tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text('[benchmarks]\ndomains = ["skills", "interests"]\n')
    with pytest.raises(profiles.ProfileError, match="benchmarks.domains"):
        profiles.load(bad)
    bad.write_text("[benchmarks]\nessential_importance = 6\n")
    with pytest.raises(profiles.ProfileError, match="benchmarks.essential_importance"):
        profiles.load(bad)
    ok = tmp_path / "ok.toml"
    ok.write_text('[benchmarks]\ndomains = ["skills", "abilities"]\nessential_importance = 4\n')
    p = profiles.load(ok)
    assert p.get("benchmarks.domains") == ["skills", "abilities"] and p.get("benchmarks.onet_counts_as_voice") is True


# --- CLI ---------------------------------------------------------------------------------------


@pytest.fixture
def cli_hub(tmp_path, monkeypatch):
    path = tmp_path / "cli-hub.duckdb"
    monkeypatch.setenv("UPWARD_HUB", str(path))
    return path


def test_cli_skills_json_csv_and_table(cli):
    rc, out, _ = cli("skills", "--region", KOKOMO, "--json")
    r = json.loads(out)
    assert rc == 0 and r["area"]["area_code"] == KOKOMO and len(r["elements"]) == 68 and r["profile"]["name"] == "default"
    rc, out, _ = cli("skills", "--region", KOKOMO, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and [x["element_id"] for x in rows] == [e["element_id"] for e in r["elements"]] and rows[0]["bundle"] and rows[0]["profile_hash"]
    rc, out, _ = cli("skills", "--region", KOKOMO, "--top", "5")
    assert rc == 0 and "Biggest gaps (showing 5 of 68)" in out and r["elements"][0]["element_name"] in out


def test_cli_benchmark_export_import_and_errors(cli, cli_hub, tmp_path):
    rc, out, _ = cli("benchmark", RN, "--json")
    b = json.loads(out)
    assert rc == 0 and b["occupation"]["occ_code"] == RN and b["area"] is None
    rc, out, _ = cli("benchmark", "registered nurses", "--csv")
    assert rc == 0 and list(csv.DictReader(io.StringIO(out)))[0]["level_meaning"].startswith("level ")
    path = tmp_path / "rn.csv"
    rc, _, err = cli("benchmark", RN, "--region", "houston", "--export", str(path))
    assert rc == 0 and path.exists() and "rows" in err
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    bad = rated(rows)
    bad[3]["rating"] = "maybe"
    rc, out, _ = cli("benchmark", RN, "--region", "houston", "--import", str(write_csv(tmp_path / "bad.csv", bad)), "--json")
    assert rc == 1 and json.loads(out)["problems"] == [Problem("bad.csv", 5, "rating", json.loads(out)["problems"][0]["reason"])._asdict()]
    rc, _, err = cli("benchmark", RN, "--region", "houston", "--import", str(tmp_path / "bad.csv"))
    assert rc == 1 and "row 5" in err and "rating" in err and not cli_hub.exists()
    good = write_csv(tmp_path / "good.csv", rated(rows[:3], rating="raise", proposed_level="6.9"))
    rc, out, _ = cli("benchmark", RN, "--region", "houston", "--import", str(good), "--dry-run", "--json")
    assert rc == 0 and json.loads(out)["dry_run"] and len(json.loads(out)["changes"]) == 3 and not cli_hub.exists()
    rc, out, _ = cli("benchmark", RN, "--region", "houston", "--import", str(good))
    assert rc == 0 and "added 3 ratings (3 raise)" in out and cli_hub.exists()
    rc, out, _ = cli("benchmark", RN, "--region", "houston", "--json")
    elements = json.loads(out)["elements"]
    assert sum(e["status"] == "rated" for e in elements) == 3
    assert all(r["imported_by"] and r["imported_at"] for e in elements for r in e["ratings"])
    rc, out, _ = cli("benchmark", RN, "--region", "houston", "--csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and sum(x["raters"] == "Ana Ruiz (Memorial Hermann)" for x in table) == 3 and table[0]["bundle"]
    rc, out, _ = cli("benchmark", RN, "--region", "houston")
    assert rc == 0 and "Ana Ruiz" in out and "3 employer ratings" in out
    rc, _, err = cli("benchmark", RN, "--export", str(tmp_path / "x.csv"))
    assert rc == 1 and "--region" in err
    rc, _, err = cli("benchmark", RN, "--dry-run")
    assert rc == 1 and "--import" in err
