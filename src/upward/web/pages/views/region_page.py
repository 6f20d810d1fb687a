"""The region page and its people and dimensions — `upward region`, `quality`, `jobs`, `compare`, `skills`, `people`, `dimensions`."""

from __future__ import annotations

from pathlib import Path

from upward.analysis import compare as compare_mod
from upward.analysis import dimensions as dimensions_mod
from upward.analysis import mobilize, people as people_mod, quality, regions, skills
from upward.hub import data as hub_data
from upward.profiles import Profile
from upward.web.pages._cache import memo, peek
from upward.web.pages._tables import Col, Table
from upward.web.pages.views._charts import bar_chart
from upward.web.pages.views._common import TIER_COLORS, _base, _notes, _occ_link, pathways_url, region_url


def _peer_indicators(con, prof: Profile, codes: list[str]) -> list[dict]:
    """The system indicators of the state and the nation (`upward indicators`).

    Every area's indicators at once (`all_indicators`, computed in the background when the
    server starts) when they are ready; until then each area's own (`compare_areas`, the same
    `quality.indicators` over the same rows), cached per area.
    """
    every = peek(con, quality.all_indicators, prof)
    if every is not None:
        by_code = {r["area_code"]: r for r in every}
        return [dict(by_code[c]) for c in codes if c in by_code]
    return [{k: v for k, v in a.items() if k != "top_jtms"} for c in codes for a in memo(con, compare_mod.compare_areas, [c], prof, 5)["areas"]]


