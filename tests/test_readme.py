"""The README works as written: every `upward …` line of its ```bash blocks runs, in the README's
order, against the test atlas in an empty folder (so a command that needs a file finds only the
files the README made before it), and exits 0; every `curl` line answers 200 from the API.

The README asks a person to do two things by hand between commands, and this test does them as
that person would: fill in one row of the employer rating sheet (the README names its columns),
and — for the program template — nothing: its example rows are imported as they are.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.slow

README = Path(__file__).resolve().parents[1] / "README.md"
#: Commands the README shows that serve instead of answering; started by the browser and API tests.
SERVES = ("serve",)


def blocks(text: str) -> list[str]:
    """The lines of the README's ```bash blocks, with backslash continuations joined."""
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        out += [line.strip() for line in joined.splitlines() if line.strip()]
    return out


def commands(text: str) -> list[tuple[list[str], str | None]]:
    """Each `upward …` line as (arguments, file its output is redirected to), comments dropped."""
    out = []
    for line in blocks(text):
        words = shlex.split(line, comments=True)
        if not words or words[0] != "upward" or words[1] in SERVES:
            continue
        target = None
        if ">" in words:
            k = words.index(">")
            words, target = words[:k], words[k + 1]
        out.append((words[1:], target))
    return out


def test_the_readme_lists_commands_in_every_section():
    found = commands(README.read_text(encoding="utf-8"))
    firsts = {args[0] for args, _ in found}
    assert {"regions", "region", "occupation", "jobs", "quality", "programs", "skills", "benchmark", "paths", "report", "export", "synth",
            "outcomes", "runs"} <= firsts
    assert len(found) >= 40


def _fill_rating_sheet(path: Path) -> None:
    """What the README asks an employer to do: rate a row (rating, rater, organisation) and save."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["Ratings"]
    header = [c.value for c in ws[1]]
    row = 2
    for column, value in (("rating", "agree"), ("rater", "A. Employer"), ("organisation", "Example Health")):
        ws.cell(row=row, column=header.index(column) + 1, value=value)
    wb.save(path)


def _staff_workbook(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Employee", "Job Title"])
    for row in (["1", "Registered Nurse"], ["2", "CNA / Patient Care Tech"], ["3", "SR. WAREHOUSE ASSOC - 2ND SHIFT"]):
        ws.append(row)
    wb.save(path)


def test_every_readme_command_runs_as_written(atlas_path, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from upward.cli.main import app

    text = README.read_text(encoding="utf-8")
    for column in ("rating", "proposed_level", "rater", "organisation"):  # the hand step the README describes
        assert f"`{column}`" in text
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UPWARD_DB", str(atlas_path))
    monkeypatch.setenv("UPWARD_HUB", str(tmp_path / "hub.duckdb"))
    monkeypatch.delenv("UPWARD_HASH_KEY", raising=False)
    runner = CliRunner()
    _staff_workbook(Path("staff.xlsx"))  # the user's own workbook the README codes a column of
    rated = False
    ran = []
    for args, target in commands(text):
        if "--import" in args and "nurses.xlsx" in args and not rated:
            assert Path("nurses.xlsx").is_file(), "the README imports the sheet before exporting it"
            _fill_rating_sheet(Path("nurses.xlsx"))
            rated = True
        result = runner.invoke(app, args, catch_exceptions=False)
        assert result.exit_code == 0, (shlex.join(["upward", *args]), result.stdout[-2000:], result.stderr[-2000:])
        if target:
            Path(target).write_text(result.stdout, encoding="utf-8")
        ran.append(shlex.join(args))
    # what the README says the commands leave behind is there
    for name in ("mine.csv", "my.toml", "nurses.xlsx", "houston.html", "houston.pdf", "east-texas.pdf", "houston.xlsx", "outcomes.json",
                 "outcomes.run.json", "east-texas-outcomes.pdf", "coded.csv"):
        assert Path(name).is_file(), name
    assert rated and len(ran) >= 40


def test_every_readme_curl_answers(atlas_path, tmp_path):
    from fastapi.testclient import TestClient

    from upward.web import Settings, create_app

    urls = [w for line in blocks(README.read_text(encoding="utf-8")) if line.startswith("curl ") for w in shlex.split(line) if w.startswith("http")]
    assert len(urls) >= 3
    with TestClient(create_app(Settings(db=atlas_path, hub=tmp_path / "hub.duckdb"))) as client:
        for url in urls:
            parts = urlsplit(url)
            r = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
            assert r.status_code == 200, (url, r.text[:500])


def test_the_readme_names_the_area_forms_the_resolver_takes(con):
    """The README's list of area forms is the resolver's own (upward.atlas.lookup.AREA_ACCEPTS), and each example resolves."""
    from upward.atlas.lookup import AREA_ACCEPTS, resolve_area

    text = " ".join(README.read_text(encoding="utf-8").split())
    examples = re.findall(r"\((\w+)\)", AREA_ACCEPTS) + ["national"]
    for example in examples:
        assert f"`{example}`" in text, example
        assert resolve_area(con, example).code
    assert resolve_area(con, "48201").code == "0026420"  # Harris County lies in the Houston metro
