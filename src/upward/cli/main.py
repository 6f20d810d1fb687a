"""`upward …`: a thin layer over analysis. Every command prints rich tables, or --json / --csv."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape

from upward.atlas.lookup import AREA_ACCEPTS, NATIONAL, notes
from upward.cli import render
from upward.cli.common import DbOption, Output, ProfileOption, answers, app, atlas_and_area, connect_atlas, occupation_of

@app.command()
@answers
def regions(
    search: Annotated[str | None, typer.Option("--search", "-s", help="Text in the area name.")] = None,
    state: Annotated[str | None, typer.Option("--state", help="State abbreviation or name, e.g. TX.")] = None,
    area_type: Annotated[str | None, typer.Option("--type", help="national, state, metro or nonmetro.")] = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """List areas (national, states, metro and nonmetropolitan areas)."""
    from upward.analysis.regions import list_areas

    rows = list_areas(connect_atlas(db), search, state, area_type)
    out.emit(rows, rows, _print_regions, stamped=False)


def _print_regions(rows: list[dict]) -> None:
    render.console.print(
        render.table(
            f"{len(rows)} areas",
            ["code", "name", "type", "state", "employment", "price parity"],
            [
                [r["area_code"], r["area_name"], r["area_type"], r["state_abbr"] or "", render.number(r["total_employment"]), render.number(r["price_parity"], 1)]
                for r in rows
            ],
            {4, 5},
        )
    )


@app.command()
@answers
def region(
    area: Annotated[str, typer.Argument(help="The area: " + AREA_ACCEPTS + ".")],
    profile: ProfileOption = None,
    household: Annotated[str | None, typer.Option("--household", help="MIT living-wage household type, e.g. 1A0C, 1A2C, 2A2W2C (default: the profile's).")] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=100, help="How many occupations to list.")] = 10,
    db: DbOption = None,
    out: Output = Output(),
):
    """Summarise an area: jobs, wages, price parity, living wage, its largest and most concentrated occupations."""
    from upward import profiles
    from upward.analysis.regions import region_summary

    prof = profiles.load(profile)
    con, resolved = atlas_and_area(db, area, out.quiet)
    s = region_summary(con, resolved.code, prof, household, top)
    out.emit({"resolved": resolved.note, **s}, _region_rows(s), _print_region, stamped=False)


def _region_rows(s: dict):
    """The area's figures on every row of its two occupation lists."""
    lw = s["living_wage"] or {}
    area = {
        "area_code": s["area"]["area_code"],
        "area_name": s["area"]["area_name"],
        "area_employment": s["employment"],
        "area_median_wage": (s["wages_all_occupations"] or {}).get("a_median"),
        "price_parity": s["price_parity"]["value"],
        "living_wage_household": lw.get("household"),
        "living_wage_annual": lw.get("annual_wage"),
        "living_wage_mit_annual": lw.get("mit_annual_wage"),
        "living_wage_cpi_factor": (lw.get("prices") or {}).get("applied"),
        "living_wage_cpi_index": (lw.get("prices") or {}).get("index"),
    }
    for name in ("largest_occupations", "most_concentrated_occupations"):
        for i, o in enumerate(s[name]):
            yield {**area, "list": name, "rank": i + 1, **o}


