"""What each page shows: the analysis calls behind it, turned into tables and chart data.

Every number comes from the same analysis function the CLI command named in the docstring
calls; nothing here computes a measure of its own. A view returns the template's context:
`title`, `tables` (name → Table, each downloadable as CSV), `charts` (id → chart spec, embedded
in the page as JSON), `notes`, and the `data`/`profile` records the results carry.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode

from upward.analysis import compare as compare_mod
from upward.analysis import dimensions as dimensions_mod
from upward.analysis import mobilize, occupations, pathways as pathways_mod, people as people_mod, programs as programs_mod, quality, regions, skills
from upward.analysis._rows import plain_record, releases
from upward.atlas.lookup import NATIONAL, resolve_area, resolve_occupation
from upward.errors import NotFoundError, UpwardError
from upward.formats import OKABE_ITO, TIER_COLOURS
from upward.hub import data as hub_data
from upward.profiles import Profile
from upward.web.pages._cache import memo, peek
from upward.web.pages._tables import Col, Table

TIER_COLORS = TIER_COLOURS  # the one palette (upward.formats), under the name the templates know
TIER_ORDER = ["quality", "near-quality", "low", "unknown"]


# ---------------------------------------------------------------------------------------------
# Links


def region_url(code: str) -> str:
    return f"/regions/{quote(code)}"


def occupation_url(area: str, soc: str) -> str:
    return f"/regions/{quote(area)}/occupations/{quote(soc)}"


def pathways_url(area: str, **params) -> str:
    q = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"/regions/{quote(area)}/pathways" + (f"?{q}" if q else "")


def _occ_link(area: str, key: str = "occ_code"):
    return lambda r: occupation_url(area, r[key]) if r.get(key) else None


def _notes(*results) -> list[str]:
    seen: list[str] = []
    for r in results:
        for n in (r or {}).get("notes", []) or []:
            if n not in seen:
                seen.append(n)
    return seen


def _base(con, prof: Profile, title: str, nav: str, area: dict | None = None) -> dict:
    return {
        "title": title,
        "nav": nav,
        "area": area,
        "profile": prof.record(),
        "household": prof.household,
        "data": memo(con, releases),
        "tables": {},
        "charts": {},
        "notes": [],
    }


def _bar_chart(categories, series, fmt="pct", horizontal=False, label="", colors=None, stack=False, max_value=None) -> dict:
    return {
        "kind": "bar", "categories": list(categories), "series": series, "format": fmt, "horizontal": horizontal,
        "label": label, "colors": colors, "stack": stack, "max": max_value,
    }


# ---------------------------------------------------------------------------------------------
# Resolution (a friendly page, never a traceback)


def area_of(con, text: str):
    """The area a URL names, accepting what the CLI accepts (code, CBSA, state, name)."""
    return resolve_area(con, text)


def occupation_of(con, text: str, area_code: str):
    """The occupation a URL or form names; an unknown or ambiguous one links its candidates in this area."""
    try:
        return resolve_occupation(con, text)
    except UpwardError as exc:
        exc.link = lambda code: occupation_url(area_code, code)
        raise


def _sources(con) -> list[dict]:
    return [dict(zip(("key", "title", "release", "license"), r)) for r in con.execute("select key, title, release, license from sources order by key").fetchall()]


def sources(con) -> list[dict]:
    return memo(con, _sources)


# ---------------------------------------------------------------------------------------------
# Home — `upward regions`, `upward compare`


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
    ctx["charts"]["c-home"] = _bar_chart(
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


# ---------------------------------------------------------------------------------------------
# Region — `upward region`, `upward quality`, `upward jobs`, `upward compare`, `upward skills`


def _state_code(con, area: dict) -> str | None:
    if area["area_type"] in ("national", "state") or not area.get("state_abbr"):
        return None
    states = memo(con, regions.list_areas, None, area["state_abbr"], "state")
    return states[0]["area_code"] if states else None


def _peer_indicators(con, prof: Profile, codes: list[str]) -> list[dict]:
    """The system indicators of the state and the nation (`upward indicators`).

    Every area's indicators at once (`all_indicators`, computed in the background when the
    server starts) when they are ready; until then each area's own (`compare_areas`, the same
    `quality.indicators` over the same rows), cached per area.
    """
    every = peek(con, quality.all_indicators, prof, None)
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
    state = _state_code(con, area)
    rows = [{**q["area"], **{k: v for k, v in q["indicators"].items() if k != "area_code"}}]
    rows += _peer_indicators(con, prof, [p for p in (state, None if code == NATIONAL else NATIONAL) if p])
    for r in rows:
        r["median_wage"] = (memo(con, regions.region_summary, r["area_code"], prof, None, 10)["wages_all_occupations"] or {}).get("a_median")

    ctx = _base(con, prof, area["area_name"], "region", area)
    ctx.update(summary=summary, jobs_result=jobs, quality=q, landscape=land, peers=rows, indicators=q["indicators"])
    ctx["notes"] = _notes(q, jobs, land)
    cats = ["median pays the living wage", "25th percentile pays it", "opportunity occupations"]
    ctx["charts"]["c-indicators"] = _bar_chart(
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
    ctx["charts"]["c-tiers"] = _bar_chart(
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
    ctx["charts"]["c-skills"] = _bar_chart(
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
    return _bar_chart(
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


# ---------------------------------------------------------------------------------------------
# Occupation in a region — `upward occupation`, `upward jobs --explain`, `upward benchmark`, `upward similar`, `upward programs list --soc`


def _similar(con, soc: str, title: str, prof, top: int) -> list[dict]:
    """The CLI's `upward similar SOC`: nearest occupations with the facet breakdown (none if unrated)."""
    from upward.analysis.similarity import similar_occupations

    try:
        return similar_occupations(con, soc, title, prof, top)["similar"]
    except UpwardError:
        return []


