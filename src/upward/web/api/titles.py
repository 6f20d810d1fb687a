"""Job titles → SOC 2018 codes (CLI: `upward titles code`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from upward.web.api._shared import Context, ok

TAG = "Job titles"
#: Titles per request and characters per title: a navigator types a few; files go through the CLI.
MAX_TITLES = 100
MAX_CHARS = 200


def router() -> APIRouter:
    r = APIRouter(tags=[TAG])

    @r.get("/titles/code", summary="Code job titles to SOC 2018", responses=ok("titles", 400, 422, array=True),
           description="For each title, in the order given: the best SOC 2018 occupation, a confidence from 0 to 1 and the top "
           "candidates with their scores; an empty title gets `soc: null` with a reason. Offline, from the BLS Direct Match and O*NET "
           f"title lists (docs/titles.md). Up to {MAX_TITLES} titles of up to {MAX_CHARS} characters "
           "(CLI: `upward titles code TITLE … --json`).")
    def code(
        ctx: Context,
        title: Annotated[list[str], Query(description="A job title; repeat the parameter for several.", max_length=MAX_CHARS,
                                          examples=["Registered Nurse"])],
        top: Annotated[int, Query(ge=1, le=20, description="How many candidates per title.")] = 5,
    ):
        from upward.errors import UpwardError
        from upward.titles import code_titles

        if len(title) > MAX_TITLES:
            raise UpwardError(f"{len(title)} titles in one request; at most {MAX_TITLES}.", hint="Code a file of titles with: upward titles code --file FILE --column NAME")
        return ctx.respond("titles", {"title": list(title), "top": top}, lambda: code_titles(ctx.cur, list(title), top=top))

    return r
