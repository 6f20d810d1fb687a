"""What the API's resource modules share: the request context, JSON responses and their cache,
name resolution with problem-friendly errors, the write guard and uploads.

Every route is a plain `def` (run in the thread pool) that parses its input, calls the analysis
function its CLI command calls, and returns that function's JSON byte for byte as the CLI prints
it (`--json`), modulo whitespace.

**Response cache.** An answer depends only on the atlas (its fingerprint), the server's profile
(its hash), the hub's state (for routes that read it) and the request's parameters, so identical
requests are answered from memory (the bounded `upward.cache`: `Settings.response_cache` entries
at most, and a memory limit). Identical requests
arriving together are computed once (the others wait for it). Errors are never cached. Each
answer carries an `ETag`; `If-None-Match` gets a 304.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Callable

from fastapi import Depends, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from upward import formats
from upward.atlas.lookup import AREA_ACCEPTS, SOC_ACCEPTS
from upward.cache import Cache
from upward.errors import AmbiguousError, NotFoundError
from upward.limits import NAME_CHARS
from upward.web import deps
from upward.web.api._examples import EXAMPLES
from upward.web.uploads import kept_upload, save_upload, upload_dir

JSON = "application/json"

AREA_DESCRIPTION = f"The area: {AREA_ACCEPTS}, at most {NAME_CHARS} characters; URL-encode spaces and commas. A name is resolved as the CLI resolves it."
SOC_DESCRIPTION = f"The occupation: {SOC_ACCEPTS}, at most {NAME_CHARS} characters."


# --- JSON ----------------------------------------------------------------------------------


_default = formats.json_default  # the CLI's `--json` writes the same values the same way


def _no_nan(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: _no_nan(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_no_nan(x) for x in v]
    return v


def dumps(data) -> bytes:
    """The CLI's JSON, compact; a NaN that slipped through becomes null (strict JSON for every client)."""
    try:
        text = json.dumps(data, default=_default, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:
        text = json.dumps(_no_nan(data), default=_default, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.encode("utf-8")


class ResponseCache:
    """JSON bodies (and their ETags) by key in the bounded cache (upward.cache); one computation per key at a time."""

    def __init__(self, entries: int, megabytes: float = 96):
        self._cache = Cache("API responses", entries=entries, megabytes=megabytes)

    def peek(self, key) -> tuple[bytes, str, bool] | None:
        found = self._cache.get(key) if self._cache.max_entries > 0 else None
        return None if found is None else (found[0], found[1], True)

    def get_or_compute(self, key, compute: Callable[[], bytes]) -> tuple[bytes, str, bool]:
        """(body, etag, hit)."""
        if self._cache.max_entries <= 0:
            body = compute()
            return body, _etag(body), False
        found = self._cache.get(key)
        if found is not None:
            return found[0], found[1], True

        def build():
            body = compute()
            return body, _etag(body)

        body, etag = self._cache.get_or_build(key, build)
        return body, etag, False


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


# --- the request context -------------------------------------------------------------------


@dataclass
class Ctx:
    request: Request
    cur: Any
    profile: Any

    @property
    def settings(self) -> deps.Settings:
        return self.request.app.state.settings

    def area(self, text: str, param: str = "area"):
        """What the CLI makes of an area as typed (remembered per server: the atlas does not change under it)."""
        return self._memo(("area", text), lambda: _resolve(deps.resolve_area, self.cur, text, param, AREA_ACCEPTS), param)

    def soc(self, text: str, param: str = "soc"):
        return self._memo(("soc", text), lambda: _resolve(deps.resolve_soc, self.cur, text, param, SOC_ACCEPTS), param)

    def _memo(self, key, resolve, param):
        return self.request.app.state.resolved.get_or_build(key, resolve)  # errors are not remembered

    def warm_model(self) -> None:
        deps.warm_model(self.cur, self.profile)

    def warm_region(self, area_code: str) -> None:
        deps.warm_region(self.cur, area_code, self.profile)

    def _cached(self, name: str, params: dict, compute: Callable[[], Any], hub: Path | None | bool, warm: str | None) -> tuple[bytes, str, bool]:
        if warm is not None:
            compute = self._warmed(compute, warm, params)
        state = self.request.app.state
        key = (
            name,
            tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items())),
            state.atlas_fingerprint,
            self.profile.hash,
            None if hub is False else deps.hub_stamp(self.request, hub),
        )
        cache = state.response_cache
        found = cache.peek(key)
        if found is not None:
            return found
        with deps.computing(self.request):  # taken before waiting for another thread's build of the key: never a cycle of waits
            return cache.get_or_compute(key, lambda: dumps(compute()))

    def _warmed(self, compute: Callable[[], Any], warm: str, params: dict) -> Callable[[], Any]:
        """`compute`, after building what it needs once per server under the lock that builds it (deps.warm_*)."""
        if warm not in ("model", "region"):
            raise ValueError(f"warm={warm!r}: 'model' or 'region'")

        def run():
            if warm == "model":
                self.warm_model()
            else:
                self.warm_region(params["area"])
            return compute()

        return run

    def answer(self, name: str, params: dict, compute: Callable[[], Any], *, hub: Path | None | bool = False, warm: str | None = None):
        """Another route's answer, as data, from the cache when it was asked (one route's JSON built from another's)."""
        body, _, _ = self._cached(name, params, compute, hub, warm)
        return json.loads(body)

    def respond(self, name: str, params: dict, compute: Callable[[], Any], *, hub: Path | None | bool = False,
                warm: str | None = None) -> Response:
        """The JSON of `compute()`, from the cache when the same question was answered before.

        `hub`: False when the answer does not read the hub; else the hub path held by `hub_reading` (or None).
        `warm`: what `compute` needs built first, on a cache miss only: "model" (the transition model and
        the similarity it rests on) or "region" (the pathway graph of the area `params["area"]`, a code).
        """
        body, etag, hit = self._cached(name, params, compute, hub, warm)
        headers = {"ETag": etag, "Cache-Control": "no-cache", "Upward-Cache": "hit" if hit else "miss"}
        if etag in _if_none_match(self.request):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=JSON, headers=headers)


