"""The regional pathways report (issue 8): a large metro, a nonmetro area and a state; every number in
*At a glance* and in the recommended actions equals the same number from the CLI's JSON; the HTML
fetches nothing; the PDF has its sections and its chart pages are drawn (page images are kept in
tests/artifacts/report/ for review); the exports carry every table with a README.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import string
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upward.report.refs import resolve, show

HOUSTON, DALLAS, NONMETRO, TEXAS, SAN_JUAN = "0026420", "0019100", "4800003", "4800000", "0041980"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "report"
SECTIONS = ("At a glance", "Jobs That Mobilize", "Pathways", "Skills", "Training", "Outcomes", "Recommended actions", "Method and sources")


@pytest.fixture(scope="module")
def run(atlas_path):
    """`upward …` in-process against the session atlas, for module-scoped fixtures."""
    from upward.cli.main import app

    runner = CliRunner()

    def invoke(*args: str, ok: bool = True):
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("UPWARD_DB", str(atlas_path))
            mp.setenv("COLUMNS", "200")
            mp.delenv("UPWARD_HASH_KEY", raising=False)
            result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.stdout + result.stderr
        return result

    return invoke


@pytest.fixture(scope="module")
def outcomes_file(run, tmp_path_factory) -> Path:
    """A real (SYNTHETIC) outcomes run: upward synth, then upward outcomes --format json --out FILE."""
    d = tmp_path_factory.mktemp("outcomes")
    run("synth", "--participants", "400", "--workers", "200", "--out", d / "syn", "--seed", "1")
    run("outcomes", "--participants", d / "syn" / "participants.parquet", "--wages", d / "syn" / "wages", "--exit-from", "2023Q1",
        "--exit-to", "2023Q4", "--by", "sex", "--format", "json", "--out", d / "run.json")
    return d / "run.json"


@pytest.fixture(scope="module")
def houston(run, outcomes_file, tmp_path_factory):
    """The metro report, HTML, with a peer and the synthetic run: (report JSON, html path)."""
    out = tmp_path_factory.mktemp("houston") / "houston.html"
    r = run("report", "--region", HOUSTON, "--compare", "dallas", "--outcomes", outcomes_file, "-o", out, "--json")
    return json.loads(r.stdout), out


@pytest.fixture(scope="module")
def nonmetro(run, tmp_path_factory):
    out = tmp_path_factory.mktemp("nonmetro") / "nonmetro.html"
    r = run("report", "--region", NONMETRO, "-o", out, "--json")
    return json.loads(r.stdout), out


@pytest.fixture(scope="module")
def cli_json(run):
    """Each command's JSON once per module."""
    seen: dict[tuple, dict] = {}

    def get(command: list[str]):
        key = tuple(command)
        if key not in seen:
            seen[key] = json.loads(run(*command).stdout)
        return seen[key]

    return get


def check_numbers(items: list[dict], cli_json, outcomes_file: Path | None = None) -> int:
    """Each item (a sentence or an action) re-derived from its template and the CLI's JSON."""
    checked = 0
    for item in items:
        for key, n in item["numbers"].items():
            if n["command"][0] == "--outcomes":
                doc = {"records": json.loads(Path(n["command"][1]).read_text(encoding="utf-8"))}
            else:
                doc = cli_json(n["command"])
            value = resolve(doc, n["path"])
            # DuckDB's parallel sums may differ in the last bit from run to run; what is printed may not
            assert math.isclose(value, n["value"], rel_tol=1e-12, abs_tol=1e-12), (item["id"], key, n["command"], n["path"])
            assert show(value, n["format"]) == n["display"], (item["id"], key)
            checked += 1
        displays = {k: n["display"] for k, n in item["numbers"].items()}
        assert item["text"] == item["template"].format(**item["names"], **displays)
        literal = "".join(lit for lit, *_ in string.Formatter().parse(item["template"]))
        assert not re.search(r"\d", re.sub(r"\b\d+(st|nd|rd|th)\b", "", literal)), f"a number not taken from the data in: {item['template']}"
    return checked


def actions_of(report: dict) -> list[dict]:
    return [a for group in ("assets", "changes", "outcomes") for a in report["actions"][group]]


