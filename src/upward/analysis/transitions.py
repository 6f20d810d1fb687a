"""Moving from one occupation to another: what the step asks, whether a person can take it, how likely.

Similarity is symmetric; a move is not. Going from A to B is harder when B needs more than A
uses, and some jobs cannot be entered from just anywhere, so every ordered pair carries:

* the **skill gap**: over O*NET skills and knowledge, B's importance-weighted mean shortfall,
  sum_e w_Be · max(0, level_Be − level_Ae) / sum_e w_Be with w = (importance − 1)/4, in O*NET
  level points (0–7), listed element by element by `skills_to_gain`;
* the **study** B asks of someone coming from A (analysis/requirements.py), in years. Credentials
  are specific to their occupation (a nursing-assistant certificate does not make an LPN, nor a
  dentist an optometrist): B's certificate takes its full measured length, and B's associate's,
  master's or doctoral degree at least its own length, unless a CIP programme leads to both
  occupations and A's worker holds a postsecondary award — then only the climb in level counts
  (BLS's levels in years: a nondegree award or some college 1, associate's 2, bachelor's 4,
  master's 6, doctoral 8). A bachelor's is field-specific only where IPEDS shows it is (most of
  the degrees leading to the occupation come from programmes that lead to few occupations:
  nursing, engineering, teaching), and then takes at least 2 years from another bachelor's;
  otherwise any bachelor's serves and only the climb counts;
* the **same line of work** (`related`, `line_of_work`): same SOC broad group; for a first-line
  supervisor, the workers it supervises; otherwise O*NET's related occupations (either way); or
  a move CPS observes commonly within one job family (analysis/evidence.py);
* how often people make it (**evidence**, analysis/evidence.py) and how long it takes
  (**years**: B's study + B's typical on-the-job training + the related experience B asks for).

A step is **allowed** when all of these hold (docs/pathways.md §3):

1. viably similar (the calibrated threshold) and at most `max_job_zone_step` job zones up;
2. at most `max_study_years` of new study (a longer climb is an education plan, not a step);
3. when B asks for experience in a related occupation (BLS), A is in the same line of work and
   gained it with the same kind of employers (their 3-digit NAICS industry mixes overlap by at
   least `experience_overlap`: an HR specialist is not a hospital administrator in waiting, an
   electrician is a construction foreman in waiting);
4. there is evidence people take it: CPS observes it at least sometimes (or within one CPS
   group), or it stays in the job family (SOC major group) or the line of work. A step nobody is
   seen taking into another family and line of work (file clerk → police officer) is not proposed,
   however similar the ratings look.

It is a plain **move** when B needs no credential A lacks; otherwise it "requires" B's
certificate or degree, and every face says so. The transition **prior** ranks where people go
next: standardized similarity plus the standardized log of the destination's employment minus a
penalty per job zone climbed — the model `benchmarks/transitions_cps.py` checks against observed
CPS moves (never fitted to the evidence labels above).

Pay enters per region (pathways), because the same step pays differently in Houston and Fresno.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upward.analysis.evidence import LEVELS, Evidence, evidence
from upward.analysis.requirements import SUPERVISED_MAJORS, Requirements, industry_overlap, requirements
from upward.analysis.similarity import Calibration, Similarity, calibrate, similarity
from upward.atlas.provenance import atlas_id
from upward.cache import Cache
from upward.profiles import Profile

GAP_DOMAINS = ("skills", "knowledge")
#: Evidence levels that show people make a move (or that CPS counts it within one group).
OBSERVED = ("commonly observed", "sometimes observed", "same CPS group")
#: Step kinds, by the credential B asks of A.
KINDS = ("move", "certificate", "degree", "residency")

#: ~25 MB per model (one per atlas and profile; upward.cache).
_CACHE = Cache("transition models", entries=4, megabytes=200)


@dataclass(frozen=True)
class Transitions:
    sim: Similarity
    calibration: Calibration
    job_zone: np.ndarray  # per code: O*NET job zone (1–5), NaN unknown
    job_zone_mean: np.ndarray  # per code: mean over O*NET-SOC codes, for the prior
    req: Requirements
    ev: Evidence
    elements: list[tuple[str, str, str]]  # (domain, element_id, name) of the gap columns
    level: np.ndarray  # codes × elements, O*NET level (NaN unrated)
    importance: np.ndarray  # codes × elements, O*NET importance (NaN unrated)
    gap: np.ndarray  # codes × codes: A (row) → B (column) skill gap
    related: np.ndarray  # codes × codes bool: A is in B's line of work (for B's experience rule)
    overlap: np.ndarray  # codes × codes: shared industry mix, computed for B that ask for experience (NaN elsewhere)
    related_reason: np.ndarray  # codes × codes int8 index into RELATED_REASONS (−1 none)
    study: np.ndarray  # codes × codes: years of new study B asks of A
    kind: np.ndarray  # codes × codes int8 index into KINDS
    allowed: np.ndarray  # codes × codes bool: the step rules above (pay is the region's, elsewhere)
    rules: dict

    @property
    def codes(self) -> list[str]:
        return self.sim.codes

    @property
    def index(self) -> dict[str, int]:
        return self.sim.index

    @property
    def education(self) -> np.ndarray:
        return self.req.education_rank

    def steps_up(self) -> tuple[np.ndarray, np.ndarray]:
        """Job-zone and education-level steps of every ordered pair (B − A; NaN where unknown)."""
        return self.job_zone[None, :] - self.job_zone[:, None], self.education[None, :] - self.education[:, None]

    def viable(self) -> np.ndarray:
        """The steps a person can take: similarity, job zone, study and line-of-work rules."""
        return self.allowed

    def years(self, i: int, j: int) -> float:
        """Time the step takes: B's new study, B's on-the-job training, the related experience B asks for."""
        return float(self.study[i, j] + self.req.ojt_years[j] + self.req.experience_years[j])

    def years_matrix(self) -> np.ndarray:
        return self.study + self.req.ojt_years[None, :] + self.req.experience_years[None, :]

    def viability(self, a: str, b: str) -> str:
        i, j = self.index[a], self.index[b]
        if not self.allowed[i, j]:
            return "not viable"
        return "highly viable" if self.sim.matrix[i, j] >= self.calibration.highly_viable else "viable"

    def why_not(self, a: str, b: str) -> list[str]:
        """Every rule the step a → b breaks, in words (empty when it is allowed)."""
        i, j = self.index[a], self.index[b]
        out = []
        s = self.sim.matrix[i, j]
        if not s >= self.calibration.viable:
            out.append(f"not similar enough (similarity {s:.2f} < {self.calibration.viable:.3f})")
        jz = self.job_zone[j] - self.job_zone[i]
        if jz > self.rules["max_job_zone_step"]:
            out.append(f"{jz:.0f} O*NET job zones up (at most {self.rules['max_job_zone_step']})")
        if self.study[i, j] > self.rules["max_study_years"]:
            out.append(f"{self.study[i, j]:g} years of new study for a {self.req.education[j]} (at most {self.rules['max_study_years']:g} per step)")
        if self.req.experience_years[j] > 0 and not self.related[i, j]:
            out.append(f"needs {self.req.experience[j].lower()} of experience in a related occupation, and this is not one")
        elif self.req.experience_years[j] > 0 and self.overlap[i, j] < self.rules["experience_overlap"]:
            out.append(f"needs {self.req.experience[j].lower()} of related experience with the same kind of employers, and only "
                       f"{self.overlap[i, j]:.0%} of the two jobs' industry mixes overlap (at least {self.rules['experience_overlap']:.0%})")
        level = self.ev.level(i, j)
        if level not in OBSERVED and not self.related[i, j] and self.req.major[i] != self.req.major[j]:
            out.append(f"people are {level.replace('rarely or never observed', 'rarely or never seen')} making this move (CPS), and it leaves the line of work")
        return out

    def step_facts(self, i: int, j: int) -> dict:
        """What the step asks, in words and years (the `requires` block of a pathway step)."""
        r = self.req
        kind = KINDS[int(self.kind[i, j])]
        return {
            "kind": kind,
            "credential": None if kind == "move" else r.education[j],
            "study_years": round(float(self.study[i, j]), 2),
            "on_the_job_training": r.ojt[j],
            "training_years": round(float(r.ojt_years[j]), 2),
            "related_experience": r.experience[j],
            "experience_years": round(float(r.experience_years[j]), 2),
            "line_of_work": RELATED_REASONS[int(self.related_reason[i, j])] if self.related_reason[i, j] >= 0 else None,
            "years": round(self.years(i, j), 2),
        }

    def skills_to_gain(self, a: str, b: str, top: int | None = 8) -> list[dict]:
        """The elements where B's required level exceeds A's, biggest importance-weighted shortfall first."""
        i, j = self.index[a], self.index[b]
        need, have, imp = self.level[j], self.level[i], self.importance[j]
        with np.errstate(invalid="ignore"):
            short = np.where(need > have, need - have, 0.0)
        weight = (imp - 1) / 4 * short
        order = [k for k in np.argsort(-np.nan_to_num(weight), kind="stable") if weight[k] > 0]
        out = []
        for k in order[:top] if top else order:
            domain, element_id, name = self.elements[k]
            out.append({"element_id": element_id, "name": name, "domain": domain, "required_level": round(float(need[k]), 2),
                        "current_level": round(float(have[k]), 2), "importance": round(float(imp[k]), 2)})
        return out

    def prior(self, employment: np.ndarray, cfg: dict) -> np.ndarray:
        """Where people go next, as a score matrix (higher = likelier); `employment` per code."""
        return prior_scores(self.sim.matrix, employment, self.job_zone_mean, cfg)


#: Why A counts as B's line of work (the first that applies), for B's experience rule.
RELATED_REASONS = ("same SOC broad group", "supervised by it", "O*NET related occupation", "commonly observed move in the same job family (CPS)")


def prior_scores(sim: np.ndarray, employment: np.ndarray, job_zone: np.ndarray, cfg: dict) -> np.ndarray:
    """z(similarity) + employment × z(ln destination employment) − job_zone_up × job zones climbed.

    Standardizing puts similarity and size on one scale, so the profile's `employment` weight
    reads as "how many standard deviations of likeness one deviation of size is worth". A gravity
    model of moves (size pulls, distance repels) in the form the CPS benchmark checks.
    """
    off = ~np.eye(len(sim), dtype=bool) & ~np.isnan(sim)
    z = (sim - sim[off].mean()) / sim[off].std()
    log_emp = np.log(np.maximum(np.nan_to_num(employment), 1.0))
    z_emp = (log_emp - log_emp.mean()) / (log_emp.std() or 1.0)
    climb = np.nan_to_num(np.maximum(job_zone[None, :] - job_zone[:, None], 0.0))
    score = z + cfg["employment"] * z_emp[None, :] - cfg["job_zone_up"] * climb
    return np.where(off, score, np.nan)


def _gap_inputs(con, sim: Similarity):
    rows = con.execute(
        f"""select occ_code, domain, element_id, any_value(element_name),
                   max(value) filter (where scale_id = 'LV'), max(value) filter (where scale_id = 'IM')
            from descriptors where domain in {GAP_DOMAINS} group by occ_code, domain, element_id"""
    ).fetchall()
    elements = sorted({(r[1], r[2], r[3]) for r in rows})
    pos = {(d, e): k for k, (d, e, _) in enumerate(elements)}
    n = len(sim.codes)
    level = np.full((n, len(elements)), np.nan)
    importance = np.full((n, len(elements)), np.nan)
    for occ, domain, element, _, lv, im in rows:
        if occ in sim.index and lv is not None and im is not None:
            level[sim.index[occ], pos[(domain, element)]] = lv
            importance[sim.index[occ], pos[(domain, element)]] = im
    return elements, level, importance


def gap_matrix(level: np.ndarray, importance: np.ndarray, block: int = 96) -> np.ndarray:
    """A → B skill gap for every ordered pair, over the elements both rate (NaN if none).

    B's weights are zero where B rates nothing, and an element A does not rate is given a level
    no requirement exceeds, so it adds to neither sum: the denominator is then one matrix product.
    """
    n = level.shape[0]
    rated = ~np.isnan(level)
    w = np.where(rated, np.nan_to_num((importance - 1) / 4), 0.0).astype(np.float32)
    need = np.nan_to_num(level).astype(np.float32)
    have = np.where(rated, level, np.inf).astype(np.float32)
    den = rated.astype(np.float32) @ w.T  # a × b: B's weights over the elements A rates
    num = np.empty((n, n), dtype=np.float32)
    for start in range(0, n, block):
        a = slice(start, min(start + block, n))
        short = need[None, :, :] - have[a, None, :]  # a × b × e
        np.maximum(short, 0.0, out=short)
        num[a] = np.einsum("abe,be->ab", short, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num.astype(np.float64) / den, np.nan)


def study_years(req: Requirements) -> np.ndarray:
    """codes × codes: years of new study B's entry credential asks of someone from A (rule above)."""
    kind = np.array(req.credential_kind)
    education = np.array(req.education, dtype=object)
    years_a, years_b = req.education_years[:, None], req.education_years[None, :]
    credited = (kind != "none")[:, None] & req.shares_program  # A's worker holds an award from a programme that leads to B
    own = req.credential_years[None, :]
    with np.errstate(invalid="ignore"):
        climb = np.nan_to_num(np.maximum(years_b - years_a, 0.0))
        degree = np.where(credited, climb, np.maximum(climb, own))  # a field-specific degree: its own length at least
        certificate = np.where(credited, 0.0, np.broadcast_to(own, climb.shape))
    general = (education == "Bachelor's degree") & ~req.specific_degree  # BLS names no field: any bachelor's serves
    study = np.where(general[None, :], climb, degree)
    study = np.where((kind == "certificate")[None, :], certificate, study)
    study[:, kind == "none"] = 0.0
    np.fill_diagonal(study, 0.0)
    return study