def _programs_for(con, area: str, soc: str, hub: Path | None) -> list[dict]:
    """The CLI's `upward programs list --region AREA --soc SOC`."""
    inv = programs_mod.inventory(con, area, hub)
    inv = inv[[soc in list(o) for o in inv.occupations]]
    rows = [plain_record({**r, "occupations": list(r["occupations"]), "related_occupations": list(r["related_occupations"])})
            for r in inv.to_dict("records")]
    return sorted(rows, key=lambda r: -(r["local_completions"] or 0))


def occupation(con, prof: Profile, code: str, soc: str, hub: Path | None) -> dict:
    hub = hub_data(hub)  # analysis reads the hub as data handed to it
    p = memo(con, occupations.occupation_profile, soc, code, 10, prof)
    o, area = p["occupation"], memo(con, regions.region_summary, code, prof, None, 10)["area"]
    ctx = _base(con, prof, f"{o['occ_title']} in {area['area_name']}", "region", area)
    try:
        ex = memo(con, mobilize.explain, code, soc, prof)
    except UpwardError as exc:  # not published in this area: the profile says so
        ex = None
        ctx["notes"].append(exc.message)
    bench = memo(con, skills.benchmark, soc, prof, code, hub)
    similar = memo(con, _similar, soc, o["occ_title"], prof, 10)
    progs = memo(con, _programs_for, code, soc, hub)
    ctx.update(profile_result=p, explain=ex, benchmark=bench, occ=o)
    ctx["notes"] += _notes(bench) + (_notes(ex) if ex else [])
    measures = {m["measure"]: m for pl in (ex or {}).get("pillars", []) for m in pl["measures"]}
    ctx["openings"] = measures.get("openings", {}).get("value")
    w, wn = p["wages"] or {}, p["wages_national"] or {}
    pcts = [("pct10", "10th"), ("pct25", "25th"), ("median", "median"), ("pct75", "75th"), ("pct90", "90th")]
    cap = p["top_coded_at_least"]["annual"]

    def wage(d, k):
        return cap if d.get(f"a_{k}_top_coded") else d.get(f"a_{k}")

    ctx["charts"]["c-wages"] = _bar_chart(
        [label for _, label in pcts],
        [{"name": area["area_name"], "data": [wage(w, k) for k, _ in pcts]}, {"name": "United States", "data": [wage(wn, k) for k, _ in pcts]}],
        fmt="money", label=f"Annual wage percentiles of {o['occ_title']}: {area['area_name']} and the nation",
    )
    ctx["tables"]["wages"] = Table(
        "wages", "Wages (annual)",
        [Col("where", "where"), *(Col(f"a_{k}", label, "money") for k, label in pcts), Col("a_mean", "mean", "money"), Col("top_coded", "top-coded", "bool")],
        [
            {"where": name, **{f"a_{k}": d.get(f"a_{k}") for k, _ in pcts}, "a_mean": d.get("a_mean"),
             "top_coded": any(d.get(f"a_{k}_top_coded") for k, _ in pcts)}
            for name, d in ((area["area_name"], w), ("United States", wn)) if d
        ],
        note=f"A top-coded wage (BLS footnote 5) is at least ${cap:,.0f} and is shown as missing here, never as a number." if any(
            w.get(f"a_{k}_top_coded") or wn.get(f"a_{k}_top_coded") for k, _ in pcts) else None,
        empty="No OEWS wage estimate for this occupation here.",
    )
    elements = bench["elements"]
    ctx["tables"]["benchmark"] = Table(
        "benchmark", "Essential skills and knowledge, with the level the job needs",
        [
            Col("element_name", "element"), Col("domain", "domain"), Col("importance", "importance (1–5)", "num2"),
            Col("level", "O*NET level (0–7)", "num2"), Col("region_level", "region level", "num2"), Col("status", "status"),
            Col("region_level_meaning", "what the level means"),
        ],
        elements,
        note=f"Essential: O*NET importance ≥ {bench['essential_importance']:g}. The region level is O*NET's unless the region's employers rated it ({bench['ratings']} ratings).",
        empty="O*NET rates no essential skill or knowledge for this occupation.",
        extra_csv=["element_id", "level_meaning", "keep_votes", "drop_votes", "recommend_suppress"],
    )
    top = sorted(elements, key=lambda e: -(e.get("region_level") or e.get("level") or 0))[:12]
    ctx["charts"]["c-skills"] = _bar_chart(
        [e["element_name"] for e in top], [{"name": "level needed (0–7)", "data": [e.get("region_level") or e.get("level") for e in top]}],
        fmt="num2", horizontal=True, label=f"Levels of the essential skills and knowledge of {o['occ_title']}", max_value=7,
    )
    ctx["tables"]["similar"] = Table(
        "similar", "Similar occupations",
        [Col("soc", "SOC", "code"), Col("title", "occupation", link=_occ_link(code, "soc")), Col("similarity", "similarity", "num3"),
         Col("facet_skills", "skills", "num2"), Col("facet_work_activities", "activities", "num2"), Col("facet_industries", "industries", "num2")],
        similar,
        empty="O*NET rates too little of this occupation to compare it.",
        extra_csv=[f"facet_{d}" for d in ("knowledge", "abilities", "dwas", "technology")],
    )
    ctx["tables"]["programs"] = Table(
        "programs", f"{len(progs)} programs in {area['area_name']} that train for it",
        [Col("program_name", "program"), Col("provider_name", "provider"), Col("cip_code", "CIP", "code"), Col("credential", "credential"),
         Col("completions", "awards", "int"), Col("local_completions", "local", "int"), Col("published_earnings", "earnings", "money"),
         Col("source", "source")],
        progs, show=25,
        note="Only awards at the level that leads into the job (docs/programs.md). local: completers counted as the area's supply.",
        empty="No program in the area trains for this occupation.",
        extra_csv=["program_id", "award_level", "hours", "weeks", "cost", "provider_type", "completions_year", "distance_share", "dormant",
                   "earnings_horizon", "occupations"],
    )
    return ctx


