"""Gather what the regional pathways report says, from the analysis functions, into one plain dict.

Nothing here computes a number of its own: each section selects rows and values from the result
of one analysis function — the same function, with the same arguments, that an `upward … --json`
command prints — and records that command (`refs.Sources`). The sentences (`sentences.py`) and the
recommended actions (`actions.py`) phrase those values; the charts (`charts.py`) draw them.

| section | analysis function | command |
|---|---|---|
| area | `regions.region_summary` | `upward region AREA --json` |
| people | `people.people` | `upward people --region AREA --json` |
| quality by group | `dimensions.by_group` | `upward dimensions --region AREA --by major-group --json` |
| at a glance | `quality.quality_report`, `compare.compare_areas`, `mobilize.jobs` | `upward quality`, `upward compare`, `upward jobs --all` |
| Jobs That Mobilize | `mobilize.jobs` (three lenses) | `upward jobs --region AREA --all [--lens …] --json` |
| pathways | `recommended.recommended` (`pathways.pathways` per origin) | `upward paths --from SOC --region AREA --json` |
| skills | `skills.landscape`, `skills.benchmark` | `upward skills`, `upward benchmark SOC --region AREA` |
| training | `programs.alignment` (stepping stones from `recommended.recommended`) | `upward programs align --region AREA --json` |
| what changed | `changes.changes` (when the atlas holds two OEWS releases of the area) | `upward changes --region AREA --from A --to B --json` |
| outcomes | a run written by `upward outcomes --format json --out FILE` (or a hub run) | the file |

The result is JSON-serialisable (`upward report --json` prints it) and versioned `upward.report/1`.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

from upward.analysis.living_wage import household_words
from upward.atlas.lookup import area_record
from upward.atlas.provenance import releases
from upward.atlas.query import records
from upward.errors import UpwardError
from upward.hub import data as hub_data
from upward.profiles import PILLARS, Profile
from upward.report.refs import Sources, command_text, show

SCHEMA = "upward.report/1"
#: How many of the largest low-wage occupations get pathways, how many pathways each shows,
#: how many JTMs get a proficiency benchmark, and table lengths. Documented in docs/report.md.
DEFAULTS = {"origins": 3, "paths_per_origin": 2, "benchmarks": 3, "gaps": 10, "rows": 12, "jtm_rows": 15}

def build(con, area_code: str, profile: Profile, **kwargs) -> dict:
    """Everything the report shows for one area (see `gather`)."""
    return gather(con, area_code, profile, **kwargs)[0]


def gather(
    con,
    area_code: str,
    profile: Profile,
    *,
    profile_path: Path | str | None = None,
    peers: list[str] | tuple[str, ...] = (),
    outcomes: dict | None = None,
    hub_path: Path | None = None,
    hub_explicit: bool = False,
    options: dict | None = None,
) -> tuple[dict, Sources]:
    """Everything the report shows for one area, with the command behind every number, and the
    analysis results themselves (`Sources`, whole: the export writes them as tables).

    `profile_path` and `hub_explicit` only shape the quoted commands (`--profile FILE`, `--hub
    FILE`) so that running them reproduces the numbers; `outcomes` is what `outcomes.load` read.
    """
    from upward.analysis import mobilize, quality, skills
    from upward.analysis import people as people_mod
    from upward.analysis.compare import compare_areas, comparison_codes
    from upward.analysis.dimensions import by_group
    from upward.analysis.programs import alignment
    from upward.analysis.regions import region_summary
    from upward.report import actions, sentences

    started = time.perf_counter()
    opts = {**DEFAULTS, **(options or {})}
    area = area_record(con, area_code)
    if area is None:
        raise UpwardError(f"No area {area_code} in the atlas.", hint="List areas with: upward regions --search NAME")
    prof = ["--profile", str(profile_path)] if profile_path else []
    hub = ["--hub", str(hub_path)] if hub_explicit and hub_path else []
    held = hub_data(hub_path)  # the hub as analysis reads it (analysis never opens the hub itself)
    src = Sources()
    if outcomes is not None:
        src.add("outcomes", ["--outcomes", outcomes["source"]], outcomes)
    timings: dict[str, float] = {}

    def timed(name, fn):
        t0 = time.perf_counter()
        out = fn()
        timings[name] = round(time.perf_counter() - t0, 3)
        return out

    summary = timed("region", lambda: region_summary(con, area_code, profile, None, 10))
    src.add("region", ["region", area_code, "--json", *prof], summary)
    pe = timed("people", lambda: people_mod.people(con, area_code, held))
    src.add("people", ["people", "--region", area_code, "--json", *hub], pe)
    dims = timed("dimensions", lambda: by_group(con, area_code, profile, "major-group"))
    src.add("dimensions", ["dimensions", "--region", area_code, "--by", "major-group", "--json", *prof], dims)
    q = timed("quality", lambda: quality.quality_report(con, area_code, profile, 10))
    src.add("quality", ["quality", "--region", area_code, "--json", *prof], q)
    codes = comparison_codes(con, area_code, peers)
    roles = [r for _, r in codes]
    if len(codes) > 1:
        cmp = timed("compare", lambda: compare_areas(con, [c for c, _ in codes], profile, 5))
        src.add("compare", ["compare", *(c for c, _ in codes), "--json", *prof], cmp)
    lenses = {}
    for lens in ("jtm", "good-promising", "opportunity"):
        r = timed(f"jobs_{lens}", lambda lens=lens: mobilize.jobs(con, area_code, profile, lens, 25, True))
        extra = [] if lens == "jtm" else ["--lens", lens]
        src.add(f"jobs_{lens}" if lens != "jtm" else "jobs", ["jobs", "--region", area_code, *extra, "--all", "--json", *prof], r)
        lenses[lens] = r
    jobs = lenses["jtm"]
    land = timed("skills", lambda: skills.landscape(con, area_code, profile))
    src.add("skills", ["skills", "--region", area_code, "--json", *prof], land)
    align = timed("programs", lambda: alignment(con, area_code, profile, held))
    src.add("programs", ["programs", "align", "--region", area_code, "--json", *prof, *hub], align)

    jtms = [j for j in jobs["jobs"] if j["jtm"]]
    bench = []
    for i, j in enumerate(jtms[: opts["benchmarks"]]):
        key = f"benchmark_{i}"
        try:
            b = timed(key, lambda j=j: skills.benchmark(con, area_code, j["occ_code"], profile, held))
        except UpwardError as exc:  # O*NET rates nothing for it
            bench.append({"soc": j["occ_code"], "title": j["occ_title"], "error": exc.message})
            continue
        src.add(key, ["benchmark", j["occ_code"], "--region", area_code, "--json", *prof, *hub], b)
        bench.append(_benchmark_section(b, key, src))

    origins = _pathways(con, area_code, profile, q, src, prof, hub, held, opts, timings)
    changed = _changes(con, area_code, profile, src, prof, opts, timed)

    ctx = {
        "area": area,
        "roles": roles,
        "household": profile.household,
        "household_words": household_words(profile.household),
        "profile": profile,
        "has_compare": len(codes) > 1,
    }
    facts = sentences.glance(src, ctx)
    report = {
        "schema": SCHEMA,
        "options": opts,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "title": f"Regional pathways report: {area['area_name']}",
        "area": {**area, "state_name": summary["area"].get("state_name"), "n_counties": summary["area"].get("n_counties")},
        "profile": {**profile.record(), "description": profile.data.get("description"), "household": profile.household,
                    "household_words": household_words(profile.household),
                    "cpi_adjustment": profile.get("living_wage.cpi_adjustment")},
        "summary": _area_summary(summary, src),
        "people": _people_section(pe, src),
        "dimensions": _dimensions_section(dims, src),
        "glance": {"facts": facts, "comparison": _comparison(src, codes) if len(codes) > 1 else [],
                   "tiers": q["employment_by_tier"], "notes": [*q["notes"], *sentences.missing_notes(src)], "command": command_text(src.command("quality"))},
        "jtm": _jtm_section(lenses, src, profile, opts),
        "pathways": origins,
        "skills": _skills_section(land, src, bench, opts),
        "training": _training_section(align, src, opts, profile.get("programs")),
        "changes": changed,
        "outcomes": outcomes,
        "actions": actions.derive(src, ctx, origins, outcomes),
        "method": _method(con, profile, src, q, land, outcomes),
        "commands": {k: command_text(v[0]) for k, v in src.results.items()},
        "data": releases(con),
        "timings": {**timings, "total": round(time.perf_counter() - started, 3)},
    }
    return report, src


# ---------------------------------------------------------------------------------------------
# sections


def _area_summary(s: dict, src: Sources) -> dict:
    lw = s["living_wage"] or {}
    w = s["wages_all_occupations"] or {}
    return {
        "employment": src.num("region", "employment", "count") if s["employment"] is not None else None,
        "median_wage": src.num("region", "wages_all_occupations.a_median", "money") if w.get("a_median") is not None else None,
        "price_parity": src.num("region", "price_parity.value", "parity") if s["price_parity"]["value"] is not None else None,
        "price_parity_year": s["price_parity"]["year"],
        "price_parity_source": s["price_parity"]["source"],
        "living_wage": src.num("region", "living_wage.annual_wage", "money") if lw else None,
        "living_wage_mit": src.num("region", "living_wage.mit_annual_wage", "money") if lw else None,
        "living_wage_factor": src.num("region", "living_wage.prices.applied", "factor") if lw else None,
        "living_wage_index": (lw.get("prices") or {}).get("index"),
        "living_wage_method": lw.get("method"),
        "living_wage_note": lw.get("note"),
        "largest": s["largest_occupations"][:5],
        "concentrated": s["most_concentrated_occupations"][:5],
    }


def _people_section(p: dict, src: Sources) -> dict:
    """`upward people`: who lives here, each count and share with its MOE, beside the state and the nation."""
    if not p["available"]:
        return {"available": False, "notes": p["notes"], "command": command_text(src.command("people"))}
    rows = []
    for i, m in enumerate(p["measures"]):
        path = f"measures[{i}]"

        def num(key, fmt, m=m, path=path):
            return src.num("people", f"{path}.{key}", fmt) if m[key] is not None else None

        rows.append({
            "measure": m["measure"], "what": m["what"], "need": m["need"],
            "estimate": num("estimate", "count"), "moe": num("moe", "count"), "share": num("share", "pct1"),
            "share_moe": num("share_moe", "pct1"), "state_share": num("state_share", "pct1"), "national_share": num("national_share", "pct1"),
            "programs": src.num("people", f"{path}.programs", "int"),
        })
    return {
        "available": True,
        "total_population": src.num("people", "total_population", "count"),
        "households": src.num("people", "households", "count"),
        "counties": p["counties"],
        "rows": rows,
        "notes": p["notes"],
        "command": command_text(src.command("people")),
    }


def _dimensions_section(d: dict, src: Sources) -> dict:
    """`upward dimensions --by major-group`: pay, benefits, hazard, the women's pay ratio and AI exposure by occupation group."""
    rows = []
    for i, g in enumerate(d["groups"]):
        def num(key, fmt, g=g, i=i):
            return src.num("dimensions", f"groups[{i}].{key}", fmt) if g[key] is not None else None

        rows.append({
            "group_code": g["group_code"], "group_title": g["group_title"],
            "employment": num("employment", "count"), "median_wage": num("median_wage", "money"),
            "median_living_wage_ratio": num("median_living_wage_ratio", "ratio"), "quality_share": num("quality_share", "pct"),
            "benefits": num("benefits", "pct"), "hazard_exposure": num("hazard_exposure", "score"),
            "women_share": num("women_share", "pct"), "women_men_pay_ratio": num("women_men_pay_ratio", "ratio"),
            "ai_exposure": num("ai_exposure", "pct"),
        })
    return {"rows": rows, "notes": d["notes"], "command": command_text(src.command("dimensions"))}


