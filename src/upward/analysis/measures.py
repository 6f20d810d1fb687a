"""The raw measures behind job quality and Jobs That Mobilize, for every occupation in one or more areas.

One row per area × detailed occupation with published employment, every value from a named
atlas table: OEWS wages (the release in use), MIT living wage for the profile's household (brought to
the wages' prices with CPI-U unless the profile says not to),
BLS projections (national rates applied to the area), BLS typical education, O*NET job
zone, OEWS national staffing patterns (industry breadth), O*NET similarity (centrality,
untapped talent). OEWS and the projections are the releases in use (upward/atlas/releases.py):
the current ones, or those a caller chose. Scoring (percentile ranks, tiers, pillars) is done elsewhere on this table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from upward.analysis.living_wage import pay_frame
from upward.analysis.transitions import transitions
from upward.profiles import EDUCATION_LEVELS, Profile

EXPERIENCE_ORDER = {"None": 0, "Less than 5 years": 1, "5 years or more": 2}

@dataclass(frozen=True)
class Measure:
    """A pillar measure: the column ranked, its direction, and where its numbers come from."""

    column: str
    higher_is_better: bool
    sources: tuple[str, ...]  # keys of upward.bundle.sources.SOURCES; releases are read from the atlas
    what: str


#: Every measure the JTM pillars use (which pillar holds which is the profile's PILLARS).
MEASURES: dict[str, Measure] = {
    # Ranked on the wage itself: within a region the living wage is one number, so the ratio
    # orders occupations exactly as the wage does, and the ranking still works where MIT has no
    # figure. The ratio is what --explain shows and what the JTM floor and the tiers test.
    "median_living_wage_ratio": Measure("a_median", True, ("bls_oews", "mit_living_wage", "bls_cpi"), "OEWS annual median wage (shown ÷ the MIT living wage)"),
    "entry_living_wage_ratio": Measure("a_pct25", True, ("bls_oews", "mit_living_wage", "bls_cpi"), "OEWS annual 25th percentile wage (shown ÷ the MIT living wage)"),
    "wage_ladder": Measure("wage_ladder", True, ("bls_oews",), "OEWS 90th ÷ 10th percentile wage"),
    "openings": Measure("openings", True, ("bls_projections", "bls_oews"), "annual openings: national openings per 100 jobs × the area's OEWS employment"),
    "growth": Measure("growth", True, ("bls_projections",), "projected employment change over the projections period, percent (national)"),
    "employment": Measure("employment", True, ("bls_oews",), "OEWS employment in the area"),
    "location_quotient": Measure("loc_quotient", True, ("bls_oews",), "OEWS location quotient"),
    "industry_breadth": Measure("industry_breadth", True, ("bls_oews",), "effective number of 3-digit NAICS industries employing it nationally (1 ÷ Σ share²)"),
    "skill_centrality": Measure("skill_centrality", True, ("onet_29_3", "onet_30", "bls_oews"), "O*NET similarity to the area's other jobs, weighted by their employment"),
    "education": Measure("education_rank", False, ("bls_projections",), "typical education needed for entry"),
    "experience": Measure("experience_rank", False, ("bls_projections",), "work experience in a related occupation"),
    "job_zone": Measure("job_zone", False, ("onet_29_3",), "O*NET job zone"),
    "untapped_talent": Measure("untapped_talent", True, ("bls_oews", "onet_29_3", "onet_30"), "jobs in the area in lower-paid occupations with an allowed step into it under the pathway rules (its one-step feeders)"),
}


def area_measures(con, profile: Profile, area_codes: list[str] | None = None) -> pd.DataFrame:
    """Measures for every detailed occupation with published employment in the given areas (all if None):
    the pay rows (`living_wage.pay_frame`) with the occupation's projections, education and breadth."""
    df = pay_frame(con, profile, area_codes)
    per_occupation = con.execute(
        """
        with staffing as (
            select s.occ_code, s.tot_emp / sum(s.tot_emp) over (partition by s.occ_code) as share
            from oews_industry_staffing s join oews_industries i using (industry_code)
            where i.display_level = 3 and s.tot_emp > 0
        ),
        breadth as (select occ_code, 1 / sum(share * share) as industry_breadth from staffing group by occ_code)
        select o.occ_code, p.emp_change_pct as growth, p.openings_annual / p.emp_base * 100 as openings_per_100,
               p.separations_rate, p.work_experience, e.job_zone::double as job_zone, b.industry_breadth
        from occupations o
        left join projections p using (occ_code)
        left join occupation_education e using (occ_code)
        left join breadth b using (occ_code)
        where o.level = 'detailed'
        """
    ).df()
    df = df.merge(per_occupation, on="occ_code", how="left")
    df["median_vs_area_median"] = df.a_median / df.area_median
    df["wage_ladder"] = df.a_pct90 / df.a_pct10
    df["openings"] = df.employment * df.openings_per_100 / 100
    df["education_rank"] = df.typical_education.map({e: i for i, e in enumerate(EDUCATION_LEVELS)})
    df["experience_rank"] = df.work_experience.map(EXPERIENCE_ORDER)
    _add_similarity_measures(con, df, profile)
    return df


def _add_similarity_measures(con, df: pd.DataFrame, profile: Profile) -> None:
    """Skill centrality (from the similarity matrix) and untapped talent (the area's jobs in
    lower-paid occupations with an allowed step into the occupation — the pathway step rules of
    analysis/transitions.py — its one-step feeders)."""
    model = transitions(con, profile)
    sim, viable = model.sim, model.allowed
    centrality = np.full(len(df), np.nan)
    untapped = np.full(len(df), np.nan)
    positions = df.occ_code.map(sim.index)
    for _, rows in df.groupby("area_code", sort=False).indices.items():
        rows = np.asarray(rows)
        pos = positions.iloc[rows]
        rated = pos.notna().to_numpy()
        r, p = rows[rated], pos[rated].astype(int).to_numpy()
        if len(r) == 0:
            continue
        s = sim.matrix[np.ix_(p, p)].copy()
        np.fill_diagonal(s, np.nan)
        emp = df.employment.to_numpy()[r]
        known = ~np.isnan(s)
        weights = np.where(known, emp[:, None], 0.0)
        centrality[r] = np.nansum(s * weights, axis=0) / weights.sum(axis=0)
        wage = df.a_median.to_numpy()[r]
        lower_paid = wage[:, None] < wage[None, :]  # source i earns less than target j
        untapped[r] = (emp[:, None] * (viable[np.ix_(p, p)] & lower_paid)).sum(axis=0)
        untapped[r[np.isnan(wage)]] = np.nan
    df["skill_centrality"] = centrality
    df["untapped_talent"] = untapped
