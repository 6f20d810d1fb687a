"""Jobs That Mobilize: the Burning Glass Institute's four pillars scored within a region, and two other lenses.

Each pillar (Employers, Workers, Equity, Strategy; `profiles.PILLARS`, measures in
`measures.MEASURES`) is the weighted mean of its measures' percentile ranks (0–100) among the
region's scored occupations (at least the profile's minimum employment and a published median
wage). A measure where lower is better (years of preparation, AI exposure) is ranked in reverse. A
missing measure counts at the profile's `jtm.missing_percentile` (the region's median by default),
never by rescaling the other weights, so missing data never lifts an occupation above where a
median value would; the explanation lists what was missing.

An occupation is a JTM when every pillar reaches its bar (`jtm.bars`), its median pays the living
wage, a person can reach it without a bachelor's degree (`measures.entry_route`: Upward's
accessibility, a gate rather than a ranked pillar), it is not a residual "All Other" code, and its
OEWS estimate is reliable. Supervisors and managers that pass are *career-ladder destinations*,
listed apart (the default JTM list is of jobs a person can enter). JTMs rank by the composite, the
weighted mean of the pillars.

Lenses on the same measures, for comparison:
- `good-promising` (after Brookings, *Opportunity Industries*): good jobs pay at least the
  national median wage adjusted by the area's price parity; promising jobs pay less but are
  accessible without a bachelor's degree and their 90th percentile reaches that bar.
- `opportunity` (Federal Reserve opportunity occupations): accessible without a bachelor's
  degree and paying at least the cost-adjusted national median.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from upward.analysis.measures import MEASURES
from upward.analysis.quality import national_median, quality_table
from upward.atlas.lookup import area_record
from upward.atlas.provenance import atlas_id, releases, source_text
from upward.atlas.query import plain, plain_record
from upward.cache import Cache
from upward.errors import UpwardError
from upward.profiles import PILLARS, Profile

LENSES = ("jtm", "good-promising", "opportunity")
#: Each category a lens selects, with its name and rule in a board's words (the report's lens
#: table; `jobs` rows carry the category).
LENS_CATEGORIES = {
    "jtm": ("Jobs That Mobilize", "at the region's bar on the Employers, Workers and Strategy pillars (Equity is scored and ranked), a median "
            "that pays the living wage, reachable without a bachelor's degree, a reliable OEWS estimate, not a residual code, "
            "not a supervisor or manager"),
    "good": ("Good jobs (Brookings)", "median at least the national median wage adjusted for local prices (employer health insurance, part of Brookings' definition, is not measured)"),
    "promising": ("Promising jobs (Brookings)", "pay less than that, open without a bachelor's degree, and the occupation's own 90th percentile reaches the bar"),
    "opportunity": ("Opportunity occupations (Federal Reserve)", "open without a bachelor's degree and a median at least the cost-adjusted national median"),
}


def score(df: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """Add percentile ranks, pillar scores, the gates, the JTM and career-ladder flags and the
    composite to a measures table. Rows are scored within their own area; their order never matters."""
    df = df.copy()
    df["scored"] = (df.employment >= profile.get("scoring.min_employment")) & df.a_median.notna()
    scored = df[df.scored]
    fill = profile.get("jtm.missing_percentile")
    missing = pd.Series([[] for _ in range(len(df))], index=df.index, dtype=object)
    for measure, m in MEASURES.items():
        values = scored[m.column] if m.higher_is_better else -scored[m.column]
        by_area = values.groupby(scored.area_code)
        pct = by_area.rank(method="average", pct=True) * 100
        # one value shared by every occupation (or a single occupation) ranks nothing
        df[f"pct_{measure}"] = pct.where(by_area.transform("nunique") > 1)
        gone = df.scored & df[f"pct_{measure}"].isna()
        for i in np.flatnonzero(gone.to_numpy()):
            missing.iat[i] = [*missing.iat[i], measure]
    df["missing_measures"] = missing.where(df.scored, None)
    for pillar, measures in PILLARS.items():
        weights = profile.get(f"jtm.{pillar}")
        total = sum(weights.values())
        df[f"pillar_{pillar}"] = (sum(df[f"pct_{m}"].fillna(fill) * weights[m] for m in measures) / total).where(df.scored)
    pw = profile.get("jtm.weights")
    df["composite"] = sum(df[f"pillar_{p}"] * pw[p] for p in PILLARS) / sum(pw.values())
    bars = profile.get("jtm.bars")
    df["clears_bars"] = np.logical_and.reduce([df[f"pillar_{p}"] >= bars[p] for p in PILLARS])
    df["pays"] = df.median_living_wage_ratio >= profile.get("jtm.min_median_living_wage_ratio")
    reliable = ~df.unreliable.astype(bool) | profile.get("jtm.allow_unreliable")
    qualifies = (
        df.scored & df.clears_bars & df.pays & df.get("gates_met", True)  # the profile's benefits/safety floors, if any
        & df.reachable.astype(bool) & ~df.residual.astype(bool) & reliable
    )
    ladder = df.ladder.astype(bool) & ~profile.get("jtm.include_ladder")
    df["jtm"] = qualifies & ~ladder
    df["career_ladder"] = qualifies & ladder
    return df


def reasons(r, profile: Profile) -> list[str]:
    """Why an occupation is not a Job That Mobilizes (empty when it is), one plain sentence each."""
    out = []
    if not r["scored"]:
        return ["not scored here (too few jobs or no published median wage)"]
    bars = profile.get("jtm.bars")
    for p in PILLARS:
        if r[f"pillar_{p}"] < bars[p]:
            out.append(f"{p} {r[f'pillar_{p}']:.1f} < {bars[p]:g}")
    if not r["pays"]:
        ratio = r["median_living_wage_ratio"]
        out.append("no living wage for this area" if pd.isna(ratio) else f"median {ratio:.2f} × the living wage")
    if not r.get("gates_met", True):
        out.append("below the profile's benefits or safety floor")
    if not r["reachable"]:
        out.append("needs a bachelor's degree, and no allowed step in from a lower-paid job that does not")
    if r["residual"]:
        out.append('a residual "All Other" code (a mix of occupations, never a JTM)')
    if r["unreliable"] and not profile.get("jtm.allow_unreliable"):
        out.append(f"unreliable OEWS estimate: {r['unreliable_because']}")
    if r["career_ladder"]:
        out.append(f"a {r['ladder_kind']}: a career-ladder destination, listed apart")
    return out


def lens_flags(df: pd.DataFrame, nat_median: float, profile: Profile) -> pd.DataFrame:
    bar = nat_median * profile.get("opportunity.national_median_ratio") * df.price_parity / 100
    df = df.assign(cost_adjusted_bar=bar)
    df["good"] = df.scored & (df.a_median >= bar)
    df["promising"] = df.scored & ~df.good & df.accessible & (df.a_pct90 >= bar)
    df["opportunity"] = df.scored & df.accessible & (df.a_median >= bar)
    return df


#: A few areas' scored tables (ranking ~800 occupations in pandas costs ~0.3 s; jobs, the pathway graph,
#: compare, skills and programs of a region all start here; upward.cache).
_SCORED = Cache("scored tables", entries=256, megabytes=128)


def scored_table(con, profile: Profile, area_codes: list[str] | None = None) -> pd.DataFrame:
    """The quality table scored (pillars, JTM flag, composite, lenses); kept per atlas, profile and areas
    for up to 8 areas, and each caller gets its own copy."""
    if area_codes is not None and len(area_codes) <= 8:
        key = (atlas_id(con), profile.hash, tuple(area_codes))
        return _SCORED.get_or_build(key, lambda: _scored_table(con, profile, area_codes)).copy()
    return _scored_table(con, profile, area_codes)


def _scored_table(con, profile: Profile, area_codes: list[str] | None) -> pd.DataFrame:
    df = score(quality_table(con, profile, area_codes), profile)
    return lens_flags(df, national_median(con), profile)


_ROW_COLUMNS = [
    "occ_code", "occ_title", "employment", "a_median", "a_pct25", "top_coded", "living_wage", "median_living_wage_ratio",
    "tier", "typical_education", "entry_route", "openings", "growth", "loc_quotient", "untapped_talent",
    *(f"pillar_{p}" for p in PILLARS), "composite", "jtm", "career_ladder", "ladder_kind", "residual", "unreliable",
]


#: Typical entry education that is itself a training route (a programme a region funds).
TRAINED_EDUCATION = ("Postsecondary nondegree award", "Associate's degree")
#: BLS on-the-job training that is a formal route (a region funds apprenticeships and long-term OJT).
TRAINED_OJT = ("Apprenticeship", "Long-term on-the-job training")


def asked_about(scored: pd.DataFrame, profile: Profile, top: int = 10, per_group: int = 2) -> pd.DataFrame:
    """The jobs a board asks about: the region's largest occupations that a training programme
    leads to — a postsecondary award or associate's degree, an apprenticeship or long-term on-the-job
    training (BLS), or a bachelor's in the occupation's own field reached in one allowed step from a
    job that needs none (nursing) — at most `per_group` per SOC major group (the largest), `top` in
    all, largest first: the trades, nursing, truck driving, as a
    rule rather than a list. Supervisors, managers and residual codes are left out (they are not
    what a programme trains for). Each row carries its verdict and reasons."""
    s = scored[scored.scored & ~scored.ladder.astype(bool) & ~scored.residual.astype(bool)]
    trained = (s.typical_education.isin(TRAINED_EDUCATION) | s.on_the_job_training.isin(TRAINED_OJT)
               | (s.typical_education.eq("Bachelor's degree") & s.specific_degree.astype(bool)
                  & s.entry_route.fillna("").str.startswith("one step from")))
    s = s[trained].sort_values(["employment", "occ_code"], ascending=[False, True])
    s = s.groupby(s.occ_code.str[:2], sort=False).head(per_group).head(top)
    return s.assign(verdict=np.where(s.jtm, "JTM", "not a JTM"),
                    reasons=[reasons(r, profile) for _, r in s.iterrows()])


def _peers(con, area_code: str) -> list[dict]:
    """The areas a region's list is compared with: its state (for a metro or nonmetro area; a metro
    spanning states is compared with the state BLS files it under) and the nation."""
    area = area_record(con, area_code)
    out = []
    if area["area_type"] in ("metro", "nonmetro"):
        row = con.execute(
            "select area_code from areas where area_type = 'state' and state_code = (select state_code from areas where area_code = ?)", [area_code]
        ).fetchone()
        if row:
            out.append(area_record(con, row[0]))
    if area["area_type"] != "national":
        out.append(area_record(con, "0000000"))
    return out


def comparison(con, area_code: str, profile: Profile, here: pd.DataFrame, top: int = 20) -> list[dict]:
    """How the region's JTM list differs from its state's and the nation's: how many of its JTMs
    are JTMs there too, the top `top` overlap (Jaccard), and its JTMs that are not JTMs there
    (the region's own, listed by composite)."""
    mine = here[here.jtm].sort_values(["composite", "occ_code"], ascending=[False, True])
    out = []
    for peer in _peers(con, area_code):
        there = scored_table(con, profile, [peer["area_code"]])
        theirs = there[there.jtm].sort_values(["composite", "occ_code"], ascending=[False, True])
        a, b = set(mine.occ_code.head(top)), set(theirs.occ_code.head(top))
        own = mine[~mine.occ_code.isin(set(theirs.occ_code))]
        out.append({
            "area": peer,
            "jtm_count": int(len(theirs)),
            "shared": int(mine.occ_code.isin(set(theirs.occ_code)).sum()),
            "top_jaccard": plain(len(a & b) / len(a | b)) if a | b else None,
            "top": top,
            "only_here": [{"occ_code": r.occ_code, "occ_title": r.occ_title} for r in own.head(10).itertuples()],
            "only_there": [{"occ_code": r.occ_code, "occ_title": r.occ_title}
                           for r in theirs[~theirs.occ_code.isin(set(mine.occ_code))].head(10).itertuples()],
        })
    return out


def jobs(con, area_code: str, profile: Profile, lens: str = "jtm", top: int | None = 25, include_all: bool = False,
         compare: bool = True) -> dict:
    """The ranked list of one area through one lens, with pillar scores and key raw values; for the
    JTM lens also the career-ladder destinations and how the list differs from the state's and the nation's."""
    if lens not in LENSES:
        raise UpwardError(f"Unknown lens '{lens}'.", hint=f"Use one of: {', '.join(LENSES)}.")
    df = scored_table(con, profile, [area_code])
    scored = df[df.scored]
    if lens == "jtm":
        chosen = scored if include_all else scored[scored.jtm]
        chosen = chosen.sort_values(["jtm", "composite", "occ_code"], ascending=[False, False, True])
        chosen = chosen.assign(category=np.select([chosen.jtm, chosen.career_ladder], ["jtm", "ladder"], "not jtm"))
    elif lens == "good-promising":
        chosen = scored if include_all else scored[scored.good | scored.promising]
        order = np.select([chosen.good, chosen.promising], [0, 1], 2)
        chosen = chosen.assign(category=np.array(["good", "promising", "neither"])[order], _order=order)
        chosen = chosen.sort_values(["_order", "employment", "occ_code"], ascending=[True, False, True])
    else:
        chosen = scored if include_all else scored[scored.opportunity]
        chosen = chosen.assign(category=np.where(chosen.opportunity, "opportunity", "not opportunity"))
        chosen = chosen.sort_values(["opportunity", "employment", "occ_code"], ascending=[False, False, True])
    if top is not None and not include_all:
        chosen = chosen.head(top)
    rows = [plain_record(r) for r in chosen[[*_ROW_COLUMNS, "category"]].to_dict("records")]
    ladder = scored[scored.career_ladder].sort_values(["composite", "occ_code"], ascending=[False, True])
    ladder_rows = [plain_record(r) for r in ladder[_ROW_COLUMNS].head(top or len(ladder)).to_dict("records")]
    notes = []
    if len(scored) and scored.living_wage.isna().all():
        notes.append(
            "No living wage for this area (MIT covers the 50 states and DC, not Puerto Rico or the territories): "
            "pay adequacy and the JTM living-wage floor cannot be checked, so no occupation is a JTM here."
        )
    elif lens == "jtm" and len(scored) and not scored.jtm.any():
        best = scored.sort_values("composite", ascending=False).iloc[0]
        notes.append(
            f"No occupation passes every condition here. The highest composite is {best.occ_title} ({best.occ_code}): "
            f"{'; '.join(reasons(best, profile))}. See --all, or --explain that occupation."
        )
    if lens == "jtm":
        held = scored[~scored.jtm & scored.clears_bars & scored.pays & (scored.residual | scored.unreliable)]
        if len(held):
            notes.append(f"{len(held)} occupation(s) clear every bar but are residual \"All Other\" codes or unreliable OEWS estimates, "
                         "so they are not Jobs That Mobilize.")
    if len(scored) and scored.price_parity.isna().all():
        notes.append("No BEA price parity for this area: the cost-adjusted bar of the good-promising and opportunity lenses is undefined.")
    if len(scored) and scored.top_coded.any():
        notes.append("Wages marked ≥ are top-coded by BLS (footnote 5): they enter as that lower bound.")
    return {
        "area": area_record(con, area_code),
        "lens": lens,
        "profile": profile.record(),
        "household": profile.household,
        "scored_occupations": int(scored.shape[0]),
        "jtm_count": int(scored.jtm.sum()),
        "career_ladder_count": int(scored.career_ladder.sum()),
        "good_count": int(scored.good.sum()),
        "promising_count": int(scored.promising.sum()),
        "opportunity_count": int(scored.opportunity.sum()),
        "cost_adjusted_bar": plain(df.cost_adjusted_bar.iloc[0]) if len(df) else None,
        "bars": profile.get("jtm.bars"),
        "jobs": rows,
        "career_ladder": ladder_rows,
        "asked_about": [plain_record(r) for r in asked_about(scored, profile)[
            ["occ_code", "occ_title", "employment", "a_median", "median_living_wage_ratio", "typical_education", "on_the_job_training",
             *(f"pillar_{p}" for p in PILLARS), "jtm", "verdict", "reasons"]].to_dict("records")] if lens == "jtm" else [],
        "compared_with": comparison(con, area_code, profile, scored) if lens == "jtm" and compare else [],
        "notes": notes,
        "data": releases(con),
    }


def explain(con, area_code: str, occ_code: str, profile: Profile) -> dict:
    """Every measure of one occupation in one area: value, rank, weight, the bar, and its source."""
    df = scored_table(con, profile, [area_code])
    row = df[df.occ_code == occ_code]
    if row.empty:
        raise UpwardError(
            f"OEWS publishes no employment for {occ_code} in area {area_code}, so it cannot be scored there.",
            hint="Try the state or the national area, or list what is scored with: upward jobs --region AREA --all",
        )
    r = row.iloc[0]
    bars = profile.get("jtm.bars")
    fill = profile.get("jtm.missing_percentile")
    def year(v) -> str | None:
        return None if pd.isna(v) else f"{v:.0f}"

    shown_as = {"preparation_years": f"{r['preparation_years']:g} y: {r['typical_education']}" + (
        f" + {r['work_experience'].lower()} experience" if r["work_experience"] not in (None, "None") and not pd.isna(r["work_experience"]) else "")
        if not pd.isna(r["preparation_years"]) else None}
    # the year of each CPS table: 2022 (sex and race, table 11) and 2025 (age and earnings), kept visible
    cps = {"share_55_over": year(r["year_age"]), "women_men_pay_ratio": year(r["year_earnings"]), "integration": year(r["year_sex_race"])}
    release = {"wage_growth": f"OEWS {r['wage_growth_span']}" if r["wage_growth_span"] else None,
               **{k: f"CPS {v}" + (" (region: ACS 2018–2022 via CDC SVI)" if k == "integration" else "") for k, v in cps.items() if v}}
    detail = {"integration": (f"women {r['women_share']:.0%} (the region's jobs {r['region_women_share']:.0%}), Black {r['black_share']:.0%}, "
                              f"Hispanic {r['hispanic_share']:.0%}, Asian {r['asian_share']:.0%}")
              if not pd.isna(r["women_share"]) and not pd.isna(r["region_women_share"]) and not pd.isna(r["black_share"]) else None}
    pillars = []
    for pillar, measures in PILLARS.items():
        weights = profile.get(f"jtm.{pillar}")
        items = []
        for m in measures:
            spec = MEASURES[m]
            missing = bool(pd.isna(r[f"pct_{m}"]))
            items.append(
                plain_record(
                    {
                        "measure": m,
                        # the two pay measures rank on the wage and are shown against the living wage
                        "value": r[m] if m in ("median_living_wage_ratio", "entry_living_wage_ratio") else r[spec.column],
                        "ranked_on": spec.column,
                        "ranked_value": r[spec.column],
                        "shown_as": shown_as.get(m),
                        "release": release.get(m),
                        "detail": detail.get(m),
                        "percentile": r[f"pct_{m}"],
                        "counted_as": fill if missing else r[f"pct_{m}"],
                        "weight": weights[m],
                        "direction": "higher ranks higher" if spec.higher_is_better else "lower ranks higher",
                        "what": spec.what,
                        "bgi": spec.bgi,
                        "level": spec.level,
                        "source": source_text(con, spec.sources),
                        "missing": missing,
                    }
                )
            )
        score_ = r[f"pillar_{pillar}"]
        pillars.append(
            plain_record({"pillar": pillar, "score": score_, "bar": bars[pillar],
                          "meets_bar": bool(score_ >= bars[pillar]) if not pd.isna(score_) else False, "measures": items})
        )
    lw_ratio = r["median_living_wage_ratio"]
    floor = profile.get("jtm.min_median_living_wage_ratio")
    occ_count = int(df.scored.sum())
    return {
        "area": area_record(con, area_code),
        "occupation": {"occ_code": occ_code, "occ_title": r["occ_title"]},
        "profile": profile.record(),
        "household": profile.household,
        "scored": bool(r["scored"]),
        "scored_occupations": occ_count,
        "not_scored_because": None if r["scored"] else (
            f"{r['employment']:,.0f} jobs, fewer than the profile's minimum of {profile.get('scoring.min_employment')}"
            if r["employment"] < profile.get("scoring.min_employment")
            else "BLS publishes no median wage for it here"
        ),
        "jtm": bool(r["jtm"]),
        "career_ladder": bool(r["career_ladder"]),
        "not_jtm_because": reasons(r, profile) if not r["jtm"] else [],
        "composite": plain(r["composite"]),
        "missing_measures": list(r["missing_measures"] or []),
        "missing_counted_as": fill,
        "living_wage_floor": plain_record({"ratio": lw_ratio, "required": floor, "met": bool(lw_ratio >= floor) if not pd.isna(lw_ratio) else False, "living_wage": r["living_wage"], "cpi_factor": r["cpi_factor"]}),
        "access": plain_record({
            "reachable": bool(r["reachable"]), "route": r["entry_route"], "typical_education": r["typical_education"],
            "on_the_job_training": r["on_the_job_training"], "work_experience": r["work_experience"],
            "untapped_talent": r["untapped_talent"],
            "rule": "reachable without a bachelor's degree: its own typical entry education, an apprenticeship, or one allowed "
                    "pathway step from a lower-paid occupation in the region that needs none (docs/pathways.md §3)",
        }),
        "flags": plain_record({
            "residual": bool(r["residual"]), "unreliable": bool(r["unreliable"]), "unreliable_because": r["unreliable_because"],
            "emp_rse": r["emp_prse"], "mean_wage_rse": r["mean_prse"], "max_rse": profile.get("jtm.max_rse"),
            "ladder": bool(r["ladder"]), "ladder_kind": r["ladder_kind"],
        }),
        "not_measured": ["wage parity by race (BGI Equity): no public source publishes pay by race for detailed occupations",
                         "promotion rate and transitions to unemployment (BGI Workers): no public source by detailed occupation",
                         "share of entrants (BGI Employers): not published by occupation"],
        "pillars": pillars,
        "quality": plain_record(
            {
                "tier": r["tier"],
                "a_median": r["a_median"],
                "a_pct25": r["a_pct25"],
                "a_pct10": r["a_pct10"],
                "a_pct90": r["a_pct90"],
                "top_coded": bool(r["top_coded"]),
                "median_vs_area_median": r["median_vs_area_median"],
                "openings_per_100": r["openings_per_100"],
                "separations_rate": r["separations_rate"],
                "benefits": r["benefits"] if not pd.isna(r["benefits"]) else "not measured",
                "benefits_source": r["benefits_source"],
                "safety": r["safety"] if not pd.isna(r["safety"]) else "not measured",
                "safety_source": r["safety_source"],
                "hazard_exposure": r["hazard_exposure"],
                "gates_met": bool(r["gates_met"]),
            }
        ),
        "lenses": {"good": bool(r["good"]), "promising": bool(r["promising"]), "opportunity": bool(r["opportunity"]), "cost_adjusted_bar": plain(r["cost_adjusted_bar"])},
        "data": releases(con),
    }
