"""Recommended actions: three assets to leverage, three changes, three expected outcomes.

Each is chosen by an explicit rule over the analysis results the report already holds, never
written by hand, and carries its evidence: the numbers (each a reference to the `upward … --json`
output and path it comes from) and the rule that picked it. The rules, in order of preference
(a later rule fills in when an earlier one finds nothing, so there are always up to three):

Assets to leverage (each a different occupation)
  A1 demand       the Job That Mobilizes with the most annual openings (`upward jobs --all`);
  A2 pipeline     the JTM whose related completions already meet its openings (supply flag
                  balanced or over-supplied) with the most completions (`upward programs align`);
  A3 specialism   the JTM with the highest location quotient, at least 1 (`upward jobs --all`);
  A4 talent       the JTM with the most workers one viable step away (untapped talent);
  A5 quality      without JTMs: the quality-tier occupation (even its 25th percentile pays the
                  living wage) with the most openings.
Changes
  C1 training gap the JTM training gap with the most openings: training is how people enter it (BLS)
                  and there is no program, or local completions under the profile's gap ratio of
                  openings (`upward programs align`, gaps[0]) — never a job learned at work;
  C2 pathway      the cheapest pathway from the largest low-wage occupation that has one into a
                  JTM (`upward paths --from SOC`), with the steps people train for that no local
                  program trains for (steps learned at work are said to be, never called a gap);
  C3 skill        the skill or knowledge area with the biggest gap between JTM demand and the
                  workforce's supply (`upward skills`, elements[0]);
  C4 review       the phase-out candidate with the most local completions, with its evidence and what
                  the pathways say (stepping stones and programs into JTMs are never candidates);
  C5 duplicates   the CIP offered by the most providers while local completions exceed twice the
                  openings of the jobs it trains for.
Outcomes to track (what the changes are for, in the analysis's own numbers — never a forecast or
a promise: each says what the jobs pay today and what to measure)
  O1 pay          for C2: what the job at the end of the pathway pays today against the start, and
                  its ratio to the living wage — the mark to track for the people who make the moves;
  O2 supply       for C1: the openings a year an added completer would compete for, and their pay;
  O3 measure      the baseline to track: the share of jobs paying a living wage and the low tier's
                  share (`upward quality`), and with an outcomes run its quality-job rate (or
                  employment rate) overall, labelled synthetic when the run is.
"""

from __future__ import annotations

from upward.analysis.routes import TRAINING_ROUTES
from upward.report.refs import Sources, sentence


def _action(kind: str, rule: str, title: str, s: dict, commands: list[str]) -> dict:
    return {"kind": kind, "rule": rule, "title": title, **s, "evidence": list(s["numbers"].values()), "commands": commands}


def _jtm_rows(src: Sources) -> list[tuple[int, dict]]:
    return [(i, j) for i, j in enumerate(src.get("jobs")["jobs"]) if j["jtm"]]


def _job_index(src: Sources, soc: str) -> int | None:
    for i, j in enumerate(src.get("jobs")["jobs"]):
        if j["occ_code"] == soc:
            return i
    return None


