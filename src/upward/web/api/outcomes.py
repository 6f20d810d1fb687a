"""Outcome runs: the suppressed indicators of runs kept in the hub, and new runs from uploaded files
(CLI: `upward outcomes`; runs are kept by `upward runs save` or by POST here)."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile

from upward.errors import UpwardError
from upward.outcomes.indicators import NAMES
from upward.outcomes.schema import DIMENSIONS
from upward.web import deps
from upward.web.http import enum_in
from upward.web.api._shared import (
    Context, Ctx, Hub, holds_token, json_response, ok, require_token, safe_name, save_upload, suffix_of, upload_dir,
)  # fmt: skip

TAG = "Outcomes"
Indicator = Literal[NAMES]  # type: ignore[valid-type]
BY_DESCRIPTION = (
    "Only one breakdown's records: 'overall' for the overall rows, or one or two dimensions separated by a comma "
    f"({', '.join(DIMENSIONS)}), e.g. sex or sex,age_group. Omit for every record."
)
QUARTER = r"^\d{4}Q[1-4]$"
_PAIRS = [f"{a},{b}" for a in DIMENSIONS for b in DIMENSIONS if a != b]
#: What `by` accepts, declared in the OpenAPI document (reading a run; computing one).
BY_READ = ["overall", *DIMENSIONS, *_PAIRS]
BY_RUN = ["all", *DIMENSIONS, *_PAIRS]


def router() -> APIRouter:
    r = APIRouter(tags=[TAG])

    @r.get("/outcomes/indicators", summary="The outcome indicators and the frameworks they answer",
           responses=ok("outcome_indicators", description="Every indicator `upward outcomes` computes, with its rule and, for each "
                        "framework indicator it answers (WIOA, E-W, CLASP AQCP), the published wording and how Upward measures it."),
           description="The catalog behind docs/outcomes.md: name, kind (rate or median), population, rule, the horizon in years for "
           "the per-horizon indicators, the optional input field it needs, and the framework references.")
    def indicators(ctx: Context):
        from upward.outcomes.indicators import catalog

        return ctx.respond("outcome_indicators", {}, catalog)

    @r.get("/outcomes/runs", summary="Outcome runs kept in the hub", responses=ok("runs", description="Every run, oldest first, without its records."),
           description="With the bearer token: every stored run's metadata (who saved it and when, engine, exit window, breakdowns, "
           "minimum cell, profile, the inputs' sha256 digest, whether the data were synthetic, whether it is published). Without it: "
           "only the runs the operator published (one per program year, docs/security.md). Never a participant identifier.")
    def runs(ctx: Context, hub: Hub):
        from upward.hub.runs import list_runs

        public = not holds_token(ctx.request)
        return ctx.respond("runs", {"public": public}, lambda: list_runs(hub, public=public) if hub else [], hub=hub)

    @r.get("/outcomes/runs/{run_id}", summary="One outcome run's indicators", responses=ok("run", 400, 404, 422),
           description="The run's metadata and its records — `{indicator, group, numerator, denominator, value, suppressed}`, small "
           "cells already suppressed by the engine (numbers null) — all, or one breakdown (`by`) or one indicator. A stored run is "
           "read with the bearer token; without it only a published run, as published (404 otherwise).")
    def run(
        ctx: Context,
        run_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="The run's id (see GET /api/v1/outcomes/runs).")],
        hub: Hub,
        by: Annotated[str | None, Query(description=BY_DESCRIPTION, max_length=80, examples=["sex"], json_schema_extra=lambda s: enum_in(s, BY_READ))] = None,
        indicator: Annotated[Indicator | None, Query(description="Only this indicator's records.")] = None,
    ):
        from upward.errors import NotFoundError
        from upward.hub.runs import get_run, parse_by

        public = not holds_token(ctx.request)

        def compute():
            parse_by(by)  # a bad `by` is a bad request even when the run does not exist
            if hub is None:
                raise NotFoundError(f"There is no outcome run {run_id}: the hub has no runs yet.", hint="Save one with POST /api/v1/outcomes/runs or `upward runs save`.")
            return get_run(run_id, hub, by=by, indicator=indicator, public=public)

        return ctx.respond("run", {"run_id": run_id, "by": by, "indicator": indicator, "public": public}, compute, hub=hub)

    return r


def write_router() -> APIRouter:
    r = APIRouter(tags=[TAG], dependencies=[Depends(require_token)])

    @r.post("/outcomes/runs", summary="Run the outcomes engine on uploaded files (write)", status_code=201,
            responses=ok("run", 400, 401, 403, 413, 415, 422, status=201, description="The saved run, as GET /outcomes/runs/{id} returns it."),
            description="Upload participant and UI wage records (CSV or Parquet) with the exit window; the outcomes engine runs them "
            "on DuckDB (`upward.outcomes.run.run`, as `upward outcomes` does), suppresses small cells, and the hub keeps only the "
            "suppressed records and the run's metadata. The uploaded files are deleted when the request ends. Identifiers are "
            "hashed with the server's UPWARD_HASH_KEY; files written by `upward synth` (upload their SYNTHETIC.json as `manifest`) "
            "use the documented synthetic key and are labelled synthetic. Bad rows: 422 with file, row and field. Needs the bearer token.")
    def create_run(
        request: Request,
        ctx: Context,
        participants: Annotated[UploadFile, File(description="Participants: one .csv or .parquet file (docs/outcomes.md).")],
        wages: Annotated[list[UploadFile], File(description="UI wage records: one or more .csv or .parquet files (parts of one file).")],
        exit_from: Annotated[str, Form(pattern=QUARTER, description="First exit quarter of the cohort, YYYYQn.", examples=["2022Q1"])],
        exit_to: Annotated[str, Form(pattern=QUARTER, description="Last exit quarter of the cohort, YYYYQn.", examples=["2022Q4"])],
        program_year: Annotated[int | None, Form(ge=1990, le=2100, description="Program year (July–June) for measurable skill gains.")] = None,
        by: Annotated[str | None, Form(max_length=200, description="Breakdowns to compute: one or two of " + ", ".join(DIMENSIONS) + " (e.g. sex,age_group), or 'all'.",
                                       json_schema_extra=lambda s: enum_in(s, BY_RUN))] = None,
        mobility_threshold: Annotated[float | None, Form(gt=0, description="Annual earnings marking the state's 4th quintile (E-W economic mobility), instead of the wage file's percentile.")] = None,
        manifest: Annotated[UploadFile | None, File(description="The SYNTHETIC.json manifest `upward synth` wrote beside the files, for synthetic data.")] = None,
        mapping: Annotated[UploadFile | None, File(description="A .toml or .csv file naming your columns (docs/outcomes.md).")] = None,
        who: Annotated[str | None, Form(max_length=200, description="Who runs it (recorded in the hub).")] = None,
    ):
        from upward.hub.runs import get_run, save_run
        from upward.outcomes.run import run

        if not wages:
            raise deps.UnsupportedUpload("No wage file was uploaded.", hint="Send one or more files in the 'wages' field.")
        suffix_of(participants, (".csv", ".parquet"), "participant records")
        kinds = {suffix_of(w, (".csv", ".parquet"), "wage records") for w in wages}
        if len(kinds) > 1:
            raise deps.UnsupportedUpload("The wage files mix CSV and Parquet.", hint="Upload all CSV or all Parquet parts.")
        with upload_dir(request) as tmp:
            p = save_upload(request, participants, tmp, safe_name(participants.filename, "participants" + FilePath(participants.filename or "").suffix))
            names = set()
            for k, w in enumerate(wages):
                name = safe_name(w.filename, f"part-{k:05d}{next(iter(kinds))}")
                if name in names or name == p.name:
                    name = f"{k:05d}-{name}"
                names.add(name)
                save_upload(request, w, tmp / "wages", name)
            if manifest is not None:
                suffix_of(manifest, (".json",), "a synthetic-data manifest")
                _check_synthetic(ctx, save_upload(request, manifest, tmp, "SYNTHETIC.json"), [p, *sorted((tmp / "wages").iterdir())])
            mapping_path = None
            if mapping is not None:
                m_suffix = suffix_of(mapping, (".toml", ".csv"), "a column mapping")
                mapping_path = save_upload(request, mapping, tmp / "mapping", "mapping" + m_suffix)
            ctx.warm_model()
            result = run(p, tmp / "wages", exit_from, exit_to, atlas_con=ctx.cur, program_year=program_year, by=by, profile=ctx.profile,
                         engine="duckdb", mapping=mapping_path, mobility_threshold=mobility_threshold, threads=1)
        with deps.hub_writing(request) as hub:
            saved = save_run(result, hub, who=who or "api")
            body = get_run(saved["run_id"], hub)
        return json_response(body, status=201, headers={"Location": f"/api/v1/outcomes/runs/{saved['run_id']}"})

    @r.post("/outcomes/runs/{run_id}/publish", summary="Publish a run (write)",
            responses=ok("runs", 400, 401, 403, 404, description="The run's summary, with its publication."),
            description="Make a stored run readable without the token, under the disclosure policy (docs/security.md): only a run of "
            "one program year's exiters (YYYYQ3–(YYYY+1)Q2), one run per program year ever, suppressed at the shipped minimum cell or "
            "above, and nothing recoverable from its records; optionally with counts rounded. Refusals say why (400). "
            "CLI: `upward runs publish ID`. Needs the bearer token.")
    def publish(
        request: Request,
        run_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="The run's id.")],
        rounding: Annotated[int, Form(ge=1, le=100, description="Publish counts rounded to a multiple of this (1: exact; 5 or 10 are usual).")] = 1,
        who: Annotated[str | None, Form(max_length=200, description="Who publishes it (recorded in the hub).")] = None,
    ):
        from upward.hub.runs import publish as publish_run

        with deps.hub_writing(request) as hub:
            return json_response(publish_run(run_id, hub, rounding=rounding, who=who or "api"))

    @r.post("/outcomes/runs/{run_id}/withdraw", summary="Withdraw a published run (write)",
            responses=ok("runs", 401, 403, 404, description="The run's summary."),
            description="Stop publishing a run. Its program year stays taken: readers may have kept it, so another run of that cohort "
            "is never published (CLI: `upward runs withdraw ID`). Needs the bearer token.")
    def withdraw(
        request: Request,
        run_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="The run's id.")],
        who: Annotated[str | None, Form(max_length=200, description="Who withdraws it (recorded in the hub).")] = None,
    ):
        from upward.hub.runs import withdraw as withdraw_run

        with deps.hub_writing(request) as hub:
            return json_response(withdraw_run(run_id, hub, who=who or "api"))

    return r


class SyntheticClaimError(UpwardError):
    """An uploaded SYNTHETIC.json that does not describe the uploaded files (422)."""

    status = 422


def _check_synthetic(ctx: Ctx, manifest: FilePath, files: list[FilePath]) -> None:
    """Uploaded files count as synthetic (hashed with the public key) only if this server's `upward synth`,
    run with the manifest's parameters, writes exactly those bytes: never on the uploader's word alone."""
    import json

    from upward.outcomes.synth import reproduces

    folder = manifest.parent
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SyntheticClaimError(f"SYNTHETIC.json is not JSON ({exc.__class__.__name__}).",
                                  hint="Upload the manifest `upward synth` wrote, unchanged.") from None
    named = {f.relative_to(folder).as_posix(): f for f in files}
    why = reproduces(ctx.cur, data, named, folder / "synth-check") if isinstance(data, dict) else "it is not a JSON object"
    if why:
        raise SyntheticClaimError(
            f"The uploaded SYNTHETIC.json does not describe the uploaded files: {why}. They are not treated as synthetic.",
            hint="Upload the files `upward synth` wrote, unchanged and under their names, with their SYNTHETIC.json; or upload "
            "real records without a manifest (the server then hashes identifiers with its UPWARD_HASH_KEY).",
        )
