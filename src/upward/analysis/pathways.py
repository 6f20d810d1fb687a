"""Career pathways in a region: the k cheapest chains of viable steps to its Jobs That Mobilize.

The region's graph has an edge A → B when the step is viable (analysis/transitions.py) and B's
regional median pays at least the profile's floor share of A's. Only occupations the region
scores (enough jobs and a published median) can be steps or targets, and not SOC's residual
"All Other" codes: a navigator cannot send anyone to a leftover category. The origin can be any
rated occupation, priced at the region's median where published, else the national one.

A step's cost (profile `[pathways.cost]`, docs/pathways.md):

    difficulty × (1 − similarity) + skill_gap × gap + time × extra years of entry education
    − wage × ln(pay B / pay A) + demand × (1 − B's employer-pillar percentile / 100)

A path's cost is the sum over its steps. Pay gains telescope (a path's wage terms sum to the log of
its final over its first pay, however many steps), while difficulty and weak demand add up per
step, so a longer path must be easier or land in jobs that hire more to beat a shorter one. `k_best_paths` searches at most `max_steps` steps exactly: layer by layer it keeps,
for every occupation, the cheapest k + max_steps simple partial paths ending there — enough that
no prefix of the k best complete paths is ever dropped for revisiting a node.

The JSON of `pathways()` is the stable schema `upward.pathways/1` the API and web reuse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from upward.analysis._rows import atlas_id, area_record, plain, releases
from upward.analysis.mobilize import scored_table
from upward.analysis.transitions import Transitions, prior_scores, transitions
from upward.errors import UpwardError
from upward.profiles import EDUCATION_LEVELS, Profile

SCHEMA = "upward.pathways/1"
_CACHE: dict[tuple, "Region"] = {}


@dataclass(frozen=True)
class Region:
    """One area's view of the transition model: who is there, what they earn, the step costs."""

    area_code: str
    model: Transitions
    table: pd.DataFrame  # the area's scored table, indexed by occ_code
    in_region: np.ndarray  # per model code: scored in the area and not a residual (a possible step or target)
    wage: np.ndarray  # per model code: the area's median wherever published (also below the scoring minimum)
    national_wage: np.ndarray
    demand: np.ndarray  # per model code: employer-pillar percentile / 100 (0 where unscored)
    jtm: np.ndarray  # per model code: a Job That Mobilizes here
    edges: np.ndarray  # viable & in region (destination), before the pay floor
    parts: dict  # cost components, codes × codes
    weights: dict
    floor: float
    extras: dict  # per-region memo (the program inventory)

    def pay(self, i: int) -> tuple[float, str]:
        if not np.isnan(self.wage[i]):
            return float(self.wage[i]), "area"
        return float(self.national_wage[i]), "national"

    def cost_row(self, i: int) -> np.ndarray:
        """Cost of every step out of occupation i (inf where the step is not allowed)."""
        pay, _ = self.pay(i)
        w = self.weights
        with np.errstate(invalid="ignore", divide="ignore"):
            gain = np.log(self.wage / pay)
            c = (w["difficulty"] * self.parts["dissimilarity"][i] + w["skill_gap"] * self.parts["gap"][i]
                 + w["time"] * self.parts["years"][i] - w["wage"] * gain + w["demand"] * (1 - self.demand))
            ok = self.edges[i] & (self.wage >= self.floor * pay) & np.isfinite(c)
        return np.where(ok, c, np.inf)


