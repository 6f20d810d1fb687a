"""The raw measures behind job quality and Jobs That Mobilize, for every occupation in one or more areas.

One row per area × detailed occupation with published employment, every value from a named
atlas table: OEWS wages (the release in use) against the MIT living wage (`living_wage.pay_frame`),
BLS projections (national rates applied to the area), BLS typical education and experience, O*NET
job zone, OEWS national staffing (industry breadth) and the spread of national employment over
areas (geographic dispersion), national wage growth between OEWS releases (`changes.wage_growth`),
CPS transitions × OEWS wages (upward moves), CPS equity and age (`dimensions.occupation_dimensions`),
AI exposure, the region's population mix (CDC SVI), and O*NET similarity with the pathway step rules
(skill centrality, untapped talent, the one-step route in). It also carries the flags that keep an
occupation off the JTM list whatever it scores: residual "All Other" codes, unreliable OEWS
estimates, supervisors and managers (career-ladder destinations), and the routes in without a
bachelor's degree. Scoring (percentile ranks, pillars) is done in `mobilize.score`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from upward.analysis.living_wage import pay_frame
from upward.analysis.requirements import EDUCATION_YEARS, EXPERIENCE_YEARS, SUPERVISED_MAJORS
from upward.analysis.transitions import transitions
from upward.atlas.provenance import atlas_id
from upward.atlas.query import exact_sum
from upward.cache import Cache
from upward.errors import UpwardError
from upward.profiles import EDUCATION_LEVELS, Profile

EXPERIENCE_ORDER = {"None": 0, "Less than 5 years": 1, "5 years or more": 2}
#: BLS on-the-job training that is itself a route into the occupation without a degree.
TRAINING_ROUTES = ("Apprenticeship",)
#: The race and ethnicity groups the integration index compares (CPS table 11 ↔ CDC SVI / ACS).
RACE_GROUPS = ("black", "hispanic", "asian")


@dataclass(frozen=True)
class Measure:
    """A pillar measure: the column ranked, its direction, where its numbers come from, and the BGI
    measure it follows (docs/job-quality.md says where it differs)."""

    column: str
    higher_is_better: bool
    sources: tuple[str, ...]  # keys of upward.bundle.sources.SOURCES; releases are read from the atlas
    what: str
    bgi: str
    level: str = "area"  # "area": the region's own figure; "national": the occupation's national figure


#: Every measure the JTM pillars use (which pillar holds which is the profile's PILLARS).
MEASURES: dict[str, Measure] = {
    # Employers
    "openings": Measure("openings", True, ("bls_projections", "bls_oews"), "annual openings: national openings per 100 jobs × the area's OEWS employment", "employment growth (local demand)"),
    "growth": Measure("growth", True, ("bls_projections",), "projected employment change over the projections period, percent", "employment growth", "national"),
    "wage_growth": Measure("wage_growth", True, ("bls_oews",), "annual growth of the national mean wage between the earliest and the current OEWS release held", "wage growth", "national"),
    "share_55_over": Measure("share_55_over", True, ("bls_cps",), "share of workers aged 55 and over (CPS table 11b): retirements employers must replace", "share of workers 55+", "national"),
    "separations": Measure("separations_rate", True, ("bls_projections",), "occupational separations per 100 jobs a year (leaving the labour force or the occupation)", "voluntary quits", "national"),
    # Workers
    # Ranked on the wage itself: within a region the living wage is one number, so the ratio
    # orders occupations exactly as the wage does, and the ranking still works where MIT has no
    # figure. The ratio is what --explain shows and what the JTM floor and the tiers test.
    "median_living_wage_ratio": Measure("a_median", True, ("bls_oews", "mit_living_wage", "bls_cpi"), "OEWS annual median wage (shown ÷ the MIT living wage)", "median wage"),
    "entry_living_wage_ratio": Measure("a_pct25", True, ("bls_oews", "mit_living_wage", "bls_cpi"), "OEWS annual 25th percentile wage (shown ÷ the MIT living wage)", "median wage (what a newcomer earns)"),
    "upward_moves": Measure("upward_moves", True, ("cps_transitions", "bls_oews"), "share of observed moves out of its CPS group that go to a better-paid group (national OEWS medians)", "transitions to higher pay", "national"),
    "wage_ladder": Measure("wage_ladder", True, ("bls_oews",), "OEWS 90th ÷ 10th percentile wage: room to rise within the occupation", "promotion rate (no public source; the ladder within the occupation stands in)"),
    "preparation_years": Measure("preparation_years", False, ("bls_projections",), "years of schooling after high school (BLS typical entry education) plus required related experience", "typical years of schooling", "national"),
    "ai_exposure": Measure("ai_exposure", False, ("gpts_are_gpts",), "share of the occupation's tasks exposed to large language models (GPTs are GPTs, human rating, β); not a forecast of job loss", "AI exposure", "national"),
    # Equity
    "women_men_pay_ratio": Measure("women_men_pay_ratio", True, ("bls_cps",), "women's ÷ men's median weekly earnings, full-time (CPS table 39)", "wage parity by gender", "national"),
    "integration": Measure("integration", True, ("bls_cps", "cdc_svi"), "1 − the mean of the sex and race/ethnicity dissimilarity between the occupation (CPS table 11) and the region (its jobs' expected sex mix; its population's race and ethnicity, ACS via CDC SVI)", "integration index"),
    # Strategy
    "skill_centrality": Measure("skill_centrality", True, ("onet_29_3", "onet_30", "bls_oews"), "O*NET similarity to the area's other jobs, weighted by their employment", "skill-set centrality"),
    "industry_breadth": Measure("industry_breadth", True, ("bls_oews",), "effective number of 3-digit NAICS industries employing it nationally (1 ÷ Σ share²)", "industry dispersion", "national"),
    "geographic_dispersion": Measure("geographic_dispersion", True, ("bls_oews",), "effective number of metro and nonmetro areas holding its national employment (1 ÷ Σ share²)", "geographic dispersion", "national"),
    "location_quotient": Measure("loc_quotient", True, ("bls_oews",), "OEWS location quotient: the area's specialisation in it", "(Upward's regional signal; BGI scores nationally)"),
}


#: The national per-occupation measures per atlas and profile (~1 MB each; upward.cache).
_NATIONAL = Cache("national occupation measures", entries=4, megabytes=16)


def occupation_measures(con, profile: Profile) -> pd.DataFrame:
    """The national, per-occupation measures (one row per detailed occupation), computed once per
    atlas and kept: projections, schooling and experience, industry and geographic dispersion,
    wage growth, upward moves, CPS equity and age, AI exposure, and the career-ladder flag."""
    return _NATIONAL.get_or_build((atlas_id(con), profile.hash), lambda: _occupation_measures(con, profile)).copy()


def _occupation_measures(con, profile: Profile) -> pd.DataFrame:
    from upward.analysis.changes import wage_growth
    from upward.analysis.dimensions import occupation_dimensions
    from upward.analysis.evidence import upward_moves

    df = con.execute(
        f"""
        with staffing as (
            select s.occ_code, s.tot_emp / sum(s.tot_emp) over (partition by s.occ_code) as share
            from oews_industry_staffing s join oews_industries i using (industry_code)
            where i.display_level = 3 and s.tot_emp > 0
        ),
        breadth as (select occ_code, 1 / {exact_sum('share * share')} as industry_breadth from staffing group by occ_code),
        spread as (
            select w.occ_code, w.tot_emp / sum(w.tot_emp) over (partition by w.occ_code) as share
            from wages w join areas a using (area_code)
            where a.area_type in ('metro', 'nonmetro') and w.tot_emp > 0
        ),
        geo as (select occ_code, 1 / {exact_sum('share * share')} as geographic_dispersion from spread group by occ_code)
        select o.occ_code, o.major_code, o.minor_code, p.emp_change_pct as growth,
               p.openings_annual / p.emp_base * 100 as openings_per_100, p.separations_rate,
               e.work_experience, e.on_the_job_training, e.job_zone::double as job_zone, b.industry_breadth, g.geographic_dispersion,
               n.a_median as national_median, n.tot_emp as national_employment
        from occupations o
        left join projections p using (occ_code)
        left join occupation_education e using (occ_code)
        left join breadth b using (occ_code)
        left join geo g using (occ_code)
        left join wages n on n.occ_code = o.occ_code and n.area_code = '0000000'
        where o.level = 'detailed'
        order by o.occ_code
        """
    ).df()
    edu = dict(con.execute("select occ_code, typical_education from projections").fetchall())
    df["preparation_years"] = df.occ_code.map(edu).map(EDUCATION_YEARS) + df.work_experience.map(EXPERIENCE_YEARS)
    try:
        growth = wage_growth(con, "0000000")
        growth = growth[~growth.top_coded.astype(bool)].set_index("occ_code")
        df["wage_growth"] = df.occ_code.map(growth.a_mean_growth_annual_pct)
        df["wage_growth_span"] = f"{growth.start_release.iloc[0]}–{growth.end_release.iloc[0]}" if len(growth) else None
    except UpwardError:  # the atlas holds one OEWS release: wage growth is missing for every occupation
        df["wage_growth"], df["wage_growth_span"] = np.nan, None
    df["upward_moves"] = upward_moves(con, df.occ_code.tolist(), df.national_median.to_numpy(float),
                                      df.national_employment.fillna(0).to_numpy(float))
    dims = occupation_dimensions(con, profile).set_index("occ_code")
    for col in ("women_share", *(f"{g}_share" for g in RACE_GROUPS), "share_55_over", "women_men_pay_ratio", "ai_exposure",
                "year_sex_race", "year_age", "year_earnings"):
        df[col] = df.occ_code.map(dims[col])
    from upward.analysis.requirements import _specific_bachelors

    df["specific_degree"] = df.occ_code.isin(_specific_bachelors(con))
    manager = df.major_code == "11-0000"
    supervisor = df.major_code.isin(SUPERVISED_MAJORS) & (df.minor_code == df.major_code.str[:3] + "1000")
    df["ladder"] = manager | supervisor
    df["ladder_kind"] = np.where(manager, "manager", np.where(supervisor, "first-line supervisor", None))
    return df


def area_measures(con, profile: Profile, area_codes: list[str] | None = None) -> pd.DataFrame:
    """Measures for every detailed occupation with published employment in the given areas (all if None):
    the pay rows (`living_wage.pay_frame`) with the occupation's national measures, the region's
    integration index, the reliability and residual flags, and the pathway measures."""
    df = pay_frame(con, profile, area_codes)
    df = df.merge(occupation_measures(con, profile).drop(columns=["national_employment"]), on="occ_code", how="left")
    df["median_vs_area_median"] = df.a_median / df.area_median
    df["wage_ladder"] = df.a_pct90 / df.a_pct10
    df["openings"] = df.employment * df.openings_per_100 / 100
    df["education_rank"] = df.typical_education.map({e: i for i, e in enumerate(EDUCATION_LEVELS)})
    df["experience_rank"] = df.work_experience.map(EXPERIENCE_ORDER)
    df["residual"] = df.occ_title.str.contains(", All Other", regex=False)
    _add_reliability(df, profile)
    _add_integration(con, df)
    _add_similarity_measures(con, df, profile)
    return df


def _add_reliability(df: pd.DataFrame, profile: Profile) -> None:
    """`unreliable` and its reason: an OEWS relative standard error above the profile's `jtm.max_rse`
    (employment or mean wage), or a 25th and 75th percentile that collapse to one value (BLS reports
    a single wage for most of the occupation's workers: there is no distribution to judge)."""
    limit = profile.get("jtm.max_rse")
    emp, wage = df.emp_prse > limit, df.mean_prse > limit
    collapsed = (df.a_pct25 == df.a_pct75) & ~df.top_coded.astype(bool)
    reason = np.where(
        emp, "employment RSE " + df.emp_prse.map("{:.1f}%".format) + f" > {limit:g}%",
        np.where(wage, "mean-wage RSE " + df.mean_prse.map("{:.1f}%".format) + f" > {limit:g}%",
                 np.where(collapsed, "25th, median and 75th percentile wages collapse to one value", None)),
    )
    df["unreliable"] = emp | wage | collapsed
    df["unreliable_because"] = pd.Series(reason, index=df.index, dtype=object)


def _add_integration(con, df: pd.DataFrame) -> None:
    """The integration index (BGI Equity): 1 − the mean of two dissimilarities between the
    occupation's workers (CPS, national) and the region: by sex, |women's share − the region's|,
    where the region's is its jobs' expected share (each occupation's CPS share weighted by the
    region's OEWS employment: SVI has no sex); by race and ethnicity, ½ Σ |share − the region's|
    over Black, Hispanic, Asian and everyone else, the region's from its population (ACS via CDC
    SVI; a state or the nation sums its counties). 1 is a workforce that looks like the region."""
    codes = sorted(df.area_code.unique())
    pop = con.execute(
        "select area_code, measure, share from area_population where area_code in (select unnest(?::varchar[])) and measure in ('black', 'hispanic', 'asian')",
        [codes],
    ).df().pivot(index="area_code", columns="measure", values="share")
    emp = df.employment.where(df.women_share.notna(), 0).fillna(0)
    women_region = (df.women_share.fillna(0) * emp).groupby(df.area_code).sum() / emp.groupby(df.area_code).sum().replace(0, np.nan)
    d_sex = (df.women_share - df.area_code.map(women_region)).abs()
    occ = pd.DataFrame({g: df[f"{g}_share"] for g in RACE_GROUPS}, index=df.index)
    # an area SVI does not cover (Puerto Rico, the territories) has no population mix: integration is missing
    reg = pd.DataFrame({g: df.area_code.map(pop[g]) if g in pop else np.nan for g in RACE_GROUPS}, index=df.index, dtype=float)
    occ["other"] = (1 - occ.sum(axis=1, min_count=len(RACE_GROUPS))).clip(lower=0)
    reg["other"] = (1 - reg.sum(axis=1, min_count=len(RACE_GROUPS))).clip(lower=0)
    d_race = (occ - reg).abs().sum(axis=1, min_count=4) / 2
    df["region_women_share"] = df.area_code.map(women_region)
    df["integration"] = 1 - (d_sex + d_race) / 2


def _add_similarity_measures(con, df: pd.DataFrame, profile: Profile) -> None:
    """Skill centrality (from the similarity matrix); untapped talent (the area's jobs in lower-paid
    occupations with an allowed step into the occupation — the pathway step rules of
    analysis/transitions.py — its one-step feeders); and the route in without a bachelor's degree:
    `entry_route` names it (its own entry education, an apprenticeship, or one allowed step from a
    lower-paid occupation that needs no bachelor's, the largest such feeder named), None when none."""
    model = transitions(con, profile)
    sim, viable = model.sim, model.allowed
    accessible_edu = set(profile.get("education.accessible"))
    centrality = np.full(len(df), np.nan)
    untapped = np.full(len(df), np.nan)
    step_in = np.full(len(df), None, dtype=object)
    positions = df.occ_code.map(sim.index)
    direct = (df.typical_education.isin(accessible_edu)).to_numpy()
    titles = df.occ_title.to_numpy()
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
        feeds = viable[np.ix_(p, p)] & lower_paid
        untapped[r] = (emp[:, None] * feeds).sum(axis=0)
        untapped[r[np.isnan(wage)]] = np.nan
        open_feeds = feeds & direct[r][:, None]
        weighted = np.where(open_feeds, emp[:, None], -1.0)
        best = weighted.argmax(axis=0)
        has = open_feeds.any(axis=0)
        for j in np.flatnonzero(has):
            step_in[r[j]] = titles[r[best[j]]]
    df["skill_centrality"] = centrality
    df["untapped_talent"] = untapped
    apprenticeship = df.on_the_job_training.isin(TRAINING_ROUTES).to_numpy()
    route = np.where(direct, "entry without a bachelor's degree (" + df.typical_education.fillna("") + ")",
                     np.where(apprenticeship, "apprenticeship",
                              np.where(pd.notna(step_in), "one step from " + pd.Series(step_in, index=df.index).fillna("").astype(str), None)))
    df["entry_route"] = pd.Series(route, index=df.index, dtype=object)
    df["reachable"] = df.entry_route.notna()
