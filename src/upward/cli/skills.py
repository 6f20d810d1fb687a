"""`upward skills` (a region's skill landscape and gaps) and `upward benchmark` (an occupation's proficiency benchmark, rated by employers)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from upward.atlas.lookup import notes
from upward.cli import render
from upward.cli.common import (
    DbOption, Output, ProfileOption, RegionOption, answers, app, area_of, atlas_and_area, connect_atlas, occupation_of,
)  # fmt: skip

HubOption = Annotated[Path | None, typer.Option("--hub", help="The hub database holding employer ratings (default: user data dir, or $UPWARD_HUB).")]


def _number(v, digits: int = 2) -> str:
    return render.number(v, digits)


@app.command()
@answers
def skills(
    region: RegionOption,
    top: Annotated[int, typer.Option("--top", min=1, help="How many elements to print, biggest gaps first (JSON and CSV give all).")] = 20,
    profile: ProfileOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """The region's skill landscape: supply of each skill and knowledge area, demand from its Jobs That Mobilize, the biggest gaps."""
    from upward import profiles
    from upward.analysis.skills import landscape

    prof = profiles.load(profile)
    con, area = atlas_and_area(db, region, out.quiet)
    r = landscape(con, area.code, prof)
    out.emit({"resolved": area.note, **r}, ({"area_code": r["area"]["area_code"], "rank": i + 1, **e} for i, e in enumerate(r["elements"])),
             lambda r: _print_landscape(r, top))


def _print_landscape(r: dict, top: int) -> None:
    c = render.console
    cov = r["coverage"]
    c.print(
        f"[bold]{escape(r['area']['area_name'])}[/] ({r['area']['area_code']}): {r['jtm_count']} Jobs That Mobilize. "
        f"O*NET rates {cov['skills']['share_of_employment']:.0%} of the area's employment for skills, "
        f"{cov['knowledge']['share_of_employment']:.0%} for knowledge.",
        highlight=False,
    )
    Col = render.Column
    c.print(
        render.table(
            (f"Biggest gaps (showing {min(top, len(r['elements']))} of {len(r['elements'])}): JTM demand − supply of O*NET level × (importance − 1)/4"
             if r["jtm_count"] else f"Supply (showing {min(top, len(r['elements']))} of {len(r['elements'])}): no Jobs That Mobilize here, so no demand"),
            [Col("element"), Col("domain"), Col("supply", "num"), Col("demand", "num"), Col("gap", "num"), Col("ratio", "num"),
             Col("the level JTMs need, in O*NET's words", drop=1, below=True, min_width=40)],
            [[escape(e["element_name"]), "skill" if e["domain"] == "skills" else e["domain"], _number(e["supply"]), _number(e["demand"]),
              _number(e["gap"]), _number(e["gap_ratio"]), escape(e["demand_level_meaning"] or "—")] for e in r["elements"][:top]],
        )
    )
    for note in r["notes"]:
        c.print(f"[dim]{escape(note)}[/]", highlight=False)
    c.print(f"[dim]Supply weighted by OEWS employment, demand by JTM annual openings (docs/skills.md). Profile {r['profile']['name']} ({r['profile']['hash']}), bundle {r['data']['bundle']}.[/]", highlight=False)


