#!/usr/bin/env python3
"""Atlas benchmark: cold build time and size, then the warm latency of each CLI query.

Targets (issue 2): cold build ≤ 20 s; each query ≤ 1 s warm, interpreter start included.
The baseline measured in the same run is a bare `python -c pass` start.

    .venv/bin/python benchmarks/atlas_build.py [--runs 5]
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
]


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="upward-bench-"))
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


if __name__ == "__main__":
    main()
