"""Recommended actions: three assets to leverage, three changes, three expected outcomes.

Each is picked by an explicit rule in `upward.analysis.actions` (the rules, A1–A5, C1–C5 and the
baselines, are listed there) over the analysis results the report already holds, never written by
hand; this module phrases each pick and carries its evidence: the numbers, each a reference to the
`upward … --json` output and path it comes from, and the rule that picked it. Outcomes to track
say what the changes are for, in the analysis's own numbers — never a forecast or a promise:
  O1 pay          for C2: what the job at the end of the pathway pays today against the start, and
                  its ratio to the living wage — the mark to track for the people who make the moves;
  O2 supply       for C1: the openings a year an added completer would compete for, and their pay;
  O3 measure      the baseline to track: the share of jobs paying a living wage and the low tier's
                  share (`upward quality`), and with an outcomes run its quality-job rate (or
                  employment rate) overall, labelled synthetic when the run is.
"""

from __future__ import annotations

from upward.analysis import actions as rules
from upward.report.refs import Sources, sentence


def _action(kind: str, rule: str, title: str, s: dict, commands: list[str]) -> dict:
    return {"kind": kind, "rule": rule, "title": title, **s, "evidence": list(s["numbers"].values()), "commands": commands}


def _job_index(src: Sources, soc: str) -> int | None:
    for i, j in enumerate(src.get("jobs")["jobs"]):
        if j["occ_code"] == soc:
            return i
    return None


def assets(src: Sources) -> list[dict]:
    """The assets `analysis.actions.assets` picks, each phrased with its numbers."""
    from upward.report.refs import command_text

    jobs_cmd = command_text(src.command("jobs"))

    def demand(i, j):
        nums = {"openings": src.num("jobs", f"jobs[{i}].openings", "count", "annual openings"),
                "median": src.num("jobs", f"jobs[{i}].a_median", "money", "median wage"),
                "ratio": src.num("jobs", f"jobs[{i}].median_living_wage_ratio", "ratio", "median ÷ living wage")}
        template = "{occ} is the Job That Mobilizes employers hire for most: {openings} openings a year at a median of {median}, {ratio} times the living wage"
        if j["untapped_talent"]:
            nums["talent"] = src.num("jobs", f"jobs[{i}].untapped_talent", "count", "workers one viable step away")
            template += ", with {talent} workers in the region one viable step away"
        return f"Hiring demand: {j['occ_title']}", sentence(template + ".", {"occ": j["occ_title"]}, nums, "asset_demand"), [jobs_cmd]

    def pipeline(i, o):
        nums = {"completions": src.num("programs", f"occupations[{i}].related_completions", "estimate", "local completers, estimated (latest year)"),
                "openings": src.num("programs", f"occupations[{i}].openings", "count", "annual openings"),
                "programs": src.num("programs", f"occupations[{i}].programs", "int", "programs leading there"),
                "ratio": src.num("programs", f"occupations[{i}].supply_ratio", "ratio", "completions ÷ openings")}
        return (f"A training pipeline that works: {o['occ_title']}",
                sentence("{programs} programs in the area already train for {occ}: an estimated {completions} local completers a year against "
                         "{openings} openings (ratio {ratio}). Pathway cohorts can build on them.", {"occ": o["occ_title"]}, nums, "asset_pipeline"),
                [command_text(src.command("programs"))])

    def specialism(i, j):
        nums = {"lq": src.num("jobs", f"jobs[{i}].loc_quotient", "ratio", "location quotient"),
                "emp": src.num("jobs", f"jobs[{i}].employment", "count", "jobs in the area"),
                "median": src.num("jobs", f"jobs[{i}].a_median", "money", "median wage")}
        return (f"A regional specialism: {j['occ_title']}",
                sentence("The region specialises in {occ}: a location quotient of {lq} (its share of local jobs against its national share), "
                         "{emp} jobs at a median of {median}.", {"occ": j["occ_title"]}, nums, "asset_specialism"), [jobs_cmd])

    def talent(i, j):
        nums = {"talent": src.num("jobs", f"jobs[{i}].untapped_talent", "count", "workers one viable step away"),
                "median": src.num("jobs", f"jobs[{i}].a_median", "money", "median wage")}
        return (f"Untapped talent: {j['occ_title']}",
                sentence("{talent} people in the region work in lower-paid jobs one viable step from {occ} (median {median}).",
                         {"occ": j["occ_title"]}, nums, "asset_talent"), [jobs_cmd])

    def quality(i, j):
        nums = {"openings": src.num("jobs", f"jobs[{i}].openings", "count", "annual openings"),
                "median": src.num("jobs", f"jobs[{i}].a_median", "money", "median wage")}
        return (f"Quality jobs in demand: {j['occ_title']}",
                sentence("{occ} pays a living wage even to newcomers and has {openings} openings a year (median {median}).",
                         {"occ": j["occ_title"]}, nums, "asset_quality"), [jobs_cmd])

    phrase = {"A1": demand, "A2": pipeline, "A3": specialism, "A4": talent, "A5": quality}
    out = []
    for rule, i, row in rules.assets(src.get("jobs"), src.get("programs")):
        title, s, commands = phrase[rule](i, row)
        out.append(_action("asset", rules.RULES[rule], title, s, commands))
    return out


