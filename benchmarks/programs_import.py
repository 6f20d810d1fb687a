#!/usr/bin/env python3
"""Program-inventory import benchmark: 10,000 program rows from a CSV into a fresh hub.

Target (issue 5): an import of 10,000 program rows ≤ 5 s (read, validate every row against
the atlas, diff against the hub, write in one transaction). The baseline measured in the same
run is pandas writing the same rows to CSV. Also timed: a dry run and a re-import in which
every program changed (the diff's worst case) against a hub that already holds them, and a
rollback. Peak memory: Python allocations during the import (tracemalloc, a separate run so the
timing is not slowed by tracing) and the process's peak resident size.

    .venv/bin/python benchmarks/programs_import.py [--rows 10000] [--db ATLAS]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--db", help="atlas file (default: $UPWARD_DB or the user data dir; built if needed)")
    args = ap.parse_args()

    from upward import atlas, hub

    con = atlas.connect(args.db)
    with tempfile.TemporaryDirectory(prefix="upward-hub-bench-") as tmp:
        run(hub, con, Path(tmp), args.rows)


def run(hub, con, tmp: Path, n: int) -> None:
    from upward.hub.template import make_rows

    rows = make_rows(con, n)
    csv_path = tmp / "inventory.csv"

    base, _ = timed(lambda: rows.to_csv(csv_path, index=False))
    print(f"baseline: pandas writes the {n:,} rows to CSV: {base:.3f} s ({n / base:,.0f} rows/s)")

    secs, result = timed(lambda: hub.import_file(con, tmp / "hub.duckdb", csv_path))
    assert result.rows == n and len(result.new_programs) == n
    print(f"import {n:,} rows into a new hub: {secs:.2f} s ({n / secs:,.0f} rows/s, {secs / base:.1f}× baseline) — target ≤ 5 s")

    changed = rows.assign(cost=(rows["cost"].astype(int) + 1).astype(str), completions_year="2025")
    changed_path = tmp / "inventory-v2.csv"
    changed.to_csv(changed_path, index=False)
    dry, result = timed(lambda: hub.import_file(con, tmp / "hub.duckdb", changed_path, dry_run=True))
    assert len(result.changed_programs) == n
    print(f"dry run, every program changed: {dry:.2f} s ({n / dry:,.0f} rows/s)")
    again, result = timed(lambda: hub.import_file(con, tmp / "hub.duckdb", changed_path))
    print(f"re-import, every program changed: {again:.2f} s ({n / again:,.0f} rows/s)")
    back, _ = timed(lambda: hub.rollback(tmp / "hub.duckdb", result.import_id))
    inv, frames = timed(lambda: hub.inventory(tmp / "hub.duckdb"))
    assert len(frames["programs"]) == n
    print(f"rollback: {back:.3f} s; read the current inventory: {inv:.3f} s")

    tracemalloc.start()
    hub.import_file(con, tmp / "hub-mem.duckdb", csv_path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak / 2**20:.0f} MB of Python allocations during the import; process peak RSS {rss:.0f} MB")
    print(f"hub file: {(tmp / 'hub.duckdb').stat().st_size / 1e6:.1f} MB after two imports of {n:,} rows")


if __name__ == "__main__":
    main()