# ---------------------------------------------------------------------------------------------
# the large metro


def test_glance_numbers_equal_the_cli_json(houston, cli):
    """Through the suite's `cli` fixture: each command the sentences quote, run with --json."""
    report, _ = houston
    seen: dict[tuple, dict] = {}

    def via_cli(command):
        if tuple(command) not in seen:
            code, out, err = cli(*command)
            assert code == 0, err
            seen[tuple(command)] = json.loads(out)
        return seen[tuple(command)]

    facts = report["glance"]["facts"]
    assert {f["id"] for f in facts} >= {"living_wage", "newcomers", "opportunity", "real_wage", "jtm", "low_wage"}
    assert check_numbers(facts, via_cli) >= 20
    lw = next(f for f in facts if f["id"] == "living_wage")
    # against the state, the nation and the chosen peer, all from `upward compare`
    assert "Texas" in lw["text"] and "the nation" in lw["text"] and "Dallas-Fort Worth-Arlington, TX" in lw["text"]
    assert lw["numbers"]["lw_1"]["command"][:2] == ["compare", HOUSTON]
    real = next(f for f in facts if f["id"] == "real_wage")
    assert real["numbers"]["real"]["path"] == "areas[0].real_median_wage"  # cost-of-living adjusted as upward compare does


def test_people_and_quality_by_group_in_the_first_section(houston, cli_json):
    """Every count, share and MOE the report prints is the value at its path in the command's JSON."""
    report, path = houston
    pe, dm = report["people"], report["dimensions"]
    assert pe["available"] and pe["command"].startswith("upward people --region 0026420")
    refs = [r for row in pe["rows"] for r in row.values() if isinstance(r, dict)] + [pe["total_population"], pe["households"]]
    refs += [r for row in dm["rows"] for r in row.values() if isinstance(r, dict)]
    assert len(refs) > 150
    docs = {}
    for r in refs:
        key = tuple(r["command"])
        docs.setdefault(key, cli_json(r["command"]))
        assert resolve(docs[key], r["path"]) == pytest.approx(r["value"], rel=1e-12), r["path"]
        assert show(r["value"], r["format"]) == r["display"]
    page = path.read_text(encoding="utf-8")
    assert "Who lives here, and what they may need" in page and "by occupation group" in page
    nohs = next(r for r in pe["rows"] if r["measure"] == "no_hs_diploma")
    assert nohs["estimate"]["display"] in page and nohs["share_moe"]["display"] in page


def test_actions_are_derived_with_evidence(houston, cli_json, outcomes_file):
    report, _ = houston
    acts = report["actions"]
    assert [len(acts[k]) for k in ("assets", "changes", "outcomes")] == [3, 3, 3]
    for a in actions_of(report):
        assert a["evidence"] and a["rule"][:2] in {"A1", "A2", "A3", "A4", "A5", "C1", "C2", "C3", "C4", "C5", "O1", "O2", "O3"}
    assert len({a["title"].split(": ", 1)[-1] for a in acts["assets"]}) == 3  # three different occupations
    check_numbers(actions_of(report), cli_json, outcomes_file)
    baseline = acts["outcomes"][-1]
    assert "SYNTHETIC" in baseline["text"] and any(e["command"][0] == "--outcomes" for e in baseline["evidence"])


def test_pathways_start_from_the_largest_low_wage_occupations(houston, cli_json):
    report, _ = houston
    quality = cli_json(["quality", "--region", HOUSTON, "--json"])
    origins = report["pathways"]["origins"]
    assert [o["soc"] for o in origins] == [o["occ_code"] for o in quality["largest_low_quality"][: len(origins)]]
    assert len(origins) == 3
    for o in origins:
        cli = cli_json(["paths", "--from", o["soc"], "--region", HOUSTON, "--json"])
        assert o["paths"] and [p["target"] for p in o["paths"]] == [p["target"] for p in cli["pathways"][: len(o["paths"])]]
        for p in o["paths"]:
            assert p["nodes"][0]["soc"] == o["soc"] and p["nodes"][-1]["soc"] == p["target"] and len(p["nodes"]) == p["step_count"] + 1
            assert all("skills" in s and "training" in s for s in p["steps"])


