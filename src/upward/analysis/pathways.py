"""Career pathways in a region: chains of steps people can take, to jobs worth reaching, ranked in human units.

A step A → B is one the transition model allows (analysis/transitions.py: similar enough, a
bounded climb, the study B asks, B's experience rule) into an occupation the region has (scored:
enough jobs and a published median; never SOC's residual "All Other" codes), paying at least the
profile's floor share of A's regional median. The default targets are the region's Jobs That
Mobilize, and a pathway to one must end paying at least `min_wage_gain` more than the origin;
`to_occ` names a target instead (the person's own goal, shown whatever it pays).

Every pathway is told in the units a navigator uses (docs/pathways.md §4):

* **years** — the sum of its steps' time (new study, on-the-job training, required related
  experience), counting at least `min_step_years` for each job it passes through;
* **pay** — the regional median before and after (with the 25th–75th percentile range of each step);
* **evidence** — the least-observed of its steps (analysis/evidence.py): how often people in CPS
  really make such moves;
* **gain per year** — the pay change divided by its years, the figure the default ranking uses.

Rankings (`rank`): `balanced` (default) = gain per year × the evidence weight of its least-observed
step (profile `[pathways.evidence_weight]`); `fastest` = fewest years; `gain` = largest pay gain;
`common` = most-observed steps first. In the default answer no more than `max_per_target`
pathways end at one target, so one large occupation cannot fill the list, and a second pathway
to a target is shown only when it is not a slower, no better observed detour to it.

The search is exact for these rankings: at each layer it keeps, per end occupation and evidence
class, the `keep` shortest partial paths — a partial path that is slower and no better observed
than another ending at the same occupation can never rank above it, whatever follows.

The JSON of `pathways()` is the stable schema `upward.pathways/2` (docs/pathways.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from upward.analysis.evidence import LEVELS
from upward.analysis.mobilize import scored_table
from upward.analysis.transitions import Transitions, prior_scores, transitions
from upward.atlas.lookup import area_record
from upward.atlas.provenance import atlas_id, releases
from upward.atlas.query import plain
from upward.cache import Cache, hub_key
from upward.errors import NoJobsThatMobilizeError, UpwardError
from upward.profiles import PATHWAY_RANKINGS as RANKINGS
from upward.profiles import Profile

SCHEMA = "upward.pathways/2"
#: ~7 MB per area: about 100 areas, the least recently asked dropped first (upward.cache).
_CACHE = Cache("pathway graphs", entries=200, megabytes=700)


@dataclass(frozen=True)
class Region:
    """One area's view of the transition model: who is there, what they earn, which steps pay."""

    area_code: str
    model: Transitions
    table: pd.DataFrame  # the area's scored table, indexed by occ_code
    in_region: np.ndarray  # per model code: scored in the area and not a residual (a possible step or target)
    wage: np.ndarray  # per model code: the area's median wherever published (also below the scoring minimum)
    p25: np.ndarray
    p75: np.ndarray
    national_wage: np.ndarray
    jtm: np.ndarray  # per model code: a Job That Mobilizes here
    employment: np.ndarray
    floor: float
    evidence_level: np.ndarray  # codes × codes: index into LEVELS
    evidence_weight: np.ndarray  # per LEVELS entry
    years: np.ndarray  # codes × codes: the step's time
    extras: dict = field(default_factory=dict)  # per-region memo (the program inventory, titles)

    def pay(self, i: int) -> tuple[float, str]:
        if not np.isnan(self.wage[i]):
            return float(self.wage[i]), "area"
        return float(self.national_wage[i]), "national"

    def steps_from(self, i: int) -> np.ndarray:
        """The occupations one allowed, in-region step from i that keep pay above the floor."""
        pay, _ = self.pay(i)
        with np.errstate(invalid="ignore"):
            return self.model.allowed[i] & self.in_region & (self.wage >= self.floor * pay)

    def step_matrix(self) -> np.ndarray:
        """Every allowed step between the region's occupations that keeps pay above the floor."""
        pay = np.where(np.isnan(self.wage), self.national_wage, self.wage)
        with np.errstate(invalid="ignore"):
            return self.model.allowed & self.in_region[None, :] & (self.wage[None, :] >= self.floor * pay[:, None])


