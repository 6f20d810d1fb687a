"""Training programs: the area's inventory, alignment, gaps and bridges; the region's own imports
(CLI: programs list, align, gaps, bridges, import, history, rollback)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile

from upward.codes import cip_prefix
from upward.hub import data as hub_data
from upward.web import deps
from upward.web.api._shared import (
    SOC_DESCRIPTION, Context, Ctx, Hub, area_path, holds_token, imported, json_response, ok, public_history, require_token, safe_name, suffix_of,
)  # fmt: skip

AreaPath = area_path("houston", "0026420")
TAG = "Training programs"


def _alignment(ctx: Ctx, area_code: str, hub) -> dict:
    """The area's alignment (`upward programs align --json`) as `ctx.respond` or `ctx.answer` takes
    it: the gaps route narrows the same cached answer."""
    from upward.analysis.programs import alignment

    return {"name": "alignment", "params": {"area": area_code}, "compute": lambda: alignment(ctx.cur, area_code, ctx.profile, hub_data(hub)),
            "hub": hub, "warm": "model"}


def _inventory(ctx: Ctx, area_code: str, hub) -> dict:
    """Every program of the area as `upward programs list --json` lists them (before its --cip and
    --soc filters), as `ctx.respond` or `ctx.answer` takes it."""
    from upward.analysis.programs import program_list

    return {"name": "programs", "params": {"area": area_code}, "compute": lambda: program_list(ctx.cur, area_code, hub_data(hub)), "hub": hub}


def router() -> APIRouter:
    r = APIRouter(tags=[TAG])

    @r.get("/regions/{area:path}/programs/alignment", summary="Program alignment with quality jobs", responses=ok("alignment", 404, 409, 422),
           description="Supply (local completions: people, less students studying exclusively online from another state) against "
           "openings per occupation where training is its route, training gaps and the JTMs that are no training gap, duplicates, "
           "stepping stones on the region's recommended pathways and phase-out candidates with their evidence "
           "(CLI: `upward programs align --json`; rules in docs/programs.md).")
    def alignment(ctx: Context, area: AreaPath, hub: Hub):
        return ctx.respond(**_alignment(ctx, ctx.area(area).code, hub))

    @r.get("/regions/{area:path}/programs/gaps", summary="Program gaps", responses=ok("gaps", 404, 409, 422),
           description="Jobs That Mobilize people train for (BLS entry route) with no program in the area or too few local "
           "completers for their openings, the JTMs short of completers that are no training gap and why, and possible duplicates "
           "(CLI: `upward programs gaps --json`).")
    def gaps(ctx: Context, area: AreaPath, hub: Hub):
        from upward.analysis.programs import training_gaps

        code = ctx.area(area).code  # the alignment answer reused, narrowed as `upward programs gaps --json` narrows it
        return ctx.respond("gaps", {"area": code}, lambda: training_gaps(ctx.answer(**_alignment(ctx, code, hub))), hub=hub)

    @r.get("/regions/{area:path}/programs/bridges", summary="Programs bridging one job to the next", responses=ok("bridges", 404, 409, 422),
           description="Programs in the area that train for the next occupation of a step (at an award level that leads into it), "
           "most relevant first: live before dormant, stated targets and specific fields, the step's own award, local completions, "
           "cost and length (CLI: `upward programs bridges --json`).")
    def bridges(
        ctx: Context,
        area: AreaPath,
        from_: Annotated[str, Query(alias="from", description="The occupation a person holds. " + SOC_DESCRIPTION, max_length=200, examples=["31-1131"])],
        to: Annotated[str, Query(description="The next occupation on the pathway. " + SOC_DESCRIPTION, max_length=200, examples=["29-2061"])],
        hub: Hub,
        top: Annotated[int, Query(ge=1, le=1000, description="How many programs.")] = 10,
    ):
        from upward.analysis.programs import bridges as bridges_of

        a, x, y = ctx.area(area), ctx.soc(from_, "from"), ctx.soc(to, "to")

        def compute():  # bridges(top) is every bridge cut at `top`: the whole list is computed once, then cut
            every = ctx.answer("bridges", {"area": a.code, "from": x.code, "to": y.code, "top": None},
                               lambda: bridges_of(ctx.cur, a.code, x.code, y.code, hub_data(hub), None), hub=hub)
            return {**every, "bridges": every["bridges"][:top]}

        return ctx.respond("bridges", {"area": a.code, "from": x.code, "to": y.code, "top": top}, compute, hub=hub)

    @r.get("/regions/{area:path}/programs", summary="Programs offered in an area", responses=ok("programs", 404, 409, 422),
           description="The public seed (IPEDS, Scorecard, ETPL) plus the region's imports, with IPEDS awards, local completions, "
           "the exclusively-online share and earnings (CLI: `upward programs list --json`).")
    def programs(
        ctx: Context,
        area: AreaPath,
        hub: Hub,
        cip: Annotated[str | None, Query(description="CIP code or prefix, e.g. 51.38 or 51.3801 (or 513801).", max_length=20, examples=["51.38"])] = None,
        soc: Annotated[str | None, Query(description="Only programs leading to this occupation. " + SOC_DESCRIPTION, max_length=200, examples=["29-1141"])] = None,
    ):
        from upward.analysis.programs import only

        a = ctx.area(area)
        occ = ctx.soc(soc) if soc else None
        prefix = cip_prefix(cip) if cip else None  # as `upward programs list` reads --cip
        if prefix is None and occ is None:
            return ctx.respond(**_inventory(ctx, a.code, hub))
        # the area's inventory (computed once per area and hub state), filtered as the CLI filters it
        return ctx.respond("programs", {"area": a.code, "cip": prefix, "soc": occ and occ.code},
                           lambda: only(ctx.answer(**_inventory(ctx, a.code, hub)), prefix, occ and occ.code), hub=hub)

    @r.get("/programs/imports", summary="Import history", responses=ok("imports", description="Every import, oldest first."),
           description="What was imported, when, the file's name and sha256, how many rows, and whether it was rolled back "
           "(CLI: `upward programs history --json`). Who imported or rolled back is shown only with the bearer token.")
    def imports(ctx: Context, hub: Hub):
        from upward.hub import history

        who = holds_token(ctx.request)
        return ctx.respond("imports", {"who": who}, lambda: public_history(history(hub), who) if hub else [], hub=hub)

    return r


def write_router() -> APIRouter:
    r = APIRouter(tags=[TAG], dependencies=[Depends(require_token)])

    @r.post("/programs/imports", summary="Import a program inventory (write)", status_code=201,
            responses=ok("import", 401, 403, 409, 413, 415, 422, status=201, description="What the import did; with dry_run (status 200), what it would do."),
            description="The region's own inventory as CSV, XLSX or JSON (template: `upward programs template`, docs/programs-import.md). "
            "Every row is checked; any bad row rejects the file with every problem's row and field (422) and writes nothing. "
            "A byte-identical file that is still active is refused (409). The file is kept beside the hub so the history names real "
            "bytes. Needs the bearer token (CLI: `upward programs import FILE --json`).")
    def import_programs(
        request: Request,
        ctx: Context,
        file: Annotated[UploadFile, File(description="The inventory: .csv (UTF-8), .xlsx or .json.")],
        dry_run: Annotated[bool, Form(description="Check the file and say what would change; write nothing.")] = False,
        who: Annotated[str | None, Form(description="Who imports it (recorded in the hub's history).", max_length=200)] = None,
    ):
        from upward import hub as hub_mod
        from upward.sheets import Limits

        suffix = suffix_of(file, (".csv", ".xlsx", ".json"), "a program inventory")
        return imported(request, file, safe_name(file.filename, "inventory" + suffix), dry_run,
                        lambda hub, path, dry_run: hub_mod.import_file(ctx.cur, hub, path, dry_run=dry_run, who=who or "api", limits=Limits.of(ctx.profile)),
                        headers={"Location": "/api/v1/programs/imports"})

    @r.post("/programs/imports/{import_id}/rollback", summary="Roll back an import (write)",
            responses=ok("rollback", 401, 403, 404, 409, description="The import's updated history record."),
            description="The inventory returns to its state before the import; nothing is deleted (CLI: `upward programs rollback ID --json`). "
            "Needs the bearer token.")
    def rollback(
        request: Request,
        import_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="The import's id (see GET /api/v1/programs/imports).")],
        who: Annotated[str | None, Form(description="Who rolls it back (recorded in the hub's history).", max_length=200)] = None,
    ):
        from upward import hub as hub_mod
        with deps.hub_writing(request) as hub:  # no such import: UnknownRecordError (404); already rolled back: ConflictError (409)
            record = public_history([hub_mod.rollback(hub, import_id, who=who or "api")], True)[0]
        return json_response(record)

    return r