# ---------------------------------------------------------------------------------------------
# What changed — `upward changes`, `upward atlas info`


def _held(con) -> list[dict]:
    from upward.atlas.releases import held_records

    return held_records(con)


def what_changed(con, prof: Profile, code: str, from_: str | None, to: str | None, source: str) -> dict:
    """Two releases of OEWS (or of the projections) side by side for the area (`upward changes`)."""
    from upward.analysis import changes as changes_mod
    from upward.atlas.releases import OEWS, source_of

    area = memo(con, regions.region_summary, code, prof, None, 10)["area"]
    ctx = _base(con, prof, f"What changed in {area['area_name']}", "changes", area)
    src = source_of(source)
    held = memo(con, _held)
    ctx.update(held=held, options=[h for h in held if h["source"] == src], source=source, form={"from": from_ or "", "to": to or ""},
               result=None, reason=None, hint=None)
    try:
        r = memo(con, changes_mod.changes, code, prof, from_, to, src, 10)
    except UpwardError as exc:  # one release only for this area: say which files would add another
        ctx.update(reason=exc.message, hint=exc.hint)
        return ctx
    ctx["result"] = r
    ctx["title"] = f"What changed in {area['area_name']}: {r['from']['period']} → {r['to']['period']}"
    ctx["notes"] = list(r["notes"])
    pa, pb = r["from"]["period"], r["to"]["period"]
    link = _occ_link(code)
    if src == OEWS:
        rows = sorted(r["occupations"], key=lambda o: (-abs(o.get("tot_emp_change") or 0), o["occ_code"]))
        ctx["tables"]["occupations"] = Table(
            "occupations", f"Every occupation, {pa} and {pb} (largest employment change first)",
            [
                Col("occ_code", "SOC", "code"), Col("occ_title", "occupation", link=link), Col("status", "status"),
                Col("tot_emp_from", f"jobs {pa}", "int"), Col("tot_emp_to", f"jobs {pb}", "int"), Col("tot_emp_change", "change", "int"),
                Col("tot_emp_change_pct", "%", "num1"), Col("tot_emp_change_beyond_sampling_error", "beyond error", "bool"),
                Col("a_median_from", f"median {pa}", "money"), Col("a_median_to", f"median {pb}", "money"),
                Col("a_median_change_pct", "median %", "num1"), Col("tier_to", "tier"), Col("jtm_to", "JTM", "bool"),
            ],
            rows, show=25,
            note="Percent changes; 'beyond error' marks an employment change larger than 1.96 standard errors (BLS's RSEs). "
                 "The CSV has every measure: percentiles, mean, hourly median, annual wage growth, top-coding flags.",
            extra_csv=[k for k in (rows[0] if rows else {}) if k not in {"occ_code", "occ_title", "status", "tot_emp_from", "tot_emp_to",
                       "tot_emp_change", "tot_emp_change_pct", "tot_emp_change_beyond_sampling_error", "a_median_from", "a_median_to",
                       "a_median_change_pct", "tier_to", "jtm_to"}],
        )
        movers = changes_mod.movers(r, "tot_emp", 15)
        ctx["charts"]["c-movers"] = _bar_chart(
            [m["occ_title"] for m in movers], [{"name": "change in jobs", "data": [m["tot_emp_change"] for m in movers]}],
            fmt="int", horizontal=True, label=f"The largest employment changes in {area['area_name']}, {pa} to {pb}",
        )
    else:
        rows = sorted(r["occupations"], key=lambda o: (-abs(o.get("openings_annual_change") or 0), o["occ_code"]))
        ctx["tables"]["occupations"] = Table(
            "occupations", f"Every occupation, projections {pa} and {pb} (national; largest change in annual openings first)",
            [
                Col("occ_code", "SOC", "code"), Col("occ_title", "occupation", link=link),
                Col("emp_base_from", f"jobs (k) {pa}", "num1"), Col("emp_base_to", f"jobs (k) {pb}", "num1"),
                Col("emp_change_pct_from", f"growth % {pa}", "num1"), Col("emp_change_pct_to", f"growth % {pb}", "num1"),
                Col("emp_change_pct_change", "points", "num1"), Col("openings_annual_from", f"openings (k) {pa}", "num1"),
                Col("openings_annual_to", f"openings (k) {pb}", "num1"), Col("typical_education_to", "typical education"),
                Col("typical_education_changed", "changed", "bool"), Col("jtm_to", "JTM", "bool"),
            ],
            rows, show=25,
            extra_csv=[k for k in (rows[0] if rows else {}) if not k.startswith(("occ_", "emp_base_", "emp_change_pct_", "openings_annual_"))
                       and k not in ("typical_education_to", "typical_education_changed", "jtm_to")],
        )
    listing = [Col("occ_code", "SOC", "code"), Col("occ_title", "occupation", link=link), Col("employment_to", "jobs", "int"),
               Col("a_median_from", f"median {pa}", "money"), Col("a_median_to", f"median {pb}", "money"),
               Col("tier_from", f"tier {pa}"), Col("tier_to", f"tier {pb}")]
    q, j, p = r["quality"], r["jtms"], r["pathways"]
    ctx["tables"]["quality"] = Table(
        "quality", f"{q['became_count']} became quality jobs, {q['stopped_count']} stopped",
        [Col("change", "change"), *listing], [{**o, "change": "became"} for o in q["became"]] + [{**o, "change": "stopped"} for o in q["stopped"]],
        extra_csv=["composite_from", "composite_to"], empty="No occupation changed tier.",
    )
    ctx["tables"]["jtms"] = Table(
        "jtms", f"Jobs That Mobilize: {j['occupations']['from']} → {j['occupations']['to']}",
        [Col("change", "change"), *listing[:5], Col("composite_from", f"score {pa}", "score"), Col("composite_to", f"score {pb}", "score")],
        [{**o, "change": "new JTM"} for o in j["became"]] + [{**o, "change": "no longer a JTM"} for o in j["stopped"]],
        empty="The same occupations are Jobs That Mobilize in both releases.",
    )
    if p is not None:
        ctx["tables"]["steps"] = Table(
            "steps", f"Pathway steps into JTMs: {p['opened']} opened, {p['closed']} closed",
            [Col("change", "change"), Col("from_title", "from", link=_occ_link(code, "from_code")), Col("to_title", "to", link=_occ_link(code, "to_code")),
             Col("from_employment", "jobs in the first", "int"), Col("reason", "why")],
            [{**e, "change": "opened"} for e in p["opened_examples"]] + [{**e, "change": "closed"} for e in p["closed_examples"]],
            extra_csv=["from_code", "to_code"], empty="No step into a JTM opened or closed.",
        )
    return ctx