def region(con, area_code: str, profile: Profile) -> Region:
    """The area's pathway graph (cached per atlas, area and profile)."""
    atlas = atlas_id(con)
    key = (atlas, area_code, profile.hash)
    if key in _CACHE:
        return _CACHE[key]
    model = transitions(con, profile)
    df = scored_table(con, profile, [area_code]).set_index("occ_code")
    n = len(model.codes)
    idx = pd.Index(model.codes)
    scored = df.scored.reindex(idx, fill_value=False).to_numpy(bool)
    residual = {r[0] for r in con.execute("select occ_code from occupations where occ_title like '%, All Other%'").fetchall()}
    steppable = scored & ~np.isin(np.array(model.codes), list(residual))
    wage = df.a_median.reindex(idx).to_numpy(float)
    nat = dict(con.execute("select occ_code, a_median from wages where area_code = '0000000'").fetchall())
    national = np.array([np.nan if nat.get(c) is None else nat[c] for c in model.codes], float)
    demand = (df.pillar_employers.reindex(idx).fillna(0).to_numpy(float) / 100) * scored
    jtm = df.jtm.reindex(idx, fill_value=False).fillna(False).to_numpy(bool) & steppable
    years_up = np.nan_to_num(np.maximum(model.years[None, :] - model.years[:, None], 0.0))
    parts = {"dissimilarity": 1 - np.nan_to_num(model.sim.matrix), "gap": np.nan_to_num(model.gap), "years": years_up}
    edges = model.viable() & steppable[None, :]
    r = Region(area_code, model, df, steppable, wage, national, demand, jtm, edges, parts,
               dict(profile.get("pathways.cost")), float(profile.get("pathways.min_step_wage_ratio")), {})
    _CACHE[key] = r
    assert r.edges.shape == (n, n)
    return r


def k_best_paths(cost_row, origin: int, targets: np.ndarray, max_steps: int, k: int) -> list[tuple[float, list[int]]]:
    """The k cheapest simple paths of 1..max_steps steps from origin to any target.

    `cost_row(i)` gives the costs of the steps out of node i (inf = no step). Pure: the graph is
    whatever cost_row says, so it can be tested on small hand-made graphs.
    """
    keep = k + max_steps
    first = np.asarray(cost_row(origin), float).copy()
    first[origin] = np.inf
    ends = np.flatnonzero(np.isfinite(first))
    nodes = ends[:, None]
    costs = first[ends]
    found: list[tuple[float, list[int]]] = []
    for step in range(1, max_steps + 1):
        hit = targets[nodes[:, -1]]
        found.extend((float(c), [origin, *map(int, p)]) for c, p in zip(costs[hit], nodes[hit]))
        if step == max_steps or len(nodes) == 0:
            break
        rows = {int(i): np.asarray(cost_row(int(i)), float) for i in np.unique(nodes[:, -1])}
        cand = np.stack([rows[int(i)] for i in nodes[:, -1]]) + costs[:, None]
        cand[:, origin] = np.inf
        for col in range(nodes.shape[1]):
            cand[np.arange(len(nodes)), nodes[:, col]] = np.inf
        p, j = np.nonzero(np.isfinite(cand))
        if len(p) == 0:
            break
        c = cand[p, j]
        order = np.lexsort((p, c, j))  # by destination, then cost, then parent (deterministic)
        p, j, c = p[order], j[order], c[order]
        first_of = np.r_[True, j[1:] != j[:-1]]
        group_start = np.maximum.accumulate(np.where(first_of, np.arange(len(j)), 0))
        rank = np.arange(len(j)) - group_start
        sel = rank < keep
        nodes = np.hstack([nodes[p[sel]], j[sel, None]])
        costs = c[sel]
    found.sort(key=lambda t: (t[0], t[1]))
    return found[:k]


def _inventory(con, reg: Region, hub_path) -> tuple[pd.DataFrame, dict]:
    """The area's programs (kept by analysis.programs) and their rows per occupation, kept here."""
    from upward.analysis.programs import _hub_state, inventory, programs_by_occupation

    key = ("inventory", _hub_state(hub_path))
    if key not in reg.extras:
        inv = inventory(con, reg.area_code, hub_path)
        reg.extras[key] = (inv, programs_by_occupation(inv))
    return reg.extras[key]


def _lookups(con, reg: Region) -> tuple[dict, dict]:
    """Occupation titles, and the CIP codes (CIP–SOC) that lead to each occupation."""
    if "lookups" not in reg.extras:
        titles = dict(con.execute("select occ_code, occ_title from occupations").fetchall())
        cips: dict[str, list[str]] = {}
        for cip, occ in con.execute("select cip_code, occ_code from cip_occupations order by cip_code").fetchall():
            cips.setdefault(occ, []).append(cip)
        reg.extras["lookups"] = (titles, cips)
    return reg.extras["lookups"]


def _zone(model: Transitions, i: int) -> int | None:
    z = model.job_zone[i]
    return None if np.isnan(z) else int(z)


def _education(model: Transitions, i: int) -> str | None:
    e = model.education[i]
    return None if np.isnan(e) else EDUCATION_LEVELS[int(e)]


