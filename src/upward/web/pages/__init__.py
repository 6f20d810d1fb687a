"""The dashboard: server-rendered pages over the same analysis functions the API serves.

Each route resolves what the URL names (an area or occupation, as the CLI does), asks
`views` for the page's context (analysis results turned into tables and chart data, cached per
process by `_cache`), and renders a Jinja2 template. The same URL with `?csv=TABLE` downloads
one of the page's tables as CSV. Unknown names get a friendly page with suggestions (404);
the pages load nothing from outside the server (a Content-Security-Policy header says so to
the browser too). See docs/dashboard.md.
"""

from __future__ import annotations

import json
import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from upward.atlas.lookup import notes
from upward.errors import AmbiguousError, NotFoundError, UpwardError
from upward.limits import COMPARE_AREAS, TooLongError, at_most
from upward.profiles import PATHWAY_RANKINGS as RANKINGS
from upward.web import deps
from upward.web.deps import Settings, cursor, profile
from upward.web.problems import public_text

#: The hub, held against in-process writes while a page reads it (plain `hub_path` on older deps).
hub_path = getattr(deps, "hub_reading", deps.hub_path)

HERE = Path(__file__).resolve().parent.parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

log = logging.getLogger("upward.web.pages")

#: Nothing loads from anywhere but this server; inline JSON data blocks are not scripts.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _json_default(v):
    if hasattr(v, "item"):
        return v.item()
    if isinstance(v, (set, tuple)):
        return list(v)
    return str(v)


def _templates():
    from fastapi.templating import Jinja2Templates

    from upward.web.pages import _tables

    t = Jinja2Templates(directory=str(TEMPLATES))
    env = t.env
    env.policies["json.dumps_kwargs"] = {"default": _json_default, "ensure_ascii": False}
    env.globals.update(cell=_tables.cell, fmt=_tables.fmt, static=static_url)
    env.filters["fmt"] = _tables.fmt
    return t


def _static_version() -> str:
    try:
        import hashlib

        h = hashlib.sha256()
        for p in sorted(STATIC.rglob("*")):
            if p.is_file() and p.suffix in (".js", ".css"):
                h.update(p.name.encode())
                h.update(str(p.stat().st_size).encode())
                h.update(str(p.stat().st_mtime_ns).encode())
        return h.hexdigest()[:10]
    except OSError:
        return "0"


_VERSION = _static_version()


def static_url(path: str) -> str:
    """A static file's URL, versioned by the files' sizes and times so a browser never keeps a stale copy."""
    return f"/static/{path}?v={_VERSION}"