# ---------------------------------------------------------------------------------------------
# Pathway explorer — `upward paths`, `upward benchmark`


def _node_rows(con, prof: Profile, code: str) -> dict:
    jobs = memo(con, mobilize.jobs, code, prof, "jtm", None, True)
    return {j["occ_code"]: j for j in jobs["jobs"]}


def pathway_explorer(con, prof: Profile, code: str, hub: Path | None, from_soc: str | None, to_soc: str | None,
                     max_steps: int | None, top: int | None, step: str | None, rank: str | None = None) -> dict:
    hub = hub_data(hub)  # analysis reads the hub as data handed to it
    summary = memo(con, regions.region_summary, code, prof, None, 10)
    area = summary["area"]
    ctx = _base(con, prof, f"Pathways in {area['area_name']}", "pathways", area)
    occs = memo(con, _occupation_titles)
    ctx.update(occupations=occs, form={"from": from_soc or "", "to": to_soc or "", "max_steps": max_steps, "top": top, "rank": rank or ""}, result=None)
    q = memo(con, quality.quality_report, code, prof, 15)
    ctx["picks"] = q["largest_low_quality"][:8]
    if not from_soc:
        return ctx
    origin = occupation_of(con, from_soc, code)
    target = occupation_of(con, to_soc, code) if to_soc else None
    r = memo(con, pathways_mod.pathways, code, origin.code, prof, target.code if target else None, max_steps, top, hub, rank=rank)
    ctx["result"] = r
    ctx["title"] = f"From {r['from']['title']} in {area['area_name']}"
    ctx["notes"] = _notes(r)
    ctx["resolved"] = [n for n in (origin.note, target.note if target else None) if n]
    nodes_info = _node_rows(con, prof, code)
    nodes, edges, steps = {}, {}, {}

    def node(soc, title):
        if soc in nodes:
            return
        j = nodes_info.get(soc)
        emp = j["employment"] if j else None
        if emp is None:
            wages = memo(con, occupations.occupation_profile, soc, code, 10)["wages"]
            emp = (wages or {}).get("tot_emp")
        nodes[soc] = {
            "id": soc, "title": title, "employment": emp, "tier": j["tier"] if j else "not scored",
            "jtm": bool(j and j["jtm"]), "origin": soc == r["from"]["soc"],
        }

    node(str(r["from"]["soc"]), r["from"]["title"])
    for p in r["pathways"]:
        for s in p["steps"]:
            a, b = str(s["from"]), str(s["to"])
            node(b, s["to_title"])
            key = f"{a}>{b}"
            edges[key] = {"id": key, "source": a, "target": b, "change": s["pay"]["change_pct"]}
            if key not in steps:
                bench = memo(con, skills.benchmark, b, prof, code, hub)
                steps[key] = {
                    **s, "from": a, "to": b, "from_title": nodes[a]["title"], "id": key,
                    "benchmark": [e for e in bench["elements"]][:10],
                    "benchmark_count": len(bench["elements"]),
                }
    for n in nodes.values():
        n["color"] = TIER_COLORS.get(n["tier"], "#BBBBBB")
    ctx["graph"] = {"nodes": list(nodes.values()), "edges": list(edges.values())}
    ctx["steps"] = steps
    ctx["selected"] = step if step in steps else None
    ctx["charts"] = {}
    ctx["share_url"] = pathways_url(code, **{"from": origin.code, "to": target.code if target else None, "max_steps": max_steps, "top": top, "rank": rank})
    ctx["tables"]["steps"] = Table(
        "steps", "Every step of every pathway",
        [
            Col("path_rank", "path", "int"), Col("step", "step", "int"), Col("from", "from", "code"), Col("to", "to", "code"),
            Col("to_title", "occupation", link=_occ_link(code, "to")), Col("wage_to", "median", "money"), Col("wage_change_pct", "pay", "change"),
            Col("requires", "requires"), Col("step_years", "years", "num1"), Col("evidence", "evidence"),
            Col("training_count", "programs", "int"),
        ],
        pathways_mod.step_rows(r),
        empty="No pathway from this job to the targets within the step limit.",
        extra_csv=["path_years", "path_gain_per_year", "path_evidence", "study_years", "on_the_job_training", "related_experience",
                   "movers_share", "wage_from", "wage_to_p25", "wage_to_p75", "similarity", "skill_gap", "skills_to_gain", "training"],
    )
    return ctx


