#!/usr/bin/env python3
"""Are the pathways ones a career navigator would sign? (issue 12, item 7)

Prints, in one run, on the bundled data:

(a) the reference cases of ../shared/eval/pathways_checks.csv (read its README: tests of the
    rules, never special cases in code):
    * ladders — the share found by `upward paths --from FROM --to TO --region REGION --max-steps N`;
    * gates — violations over every pathway from the 30 largest low-wage occupations (the low quality
      tier, largest first, as the report picks them) in the six metros the file names, both the
      default answer (to the region's JTMs) and asked straight at each gated occupation (--to).
      A step into a gated occupation violates the gate when it comes from an occupation that is not
      the documented feeder of the `why` column (its reading is FEEDERS below, the benchmark's own,
      not the product's) and either the gate is experience (which no study replaces) or the step is
      shown as a plain move (no credential, internship or residency named);
(b) weighted recall@10 and NDCG@10 of `upward next` against observed CPS moves, with the harness
    of benchmarks/transitions_cps.py (broad groups, origins weighted by employment): the transition
    prior ranked over the steps the old rules allowed (similarity, ≤ 1 job zone, ≤ 2 education
    levels: "before"), over the steps today's rules allow ("after"), and over today's rules with
    every CPS-based part switched off ("after, no CPS"), because today's line-of-work and evidence
    rules read the same CPS file and so are not an independent test;
(c) variety: pathways per origin, distinct targets per origin, and the largest share of one
    origin's list that goes to a single target.

    .venv/bin/python benchmarks/pathways_validity.py
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from transitions_cps import EDGES, broad, cps_broad, evaluate, rollup, rollup_weights  # noqa: E402

from upward import atlas, profiles  # noqa: E402
from upward.analysis.evidence import Evidence  # noqa: E402
from upward.analysis.pathways import pathways  # noqa: E402
from upward.analysis.quality import quality_report  # noqa: E402
from upward.analysis.transitions import line_of_work, prior_scores, transitions  # noqa: E402
from upward.atlas.lookup import resolve_area, resolve_occupation  # noqa: E402
from upward.errors import UpwardError  # noqa: E402
from upward.sources.transitions import read_transitions  # noqa: E402

CHECKS = ROOT.parent / "shared" / "eval" / "pathways_checks.csv"
ORIGINS = 30
#: The benchmark's reading of each gate row's `why`: who the documented feeders are, and whether
#: the gate is experience (no study replaces it). SOC prefixes; written here, never in the product.
FEEDERS = {
    "33-1011": (("33-3012",), True),                       # correctional officers and jailers
    "47-1011": (("47-",), True),                           # the construction (and extraction) trades
    "29-1122": ((), False),                                # a master's degree and a licence: no single step
    "29-1071": ((), False),                                # a master's degree and a licence
    # health care administration: the occupations of health care (SOC 29, 31) and those working in
    # its administration or programmes (medical secretaries; health education, community health and
    # healthcare social work)
    "11-9111": (("29-", "31-", "43-6013", "21-1091", "21-1094", "21-1022"), True),
    # teaching assistants or preschool teachers, with study; schoolteachers of other grades already
    # hold the degree and a teaching licence
    "25-2021": (("25-9042", "25-2011", "25-2012", "25-2022", "25-2023", "25-2031", "25-2032", "25-205"), False),
    "29-1041": ((), False),                                # a doctoral degree
}


def gate_violations(result: dict) -> list[tuple]:
    bad = []
    for p in result["pathways"]:
        for s in p["steps"]:
            rule = FEEDERS.get(s["to"])
            if rule is None:
                continue
            feeders, experience = rule
            plain = s["requires"]["kind"] == "move"
            if not s["from"].startswith(feeders or ("none",)) and (experience or plain):
                bad.append((s["from"], s["to"], s["requires"]["kind"]))
    return bad


def part_a(con, profile) -> dict:
    rows = list(csv.DictReader(CHECKS.open()))
    ladders = [r for r in rows if r["kind"] == "ladder"]
    found = []
    print("(a) reference ladders (../shared/eval/pathways_checks.csv):")
    for r in ladders:
        area = resolve_area(con, r["region"])
        a, b = resolve_occupation(con, r["from_soc"]).code, resolve_occupation(con, r["to_soc"]).code
        try:
            res = pathways(con, area.code, a, profile, to_occ=b, max_steps=int(r["max_steps"]), with_training=False)
            ok = bool(res["pathways"])
            how = (f"{res['pathways'][0]['steps'][-1]['requires']['kind']}, {res['pathways'][0]['years']:.1f} yr, "
                   f"{res['pathways'][0]['evidence']}") if ok else "; ".join(res["notes"])
        except UpwardError as exc:
            ok, how = False, exc.message
        found.append(ok)
        print(f"  {'found  ' if ok else 'MISSING'} {a} → {b} in {r['region']}: {how}")
    print(f"  ladders found: {sum(found)}/{len(found)} = {sum(found) / len(found):.0%} (target ≥ 90%)")

    metros = sorted({r["region"] for r in ladders})
    gates = sorted(FEEDERS)
    default_bad, named_bad, paths_n, targets_n, top_share, n_origins, n_paths = [], [], [], [], [], 0, 0
    for m in metros:
        area = resolve_area(con, m)
        low = quality_report(con, area.code, profile, top=ORIGINS)["largest_low_quality"][:ORIGINS]
        for o in low:
            try:
                r = pathways(con, area.code, o["occ_code"], profile, with_training=False)
            except UpwardError:
                continue
            n_origins += 1
            n_paths += len(r["pathways"])
            default_bad += [(m, o["occ_code"], *v) for v in gate_violations(r)]
            if r["pathways"]:
                targets = [p["target"] for p in r["pathways"]]
                paths_n.append(len(targets))
                targets_n.append(len(set(targets)))
                top_share.append(max(targets.count(t) for t in set(targets)) / len(targets))
            for g in gates:
                try:
                    rg = pathways(con, area.code, o["occ_code"], profile, to_occ=g, with_training=False)
                except UpwardError:
                    continue  # the gated occupation is not scored in this metro
                n_paths += len(rg["pathways"])
                named_bad += [(m, o["occ_code"], *v) for v in gate_violations(rg)]
    print(f"  gates: {n_origins} origins in {len(metros)} metros ({', '.join(metros)}), {n_paths} pathways checked; "
          f"violations: {len(default_bad)} in the default answers, {len(named_bad)} when asked for each gated job (target 0)")
    from collections import Counter

    for (a, b, kind), k in Counter((v[2], v[3], v[4]) for v in default_bad + named_bad).most_common(12):
        print(f"    {a} → {b} ({kind}): {k} pathways")
    return {"paths": paths_n, "targets": targets_n, "top_share": top_share}


def part_b(con, profile) -> None:
    df = read_transitions(EDGES)
    cps_groups, cps_emp, flow = cps_broad(df)
    model = transitions(con, profile)
    emp = dict(con.execute("select occ_code, tot_emp from wages where area_code = '0000000' and tot_emp is not null").fetchall())
    codes = model.codes
    both = sorted(set(cps_groups) & {broad(c) for c in codes})
    w = rollup_weights(codes, emp, both)
    ci = {g: i for i, g in enumerate(cps_groups)}
    idx = np.array([ci[g] for g in both])
    truth, origin_w = flow[np.ix_(idx, idx)], cps_emp[idx]
    dest_emp = np.array([sum(emp.get(c, 0.0) for c in codes if broad(c) == g) for g in both])
    z = np.nan_to_num(model.job_zone_mean)
    group_zone = (w @ z) / np.maximum(w @ (~np.isnan(model.job_zone_mean)), 1e-12)
    prior = prior_scores(rollup(model.sim.matrix, w), dest_emp, group_zone, profile.get("pathways.prior"))

    wage = dict(con.execute("select occ_code, a_median from wages where area_code = '0000000'").fetchall())
    pay = np.array([wage.get(c) or np.nan for c in codes], float)
    with np.errstate(invalid="ignore"):
        floor = pay[None, :] >= profile.get("pathways.min_step_wage_ratio") * pay[:, None]
    jz, edu = model.steps_up()
    with np.errstate(invalid="ignore"):
        before = (model.sim.matrix >= model.calibration.viable) & ~(jz > 1) & ~(edu > 2) & floor
    after = model.allowed & floor
    blind = Evidence(model.ev.codes, np.full(model.ev.share.shape, np.nan), np.eye(len(codes), dtype=bool),
                     np.zeros(len(codes), dtype=bool), model.ev.common, model.ev.sometimes)
    related_no_cps, _ = line_of_work(model.req, model.sim.matrix, blind)
    with np.errstate(invalid="ignore"):
        no_cps = ((model.sim.matrix >= model.calibration.viable) & ~(jz > model.rules["max_job_zone_step"])
                  & (model.study <= model.rules["max_study_years"])
                  & ((model.req.experience_years[None, :] == 0) | (related_no_cps & ~(model.overlap < model.rules["experience_overlap"])))
                  & floor)
    member = (w > 0).astype(float)
    # the groups the earlier harness compared: those with an occupation not rated by proxy of its relatives
    proxied = {r[0] for r in con.execute("select distinct occ_code from descriptors where method = 'related_occupations'").fetchall()}
    old = np.array([k for k, g in enumerate(both) if any(broad(c) == g and c not in proxied for c in codes)])
    r_old, g_old = evaluate(prior[np.ix_(old, old)], truth[np.ix_(old, old)], origin_w[old], np.arange(len(old)))
    print("\n(b) `upward next` against observed CPS moves (harness of benchmarks/transitions_cps.py, "
          f"{len(both)} broad groups, employment-weighted):")
    print(f"  {'ranking':58s} {'recall@10':>9s} {'NDCG@10':>8s}")
    for name, mask in (("prior over every destination (the harness's model b)", None),
                       ("before: prior over the old rules' steps", before),
                       ("after: prior over today's allowed steps", after),
                       ("after, no CPS: structural rules only", no_cps)):
        s = prior.copy()
        if mask is not None:
            reach = member @ mask.astype(float) @ member.T > 0
            s = np.where(reach, s, np.nan)
        r, g = evaluate(s, truth, origin_w, np.arange(len(both)))
        print(f"  {name:58s} {r:9.3f} {g:8.3f}")
    print(f"  {'prior over every destination, the ' + str(len(old)) + ' earlier groups':58s} {r_old:9.3f} {g_old:8.3f}")
    print("  (target: recall@10 not below 0.306; 'after' reads the same CPS file through its evidence rule, 'after, no CPS' does not)")


def part_c(stats: dict) -> None:
    print("\n(c) variety of the default answers (the same origins as the gates):")
    print(f"  pathways per origin: mean {statistics.mean(stats['paths']):.2f}; distinct targets per origin: mean "
          f"{statistics.mean(stats['targets']):.2f}, median {statistics.median(stats['targets']):.0f}; largest share of one origin's "
          f"list going to one target: mean {statistics.mean(stats['top_share']):.0%}, max {max(stats['top_share']):.0%}")


def main() -> None:
    t0 = time.perf_counter()
    con = atlas.connect()
    profile = profiles.load()
    stats = part_a(con, profile)
    part_b(con, profile)
    part_c(stats)
    print(f"\nelapsed: {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