def _print_region(s: dict) -> None:
    a, w, lw, pp = s["area"], s["wages_all_occupations"] or {}, s["living_wage"], s["price_parity"]
    cap = s["top_coded_at_least"]["annual"]
    c = render.console
    c.print(f"[bold]{a['area_name']}[/]  ({a['area_code']}, {a['area_type']}{', ' + str(a['n_counties']) + ' counties' if a['n_counties'] else ''})", highlight=False)
    c.print(f"Employment: {render.number(s['employment'])}    Median annual wage: {render.money(w.get('a_median'), at_least=cap if w.get('a_median_top_coded') else None)}    Mean: {render.money(w.get('a_mean'))}", highlight=False)
    c.print(
        f"Price parity ({pp['year']}): {render.number(pp['value'], 1) if pp['value'] is not None else 'not available'}"
        + (f"  [dim]{pp['source']}[/]" if pp["source"] else ""),
        highlight=False,
    )
    for line in render.living_wage_lines(lw):
        c.print(line, highlight=False)
    _print_people(s["people"])
    cols = ["SOC", "occupation", "employment", "median wage", "25th pct", "LQ"]
    for key, title in (("largest_occupations", "Largest occupations"), ("most_concentrated_occupations", "Most concentrated (location quotient)")):
        if s[key]:
            c.print(
                render.table(
                    title,
                    cols,
                    [
                        [o["occ_code"], o["occ_title"], render.number(o["employment"]), render.money(o["a_median"], at_least=cap if o["a_median_top_coded"] else None), render.money(o["a_pct25"]), render.number(o["loc_quotient"], 2)]
                        for o in s[key]
                    ],
                    {2, 3, 4, 5},
                )
            )
    if lw:
        c.print(f"[dim]{lw['note']}[/]", highlight=False)
    c.print(f"[dim]Data: BLS OEWS {s['data']['releases']['bls_oews']}; MIT living wage; BLS CPI-U; BEA RPP. Bundle {s['data']['bundle']}.[/]", highlight=False)


def _print_people(p: dict) -> None:
    c = render.console
    if not p["available"]:
        c.print(f"People: {p['note']}", highlight=False)
        return

    def pct(v):
        return "—" if v is None else f"{v:.1%}"

    c.print(
        render.table(
            f"People: {render.number(p['total_population'])} residents, {render.number(p['households'])} households (ACS 2018–22)",
            ["measure", "people", "share", "state", "U.S."],
            [[m["what"], f"{render.number(m['estimate'])} ±{render.number(m['moe'])}", f"{pct(m['share'])}", pct(m["state_share"]), pct(m["national_share"])]
             for m in p["measures"]],
            {1, 2, 3, 4},
        )
    )
    if p.get("note"):
        c.print(f"[dim]{p['note']}[/]", highlight=False)
    c.print(f"[dim]{p['source']}[/]", highlight=False)


