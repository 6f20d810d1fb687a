"""RFC 9457 problem details for every error the API returns.

An UpwardError becomes `application/problem+json` with `title` (what kind of problem), `detail`
(the message, as the CLI prints it), `hint` (what to do or what is accepted) and, for lookups,
`suggestions` or `candidates`. Unexpected exceptions become a 500 problem that reveals nothing of
the request's data.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from upward.errors import AmbiguousError, NotFoundError, SourceFormatError, UpwardError

MEDIA_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str, type_: str = "about:blank", **extra) -> JSONResponse:
    body = {"type": type_, "title": title, "status": status, "detail": detail, **{k: v for k, v in extra.items() if v is not None}}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def status_of(exc: UpwardError) -> tuple[int, str]:
    from upward.web.deps import WriteForbidden

    if isinstance(exc, WriteForbidden):
        return 401, "Unauthorized"
    if isinstance(exc, NotFoundError):
        return 404, "Not found"
    if isinstance(exc, AmbiguousError):
        return 409, "Ambiguous"
    if isinstance(exc, SourceFormatError):
        return 422, "Invalid input"
    return 400, "Bad request"


def install(app: FastAPI) -> None:
    @app.exception_handler(UpwardError)
    async def upward_error(request: Request, exc: UpwardError):
        status, title = status_of(exc)
        extra = {"hint": exc.hint}
        if isinstance(exc, NotFoundError) and exc.suggestions:
            extra["suggestions"] = exc.suggestions
        if isinstance(exc, AmbiguousError):
            extra["candidates"] = exc.candidates
        if isinstance(exc, SourceFormatError):
            extra.update(row=exc.row, field=exc.field)
        response = problem(status, title, exc.message, instance=str(request.url.path), **extra)
        if status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        errors = [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg")} for e in exc.errors()]
        return problem(422, "Invalid request", "; ".join(f"{e['where']}: {e['problem']}" for e in errors),
                       instance=str(request.url.path), errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return problem(exc.status_code, str(exc.detail) if exc.status_code != 404 else "Not found",
                       "No such route." if exc.status_code == 404 else str(exc.detail), instance=str(request.url.path))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        return problem(500, "Internal error", "Upward hit an unexpected error; the server log has the details.",
                       instance=str(request.url.path))
