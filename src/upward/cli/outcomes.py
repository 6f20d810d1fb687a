"""`upward outcomes` (indicators over participant and wage records) and `upward synth` (synthetic inputs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from upward.cli import render
from upward.cli.common import DbOption, Output, ProfileOption, answers, app, connect_atlas, handles_errors
from upward.errors import UpwardError
from upward.files import write_atomically
from upward.outcomes import run_record_path

FORMATS = ("table", "json", "csv", "parquet")
SYNTHETIC_NOTE = "SYNTHETIC DATA: these people do not exist (written by `upward synth`); the numbers illustrate the method only."


def _flat(records: list[dict], dims: list[str], run: dict) -> list[dict]:
    return [
        {"indicator": r["indicator"], **{d: r["group"].get(d, "") for d in dims}, "numerator": r["numerator"],
         "denominator": r["denominator"], "value": r["value"], "suppressed": r["suppressed"],
         "profile_name": run["profile"]["name"], "profile_hash": run["profile"]["hash"], "synthetic": run["synthetic"]}
        for r in records
    ]


def _value(r: dict) -> str:
    from upward.outcomes.indicators import INDICATORS

    if r["suppressed"]:
        return "suppressed"
    if r["value"] is None:
        return "—"
    kind = {i.name: i.kind for i in INDICATORS}[r["indicator"]]
    return f"${r['value']:,.0f}" if kind == "median" else f"{r['value']:.1%}"


@app.command()
@handles_errors
def outcomes(
    participants: Annotated[str, typer.Option("--participants", help="Participants: CSV or Parquet file, a folder of them, a glob, or a database table (duckdb:///FILE.duckdb?table=NAME, or any ibis URL with ?table=NAME).")],
    wages: Annotated[str, typer.Option("--wages", help="UI wage records: CSV or Parquet file, a folder of parts, a glob, or a database table (as --participants).")],
    exit_from: Annotated[str, typer.Option("--exit-from", help="First exit quarter of the cohort, YYYYQn.")],
    exit_to: Annotated[str, typer.Option("--exit-to", help="Last exit quarter of the cohort, YYYYQn.")],
    program_year: Annotated[int | None, typer.Option("--program-year", help="Program year (July–June) for measurable skill gains, e.g. 2023.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Breakdown: one or two of program, area, age_group, sex, race_ethnicity, dislocated_worker, occupation_group, exit_quarter, disability, english_learner, low_income, homeless (e.g. sex,age_group), or 'all'.")] = None,
    profile: ProfileOption = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb (default, embedded) or spark.")] = "duckdb",
    spark_master: Annotated[str | None, typer.Option("--spark-master", help="Spark master URL for a cluster (default: local[2]).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv or parquet (parquet needs --out).")] = "table",
    out: Annotated[Path | None, typer.Option("--out", help="Write the result to this file (atomically) and the run record beside it (outcomes.json → outcomes.run.json).")] = None,
    quarantine: Annotated[Path | None, typer.Option("--quarantine", help="Set bad rows aside in this CSV/Parquet file (identifiers hashed) and go on.")] = None,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="TOML or CSV file naming your columns (see docs/outcomes.md).")] = None,
    mobility_threshold: Annotated[float | None, typer.Option("--mobility-threshold", help="Annual earnings that mark the state's 4th quintile (E-W economic mobility), instead of the wage file's percentile.")] = None,
    indicators: Annotated[str | None, typer.Option("--indicators", help="Compute only these indicators (comma-separated names, 'headline' for employment q2/q4 and median earnings, default all those the inputs allow).")] = None,
    db: DbOption = None,
):
    """Outcome indicators (WIOA, Education-to-Workforce, CLASP career pathways) over participant and wage records, small cells suppressed."""
    from upward.outcomes.run import run
    from upward.outcomes.schema import DIMENSIONS

    if fmt not in FORMATS:
        raise UpwardError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}.")
    if fmt == "parquet" and out is None:
        raise UpwardError("--format parquet needs --out FILE.")
    con = connect_atlas(db)
    with render.err_console.status("Outcomes: starting…") as status:
        result = run(
            participants, wages, exit_from, exit_to, atlas_con=con, program_year=program_year, by=by, profile=profile,
            engine=engine, spark_master=spark_master, mapping=mapping, quarantine=quarantine, mobility_threshold=mobility_threshold,
            indicators=indicators, progress=lambda step: status.update(f"Outcomes: {step}…"),
        )
    records, rec = result["records"], result["run"]
    dims = [d for d in DIMENSIONS if any(d in g for g in rec["by"])]
    if rec["synthetic"]:
        render.err_console.print(f"[bold yellow]{SYNTHETIC_NOTE}[/]", highlight=False)
    if rec["quarantine"]:
        q = rec["quarantine"]
        counts = ", ".join(f"{k}: {v['bad_rows']:,} of {v['rows']:,} rows" for k, v in rec["inputs"].items())
        render.err_console.print(f"Quarantined {q['rows']:,} bad rows to {q['file']} ({counts}).", highlight=False)
    if out is not None:
        sidecar = run_record_path(out)
        if sidecar == out:
            raise UpwardError(f"--out {out}: that is where the run record goes.", hint="Name the output something else, e.g. --out outcomes.json.")
        if fmt in ("json", "table"):
            write_atomically(out, lambda p: p.write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"))
        elif fmt == "csv":
            from upward import csvout

            def write_csv(p):
                rows = _flat(records, dims, rec)
                with p.open("w", newline="", encoding="utf-8") as fh:
                    csvout.write_rows(fh, rows, list(rows[0]) if rows else ["indicator"])

            write_atomically(out, write_csv)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            write_atomically(out, lambda p: pq.write_table(pa.Table.from_pylist(_flat(records, dims, rec)), p))
        write_atomically(sidecar, lambda p: p.write_text(json.dumps(rec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"))
        render.err_console.print(f"Wrote {len(records)} records to {out} and the run record to {sidecar}.", highlight=False)
        if fmt != "table":
            return
    if fmt == "json":
        return render.emit_json(records)
    if fmt == "csv":
        return render.emit_csv(_flat(records, dims, rec))
    from upward.outcomes.indicators import INDICATORS

    c = render.console
    Col = render.Column
    title = f"Outcomes of exiters {rec['exit_from']}–{rec['exit_to']}" + (f", program year {rec['program_year']}" if rec["program_year"] else "")
    c.print(f"[bold]{title}[/] (cells under {rec['min_cell']} people suppressed, with the cells that would reveal them)", highlight=False)
    numbers = [Col("numerator", "num"), Col("denominator", "num"), Col("value", "num")]
    what = {i.name: i.what for i in INDICATORS}
    if not dims:  # one row per indicator: one table
        c.print(render.table("", [Col("indicator"), *numbers],
                             [[r["indicator"], render.number(r["numerator"]), render.number(r["denominator"]), _value(r)] for r in records]))
    else:  # a breakdown: one table per indicator, its groups as rows
        for name in dict.fromkeys(r["indicator"] for r in records):
            rows = [r for r in records if r["indicator"] == name]
            c.print(render.table(
                f"\n{name}: {what.get(name, '')}",
                [*(Col(d.replace("_", " ")) for d in dims), *numbers],
                [[*(escape(str(r["group"].get(d, "all"))) for d in dims), render.number(r["numerator"]), render.number(r["denominator"]),
                  _value(r)] for r in rows],
            ))
    ex = rec["cohort"]
    c.print(
        f"[dim]Exiters in the cohort: {render.number(ex['exiters']) if ex['exiters'] is not None else 'fewer than ' + str(rec['min_cell'])}; "
        f"left out for PIRL 923 reasons 01–05: {render.number(ex['excluded_exits']) if ex['excluded_exits'] is not None else 'fewer than ' + str(rec['min_cell'])}. "
        f"Engine {rec['engine']}, {rec['seconds']:.1f} s; profile {rec['profile']['name']} ({rec['profile']['hash']}); "
        f"identifiers: {rec['hash']['algorithm']} with {rec['hash']['key']}. Bundle {rec['data']['bundle']}.[/]",
        highlight=False,
    )
    if not program_year and "msg_rate" in rec["indicators"]:
        c.print("[dim]msg_rate needs --program-year.[/]", highlight=False)
    for s in rec["not_computed"]:
        c.print(f"[dim]Not computed: {s['indicator']} ({s['reason']}).[/]", highlight=False)
    c.print("[dim]Each indicator's source (WIOA, E-W, CLASP AQCP) and how Upward measures it: docs/outcomes.md (API: /api/v1/outcomes/indicators).[/]", highlight=False)


@app.command()
@answers(csv=False)
def synth(
    participants: Annotated[int, typer.Option("--participants", min=1, help="How many synthetic participants.")],
    workers: Annotated[int, typer.Option("--workers", min=0, help="How many synthetic non-participant workers in the wage file.")],
    folder: Annotated[Path, typer.Option("--out", help="Folder to write participants, wages/ and SYNTHETIC.json into.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed writes the same files.")] = 0,
    state: Annotated[str, typer.Option("--state", help="State whose OEWS wages and areas the data follows.")] = "TX",
    fmt: Annotated[str, typer.Option("--format", help="parquet (default) or csv.")] = "parquet",
    db: DbOption = None,
    out: Output = Output(),
):
    """Write a SYNTHETIC cohort and state-like wage file (labelled synthetic everywhere) for trying and testing `upward outcomes`."""
    from upward.outcomes.synth import generate

    con = connect_atlas(db)
    with render.err_console.status("Synthetic data: starting…") as status:
        m = generate(con, folder, participants, workers, seed=seed, state=state, fmt=fmt, progress=lambda s: status.update(s + "…"))
    render.err_console.print(f"[bold yellow]{SYNTHETIC_NOTE}[/]", highlight=False)
    out.emit({**m, "folder": str(folder), "manifest": str(Path(folder) / "SYNTHETIC.json")}, show=lambda m: render.console.print(
        f"Wrote {m['participants']:,} synthetic participants and {m['wage_rows']:,} synthetic wage records "
        f"({m['participants'] + m['workers']:,} people, {m['quarters'][0]}–{m['quarters'][1]}, {m['state']}) to {folder}; "
        f"manifest {m['manifest']}.",
        highlight=False,
    ))
