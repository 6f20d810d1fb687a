"""Which assets, changes and baselines a region's recommended actions are about: explicit rules
over the results other analyses return, so a face only phrases what was picked.

The report's *Recommended actions* (report/actions.py) phrases the picks with a reference to every
number; the rules themselves are here, with the results they read:

Assets to leverage (each a different occupation), from `mobilize.jobs(…, include_all=True)`
and `programs.alignment`:
  A1 demand       the Job That Mobilizes with the most annual openings;
  A2 pipeline     the JTM whose related completions already meet its openings (supply flag
                  balanced or over-supplied) with the most completions;
  A3 specialism   the JTM with the highest location quotient, at least 1;
  A4 talent       the JTM with the most workers one viable step away (untapped talent);
  A5 quality      without JTMs: the quality-tier occupation with the most openings.
Changes, from `programs.alignment`, the recommended pathways and `skills.landscape`:
  C1 training gap the JTM training gap with the most openings (alignment's gaps[0]: training is
                  the route and local completions fall short) — never a job learned at work;
  C2 pathway      the best-ranked pathway from the largest low-wage origin that has one, with
                  its steps no local program trains for told apart from steps learned at work;
  C3 skill        the skill or knowledge area with the biggest gap between JTM demand and supply;
  C4 review       the phase-out candidate with the most local completions;
  C5 duplicates   alignment's first duplicated program.
Baselines, from an outcomes run: the overall quality-job rate in the 2nd quarter, else the
employment rate.

A rule earlier in its list is preferred; a later one fills in when an earlier finds nothing, up
to three of each kind. Ties break on the composite score, then the code, so a pick never depends
on row order.
"""

from __future__ import annotations

from upward.analysis.routes import TRAINING_ROUTES

#: The rule behind each pick, as the report prints it beside the action.
RULES = {
    "A1": "A1 demand: the JTM with the most annual openings",
    "A2": "A2 pipeline: the JTM whose local completions already meet its openings, most completions first",
    "A3": "A3 specialism: the JTM with the highest location quotient (at least 1)",
    "A4": "A4 talent: the JTM with the most workers one viable step away",
    "A5": "A5 quality: without JTMs, the quality-tier occupation with the most openings",
    "C1": "C1 training gap: the JTM training gap (training is the route) with the most openings",
    "C2": "C2 pathway: the best-ranked pathway into a JTM from the largest low-wage occupation that has one",
    "C3": "C3 skill: the skill or knowledge area with the biggest gap between JTM demand and workforce supply",
    "C4": "C4 review: the phase-out candidate with the most local completions",
    "C5": "C5 duplicates: the program offered by the most providers while local completions exceed twice the openings",
}
#: How many actions of each kind.
PER_KIND = 3


def assets(jobs: dict, alignment: dict) -> list[tuple[str, int, dict]]:
    """(rule, index, row) of up to three assets, each a different occupation: the index is into
    `jobs["jobs"]` for A1, A3, A4 and A5 and into `alignment["occupations"]` for A2."""
    rows = jobs["jobs"]
    jtms = [(i, j) for i, j in enumerate(rows) if j["jtm"]]
    used: set[str] = set()

    def best(cands, key):
        cands = [(i, r) for i, r in cands if r["occ_code"] not in used]
        return max(cands, key=key) if cands else None

    rules = (
        ("A1", lambda: best([(i, j) for i, j in jtms if j["openings"] is not None], lambda t: (t[1]["openings"], t[1]["composite"]))),
        ("A2", lambda: best([(i, o) for i, o in enumerate(alignment["occupations"]) if o["jtm"] and o["supply_flag"] in ("balanced", "over-supplied")
                             and (o["related_completions"] or 0) > 0], lambda t: (t[1]["related_completions"], t[0]))),
        ("A3", lambda: best([(i, j) for i, j in jtms if j["loc_quotient"] is not None and j["loc_quotient"] >= 1],
                            lambda t: (t[1]["loc_quotient"], t[1]["composite"]))),
        ("A4", lambda: best([(i, j) for i, j in jtms if j["untapped_talent"]], lambda t: (t[1]["untapped_talent"], t[1]["composite"]))),
        ("A5", lambda: best([(i, j) for i, j in enumerate(rows) if j["tier"] == "quality" and j["openings"] is not None],
                            lambda t: (t[1]["openings"], t[1]["occ_code"]))),
    )
    out = []
    for rule, pick in rules:
        if len(out) >= PER_KIND:
            break
        found = pick()
        if found:
            used.add(found[1]["occ_code"])
            out.append((rule, *found))
    return out


def training_gap(alignment: dict) -> dict | None:
    """C1: alignment lists its gaps most openings first, training routes only."""
    return alignment["gaps"][0] if alignment["gaps"] else None


def steps_without_programs(steps: list[dict], alignment: dict) -> tuple[list[str], list[str]]:
    """C2: the titles of a pathway's steps no local program trains for, split by how people
    enter the job (analysis/routes.py): where training is the route, a missing program is a gap;
    a job learned at work or through an apprenticeship is never called one."""
    route = {o["occ_code"]: o["training_route"] for o in alignment["occupations"]}
    bare = [s for s in steps if not s["training_count"]]
    untrained = [s["to_title"] for s in bare if route.get(s["to"], "education") in TRAINING_ROUTES]
    at_work = [s["to_title"] for s in bare if route.get(s["to"], "education") not in TRAINING_ROUTES]
    return untrained, at_work


def skill_gap(landscape: dict) -> tuple[int, dict] | None:
    """C3: the landscape lists elements biggest gap first; a gap must be positive."""
    for i, e in enumerate(landscape["elements"]):
        if e["gap"] is None or e["gap"] <= 0:
            return None
        return i, e
    return None


def program_to_review(alignment: dict) -> tuple[int, dict] | None:
    """C4: among phase-out candidates with local completers, the one with the most."""
    cands = [(i, p) for i, p in enumerate(alignment["phase_out_candidates"]) if p["local_completions"]]
    return max(cands, key=lambda t: (t[1]["local_completions"], t[1]["program_id"])) if cands else None


def duplicated_program(alignment: dict) -> dict | None:
    """C5: alignment lists duplicates most providers first."""
    return alignment["duplicates"][0] if alignment["duplicates"] else None


def outcome_baseline(outcomes: dict | None) -> tuple[int, dict] | None:
    """The overall (no breakdown) quality-job rate in the 2nd quarter, else the employment rate."""
    if not outcomes:
        return None
    for name in ("quality_job_rate_q2", "employment_rate_q2"):
        for i, r in enumerate(outcomes["records"]):
            if r["indicator"] == name and not r["group"]:
                return i, r
    return None
