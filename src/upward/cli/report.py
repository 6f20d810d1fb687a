"""`upward report` (the regional pathways report as HTML and/or PDF) and `upward export` (every table behind it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from upward.cli.common import DbOption, Output, ProfileOption, RegionOption, answers, app, area_of, atlas_and_area
from upward.cli.programs import HubOption
from upward.errors import UpwardError

OutcomesOption = Annotated[str | None, typer.Option(
    "--outcomes", help="An outcomes run: the JSON file `upward outcomes … --format json --out FILE` wrote, or a run id kept in the hub.")]
CompareOption = Annotated[list[str] | None, typer.Option(
    "--compare", help="A peer area to compare with (cost-of-living adjusted); repeat the option for several.")]
OriginsOption = Annotated[int, typer.Option("--origins", min=1, max=10, help="How many of the largest low-wage occupations get pathways.")]


def _gather(region, profile, outcomes, compare, hub, db, quiet, origins):
    from upward import profiles
    from upward.cli.programs import _hub_path
    from upward.cli.render import err_console
    from upward.report import build
    from upward.report import outcomes as outcomes_mod

    prof = profiles.load(profile)
    con, area = atlas_and_area(db, region, quiet)
    peers = [area_of(con, p, quiet).code for p in compare or []]
    from upward import hub as hub_mod

    hub_path = _hub_path(hub)  # programs and ratings: only a hub that exists
    run = outcomes_mod.load(outcomes, hub_mod.path(hub)) if outcomes else None
    if run and run["synthetic"] and not quiet:
        from upward.cli.outcomes import SYNTHETIC_NOTE

        err_console.print(f"[bold yellow]{SYNTHETIC_NOTE}[/] The report labels the outcomes section synthetic.", highlight=False)
    with err_console.status(f"Gathering the report for {area.name}…"):
        return build.gather(con, area.code, prof, profile_path=profile, peers=peers, outcomes=run, hub_path=hub_path,
                            hub_explicit=hub is not None, options={"origins": origins})


@app.command()
@answers(csv=False)
def report(
    region: RegionOption,
    output: Annotated[list[Path] | None, typer.Option(
        "--output", "-o", help="Write the report here: FILE.html or FILE.pdf. Repeat for both (-o r.html -o r.pdf).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write a PDF beside each HTML output (same name, .pdf).")] = False,
    profile: ProfileOption = None,
    outcomes: OutcomesOption = None,
    compare: CompareOption = None,
    origins: OriginsOption = 3,
    hub: HubOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """The regional pathways report: the case, the assets, the changes and the outcomes to expect, as self-contained HTML and PDF."""
    import time

    from upward.cli import render as cli_render
    from upward.report import render

    outputs = list(output or [])
    if pdf:
        outputs += [p.with_suffix(".pdf") for p in outputs if p.suffix.lower() in (".html", ".htm") and p.with_suffix(".pdf") not in outputs]
    if not outputs and not out.json:
        raise UpwardError("Say where to write the report with -o FILE.html and/or -o FILE.pdf.",
                          hint="e.g. upward report --region houston -o houston.html --pdf   (or --json for the report's data)")
    render.formats(outputs)  # a bad suffix fails before any work
    t0 = time.perf_counter()
    data, _ = _gather(region, profile, outcomes, compare, hub, db, out.quiet, origins)
    if outputs:
        with cli_render.err_console.status("Writing the report…"):
            files = render.write(data, outputs)
    else:
        files = []
    out.emit({**data, "files": files, "seconds": round(time.perf_counter() - t0, 2)}, show=_print_written)


def _print_written(r: dict) -> None:
    """Plain lines, never wrapped, so a script can take the paths from the output."""
    a = r["area"]
    print(f"Report for {a['area_name']} ({a['area_code']}) written in {r['seconds']} s:")
    for f in r["files"]:
        print(f["path"])


@app.command("export")
@answers(csv=False)
def export_(
    region: RegionOption,
    fmt: Annotated[str, typer.Option("--format", help="xlsx (one workbook), csv or parquet (a folder of files).")] = "xlsx",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="FILE.xlsx, or a folder for csv and parquet.")] = None,
    profile: ProfileOption = None,
    outcomes: OutcomesOption = None,
    compare: CompareOption = None,
    origins: OriginsOption = 3,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing folder that is not an earlier Upward export.")] = False,
    hub: HubOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """Every table behind the report (occupations, pathways, skills, programs, outcomes, actions, sources) with a README of columns and sources."""
    from upward.report import export

    if fmt not in export.EXPORT_FORMATS:
        raise UpwardError(f"--format {fmt!r} is not one of {', '.join(export.EXPORT_FORMATS)}.")
    if output is None:
        raise UpwardError("Say where to write the export with -o.", hint="e.g. upward export --region houston --format xlsx -o houston.xlsx")
    data, src = _gather(region, profile, outcomes, compare, hub, db, out.quiet, origins)
    done = export.export(data, src, fmt, output, force=force)
    out.emit(done, show=lambda done: print(
        f"Exported {len(done['tables'])} tables for {data['area']['area_name']} ({data['area']['area_code']}) as {fmt}:\n{done['path']}"))
