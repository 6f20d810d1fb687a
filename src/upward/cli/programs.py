"""`upward programs …`: the region's training scan, its alignment with quality jobs, and its own imports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from upward.cli import render
from upward.errors import UpwardError
from upward.cli.common import (
    DbOption, Output, ProfileOption, RegionOption, answers, app, atlas_and_area, connect_atlas, occupation_of, say_note,
)

programs_app = typer.Typer(help="Training programs: the scan, alignment, gaps, and the region's own imports.", no_args_is_help=True)
app.add_typer(programs_app, name="programs")

HubOption = Annotated[Path | None, typer.Option("--hub", help="The hub database of imported programs (default: user data dir, or $UPWARD_HUB).")]


def _hub_path(hub: Path | None):
    """The hub file, only when it exists: reading never creates one."""
    from upward import hub as hub_mod

    path = hub_mod.path(hub)
    return path if path.exists() else None


def _hub(hub: Path | None):
    """The hub's data as analysis takes it (upward.hub.HubData), None when there is no hub yet."""
    from upward import hub as hub_mod

    return hub_mod.data(_hub_path(hub))


@programs_app.command("list")
@answers
def list_programs(
    region: RegionOption,
    cip: Annotated[str | None, typer.Option("--cip", help="CIP code or prefix, e.g. 51.38 or 51.3801.")] = None,
    soc: Annotated[str | None, typer.Option("--soc", help="Only programs leading to this occupation (code or title).")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many to print (JSON and CSV give all).")] = 40,
    hub: HubOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """The programs offered in an area (public seed plus your imports), with completions and earnings."""
    from upward.analysis.programs import only, program_list
    from upward.codes import cip_prefix

    con, area = atlas_and_area(db, region, out.quiet)
    occ = occupation_of(con, soc, out.quiet) if soc else None
    result = only(program_list(con, area.code, _hub(hub)), cip_prefix(cip) if cip else None, occ.code if occ else None)
    out.emit(result, ({**r, "occupations": ";".join(r["occupations"]), "related_occupations": ";".join(r["related_occupations"])}
                      for r in result["programs"]), lambda result: _print_programs(result, top))


def _print_programs(result: dict, top: int) -> None:
    from upward.analysis.programs import NOT_COUNTED, most_local_first

    rows = result["programs"]
    Col = render.Column
    render.console.print(
        render.table(
            f"{len(rows)} programs in {escape(result['area']['area_name'])} (showing {min(top, len(rows))}, most local completions first)",
            [Col("program"), Col("provider"), Col("credential", drop=3), Col("awards", "num"), Col("local", "num"), Col("online", "num", drop=1),
             Col("source", "code", drop=2)],
            [
                [escape(r["program_name"] or "—"), escape(r["provider_name"] or "—"), escape(r["credential"] or "—"),
                 render.number(r["completions"]), render.number(r["local_completions"]), _share(r["distance_share"]), r["source"]]
                for r in most_local_first(rows)[:top]
            ],
        )
    )
    render.console.print(
        "awards: IPEDS awards 2023-24 (— = no count published). local: completers counted as this area's supply (stacked awards "
        "once; less students studying exclusively online from another state). online: share of the institution's students "
        "studying exclusively online (IPEDS Fall 2024).",
        style="dim", highlight=False,
    )
    say_note(NOT_COUNTED, False)


def _share(v) -> str:
    return "—" if v is None else f"{v:.0%}"


def _alignment(region, profile, hub, db, out: Output):
    from upward import profiles
    from upward.analysis.programs import alignment

    prof = profiles.load(profile)
    con, area = atlas_and_area(db, region, out.quiet)
    with render.err_console.status("Aligning programmes with the region's jobs and recommended pathways…"):
        return alignment(con, area.code, prof, _hub(hub))


@programs_app.command("align")
@answers
def align_programs(
    region: RegionOption,
    profile: ProfileOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many rows per table.")] = 15,
    hub: HubOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """Do the area's programs lead to quality jobs? Supply against openings, duplicates, phase-out candidates."""
    a = _alignment(region, profile, hub, db, out)
    out.emit(a, a["occupations"], lambda a: _print_alignment(a, top))


def _print_alignment(a: dict, top: int) -> None:
    from upward.analysis.programs import SUPPLY_FLAGS, award_words, most_local_first

    c = render.console
    unknown = f" ({a['programs_unknown_completions']:,} with no completion count)" if a["programs_unknown_completions"] else ""
    c.print(
        f"[bold]{escape(a['area']['area_name'])}[/]: {a['programs']:,} programs from {a['providers']:,} providers{unknown}: "
        f"{a['completions']:,.0f} awards in the latest year, {a['local_completions']:,.0f} counted as local supply; "
        f"{a['aligned_to_jtm']:,} programs train for a Job That Mobilizes, {a['stepping_stone_programs']:,} are stepping stones "
        "on the region's recommended pathways.",
        highlight=False,
    )
    occ = [o for o in a["occupations"] if o["supply_flag"] in SUPPLY_FLAGS]
    Col = render.Column
    c.print(
        render.table(
            "Supply where training is the route: local completions ÷ annual openings (* a Job That Mobilizes)",
            [Col("SOC", "code"), Col("occupation"), Col("tier", drop=1), Col("openings", "num"), Col("local", "num"),
             Col("ratio", "num"), Col("supply", "code")],
            [[o["occ_code"], escape(o["occ_title"]) + (" *" if o["jtm"] else ""), o["tier"], render.number(o["openings"]),
              render.number(o["related_completions"]), render.number(o["supply_ratio"], 2), o["supply_flag"].replace("-supplied", "")]
             for o in occ[:top]],
        )
    )
    _print_duplicates(a, top)
    phase = most_local_first(a["phase_out_candidates"])[:top]
    c.print(
        render.table(
            "Phase-out candidates — for review, with the evidence; never a verdict",
            [Col("#", "code"), Col("program"), Col("provider"), Col("award", drop=1), Col("local", "num"),
             Col("evidence", drop=2, below=True, min_width=30)],
            [[str(k), escape(p["program_name"] or "—"), escape(p["provider_name"] or "—"), escape(award_words(p["award_level"]) or p["credential"] or "—"),
              render.number(p["local_completions"]), escape(p["phase_out_evidence"])] for k, p in enumerate(phase, start=1)],
            label=0,
        )
    )
    if phase:
        c.print(f"What the pathways say: {phase[0]['pathways_say']}, and none of these trains for a Job That Mobilizes.",
                style="dim", highlight=False)
    kept = len(a["stepping_stones_with_evidence"])
    if kept:
        c.print(f"{kept:,} programs with the same kind of evidence are kept off the list: they are stepping stones on the region's "
                "recommended pathways or train for a Job That Mobilizes (JSON: stepping_stones_with_evidence).", style="dim", highlight=False)
    for n in a["notes"]:
        say_note(n, False)


def _print_duplicates(a: dict, top: int) -> None:
    Col = render.Column
    render.console.print(
        render.table(
            "Possible duplicates: one field and award from many providers, local completions over twice the openings",
            [Col("CIP", "code"), Col("program"), Col("award"), Col("providers", "num"), Col("local", "num"), Col("openings", "num")],
            [[d["cip_code"], escape(d["program_name"]), escape(str(d.get("award") or d["award_level"] or "—")), str(d["providers"]),
              render.number(d["local_completions"]), render.number(d["openings"])]
             for d in a["duplicates"][:top]],
        )
    )


@programs_app.command("gaps")
@answers
def gaps(
    region: RegionOption,
    profile: ProfileOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many rows.")] = 25,
    hub: HubOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """Jobs That Mobilize people train for with no program in the area, or far too few local completers; and those short
    of completers that are no training gap (learned at work, apprenticeship, other routes), with why."""
    from upward.analysis.programs import training_gaps

    a = _alignment(region, profile, hub, db, out)
    out.emit(training_gaps(a), a["gaps"], lambda r: _print_gaps(r, top))


def _print_gaps(a: dict, top: int) -> None:
    Col = render.Column
    render.console.print(
        render.table(
            f"Training gaps in {escape(a['area']['area_name'])}: Jobs That Mobilize where training is the route and local completions "
            "fall short of the profile's share of openings",
            [Col("SOC", "code"), Col("occupation"), Col("openings", "num"), Col("local", "num"), Col("programs", "num"),
             Col("median", "num", drop=1), Col("how people enter", drop=2, below=True, min_width=20)],
            [[g["occ_code"], escape(g["occ_title"]), render.number(g["openings"]), render.number(g["related_completions"]), str(g["programs"]),
              render.money(g["a_median"]), escape(_route_words(g))] for g in a["gaps"][:top]],
        )
    )
    render.console.print(
        render.table(
            "No training gap: Jobs That Mobilize short of local completers where training is not how people enter",
            [Col("SOC", "code"), Col("occupation"), Col("openings", "num"), Col("why not a training gap", drop=1, below=True, min_width=24)],
            [[g["occ_code"], escape(g["occ_title"]), render.number(g["openings"]), escape(g["supply_note"])] for g in a["no_training_gap"][:top]],
        )
    )
    _print_duplicates(a, top)
    for n in a["notes"]:
        say_note(n, False)


def _route_words(g: dict) -> str:
    """BLS's entry education, with the on-the-job training when that is the route."""
    edu = g["typical_education"] or "—"
    if g["training_route"] == "formal training":
        return f"{edu}; {(g['typical_on_the_job_training'] or '').lower()}"
    return edu


@programs_app.command("import")
@answers
def import_programs(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX or JSON inventory (see: upward programs template).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
    hub: HubOption = None,
    profile: ProfileOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """Import the region's own program inventory: every bad row reported, nothing written unless all are good."""
    from upward import hub as hub_mod
    from upward import profiles
    from upward.sheets import Limits

    limits = Limits.of(profiles.load(profile))  # the profile's [limits]: rows, cells, unpacked workbook size
    con = connect_atlas(db)
    with out.refusals(hub_mod.InventoryError):
        result = hub_mod.import_file(con, hub_mod.path(hub), file, dry_run=dry_run, limits=limits)
    d = result.to_dict()
    out.emit(d, [render.scalars(d)], lambda _: render.plain(result.summary()), stamped=False)


@programs_app.command("history")
@answers
def import_history(hub: HubOption = None, out: Output = Output()):
    """Every import: who, when, the file and its sha256, how many rows, and whether it was rolled back."""
    from upward import hub as hub_mod

    path = hub_mod.path(hub)
    rows = hub_mod.history(path)
    out.emit(rows, rows, lambda rows: _print_history(rows, path), stamped=False)


def _print_history(rows: list[dict], path: Path) -> None:
    Col = render.Column
    render.console.print(
        render.table(
            f"Imports into {escape(str(path))}" + ("" if rows else ": none yet (upward programs import FILE)"),
            [Col("id", "num"), Col("when (UTC)", "code"), Col("who"), Col("file"), Col("rows", "num"), Col("status", "code"),
             Col("sha256", "code", drop=1)],
            [[str(r["import_id"]), str(r["at"])[:16], escape(r["who"]), escape(Path(r["file"]).name), str(r["rows"]), r["status"], r["sha256"][:12]]
             for r in rows],
        )
    )


@programs_app.command("rollback")
@answers(csv=False)
def rollback_import(
    import_id: Annotated[int, typer.Argument(help="The import to roll back (see: upward programs history).")],
    hub: HubOption = None,
    out: Output = Output(),
):
    """Roll back one import: the inventory returns to its previous state; nothing is deleted."""
    from upward import hub as hub_mod

    record = hub_mod.rollback(hub_mod.path(hub), import_id)
    out.emit(record, show=lambda _: render.console.print(f"Import {import_id} rolled back; its rows stay in the hub's history.", highlight=False))


@programs_app.command("template")
@answers(csv=False)
def import_template(
    file: Annotated[Path | None, typer.Option("-o", "--output", help="Write the template here (default: print it).")] = None,
    out: Output = Output(),
):
    """A CSV template for `programs import`, with two example rows built from real codes (--json: its columns described)."""
    from upward import hub as hub_mod
    from upward.hub.template import spec

    if out.json:
        if file:
            raise UpwardError("--json prints the template's description; -o writes the CSV template. Choose one.")
        return render.emit_json(spec())
    text = hub_mod.template(file) if file else hub_mod.template()
    if file:
        typer.echo(f"Template written to {file}", err=True)
    else:
        typer.echo(text, nl=False)


@programs_app.command("bridges")
@answers
def bridge_programs(
    region: RegionOption,
    from_soc: Annotated[str, typer.Option("--from", help="The occupation a person holds (code or title).")],
    to_soc: Annotated[str, typer.Option("--to", help="The next occupation on the pathway (code or title).")],
    top: Annotated[int, typer.Option("--top", min=1, help="How many programs.")] = 10,
    hub: HubOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """Programs in the area that prepare for a step from one occupation to the next."""
    from upward.analysis.programs import bridges

    con, area = atlas_and_area(db, region, out.quiet)
    a, b = occupation_of(con, from_soc, out.quiet), occupation_of(con, to_soc, out.quiet)
    r = bridges(con, area.code, a.code, b.code, _hub(hub), top)
    out.emit(r, r["bridges"], lambda r: _print_bridges(r, area, a, b))


def _print_bridges(r: dict, area, a, b) -> None:
    render.console.print(
        render.table(
            f"{r['programs']} programs in {escape(area.name)} lead from {escape(a.name)} ({a.code}) to {escape(b.name)} ({b.code}); "
            "most relevant first (docs/programs.md)",
            [render.Column("program"), render.Column("provider"), render.Column("match"), render.Column("local", "num"),
             render.Column("cost", "num", drop=1), render.Column("hours", "num", drop=2)],
            [[escape(p["program_name"] or "—"), escape(p["provider_name"] or "—"),
              p["match"] + (", other award" if p["award_match"] is False else "") + (", dormant" if p["dormant"] else ""),
              render.number(p["local_completions"]), render.money(p["cost"]), render.number(p["hours"])] for p in r["bridges"]],
        )
    )
