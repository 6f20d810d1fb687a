"""`upward similar`: the occupations whose O*NET skill profiles are closest, with the facet breakdown."""

from __future__ import annotations

from typing import Annotated

import typer

from upward.cli.common import CsvOption, DbOption, JsonOption, ProfileOption, app, check_formats, connect_atlas, handles_errors, say_note


@app.command()
@handles_errors
def similar(
    soc: Annotated[str | None, typer.Argument(help="SOC code or title (omit with --all).")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many similar occupations.")] = 10,
    every: Annotated[bool, typer.Option("--all", help="Every rated occupation at once (use with --json or --csv).")] = False,
    profile: ProfileOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
):
    """Most similar occupations: O*NET ratings, work activities, technology and shared industries (weights from the profile)."""
    from upward import profiles
    from upward.analysis.similarity import FACETS, similarity
    from upward.atlas.lookup import resolve_occupation
    from upward.cli import render
    from upward.errors import UpwardError

    check_formats(as_json, as_csv)
    if every == (soc is not None):
        raise UpwardError("Give one occupation, or --all for every occupation.", hint="e.g. upward similar 29-1141, or upward similar --all --json")
    prof = profiles.load(profile)
    con = connect_atlas(db)
    sim = similarity(con, prof.get("similarity.weights"))
    titles = dict(con.execute("select occ_code, occ_title from occupations").fetchall())
    if every:
        rows = [{"soc": c, "similar": [{"soc": o, "similarity": round(v, 6)} for o, v in sim.nearest(c, top)]} for c in sim.codes]
        if as_csv:
            return render.emit_csv({"soc": r["soc"], "rank": k + 1, **s} for r in rows for k, s in enumerate(r["similar"]))
        return render.emit_json(rows)
    occ = resolve_occupation(con, soc)
    say_note(occ.note, as_json or as_csv)
    if occ.code not in sim.index:
        raise UpwardError(f"O*NET rates none of the skills, knowledge, abilities or work activities of {occ.name} ({occ.code}), so its similarity is unknown.",
                          hint="See `upward atlas info` for which occupations O*NET covers.")
    near = [
        {"soc": o, "title": titles.get(o), "similarity": v, **{f"facet_{d}": f for d, f in sim.breakdown(occ.code, o).items()}}
        for o, v in sim.nearest(occ.code, top)
    ]
    result = {"soc": occ.code, "title": occ.name, "weights": sim.weights, "profile": prof.record(), "similar": near}
    if as_json:
        return render.emit_json(result)
    if as_csv:
        return render.emit_csv(near)
    render.console.print(
        render.table(
            f"Occupations most similar to {occ.name} ({occ.code}): the weighted mean of seven facet cosines (docs/pathways.md)",
            ["SOC", "occupation", "similarity", "skills", "knowl.", "abil.", "activ.", "DWAs", "tech", "industries"],
            [[n["soc"], n["title"] or "—", f"{n['similarity']:.3f}",
              *("—" if n[f"facet_{d}"] is None else f"{n[f'facet_{d}']:.2f}" for d in FACETS)]
             for n in near],
            set(range(2, 10)),
        )
    )