def _if_none_match(request: Request) -> set[str]:
    value = request.headers.get("if-none-match")
    if not value:
        return set()
    return {t.strip().removeprefix("W/") for t in value.split(",")}


def _resolve(fn, cur, text: str, param: str, accepted: str):
    try:
        return fn(cur, text)
    except (NotFoundError, AmbiguousError) as exc:
        exc.param = param
        exc.accepted = accepted
        raise


async def context(request: Request, cur=Depends(deps.cursor)) -> Ctx:
    """The request's cursor and profile (async: nothing here blocks, so no thread-pool trip)."""
    return Ctx(request, cur, deps.load_profile(request.app.state.settings.profile))


# --- what a route declares ------------------------------------------------------------------

#: Every route's first parameter: the request context.
Context = Annotated[Ctx, Depends(context)]
#: The hub a read route reads, held against writes while it does (None: there is no hub yet).
Hub = Annotated[Path | None, Depends(deps.hub_reading)]


def area_path(*examples: str):
    """An `{area}` path parameter, described as the CLI resolves it, with examples for the OpenAPI document."""
    return Annotated[str, PathParam(description=AREA_DESCRIPTION, examples=list(examples))]


def soc_path(*examples: str):
    """An `{soc}` path parameter: a code or a title, with examples for the OpenAPI document."""
    return Annotated[str, PathParam(description=SOC_DESCRIPTION, examples=list(examples))]


# --- OpenAPI helpers ------------------------------------------------------------------------

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
        "instance": {"type": "string"}, "hint": {"type": "string"}, "param": {"type": "string"},
        "suggestions": {"type": "array", "items": {"type": "string"}}, "candidates": {"type": "array", "items": {"type": "string"}},
        "accepted": {"type": "string"}, "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["type", "title", "status", "detail"],
}

