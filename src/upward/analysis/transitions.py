"""Moving from one occupation to another: what the step asks, whether it is viable, how likely.

Similarity is symmetric; a move is not. Going from A to B is harder when B needs more than A
uses, so every ordered pair carries:

* the **skill gap**: over O*NET skills and knowledge, B's importance-weighted mean shortfall,
  sum_e w_Be · max(0, level_Be − level_Ae) / sum_e w_Be with w = (importance − 1)/4, in O*NET
  level points (0–7). Zero whenever A's level meets B's on every element B rates, whatever else
  A has; the elements behind it are listed by `skills_to_gain`;
* the **job-zone step** and the **education step** (BLS typical entry education, in levels of
  the profile's EDUCATION_LEVELS order): how far up the preparation ladder B sits;
* **viability**: similar enough (the calibrated threshold) with a bounded step up (profile);
* a **prior** for ranking where people go next: standardized similarity plus the standardized log
  of the destination's employment (large occupations hire from everywhere) minus a penalty per job
  zone climbed. It is what `benchmarks/transitions_cps.py` checks against observed CPS moves.

Pay enters per region (pathways), because the same step pays differently in Houston and Fresno.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upward.analysis._rows import atlas_id
from upward.analysis.similarity import Calibration, Similarity, calibrate, similarity
from upward.profiles import EDUCATION_LEVELS, Profile

GAP_DOMAINS = ("skills", "knowledge")
#: Typical full-time years of schooling after high school to reach each entry level; the time a
#: step's extra education takes. "Some college, no degree" counts one year, like a nondegree award.
EDUCATION_YEARS = {
    "No formal educational credential": 0, "High school diploma or equivalent": 0, "Some college, no degree": 1,
    "Postsecondary nondegree award": 1, "Associate's degree": 2, "Bachelor's degree": 4, "Master's degree": 6,
    "Doctoral or professional degree": 8,
}

_CACHE: dict[tuple, "Transitions"] = {}


@dataclass(frozen=True)
class Transitions:
    sim: Similarity
    calibration: Calibration
    job_zone: np.ndarray  # per code: O*NET job zone (1–5), NaN unknown
    job_zone_mean: np.ndarray  # per code: mean over O*NET-SOC codes, for the prior
    education: np.ndarray  # per code: index in EDUCATION_LEVELS, NaN unknown
    years: np.ndarray  # per code: EDUCATION_YEARS, NaN unknown
    elements: list[tuple[str, str, str]]  # (domain, element_id, name) of the gap columns
    level: np.ndarray  # codes × elements, O*NET level (NaN unrated)
    importance: np.ndarray  # codes × elements, O*NET importance (NaN unrated)
    gap: np.ndarray  # codes × codes: A (row) → B (column) skill gap
    max_job_zone_step: int
    max_education_step: int

    @property
    def codes(self) -> list[str]:
        return self.sim.codes

    @property
    def index(self) -> dict[str, int]:
        return self.sim.index

    def steps_up(self) -> tuple[np.ndarray, np.ndarray]:
        """Job-zone and education steps of every ordered pair (B − A; NaN where unknown)."""
        return self.job_zone[None, :] - self.job_zone[:, None], self.education[None, :] - self.education[:, None]

    def viable(self) -> np.ndarray:
        """Similar enough, and no bigger climb than the profile allows (unknown steps don't block)."""
        jz, edu = self.steps_up()
        with np.errstate(invalid="ignore"):
            ok = (self.sim.matrix >= self.calibration.viable) & ~(jz > self.max_job_zone_step) & ~(edu > self.max_education_step)
        np.fill_diagonal(ok, False)
        return ok

    def viability(self, a: str, b: str) -> str:
        i, j = self.index[a], self.index[b]
        if not self._viable_pair(i, j):
            return "not viable"
        return "highly viable" if self.sim.matrix[i, j] >= self.calibration.highly_viable else "viable"

    def _viable_pair(self, i: int, j: int) -> bool:
        s = self.sim.matrix[i, j]
        jz = self.job_zone[j] - self.job_zone[i]
        edu = self.education[j] - self.education[i]
        return bool(i != j and s >= self.calibration.viable and not jz > self.max_job_zone_step and not edu > self.max_education_step)

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


def transitions(con, profile: Profile) -> Transitions:
    """The transition model for every rated occupation (cached per atlas and profile settings)."""
    atlas = atlas_id(con)
    cfg = profile.get("similarity")
    key = (atlas, repr(sorted(cfg.items())), profile.get("pathways.max_job_zone_step"), profile.get("pathways.max_education_step"))
    if key in _CACHE:
        return _CACHE[key]
    sim = similarity(con, cfg["weights"])
    cal = calibrate(con, sim, cfg["calibration_group"], cfg["viable_sd"])
    edu_rank = {e: i for i, e in enumerate(EDUCATION_LEVELS)}
    facts = {r[0]: r[1:] for r in con.execute("select occ_code, job_zone, job_zone_mean, typical_education from occupation_education").fetchall()}
    n = len(sim.codes)
    jz, jzm, edu, years = (np.full(n, np.nan) for _ in range(4))
    for c, i in sim.index.items():
        zone, zone_mean, education = facts.get(c, (None, None, None))
        jz[i] = np.nan if zone is None else zone
        jzm[i] = np.nan if zone_mean is None else zone_mean
        edu[i] = edu_rank.get(education, np.nan)
        years[i] = EDUCATION_YEARS.get(education, np.nan)
    elements, level, importance = _gap_inputs(con, sim)
    model = Transitions(
        sim, cal, jz, jzm, edu, years, elements, level, importance, gap_matrix(level, importance),
        int(profile.get("pathways.max_job_zone_step")), int(profile.get("pathways.max_education_step")),
    )
    _CACHE[key] = model
    return model