@app.command()
@answers
def benchmark(
    soc: Annotated[str, typer.Argument(help="SOC code (29-1141), O*NET-SOC code or title.")],
    region: Annotated[str | None, typer.Option("--region", "-r", help="Area whose employer ratings adjust the benchmark (required with --export).")] = None,
    export: Annotated[Path | None, typer.Option("--export", help="Write the employer rating sheet here (.csv, or .xlsx with instructions).")] = None,
    import_: Annotated[Path | None, typer.Option("--import", help="Import a rated sheet into the hub (every row checked first).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="With --import: check the sheet and show what would change; write nothing.")] = False,
    hub: HubOption = None,
    profile: ProfileOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """An occupation's essential skills with O*NET's proficiency levels in words; export a sheet for employers to rate, import it back."""
    from upward import hub as hub_mod
    from upward import profiles
    from upward.analysis.skills import benchmark as build
    from upward.errors import UpwardError
    from upward.hub import rating_import, rating_sheet

    if export and import_:
        raise UpwardError("Choose one of --export and --import.")
    if dry_run and not import_:
        raise UpwardError("--dry-run goes with --import.", hint="e.g. upward benchmark 29-1141 --region houston --import rated.csv --dry-run")
    if export and not region:
        raise UpwardError("--export needs --region: employers rate the benchmark for one region.", hint="e.g. upward benchmark 29-1141 --region houston --export ratings.xlsx")
    prof = profiles.load(profile)
    con = connect_atlas(db)
    occ = occupation_of(con, soc, out.quiet)
    area = area_of(con, region, out.quiet) if region else None
    hub_path = hub_mod.path(hub)

    if export:
        done = rating_sheet.export(con, area.code, occ.code, prof, path=export, hub_path=hub_path if hub_path.exists() else None)
        return out.emit(done, [render.scalars(done)], lambda done: render.err_console.print(
            f"Wrote the rating sheet for {occ.name} ({occ.code}) in {area.name}: {done['rows']} rows → {done['file']}", highlight=False, markup=False,
        ), stamped=False)
    if import_:
        with out.refusals(rating_sheet.RatingSheetError):
            result = rating_import.import_ratings(con, import_, prof, hub_path=hub_path, dry_run=dry_run, soc=occ.code, area_code=area.code if area else None)
        d = result.to_dict()
        return out.emit(d, result.changes or [render.scalars(d)], lambda _: render.plain(result.summary()), stamped=False)

    b = build(con, area.code if area else None, occ.code, prof, hub_mod.data(hub_path) if hub_path.exists() else None)
    out.emit({"resolved": notes(occ, area), **b}, _benchmark_rows(b), _print_benchmark)


def _benchmark_rows(b: dict):
    for e in b["elements"]:
        row = {
            "soc": b["occupation"]["occ_code"], "area_code": b["area"]["area_code"] if b["area"] else None,
            "domain": e["domain"], "element_id": e["element_id"], "element_name": e["element_name"],
            "onet_importance": e["importance"], "onet_level": e["level"], "level_meaning": e["level_meaning"],
            "essential": e["essential"], "recommend_suppress": e["recommend_suppress"],
        }  # fmt: skip
        if b["area"]:
            current = [r for r in e["ratings"] if r["current"]]
            row.update(status=e["status"], region_level=e["region_level"], region_level_meaning=e["region_level_meaning"],
                       keep_votes=e["keep_votes"], drop_votes=e["drop_votes"], ratings=len(e["ratings"]),
                       raters="; ".join(f"{r['rater']}" + (f" ({r['organisation']})" if r["organisation"] else "") for r in current))  # fmt: skip
        yield row


def _print_benchmark(b: dict) -> None:
    c = render.console
    o, a = b["occupation"], b["area"]
    c.print(
        f"[bold]{escape(o['occ_title'])}[/] ({o['occ_code']}): essential {' and '.join(b['domains'])} — O*NET importance ≥ {b['essential_importance']:g} of 5"
        + (f", in {escape(a['area_name'])} ({a['area_code']})" if a else ""),
        highlight=False,
    )
    if a:
        rows = []
        for e in b["elements"]:
            current = [r for r in e["ratings"] if r["current"]]
            who = ", ".join(f"{r['rater']} ({r['organisation']}) {r['rating']} {str(r['imported_at'])[:10]}" if r["organisation"] else f"{r['rater']} {r['rating']} {str(r['imported_at'])[:10]}" for r in current)
            rows.append([escape(e["element_name"]), e["domain"], _number(e["importance"]), _number(e["level"]), _number(e["region_level"]), e["status"],
                         escape(e["region_level_meaning"] or e["level_meaning"]), escape(who or "—")])  # fmt: skip
        Col = render.Column
        cols = [Col("element"), Col("domain", "code"), Col("importance", "num"), Col("O*NET level", "num"), Col("region level", "num"),
                Col("status", "code"), Col("what the region's level means", drop=2, below=True, min_width=40),
                Col("employer ratings (latest per rater)", drop=1, below=True, min_width=24)]
        if not b["ratings"]:  # nothing to show in it: the line below says how to get ratings
            cols, rows = cols[:-1], [r[:-1] for r in rows]
        c.print(render.table(f"{len(b['elements'])} elements; {b['ratings']} employer ratings", cols, rows))
        if not b["ratings"]:
            c.print("[dim]No employer ratings for this region yet: export a sheet with --export FILE.xlsx, then --import it.[/]", highlight=False)
    else:
        Col = render.Column
        c.print(
            render.table(
                f"{len(b['elements'])} essential elements",
                [Col("element"), Col("domain", "code"), Col("importance", "num"), Col("level", "num"),
                 Col("what the level means", drop=1, below=True, min_width=40)],
                [[escape(e["element_name"]), e["domain"], _number(e["importance"]), _number(e["level"]),
                  escape(e["level_meaning"] + (" (O*NET: low precision)" if e["recommend_suppress"] else ""))]
                 for e in b["elements"]],
            )
        )
    for note in b["notes"]:
        c.print(f"[dim]{escape(note)}[/]", highlight=False)
    c.print(f"[dim]O*NET importance 1–5, level 0–7 with O*NET's level anchors. Profile {b['profile']['name']} ({b['profile']['hash']}), bundle {b['data']['bundle']}.[/]", highlight=False)