@app.command()
@answers
def occupation(
    soc: Annotated[str, typer.Argument(help="SOC code (29-1141), O*NET-SOC code (29-1141.01) or title.")],
    region: Annotated[str, typer.Option("--region", "-r", help="Area for wages and employment (default: national).")] = NATIONAL,
    top: Annotated[int, typer.Option("--top", min=1, max=50, help="How many skills and knowledge areas to list.")] = 10,
    profile: ProfileOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """One occupation: wages, employment, location quotient, projections, education, job zone, top skills,
    and its benefits, hazard, women's share and pay ratio, and AI exposure (national)."""
    from upward import profiles
    from upward.analysis.occupations import occupation_profile

    con, area = atlas_and_area(db, region, out.quiet)
    occ = occupation_of(con, soc, out.quiet)
    p = occupation_profile(con, area.code, occ.code, profiles.load(profile), top=top)
    out.emit({"resolved": notes(occ, area), **p}, _occupation_rows(p), _print_occupation, stamped=False)


def _unit(section: str, item: str) -> str:
    """What a number in the long table counts: BLS projections are in thousands, OEWS in jobs."""
    if item.endswith("_fn"):
        return "BLS footnote code"
    if item.endswith("_top_coded") or section == "technology":
        return "flag"
    if section in ("wages", "wages_national"):
        if item.startswith("a_"):
            return "US dollars a year"
        if item.startswith("h_"):
            return "US dollars an hour"
        return {"tot_emp": "jobs", "emp_prse": "percent (relative standard error)", "mean_prse": "percent (relative standard error)",
                "jobs_1000": "jobs per 1,000 in the area", "loc_quotient": "ratio to the national share"}.get(item, "")
    if section == "projections_national":
        if item.endswith(("_pct", "_rate")):
            return "percent"
        if item in ("emp_base", "emp_projected", "emp_change", "labor_force_exits", "occupational_transfers", "separations", "openings_annual"):
            return "thousands of jobs (as BLS publishes projections)"
        if item in ("base_year", "projected_year"):
            return "year"
        return "US dollars a year" if item == "median_wage" else ""
    if section in ("skills", "knowledge", "abilities", "work_activities"):
        return "O*NET importance, 1 to 5" if item == "importance" else "O*NET level, 0 to 7"
    return "tasks" if section == "detailed_work_activities" else ""


def _occupation_rows(p: dict):
    """The profile as one long table: section, item, measure, value and its unit."""
    base = {"occ_code": p["occupation"]["occ_code"], "area_code": p["area"]["area_code"]}
    for section in ("wages", "wages_national", "projections_national", "education"):
        for k, v in (p[section] or {}).items():
            yield {**base, "section": section, "item": k, "measure": "", "value": v, "unit": _unit(section, k)}
    for section in ("skills", "knowledge", "abilities", "work_activities"):
        for d in p[section]:
            for m in ("importance", "level"):
                yield {**base, "section": section, "item": d["element"], "measure": m, "value": d[m], "unit": _unit(section, m)}
    for d in p["detailed_work_activities"]:
        yield {**base, "section": "detailed_work_activities", "item": d["dwa_title"], "measure": "tasks", "value": d["tasks"],
               "unit": _unit("detailed_work_activities", "tasks")}
    for d in p["technology"]:
        yield {**base, "section": "technology", "item": d["example"], "measure": "hot_technology", "value": d["hot_technology"],
               "unit": _unit("technology", "hot_technology")}
    dims = p["dimensions"]
    for section in ("benefits", "safety", "equity", "ai") if dims["available"] else ():
        for k, v in dims[section].items():
            if not isinstance(v, dict):
                yield {**base, "section": section, "item": k, "measure": "", "value": v, "unit": _unit(section, k)}


def _print_occupation(p: dict) -> None:
    c = render.console
    o, a, w, cap = p["occupation"], p["area"], p["wages"], p["top_coded_at_least"]
    c.print(f"[bold]{o['occ_title']}[/]  ({o['occ_code']})  in {a['area_name']}", highlight=False)
    c.print(f"[dim]{o['major_title'] or o['major_code']} › {o['minor_title'] or o['minor_code']}[/]", highlight=False)
    if w:
        c.print(
            f"Employment: {render.number(w['tot_emp'])}  (RSE {render.number(w['emp_prse'], 1)}%)    "
            f"Location quotient: {render.number(w['loc_quotient'], 2)}    Jobs per 1,000: {render.number(w['jobs_1000'], 3)}",
            highlight=False,
        )
        rows = [
            [unit, *(render.money(w[f"{u}_{k}"], hourly=u == "h", at_least=cap[unit] if w[f"{u}_{k}_top_coded"] else None) for k in ("pct10", "pct25", "median", "pct75", "pct90", "mean"))]
            for u, unit in (("a", "annual"), ("h", "hourly"))
        ]
        c.print(render.table("Wages", ["", "10th", "25th", "median", "75th", "90th", "mean"], rows, {1, 2, 3, 4, 5, 6}))
    else:
        c.print("No OEWS estimate for this occupation in this area.")
    for f in p["wage_footnotes"]:
        c.print(f"[dim]Note {f['footnote_code']}: {f['text']}[/]", highlight=False)
    pr = p["projections_national"]
    if pr:
        c.print(
            f"Projections {pr['projections_period']} (national): employment {render.number(pr['emp_base'], 1)}k → {render.number(pr['emp_projected'], 1)}k "
            f"({render.number(pr['emp_change_pct'], 1)}%), {render.number(pr['openings_annual'], 1)}k openings a year",
            highlight=False,
        )
    e = p["education"]
    if e:
        c.print(
            f"Typical education: {e['typical_education'] or '—'}; experience: {e['work_experience'] or '—'}; "
            f"training: {e['on_the_job_training'] or '—'}; job zone: {e['job_zone'] or '—'}"
            + (f" ({e['job_zone_name']})" if e["job_zone_name"] else ""),
            highlight=False,
        )
    for key, title in (("skills", "Top skills"), ("knowledge", "Top knowledge")):
        sources = {(d["onet_release"], d["method"]) for d in p[key]}
        if any(r == "30" for r, _ in sources) and key == "skills":
            title += " — O*NET 29.3 does not rate this occupation; O*NET 30 gives its ten basic skills only"
        if any(m.startswith("all_other") for _, m in sources):
            title += " — proxy: mean of the named occupations in the same SOC group"
        if any(m == "related_occupations" for _, m in sources):
            title += " — proxy: O*NET has not rated it yet; mean of O*NET's closest related occupations"
        if not p[key]:
            c.print(f"{title}: O*NET rates none for this occupation (see `upward atlas info` for coverage).")
        if p[key]:
            c.print(
                render.table(
                    f"{title} (O*NET importance 1–5, level 0–7)",
                    ["element", "importance", "level"],
                    [[d["element"], render.number(d["importance"], 2), render.number(d["level"], 2)] for d in p[key]],
                    {1, 2},
                )
            )
    _print_dimensions(p["dimensions"])
    if p["detailed_work_activities"]:
        c.print(f"[bold]Detailed work activities[/] ({p['detailed_work_activities_count']}, most tasks first): "
                + "; ".join(d["dwa_title"] for d in p["detailed_work_activities"][:5]), highlight=False)
    if p["technology"]:
        c.print(f"[bold]Technology[/] ({p['technology_count']}, in-demand and hot first): "
                + ", ".join(d["example"] + (" (hot)" if d["hot_technology"] else "") for d in p["technology"][:8]), highlight=False)
    c.print(f"[dim]Data: BLS OEWS {p['data']['releases']['bls_oews']}; O*NET 29.3/30; BLS Projections {p['data']['releases']['bls_projections']}. Bundle {p['data']['bundle']}.[/]", highlight=False)


def _print_dimensions(d: dict) -> None:
    """Benefits, safety, equity and AI exposure: national figures, each with its level and source."""
    if not d["available"]:
        return

    def pct(v, digits=0):
        return "—" if v is None else f"{v:.{digits}%}"

    b, s, e, a = d["benefits"], d["safety"], d["equity"], d["ai"]
    ratio = "—" if e["women_men_pay_ratio"] is None else f"{e['women_men_pay_ratio']:.2f}"
    weekly = " / ".join(render.money(e[k]) for k in ("women_median_weekly", "men_median_weekly"))
    rows = [
        ["benefits", pct(b["value"]), f"{b['basis']}: medical care {pct(b['medical_access'])} ({b['medical_group']}), paid sick leave "
         f"{pct(b['sick_leave_access'])} (its industries), retirement {pct(b['retirement_access_wage'])} ({b['wage_quartile'] or 'no wage'})"],
        ["hazard", render.number(s["hazard_exposure"]), "O*NET exposure to hazardous conditions, 0 never to 100 every day"
         + (f" ({s['method'].replace('_', ' ')})" if s["method"] and s["method"] != "onet_rollup" else "")],
        ["women", pct(e["women_share"], 1), f"women's ÷ men's median weekly pay {ratio} ({weekly}, full-time)" if ratio != "—"
         else "women's ÷ men's median weekly pay: not published (CPS shows no median under 50,000 full-time workers)"],
        ["55 and over", pct(e["share_55_over"], 1), f"median age {render.number(e['median_age'], 1)}; CPS line: {e['census_occupation']}"],
        ["AI exposure", pct(a["exposure"]), f"share of tasks exposed to LLMs (GPT-4 rating {pct(a['exposure_gpt4'])}); AI applicability "
         f"{render.number(a['applicability'], 2)} (Working with AI)"],
    ]
    render.console.print(render.table("Beyond pay (national figures)", ["dimension", "value", "what it is"], rows, {1}))


atlas_app = typer.Typer(help="Build or inspect the atlas database.", no_args_is_help=True)
app.add_typer(atlas_app, name="atlas")


@atlas_app.command("build")
@answers(csv=False)
def atlas_build(
    db: DbOption = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if current.")] = False,
    out: Output = Output(),
):
    """Build the atlas from the bundled data (done automatically on first use)."""
    import time

    from upward import atlas
    from upward.atlas.build import build

    path = db or atlas.default_path()
    built, t0 = False, time.perf_counter()
    if force or not atlas.is_current(path):
        with render.err_console.status("Building the atlas…") as status:
            build(path, progress=lambda s: status.update(f"Building the atlas: {s}"))
        built = True
    result = {"path": str(path), "built": built, "seconds": round(time.perf_counter() - t0, 2), "atlas_fingerprint": atlas.fingerprint()}
    out.emit(result, show=lambda r: render.err_console.print(
        f"Atlas {'built' if built else 'already current'}: {path}" + (f" ({r['seconds']} s)" if built else "")))


@atlas_app.command("info")
@answers
def atlas_info(db: DbOption = None, out: Output = Output()):
    """Where the atlas is, which data releases it holds, and how well O*NET covers OEWS employment."""
    from upward import atlas
    from upward.analysis.coverage import atlas_info as info_of

    info = info_of(connect_atlas(db))
    out.emit(info, info["onet_coverage"]["per_area"], lambda info: _print_atlas(info, db or atlas.default_path()), stamped=False)


def _print_atlas(info: dict, path) -> None:
    meta, sources, held, cov = info["meta"], info["sources"], info["releases"], info["onet_coverage"]
    c = render.console
    c.print(f"Atlas: {path}")
    c.print(f"Atlas {meta['atlas_fingerprint']} from bundle {meta['bundle_fingerprint']}, built {meta['built_at']}, Upward {meta['upward_version']}")
    Col = render.Column
    c.print(render.table("Data releases in use", [Col("source", "code"), Col("title"), Col("release"), Col("license", drop=1, below=True, min_width=30)],
                         [[s["key"], escape(s["title"]), escape(s["release"]), escape(s["license"])] for s in sources], label=0))
    c.print(render.table(
        "Releases held (upward changes compares any two; upward --release picks one)",
        [Col("release"), Col("published", "code"), Col("covers", min_width=20), Col("held", drop=1, below=True)],
        [[escape(h["name"]), h["published"] or "—", escape(h["coverage"]),
          ", ".join(x for x in (h["origin"], "current" if h["current"] else "", "chosen" if h["chosen"] else "") if x)]
         for h in held], label=0,
    ))
    c.print(
        f"O*NET rates the occupations holding {cov['national_share']:.1%} of all US employment "
        f"({cov['national_share_with_all_other_proxies']:.1%} with the labelled proxies: 'All Other' codes, and occupations "
        "O*NET has not rated yet, which take the mean of their closest related occupations)."
    )
    c.print(
        render.table(
            "Share of employment in occupations O*NET rates, by area",
            ["area type", "areas", "min of all jobs", "median of all jobs", "min of published", "median of published"],
            [
                [r["area_type"], str(r["areas"]), f"{r['min_share_of_total']:.1%}", f"{r['median_share_of_total']:.1%}",
                 f"{r['min_share_of_detailed']:.1%}", f"{r['median_share_of_detailed']:.1%}"]
                for r in cov["by_area_type"]
            ],
            {1, 2, 3, 4, 5},
        )
    )
    c.print(
        "[dim]'Of all jobs' counts every job in the area; 'of published' only jobs in the detailed occupations BLS "
        "released there. Small areas differ most: BLS withholds many of their cells (footnote 8).[/]",
        highlight=False,
    )


from upward.cli import jobs as _jobs  # noqa: E402,F401  (registers jobs, quality, compare, profile)
from upward.cli import programs as _programs  # noqa: E402,F401  (registers programs …)
from upward.cli import similar as _similar  # noqa: E402,F401  (registers similar)
from upward.cli import outcomes as _outcomes  # noqa: E402,F401  (registers outcomes, synth)
from upward.cli import skills as _skills  # noqa: E402,F401  (registers skills, benchmark)
from upward.cli import paths as _paths  # noqa: E402,F401  (registers paths, feeders)
from upward.cli import releases as _releases  # noqa: E402,F401  (registers changes, atlas add, atlas remove)
from upward.cli import report as _report  # noqa: E402,F401  (registers report, export)
from upward.cli import serve as _serve  # noqa: E402,F401  (registers serve, runs)
from upward.cli import people as _people  # noqa: E402,F401  (registers people, dimensions)
from upward.cli import titles as _titles  # noqa: E402,F401  (registers titles code)


def main() -> None:  # pragma: no cover - console entry for `python -m upward`
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
