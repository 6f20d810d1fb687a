"""The job-title coder: the Direct Match reader, normalisation rules, known titles, confidence, batch order,
empty input, bad files, and its use in inventories, rating sheets, outcomes, the CLI and the API."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upward.errors import SourceFormatError, UpwardError
from upward.sources.soc_titles import read_direct_match_titles
from upward.titles import REVIEW_BELOW, code_titles, coder
from upward.titles.normalise import head, key, normalise, variants

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DIRECT_MATCH = DATA / "titles" / "soc_2018_direct_match_title_file.xlsx"
needs_data = pytest.mark.skipif(not DIRECT_MATCH.is_file(), reason=f"{DIRECT_MATCH} not found (the reader tests need the official file)")
OUTCOMES = Path(__file__).resolve().parent / "outcomes"


def one(con, title: str) -> dict:
    return code_titles(con, [title])[0]


# ----------------------------------------------------------------------------- the official file


@needs_data
def test_direct_match_file_as_published():
    d = read_direct_match_titles(DIRECT_MATCH)
    assert list(d.columns) == ["soc_code", "soc_title", "title", "illustrative"]
    assert len(d) == 6520 and d.soc_code.nunique() == 864  # PROVENANCE: 6,520 titles, 864 of 867 occupations
    rn = d[d.soc_code == "29-1141"]
    assert set(rn.soc_title) == {"Registered Nurses"} and {"RN", "Triage Registered Nurse"} <= set(rn.title)
    assert d[(d.soc_code == "11-1011") & (d.title == "Admiral")].illustrative.item()  # 'x' in the file
    assert not d[(d.soc_code == "11-1011") & (d.title == "CEO")].illustrative.item()


@needs_data
def test_direct_match_reader_names_row_and_field(tmp_path):
    wb = openpyxl.load_workbook(DIRECT_MATCH)
    ws = wb["Sorted by SOC"]
    ws["C3"] = ws["C2"].value  # 'CEO' (row 3) becomes 'Admiral', which row 2 lists under the same code: a repeat
    ws["A10"] = "11-10X1"
    path = tmp_path / "dm.xlsx"
    wb.save(path)
    with pytest.raises(SourceFormatError) as exc:
        read_direct_match_titles(path)
    assert (exc.value.row, exc.value.field) == (10, "2018 SOC Code")
    ws["A10"] = "11-1011"
    ws["A3"], ws["B3"] = "11-1021", "General and Operations Managers"  # 'Admiral' now under two codes
    wb.save(path)
    with pytest.raises(SourceFormatError, match="more than one SOC code") as exc:
        read_direct_match_titles(path)
    assert exc.value.field == "2018 SOC Direct Match Title"


# ----------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "text, forms",
    [
        ("SR. WAREHOUSE ASSOC - 2ND SHIFT", ["warehouse associate"]),  # seniority, abbreviation, shift, case
        ("Maintenance Tech II", ["maintenance technician"]),  # trailing numbering
        ("Level 2 Help Desk Technician (Remote)", ["help desk technician"]),  # grade, remote
        ("Req #48213 Cashier - Nights", ["cashier"]),  # requisition number, schedule
        ("Forklift Operator - Houston, TX", ["forklift operator houston", "forklift operator", "houston"]),  # place
        ("CNA / Patient Care Tech", ["cna patient care technician", "cna", "patient care technician"]),  # two titles
        ("R.N.", ["rn"]),  # initials
        ("Registered Nurses", ["registered nurse"]),  # plural
        ("Driver's Helper", ["driver helper"]),  # possessive
        ("Nurse Practitioner - PRN - Part Time", ["nurse practitioner"]),
        ("IV Therapy Nurse", ["iv therapy nurse"]),  # a roman numeral that is a word, not numbering
        ("Remote Sensing Scientist", ["remote sensing scientist"]),  # 'remote' inside a title stays
        ("Lead Abatement Worker", ["lead abatement worker"]),  # 'lead' is not a seniority word
    ],
)
def test_variants(text, forms):
    assert variants(text) == forms


def test_key_head_and_nothing_left():
    assert key(normalise("Manager, Sales")) == key(normalise("Sales Manager")) == "manager sale"
    assert head("first line supervisor of retail sale worker") == "supervisor" and head("forklift operator") == "operator"
    assert variants("2nd Shift - Weekends") == [] and variants("   ") == [] and variants(None) == []


# ----------------------------------------------------------------------------- known titles, confidence


@pytest.mark.parametrize(
    "title, soc",
    [("Registered Nurse", "29-1141"), ("CDL Driver", "53-3032"), ("Forklift Operator", "53-7051"), ("Help Desk Technician", "15-1232"),
     ("SR. WAREHOUSE ASSOC - 2ND SHIFT", "53-7062"), ("Sr. Software Engineer", "15-1252"), ("Phlebotomist", "31-9097"),
     ("Forklfit Operater", "53-7051")],
)  # fmt: skip
def test_known_titles(con, title, soc):
    c = one(con, title)
    assert c["soc"] == soc, c
    assert c["soc_title"] == coder(con).vocab.soc_titles[soc]


def test_exact_single_occupation_titles_are_certain_and_shared_ones_are_not(con):
    assert one(con, "Registered Nurse")["confidence"] == 1.0
    # O*NET lists "Forklift Operator" under 53-7051, 47-2073 and 47-5041; most of the evidence is on 53-7051
    fork = one(con, "Forklift Operator")
    assert REVIEW_BELOW <= fork["confidence"] < 1.0
    assert [c["soc"] for c in fork["candidates"][:3]] == ["53-7051", "47-2073", "47-5041"]


def test_agreeing_parts_add_up(con):
    parts = [one(con, "CNA")["confidence"], one(con, "Patient Care Tech")["confidence"]]
    both = one(con, "CNA / Patient Care Tech")
    assert both["soc"] == "31-1131"
    assert both["confidence"] == pytest.approx(1 - (1 - 0.92 * parts[0]) * (1 - 0.92 * parts[1]), abs=2e-3)
    assert both["confidence"] > max(parts) and both["candidates"][0]["score"] == both["confidence"]


@pytest.mark.parametrize("title", ["Employee", "Associate", "Worker", "Manager", "Staff"])
def test_non_occupations_get_low_confidence(con, title):
    assert one(con, title)["confidence"] < REVIEW_BELOW


def test_direct_match_titles_code_to_their_own_occupation(con):
    """With the whole vocabulary, BLS's titles (each defined to code to one SOC) come back to it: a regression guard."""
    rows = con.execute("select soc_code, title from soc_direct_match_titles").fetchall()
    coded = code_titles(con, [t for _, t in rows], top=1)
    hit = sum(c["soc"] == s for c, (s, _) in zip(coded, rows)) / len(rows)
    assert hit >= 0.95


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(st.none(), st.text(max_size=40), st.sampled_from(["Nurse", "CDL Driver", "", "  ", "Sr. Mgr II"])), max_size=6))
def test_batch_keeps_order_and_scores_are_coherent(con, titles):
    out = code_titles(con, titles, top=4)
    assert [o["input"] for o in out] == titles
    for o in out:
        assert 0.0 <= o["confidence"] <= 1.0
        scores = [c["score"] for c in o["candidates"]]
        assert scores == sorted(scores, reverse=True) and len(scores) <= 4
        if o["soc"] is None:
            assert o["reason"] and o["candidates"] == [] and o["confidence"] == 0.0
        else:
            assert o["candidates"][0]["soc"] == o["soc"] and o["candidates"][0]["score"] == o["confidence"]


