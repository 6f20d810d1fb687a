"""The pathway explorer — `upward paths`, `upward benchmark`."""

from __future__ import annotations

from pathlib import Path

from upward.analysis import mobilize, occupations, pathways as pathways_mod, quality, regions, skills
from upward.hub import data as hub_data
from upward.profiles import Profile
from upward.web.pages._cache import memo
from upward.web.pages._tables import Col, Table
from upward.web.pages.views._common import TIER_COLORS, _base, _notes, _occ_link, occupation_of, pathways_url


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
            wages = memo(con, occupations.occupation_profile, code, soc, top=10)["wages"]
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
                bench = memo(con, skills.benchmark, code, b, prof, hub)
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
