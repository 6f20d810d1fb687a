"""How alike two occupations are: seven facets of O*NET and OEWS evidence, one weighted mean.

Rated facets (O*NET skills, knowledge, abilities, work activities): each occupation is a vector
of importance-weighted levels, level × (importance − 1) / 4. Level says how much of an element
the job needs, importance whether it matters: an element rated unimportant (importance 1) counts
for nothing however high its level, and a level of 6 that is "extremely important" counts fully.
Where either occupation's skills come from O*NET 30 (its ten basic skills only), the skills cosine
is taken over those ten for both, so a partial vector is never compared with a full one.

Set facets: the O*NET detailed work activities an occupation's tasks link to, and the technology
products (UNSPSC commodities) its workers use, each a 0/1 vector over the O*NET-SOC codes rolled
up to the SOC code. Shared activities are the most direct evidence that two jobs do the same work.

Industries facet: the occupation's national employment across 4-digit NAICS industries (OEWS
industry staffing). Occupations employed side by side are where workers see, learn and move into
each other's work; O*NET ratings cannot show that.

Similarity is the weighted mean of the seven facet cosines (weights: the profile's
`[similarity.weights]`). A facet one of the two occupations has no evidence on counts as 0, not as
"left out": the residual "All Other" codes have proxy ratings but no activities or technology of
their own, and leaving those facets out would rank such vague categories above real jobs whose
activities differ honestly. An occupation is still most similar to itself. `calibrate()` derives the "viable" and "highly
viable" thresholds from the data; docs/pathways.md documents all of this, and how the facets and
weights were checked against observed moves and O*NET's related occupations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RATED = ("skills", "knowledge", "abilities", "work_activities")
SETS = ("detailed_work_activities", "technology")
FACETS = RATED + SETS + ("industries",)
BASIC_SKILL_PREFIX = "2.A."

_SET_SQL = {
    "detailed_work_activities": "select m.occ_code, t.dwa_id from onet_task_dwas t join soc_map m on m.system = 'onet' and m.code = t.onetsoc_code",
    "technology": "select m.occ_code, t.commodity_code from onet_technology_skills t join soc_map m on m.system = 'onet' and m.code = t.onetsoc_code",
}
# 4-digit NAICS (and the three OEWS government designations at that level): the finest level
# that does not double count, since OEWS publishes several levels of the same industry tree.
_INDUSTRY_SQL = """select s.occ_code, s.industry_code, s.tot_emp from oews_industry_staffing s
                   join oews_industries i using (industry_code) where i.display_level = 4 and s.tot_emp > 0"""

_CACHE: dict[tuple, "Similarity"] = {}


@dataclass(frozen=True)
class Similarity:
    codes: list[str]
    index: dict[str, int]
    matrix: np.ndarray  # codes × codes, NaN where two occupations share no facet
    facets: dict[str, np.ndarray]  # per facet: the cosine behind the weighted mean, NaN where absent
    weights: dict[str, float]

    def of(self, a: str, b: str) -> float:
        return float(self.matrix[self.index[a], self.index[b]])

    def nearest(self, code: str, top: int) -> list[tuple[str, float]]:
        """The `top` most similar other occupations, most similar first (ties by code)."""
        i = self.index[code]
        row = np.where(np.isnan(self.matrix[i]), -np.inf, self.matrix[i])
        row[i] = -np.inf
        order = np.lexsort((np.arange(len(row)), -row))  # by similarity, then by code (codes are sorted)
        return [(self.codes[j], float(row[j])) for j in order[:top] if np.isfinite(row[j])]

    def breakdown(self, a: str, b: str) -> dict[str, float | None]:
        i, j = self.index[a], self.index[b]
        return {d: (None if np.isnan(m[i, j]) else float(m[i, j])) for d, m in self.facets.items()}


@dataclass(frozen=True)
class Calibration:
    """Thresholds from the similarity within SOC groups: how alike occupations that BLS itself
    classes together are. Viable = their mean minus `sd` standard deviations (after Nesta's
    *Mapping Career Causeways*); highly viable = their mean."""

    group: str
    pairs: int
    mean: float
    sd: float
    viable: float
    highly_viable: float

    def record(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def calibrate(con, sim: Similarity, group: str = "broad", sd: float = 1.0) -> Calibration:
    column = {"broad": "broad_code", "minor": "minor_code"}[group]
    owner = dict(con.execute(f"select occ_code, {column} from occupations where level = 'detailed'").fetchall())
    groups = np.array([owner.get(c) or "" for c in sim.codes])
    same = (groups[:, None] == groups[None, :]) & (groups[:, None] != "")
    np.fill_diagonal(same, False)
    upper = np.triu(same)  # each unordered pair once
    values = sim.matrix[upper]
    values = values[~np.isnan(values)]
    mean, std = float(values.mean()), float(values.std())
    return Calibration(group, int(values.size), mean, std, mean - sd * std, mean)


def _rated(con):
    rows = con.execute(
        f"""select occ_code, domain, element_id,
                   max(value) filter (where scale_id = 'LV') * (max(value) filter (where scale_id = 'IM') - 1) / 4 as v,
                   any_value(onet_release) as release
            from descriptors where domain in {RATED}
            group by occ_code, domain, element_id"""
    ).fetchall()
    return rows


def _matrix(pairs, codes_index: dict[str, int], n: int) -> np.ndarray:
    """occupation × element matrix from (occ, element, value) triples; occupations not listed stay 0."""
    elements = sorted({p[1] for p in pairs})
    pos = {e: j for j, e in enumerate(elements)}
    m = np.zeros((n, len(elements)))
    for occ, element, value in pairs:
        if occ in codes_index:
            m[codes_index[occ], pos[element]] = value
    return m


def _cosine(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise cosine over rows; rows with no evidence (all zero or NaN) are marked absent."""
    x = np.nan_to_num(m)
    norm = np.linalg.norm(x, axis=1)
    present = norm > 0
    norm[~present] = 1.0
    unit = x / norm[:, None]
    return unit @ unit.T, present


