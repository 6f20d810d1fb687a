"""The atlas: Upward's DuckDB database, built from the bundle on first use and then opened read-only.

It lives in the user data directory (or `--db PATH` / `UPWARD_DB`) under a name carrying the
bundle's fingerprint, so a new data release builds a new atlas and never mixes with the old one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from upward.errors import UpwardError


def default_path() -> Path:
    from upward.bundle import fingerprint

    env = os.environ.get("UPWARD_DB")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("upward")) / f"atlas-{fingerprint()}.duckdb"


class NotAnAtlasError(UpwardError):
    def __init__(self, path: Path):
        super().__init__(
            f"{path} exists and is not an Upward atlas; Upward will not overwrite it.",
            hint="Pass another --db path (or UPWARD_DB), or delete the file if it is yours to lose.",
        )


def _fingerprint_of(path: Path) -> str | None:
    """The bundle fingerprint an atlas was built from; raises if the file is something else."""
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise NotAnAtlasError(path) from exc
    try:
        row = con.execute("select value from meta where key = 'bundle_fingerprint'").fetchone()
    except duckdb.Error as exc:
        raise NotAnAtlasError(path) from exc
    finally:
        con.close()
    if not row:
        raise NotAnAtlasError(path)
    return row[0]


def ensure(path: Path | str | None = None, progress: Callable[[str], None] | None = None) -> Path:
    """Return the path of an atlas that matches the shipped bundle, building it if needed.

    An atlas built from another bundle is rebuilt (it is derived data); any other file is refused.
    """
    from upward.bundle import fingerprint

    path = Path(path) if path else default_path()
    if path.is_dir():
        raise UpwardError(f"{path} is a folder; --db needs a file path such as {path / 'atlas.duckdb'}.")
    if path.exists() and _fingerprint_of(path) == fingerprint():
        return path
    from upward.atlas.build import build

    build(path, progress=progress)
    return path


def connect(path: Path | str | None = None, progress: Callable[[str], None] | None = None):
    """Open the atlas read-only (analysis never writes to it)."""
    import duckdb

    path = ensure(path, progress)
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise UpwardError(f"Cannot open the atlas at {path}: {exc}", hint="Delete the file to rebuild it, or pass --db.") from exc
