"""The dashboard: server-rendered pages over the same analysis functions the API serves."""

from __future__ import annotations

from fastapi import APIRouter

from upward.web.deps import Settings


def router(settings: Settings) -> APIRouter:
    r = APIRouter(include_in_schema=False)
    return r