_PROBLEM_EXAMPLES = {
    400: ("A parameter the analysis refuses", {"type": "about:blank", "title": "Bad request", "status": 400, "detail": "Unknown household type '9A9C'.", "hint": "Use one of: 1A0C, 1A1C, …"}),
    401: ("No or wrong bearer token", {"type": "about:blank", "title": "Unauthorized", "status": 401, "detail": "This route writes to the hub and needs the server's bearer token.", "hint": "Send the header Authorization: Bearer <token> (the operator's UPWARD_API_TOKEN)."}),
    403: ("Writes are off", {"type": "about:blank", "title": "Writes are disabled", "status": 403, "detail": "This server has no API token configured, so it accepts no writes.", "hint": "The operator sets UPWARD_API_TOKEN before `upward serve`."}),
    404: ("Unknown area or occupation", {"type": "about:blank", "title": "Not found", "status": 404, "detail": "No area matches 'huston'.", "hint": "Did you mean: Houston-Pasadena-The Woodlands, TX; …?", "param": "area", "suggestions": ["Houston-Pasadena-The Woodlands, TX"], "accepted": AREA_ACCEPTS}),
    409: ("Ambiguous name", {"type": "about:blank", "title": "Ambiguous", "status": 409, "detail": "'springfield' matches 4 areas.", "hint": "Be more specific, or use a code.", "param": "area", "candidates": ["0044100  Springfield, IL (metro)", "0078100  Springfield, MA (metro)"]}),
    413: ("Upload too large", {"type": "about:blank", "title": "Content too large", "status": 413, "detail": "The request body is 31,457,280 bytes; this server accepts at most 20,971,520.", "hint": "Split the file, or ask the operator to raise the limit."}),
    415: ("Wrong content type", {"type": "about:blank", "title": "Unsupported media type", "status": 415, "detail": "mine.txt is not a file this route reads.", "hint": "Upload a .csv, .xlsx or .json file as multipart/form-data."}),
    422: ("Invalid parameter or file", {"type": "about:blank", "title": "Invalid input", "status": 422, "detail": "mine.csv: 1 problem in 1 row; nothing was imported.", "hint": "Fix every row listed and import again.", "errors": [{"file": "mine.csv", "row": 3, "field": "cip_code", "reason": "'99.9999' is not a CIP 2020 code"}]}),
}


