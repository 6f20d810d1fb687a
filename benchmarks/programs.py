#!/usr/bin/env python3
"""Programs benchmark: seeding the country's inventory, alignment of one area, an import of 10,000 rows.

Targets (issue 5): seed ≤ 30 s; one area's alignment ≤ 2 s; a 10,000-row import ≤ 5 s.
Baselines measured in the same run: loading the same bundle tables without deriving anything
(seed), and the area's scored job table alone (alignment).

    .venv/bin/python benchmarks/programs.py [--region 0026420]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import duckdb  # noqa: E402

from upward import atlas, bundle, profiles  # noqa: E402
from upward.analysis.mobilize import scored_table  # noqa: E402
from upward.analysis.programs import alignment  # noqa: E402
from upward.atlas.programs import STATEMENTS  # noqa: E402

PROGRAM_TABLES = [
    "ipeds_completions", "ipeds_institutions", "ipeds_award_levels", "scorecard_fields_of_study",
    "etpl_texas", "etpl_nj_outcomes", "etpl_nj_providers", "etpl_california",
]


def seed_seconds() -> tuple[float, float, int]:
    """Derive the inventory from a copy of the atlas's inputs; baseline: loading those inputs."""
    src = atlas.connect()
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "seed.duckdb"))
        t = time.perf_counter()
        for name in PROGRAM_TABLES:
            con.execute(f"create table {name} as select * from read_parquet('{bundle.path(name).as_posix()}')")
        load = time.perf_counter() - t
        for name in ("cip_codes", "geo_county_areas", "occupations", "soc_map", "cip_soc_crosswalk"):
            con.register(f"_{name}", src.execute(f"select * from {name}").arrow())
            con.execute(f"create table {name} as select * from _{name}")
        t = time.perf_counter()
        for _, sql in STATEMENTS:
            con.execute(sql)
        derive = time.perf_counter() - t
        n = con.execute("select count(*) from programs").fetchone()[0]
        con.close()
    return load, derive, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--region", default="0026420")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    load, derive, n = seed_seconds()
    print(f"seed the country's inventory: {load + derive:.2f} s (target ≤ 30 s) — {n:,} programs; "
          f"baseline load of the source tables {load:.2f} s, derivation {derive:.2f} s")
    con = atlas.connect()
    profile = profiles.load()
    alignment(con, args.region, profile)  # warm: similarity cached
    times, base = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        alignment(con, args.region, profile)
        times.append(time.perf_counter() - t)
        t = time.perf_counter()
        scored_table(con, profile, [args.region])
        base.append(time.perf_counter() - t)
    print(f"alignment of {args.region}: {statistics.median(times):.2f} s warm (target ≤ 2 s); "
          f"baseline scored job table {statistics.median(base):.2f} s")
    try:
        from programs_import import run as import_run
    except ImportError:
        print("import benchmark: benchmarks/programs_import.py not found")
    else:
        from upward import hub

        with tempfile.TemporaryDirectory() as tmp:
            import_run(hub, con, Path(tmp), 10_000)
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
