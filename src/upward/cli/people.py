"""`upward people` (who lives in the region and what they need) and `upward dimensions` (every
dimension of job quality by occupation group or industry)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from upward.cli import render
from upward.cli.common import DbOption, Output, ProfileOption, answers, app, atlas_and_area
from upward.cli.programs import HubOption, _hub

#: Short labels that keep the people table inside 80 columns (the JSON has the full wording).
LABELS = {
    "no_hs_diploma": "no diploma (25+)",
    "limited_english": "limited English (5+)",
    "below_150_poverty": "under 150% poverty",
    "uninsured": "uninsured",
    "disability": "with a disability",
    "unemployed": "unemployed (16+)",
    "age_65_over": "aged 65 and over",
    "no_vehicle": "households, no vehicle",
    "no_broadband": "households, no broadband",
    "single_parent": "single-parent households",
    "minority": "racial/ethnic minority",
    "black": "Black",
    "hispanic": "Hispanic or Latino",
    "asian": "Asian",
    "american_indian": "American Indian, AK Native",
    "pacific_islander": "Pacific Islander",
    "two_or_more_races": "two or more races",
    "other_race": "some other race",
}


def _pct(v, digits: int = 1) -> str:
    return "—" if v is None else f"{v * 100:.{digits}f}%"


def _pm(v, digits: int = 1) -> str:
    return "" if v is None else f"±{v * 100:.{digits}f}"


def _count(v) -> str:
    return "—" if v is None else f"{v:,.0f}"


@app.command()
@answers
def people(
    region: Annotated[str, typer.Option("--region", "-r", help="Area: OEWS code, CBSA, state or name.")],
    hub: HubOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """Who lives in the region and their likely unmet needs: ACS counts with margins of error,
    shares beside the state's and the nation's, and the programs that say they meet each need."""
    from upward.analysis.people import people as build

    con, area = atlas_and_area(db, region, out.quiet)
    r = build(con, area.code, _hub(hub))
    out.emit(r, (
        {"area_code": area.code, **{k: v for k, v in m.items() if k not in ("program_examples", "populations_served", "supports", "cip_codes", "modalities")},
         **{k: "; ".join(m.get(k) or []) for k in ("populations_served", "supports", "cip_codes", "modalities")}}
        for m in r["measures"] + r["context"]
    ), _print_people)


def _print_people(r: dict) -> None:
    c = render.console
    a = r["area"]
    c.print(f"[bold]People in {escape(a['area_name'])}[/] ({a['area_code']})", highlight=False)
    if not r["available"]:
        for n in r["notes"]:
            c.print(f"[yellow]{escape(n)}[/]", highlight=False)
        return
    c.print(
        f"{_count(r['total_population'])} people, {_count(r['households'])} households in {r['counties']} counties "
        "(ACS 2018–2022, CDC/ATSDR SVI 2022; ± is the 90% margin of error).",
        highlight=False,
    )
    head = ["measure", "count ± MOE", "share ± MOE", "state", "U.S."]
    c.print(
        render.table(
            "Likely unmet needs",
            [*head, "progs"],
            [
                [LABELS[m["measure"]], f"{_count(m['estimate'])} ±{_count(m['moe'])}", f"{_pct(m['share'])} {_pm(m['share_moe'])}",
                 _pct(m["state_share"]), _pct(m["national_share"]), str(m["programs"])]
                for m in r["measures"]
            ],
            {1, 2, 3, 4, 5},
        )
    )
    c.print(
        render.table(
            "What each signals, and the programs in the area that say they answer it",
            ["measure", "need", "programs (largest first)"],
            [
                [LABELS[m["measure"]], m["need"],
                 "; ".join(p["program_name"] or p["program_id"] for p in m["program_examples"][:3]) or "none in the inventory"]
                for m in r["measures"]
            ],
        )
    )
    c.print(
        render.table(
            "Race and ethnicity (context for equity)",
            head,
            [[LABELS[m["measure"]], f"{_count(m['estimate'])} ±{_count(m['moe'])}", f"{_pct(m['share'])} {_pm(m['share_moe'])}",
              _pct(m["state_share"]), _pct(m["national_share"])] for m in r["context"]],
            {1, 2, 3, 4},
        )
    )
    for n in r["notes"]:
        c.print(f"[dim]{escape(n)}[/]", highlight=False)


@app.command()
@answers
def dimensions(
    region: Annotated[str, typer.Option("--region", "-r", help="Area: OEWS code, CBSA, state or name.")],
    by: Annotated[str, typer.Option("--by", help="major-group (SOC major groups) or industry (NAICS sectors).")] = "major-group",
    profile: ProfileOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """Every dimension of job quality by occupation group or industry: jobs, median pay against the
    living wage, benefits, hazard, women's pay ratio, AI exposure and the share in quality jobs."""
    from upward import profiles
    from upward.analysis.dimensions import by_group

    prof = profiles.load(profile)
    con, area = atlas_and_area(db, region, out.quiet)
    r = by_group(con, area.code, prof, by)
    out.emit(r, ({"area_code": area.code, "by": by, **g} for g in r["groups"]), _print_dimensions)


def _print_dimensions(r: dict) -> None:
    c = render.console
    a = r["area"]
    c.print(
        f"[bold]{escape(a['area_name'])}[/] ({a['area_code']}) by {'SOC major group' if r['by'] == 'major-group' else 'NAICS sector'} — "
        f"profile {r['profile']['name']} ({r['profile']['hash']}), living wage {render.money(r['living_wage'])}",
        highlight=False,
    )

    def ratio(v):
        return "—" if v is None else f"{v:.2f}"

    rows = [
        [
            g["group_title"].replace(" Occupations", ""),
            render.number(g["employment"]), ratio(g["median_living_wage_ratio"]), _pct(g["quality_share"], 0),
            _pct(g["benefits"], 0), render.number(g["hazard_exposure"]), ratio(g["women_men_pay_ratio"]), _pct(g["ai_exposure"], 0),
        ]
        for g in r["groups"]
    ]
    c.print(
        render.table(
            "Job quality by dimension",
            ["group", "jobs", "pay÷LW", "qual.", "benef.", "hazard", "W÷M", "AI"],
            rows,
            {1, 2, 3, 4, 5, 6, 7},
        )
    )
    c.print(
        "[dim]pay÷LW: median pay ÷ living wage; qual.: share of jobs in quality-tier occupations; benef.: NCS benefits access "
        "(group-level estimate); hazard: O*NET exposure to hazardous conditions, 0–100; W÷M: women's ÷ men's median weekly "
        "earnings (CPS); AI: share of tasks exposed to LLMs (GPTs are GPTs, β).[/]",
        highlight=False,
    )
    for n in r["notes"]:
        c.print(f"[dim]{escape(n)}[/]", highlight=False)
