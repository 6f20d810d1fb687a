#!/usr/bin/env python3
"""Pathways performance (issue 4, item 10): the transition model, one query, a whole region.

Prints, on the bundled data:
* cold: the full pairwise transition model for every rated occupation (seven similarity facets,
  calibration, the skill-gap matrix), caches cleared — target ≤ 3 s; and the region's graph
  (its scored table, costs) on top;
* warm: one pathway query (`pathways()`, training lookups included), median and p95 over origins —
  target ≤ 100 ms;
* all origins to all JTMs for one region (the search of ≤ 3 steps from every rated occupation
  with a pay, and the best pathway's score) — target ≤ 10 s;
* baseline in the same run: a plain depth-first enumeration of every simple path of ≤ 3 allowed
  steps for a sample of origins (what a straightforward implementation does), its time per origin
  against the layered search's, and a check that both find the same best score;
* peak memory (max RSS).

    .venv/bin/python benchmarks/pathways.py [--region houston] [--sample 25]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from upward import atlas, profiles  # noqa: E402
from upward.analysis import pathways as pw  # noqa: E402
from upward.analysis import programs as programs_mod  # noqa: E402
from upward.analysis import quality as quality_mod  # noqa: E402
from upward.analysis import similarity as sim_mod  # noqa: E402
from upward.analysis import transitions as tr_mod  # noqa: E402
from upward.atlas.lookup import resolve_area  # noqa: E402


def dfs_best(steps_from, years: np.ndarray, weight: np.ndarray, gain: np.ndarray, origin: int, targets: np.ndarray, max_steps: int) -> float:
    """Every simple path of ≤ max_steps steps, one by one: the best balanced score that ends at a target."""
    best = -np.inf
    rows: dict[int, np.ndarray] = {}

    def row(i: int) -> np.ndarray:
        if i not in rows:
            rows[i] = np.flatnonzero(steps_from(i))
        return rows[i]

    def walk(node: int, yrs: float, w: float, seen: set[int], depth: int) -> None:
        nonlocal best
        for j in row(node):
            j = int(j)
            if j in seen:
                continue
            y, ww = yrs + years[node, j], min(w, weight[node, j])
            if targets[j] and gain[j] > 0:
                best = max(best, gain[j] / y * ww)
            if depth + 1 < max_steps:
                walk(j, y, ww, seen | {j}, depth + 1)

    walk(origin, 0.0, 1.0, {origin}, 0)
    return best


def search_best(reg, years, weight, gain, origin, max_steps, k) -> float:
    found = pw.search(reg.steps_from, years, weight, origin, reg.jtm, max_steps, keep=k + max_steps)
    scores = [gain[f.nodes[-1]] / f.years * f.weight for f in found if gain[f.nodes[-1]] > 0]
    return max(scores) if scores else -np.inf


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--region", default="houston")
    ap.add_argument("--sample", type=int, default=25, help="origins for the warm query and the baseline")
    args = ap.parse_args()
    con = atlas.connect()
    profile = profiles.load()
    area = resolve_area(con, args.region)
    max_steps, k = profile.get("pathways.max_steps"), profile.get("pathways.top")

    sim_mod._CACHE.clear()
    tr_mod._CACHE.clear()
    pw._CACHE.clear()
    quality_mod._TABLES.clear()
    programs_mod._INVENTORIES.clear()
    t = time.perf_counter()
    model = tr_mod.transitions(con, profile)
    cold_model = time.perf_counter() - t
    t = time.perf_counter()
    reg = pw.region(con, area.code, profile)
    cold_region = time.perf_counter() - t
    n = len(model.codes)
    print(f"region: {area.name} ({area.code}); {n} rated occupations, {int(reg.in_region.sum())} possible steps here, "
          f"{int(reg.jtm.sum())} JTMs; allowed steps per occupation: {model.allowed.sum(axis=1).mean():.1f}")
    print(f"cold transition model (all {n}×{n} pairs: 7 facets, calibration, skill gaps): {cold_model:.2f} s (target ≤ 3 s)")
    print(f"cold region graph (scored table, evidence, years):       {cold_region:.2f} s")

    origins = [i for i in range(n) if not np.isnan(reg.pay(i)[0])]
    rng = np.random.default_rng(7)
    sample = [origins[i] for i in rng.choice(len(origins), size=min(args.sample, len(origins)), replace=False)]
    pw.pathways(con, area.code, model.codes[sample[0]], profile)  # warm the inventory and lookups
    times = []
    for i in sample:
        t = time.perf_counter()
        pw.pathways(con, area.code, model.codes[i], profile)
        times.append(time.perf_counter() - t)
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    print(f"warm pathway query (training included), {len(times)} origins: median {statistics.median(times) * 1000:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms (target ≤ 100 ms)")

    years = np.maximum(reg.years, profile.get("pathways.min_step_years"))
    weight = reg.evidence_weight[reg.evidence_level]
    min_gain = profile.get("pathways.min_wage_gain")

    def gains(i):
        pay = reg.pay(i)[0]
        return np.where(reg.wage >= pay * (1 + min_gain), reg.wage - pay, -1.0)

    t = time.perf_counter()
    found = {i: search_best(reg, years, weight, gains(i), i, max_steps, k) for i in origins}
    all_time = time.perf_counter() - t
    reached = sum(1 for v in found.values() if np.isfinite(v))
    print(f"all origins → all JTMs ({len(origins)} origins, ≤{max_steps} steps): {all_time:.2f} s "
          f"(target ≤ 10 s); {reached} origins have a pathway")

    layered, brute, agree = [], [], 0
    for i in sample[:10]:
        g = gains(i)
        t = time.perf_counter()
        best = search_best(reg, years, weight, g, i, max_steps, 1)
        layered.append(time.perf_counter() - t)
        t = time.perf_counter()
        b = dfs_best(reg.steps_from, years, weight, g, i, reg.jtm, max_steps)
        brute.append(time.perf_counter() - t)
        agree += (not np.isfinite(best) and not np.isfinite(b)) or abs(best - b) < 1e-6
    ratio = statistics.mean(brute) / statistics.mean(layered)
    print(f"baseline, depth-first enumeration of every path ({len(brute)} origins): {statistics.mean(brute) * 1000:.0f} ms per origin "
          f"vs layered search {statistics.mean(layered) * 1000:.1f} ms — ratio {ratio:.1f}×; same best score for {agree}/{len(brute)}")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