def _query(request: Request, **changes) -> str:
    """This page's own URL (path and query, never a host) with some parameters changed."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    items += [(k, v) for k, v in changes.items() if v is not None]
    q = urlencode(items)
    return request.url.path + (f"?{q}" if q else "")


def router(settings: Settings) -> APIRouter:
    from upward.web.pages import _tables, views

    templates = _templates()

    @asynccontextmanager
    async def lifespan(app):
        stop = _warm(app, settings, templates)
        try:
            yield
        finally:
            stop()

    r = APIRouter(include_in_schema=False, lifespan=lifespan)

    def render(request: Request, template: str, build, csv: str | None = None, status: int = 200) -> Response:
        """The page, or one of its tables as CSV, or a friendly error page."""
        try:
            with deps.computing(request):
                ctx = build()
        except NotFoundError as exc:
            return error(request, 404, "Not found", exc)
        except AmbiguousError as exc:
            return error(request, 300, "Which one?", exc)
        except TooLongError as exc:
            return error(request, 422, "Too long", exc)
        except UpwardError as exc:
            return error(request, 400, "Cannot show this page", exc)
        if csv is not None:
            table = ctx["tables"].get(csv)
            if table is None:
                exc = NotFoundError(f"This page has no table '{csv}'.", hint="Tables here: " + ", ".join(ctx["tables"]) if ctx["tables"] else None)
                return error(request, 404, "Not found", exc)
            stamp = {"profile_name": ctx["profile"]["name"], "profile_hash": ctx["profile"]["hash"], "bundle": ctx["data"]["bundle"]}
            name = "-".join(x for x in ("upward", ctx.get("nav"), (ctx.get("area") or {}).get("area_code"), csv) if x)
            return Response(_tables.to_csv(table, stamp), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}.csv"', **HEADERS})
        ctx.update(request=request, csv_url=lambda name: _query(request, csv=name), here=_query(request),
                   page_data=Markup(json.dumps({"charts": ctx.get("charts", {}), "graph": ctx.get("graph")}, default=_json_default,
                                                ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")),
                   default_area=(ctx.get("area") or {}).get("area_code") or settings.default_region)
        resp = templates.TemplateResponse(request, template, ctx, status_code=status)
        resp.headers.update(HEADERS)
        return resp

    def error(request: Request, status: int, title: str, exc: UpwardError) -> Response:
        ctx = {
            "request": request, "title": title, "status": status, "message": public_text(exc.message),
            "hint": None if isinstance(exc, (AmbiguousError,)) or getattr(exc, "suggestions", None) else exc.hint and public_text(exc.hint),
            "choices": views.choices(exc), "nav": "", "area": None, "profile": None, "data": None,
            "page_data": None, "default_area": settings.default_region, "here": request.url.path,
        }
        resp = templates.TemplateResponse(request, "error.html", ctx, status_code=status)
        resp.headers.update(HEADERS)
        return resp

    @r.get("/", response_class=HTMLResponse)
    def home(request: Request, csv: str | None = None, con=Depends(cursor), prof=Depends(profile)):
        return render(request, "home.html", lambda: views.home(con, prof), csv)

    @r.get("/find", response_class=HTMLResponse)
    def find(request: Request, q: str = "", con=Depends(cursor), prof=Depends(profile)):
        """The home page's search: a name, code, CBSA or state, resolved as the CLI resolves it."""
        if not q.strip():
            return RedirectResponse("/", status_code=303)
        try:
            area = views.area_of(con, q)
        except AmbiguousError as exc:
            return error(request, 200, f"Areas matching '{q}'", exc)
        except UpwardError as exc:
            return error(request, 404, "Not found", exc)
        return RedirectResponse(views.region_url(area.code), status_code=303)

    def in_area(con, prof, area: str, view, *args) -> dict:
        """`view(con, prof, code, *args)` for the area named in the URL, resolved as the CLI resolves it; the page says how."""
        a = views.area_of(con, area)
        return {**view(con, prof, a.code, *args), "resolved": notes(a)}

    @r.get("/regions/{area}", response_class=HTMLResponse)
    def region(request: Request, area: str, csv: str | None = None, con=Depends(cursor), prof=Depends(profile), hub=Depends(hub_path)):
        return render(request, "region.html", lambda: in_area(con, prof, area, views.region, hub), csv)

    @r.get("/regions/{area}/dimensions", response_class=HTMLResponse)
    def dimensions(request: Request, area: str, by: str = "major-group", csv: str | None = None, con=Depends(cursor), prof=Depends(profile)):
        return render(request, "dimensions.html", lambda: in_area(con, prof, area, views.dimensions, by), csv)

    @r.get("/regions/{area}/occupations/{soc}", response_class=HTMLResponse)
    def occupation(request: Request, area: str, soc: str, csv: str | None = None, con=Depends(cursor), prof=Depends(profile),
                   hub=Depends(hub_path)):
        def build():
            a = views.area_of(con, area)
            o = views.occupation_of(con, soc, a.code)
            return {**views.occupation(con, prof, a.code, o.code, hub), "resolved": notes(a, o)}

        return render(request, "occupation.html", build, csv)

    @r.get("/regions/{area}/pathways", response_class=HTMLResponse)
    def pathways(request: Request, area: str, csv: str | None = None, con=Depends(cursor), prof=Depends(profile), hub=Depends(hub_path)):
        p = request.query_params

        def build():
            a = views.area_of(con, area)
            max_steps = _int(p.get("max_steps"), "max_steps", 1, 6)
            top = _int(p.get("top"), "top", 1, 20)
            rank = p.get("rank") or None
            if rank is not None and rank not in RANKINGS:
                raise UpwardError(f"Unknown ranking '{rank[:40]}'.", hint=f"Use one of: {', '.join(RANKINGS)}.")
            return views.pathway_explorer(con, prof, a.code, hub, p.get("from") or None, p.get("to") or None, max_steps, top, p.get("step"), rank)

        return render(request, "pathways.html", build, csv)

    @r.get("/regions/{area}/changes", response_class=HTMLResponse)
    def what_changed(request: Request, area: str, csv: str | None = None, con=Depends(cursor), prof=Depends(profile)):
        p = request.query_params
        source = p.get("source") or "oews"

        return render(request, "changes.html", lambda: in_area(con, prof, area, views.what_changed, p.get("from") or None, p.get("to") or None, source), csv)

    @r.get("/regions/{area}/programs", response_class=HTMLResponse)
    def programs(request: Request, area: str, csv: str | None = None, con=Depends(cursor), prof=Depends(profile), hub=Depends(hub_path)):
        p = request.query_params
        filters = {k: (p.get(k) or "").strip() for k in ("cip", "q", "soc", "flag", "tier", "jtm")}

        def build():
            a = views.area_of(con, area)
            return views.programs(con, prof, a.code, hub, filters)

        return render(request, "programs.html", build, csv)

    @r.get("/compare", response_class=HTMLResponse)
    def compare(request: Request, csv: str | None = None, con=Depends(cursor), prof=Depends(profile)):
        texts = [t.strip() for t in request.query_params.getlist("area") if t.strip()]

        def build():
            if len(texts) < 2:
                return _compare_form(con, prof, texts)
            ctx = views.compare(con, prof, at_most(texts, COMPARE_AREAS, "areas"))
            ctx["texts"] = texts
            return ctx

        return render(request, "compare.html", build, csv)

    def _compare_form(con, prof, texts):
        ctx = views._base(con, prof, "Compare regions", "compare")
        ctx.update(result=None, texts=texts or [settings.default_region, "Dallas", "TX"], top=5)
        return ctx

    @r.get("/titles", response_class=HTMLResponse)
    def titles(request: Request, csv: str | None = None, con=Depends(cursor), prof=Depends(profile)):
        text = request.query_params.get("titles") or ""

        def build():
            return views.job_titles(con, prof, text[:20_000], views.area_of(con, settings.default_region).code)

        return render(request, "titles.html", build, csv)

    @r.get("/outcomes", response_class=HTMLResponse)
    def outcomes(request: Request, csv: str | None = None, con=Depends(cursor), prof=Depends(profile), hub=Depends(hub_path)):
        def build():
            runs, reason = _list_runs(hub)
            return views.outcome_runs(con, prof, runs, reason)

        return render(request, "outcomes.html", build, csv)

    @r.get("/outcomes/{run_id}", response_class=HTMLResponse)
    def outcome_run(request: Request, run_id: str, csv: str | None = None, con=Depends(cursor), prof=Depends(profile), hub=Depends(hub_path)):
        def build():
            records, run = _get_run(hub, run_id)
            return views.outcome_run(con, prof, run_id, records, run)

        return render(request, "outcome_run.html", build, csv)

    @r.get("/static/{path:path}")
    def static(path: str):
        target = (STATIC / path).resolve()
        if STATIC.resolve() not in target.parents or not target.is_file():
            return Response("Not found", status_code=404, media_type="text/plain")
        media = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".txt": "text/plain; charset=utf-8"}.get(target.suffix)
        return FileResponse(target, media_type=media, headers={"Cache-Control": "public, max-age=86400", **HEADERS})

    return r


