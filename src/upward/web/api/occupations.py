"""Occupations: the profile, similar occupations, skill benchmarks and employer ratings
(CLI: occupation, similar, benchmark)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from upward.atlas.lookup import notes
from upward.hub import data as hub_data
from upward.web.api._shared import (
    AREA_DESCRIPTION, Context, Hub, imported, ok, problems, require_token, safe_name, soc_path, suffix_of, upload_dir,
)  # fmt: skip

SocPath = soc_path("29-1141", "registered nurses")
TAG = "Occupations and skills"


def router() -> APIRouter:
    r = APIRouter(tags=[TAG])

    @r.get("/occupations/{soc:path}/similar", summary="Most similar occupations", responses=ok("similar", 400, 404, 409, 422),
           description="The nearest occupations by the weighted mean of seven facet cosines, with each facet (CLI: `upward similar SOC --json`).")
    def similar(
        ctx: Context,
        soc: SocPath,
        top: Annotated[int, Query(ge=1, le=1000, description="How many similar occupations.")] = 10,
    ):
        from upward.analysis.similarity import similar_occupations

        occ = ctx.soc(soc)
        return ctx.respond("similar", {"soc": occ.code, "top": top}, lambda: similar_occupations(ctx.cur, occ.code, occ.name, ctx.profile, top), warm="model")

    @r.get("/occupations/{soc:path}/benchmark/sheet", summary="Download the employer rating sheet",
           responses={200: {"description": "The rating sheet (CSV, or XLSX with an instructions sheet).",
                            "content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
                      **problems(400, 404, 409, 422)},
           description="The sheet employers fill to rate the occupation's benchmark in one region (CLI: `upward benchmark SOC --region AREA --export FILE`).")
    def benchmark_sheet(
        ctx: Context,
        soc: SocPath,
        region: Annotated[str, Query(description=AREA_DESCRIPTION + " Employers rate the benchmark for one region.", max_length=200, examples=["houston"])],
        hub: Hub,
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
        ctx: Context,
        soc: SocPath,
        hub: Hub,
        region: Annotated[str | None, Query(description=AREA_DESCRIPTION + " Omit for O*NET's benchmark alone.", max_length=200, examples=["houston"])] = None,
    ):
        from upward.analysis.skills import benchmark as build

        occ = ctx.soc(soc)  # the answer says how the texts were resolved: it is keyed by them
        area = ctx.area(region, "region") if region else None
        return ctx.respond("benchmark", {"soc": soc, "region": region},
                           lambda: {"resolved": notes(occ, area), **build(ctx.cur, area and area.code, occ.code, ctx.profile, hub_data(hub))}, hub=hub)

    @r.get("/occupations/{soc:path}", summary="Occupation profile", responses=ok("occupation", 404, 409, 422),
           description="Wages, employment, location quotient, projections, education, job zone, top skills, knowledge, abilities, "
           "work activities and technology, and its national benefits (NCS group-level estimates), hazard exposure (O*NET), women's "
           "share and pay ratio (CPS) and AI exposure (CLI: `upward occupation SOC --region AREA --json`).")
    def occupation(
        ctx: Context,
        soc: SocPath,
        region: Annotated[str, Query(description=AREA_DESCRIPTION + " Default: national.", max_length=200, examples=["houston"])] = "0000000",
        top: Annotated[int, Query(ge=1, le=50, description="How many skills and knowledge areas to list.")] = 10,
    ):
        from upward.analysis.occupations import occupation_profile

        occ, area = ctx.soc(soc), ctx.area(region, "region")  # the answer says how the texts were resolved: it is keyed by them
        return ctx.respond("occupation", {"soc": soc, "region": region, "top": top},
                           lambda: {"resolved": notes(occ, area), **occupation_profile(ctx.cur, area.code, occ.code, ctx.profile, top=top)})

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
        ctx: Context,
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
        return imported(request, file, safe_name(file.filename, "ratings" + suffix), dry_run, lambda hub, path, dry_run: rating_import.import_ratings(
            ctx.cur, path, ctx.profile, hub_path=hub, who=who or "api", dry_run=dry_run, soc=occ.code, area_code=area.code if area else None))

    return r
