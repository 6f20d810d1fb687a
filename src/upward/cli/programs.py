"""`upward programs …`: the region's training scan, its alignment with quality jobs, and its own imports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from upward.errors import UpwardError
from upward.cli.common import (
    CsvOption, DbOption, JsonOption, ProfileOption, RegionOption, app, atlas_and_area, check_formats, connect_atlas, handles_errors, say_note, stamp,
)

programs_app = typer.Typer(help="Training programs: the scan, alignment, gaps, and the region's own imports.", no_args_is_help=True)
app.add_typer(programs_app, name="programs")

HubOption = Annotated[Path | None, typer.Option("--hub", help="The hub database of imported programs (default: user data dir, or $UPWARD_HUB).")]


def _hub(hub: Path | None):
    """The hub file, only when it exists: reading never creates one."""
    from upward import hub as hub_mod

    path = hub_mod.path(hub)
    return path if path.exists() else None


def _money(v) -> str:
    from upward.cli import render

    return render.money(v)


@programs_app.command("list")
@handles_errors
def list_programs(
    region: RegionOption,
    cip: Annotated[str | None, typer.Option("--cip", help="CIP code or prefix, e.g. 51.38 or 51.3801.")] = None,
    soc: Annotated[str | None, typer.Option("--soc", help="Only programs leading to this occupation (code or title).")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many to print (JSON and CSV give all).")] = 40,
    hub: HubOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
):
    """The programs offered in an area (public seed plus your imports), with completions and earnings."""
    from upward.analysis._rows import releases
    from upward.analysis.programs import inventory
    from upward.atlas.lookup import resolve_occupation
    from upward.cli import render

    check_formats(as_json, as_csv)
    con, area = atlas_and_area(db, region, as_json or as_csv)
    inv = inventory(con, area.code, _hub(hub))
    if cip:
        prefix = cip.replace("=", "").strip('"')
        if prefix.isdigit() and len(prefix) > 2:  # '513801' as spreadsheets write it
            prefix = f"{prefix[:2]}.{prefix[2:]}"
        inv = inv[inv.cip_code.fillna("").str.startswith(prefix)]
    if soc:
        occ = resolve_occupation(con, soc)
        say_note(occ.note, as_json or as_csv)
        inv = inv[[occ.code in list(o) for o in inv.occupations]]
    from upward.analysis._rows import plain_record

    rows = [plain_record({**r, "occupations": list(r["occupations"])}) for r in inv.to_dict("records")]
    result = {"area": {"area_code": area.code, "area_name": area.name}, "programs": rows, "data": releases(con)}
    if as_json:
        return render.emit_json(result)
    if as_csv:
        return render.emit_csv(stamp(({**r, "occupations": ";".join(r["occupations"])} for r in rows), result))
    Col = render.Column
    render.console.print(
        render.table(
            f"{len(rows)} programs in {escape(area.name)} (showing {min(top, len(rows))}, most completions first)",
            [Col("program"), Col("provider"), Col("CIP", "code", drop=2), Col("credential", drop=3), Col("completions", "num"),
             Col("earnings", "num", drop=1), Col("source", "code", drop=4)],
            [
                [escape(r["program_name"] or "—"), escape(r["provider_name"] or "—"), r["cip_code"] or "—", escape(r["credential"] or "—"),
                 render.number(r["completions"]), _money(r["published_earnings"]), r["source"]]
                for r in sorted(rows, key=lambda r: -(r["completions"] or 0))[:top]
            ],
        )
    )


def _alignment(region, profile, hub, db, as_json, as_csv):
    from upward import profiles
    from upward.analysis.programs import alignment

    check_formats(as_json, as_csv)
    prof = profiles.load(profile)
    con, area = atlas_and_area(db, region, as_json or as_csv)
    return alignment(con, area.code, prof, _hub(hub))


@programs_app.command("align")
@handles_errors
def align_programs(
    region: RegionOption,
    profile: ProfileOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many rows per table.")] = 15,
    hub: HubOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
):
    """Do the area's programs lead to quality jobs? Supply against openings, duplicates, phase-out candidates."""
    from upward.cli import render

    a = _alignment(region, profile, hub, db, as_json, as_csv)
    if as_json:
        return render.emit_json(a)
    if as_csv:
        return render.emit_csv(stamp(a["occupations"], a))
    c = render.console
    c.print(
        f"[bold]{escape(a['area']['area_name'])}[/]: {a['programs']:,} programs from {a['providers']:,} providers, "
        f"{a['completions']:,.0f} completions in the latest year; {a['aligned_to_jtm']:,} programs lead to a Job That Mobilizes.",
        highlight=False,
    )
    occ = a["occupations"]
    Col = render.Column
    c.print(
        render.table(
            "Supply against demand: related completions ÷ annual openings (* a Job That Mobilizes)",
            [Col("SOC", "code"), Col("occupation"), Col("tier", drop=1), Col("openings", "num"), Col("completions", "num"),
             Col("ratio", "num"), Col("supply", "code")],
            [[o["occ_code"], escape(o["occ_title"]) + (" *" if o["jtm"] else ""), o["tier"], render.number(o["openings"]),
              render.number(o["related_completions"]), render.number(o["supply_ratio"], 2), o["supply_flag"]] for o in occ[:top]],
        )
    )
    _print_duplicates(a, top)
    phase = sorted(a["phase_out_candidates"], key=lambda p: -(p["completions"] or 0))[:top]
    c.print(
        render.table(
            "Phase-out candidates — for review, with the evidence; never a verdict",
            [Col("#", "code"), Col("program"), Col("provider"), Col("credential", drop=1), Col("completions", "num"),
             Col("evidence", drop=2, below=True, min_width=30)],
            [[str(k), escape(p["program_name"] or "—"), escape(p["provider_name"] or "—"), escape(p["credential"] or "—"),
              render.number(p["completions"]), escape(p["phase_out_evidence"])] for k, p in enumerate(phase, start=1)],
            label=0,
        )
    )