def test_empty_titles_get_no_code_and_a_reason(con):
    out = code_titles(con, ["", "   ", None, "2nd shift", "Welder"])
    assert [o["soc"] for o in out[:4]] == [None] * 4
    assert [o["reason"] for o in out[:3]] == ["empty title"] * 3
    assert out[3]["reason"].startswith("no occupational words")
    assert out[4]["soc"] == "51-4121"


# ----------------------------------------------------------------------------- CLI


def test_cli_titles_json_csv_and_table(cli):
    code, out, _ = cli("titles", "code", "Registered Nurse", "", "CDL Driver", "--json", "--top", "2")
    assert code == 0
    data = json.loads(out)
    assert [d["input"] for d in data] == ["Registered Nurse", "", "CDL Driver"]
    assert set(data[0]) >= {"input", "soc", "soc_title", "confidence", "candidates"} and len(data[0]["candidates"]) == 2
    assert set(data[0]["candidates"][0]) == {"soc", "title", "score"}
    assert data[1]["soc"] is None and data[1]["reason"] == "empty title"
    code, out, _ = cli("titles", "code", "Forklift Operator", "--csv")
    rows = list(csv.DictReader(out.splitlines()))
    assert rows[0]["soc"] == "53-7051" and rows[0]["candidates"].startswith("53-7051 ")
    code, out, _ = cli("titles", "code", "Help Desk Technician")
    assert code == 0 and "15-1232" in out


