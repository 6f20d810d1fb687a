"""The compact real data Upward ships, derived from the official files by `scripts/build_bundle.py`.

Each parquet file in `data/` has a record in `provenance.json`: its source, release, the
sha256 of every official input file, the license and the attribution text to show.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from functools import cache
from pathlib import Path

BUNDLE_DIR = Path(__file__).resolve().parent
DATA_DIR = BUNDLE_DIR / "data"
PROVENANCE_FILE = BUNDLE_DIR / "provenance.json"


@cache
def provenance() -> dict:
    return json.loads(PROVENANCE_FILE.read_text(encoding="utf-8"))


def fingerprint() -> str:
    """Identifies this bundle's content: an atlas built from another bundle is rebuilt."""
    return hashlib.sha256(PROVENANCE_FILE.read_bytes()).hexdigest()[:16]


def path(name: str) -> Path:
    return DATA_DIR / f"{name}.parquet"


def copy_without(releases: set[str], root: Path) -> Path:
    """This bundle less the rows of some releases, written under `root` (data/ and provenance.json).

    For measuring and testing `upward atlas add` with BLS's real files of those releases: an atlas
    built from the copy lacks them, and adding the files must give back exactly the bundle's rows.
    """
    import pyarrow.parquet as pq

    root = Path(root)
    (root / "data").mkdir(parents=True, exist_ok=True)
    prov = json.loads(PROVENANCE_FILE.read_text(encoding="utf-8"))
    for name in prov["files"]:
        table = pq.read_table(path(name))
        if "release" in table.column_names:
            table = table.filter([r not in releases for r in table.column("release").to_pylist()])
            prov["files"][name]["rows"] = table.num_rows
        pq.write_table(table, root / "data" / f"{name}.parquet")
    (root / "provenance.json").write_text(json.dumps(prov, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return root


@contextmanager
def located(root: Path):
    """Read the bundle under `root` (a `copy_without`) instead of the installed one, for the block."""
    global DATA_DIR, PROVENANCE_FILE
    saved = DATA_DIR, PROVENANCE_FILE
    DATA_DIR, PROVENANCE_FILE = Path(root) / "data", Path(root) / "provenance.json"
    provenance.cache_clear()
    try:
        yield root
    finally:
        DATA_DIR, PROVENANCE_FILE = saved
        provenance.cache_clear()
