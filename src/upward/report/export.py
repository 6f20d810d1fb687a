"""Every table behind the report, as one xlsx workbook or a folder of csv or parquet files, with a README.

`upward export --region AREA --format xlsx|csv|parquet -o PATH`. The tables are the analysis
results the report draws on (whole, not the report's shortened lists), one row per item, lists
joined with '; '. The README (a sheet in the workbook; README.md and README.csv in a folder)
names the area, profile and data releases, the attributions, and describes every column of every
table with the `upward` command whose JSON holds the same values.

Writes are atomic: a file goes to a temporary name and is renamed; a folder is built beside the
target and swapped in. An existing folder is replaced only when it is an earlier Upward export.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from upward.errors import UpwardError
from upward.files import write_atomically
from upward.report.refs import Sources, command_text

EXPORT_FORMATS = ("xlsx", "csv", "parquet")
MARKER = "upward-report-export"

#: What each table is, and which analysis result (by its command) it comes from.
TABLES = {
    "glance": ("Every number quoted in the At a glance sentences: the sentence, the placeholder, the value and where it comes from.", None),
    "comparison": ("The area against its state, the nation and the chosen peers: system indicators and cost-of-living adjusted wages.", "compare"),
    "people": ("Who lives in the area: ACS 2018–22 counts with margins of error, shares beside the state and the nation, the need each signals, programs that answer it.", "people"),
    "quality_by_group": ("Pay, benefits, hazard, women's share and pay ratio, AI exposure and the share in quality jobs, by SOC major group.", "dimensions"),
    "tiers": ("Employment by job-quality tier (pay adequacy against the living wage).", "quality"),
    "occupations": ("Every occupation scored in the area: pay, demand, pillar scores, JTM status and the other lenses.", "jobs"),
    "low_wage": ("The largest low-tier occupations (median below the living wage): the pathways' starting points.", "quality"),
    "pathways": ("The cheapest pathways into Jobs That Mobilize from the largest low-wage occupations, one row per step.", None),
    "skill_gaps": ("Every O*NET skill and knowledge area: the workforce's supply, the JTMs' demand and the gap.", "skills"),
    "benchmarks": ("Proficiency benchmarks of the top Jobs That Mobilize: essential elements, levels, employer ratings.", None),
    "program_supply": ("Per scored occupation: local completions of the programs that train for it against its annual openings, and its training route.", "programs"),
    "training_gaps": ("Jobs That Mobilize people train for (BLS) with no program in the area or too few local completions.", "programs"),
    "no_training_gap": ("Jobs That Mobilize short of local completers where training is not how people enter (learned at work, apprenticeship, other routes).", "programs"),
    "duplicates": ("One CIP and award level offered by many providers while local completions exceed twice the openings.", "programs"),
    "phase_out": ("Phase-out candidates, for review with their evidence and what the pathways say (never a verdict).", "programs"),
    "outcomes": ("The outcomes run's records: indicators by group, small cells suppressed.", "outcomes"),
    "actions": ("The recommended actions with each piece of evidence (one row per number) and the rule that picked them.", None),
    "changes": ("Every occupation in the previous and the current OEWS release: values in each, absolute and percent change (when the atlas holds two releases of the area).", "changes"),
    "sources": ("The data releases the atlas holds, with publisher, license and attribution.", None),
}

#: Column descriptions shared by every table that has the column.
COLUMNS = {
    "area_code": "OEWS area code (seven digits)",
    "area_name": "Area name as BLS publishes it",
    "area_type": "national, state, metro or nonmetro",
    "state_abbr": "State abbreviation",
    "role": "region (the report's area), state, nation or peer",
    "price_parity": "BEA regional price parity of the latest year bundled (the atlas's rpp_year; United States = 100)",
    "total_employment": "OEWS total employment in the area",
    "median_wage": "OEWS median annual wage, all occupations (USD; the OEWS release the report names)",
    "real_median_wage": "Median wage ÷ price parity × 100: what it buys at national prices (USD)",
    "living_wage_median_share": "Share of employment in occupations whose median pays the living wage (0–1)",
    "living_wage_p25_share": "Share of employment in occupations whose 25th percentile pays the living wage (0–1)",
    "opportunity_share": "Share of employment in opportunity occupations: no bachelor's needed, median ≥ the cost-adjusted national median (0–1)",
    "opportunity_wage_bar": "The opportunity bar: national median wage × price parity ÷ 100 × the profile's ratio (USD)",
    "living_wage": "MIT living wage for the profile's household, annual (USD; MIT's 2021 budget × the CPI-U factor unless the profile turns it off)",
    "cpi_factor": "CPI-U factor applied to MIT's 2021 figure (wage-year annual average ÷ 2021; 1 when the profile turns it off)",
    "living_wage_mean_share": "Share of employment in occupations whose mean pay exceeds the living wage (0–1; E-W indicator 69)",
    "wage_coverage": "Share of the area's published detailed employment that has a published median wage (the shares' denominator)",
    "jobs_counted": "Jobs the living-wage shares are over: a state's or the nation's summed over its areas, weighted by the share of each in it",
    "areas_counted": "For a state or the nation, how many areas (each against its own living wage) its shares are summed over",
    "computed_from": "What the shares are measured over: the area's own occupations, or a state's or the nation's areas",
    "jtm_count": "Number of Jobs That Mobilize in the area",
    "scored_occupations": "Number of occupations scored (at least the profile's minimum employment and a published median)",
    "top_jtms": "The top five JTMs by composite score",
    "tier": "Job-quality tier: quality (25th percentile ≥ living wage), near-quality (median ≥ it), low, unknown (no living wage)",
    "employment": "OEWS employment in the area",
    "share": "Share of the area's employment (0–1)",
    "occ_code": "SOC 2018 occupation code",
    "occ_title": "Occupation title",
    "a_median": "OEWS median annual wage in the area (USD); a top-coded wage is its lower bound",
    "a_pct25": "OEWS 25th-percentile annual wage in the area (USD)",
    "top_coded": "True when BLS top-codes the wage (footnote 5): the value is a lower bound",
    "median_living_wage_ratio": "Median wage ÷ living wage",
    "entry_living_wage_ratio": "25th-percentile wage ÷ living wage",
    "typical_education": "BLS typical entry education",
    "openings": "Annual openings in the area: BLS national openings rate × the area's OEWS employment",
    "growth": "BLS projected employment growth over the projections period, national (percent)",
    "loc_quotient": "OEWS location quotient: the occupation's share of local jobs ÷ its national share",
    "untapped_talent": "Jobs held in the area in lower-paid occupations with an allowed pathway step into this one (one-step feeders)",
    "entry_route": "How a person reaches it without a bachelor's degree: its entry education, an apprenticeship, or one allowed step from a lower-paid job that needs none (empty: no route)",
    "pillar_employers": "Employers pillar (BGI): percentile rank within the region (0–100) of openings, projected growth, wage growth, share of workers 55+ and separations",
    "pillar_workers": "Workers pillar (BGI): percentile rank of median and entry pay, moves to better-paid work (CPS), the wage ladder, years of preparation and AI exposure (both lower ranks higher)",
    "pillar_equity": "Equity pillar (BGI): percentile rank of women's ÷ men's median weekly earnings and the integration index (sex and race mix against the region's)",
    "pillar_strategy": "Strategy pillar (BGI): percentile rank of skill centrality, industry and geographic dispersion, and the location quotient",
    "composite": "Weighted mean of the four pillars (profile jtm.weights)",
    "jtm": "True when a Job That Mobilizes: every pillar ≥ its bar (jtm.bars), the median pays the living wage, reachable without a bachelor's, reliable, not a residual code, not a supervisor or manager",
    "career_ladder": "True when a supervisor or manager passes every JTM condition: a career-ladder destination, listed apart",
    "ladder_kind": "manager (SOC 11) or first-line supervisor (SOC xx-1000 of majors 33–53); empty otherwise",
    "residual": "True for a residual \"All Other\" SOC code (never a JTM)",
    "unreliable": "True when the OEWS estimate is unreliable: an RSE above jtm.max_rse or collapsed percentiles (not a JTM by default)",
    "category": "The JTM lens's category: jtm or not jtm",
    "good_promising": "Brookings lens: good, promising or neither",
    "opportunity": "Federal Reserve lens: opportunity or not opportunity",
    "domain": "O*NET domain: skills or knowledge",
    "element_id": "O*NET element id",
    "element_name": "O*NET element name",
    "program_name": "Program name",
    "provider_name": "Provider name",
    "cip_code": "CIP 2020 code",
    "credential": "Credential awarded",
    "completions": "IPEDS awards in the latest year (blank: the provider publishes no count)",
    "completions_prior": "IPEDS awards in the year before",
    "local_completions": "Completers counted as the area's supply: people (stacked awards once), less students studying exclusively online from another state",
    "distance_share": "Share of the institution's students studying exclusively online (IPEDS Fall 2024)",
    "dormant": "True when the program reported 0 completions in every year",
    "award_level": "IPEDS award level code",
    "award": "The award in words",
    "occupations": "The occupations it trains for (CIP–SOC at an award level that leads into them, and stated targets)",
    "role": "stepping stone (on the region's recommended pathways), leads to a Job That Mobilizes, or blank",
    "stepping_stone": "The region's recommended pathways it is a step of",
    "earnings_yardstick": "What early earnings are compared with: state high-school earnings (below a bachelor's), living wage, or not judged (transfer degrees)",
    "pathways_say": "What the region's recommended pathways say about it",
    "typical_on_the_job_training": "BLS typical on-the-job training needed to attain competency",
    "work_experience": "BLS work experience in a related occupation",
    "source": "Where the row comes from (seed source key, or imported)",
}

#: Columns whose meaning depends on the table.
TABLE_COLUMNS = {
    "glance": {"sentence": "Sentence id", "text": "The sentence as printed", "placeholder": "The number's placeholder in the sentence template",
               "label": "What the number is", "value": "The value", "display": "As printed", "command": "The upward command whose JSON holds it",
               "path": "Where in that JSON"},
    "tiers": {"employment": "Employment in the tier's occupations (those with a published median wage)"},
    "low_wage": {"rank": "Rank by employment among the low-tier occupations"},
    "pathways": {
        "origin": "SOC code of the low-wage occupation the pathway starts from", "origin_title": "Its title",
        "path_rank": "Rank of the pathway from this origin (best first, by the profile's ranking)",
        "path_years": "Years the pathway takes: study, training and related experience, at least a year per job",
        "path_gain_per_year": "Pay gain over the pathway ÷ its years (USD a year of preparation)",
        "path_evidence": "How often people make the pathway's least common move (CPS)",
        "target": "SOC code of the Job That Mobilizes it leads to", "target_title": "Its title",
        "wage_change": "Pay change over the whole pathway: final median ÷ first median − 1", "step": "Step number",
        "from": "SOC code the step starts from", "to": "SOC code the step leads to", "to_title": "Its title",
        "requires": "The credential the step asks (BLS typical entry education), empty when none",
        "step_years": "Years the step takes: new study + on-the-job training + related experience",
        "evidence": "How often people leaving the one occupation group go to the other (CPS)",
        "similarity": "Seven-facet similarity of the two occupations (0–1)",
        "wage_from": "Median wage before the step (USD)", "wage_to": "Median wage after it (USD)", "step_wage_change": "Pay change of the step",
        "wage_to_p25": "25th percentile wage of the step's occupation (USD)", "wage_to_p75": "75th percentile wage (USD)",
        "skill_gap": "Skill gap in O*NET level points", "skills_to_gain": "Skills and knowledge to gain (O*NET level now → needed)",
        "training_count": "Programs in the area that lead to the step's occupation", "training": "The best-ranked of them (up to three)",
        "cip_codes": "CIP codes that lead to the step's occupation (CIP–SOC)", "shown": "True when the report draws this pathway",
        "command": "The upward command that prints this pathway as JSON",
    },
    "skill_gaps": {
        "supply": "Mean O*NET level × (importance − 1)/4 over the area's jobs, weighted by employment", "demand": "The same over the area's JTMs, weighted by annual openings",
        "gap": "demand − supply", "gap_ratio": "demand ÷ supply", "supply_importance": "Employment-weighted mean O*NET importance (1–5)",
        "supply_level": "Employment-weighted mean O*NET level (0–7)", "demand_importance": "Openings-weighted mean importance over the JTMs",
        "demand_level": "Openings-weighted mean level over the JTMs", "rated_employment": "Employment of the occupations O*NET rates for this element",
        "rated_openings": "Openings of the JTMs O*NET rates for this element", "rated_jtms": "Number of those JTMs",
        "demand_level_meaning": "The demand level in O*NET's level anchors", "supply_level_meaning": "The supply level in O*NET's level anchors",
    },
    "benchmarks": {
        "soc": "The JTM's SOC code", "occupation": "Its title", "importance": "O*NET importance (1–5)", "level": "O*NET level (0–7)",
        "level_meaning": "The level in O*NET's level anchors", "essential": "True when importance ≥ the profile's benchmarks.essential_importance",
        "status": "onet, rated, added, removed or not added (employer ratings)", "region_level": "The region's level after employer ratings",
        "ratings": "Employer ratings of the element (latest per rater)", "onet_release": "O*NET release of the rating (29.3 or 30)",
        "recommend_suppress": "O*NET recommends suppressing the estimate (low precision)",
    },
    "program_supply": {"related_completions": "Local completions of the programs that train for it (people, less students studying exclusively online from another state), each program's split evenly over its occupations",
                       "related_awards": "The same programs' IPEDS awards, split the same way",
                       "programs": "Programs in the area that train for the occupation (dormant ones left out)",
                       "programs_unknown_completions": "Of them, programs that publish no completion count (ETPL)",
                       "supply_ratio": "local completions ÷ openings",
                       "training_route": "education, formal training, apprenticeship, learned at work or unknown (BLS entry fields)",
                       "national_field_ratio": "Nationally: IPEDS completers in its field ÷ annual openings (BLS)",
                       "supply_flag": "under-supplied, balanced, over-supplied (profile [programs] ratios), or why supply is not judged",
                       "supply_note": "Why it is not a training question, in words"},
    "duplicates": {"award_level": "IPEDS award level code", "award": "The award in words", "providers": "Providers offering it",
                   "completions": "Their IPEDS awards in the latest year", "local_completions": "Their local completions",
                   "openings": "Annual openings of the occupations it trains for", "provider_names": "Up to ten of the providers"},
    "phase_out": {"program_id": "Program id (seed or imported)", "completions_year": "Year of the latest completions",
                  "published_earnings": "College Scorecard median earnings (or imported)", "occupation_employment": "Employment here in the occupations it leads to",
                  "low_quality_share": "Share of that employment in low-tier occupations", "jtm_occupations": "The JTMs it leads to",
                  "phase_out_evidence": "Why it is a candidate", "pathways_say": "What the region's recommended pathways say about it",
                  "local_completions": "Completers counted as the area's supply", "distance_share": "Share of the institution's students studying exclusively online",
                  "earnings_yardstick": "What early earnings are compared with (by award level)"},
    "outcomes": {"indicator": "Outcome indicator (docs/outcomes.md)", "group": "Breakdown, e.g. sex=female ('' = all participants)",
                 "numerator": "People meeting the indicator (blank when suppressed)", "denominator": "People in the indicator's population (blank when suppressed)",
                 "value": "Rate (0–1) or median (USD); blank when suppressed", "suppressed": "True when the cell is suppressed (too few people)",
                 "synthetic": "True when the run was computed over synthetic data"},
    "actions": {"kind": "asset, change or outcome", "title": "The action", "text": "The action as printed", "rule": "The rule that picked it (docs/report.md)",
                "label": "What the evidence number is", "value": "The value", "display": "As printed", "command": "The upward command whose JSON holds it",
                "path": "Where in that JSON"},
    "people": {
        "measure": "Measure name (upward.sources.svi.MEASURES)", "svi_field": "The SVI 2022 field of the estimate (E_…)", "what": "Who is counted",
        "universe": "Whom the share is of", "estimate": "ACS 2018–22 estimate summed over the area's counties",
        "moe": "90% margin of error of the sum: √ΣMOE² (only the largest MOE among counties estimating zero)",
        "share": "estimate ÷ universe (0–1)", "share_moe": "90% MOE of the share (ACS proportion formula; docs/people.md)",
        "universe_estimate": "The universe summed over the counties", "universe_source": "published by SVI, or recovered from SVI percentages",
        "universe_imputed_counties": "Counties whose universe was estimated from their population (SVI percentage under 1.0)",
        "state_share": "The same share for the state", "national_share": "The same share for the nation", "need": "The unmet need it signals",
        "populations_served": "Import populations that answer the need", "supports": "Import supports that answer it",
        "cip_codes": "CIP codes whose programs answer it", "modalities": "Delivery modes that answer it",
        "programs": "Programs in the area's inventory that answer it", "program_examples": "Up to five of them, largest first",
    },
    "quality_by_group": {
        "group_code": "SOC major group code", "group_title": "SOC major group", "occupations": "Occupations with employment in the group",
        "employment_share": "Share of the area's employment", "median_wage": "Employment-weighted median of the occupations' median wages (USD)",
        "quality_share": "Share of the group's jobs in quality-tier occupations", "living_wage_share": "Share in occupations whose median pays the living wage",
        "benefits": "Employment-weighted mean benefits access (NCS group-level estimates, 0–1)", "benefits_coverage": "Share of the group's jobs with a benefits figure",
        "medical_access": "Mean NCS medical-care access of the occupations' groups", "medical_access_coverage": "Share of jobs covered",
        "sick_leave_access": "Mean NCS paid-sick-leave access of the occupations' industries", "sick_leave_access_coverage": "Share of jobs covered",
        "hazard_exposure": "Mean O*NET exposure to hazardous conditions (0–100)", "hazard_exposure_coverage": "Share of jobs covered",
        "women_share": "Mean share of women (CPS)", "women_share_coverage": "Share of jobs covered",
        "women_men_pay_ratio": "Mean women's ÷ men's median weekly earnings (CPS)", "women_men_pay_ratio_coverage": "Share of jobs covered",
        "ai_exposure": "Mean share of tasks exposed to LLMs (GPTs are GPTs, β)", "ai_exposure_coverage": "Share of jobs covered",
    },
    "sources": {"key": "Source key", "title": "Title", "publisher": "Publisher", "release": "Release", "license": "License",
                "attribution": "Attribution text", "obtained_from": "Where the bundled copy was obtained"},
}


TABLE_COLUMNS["training_gaps"] = TABLE_COLUMNS["no_training_gap"] = TABLE_COLUMNS["program_supply"]


#: What each measure of `upward changes` is, for its columns' descriptions.
_CHANGE_MEASURES = {
    "tot_emp": "OEWS employment", "a_median": "OEWS median annual wage (USD)", "a_mean": "OEWS mean annual wage (USD)",
    "a_pct10": "OEWS 10th-percentile annual wage (USD)", "a_pct25": "OEWS 25th-percentile annual wage (USD)",
    "a_pct75": "OEWS 75th-percentile annual wage (USD)", "a_pct90": "OEWS 90th-percentile annual wage (USD)",
    "h_median": "OEWS median hourly wage (USD)", "emp_prse": "BLS relative standard error of employment (percent)",
    "mean_prse": "BLS relative standard error of the mean wage (percent)",
}
_CHANGE_COLUMNS = {
    "status": "both (in both releases), entered, left, or regrouped (compared as its SOC broad group)",
    "codes_from": "SOC codes the row holds in the earlier release", "codes_to": "SOC codes the row holds in the later release",
    "tier_from": "Job-quality tier in the earlier release", "tier_to": "Job-quality tier in the later release",
    "jtm_from": "A Job That Mobilizes in the earlier release", "jtm_to": "A Job That Mobilizes in the later release",
    "in_area_from": "The earlier release has a row for the occupation in the area", "in_area_to": "The later release has a row for it",
    "from_release": "The earlier release (OEWS May year)", "to_release": "The later release",
}


def _changes_column(column: str) -> str | None:
    """Descriptions of `changes` columns, read off their names (measure + suffix)."""
    if column in _CHANGE_COLUMNS:
        return _CHANGE_COLUMNS[column]
    for suffix, words in (("_change_beyond_sampling_error", "True when the change exceeds 1.96 standard errors of the difference: "),
                          ("_growth_annual_pct", "Annual growth, percent a year: "), ("_change_pct", "Percent change: "),
                          ("_top_coded_from", "Top-coded by BLS in the earlier release: "), ("_top_coded_to", "Top-coded by BLS in the later release: "),
                          ("_change", "Change (later − earlier): "), ("_from", "In the earlier release: "), ("_to", "In the later release: ")):
        if column.endswith(suffix) and column[: -len(suffix)] in _CHANGE_MEASURES:
            return words + _CHANGE_MEASURES[column[: -len(suffix)]]
    return None


def describe(table: str, column: str) -> str | None:
    if table == "changes":
        return _changes_column(column) or COLUMNS.get(column)
    return TABLE_COLUMNS.get(table, {}).get(column) or COLUMNS.get(column)


def _cell(v):
    if isinstance(v, (list, tuple)):
        return "; ".join(str(x) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{k}={x}" for k, x in v.items())
    return v


def tables(report: dict, src: Sources) -> dict[str, list[dict]]:
    """The tables, as lists of flat rows."""
    out: dict[str, list[dict]] = {}
    out["glance"] = [
        {"sentence": f["id"], "text": f["text"], "placeholder": k, "label": n.get("label"), "value": n["value"], "display": n["display"],
         "command": command_text(n["command"]), "path": n["path"]}
        for f in report["glance"]["facts"] for k, n in f["numbers"].items()
    ]
    if "compare" in src.results:
        out["comparison"] = [{"role": role, **{k: v for k, v in a.items() if k != "top_jtms"},
                              "top_jtms": [f"{j['occ_code']} {j['occ_title']}" for j in a["top_jtms"]]}
                             for role, a in zip((c["role"] for c in report["glance"]["comparison"]), src.get("compare")["areas"])]
    pe = src.get("people")
    out["people"] = [{k: v for k, v in m.items() if k != "program_examples"} | {"program_examples": [x["program_name"] or x["program_id"] for x in m.get("program_examples", [])]}
                     for m in pe["measures"] + pe["context"]]
    out["quality_by_group"] = list(src.get("dimensions")["groups"])
    out["tiers"] = list(src.get("quality")["employment_by_tier"])
    gp = {j["occ_code"]: j["category"] for j in src.get("jobs_good-promising")["jobs"]}
    opp = {j["occ_code"]: j["category"] for j in src.get("jobs_opportunity")["jobs"]}
    out["occupations"] = [{**j, "good_promising": gp.get(j["occ_code"]), "opportunity": opp.get(j["occ_code"])} for j in src.get("jobs")["jobs"]]
    out["low_wage"] = [{"rank": i + 1, **o} for i, o in enumerate(src.get("quality")["largest_low_quality"])]
    rows = []
    shown = report["options"]["paths_per_origin"]
    for o in report["pathways"]["origins"]:
        r = src.get(o["source_key"])
        for p in r["pathways"]:
            for k, s in enumerate(p["steps"], 1):
                rows.append({
                    "origin": o["soc"], "origin_title": o["title"], "path_rank": p["rank"], "path_years": p["years"],
                    "path_gain_per_year": p["gain_per_year"], "path_evidence": p["evidence"], "target": p["target"],
                    "target_title": p["target_title"], "wage_change": p["pay"]["change_pct"], "step": k, "from": s["from"], "to": s["to"],
                    "to_title": s["to_title"], "requires": s["requires"]["credential"], "step_years": s["requires"]["years"],
                    "evidence": s["evidence"]["level"], "similarity": s["similarity"], "wage_from": s["pay"]["from"],
                    "wage_to": s["pay"]["to"], "step_wage_change": s["pay"]["change_pct"], "wage_to_p25": s["pay"]["to_p25"],
                    "wage_to_p75": s["pay"]["to_p75"], "skill_gap": s["skill_gap"],
                    "skills_to_gain": [f"{g['name']} {g['current_level']:.2f}→{g['required_level']:.2f}" for g in s["skills_to_gain"]],
                    "training_count": s["training_count"],
                    "training": [f"{t['program_name'] or '—'} ({t['provider_name'] or '—'})" for t in s["training"]],
                    "cip_codes": s["cip_codes"], "shown": p["rank"] <= shown, "command": command_text(src.command(o["source_key"])),
                })
    out["pathways"] = rows
    out["skill_gaps"] = list(src.get("skills")["elements"])
    rows = []
    for key in sorted(k for k in src.results if k.startswith("benchmark_")):
        b = src.get(key)
        for e in b["elements"]:
            rows.append({"soc": b["occupation"]["occ_code"], "occupation": b["occupation"]["occ_title"], "domain": e["domain"],
                         "element_id": e["element_id"], "element_name": e["element_name"], "importance": e["importance"], "level": e["level"],
                         "level_meaning": e["level_meaning"], "essential": e["essential"], "status": e.get("status"),
                         "region_level": e.get("region_level"), "ratings": len([r for r in e.get("ratings", []) if r.get("current")]),
                         "onet_release": e["onet_release"], "recommend_suppress": e["recommend_suppress"]})
    out["benchmarks"] = rows
    a = src.get("programs")
    out["program_supply"] = list(a["occupations"])
    out["training_gaps"] = list(a["gaps"])
    out["no_training_gap"] = list(a["no_training_gap"])
    out["duplicates"] = list(a["duplicates"])
    out["phase_out"] = list(a["phase_out_candidates"])
    if report["outcomes"]:
        oc = report["outcomes"]
        out["outcomes"] = [{"indicator": r["indicator"], "group": ", ".join(f"{k}={v}" for k, v in r["group"].items()),
                            "numerator": r["numerator"], "denominator": r["denominator"], "value": r["value"], "suppressed": r["suppressed"],
                            "synthetic": oc["synthetic"]} for r in oc["records"]]
    out["actions"] = [
        {"kind": act["kind"], "title": act["title"], "text": act["text"], "rule": act["rule"], "label": e.get("label"), "value": e["value"],
         "display": e["display"], "command": command_text(e["command"]) if e["command"][0] != "--outcomes" else e["command"][1], "path": e["path"]}
        for group in ("assets", "changes", "outcomes") for act in report["actions"][group] for e in act["evidence"]
    ]
    if "changes" in src.results:
        out["changes"] = list(src.get("changes")["occupations"])
    out["sources"] = list(report["method"]["sources"])
    return {name: [{k: _cell(v) for k, v in row.items()} for row in rows] for name, rows in out.items()}


def columns(name: str, rows: list[dict]) -> list[str]:
    cols: dict[str, None] = {}
    for r in rows:
        cols.update(dict.fromkeys(r))
    return list(cols)


def readme(report: dict, src: Sources, data: dict[str, list[dict]]) -> tuple[list[str], list[dict]]:
    """The README: lines of text, and one row per table column (table, column, description, source)."""
    a = report["area"]
    p = report["profile"]
    lines = [
        f"Upward regional pathways report: the tables behind the report for {a['area_name']} ({a['area_code']}).",
        f"Generated {report['generated_at']} by Upward {report['method']['atlas']['upward_version']} ({MARKER}).",
        f"Profile {p['name']} (hash {p['hash']}, {p['source']}); living-wage household {p['household']} ({p['household_words']}).",
        f"Data bundle {report['data']['bundle']}; atlas {report['method']['atlas']['atlas_fingerprint']}.",
        "Money is annual US dollars of the data year; shares are 0–1; lists are joined with '; '. Method: docs/report.md and the docs it links.",
        "Each table's source is the upward command whose --json output holds the same values.",
        "",
        "Releases:",
        *(f"  {s['title']} — {s['release']} ({s['license']})" for s in report["method"]["sources"]),
        "",
        "Attributions:",
        *(f"  {t}" for t in report["method"]["attributions"]),
        "",
        "Limits:",
        *(f"  {t}" for t in report["method"]["limits"]),
    ]
    if report["outcomes"] and report["outcomes"]["synthetic"]:
        lines.insert(4, "The outcomes table comes from a SYNTHETIC run: the people do not exist; it illustrates the method only.")
    rows = []
    for name, table in data.items():
        what, key = TABLES[name]
        source = (command_text(src.command(key)) if key and key in src.results and key != "outcomes"
                  else report["outcomes"]["source"] if key == "outcomes" else "see the command column" if name in ("glance", "actions", "pathways")
                  else "upward benchmark SOC --region AREA --json" if name == "benchmarks" else "upward atlas info --json")
        rows.append({"table": name, "column": "", "description": what, "source": source, "rows": len(table)})
        for col in columns(name, table):
            rows.append({"table": name, "column": col, "description": describe(name, col) or "", "source": source, "rows": None})
    return lines, rows


def export(report: dict, src: Sources, fmt: str, path: Path, force: bool = False) -> dict:
    if fmt not in EXPORT_FORMATS:
        raise UpwardError(f"--format {fmt!r} is not one of {', '.join(EXPORT_FORMATS)}.")
    path = Path(path)
    data = tables(report, src)
    lines, cols = readme(report, src, data)
    if fmt == "xlsx":
        if path.suffix.lower() != ".xlsx":
            raise UpwardError(f"-o {path}: an xlsx export is one file ending in .xlsx.", hint="e.g. -o houston.xlsx")
        write_atomically(path, lambda tmp: _xlsx(tmp, data, lines, cols))
        files = [str(path.resolve())]
    else:
        if path.suffix:
            raise UpwardError(f"-o {path}: a {fmt} export is a folder of files; give a folder name without an extension.", hint=f"e.g. -o houston-{fmt}")
        files = _write_folder(path, fmt, data, lines, cols, force)
    return {"path": str(path.resolve()), "format": fmt, "tables": {k: len(v) for k, v in data.items()}, "files": files}


def _xlsx(target: Path, data: dict, lines: list[str], cols: list[dict]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from upward.csvout import append_xlsx_row

    wb = Workbook()
    ws = wb.active
    ws.title = "README"
    bold = Font(bold=True)
    for line in lines:
        append_xlsx_row(ws, [line])
    ws.append([])
    ws.append(["table", "column", "description", "source", "rows"])
    for c in ws[ws.max_row]:
        c.font = bold
    for r in cols:
        append_xlsx_row(ws, [r["table"], r["column"], r["description"], r["source"], r["rows"]])
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 26
    ws.column_dimensions["C"].width = 90
    ws.column_dimensions["D"].width = 60
    for name, rows in data.items():
        sheet = wb.create_sheet(name[:31])
        head = columns(name, rows)
        append_xlsx_row(sheet, head)
        for c in sheet[1]:
            c.font = bold
        for r in rows:
            append_xlsx_row(sheet, [r.get(h) for h in head])
        sheet.freeze_panes = "A2"
    wb.save(target)


def _one_type_per_column(rows: list[dict], head: list[str]) -> list[dict]:
    """Parquet columns hold one type: a column mixing text and numbers (an imported award level '3' next
    to the seed's 3) is written as text; integers next to decimals stay numbers."""
    mixed = set()
    for h in head:
        kinds = {type(r.get(h)) for r in rows if r.get(h) is not None}
        if len(kinds) > 1 and not kinds <= {int, float}:
            mixed.add(h)
    return [{h: (str(r.get(h)) if h in mixed and r.get(h) is not None else r.get(h)) for h in head} for r in rows]


def _write_folder(path: Path, fmt: str, data: dict, lines: list[str], cols: list[dict], force: bool) -> list[str]:
    from upward import csvout

    if path.exists():
        if not path.is_dir():
            raise UpwardError(f"-o {path} exists and is a file; a {fmt} export is a folder.", hint="Choose another path.")
        earlier = (path / "README.md").is_file() and MARKER in (path / "README.md").read_text(encoding="utf-8", errors="replace")
        if any(path.iterdir()) and not (earlier or force):
            raise UpwardError(f"-o {path} is a folder that is not an earlier Upward export; refusing to replace it.",
                              hint="Choose a new folder name, or pass --force to replace it.")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        (tmp / "README.md").write_text("\n".join(lines) + "\n\nTables and columns: README.csv\n", encoding="utf-8")
        with (tmp / "README.csv").open("w", newline="", encoding="utf-8") as fh:
            csvout.write_rows(fh, cols, ["table", "column", "description", "source", "rows"])
        for name, rows in data.items():
            head = columns(name, rows)
            if fmt == "csv":
                with (tmp / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
                    csvout.write_rows(fh, rows, head or ["empty"])
            else:
                import pyarrow as pa
                import pyarrow.parquet as pq

                table = pa.Table.from_pylist(_one_type_per_column(rows, head)) if rows else pa.table({})
                pq.write_table(table, tmp / f"{name}.parquet")
        if path.exists():
            old = path.with_name(f".{path.name}.old-{os.getpid()}")
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted(str(p.resolve()) for p in path.iterdir())