def _print_duplicates(a: dict, top: int) -> None:
    from upward.cli import render

    Col = render.Column
    render.console.print(
        render.table(
            "Possible duplicates: one CIP and award from many providers, more completions than openings",
            [Col("CIP", "code"), Col("program"), Col("award"), Col("providers", "num"), Col("completions", "num"), Col("openings", "num")],
            [[d["cip_code"], escape(d["program_name"]), escape(str(d.get("award") or d["award_level"] or "—")), str(d["providers"]),
              render.number(d["completions"]), render.number(d["openings"])]
             for d in a["duplicates"][:top]],
        )
    )


@programs_app.command("gaps")
@handles_errors
def gaps(
    region: RegionOption,
    profile: ProfileOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many rows.")] = 25,
    hub: HubOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
):
    """Jobs That Mobilize with no program in the area, or far too few completers for their openings."""
    from upward.cli import render

    a = _alignment(region, profile, hub, db, as_json, as_csv)
    result = {k: a[k] for k in ("area", "profile", "gaps", "duplicates", "data")}
    if as_json:
        return render.emit_json(result)
    if as_csv:
        return render.emit_csv(stamp(a["gaps"], a))
    Col = render.Column
    render.console.print(
        render.table(
            f"Gaps in {escape(a['area']['area_name'])}: Jobs That Mobilize with no program or related completions below the profile's share of openings",
            [Col("SOC", "code"), Col("occupation"), Col("openings", "num"), Col("completions", "num"), Col("programs", "num"),
             Col("median", "num", drop=1), Col("typical education", drop=2, below=True, min_width=20)],
            [[g["occ_code"], escape(g["occ_title"]), render.number(g["openings"]), render.number(g["related_completions"]), str(g["programs"]),
              _money(g["a_median"]), escape(g["typical_education"] or "—")] for g in a["gaps"][:top]],
        )
    )
    _print_duplicates(a, top)


@programs_app.command("import")
@handles_errors
def import_programs(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX or JSON inventory (see: upward programs template).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
    hub: HubOption = None,
    profile: ProfileOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
):
    """Import the region's own program inventory: every bad row reported, nothing written unless all are good."""
    from upward import hub as hub_mod
    from upward import profiles
    from upward.cli import render
    from upward.sheets import Limits

    check_formats(as_json, as_csv)
    limits = Limits.of(profiles.load(profile))  # the profile's [limits]: rows, cells, unpacked workbook size
    con = connect_atlas(db)
    try:
        result = hub_mod.import_file(con, hub_mod.path(hub), file, dry_run=dry_run, limits=limits)
    except hub_mod.InventoryError as exc:
        if as_json or as_csv:
            problems = [p._asdict() if hasattr(p, "_asdict") else vars(p) for p in exc.problems]
            render.emit_json({"imported": False, "problems": problems}) if as_json else render.emit_csv(problems)
            raise typer.Exit(1) from exc
        raise
    if as_json:
        return render.emit_json(result.to_dict())
    if as_csv:
        d = result.to_dict()
        return render.emit_csv([{k: v for k, v in d.items() if not isinstance(v, (list, dict))}])
    render.console.print(result.summary(), highlight=False, markup=False)


