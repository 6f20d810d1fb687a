"""The printed report reads like a document a board takes into the room (issue 21, items 6–8).

For Chicago and Houston the PDF is rendered (pdftoppm, pdftotext from poppler-utils) and checked
page by page: no page less than a quarter filled (sections flow, so only the last page may end
short, and it still holds more than a stray line); no heading at the bottom of a page; no name cut with "…";
no command broken inside a flag. The body speaks to a board: no configuration key, rule id,
"calibrated within", or "Hover" in print; award levels in words; estimated completions labelled.
Page images are kept in tests/artifacts/report-layout/ for review.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "report-layout"
REGIONS = {"chicago": "0016980", "houston": "0026420"}
#: Sections that start a page by design (print CSS): the page before each may end short. None:
#: every section flows on from the one before.
PAGE_STARTS: tuple[str, ...] = ()
DPI = 30
MARGIN_TOP_MM, MARGIN_BOTTOM_MM = 15, 16  # @page margins in report.css
MIN_FILL = 0.25
MIN_LINES_AT_A_DESIGNED_END = 5
FOOTER = re.compile(r"^\s*Upward regional pathways report\s+page \d+ of \d+\s*$")


def _needs_poppler():
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.fail("poppler-utils is missing: scripts/test.sh installs it (pdftoppm and pdftotext read the report's pages).")


@pytest.fixture(scope="module")
def rendered(atlas_path, tmp_path_factory) -> dict:
    """Each region's (name, report JSON, html text, per-page text, per-page fill), rendered once for
    the module (one fixture, not a parametrized one, so a random test order renders each PDF once)."""
    _needs_poppler()
    return {name: _render(name, atlas_path, tmp_path_factory) for name in sorted(REGIONS)}


@pytest.fixture(params=sorted(REGIONS))
def printed(request, rendered):
    return rendered[request.param]


def _render(name: str, atlas_path, tmp_path_factory):
    from typer.testing import CliRunner

    from upward.cli.main import app

    d = tmp_path_factory.mktemp(f"layout-{name}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UPWARD_DB", str(atlas_path))
        r = CliRunner().invoke(app, ["report", "--region", REGIONS[name], "-o", str(d / "r.html"), "-o", str(d / "r.pdf"), "--json"],
                               catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    pdf = d / "r.pdf"
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-gray", "-r", str(DPI), str(pdf), str(ARTIFACTS / name)], check=True)
    images = sorted(ARTIFACTS.glob(f"{name}-*.png"))
    assert len(images) == len(pages)
    return name, report, (d / "r.html").read_text(encoding="utf-8"), pages, [_fill(p) for p in images]


def _fill(png: Path) -> float:
    """How far down the page's text area the content reaches (0 empty, 1 full), ignoring the footer."""
    import numpy as np
    from PIL import Image

    px = np.asarray(Image.open(png).convert("L"), dtype=int)
    top = round(MARGIN_TOP_MM / 25.4 * DPI)
    bottom = px.shape[0] - round(MARGIN_BOTTOM_MM / 25.4 * DPI)
    rows = np.where((px[top:bottom] < 200).any(axis=1))[0]
    return 0.0 if not len(rows) else (rows[-1] + 1) / (bottom - top)


def _body_lines(page: str) -> list[str]:
    return [line for line in page.splitlines() if line.strip() and not FOOTER.match(line)]


def _headings(html: str) -> set[str]:
    out = set()
    for tag in ("h2", "h3", "h4"):
        for m in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", html, re.S):
            out.add(" ".join(re.sub(r"<[^>]+>", " ", m).split()))
    return out


def _starts_with_section(page: str, titles) -> bool:
    lines = _body_lines(page)
    return bool(lines) and lines[0].strip() in titles


def test_no_page_is_left_mostly_empty(printed):
    name, _, _, pages, fills = printed
    for k, (page, fill) in enumerate(zip(pages, fills)):
        designed_end = k == len(pages) - 1 or _starts_with_section(pages[k + 1], PAGE_STARTS)
        if designed_end:
            assert len(_body_lines(page)) >= MIN_LINES_AT_A_DESIGNED_END, (name, k + 1, "a stray line alone on a page", _body_lines(page))
        else:
            assert fill >= MIN_FILL, (name, f"page {k + 1} is {fill:.0%} filled", _body_lines(page)[:3])


def test_no_heading_ends_a_page(printed):
    name, _, html, pages, _ = printed
    headings = _headings(html)
    for k, page in enumerate(pages[:-1]):
        lines = [" ".join(line.split()) for line in _body_lines(page)]
        tail = {lines[-1], " ".join(lines[-2:])} if len(lines) >= 2 else set(lines)
        assert not (tail & headings), (name, f"page {k + 1} ends with a heading", lines[-2:])


def test_no_name_is_cut_and_no_flag_is_broken(printed):
    name, report, _, pages, _ = printed
    text = "\n".join(pages)
    assert "…" not in text, [line for line in text.splitlines() if "…" in line][:5]
    # every Jobs That Mobilize in the table and chart, each word of its name printed whole
    raw = set(" ".join(pages).split())
    for row in report["jtm"]["rows"][: report["options"]["jtm_rows"]]:
        assert all(w in raw for w in row["occ_title"].split()), (name, row["occ_title"])
    # a command is broken between its arguments, never inside a flag: every flag that ends a line is whole
    flags = {w for c in report["commands"].values() for w in c.split() if w.startswith("--")} | {"--lens", "--explain", "--export", "--all"}
    for line in text.splitlines():
        last = line.split()[-1] if line.split() else ""
        if re.fullmatch(r"--[a-z-]*", last):
            assert last in flags, (name, "a flag broken across lines", line)


def test_the_body_speaks_to_a_board(printed):
    """Configuration keys, rule ids and method jargon only in the Method appendix; nothing to hover on paper."""
    name, report, _, pages, _ = printed
    text = "\n".join(pages)
    body = text.split("\nMethod and sources\n")[0]
    keys = re.findall(r"\b(?:living_wage|quality|jtm|programs|benchmarks|opportunity|outcomes)\.[a-z_]+\b", body)
    assert keys == [], (name, keys)
    assert not re.search(r"\bRule [ACO]\d\b", body) and "calibrated within" not in body, name
    assert "Hover" not in text and "(profile [" not in body, name
    assert "Outcomes to track" in text and "Outcomes to expect" not in text
    # award levels in words, never IPEDS codes; estimated completions labelled as estimates
    for d in report["training"]["duplicates"]:
        assert d["award"] and not str(d["award"]).isdigit(), d
    assert "local completers (est.)" in " ".join(text.split())
    # the outcomes to track never read as a promise
    for act in report["actions"]["outcomes"]:
        assert not re.search(r"\b(moves from|will move|guarantee|can expect)", act["text"]), act["text"]
    pay = [a for a in report["actions"]["outcomes"] if a["id"] == "outcome_pay"]
    assert all("not a promise" in a["text"] for a in pay)


def test_the_method_appendix_holds_the_settings_and_rules(printed):
    name, report, _, pages, _ = printed
    appendix = " ".join("\n".join(pages).split("\nMethod and sources\n", 1)[1].split())
    for s in report["method"]["settings"]:
        assert s["key"] in appendix, (name, s["key"])
    for group in ("assets", "changes", "outcomes"):
        for act in report["actions"][group]:
            assert act["rule"].split(":")[0] in appendix, (name, act["rule"])
