"""Jobs That Mobilize: four pillars scored within a region, and two other lenses on the same data.

Each pillar is the weighted mean of its measures' percentile ranks (0–100) among the region's
scored occupations (at least the profile's minimum employment and a published median wage). A
measure where lower is better (education, experience, job zone) is ranked in reverse. A missing
measure is left out of its pillar and the other weights are rescaled; the explanation says so.
An occupation is a JTM when every pillar reaches the profile's bar and its median wage pays the
living wage; JTMs rank by the weighted mean of the pillars (the composite).

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

from upward.analysis._rows import area_record, atlas_id, plain, plain_record, releases, source_text
from upward.analysis.measures import MEASURES
from upward.analysis.quality import national_median, quality_table
from upward.cache import Cache
from upward.errors import UpwardError
from upward.profiles import PILLARS, Profile

LENSES = ("jtm", "good-promising", "opportunity")


def score(df: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """Add percentile ranks, pillar scores, the JTM flag and the composite to a measures table."""
    df = df.copy()
    df["scored"] = (df.employment >= profile.get("scoring.min_employment")) & df.a_median.notna()
    scored = df[df.scored]
    for measure, m in MEASURES.items():
        values = scored[m.column] if m.higher_is_better else -scored[m.column]
        by_area = values.groupby(scored.area_code)
        pct = by_area.rank(method="average", pct=True) * 100
        # one value shared by every occupation (or a single occupation) ranks nothing
        df[f"pct_{measure}"] = pct.where(by_area.transform("nunique") > 1)
    for pillar, measures in PILLARS.items():
        weights = profile.get(f"jtm.{pillar}")
        num = sum(df[f"pct_{m}"].fillna(0) * weights[m] for m in measures)
        den = sum(df[f"pct_{m}"].notna() * weights[m] for m in measures)
        df[f"pillar_{pillar}"] = (num / den.replace(0, np.nan)).where(df.scored)
    pw = profile.get("jtm.weights")
    df["composite"] = sum(df[f"pillar_{p}"] * pw[p] for p in PILLARS) / sum(pw.values())
    bar = profile.get("jtm.bar")
    clears = np.logical_and.reduce([df[f"pillar_{p}"] >= bar for p in PILLARS])
    pays = df.median_living_wage_ratio >= profile.get("jtm.min_median_living_wage_ratio")
    df["jtm"] = df.scored & clears & pays & df.get("gates_met", True)  # the profile's benefits/safety floors, if any
    return df


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
    "tier", "typical_education", "openings", "growth", "loc_quotient", "untapped_talent",
    "pillar_workers", "pillar_employers", "pillar_strategic", "pillar_accessibility", "composite", "jtm",
]


def jobs(con, area_code: str, profile: Profile, lens: str = "jtm", top: int | None = 25, include_all: bool = False) -> dict:
    """The ranked list of one area through one lens, with pillar scores and key raw values."""
    if lens not in LENSES:
        raise UpwardError(f"Unknown lens '{lens}'.", hint=f"Use one of: {', '.join(LENSES)}.")
    df = scored_table(con, profile, [area_code])
    scored = df[df.scored]
    if lens == "jtm":
        chosen = scored if include_all else scored[scored.jtm]
        chosen = chosen.sort_values(["jtm", "composite", "occ_code"], ascending=[False, False, True])
        chosen = chosen.assign(category=np.where(chosen.jtm, "jtm", "not jtm"))
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
    notes = []
    if len(scored) and scored.living_wage.isna().all():
        notes.append(
            "No living wage for this area (MIT covers the 50 states and DC, not Puerto Rico or the territories): "
            "pay adequacy and the JTM living-wage floor cannot be checked, so no occupation is a JTM here."
        )
    elif lens == "jtm" and len(scored) and not scored.jtm.any():
        best = scored.sort_values("composite", ascending=False).iloc[0]
        weakest = min(PILLARS, key=lambda p: best[f"pillar_{p}"])
        notes.append(
            f"No occupation reaches the bar of {profile.get('jtm.bar'):g} on every pillar here. The closest is "
            f"{best.occ_title} ({best.occ_code}), held back by its {weakest} pillar ({best[f'pillar_{weakest}']:.0f}); "
            "see --all, or --explain that occupation."
        )
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
        "good_count": int(scored.good.sum()),
        "promising_count": int(scored.promising.sum()),
        "opportunity_count": int(scored.opportunity.sum()),
        "cost_adjusted_bar": plain(df.cost_adjusted_bar.iloc[0]) if len(df) else None,
        "jobs": rows,
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
    bar = profile.get("jtm.bar")
    pillars = []
    for pillar, measures in PILLARS.items():
        weights = profile.get(f"jtm.{pillar}")
        items = []
        for m in measures:
            spec = MEASURES[m]
            shown = {"education": r["typical_education"], "experience": r["work_experience"]}.get(m)
            items.append(
                plain_record(
                    {
                        "measure": m,
                        # the two pay measures rank on the wage and are shown against the living wage
                        "value": r[m] if m in ("median_living_wage_ratio", "entry_living_wage_ratio") else r[spec.column],
                        "ranked_on": spec.column,
                        "ranked_value": r[spec.column],
                        "shown_as": shown,
                        "percentile": r[f"pct_{m}"],
                        "weight": weights[m],
                        "direction": "higher ranks higher" if spec.higher_is_better else "lower ranks higher",
                        "what": spec.what,
                        "source": source_text(con, spec.sources),
                        "missing": bool(pd.isna(r[f"pct_{m}"])),
                    }
                )
            )
        score_ = r[f"pillar_{pillar}"]
        pillars.append(
            plain_record({"pillar": pillar, "score": score_, "bar": bar, "meets_bar": bool(score_ >= bar) if not pd.isna(score_) else False, "measures": items})
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
        "composite": plain(r["composite"]),
        "living_wage_floor": plain_record({"ratio": lw_ratio, "required": floor, "met": bool(lw_ratio >= floor) if not pd.isna(lw_ratio) else False, "living_wage": r["living_wage"], "cpi_factor": r["cpi_factor"]}),
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