def problems(*statuses: int) -> dict:
    return {
        s: {"description": _PROBLEM_EXAMPLES[s][0], "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA, "example": _PROBLEM_EXAMPLES[s][1]}}}
        for s in statuses
    }


def ok(example: str, *errors: int, description: str = "The same JSON as the CLI command's --json.", status: int = 200, array: bool = False) -> dict:
    """`responses=` for a route: its JSON example (real output, lists shortened) and its problems; `array`: the answer is a list."""
    listed = array or isinstance(EXAMPLES.get(example), list)
    content = {JSON: {"schema": {"type": "array", "items": {"type": "object"}} if listed else {"type": "object"}}}
    if example in EXAMPLES:
        content[JSON]["example"] = EXAMPLES[example]
    return {status: {"description": description, "content": content}, **problems(*errors)}


# --- writes: the bearer token and uploads ---------------------------------------------------

bearer = HTTPBearer(auto_error=False, description="The operator's token ($UPWARD_API_TOKEN); every write route needs it.")


def check_token(settings: deps.Settings, authorization: str | None) -> None:
    """Refuse a write unless it carries the operator's token (compared in constant time)."""
    if not settings.token:
        raise deps.WritesDisabled(
            "This server has no API token configured, so it accepts no writes.",
            hint="The operator sets UPWARD_API_TOKEN (a long random value) before `upward serve`, then clients send "
            "Authorization: Bearer <token>. Or serve with --read-only to offer no write routes at all.",
        )
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip() or not hmac.compare_digest(given.strip().encode("utf-8"), settings.token.encode("utf-8")):
        raise deps.WriteForbidden(
            "This route writes to the hub and needs the server's bearer token." if not authorization else "The bearer token is not this server's.",
            hint="Send the header Authorization: Bearer <token> with the token the operator configured (UPWARD_API_TOKEN).",
        )


def holds_token(request: Request) -> bool:
    """Whether the request carries the operator's token (reads that show who did what, or unpublished runs, need it)."""
    try:
        check_token(request.app.state.settings, request.headers.get("authorization"))
    except (deps.WritesDisabled, deps.WriteForbidden):
        return False
    return True


def public_history(rows: list[dict], with_who: bool) -> list[dict]:
    """Import records for a client: the file's name only (never the folder it was imported from), and
    who imported or rolled back only for token holders."""
    out = []
    for r in rows:
        r = {**r, "file": Path(str(r["file"]).replace("\\", "/")).name}
        if not with_who:
            r = {k: v for k, v in r.items() if k not in ("who", "rolled_back_by")}
        out.append(r)
    return out


async def require_token(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
    """Dependency of every write route (the guard middleware checks the same before reading the body)."""
    check_token(request.app.state.settings, request.headers.get("authorization"))


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str | None, fallback: str) -> str:
    base = Path((name or "").replace("\\", "/")).name
    base = _SAFE.sub("_", base).strip("._") or fallback
    return base[:120]


def suffix_of(upload: UploadFile, accepted: tuple[str, ...], what: str) -> str:
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in accepted:
        raise deps.UnsupportedUpload(
            f"{upload.filename or 'The uploaded file'} is not a file this route reads as {what}.",
            hint=f"Upload a {', '.join(accepted[:-1]) + ' or ' + accepted[-1] if len(accepted) > 1 else accepted[0]} file "
            "(the format comes from the file name's extension).",
        )
    return suffix


def json_response(data, status: int = 200, headers: dict | None = None) -> Response:
    return Response(dumps(data), status_code=status, media_type=JSON, headers=headers)


def imported(request: Request, file: UploadFile, name: str, dry_run: bool, run: Callable[[Path | None, Path, bool], Any],
             headers: dict | None = None) -> Response:
    """An uploaded file imported into the hub by `run(hub, file, dry_run)` (a program inventory, a
    rating sheet): saved as `name` in the request's scratch folder; with `dry_run` checked against
    the hub held shared and answered 200 with nothing written; otherwise imported under the hub's
    write lock, the file kept beside the hub so its history names real bytes, and answered 201.
    The answer is the import's record and the file's name as uploaded."""
    with upload_dir(request) as tmp:
        path = save_upload(request, file, tmp, name)
        if dry_run:
            with deps.hub_shared(request) as hub:  # reads the hub: held against concurrent writes
                result = _conflict_if_duplicate(lambda: run(hub, path, True))
            return json_response({**result.to_dict(), "file": file.filename}, status=200)
        with deps.hub_writing(request) as hub, kept_upload(path, hub, request) as kept:
            result = _conflict_if_duplicate(lambda: run(hub, kept, False))
    return json_response({**result.to_dict(), "file": file.filename}, status=201, headers=headers)


def _conflict_if_duplicate(fn):
    """Run an import: a byte-identical file already imported is a conflict (409: ConflictError says
    so by its type); any other refusal of the file (not CSV, no header, nothing rated…) is invalid
    input (422), like a bad row."""
    from upward.errors import UpwardError

    try:
        return fn()
    except UpwardError as exc:
        if type(exc) is UpwardError and not hasattr(exc, "status"):
            exc.status = 422
        raise


class FrontCache:
    """Answers a GET the API answered before straight from memory, in the event loop.

    The response cache (`ResponseCache`) saves the computing; this saves the rest — routing,
    dependencies and the trip through the thread pool — for an identical request: the same path
    and query string, on the same atlas, with the same profile (its hash) and the same hub state.
    Only answers the routes marked cacheable (`Ctx.respond`) are kept, 200s only; `If-None-Match`
    gets a 304. Requests with an Authorization header (a token holder may be shown more, such as who
    imported a file or an unpublished run) are never answered from here nor kept. Anything else passes
    through untouched.
    """

    def __init__(self, app, state, entries: int = 4096, megabytes: float = 96):
        self.app, self.state = app, state
        self._cache = Cache("API front", entries=entries, megabytes=megabytes)

    def _key(self, scope):
        state = self.state
        prof = deps.load_profile(state.settings.profile)
        hub = deps.hub_path_of(state.settings)
        return (scope["path"], scope.get("query_string", b""), state.atlas_fingerprint, prof.hash, deps.stamp_of(state, hub))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith("/api/v1/") and scope["path"] != "/api/v1":
            return await self.app(scope, receive, send)
        if any(k == b"authorization" for k, _ in scope["headers"]):  # a token holder may see more: never shared through here
            return await self.app(scope, receive, send)
        try:
            key = self._key(scope)
        except Exception:  # a profile that no longer loads: let the route say what is wrong
            return await self.app(scope, receive, send)
        found = self._cache.get(key)
        if found is not None:
            headers, body, etag = found
            inm = next((v for k, v in scope["headers"] if k == b"if-none-match"), None)
            if inm is not None and etag in {t.strip().removeprefix(b"W/") for t in inm.split(b",")}:
                await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", etag), (b"cache-control", b"no-cache")]})
                await send({"type": "http.response.body", "body": b""})
                return
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        started: dict = {}
        chunks: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and started.get("status") == 200:
                    headers = [(k, v) for k, v in started.get("headers", []) if k != b"upward-cache"]
                    names = {k for k, _ in started.get("headers", [])}
                    if b"upward-cache" in names and b"set-cookie" not in names:
                        self._keep(key, headers + [(b"upward-cache", b"hit")], b"".join(chunks),
                                   next(v for k, v in headers if k == b"etag"))
            await send(message)

        await self.app(scope, receive, capture)

    def _keep(self, key, headers, body: bytes, etag: bytes) -> None:
        if key not in self._cache:
            self._cache.put(key, (headers, body, etag))