def changes(src: Sources, origins: dict) -> tuple[list[dict], dict]:
    """The changes, and what O1/O2 need to know about them (which gap, which pathway)."""
    from upward.report.refs import command_text

    align = src.get("programs")
    prog_cmd = command_text(src.command("programs"))
    out, picked = [], {}

    def training_gap():
        g = rules.training_gap(align)
        if g is None:
            return None
        nums = {"openings": src.num("programs", "gaps[0].openings", "count", "annual openings"),
                 "completions": src.num("programs", "gaps[0].related_completions", "estimate", "local completers, estimated (latest year)")}
        if g["programs"]:
            nums["programs"] = src.num("programs", "gaps[0].programs", "int", "programs leading there")
            template = ("Expand training for {occ}: {openings} openings a year, but the area's {programs} programs that train for it produce an "
                        "estimated {completions} local completers.")
        else:
            template = "Start training for {occ}: {openings} openings a year and no program in the area trains for it."
        picked["gap"] = g
        return _action("change", rules.RULES["C1"], f"Close the training gap: {g['occ_title']}",
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
            untrained, at_work = rules.steps_without_programs(p["steps"], align)
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
            return _action("change", rules.RULES["C2"],
                           f"Open a pathway out of low-wage work: {o['title']} → {p['target_title']}",
                           sentence(template, names, nums, "change_pathway"), [command_text(src.command("quality")), o["command"]])
        return None

    def skill():
        found = rules.skill_gap(src.get("skills"))
        if found:
            i, e = found
            nums = {"demand": src.num("skills", f"elements[{i}].demand", "level", "JTM demand (O*NET level × importance)"),
                    "supply": src.num("skills", f"elements[{i}].supply", "level", "workforce supply (same measure)")}
            names = {"element": e["element_name"], "domain": "skill" if e["domain"] == "skills" else "knowledge area",
                     "meaning": e["demand_level_meaning"] or "not described by O*NET's anchors"}
            return _action("change", rules.RULES["C3"],
                           f"Teach the {names['domain']} the best jobs need: {e['element_name']}",
                           sentence("Build {element} ({domain}) into the programs that feed the JTMs: their demand is {demand} against a workforce "
                                    "supply of {supply} (O*NET level weighted by importance, scale of seven); the level they need reads: {meaning}.",
                                    names, nums, "change_skill"), [command_text(src.command("skills"))])
        return None

    def review():
        found = rules.program_to_review(align)
        if found is None:
            return None
        i, p = found
        nums = {"completions": src.num("programs", f"phase_out_candidates[{i}].local_completions", "estimate", "local completers, estimated (latest year)")}
        return _action("change", rules.RULES["C4"], f"Review a program: {p['program_name']}",
                       sentence("Review {program} at {provider} (an estimated {completions} local completers a year): {evidence}; {pathways}.",
                                {"program": p["program_name"] or "—", "provider": p["provider_name"] or "—", "evidence": p["phase_out_evidence"],
                                 "pathways": p["pathways_say"]},
                                nums, "change_review"), [prog_cmd])

    def duplicates():
        d = rules.duplicated_program(align)
        if d is None:
            return None
        nums = {"providers": src.num("programs", "duplicates[0].providers", "int", "providers"),
                "completions": src.num("programs", "duplicates[0].local_completions", "estimate", "local completers, estimated"),
                "openings": src.num("programs", "duplicates[0].openings", "count", "openings of the occupations it leads to")}
        return _action("change", rules.RULES["C5"],
                       f"Coordinate duplicated programs: {d['program_name']}",
                       sentence("{providers} providers offer {program} ({award}, CIP {cip}): an estimated {completions} local completers for {openings} openings a year.",
                                {"program": d["program_name"], "award": d["award"] or "award level not stated", "cip": d["cip_code"]}, nums,
                                "change_duplicates"), [prog_cmd])

    for rule in (training_gap, pathway, skill, review, duplicates):
        if len(out) >= rules.PER_KIND:
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
        rec = rules.outcome_baseline(outcomes)
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


def derive(src: Sources, ctx: dict, origins: dict, outcomes: dict | None) -> dict:
    a = assets(src)
    c, picked = changes(src, origins)
    o = expected(src, picked, outcomes)
    return {"assets": a, "changes": c, "outcomes": o}
