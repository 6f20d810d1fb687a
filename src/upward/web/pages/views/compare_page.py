"""Compare areas — `upward compare`."""

from __future__ import annotations

from upward.analysis import compare as compare_mod
from upward.atlas.lookup import resolve_area
from upward.profiles import Profile
from upward.web.pages._cache import memo
from upward.web.pages._tables import Col, Table
from upward.web.pages.views._charts import bar_chart
from upward.web.pages.views._common import _base, region_url


def compare(con, prof: Profile, texts: list[str]) -> dict:
    resolved = [resolve_area(con, t) for t in texts]
    codes = list(dict.fromkeys(r.code for r in resolved))
    result = memo(con, compare_mod.compare_areas, codes, prof, 5)
    ctx = _base(con, prof, "Compare regions", "compare")
    ctx.update(result=result, resolved=[r.note for r in resolved if r.note], top=5)
    areas = result["areas"]
    ctx["charts"]["c-compare"] = bar_chart(
        ["median pays the living wage", "25th percentile pays it", "opportunity occupations"],
        [{"name": a["area_name"], "data": [a.get("living_wage_median_share"), a.get("living_wage_p25_share"), a.get("opportunity_share")]} for a in areas],
        label="System indicators side by side",
    )
    ctx["charts"]["c-real"] = bar_chart(
        [a["area_name"] for a in areas],
        [{"name": "median wage", "data": [a.get("median_wage") for a in areas]},
         {"name": "real median wage (÷ price parity × 100)", "data": [a.get("real_median_wage") for a in areas]}],
        fmt="money", label="Median wage and real median wage, adjusted for the cost of living",
    )
    rows = [
        {**{k: v for k, v in a.items() if k != "top_jtms"},
         **{f"jtm_{i + 1}": f"{j['occ_code']} {j['occ_title']}" for i, j in enumerate(a["top_jtms"])}}
        for a in areas
    ]
    ctx["tables"]["areas"] = Table(
        "areas", "Side by side",
        [Col("area_name", "area", link=lambda r: region_url(r["area_code"])), Col("area_type", "type"), Col("total_employment", "jobs", "int"),
         Col("price_parity", "price parity", "num1"), Col("median_wage", "median wage", "money"), Col("real_median_wage", "real median", "money"),
         Col("living_wage", "living wage", "money"), Col("cpi_factor", "CPI-U factor", "num3"), Col("living_wage_median_share", "median pays LW", "pct"),
         Col("living_wage_p25_share", "25th pays LW", "pct"), Col("living_wage_mean_share", "mean > LW (E-W 69)", "pct"),
         Col("opportunity_share", "opportunity occ.", "pct"), Col("jtm_count", "JTMs", "int"), Col("jtm_1", "top JTM")],
        rows,
        note="A state or the nation is measured over its areas, each area's jobs against its own living wage; " + " ".join(result["notes"]),
        extra_csv=["area_code", "state_abbr", "opportunity_wage_bar", "wage_coverage", "jobs_counted", "areas_counted", "computed_from",
                   "scored_occupations", *(f"jtm_{i}" for i in range(2, 6))],
    )
    return ctx