def _occupation_titles(con) -> list[dict]:
    return [{"soc": c, "title": t} for c, t in con.execute(
        "select occ_code, occ_title from occupations where level = 'detailed' order by occ_title").fetchall()]


# ---------------------------------------------------------------------------------------------
# Programs — `upward programs align`, `gaps`, `list`


def _flag_options(rows: list[dict]) -> list[str]:
    return sorted({r["supply_flag"] for r in rows if r.get("supply_flag")})


def programs(con, prof: Profile, code: str, hub: Path | None, f: dict) -> dict:
    hub = hub_data(hub)  # analysis reads the hub as data handed to it
    a = memo(con, programs_mod.alignment, code, prof, hub)
    area = a["area"]
    ctx = _base(con, prof, f"Programs in {area['area_name']}", "programs", area)
    ctx.update(alignment=a, filters=f, flag_options=_flag_options(a["occupations"]), tiers=TIER_ORDER)
    ctx["notes"] = _notes(a)
    cip = (f.get("cip") or "").strip()
    if cip.isdigit() and len(cip) > 2:  # '513801' as spreadsheets write it, like the CLI's --cip
        cip = f"{cip[:2]}.{cip[2:]}"
    text = (f.get("q") or "").strip().lower()
    soc = None
    if f.get("soc"):
        occ = occupation_of(con, f["soc"], code)
        soc = occ.code
        ctx["soc_resolved"] = f"{occ.name} ({occ.code})"

    def program_ok(p):
        if cip and not (p.get("cip_code") or "").startswith(cip):
            return False
        if text and text not in f"{p.get('program_name') or ''} {p.get('provider_name') or ''}".lower():
            return False
        return True

    def occ_ok(o):
        if f.get("flag") and o.get("supply_flag") != f["flag"]:
            return False
        if f.get("tier") and o.get("tier") != f["tier"]:
            return False
        if f.get("jtm") and not o.get("jtm"):
            return False
        if soc and o["occ_code"] != soc:
            return False
        return True

    scan = sorted((p for p in a["program_rows"] if program_ok(p)), key=lambda p: (-(p.get("local_completions") or 0), p["program_id"]))
    if soc:
        ids = {r["program_id"] for r in memo(con, _programs_for, code, soc, hub)}
        scan = [p for p in scan if p["program_id"] in ids]
    lk = _occ_link(code)
    ctx["tables"]["scan"] = Table(
        "scan", f"The scan: {len(scan):,} programs" + (" matching the filters" if any(f.values()) else ""),
        [Col("program_name", "program"), Col("provider_name", "provider"), Col("cip_code", "CIP", "code"), Col("credential", "credential"),
         Col("completions", "awards", "int"), Col("local_completions", "local", "int"), Col("distance_share", "online", "pct"),
         Col("published_earnings", "earnings", "money"), Col("role", "role"), Col("source", "source")],
        scan, show=50,
        note="Most local completions first. awards: IPEDS awards in the latest year (blank: no count published); local: completers counted "
             "as the area's supply (stacked awards once, less students studying exclusively online from another state); online: share of "
             "the institution's students studying exclusively online. The CSV has every program matching the filters.",
        extra_csv=["program_id", "award_level", "completions_prior", "completions_year", "dormant", "occupations", "occupation_employment",
                   "low_quality_share", "jtm_occupations", "stepping_stone", "phase_out_evidence", "pathways_say"],
    )
    occ = [o for o in a["occupations"] if occ_ok(o)]
    ctx["tables"]["alignment"] = Table(
        "alignment", "Supply against demand: local completions ÷ annual openings",
        [Col("occ_code", "SOC", "code"), Col("occ_title", "occupation", link=lk), Col("tier", "tier"), Col("jtm", "JTM", "bool"),
         Col("openings", "openings/yr", "int"), Col("related_completions", "local completions", "int"), Col("programs", "programs", "int"),
         Col("supply_ratio", "ratio", "num2"), Col("supply_flag", "flag"), Col("supply_note", "note")],
        occ, show=40,
        note="Supply is judged only where training is how people enter (BLS): other rows say why not (learned at work, apprenticeship, "
             "mostly other routes).",
        extra_csv=["employment", "a_median", "median_living_wage_ratio", "typical_education", "typical_on_the_job_training", "work_experience",
                   "training_route", "national_field_ratio", "related_awards", "programs_unknown_completions"],
    )
    gaps = [g for g in a["gaps"] if not soc or g["occ_code"] == soc]
    ctx["tables"]["gaps"] = Table(
        "gaps", "Training gaps: Jobs That Mobilize people train for, with no program or too few local completers",
        [Col("occ_code", "SOC", "code"), Col("occ_title", "occupation", link=lk), Col("openings", "openings/yr", "int"),
         Col("related_completions", "local completions", "int"), Col("programs", "programs", "int"), Col("a_median", "median", "money"),
         Col("typical_education", "typical education"), Col("typical_on_the_job_training", "on-the-job training")],
        gaps, empty="No training gap: every Job That Mobilizes people train for has programs with enough completers.",
        extra_csv=["employment", "tier", "supply_ratio", "supply_flag", "median_living_wage_ratio", "training_route", "supply_note"],
    )
    no_gap = [g for g in a["no_training_gap"] if not soc or g["occ_code"] == soc]
    ctx["tables"]["no_gap"] = Table(
        "no_gap", "No training gap: Jobs That Mobilize short of local completers where training is not how people enter",
        [Col("occ_code", "SOC", "code"), Col("occ_title", "occupation", link=lk), Col("openings", "openings/yr", "int"),
         Col("related_completions", "local completions", "int"), Col("supply_note", "why not a training gap")],
        no_gap, empty="None.",
        extra_csv=["training_route", "typical_education", "typical_on_the_job_training", "work_experience", "national_field_ratio"],
    )
    top_gaps = a["gaps"][:12]
    ctx["charts"]["c-gaps"] = _bar_chart(
        [g["occ_title"] for g in top_gaps],
        [{"name": "annual openings", "data": [g["openings"] for g in top_gaps]},
         {"name": "local completions", "data": [g["related_completions"] for g in top_gaps]}],
        fmt="int", horizontal=True, label="Training gaps: annual openings against local completions for Jobs That Mobilize",
    )
    dups = [d for d in a["duplicates"] if (not cip or (d.get("cip_code") or "").startswith(cip)) and (not text or text in (d.get("program_name") or "").lower())]
    ctx["tables"]["duplicates"] = Table(
        "duplicates", "Possible duplicates: one CIP and award from many providers, local completions over twice the openings",
        [Col("cip_code", "CIP", "code"), Col("program_name", "program"), Col("award", "award"), Col("providers", "providers", "int"),
         Col("local_completions", "local completions", "int"), Col("openings", "openings/yr", "int"), Col("provider_names", "providers (first ten)", "list")],
        dups, empty="No duplicates.", extra_csv=["award_level", "completions", "occupations"],
    )
    phase = sorted((p for p in a["phase_out_candidates"] if program_ok(p)), key=lambda p: (-(p.get("local_completions") or 0), p["program_id"]))
    ctx["tables"]["phase_out"] = Table(
        "phase_out", "Phase-out candidates — for review, with the evidence; never a verdict",
        [Col("program_name", "program"), Col("provider_name", "provider"), Col("credential", "credential"),
         Col("local_completions", "local completions", "int"), Col("phase_out_evidence", "evidence"), Col("pathways_say", "what the pathways say")],
        phase, show=40, empty="No phase-out candidates.",
        note="Stepping stones on the region's recommended pathways and programs that train for a Job That Mobilizes are never candidates.",
        extra_csv=["program_id", "cip_code", "completions", "published_earnings", "earnings_yardstick", "low_quality_share", "source"],
    )
    kept = sorted((p for p in a["stepping_stones_with_evidence"] if program_ok(p)), key=lambda p: (-(p.get("local_completions") or 0), p["program_id"]))
    ctx["tables"]["stepping"] = Table(
        "stepping", "Kept off the phase-out list: stepping stones and programs into Jobs That Mobilize with the same kind of evidence",
        [Col("program_name", "program"), Col("provider_name", "provider"), Col("local_completions", "local completions", "int"),
         Col("role", "role"), Col("pathways_say", "what the pathways say"), Col("phase_out_evidence", "evidence")],
        kept, show=20, empty="None.",
        extra_csv=["program_id", "cip_code", "credential", "completions", "published_earnings", "earnings_yardstick", "low_quality_share"],
    )
    return ctx


