"""`upward atlas add` / `atlas remove` on BLS's real files.

The atlas here is built from the real bundle less OEWS May 2023 and projections 2022–32, so that
BLS's own national_M2023_dl.xlsx and occupation_2022-32.xlsx can be added to it: the rows added
must be exactly those the bundle builds from the same files, the round trip must give back the
same atlas table for table, and a damaged file must change nothing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest

from upward import atlas, bundle, profiles
from upward.atlas import releases as rel
from upward.atlas import store
from upward.errors import SourceFormatError, UpwardError

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
M2023 = DATA / "oews" / "previous" / "national_M2023_dl.xlsx"
P2022 = DATA / "projections" / "previous" / "occupation_2022-32.xlsx"
LEFT_OUT = {"2023", "2022-32"}
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not M2023.is_file() or not P2022.is_file(), reason=f"BLS's previous-release files not found under {DATA}"),
]


@pytest.fixture(scope="module")
def reduced(tmp_path_factory) -> Path:
    return bundle.copy_without(LEFT_OUT, tmp_path_factory.mktemp("reduced-bundle"))


@pytest.fixture(scope="module")
def built(reduced, tmp_path_factory) -> Path:
    from upward.atlas.build import build

    with bundle.located(reduced):
        return build(tmp_path_factory.mktemp("reduced-atlas") / "atlas.duckdb")


@pytest.fixture
def path(built, reduced, tmp_path) -> Path:
    """A private copy of the reduced atlas (its own releases/ folder), for one test to change."""
    target = tmp_path / "atlas.duckdb"
    shutil.copy(built, target)
    with bundle.located(reduced):
        yield target


def content(p: Path) -> dict:
    """Every table of the atlas, sorted: what 'the same atlas' means."""
    con = duckdb.connect(str(p), read_only=True)
    try:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables() where database_name = current_database() order by 1").fetchall()]
        return {n: con.execute(f"select * from {n} order by all").to_arrow_table() for n in names}
    finally:
        con.close()


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(a[k].equals(b[k]) for k in a)


def test_add_then_remove_round_trips_to_the_same_atlas(path, atlas_path):
    before = content(path)
    change = store.add(path, [M2023, P2022])
    assert not change.rebuilt and change.current == {"bls_oews": "2025", "bls_projections": "2024-34"}
    assert {(r["source"], r["release"]) for r in change.releases} == {("bls_oews", "2023"), ("bls_projections", "2022-32")}
    con = atlas.connect(path)
    try:
        held = {(h.source, h.release): h for h in rel.held(con)}
        may23 = held[("bls_oews", "2023")]
        assert (may23.origin, may23.coverage, may23.published) == ("added", "the nation", None)
        assert json.loads(may23.files)[0]["sha256"] == "9200eb0423feece690c2f7e9a20c3817b0e494cd7071cb455b3ebae579536d5a"
        # exactly the rows the bundle builds from the same official files
        full = duckdb.connect(str(atlas_path), read_only=True)
        try:
            for table in ("oews_wages_by_release", "oews_occupations_by_release", "oews_areas_by_release", "oews_footnotes_by_release"):
                q = f"select * from {table} where release = '2023' order by all"
                assert con.execute(q).to_arrow_table().equals(full.execute(q).to_arrow_table()), table
            q = "select * from projections_by_release where release = '2022-32' order by all"
            assert con.execute(q).to_arrow_table().equals(full.execute(q).to_arrow_table())
        finally:
            full.close()
        from upward.analysis.changes import changes

        r = changes(con, "0000000", profiles.load(None), "2023", "2025")
        sd = next(o for o in r["occupations"] if o["occ_code"] == "15-1252")
        assert (sd["a_median_from"], sd["a_median_to"]) == (132_270, 135_980)
    finally:
        con.close()
    assert atlas.is_current(path)
    store.remove(path, "2023")
    store.remove(path, "2022", "bls_projections")
    assert same(content(path), before)
    assert store.additions(store.folder(path)) == [] and not list(store.folder(path).glob(".*"))
    assert atlas.is_current(path)


def test_a_rebuilt_atlas_keeps_the_added_release(path):
    from upward.atlas.build import build

    store.add(path, [M2023])
    build(path)  # a new version of Upward rebuilds the atlas: the user's release is loaded again from releases/
    con = atlas.connect(path)
    try:
        assert con.execute("select a_median from oews_wages_by_release where release = '2023' and occ_code = '15-1252'").fetchone()[0] == 132_270
    finally:
        con.close()
    assert atlas.is_current(path)


def test_a_damaged_workbook_is_rejected_and_changes_nothing(path, tmp_path):
    before = content(path)
    wb = openpyxl.load_workbook(M2023)
    ws = wb["national_M2023_dl"]
    ws.cell(row=57, column=12).value = "12,3x4"  # TOT_EMP
    bad = tmp_path / "national_M2023_dl.xlsx"
    wb.save(bad)
    with pytest.raises(SourceFormatError) as exc:
        store.add(path, [bad])
    assert exc.value.row == 57 and exc.value.field == "TOT_EMP" and "sheet 'national_M2023_dl'" in str(exc.value)
    assert "national_M2023_dl.xlsx, row 57, field 'TOT_EMP'" in str(exc.value)
    assert same(content(path), before)
    assert not store.folder(path).exists() or not any(store.folder(path).iterdir())


def test_a_failure_while_applying_leaves_atlas_and_folder_as_they_were(path, monkeypatch):
    before = content(path)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_refresh", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        store.add(path, [M2023])
    assert same(content(path), before)
    assert store.additions(store.folder(path)) == []
    assert atlas.is_current(path)


def test_what_cannot_be_added_or_removed(path):
    with pytest.raises(UpwardError, match="ships with Upward"):
        store.remove(path, "2024")
    store.add(path, [M2023])
    with pytest.raises(UpwardError, match="already holds OEWS May 2023 for 1 of these areas: 0000000 U.S.") as exc:
        store.add(path, [M2023])
    assert "upward atlas remove 2023" in exc.value.hint
    with pytest.raises(UpwardError, match="already holds Employment Projections 2024–34"):
        store.add(path, [DATA / "projections" / "occupation_2024-34.xlsx"])
    with pytest.raises(SourceFormatError, match="not a file Upward reads"):
        store.add(path, [DATA / "PROVENANCE.md"])


def test_more_areas_of_a_held_release_are_added_and_removed_again(path, tmp_path):
    """A state workbook of May 2024 (the bundle holds only the nation): a mechanism test, with made-up numbers."""
    from test_sources_oews_workbook import HEADER

    before = content(path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "state_M2024_dl"
    ws.append(HEADER)
    values = {"TOT_EMP": 1000, "EMP_PRSE": 5.0, "H_MEAN": 30.0, "A_MEAN": 62400, "MEAN_PRSE": 2.0, "A_MEDIAN": 60000, "H_MEDIAN": 28.85}
    for occ, title, group in (("15-1252", "Software Developers", "detailed"), ("99-9999", "A Made-Up Occupation", "detailed")):
        row = {h: None for h in HEADER} | {"AREA": 48, "AREA_TITLE": "Texas", "AREA_TYPE": 2, "PRIM_STATE": "TX", "NAICS": "000000",
                                            "OWN_CODE": "1235", "OCC_CODE": occ, "OCC_TITLE": title, "O_GROUP": group} | values
        ws.append([row[h] for h in HEADER])
    f = tmp_path / "state_M2024_dl.xlsx"
    wb.save(f)
    change = store.add(path, [f])
    assert change.releases[0]["rows"] == {"oews_areas_by_release": 1, "oews_occupations_by_release": 1,
                                          "oews_footnotes_by_release": 0, "oews_wages_by_release": 2}
    con = atlas.connect(path)
    try:
        h = next(x for x in rel.held(con, "bls_oews") if x.release == "2024")
        assert h.origin == "bundle + added" and h.coverage == "the nation, 1 state or territory" and not h.complete
        files = json.loads(h.files)
        assert files[0]["path"] == "oews/previous/national_M2024_dl.xlsx" and (files[1]["name"], files[1]["origin"]) == ("state_M2024_dl.xlsx", "added")
        assert con.execute("select tot_emp from oews_wages_by_release where release = '2024' and area_code = '4800000' and occ_code = '99-9999'").fetchone() == (1000,)
    finally:
        con.close()
    store.remove(path, "2024")
    assert same(content(path), before)


def test_cli_add_and_remove(path, monkeypatch):
    from typer.testing import CliRunner

    from upward.cli.main import app

    monkeypatch.setenv("UPWARD_DB", str(path))
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    r = runner.invoke(app, ["atlas", "add", str(M2023), "--published", "2024-04-03", "--announced-in", "BLS OEWS home page"])
    assert r.exit_code == 0, r.stderr
    assert "Added OEWS May 2023: 1 areas, 1,396 estimates, from national_M2023_dl.xlsx" in r.stdout
    r = runner.invoke(app, ["changes", "--region", "national", "--from", "2023", "--to", "2025", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["from"]["published"] == "2024-04-03"
    r = runner.invoke(app, ["atlas", "remove", "2023", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["action"] == "remove"
    r = runner.invoke(app, ["atlas", "add", str(M2023), "--published", "April 2024"])
    assert r.exit_code == 1 and "not a date" in r.stderr
