"""`/api/v1`: the REST API. Every route returns the JSON its CLI command prints."""

from __future__ import annotations

from fastapi import APIRouter

from upward.web.deps import Settings


def router(settings: Settings) -> APIRouter:
    r = APIRouter(prefix="/api/v1")
    return r
