"""`upward paths` and `upward feeders`: career pathways in a region, and who can reach a job."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from upward.cli.common import CsvOption, DbOption, JsonOption, ProfileOption, app, atlas_and_area, check_formats, handles_errors, say_note, stamp
from upward.cli.programs import HubOption, _hub

RegionOption = Annotated[str, typer.Option("--region", "-r", help="Area: name, CBSA, county FIPS, state abbreviation or OEWS code.")]


def _setup(profile, db, region: str, soc: str, quiet: bool):
    """The profile, the atlas, the area and the occupation a command is about (notes said once)."""
    from upward import profiles
    from upward.atlas.lookup import resolve_occupation

    prof = profiles.load(profile)
    con, area = atlas_and_area(db, region, quiet)
    occ = resolve_occupation(con, soc)
    say_note(occ.note, quiet)
    return prof, con, area, occ


def _pct(v) -> str:
    return "—" if v is None else f"{v:+.0%}"


@app.command()
@handles_errors
def paths(
    from_soc: Annotated[str, typer.Option("--from", help="The occupation the person holds (code or title).")],
    region: RegionOption,
    to_soc: Annotated[str | None, typer.Option("--to", help="A named target (default: the region's Jobs That Mobilize).")] = None,
    max_steps: Annotated[int | None, typer.Option("--max-steps", min=1, max=6, help="At most this many steps (default: profile, 3).")] = None,
    top: Annotated[int | None, typer.Option("--top", min=1, max=50, help="How many pathways (default: profile, 5).")] = None,
    profile: ProfileOption = None,
    hub: HubOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
):
    """The best pathways from a job to the region's Jobs That Mobilize: steps, pay, skills to gain, training."""
    from upward.analysis.pathways import pathways, step_rows
    from upward.atlas.lookup import resolve_occupation
    from upward.cli import render

    check_formats(as_json, as_csv)
    quiet = as_json or as_csv
    prof, con, area, origin = _setup(profile, db, region, from_soc, quiet)
    target = None
    if to_soc is not None:
        target = resolve_occupation(con, to_soc)
        say_note(target.note, quiet)
    r = pathways(con, area.code, origin.code, prof, target.code if target else None, max_steps, top, _hub(hub))
    if as_json:
        return render.emit_json(r)
    if as_csv:
        return render.emit_csv(stamp(step_rows(r), r))
    f = r["from"]
    goal = f"{r['to']['title']} ({r['to']['soc']})" if r["to"] else "its Jobs That Mobilize"
    render.console.print(
        f"[bold]From {escape(f['title'])} ({f['soc']}, {render.money(f['median_wage'])}"
        f"{' national' if f['wage_source'] == 'national' else ''}) to {escape(goal)} in {escape(area.name)}[/]"
    )
    cal = r["calibration"]
    render.console.print(
        f"[dim]Every step viable (similarity ≥ {cal['viable']:.3f}, calibrated within SOC {cal['group']} groups; at most "
        f"{r['rules']['max_job_zone_step']} job zone and {r['rules']['max_education_step']} education levels up) and paying at least "
        f"{r['rules']['min_step_wage_ratio']:.0%} of the job before. Ranked by cost (docs/pathways.md).[/]",
        highlight=False,
    )
    for p in r["pathways"]:
        render.console.print(f"\n[bold]{p['rank']}. → {escape(p['target_title'])}[/]  pay {_pct(p['wage_change'])} in "
                             f"{p['step_count']} step{'s' if p['step_count'] > 1 else ''} (cost {p['cost']:.3f})", highlight=False)
        for k, s in enumerate(p["steps"], 1):
            render.console.print(
                f"  {k}. {escape(s['to_title'] or s['to'])} ({s['to']}): {render.money(s['median_wage']['to'])} ({_pct(s['median_wage']['change'])}), "
                f"similarity {s['similarity']:.2f} {s['viability']}; {escape(s['education']['to'] or 'education unknown')}, job zone {s['job_zone']['to']}",
                highlight=False,
            )
            gain = ", ".join(f"{g['name']} {g['current_level']:.1f}→{g['required_level']:.1f}" for g in s["skills_to_gain"][:4])
            render.console.print(f"     [dim]skills to gain (O*NET level now→needed):[/] {escape(gain) or 'none'}", highlight=False)
            if s["training_count"]:
                names = "; ".join(f"{t['program_name'] or '—'} ({t['provider_name'] or '—'})" for t in s["training"][:2])
                more = f" and {s['training_count'] - 2} more" if s["training_count"] > 2 else ""
                render.console.print(f"     [dim]training here:[/] {escape(names)}{more}", highlight=False)
            else:
                cips = ", ".join(s["cip_codes"][:4]) or "none mapped"
                render.console.print(f"     [dim]training here:[/] no program in the area leads there (CIP {cips})", highlight=False)
    for note in r["notes"]:
        say_note(note, False)