def _int(text: str | None, name: str, lo: int, hi: int) -> int | None:
    if text in (None, ""):
        return None
    try:
        v = int(text)
    except ValueError:
        raise UpwardError(f"{name} must be a whole number, not '{text}'.", hint=f"Use {lo} to {hi}.") from None
    if not lo <= v <= hi:
        raise UpwardError(f"{name} must be between {lo} and {hi}, not {v}.")
    return v


# ---------------------------------------------------------------------------------------------
# Outcome runs: stored in the hub by upward.hub.runs


def _runs_module():
    try:
        from upward.hub import runs
    except ImportError:
        return None
    return runs


def _list_runs(hub: Path | None) -> tuple[list[dict], str | None]:
    runs = _runs_module()
    if runs is None:
        return [], "This installation cannot store outcome runs (no upward.hub.runs)."
    if hub is None:
        return [], "No outcome run is published yet."
    out = []
    for item in runs.list_runs(hub, public=True):  # the dashboard is public: published runs only (docs/security.md)
        d = dict(item)
        d.update(rounding=d["published"]["rounding"], published_at=d["published"]["published_at"])
        d["label"] = _describe(d)
        d["by"] = "; ".join(" × ".join(g) or "overall" for g in d.get("groupings") or [])
        out.append(d)
    return out, None