def test_html_is_self_contained(houston):
    _, path = houston
    page = path.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page, re.I)
    assert "@import" not in page
    for attr in re.findall(r"\b(?:src|href|xlink:href|action)\s*=\s*[\"']([^\"']*)", page, re.I):
        assert attr.startswith("#"), attr  # only in-page anchors
    assert not re.search(r"url\(\s*[\"']?(?!#)", page), "a CSS or SVG url() that is not an in-page reference"
    assert page.count("<svg") >= 8
    for heading in SECTIONS:
        assert f">{heading}</h2>" in page


def test_outcomes_section_labels_synthetic_and_suppressed(houston):
    report, path = houston
    oc = report["outcomes"]
    assert oc["synthetic"] is True and oc["suppressed"] > 0
    page = path.read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in page
    cells = re.findall(r'<td class="r suppressed">suppressed</td>', page)
    assert len(cells) == 3 * oc["suppressed"]
    for r in oc["records"]:
        if r["suppressed"]:
            assert r["value"] is None


def test_method_lists_releases_profile_attributions_and_limits(houston, cli_json):
    report, path = houston
    m = report["method"]
    info = cli_json(["atlas", "info", "--json"])
    assert [s["key"] for s in m["sources"]] == sorted(s["key"] for s in info["sources"])
    assert report["profile"]["hash"] == cli_json(["quality", "--region", HOUSTON, "--json"])["profile"]["hash"]
    text = " ".join(m["attributions"])
    for needle in ("O*NET 29.3 Database", "CC BY 4.0", "Living Wage Calculator", "Bureau of Labor Statistics", "National Center for Education Statistics",
                   "Bureau of Economic Analysis", "College Scorecard"):
        assert needle in text
    limits = " ".join(m["limits"])
    assert "2021 household budgets brought to 2025 prices with BLS CPI-U" in limits
    assert "Benefits are group-level estimates" in limits and "injury and fatality rates" in limits
    assert "Not measured here" not in limits and "Not measured: benefits and safety" not in limits  # measured from the bundle
    assert "overstated" not in limits and "summed over their areas" in limits
    page = path.read_text(encoding="utf-8")
    assert report["profile"]["hash"] in page and "This product includes information from the O*NET 29.3 Database" in page


def test_report_prints_where_it_wrote(run, tmp_path):
    out = tmp_path / "r" / "south.html"
    r = run("report", "--region", NONMETRO, "-o", out, "--origins", "1")
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("Report for Eastern Region of Texas nonmetropolitan area (4800003) written in")
    assert lines[1:] == [str(out.resolve())]
    assert out.is_file() and not list(out.parent.glob(".*.tmp"))


def test_pdf_has_its_sections_and_visible_charts(houston):
    """The same HTML as PDF: text extracted with pdftotext, pages rendered with pdftoppm (kept for review)."""
    import numpy as np
    from PIL import Image

    from upward.report import render

    if not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils is not installed")
    report, path = houston
    fetcher = render.NoFetch()
    pdf = render.pdf(path.read_text(encoding="utf-8"), fetcher)
    assert fetcher.refused == []  # nothing was fetched or even asked for
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("houston-*.png"):
        old.unlink()
    target = ARTIFACTS / "houston.pdf"
    target.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], check=True, capture_output=True, text=True).stdout
    for heading in SECTIONS:
        assert heading in text, heading
    assert "SYNTHETIC DATA" in text and "suppressed" in text
    assert report["glance"]["facts"][0]["numbers"]["lw"]["display"] in text
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(target), str(ARTIFACTS / "houston")], check=True)
    pages = sorted(ARTIFACTS.glob("houston-*.png"))
    assert len(pages) >= 10
    # each charted section's chart is drawn where the section starts: on its heading's page or, when
    # the heading falls low on a page (sections flow), on the next one — never a blank page
    per_page = text.split("\f")
    accent = (0x1B, 0x5E, 0x94)
    for heading in ("Jobs That Mobilize", "Pathways", "Skills", "Training", "Outcomes"):
        k = next(i for i, t in enumerate(per_page) if re.search(rf"^\s*{heading}\s*$", t, re.M))
        seen = []
        for page in pages[k: k + 2]:
            px = np.asarray(Image.open(page).convert("RGB"), dtype=int)
            seen.append((page.name, float((px.sum(axis=2) < 600).mean()), int((np.abs(px - np.array(accent)).max(axis=2) < 24).sum())))
        assert any(ink > 0.03 and bars > 400 for _, ink, bars in seen), (heading, seen)