# ---------------------------------------------------------------------------------------------
# Compare — `upward compare`


def compare(con, prof: Profile, texts: list[str]) -> dict:
    resolved = [resolve_area(con, t) for t in texts]
    codes = list(dict.fromkeys(r.code for r in resolved))
    result = memo(con, compare_mod.compare_areas, codes, prof, 5)
    ctx = _base(con, prof, "Compare regions", "compare")
    ctx.update(result=result, resolved=[r.note for r in resolved if r.note], top=5)
    areas = result["areas"]
    ctx["charts"]["c-compare"] = _bar_chart(
        ["median pays the living wage", "25th percentile pays it", "opportunity occupations"],
        [{"name": a["area_name"], "data": [a.get("living_wage_median_share"), a.get("living_wage_p25_share"), a.get("opportunity_share")]} for a in areas],
        label="System indicators side by side",
    )
    ctx["charts"]["c-real"] = _bar_chart(
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


# ---------------------------------------------------------------------------------------------
# Job titles — `upward titles code`

#: Lines a navigator can code at once on the page (a file goes through the CLI or the API).
MAX_TITLE_LINES = 100


def job_titles(con, prof: Profile, text: str, area_code: str) -> dict:
    """The titles typed (one per line) coded to SOC, with the candidates, each linked to its occupation page."""
    from upward.titles import REVIEW_BELOW, code_titles

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_TITLE_LINES:
        raise UpwardError(f"{len(lines)} titles; the page codes up to {MAX_TITLE_LINES} at a time.",
                          hint="Code a file with: upward titles code --file FILE --column NAME --csv --out coded.csv")
    ctx = _base(con, prof, "Job titles to occupations", "titles")
    coded = code_titles(con, lines, top=3) if lines else []
    rows = [
        {"input": c["input"], "soc": c["soc"], "soc_title": c["soc_title"] or f"({c.get('reason')})", "confidence": c["confidence"] if c["soc"] else None,
         "review": c["soc"] is None or c["confidence"] < REVIEW_BELOW, "matched": c.get("matched"),
         "others": "; ".join(f"{x['soc']} {x['title']} ({x['score']:.2f})" for x in c["candidates"][1:])}
        for c in coded
    ]  # fmt: skip
    ctx.update(text=text, coded=rows, review_below=REVIEW_BELOW, max_lines=MAX_TITLE_LINES)
    ctx["tables"]["titles"] = Table(
        "titles", "Coded titles",
        [Col("input", "title as typed"), Col("soc", "SOC", "code", link=lambda r: occupation_url(area_code, r["soc"]) if r["soc"] else None),
         Col("soc_title", "occupation"), Col("confidence", "confidence", "num2"), Col("review", "check", "bool"),
         Col("matched", "matched official title"), Col("others", "other candidates")],
        rows,
    )  # fmt: skip
    return ctx


# ---------------------------------------------------------------------------------------------
# Outcomes — `upward outcomes` runs stored in the hub


def _indicator_info() -> dict:
    from upward.outcomes.indicators import INDICATORS, frameworks_text

    return {i.name: {"kind": i.kind, "what": i.what, "population": i.population, "frameworks": frameworks_text(i.name)} for i in INDICATORS}


def _group_label(group: dict) -> str:
    return ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in group.items()) if group else "everyone"