@_CACHE.cached(lambda con, area_code, profile: (atlas_id(con), area_code, profile.hash))
def region(con, area_code: str, profile: Profile) -> Region:
    """The area's pathway graph (cached per atlas, area and profile)."""
    model = transitions(con, profile)
    df = scored_table(con, profile, [area_code]).set_index("occ_code")
    idx = pd.Index(model.codes)
    scored = df.scored.reindex(idx, fill_value=False).to_numpy(bool)
    residual = {r[0] for r in con.execute("select occ_code from occupations where occ_title like '%, All Other%'").fetchall()}
    steppable = scored & ~np.isin(np.array(model.codes), list(residual))
    nat = dict(con.execute("select occ_code, a_median from wages where area_code = '0000000'").fetchall())
    national = np.array([np.nan if nat.get(c) is None else nat[c] for c in model.codes], float)
    jtm = df.jtm.reindex(idx, fill_value=False).fillna(False).to_numpy(bool) & steppable
    weights = profile.get("pathways.evidence_weight")
    r = Region(
        area_code, model, df, steppable,
        df.a_median.reindex(idx).to_numpy(float), df.a_pct25.reindex(idx).to_numpy(float), df.a_pct75.reindex(idx).to_numpy(float),
        national, jtm, df.employment.reindex(idx).fillna(0).to_numpy(float),
        float(profile.get("pathways.min_step_wage_ratio")), model.ev.levels(),
        np.array([float(weights[level.replace(" ", "_").replace("CPS", "cps")]) for level in LEVELS]),
        model.years_matrix(),
    )
    return r


@dataclass(frozen=True)
class Found:
    """One complete path of the search: its nodes, years and evidence weight."""

    nodes: tuple[int, ...]
    years: float
    weight: float


def search(steps_from, years: np.ndarray, weight: np.ndarray, origin: int, targets: np.ndarray, max_steps: int,
           keep: int) -> list[Found]:
    """Every simple path of 1..max_steps steps from origin to a target that a ranking could want.

    `steps_from(i)` is the bool row of allowed steps out of i; `years[i, j]` a step's time and
    `weight[i, j]` its evidence weight (a path's weight is its smallest). Pure, so it is tested on
    small hand-made graphs. Per end node and weight class the `keep` fastest partial paths go on:
    any ranking here prefers fewer years at equal weight, so nothing dropped could rank higher
    (except through revisits, which `keep` > the number of steps covers).
    """
    found: list[Found] = []
    first = np.flatnonzero(steps_from(origin))
    first = first[first != origin]
    nodes = np.column_stack([np.full(len(first), origin), first])
    yrs = years[origin, first].astype(float)
    wts = weight[origin, first].astype(float)
    rows: dict[int, np.ndarray] = {}
    for step in range(1, max_steps + 1):
        hit = targets[nodes[:, -1]]
        found.extend(Found(tuple(int(x) for x in n), float(y), float(w)) for n, y, w in zip(nodes[hit], yrs[hit], wts[hit]))
        if step == max_steps or len(nodes) == 0:
            break
        parents, children = [], []
        for p, end in enumerate(nodes[:, -1]):
            if end not in rows:
                rows[end] = np.flatnonzero(steps_from(int(end)))
            nxt = rows[end]
            nxt = nxt[~np.isin(nxt, nodes[p])]
            parents.append(np.full(len(nxt), p))
            children.append(nxt)
        if not parents:
            break
        p = np.concatenate(parents)
        j = np.concatenate(children)
        if len(p) == 0:
            break
        last = nodes[p, -1]
        y = yrs[p] + years[last, j]
        w = np.minimum(wts[p], weight[last, j])
        # per (end node, weight class): the `keep` fastest, ties broken by the path's nodes
        order = np.lexsort((p, y, -w, j))
        p, j, y, w = p[order], j[order], y[order], w[order]
        group = np.r_[True, (j[1:] != j[:-1]) | (w[1:] != w[:-1])]
        start = np.maximum.accumulate(np.where(group, np.arange(len(j)), 0))
        sel = (np.arange(len(j)) - start) < keep
        nodes = np.hstack([nodes[p[sel]], j[sel, None]])
        yrs, wts = y[sel], w[sel]
    return found