def assets(src: Sources) -> list[dict]:
    from upward.report.refs import command_text

    jobs_cmd = command_text(src.command("jobs"))
    align = src.get("programs")
    out, used = [], set()
    jtms = _jtm_rows(src)

    def demand():
        cands = [(i, j) for i, j in jtms if j["openings"] is not None and j["occ_code"] not in used]
        if not cands:
            return None
        i, j = max(cands, key=lambda t: (t[1]["openings"], t[1]["composite"]))
        nums = {"openings": src.num("jobs", f"jobs[{i}].openings", "count", "annual openings"),
                "median": src.num("jobs", f"jobs[{i}].a_median", "money", "median wage"),
                "ratio": src.num("jobs", f"jobs[{i}].median_living_wage_ratio", "ratio", "median ÷ living wage")}
        template = "{occ} is the Job That Mobilizes employers hire for most: {openings} openings a year at a median of {median}, {ratio} times the living wage"
        if j["untapped_talent"]:
            nums["talent"] = src.num("jobs", f"jobs[{i}].untapped_talent", "count", "workers one viable step away")
            template += ", with {talent} workers in the region one viable step away"
        return j, _action("asset", "A1 demand: the JTM with the most annual openings", f"Hiring demand: {j['occ_title']}",
                          sentence(template + ".", {"occ": j["occ_title"]}, nums, "asset_demand"), [jobs_cmd])

    def pipeline():
        rows = [(i, o) for i, o in enumerate(align["occupations"]) if o["jtm"] and o["occ_code"] not in used
                and o["supply_flag"] in ("balanced", "over-supplied") and (o["related_completions"] or 0) > 0]
        if not rows:
            return None
        i, o = max(rows, key=lambda t: (t[1]["related_completions"], t[0]))
        nums = {"completions": src.num("programs", f"occupations[{i}].related_completions", "estimate", "local completers, estimated (latest year)"),
                "openings": src.num("programs", f"occupations[{i}].openings", "count", "annual openings"),
                "programs": src.num("programs", f"occupations[{i}].programs", "int", "programs leading there"),
                "ratio": src.num("programs", f"occupations[{i}].supply_ratio", "ratio", "completions ÷ openings")}
        return o, _action("asset", "A2 pipeline: the JTM whose local completions already meet its openings, most completions first",
                          f"A training pipeline that works: {o['occ_title']}",
                          sentence("{programs} programs in the area already train for {occ}: an estimated {completions} local completers a year against "
                                   "{openings} openings (ratio {ratio}). Pathway cohorts can build on them.", {"occ": o["occ_title"]}, nums, "asset_pipeline"),
                          [command_text(src.command("programs"))])

    def specialism():
        cands = [(i, j) for i, j in jtms if j["loc_quotient"] is not None and j["loc_quotient"] >= 1 and j["occ_code"] not in used]
        if not cands:
            return None
        i, j = max(cands, key=lambda t: (t[1]["loc_quotient"], t[1]["composite"]))
        nums = {"lq": src.num("jobs", f"jobs[{i}].loc_quotient", "ratio", "location quotient"),
                "emp": src.num("jobs", f"jobs[{i}].employment", "count", "jobs in the area"),
                "median": src.num("jobs", f"jobs[{i}].a_median", "money", "median wage")}
        return j, _action("asset", "A3 specialism: the JTM with the highest location quotient (at least 1)", f"A regional specialism: {j['occ_title']}",
                          sentence("The region specialises in {occ}: a location quotient of {lq} (its share of local jobs against its national share), "
                                   "{emp} jobs at a median of {median}.", {"occ": j["occ_title"]}, nums, "asset_specialism"), [jobs_cmd])

    def talent():
        cands = [(i, j) for i, j in jtms if j["untapped_talent"] and j["occ_code"] not in used]
        if not cands:
            return None
        i, j = max(cands, key=lambda t: (t[1]["untapped_talent"], t[1]["composite"]))
        nums = {"talent": src.num("jobs", f"jobs[{i}].untapped_talent", "count", "workers one viable step away"),
                "median": src.num("jobs", f"jobs[{i}].a_median", "money", "median wage")}
        return j, _action("asset", "A4 talent: the JTM with the most workers one viable step away", f"Untapped talent: {j['occ_title']}",
                          sentence("{talent} people in the region work in lower-paid jobs one viable step from {occ} (median {median}).",
                                   {"occ": j["occ_title"]}, nums, "asset_talent"), [jobs_cmd])

    def quality():
        cands = [(i, j) for i, j in enumerate(src.get("jobs")["jobs"]) if j["tier"] == "quality" and j["openings"] is not None
                 and j["occ_code"] not in used]
        if not cands:
            return None
        i, j = max(cands, key=lambda t: (t[1]["openings"], t[1]["occ_code"]))
        nums = {"openings": src.num("jobs", f"jobs[{i}].openings", "count", "annual openings"),
                "median": src.num("jobs", f"jobs[{i}].a_median", "money", "median wage")}
        return j, _action("asset", "A5 quality: without JTMs, the quality-tier occupation with the most openings", f"Quality jobs in demand: {j['occ_title']}",
                          sentence("{occ} pays a living wage even to newcomers and has {openings} openings a year (median {median}).",
                                   {"occ": j["occ_title"]}, nums, "asset_quality"), [jobs_cmd])

    for rule in (demand, pipeline, specialism, talent, quality):
        if len(out) >= 3:
            break
        found = rule()
        if found:
            row, action = found
            used.add(row["occ_code"])
            out.append(action)
    return out


