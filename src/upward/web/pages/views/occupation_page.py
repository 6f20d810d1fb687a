"""An occupation in a region — `upward occupation`, `jobs --explain`, `benchmark`, `similar`, `programs list --soc`."""

from __future__ import annotations

from pathlib import Path

from upward.analysis import mobilize, occupations, programs as programs_mod, regions, skills
from upward.errors import UpwardError
from upward.hub import data as hub_data
from upward.profiles import Profile
from upward.web.pages._cache import memo
from upward.web.pages._tables import Col, Table
from upward.web.pages.views._charts import bar_chart
from upward.web.pages.views._common import _base, _notes, _occ_link


def _similar(con, soc: str, title: str, prof, top: int) -> list[dict]:
    """The CLI's `upward similar SOC`: nearest occupations with the facet breakdown (none if unrated)."""
    from upward.analysis.similarity import similar_occupations

    try:
        return similar_occupations(con, soc, title, prof, top)["similar"]
    except UpwardError:
        return []


def _programs_for(con, area: str, soc: str, hub: Path | None) -> list[dict]:
    """The CLI's `upward programs list --region AREA --soc SOC`."""
    return programs_mod.most_local_first(programs_mod.only(programs_mod.program_list(con, area, hub), occ_code=soc)["programs"])


def occupation(con, prof: Profile, code: str, soc: str, hub: Path | None) -> dict:
    hub = hub_data(hub)  # analysis reads the hub as data handed to it
    p = memo(con, occupations.occupation_profile, code, soc, prof, top=10)
    o, area = p["occupation"], memo(con, regions.region_summary, code, prof, None, 10)["area"]
    ctx = _base(con, prof, f"{o['occ_title']} in {area['area_name']}", "region", area)
    try:
        ex = memo(con, mobilize.explain, code, soc, prof)
    except UpwardError as exc:  # not published in this area: the profile says so
        ex = None
        ctx["notes"].append(exc.message)
    bench = memo(con, skills.benchmark, code, soc, prof, hub)
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

    ctx["charts"]["c-wages"] = bar_chart(
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
    ctx["charts"]["c-skills"] = bar_chart(
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
