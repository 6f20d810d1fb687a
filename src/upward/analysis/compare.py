"""Areas side by side: living-wage access, opportunity occupations and top JTMs, cost-of-living adjusted.

Wages are compared in real terms by dividing by the area's price parity (BEA, US = 100): a
$50,000 median where prices are 90% of the national level buys what $55,556 buys on average.
The system indicators are measured alike for every kind of area (`quality.indicators`): a state
or the nation from its areas, each against its own living wage, so a metro is compared with its
state and the nation like for like.
"""

from __future__ import annotations

from upward.analysis.living_wage import price_note, years
from upward.analysis.mobilize import scored_table
from upward.analysis.quality import indicators as system_indicators
from upward.atlas.lookup import NATIONAL, area_record
from upward.atlas.provenance import releases
from upward.atlas.query import plain_record
from upward.profiles import Profile


def comparison_codes(con, area_code: str, peers: list[str] | tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(code, role) of what an area is measured against, in order: the area ("region"), its state
    ("state", for a metro or nonmetro area: the state OEWS files it under), the nation ("nation")
    unless it is the nation, then the peers the user named ("peer"), each once. The report's
    *At a glance* and the region page's system indicators compare the same areas."""
    out = [(area_code, "region")]
    state = con.execute(
        """select s.area_code from areas a join areas s on s.area_type = 'state' and s.state_code = a.state_code
           where a.area_code = ? and a.area_type in ('metro', 'nonmetro')""",
        [area_code],
    ).fetchone()
    if state:
        out.append((state[0], "state"))
    if area_code != NATIONAL:
        out.append((NATIONAL, "nation"))
    for p in peers:
        if p not in {c for c, _ in out}:
            out.append((p, "peer"))
    return out


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
