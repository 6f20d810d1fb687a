"""Behaviour check for refactors: the CLI's JSON for the main commands, before and after.

A refactor that moves code between modules (issue 20: one formatter, no hub↔analysis circle, typed
errors) must not change a single answer. This script runs the main commands with `--json` on a big
metro (Houston 0026420) and a nonmetro area (East Kentucky 2100004) against the atlas in
`$UPWARD_DB` (or `--db`), with a hub it seeds through the CLI itself (one program import from the
shipped template, one employer rating per region), and writes one canonical JSON document: keys
sorted, the scratch folder's path and import timestamps replaced by placeholders, nothing else
touched but floats, compared to 12 significant digits and 9 decimals (see DIGITS).

    python scripts/cli_json_snapshot.py write /tmp/before.json      # before the change
    python scripts/cli_json_snapshot.py compare /tmp/before.json    # after: exit 1 and a diff if any answer moved

The commands run in this one process (typer's CliRunner), so the heavy models (pathway graph,
similarity) are built once per snapshot; a snapshot is always a fresh process running the code
as it is now, so the caches cannot carry an answer from one version of the code to another.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

AREAS = {"houston": "0026420", "east-kentucky": "2100004"}
RN, CNA, LPN = "29-1141", "31-1131", "29-2061"

#: per area: (name, arguments); {area} and {hub} are filled in
COMMANDS = [
    ("region", ["region", "{area}"]),
    ("quality", ["quality", "-r", "{area}"]),
    ("jobs", ["jobs", "-r", "{area}"]),
    ("jobs-good-promising", ["jobs", "-r", "{area}", "--lens", "good-promising"]),
    ("jobs-explain", ["jobs", "-r", "{area}", "--explain", RN]),
    ("paths", ["paths", "--from", CNA, "-r", "{area}", "--hub", "{hub}"]),
    ("paths-to", ["paths", "--from", CNA, "--to", RN, "-r", "{area}", "--explain", "--hub", "{hub}"]),
    ("next", ["next", CNA, "-r", "{area}"]),
    ("feeders", ["feeders", RN, "-r", "{area}"]),
    ("programs-list", ["programs", "list", "-r", "{area}", "--hub", "{hub}"]),
    ("programs-align", ["programs", "align", "-r", "{area}", "--hub", "{hub}"]),
    ("programs-gaps", ["programs", "gaps", "-r", "{area}", "--hub", "{hub}"]),
    ("programs-bridges", ["programs", "bridges", "--from", LPN, "--to", RN, "-r", "{area}", "--hub", "{hub}"]),
    ("occupation", ["occupation", RN, "-r", "{area}"]),
    ("people", ["people", "-r", "{area}"]),
    ("dimensions", ["dimensions", "-r", "{area}"]),
    ("dimensions-industry", ["dimensions", "-r", "{area}", "--by", "industry"]),
    ("changes", ["changes", "-r", "{area}"]),
    ("skills", ["skills", "-r", "{area}"]),
    ("benchmark", ["benchmark", RN, "-r", "{area}", "--hub", "{hub}"]),
]
#: once, not per area
GLOBAL = [
    ("compare", ["compare", *AREAS.values()]),
    ("regions-tx", ["regions", "--state", "TX"]),
    ("indicators", ["indicators", "--type", "nonmetro"]),
    ("similar", ["similar", RN]),
    ("atlas-info", ["atlas", "info"]),
    ("programs-history", ["programs", "history", "--hub", "{hub}"]),
    ("profile-show", ["profile", "show"]),
]

#: Floats are compared to 12 significant digits, then 9 decimals: DuckDB sums doubles in parallel, so
#: a sum over many rows (the skills landscape's weighted means, the atlas's O*NET roll-ups) can
#: differ in its last bits from run to run on the same code, and a small difference of two such
#: sums (a skill gap of 0.0004) carries that noise into its 12th digit. Both bounds are far below
#: any figure the project prints and far above that noise.
DIGITS = 12
DECIMALS = 9
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$")


def _run(args: list[str], env: dict) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from upward.cli.main import app

    r = CliRunner().invoke(app, args, env=env)
    err = r.stderr
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        err += f"\n{type(r.exception).__name__}: {r.exception}"
    return r.exit_code, r.stdout, err


def _seed_hub(scratch: Path, env: dict) -> Path:
    """A hub with the shipped programs template imported and one employer rating of RN per area."""
    hub = scratch / "hub.duckdb"
    template = scratch / "programs.csv"
    for args in (["programs", "template", "-o", str(template)], ["programs", "import", str(template), "--hub", str(hub)]):
        rc, out, err = _run(args, env)
        if rc:
            raise SystemExit(f"seeding the hub failed: upward {' '.join(args)}\n{out}{err}")
    for name, area in AREAS.items():
        sheet = scratch / f"sheet-{name}.csv"
        rc, out, err = _run(["benchmark", RN, "-r", area, "--export", str(sheet), "--hub", str(hub)], env)
        if rc:
            raise SystemExit(f"exporting a rating sheet failed:\n{out}{err}")
        rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
        first = rows[0]
        first.update(rating="raise", proposed_level=str(min(7.0, float(first["onet_level"]) + 1)),
                     rater="A. Employer", organisation="Plant")
        with sheet.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        rc, out, err = _run(["benchmark", RN, "-r", area, "--import", str(sheet), "--hub", str(hub)], env)
        if rc:
            raise SystemExit(f"importing a rating sheet failed:\n{out}{err}")
    return hub


def _canonical(value, scratch: str):
    if isinstance(value, dict):
        return {k: _canonical(v, scratch) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v, scratch) for v in value]
    if isinstance(value, float):
        return round(float(f"{value:.{DIGITS}g}"), DECIMALS)  # significant digits first: idempotent on a stored snapshot
    if isinstance(value, str):
        if _TIME.match(value):
            return "<TIME>"
        return value.replace(scratch, "<SCRATCH>")
    return value


def snapshot(db: str | None) -> dict:
    env = {"UPWARD_DB": db or os.environ.get("UPWARD_DB"), "UPWARD_HUB": None, "UPWARD_HASH_KEY": None}
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="upward-snapshot-") as tmp:
        scratch = Path(tmp)
        hub = _seed_hub(scratch, env)
        jobs = [(f"{name}@{area}", [a.format(area=area, hub=hub) for a in args])
                for name, args in COMMANDS for area in AREAS.values()]
        jobs += [(name, [a.format(hub=hub) for a in args]) for name, args in GLOBAL]
        for i, (key, args) in enumerate(jobs, 1):
            rc, stdout, stderr = _run([*args, "--json"], env)
            print(f"[{i}/{len(jobs)}] upward {' '.join(args)} --json → exit {rc}", file=sys.stderr)
            try:
                body = json.loads(stdout) if stdout.strip() else None
            except json.JSONDecodeError:
                body = {"not_json": stdout}
            out[key] = {"args": args, "exit": rc, "json": _canonical(body, str(scratch)),
                        "stderr": stderr.strip().replace(str(scratch), "<SCRATCH>") if rc else ""}
        out = _canonical(out, str(scratch))
    return out


def _dump(doc: dict) -> str:
    return json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=["write", "compare"])
    ap.add_argument("file", type=Path)
    ap.add_argument("--db", help="Atlas file (default: $UPWARD_DB).")
    a = ap.parse_args()
    now = _dump(snapshot(a.db))
    if a.action == "write":
        a.file.write_text(now, encoding="utf-8")
        print(f"wrote {a.file} ({len(now):,} characters)", file=sys.stderr)
        return 0
    before = _dump(_canonical(json.loads(a.file.read_text(encoding="utf-8")), "<SCRATCH>"))  # written by any version of this script
    if before == now:
        print(f"identical: every command's JSON matches {a.file}", file=sys.stderr)
        return 0
    diff = difflib.unified_diff(before.splitlines(), now.splitlines(), str(a.file), "now", lineterm="", n=2)
    for i, line in enumerate(diff):
        if i >= 400:
            print("… (diff cut at 400 lines)")
            break
        print(line)
    return 1


if __name__ == "__main__":
    sys.exit(main())