def _facet_cosines(con) -> tuple[list[str], dict[str, np.ndarray]]:
    rated = _rated(con)
    codes = sorted({r[0] for r in rated})
    index = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    out = {}
    for domain in RATED:
        rows = [(o, e, v if v is not None else np.nan) for o, d, e, v, _ in rated if d == domain]
        m = _matrix(rows, index, n)
        cos, present = _cosine(m)
        if domain == "skills":
            partial = np.zeros(n, dtype=bool)
            for o, d, _, _, release in rated:
                if d == "skills" and release == "30":
                    partial[index[o]] = True
            elements = sorted({r[1] for r in rows})
            basic = np.array([e.startswith(BASIC_SKILL_PREFIX) for e in elements])
            basic_cos, _ = _cosine(m[:, basic])
            cos = np.where(partial[:, None] | partial[None, :], basic_cos, cos)
        out[domain] = np.where(present[:, None] & present[None, :], cos, np.nan)
    for facet in SETS:
        rows = [(o, e, 1.0) for o, e in con.execute(_SET_SQL[facet]).fetchall()]
        cos, present = _cosine(_matrix(rows, index, n))
        out[facet] = np.where(present[:, None] & present[None, :], cos, np.nan)
    cos, present = _cosine(_matrix(con.execute(_INDUSTRY_SQL).fetchall(), index, n))
    out["industries"] = np.where(present[:, None] & present[None, :], cos, np.nan)
    return codes, out


def similarity(con, weights: dict[str, float]) -> Similarity:
    """Pairwise similarity of every rated occupation (cached per atlas and weights)."""
    atlas = con.execute("select value from meta where key = 'atlas_fingerprint'").fetchone()[0]
    key = (atlas, tuple(sorted(weights.items())))
    if key in _CACHE:
        return _CACHE[key]
    base = (atlas, "facets")
    if base not in _CACHE:
        _CACHE[base] = _facet_cosines(con)
    codes, facets = _CACHE[base]
    total = np.zeros((len(codes), len(codes)))
    seen = np.zeros_like(total, dtype=bool)
    for facet in FACETS:
        present = ~np.isnan(facets[facet])
        total += float(weights.get(facet, 0.0)) * np.where(present, facets[facet], 0.0)
        seen |= present
    # an absent facet counts as no likeness (see the module docstring), so the divisor is fixed
    matrix = np.where(seen, total / sum(float(w) for w in weights.values()), np.nan)
    result = Similarity(codes, {c: i for i, c in enumerate(codes)}, matrix, facets, dict(weights))
    _CACHE[key] = result
    return result