def _step(con, reg: Region, a: int, b: int, titles: dict, profile: Profile, programs: tuple | None, cips: dict) -> dict:
    m = reg.model
    ca, cb = m.codes[a], m.codes[b]
    pay_a, src_a = reg.pay(a)
    pay_b = float(reg.wage[b])
    gain = pay_b / pay_a - 1
    w = reg.weights
    sim = float(m.sim.matrix[a, b])
    parts = {
        "difficulty": w["difficulty"] * float(reg.parts["dissimilarity"][a, b]),
        "skill_gap": w["skill_gap"] * float(reg.parts["gap"][a, b]),
        "time": w["time"] * float(reg.parts["years"][a, b]),
        "wage": -w["wage"] * float(np.log(pay_b / pay_a)),
        "demand": w["demand"] * (1 - float(reg.demand[b])),
    }
    training = []
    count = 0
    if programs is not None and len(programs[0]):
        from upward.analysis.programs import rank_bridges

        ranked = rank_bridges(con, programs[0], ca, cb, programs[1])
        count = len(ranked)
        training = ranked[:3]
    return {
        "from": ca,
        "to": cb,
        "to_title": titles.get(cb),
        "similarity": round(sim, 4),
        "viability": "highly viable" if sim >= m.calibration.highly_viable else "viable",
        "desirable": bool(gain >= profile.get("pathways.min_wage_gain")),
        "median_wage": {"from": round(pay_a), "from_source": src_a, "to": round(pay_b), "change": round(gain, 4)},
        "job_zone": {"from": _zone(m, a), "to": _zone(m, b)},
        "education": {"from": _education(m, a), "to": _education(m, b)},
        "extra_years": plain(reg.parts["years"][a, b]),
        "skill_gap": round(float(reg.parts["gap"][a, b]), 3),
        "skills_to_gain": m.skills_to_gain(ca, cb, top=5),
        "cip_codes": cips.get(cb, []),
        "training_count": count,
        "training": training,
        "cost": round(sum(parts.values()), 4),
        "cost_parts": {k: round(v, 4) for k, v in parts.items()},
    }


def pathways(con, area_code: str, from_occ: str, profile: Profile, to_occ: str | None = None, max_steps: int | None = None,
             top: int | None = None, hub_path=None, with_training: bool = True) -> dict:
    """The best pathways from one occupation to the area's JTMs (or to one named target)."""
    reg = region(con, area_code, profile)
    m = reg.model
    max_steps = int(max_steps or profile.get("pathways.max_steps"))
    top = int(top or profile.get("pathways.top"))
    titles, cips = _lookups(con, reg)
    if from_occ not in m.index:
        raise UpwardError(f"O*NET rates none of the skills of {titles.get(from_occ, from_occ)} ({from_occ}), so no step from it can be judged.",
                          hint="See `upward atlas info` for which occupations O*NET covers.")
    origin = m.index[from_occ]
    if np.isnan(reg.pay(origin)[0]):
        raise UpwardError(f"BLS publishes no median wage for {titles.get(from_occ)} ({from_occ}) here or nationally, so pay changes cannot be judged.")
    if to_occ is None:
        targets = reg.jtm.copy()
        if not targets.any():
            raise UpwardError(f"No occupation is a Job That Mobilizes in area {area_code}, so there is no default target.",
                              hint="Name one with --to SOC, or see why with: upward jobs --region AREA --all")
    else:
        if to_occ not in m.index or not reg.in_region[m.index[to_occ]]:
            raise UpwardError(f"{titles.get(to_occ, to_occ)} ({to_occ}) is not scored in area {area_code} (too few jobs, no published median, or no O*NET rating).",
                              hint="Pathways lead to occupations the region has; list them with: upward jobs --region AREA --all")
        targets = np.zeros(len(m.codes), dtype=bool)
        targets[m.index[to_occ]] = True
    found = k_best_paths(reg.cost_row, origin, targets, max_steps, top)
    programs = None
    if with_training:
        programs = _inventory(con, reg, hub_path)
    paths = []
    for rank, (cost, nodes) in enumerate(found, 1):
        steps = [_step(con, reg, a, b, titles, profile, programs, cips) for a, b in zip(nodes, nodes[1:])]
        start = steps[0]["median_wage"]["from"]
        end = steps[-1]["median_wage"]["to"]
        paths.append({
            "rank": rank,
            "cost": round(cost, 4),
            "target": m.codes[nodes[-1]],
            "target_title": titles.get(m.codes[nodes[-1]]),
            "target_is_jtm": bool(reg.jtm[nodes[-1]]),
            "step_count": len(steps),
            "wage_change": round(end / start - 1, 4),
            "steps": steps,
        })
    pay, src = reg.pay(origin)
    notes = []
    if src == "national":
        notes.append(f"{titles.get(from_occ)} has no published median in this area: its pay is the national median.")
    if not paths:
        notes.append(f"No pathway of at most {max_steps} viable steps that keeps pay above {reg.floor:.0%} of the previous job reaches "
                     + ("the target." if to_occ else "a Job That Mobilizes here.") + " Try --max-steps 4, or another target.")
    return {
        "schema": SCHEMA,
        "area": area_record(con, area_code),
        "profile": profile.record(),
        "from": {"soc": from_occ, "title": titles.get(from_occ), "median_wage": round(pay), "wage_source": src,
                 "job_zone": _zone(m, origin), "education": _education(m, origin)},
        "to": None if to_occ is None else {"soc": to_occ, "title": titles.get(to_occ)},
        "targets": "named" if to_occ else "jtm",
        "max_steps": max_steps,
        "calibration": m.calibration.record(),
        "rules": {
            "max_job_zone_step": m.max_job_zone_step, "max_education_step": m.max_education_step,
            "min_step_wage_ratio": reg.floor, "min_wage_gain": profile.get("pathways.min_wage_gain"), "cost": reg.weights,
        },
        "pathways": paths,
        "notes": notes,
        "data": releases(con),
    }


