#!/usr/bin/env python3
"""Programs benchmark: seeding the country's inventory, alignment of one area, an import of 10,000 rows.

Targets (issues 5 and 14): seed ≤ 30 s; a metro's alignment ≤ 2 s warm; a 10,000-row import ≤ 5 s.
Baselines measured in the same run:

- seed: loading the same bundle tables without deriving anything; the derivation is split into
  the statements issue 14 added (award-level fit, field-specific degrees, distance shares,
  national field supply — "the new rules") and the rest, so the cost of each is visible;
- alignment: the area's scored job table alone (what any alignment needs), and the parts of a
  cold alignment — the inventory query, the region's recommended pathways (stepping stones;
  the transition model is built first, once per process) and the rest.

    .venv/bin/python benchmarks/programs.py [--region 0016980] [--runs 3]
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
from upward.analysis.programs import alignment, inventory  # noqa: E402
from upward.atlas.programs import STATEMENTS  # noqa: E402

PROGRAM_TABLES = [
    "ipeds_completions", "ipeds_institutions", "ipeds_award_levels", "ipeds_distance_education", "scorecard_fields_of_study",
    "etpl_texas", "etpl_nj_outcomes", "etpl_nj_providers", "etpl_california", "soc_crosswalk_2010_2018",
]
#: Atlas tables the program statements read that are derived before them (copied, not timed).
ATLAS_INPUTS = ("cip_codes", "geo_county_areas", "occupations", "soc_map", "cip_soc_crosswalk", "occupation_education", "projections")
#: The statements issue 14 added.
NEW_RULES = ("occupation_specific_degree", "occupation_award_fit", "provider_distance", "program_local_share", "program_inventory",
             "occupation_field_supply")


def seed_seconds() -> tuple[float, float, float, int]:
    """Derive the inventory from a copy of the atlas's inputs; baseline: loading those inputs."""
    src = atlas.connect()
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "seed.duckdb"))
        t = time.perf_counter()
        for name in PROGRAM_TABLES:
            con.execute(f"create table {name} as select * from read_parquet('{bundle.path(name).as_posix()}')")
        load = time.perf_counter() - t
        for name in ATLAS_INPUTS:
            con.register(f"_{name}", src.execute(f"select * from {name}").arrow())
            con.execute(f"create table {name} as select * from _{name}")
        old = new = 0.0
        for name, sql in STATEMENTS:
            t = time.perf_counter()
            con.execute(sql)
            took = time.perf_counter() - t
            if name in NEW_RULES:
                new += took
            else:
                old += took
        n = con.execute("select count(*) from programs").fetchone()[0]
        con.close()
    return load, old, new, n


def _fresh_caches() -> None:
    """Forget every in-process result an alignment keeps, so the next one is cold again."""
    from upward.analysis import pathways, programs, recommended, transitions

    for cache in (programs._INVENTORIES, recommended._KEPT, pathways._CACHE, transitions._CACHE):
        cache.clear()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--region", default="0016980", help="the area to align (default Chicago, the biggest metro inventory)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    load, old, new, n = seed_seconds()
    print(f"seed the country's inventory: {load + old + new:.2f} s (target ≤ 30 s) — {n:,} programs; "
          f"baseline load of the source tables {load:.2f} s; derivation {old:.2f} s, of which issue 14's new rules {new:.2f} s more")
    con = atlas.connect()
    profile = profiles.load()
    _fresh_caches()
    t = time.perf_counter()
    inventory(con, args.region)
    inv_cold = time.perf_counter() - t
    from upward.analysis.recommended import stepping_stones

    t = time.perf_counter()
    stepping_stones(con, args.region, profile)
    stones = time.perf_counter() - t
    t = time.perf_counter()
    alignment(con, args.region, profile)
    rest = time.perf_counter() - t
    print(f"alignment of {args.region}, cold: {inv_cold + stones + rest:.2f} s — inventory query {inv_cold:.2f} s, "
          f"recommended pathways (stepping stones, with the transition model) {stones:.2f} s, the rest {rest:.2f} s")
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