def outcome_run(con, prof: Profile, run_id: str, records: list[dict], run: dict) -> dict:
    """Indicator cards (the whole cohort) and one breakdown chart per indicator and dimension.

    Suppressed cells stay suppressed: no value, no numerator, no denominator, and the word
    "suppressed" where a number would be; the charts leave their bar out and say so.
    """
    info = _indicator_info()
    ctx = _base(con, prof, f"Outcomes run {run_id}", "outcomes")
    ctx.update(run=run, run_id=run_id, synthetic=bool(run.get("synthetic")))
    if run.get("profile"):
        ctx["run_profile"] = run["profile"]
    if run.get("data"):
        ctx["run_data"] = run["data"]
    order = list(dict.fromkeys(r["indicator"] for r in records))
    cards = []
    for name in order:
        whole = next((r for r in records if r["indicator"] == name and not r["group"]), None)
        meta = info.get(name, {"kind": "rate", "what": "", "population": ""})
        cards.append({"indicator": name, **meta, "record": whole})
    ctx["cards"] = cards
    breakdowns = []
    for name in order:
        kind = info.get(name, {}).get("kind", "rate")
        by_dims: dict[tuple, list[dict]] = {}
        for r in records:
            if r["indicator"] == name and r["group"]:
                by_dims.setdefault(tuple(r["group"]), []).append(r)
        for dims, rows in by_dims.items():
            chart_id = f"c-{name}-{'-'.join(dims)}"
            labels = [_group_label(r["group"]) for r in rows]
            ctx["charts"][chart_id] = {
                **_bar_chart(labels, [{"name": name, "data": [None if r["suppressed"] else r["value"] for r in rows]}],
                             fmt="money" if kind == "median" else "pct", horizontal=True,
                             label=f"{name} by {' and '.join(dims)}; suppressed groups have no bar"),
                "suppressed": [bool(r["suppressed"]) for r in rows],
            }
            breakdowns.append({"indicator": name, "dims": dims, "chart": chart_id,
                               "suppressed": sum(1 for r in rows if r["suppressed"]), "groups": len(rows)})
    ctx["breakdowns"] = breakdowns
    flat = [
        {"indicator": r["indicator"], "group": _group_label(r["group"]), **{f"by_{k}": v for k, v in r["group"].items()},
         "numerator": r["numerator"], "denominator": r["denominator"], "value": r["value"], "suppressed": r["suppressed"],
         "kind": info.get(r["indicator"], {}).get("kind", "rate")}
        for r in records
    ]
    dims = sorted({k for r in records for k in r["group"]})
    ctx["tables"]["records"] = Table(
        "records", f"Every cell ({len(records)}; {sum(1 for r in records if r['suppressed'])} suppressed)",
        [Col("indicator", "indicator"), Col("group", "group"), Col("numerator", "numerator", "int"), Col("denominator", "denominator", "int"),
         Col("shown", "value", csv=False), Col("suppressed", "suppressed", "bool")],
        [{**r, "shown": "suppressed" if r["suppressed"] else ("—" if r["value"] is None else
                                                              (f"${r['value']:,.0f}" if r["kind"] == "median" else f"{r['value']:.1%}"))} for r in flat],
        extra_csv=["value", *(f"by_{d}" for d in dims)],
    )
    return ctx


