"""`upward titles code`: job titles → SOC 2018 codes, offline, with a confidence and the candidates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from upward.cli import render
from upward.cli.common import DbOption, Output, answers, app, connect_atlas
from upward.errors import UpwardError

titles_app = typer.Typer(help="Job titles → SOC 2018 codes, offline (BLS and O*NET title lists; docs/titles.md).", no_args_is_help=True)
app.add_typer(titles_app, name="titles")


@titles_app.command("code")
@answers
def code(
    titles: Annotated[list[str] | None, typer.Argument(help="Job titles, each in quotes.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="CSV, .xlsx (first sheet) or JSON file with a column of titles.")] = None,
    column: Annotated[str | None, typer.Option("--column", help="Header of the title column in --file.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=20, help="How many candidates to list per title.")] = 5,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the JSON (--json) or CSV (default) to this file, atomically.")] = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """Code job titles to SOC 2018: the best occupation, a confidence (0–1) and the top candidates.

    Examples: upward titles code "Registered Nurse" "CDL Driver";
    upward titles code --file staff.xlsx --column "Job Title" --csv --out coded.csv
    """
    from upward.titles import REVIEW_BELOW, batch, code_titles

    if bool(titles) == (file is not None):
        raise UpwardError("Give job titles, or --file with --column, not both.", hint='e.g. upward titles code "Forklift Operator", or upward titles code --file FILE.csv --column title')
    if file is not None and not column:
        raise UpwardError(f"--file {file.name} needs --column: the header of the column that holds the titles.")
    if column and file is None:
        raise UpwardError("--column names a column of --file; give --file too.")
    rows = None
    if file is not None:
        rows, titles = batch.read_column(file, column)
    con = connect_atlas(db)
    if file is not None and len(titles) > 2000 and not out.quiet and out_file is None:
        render.err_console.print(f"[dim]{len(titles):,} titles; the table shows them all (use --csv or --out for a file).[/]")
    coded = code_titles(con, titles, top=top)
    if rows is not None:
        coded = [{"row": r, **c} for r, c in zip(rows, coded)]
    if out_file is not None:
        _write(out_file, coded, rows, out.json)
        n_review = sum(1 for c in coded if c["soc"] is None or c["confidence"] < REVIEW_BELOW)
        render.err_console.print(f"Wrote {len(coded):,} coded titles to {out_file} ({n_review:,} to review: no code or confidence below {REVIEW_BELOW}).", highlight=False)
        return
    out.emit(coded, batch.flat(coded, rows), lambda coded: _print(coded, rows, REVIEW_BELOW), stamped=False)


def _write(out: Path, coded: list[dict], rows, as_json: bool) -> None:
    from upward.files import write_bytes_atomically
    from upward.titles import batch

    if as_json or out.suffix.lower() == ".json":
        data = json.dumps(coded, indent=2, ensure_ascii=False) + "\n"
    else:
        from upward import csvout

        flat = batch.flat(coded, rows)
        data = csvout.text(flat, list(flat[0]) if flat else ["input", "soc"])
    write_bytes_atomically(out, data.encode("utf-8"))


def _print(coded: list[dict], rows, review_below: float) -> None:
    head = ["row"] if rows is not None else []
    table_rows = []
    for c in coded:
        conf = "—" if c["soc"] is None else f"{c['confidence']:.2f}" + (" ?" if c["confidence"] < review_below else "")
        occupation = c["soc_title"] or f"({c.get('reason', 'not coded')})"
        table_rows.append(([str(c["row"])] if rows is not None else []) + [c["input"] or "", c["soc"] or "—", occupation, conf])
    n = len(coded)
    render.console.print(
        render.table(
            f"{n} title{'s' * (n != 1)} coded to SOC 2018 ('?' = confidence below {review_below}: check the candidates with --json)",
            head + ["title", "SOC", "occupation", "conf."],
            table_rows,
            {len(head) + 3} | ({0} if head else set()),
        )
    )
