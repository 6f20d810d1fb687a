"""`upward jobs`, `quality`, `compare` and `profile`: job quality and Jobs That Mobilize for a region."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from upward.atlas.lookup import AREA_ACCEPTS
from upward.cli import render
from upward.cli.common import (
    DbOption, Output, ProfileOption, RegionOption, answers, app, area_of, atlas_and_area, connect_atlas,
    occupation_of,
)


def _profile(path):
    from upward import profiles

    return profiles.load(path)


def _pct(v) -> str:
    return "—" if v is None else f"{v:.0%}"


def _score(v) -> str:
    return "—" if v is None else f"{v:.0f}"


def _value(v) -> str:
    if v is None:
        return "—"
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.3g}"


@app.command()
@answers
def jobs(
    region: RegionOption,
    profile: ProfileOption = None,
    lens: Annotated[str, typer.Option("--lens", help="jtm, good-promising or opportunity.")] = "jtm",
    top: Annotated[int, typer.Option("--top", min=1, help="How many to list.")] = 25,
    show_all: Annotated[bool, typer.Option("--all", help="List every scored occupation, not only those the lens selects.")] = False,
    explain_soc: Annotated[str | None, typer.Option("--explain", help="Explain one occupation: every measure, rank, bar and source.")] = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """Rank the region's Jobs That Mobilize (or another lens), with pillar scores and key raw values."""
    from upward.analysis import mobilize

    prof = _profile(profile)
    con, area = atlas_and_area(db, region, out.quiet)
    if explain_soc:
        occ = occupation_of(con, explain_soc, out.quiet)
        e = mobilize.explain(con, area.code, occ.code, prof)
        return out.emit(e, (
            {"area_code": area.code, "occ_code": occ.code, "pillar": p["pillar"], "pillar_score": p["score"], "bar": p["bar"], "meets_bar": p["meets_bar"], **m}
            for p in e["pillars"]
            for m in p["measures"]
        ), _print_explain)
    result = mobilize.jobs(con, area.code, prof, lens, top, show_all)
    out.emit(result, ({"area_code": result["area"]["area_code"], "rank": i + 1, **r} for i, r in enumerate(result["jobs"])), _print_jobs)


def _print_jobs(r: dict) -> None:
    c = render.console
    a = r["area"]
    c.print(f"[bold]{a['area_name']}[/] ({a['area_code']}) — lens: {r['lens']}, profile {r['profile']['name']} ({r['profile']['hash']}), living wage household {r['household']}", highlight=False)
    c.print(
        f"{r['scored_occupations']} occupations scored: {r['jtm_count']} Jobs That Mobilize; {r['good_count']} good and "
        f"{r['promising_count']} promising jobs; {r['opportunity_count']} opportunity occupations "
        f"(cost-adjusted bar {render.money(r['cost_adjusted_bar'])}).",
        highlight=False,
    )
    for n in r["notes"]:
        c.print(f"[yellow]{escape(n)}[/]", highlight=False)
    # the lens column only when it tells rows apart (with --all, or a lens that mixes categories)
    show_lens = len({j["category"] for j in r["jobs"]}) > 1
    rows = [
        [
            str(i + 1), j["occ_code"], escape(j["occ_title"]), *([j["category"]] if show_lens else []), render.number(j["employment"]),
            ("≥ " if j["top_coded"] else "") + render.money(j["a_median"]),
            f"{j['median_living_wage_ratio']:.2f}" if j["median_living_wage_ratio"] is not None else "—",
            render.number(j["openings"]), _score(j["pillar_employers"]), _score(j["pillar_workers"]),
            _score(j["pillar_equity"]), _score(j["pillar_strategy"]), _score(j["composite"]),
        ]
        for i, j in enumerate(r["jobs"])
    ]
    Col = render.Column
    # 20: the longest word of a SOC title ("Helpers--Production") stays whole
    cols = [Col("#", "code"), Col("SOC", "code"), Col("occupation", min_width=20), *([Col("lens", drop=3)] if show_lens else []),
            Col("jobs", "num", drop=1), Col("median", "num"), Col("÷LW", "num"), Col("open/yr", "num", drop=2),
            Col("E", "num"), Col("W", "num"), Col("Q", "num"), Col("S", "num"), Col("score", "num")]
    lens = "" if show_lens or r["lens"] == "jtm" else f", {r['lens']} lens"
    c.print(render.table(f"Ranked by score{lens}. Pillars are percentile ranks in the region (0–100): E employers, W workers, Q equity, "
                         "S strategy; ÷LW is the median ÷ the living wage", cols, rows))
    if r["lens"] == "jtm" and r.get("career_ladder"):
        c.print(f"Career-ladder destinations ({r['career_ladder_count']}): supervisors and managers that pass every condition, "
                "reached by promotion rather than entered: " + "; ".join(
                    f"{escape(j['occ_title'])} ({j['occ_code']})" for j in r["career_ladder"][:8])
                + (f"; and {r['career_ladder_count'] - 8} more (--json lists them)." if r["career_ladder_count"] > 8 else "."),
                highlight=False)
    for cmp in r.get("compared_with", []):
        own = "; ".join(escape(x["occ_title"]) for x in cmp["only_here"][:5])
        c.print(f"Against {escape(cmp['area']['area_name'])} ({cmp['jtm_count']} JTMs): {cmp['shared']} of these {r['jtm_count']} are JTMs there too; "
                f"top-{cmp['top']} overlap (Jaccard) {cmp['top_jaccard']:.2f}" if cmp["top_jaccard"] is not None else "top lists empty",
                highlight=False)
        if own:
            more = len(cmp["only_here"]) - 5
            c.print(f"  JTMs here, not there: {own}" + (f"; and {more} more" if more > 0 else ""), highlight=False)
    c.print("[dim]Explain one: upward jobs --region AREA --explain SOC. Method: docs/job-quality.md.[/]", highlight=False)