# ---------------------------------------------------------------------------------------------
# a nonmetro area and a state


def test_nonmetro_report(nonmetro, cli_json):
    report, path = nonmetro
    assert report["area"]["area_type"] == "nonmetro"
    facts = report["glance"]["facts"]
    check_numbers(facts, cli_json)
    check_numbers(actions_of(report), cli_json)
    assert [c["role"] for c in report["glance"]["comparison"]] == ["region", "state", "nation"]
    assert report["pathways"]["origins"] and report["outcomes"] is None
    page = path.read_text(encoding="utf-8")
    assert 'id="outcomes"' not in page and ">Recommended actions</h2>" in page


@pytest.mark.slow
def test_state_report(run, cli_json, tmp_path):
    out = tmp_path / "texas.html"
    report = json.loads(run("report", "--region", "TX", "-o", out, "--json").stdout)
    assert report["area"]["area_code"] == TEXAS
    assert [c["role"] for c in report["glance"]["comparison"]] == ["region", "nation"]
    check_numbers(report["glance"]["facts"], cli_json)
    check_numbers(actions_of(report), cli_json)
    assert out.is_file() and len(report["jtm"]["rows"]) == report["jtm"]["jtm_count"]["value"]


def test_renders_without_comparison_areas(nonmetro):
    """The nation has no state or nation to compare with: the page renders without them."""
    from upward.report import render

    report = json.loads(json.dumps(nonmetro[0]))
    report["commands"].pop("compare")
    report["glance"]["comparison"] = []
    report["glance"]["facts"] = [f for f in report["glance"]["facts"] if f["id"] != "real_wage"]
    page = render.html(report)
    glance = page.split('id="jtm"')[0]
    assert ">At a glance</h2>" in page and '<span class="w">upward</span> <span class="w">quality</span>' in glance
    assert '<span class="w">compare</span>' not in glance


def test_area_without_living_wage_still_reports(run, tmp_path):
    """San Juan: MIT has no living wage, so no JTMs and no low tier; the report says so instead of failing."""
    out = tmp_path / "sj.html"
    report = json.loads(run("report", "--region", SAN_JUAN, "-o", out, "--json", "--origins", "1").stdout)
    assert report["jtm"]["jtm_count"]["value"] == 0
    assert any("no living wage" in n for n in report["glance"]["notes"])
    assert report["pathways"]["origins"] == [] and report["pathways"]["none_reason"]
    assert out.read_text(encoding="utf-8").count("<section") >= 6


def test_profile_and_its_numbers_travel_together(run, cli_json, tmp_path):
    prof = tmp_path / "lower-bar.toml"
    prof.write_text('name = "lower-bar"\n[jtm.bars]\nemployers = 40\nworkers = 40\n', encoding="utf-8")
    report = json.loads(run("report", "--region", NONMETRO, "--profile", prof, "--json", "--origins", "1").stdout)
    assert report["profile"]["name"] == "lower-bar"
    assert all(n["command"][-2:] == ["--profile", str(prof)] for f in report["glance"]["facts"] for n in f["numbers"].values()
               if n["command"][0] != "region")
    check_numbers(report["glance"]["facts"], cli_json)
    default = cli_json(["jobs", "--region", NONMETRO, "--all", "--json"])
    assert report["jtm"]["jtm_count"]["value"] > default["jtm_count"]


