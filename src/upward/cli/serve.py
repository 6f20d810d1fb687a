"""`upward serve` (the REST API and the dashboard) and `upward runs` (outcome runs kept in the hub)."""

from __future__ import annotations

import ipaddress
import json
import os
from pathlib import Path
from typing import Annotated

import typer

from upward.cli import render
from upward.cli.common import DbOption, Output, ProfileOption, answers, app, connect_atlas, handles_errors
from upward.errors import UpwardError

HubOption = Annotated[Path | None, typer.Option("--hub", help="The hub database (default: user data dir, or $UPWARD_HUB).")]
_ENV = "UPWARD_SERVE_SETTINGS"  # how `--workers N` hands the settings to each worker process


def _settings_from_env():
    """The settings `upward serve` put in the environment (for worker processes), else the defaults."""
    from upward.web import Settings

    raw = os.environ.get(_ENV)
    if not raw:
        return Settings.from_env()
    data = json.loads(raw)
    for k in ("db", "hub", "profile"):
        data[k] = Path(data[k]) if data.get(k) else None
    data["cors_origins"] = tuple(data.get("cors_origins") or ())
    return Settings.from_env(**data)


def app_from_env():
    """The application factory uvicorn's worker processes call (`upward serve --workers N`)."""
    from upward.web import create_app

    return create_app(_settings_from_env())


def _url_host(host: str) -> str:
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    return f"[{host}]" if ip.version == 6 else host


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
@handles_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on (127.0.0.1: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    read_only: Annotated[bool, typer.Option("--read-only", help="Serve no write routes at all (no imports, ratings or outcome uploads).")] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes (each keeps its own caches).")] = 1,
    cors_origin: Annotated[list[str] | None, typer.Option("--cors-origin", help="Allow browser pages from this origin to call the API (repeatable; default: CORS off).")] = None,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", min=0.001, help="Largest upload accepted, in MB.")] = 20.0,
    hub: HubOption = None,
    profile: ProfileOption = None,
    db: DbOption = None,
):
    """Serve the REST API (/api/v1) and the dashboard. Writes need $UPWARD_API_TOKEN; --read-only serves none."""
    import uvicorn

    from upward import atlas, profiles
    from upward.web import Settings, create_app

    prof = profiles.load(profile)  # a bad profile fails here, not on the first request
    connect_atlas(db).close()  # builds the atlas on first use, with progress
    settings = Settings.from_env(
        db=db or atlas.default_path(), hub=hub, profile=profile, read_only=read_only,
        cors_origins=tuple(cors_origin) if cors_origin else None, max_upload_bytes=int(max_upload_mb * 1024 * 1024),
    )  # fmt: skip
    url = f"http://{_url_host(host)}:{port}/"
    typer.echo(f"Upward is serving at {url}  (API {url}api/v1, its documentation {url}api/v1/docs)")
    if settings.read_only:
        writes = "read-only: no write route is served"
    elif settings.token:
        writes = "writes (imports, ratings, outcome runs) need: Authorization: Bearer $UPWARD_API_TOKEN"
    else:
        writes = "writes are refused until UPWARD_API_TOKEN is set (or serve with --read-only)"
    render.err_console.print(
        f"[dim]Default region {settings.default_region}; profile {prof.name} ({prof.hash}); {writes}. Ctrl+C stops it.[/]", highlight=False
    )
    if not _is_loopback(host):
        render.err_console.print(f"[yellow]Listening on {host}: other machines can reach this server.[/]", highlight=False)
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info", server_header=False)
        return
    os.environ[_ENV] = json.dumps({
        "db": str(settings.db), "hub": str(settings.hub) if settings.hub else None, "profile": str(profile) if profile else None,
        "read_only": read_only, "cors_origins": list(settings.cors_origins), "max_upload_bytes": settings.max_upload_bytes,
    })  # fmt: skip
    uvicorn.run("upward.cli.serve:app_from_env", factory=True, host=host, port=port, workers=workers, log_level="info", server_header=False)


runs_app = typer.Typer(help="Outcome runs kept in the hub: only suppressed indicator records and what they were run on.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")


