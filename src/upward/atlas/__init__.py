"""The atlas: Upward's DuckDB database, built from the bundle on first use and then opened read-only.

It lives in the user data directory (or `--db PATH` / `UPWARD_DB`) under a name carrying its
fingerprint — the bundle's content and the code that derives the atlas — so a new data release
or a new derivation builds a new atlas and never mixes with the old one.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

from upward.errors import UpwardError

_HERE = Path(__file__).resolve().parent
#: The code whose change changes the atlas's content.
_DERIVATION = (
    _HERE / "build.py", _HERE / "programs.py", _HERE / "living_wage.py", _HERE / "releases.py", _HERE / "store.py",
    _HERE / "dimensions.py", _HERE / "people.py", _HERE.parent / "soc.py",
    # the group, sector, measure and price definitions the derivations read
    _HERE.parent / "sources" / "cpi.py", _HERE.parent / "sources" / "ncs.py", _HERE.parent / "sources" / "svi.py",
    _HERE.parent / "sources" / "oews.py",  # TOP_CODED, the footnote the wages view reads
    # the job-title coder's normalised vocabulary
    _HERE.parent / "titles" / "normalise.py", _HERE.parent / "titles" / "vocabulary.py",
)


@cache
def _derivation() -> str:
    h = hashlib.sha256()
    for f in _DERIVATION:
        h.update(f.read_bytes())
    return h.hexdigest()


def _base_fingerprint() -> str:
    from upward import bundle

    return hashlib.sha256((bundle.fingerprint() + _derivation()).encode()).hexdigest()[:16]


def fingerprint(added: str = "") -> str:
    """The bundle and the derivation code, and the user's added releases (`store.digest`) when there are any."""
    if not added:
        return _base_fingerprint()
    return hashlib.sha256(f"{_base_fingerprint()}+{added}".encode()).hexdigest()[:16]


def default_path() -> Path:
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


def fingerprint_of(path: Path) -> str:
    """The fingerprint an existing atlas was built with; raises if the file is something else."""
    import duckdb

    if Path(path).is_dir():
        raise UpwardError(f"{path} is a folder; --db needs a file path such as {Path(path) / 'atlas.duckdb'}.")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise NotAnAtlasError(path) from exc
    try:
        meta = dict(con.execute("select key, value from meta").fetchall())
    except duckdb.Error as exc:
        raise NotAnAtlasError(path) from exc
    finally:
        con.close()
    if "bundle_fingerprint" not in meta:  # every atlas Upward ever built records its bundle
        raise NotAnAtlasError(path)
    return meta.get("atlas_fingerprint", "")


def is_current(path: Path) -> bool:
    """Built from this bundle, by this code, with the releases now in its `releases/` folder."""
    from upward.atlas import store

    return Path(path).exists() and fingerprint_of(path) == fingerprint(store.digest(store.folder(path)))


def ensure(path: Path | str | None = None, progress: Callable[[str], None] | None = None) -> Path:
    """Return the path of a current atlas, building it if needed.

    An atlas built from another bundle or derivation is rebuilt (it is derived data); any other
    file is refused, never overwritten.
    """
    path = Path(path) if path else default_path()
    if path.parent.is_dir():
        from upward.files import clean_stale

        clean_stale(path.parent, f".{path.name}.", (".building", ".building.wal"))  # what a killed build left
    if is_current(path):
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
