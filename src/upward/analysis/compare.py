"""Areas side by side: living-wage access, opportunity occupations and top JTMs, cost-of-living adjusted.

Wages are compared in real terms by dividing by the area's price parity (BEA, US = 100): a
$50,000 median where prices are 90% of the national level buys what $55,556 buys on average.
The system indicators are measured alike for every kind of area (`quality.indicators`): a state
or the nation from its areas, each against its own living wage, so a metro is compared with its
state and the nation like for like.
"""

from __future__ import annotations

from upward.atlas.lookup import area_record

from upward.atlas.provenance import releases

from upward.atlas.query import plain_record
from upward.analysis.living_wage import price_note, years
from upward.analysis.mobilize import scored_table
from upward.analysis.quality import indicators as system_indicators
from upward.profiles import Profile


def compare_areas(con, area_codes: list[str], profile: Profile, top: int = 5) -> dict:
    area_codes = list(dict.fromkeys(area_codes))  # the same area typed twice is compared once
    df = scored_table(con, profile, area_codes)
    indicators = {r["area_code"]: r for r in system_indicators(con, profile, area_codes).drop(columns="employment_by_tier").to_dict("records")}
    areas = []
    for code in area_codes:
        area = area_record(con, code)
        here = df[df.area_code == code]
        median = float(here.area_median.iloc[0]) if len(here) else None
        g = here[here.scored]
        top_jtm = g[g.jtm].sort_values(["composite", "occ_code"], ascending=[False, True]).head(top)
        rpp = area["price_parity"]
        areas.append(
            {
                **area,
                "median_wage": median,
                "real_median_wage": median / rpp * 100 if median and rpp else None,
                **{k: v for k, v in plain_record(indicators.get(code, {})).items() if k != "area_code"},
                "jtm_count": int(g.jtm.sum()),
                "scored_occupations": int(len(g)),
                "top_jtms": [
                    {
                        "occ_code": r.occ_code,
                        "occ_title": r.occ_title,
                        "composite": float(r.composite),
                        "a_median": float(r.a_median),
                        "real_median": float(r.a_median / rpp * 100) if rpp else None,
                    }
                    for r in top_jtm.itertuples()
                ],
            }
        )
    return {"profile": profile.record(), "household": profile.household, "areas": areas,
            "notes": [price_note(profile, *years(con))], "data": releases(con)}