def _rank_key(rank: str):
    def key(p: dict):
        if rank == "fastest":
            return (p["years"], -p["score"], p["_nodes"])
        if rank == "gain":
            return (-p["pay"]["change"], p["years"], p["_nodes"])
        if rank == "common":
            return (-p["_weight"], -(p["_share"] or 0.0), -p["score"], p["_nodes"])
        return (-p["score"], p["years"], p["_nodes"])

    return key


def choose(ranked: list[dict], top: int, per_target: int | None) -> list[dict]:
    """The first `top` of ranked pathways, with variety: at most `per_target` ending at one target,
    and a later one to a target only if no earlier one to it dominates it (as quick and as well
    observed, better on one) — a slower, no better observed detour to the same job adds nothing."""
    chosen, kept = [], {}
    for c in ranked:
        t = c["_nodes"][-1]
        if per_target is not None:
            before = kept.get(t, [])
            if len(before) >= per_target or any(_dominates(b, c) for b in before):
                continue
            kept[t] = before + [c]
        chosen.append(c)
        if len(chosen) == top:
            break
    return chosen


def _dominates(a: dict, b: dict) -> bool:
    """Pathway a is at least as quick and as well observed as b, and better on one of them."""
    return a["years"] <= b["years"] and a["_weight"] >= b["_weight"] and (a["years"] < b["years"] or a["_weight"] > b["_weight"])


def _inventory(con, reg: Region, hub) -> tuple[pd.DataFrame, dict, object]:
    """The area's programs (kept by analysis.programs) and their rows per occupation, kept here."""
    from upward.analysis.programs import inventory, programs_by_occupation

    state = hub_key(hub)
    key = ("inventory", state)
    if key not in reg.extras:
        inv = inventory(con, reg.area_code, hub)
        reg.extras[key] = (inv, programs_by_occupation(inv), state)
    return reg.extras[key]


def _lookups(con, reg: Region) -> tuple[dict, dict, dict]:
    """Occupation titles, the CIP codes (CIP–SOC) leading to each, and how each one's skills are known."""
    if "lookups" not in reg.extras:
        titles = dict(con.execute("select occ_code, occ_title from occupations").fetchall())
        cips: dict[str, list[str]] = {}
        for cip, occ in con.execute("select cip_code, occ_code from cip_occupations order by cip_code").fetchall():
            cips.setdefault(occ, []).append(cip)
        proxies = dict(con.execute(
            """select occ_code, any_value(method) from descriptors where domain = 'skills'
               and method in ('related_occupations', 'all_other_broad_group', 'all_other_minor_group') group by occ_code"""
        ).fetchall())
        reg.extras["lookups"] = (titles, cips, proxies)
    return reg.extras["lookups"]


PROXY_WORDS = {
    "related_occupations": "O*NET has not rated it yet: its skills are the mean of O*NET's closest related occupations",
    "all_other_broad_group": "a residual code: its skills are the mean of its SOC broad group",
    "all_other_minor_group": "a residual code: its skills are the mean of its SOC minor group",
}


def _weakest(reg: Region, levels: list[str]) -> str:
    """The least-observed of some steps' evidence levels: lowest weight, then the later level."""
    return min(levels, key=lambda lv: (reg.evidence_weight[LEVELS.index(lv)], -LEVELS.index(lv)))


def _money(x: float) -> int | None:
    return None if x is None or np.isnan(x) else int(round(float(x)))


def _step(con, reg: Region, a: int, b: int, titles: dict, proxies: dict, profile: Profile, programs: tuple | None, cips: dict) -> dict:
    m = reg.model
    ca, cb = m.codes[a], m.codes[b]
    pay_a, src_a = reg.pay(a)
    pay_b = float(reg.wage[b])
    sim = float(m.sim.matrix[a, b])
    training, count = [], 0
    if programs is not None and len(programs[0]):
        key = ("bridges", programs[2], ca, cb)  # the same step recurs across pathways and queries (per hub state)
        if key not in reg.extras:
            from upward.analysis.programs import bridge_count, rank_bridges, stated_targets

            if "stated" not in reg.extras:
                reg.extras["stated"] = stated_targets(con)
            reg.extras[key] = (bridge_count(programs[1], ca, cb),
                               rank_bridges(con, programs[0], ca, cb, programs[1], top=3, stated=reg.extras["stated"]))
        count, training = reg.extras[key]
    share = m.ev.share[a, b]
    return {
        "from": ca,
        "from_title": titles.get(ca),
        "to": cb,
        "to_title": titles.get(cb),
        "pay": {"from": _money(pay_a), "from_source": src_a, "to": _money(pay_b), "to_p25": _money(reg.p25[b]),
                "to_p75": _money(reg.p75[b]), "change": _money(pay_b - pay_a), "change_pct": round(pay_b / pay_a - 1, 4)},
        "requires": m.step_facts(a, b),
        "evidence": {"level": LEVELS[int(reg.evidence_level[a, b])], "movers_share": None if np.isnan(share) else round(float(share), 4)},
        "similarity": round(sim, 4),
        "viability": "highly viable" if sim >= m.calibration.highly_viable else "viable",
        "job_zone": {"from": _zone(m, a), "to": _zone(m, b)},
        "skill_gap": round(float(m.gap[a, b]), 3) if not np.isnan(m.gap[a, b]) else None,
        "skills_to_gain": m.skills_to_gain(ca, cb, top=5),
        "skills_proxy": PROXY_WORDS.get(proxies.get(cb)),
        "cip_codes": cips.get(cb, []),
        "training_count": count,
        "training": training,
    }