def outcome_runs(con, prof: Profile, runs: list[dict] | None, reason: str | None) -> dict:
    ctx = _base(con, prof, "Outcomes", "outcomes")
    ctx.update(runs=runs or [], reason=reason)
    ctx["tables"]["runs"] = Table(
        "runs", "Published outcome runs",
        [Col("run_id", "run", "int", link=lambda r: f"/outcomes/{r['run_id']}"), Col("label", "cohort"), Col("by", "breakdowns"),
         Col("records", "cells", "int"), Col("synthetic", "synthetic", "bool"), Col("rounding", "counts rounded to", "int"),
         Col("published_at", "published (UTC)"), Col("profile_name", "profile"), Col("profile_hash", "profile hash", "code")],
        runs or [], empty=reason or "No outcome run is published yet.",
        extra_csv=["exit_from", "exit_to", "program_year", "min_cell", "bundle"],
    )
    return ctx


# ---------------------------------------------------------------------------------------------
# Not found, ambiguous


def choices(exc: UpwardError) -> list[dict]:
    """Links for an ambiguous name's candidates or an unknown name's suggestions.

    Areas link to their region page; occupations (whose errors carry `link`) to their page in the
    region being viewed.
    """
    link = getattr(exc, "link", None)
    out = []
    for c in getattr(exc, "candidates", []) or []:
        code, _, rest = c.strip().partition("  ")
        out.append({"label": c.strip(), "href": link(code) if link else region_url(code)})
    for s in getattr(exc, "suggestions", []) or []:
        out.append({"label": s, "href": link(s) if link else "/find?" + urlencode({"q": s})})
    return out


__all__ = ["NotFoundError", "OKABE_ITO", "TIER_COLORS", "home", "region", "occupation", "pathway_explorer", "programs", "compare"]
