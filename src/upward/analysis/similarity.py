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

from upward.atlas.provenance import atlas_id
from upward.cache import Cache

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

#: The facet cosines (~37 MB per atlas) and one ~5 MB matrix per set of weights (upward.cache).
_CACHE = Cache("similarity", entries=8, megabytes=150)


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


def _columns(con, sql: str) -> dict[str, np.ndarray]:
    """A query's result as numpy columns (no Python loop over rows)."""
    return con.execute(sql).fetchnumpy()


def _matrix(occ: np.ndarray, element: np.ndarray, value: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """occupation × element matrix (float32) and the element ids; occupations not listed stay 0."""
    elements, col = np.unique(element.astype(str), return_inverse=True)
    row = np.searchsorted(codes, occ.astype(str))
    keep = (row < len(codes)) & (codes[np.minimum(row, len(codes) - 1)] == occ.astype(str))
    m = np.zeros((len(codes), len(elements)), dtype=np.float32)
    m[row[keep], col[keep]] = value[keep]
    return m, elements


def _cosine(m: np.ndarray) -> np.ndarray:
    """Pairwise cosine over rows, NaN for any pair where a row has no evidence (all zero or NaN)."""
    x = np.nan_to_num(m).astype(np.float32)
    norm = np.linalg.norm(x, axis=1)
    present = norm > 0
    norm[~present] = 1.0
    unit = x / norm[:, None]
    cos = (unit @ unit.T).astype(np.float64)
    np.clip(cos, -1.0, 1.0, out=cos)
    cos[~present, :] = np.nan
    cos[:, ~present] = np.nan
    return cos


def _facet_cosines(con) -> tuple[list[str], dict[str, np.ndarray]]:
    rated = _columns(
        con,
        f"""select occ_code, domain, element_id,
                   coalesce(max(value) filter (where scale_id = 'LV') * (max(value) filter (where scale_id = 'IM') - 1) / 4, 'NaN'::double) as v,
                   any_value(onet_release) = '30' as basic_only
            from descriptors where domain in {RATED}
            group by occ_code, domain, element_id""",
    )
    codes = np.unique(rated["occ_code"].astype(str))
    out = {}
    for domain in RATED:
        sel = rated["domain"] == domain
        m, elements = _matrix(rated["occ_code"][sel], rated["element_id"][sel], rated["v"][sel], codes)
        cos = _cosine(m)
        if domain == "skills":
            partial = np.isin(codes, rated["occ_code"][sel & rated["basic_only"]].astype(str))
            basic = np.char.startswith(elements.astype(str), BASIC_SKILL_PREFIX)
            cos = np.where(partial[:, None] | partial[None, :], _cosine(m[:, basic]), cos)
        out[domain] = cos
    for facet in SETS:
        cols = list(_columns(con, _SET_SQL[facet]).values())
        out[facet] = _cosine(_matrix(cols[0], cols[1], np.ones(len(cols[0])), codes)[0])
    staffing = _columns(con, _INDUSTRY_SQL)
    out["industries"] = _cosine(_matrix(staffing["occ_code"], staffing["industry_code"], staffing["tot_emp"], codes)[0])
    return list(codes), out


@_CACHE.cached(lambda con, weights: (atlas_id(con), tuple(sorted(weights.items()))))
def similarity(con, weights: dict[str, float]) -> Similarity:
    """Pairwise similarity of every rated occupation (cached per atlas and weights)."""
    codes, facets = _CACHE.get_or_build((atlas_id(con), "facets"), lambda: _facet_cosines(con))
    total = np.zeros((len(codes), len(codes)))
    seen = np.zeros_like(total, dtype=bool)
    for facet in FACETS:
        present = ~np.isnan(facets[facet])
        total += float(weights.get(facet, 0.0)) * np.where(present, facets[facet], 0.0)
        seen |= present
    # an absent facet counts as no likeness (see the module docstring), so the divisor is fixed
    matrix = np.where(seen, total / sum(float(w) for w in weights.values()), np.nan)
    return Similarity(codes, {c: i for i, c in enumerate(codes)}, matrix, facets, dict(weights))


def similar_occupations(con, occ_code: str, occ_title: str, profile, top: int = 10) -> dict:
    """`upward similar SOC`: the nearest occupations, each with the seven facets behind it."""
    from upward.errors import UpwardError

    sim = similarity(con, profile.get("similarity.weights"))
    if occ_code not in sim.index:
        raise UpwardError(f"O*NET rates none of the skills, knowledge, abilities or work activities of {occ_title} ({occ_code}), so its similarity is unknown.",
                          hint="See `upward atlas info` for which occupations O*NET covers.")
    titles = dict(con.execute("select occ_code, occ_title from occupations").fetchall())
    near = [
        {"soc": o, "title": titles.get(o), "similarity": v, **{f"facet_{d}": f for d, f in sim.breakdown(occ_code, o).items()}}
        for o, v in sim.nearest(occ_code, top)
    ]
    return {"soc": occ_code, "title": occ_title, "weights": sim.weights, "profile": profile.record(), "similar": near}


def every_similar(con, profile, top: int = 10) -> list[dict]:
    """`upward similar --all`: every rated occupation's nearest, in rank order (for evaluation and exports)."""
    sim = similarity(con, profile.get("similarity.weights"))
    return [{"soc": c, "similar": [{"soc": o, "similarity": round(v, 6)} for o, v in sim.nearest(c, top)]} for c in sim.codes]
