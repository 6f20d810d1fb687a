"""`upward programs …` end to end: the scan, alignment, gaps, and an import that shows up and rolls back."""

from __future__ import annotations

import csv
import io
import json

import pytest


@pytest.fixture
def hub(tmp_path, monkeypatch):
    path = tmp_path / "hub.duckdb"
    monkeypatch.setenv("UPWARD_HUB", str(path))
    return path


def test_list_programs_for_an_occupation(cli, hub):
    rc, out, _ = cli("programs", "list", "--region", "houston", "--soc", "29-1141", "--json")
    rows = json.loads(out)["programs"]
    assert rc == 0 and rows and all("29-1141" in r["occupations"] for r in rows)
    hcc = next(r for r in rows if r["program_id"] == "ipeds:225423:51.3801:3")
    assert hcc["completions"] == 117 and hcc["provider_name"] == "Houston Community College"
    rc, out, _ = cli("programs", "list", "--region", "houston", "--cip", "51.38", "--csv")
    parsed = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and parsed and all(r["cip_code"].startswith("51.38") for r in parsed) and parsed[0]["bundle"]


def test_align_and_gaps(cli, hub):
    rc, out, _ = cli("programs", "align", "--region", "0100001", "--json")
    a = json.loads(out)
    assert rc == 0 and a["programs"] > 0 and a["profile"]["name"] == "default"
    rc, out, _ = cli("programs", "gaps", "--region", "0100001", "--json")
    g = json.loads(out)
    assert rc == 0 and {x["occ_code"] for x in g["gaps"]} == {x["occ_code"] for x in a["gaps"]}
    assert all(x["jtm"] for x in g["gaps"])
    rc, out, _ = cli("programs", "align", "--region", "0100001")
    assert rc == 0 and "Phase-out candidates" in out and "never a verdict" in out


def test_import_shows_up_in_alignment_and_rolls_back(cli, hub, tmp_path):
    rc, template, _ = cli("programs", "template")
    assert rc == 0 and template.startswith("provider_id,")
    path = tmp_path / "mine.csv"
    path.write_text(template)
    rc, out, _ = cli("programs", "import", str(path), "--dry-run", "--json")
    assert rc == 0 and len(json.loads(out)["new_programs"]) == 2 and not hub.exists()
    rc, out, err = cli("programs", "import", str(path))
    assert rc == 0, err
    rows = list(csv.DictReader(io.StringIO(template)))
    rc, out, _ = cli("programs", "list", "--region", rows[0]["county_fips"], "--json")
    listed = {r["program_id"]: r for r in json.loads(out)["programs"]}
    assert rows[0]["program_id"] in listed and listed[rows[0]["program_id"]]["source"] == "imported"
    rc, out, _ = cli("programs", "align", "--region", rows[0]["county_fips"], "--json")
    aligned = {p["program_id"]: p for p in json.loads(out)["program_rows"]}
    assert rc == 0 and aligned[rows[0]["program_id"]]["source"] == "imported"
    rc, out, _ = cli("programs", "history", "--json")
    history = json.loads(out)
    assert [h["status"] for h in history] == ["active"] and len(history[0]["sha256"]) == 64
    rc, _, _ = cli("programs", "rollback", str(history[0]["import_id"]))
    assert rc == 0
    rc, out, _ = cli("programs", "list", "--region", rows[0]["county_fips"], "--json")
    assert rows[0]["program_id"] not in {r["program_id"] for r in json.loads(out)["programs"]}
    rc, _, err = cli("programs", "rollback", str(history[0]["import_id"]))
    assert rc != 0 and "rolled back" in err


def test_bad_import_names_every_row_and_writes_nothing(cli, hub, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "provider_id,provider_name,county_fips,program_id,program_name,cip_code,completions\n"
        "a,A College,48201,p1,Nursing,99.9999,10\n"
        "a,A College,99999,p2,Welding,48.0508,-3\n"
    )
    rc, out, _ = cli("programs", "import", str(path), "--json")
    problems = json.loads(out)["problems"]
    assert rc == 1 and not hub.exists()
    assert {(p["row"], p["field"]) for p in problems} >= {(2, "cip_code"), (3, "county_fips"), (3, "completions")}


def test_bridges_command(cli, hub):
    rc, out, _ = cli("programs", "bridges", "--region", "houston", "--from", "nursing assistants", "--to", "29-2061", "--json")
    r = json.loads(out)
    assert rc == 0 and r["from"] == "31-1131" and r["to"] == "29-2061" and r["bridges"]


def test_cip_filter_accepts_the_spreadsheet_form(cli, hub):
    _, dotted, _ = cli("programs", "list", "--region", "houston", "--cip", "51.3801", "--json")
    _, bare, _ = cli("programs", "list", "--region", "houston", "--cip", "513801", "--json")
    ids = [r["program_id"] for r in json.loads(dotted)["programs"]]
    assert ids and ids == [r["program_id"] for r in json.loads(bare)["programs"]]
