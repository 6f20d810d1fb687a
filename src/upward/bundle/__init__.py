"""The compact real data Upward ships, derived from the official files by `scripts/build_bundle.py`.

Each parquet file in `data/` has a record in `provenance.json`: its source, release, the
sha256 of every official input file, the license and the attribution text to show.
"""

from __future__ import annotations

import hashlib
import json
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