def _comparison(src: Sources, codes: list[tuple[str, str]]) -> list[dict]:
    out = []
    for i, (code, role) in enumerate(codes):
        a = src.get("compare")["areas"][i]
        assert a["area_code"] == code
        row = {"area_code": code, "area_name": a["area_name"], "role": role, "area_type": a["area_type"]}
        for key, fmt in (("living_wage_median_share", "pct"), ("living_wage_p25_share", "pct"), ("living_wage_mean_share", "pct"),
                         ("opportunity_share", "pct1"), ("median_wage", "money"), ("real_median_wage", "money"), ("price_parity", "parity"),
                         ("living_wage", "money"), ("cpi_factor", "factor"),
                         ("jtm_count", "int"), ("scored_occupations", "int")):
            row[key] = src.num("compare", f"areas[{i}].{key}", fmt) if a.get(key) is not None else None
        out.append(row)
    return out


def _why(j: dict, bars: dict, pillars: tuple[str, ...]) -> str:
    """Why an occupation is a JTM, from its own row: the pillar closest to its bar, and the raw values."""
    closest = min(pillars, key=lambda p: j[f"pillar_{p}"] - bars[p])
    parts = [f"every pillar at its bar (closest: {closest} {j[f'pillar_{closest}']:.0f}, bar {bars[closest]:g})"]
    if j["median_living_wage_ratio"] is not None:
        parts.append(f"median {j['median_living_wage_ratio']:.2f}× the living wage")
    if j["openings"] is not None:
        parts.append(f"{j['openings']:,.0f} openings a year")
    if j["loc_quotient"] is not None:
        parts.append(f"location quotient {j['loc_quotient']:.2f}")
    if j["entry_route"]:
        parts.append(f"entry: {j['entry_route']}")
    return "; ".join(parts)