def line_of_work(req: Requirements, sim: np.ndarray, ev: Evidence) -> tuple[np.ndarray, np.ndarray]:
    """codes × codes: A counts as B's line of work, and the first reason (RELATED_REASONS index).

    What BLS means by "experience in a related occupation" is related *work*, which the SOC and
    O*NET describe: the same SOC broad group; for a first-line supervisor, the workers it
    supervises (`supervised_by`); otherwise O*NET's related occupations, either way. A move CPS
    observes commonly counts too, but only within one SOC major group (a job family): across
    families a common move says people change careers, not that their experience carries over.
    A supervisor's fellow supervisors are not its line of work, even in one broad group — SOC
    groups supervisors of different work together and O*NET lists supervisors as each other's
    relatives — so neither a security supervisor nor a police sergeant is a correctional or fire
    captain in waiting; and a minor group as a whole is too broad (11-9000 "Other Management
    Occupations" holds funeral-home and health-services managers).
    """
    n = len(req.codes)
    reason = np.full((n, n), -1, dtype=np.int8)

    def mark(mask: np.ndarray, k: int) -> None:
        reason[(reason < 0) & mask] = k

    sup = req.supervisor
    onet = (req.onet_related > 0) | (req.onet_related.T > 0)
    peers = sup[:, None] & sup[None, :]
    mark((req.broad[:, None] == req.broad[None, :]) & ~peers, 0)
    mark(supervised_by(req, sim), 1)
    mark(onet & ~sup[None, :], 2)
    with np.errstate(invalid="ignore"):
        mark((ev.share >= ev.common) & (req.major[:, None] == req.major[None, :]) & ~peers, 3)
    np.fill_diagonal(reason, -1)
    return reason >= 0, reason


