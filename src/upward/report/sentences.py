"""The *At a glance* sentences: plain English generated from the analysis results.

Each sentence is a template, the names it mentions and the numbers it quotes (`refs.sentence`);
every number is a reference to the `upward … --json` output that holds it. The rules (which
numbers, which comparisons) are in docs/report.md:

1. living wage — share of jobs in occupations whose median pays the living wage (`upward quality`
   indicators.living_wage_median_share) and the living wage itself; against the state, the nation
   and the peers (`upward compare`, areas[i].living_wage_median_share);
2. newcomers and the low tier — the share whose 25th percentile pays it, and the low tier's share of
   jobs (`upward quality`, employment_by_tier);
3. opportunity occupations — the share and the cost-adjusted bar (`upward quality`), against the
   comparisons (`upward compare`, cost-of-living adjusted by each area's own price parity);
4. real wages — the median wage divided by the price parity (`upward compare` real_median_wage), here
   and in each comparison area;
5. Jobs That Mobilize — how many of the scored occupations, and the top one (`upward jobs --all`);
6. the largest low-wage occupation (`upward quality` largest_low_quality[0]), where the pathways start.

A sentence whose own number is missing (no living wage in Puerto Rico, no price parity) is left
out and a note says why; a comparison area missing a number is left out of that sentence.
"""

from __future__ import annotations

from upward.report.refs import Sources, sentence

_ROLE_NAME = {"nation": "the nation"}


def _against(src: Sources, ctx: dict, key: str, fmt: str, tag: str) -> tuple[str, dict, dict]:
    """', against {x_1} in {n_1}, {x_2} in {n_2} and …' over the comparison areas that have the value."""
    if not ctx["has_compare"]:
        return "", {}, {}
    areas = src.get("compare")["areas"]
    parts, names, nums = [], {}, {}
    for i, a in enumerate(areas[1:], start=1):
        if a.get(key) is None:
            continue
        role = ctx["roles"][i]
        names[f"{tag}_name_{i}"] = _ROLE_NAME.get(role, a["area_name"])
        nums[f"{tag}_{i}"] = src.num("compare", f"areas[{i}].{key}", fmt)
        parts.append(f"{{{tag}_{i}}} in {{{tag}_name_{i}}}")
    if not parts:
        return "", {}, {}
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return ", against " + text, names, nums


def glance(src: Sources, ctx: dict) -> list[dict]:
    q = src.get("quality")
    ind = q["indicators"]
    area = ctx["area"]
    name = "the United States" if area["area_type"] == "national" else area["area_name"]
    base = {"area": name, "household": ctx["household_words"]}
    facts = []

    if ind["living_wage_median_share"] is not None:
        tail, names, nums = _against(src, ctx, "living_wage_median_share", "pct", "lw")
        lw = q["living_wage"] or {}
        prices = lw.get("prices") or {}
        priced = ("at {year} prices: MIT's {mit_year} budget × {factor}, {index}" if prices.get("adjusted")
                  else "MIT's {mit_year} figure, not brought to {year} prices")
        index = ("the job-weighted CPI-U factor of its areas" if lw.get("n_areas")
                 else f"the CPI-U {prices.get('index') or ''} index".replace("  ", " "))
        facts.append(sentence(
            "{lw} of jobs in {area} are in occupations whose median wage pays a living wage for {household} ({lwage} a year "
            + priced + ")" + tail + ".",
            {**base, **names, "index": index, "year": str(prices.get("to_year") or ""), "mit_year": str(lw.get("mit_year") or "")},
            {"lw": src.num("quality", "indicators.living_wage_median_share", "pct"),
             "lwage": src.num("quality", "indicators.living_wage", "money"),
             **({"factor": src.num("quality", "living_wage.prices.applied", "factor")} if prices.get("adjusted") else {}), **nums},
            "living_wage",
        ))
        low = next(i for i, t in enumerate(q["employment_by_tier"]) if t["tier"] == "low")
        facts.append(sentence(
            "Even the 25th percentile, what a newcomer can expect, earns it in occupations holding {p25} of jobs; "
            "{low} of jobs are in occupations whose median falls short of it.",
            base,
            {"p25": src.num("quality", "indicators.living_wage_p25_share", "pct"),
             "low": src.num("quality", f"employment_by_tier[{low}].share", "pct")},
            "newcomers",
        ))
    if ind["opportunity_share"] is not None:
        tail, names, nums = _against(src, ctx, "opportunity_share", "pct1", "opp")
        facts.append(sentence(
            "{opp} of jobs are opportunity occupations, open without a bachelor's degree and paying at least {bar} "
            "(the national median wage adjusted for local prices)" + tail + ".",
            {**base, **names},
            {"opp": src.num("quality", "indicators.opportunity_share", "pct1"),
             "bar": src.num("quality", "indicators.opportunity_wage_bar", "money"), **nums},
            "opportunity",
        ))
    if ctx["has_compare"]:
        me = src.get("compare")["areas"][0]
        if me.get("real_median_wage") is not None:
            tail, names, nums = _against(src, ctx, "real_median_wage", "money", "real")
            facts.append(sentence(
                "Prices here are {rpp} of the national average (BEA), so the median wage of {median} is worth {real} "
                "a year at national prices" + tail + ".",
                {**base, **names},
                {"rpp": src.num("compare", "areas[0].price_parity", "parity_pct"),
                 "median": src.num("compare", "areas[0].median_wage", "money"),
                 "real": src.num("compare", "areas[0].real_median_wage", "money"), **nums},
                "real_wage",
            ))
    jobs = src.get("jobs")
    if jobs["jtm_count"]:
        facts.append(sentence(
            "{jtm} of the {scored} occupations scored here are Jobs That Mobilize: in the region's upper half on pay, demand, "
            "strategic value and accessibility at once, and paying a living wage. The top-ranked is {top} (median {top_median}).",
            {**base, "top": jobs["jobs"][0]["occ_title"]},
            {"jtm": src.num("jobs", "jtm_count", "int"), "scored": src.num("jobs", "scored_occupations", "int"),
             "top_median": src.num("jobs", "jobs[0].a_median", "money")},
            "jtm",
        ))
    else:
        facts.append(sentence(
            "None of the {scored} occupations scored here is a Job That Mobilizes under this profile; see the notes below.",
            base, {"scored": src.num("jobs", "scored_occupations", "int")}, "jtm",
        ))
    if q["largest_low_quality"]:
        o = q["largest_low_quality"][0]
        facts.append(sentence(
            "The largest low-wage occupation is {occ}: {emp} jobs at a median of {median}, {ratio} times the living wage. "
            "The pathways below start there.",
            {**base, "occ": o["occ_title"]},
            {"emp": src.num("quality", "largest_low_quality[0].employment", "count"),
             "median": src.num("quality", "largest_low_quality[0].a_median", "money"),
             "ratio": src.num("quality", "largest_low_quality[0].median_living_wage_ratio", "ratio")},
            "low_wage",
        ))
    return facts


def missing_notes(src: Sources) -> list[str]:
    """Why a sentence is absent."""
    ind = src.get("quality")["indicators"]
    notes = []
    if ind["living_wage_median_share"] is None:
        notes.append("MIT publishes no living wage for this area (Puerto Rico and the territories are not covered), so no living-wage share is given.")
    if ind["opportunity_share"] is None:
        notes.append("BEA publishes no price parity for this area, so opportunity occupations and real wages cannot be given.")
    return notes