def _jtm_section(lenses: dict, src: Sources, profile: Profile, opts: dict) -> dict:
    from upward.analysis.mobilize import LENS_CATEGORIES

    jobs = lenses["jtm"]
    bars = dict(profile.get("jtm.bars"))
    floor = profile.get("jtm.min_median_living_wage_ratio")
    pillars = tuple(PILLARS)
    cat = {lens: {j["occ_code"]: j["category"] for j in r["jobs"]} for lens, r in lenses.items()}
    rows = []
    for i, j in enumerate(jobs["jobs"]):
        if not j["jtm"]:
            continue
        also = [name for name, hit in (("good", cat["good-promising"].get(j["occ_code"]) == "good"),
                                       ("promising", cat["good-promising"].get(j["occ_code"]) == "promising"),
                                       ("opportunity", cat["opportunity"].get(j["occ_code"]) == "opportunity")) if hit]
        rows.append({**j, "rank": i + 1, "also": also, "why": _why(j, bars, pillars), "path": f"jobs[{i}]"})
    members = {
        "jtm": [j for j in jobs["jobs"] if j["jtm"]],
        "good": [j for j in lenses["good-promising"]["jobs"] if j["category"] == "good"],
        "promising": [j for j in lenses["good-promising"]["jobs"] if j["category"] == "promising"],
        "opportunity": [j for j in lenses["opportunity"]["jobs"] if j["category"] == "opportunity"],
    }
    counts = {"jtm": ("jobs", "jtm_count"), "good": ("jobs", "good_count"), "promising": ("jobs", "promising_count"), "opportunity": ("jobs", "opportunity_count")}
    jtm_codes = {j["occ_code"] for j in members["jtm"]}
    lens_rows = []
    for lens, (name, rule) in LENS_CATEGORIES.items():
        m = sorted(members[lens], key=lambda j: (-(j["employment"] or 0), j["occ_code"]))
        lens_rows.append({
            "lens": lens, "name": name, "rule": rule,
            "count": src.num(*counts[lens], "int"),
            "also_jtm": sum(j["occ_code"] in jtm_codes for j in m),
            "largest": [j["occ_title"] for j in m[:3]],
        })
    # the jobs a board asks about (the largest with a training route: trades, nursing, truck driving), with the verdict
    asked = [{**x, "reason": "; ".join(x["reasons"]) or "a Job That Mobilizes"} for x in jobs.get("asked_about", [])]
    return {
        "command": command_text(src.command("jobs")),
        "bars": bars,
        "floor": floor,
        "weights": dict(profile.get("jtm.weights")),
        "scored": src.num("jobs", "scored_occupations", "int"),
        "jtm_count": src.num("jobs", "jtm_count", "int"),
        "ladder_count": jobs.get("career_ladder_count", 0),
        "ladder": [x["occ_title"] for x in jobs.get("career_ladder", [])[:8]],
        "compared_with": jobs.get("compared_with", []),
        "cost_adjusted_bar": src.num("jobs", "cost_adjusted_bar", "money") if jobs["cost_adjusted_bar"] is not None else None,
        "rows": rows,
        "lenses": lens_rows,
        "asked": asked,
        "notes": [n for n in jobs["notes"] if "2021 values" not in n],  # the vintage note is said once, at a glance
    }


