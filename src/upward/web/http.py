"""What every HTTP exchange gets before and after routing: size limits, OPTIONS, and safe headers.

`HttpBasics` is the outermost layer of the app:

- **Limits, answered at once.** A path and query string over `limits.URL_BYTES` is 414; a query
  parameter value over `limits.PARAM_CHARS` characters, or more than `limits.PARAMS` parameters,
  is 422 — before routing, so no name is resolved and no thread is taken. (Names in the path are
  bounded by the lookup itself: `limits.NAME_CHARS`.)
- **OPTIONS** on any route answers 204 with `Allow:` listing the methods that path really takes
  (GET, HEAD and, on a writable server, POST); a CORS preflight passes on to the CORS layer when
  the operator configured origins.
- **Headers.** Every response carries `X-Content-Type-Options: nosniff`; the server does not
  announce its software (`upward serve` runs uvicorn with `server_header=False`, and any `server`
  header a layer below adds is dropped here).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from upward import limits

NOSNIFF = (b"x-content-type-options", b"nosniff")


class HttpBasics:
    def __init__(self, app, router, cors: bool = False):
        self.app, self.router, self.cors = app, router, cors

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        refused = self._refusal(scope)
        if refused is not None:
            return await self._answer(scope, send, *refused)
        if scope["method"] == "OPTIONS" and not (self.cors and _is_preflight(scope)):
            allowed = self.allowed(scope)
            if allowed:
                return await self._options(send, allowed)

        async def secured(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in (b"server", NOSNIFF[0])]
                message = {**message, "headers": headers + [NOSNIFF]}
            await send(message)

        return await self.app(scope, receive, secured)

    # --- limits ----------------------------------------------------------------------------------

    def _refusal(self, scope) -> tuple[int, str, str, str] | None:
        raw = scope.get("raw_path") or scope["path"].encode("utf-8")
        query = scope.get("query_string", b"")
        size = len(raw) + len(query)
        if size > limits.URL_BYTES:
            return (414, "URI too long", f"The request's path and query are {size:,} bytes; this server accepts at most {limits.URL_BYTES:,}.",
                    "Use codes rather than long names (e.g. 0026420, 29-1141), or fewer parameters.")
        if not query:
            return None
        params = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        if len(params) > limits.PARAMS:
            return (422, "Invalid request", f"The request has {len(params):,} query parameters; this server accepts at most {limits.PARAMS}.",
                    "Ask for fewer things at once.")
        for name, value in params:
            if len(value) > limits.PARAM_CHARS:
                return (422, "Invalid request", f"The query parameter '{name[:40]}' is {len(value):,} characters long; this server accepts at most {limits.PARAM_CHARS}.",
                        "Use a code or a shorter part of the name.")
        return None

    async def _answer(self, scope, send, status: int, title: str, detail: str, hint: str) -> None:
        import json

        path = scope["path"]
        if path.startswith("/api/"):
            body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail, "hint": hint,
                               "instance": path[:200]}).encode()
            media = b"application/problem+json"
        else:
            from html import escape

            body = (f"<!doctype html><meta charset=utf-8><title>{escape(title)}</title><h1>{escape(title)}</h1>"
                    f"<p>{escape(detail)}</p><p>{escape(hint)}</p><p><a href=\"/\">Upward</a></p>").encode()
            media = b"text/html; charset=utf-8"
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode()), NOSNIFF]})
        await send({"type": "http.response.body", "body": body})

    # --- OPTIONS ---------------------------------------------------------------------------------

    def allowed(self, scope) -> list[str]:
        """The methods some route takes at this path, as the router itself matches them (empty: no route has this path)."""
        from starlette.routing import Match

        methods = [m for m in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
                   if any(route.matches({**scope, "method": m})[0] == Match.FULL for route in self.router.routes)]
        return methods + ["OPTIONS"] if methods else []

    async def _options(self, send, allowed: list[str]) -> None:
        await send({"type": "http.response.start", "status": 204,
                    "headers": [(b"allow", ", ".join(allowed).encode()), (b"content-length", b"0"), NOSNIFF]})
        await send({"type": "http.response.body", "body": b""})


def _is_preflight(scope) -> bool:
    names = {k.lower() for k, _ in scope.get("headers", [])}
    return b"origin" in names and b"access-control-request-method" in names


def declare_enum(app, path: str, method: str, name: str, values) -> None:
    """Declare in the app's OpenAPI document the values a parameter takes when they come from the
    atlas (known only once the server opens it), e.g. the states of GET /api/v1/regions."""
    base = app.openapi

    def openapi():
        if app.openapi_schema is None:
            schema = base()
            for p in schema["paths"][path][method].get("parameters", []):
                if p["name"] == name:
                    enum_in(p["schema"], list(values))
        return app.openapi_schema

    app.openapi = openapi


def enum_in(schema: dict, values: list) -> None:
    """Put `enum` on the string branch of a parameter's schema (an optional one is `anyOf` string or null)."""
    for branch in schema.get("anyOf", [schema]):
        if branch.get("type") == "string":
            branch["enum"] = values
