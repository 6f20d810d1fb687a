#!/usr/bin/env python3
"""Atlas benchmark: cold build time and size, the warm latency of each CLI query, adding a release
and computing what changed.

Targets (issue 2): cold build ≤ 20 s; each query ≤ 1 s warm, interpreter start included.
The baseline measured in the same run is a bare `python -c pass` start.

Targets (issue 16): adding a national OEWS release (`upward atlas add national_M2023_dl.xlsx` to an
atlas built from the bundle less May 2023) ≤ 10 s, with reading the workbook alone as its baseline;
the national diff (`upward changes --region national --from 2024 --to 2025`, in process) ≤ 1 s
warm, with the national JTM list (which the diff computes on each release) as its baseline.

    .venv/bin/python benchmarks/atlas_build.py [--runs 5] [--only releases]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QUERIES = [
    ["regions", "--state", "TX"],
    ["regions", "--search", "springfield"],
    ["region", "houston"],
    ["region", "0026420", "--json"],
    ["region", "TX"],
    ["region", "Northwest Alabama nonmetropolitan area"],
    ["region", "national"],
    ["occupation", "29-1141", "--region", "houston"],
    ["occupation", "registered nurses", "--json"],
    ["occupation", "15-1252", "--region", "4800000", "--csv"],
    ["people", "--region", "chicago"],
    ["people", "--region", "2100004", "--json"],
]


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


RELEASES_CODE = r"""
import json, shutil, statistics, sys, time
from pathlib import Path
from upward import atlas, bundle, profiles
from upward.atlas import store
from upward.atlas.build import build
from upward.sources.oews_workbook import read_workbook

tmp, workbook, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
out = {}
reduced = bundle.copy_without({"2023"}, tmp / "bundle-without-may-2023")
with bundle.located(reduced):
    base = build(tmp / "reduced" / "atlas.duckdb")
    read_t, add_t, remove_t = [], [], []
    for i in range(runs):
        t = time.perf_counter(); read_workbook(workbook); read_t.append(time.perf_counter() - t)
        work = tmp / f"run{i}" / "atlas.duckdb"
        work.parent.mkdir()
        shutil.copy(base, work)
        t = time.perf_counter(); store.add(work, [workbook]); add_t.append(time.perf_counter() - t)
        t = time.perf_counter(); store.remove(work, "2023"); remove_t.append(time.perf_counter() - t)
    out.update(read=statistics.median(read_t), add=statistics.median(add_t), add_max=max(add_t), remove=statistics.median(remove_t))

from upward.analysis import changes, mobilize
con = atlas.connect(tmp / "full" / "atlas.duckdb")
prof = profiles.load(None)
mobilize.jobs(con, "0000000", prof, "jtm", None, True)
jobs_t = []
for _ in range(runs):
    t = time.perf_counter(); mobilize.jobs(con, "0000000", prof, "jtm", None, True); jobs_t.append(time.perf_counter() - t)
t = time.perf_counter(); changes.changes(con, "0000000", prof, "2024", "2025"); cold = time.perf_counter() - t
warm_t = []
for _ in range(runs):
    t = time.perf_counter(); changes.changes(con, "0000000", prof, "2024", "2025"); warm_t.append(time.perf_counter() - t)
recompute_t = []
for _ in range(runs):  # the answer recomputed, with the models and scored tables it rests on warm
    changes._CACHE.clear()
    t = time.perf_counter(); changes.changes(con, "0000000", prof, "2024", "2025"); recompute_t.append(time.perf_counter() - t)
out.update(jobs=statistics.median(jobs_t), diff_cold=cold, diff_warm=statistics.median(warm_t), diff_warm_max=max(warm_t),
           diff_recomputed=statistics.median(recompute_t))
print(json.dumps(out))
"""


def releases(runs: int, tmp: Path, full_db: Path) -> None:
    """Adding a national release and the national diff, each with its baseline (see the module doc)."""
    workbook = ROOT.parent / "shared" / "data" / "oews" / "previous" / "national_M2023_dl.xlsx"
    full_db.parent.mkdir(parents=True, exist_ok=True)
    out = subprocess.run([sys.executable, "-c", RELEASES_CODE, str(tmp), str(workbook), str(runs)],
                         env={**os.environ, "UPWARD_DB": str(full_db)}, check=True, capture_output=True, text=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    print(f"baseline: reading national_M2023_dl.xlsx alone: {r['read']:.2f} s")
    print(f"add a national release (upward atlas add national_M2023_dl.xlsx): median {r['add']:.2f} s, max {r['add_max']:.2f} s "
          f"(target ≤ 10 s); remove it again: {r['remove']:.2f} s")
    print(f"baseline: national JTM list, warm: {r['jobs'] * 1000:.0f} ms")
    print(f"national diff May 2024 → May 2025: cold {r['diff_cold']:.2f} s; warm median {r['diff_warm'] * 1000:.0f} ms, "
          f"max {r['diff_warm_max'] * 1000:.0f} ms (target ≤ 1 s warm); recomputed with its models warm: {r['diff_recomputed']:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", choices=["releases"], help="Only the release benchmarks (add a release, the national diff).")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="upward-bench-"))
    if args.only == "releases":
        return releases(args.runs, tmp, tmp / "full" / "atlas.duckdb")
    db = tmp / "atlas.duckdb"
    env = {**os.environ, "UPWARD_DB": str(db)}
    # Cold build in a child process so peak memory is the build's own.
    code = (
        "import time, resource, json; from upward.atlas.build import build; t=time.perf_counter(); "
        f"build(__import__('pathlib').Path({str(db)!r})); "
        "print(json.dumps({'seconds': time.perf_counter()-t, 'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024}))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout
    cold = json.loads(out.strip().splitlines()[-1])
    size_mb = db.stat().st_size / 1e6
    print(f"cold build: {cold['seconds']:.2f} s (target ≤ 20 s), peak memory {cold['peak_mb']:.0f} MB, atlas {size_mb:.1f} MB")

    base = statistics.median(timed([sys.executable, "-c", "pass"], env) for _ in range(args.runs))
    print(f"baseline `python -c pass`: {base * 1000:.0f} ms")
    upward = str(BIN / "upward")
    timed([upward, "region", "0026420"], env)  # warm the OS cache once
    print(f"{'query':60s} {'median':>8s} {'max':>8s} {'×base':>6s}")
    worst = 0.0
    for q in QUERIES:
        times = [timed([upward, *q], env) for _ in range(args.runs)]
        med = statistics.median(times)
        worst = max(worst, med)
        print(f"{'upward ' + ' '.join(q):60s} {med * 1000:7.0f}ms {max(times) * 1000:7.0f}ms {med / base:6.1f}")
    print(f"slowest median query: {worst:.2f} s (target ≤ 1 s)")
    releases(args.runs, tmp, db)


if __name__ == "__main__":
    main()
