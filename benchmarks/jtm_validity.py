"""Do the Jobs That Mobilize lists pass a labour-market research director's smell test? Before and after.

    UPWARD_DB=… .venv/bin/python benchmarks/jtm_validity.py [--before PATH/src]

For Chicago, Houston, Phoenix, Atlanta, Detroit and East Kentucky (nonmetro) it prints, from the
atlas and the JTM scoring in use:

* the JTM count, and the residual ("All Other") and unreliable JTMs (must be 0 after);
* the share of supervisors and managers among the top 20;
* how much the top-20 lists of the metros overlap (Jaccard, each pair, and their mean) and how
  many metros share the same #1 — a list driven by size looks the same everywhere;
* the share of the region's skilled-trades and technical occupations (SOC 47, 49, 51, 53, 17-3,
  19-4, 29-2 with a training route: a postsecondary award, associate's degree, apprenticeship or
  long-term on-the-job training; no bachelor's) whose median pays the living wage that are JTMs.

The baseline is measured in the same run: `--before` names the `src` folder of a checkout of the
code before this change (e.g. `git archive <commit> src | tar -x -C /tmp/before`); the script
runs itself there in a subprocess against the same atlas. Every figure is computed here from the
atlas (titles, OEWS RSEs and percentiles, BLS education and training, SOC codes), never from flags
the scoring sets, so the two versions are judged by one yardstick.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time

REGIONS = {"0016980": "Chicago", "0026420": "Houston", "0038060": "Phoenix", "0012060": "Atlanta", "0019820": "Detroit",
           "2100004": "East Kentucky"}
METROS = ["0016980", "0026420", "0038060", "0012060", "0019820"]
MAX_RSE = 30.0
TOP = 20
TECH_GROUPS = ("47-", "49-", "51-", "53-", "17-3", "19-4", "29-2")
TRAINED_EDUCATION = ("Postsecondary nondegree award", "Associate's degree")
TRAINED_OJT = ("Apprenticeship", "Long-term on-the-job training")
NO_BACHELORS = ("No formal educational credential", "High school diploma or equivalent", "Some college, no degree",
                "Postsecondary nondegree award", "Associate's degree")


def _ladder(code: str) -> bool:
    major, minor = code[:2], code[3]
    return major == "11" or (33 <= int(major) <= 53 and int(major) % 2 == 1 and minor == "1")


def figures() -> dict:
    """The figures of the scoring importable as `upward` (whichever version PYTHONPATH gives)."""
    import duckdb

    from upward import profiles
    from upward.analysis import mobilize

    con = duckdb.connect(os.environ["UPWARD_DB"], read_only=True)
    profile = profiles.load()
    facts = con.execute(
        """select w.area_code, w.occ_code, o.occ_title, w.emp_prse, w.mean_prse, w.a_pct25, w.a_pct75,
                  coalesce(w.a_pct25_top_coded or w.a_pct75_top_coded, false) as top, e.typical_education, e.on_the_job_training
           from wages w join occupations o using (occ_code) left join occupation_education e using (occ_code)
           where w.area_code in (select unnest(?::varchar[])) and o.level = 'detailed'""",
        [list(REGIONS)],
    ).df().set_index(["area_code", "occ_code"])
    out = {}
    t0 = time.perf_counter()
    for area in REGIONS:
        df = mobilize.scored_table(con, profile, [area])
        s = df[df.scored].set_index("occ_code")
        f = facts.loc[area].reindex(s.index)
        jtm = s[s.jtm].sort_values("composite", ascending=False)
        top = list(jtm.index[:TOP])
        residual = f.occ_title.str.contains(", All Other", regex=False)
        unreliable = (f.emp_prse > MAX_RSE) | (f.mean_prse > MAX_RSE) | ((f.a_pct25 == f.a_pct75) & ~f.top.astype(bool))
        tech = (s.index.str.startswith(TECH_GROUPS) & (f.typical_education.isin(TRAINED_EDUCATION) | f.on_the_job_training.isin(TRAINED_OJT))
                & f.typical_education.isin(NO_BACHELORS) & (s.median_living_wage_ratio >= 1) & ~residual)
        out[area] = {
            "scored": int(len(s)),
            "jtm": int(s.jtm.sum()),
            "residual_jtms": int((s.jtm & residual).sum()),
            "unreliable_jtms": int((s.jtm & unreliable).sum()),
            "ladder_share_top": sum(_ladder(c) for c in top) / len(top) if top else None,
            "top": top,
            "first": (top[0], s.loc[top[0], "occ_title"]) if top else None,
            "tech_paying": int(tech.sum()),
            "tech_jtm_share": float(s[tech].jtm.mean()) if tech.any() else None,
        }
    out["_seconds"] = round(time.perf_counter() - t0, 2)
    return out


def _jaccard(a: list, b: list) -> float:
    return len(set(a) & set(b)) / len(set(a) | set(b)) if set(a) | set(b) else float("nan")


def _print(label: str, f: dict) -> None:
    print(f"\n== {label} (scoring the six regions took {f['_seconds']} s)")
    print(f"{'region':<14}{'scored':>7}{'JTMs':>6}{'residual':>9}{'unreliable':>11}{'mgr/sup top20':>14}{'trades→JTM':>12}  #1")
    for area, name in REGIONS.items():
        r = f[area]
        share = "—" if r["ladder_share_top"] is None else f"{r['ladder_share_top']:.0%}"
        tech = "—" if r["tech_jtm_share"] is None else f"{r['tech_jtm_share']:.0%} of {r['tech_paying']}"
        first = r["first"][1][:38] if r["first"] else "—"
        print(f"{name:<14}{r['scored']:>7}{r['jtm']:>6}{r['residual_jtms']:>9}{r['unreliable_jtms']:>11}{share:>14}{tech:>12}  {first}")
    pairs = list(itertools.combinations(METROS, 2))
    values = [_jaccard(f[a]["top"], f[b]["top"]) for a, b in pairs]
    print("top-20 Jaccard between metros: " + ", ".join(f"{REGIONS[a][:3]}–{REGIONS[b][:3]} {v:.2f}" for (a, b), v in zip(pairs, values)))
    firsts = [f[a]["first"][0] for a in METROS if f[a]["first"]]
    common = max((firsts.count(x) for x in set(firsts)), default=0)
    print(f"mean {sum(values) / len(values):.2f}; the most common #1 is #1 in {common} of {len(METROS)} metros")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", help="the src folder of the code before the change (run in a subprocess, same atlas)")
    ap.add_argument("--figures-json", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.figures_json:
        print(json.dumps(figures()))
        return
    if args.before:
        env = {**os.environ, "PYTHONPATH": args.before}
        run = subprocess.run([sys.executable, __file__, "--figures-json"], env=env, capture_output=True, text=True, check=False)
        if run.returncode:
            sys.exit(f"The baseline failed:\n{run.stderr[-2000:]}")
        _print(f"before ({args.before})", json.loads(run.stdout.strip().splitlines()[-1]))
    _print("after (this checkout)", figures())


if __name__ == "__main__":
    main()