def test_cli_titles_file_in_order_with_out(cli, tmp_path):
    src = tmp_path / "staff.csv"
    src.write_text("id,Job Title\n1,Help Desk Technician\n2,\n3,Registered Nurse\n,\n4,Employee\n", encoding="utf-8")
    out_file = tmp_path / "coded.csv"
    code, _, err = cli("titles", "code", "--file", str(src), "--column", "job title", "--out", str(out_file))
    assert code == 0 and "to review" in err
    rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    assert [(r["row"], r["soc"]) for r in rows] == [("2", "15-1232"), ("3", ""), ("4", "29-1141"), ("6", "43-9061")]
    assert rows[1]["reason"] == "empty title" and rows[3]["review"] == "True"
    wb = openpyxl.Workbook()
    wb.active.append(["Title"])
    wb.active.append(["CDL Driver"])
    wb.save(tmp_path / "t.xlsx")
    code, out, _ = cli("titles", "code", "--file", str(tmp_path / "t.xlsx"), "--column", "Title", "--json")
    assert json.loads(out) == [{**json.loads(out)[0], "row": 2, "soc": "53-3032"}]


def test_cli_titles_bad_files_name_file_and_column(cli, tmp_path):
    src = tmp_path / "staff.csv"
    src.write_text("id,Job Title\n1,Nurse\n", encoding="utf-8")
    code, _, err = cli("titles", "code", "--file", str(src), "--column", "Occupation")
    assert code != 0 and "staff.csv" in err and "Occupation" in err and "Job Title" in err
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    code, _, err = cli("titles", "code", "--file", str(bad), "--column", "Title")
    assert code != 0 and "broken.xlsx" in err and "'Title'" in err
    code, _, err = cli("titles", "code", "--file", str(tmp_path / "missing.csv"), "--column", "Title")
    assert code != 0 and "missing.csv" in err
    code, _, err = cli("titles", "code", "Nurse", "--file", str(src), "--column", "Job Title")
    assert code != 0 and "not both" in err


# ----------------------------------------------------------------------------- where free text arrives


def test_inventory_target_titles_are_coded_kept_and_low_ones_reported(con, tmp_path):
    import duckdb

    from upward import hub

    hub.template(tmp_path / "t.csv")
    rows = list(csv.DictReader((tmp_path / "t.csv").open(encoding="utf-8")))
    rows[0]["target_socs"] = "29-1141; Employee"
    rows[1]["target_socs"] = "HVAC Tech; Forklift Operator"
    path = tmp_path / "inv.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    hub_path = tmp_path / "hub.duckdb"
    result = hub.import_file(con, hub_path, path, who="ana")
    progs = hub.inventory(hub_path)["programs"].set_index("program_id")
    assert list(progs.loc[rows[0]["program_id"], "target_socs"]) == ["29-1141"]
    assert list(progs.loc[rows[1]["program_id"], "target_socs"]) == ["49-9021", "53-7051"]
    assert [(w.row, w.field) for w in result.warnings if "job title" in w.reason] == [(2, "target_socs")]
    assert "'Employee'" in str(result.warnings[-1]) and "candidates" in str(result.warnings[-1])
    assert "3 (2 added to target occupations, 1 left for review" in result.summary()
    c = duckdb.connect(str(hub_path), read_only=True)
    try:
        kept = c.execute("select title, soc, added, candidates from program_title_codes order by file_row, title").fetchall()
    finally:
        c.close()
    assert [(t, s, a) for t, s, a, _ in kept] == [("Employee", "43-9061", False), ("Forklift Operator", "53-7051", True), ("HVAC Tech", "49-9021", True)]
    assert json.loads(kept[1][3])[0]["soc"] == "53-7051"


