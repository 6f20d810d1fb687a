"""The hub on the web: a versioned REST API (`/api/v1`) and server-rendered dashboard pages.

Thin by design: every route parses its input, calls the same analysis function the CLI calls,
and returns that function's JSON (the API) or renders it (the pages). `create_app` wires the two
routers, the problem-details error handlers and the settings; `upward serve` runs it.
"""

from __future__ import annotations

import re

from upward.web.deps import Settings

__all__ = ["Settings", "create_app"]


def create_app(settings: Settings | None = None):
    """The FastAPI application for these settings (atlas, hub, profile, read-only, token)."""
    from fastapi import FastAPI

    from upward.web import api, deps, pages, problems
    from upward.web.api._shared import FrontCache, ResponseCache
    from upward.atlas.provenance import atlas_id
    from upward.cache import Cache
    from upward.web.deps import open_atlas

    settings = settings or Settings.from_env()
    app = FastAPI(
        title="Upward",
        version="1",
        description=_DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served below from the vendored Swagger UI, never a CDN
        redoc_url=None,
    )
    app.add_api_route("/api/v1/docs", api_docs, methods=["GET"], include_in_schema=False)
    app.state.settings = settings
    app.state.atlas = open_atlas(settings)
    app.state.atlas_fingerprint = atlas_id(app.state.atlas)
    app.state.response_cache = ResponseCache(settings.response_cache)
    app.state.resolved = Cache("resolved names", entries=4096, megabytes=8)  # what each typed area or occupation resolved to
    app.state.hub_lock, app.state.hub_generation = deps.SharedExclusiveLock(), 0
    app.state.compute = deps.ComputeSlots(settings.compute_threads)
    if not settings.read_only:
        from upward.web import uploads

        uploads.keep_in_memory(settings)
        uploads.clean_at_start(settings)  # what a killed server left beside the hub
    problems.install(app)
    api_router = api.router(settings)
    app.include_router(api_router)
    app.include_router(pages.router(settings))
    if settings.response_cache > 0:
        app.add_middleware(FrontCache, state=app.state)
    writes = getattr(api_router, "write_patterns", [])
    if writes:
        app.add_middleware(WriteGuard, patterns=writes, settings=settings)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "If-None-Match"], expose_headers=["ETag", "Location"],
        )  # fmt: skip
    from upward.web.http import HttpBasics, declare_enum

    declare_enum(app, "/api/v1/regions", "get", "state", _states(app.state.atlas))

    app.add_middleware(HttpBasics, router=app.router, cors=bool(settings.cors_origins))  # outermost: limits before anything else
    return app


def api_docs():
    """The browsable API docs: Swagger UI from `static/vendor/swagger-ui/` (vendored from npm by
    scripts/vendor_js.sh), so the page works offline and asks nothing of any other server. The
    online validator badge is switched off (it would send the document to swagger.io), and the
    Content-Security-Policy allows only this server plus the one inline script, by its hash."""
    import base64
    import hashlib

    from fastapi.openapi.docs import get_swagger_ui_html

    from upward.web.pages import static_url

    page = get_swagger_ui_html(
        openapi_url="/api/v1/openapi.json",
        title="Upward API",
        swagger_js_url=static_url("vendor/swagger-ui/swagger-ui-bundle.js"),
        swagger_css_url=static_url("vendor/swagger-ui/swagger-ui.css"),
        swagger_favicon_url=static_url("vendor/swagger-ui/favicon-32x32.png"),
        swagger_ui_parameters={"validatorUrl": None},
    )
    inline = [m.group(1) for m in re.finditer(r"<script>(.*?)</script>", page.body.decode("utf-8"), re.S)]
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode('utf-8')).digest()).decode()}'" for s in inline)
    page.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    page.headers["X-Content-Type-Options"] = "nosniff"
    page.headers["Referrer-Policy"] = "no-referrer"
    return page


def _states(atlas) -> tuple[str, ...]:
    """The state abbreviations and names the atlas knows (the values the `state` parameter accepts)."""
    cur = atlas.cursor()
    try:
        rows = cur.execute("select state_abbr, state_name from states where state_abbr is not null order by state_abbr").fetchall()
    finally:
        cur.close()
    return tuple(a for a, _ in rows) + tuple(n for _, n in rows)


_DESCRIPTION = """Regional workforce pathways: quality jobs, career pathways, training and outcomes, on real public data.

Every route returns the JSON its CLI command prints with `--json` (one source of truth); results
record the profile (name and hash) and the data releases they were computed with. `{area}` and
`{soc}` accept everything the CLI accepts: codes or names, URL-encoded. Errors are RFC 9457
problem details (`application/problem+json`) with a `hint`. Reading is open; every write (POST)
needs `Authorization: Bearer <token>` (the operator's `UPWARD_API_TOKEN`), and a read-only server
offers no write route at all. See docs/api.md.
"""


class WriteGuard:
    """Before a write route reads its body: the bearer token (401/403), the size (413), the content type (415).

    Checking here, not in the route, means an unauthenticated or oversized upload is refused
    before a byte of it is read or spooled to disk. The routes check the token again (and
    declare it in the OpenAPI document).
    """

    def __init__(self, app, patterns: list[tuple[re.Pattern, bool]], settings: Settings):
        self.app, self.patterns, self.settings = app, patterns, settings

    async def __call__(self, scope, receive, send):
        route = None
        if scope["type"] == "http" and scope["method"] == "POST":
            route = next(((p, files) for p, files in self.patterns if p.match(scope["path"])), None)
        if route is None:
            return await self.app(scope, receive, send)
        from starlette.datastructures import Headers

        from upward.errors import UpwardError
        from upward.web import deps
        from upward.web.api._shared import check_token

        headers = Headers(scope=scope)
        limit = self.settings.max_upload_bytes
        try:
            check_token(self.settings, headers.get("authorization"))
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > limit):
                raise deps.UploadTooLarge(
                    f"The request body is {int(length):,} bytes; this server accepts at most {limit:,}." if length.isdigit() else "The Content-Length header is not a number.",
                    hint="Split the file, or ask the operator to raise the upload limit (Settings.max_upload_bytes).",
                )
            ctype = headers.get("content-type", "")
            has_body = (length not in (None, "0")) or "chunked" in headers.get("transfer-encoding", "").lower()
            forms = ("multipart/form-data",) if route[1] else ("multipart/form-data", "application/x-www-form-urlencoded")
            if has_body and not ctype.lower().startswith(forms):
                raise deps.UnsupportedUpload(
                    f"This route reads {' or '.join(forms)}, not {ctype or 'a body without a Content-Type'}.",
                    hint="Send the file and the fields as a multipart form (curl -F file=@mine.csv …)." if route[1]
                    else "Send the fields as a form (curl -d who=ana …), or no body.",
                )
        except UpwardError as exc:
            return await self._refuse(scope, receive, send, exc)

        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    from starlette.exceptions import HTTPException

                    raise HTTPException(413, "Content too large")
            return message

        return await self.app(scope, counted, send)

    async def _refuse(self, scope, receive, send, exc):
        from starlette.requests import Request

        from upward.web import problems

        request = Request(scope, receive)
        status, title = problems.status_of(exc)
        response = problems.problem(status, title, exc.message, instance=scope["path"], hint=exc.hint)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="upward"'
        await response(scope, request.receive, send)