def _requires_words(q: dict) -> str:
    """What a pathway step asks, as a board member would say it."""
    parts = []
    if q["credential"]:
        parts.append(f"{q['credential'].lower()} ({q['study_years']:.1f} years of study)" if q["study_years"] >= 1
                     else f"{q['credential'].lower()} (about {max(1, round(q['study_years'] * 12))} months)")
    elif q["kind"] == "residency":
        parts.append("an internship or residency")
    if q["on_the_job_training"] and q["on_the_job_training"] != "None":
        parts.append(q["on_the_job_training"].lower())
    if q["related_experience"] and q["related_experience"] != "None":
        parts.append(f"{q['related_experience'].lower()} of experience in related work")
    return "; ".join(parts) or "no new credential"


def _pathways(con, area_code, profile, q, src: Sources, prof, hub, held, opts, timings) -> dict:
    """The region's recommended pathways into JTMs (analysis.recommended: the default pathways
    from its largest low-wage occupations — the same ones programme advice calls stepping
    stones), for the first `opts["origins"]` origins that have one.

    Low-wage = the *low* quality tier: occupations whose median pays less than the living wage
    (times the profile's near-quality ratio), as `upward quality` lists them, largest first.
    """
    from upward.analysis.recommended import recommended

    definition = (
        "Low-wage occupations are those whose median wage is below the living wage for "
        f"{household_words(profile.household)}. The report takes the largest of them in the area and shows the pathways "
        "people take from each into the region's Jobs That Mobilize: the steps, the time and credentials each asks, how often "
        "people are seen making each move, and what people in those jobs earn here."
    )
    out = {"definition": definition, "origins": [], "skipped": [], "command": command_text(src.command("quality"))}
    t0 = time.perf_counter()
    rec = recommended(con, area_code, profile, held)
    timings["recommended_pathways"] = round(time.perf_counter() - t0, 3)
    low = q["largest_low_quality"]
    if rec["none_reason"] and not rec["origins"]:
        out["none_reason"] = rec["none_reason"]
    shown = [o for o in rec["origins"] if o["index"] < len(low)][: opts["origins"]]
    last = shown[-1]["index"] if shown else len(low)
    out["skipped"] = [{k: s[k] for k in ("soc", "title", "reason")} for s in rec["skipped"] if s["index"] < last]
    for o_rec in shown:
        i, o, r = o_rec["index"], o_rec["origin"], o_rec["result"]
        key = f"paths_{len(out['origins'])}"
        src.add(key, ["paths", "--from", o["occ_code"], "--region", area_code, "--json", *prof, *hub], r)
        paths = []
        for k, p in enumerate(r["pathways"][: opts["paths_per_origin"]]):
            nodes = [{"soc": r["from"]["soc"], "title": r["from"]["title"], "wage": r["from"]["median_wage"], "wage_source": r["from"]["wage_source"]}]
            steps = []
            for s in p["steps"]:
                nodes.append({"soc": s["to"], "title": s["to_title"], "wage": s["pay"]["to"], "wage_source": "area"})
                q = s["requires"]
                steps.append({
                    "from": s["from"], "to": s["to"], "to_title": s["to_title"], "change": s["pay"]["change_pct"],
                    "wage_from": s["pay"]["from"], "wage_to": s["pay"]["to"], "wage_p25": s["pay"]["to_p25"], "wage_p75": s["pay"]["to_p75"],
                    "requires": _requires_words(q), "years": q["years"], "evidence": s["evidence"]["level"],
                    "skills": [{"name": g["name"], "domain": g["domain"], "current": g["current_level"], "required": g["required_level"]}
                               for g in s["skills_to_gain"][:3]],
                    "training": [{"program_name": t["program_name"], "provider_name": t["provider_name"], "credential": t["credential"],
                                  "completions": t["completions"], "local_completions": t["local_completions"], "dormant": t["dormant"],
                                  "hours": t["hours"], "source": t["source"]} for t in s["training"][:2]],
                    "training_count": s["training_count"], "cip_codes": s["cip_codes"][:4],
                })
            paths.append({
                "rank": p["rank"], "target": p["target"], "target_title": p["target_title"], "step_count": p["step_count"],
                "wage_change": src.num(key, f"pathways[{k}].pay.change_pct", "signed_pct"),
                "wage_to": src.num(key, f"pathways[{k}].pay.to", "money", "median wage of the last job"),
                "years": p["years"], "evidence": p["evidence"],
                "nodes": nodes, "steps": steps, "path": f"pathways[{k}]",
            })
        out["origins"].append({
            "soc": o["occ_code"], "title": o["occ_title"], "source_key": key,
            "employment": src.num("quality", f"largest_low_quality[{i}].employment", "count", "jobs in the low-wage occupation"),
            "a_median": src.num("quality", f"largest_low_quality[{i}].a_median", "money", "its median wage"),
            "ratio": src.num("quality", f"largest_low_quality[{i}].median_living_wage_ratio", "ratio", "its median ÷ living wage"),
            "typical_education": o["typical_education"],
            "command": command_text(src.command(key)),
            "paths": paths,
            "notes": r["notes"],
            "calibration": r["calibration"],
        })
    return out


