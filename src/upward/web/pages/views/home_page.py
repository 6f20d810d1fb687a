"""The home page — `upward regions`, `upward compare`."""

from __future__ import annotations

from upward.analysis import compare as compare_mod
from upward.analysis import regions
from upward.atlas.lookup import NATIONAL
from upward.profiles import Profile
from upward.web.pages._cache import memo
from upward.web.pages._tables import Col, Table
from upward.web.pages.views._charts import bar_chart
from upward.web.pages.views._common import _base, occupation_url, region_url


HOME_METROS = 15


def home(con, prof: Profile) -> dict:
    """The nation and the largest metros: living-wage access, opportunity occupations, JTMs (`upward compare`)."""
    metros = memo(con, regions.list_areas, None, None, "metro")
    largest = sorted(metros, key=lambda a: -(a["total_employment"] or 0))[:HOME_METROS]
    result = memo(con, compare_mod.compare_areas, [NATIONAL, *(a["area_code"] for a in largest)], prof, 1)
    rows = [
        {**{k: v for k, v in a.items() if k != "top_jtms"},
         "top_jtm": a["top_jtms"][0]["occ_title"] if a["top_jtms"] else None,
         "top_jtm_code": a["top_jtms"][0]["occ_code"] if a["top_jtms"] else None}
        for a in result["areas"]
    ]
    ctx = _base(con, prof, "Find your region", "home")
    ctx["tables"]["largest"] = Table(
        "largest", f"The nation and the {HOME_METROS} largest metro areas",
        [
            Col("area_code", "code", "code"),
            Col("area_name", "area", link=lambda r: region_url(r["area_code"])),
            Col("total_employment", "jobs", "int"),
            Col("living_wage", "living wage", "money"),
            Col("living_wage_median_share", "median pays LW", "pct"),
            Col("living_wage_p25_share", "25th pct pays LW", "pct"),
            Col("opportunity_share", "opportunity occ.", "pct"),
            Col("jtm_count", "JTMs", "int"),
            Col("top_jtm", "top JTM", link=lambda r: occupation_url(r["area_code"], r["top_jtm_code"]) if r.get("top_jtm_code") else None),
        ],
        rows,
        note="Shares of the area's jobs (in occupations with a published median wage); the nation's over its areas, each against its own "
             "living wage. LW: the MIT living wage for the profile's household, brought to the wage year with CPI-U.",
        extra_csv=["area_type", "price_parity", "median_wage", "real_median_wage", "opportunity_wage_bar", "cpi_factor",
                   "living_wage_mean_share", "wage_coverage", "jobs_counted", "areas_counted", "scored_occupations", "top_jtm_code"],
    )
    ctx["charts"]["c-home"] = bar_chart(
        [r["area_name"] for r in rows],
        [
            {"name": "median pays the living wage", "data": [r["living_wage_median_share"] for r in rows]},
            {"name": "opportunity occupations", "data": [r["opportunity_share"] for r in rows]},
        ],
        horizontal=True, label="Share of jobs whose median pays the living wage, and share in opportunity occupations, by area",
    )
    ctx["household"] = result["household"]
    ctx["examples"] = ["Houston", "26420", "TX", "Fresno", "national"]
    return ctx