def _zone(model: Transitions, i: int) -> int | None:
    z = model.job_zone[i]
    return None if np.isnan(z) else int(z)


def _origin(con, reg: Region, from_occ: str, titles: dict) -> int:
    m = reg.model
    if from_occ not in m.index:
        raise UpwardError(f"O*NET rates none of the skills of {titles.get(from_occ, from_occ)} ({from_occ}) and lists no rated related occupation, so no step from it can be judged.",
                          hint="See `upward atlas info` for which occupations O*NET covers.")
    origin = m.index[from_occ]
    if np.isnan(reg.pay(origin)[0]):
        raise UpwardError(f"BLS publishes no median wage for {titles.get(from_occ)} ({from_occ}) here or nationally, so pay changes cannot be judged.")
    return origin


def pathways(con, area_code: str, from_occ: str, profile: Profile, to_occ: str | None = None, max_steps: int | None = None,
             top: int | None = None, hub=None, with_training: bool = True, rank: str | None = None) -> dict:
    """The best pathways from one occupation to the area's JTMs (or to one named target)."""
    reg = region(con, area_code, profile)
    m = reg.model
    max_steps = int(max_steps or profile.get("pathways.max_steps"))
    top = int(top or profile.get("pathways.top"))
    rank = rank or profile.get("pathways.rank")
    if rank not in RANKINGS:
        raise UpwardError(f"Unknown ranking '{rank}'.", hint=f"Use one of: {', '.join(RANKINGS)}.")
    titles, cips, proxies = _lookups(con, reg)
    origin = _origin(con, reg, from_occ, titles)
    if to_occ is None:
        targets = reg.jtm.copy()
        if not targets.any():
            raise NoJobsThatMobilizeError(f"No occupation is a Job That Mobilizes in area {area_code}, so there is no default target.",
                              hint="Name one with --to SOC, or see why with: upward jobs --region AREA --all")
    else:
        if to_occ not in m.index or not reg.in_region[m.index[to_occ]]:
            raise UpwardError(f"{titles.get(to_occ, to_occ)} ({to_occ}) is not scored in area {area_code} (too few jobs, no published median, or no O*NET rating).",
                              hint="Pathways lead to occupations the region has; list them with: upward jobs --region AREA --all")
        targets = np.zeros(len(m.codes), dtype=bool)
        targets[m.index[to_occ]] = True
    targets[origin] = False
    start_pay, start_src = reg.pay(origin)
    min_gain = float(profile.get("pathways.min_wage_gain"))
    min_step = float(profile.get("pathways.min_step_years"))
    step_weight = reg.evidence_weight[reg.evidence_level]
    found = search(reg.steps_from, np.maximum(reg.years, min_step), step_weight, origin, targets, max_steps, keep=top + max_steps)
    candidates = []
    for f in found:
        end_pay = float(reg.wage[f.nodes[-1]])
        if to_occ is None and not end_pay >= start_pay * (1 + min_gain):
            continue  # a default target must be worth reaching; a named one is the person's own goal
        shares = [m.ev.share[a, b] for a, b in zip(f.nodes, f.nodes[1:])]
        gain = end_pay - start_pay
        per_year = gain / f.years if f.years > 0 else gain
        if gain < 0:
            per_year = gain  # a named target that pays less: no "per year" to speak of
        candidates.append({"_nodes": f.nodes, "_weight": f.weight, "_share": float(np.prod(np.nan_to_num(shares, nan=0.0))),
                           "years": round(f.years, 2), "pay": {"change": gain}, "score": per_year * f.weight, "gain_per_year": per_year})
    candidates.sort(key=_rank_key(rank))
    per_target = None if to_occ else int(profile.get("pathways.max_per_target"))
    chosen = choose(candidates, top, per_target)
    programs = _inventory(con, reg, hub) if with_training else None
    paths = []
    for k, c in enumerate(chosen, 1):
        nodes = c["_nodes"]
        steps = [_step(con, reg, a, b, titles, proxies, profile, programs, cips) for a, b in zip(nodes, nodes[1:])]
        end = float(reg.wage[nodes[-1]])
        weakest = _weakest(reg, [s["evidence"]["level"] for s in steps])
        credentials = [s["requires"]["credential"] for s in steps if s["requires"]["credential"]]
        paths.append({
            "rank": k,
            "target": m.codes[nodes[-1]],
            "target_title": titles.get(m.codes[nodes[-1]]),
            "target_is_jtm": bool(reg.jtm[nodes[-1]]),
            "step_count": len(steps),
            "years": c["years"],
            "pay": {"from": _money(start_pay), "to": _money(end), "change": _money(end - start_pay), "change_pct": round(end / start_pay - 1, 4)},
            "gain_per_year": _money(c["gain_per_year"]),
            "evidence": weakest,
            "score": round(c["score"], 1),
            "credentials": credentials,
            "steps": steps,
        })
    notes = []
    if start_src == "national":
        notes.append(f"{titles.get(from_occ)} has no published median in this area: its pay is the national median.")
    if proxies.get(from_occ):
        notes.append(f"{titles.get(from_occ)}: {PROXY_WORDS[proxies[from_occ]]}.")
    if not paths:
        notes.append(f"No pathway of at most {max_steps} allowed steps that keeps pay above {reg.floor:.0%} of the previous job and ends at least "
                     f"{min_gain:.0%} better paid reaches " + ("the target." if to_occ else "a Job That Mobilizes here.")
                     + (" See why with: upward paths --from FROM --to TO --explain." if to_occ else " Try --max-steps 4, or another target."))
    ev = m.ev
    return {
        "schema": SCHEMA,
        "area": area_record(con, area_code),
        "profile": profile.record(),
        "from": {"soc": from_occ, "title": titles.get(from_occ), "median_wage": _money(start_pay), "wage_source": start_src,
                 "job_zone": _zone(m, origin), "education": m.req.education[origin]},
        "to": None if to_occ is None else {"soc": to_occ, "title": titles.get(to_occ)},
        "targets": "named" if to_occ else "jtm",
        "max_steps": max_steps,
        "rank": rank,
        "calibration": m.calibration.record(),
        "rules": {
            "max_job_zone_step": m.rules["max_job_zone_step"], "max_study_years": m.rules["max_study_years"],
            "min_step_wage_ratio": reg.floor, "min_wage_gain": min_gain, "min_step_years": min_step,
            "max_per_target": per_target, "evidence": {"common": ev.common, "sometimes": ev.sometimes},
            "evidence_weight": dict(profile.get("pathways.evidence_weight")),
        },
        "pathways": paths,
        "notes": notes,
        "data": releases(con),
    }