def test_employer_ratings_show_in_the_benchmarks(run, nonmetro, tmp_path):
    """Ratings imported into the hub adjust the region's level of a top JTM's benchmark in the report."""
    import csv

    soc = nonmetro[0]["skills"]["benchmarks"][0]["soc"]
    hub, sheet = tmp_path / "hub.duckdb", tmp_path / "sheet.csv"
    run("benchmark", soc, "--region", NONMETRO, "--export", sheet, "--hub", hub)
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    first = rows[0]
    first.update(rating="raise", proposed_level=str(min(7.0, float(first["onet_level"]) + 1)), rater="A. Employer", organisation="Plant")
    with sheet.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    run("benchmark", soc, "--region", NONMETRO, "--import", sheet, "--hub", hub)
    out = tmp_path / "rated.html"
    report = json.loads(run("report", "--region", NONMETRO, "--hub", hub, "-o", out, "--json", "--origins", "1").stdout)
    b = report["skills"]["benchmarks"][0]
    assert b["ratings"] == 1 and b["raters"] == [{"rater": "A. Employer", "organisation": "Plant"}]
    rated = next(e for e in b["elements"] if e["element_name"] == first["element_name"])
    assert rated["status"] == "rated" and rated["region_level"] > rated["level"] and rated["ratings"] == 1
    assert f"--hub {hub}" in b["command"] and "after 1 employer rating." in out.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# outcomes input


def test_outcomes_from_the_hub(run, outcomes_file, tmp_path):
    hub = tmp_path / "hub.duckdb"
    run("runs", "save", outcomes_file, "--hub", hub)
    report = json.loads(run("report", "--region", NONMETRO, "--outcomes", "1", "--hub", hub, "--json", "--origins", "1").stdout)
    file_records = json.loads(outcomes_file.read_text(encoding="utf-8"))
    assert report["outcomes"]["synthetic"] is True and report["outcomes"]["source"] == "hub run 1"
    assert report["outcomes"]["records"] == file_records


def test_outcomes_inputs(tmp_path, outcomes_file):
    from upward.errors import UpwardError
    from upward.report import outcomes

    records = json.loads(outcomes_file.read_text(encoding="utf-8"))
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(records), encoding="utf-8")  # no run record beside it
    o = outcomes.load(bare)
    assert o["synthetic"] is None and not o["run_record"]
    env = tmp_path / "env.json"
    env.write_text(json.dumps({"records": records, "run": {"synthetic": False, "min_cell": 10}}), encoding="utf-8")
    assert outcomes.load(env)["synthetic"] is False
    leak = [dict(records[0], suppressed=True, value=0.5)]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(leak), encoding="utf-8")
    with pytest.raises(UpwardError, match="suppressed cell carries a value"):
        outcomes.load(bad)
    bad.write_text(json.dumps([{"indicator": "x"}]), encoding="utf-8")
    with pytest.raises(UpwardError, match="record 1: missing 'group'"):
        outcomes.load(bad)
    with pytest.raises(UpwardError, match="no such file"):
        outcomes.load(tmp_path / "nope.json")


# ---------------------------------------------------------------------------------------------
# exports


def test_exports_xlsx_csv_parquet(run, tmp_path):
    import pyarrow.parquet as pq
    from openpyxl import load_workbook

    from upward.report.export import TABLES

    xlsx = tmp_path / "nm.xlsx"
    done = json.loads(run("export", "--region", NONMETRO, "--format", "xlsx", "-o", xlsx, "--json", "--origins", "1").stdout)
    wb = load_workbook(xlsx, read_only=True)
    assert wb.sheetnames[0] == "README" and set(wb.sheetnames[1:]) == set(done["tables"]) == set(TABLES) - {"outcomes", "changes"}
    readme = [r for r in wb["README"].iter_rows(values_only=True)]
    header = readme.index(("table", "column", "description", "source", "rows"))
    described = readme[header + 1:]
    assert described and all(r[2] for r in described), [r for r in described if not r[2]][:5]  # every column described
    assert any("CC BY 4.0" in (r[0] or "") for r in readme[:header])
    occupations = list(wb["occupations"].iter_rows(values_only=True))
    assert len(occupations) - 1 == done["tables"]["occupations"] > 100

    folder = tmp_path / "nm-csv"
    run("export", "--region", NONMETRO, "--format", "csv", "-o", folder, "--origins", "1")
    names = {p.name for p in folder.iterdir()}
    assert {"README.md", "README.csv", "occupations.csv", "pathways.csv", "sources.csv"} <= names
    assert "upward-report-export" in (folder / "README.md").read_text(encoding="utf-8")
    run("export", "--region", NONMETRO, "--format", "csv", "-o", folder, "--origins", "1")  # an earlier export is replaced

    pq_folder = tmp_path / "nm-parquet"
    run("export", "--region", NONMETRO, "--format", "parquet", "-o", pq_folder, "--origins", "1")
    assert pq.read_table(pq_folder / "occupations.parquet").num_rows == done["tables"]["occupations"]

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine", encoding="utf-8")
    r = run("export", "--region", NONMETRO, "--format", "csv", "-o", mine, ok=False)
    assert r.exit_code == 1 and "not an earlier Upward export" in r.stderr and (mine / "keep.txt").exists()