def step_rows(result: dict) -> list[dict]:
    """A `pathways()` result as one flat row per step (the CSV the CLI and the dashboard offer)."""
    return [
        {"path_rank": p["rank"], "path_cost": p["cost"], "step": k, "from": s["from"], "to": s["to"], "to_title": s["to_title"],
         "similarity": s["similarity"], "viability": s["viability"], "desirable": s["desirable"],
         "wage_from": s["median_wage"]["from"], "wage_to": s["median_wage"]["to"], "wage_change": s["median_wage"]["change"],
         "skill_gap": s["skill_gap"],
         "skills_to_gain": "; ".join(f"{g['name']} {g['current_level']}→{g['required_level']}" for g in s["skills_to_gain"]),
         "training_count": s["training_count"],
         "training": "; ".join(f"{t['program_name']} ({t['provider_name']})" for t in s["training"]),
         "step_cost": s["cost"]}
        for p in result["pathways"] for k, s in enumerate(p["steps"], 1)
    ]


def feeders(con, area_code: str, occ_code: str, profile: Profile, top: int | None = 25) -> dict:
    """Who in the region can reach an occupation ("untapped talent"): workers in occupations with
    a viable step into it (one step), or through one better-paid intermediate job (two steps).

    A feeder earns less than the target now (the step is worth taking) and every step respects the
    pay floor. One-step feeders' jobs are what the accessibility pillar counts as untapped talent.
    """
    reg = region(con, area_code, profile)
    m = reg.model
    titles, _ = _lookups(con, reg)
    if occ_code not in m.index or not reg.in_region[m.index[occ_code]]:
        raise UpwardError(f"{titles.get(occ_code, occ_code)} ({occ_code}) is not scored in area {area_code} (too few jobs, no published median, or no O*NET rating).",
                          hint="List the area's scored occupations with: upward jobs --region AREA --all")
    t = m.index[occ_code]
    emp = reg.table.employment.reindex(pd.Index(m.codes)).to_numpy(float)
    pay = reg.wage
    floor = reg.floor
    with np.errstate(invalid="ignore"):
        holds = (emp > 0) & ~np.isnan(pay)
        step = m.viable() & (pay[None, :] >= floor * pay[:, None])  # a → b keeps pay above the floor
        into = step[:, t] & (pay < pay[t]) & holds
        via_ok = step & reg.in_region[None, :]  # intermediate jobs must be concrete, scored jobs
        two = via_ok & step[:, t][None, :]  # a → m → t
    two[:, t] = False
    two[t, :] = False
    rows = []
    for i in np.flatnonzero(into):
        rows.append({"soc": m.codes[i], "title": titles.get(m.codes[i]), "steps": 1, "via": None, "via_title": None,
                     "employment": plain(emp[i]), "median_wage": plain(pay[i]), "wage_gain": round(float(pay[t] / pay[i] - 1), 4),
                     "similarity": round(float(m.sim.matrix[i, t]), 4), "viability": m.viability(m.codes[i], occ_code)})
    second = np.flatnonzero(two.any(axis=1) & ~into & holds & (pay < pay[t]))
    second = second[second != t]
    for i in second:
        mids = np.flatnonzero(two[i])
        best = mids[np.argmax(m.sim.matrix[i, mids] * m.sim.matrix[mids, t])]  # the most natural stepping stone
        rows.append({"soc": m.codes[i], "title": titles.get(m.codes[i]), "steps": 2, "via": m.codes[best], "via_title": titles.get(m.codes[best]),
                     "employment": plain(emp[i]), "median_wage": plain(pay[i]), "wage_gain": round(float(pay[t] / pay[i] - 1), 4),
                     "similarity": round(float(m.sim.matrix[i, t]), 4), "viability": "two steps"})
    rows.sort(key=lambda r: (r["steps"], -(r["employment"] or 0), r["soc"]))
    one = [r for r in rows if r["steps"] == 1]
    return {
        "area": area_record(con, area_code),
        "profile": profile.record(),
        "occupation": {"soc": occ_code, "title": titles.get(occ_code), "median_wage": plain(pay[t]), "employment": plain(emp[t]),
                       "jtm": bool(reg.jtm[t])},
        "one_step": {"occupations": len(one), "workers": round(sum(r["employment"] or 0 for r in one))},
        "two_steps": {"occupations": len(rows) - len(one), "workers": round(sum(r["employment"] or 0 for r in rows if r["steps"] == 2))},
        "calibration": m.calibration.record(),
        "feeders": rows if top is None else rows[:top],
        "data": releases(con),
    }