def explain_step(con, area_code: str, from_occ: str, to_occ: str, profile: Profile) -> dict:
    """Why a direct step from one occupation to another is or is not allowed here, rule by rule."""
    reg = region(con, area_code, profile)
    m = reg.model
    titles, _, _ = _lookups(con, reg)
    a = _origin(con, reg, from_occ, titles)
    if to_occ not in m.index:
        raise UpwardError(f"{titles.get(to_occ, to_occ)} ({to_occ}) has no O*NET rating, so no step into it can be judged.")
    b = m.index[to_occ]
    reasons = m.why_not(from_occ, to_occ)
    pay_a, _ = reg.pay(a)
    if not reg.in_region[b]:
        reasons.append("not a job this region has (too few jobs, no published median, or a residual code)")
    elif not reg.wage[b] >= reg.floor * pay_a:
        reasons.append(f"pays {reg.wage[b] / pay_a - 1:+.0%}, below the floor of {reg.floor - 1:+.0%}")
    return {
        "area": area_record(con, area_code),
        "from": {"soc": from_occ, "title": titles.get(from_occ)},
        "to": {"soc": to_occ, "title": titles.get(to_occ)},
        "allowed": not reasons,
        "broken_rules": reasons,
        "requires": m.step_facts(a, b),
        "evidence": {"level": LEVELS[int(reg.evidence_level[a, b])], "movers_share": plain(m.ev.share[a, b])},
        "similarity": round(float(m.sim.matrix[a, b]), 4),
        "data": releases(con),
    }