def _benchmark_section(b: dict, key: str, src: Sources) -> dict:
    rows = []
    for e in b["elements"][:8]:
        current = [r for r in e.get("ratings", []) if r.get("current")]
        rows.append({
            "element_name": e["element_name"], "domain": e["domain"], "importance": e["importance"], "level": e["level"],
            "level_meaning": e["level_meaning"], "region_level": e.get("region_level"), "status": e.get("status"),
            "ratings": len(current),
        })
    return {
        "soc": b["occupation"]["occ_code"], "title": b["occupation"]["occ_title"], "command": command_text(src.command(key)),
        "essential": len(b["elements"]), "elements": rows, "ratings": b.get("ratings", 0), "raters": b.get("raters", []),
        "essential_importance": b["essential_importance"], "notes": b["notes"],
    }


def _skills_section(land: dict, src: Sources, bench: list, opts: dict) -> dict:
    gaps = []
    for i, e in enumerate(land["elements"]):
        if e["gap"] is None or e["gap"] <= 0 or len(gaps) >= opts["gaps"]:
            continue
        gaps.append({**{k: e[k] for k in ("domain", "element_id", "element_name", "supply", "demand", "gap", "gap_ratio", "demand_level_meaning",
                                          "supply_level_meaning", "demand_level", "supply_level")}, "path": f"elements[{i}]"})
    cov = land["coverage"]
    return {
        "command": command_text(src.command("skills")),
        "jtm_count": land["jtm_count"],
        "coverage_skills": src.num("skills", "coverage.skills.share_of_employment", "pct") if cov["skills"]["share_of_employment"] is not None else None,
        "coverage_knowledge": src.num("skills", "coverage.knowledge.share_of_employment", "pct") if cov["knowledge"]["share_of_employment"] is not None else None,
        "gaps": gaps,
        "elements": len(land["elements"]),
        "notes": [n for n in land["notes"] if "2021 values" not in n],
        "benchmarks": bench,
        "ratings": sum(b.get("ratings", 0) for b in bench),
    }