def test_every_export_column_is_described(houston, run, tmp_path):
    from upward.report.export import describe

    folder = tmp_path / "h-csv"
    run("export", "--region", HOUSTON, "--format", "csv", "-o", folder, "--origins", "1", "--outcomes", houston[0]["outcomes"]["source"])
    import csv

    rows = list(csv.DictReader((folder / "README.csv").open(encoding="utf-8")))
    assert {r["table"] for r in rows} >= {"outcomes", "comparison", "pathways", "benchmarks"}
    missing = [(r["table"], r["column"]) for r in rows if r["column"] and not describe(r["table"], r["column"])]
    assert missing == []


# ---------------------------------------------------------------------------------------------
# errors and small parts


def test_clear_errors(run, tmp_path):
    r = run("report", "--region", NONMETRO, ok=False)
    assert r.exit_code == 1 and "-o FILE.html" in r.stderr
    r = run("report", "--region", NONMETRO, "-o", tmp_path / "r.docx", ok=False)
    assert r.exit_code == 1 and ".html or .pdf" in r.stderr
    r = run("export", "--region", NONMETRO, "--format", "ods", "-o", tmp_path / "x", ok=False)
    assert r.exit_code == 1 and "xlsx, csv, parquet" in r.stderr
    r = run("report", "--region", NONMETRO, "--outcomes", tmp_path / "missing.json", "-o", tmp_path / "r.html", ok=False)
    assert r.exit_code == 1 and "no such file" in r.stderr
    assert not (tmp_path / "r.html").exists()


def test_charts_draw_the_values_given():
    from upward.report import charts

    path = {"nodes": [{"soc": "41-2011", "title": "Cashiers", "wage": 29350}, {"soc": "43-4051", "title": "Customer Service Representatives", "wage": 40380}],
            "steps": [{"change": 0.3758, "years": 0.08}]}
    svg = charts.pathway(path, "Cashiers to customer service", "x1")
    assert svg.count("<rect") == 2 and "+38%" in svg and "$40,380" in svg and "0.1 yr" in svg and 'marker-end="url(#ah-x1)"' in svg
    oc = charts.outcome_rates([{"indicator": "employment_rate_q2", "kind": "rate", "overall": {"suppressed": True, "value": None}}], "t")
    assert "suppressed" in oc and oc.count("<rect") == 1  # the track only, no bar
    name = "First-Line Supervisors of Transportation and Material Moving Workers"
    lines = charts.wrap(name, 10, 100)  # a printed label is never cut: all of it, on as many lines as it needs
    assert " ".join(lines) == name and all(len(line) <= 100 / (10 * charts.CHAR_W) for line in lines) and "…" not in "".join(lines)


def test_household_words():
    from upward.analysis.living_wage import household_words

    assert household_words("2A2W2C") == "two working adults with two children"
    assert household_words("1A0C") == "one adult with no children"
    assert household_words("2A1W1C") == "two adults (one working) with one child"


def test_written_files_get_plain_permissions(tmp_path):
    """Atomic writes go through a temporary file; the result must be readable like any new file."""
    import os
    import stat

    from upward.files import write_bytes_atomically

    mask = os.umask(0o022)
    try:
        path = write_bytes_atomically(tmp_path / "r.html", b"<p>x</p>")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644 and path.read_bytes() == b"<p>x</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temporary file left behind
