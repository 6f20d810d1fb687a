"""How alike two occupations' skill sets are, from O*NET's ratings.

Each occupation is four vectors — skills, knowledge, abilities, work activities — of
importance-weighted levels: level × (importance − 1) / 4, so an element O*NET rates as
unimportant (importance 1) counts for nothing however high its level. Two occupations'
similarity is the weighted mean, over the domains both have, of the cosine of their vectors
(weights from the profile). Where either occupation's skills come from O*NET 30 (the ten basic
skills only), the skills cosine is taken over those ten elements for both, so a partial vector
is never compared with a full one.

The pathways issue builds asymmetric transitions on top of this; here it serves the strategic
value (skill centrality) and accessibility (untapped talent) pillars.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DOMAINS = ("skills", "knowledge", "abilities", "work_activities")
BASIC_SKILL_PREFIX = "2.A."

_CACHE: dict[tuple, "Similarity"] = {}


@dataclass(frozen=True)
class Similarity:
    codes: list[str]
    index: dict[str, int]
    matrix: np.ndarray  # codes × codes, NaN where two occupations share no rated domain
    facets: dict[str, np.ndarray]  # per domain: the cosine behind the weighted mean, NaN where absent
    weights: dict[str, float]

    def of(self, a: str, b: str) -> float:
        return float(self.matrix[self.index[a], self.index[b]])

    def nearest(self, code: str, top: int) -> list[tuple[str, float]]:
        """The `top` most similar other occupations, most similar first (ties by code)."""
        row = self.matrix[self.index[code]]
        order = sorted((i for i in range(len(self.codes)) if i != self.index[code] and not np.isnan(row[i])), key=lambda i: (-row[i], self.codes[i]))
        return [(self.codes[i], float(row[i])) for i in order[:top]]

    def breakdown(self, a: str, b: str) -> dict[str, float | None]:
        i, j = self.index[a], self.index[b]
        return {d: (None if np.isnan(m[i, j]) else float(m[i, j])) for d, m in self.facets.items()}


def _vectors(con):
    rows = con.execute(
        f"""select occ_code, domain, element_id,
                   max(value) filter (where scale_id = 'LV') * (max(value) filter (where scale_id = 'IM') - 1) / 4 as v,
                   any_value(onet_release) as release
            from descriptors where domain in {DOMAINS}
            group by occ_code, domain, element_id"""
    ).fetchall()
    codes = sorted({r[0] for r in rows})
    index = {c: i for i, c in enumerate(codes)}
    elements = {d: sorted({r[2] for r in rows if r[1] == d}) for d in DOMAINS}
    mats = {d: np.full((len(codes), len(elements[d])), np.nan) for d in DOMAINS}
    pos = {d: {e: j for j, e in enumerate(elements[d])} for d in DOMAINS}
    partial_skills = np.zeros(len(codes), dtype=bool)
    for occ, domain, element, v, release in rows:
        mats[domain][index[occ], pos[domain][element]] = v if v is not None else np.nan
        if domain == "skills" and release == "30":
            partial_skills[index[occ]] = True
    basic = np.array([e.startswith(BASIC_SKILL_PREFIX) for e in elements["skills"]])
    return codes, index, mats, basic, partial_skills


def _cosine(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise cosine over rows; rows with no rating are marked absent."""
    present = ~np.isnan(m).all(axis=1)
    x = np.nan_to_num(m)
    norm = np.linalg.norm(x, axis=1)
    norm[norm == 0] = 1.0
    unit = x / norm[:, None]
    return unit @ unit.T, present


def similarity(con, weights: dict[str, float]) -> Similarity:
    """Pairwise similarity of every rated occupation (cached per atlas and weights)."""
    atlas = con.execute("select value from meta where key = 'atlas_fingerprint'").fetchone()[0]
    key = (atlas, tuple(sorted(weights.items())))
    if key in _CACHE:
        return _CACHE[key]
    codes, index, mats, basic, partial = _vectors(con)
    total = np.zeros((len(codes), len(codes)))
    wsum = np.zeros_like(total)
    facets = {}
    for domain in DOMAINS:
        w = float(weights[domain])
        cos, present = _cosine(mats[domain])
        if domain == "skills":
            basic_cos, _ = _cosine(mats[domain][:, basic])
            either_partial = partial[:, None] | partial[None, :]
            cos = np.where(either_partial, basic_cos, cos)
        both = present[:, None] & present[None, :]
        facets[domain] = np.where(both, cos, np.nan)
        total += np.where(both, w * cos, 0.0)
        wsum += np.where(both, w, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        matrix = np.where(wsum > 0, total / wsum, np.nan)
    result = Similarity(codes, index, matrix, facets, dict(weights))
    _CACHE[key] = result
    return result