def next_steps(con, area_code: str, occ_code: str, profile: Profile, top: int = 10) -> dict:
    """Where a person in this job is likeliest to move next in the region, among viable steps.

    Ranked by the transition prior (analysis/transitions.py `prior_scores`: similarity, the
    destination's employment in the region, job zones climbed), the model checked against observed
    CPS moves. Each step says whether it pays more (desirable) and whether it leads on to a JTM.
    """
    reg = region(con, area_code, profile)
    m = reg.model
    titles, _ = _lookups(con, reg)
    if occ_code not in m.index:
        raise UpwardError(f"O*NET rates none of the skills of {titles.get(occ_code, occ_code)} ({occ_code}), so no step from it can be judged.",
                          hint="See `upward atlas info` for which occupations O*NET covers.")
    i = m.index[occ_code]
    emp = reg.table.employment.reindex(pd.Index(m.codes)).fillna(0).to_numpy(float)
    score = prior_scores(m.sim.matrix, emp, m.job_zone_mean, profile.get("pathways.prior"))[i]
    allowed = np.isfinite(reg.cost_row(i))
    order = [j for j in np.argsort(-np.where(allowed, np.nan_to_num(score, nan=-np.inf), -np.inf), kind="stable") if allowed[j]][:top]
    pay, src = reg.pay(i)
    rows = []
    for j in order:
        gain = float(reg.wage[j] / pay - 1)
        rows.append({
            "soc": m.codes[j], "title": titles.get(m.codes[j]), "score": round(float(score[j]), 4),
            "similarity": round(float(m.sim.matrix[i, j]), 4), "viability": m.viability(occ_code, m.codes[j]),
            "median_wage": round(float(reg.wage[j])), "wage_change": round(gain, 4),
            "desirable": bool(gain >= profile.get("pathways.min_wage_gain")), "employment": plain(emp[j]),
            "is_jtm": bool(reg.jtm[j]), "skill_gap": round(float(reg.parts["gap"][i, j]), 3),
        })
    return {
        "area": area_record(con, area_code),
        "profile": profile.record(),
        "from": {"soc": occ_code, "title": titles.get(occ_code), "median_wage": round(pay), "wage_source": src},
        "prior": dict(profile.get("pathways.prior")),
        "next_steps": rows,
        "data": releases(con),
    }