@app.command()
@handles_errors
def feeders(
    soc: Annotated[str, typer.Argument(help="The target occupation (code or title), usually a Job That Mobilizes.")],
    region: RegionOption,
    top: Annotated[int, typer.Option("--top", min=1, help="How many feeder occupations.")] = 25,
    profile: ProfileOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
):
    """Untapped talent: the region's workers who can reach an occupation in one or two viable steps."""
    from upward.analysis.pathways import feeders as feeders_of
    from upward.cli import render

    check_formats(as_json, as_csv)
    prof, con, area, occ = _setup(profile, db, region, soc, as_json or as_csv)
    r = feeders_of(con, area.code, occ.code, prof, top)
    if as_json:
        return render.emit_json(r)
    if as_csv:
        return render.emit_csv(stamp(r["feeders"], r))
    o = r["occupation"]
    render.console.print(
        render.table(
            f"Who can reach {escape(o['title'])} ({o['soc']}, {render.money(o['median_wage'])}) in {escape(area.name)}: "
            f"{r['one_step']['workers']:,} workers in {r['one_step']['occupations']} occupations one step away, "
            f"{r['two_steps']['workers']:,} in {r['two_steps']['occupations']} more two steps away",
            ["SOC", "occupation", "workers", "median", "pay gain", "steps", "via / similarity"],
            [[f["soc"], escape(f["title"] or "—"), render.number(f["employment"]), render.money(f["median_wage"]), _pct(f["wage_gain"]),
              str(f["steps"]), escape(f["via_title"] or "—") if f["steps"] == 2 else f"{f['similarity']:.2f} ({f['viability']})"]
             for f in r["feeders"]],
            {2, 3, 4},
        )
    )


@app.command("next")
@handles_errors
def next_(
    soc: Annotated[str, typer.Argument(help="The occupation the person holds (code or title).")],
    region: RegionOption,
    top: Annotated[int, typer.Option("--top", min=1, help="How many next steps.")] = 10,
    profile: ProfileOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
):
    """Likeliest viable next jobs from an occupation in the region (the transition model checked on CPS moves)."""
    from upward.analysis.pathways import next_steps
    from upward.cli import render

    check_formats(as_json, as_csv)
    prof, con, area, occ = _setup(profile, db, region, soc, as_json or as_csv)
    r = next_steps(con, area.code, occ.code, prof, top)
    if as_json:
        return render.emit_json(r)
    if as_csv:
        return render.emit_csv(stamp(r["next_steps"], r))
    f = r["from"]
    render.console.print(
        render.table(
            f"Next steps from {escape(f['title'])} ({f['soc']}, {render.money(f['median_wage'])}) in {escape(area.name)}, likeliest first",
            ["SOC", "occupation", "median", "pay", "similarity", "skill gap", "JTM"],
            [[s["soc"], escape(s["title"] or "—"), render.money(s["median_wage"]), _pct(s["wage_change"]),
              f"{s['similarity']:.2f} {s['viability'].replace('highly viable', 'high')}", f"{s['skill_gap']:.2f}", "yes" if s["is_jtm"] else ""]
             for s in r["next_steps"]],
            {2, 3, 5},
        )
    )
