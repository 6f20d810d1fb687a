"""CLI tables read at 80 columns (a standard terminal, and what rich assumes when output is piped)
and at 120: no line wider than the terminal, no value cut with an ellipsis or split inside a word,
every row's key values printed in full, and every column either in the table, under it, or named
as left out (with --csv and --json holding it).

Each case runs the command with --json too and checks the table against it, so a layout that drops
a row or a value fails here. New commands: add a case to CASES.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

pytestmark = pytest.mark.slow

HOUSTON = "0026420"
WIDTHS = (80, 120)


@pytest.fixture(scope="module")
def files(atlas_path, tmp_path_factory) -> dict:
    """A hub with one program import, and a small synthetic outcomes input, made by the CLI itself."""
    d = tmp_path_factory.mktemp("width")
    hub = d / "hub.duckdb"
    _invoke(atlas_path, ["programs", "template", "-o", str(d / "mine.csv")], 200)
    _invoke(atlas_path, ["programs", "import", str(d / "mine.csv"), "--hub", str(hub)], 200)
    _invoke(atlas_path, ["synth", "--participants", "600", "--workers", "600", "--out", str(d / "synth"), "--seed", "2"], 200)
    return {"hub": hub, "synth": d / "synth"}


def _invoke(atlas_path: Path, args: list[str], width: int):
    from upward.cli import render
    from upward.cli.main import app

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UPWARD_DB", str(atlas_path))
        mp.delenv("UPWARD_HASH_KEY", raising=False)
        # the console rich would open on a terminal of this width (CliRunner captures what it writes)
        mp.setattr(render, "console", Console(width=width, color_system=None, highlight=False, soft_wrap=False))
        result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


def _words(text: str) -> set[str]:
    words = re.findall(r"[^\s│┃]+", text)
    return set(words) | {w.rstrip(":;,.") for w in words}


def _check_layout(out: str, width: int, args: list[str]) -> None:
    for line in out.splitlines():
        assert Console(width=1000).measure(line).maximum <= width, (args, width, line)
    assert "…" not in out, (args, width, [l for l in out.splitlines() if "…" in l])


def _in_full(out: str, values: list[str], args, width) -> None:
    """Each value is printed whole: every one of its words appears as a word of the output (a value
    wrapped at spaces passes; one cut with '…' or folded inside a word does not)."""
    words = _words(out)
    for v in values:
        missing = [w for w in str(v).split() if w not in words]
        assert not missing, (args, width, v, missing)


def _jobs(doc):
    return [j["occ_code"] for j in doc["jobs"]] + [j["occ_title"] for j in doc["jobs"]] + [f"{j['composite']:.0f}" for j in doc["jobs"]]


def _explain(doc):
    return [m["measure"] for p in doc["pillars"] for m in p["measures"]] + [f"{p['score']:.0f}" for p in doc["pillars"]]


def _skills(doc):
    top = doc["elements"][:8]
    return [e["element_name"] for e in top] + [f"{e['gap']:.2f}" for e in top] + [e["demand_level_meaning"] for e in top if e["demand_level_meaning"]]


def _quality(doc):
    low = doc["largest_low_quality"]
    return [o["occ_title"] for o in low] + [f"${o['a_median']:,.0f}" for o in low] + [o["typical_education"] for o in low if o["typical_education"]]


def _align(doc):
    from upward.analysis.programs import SUPPLY_FLAGS

    # the supply table lists only occupations whose supply is judged (training is the route)
    occ = [o for o in doc["occupations"] if o["supply_flag"] in SUPPLY_FLAGS][:6]
    return [o["occ_title"] for o in occ] + [o["supply_flag"].replace("-supplied", "") for o in occ] \
        + [d["award"] for d in doc["duplicates"][:6] if d.get("award")] \
        + [p["phase_out_evidence"] for p in sorted(doc["phase_out_candidates"], key=lambda p: -(p["local_completions"] or 0))[:6]]


def _regions(doc):
    return [a["area_code"] for a in doc] + [f"{a['price_parity']:.1f}" for a in doc if a["price_parity"] is not None] + ["price", "parity"]


def _history(doc):
    return [str(r["import_id"]) for r in doc] + [r["status"] for r in doc] + [r["who"] for r in doc]


def _outcomes(doc):
    return [r["indicator"] for r in doc] + ["suppressed"] * any(r["suppressed"] for r in doc)


def _benchmark(doc):
    return [e["element_name"] for e in doc["elements"]] + [e["level_meaning"] for e in doc["elements"]]


def _similar(doc):
    return [s["soc"] for s in doc["similar"]] + [f"{s['similarity']:.3f}" for s in doc["similar"]]


#: (command, how to take the values the table must show from the command's JSON)
CASES = [
    (["regions", "--state", "TX"], _regions),
    (["jobs", "--region", HOUSTON, "--top", "12"], _jobs),
    (["jobs", "--region", "0100001", "--lens", "opportunity", "--top", "12"], _jobs),
    (["jobs", "--region", HOUSTON, "--all", "--top", "12"], _jobs),
    (["jobs", "--region", HOUSTON, "--explain", "49-9041"], _explain),
    (["skills", "--region", HOUSTON, "--top", "8"], _skills),
    (["quality", "--region", HOUSTON, "--top", "6"], _quality),
    (["programs", "align", "--region", HOUSTON, "--top", "6", "--hub", "{hub}"], _align),
    (["programs", "history", "--hub", "{hub}"], _history),
    (["benchmark", "29-1141"], _benchmark),
    (["benchmark", "29-1141", "--region", HOUSTON], _benchmark),
    (["similar", "29-1141", "--top", "5"], _similar),
    (["outcomes", "--participants", "{synth}/participants.parquet", "--wages", "{synth}/wages", "--exit-from", "2022Q3", "--exit-to", "2023Q2",
      "--by", "sex,age_group", "--indicators", "headline"], _outcomes),
    (["compare", HOUSTON, "0019100", "TX"], None),
    (["indicators", "--type", "state"], None),
    (["atlas", "info"], None),
    (["region", HOUSTON], None),
    (["occupation", "29-1141", "--region", HOUSTON], None),
    (["programs", "gaps", "--region", HOUSTON, "--top", "8"], None),
    (["programs", "list", "--region", HOUSTON, "--top", "8"], None),
]


def _json_args(args: list[str]) -> list[str]:
    if args[0] == "outcomes":
        return [*args, "--format", "json"]
    return [*args, "--json"]


@pytest.mark.parametrize("args, values", CASES, ids=[" ".join(a[:3]) for a, _ in CASES])
def test_tables_fit_80_and_120_columns(atlas_path, files, args, values):
    args = [a.format(**files) for a in args]
    doc = json.loads(_invoke(atlas_path, _json_args(args), 200)) if values else None
    for width in WIDTHS:
        out = _invoke(atlas_path, args, width)
        _check_layout(out, width, args)
        if values:
            _in_full(out, values(doc), args, width)


def test_what_does_not_fit_is_said_or_shown_below(atlas_path):
    """At 80 columns the jobs table leaves out the annual openings and says so; the skills table puts the
    level meanings under it; at 120 both are in the table."""
    narrow = _invoke(atlas_path, ["jobs", "--region", HOUSTON, "--all", "--top", "5"], 80)
    header = next(line for line in narrow.splitlines() if line.startswith("#"))
    # open/yr is the first column to leave: either the narrow table still holds it, or it says it left it out
    said = re.search(r"Not shown at 80 columns: ([^(]*)\(", " ".join(narrow.split()))
    assert "open/yr" in header or (said and "open/yr" in said.group(1))
    wide = _invoke(atlas_path, ["jobs", "--region", HOUSTON, "--top", "5"], 120)
    assert "Not shown" not in wide and "open/yr" in wide
    skills = _invoke(atlas_path, ["skills", "--region", HOUSTON, "--top", "3"], 80)
    assert "the level JTMs need, in O*NET's words:" in skills
    assert "the level JTMs need, in O*NET's words:" not in _invoke(atlas_path, ["skills", "--region", HOUSTON, "--top", "3"], 120)


def test_the_layout_rule(monkeypatch):
    """The helper itself: numbers keep their width, text wraps, optional columns leave highest first."""
    from upward.cli.render import Column, layout

    cols = [Column("SOC", "code"), Column("occupation"), Column("jobs", "num", drop=1), Column("median", "num"),
            Column("note", drop=2, below=True, min_width=40)]
    rows = [["29-1141", "Registered Nurses", "65,910", "$99,830", "a long explanation of the sort that would crush a table " * 2]]
    keep, widths = layout(cols, rows, 80)  # just fits: 7 + 12 + 6 + 7 + 40 and four gutters of 2
    assert keep == [0, 1, 2, 3, 4] and widths == [7, 12, 6, 7, 40]
    keep, widths = layout(cols, rows, 70)
    assert keep == [0, 1, 2, 3] and widths[0] == 7 and widths[2] == 6 and widths[3] == 7  # the note left first
    assert widths[1] == len("Registered Nurses")  # text gets what it wants when there is room
    keep, widths = layout(cols, rows, 35)  # the jobs leave next; the occupation wraps to no less than 12
    assert keep == [0, 1, 3] and widths[1] >= 12 and sum(widths[i] for i in keep) + 2 * (len(keep) - 1) <= 35
    keep, widths = layout(cols, rows, 200)
    assert keep == [0, 1, 2, 3, 4] and widths[4] == len(rows[0][4]) and widths[1] == len("Registered Nurses")