def supervised_by(req: Requirements, sim: np.ndarray) -> np.ndarray:
    """codes × codes: worker A (row) is supervised by first-line supervisor B (column).

    SOC classifies the supervisors of major groups 33–53 in the group of the workers they
    supervise and pairs them at group level: where a major group has one supervisor broad group
    (47-1010 for all construction and extraction trades) it supervises every worker of the group;
    where it has several (33-1010 law enforcement, 33-1020 firefighting, 33-1090 other protective
    service), each worker *minor* group goes to the supervisor broad group its occupations are
    most similar to (the best supervisor's similarity, averaged over the minor group's occupations
    weighted by national employment: 33-2000 fire fighting → 33-1020). Within that broad group a
    worker is supervised by its most similar supervisor (correctional officers by their own
    sergeants, bailiffs by police supervisors; janitors by housekeeping supervisors, not
    landscaping ones).
    """
    n = len(req.codes)
    out = np.zeros((n, n), dtype=bool)
    sup = req.supervisor
    for major in SUPERVISED_MAJORS:
        sups = np.flatnonzero(sup & (req.major == major))
        workers = np.flatnonzero(~sup & (req.major == major))
        if len(sups) == 0 or len(workers) == 0:
            continue
        groups = sorted(set(req.broad[sups]))
        assigned = {}
        for minor in sorted(set(req.minor[workers]) - {None}):
            members = workers[req.minor[workers] == minor]
            weight = np.maximum(req.employment[members], 1.0)
            fits = []
            for g in groups:
                best = np.nan_to_num(sim[np.ix_(members, sups[req.broad[sups] == g])], nan=0.0).max(axis=1)
                fits.append(float(np.average(best, weights=weight)))
            assigned[minor] = groups[int(np.argmax(fits))]
        for i in workers:
            if req.minor[i] in assigned:
                cands = sups[req.broad[sups] == assigned[req.minor[i]]]
                out[i, cands[int(np.argmax(np.nan_to_num(sim[i, cands], nan=-1.0)))]] = True
    return out


