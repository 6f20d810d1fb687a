"""What changed between two releases in an area, and the releases the atlas holds (CLI: upward changes, atlas info)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from upward.web.api._shared import Context, area_path, ok

TAG = "Regions and job quality"
AreaPath = area_path("national", "0000000")


def router() -> APIRouter:
    r = APIRouter(tags=[TAG])

    @r.get("/regions/{area:path}/changes", summary="What changed between two releases", responses=ok("changes", 400, 404, 409, 422),
           description="Per occupation, each release's employment and wages (or, with `source=projections`, national projections) "
           "with absolute and percentage change; and for the area, the occupations that became or stopped being quality jobs and "
           "Jobs That Mobilize, and the pathway steps into JTMs that opened or closed (CLI: `upward changes --json`). Releases are "
           "named by year (`from=2024&to=2025`); by default the newest held release before the current one that covers the area, "
           "and the current one. An area a release does not cover gets a 400 naming the BLS files to load.")
    def changes(
        ctx: Context,
        area: AreaPath,
        from_: Annotated[str | None, Query(alias="from", max_length=20, description="The earlier release: 2024, or 2022 / 2022-32 for projections.", examples=["2024"])] = None,
        to: Annotated[str | None, Query(max_length=20, description="The later release (default: the current one).", examples=["2025"])] = None,
        source: Annotated[Literal["oews", "projections"], Query(description="oews (by area) or projections (national).")] = "oews",
        top: Annotated[int, Query(ge=1, le=200, description="How many occupations each list (became/stopped, steps) shows.")] = 10,
    ):
        from upward.analysis.changes import changes as compute
        from upward.atlas.releases import source_of

        a = ctx.area(area)
        return ctx.respond("changes", {"area": a.code, "from": from_, "to": to, "source": source, "top": top},
                           lambda: {"resolved": a.note, **compute(ctx.cur, a.code, ctx.profile, from_, to, source_of(source), top)}, warm="model")

    return r
