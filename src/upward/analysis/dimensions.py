"""Job quality beyond pay, per occupation, and every dimension by occupation group or industry.

`occupation_dimensions` is the one place each per-occupation figure is computed (the JTM pillars,
the quality table, the occupation page and `upward dimensions` all read it): benefits (BLS NCS
group-level access rates combined by the profile's weights), safety (O*NET exposure to hazardous
conditions), equity (CPS women's share, women's ÷ men's median weekly earnings, race and
ethnicity, workers 55 and over) and exposure to generative AI (GPTs are GPTs, Working with AI).
These are national figures: none of the sources is published by area.

`by_group` answers "how do pay, benefits and safety vary by occupation category or industry" for
one region: the region's OEWS employment weights every occupation's figures within its SOC
major group, or within each NAICS sector by the occupation's national staffing pattern.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from upward.atlas.lookup import area_record
from upward.atlas.provenance import atlas_id, releases
from upward.atlas.query import plain, plain_record
from upward.cache import Cache
from upward.errors import UpwardError
from upward.profiles import BENEFIT_COMPONENTS, Profile

#: Benefit component → the `occupation_benefits` column (a percent) it reads.
_COMPONENT_COLUMNS = {
    "medical_by_group": "medical_access",
    "sick_leave_by_industry": "sick_leave_access",
    "retirement_by_wage": "retirement_access_wage",
    "medical_by_wage": "medical_access_wage",
    "sick_leave_by_wage": "sick_leave_access_wage",
}
assert set(_COMPONENT_COLUMNS) == set(BENEFIT_COMPONENTS)

#: NCS surveys private industry and state and local government, not federal workers: an
#: occupation whose jobs are mostly federal has no benefits figure.
MAX_FEDERAL_SHARE = 0.5

BENEFITS_LABEL = "group-level estimate (BLS NCS access rates of the occupation's group, industries and wage quartile)"

#: The per-occupation table per atlas and benefit weights (~1 MB each; upward.cache).
_CACHE = Cache("occupation dimensions", entries=8, megabytes=16)


def occupation_dimensions(con, profile: Profile) -> pd.DataFrame:
    """One row per atlas occupation with every non-pay dimension (see the module docstring).

    Columns (shares and access rates as 0–1):
    - benefits: `benefits` (the weighted mean of the components the profile weights, over those
      available), `benefits_basis`, `medical_access`, `medical_group`, `medical_basis`,
      `sick_leave_access`, `sick_leave_coverage`, `wage_quartile`, `retirement_access_wage`,
      `medical_access_wage`, `life_insurance_access_wage`, `sick_leave_access_wage`,
      `vacation_access_wage`, `holidays_access_wage`, `federal_share`;
    - safety: `hazard_exposure` (O*NET 0–100), `hazard_method`, `safety` (1 − exposure/100);
    - equity: `women_share`, `black_share`, `hispanic_share`, `asian_share`, `white_share`,
      `women_median_weekly`, `men_median_weekly`, `women_men_pay_ratio`, `share_55_64`,
      `share_65_over`, `share_55_over`, `median_age`, `cps_match`, `census_titles`;
    - AI: `ai_exposure` (GPTs are GPTs, human rating, β), `ai_exposure_gpt4` (GPT-4 rating, β),
      `ai_applicability` (Working with AI), `ai_method`.
    """
    weights = profile.get("benefits.weights")
    key = (atlas_id(con), tuple(sorted(weights.items())))
    return _CACHE.get_or_build(key, lambda: _occupation_dimensions(con, weights)).copy()


def _occupation_dimensions(con, weights: dict) -> pd.DataFrame:
    df = con.execute(
        """
        select o.occ_code, o.occ_title, o.major_code,
               b.medical_access / 100 as medical_access, b.medical_group, b.medical_basis,
               b.sick_leave_access / 100 as sick_leave_access, least(b.sick_leave_coverage, 1) as sick_leave_coverage, b.sick_leave_year,
               b.wage_quartile, b.retirement_access_wage / 100 as retirement_access_wage, b.medical_access_wage / 100 as medical_access_wage,
               b.life_insurance_access_wage / 100 as life_insurance_access_wage, b.sick_leave_access_wage / 100 as sick_leave_access_wage,
               b.vacation_access_wage / 100 as vacation_access_wage, b.holidays_access_wage / 100 as holidays_access_wage,
               coalesce(b.federal_share, 0) as federal_share,
               h.hazard_score as hazard_exposure, h.method as hazard_method,
               c.women_share, c.black_share, c.hispanic_share, c.asian_share, c.white_share,
               c.women_median_weekly, c.men_median_weekly, c.women_men_pay_ratio,
               c.share_55_64, c.share_65_over, c.share_55_over, c.median_age, c.cps_match, c.census_titles,
               c.year_sex_race, c.year_age, c.year_earnings,
               a.gpts_human_beta as ai_exposure, a.gpts_gpt4_beta as ai_exposure_gpt4, a.ai_applicability,
               a.gpts_method as ai_method
        from occupations o
        left join occupation_benefits b using (occ_code)
        left join occupation_hazard h using (occ_code)
        left join occupation_demographics c using (occ_code)
        left join occupation_ai_exposure a using (occ_code)
        where o.level = 'detailed'
        order by o.occ_code
        """
    ).df()
    num = sum(df[_COMPONENT_COLUMNS[k]].fillna(0) * w for k, w in weights.items())
    den = sum(df[_COMPONENT_COLUMNS[k]].notna() * w for k, w in weights.items())
    benefits = num / den.replace(0, np.nan)
    federal = df.federal_share > MAX_FEDERAL_SHARE
    df["benefits"] = benefits.mask(federal)
    df["benefits_basis"] = np.where(
        federal, "not measured: most of its jobs are federal, and NCS does not survey federal workers",
        np.where(benefits.notna(), BENEFITS_LABEL, "not measured"),
    )
    df["safety"] = (1 - df.hazard_exposure / 100).round(6)
    return df


def occupation_record(con, occ_code: str, profile: Profile) -> dict:
    """The dimensions of one occupation, grouped and labelled for the occupation page and JSON."""
    df = occupation_dimensions(con, profile)
    row = df[df.occ_code == occ_code]
    if row.empty:
        return {"available": False}
    r = plain_record(row.iloc[0].to_dict())
    return {
        "available": True,
        "level": "national (the sources publish no area figures)",
        "benefits": {
            "value": r["benefits"], "basis": r["benefits_basis"], "weights": profile.get("benefits.weights"),
            "medical_access": r["medical_access"], "medical_group": r["medical_group"], "medical_basis": r["medical_basis"],
            "sick_leave_access": r["sick_leave_access"], "sick_leave_coverage": r["sick_leave_coverage"], "sick_leave_year": r["sick_leave_year"],
            "wage_quartile": r["wage_quartile"],
            **{k: r[k] for k in ("retirement_access_wage", "medical_access_wage", "life_insurance_access_wage",
                                  "sick_leave_access_wage", "vacation_access_wage", "holidays_access_wage")},
            "federal_share": r["federal_share"],
            "source": "BLS National Compensation Survey: medical care by occupational group (March 2025), paid sick leave by industry "
                      "(March, latest year) weighted by OEWS national staffing, access by wage quartile (March 2022 and 2023)",
        },
        "safety": {
            "hazard_exposure": r["hazard_exposure"], "safety": r["safety"], "method": r["hazard_method"],
            "source": "O*NET 30 Work Context, Exposed to Hazardous Conditions (0 never to 100 every day); BLS injury and fatality "
                      "rates by occupation are not bundled",
        },
        "equity": {
            "women_share": r["women_share"], "black_share": r["black_share"], "hispanic_share": r["hispanic_share"],
            "asian_share": r["asian_share"], "white_share": r["white_share"],
            "women_median_weekly": r["women_median_weekly"], "men_median_weekly": r["men_median_weekly"],
            "women_men_pay_ratio": r["women_men_pay_ratio"],
            "share_55_over": r["share_55_over"], "share_65_over": r["share_65_over"], "median_age": r["median_age"],
            "census_occupation": r["census_titles"], "match": r["cps_match"],
            "years": {"sex_race": r["year_sex_race"], "age": r["year_age"], "earnings": r["year_earnings"]},
            "source": "BLS CPS annual averages, tables 11, 11b and 39, by 2018 Census occupation (national)",
        },
        "ai": {
            "exposure": r["ai_exposure"], "exposure_gpt4": r["ai_exposure_gpt4"], "applicability": r["ai_applicability"],
            "method": r["ai_method"],
            "source": "GPTs are GPTs (Eloundou et al. 2024): share of tasks exposed, β, human and GPT-4 ratings; Working with AI "
                      "(Tomlinson et al. 2025): AI applicability score. Exposure is not a forecast of job loss.",
        },
    }


# ---------------------------------------------------------------------------------------------
# by occupation group or industry

BY = ("major-group", "industry")


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float | None:
    ok = ~np.isnan(values) & (weights > 0)
    if not ok.any():
        return None
    v, w = values[ok], weights[ok]
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, cum[-1] / 2)])


#: A group's figure needs figures for at least this share of its employment; below it the mean
#: would describe a few occupations, not the group (the coverage is reported either way).
MIN_COVERAGE = 0.5


def _weighted_mean(values: pd.Series, weights: pd.Series) -> tuple[float | None, float]:
    """The mean over rows with a value (None below MIN_COVERAGE), and the share of the weight those rows hold."""
    ok = values.notna() & (weights > 0)
    total = weights[weights > 0].sum()
    covered = float(weights[ok].sum() / total) if total else 0.0
    if not ok.any() or covered < MIN_COVERAGE:
        return None, covered
    return float((values[ok] * weights[ok]).sum() / weights[ok].sum()), covered


_FIGURES = {
    "benefits": "benefits",
    "medical_access": "medical_access",
    "sick_leave_access": "sick_leave_access",
    "hazard_exposure": "hazard_exposure",
    "women_share": "women_share",
    "women_men_pay_ratio": "women_men_pay_ratio",
    "ai_exposure": "ai_exposure",
}


def _summarise(g: pd.DataFrame, weight: str) -> dict:
    w = g[weight]
    emp = float(w.sum())
    lw = g.living_wage.dropna()
    median = _weighted_median(g.a_median.to_numpy(dtype=float), w.to_numpy(dtype=float))
    out = {
        "employment": emp,
        "occupations": int((w > 0).sum()),
        "median_wage": median,
        "median_living_wage_ratio": median / float(lw.iloc[0]) if median is not None and len(lw) else None,
        "quality_share": float(w[g.tier == "quality"].sum() / emp) if emp else None,
        "living_wage_share": float(w[g.median_living_wage_ratio >= 1].sum() / emp) if emp and len(lw) else None,
    }
    for name, col in _FIGURES.items():
        out[name], out[f"{name}_coverage"] = _weighted_mean(g[col], w)
    return out


def by_group(con, area_code: str, profile: Profile, by: str = "major-group") -> dict:
    """Employment, pay against the living wage, benefits, hazard, women's pay ratio, AI exposure and
    the share in quality jobs, per SOC major group or per NAICS sector, in one region."""
    from upward.analysis.quality import quality_table

    if by not in BY:
        raise UpwardError(f"Unknown grouping '{by}'.", hint=f"Use one of: {', '.join(BY)}.")
    df = quality_table(con, profile, [area_code])
    df = df[df.employment.notna() & (df.employment > 0)]
    if by == "major-group":
        titles = dict(con.execute("select group_code, title from occupation_groups where level = 'major'").fetchall())
        majors = df.occ_code.str[:2] + "-0000"
        rows = []
        for code, g in df.groupby(majors, sort=True):
            rows.append({"group_code": code, "group_title": titles.get(code, code), **_summarise(g, "employment")})
        weighting = "the region's OEWS employment in each detailed occupation"
    else:
        sectors = con.execute(
            """
            with s as (
                select st.occ_code, st.industry_code, i.industry_title, st.tot_emp,
                       st.tot_emp / sum(st.tot_emp) over (partition by st.occ_code) as share
                from oews_industry_staffing st join oews_industries i using (industry_code)
                where i.display_level = 2 and st.industry_code similar to '[0-9]{2}-{1,2}[0-9]{2,3}' and st.tot_emp > 0
            )
            select * from s
            """
        ).df()
        rates = _sector_sick_leave(con)
        x = df.merge(sectors[["occ_code", "industry_code", "industry_title", "share"]], on="occ_code", how="inner")
        x["sector_employment"] = x.employment * x.share
        rows = []
        for (code, title), g in x.groupby(["industry_code", "industry_title"], sort=True):
            rows.append({
                "group_code": code, "group_title": re.sub(r"^Sectors? [\d, and]+ - ", "", title), **_summarise(g, "sector_employment"),
                "sector_sick_leave_access": rates.get(code),
            })
        weighting = ("the region's OEWS employment in each detailed occupation spread over industries by the occupation's "
                     "national staffing pattern (OEWS publishes no industry × occupation cells below the nation)")
    total = df.employment.sum()
    for r in rows:
        r["employment_share"] = r["employment"] / total if total else None
    if by == "industry":
        rows.sort(key=lambda r: -r["employment"])
    notes = [
        f"Weights: {weighting}. Pay is the employment-weighted median of the occupations' median wages; benefits, hazard, "
        "women's share and pay ratio and AI exposure are employment-weighted means of national occupation figures, each "
        f"with the share of employment it covers (the columns ending in _coverage); a group figure covering under {MIN_COVERAGE:.0%} of the "
        "group's jobs is left out (CPS publishes no women's median below 50,000 full-time workers).",
        "Benefits are group-level estimates (BLS NCS), not the occupations' own figures; hazard is O*NET's 0–100 exposure to "
        "hazardous conditions; the pay ratio is CPS women's ÷ men's median weekly earnings (full-time, national).",
    ]
    if df.living_wage.isna().all():
        notes.append("No living wage for this area (MIT covers the 50 states and DC): pay against the living wage and quality shares are unknown.")
    return {
        "area": area_record(con, area_code),
        "by": by,
        "profile": profile.record(),
        "household": profile.household,
        "living_wage": plain(df.living_wage.dropna().iloc[0]) if df.living_wage.notna().any() else None,
        "employment": plain(total),
        "groups": [plain_record(r) for r in rows],
        "notes": notes,
        "data": releases(con),
    }


def _sector_sick_leave(con) -> dict[str, float]:
    """NCS's own paid-sick-leave access rate (private industry, latest March) for each OEWS sector."""
    from upward.sources.ncs import PUBLIC_SERIES, SECTOR_SERIES

    year = con.execute("select max(year) from ncs_sick_leave_by_industry").fetchone()[0]
    published = dict(con.execute(
        "select industry_code, sick_leave_access_pct from ncs_sick_leave_by_industry where ownership = 'private' and year = ?", [year]
    ).fetchall())
    sectors = [r[0] for r in con.execute("select industry_code from oews_industries where display_level = 2").fetchall()]
    public = con.execute(
        "select sick_leave_access_pct from ncs_sick_leave_by_industry where ownership = 'public' and industry_code = ? and year = ?",
        [PUBLIC_SERIES, year],
    ).fetchone()
    out = {}
    for code in sectors:
        if code.startswith("99-") and public:  # government: the state and local government rate (NCS has no federal figure)
            out[code] = public[0] / 100
            continue
        chain = SECTOR_SERIES.get(code[:2])
        if not chain:
            continue
        for series in chain:
            if series in published:
                out[code] = published[series] / 100
                break
    return out