def step_rows(result: dict) -> list[dict]:
    """A `pathways()` result as one flat row per step (the CSV the CLI and the dashboard offer)."""
    return [
        {"path_rank": p["rank"], "path_years": p["years"], "path_gain_per_year": p["gain_per_year"], "path_evidence": p["evidence"],
         "step": k, "from": s["from"], "to": s["to"], "to_title": s["to_title"],
         "requires": s["requires"]["credential"] or "", "step_years": s["requires"]["years"],
         "study_years": s["requires"]["study_years"], "on_the_job_training": s["requires"]["on_the_job_training"] or "",
         "related_experience": s["requires"]["related_experience"] or "",
         "evidence": s["evidence"]["level"], "movers_share": s["evidence"]["movers_share"],
         "wage_from": s["pay"]["from"], "wage_to": s["pay"]["to"], "wage_to_p25": s["pay"]["to_p25"], "wage_to_p75": s["pay"]["to_p75"],
         "wage_change_pct": s["pay"]["change_pct"], "similarity": s["similarity"], "skill_gap": s["skill_gap"],
         "skills_to_gain": "; ".join(f"{g['name']} {g['current_level']}→{g['required_level']}" for g in s["skills_to_gain"]),
         "training_count": s["training_count"],
         "training": "; ".join(f"{t['program_name']} ({t['provider_name']})" for t in s["training"])}
        for p in result["pathways"] for k, s in enumerate(p["steps"], 1)
    ]


def feeders(con, area_code: str, occ_code: str, profile: Profile, top: int | None = 25) -> dict:
    """Who in the region can reach an occupation ("untapped talent"): workers in occupations with
    an allowed step into it (one step), or through one allowed, better-paid intermediate job (two).

    The same step rules as pathways (analysis/transitions.py), so no occupation is a feeder of a
    job it cannot enter. A feeder earns less than the target now (the step is worth taking) and
    every step respects the pay floor. One-step feeders' jobs are what the accessibility pillar
    counts as untapped talent.
    """
    reg = region(con, area_code, profile)
    m = reg.model
    titles, _, _ = _lookups(con, reg)
    if occ_code not in m.index or not reg.in_region[m.index[occ_code]]:
        raise UpwardError(f"{titles.get(occ_code, occ_code)} ({occ_code}) is not scored in area {area_code} (too few jobs, no published median, or no O*NET rating).",
                          hint="List the area's scored occupations with: upward jobs --region AREA --all")
    t = m.index[occ_code]
    emp = reg.table.employment.reindex(pd.Index(m.codes)).to_numpy(float)
    pay = reg.wage
    floor = reg.floor
    with np.errstate(invalid="ignore"):
        holds = (emp > 0) & ~np.isnan(pay)
        step = m.allowed & (pay[None, :] >= floor * pay[:, None])  # a → b keeps pay above the floor
        into = step[:, t] & (pay < pay[t]) & holds
        via_ok = step & reg.in_region[None, :]  # intermediate jobs must be concrete, scored jobs
        two = via_ok & step[:, t][None, :]  # a → m → t
    two[:, t] = False
    two[t, :] = False
    rows = []
    for i in np.flatnonzero(into):
        rows.append({"soc": m.codes[i], "title": titles.get(m.codes[i]), "steps": 1, "via": None, "via_title": None,
                     "employment": plain(emp[i]), "median_wage": plain(pay[i]), "wage_gain": round(float(pay[t] / pay[i] - 1), 4),
                     "years": round(m.years(i, t), 2), "requires": m.step_facts(i, t)["credential"],
                     "evidence": LEVELS[int(reg.evidence_level[i, t])],
                     "similarity": round(float(m.sim.matrix[i, t]), 4), "viability": m.viability(m.codes[i], occ_code)})
    second = np.flatnonzero(two.any(axis=1) & ~into & holds & (pay < pay[t]))
    second = second[second != t]
    for i in second:
        mids = np.flatnonzero(two[i])
        best = mids[np.argmin(m.years_matrix()[i, mids] + m.years_matrix()[mids, t])]  # the quickest stepping stone
        rows.append({"soc": m.codes[i], "title": titles.get(m.codes[i]), "steps": 2, "via": m.codes[best], "via_title": titles.get(m.codes[best]),
                     "employment": plain(emp[i]), "median_wage": plain(pay[i]), "wage_gain": round(float(pay[t] / pay[i] - 1), 4),
                     "years": round(m.years(i, best) + m.years(best, t), 2), "requires": m.step_facts(best, t)["credential"] or m.step_facts(i, best)["credential"],
                     "evidence": _weakest(reg, [LEVELS[int(reg.evidence_level[i, best])], LEVELS[int(reg.evidence_level[best, t])]]),
                     "similarity": round(float(m.sim.matrix[i, t]), 4), "viability": "two steps"})
    rows.sort(key=lambda r: (r["steps"], -(r["employment"] or 0), r["soc"]))
    one = [r for r in rows if r["steps"] == 1]
    return {
        "area": area_record(con, area_code),
        "profile": profile.record(),
        "occupation": {"soc": occ_code, "title": titles.get(occ_code), "median_wage": plain(pay[t]), "employment": plain(emp[t]),
                       "jtm": bool(reg.jtm[t]), "requires": {"education": m.req.education[t], "related_experience": m.req.experience[t],
                                                             "on_the_job_training": m.req.ojt[t]}},
        "one_step": {"occupations": len(one), "workers": round(sum(r["employment"] or 0 for r in one))},
        "two_steps": {"occupations": len(rows) - len(one), "workers": round(sum(r["employment"] or 0 for r in rows if r["steps"] == 2))},
        "calibration": m.calibration.record(),
        "feeders": rows if top is None else rows[:top],
        "data": releases(con),
    }