def _training_section(a: dict, src: Sources, opts: dict, thresholds: dict) -> dict:
    """The training section: supply where training is the route, gaps, the JTMs that are no
    training gap and why, duplicates, phase-out candidates and the stepping stones kept off that
    list — every row from `upward programs align`, award levels in words."""
    from upward.analysis.programs import SUPPLY_FLAGS, award_words, most_local_first

    jtm_supply = [{**o, "path": f"occupations[{i}]"} for i, o in enumerate(a["occupations"]) if o["jtm"] and o["supply_flag"] in SUPPLY_FLAGS]

    phase = [{**p, "award": award_words(p["award_level"])} for p in most_local_first(a["phase_out_candidates"])]
    kept = [{**p, "award": award_words(p["award_level"])} for p in most_local_first(a["stepping_stones_with_evidence"]) if p["role"] == "stepping stone"]
    examples = list({(p["program_name"], p["award_level"]): p for p in reversed(kept)}.values())[::-1]  # one per kind of program
    return {
        "command": command_text(src.command("programs")),
        "programs": src.num("programs", "programs", "int"),
        "providers": src.num("programs", "providers", "int"),
        "completions": src.num("programs", "completions", "count"),
        "local_completions": src.num("programs", "local_completions", "estimate", "completers counted as the area's own supply, estimated"),
        "unknown": a["programs_unknown_completions"],
        "aligned_to_jtm": src.num("programs", "aligned_to_jtm", "int"),
        "stepping_stone_programs": src.num("programs", "stepping_stone_programs", "int"),
        "jtm_supply": jtm_supply[: opts["rows"]],
        "jtm_supply_total": len(jtm_supply),
        "gaps": a["gaps"][: opts["rows"]],
        "gaps_total": len(a["gaps"]),
        "no_training_gap": a["no_training_gap"][: opts["rows"]],
        "no_training_gap_total": len(a["no_training_gap"]),
        "duplicates": a["duplicates"][: opts["rows"]],
        "duplicates_total": len(a["duplicates"]),
        "phase_out": phase[: opts["rows"]],
        "phase_out_total": len(phase),
        "pathways_say": phase[0]["pathways_say"] if phase else None,
        "stepping_stones": examples[:5],
        "stepping_stones_total": len(kept),
        "thresholds": dict(thresholds),
        "notes": a["notes"],
    }