def _print_explain(e: dict) -> None:
    c = render.console
    o, a, lw = e["occupation"], e["area"], e["living_wage_floor"]
    verdict = "is a Job That Mobilizes" if e["jtm"] else "is not a Job That Mobilizes"
    if e.get("career_ladder"):
        verdict = "passes every condition and is a career-ladder destination (a supervisor or manager, listed apart)"
    c.print(f"[bold]{o['occ_title']}[/] ({o['occ_code']}) in {a['area_name']} {verdict}.", highlight=False)
    if e["not_jtm_because"] and not e.get("career_ladder"):
        c.print("Why not: " + "; ".join(escape(x) for x in e["not_jtm_because"]) + ".", highlight=False)
    if not e["scored"]:
        c.print(f"Not scored: {e['not_scored_because']}.")
        return
    if lw["ratio"] is None:
        c.print(f"Composite {_score(e['composite'])} of 100. No living wage for this area: the JTM floor cannot be checked.", highlight=False)
    else:
        c.print(
            f"Composite {_score(e['composite'])} of 100. Median ÷ living wage ({e['household']}, {render.money(lw['living_wage'])}, CPI-U × {lw['cpi_factor']:.4f}): "
            f"{lw['ratio']:.2f} — needs ≥ {lw['required']:.2f}: {'met' if lw['met'] else 'missed'}.",
            highlight=False,
        )
    # the long texts (what each measure is, its source) go under the tables, numbered, so the
    # tables keep their numbers readable at 80 columns
    sources: list[str] = []
    whats: list[str] = []
    Col = render.Column
    for p in e["pillars"]:
        rows = []
        for m in p["measures"]:
            if m["source"] not in sources:
                sources.append(m["source"])
            extra = "".join(f"; {x}" for x in (m.get("release"), m.get("detail")) if x)
            whats.append((m["measure"], f"{m['what']}{extra} [{sources.index(m['source']) + 1}]"))
            rows.append([
                escape(m["measure"]), escape(m["shown_as"] or _value(m["value"])) if not m["missing"] else "missing",
                _score(m["percentile"]) if not m["missing"] else f"({_score(m['counted_as'])})", f"{m['weight']:g}",
                "higher" if m["direction"].startswith("higher") else "lower", str(sources.index(m["source"]) + 1),
            ])
        mark = "meets" if p["meets_bar"] else "misses"
        c.print(render.table(
            f"{p['pillar']}: {_score(p['score'])} — {mark} the bar of {p['bar']:g}",
            [Col("measure"), Col("value"), Col("percentile", "num"), Col("weight", "num"), Col("ranks higher", "code"), Col("source", "num")],
            rows,
        ))
    c.print(render.notes("What each measure is, and its source (percentile: its rank among the region's scored occupations)", whats))
    c.print(render.notes("Sources (title, release)", sources))
    if e["missing_measures"]:
        c.print(f"Missing here: {', '.join(e['missing_measures'])} — each counted at percentile {e['missing_counted_as']:g} (in brackets), "
                "never by rescaling the other weights.", highlight=False)
    acc, f = e["access"], e["flags"]
    c.print(f"Access: {escape(acc['route']) if acc['route'] else 'no route without a bachelor' + chr(39) + 's degree'}; "
            f"untapped talent {render.number(acc['untapped_talent'])} jobs in lower-paid occupations one allowed step away.", highlight=False)
    rse = f"employment RSE {f['emp_rse']:g}%" if f["emp_rse"] is not None else "employment RSE not published"
    c.print(f"Reliability: {rse} (limit {f['max_rse']:g}%)" + (f" — unreliable: {escape(f['unreliable_because'])}" if f["unreliable"] else "")
            + (". A residual \"All Other\" code." if f["residual"] else "."), highlight=False)
    c.print("[dim]Not measured: " + "; ".join(e["not_measured"]) + ".[/]", highlight=False)
    q = e["quality"]
    def dim(v, source):
        return v if isinstance(v, str) else f"{v:.2f} ({source})"

    c.print(
        f"Quality tier: {q['tier']}. Benefits: {dim(q['benefits'], q['benefits_source'])}; safety: {dim(q['safety'], q['safety_source'])}. "
        "Also " + (", ".join(k for k in ("good", "promising", "opportunity") if e["lenses"][k]) or "in no other lens")
        + " (upward jobs --lens good-promising, --lens opportunity).",
        highlight=False,
    )


