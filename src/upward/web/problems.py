"""RFC 9457 problem details for every error the API returns.

An UpwardError becomes `application/problem+json` with `title` (what kind of problem), `detail`
(the message, as the CLI prints it), `hint` (what to do or what is accepted) and, for lookups,
`suggestions` or `candidates` (and `param`: which input it was); for uploads, `errors`: one
`{file, row, field, reason}` per problem. Unexpected exceptions become a 500 problem that reveals
nothing of the request's data.

| status | when |
|---|---|
| 400 | a parameter the analysis refuses (e.g. an unknown household type) |
| 401 | a write without the right bearer token (`WWW-Authenticate: Bearer`) |
| 403 | a write on a server with no token configured (writes are off) |
| 404 | unknown area, occupation, run or import; unknown route |
| 409 | an ambiguous name (with `candidates`); a file already imported |
| 413 | an upload above the server's limit |
| 415 | a request that is not multipart/form-data, or a file of a type the route does not read |
| 422 | a parameter of the wrong type or range; an uploaded file with bad rows |
| 503 | the hub is busy (another program is writing it) |
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from upward.errors import AmbiguousError, NotFoundError, SourceFormatError, UpwardError

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("upward.web")


def problem(status: int, title: str, detail: str, type_: str = "about:blank", **extra) -> JSONResponse:
    body = {"type": type_, "title": title, "status": status, "detail": detail, **{k: v for k, v in extra.items() if v is not None}}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def status_of(exc: UpwardError) -> tuple[int, str]:
    from upward.hub import InventoryError, NotAHubError
    from upward.hub._db import HubBusyError
    from upward.outcomes.load import InputError
    from upward.web.deps import UnsupportedUpload, UploadTooLarge, WriteForbidden, WritesDisabled

    if isinstance(exc, WriteForbidden):
        return 401, "Unauthorized"
    if isinstance(exc, WritesDisabled):
        return 403, "Writes are disabled"
    if isinstance(exc, UploadTooLarge):
        return 413, "Content too large"
    if isinstance(exc, UnsupportedUpload):
        return 415, "Unsupported media type"
    if isinstance(exc, NotFoundError) or getattr(exc, "status", None) == 404:
        return 404, "Not found"
    if isinstance(exc, AmbiguousError):
        return 409, "Ambiguous"
    if getattr(exc, "status", None) == 409:
        return 409, "Conflict"
    if isinstance(exc, HubBusyError):
        return 503, "Busy"
    if isinstance(exc, (SourceFormatError, InventoryError, InputError)) or getattr(exc, "status", None) == 422:
        return 422, "Invalid input"
    if isinstance(exc, NotAHubError):
        return 500, "Server misconfigured"
    return 400, "Bad request"


def _upload_errors(exc: UpwardError) -> list[dict] | None:
    """One {file, row, field, reason} per problem of an uploaded file."""
    from upward.outcomes.load import InputError

    problems = getattr(exc, "problems", None)
    if isinstance(exc, InputError):
        return [{"file": f.rsplit("/", 1)[-1], "row": r, "field": fld, "reason": reason} for f, r, fld, reason in exc.rows]
    if problems and all(hasattr(p, "_asdict") for p in problems):
        return [{k: v for k, v in p._asdict().items()} for p in problems]
    if isinstance(exc, SourceFormatError):
        return [{"file": exc.path.rsplit("/", 1)[-1], "row": exc.row, "field": exc.field, "reason": exc.reason}]
    return None


_PATH = re.compile(r"(?<![\w.:/])(?:/[^\s'\"(),;:/]+)+/?")


def public_text(text: str) -> str:
    """A message without the server's folders: every absolute path that points into the file system
    (the hub, the atlas, an upload) is cut to its file name, so an error body never tells a client where
    the server keeps its files or whose home they are in. Route paths (/api/v1/…) are left alone."""

    def name(m: re.Match) -> str:
        found = m.group(0).rstrip("/")
        if found.startswith(("/api/", "/static/")) or found == "/api":
            return m.group(0)
        p = Path(found)
        on_disk = any(d.exists() for d in p.parents if d != Path(d.anchor))  # a folder of this machine holds it
        return p.name if on_disk else m.group(0)

    return _PATH.sub(name, text)


def _unmask(text, request: Request):
    """Uploaded files live under a temporary name on the server: show the client's name instead; and no server folder."""
    if not isinstance(text, str):
        return text
    for server, client in getattr(request.state, "uploads", {}).items():
        text = text.replace(server, client)
    return public_text(text)


def _unmask_all(value, request: Request):
    if isinstance(value, str):
        return _unmask(value, request)
    if isinstance(value, list):
        return [_unmask_all(v, request) for v in value]
    if isinstance(value, dict):
        return {k: _unmask_all(v, request) for k, v in value.items()}
    return value


def install(app: FastAPI) -> None:
    @app.exception_handler(UpwardError)
    async def upward_error(request: Request, exc: UpwardError):
        status, title = status_of(exc)
        extra = {"hint": exc.hint}
        if getattr(exc, "param", None):
            extra["param"] = exc.param
        if isinstance(exc, NotFoundError) and exc.suggestions:
            extra["suggestions"] = exc.suggestions
        if isinstance(exc, AmbiguousError):
            extra["candidates"] = exc.candidates
        if getattr(exc, "accepted", None):
            extra["accepted"] = exc.accepted
        errors = _upload_errors(exc)
        if errors:
            extra["errors"] = errors
        elif isinstance(exc, SourceFormatError):
            extra.update(row=exc.row, field=exc.field)
        if status == 503:
            extra["hint"] = "Another program is writing to the hub; try again in a moment (Retry-After)."
        response = problem(status, title, _unmask(exc.message, request), instance=str(request.url.path), **_unmask_all(extra, request))
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="upward"'
        if status == 503:
            response.headers["Retry-After"] = "2"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        errors = [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg")} for e in exc.errors()]
        return problem(422, "Invalid request", "; ".join(f"{e['where']}: {e['problem']}" for e in errors),
                       instance=str(request.url.path), errors=errors,
                       hint="See the parameters each route accepts in /api/v1/openapi.json (or /api/v1/docs).")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            return problem(404, "Not found", "No such route.", instance=str(request.url.path),
                           hint="The API's routes are listed in /api/v1/openapi.json (browse them at /api/v1/docs).")
        if exc.status_code == 405:
            response = problem(405, "Method not allowed", f"{request.method} is not allowed on {request.url.path}.",
                               instance=str(request.url.path), hint="See /api/v1/openapi.json for the methods each route takes.")
            if exc.headers and "Allow" in exc.headers:
                response.headers["Allow"] = exc.headers["Allow"]
            return response
        if exc.status_code == 413:
            return problem(413, "Content too large", "The request body is larger than this server accepts.",
                           instance=str(request.url.path), hint=f"The limit is {request.app.state.settings.max_upload_bytes:,} bytes.")
        return problem(exc.status_code, str(exc.detail), str(exc.detail), instance=str(request.url.path))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("Unexpected error on %s %s", request.method, request.url.path)
        return problem(500, "Internal error", "Upward hit an unexpected error; the server log has the details.",
                       instance=str(request.url.path))