def _changes(con, area_code: str, profile: Profile, src: Sources, prof: list[str], opts: dict, timed) -> dict | None:
    """What changed since the previous OEWS release, when the atlas holds two for the area (else None)."""
    from upward.analysis import changes
    from upward.atlas.releases import OEWS

    pair = changes.default_releases(con, area_code, OEWS)
    if pair is None:
        return None
    earlier, current = pair
    top = opts["rows"]
    r = timed("changes", lambda: changes.changes(con, area_code, profile, earlier.release, current.release, OEWS, top))
    src.add("changes", ["changes", "--region", area_code, "--from", earlier.release, "--to", current.release, "--top", str(top), "--json", *prof], r)
    movers = changes.movers(r, "tot_emp", opts["rows"])
    index = {o["occ_code"]: i for i, o in enumerate(r["occupations"])}
    t = "summary.all_occupations"
    return {
        "command": command_text(src.command("changes")),
        "from": r["from"], "to": r["to"], "years": r["years"],
        "employment_from": src.num("changes", f"{t}.tot_emp_from", "count"), "employment_to": src.num("changes", f"{t}.tot_emp_to", "count"),
        "employment_change_pct": src.num("changes", f"{t}.tot_emp_change_pct", "change_pct"),
        "median_from": src.num("changes", f"{t}.a_median_from", "money"), "median_to": src.num("changes", f"{t}.a_median_to", "money"),
        "median_change_pct": src.num("changes", f"{t}.a_median_change_pct", "change_pct"),
        "quality_from": src.num("changes", "quality.occupations.from", "int"), "quality_to": src.num("changes", "quality.occupations.to", "int"),
        "quality_became": src.num("changes", "quality.became_count", "int"), "quality_stopped": src.num("changes", "quality.stopped_count", "int"),
        "jtm_from": src.num("changes", "jtms.occupations.from", "int"), "jtm_to": src.num("changes", "jtms.occupations.to", "int"),
        "jtm_became": r["jtms"]["became"], "jtm_stopped": r["jtms"]["stopped"],
        "steps_from": src.num("changes", "pathways.steps_into_jtms.from", "count") if r["pathways"] else None,
        "steps_to": src.num("changes", "pathways.steps_into_jtms.to", "count") if r["pathways"] else None,
        "steps_opened": src.num("changes", "pathways.opened", "int") if r["pathways"] else None,
        "steps_closed": src.num("changes", "pathways.closed", "int") if r["pathways"] else None,
        "movers": [{**m, "path": f"occupations[{index[m['occ_code']]}]"} for m in movers],
        "left": r["summary"]["left"], "entered": r["summary"]["entered"],
        "notes": r["notes"],
    }


# ---------------------------------------------------------------------------------------------
# method and sources

#: The profile settings behind the thresholds the report's prose quotes in plain words. The body
#: says "the living wage", "the bar of 50", "under-supplied below 0.5"; the Method section names
#: the setting each comes from, so an analyst can change it and a board member never meets a key.
SETTINGS = (
    ("living_wage.household", "the household whose MIT living wage is the bar"),
    ("living_wage.cpi_adjustment", "whether MIT's 2021 living wages are brought to the wage year's prices with each area's CPI-U"),
    ("quality.near_quality_median_ratio", "a median under this multiple of the living wage puts an occupation in the low (low-wage) tier"),
    ("opportunity.national_median_ratio", "the multiple of the national median wage, at local prices, an opportunity occupation pays"),
    ("jtm.bars", "the percentile each pillar of a Job That Mobilizes reaches (employers, workers, equity, strategy)"),
    ("jtm.max_rse", "the OEWS relative standard error (%) above which an estimate is unreliable and not a Job That Mobilizes"),
    ("jtm.include_ladder", "whether supervisors and managers count as Jobs That Mobilize (default: listed apart, as career-ladder destinations)"),
    ("jtm.min_median_living_wage_ratio", "the multiple of the living wage a Job That Mobilizes' median pays"),
    ("benchmarks.essential_importance", "the O*NET importance (of 5) from which a skill is essential"),
    ("programs.under_supply_ratio", "related completions ÷ openings under this: under-supplied"),
    ("programs.over_supply_ratio", "related completions ÷ openings over this: over-supplied"),
    ("programs.gap_ratio", "a Job That Mobilizes under this ratio (or with no program) is a training gap"),
    ("programs.duplicate_min_providers", "providers offering one program and award before it can be a duplicate"),
    ("programs.low_quality_share", "share of a program's jobs in the low tier that puts it up for review"),
    ("outcomes.min_cell", "outcome cells with fewer people than this are suppressed"),
)


