"""What every web route shares: settings, the atlas connection, the profile, the area and SOC.

The atlas is opened read-only once per process; each request gets its own DuckDB cursor, because
a DuckDB connection must not be used from two threads at once and FastAPI runs plain `def`
routes in a thread pool.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request

from upward.errors import UpwardError


@dataclass(frozen=True)
class Settings:
    db: Path | None = None  # the atlas (None: the user data dir, or $UPWARD_DB)
    hub: Path | None = None  # the hub (None: the user data dir, or $UPWARD_HUB)
    profile: Path | None = None  # the default profile for every request (None: the shipped one)
    read_only: bool = False  # serve no write routes at all
    token: str | None = None  # bearer token the write routes require ($UPWARD_API_TOKEN)
    max_upload_bytes: int = 20 * 1024 * 1024
    default_region: str = "Houston-Pasadena-The Woodlands, TX"
    cors_origins: tuple[str, ...] = field(default_factory=tuple)  # empty: CORS off

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = {
            "token": os.environ.get("UPWARD_API_TOKEN") or None,
            "default_region": os.environ.get("UPWARD_REGION") or cls.default_region,
        }
        return cls(**{**env, **{k: v for k, v in overrides.items() if v is not None}})


def open_atlas(settings: Settings):
    """The atlas, built on first use like the CLI does, then opened read-only."""
    from upward import atlas

    path = atlas.default_path() if settings.db is None else Path(settings.db)
    return atlas.connect(path)


def settings(request: Request) -> Settings:
    return request.app.state.settings


def cursor(request: Request):
    """A per-request cursor on the shared read-only atlas connection."""
    cur = request.app.state.atlas.cursor()
    try:
        yield cur
    finally:
        cur.close()


def profile(request: Request, name: str | None = None):
    """The profile a request uses: the server's (or the shipped default)."""
    from upward import profiles

    return profiles.load(request.app.state.settings.profile)


def hub_path(request: Request) -> Path | None:
    """The hub file if it exists (reading never creates one)."""
    from upward import hub

    p = hub.path(request.app.state.settings.hub)
    return p if p.exists() else None


def resolve_area(con, text: str):
    """An {area} path parameter, accepting everything the CLI accepts."""
    from upward.atlas.lookup import resolve_area as resolve

    return resolve(con, text)


def resolve_soc(con, text: str):
    from upward.atlas.lookup import resolve_occupation

    return resolve_occupation(con, text)


class WriteForbidden(UpwardError):
    """A write route called without the operator's bearer token."""
