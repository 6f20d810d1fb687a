"""Occupations: the profile, similar occupations, skill benchmarks and employer ratings
(CLI: occupation, similar, benchmark)."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response

from upward.web import deps
from upward.hub import data as hub_data
from upward.web.uploads import kept_upload
from upward.web.api._shared import (
    AREA_DESCRIPTION, SOC_DESCRIPTION, Ctx, context, json_response, ok, problems, require_token, safe_name, save_upload, suffix_of, upload_dir,
)  # fmt: skip

SocPath = Annotated[str, Path(description=SOC_DESCRIPTION, examples=["29-1141", "registered nurses"])]
TAG = "Occupations and skills"


def router() -> APIRouter:
    r = APIRouter(tags=[TAG])

    @r.get("/occupations/{soc:path}/similar", summary="Most similar occupations", responses=ok("similar", 400, 404, 409, 422),
           description="The nearest occupations by the weighted mean of seven facet cosines, with each facet (CLI: `upward similar SOC --json`).")
    def similar(
        ctx: Annotated[Ctx, Depends(context)],
        soc: SocPath,
        top: Annotated[int, Query(ge=1, le=1000, description="How many similar occupations.")] = 10,
    ):
        occ = ctx.soc(soc)

        def compute():
            from upward.analysis.similarity import similar_occupations

            ctx.warm_model()
            return similar_occupations(ctx.cur, occ.code, occ.name, ctx.profile, top)

        return ctx.respond("similar", {"soc": occ.code, "top": top}, compute)

    @r.get("/occupations/{soc:path}/benchmark/sheet", summary="Download the employer rating sheet",
           responses={200: {"description": "The rating sheet (CSV, or XLSX with an instructions sheet).",
                            "content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
                      **problems(400, 404, 409, 422)},
           description="The sheet employers fill to rate the occupation's benchmark in one region (CLI: `upward benchmark SOC --region AREA --export FILE`).")
    def benchmark_sheet(
        ctx: Annotated[Ctx, Depends(context)],
        soc: SocPath,
        region: Annotated[str, Query(description=AREA_DESCRIPTION + " Employers rate the benchmark for one region.", max_length=200, examples=["houston"])],
        hub: Annotated[FilePath | None, Depends(deps.hub_reading)],
        format: Annotated[Literal["csv", "xlsx"], Query(description="csv, or xlsx (with instructions and the elements that could be added).")] = "xlsx",
    ):
        from upward.hub import rating_sheet

        occ, area = ctx.soc(soc), ctx.area(region, "region")
        with upload_dir(ctx.request) as tmp:
            name = f"ratings-{occ.code}-{area.code}.{format}"
            rating_sheet.export(ctx.cur, area.code, occ.code, ctx.profile, path=tmp / name, hub_path=hub)
            data = (tmp / name).read_bytes()
        media = "text/csv; charset=utf-8" if format == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @r.get("/occupations/{soc:path}/benchmark", summary="Skill benchmark", responses=ok("benchmark", 400, 404, 409, 422),
           description="The occupation's essential skills with O*NET importance, level and level anchors in words; with a region, "
           "adjusted by that region's employer ratings (CLI: `upward benchmark SOC [--region AREA] --json`).")
    def benchmark(
        ctx: Annotated[Ctx, Depends(context)],
        soc: SocPath,
        hub: Annotated[FilePath | None, Depends(deps.hub_reading)],
        region: Annotated[str | None, Query(description=AREA_DESCRIPTION + " Omit for O*NET's benchmark alone.", max_length=200, examples=["houston"])] = None,
    ):
        from upward.analysis.skills import benchmark as build

        def compute():
            occ = ctx.soc(soc)
            area = ctx.area(region, "region") if region else None
            b = build(ctx.cur, area.code if area else None, occ.code, ctx.profile, hub_data(hub))
            return {"resolved": [n for n in (occ.note, area and area.note) if n], **b}

        return ctx.respond("benchmark", {"soc": soc, "region": region}, compute, hub=hub)

    @r.get("/occupations/{soc:path}", summary="Occupation profile", responses=ok("occupation", 404, 409, 422),
           description="Wages, employment, location quotient, projections, education, job zone, top skills, knowledge, abilities, "
           "work activities and technology, and its national benefits (NCS group-level estimates), hazard exposure (O*NET), women's "
           "share and pay ratio (CPS) and AI exposure (CLI: `upward occupation SOC --region AREA --json`).")
    def occupation(
        ctx: Annotated[Ctx, Depends(context)],
        soc: SocPath,
        region: Annotated[str, Query(description=AREA_DESCRIPTION + " Default: national.", max_length=200, examples=["houston"])] = "0000000",
        top: Annotated[int, Query(ge=1, le=50, description="How many skills and knowledge areas to list.")] = 10,
    ):
        from upward.analysis.occupations import occupation_profile

        def compute():
            occ = ctx.soc(soc)
            area = ctx.area(region, "region")
            p = occupation_profile(ctx.cur, area.code, occ.code, ctx.profile, top=top)
            return {"resolved": [n for n in (occ.note, area.note) if n], **p}

        return ctx.respond("occupation", {"soc": soc, "region": region, "top": top}, compute)

    return r


def write_router() -> APIRouter:
    r = APIRouter(tags=[TAG], dependencies=[Depends(require_token)])

    @r.post("/occupations/{soc:path}/benchmark/ratings", summary="Upload employer ratings (write)",
            responses=ok("ratings", 401, 403, 404, 409, 413, 415, 422, description="What the import did (or, with dry_run, would do).", status=201),
            status_code=201,
            description="Import a filled rating sheet: every row is checked first; a bad row rejects the whole sheet with its row and "
            "field (422). Good sheets are appended to the hub with who and when (CLI: `upward benchmark SOC --region AREA --import FILE`). "
            "Needs the bearer token.")
    def import_ratings(
        request: Request,
        ctx: Annotated[Ctx, Depends(context)],
        soc: SocPath,
        file: Annotated[UploadFile, File(description="The filled sheet: .csv (UTF-8) or .xlsx, as exported.")],
        region: Annotated[str | None, Query(description=AREA_DESCRIPTION + " When given, every rated row must be for this region.", max_length=200)] = None,
        dry_run: Annotated[bool, Form(description="Check the sheet and say what would change; write nothing.")] = False,
        who: Annotated[str | None, Form(description="Who imports it (recorded in the hub).", max_length=200)] = None,
    ):
        from upward.hub import rating_import

        occ = ctx.soc(soc)
        area = ctx.area(region, "region") if region else None
        suffix = suffix_of(file, (".csv", ".xlsx"), "a rating sheet")
        name = safe_name(file.filename, "ratings" + suffix)
        with upload_dir(request) as tmp:
            path = save_upload(request, file, tmp, name)
            if dry_run:
                with deps.hub_shared(request) as hub:  # reads the hub: held against concurrent writes
                    result = _conflict_if_duplicate(lambda: rating_import.import_ratings(
                        ctx.cur, path, ctx.profile, hub_path=hub, who=who or "api", dry_run=True, soc=occ.code, area_code=area.code if area else None))
                return json_response({**result.to_dict(), "file": file.filename}, status=200)
            with deps.hub_writing(request) as hub, kept_upload(path, hub, request) as kept:
                result = _conflict_if_duplicate(lambda: rating_import.import_ratings(
                    ctx.cur, kept, ctx.profile, hub_path=hub, who=who or "api", soc=occ.code, area_code=area.code if area else None))
        return json_response({**result.to_dict(), "file": file.filename}, status=201)

    return r


def _conflict_if_duplicate(fn):
    """Run an import: a byte-identical file already imported is a conflict (409: ConflictError says
    so by its type); any other refusal of the file (not CSV, no header, nothing rated…) is invalid
    input (422), like a bad row."""
    from upward.errors import UpwardError

    try:
        return fn()
    except UpwardError as exc:
        if type(exc) is UpwardError and not hasattr(exc, "status"):
            exc.status = 422
        raise
