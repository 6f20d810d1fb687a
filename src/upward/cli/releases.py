"""`upward changes`, `upward atlas add` and `upward atlas remove`: keeping the maps current."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from upward.atlas.lookup import NATIONAL
from upward.cli import render
from upward.cli.common import DbOption, Output, ProfileOption, answers, app, atlas_and_area
from upward.cli.main import atlas_app


def _signed(v, digits: int = 0, pct: bool = False) -> str:
    if v is None:
        return "—"
    return f"{v:+,.{digits}f}" + ("%" if pct else "")


@app.command()
@answers
def changes(
    region: Annotated[str, typer.Option("--region", "-r", help="Area: OEWS code, CBSA, state, name or 'national'.")] = NATIONAL,
    from_: Annotated[str | None, typer.Option("--from", help="The earlier release: 2024 (OEWS May 2024), or 2022 / 2022-32 with --source projections. Default: the newest held before --to.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="The later release (default: the current one).")] = None,
    source: Annotated[str, typer.Option("--source", help="oews (wages and employment by area) or projections (national).")] = "oews",
    top: Annotated[int, typer.Option("--top", min=1, max=200, help="How many occupations each list shows.")] = 10,
    profile: ProfileOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """What changed in an area between two releases: per occupation, and its quality jobs, JTMs and pathways.

    Examples: upward changes --region national --from 2024 --to 2025;
    upward changes --region national --source projections --from 2022 --to 2024 --csv
    """
    from upward import profiles
    from upward.analysis.changes import changes as compute
    from upward.atlas.releases import source_of

    prof = profiles.load(profile)
    con, area = atlas_and_area(db, region, out.quiet)
    result = compute(con, area.code, prof, from_, to, source_of(source), top)
    fixed = {"area_code": result["area"]["area_code"], "source": result["source"],
             "from_release": result["from"]["release"], "to_release": result["to"]["release"]}
    out.emit({"resolved": area.note, **result}, ({**fixed, **r} for r in result["occupations"]), lambda r: _print(r, top, prof))


def _print(r: dict, top: int, prof) -> None:
    from upward.analysis.changes import movers

    c = render.console
    a, b = r["from"], r["to"]
    pa, pb = a["period"], b["period"]
    c.print(f"[bold]What changed in {r['area']['area_name']}[/]: {r['source_name']} {pa} → {pb}"
            f" ({r['years']} year{'s' if r['years'] != 1 else ''})", highlight=False)
    t = r["summary"]["all_occupations"]
    s = r["summary"]
    if r["source"] == "bls_oews":
        c.print(f"All occupations: {render.number(t['tot_emp_from'])} → {render.number(t['tot_emp_to'])} jobs "
                f"({_signed(t['tot_emp_change'])}, {_signed(t['tot_emp_change_pct'], 1, True)}); median wage "
                f"{render.money(t['a_median_from'])} → {render.money(t['a_median_to'])} ({_signed(t['a_median_change_pct'], 1, True)})",
                highlight=False)
    else:
        c.print(f"All occupations (national, thousands): {render.number(t['emp_base_from'], 1)} in {a['period'][:4]} → "
                f"{render.number(t['emp_base_to'], 1)} in {b['period'][:4]}; projected growth {render.number(t['emp_change_pct_from'], 1)}% → "
                f"{render.number(t['emp_change_pct_to'], 1)}%; openings a year {render.number(t['openings_annual_from'], 1)} → "
                f"{render.number(t['openings_annual_to'], 1)}", highlight=False)
    moved = [f"{len(s[k])} {w}" for k, w in (("entered", "entered the estimates"), ("left", "left them"), ("regrouped", "regrouped")) if s[k]]
    c.print(f"Occupations: {s['occupations_from']} in {pa}, {s['occupations_to']} in {pb}; {s['in_both']} in both"
            + (f"; {', '.join(moved)}" if moved else "") + ".", highlight=False)
    for k, label in (("entered", "Entered"), ("left", "Left")):
        if s[k]:
            c.print(f"  {label}: " + "; ".join(f"{o['occ_title']} ({o['occ_code']})" for o in s[k][:top]), highlight=False)
    for o in s["regrouped"][:top]:
        c.print(f"  Regrouped: {o['occ_title']} ({o['occ_code']}): {o['codes_from'] or '—'} → {o['codes_to'] or '—'}", highlight=False)

    min_jobs = prof.get("scoring.min_employment")
    if r["source"] == "bls_oews":
        rows = movers(r, "tot_emp", top)
        c.print(render.table(
            "Largest employment changes (jobs; * beyond sampling error)", ["SOC", "occupation", pa, pb, "change"],
            [[o["occ_code"], o["occ_title"], render.number(o["tot_emp_from"]), render.number(o["tot_emp_to"]),
              f"{_signed(o['tot_emp_change'])} {_signed(o['tot_emp_change_pct'], 1, True)}"
              + ("*" if o.get("tot_emp_change_beyond_sampling_error") else "")] for o in rows],
            {2, 3, 4},
        ))
        rows = movers(r, "a_median", top, min_jobs)
        c.print(render.table(
            f"Largest median wage changes (≥ {min_jobs:,.0f} jobs, mean wage change beyond sampling error)", ["SOC", "occupation", pa, pb, "change"],
            [[o["occ_code"], o["occ_title"], render.money(o["a_median_from"]), render.money(o["a_median_to"]),
              f"{_signed(o['a_median_change'])} {_signed(o['a_median_change_pct'], 1, True)}"] for o in rows],
            {2, 3, 4},
        ))
    else:
        rows = movers(r, "openings_annual", top)
        c.print(render.table(
            "Largest changes in annual openings (national, thousands; growth over the decade, %)", ["SOC", "occupation", pa, pb, "growth"],
            [[o["occ_code"], o["occ_title"], render.number(o["openings_annual_from"], 1), render.number(o["openings_annual_to"], 1),
              f"{render.number(o['emp_change_pct_from'], 1)} → {render.number(o['emp_change_pct_to'], 1)}"] for o in rows],
            {2, 3, 4},
        ))
        edu = [o for o in r["occupations"] if o.get("typical_education_changed")]
        if edu:
            c.print(f"Typical entry education changed for {len(edu)}: " + "; ".join(
                f"{o['occ_title']} ({o['typical_education_from']} → {o['typical_education_to']})" for o in edu[:top]), highlight=False)

    q, j, p = r["quality"], r["jtms"], r["pathways"]
    c.print(f"[bold]Quality jobs[/] (25th percentile pays the living wage, household {r['household']}): "
            f"{q['occupations']['from']} → {q['occupations']['to']} occupations, {render.number(q['employment']['from'])} → "
            f"{render.number(q['employment']['to'])} jobs; {q['became_count']} became quality, {q['stopped_count']} stopped.", highlight=False)
    _listing(c, "Became quality", q["became"], pa, pb)
    _listing(c, "Stopped being quality", q["stopped"], pa, pb)
    c.print(f"[bold]Jobs That Mobilize[/]: {j['occupations']['from']} → {j['occupations']['to']}; "
            f"{j['became_count']} new, {j['stopped_count']} no longer.", highlight=False)
    for key, label in (("became", "  New JTMs"), ("stopped", "  No longer JTMs")):
        if j[key]:
            c.print(f"{label}: " + "; ".join(f"{o['occ_title']} ({o['occ_code']})" for o in j[key]), highlight=False)
    if p is None:
        c.print("Pathways: the two releases' transition models differ, so steps cannot be matched.")
    else:
        c.print(f"[bold]Pathways[/]: {render.number(p['steps_into_jtms']['from'])} → {render.number(p['steps_into_jtms']['to'])} allowed, "
                f"pay-keeping steps into a JTM ({p['opened']} opened, {p['closed']} closed); occupations with such a step "
                f"{p['occupations_one_step_from_a_jtm']['from']} → {p['occupations_one_step_from_a_jtm']['to']} "
                f"({render.number(p['jobs_one_step_from_a_jtm']['from'])} → {render.number(p['jobs_one_step_from_a_jtm']['to'])} jobs).",
                highlight=False)
        for key, label in (("opened_examples", "Steps opened"), ("closed_examples", "Steps closed")):
            if p[key]:
                c.print(render.table(label + " (by jobs in the starting occupation)", ["from", "to", "why"],
                                     [[f"{e['from_title']} ({e['from_code']})", f"{e['to_title']} ({e['to_code']})", e["reason"]] for e in p[key]]))
    for n in r["notes"]:
        c.print(f"[dim]{n}[/]", highlight=False)
    c.print(f"[dim]Compared: {r['source_name']} {pa} (published {a['published'] or '—'}) and {pb} (published {b['published'] or '—'}). "
            f"All rows: --csv or --json. Bundle {r['data']['bundle']}.[/]", highlight=False)


def _listing(c, title: str, rows: list[dict], pa: str, pb: str) -> None:
    if rows:
        c.print(render.table(title, ["SOC", "occupation", "jobs", f"median {pa}", f"median {pb}"],
                             [[o["occ_code"], o["occ_title"], render.number(o["employment_to"]), render.money(o["a_median_from"]),
                               render.money(o["a_median_to"])] for o in rows], {2, 3, 4}))


@atlas_app.command("add")
@answers(csv=False)
def atlas_add(
    files: Annotated[list[Path], typer.Argument(help="BLS's official files: OEWS download workbooks (national_M2026_dl.xlsx, state_M…, MSA_M…, BOS_M…, all_data_M_….xlsx) or a projections occupation.xlsx.")],
    published: Annotated[str | None, typer.Option("--published", help="The day BLS published the release (YYYY-MM-DD), for the release record.")] = None,
    announced_in: Annotated[str | None, typer.Option("--announced-in", help="Where that date is stated, e.g. the BLS news release number.")] = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """Load a new release (or more areas of a held one) into the atlas: checked first, all or nothing, reversible with `atlas remove`."""
    from upward import atlas
    from upward.atlas import store

    path = db or atlas.default_path()
    with render.err_console.status("Reading the files…") as status:
        change = store.add(path, files, published, announced_in, progress=lambda s: status.update(s.capitalize() + "…"))
    out.emit(change.as_dict(), show=lambda _: _print_change(change))


@atlas_app.command("remove")
@answers(csv=False)
def atlas_remove(
    release: Annotated[str, typer.Argument(help="The release to remove: 2026 (OEWS May 2026), or 2026-36 with --source projections.")],
    source: Annotated[str, typer.Option("--source", help="oews or projections.")] = "oews",
    db: DbOption = None,
    out: Output = Output(),
):
    """Take a release loaded with `atlas add` out of the atlas again (releases shipped with Upward stay)."""
    from upward import atlas
    from upward.atlas import store
    from upward.atlas.releases import source_of

    path = db or atlas.default_path()
    with render.err_console.status("Removing…") as status:
        change = store.remove(path, release, source_of(source), progress=lambda s: status.update(s.capitalize() + "…"))
    out.emit(change.as_dict(), show=lambda _: _print_change(change))


def _print_change(change) -> None:
    c = render.console
    verb = "Added" if change.action == "add" else "Removed"
    for r in change.releases:
        files = ", ".join(f"{f['name']} (sha256 {f['sha256'][:12]}…)" for f in r["files"])
        rows = r["rows"]
        detail = (f"{rows.get('oews_areas_by_release', 0)} areas, {rows.get('oews_wages_by_release', 0):,} estimates"
                  if "oews_wages_by_release" in rows else f"{rows.get('projections_by_release', 0):,} occupations")
        c.print(f"{verb} {'OEWS' if r['source'] == 'bls_oews' else 'Employment Projections'} {r['period']}: {detail}, from {files}.",
                highlight=False)
    c.print(("The atlas was rebuilt: the current release changed. " if change.rebuilt else "")
            + "Current releases: " + ", ".join(f"{k} {v}" for k, v in sorted(change.current.items())) + f". ({change.seconds:.1f} s)",
            highlight=False)
    if change.action == "add":
        c.print("[dim]See what moved: upward changes --region AREA --from RELEASE --to RELEASE; list releases: upward atlas info.[/]",
                highlight=False)