@app.command()
@answers
def quality(
    region: RegionOption,
    profile: ProfileOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many low-quality occupations to list.")] = 10,
    db: DbOption = None,
    out: Output = Output(),
):
    """Employment by quality tier, the region's system indicators, and its biggest low-quality occupations."""
    from upward.analysis.quality import quality_report

    prof = _profile(profile)
    con, area = atlas_and_area(db, region, out.quiet)
    r = quality_report(con, area.code, prof, top)
    out.emit(r, _quality_rows(r), _print_quality)


def _quality_rows(r: dict):
    """One row per quality tier, with the area's system indicators on each."""
    ind = {k: v for k, v in r["indicators"].items() if k != "area_code"}
    ind["living_wage_mit"] = (r["living_wage"] or {}).get("mit_annual_wage")
    for t in r["employment_by_tier"]:
        yield {"area_code": r["area"]["area_code"], **t, **ind}


def _print_quality(r: dict) -> None:
    c = render.console
    i = r["indicators"]
    c.print(f"[bold]{r['area']['area_name']}[/] ({r['area']['area_code']}) — profile {r['profile']['name']} ({r['profile']['hash']}), household {r['household']}", highlight=False)
    for line in render.living_wage_lines(r["living_wage"]):
        c.print(line, highlight=False)
    c.print(
        f"Share of jobs whose median pays it: {_pct(i['living_wage_median_share'])}; whose 25th percentile pays it: {_pct(i['living_wage_p25_share'])}; "
        f"whose mean exceeds it (E-W indicator 69): {_pct(i['living_wage_mean_share'])}.",
        highlight=False,
    )
    c.print(f"Opportunity occupations (no bachelor's needed, median ≥ {render.money(i['opportunity_wage_bar'])}): {_pct(i['opportunity_share'])} of jobs.", highlight=False)
    if i.get("areas_counted"):
        c.print(f"[dim]Measured over {i['computed_from']}.[/]", highlight=False)
    c.print(render.table("Employment by quality tier", ["tier", "jobs", "share"], [[t["tier"], render.number(t["employment"]), _pct(t["share"])] for t in r["employment_by_tier"]], {1, 2}))
    Col = render.Column
    c.print(
        render.table(
            "Largest low-quality occupations (÷LW: the median ÷ the living wage)",
            [Col("SOC", "code"), Col("occupation"), Col("jobs", "num"), Col("median", "num"), Col("25th pct", "num", drop=1), Col("÷LW", "num"),
             Col("typical education", drop=2, below=True, min_width=20)],
            [[o["occ_code"], escape(o["occ_title"]), render.number(o["employment"]), render.money(o["a_median"]), render.money(o["a_pct25"]),
              f"{o['median_living_wage_ratio']:.2f}", escape(o["typical_education"] or "—")] for o in r["largest_low_quality"]],
        )
    )
    for n in r["notes"]:
        c.print(f"[yellow]{escape(n)}[/]", highlight=False)
    if r["living_wage"]:
        c.print(f"[dim]{escape(r['living_wage']['note'])}[/]", highlight=False)
    d = r["dimensions"]
    b, s = d["benefits"], d["safety"]
    gates = [f"{k} ≥ {d[k]['gate']:g}" for k in ("benefits", "safety") if d[k]["gate"]]
    c.print(
        f"Benefits: {_pct(b['mean'])} average access (BLS NCS {b['level']}), for {_pct(b['employment_covered'])} of jobs"
        + (f", {b['from_input']} from your input" if b["from_input"] else "")
        + f". Safety: average O*NET hazard exposure {_value(s['mean_hazard_exposure'])} of 100, for {_pct(s['employment_covered'])} of jobs"
        + (f", {s['from_input']} from your input" if s["from_input"] else "") + f"; {s['note']}.",
        highlight=False,
    )
    c.print(
        "[dim]" + (f"The quality tier also requires {' and '.join(gates)} (profile)." if gates else
                   "Benefits and safety are shown, not gating the tiers (profile quality.min_benefits, quality.min_safety).")
        + " By occupation group: upward dimensions --region AREA.[/]",
        highlight=False,
    )


