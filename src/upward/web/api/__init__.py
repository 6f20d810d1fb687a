"""`/api/v1`: the REST API. Every route returns the JSON its CLI command prints.

One module per resource: `regions` (areas, job quality, Jobs That Mobilize, compare, skills),
`changes` (what changed between two data releases),
`occupations` (profile, similar, benchmarks and employer ratings), `pathways` (paths, next,
feeders), `programs` (inventory, alignment, gaps, bridges, imports), `outcomes` (runs), `titles`
(job titles → SOC) and `meta`
(the index, the profile, the atlas). Read routes are open; write routes (every POST) need the
operator's bearer token and are not registered at all on a read-only server. See docs/api.md.
"""

from __future__ import annotations

from fastapi import APIRouter

from upward.web.deps import Settings

PREFIX = "/api/v1"


def router(settings: Settings) -> APIRouter:
    from upward.web.api import changes, meta, occupations, outcomes, pathways, programs, regions, titles

    from fastapi.params import File
    from starlette.routing import compile_path

    r = APIRouter()
    r.include_router(meta.router())
    parts = [regions.router(), changes.router(), pathways.router(), programs.router(), occupations.router(), outcomes.router(), titles.router()]
    writes = [] if settings.read_only else [programs.write_router(), occupations.write_router(), outcomes.write_router()]
    parts += writes
    parts.append(regions.summary_router())  # /regions/{area} last: it matches any path below /regions
    for part in parts:
        r.include_router(part, prefix=PREFIX)
    #: The write routes' path patterns, and whether each takes files (then only multipart/form-data will do),
    #: for the guard that checks token, size and type before the body is read.
    r.write_patterns = [
        (compile_path(PREFIX + route.path)[0], any(isinstance(f.field_info, File) for f in route.dependant.body_params))
        for w in writes for route in w.routes
    ]  # fmt: skip
    return r