def test_rating_sheet_accepts_a_job_title(con, tmp_path):
    from upward import profiles
    from upward.hub import rating_import, rating_sheet

    prof = profiles.load()
    rating_sheet.export(con, "0026420", "29-1141", prof, path=tmp_path / "s.csv")
    rows = list(csv.DictReader((tmp_path / "s.csv").open(encoding="utf-8")))[:2]
    rows = [{**r, "soc": "Staff Nurse", "rating": "agree", "rater": "Ana Ruiz", "organisation": "Memorial Hermann"} for r in rows]
    with (tmp_path / "r.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    result = rating_import.import_ratings(con, tmp_path / "r.csv", prof, hub_path=tmp_path / "hub.duckdb", dry_run=True)
    assert result.rows == 2 and result.benchmarks == [{"area_code": "0026420", "occ_code": "29-1141"}]
    rows[1]["soc"] = "Employee"
    with (tmp_path / "r2.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(UpwardError) as exc:
        rating_import.import_ratings(con, tmp_path / "r2.csv", prof, hub_path=tmp_path / "hub.duckdb")
    assert (exc.value.row, exc.value.field) == (3, "soc") and "Employee" in str(exc.value)


def _quality(con, wages: Path, mapping: Path | None = None):
    from upward import profiles
    from upward.outcomes.run import run

    result = run(OUTCOMES / "quality_participants.csv", wages, "2023Q1", "2023Q1", atlas_con=con,
                 profile=profiles.load(OUTCOMES / "min_cell_1.toml"), mapping=mapping)  # fmt: skip
    rec = next(r for r in result["records"] if r["indicator"] == "quality_job_rate_q2" and r["group"] == {})
    return (rec["numerator"], rec["denominator"]), result["run"]["inputs"]["wages"]


def test_outcomes_code_a_job_title_column_into_soc(con, tmp_path, monkeypatch):
    monkeypatch.setenv("UPWARD_HASH_KEY", "test-key-0123456789abcdef")
    lines = (OUTCOMES / "quality_wages.csv").read_text(encoding="utf-8").splitlines()
    titles = {"29-1141": "Staff Nurse", "35-3023": "Counter Attendant"}
    out = ["person_id,quarter,employer_id,wages,Occupation Title"]
    for line in lines[1:]:
        *rest, soc = line.split(",")
        out.append(",".join(rest + [titles.get(soc, "")]))
    wages = tmp_path / "wages.csv"
    wages.write_text("\n".join(out) + "\n", encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[wages]\njob_title = "Occupation Title"\n', encoding="utf-8")
    by_code, _ = _quality(con, OUTCOMES / "quality_wages.csv")
    by_title, record = _quality(con, wages, mapping)
    assert by_title == by_code == (4, 6)  # the same people in quality jobs, whether the file gives codes or titles
    assert record["job_titles"] == {"distinct": 2, "coded": 2}
    # a title too vague to code leaves the occupation unknown: Q-3's pay then passes on the wage test alone
    wages.write_text(wages.read_text(encoding="utf-8").replace("Counter Attendant", "Employee"), encoding="utf-8")
    vague, record = _quality(con, wages, mapping)
    assert vague == (5, 6) and record["job_titles"] == {"distinct": 2, "coded": 1}


def test_api_codes_titles_in_order(atlas_path, tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from upward.web import Settings, create_app

    monkeypatch.setenv("UPWARD_DB", str(atlas_path))
    with TestClient(create_app(Settings(hub=tmp_path / "hub.duckdb"))) as c:
        r = c.get("/api/v1/titles/code", params=[("title", "CDL Driver"), ("title", ""), ("title", "Registered Nurse"), ("top", "2")])
        assert r.status_code == 200
        assert [(d["input"], d["soc"]) for d in r.json()] == [("CDL Driver", "53-3032"), ("", None), ("Registered Nurse", "29-1141")]
        assert c.get("/api/v1/titles/code").status_code == 422
        page = c.get("/titles", params={"titles": "Forklift Operator\nEmployee"})
        assert page.status_code == 200 and "53-7051" in page.text and "Industrial Truck and Tractor Operators" in page.text