@app.command()
@answers
def compare(
    areas: Annotated[list[str], typer.Argument(help="Two or more areas, each " + AREA_ACCEPTS + ".")],
    profile: ProfileOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many JTMs to show per area.")] = 5,
    db: DbOption = None,
    out: Output = Output(),
):
    """System indicators and top JTMs side by side, wages adjusted for the cost of living."""
    from upward.analysis.compare import compare_areas
    from upward.errors import UpwardError
    from upward.limits import COMPARE_AREAS, at_most

    if len(areas) < 2:
        raise UpwardError("compare needs two or more areas.", hint="e.g. upward compare houston dallas TX")
    at_most(areas, COMPARE_AREAS, "areas")
    prof = _profile(profile)
    con = connect_atlas(db)
    result = compare_areas(con, [area_of(con, a, out.quiet).code for a in areas], prof, top)
    out.emit(result, (
        {**{k: v for k, v in a.items() if k != "top_jtms"}, **{f"jtm_{i + 1}": f"{j['occ_code']} {j['occ_title']}" for i, j in enumerate(a["top_jtms"])}}
        for a in result["areas"]
    ), lambda result: _print_compare(result, top))


def _print_compare(result: dict, top: int) -> None:
    rows = [
        ("type", lambda a: a["area_type"]),
        ("jobs", lambda a: render.number(a["total_employment"])),
        ("price parity", lambda a: render.number(a["price_parity"], 1)),
        ("median wage", lambda a: render.money(a["median_wage"])),
        ("real median wage", lambda a: render.money(a["real_median_wage"])),
        ("living wage", lambda a: render.money(a.get("living_wage"))),
        ("CPI-U factor", lambda a: render.number(a.get("cpi_factor"), 3)),
        ("median pays LW", lambda a: _pct(a.get("living_wage_median_share"))),
        ("25th pct pays LW", lambda a: _pct(a.get("living_wage_p25_share"))),
        ("mean > LW (E-W 69)", lambda a: _pct(a.get("living_wage_mean_share"))),
        ("measured over", lambda a: f"{a['areas_counted']} areas" if a.get("areas_counted") else "its occupations"),
        ("opportunity occ.", lambda a: _pct(a.get("opportunity_share"))),
        ("JTMs", lambda a: f"{a['jtm_count']} of {a['scored_occupations']}"),
    ]
    for k in range(top):
        rows.append((f"JTM #{k + 1}", lambda a, k=k: f"{a['top_jtms'][k]['occ_title']} ({render.money(a['top_jtms'][k]['real_median'])} real)" if k < len(a["top_jtms"]) else ""))
    # columns headed by the first place in each area's name (OMB names lead with the principal city), the full names above
    short = [a["area_name"].split(",")[0].split("-")[0] for a in result["areas"]]
    names = "; ".join(f"{s} = {a['area_name']} ({a['area_code']})" for s, a in zip(short, result["areas"]) if s != a["area_name"])
    t = render.table(
        f"Compared with profile {escape(result['profile']['name'])} ({result['profile']['hash']}), household {result['household']}; "
        f"real = ÷ price parity × 100; a state or the nation is measured over its areas, each against its own living wage"
        + (f". {escape(names)}" if names else ""),
        [render.Column("", "code"), *(render.Column(escape(s)) for s in short)],
        [[label, *(escape(f(a)) for a in result["areas"])] for label, f in rows],
    )
    render.console.print(t)
    for n in result["notes"]:
        render.console.print(f"[dim]{escape(n)}[/]", highlight=False)