def region(con, prof: Profile, code: str, hub: Path | None = None) -> dict:
    hub = hub_data(hub)  # analysis reads the hub as data handed to it
    summary = memo(con, regions.region_summary, code, prof, None, 10)
    area = summary["area"]
    q = memo(con, quality.quality_report, code, prof, 15)
    jobs = memo(con, mobilize.jobs, code, prof, "jtm", None, False)
    land = memo(con, skills.landscape, code, prof)
    rows = [{**q["area"], **{k: v for k, v in q["indicators"].items() if k != "area_code"}}]
    rows += _peer_indicators(con, prof, [c for c, role in memo(con, compare_mod.comparison_codes, code) if role != "region"])
    for r in rows:
        r["median_wage"] = (memo(con, regions.region_summary, r["area_code"], prof, None, 10)["wages_all_occupations"] or {}).get("a_median")

    ctx = _base(con, prof, area["area_name"], "region", area)
    ctx.update(summary=summary, jobs_result=jobs, quality=q, landscape=land, peers=rows, indicators=q["indicators"])
    ctx["notes"] = _notes(q, jobs, land)
    cats = ["median pays the living wage", "25th percentile pays it", "opportunity occupations"]
    ctx["charts"]["c-indicators"] = bar_chart(
        cats,
        [{"name": a["area_name"], "data": [a.get("living_wage_median_share"), a.get("living_wage_p25_share"), a.get("opportunity_share")]} for a in rows],
        label=f"System indicators of {area['area_name']} against its state and the nation",
    )
    ctx["tables"]["indicators"] = Table(
        "indicators", "Against the state and the nation",
        [
            Col("area_name", "area", link=lambda r: region_url(r["area_code"])),
            Col("living_wage", "living wage", "money"),
            Col("cpi_factor", "CPI-U factor", "num3"),
            Col("living_wage_median_share", "median pays LW", "pct"),
            Col("living_wage_p25_share", "25th pct pays LW", "pct"),
            Col("living_wage_mean_share", "mean > LW (E-W 69)", "pct"),
            Col("opportunity_share", "opportunity occ.", "pct"),
            Col("opportunity_wage_bar", "opportunity bar", "money"),
            Col("median_wage", "median wage", "money"),
            Col("computed_from", "measured over"),
        ],
        rows,
        extra_csv=["area_code", "area_type", "total_employment", "price_parity", "wage_coverage", "jobs_counted", "areas_counted"],
    )
    tiers = q["employment_by_tier"]
    ctx["charts"]["c-tiers"] = bar_chart(
        [t["tier"] for t in tiers],
        [{"name": "jobs", "data": [t["employment"] for t in tiers]}],
        fmt="int", colors=[TIER_COLORS.get(t["tier"], "#999999") for t in tiers],
        label=f"Employment by quality tier in {area['area_name']}",
    )
    ctx["tables"]["tiers"] = Table(
        "tiers", "Employment by quality tier",
        [Col("tier", "tier"), Col("employment", "jobs", "int"), Col("share", "share", "pct")],
        tiers,
    )
    a = code
    ctx["tables"]["jtms"] = Table(
        "jtms", f"{jobs['jtm_count']} Jobs That Mobilize, ranked",
        [
            Col("rank", "#", "int"),
            Col("occ_code", "SOC", "code"),
            Col("occ_title", "occupation", link=_occ_link(a)),
            Col("employment", "jobs", "int"),
            Col("a_median", "median", "money"),
            Col("median_living_wage_ratio", "÷ LW", "num2"),
            Col("openings", "openings/yr", "int"),
            Col("pillar_employers", "employers", "score"),
            Col("pillar_workers", "workers", "score"),
            Col("pillar_equity", "equity", "score"),
            Col("pillar_strategy", "strategy", "score"),
            Col("composite", "score", "score"),
        ],
        [{"rank": i + 1, **j} for i, j in enumerate(jobs["jobs"])],
        note=("Pillars (the Burning Glass Institute's four) are percentile ranks (0–100) within the region's scored occupations; a JTM "
              "reaches each pillar's bar (" + ", ".join(f"{p} {b:g}" for p, b in jobs["bars"].items()) + "), pays the living wage at the "
              "median, is reachable without a bachelor's degree, has reliable OEWS figures and is not a residual code, supervisor or manager."),
        empty="No occupation is a Job That Mobilizes here (see the notes).",
        extra_csv=["a_pct25", "top_coded", "living_wage", "tier", "typical_education", "entry_route", "growth", "loc_quotient", "untapped_talent", "jtm"],
    )
    ctx["tables"]["ladder"] = Table(
        "ladder", f"{jobs['career_ladder_count']} career-ladder destinations (supervisors and managers that pass every condition)",
        [Col("occ_code", "SOC", "code"), Col("occ_title", "occupation", link=_occ_link(a)), Col("ladder_kind", "kind"),
         Col("employment", "jobs", "int"), Col("a_median", "median", "money"), Col("composite", "score", "score")],
        jobs["career_ladder"],
        note="Reached by promotion rather than entered, so listed apart from the JTMs (profile jtm.include_ladder).",
        empty="None here.",
    )
    ctx["tables"]["jtm_compare"] = Table(
        "jtm_compare", "How this list differs from the state's and the nation's",
        [Col("area_name", "against"), Col("jtm_count", "their JTMs", "int"), Col("shared", "JTMs here also JTMs there", "int"),
         Col("top_jaccard", "top-20 overlap (Jaccard)", "num2"), Col("only_here", "JTMs here, not there")],
        [{"area_name": c["area"]["area_name"], "jtm_count": c["jtm_count"], "shared": c["shared"], "top_jaccard": c["top_jaccard"],
          "only_here": "; ".join(x["occ_title"] for x in c["only_here"][:5])} for c in jobs["compared_with"]],
        empty="The nation has no wider list to compare with.",
    )
    ctx["tables"]["asked"] = Table(
        "asked", "The jobs boards ask about, and why each is or is not a JTM",
        [Col("occ_code", "SOC", "code"), Col("occ_title", "occupation", link=_occ_link(a)), Col("employment", "jobs", "int"),
         Col("a_median", "median", "money"), Col("median_living_wage_ratio", "÷ LW", "num2"), Col("why", "verdict")],
        [{**x, "why": "JTM" if x["jtm"] else "; ".join(x["reasons"])} for x in jobs["asked_about"]],
        note="The region's largest occupations a training programme leads to (certificate, associate's, apprenticeship, long-term "
             "on-the-job training, or a bachelor's in its own field reached in one step), at most two per SOC major group.",
    )
    ctx["tables"]["low_quality"] = Table(
        "low_quality", "Largest low-quality occupations",
        [
            Col("occ_code", "SOC", "code"),
            Col("occ_title", "occupation", link=_occ_link(a)),
            Col("employment", "jobs", "int"),
            Col("a_median", "median", "money"),
            Col("a_pct25", "25th pct", "money"),
            Col("median_living_wage_ratio", "median ÷ LW", "num2"),
            Col("typical_education", "typical education"),
            Col("pathways", "pathways", link=lambda r: pathways_url(a, **{"from": r["occ_code"]}), csv=False),
        ],
        [{**r, "pathways": "from this job"} for r in q["largest_low_quality"]],
        extra_csv=["entry_living_wage_ratio"],
    )
    gaps = land["elements"]
    top_gaps = [e for e in gaps if e.get("gap") is not None][:12]
    ctx["charts"]["c-skills"] = bar_chart(
        [e["element_name"] for e in top_gaps],
        [{"name": "supply (the region's jobs)", "data": [e["supply"] for e in top_gaps]},
         {"name": "demand (its JTMs' openings)", "data": [e["demand"] for e in top_gaps]}],
        fmt="num2", horizontal=True, label="Skill and knowledge supply against JTM demand, biggest gaps",
    )
    ctx["tables"]["skills"] = Table(
        "skills", "Skill gaps: JTM demand against the region's supply",
        [
            Col("element_name", "element"), Col("domain", "domain"), Col("supply", "supply", "num2"), Col("demand", "demand", "num2"),
            Col("gap", "gap", "num2"), Col("demand_level_meaning", "level the JTMs need"),
        ],
        gaps, show=15,
        note="O*NET level × (importance − 1)/4 (0–7): supply weighted by the region's employment, demand by its JTMs' annual openings.",
        extra_csv=["element_id", "gap_ratio", "supply_importance", "supply_level", "demand_importance", "demand_level", "rated_employment", "rated_openings", "rated_jtms"],
    )
    ctx["people"] = memo(con, people_mod.people, code, hub)
    ctx["tables"]["people"] = people_table(ctx["people"])
    ctx["notes"] += [n for n in ctx["people"]["notes"] if n in (people_mod.NOT_COVERED, people_mod.CONNECTICUT)]
    dims = memo(con, dimensions_mod.by_group, code, prof, "major-group")
    ctx["dimensions"] = dims
    ctx["tables"]["dimensions"] = dimensions_table(dims, code)
    ctx["charts"]["c-dimensions"] = dimensions_chart(dims)
    return ctx