def _describe(run: dict) -> str | None:
    if run.get("exit_from"):
        return f"exiters {run['exit_from']}–{run.get('exit_to')}" + (f", program year {run['program_year']}" if run.get("program_year") else "")
    return None


def _get_run(hub: Path | None, run_id: str) -> tuple[list[dict], dict]:
    runs = _runs_module()
    if runs is None or hub is None or not run_id.isdigit():
        raise NotFoundError(f"There is no published outcome run {run_id}.", hint="The Outcomes page lists the published runs.")
    got = runs.get_run(int(run_id), hub, public=True)
    return got["records"], {**got.get("run", {}), "at": got.get("at"), "published": got.get("published")}


# ---------------------------------------------------------------------------------------------
# Warm-up: the default region's page is ready before anyone asks (first paint ≤ 1 s)


def _warm(app, settings: Settings, templates):
    """In the background: the templates compiled, the default region's page and the home page
    computed, then its programs and pathway graph (the slower pages). Returns the function the
    server calls on shutdown: it interrupts the query under way and waits for the thread, because
    a process that exits while DuckDB is mid-query in another thread aborts."""
    stopping = threading.Event()
    cursor = app.state.atlas.cursor()

    def work():
        from upward import hub as hub_mod
        from upward import profiles
        from upward.analysis.quality import all_indicators
        from upward.web.deps import warm_region
        from upward.web.pages import _cache, views

        prof = profiles.load(settings.profile)
        steps = [lambda: [templates.get_template(n) for n in ("region.html", "home.html", "occupation.html", "pathways.html",
                                                              "programs.html", "compare.html", "changes.html", "error.html", "dimensions.html")]]
        code = None

        def area():
            nonlocal code
            code = views.area_of(cursor, settings.default_region).code

        hub = hub_mod.path(settings.hub)
        steps += [
            area,
            lambda: views.region(cursor, prof, code),
            lambda: views.home(cursor, prof),
            lambda: _cache.memo(cursor, all_indicators, prof),  # every region page's state and nation figures
            lambda: views.programs(cursor, prof, code, hub if hub.exists() else None, {}),
            lambda: warm_region(cursor, code, prof),
        ]
        try:
            for step in steps:
                if stopping.is_set():
                    return
                step()
        except Exception:  # a warm-up must never stop the server; the page will say what is wrong
            if not stopping.is_set():
                log.exception("warming the dashboard's default region failed")

    thread = threading.Thread(target=work, name="upward-pages-warm", daemon=True)
    thread.start()

    def stop() -> None:
        stopping.set()
        if thread.is_alive():
            cursor.interrupt()
            thread.join(timeout=30)
        cursor.close()

    return stop
