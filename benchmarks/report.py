#!/usr/bin/env python3
"""Report performance (issue 8, item 5): the regional pathways report for one region, as HTML and PDF.

Prints, on the bundled data:
* cold: the first report of the process (transition model, the region's graph and its program
  inventory built from nothing: the similarity, transition and pathway caches cleared), HTML only;
* warm: the same report again, median of --repeat runs — HTML (gather + render) target ≤ 5 s, and
  HTML + PDF target ≤ 15 s; the PDF rendering (WeasyPrint) alone;
* baseline in the same run: the analysis calls alone (the analysis functions the report calls,
  warm, without selecting, phrasing, charting or rendering) against the full HTML report — the
  report's own overhead as a ratio;
* page count and sizes; peak memory (max RSS).

    .venv/bin/python benchmarks/report.py [--region houston] [--repeat 3]
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
from upward.analysis import pathways as pw  # noqa: E402
from upward.analysis import similarity as sim_mod  # noqa: E402
from upward.analysis import transitions as tr_mod  # noqa: E402
from upward.atlas.lookup import resolve_area  # noqa: E402
from upward.errors import UpwardError  # noqa: E402
from upward.report import build, render  # noqa: E402


def analysis_only(con, area_code: str, profile, peers: list[str]) -> None:
    """The analysis calls a report makes, and nothing else."""
    from upward.analysis import mobilize, quality, skills
    from upward.analysis.compare import compare_areas, comparison_codes
    from upward.analysis.pathways import pathways
    from upward.analysis.programs import alignment
    from upward.analysis.regions import region_summary

    region_summary(con, area_code, profile, None, 10)
    q = quality.quality_report(con, area_code, profile, 10)
    codes = [c for c, _ in comparison_codes(con, area_code, peers)]
    if len(codes) > 1:
        compare_areas(con, codes, profile, 5)
    jobs = None
    for lens in ("jtm", "good-promising", "opportunity"):
        r = mobilize.jobs(con, area_code, profile, lens, 25, True)
        jobs = jobs or r
    skills.landscape(con, area_code, profile)
    alignment(con, area_code, profile, None)
    for j in [j for j in jobs["jobs"] if j["jtm"]][:3]:
        skills.benchmark(con, area_code, j["occ_code"], profile, None)
    for o in q["largest_low_quality"][:3]:
        try:
            pathways(con, area_code, o["occ_code"], profile)
        except UpwardError:  # an origin O*NET does not rate has no pathway; asking costs the same
            continue


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--region", default="houston")
    ap.add_argument("--compare", action="append", default=[], help="a peer area (repeat)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    con = atlas.connect()
    profile = profiles.load()
    area = resolve_area(con, args.region)
    peers = [resolve_area(con, p).code for p in args.compare]

    sim_mod._CACHE.clear()
    tr_mod._CACHE.clear()
    pw._CACHE.clear()
    t = time.perf_counter()
    report = build.build(con, area.code, profile, peers=peers)
    page = render.html(report)
    cold = time.perf_counter() - t
    print(f"region: {area.name} ({area.code}); {len(report['jtm']['rows'])} JTMs, {len(report['pathways']['origins'])} low-wage origins, "
          f"{len(report['glance']['facts'])} sentences, {sum(len(v) for v in report['actions'].values())} actions")
    print(f"cold HTML report (caches cleared: transition model, region graph, program inventory): {cold:.2f} s")

    html_times, pdf_times, both_times, base_times = [], [], [], []
    pdf, doc = b"", None
    for _ in range(args.repeat):
        t = time.perf_counter()
        report = build.build(con, area.code, profile, peers=peers)
        page = render.html(report)
        t_html = time.perf_counter() - t
        t2 = time.perf_counter()
        doc = render.document(page)
        pdf = doc.write_pdf()
        t_pdf = time.perf_counter() - t2
        html_times.append(t_html)
        pdf_times.append(t_pdf)
        both_times.append(t_html + t_pdf)
        t = time.perf_counter()
        analysis_only(con, area.code, profile, peers)
        base_times.append(time.perf_counter() - t)
    med = statistics.median
    print(f"warm HTML report (gather + render), median of {args.repeat}: {med(html_times):.2f} s (target ≤ 5 s); "
          f"max {max(html_times):.2f} s; {len(page.encode()) / 1024:.0f} KB")
    print(f"warm HTML + PDF, median of {args.repeat}: {med(both_times):.2f} s (target ≤ 15 s); max {max(both_times):.2f} s; "
          f"PDF rendering alone {med(pdf_times):.2f} s; {len(pdf) / 1024:.0f} KB, {len(doc.pages)} pages")
    # fastest of the repeats: on a shared machine the minimum is the least noisy estimate of each
    ratio = min(html_times) / min(base_times)
    print(f"baseline, the analysis calls alone (warm, fastest of {args.repeat}): {min(base_times):.2f} s; the full HTML report "
          f"(fastest {min(html_times):.2f} s) takes {ratio:.2f}× that")
    steps = sorted(((k, v) for k, v in report["timings"].items() if k != "total"), key=lambda kv: -kv[1])[:5]
    print("slowest parts of the last warm gather: " + ", ".join(f"{k} {v:.2f} s" for k, v in steps))
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