def changes(src: Sources, origins: dict) -> tuple[list[dict], dict]:
    """The changes, and what O1/O2 need to know about them (which gap, which pathway)."""
    from upward.report.refs import command_text

    align = src.get("programs")
    prog_cmd = command_text(src.command("programs"))
    out, picked = [], {}

    def training_gap():
        if not align["gaps"]:
            return None
        g = align["gaps"][0]
        nums = {"openings": src.num("programs", "gaps[0].openings", "count", "annual openings"),
                 "completions": src.num("programs", "gaps[0].related_completions", "estimate", "local completers, estimated (latest year)")}
        if g["programs"]:
            nums["programs"] = src.num("programs", "gaps[0].programs", "int", "programs leading there")
            template = ("Expand training for {occ}: {openings} openings a year, but the area's {programs} programs that train for it produce an "
                        "estimated {completions} local completers.")
        else:
            template = "Start training for {occ}: {openings} openings a year and no program in the area trains for it."
        picked["gap"] = g
        return _action("change", "C1 training gap: the JTM training gap (training is the route) with the most openings", f"Close the training gap: {g['occ_title']}",
                       sentence(template, {"occ": g["occ_title"]}, nums, "change_gap"), [prog_cmd])

    def pathway():
        for o in origins.get("origins", []):
            if not o["paths"]:
                continue
            key = o["source_key"]
            p = o["paths"][0]
            last = p["step_count"] - 1
            nums = {"emp": o["employment"], "from": o["a_median"],
                    "to": src.num(key, f"pathways[0].steps[{last}].pay.to", "money", "median wage at the end"),
                    "change": src.num(key, "pathways[0].pay.change_pct", "signed_pct", "pay change over the pathway")}
            # a step people learn at work (or through an apprenticeship) is no missing program (analysis/routes.py)
            route = {o_["occ_code"]: o_["training_route"] for o_ in align["occupations"]}
            untrained = [s["to_title"] for s in p["steps"] if not s["training_count"] and route.get(s["to"], "education") in TRAINING_ROUTES]
            at_work = [s["to_title"] for s in p["steps"] if not s["training_count"] and route.get(s["to"], "education") not in TRAINING_ROUTES]
            via = [s["to_title"] for s in p["steps"][:-1]]
            names = {"origin": o["title"], "target": p["target_title"], "via": ", then ".join(via)}
            template = "Build a bridge from {origin} ({emp} jobs at a median of {from}) to {target}, where people earn {to} ({change})"
            template += ", by way of {via}" if via else " in one step"
            if untrained:
                names["untrained"] = "; ".join(untrained)
                template += ". No program in the area trains for: {untrained}."
            elif not at_work:
                template += "; programs in the area lead to every step."
            if at_work:
                names["at_work"] = "; ".join(at_work)
                template += (" " if untrained else ". ") + "{at_work} " + ("is" if len(at_work) == 1 else "are") + " learned at work, not in a program."
            picked["pathway"] = (o, p)
            return _action("change", "C2 pathway: the best-ranked pathway into a JTM from the largest low-wage occupation that has one",
                           f"Open a pathway out of low-wage work: {o['title']} → {p['target_title']}",
                           sentence(template, names, nums, "change_pathway"), [command_text(src.command("quality")), o["command"]])
        return None

    def skill():
        land = src.get("skills")
        for i, e in enumerate(land["elements"]):
            if e["gap"] is None or e["gap"] <= 0:
                break
            nums = {"demand": src.num("skills", f"elements[{i}].demand", "level", "JTM demand (O*NET level × importance)"),
                    "supply": src.num("skills", f"elements[{i}].supply", "level", "workforce supply (same measure)")}
            names = {"element": e["element_name"], "domain": "skill" if e["domain"] == "skills" else "knowledge area",
                     "meaning": e["demand_level_meaning"] or "not described by O*NET's anchors"}
            return _action("change", "C3 skill: the skill or knowledge area with the biggest gap between JTM demand and workforce supply",
                           f"Teach the {names['domain']} the best jobs need: {e['element_name']}",
                           sentence("Build {element} ({domain}) into the programs that feed the JTMs: their demand is {demand} against a workforce "
                                    "supply of {supply} (O*NET level weighted by importance, scale of seven); the level they need reads: {meaning}.",
                                    names, nums, "change_skill"), [command_text(src.command("skills"))])
        return None

    def review():
        cands = [(i, p) for i, p in enumerate(align["phase_out_candidates"]) if p["local_completions"]]
        if not cands:
            return None
        i, p = max(cands, key=lambda t: (t[1]["local_completions"], t[1]["program_id"]))
        nums = {"completions": src.num("programs", f"phase_out_candidates[{i}].local_completions", "estimate", "local completers, estimated (latest year)")}
        return _action("change", "C4 review: the phase-out candidate with the most local completions", f"Review a program: {p['program_name']}",
                       sentence("Review {program} at {provider} (an estimated {completions} local completers a year): {evidence}; {pathways}.",
                                {"program": p["program_name"] or "—", "provider": p["provider_name"] or "—", "evidence": p["phase_out_evidence"],
                                 "pathways": p["pathways_say"]},
                                nums, "change_review"), [prog_cmd])

    def duplicates():
        if not align["duplicates"]:
            return None
        d = align["duplicates"][0]
        nums = {"providers": src.num("programs", "duplicates[0].providers", "int", "providers"),
                "completions": src.num("programs", "duplicates[0].local_completions", "estimate", "local completers, estimated"),
                "openings": src.num("programs", "duplicates[0].openings", "count", "openings of the occupations it leads to")}
        return _action("change", "C5 duplicates: the program offered by the most providers while local completions exceed twice the openings",
                       f"Coordinate duplicated programs: {d['program_name']}",
                       sentence("{providers} providers offer {program} ({award}, CIP {cip}): an estimated {completions} local completers for {openings} openings a year.",
                                {"program": d["program_name"], "award": d["award"] or "award level not stated", "cip": d["cip_code"]}, nums,
                                "change_duplicates"), [prog_cmd])

    for rule in (training_gap, pathway, skill, review, duplicates):
        if len(out) >= 3:
            break
        found = rule()
        if found:
            out.append(found)
    return out, picked


