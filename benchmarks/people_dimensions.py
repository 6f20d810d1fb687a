#!/usr/bin/env python3
"""People and job-quality dimensions: what they cost on top of what a region's answer already costs.

Measured in one process on the atlas (built first if needed), median of --runs:

- the baseline: `area_measures` for one region (the raw measures every quality answer starts
  from) and for every area at once (what `upward indicators` computes);
- attaching benefits, safety, equity and AI exposure to those rows (`quality._attach_pluggable`),
  the extra cost the new dimensions add to every quality table;
- `occupation_dimensions` cold (first call) and warm (cached per atlas and benefit weights);
- `people.people` (which builds the area's program inventory) and `people_summary` (what
  `upward region` adds), `dimensions.by_group` by major group and by industry.

Targets: the dimensions add under 25 ms to a region's quality table and under 10% to every
area's; `people_summary` (what `upward region` adds) under 50 ms. No timing is asserted in the
tests. Figures of a run on a loaded 2-core machine (load average ~15), --runs 3:
occupation_dimensions cold 129 ms, warm 1 ms; Chicago area_measures 140 ms + 16 ms; every area
4.87 s + 281 ms (5.8%); people_summary 3–20 ms; people 0.15–0.4 s per region with its program
inventory cached (1.9 s for the nation); by_group 0.2–0.45 s.

    .venv/bin/python benchmarks/people_dimensions.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

REGIONS = {"Chicago (large metro)": "0016980", "Casper, WY (small metro)": "0016220", "East Kentucky (nonmetro)": "2100004",
           "Texas (state)": "4800000", "nation": "0000000"}


def median_time(fn, runs: int) -> float:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    from upward import atlas, profiles
    from upward.analysis import dimensions, people, quality
    from upward.analysis.measures import area_measures

    con = atlas.connect()
    prof = profiles.load()
    dimensions._CACHE.clear()
    t0 = time.perf_counter()
    dimensions.occupation_dimensions(con, prof)
    cold = time.perf_counter() - t0
    warm = median_time(lambda: dimensions.occupation_dimensions(con, prof), args.runs)
    print(f"occupation_dimensions: cold {cold * 1000:.0f} ms, warm {warm * 1000:.1f} ms")

    one = area_measures(con, prof, ["0016980"])
    every = area_measures(con, prof, None)
    base_one = median_time(lambda: area_measures(con, prof, ["0016980"]), args.runs)
    base_all = median_time(lambda: area_measures(con, prof, None), max(1, args.runs // 2))
    add_one = median_time(lambda: quality._attach_pluggable(con, one.copy(), prof), args.runs)
    add_all = median_time(lambda: quality._attach_pluggable(con, every.copy(), prof), args.runs)
    print(f"baseline area_measures, Chicago: {base_one * 1000:.0f} ms; + dimensions {add_one * 1000:.1f} ms ({add_one / base_one:.1%})")
    print(f"baseline area_measures, every area ({len(every):,} rows): {base_all:.2f} s; + dimensions {add_all * 1000:.0f} ms ({add_all / base_all:.1%})")

    print(f"{'region':28s} {'people':>9s} {'summary':>9s} {'by group':>9s} {'by industry':>12s}")
    for name, code in REGIONS.items():
        quality.quality_table(con, prof, [code])  # the quality table both views start from, cached as the faces do
        p = median_time(lambda: people.people(con, code), args.runs)
        s = median_time(lambda: people.people_summary(con, code), args.runs)
        g = median_time(lambda: dimensions.by_group(con, code, prof, "major-group"), args.runs)
        i = median_time(lambda: dimensions.by_group(con, code, prof, "industry"), args.runs)
        print(f"{name:28s} {p * 1000:7.0f}ms {s * 1000:7.1f}ms {g * 1000:7.0f}ms {i * 1000:10.0f}ms")


if __name__ == "__main__":
    main()
