"""The API's own facts: what it serves, the server's profile, the atlas (CLI: profile show, atlas info)."""

from __future__ import annotations

from fastapi import APIRouter

from upward.web.api._shared import Context, ok

TAG = "About"


def router() -> APIRouter:
    r = APIRouter(prefix="/api/v1", tags=[TAG])  # its own prefix: the index is /api/v1 itself

    @r.get("", summary="What this API serves", responses=ok("index"),
           description="The API version, the atlas and its data releases, the server's profile (name and hash: every result records "
           "them), whether writes are possible, and where the OpenAPI document is.")
    def index(ctx: Context):
        from upward.atlas.provenance import releases

        s = ctx.settings
        writes = "off (read-only server)" if s.read_only else ("bearer token" if s.token else "off (no token configured)")

        def compute():
            return {
                "api": "upward", "version": 1, "openapi": "/api/v1/openapi.json", "docs": "/api/v1/docs",
                "atlas_fingerprint": ctx.request.app.state.atlas_fingerprint, "data": releases(ctx.cur),
                "profile": ctx.profile.record(), "default_region": s.default_region, "writes": writes,
            }  # fmt: skip

        return ctx.respond("index", {"writes": writes}, compute)

    @r.get("/profile", summary="The server's profile", responses=ok("profile"),
           description="The thresholds and weights every answer uses, merged over the shipped defaults, with the profile's name and hash "
           "(CLI: `upward profile show --json`). Every result records the profile name and hash it was computed with; "
           "this server uses one profile for every request.")
    def profile(ctx: Context):
        return ctx.respond("profile", {}, lambda: {"profile": ctx.profile.record(), "settings": ctx.profile.data})

    @r.get("/atlas", summary="The atlas and its data releases", responses=ok("atlas"),
           description="Which data releases the atlas holds (every held release of OEWS and the projections, with period, publication "
           "date, input files and their sha256, coverage and which is current) and how well O*NET covers OEWS employment "
           "(CLI: `upward atlas info --json`).")
    def atlas(ctx: Context):
        from upward.analysis.coverage import atlas_info

        return ctx.respond("atlas", {}, lambda: atlas_info(ctx.cur))

    return r
