"""What every `upward` command shares: the app, the common options, error handling, the atlas."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from upward.atlas.lookup import AREA_ACCEPTS
from upward.errors import UpwardError

app = typer.Typer(
    name="upward",
    help="Upward: quality jobs, career pathways and training for your region, on real public data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = Annotated[Path | None, typer.Option("--db", help="Atlas database file (default: user data dir, or $UPWARD_DB).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print the main table as CSV.")]
ProfileOption = Annotated[Path | None, typer.Option("--profile", help="TOML profile of thresholds and weights (default: the shipped one).")]
RegionOption = Annotated[str, typer.Option("--region", "-r", help="The area: " + AREA_ACCEPTS + ".")]

#: Releases chosen with `upward --release …` for this run (see `choose_releases`).
_RELEASES: list[str] = []


@app.callback()
def choose_releases(
    release: Annotated[
        list[str] | None,
        typer.Option(
            "--release",
            help="Run the command on a held release instead of the current one: an OEWS year (2024) or "
            "projections:YEAR (projections:2022). Repeat for both sources. `upward atlas info` lists the held releases.",
        ),
    ] = None,
):
    """Upward: quality jobs, career pathways and training for your region, on real public data."""
    _RELEASES[:] = release or []


def fail(exc: UpwardError) -> None:
    from upward.cli.render import err_console

    from rich.markup import escape

    err_console.print(f"[bold red]Error:[/] {escape(exc.message)}", highlight=False)
    if exc.hint:
        err_console.print(exc.hint, highlight=False, markup=False)
    raise typer.Exit(exc.exit_code)


def handles_errors(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UpwardError as exc:
            fail(exc)

    return wrapper


def connect_atlas(db: Path | None):
    """The atlas, reading the releases `upward --release …` chose (the current ones otherwise)."""
    from upward import atlas

    path = atlas.default_path() if db is None else db
    if atlas.is_current(path):
        con = atlas.connect(path)
    else:
        from upward.cli.render import err_console

        with err_console.status("Building the atlas from the bundled data (first run only)…") as status:
            con = atlas.connect(path, progress=lambda step: status.update(f"Building the atlas: {step}"))
    if _RELEASES:
        from upward.atlas import releases

        picks = [releases.resolve(con, text) for text in _RELEASES]
        releases.choose(con, picks)
        from upward.cli.render import err_console

        err_console.print("[dim]Reading " + "; ".join(
            f"{h.name}" + ("" if h.current else " (not the current release)") for h in picks) + ", as --release asked.[/]", highlight=False)
    return con


def say_note(note: str | None, quiet: bool) -> None:
    if note and not quiet:
        from upward.cli.render import err_console

        err_console.print(f"[dim]{note}[/]", highlight=False)


def stamp(rows, result: dict):
    """CSV rows carry the profile and bundle the numbers came from, like the JSON does."""
    extra = {}
    if "profile" in result:
        extra.update(profile_name=result["profile"]["name"], profile_hash=result["profile"]["hash"])
    if "data" in result:
        extra["bundle"] = result["data"]["bundle"]
    for row in rows:
        yield {**row, **extra}


@dataclass(frozen=True)
class Output:
    """How a command answers: JSON (--json), CSV (--csv) or, by default, tables for people.

    Made from the two flags by `@answers` before the command runs, so asking for both fails before
    any work; `quiet` (machine output) keeps notes such as how a typed name was resolved off stderr, where a
    script reading the answer would not expect them; `emit` prints the answer in the chosen form, so a
    command computes its result once and says how each form shows it.
    """

    json: bool = False
    csv: bool = False

    @classmethod
    def of(cls, as_json: bool, as_csv: bool = False) -> Output:
        if as_json and as_csv:
            raise UpwardError("Choose one of --json and --csv.")
        return cls(as_json, as_csv)

    @property
    def quiet(self) -> bool:
        return self.json or self.csv

    def emit(self, result, rows: Iterable[dict] = (), show: Callable[[Any], None] | None = None, *, stamped: bool = True) -> None:
        """`result` as JSON; or `rows` as CSV, each stamped with the result's profile and bundle
        (`stamp`) unless `stamped` is False; or `show(result)` for people.

        `rows` is read only for --csv: pass a generator (or a generator function's result) when
        building the rows costs anything.
        """
        from upward.cli import render

        if self.json:
            render.emit_json(result)
        elif self.csv:
            render.emit_csv(stamp(rows, result) if stamped else rows)
        else:
            show(result)

    @contextmanager
    def refusals(self, error: type[Exception]):
        """An import that refuses its file: for --json or --csv the problems (file, row, field, what is
        wrong) are the answer, as data, with exit code 1; for people the error is said as any other."""
        try:
            yield
        except error as exc:
            if not self.quiet:
                raise
            from upward.cli import render

            problems = [p._asdict() if hasattr(p, "_asdict") else vars(p) for p in exc.problems]
            render.emit_json({"imported": False, "problems": problems}) if self.json else render.emit_csv(problems)
            raise typer.Exit(1) from exc


def answers(fn=None, *, csv: bool = True):
    """A command that answers: its errors said as `handles_errors` says them, the shared --json option
    (and --csv, unless `csv=False`), and the `Output` they make handed to it as its last parameter,
    `out: Output = Output()`.

    typer reads a command's options from its signature, so the two flags would otherwise be
    declared, and checked, in every command: here they are appended to the signature typer sees
    (after the command's own options, where --help lists them) and turned into `out` before the
    command runs, so asking for both fails before any work. Called directly, as a test may, the
    command prints tables unless given another `Output`.
    """

    def decorate(fn):
        sig = inspect.signature(fn, eval_str=True)  # the options' Annotated types, as typer needs them
        if "out" not in sig.parameters:
            raise TypeError(f"{fn.__name__}: an @answers command takes `out: Output = Output()` as its last parameter")
        own = [p for name, p in sig.parameters.items() if name != "out"]
        flags = [inspect.Parameter("as_json", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=JsonOption)]
        if csv:
            flags.append(inspect.Parameter("as_csv", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=CsvOption))

        @functools.wraps(fn)
        def command(*args, as_json: bool = False, as_csv: bool = False, **kwargs):
            return fn(*args, **kwargs, out=Output.of(as_json, as_csv))

        command.__signature__ = sig.replace(parameters=own + flags)
        command.__annotations__ = {p.name: p.annotation for p in own + flags}
        return handles_errors(command)

    return decorate if fn is None else decorate(fn)


def area_of(con, text: str, quiet: bool):
    """An area as typed (code, CBSA, state or name), saying how a name was resolved unless `quiet`."""
    from upward.atlas.lookup import resolve_area

    area = resolve_area(con, text)
    say_note(area.note, quiet)
    return area


def occupation_of(con, text: str, quiet: bool):
    """An occupation as typed (SOC or O*NET-SOC code, or a title), saying how a title was resolved unless `quiet`."""
    from upward.atlas.lookup import resolve_occupation

    occ = resolve_occupation(con, text)
    say_note(occ.note, quiet)
    return occ


def atlas_and_area(db: Path | None, region: str, quiet: bool):
    """The atlas and the area a command is about, saying how a typed name was resolved (and, with
    `upward --release`, refusing an area the chosen release does not cover)."""
    con = connect_atlas(db)
    area = area_of(con, region, quiet)
    if _RELEASES:
        from upward.atlas.releases import require_area

        require_area(con, area.code)
    return con, area
