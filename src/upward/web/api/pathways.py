"""Career pathways in a region: pathways from a job, likeliest next steps, feeders (CLI: paths, next, feeders)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from upward.hub import data as hub_data
from upward.web.api._shared import SOC_DESCRIPTION, Context, Hub, area_path, ok, soc_path

AreaPath = area_path("fresno", "0023420")
SocPath = soc_path("29-2034")
TAG = "Career pathways"


def router() -> APIRouter:
    r = APIRouter(tags=[TAG])

    @r.get("/regions/{area:path}/paths", summary="Career pathways from a job", responses=ok("paths", 400, 404, 409, 422),
           description="The best pathways from the job a person holds to the area's Jobs That Mobilize (or a named target): steps people "
           "take, with the years, credential, training and related experience each asks, pay before and after (median, 25th–75th "
           "percentile), how often CPS observes the move, skills to gain and the area's training. The JSON is the stable schema "
           "`upward.pathways/2` (docs/pathways.md §6; CLI: `upward paths --json`).")
    def paths(
        ctx: Context,
        area: AreaPath,
        from_: Annotated[str, Query(alias="from", description="The occupation the person holds. " + SOC_DESCRIPTION, max_length=200, examples=["31-1131"])],
        hub: Hub,
        to: Annotated[str | None, Query(description="A named target (default: the area's Jobs That Mobilize). " + SOC_DESCRIPTION, max_length=200, examples=["29-1141"])] = None,
        max_steps: Annotated[int | None, Query(ge=1, le=6, description="At most this many steps (default: the profile's, 3).")] = None,
        top: Annotated[int | None, Query(ge=1, le=50, description="How many pathways (default: the profile's, 5).")] = None,
        rank: Annotated[Literal["balanced", "fastest", "gain", "common"] | None, Query(description="Ranking (default: the profile's, balanced).")] = None,
    ):
        from upward.analysis.pathways import pathways

        a, origin = ctx.area(area), ctx.soc(from_, "from")
        target = ctx.soc(to, "to") if to is not None else None
        params = {"area": a.code, "from": origin.code, "to": target and target.code, "max_steps": max_steps, "top": top, "rank": rank}
        return ctx.respond("paths", params, lambda: pathways(ctx.cur, a.code, origin.code, ctx.profile, target.code if target else None, max_steps,
                                                             top, hub_data(hub), rank=rank), hub=hub, warm="region")

    @r.get("/regions/{area:path}/next", summary="Likeliest next jobs", responses=ok("next", 400, 404, 409, 422),
           description="The likeliest next jobs from an occupation in the area among the steps the pathway rules allow, by the transition "
           "model checked on observed CPS moves, each with what it asks and how often CPS sees it (CLI: `upward next SOC --region AREA --json`).")
    def next_(
        ctx: Context,
        area: AreaPath,
        from_: Annotated[str, Query(alias="from", description="The occupation the person holds. " + SOC_DESCRIPTION, max_length=200, examples=["41-2011"])],
        top: Annotated[int, Query(ge=1, le=1000, description="How many next steps.")] = 10,
    ):
        from upward.analysis.pathways import next_steps

        a, occ = ctx.area(area), ctx.soc(from_, "from")
        return ctx.respond("next", {"area": a.code, "from": occ.code, "top": top}, lambda: next_steps(ctx.cur, a.code, occ.code, ctx.profile, top), warm="region")

    @r.get("/regions/{area:path}/feeders/{soc:path}", summary="Who can reach a job (untapped talent)", responses=ok("feeders", 400, 404, 409, 422),
           description="The area's workers in occupations one or two allowed steps from the occupation, under the same step rules as pathways "
           "(CLI: `upward feeders SOC --region AREA --json`).")
    def feeders(
        ctx: Context,
        area: AreaPath,
        soc: SocPath,
        top: Annotated[int, Query(ge=1, le=1000, description="How many feeder occupations.")] = 25,
    ):
        from upward.analysis.pathways import feeders as feeders_of

        a, occ = ctx.area(area), ctx.soc(soc)
        return ctx.respond("feeders", {"area": a.code, "soc": occ.code, "top": top}, lambda: feeders_of(ctx.cur, a.code, occ.code, ctx.profile, top),
                           warm="region")

    return r
