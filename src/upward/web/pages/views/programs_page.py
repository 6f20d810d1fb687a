"""Programs — `upward programs align`, `gaps`, `list`."""

from __future__ import annotations

from pathlib import Path

from upward.analysis import programs as programs_mod
from upward.codes import cip_prefix
from upward.hub import data as hub_data
from upward.profiles import Profile
from upward.web.pages._cache import memo
from upward.web.pages._tables import Col, Table
from upward.web.pages.views._charts import bar_chart
from upward.web.pages.views._common import TIER_ORDER, _base, _notes, _occ_link, occupation_of
from upward.web.pages.views.occupation_page import _programs_for


def _flag_options(rows: list[dict]) -> list[str]:
    return sorted({r["supply_flag"] for r in rows if r.get("supply_flag")})


def programs(con, prof: Profile, code: str, hub: Path | None, f: dict) -> dict:
    hub = hub_data(hub)  # analysis reads the hub as data handed to it
    a = memo(con, programs_mod.alignment, code, prof, hub)
    area = a["area"]
    ctx = _base(con, prof, f"Programs in {area['area_name']}", "programs", area)
    ctx.update(alignment=a, filters=f, flag_options=_flag_options(a["occupations"]), tiers=TIER_ORDER)
    ctx["notes"] = _notes(a)
    cip = cip_prefix(f["cip"]) if f.get("cip") else None  # '51.38', or '513801' as spreadsheets write it, as the CLI reads --cip
    text = (f.get("q") or "").strip().lower()
    soc = None
    if f.get("soc"):
        occ = occupation_of(con, f["soc"], code)
        soc = occ.code
        ctx["soc_resolved"] = f"{occ.name} ({occ.code})"

    def program_ok(p):
        if not programs_mod.matches(p, cip):
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

    scan = programs_mod.most_local_first(p for p in a["program_rows"] if program_ok(p))
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
    ctx["charts"]["c-gaps"] = bar_chart(
        [g["occ_title"] for g in top_gaps],
        [{"name": "annual openings", "data": [g["openings"] for g in top_gaps]},
         {"name": "local completions", "data": [g["related_completions"] for g in top_gaps]}],
        fmt="int", horizontal=True, label="Training gaps: annual openings against local completions for Jobs That Mobilize",
    )
    dups = [d for d in a["duplicates"] if programs_mod.matches(d, cip) and (not text or text in (d.get("program_name") or "").lower())]
    ctx["tables"]["duplicates"] = Table(
        "duplicates", "Possible duplicates: one CIP and award from many providers, local completions over twice the openings",
        [Col("cip_code", "CIP", "code"), Col("program_name", "program"), Col("award", "award"), Col("providers", "providers", "int"),
         Col("local_completions", "local completions", "int"), Col("openings", "openings/yr", "int"), Col("provider_names", "providers (first ten)", "list")],
        dups, empty="No duplicates.", extra_csv=["award_level", "completions", "occupations"],
    )
    phase = programs_mod.most_local_first(p for p in a["phase_out_candidates"] if program_ok(p))
    ctx["tables"]["phase_out"] = Table(
        "phase_out", "Phase-out candidates — for review, with the evidence; never a verdict",
        [Col("program_name", "program"), Col("provider_name", "provider"), Col("credential", "credential"),
         Col("local_completions", "local completions", "int"), Col("phase_out_evidence", "evidence"), Col("pathways_say", "what the pathways say")],
        phase, show=40, empty="No phase-out candidates.",
        note="Stepping stones on the region's recommended pathways and programs that train for a Job That Mobilizes are never candidates.",
        extra_csv=["program_id", "cip_code", "completions", "published_earnings", "earnings_yardstick", "low_quality_share", "source"],
    )
    kept = programs_mod.most_local_first(p for p in a["stepping_stones_with_evidence"] if program_ok(p))
    ctx["tables"]["stepping"] = Table(
        "stepping", "Kept off the phase-out list: stepping stones and programs into Jobs That Mobilize with the same kind of evidence",
        [Col("program_name", "program"), Col("provider_name", "provider"), Col("local_completions", "local completions", "int"),
         Col("role", "role"), Col("pathways_say", "what the pathways say"), Col("phase_out_evidence", "evidence")],
        kept, show=20, empty="None.",
        extra_csv=["program_id", "cip_code", "credential", "completions", "published_earnings", "earnings_yardstick", "low_quality_share"],
    )
    return ctx