@app.command()
@answers
def indicators(
    area_type: Annotated[str | None, typer.Option("--type", help="Only national, state, metro or nonmetro areas.")] = None,
    profile: ProfileOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """The system indicators of every area: living-wage access and opportunity-occupation shares."""
    from upward.analysis.quality import system_indicators
    from upward.analysis.regions import area_type_of

    area_type_of(area_type)  # a bad type fails before the atlas is opened
    prof = _profile(profile)
    con = connect_atlas(db)
    result = system_indicators(con, prof, area_type)
    out.emit(result, result["areas"], lambda r: _print_indicators(con, r["areas"], prof))


def _print_indicators(con, rows: list[dict], prof) -> None:
    render.console.print(
        render.table(
            f"System indicators, profile {escape(prof.name)} ({prof.hash}), household {prof.household}: shares of jobs whose median (or 25th "
            "percentile) pays the living wage (LW), and in opportunity occupations",
            ["code", "area", "jobs", "living wage", "median pays LW", "25th pays LW", "opportunity"],
            [
                [r["area_code"], r["area_name"], render.number(r["total_employment"]), render.money(r["living_wage"]),
                 _pct(r["living_wage_median_share"]), _pct(r["living_wage_p25_share"]), _pct(r["opportunity_share"])]
                for r in rows
            ],
            {2, 3, 4, 5, 6},
        )
    )
    from upward.analysis.living_wage import price_note, years

    render.console.print(f"[dim]{escape(price_note(prof, *years(con)))} States and the nation: over their areas, each against its own living wage.[/]", highlight=False)


profile_app = typer.Typer(help="Show or check a profile of thresholds and weights.", no_args_is_help=True)
app.add_typer(profile_app, name="profile")


@profile_app.command("show")
@answers(csv=False)
def profile_show(profile: ProfileOption = None, out: Output = Output()):
    """Print the default profile (with its reasons) to copy, or a profile's merged settings."""
    from upward import profiles

    prof = profiles.load(profile)
    if out.json or profile is not None:
        return render.emit_json({"profile": prof.record(), "settings": prof.data})
    print(profiles.DEFAULT_FILE.read_text(encoding="utf-8"), end="")


@profile_app.command("check")
@answers(csv=False)
def profile_check(path: Annotated[str, typer.Argument(help="TOML profile to validate.")], out: Output = Output()):
    """Validate a profile: say the first bad key and what is allowed, or its name and hash."""
    from upward import profiles

    prof = profiles.load(path)
    out.emit({"valid": True, "profile": prof.record()},
                            show=lambda r: render.console.print(f"Profile '{escape(prof.name)}' is valid (hash {prof.hash})."))
