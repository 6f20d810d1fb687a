"""Employer ratings of skill benchmarks as the hub keeps them: read, listed by import, appended.

Ratings are appended, never changed: each import of a sheet is one `benchmark_imports` row (file,
sha256, who, when) and its ratings `benchmark_ratings` rows; a rater's later rating supersedes
their earlier one in the benchmark rule (`upward.analysis.skills`), while both stay here. A hub
from before schema version 3 has no rating tables and reads as having no ratings.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from upward.errors import ConflictError
from upward.hub._db import has_table, open_hub
from upward.hub._tables import append, now, records, transaction, user


def ratings(hub_path: Path | str | None = None, area_code: str | None = None, occ_code: str | None = None) -> list[dict]:
    """Every rating in the hub (optionally for one area and occupation), oldest first, with who imported it and when."""
    where, params = [], []
    if area_code is not None:
        where.append("r.area_code = ?")
        params.append(area_code)
    if occ_code is not None:
        where.append("r.occ_code = ?")
        params.append(occ_code)
    with open_hub(hub_path, write=False) as hub:
        if not has_table(hub, "benchmark_ratings"):  # a hub from before schema version 3
            return []
        return records(
            hub,
            f"""select r.*, i.who as imported_by, i."at" as imported_at, i.file
                from benchmark_ratings r join benchmark_imports i using (import_id)
                {"where " + " and ".join(where) if where else ""}
                order by r.import_id, r.file_row""",
            params,
        )


def history(hub_path: Path | str | None = None) -> list[dict]:
    """Every rating import, oldest first: import_id, file, sha256, who, at (UTC), rows."""
    with open_hub(hub_path, write=False) as hub:
        if not has_table(hub, "benchmark_imports"):
            return []
        return records(hub, "select * from benchmark_imports order by import_id")


def next_import_id(where: Path) -> int:
    """The id the next rating import will get (what a dry run counts its ratings under)."""
    if not where.exists():
        return 1
    with open_hub(where, write=False) as hub:
        if not has_table(hub, "benchmark_imports"):
            return 1
        return int(hub.execute("select coalesce(max(import_id), 0) + 1 from benchmark_imports").fetchone()[0])


def refuse_if_imported(hub, digest: str, path: Path) -> None:
    """A file byte-identical to an earlier rating import is refused: importing it again would count its ratings twice."""
    if not has_table(hub, "benchmark_imports"):
        return
    found = hub.execute('select import_id, "at", who from benchmark_imports where sha256 = ? order by import_id', [digest]).fetchall()
    if found:
        i, at, by = found[-1]
        raise ConflictError(
            f"{path.name} is byte-identical to benchmark import {i} ({at:%Y-%m-%d %H:%M} UTC, by {by}); importing it again would count its ratings twice.",
            hint="Nothing was imported. To change a rating, give the new rating in a new sheet: a rater's latest rating counts.",
        )


def add(where: Path, checked: list[dict], *, path: Path, file: str, sha256: str, who: str | None) -> tuple[int, str, dt.datetime]:
    """Append one import of checked ratings (all or nothing); returns its import_id, who and when.

    The identical-file check runs again under the write lock, so two imports of one file at once
    cannot both pass it.
    """
    with open_hub(where, write=True) as hub:
        refuse_if_imported(hub, sha256, path)
        by, at = user(who), now()
        with transaction(hub):  # an older hub gets the rating tables, committed with this import
            import_id = hub.execute("select coalesce(max(import_id), 0) + 1 from benchmark_imports").fetchone()[0]
            record = pd.DataFrame([{"import_id": import_id, "file": file, "sha256": sha256, "who": by, "at": at, "rows": len(checked)}])
            append(hub, "benchmark_imports", record)
            append(hub, "benchmark_ratings", pd.DataFrame(checked).assign(import_id=import_id))
    return int(import_id), by, at
