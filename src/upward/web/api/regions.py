"""Areas: the list, one area's summary and job quality, the system indicators, Jobs That Mobilize,
comparisons, the skill landscape, the region's people and job quality by group (CLI: regions, region, quality,
indicators, jobs, compare, skills, people, dimensions)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from upward.hub import data as hub_data
from upward.limits import COMPARE_AREAS
from upward.profiles import HOUSEHOLDS
from upward.web.api._shared import Context, Hub, area_path, ok, soc_path
from upward.web.http import enum_in

AreaType = Literal["national", "state", "metro", "nonmetro"]
Lens = Literal["jtm", "good-promising", "opportunity"]
By = Literal["major-group", "industry"]
AreaPath = area_path("houston", "0026420")
SocPath = soc_path("49-9041", "registered nurses")

TAG = "Regions and job quality"


def router() -> APIRouter:
    r = APIRouter(tags=[TAG])

    @r.get("/regions", summary="List areas", responses=ok("regions", 400, 422),
           description="National, state, metro and nonmetropolitan areas with their employment and price parity (CLI: `upward regions --json`).")
    def regions(
        ctx: Context,
        search: Annotated[str | None, Query(description="Text in the area name (case-insensitive).", max_length=200, examples=["springfield"])] = None,
        state: Annotated[str | None, Query(description="State abbreviation or name, e.g. TX or Texas (any case; the values the atlas "
                                           "knows are declared when the server starts).", max_length=60, examples=["TX"])] = None,
        type: Annotated[AreaType | None, Query(description="Only areas of this type.")] = None,
    ):
        from upward.analysis.regions import list_areas

        return ctx.respond("regions", {"search": search, "state": state, "type": type}, lambda: list_areas(ctx.cur, search, state, type))

    @r.get("/indicators", summary="System indicators of every area", responses=ok("indicators", 422),
           description="Living-wage access and opportunity-occupation shares of every area, or of one type "
           "(CLI: `upward indicators --json`). Computing every area takes seconds the first time; answers are then cached.")
    def indicators(
        ctx: Context,
        type: Annotated[AreaType | None, Query(description="Only areas of this type (metro: every metro area).")] = None,
    ):
        from upward.analysis.quality import of_type, system_indicators

        def every_area():  # pay rows and counts only: no similarity matrix or pathway model is needed
            return system_indicators(ctx.cur, ctx.profile)

        if type is None:
            return ctx.respond("indicators", {"type": None}, every_area)
        # every area's answer (computed once) narrowed to the type, as system_indicators(type) narrows it
        return ctx.respond("indicators", {"type": type}, lambda: of_type(ctx.answer("indicators", {"type": None}, every_area), type))

    @r.get("/compare", summary="Compare areas side by side", responses=ok("compare", 400, 404, 409, 422),
           description="System indicators and top Jobs That Mobilize of two or more areas, wages adjusted for the cost of living "
           "(CLI: `upward compare A B … --json`). Repeat `areas` (`?areas=houston&areas=dallas`); a value with commas that is not "
           "itself an area name is split at the commas (`?areas=houston,dallas,TX`).")
    def compare(
        ctx: Context,
        areas: Annotated[list[str], Query(description="Two or more areas (repeat the parameter).", min_length=1, max_length=COMPARE_AREAS, examples=[["houston", "dallas", "TX"]])],
        top: Annotated[int, Query(ge=1, le=100, description="How many Jobs That Mobilize per area.")] = 5,
    ):
        from upward.analysis.compare import compare_areas
        from upward.errors import NotFoundError, UpwardError

        codes = []
        for text in areas:
            try:
                codes.append(ctx.area(text, "areas").code)
            except NotFoundError:
                parts = [p for p in text.split(",") if p.strip()]
                if len(parts) < 2:
                    raise
                codes += [ctx.area(p, "areas").code for p in parts]
        if len(codes) < 2:
            raise UpwardError("compare needs two or more areas.", hint="e.g. /api/v1/compare?areas=houston&areas=dallas&areas=TX")
        return ctx.respond("compare", {"areas": codes, "top": top}, lambda: compare_areas(ctx.cur, codes, ctx.profile, top), warm="model")

    @r.get("/regions/{area:path}/quality", summary="Job quality in an area", responses=ok("quality", 404, 409, 422),
           description="Employment by quality tier, the system indicators and the biggest low-quality occupations (CLI: `upward quality --json`).")
    def quality(
        ctx: Context,
        area: AreaPath,
        top: Annotated[int, Query(ge=1, le=200, description="How many low-quality occupations to list.")] = 10,
    ):
        from upward.analysis.quality import quality_report

        a = ctx.area(area)
        return ctx.respond("quality", {"area": a.code, "top": top}, lambda: quality_report(ctx.cur, a.code, ctx.profile, top), warm="model")

    @r.get("/regions/{area:path}/jobs/{soc:path}/explain", summary="Explain one occupation's score", responses=ok("explain", 404, 409, 422),
           description="Every measure behind an occupation's pillars in the area: value, percentile, weight, direction and source, "
           "and whether it is a Job That Mobilizes (CLI: `upward jobs --region AREA --explain SOC --json`).")
    def explain(ctx: Context, area: AreaPath, soc: SocPath):
        from upward.analysis import mobilize

        a, o = ctx.area(area), ctx.soc(soc)
        return ctx.respond("explain", {"area": a.code, "soc": o.code}, lambda: mobilize.explain(ctx.cur, a.code, o.code, ctx.profile), warm="model")

    @r.get("/regions/{area:path}/jobs", summary="Jobs That Mobilize (or another lens)", responses=ok("jobs", 404, 409, 422),
           description="The area's occupations ranked through a lens, with pillar scores and key raw values (CLI: `upward jobs --json`). "
           "The result records the profile (name and hash) and the data releases it used.")
    def jobs(
        ctx: Context,
        area: AreaPath,
        lens: Annotated[Lens, Query(description="jtm (Jobs That Mobilize), good-promising or opportunity.")] = "jtm",
        top: Annotated[int, Query(ge=1, le=1000, description="How many to list.")] = 25,
        show_all: Annotated[bool, Query(alias="all", description="Every scored occupation, not only those the lens selects.")] = False,
    ):
        from upward.analysis import mobilize

        a = ctx.area(area)
        return ctx.respond("jobs", {"area": a.code, "lens": lens, "top": None if show_all else top, "all": show_all},
                           lambda: mobilize.jobs(ctx.cur, a.code, ctx.profile, lens, top, show_all), warm="model")

    @r.get("/regions/{area:path}/people", summary="Who lives in the region and what they need", responses=ok("people", 404, 409, 422),
           description="ACS 2018–22 counts with 90% margins of error (CDC/ATSDR SVI 2022, summed over the area's counties), shares "
           "beside the state's and the nation's, the unmet need each signals and the programs in the area that say they answer it "
           "(CLI: `upward people --region AREA --json`). Puerto Rico and the territories are not in SVI: `available` is false.")
    def people(ctx: Context, area: AreaPath, hub: Hub):
        from upward.analysis.people import people as build

        a = ctx.area(area)
        return ctx.respond("people", {"area": a.code}, lambda: build(ctx.cur, a.code, hub_data(hub)), hub=hub)

    @r.get("/regions/{area:path}/dimensions", summary="Job quality by occupation group or industry", responses=ok("dimensions", 404, 409, 422),
           description="For each SOC major group (or NAICS sector, through OEWS national staffing patterns): employment, median pay "
           "against the living wage, benefits access (NCS group-level estimates), O*NET hazard exposure, women's ÷ men's median "
           "earnings, AI exposure and the share in quality jobs (CLI: `upward dimensions --region AREA --by … --json`).")
    def dimensions(
        ctx: Context,
        area: AreaPath,
        by: Annotated[By, Query(description="major-group (SOC major groups) or industry (NAICS sectors).")] = "major-group",
    ):
        from upward.analysis.dimensions import by_group

        a = ctx.area(area)
        return ctx.respond("dimensions", {"area": a.code, "by": by}, lambda: by_group(ctx.cur, a.code, ctx.profile, by), warm="model")

    @r.get("/regions/{area:path}/skills", summary="Skill landscape and gaps", responses=ok("skills", 404, 409, 422),
           description="Supply of each O*NET skill and knowledge area (employment-weighted) against the demand of the area's Jobs "
           "That Mobilize (openings-weighted), biggest gaps first (CLI: `upward skills --json`).")
    def skills(ctx: Context, area: AreaPath):
        from upward.analysis.skills import landscape

        a = ctx.area(area)  # the answer says how the text was resolved: it is keyed by the text
        return ctx.respond("skills", {"area": area}, lambda: {"resolved": a.note, **landscape(ctx.cur, a.code, ctx.profile)}, warm="model")

    return r


def summary_router() -> APIRouter:
    """`/regions/{area}` matches any path below /regions, so it is registered after every other route there."""
    r = APIRouter(tags=[TAG])

    @r.get("/regions/{area:path}", summary="Summarise an area", responses=ok("region", 400, 404, 409, 422),
           description="Jobs, wages, price parity, the living wage (the server profile's household unless `household` is given; "
           "MIT's figure brought to the wage year with CPI-U, with the factor, the index and MIT's own figure), and the largest "
           "and most concentrated occupations (CLI: `upward region AREA --json`).")
    def region(
        ctx: Context,
        area: AreaPath,
        household: Annotated[str | None, Query(description="MIT living-wage household type, e.g. 1A0C, 1A2C, 2A2W2C, any case (default: the server profile's).",
                                               max_length=10, examples=["1A2C"], json_schema_extra=lambda s: enum_in(s, list(HOUSEHOLDS)))] = None,
        top: Annotated[int, Query(ge=1, le=100, description="How many occupations to list.")] = 10,
    ):
        from upward.analysis.regions import region_summary

        a = ctx.area(area)  # the answer says how the text was resolved: it is keyed by the text
        return ctx.respond("region", {"area": area, "household": household or ctx.profile.household, "top": top},
                           lambda: {"resolved": a.note, **region_summary(ctx.cur, a.code, ctx.profile, household, top)})

    return r