def people_table(p: dict) -> Table:
    """`upward people`: the measures with their MOEs, the state's and the nation's shares, the need and its programs."""
    return Table(
        "people", "Who lives here and what they may need",
        [
            Col("what", "people"), Col("estimate", "count", "int"), Col("moe", "± MOE", "int"),
            Col("share", "share", "pct1"), Col("share_moe", "± MOE", "pct1"),
            Col("state_share", "state", "pct1"), Col("national_share", "U.S.", "pct1"),
            Col("need", "need it signals"), Col("programs", "programs", "int"),
        ],
        p["measures"] + p["context"],
        note="ACS 2018–2022 estimates (CDC/ATSDR SVI 2022) summed over the area's counties; ± is the 90% margin of error "
             "(√ΣMOE² for sums; the ACS proportion formula for shares). Programs: those in the area's inventory whose "
             "CIP, populations served, supports or modality answer the need.",
        empty=people_mod.NOT_COVERED,
        extra_csv=["measure", "svi_field", "universe", "universe_estimate", "universe_source", "populations_served", "supports", "cip_codes", "modalities"],
    )


def dimensions_table(d: dict, area_code: str) -> Table:
    """`upward dimensions`: every dimension of job quality per occupation group or industry."""
    return Table(
        "dimensions", "Job quality by " + ("occupation group" if d["by"] == "major-group" else "industry"),
        [
            Col("group_title", "group"), Col("employment", "jobs", "int"), Col("median_wage", "median", "money"),
            Col("median_living_wage_ratio", "÷ LW", "num2"), Col("quality_share", "in quality jobs", "pct"),
            Col("benefits", "benefits access", "pct"), Col("hazard_exposure", "hazard (0–100)", "num1"),
            Col("women_share", "women", "pct"), Col("women_men_pay_ratio", "women's ÷ men's pay", "num2"),
            Col("ai_exposure", "AI exposure", "pct"),
        ],
        d["groups"],
        note=" ".join(d["notes"]),
        extra_csv=["group_code", "occupations", "employment_share", "living_wage_share", "medical_access", "sick_leave_access",
                   "sector_sick_leave_access", *[f"{k}_coverage" for k in ("benefits", "hazard_exposure", "women_share", "women_men_pay_ratio", "ai_exposure")]],
    )


def dimensions_chart(d: dict) -> dict:
    rows = d["groups"][:22]
    return bar_chart(
        [r["group_title"].replace(" Occupations", "") for r in rows],
        [
            {"name": "in quality jobs", "data": [r["quality_share"] for r in rows]},
            {"name": "benefits access (NCS)", "data": [r["benefits"] for r in rows]},
            {"name": "hazard exposure ÷ 100 (O*NET)", "data": [None if r["hazard_exposure"] is None else r["hazard_exposure"] / 100 for r in rows]},
        ],
        horizontal=True, label="Share in quality jobs, benefits access and hazard exposure by group",
    )


def dimensions(con, prof: Profile, code: str, by: str) -> dict:
    """The dashboard view of `upward dimensions --region AREA --by major-group|industry`."""
    d = memo(con, dimensions_mod.by_group, code, prof, by)
    area = memo(con, regions.region_summary, code, prof, None, 10)["area"]
    ctx = _base(con, prof, f"Job quality by {'occupation group' if by == 'major-group' else 'industry'} in {area['area_name']}", "region", area)
    ctx.update(result=d, by=by)
    ctx["tables"]["dimensions"] = dimensions_table(d, code)
    ctx["charts"]["c-dimensions"] = dimensions_chart(d)
    return ctx