@_CACHE.cached(lambda con, profile: (atlas_id(con), profile.hash))
def transitions(con, profile: Profile) -> Transitions:
    """The transition model for every rated occupation (cached per atlas and profile)."""
    cfg = profile.get("similarity")
    rules = {k: profile.get(f"pathways.{k}") for k in ("max_job_zone_step", "max_study_years", "experience_overlap")}
    ev_cfg = profile.get("pathways.evidence")
    sim = similarity(con, cfg["weights"])
    cal = calibrate(con, sim, cfg["calibration_group"], cfg["viable_sd"])
    facts = {r[0]: r[1:] for r in con.execute("select occ_code, job_zone, job_zone_mean from occupation_education").fetchall()}
    n = len(sim.codes)
    jz, jzm = np.full(n, np.nan), np.full(n, np.nan)
    for c, i in sim.index.items():
        zone, zone_mean = facts.get(c, (None, None))
        jz[i] = np.nan if zone is None else zone
        jzm[i] = np.nan if zone_mean is None else zone_mean
    req = requirements(con, sim.codes)
    ev = evidence(con, sim.codes, float(ev_cfg["common"]), float(ev_cfg["sometimes"]))
    related, reason = line_of_work(req, sim.matrix, ev)
    gated = np.flatnonzero(req.experience_years > 0)
    overlap = np.full((n, n), np.nan, dtype=np.float32)
    overlap[:, gated] = industry_overlap(req.industry_mix, np.arange(n), gated)
    experienced = related & ~(overlap < rules["experience_overlap"])  # unknown mixes do not block
    study = study_years(req)
    kind = np.where(study > 0, np.where((np.array(req.credential_kind) == "degree")[None, :], 2, 1), 0).astype(np.int8)
    # an internship or residency (teachers' student teaching, physicians' residency …) is a licence
    # step too, except within the broad group whose workers have done it
    residency = np.array([t == "Internship/residency" for t in req.ojt])
    kind[(kind == 0) & residency[None, :] & (req.broad[:, None] != req.broad[None, :])] = 3
    elements, level, importance = _gap_inputs(con, sim)
    levels = ev.levels()
    observed = np.isin(levels, [LEVELS.index(v) for v in OBSERVED])
    family = req.major[:, None] == req.major[None, :]
    with np.errstate(invalid="ignore"):
        allowed = ((sim.matrix >= cal.viable) & ~(jz[None, :] - jz[:, None] > rules["max_job_zone_step"])
                   & (study <= rules["max_study_years"]) & ((req.experience_years[None, :] == 0) | experienced)
                   & (observed | related | family))
    np.fill_diagonal(allowed, False)
    model = Transitions(sim, cal, jz, jzm, req, ev, elements, level, importance, gap_matrix(level, importance),
                        related, overlap, reason, study, kind, allowed, rules)
    return model