@runs_app.command("save")
@answers(csv=False)
def runs_save(
    records: Annotated[Path, typer.Argument(help="The records `upward outcomes … --format json --out FILE` wrote (FILE).")],
    run: Annotated[Path | None, typer.Option("--run", help="Its run record (default: the one `upward outcomes` wrote beside it, FILE.run.json for FILE.json).")] = None,
    who: Annotated[str | None, typer.Option("--who", help="Who saves it (default: your login name).")] = None,
    hub: HubOption = None,
    out: Output = Output(),
):
    """Keep an outcomes run in the hub, where the API and the dashboard read it (GET /api/v1/outcomes/runs)."""
    from upward import hub as hub_mod
    from upward.hub.runs import save_run
    from upward.outcomes import find_run_record, run_record_path

    run = run or find_run_record(records) or run_record_path(records)
    data = {}
    for key, path in (("records", records), ("run", run)):
        if not path.is_file():
            raise UpwardError(f"{path}: file not found.", hint="Write both with: upward outcomes … --format json --out outcomes.json (outcomes.json and outcomes.run.json).")
        try:
            data[key] = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise UpwardError(f"{path} is not JSON ({exc}).", hint="Give the JSON files `upward outcomes --format json --out FILE` wrote.") from exc
    saved = save_run(data, hub_mod.path(hub), who=who)
    out.emit(saved, show=lambda saved: render.console.print(
        f"Run {saved['run_id']} kept in {hub_mod.path(hub)}: {saved['records']} records, exits {saved['exit_from']}–{saved['exit_to']}"
        + (" (SYNTHETIC DATA)" if saved["synthetic"] else "") + ".",
        highlight=False,
    ))


@runs_app.command("list")
@answers(csv=False)
def runs_list(hub: HubOption = None, out: Output = Output()):
    """The outcome runs kept in the hub, oldest first."""
    from upward import hub as hub_mod
    from upward.hub.runs import list_runs

    path = hub_mod.path(hub)
    out.emit(list_runs(path), show=lambda rows: _print_runs(rows, path))


def _print_runs(rows: list[dict], path: Path) -> None:
    render.console.print(
        render.table(
            f"Outcome runs in {path}",
            ["id", "exits", "breakdowns", "cells", "published"],
            [[str(r["run_id"]) + ("*" if r["synthetic"] else ""), f"{r['exit_from']}–{r['exit_to']}",
              "; ".join(",".join(g) for g in r["groupings"] if g) or "overall", str(r["records"]), _published(r["published"])]
             for r in rows],
            {0, 3},
        )
    )
    render.console.print(("* synthetic data (upward synth). " if any(r["synthetic"] for r in rows) else "")
                         + "Who saved each run, when, its profile and inputs: --json.", highlight=False)


def _published(p: dict | None) -> str:
    if not p:
        return ""
    return f"PY{p['program_year']}" + (f" ±{p['rounding']}" if p["rounding"] > 1 else "")


@runs_app.command("publish")
@answers(csv=False)
def runs_publish(
    run_id: Annotated[int, typer.Argument(min=1, help="The run to publish (see `upward runs list`).")],
    round_to: Annotated[int, typer.Option("--round", min=1, max=100, help="Publish counts rounded to a multiple of this (1: exact; 5 or 10 are usual).")] = 1,
    who: Annotated[str | None, typer.Option("--who", help="Who publishes it (default: your login name).")] = None,
    hub: HubOption = None,
    out: Output = Output(),
):
    """Make a run readable by anyone (the API without the token, the dashboard), under the disclosure policy.

    Only one program year's exiters (exits YYYYQ3–(YYYY+1)Q2), one run per program year ever, suppressed at
    the shipped minimum cell or above, and nothing recoverable from its records (docs/security.md)."""
    from upward import hub as hub_mod
    from upward.hub.runs import publish

    done = publish(run_id, hub_mod.path(hub), rounding=round_to, who=who)
    out.emit(done, show=lambda done: render.console.print(
        f"Run {run_id} is published as program year {done['published']['program_year']}'s outcomes"
        + (f", counts rounded to a multiple of {round_to}" if round_to > 1 else "") + ".", highlight=False))


@runs_app.command("withdraw")
@answers(csv=False)
def runs_withdraw(
    run_id: Annotated[int, typer.Argument(min=1, help="The published run to withdraw.")],
    who: Annotated[str | None, typer.Option("--who", help="Who withdraws it (default: your login name).")] = None,
    hub: HubOption = None,
    out: Output = Output(),
):
    """Stop publishing a run. Its program year stays taken: readers may have kept it."""
    from upward import hub as hub_mod
    from upward.hub.runs import withdraw

    done = withdraw(run_id, hub_mod.path(hub), who=who)
    out.emit(done, show=lambda _: render.console.print(
        f"Run {run_id} is no longer published; no other run of its program year will be.", highlight=False))