def expected(src: Sources, picked: dict, outcomes: dict | None) -> list[dict]:
    from upward.report.refs import command_text

    out = []
    if "pathway" in picked:
        o, p = picked["pathway"]
        key = o["source_key"]
        last = p["step_count"] - 1
        nums = {"from": src.num(key, "pathways[0].steps[0].pay.from", "money", "median wage at the start"),
                "to": src.num(key, f"pathways[0].steps[{last}].pay.to", "money", "median wage at the end"),
                "change": src.num(key, "pathways[0].pay.change_pct", "signed_pct", "pay change"),
                "years": src.num(key, "pathways[0].years", "num1", "years the pathway takes")}
        template = ("People working as {target} here earn a median of {to} a year, against {from} for {origin} ({change}); "
                    "the pathway between them takes about {years} years and its moves are {evidence} in national survey data")
        j = _job_index(src, p["target"])
        if j is not None and src.get("jobs")["jobs"][j]["median_living_wage_ratio"] is not None:
            nums["ratio"] = src.num("jobs", f"jobs[{j}].median_living_wage_ratio", "ratio", "target median ÷ living wage")
            template += ", {ratio} times the living wage"
        out.append(_action("outcome", "O1 pay: the pay at the end of the C2 pathway against its start", f"The pay at the end of the pathway: {p['target_title']}",
                           sentence(template + ". It is what people in that job earn, not a promise to each person who takes the path.",
                                    {"origin": o["title"], "target": p["target_title"], "evidence": p["evidence"]}, nums, "outcome_pay"),
                           [o["command"]]))
    if "gap" in picked:
        g = picked["gap"]
        nums = {"openings": src.num("programs", "gaps[0].openings", "count", "annual openings"),
                "median": src.num("programs", "gaps[0].a_median", "money", "median wage")}
        template = "An added completer for {occ} would compete for {openings} openings a year that pay a median of {median}"
        if g["median_living_wage_ratio"] is not None:
            nums["ratio"] = src.num("programs", "gaps[0].median_living_wage_ratio", "ratio", "median ÷ living wage")
            template += " ({ratio} times the living wage); how many of them local completers fill is the number to track"
        else:
            template += "; how many of them local completers fill is the number to track"
        out.append(_action("outcome", "O2 supply: the openings and pay the C1 training gap leaves unmet", f"Openings for local completers: {g['occ_title']}",
                           sentence(template + ".", {"occ": g["occ_title"]}, nums, "outcome_supply"), [command_text(src.command("programs"))]))
    q = src.get("quality")
    if q["indicators"]["living_wage_median_share"] is not None:
        low = next(i for i, t in enumerate(q["employment_by_tier"]) if t["tier"] == "low")
        nums = {"lw": src.num("quality", "indicators.living_wage_median_share", "pct", "share of jobs whose median pays the living wage"),
                "low": src.num("quality", f"employment_by_tier[{low}].share", "pct", "share of jobs in the low tier")}
        template = "Progress shows in the share of jobs whose median pays a living wage, {lw} now, and in the low tier's share, {low} now (re-run each year with new OEWS data)"
        names: dict = {}
        commands = [command_text(src.command("quality"))]
        rec = _outcome_baseline(outcomes)
        if rec is not None:
            i, r = rec
            names = {"indicator": r["indicator"].replace("_", " "), "synthetic": " (SYNTHETIC data: method only)" if outcomes.get("synthetic") else ""}
            if r["suppressed"]:
                template += "; among participants, the {indicator} is suppressed in this run (too few people){synthetic}"
            elif r["value"] is not None:
                nums["outcome"] = src.num("outcomes", f"records[{i}].value", "pct", f"{r['indicator']}, all participants")
                template += "; among participants, the {indicator} is {outcome}{synthetic}"
            commands.append(outcomes["source"])
        out.append(_action("outcome", "O3 measure: the baselines to track, from upward quality and the outcomes run", "A measurable baseline",
                           sentence(template + ".", names, nums, "outcome_measure"), commands))
    return out


def _outcome_baseline(outcomes: dict | None):
    """The overall (no breakdown) quality-job rate in the 2nd quarter, else the employment rate."""
    if not outcomes:
        return None
    for name in ("quality_job_rate_q2", "employment_rate_q2"):
        for i, r in enumerate(outcomes["records"]):
            if r["indicator"] == name and not r["group"]:
                return i, r
    return None


def derive(src: Sources, ctx: dict, origins: dict, outcomes: dict | None) -> dict:
    a = assets(src)
    c, picked = changes(src, origins)
    o = expected(src, picked, outcomes)
    return {"assets": a, "changes": c, "outcomes": o}