@programs_app.command("history")
@handles_errors
def import_history(hub: HubOption = None, as_json: JsonOption = False, as_csv: CsvOption = False):
    """Every import: who, when, the file and its sha256, how many rows, and whether it was rolled back."""
    from upward import hub as hub_mod
    from upward.cli import render

    check_formats(as_json, as_csv)
    rows = hub_mod.history(hub_mod.path(hub))
    if as_json:
        return render.emit_json(rows)
    if as_csv:
        return render.emit_csv(rows)
    Col = render.Column
    render.console.print(
        render.table(
            f"Imports into {escape(str(hub_mod.path(hub)))}" + ("" if rows else ": none yet (upward programs import FILE)"),
            [Col("id", "num"), Col("when (UTC)", "code"), Col("who"), Col("file"), Col("rows", "num"), Col("status", "code"),
             Col("sha256", "code", drop=1)],
            [[str(r["import_id"]), str(r["at"])[:16], escape(r["who"]), escape(Path(r["file"]).name), str(r["rows"]), r["status"], r["sha256"][:12]]
             for r in rows],
        )
    )


@programs_app.command("rollback")
@handles_errors
def rollback_import(
    import_id: Annotated[int, typer.Argument(help="The import to roll back (see: upward programs history).")],
    hub: HubOption = None,
    as_json: JsonOption = False,
):
    """Roll back one import: the inventory returns to its previous state; nothing is deleted."""
    from upward import hub as hub_mod
    from upward.cli import render

    record = hub_mod.rollback(hub_mod.path(hub), import_id)
    if as_json:
        return render.emit_json(record)
    render.console.print(f"Import {import_id} rolled back; its rows stay in the hub's history.", highlight=False)


@programs_app.command("template")
@handles_errors
def import_template(
    out: Annotated[Path | None, typer.Option("-o", "--output", help="Write the template here (default: print it).")] = None,
    as_json: JsonOption = False,
):
    """A CSV template for `programs import`, with two example rows built from real codes (--json: its columns described)."""
    from upward import hub as hub_mod
    from upward.cli import render
    from upward.hub.template import spec

    if as_json:
        if out:
            raise UpwardError("--json prints the template's description; -o writes the CSV template. Choose one.")
        return render.emit_json(spec())
    text = hub_mod.template(out) if out else hub_mod.template()
    if out:
        typer.echo(f"Template written to {out}", err=True)
    else:
        typer.echo(text, nl=False)


@programs_app.command("bridges")
@handles_errors
def bridge_programs(
    region: RegionOption,
    from_soc: Annotated[str, typer.Option("--from", help="The occupation a person holds (code or title).")],
    to_soc: Annotated[str, typer.Option("--to", help="The next occupation on the pathway (code or title).")],
    top: Annotated[int, typer.Option("--top", min=1, help="How many programs.")] = 10,
    hub: HubOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
):
    """Programs in the area that prepare for a step from one occupation to the next."""
    from upward.analysis.programs import bridges
    from upward.atlas.lookup import resolve_occupation
    from upward.cli import render

    check_formats(as_json, as_csv)
    con, area = atlas_and_area(db, region, as_json or as_csv)
    a, b = resolve_occupation(con, from_soc), resolve_occupation(con, to_soc)
    for n in (a.note, b.note):
        say_note(n, as_json or as_csv)
    r = bridges(con, area.code, a.code, b.code, _hub(hub), top)
    if as_json:
        return render.emit_json(r)
    if as_csv:
        return render.emit_csv(stamp(r["bridges"], r))
    render.console.print(
        render.table(
            f"{r['programs']} programs in {escape(area.name)} lead from {escape(a.name)} ({a.code}) to {escape(b.name)} ({b.code}); "
            "stated targets (the provider names the occupation) and shortest awards first",
            [render.Column("program"), render.Column("provider"), render.Column("credential", drop=3), render.Column("hours", "num", drop=1),
             render.Column("cost", "num", drop=2), render.Column("completions", "num"), render.Column("stated", "code")],
            [[escape(p["program_name"] or "—"), escape(p["provider_name"] or "—"), escape(p["credential"] or "—"), render.number(p["hours"]),
              render.money(p["cost"]), render.number(p["completions"]), "yes" if p["stated_target"] else ""] for p in r["bridges"]],
        )
    )
