"""The hub: inventory imports (CSV, XLSX, JSON), validation of every row, dry runs, history, rollback."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from upward import hub
from upward.errors import UpwardError
from upward.hub.template import COLUMNS, EXAMPLE_ROWS, make_rows
from upward.hub import data as hub_data


def write_csv(path: Path, rows: list[dict], columns=None) -> Path:
    columns = list(columns or rows[0].keys())
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        w.writerows(rows)
    return path


def snapshot(hub_path: Path) -> dict:
    """Everything a user can see: the current views and the raw tables, plus the import records."""
    import duckdb

    out = {k: v for k, v in hub.inventory(hub_path).items()}
    if hub_path.exists():
        c = duckdb.connect(str(hub_path), read_only=True)
        try:
            for t in ("imports", "providers", "programs", "completions", "outcomes"):
                out["raw_" + t] = c.execute(f"select * from {t} order by all").df()
        finally:
            c.close()
    return out


def assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        pd.testing.assert_frame_equal(a[k], b[k], obj=k)


@pytest.fixture
def example(tmp_path) -> Path:
    return Path(tmp_path / "template.csv")


@pytest.fixture
def hub_path(tmp_path) -> Path:
    return tmp_path / "hub" / "hub.duckdb"


def rows_of(name: str) -> dict:
    return next(dict(r) for r in EXAMPLE_ROWS if r["program_id"] == name)


# ---------------------------------------------------------------------------------------------


def test_path_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("UPWARD_HUB", str(tmp_path / "env.duckdb"))
    assert hub.path(tmp_path / "x.duckdb") == tmp_path / "x.duckdb"
    assert hub.path() == tmp_path / "env.duckdb"
    monkeypatch.delenv("UPWARD_HUB")
    assert hub.path().name == "hub.duckdb"


def test_template_round_trips(con, tmp_path, hub_path):
    text = hub.template(tmp_path / "t.csv")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert (tmp_path / "t.csv").read_text() == text
    result = hub.import_file(con, hub_path, tmp_path / "t.csv", who="tester")
    assert result.import_id == 1 and sorted(result.new_programs) == ["HCC-HVAC-CERT", "HCC-RN-ADN"]
    inv = hub.inventory(hub_path)
    rn = inv["programs"].set_index("program_id").loc["HCC-RN-ADN"]
    assert rn["cip_code"] == "51.3801" and list(rn["target_socs"]) == ["29-1141"]
    assert list(rn["supports"]) == ["childcare", "transit", "disability_services"]
    assert list(rn["populations_served"]) == ["adults", "dislocated_workers", "public_assistance"]
    assert rn["award_level"] == 3 and type(rn["award_level"]) is int  # an IPEDS code, as the seed has it
    assert result.warnings == []
    assert rn["as_of"] == pd.Timestamp("2025-01-15") and rn["cost"] == 9600
    prov = inv["providers"].iloc[0]
    assert (prov["county_fips"], prov["area_code"], prov["state_abbr"]) == ("48201", "0026420", "TX")
    assert inv["completions"].set_index("program_id").loc["HCC-RN-ADN", "completions"] == 112
    out = inv["outcomes"].set_index(["program_id", "measure"])
    assert out.loc[("HCC-RN-ADN", "median_earnings"), "horizon"] == "1 year after completion"
    assert out.loc[("HCC-HVAC-CERT", "employment_rate"), "value"] == pytest.approx(0.84)
    assert out.loc[("HCC-HVAC-CERT", "employment_rate"), "horizon"] == "q2"
    import duckdb

    c = duckdb.connect(str(hub_path), read_only=True)
    try:
        assert c.execute("select value from hub_meta where key = 'schema_version'").fetchone()[0] == "5"
        view = dict(c.execute("select program_id, populations_served from current_programs").fetchall())
        assert view["HCC-HVAC-CERT"] == ["adults", "veterans", "justice_involved"]
        assert c.execute("select award_level from programs where program_id = 'HCC-RN-ADN'").fetchone()[0] == "3"
    finally:
        c.close()


def test_make_rows_are_valid(con, tmp_path):
    df = make_rows(con, 300)
    path = tmp_path / "many.csv"
    df.to_csv(path, index=False)
    assert hub.validate(con, hub.read_inventory(path), path) == []
    assert df["program_id"].is_unique


def _formats(con, tmp_path) -> dict[str, Path]:
    df = make_rows(con, 40).astype(object)
    df.loc[3, ["completions_year", "completions", "employment_rate", "target_socs", "supports"]] = ""
    csv_path = tmp_path / "inv.csv"
    df.to_csv(csv_path, index=False)

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(df.columns))
    for rec in df.to_dict("records"):
        typed = dict(rec)
        typed["county_fips"] = int(rec["county_fips"])  # a spreadsheet drops the leading zero
        for c in ("hours", "weeks", "cost", "completions", "median_earnings", "completions_year"):
            typed[c] = int(rec[c]) if rec[c] else None
        typed["employment_rate"] = float(rec["employment_rate"]) if rec["employment_rate"] else None
        typed["as_of"] = dt.datetime.fromisoformat(rec["as_of"])
        ws.append([typed[c] if typed[c] != "" else None for c in df.columns])
    ws.append([None] * len(df.columns))  # a blank trailing row is skipped
    wb.create_sheet("notes").append(["ignored sheet"])
    xlsx_path = tmp_path / "inv.xlsx"
    wb.save(xlsx_path)

    records = []
    for rec in df.to_dict("records"):
        r = {k: v for k, v in rec.items() if v != ""}
        for c in ("hours", "weeks", "cost", "completions", "median_earnings"):
            if c in r:
                r[c] = int(r[c])
        if "employment_rate" in r:
            r["employment_rate"] = float(r["employment_rate"])
        for c in ("target_socs", "supports", "employer_partners"):
            if c in r:
                r[c] = [p.strip() for p in r[c].split(";")]
        records.append(r)
    json_path = tmp_path / "inv.json"
    json_path.write_text(json.dumps(records))
    return {"csv": csv_path, "xlsx": xlsx_path, "json": json_path}


def test_csv_xlsx_json_give_the_same_current_rows(con, tmp_path):
    files = _formats(con, tmp_path)
    invs = {}
    for fmt, f in files.items():
        result = hub.import_file(con, tmp_path / f"{fmt}.duckdb", f)
        assert result.rows == 40 and len(result.new_programs) == 40
        invs[fmt] = {k: v.drop(columns=["file_row"], errors="ignore") for k, v in hub.inventory(tmp_path / f"{fmt}.duckdb").items()}
    assert len(invs["csv"]["programs"]) == 40
    assert len(invs["csv"]["completions"]) == 39
    for fmt in ("xlsx", "json"):
        assert_same(invs["csv"], invs[fmt])


def test_header_aliases_map_and_extra_columns_are_ignored(con, tmp_path):
    renamed = {
        "provider_id": "Provider ID",
        "provider_name": "Provider",
        "county_fips": "County",
        "program_id": "program-id",
        "program_name": "PROGRAM_NAME",
        "cip_code": "CIP Code",
        "target_socs": "Target Occupations",
        "completions": "Completers",
        "as_of": "As Of",
    }
    rows = [{renamed.get(k, k): v for k, v in r.items()} | {"Notes": "x"} for r in EXAMPLE_ROWS]
    path = write_csv(tmp_path / "aliased.csv", rows)
    result = hub.import_file(con, tmp_path / "a.duckdb", path)
    assert result.ignored_columns == ["Notes"]
    hub.template(tmp_path / "t.csv")
    hub.import_file(con, tmp_path / "b.duckdb", tmp_path / "t.csv")
    a = {k: v for k, v in hub.inventory(tmp_path / "a.duckdb").items()}
    b = {k: v for k, v in hub.inventory(tmp_path / "b.duckdb").items()}
    assert_same(a, b)
    from upward.hub.inventory_read import map_columns

    positions, ignored, twice = map_columns(["CIP", "cip2020", "SOC", "Target-Occupations", "fips", "Extra"])
    assert positions == {"cip_code": 0, "target_socs": 2, "county_fips": 4}
    assert ignored == ["Extra"] and twice == [("cip_code", ["CIP", "cip2020"]), ("target_socs", ["SOC", "Target-Occupations"])]


def test_codes_in_spreadsheet_shapes_are_accepted(con, tmp_path):
    rn = rows_of("HCC-RN-ADN") | {"cip_code": "513801", "target_socs": "29-1141.00; 291141", "cost": "$9,600"}
    agri = rn | {"program_id": "AG", "cip_code": "1.0101", "county_fips": "1001", "target_socs": "13-1021"}
    agri |= {"provider_id": "AL", "provider_name": "Alabama provider", "completions": "", "completions_year": ""}
    path = write_csv(tmp_path / "shapes.csv", [rn, agri])
    hub.import_file(con, tmp_path / "h.duckdb", path)
    progs = hub.inventory(tmp_path / "h.duckdb")["programs"].set_index("program_id")
    assert progs.loc["HCC-RN-ADN", "cip_code"] == "51.3801" and list(progs.loc["HCC-RN-ADN", "target_socs"]) == ["29-1141"]
    assert progs.loc["HCC-RN-ADN", "cost"] == 9600
    assert progs.loc["AG", "cip_code"] == "01.0101"
    assert list(progs.loc["AG", "target_socs"]) == ["13-1020"]  # SOC 13-1021 is published by OEWS within 13-1020
    assert hub.inventory(tmp_path / "h.duckdb")["providers"].set_index("provider_id").loc["AL", "county_fips"] == "01001"


def test_malformed_import_names_every_bad_row_and_changes_nothing(con, tmp_path, hub_path):
    hub.template(tmp_path / "t.csv")
    hub.import_file(con, hub_path, tmp_path / "t.csv")
    before_bytes = hub_path.read_bytes()
    before = snapshot(hub_path)

    good = rows_of("HCC-RN-ADN")

    def row(pid, **changes):
        return good | {"program_id": pid} | changes

    rows = [
        row("OK-1"),  # row 2
        row("BAD-CIP", cip_code="99.9999"),  # row 3
        row("BAD-COUNTY", county_fips="99999", provider_id="P2"),  # row 4
        row("NEG", completions="-5"),  # row 5
        row("WORDS", hours="twelve"),  # row 6
        row("OK-1", program_name="again"),  # row 7: duplicate program id
        row("BAD-SOC", target_socs="29-1141; 29-9999"),  # row 8
        row("BROAD-SOC", target_socs="29-1140"),  # row 9
        row("RATE", employment_rate="85"),  # row 10
        row("VOCAB", modality="classroom", supports="childcare; daycare"),  # row 11
        row("DATE", as_of="15/01/2025"),  # row 12
        row("", program_name=""),  # row 13: required blanks
        row("FRACTION", completions="10.5", cost="-1"),  # row 14
        row("MOVED", cip_code="01.8001"),  # row 15: CIP 2010 code moved in 2020
        row("SHORT-CIP", cip_code="51.38"),  # row 16
        row("OTHER-PROV", provider_name="Another Name"),  # row 17: provider HCC named twice differently
        row("POPS", populations_served="adults; retirees"),  # row 18
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(hub.InventoryError) as info:
        hub.import_file(con, hub_path, path)
    err = info.value
    found = {(p.row, p.field) for p in err.problems}
    expected = {
        (3, "cip_code"),
        (4, "county_fips"),
        (5, "completions"),
        (6, "hours"),
        (7, "program_id"),
        (8, "target_socs"),
        (9, "target_socs"),
        (10, "employment_rate"),
        (11, "modality"),
        (11, "supports"),
        (12, "as_of"),
        (13, "program_id"),
        (13, "program_name"),
        (14, "completions"),
        (14, "cost"),
        (15, "cip_code"),
        (16, "cip_code"),
        (17, "provider_name"),
        (18, "populations_served"),
    }
    assert found == expected
    assert all(p.file == "bad.csv" for p in err.problems)
    by = {(p.row, p.field): p.reason for p in err.problems}
    assert "99.9999 is not a code in CIP 2020" in by[(3, "cip_code")]
    assert "99999" in by[(4, "county_fips")]
    assert "from 0 to 1,000,000" in by[(5, "completions")] and "'-5'" in by[(5, "completions")]
    assert "expected a number, got 'twelve'" in by[(6, "hours")]
    assert "repeats row 2" in by[(7, "program_id")]
    assert "29-9999 is not a SOC 2018 occupation" in by[(8, "target_socs")]
    assert "broad group" in by[(9, "target_socs")]
    assert "0.85" in by[(10, "employment_rate")]
    assert "'daycare'" in by[(11, "supports")]
    assert "whole number" in by[(14, "completions")]
    assert "moved" in by[(15, "cip_code")]
    assert "6-digit" in by[(16, "cip_code")]
    assert "row 2" in by[(17, "provider_name")]
    assert "'retirees' not among adults, dislocated_workers" in by[(18, "populations_served")]
    message = str(err)
    assert "nothing was imported" in message
    for p in err.problems:
        assert f"bad.csv, row {p.row}, {p.field}: {p.reason}" in message
    # validate() reports the same problems without touching any hub
    assert hub.validate(con, hub.read_inventory(path), path) == err.problems
    assert hub_path.read_bytes() == before_bytes
    assert_same(before, snapshot(hub_path))
    assert len(hub.history(hub_path)) == 1


def test_a_bad_first_import_creates_no_hub(con, tmp_path, hub_path):
    path = write_csv(tmp_path / "bad.csv", [rows_of("HCC-RN-ADN") | {"hours": "twelve"}])
    with pytest.raises(hub.InventoryError):
        hub.import_file(con, hub_path, path)
    assert not hub_path.exists() and not hub_path.parent.exists()


def test_a_first_import_failing_while_writing_leaves_nothing(con, tmp_path, monkeypatch):
    from upward.hub import imports

    where = tmp_path / "new" / "deeper" / "hub.duckdb"
    real = imports.append

    def failing(c, table, rows):
        if table == "outcomes":
            raise RuntimeError("disk full")
        real(c, table, rows)

    monkeypatch.setattr(imports, "append", failing)
    hub.template(tmp_path / "t.csv")
    with pytest.raises(RuntimeError, match="disk full"):
        hub.import_file(con, where, tmp_path / "t.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]  # no hub, no hidden file, no folders
    monkeypatch.setattr(imports, "append", real)
    assert hub.import_file(con, where, tmp_path / "t.csv").import_id == 1
    assert sorted(p.name for p in where.parent.iterdir()) == ["hub.duckdb"]
    assert len(hub.inventory(where)["programs"]) == 2


def test_a_hub_created_meanwhile_is_never_overwritten(con, tmp_path, hub_path, monkeypatch):
    from upward.hub import imports

    hub.template(tmp_path / "t.csv")
    other = write_csv(tmp_path / "other.csv", [rows_of("HCC-RN-ADN") | {"program_id": "OTHER"}])
    real = imports.append

    def meanwhile(c, table, rows):
        if table == "outcomes" and not hub_path.exists():
            monkeypatch.setattr(imports, "append", real)
            hub.import_file(con, hub_path, other, who="someone else")  # another program's first import
        real(c, table, rows)

    monkeypatch.setattr(imports, "append", meanwhile)
    with pytest.raises(UpwardError, match="Another program created the hub"):
        hub.import_file(con, hub_path, tmp_path / "t.csv")
    assert [r["who"] for r in hub.history(hub_path)] == ["someone else"]
    assert hub.inventory(hub_path)["programs"].program_id.tolist() == ["OTHER"]
    assert sorted(p.name for p in hub_path.parent.iterdir()) == ["hub.duckdb"]


def test_provider_id_disagreeing_with_an_earlier_row(con, tmp_path):
    rn, hvac = rows_of("HCC-RN-ADN"), rows_of("HCC-HVAC-CERT")
    rows = [rn, hvac | {"program_id": "HCC-RN-ADN", "provider_id": "OTHER"}, hvac | {"county_fips": "48113"}]
    path = write_csv(tmp_path / "dup.csv", rows)
    problems = hub.validate(con, hub.read_inventory(path), path)
    assert [(p.row, p.field) for p in problems] == [(3, "program_id"), (4, "county_fips")]
    assert "under provider_id 'HCC', here under 'OTHER'" in problems[0].reason


def test_wrong_types_in_json_and_xlsx_name_the_record(con, tmp_path):
    rn = rows_of("HCC-RN-ADN")
    records = [rn, rn | {"program_id": "X", "hours": {"n": 12}, "cost": True}, "not a record"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(records))
    problems = hub.validate(con, hub.read_inventory(path), path)
    assert [(p.row, p.field) for p in problems] == [(2, "hours"), (2, "cost"), (3, None)]
    assert "wrong type" in problems[0].reason

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    ws.append([rn[c] for c in COLUMNS])
    ws.append([])  # blank row 3 is skipped; numbering follows the sheet
    ws.append([rn[c] for c in COLUMNS[:9]] + [dt.datetime(2024, 1, 1)] + [rn[c] for c in COLUMNS[10:]])
    xlsx = tmp_path / "bad.xlsx"
    wb.save(xlsx)
    problems = hub.validate(con, hub.read_inventory(xlsx), xlsx)
    assert [(p.row, p.field) for p in problems] == [(4, "program_id"), (4, "hours")]


def test_missing_required_columns_and_unsupported_files(con, tmp_path):
    path = write_csv(tmp_path / "thin.csv", [{"program_id": "A", "program_name": "B"}])
    problems = hub.validate(con, hub.read_inventory(path), path)
    assert {(p.row, p.field) for p in problems} == {(1, c) for c in ("provider_id", "provider_name", "county_fips", "cip_code")}
    (tmp_path / "inv.txt").write_text("x")
    with pytest.raises(UpwardError, match=r"accepted: CSV .*XLSX|accepted: CSV"):
        hub.read_inventory(tmp_path / "inv.txt")
    (tmp_path / "obj.json").write_text('{"programs": []}')
    with pytest.raises(UpwardError, match="expected a JSON list of records"):
        hub.read_inventory(tmp_path / "obj.json")
    (tmp_path / "latin.csv").write_bytes("provider_name\nCaf\xe9\n".encode("latin-1"))
    with pytest.raises(UpwardError, match="not UTF-8"):
        hub.read_inventory(tmp_path / "latin.csv")


def test_dry_run_reports_new_and_changed_and_writes_nothing(con, tmp_path, hub_path):
    hub.template(tmp_path / "t.csv")
    dry = hub.import_file(con, hub_path, tmp_path / "t.csv", dry_run=True)
    assert dry.dry_run and dry.import_id is None and len(dry.new_programs) == 2
    assert not hub_path.exists()  # a dry run does not even create the hub

    hub.import_file(con, hub_path, tmp_path / "t.csv")
    before_bytes, before = hub_path.read_bytes(), snapshot(hub_path)
    rn = rows_of("HCC-RN-ADN") | {"cost": "9900", "completions": "120", "modality": "in_person"}
    hvac = rows_of("HCC-HVAC-CERT")
    new = hvac | {"program_id": "HCC-WELD", "program_name": "Welding", "cip_code": "48.0508", "target_socs": "51-4121"}
    path = write_csv(tmp_path / "v2.csv", [rn, hvac, new])
    dry = hub.import_file(con, hub_path, path, dry_run=True)
    assert dry.new_programs == ["HCC-WELD"]
    assert dry.unchanged_programs == ["HCC-HVAC-CERT"]
    assert dry.changed_programs == {
        "HCC-RN-ADN": [
            hub.Change("cost", 9600.0, 9900.0),
            hub.Change("modality", "hybrid", "in_person"),
            hub.Change("completions 2024", 112, 120),
        ]
    }
    assert dry.new_providers == [] and dry.changed_providers == {}
    assert "would add 1 new programs, would change 1, 1 unchanged" in dry.summary()
    json.dumps(dry.to_dict())
    assert hub_path.read_bytes() == before_bytes
    assert_same(before, snapshot(hub_path))


def test_change_then_rollback_restores_the_exact_prior_state(con, tmp_path, hub_path):
    hub.template(tmp_path / "t.csv")
    hub.import_file(con, hub_path, tmp_path / "t.csv", who="ana")
    prior = hub.inventory(hub_path)

    rn = rows_of("HCC-RN-ADN") | {"program_name": "ADN (renamed)", "median_earnings": "80000", "supports": ""}
    rn |= {"completions_year": "2025", "completions": "130", "provider_name": "Example College (renamed)"}
    extra = rows_of("HCC-HVAC-CERT") | {"program_id": "NEW-1", "provider_name": "Example College (renamed)"}
    path = write_csv(tmp_path / "v2.csv", [rn, extra])
    result = hub.import_file(con, hub_path, path, who="ben")
    assert result.import_id == 2 and result.changed_providers == {
        "HCC": [hub.Change("name", "Example Community College", "Example College (renamed)")]
    }
    changed = hub.inventory(hub_path)
    programs = changed["programs"].set_index("program_id")
    assert programs.loc["HCC-RN-ADN", "name"] == "ADN (renamed)" and pd.isna(programs.loc["HCC-RN-ADN", "supports"])
    assert programs.loc["HCC-HVAC-CERT", "import_id"] == 1  # not in the second file: stays as it was
    assert len(changed["completions"]) == 4  # 2024 figures kept, 2025 added for both
    assert "NEW-1" in programs.index

    record = hub.rollback(hub_path, 2, who="carla")
    assert record["status"] == "rolled_back" and record["rolled_back_by"] == "carla"
    restored = hub.inventory(hub_path)
    assert_same(prior, restored)
    # Nothing was deleted: the second import's rows are still in the hub.
    import duckdb

    c = duckdb.connect(str(hub_path), read_only=True)
    try:
        assert c.execute("select count(*) from programs where import_id = 2").fetchone()[0] == 2
    finally:
        c.close()


def test_history_lists_who_when_hash_and_status(con, tmp_path, hub_path):
    hub.template(tmp_path / "t.csv")
    start = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    hub.import_file(con, hub_path, tmp_path / "t.csv", who="ana")
    path = write_csv(tmp_path / "v2.csv", [rows_of("HCC-RN-ADN") | {"cost": "1"}])
    hub.import_file(con, hub_path, path)
    hub.rollback(hub_path, 2, who="ben")
    h = hub.history(hub_path)
    assert [r["import_id"] for r in h] == [1, 2]
    assert h[0]["who"] == "ana" and h[0]["status"] == "active" and h[0]["rows"] == 2
    assert h[0]["sha256"] == hashlib.sha256((tmp_path / "t.csv").read_bytes()).hexdigest()
    assert h[0]["file"] == str((tmp_path / "t.csv").resolve())
    assert start <= h[0]["at"] <= dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(seconds=1)
    import getpass

    assert h[1]["who"] == getpass.getuser()
    assert h[1]["status"] == "rolled_back" and h[1]["rolled_back_by"] == "ben" and h[1]["rolled_back_at"] >= h[1]["at"]
    assert hub.history(tmp_path / "none.duckdb") == [] and not (tmp_path / "none.duckdb").exists()


def test_rollback_refuses_twice_and_unknown_ids(con, tmp_path, hub_path):
    with pytest.raises(UpwardError, match="no hub"):
        hub.rollback(hub_path, 1)
    hub.template(tmp_path / "t.csv")
    hub.import_file(con, hub_path, tmp_path / "t.csv")
    hub.rollback(hub_path, 1)
    assert all(len(v) == 0 for v in hub.inventory(hub_path).values())
    with pytest.raises(UpwardError, match="already rolled back"):
        hub.rollback(hub_path, 1)
    with pytest.raises(UpwardError, match="no import 7") as info:
        hub.rollback(hub_path, 7)
    assert "Imports: 1" in str(info.value)


def test_identical_file_is_refused_while_active(con, tmp_path, hub_path):
    hub.template(tmp_path / "t.csv")
    hub.import_file(con, hub_path, tmp_path / "t.csv")
    with pytest.raises(UpwardError, match="byte-identical to import 1"):
        hub.import_file(con, hub_path, tmp_path / "t.csv")
    with pytest.raises(UpwardError, match="would change nothing"):
        hub.import_file(con, hub_path, tmp_path / "t.csv", dry_run=True)
    hub.rollback(hub_path, 1)
    assert hub.import_file(con, hub_path, tmp_path / "t.csv").import_id == 2


def test_import_is_atomic(con, tmp_path, hub_path, monkeypatch):
    hub.template(tmp_path / "t.csv")
    hub.import_file(con, hub_path, tmp_path / "t.csv")
    before = snapshot(hub_path)
    from upward.hub import imports

    real = imports.append
    calls = []

    def failing(c, table, rows):
        calls.append(table)
        if table == "outcomes":
            raise RuntimeError("disk full")
        real(c, table, rows)

    monkeypatch.setattr(imports, "append", failing)
    path = write_csv(tmp_path / "v2.csv", [rows_of("HCC-RN-ADN") | {"cost": "1"}, rows_of("HCC-RN-ADN") | {"program_id": "N"}])
    before_bytes = hub_path.read_bytes()
    with pytest.raises(RuntimeError, match="disk full"):
        hub.import_file(con, hub_path, path)
    assert calls == ["imports", "providers", "programs", "completions", "outcomes"]  # failed after four inserts
    assert_same(before, snapshot(hub_path))
    assert hub_path.read_bytes() == before_bytes
    monkeypatch.setattr(imports, "append", real)
    assert hub.import_file(con, hub_path, path).import_id == 2


def test_a_file_that_is_not_a_hub_is_refused(con, tmp_path):
    import duckdb

    other = tmp_path / "other.duckdb"
    c = duckdb.connect(str(other))
    c.execute("create table t (x int)")
    c.close()
    hub.template(tmp_path / "t.csv")
    with pytest.raises(hub.NotAHubError, match="not an Upward hub"):
        hub.import_file(con, other, tmp_path / "t.csv")
    with pytest.raises(hub.NotAHubError):
        hub.history(other)


def test_blank_lines_trailing_commas_and_stray_cells(con, tmp_path):
    header = ",".join(COLUMNS)
    good = ",".join(f'"{EXAMPLE_ROWS[0][c]}"' for c in COLUMNS)
    other = good.replace("HCC-RN-ADN", "SECOND")
    (tmp_path / "odd.csv").write_text(f"{header},,\n{good},,\n\n{other},,\n")
    path = tmp_path / "odd.csv"
    df = hub.read_inventory(path)
    assert list(df.index) == [2, 4]
    result = hub.import_file(con, tmp_path / "h.duckdb", path, dry_run=True)
    assert result.ignored_columns == [] and len(result.new_programs) == 2
    (tmp_path / "stray.csv").write_text(f"{header}\n{good}\n\n{other},oops\n")
    problems = hub.validate(con, hub.read_inventory(tmp_path / "stray.csv"), tmp_path / "stray.csv")
    assert [(p.row, p.field) for p in problems] == [(4, None)]


# --- populations served, horizons, award levels, schema versions ------------------------------


def test_populations_served_and_employment_horizon(con, tmp_path, hub_path):
    rn = rows_of("HCC-RN-ADN") | {"populations_served": "English learners; Veterans;people-with-disabilities"}
    rn |= {"employment_rate_horizon": "Q4"}
    hvac = rows_of("HCC-HVAC-CERT") | {"populations_served": "", "employment_rate_horizon": "4 quarters after exit"}
    path = write_csv(tmp_path / "p.csv", [rn, hvac])
    hub.import_file(con, hub_path, path)
    inv = hub.inventory(hub_path)
    progs = inv["programs"].set_index("program_id")
    assert list(progs.loc["HCC-RN-ADN", "populations_served"]) == ["english_learners", "veterans", "people_with_disabilities"]
    assert pd.isna(progs.loc["HCC-HVAC-CERT", "populations_served"])
    horizons = inv["outcomes"].set_index(["program_id", "measure"]).horizon
    assert horizons[("HCC-RN-ADN", "employment_rate")] == "q4"
    assert horizons[("HCC-HVAC-CERT", "employment_rate")] == "4 quarters after exit"
    assert horizons[("HCC-RN-ADN", "median_earnings")] == "1 year after completion"
    # header aliases
    renamed = [{{"populations_served": "Target Populations", "employment_rate_horizon": "Employment Horizon"}.get(k, k): v
                for k, v in r.items()} for r in (rn, hvac)]  # fmt: skip
    aliased = write_csv(tmp_path / "aliased.csv", renamed)
    dry = hub.import_file(con, hub_path, aliased, dry_run=True)
    assert dry.ignored_columns == [] and dry.changed_programs == {} and len(dry.unchanged_programs) == 2


def test_dry_run_shows_populations_horizons_and_award_level(con, tmp_path, hub_path):
    hub.template(tmp_path / "t.csv")
    hub.import_file(con, hub_path, tmp_path / "t.csv")
    rn = rows_of("HCC-RN-ADN") | {"populations_served": "adults; youth", "employment_rate_horizon": "q4", "award_level": "5"}
    path = write_csv(tmp_path / "v2.csv", [rn])
    dry = hub.import_file(con, hub_path, path, dry_run=True)
    assert dry.changed_programs == {
        "HCC-RN-ADN": [
            hub.Change("award_level", 3, 5),
            hub.Change("populations_served", ["adults", "dislocated_workers", "public_assistance"], ["adults", "youth"]),
            hub.Change("employment_rate_horizon", "q2", "q4"),
        ]
    }
    hub.import_file(con, hub_path, path)
    same = write_csv(tmp_path / "v3.csv", [rn | {"Notes": "same facts"}])
    assert hub.import_file(con, hub_path, same, dry_run=True).unchanged_programs == ["HCC-RN-ADN"]


def test_award_level_codes_are_kept_as_ints_and_other_text_warns(con, tmp_path, hub_path):
    base = rows_of("HCC-RN-ADN")
    rows = [
        base | {"program_id": "A", "award_level": "03"},  # row 2
        base | {"program_id": "B", "award_level": "associate's degree"},  # row 3
        base | {"program_id": "C", "award_level": "1"},  # row 4: a code IPEDS retired
        base | {"program_id": "D", "award_level": ""},  # row 5
        base | {"program_id": "E", "award_level": "21"},  # row 6
        base | {"program_id": "F", "award_level": "apprenticeship"},  # row 7
    ]
    path = write_csv(tmp_path / "awards.csv", rows)
    assert hub.validate(con, hub.read_inventory(path), path) == []  # never an error
    result = hub.import_file(con, hub_path, path)
    assert [(w.file, w.row, w.field) for w in result.warnings] == [("awards.csv", r, "award_level") for r in (3, 4, 7)]
    assert "associate's degree\" is not an IPEDS award-level code (2, 3, 4," in result.warnings[0].reason
    assert "3 warnings:" in result.summary() and "awards.csv, row 3, award_level:" in result.summary()
    assert json.loads(json.dumps(result.to_dict()))["warnings"][0]["row"] == 3
    levels = hub.inventory(hub_path)["programs"].set_index("program_id").award_level.to_dict()
    assert levels == {"A": 3, "B": "associate's degree", "C": "1", "D": None, "E": 21, "F": "apprenticeship"}
    assert type(levels["A"]) is int and type(levels["E"]) is int

    # a workbook's number and a JSON number are codes too
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    ws.append([3.0 if c == "award_level" else base[c] for c in COLUMNS])
    wb.save(tmp_path / "a.xlsx")
    (tmp_path / "a.json").write_text(json.dumps([base | {"award_level": 3}]))
    for f in ("a.xlsx", "a.json"):
        dry = hub.import_file(con, tmp_path / f"{f}.duckdb", tmp_path / f, dry_run=True)
        assert dry.warnings == []
        hub.import_file(con, tmp_path / f"{f}.duckdb", tmp_path / f)
        assert hub.inventory(tmp_path / f"{f}.duckdb")["programs"].award_level.tolist() == [3]


def test_importing_a_seed_program_id_replaces_the_seed_row(con, tmp_path, hub_path):
    from upward.analysis.programs import inventory

    seed = inventory(con, "0026420")
    seed_id = "ipeds:448196:51.3801:3"
    assert seed_id in set(seed.program_id)
    rows = [rows_of("HCC-RN-ADN") | {"program_id": seed_id, "provider_id": "ipeds:448196"}, rows_of("HCC-HVAC-CERT")]
    hub.import_file(con, hub_path, write_csv(tmp_path / "override.csv", rows))
    merged = inventory(con, "0026420", hub_data(hub_path))
    assert len(merged) == len(seed) + 1  # the override replaced its seed row; HCC-HVAC-CERT is new
    row = merged[merged.program_id == seed_id]
    assert len(row) == 1 and row.source.iloc[0] == "imported" and row.completions.iloc[0] == 112
    assert row.award_level.iloc[0] == seed[seed.program_id == seed_id].award_level.iloc[0] == 3


def _v1_hub(where: Path, source: Path) -> None:
    """A version-1 hub (no programs.populations_served) holding what the v2 hub `source` holds."""
    import duckdb

    from upward.hub._db import ADDED_IN, TABLES, VIEWS

    c = duckdb.connect(str(where))
    try:
        for name, ddl in TABLES.items():
            if name in ADDED_IN["3"]:
                continue
            if name == "programs":
                ddl = ddl.replace("populations_served varchar[],", "")
                assert "populations_served" not in ddl
            c.execute(ddl)
        for ddl in VIEWS.values():
            c.execute(ddl)
        c.execute(f"attach '{source}' as v2 (read_only)")
        c.execute("insert into hub_meta values ('schema_version', '1'), ('kind', 'upward-hub')")
        for t in ("imports", "providers", "completions", "outcomes"):
            c.execute(f"insert into {t} select * from v2.{t}")
        c.execute("insert into programs by name select * exclude (populations_served) from v2.programs")
        c.execute("detach v2")
    finally:
        c.close()


def test_a_version_1_hub_is_read_and_upgraded_by_the_next_import(con, tmp_path, hub_path, monkeypatch):
    import duckdb

    hub.template(tmp_path / "t.csv")
    v2 = tmp_path / "v2.duckdb"
    hub.import_file(con, v2, tmp_path / "t.csv", who="ana")
    hub_path.parent.mkdir()
    _v1_hub(hub_path, v2)

    def version():
        c = duckdb.connect(str(hub_path), read_only=True)
        try:
            return c.execute("select value from hub_meta where key = 'schema_version'").fetchone()[0]
        finally:
            c.close()

    # read as it is: populations blank, everything else as in the v2 hub
    v1_inv = hub.inventory(hub_path)
    assert v1_inv["programs"].populations_served.isna().all()
    expected = hub.inventory(v2)
    expected["programs"]["populations_served"] = pd.NA
    assert_same(expected, v1_inv)
    assert [r["who"] for r in hub.history(hub_path)] == ["ana"]

    rn = rows_of("HCC-RN-ADN") | {"cost": "9900"}
    path = write_csv(tmp_path / "next.csv", [rn])
    dry = hub.import_file(con, hub_path, path, dry_run=True)
    assert [c.field for c in dry.changed_programs["HCC-RN-ADN"]] == ["cost", "populations_served"]
    assert version() == "1"

    # a failed import leaves it at version 1, byte for byte
    from upward.hub import imports

    real, before = imports.append, hub_path.read_bytes()

    def failing(c, table, rows):
        if table == "outcomes":
            raise RuntimeError("disk full")
        real(c, table, rows)

    monkeypatch.setattr(imports, "append", failing)
    with pytest.raises(RuntimeError):
        hub.import_file(con, hub_path, path)
    assert hub_path.read_bytes() == before and version() == "1"
    monkeypatch.setattr(imports, "append", real)

    result = hub.import_file(con, hub_path, path)
    assert result.import_id == 2 and version() == "5"
    progs = hub.inventory(hub_path)["programs"].set_index("program_id")
    assert list(progs.loc["HCC-RN-ADN", "populations_served"]) == ["adults", "dislocated_workers", "public_assistance"]
    assert pd.isna(progs.loc["HCC-HVAC-CERT", "populations_served"])  # imported before the column existed
    assert list(hub.inventory(hub_path)["programs"].columns) == list(hub.inventory(v2)["programs"].columns)
    hub.rollback(hub_path, 2)
    assert_same(v1_inv, hub.inventory(hub_path))


def test_a_hub_from_a_newer_upward_is_refused(con, tmp_path, hub_path):
    import duckdb

    hub.template(tmp_path / "t.csv")
    hub.import_file(con, hub_path, tmp_path / "t.csv")
    c = duckdb.connect(str(hub_path))
    c.execute("update hub_meta set value = '6' where key = 'schema_version'")
    c.close()
    before = hub_path.read_bytes()
    with pytest.raises(UpwardError, match="schema version 6, made by a newer Upward"):
        hub.history(hub_path)
    path = write_csv(tmp_path / "v2.csv", [rows_of("HCC-RN-ADN") | {"cost": "1"}])
    with pytest.raises(UpwardError, match="newer Upward"):
        hub.import_file(con, hub_path, path)
    assert hub_path.read_bytes() == before


def test_every_table_column_is_written(con, tmp_path, hub_path):
    """The Arrow schema used for inserts names every column of every hub table (none silently dropped)."""
    import duckdb

    from upward.hub._tables import columns

    hub.template(tmp_path / "t.csv")
    hub.import_file(con, hub_path, tmp_path / "t.csv")
    c = duckdb.connect(str(hub_path), read_only=True)
    try:
        for table in ("imports", "providers", "programs", "completions", "outcomes"):
            actual = [r[0] for r in c.execute(f"describe {table}").fetchall()]
            assert [n for n, _ in columns(table)] == actual
            counts = ", ".join(f'count("{a}")' for a in actual)
            nulls = c.execute(f"select {counts} from {table}").fetchone()
            assert table == "imports" or all(dict(zip(actual, nulls))[a] > 0 for a in actual if a not in ("type",)), table
    finally:
        c.close()


def test_make_rows_is_not_public_api_and_vocabularies_are_written_once():
    import importlib

    tpl = importlib.import_module("upward.hub.template")  # `upward.hub.template` the attribute is the function

    assert "make_rows" not in hub.__all__ and not hasattr(hub, "make_rows")
    assert callable(tpl.make_rows)
    for col, vocabulary in (("supports", tpl.SUPPORTS), ("populations_served", tpl.POPULATIONS)):
        assert tpl.DESCRIPTIONS[col].endswith(", ".join(vocabulary))
    assert set(tpl.DESCRIPTIONS) == set(COLUMNS)
    from upward.hub.inventory_checks import Problems

    assert not hasattr(Problems("f"), "bad")