def next_steps(con, area_code: str, occ_code: str, profile: Profile, top: int = 10) -> dict:
    """Where a person in this job is likeliest to move next in the region, among allowed steps.

    Ranked by the transition prior (analysis/transitions.py `prior_scores`: similarity, the
    destination's employment in the region, job zones climbed), the model checked against observed
    CPS moves. Each step says what it asks (credential, years), how often CPS sees such moves,
    whether it pays more (desirable) and whether it is a JTM.
    """
    reg = region(con, area_code, profile)
    m = reg.model
    titles, _, _ = _lookups(con, reg)
    i = _origin(con, reg, occ_code, titles)
    score = prior_scores(m.sim.matrix, reg.employment, m.job_zone_mean, profile.get("pathways.prior"))[i]
    allowed = reg.steps_from(i)
    allowed[i] = False
    order = [j for j in np.argsort(-np.where(allowed, np.nan_to_num(score, nan=-np.inf), -np.inf), kind="stable") if allowed[j]][:top]
    pay, src = reg.pay(i)
    rows = []
    for j in order:
        gain = float(reg.wage[j] / pay - 1)
        facts = m.step_facts(i, j)
        rows.append({
            "soc": m.codes[j], "title": titles.get(m.codes[j]), "score": round(float(score[j]), 4),
            "similarity": round(float(m.sim.matrix[i, j]), 4), "viability": m.viability(occ_code, m.codes[j]),
            "median_wage": _money(reg.wage[j]), "wage_change": round(gain, 4),
            "desirable": bool(gain >= profile.get("pathways.min_wage_gain")), "employment": plain(reg.employment[j]),
            "is_jtm": bool(reg.jtm[j]), "skill_gap": round(float(m.gap[i, j]), 3) if not np.isnan(m.gap[i, j]) else None,
            "requires": facts["credential"], "years": facts["years"], "evidence": LEVELS[int(reg.evidence_level[i, j])],
        })
    return {
        "area": area_record(con, area_code),
        "profile": profile.record(),
        "from": {"soc": occ_code, "title": titles.get(occ_code), "median_wage": _money(pay), "wage_source": src},
        "prior": dict(profile.get("pathways.prior")),
        "next_steps": rows,
        "data": releases(con),
    }
