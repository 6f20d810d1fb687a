#!/usr/bin/env python3
"""Job quality and JTM scoring benchmark.

Targets (issue 3): one region ≤ 1 s warm; all areas ≤ 60 s. Prints both, the number of JTMs per
area (min / median / max), and a baseline measured in the same run: the bare measures query
(no scoring) for the same region.

    .venv/bin/python benchmarks/score_regions.py [--region 0026420] [--runs 5]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from upward import atlas, profiles  # noqa: E402
from upward.analysis.measures import area_measures  # noqa: E402
from upward.analysis.mobilize import jobs, scored_table  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--region", default="0026420")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    con = atlas.connect()
    profile = profiles.load()
    t0 = time.perf_counter()
    jobs(con, args.region, profile)  # cold: similarity matrix built and cached
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(args.runs):
        t = time.perf_counter()
        jobs(con, args.region, profile)
        warm.append(time.perf_counter() - t)
    base = []
    for _ in range(args.runs):
        t = time.perf_counter()
        area_measures(con, profile, [args.region])
        base.append(time.perf_counter() - t)
    print(f"one region ({args.region}): cold {cold:.2f} s, warm median {statistics.median(warm):.3f} s (target ≤ 1 s); "
          f"baseline measures-only {statistics.median(base):.3f} s (×{statistics.median(warm) / statistics.median(base):.1f})")
    t = time.perf_counter()
    df = scored_table(con, profile)
    total = time.perf_counter() - t
    per_area = df[df.scored].groupby("area_code").jtm.sum()
    areas = df.area_code.nunique()
    rows = len(df)
    print(f"all areas: {areas} areas, {rows:,} area × occupation rows in {total:.2f} s (target ≤ 60 s), {rows / total:,.0f} rows/s")
    print(f"JTMs per area: min {per_area.min()}, median {per_area.median():.0f}, max {per_area.max()} "
          f"(areas with none: {(per_area == 0).sum()})")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
