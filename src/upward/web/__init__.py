"""The hub on the web: a versioned REST API (`/api/v1`) and server-rendered dashboard pages.

Thin by design: every route parses its input, calls the same analysis function the CLI calls,
and returns that function's JSON (the API) or renders it (the pages). `create_app` wires the two
routers, the problem-details error handlers and the settings; `upward serve` runs it.
"""

from __future__ import annotations

from upward.web.deps import Settings

__all__ = ["Settings", "create_app"]


def create_app(settings: Settings | None = None):
    """The FastAPI application for these settings (atlas, hub, profile, read-only, token)."""
    from fastapi import FastAPI

    from upward.web import api, pages, problems
    from upward.web.deps import open_atlas

    settings = settings or Settings.from_env()
    app = FastAPI(
        title="Upward",
        version="1",
        description="Regional workforce pathways: quality jobs, career pathways, training and outcomes, on real public data.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.atlas = open_atlas(settings)
    problems.install(app)
    app.include_router(api.router(settings))
    app.include_router(pages.router(settings))
    return app