def _setting(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _method(con, profile: Profile, src: Sources, q: dict, land: dict, outcomes: dict | None) -> dict:
    from upward.analysis.living_wage import price_note, years

    sources = records(con, "select key, title, publisher, release, license, attribution, obtained_from from sources order by key")
    meta = dict(con.execute("select key, value from meta").fetchall())
    limits = [price_note(profile, *years(con)) + " The BEA price parities are for 2024."]
    limits.append(
        "Benefits are group-level estimates (BLS National Compensation Survey access rates of the occupation's group, of the industries "
        "that employ it and of its wage quartile), national, never an occupation's own figure; safety is O*NET's exposure to hazardous "
        "conditions (how often, not how severe), national; BLS injury and fatality rates by occupation are not bundled. A region can "
        "replace either with its own figures through the profile's [inputs]."
    )
    if not q["benefits_measured"] or not q["safety_measured"]:
        missing = [k for k, m in (("benefits", q["benefits_measured"]), ("safety", q["safety_measured"])) if not m]
        limits.append(f"Not measured here: {' and '.join(missing)}.")
    limits.append(
        "Equity figures (women's share, women's ÷ men's median weekly earnings, workers 55 and over) are national CPS figures per 2018 "
        "Census occupation, some of which group several SOC occupations; the people counts are ACS 2018–2022 five-year estimates with 90% margins of error."
    )
    limits += [
        "Not measured at all: hours and schedules, job postings and the requirements employers state in them, unionisation, "
        "and the moves workers in this region actually make (pathways rest on O*NET skill similarity checked against national CPS moves).",
        "Demand: BLS projections are national (growth and openings rates applied to local OEWS employment); no sub-national projections are bundled.",
        "Opportunity occupations use BLS's typical entry education alone (not job postings), so shares differ from the Federal Reserve's published figures.",
        "A state's and the nation's living-wage shares are summed over their areas, each area's jobs against its own living wage; "
        "a metro crossing state lines is split between its states by its counties there (no county population is bundled). "
        "Their single living wage is the job-weighted mean of their areas' figures.",
        "Wages BLS top-codes (at least $239,200 a year) enter as that lower bound and are marked ≥.",
        "Training supply counts IPEDS first majors of the latest year as people (stacked awards in one field at one institution "
        "once), less students studying exclusively online from another state (IPEDS Fall 2024, per institution, not per programme); "
        "registered apprenticeships, non-credit courses and academies are not counted unless the region imports them. College "
        "Scorecard earnings are per 4-digit CIP family and credential level; Texas ETPL programs state SOC 2010 codes and publish "
        "no completion counts.",
        "Pathways are recommendations, not forecasts: a viable step says the two jobs are alike and the climb is bounded, not who will be hired.",
    ]
    if land["coverage"]["skills"]["share_of_employment"] is not None:
        limits.append(
            f"O*NET rates the occupations holding {show(land['coverage']['skills']['share_of_employment'], 'pct')} of the area's employment "
            f"for skills and {show(land['coverage']['knowledge']['share_of_employment'], 'pct')} for knowledge; the rest is left out of the skill landscape."
        )
    if outcomes:
        limits.append(f"Outcomes: cells with fewer than {outcomes.get('min_cell') or 'the profile’s minimum'} people are suppressed, with "
                      "complementary suppression; " + ("the run is SYNTHETIC and illustrates the method only." if outcomes.get("synthetic")
                                                        else "indicators follow docs/outcomes.md."))
    return {
        "sources": sources,
        "settings": [{"key": k, "value": _setting(profile.get(k)), "what": what} for k, what in SETTINGS],
        "atlas": {k: meta.get(k) for k in ("atlas_fingerprint", "bundle_fingerprint", "built_at", "upward_version", "rpp_year")},
        "profile": {**profile.record(), "household": profile.household, "description": profile.data.get("description")},
        "attributions": [s["attribution"] for s in sources if s["attribution"]],
        "limits": limits,
        "commands": sorted({command_text(c) for c, _ in src.results.values() if c[0] != "--outcomes"}),
    }
