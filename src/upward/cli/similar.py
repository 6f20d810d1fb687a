"""`upward similar`: the occupations whose O*NET skill profiles are closest, with the facet breakdown."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from upward.cli import render
from upward.cli.common import DbOption, Output, ProfileOption, answers, app, connect_atlas, occupation_of


@app.command()
@answers
def similar(
    soc: Annotated[str | None, typer.Argument(help="SOC code or title (omit with --all).")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many similar occupations.")] = 10,
    every: Annotated[bool, typer.Option("--all", help="Every rated occupation at once (use with --json or --csv).")] = False,
    profile: ProfileOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """Most similar occupations: O*NET ratings, work activities, technology and shared industries (weights from the profile)."""
    from upward import profiles
    from upward.analysis.similarity import every_similar, similar_occupations
    from upward.errors import UpwardError

    if every == (soc is not None):
        raise UpwardError("Give one occupation, or --all for every occupation.", hint="e.g. upward similar 29-1141, or upward similar --all --json")
    prof = profiles.load(profile)
    con = connect_atlas(db)
    if every:
        rows = every_similar(con, prof, top)
        if out.csv:
            return render.emit_csv({"soc": r["soc"], "rank": k + 1, **s} for r in rows for k, s in enumerate(r["similar"]))
        return render.emit_json(rows)
    occ = occupation_of(con, soc, out.quiet)
    result = similar_occupations(con, occ.code, occ.name, prof, top)
    out.emit(result, result["similar"], lambda result: _print_similar(result["similar"], occ), stamped=False)


def _print_similar(near: list[dict], occ) -> None:
    from upward.analysis.similarity import FACETS

    Col = render.Column
    render.console.print(
        render.table(
            f"Occupations most similar to {escape(occ.name)} ({occ.code}): sim is the weighted mean of seven facet cosines — skill, "
            "know(ledge), abil(ities), act(ivities), DWA (detailed work activities), tech(nology), ind(ustries) (docs/pathways.md)",
            [Col("SOC", "code"), Col("occupation"), Col("sim", "num"),
             *(Col(h, "num") for h in ("skill", "know", "abil", "act", "DWA", "tech", "ind"))],
            [[n["soc"], escape(n["title"] or "—"), f"{n['similarity']:.3f}",
              *("—" if n[f"facet_{d}"] is None else f"{n[f'facet_{d}']:.2f}" for d in FACETS)]
             for n in near],
        )
    )
