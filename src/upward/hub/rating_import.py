"""Importing a returned rating sheet: read it, check every row, append it to the hub, say what changed.

`import_ratings` checks every row before writing anything. Any bad row rejects the whole file
with `RatingSheetError` (`upward.hub.rating_sheet`); a good file is appended to the hub in one
transaction (the hub's schema upgraded in that transaction when needed) with who imported it and
when (`upward.hub.ratings`); earlier ratings are never changed (see upward.analysis.skills for how
the latest rating of each rater counts). The result lists every element whose place or level in
the regional benchmark the file changes, computed by the benchmark rule itself before and after.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from upward import sheets
from upward.analysis import skills
from upward.errors import UpwardError
from upward.hub import rating_checks
from upward.hub import ratings as stored
from upward.hub._db import open_hub
from upward.hub._db import path as hub_file
from upward.hub.rating_sheet import RatingSheetError, read_sheet, sheet_error


@dataclass
class RatingImport:
    """What an import of ratings did (or, with `dry_run`, would do)."""

    file: str
    sha256: str
    rows: int
    dry_run: bool
    skipped_rows: list[int] = field(default_factory=list)
    by_rating: dict[str, int] = field(default_factory=dict)
    benchmarks: list[dict] = field(default_factory=list)  # (area_code, occ_code) pairs rated
    changes: list[dict] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    import_id: int | None = None
    who: str | None = None
    at: dt.datetime | None = None

    def summary(self) -> str:
        verb = "would add" if self.dry_run else "added"
        head = f"{Path(self.file).name}: " if self.dry_run else f"benchmark import {self.import_id} ({Path(self.file).name}, by {self.who}, {self.at:%Y-%m-%d %H:%M} UTC): "
        counts = ", ".join(f"{n} {r}" for r, n in self.by_rating.items() if n)
        text = head + f"{verb} {self.rows} rating{'s' * (self.rows != 1)} ({counts})"
        if self.skipped_rows:
            text += f"; {len(self.skipped_rows)} row{'s' * (len(self.skipped_rows) != 1)} left unrated"
        text += "."
        if self.changes:
            text += f"\n{'Would change' if self.dry_run else 'Changed'} the regional benchmark:"
            for c in self.changes:
                text += f"\n  {c['area_code']} {c['occ_code']} {c['element_name']}: {_verdict(c, 'before')} → {_verdict(c, 'after')}"
        else:
            text += " The regional benchmark levels stay as they were."
        if self.ignored_columns:
            text += f"\nIgnored columns: {', '.join(self.ignored_columns)}."
        if self.dry_run:
            text += "\nNothing was written (dry run)."
        return text

    def to_dict(self) -> dict:
        return {
            "file": self.file, "sha256": self.sha256, "rows": self.rows, "dry_run": self.dry_run,
            "skipped_rows": self.skipped_rows, "by_rating": self.by_rating, "benchmarks": self.benchmarks,
            "changes": self.changes, "ignored_columns": self.ignored_columns, "import_id": self.import_id,
            "who": self.who, "at": self.at.isoformat() if self.at else None,
        }  # fmt: skip


def _verdict(change: dict, when: str) -> str:
    level = change[f"level_{when}"]
    status = change[f"status_{when}"]
    if level is None:
        return status
    return f"{level:.2f} ({status})"


def import_ratings(con, path: Path | str, profile=None, *, hub_path: Path | str | None = None, who: str | None = None,
                   dry_run: bool = False, soc: str | None = None, area_code: str | None = None) -> RatingImport:  # fmt: skip
    """Check every row of a rating sheet against the atlas and the profile, then append it to the hub (all or nothing).

    `soc` / `area_code`: when given, every rated row must be for that occupation / region. Any
    bad row raises `RatingSheetError` and writes nothing; `dry_run` writes nothing either (not
    even a new hub). A file byte-identical to an earlier import is refused.
    """
    from upward import profiles

    profile = profile or profiles.load()
    path = Path(path)
    if not path.is_file():
        raise UpwardError(f"{path}: file not found.", hint="Give the path of the rating sheet (.csv or .xlsx) exported by: upward benchmark SOC --region AREA --export FILE")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    sheet = read_sheet(path, data, sheets.Limits.of(profile))
    where = hub_file(hub_path)
    if where.exists():
        with open_hub(where, write=False) as hub:
            stored.refuse_if_imported(hub, digest, path)
    checked = rating_checks.check(con, path, sheet, profile, hub_path=where, soc=soc, area_code=area_code)
    if checked.problems:
        raise RatingSheetError(path, checked.problems)
    if not checked.ratings:
        raise sheet_error(path, "no row is rated yet. Fill in at least one row of the Ratings sheet: rating (agree, raise, lower, add "
                                "or remove), proposed_level (0–7, for raise, lower and add), rater and organisation", field="rating")
    result = RatingImport(
        file=str(path.resolve()), sha256=digest, rows=len(checked.ratings), dry_run=dry_run, skipped_rows=checked.skipped,
        by_rating={r: sum(g["rating"] == r for g in checked.ratings) for r in skills.RATINGS},
        benchmarks=[{"area_code": a, "occ_code": o} for a, o in sorted({(g["area_code"], g["occ_code"]) for g in checked.ratings})],
        ignored_columns=[c for c in checked.ignored],
    )  # fmt: skip
    if dry_run:
        old = stored.ratings(where) if where.exists() else []
        result.changes = _compare(con, profile, old, checked.ratings, stored.next_import_id(where))
        return result
    import_id, result.who, result.at = stored.add(where, checked.ratings, path=path, file=result.file, sha256=digest, who=who)
    result.import_id = import_id
    old = [r for r in stored.ratings(where) if r["import_id"] != import_id]
    result.changes = _compare(con, profile, old, checked.ratings, import_id)
    return result


def _compare(con, profile, earlier: list[dict], new: list[dict], next_id: int) -> list[dict]:
    """Per (area, occupation) in the file: the elements whose membership or level the new ratings change.

    The benchmark is computed with the earlier ratings and again with the new ones added (under
    the id they get), so what is reported is exactly what the benchmark rule makes of them.
    """
    out = []
    for area, occ in sorted({(r["area_code"], r["occ_code"]) for r in new}):
        old = [r for r in earlier if (r["area_code"], r["occ_code"]) == (area, occ)]
        added = [{**r, "import_id": next_id} for r in new if (r["area_code"], r["occ_code"]) == (area, occ)]
        before = {e["element_id"]: e for e in skills.benchmark(con, area, occ, profile, ratings=old)["elements"]}
        for e in skills.benchmark(con, area, occ, profile, ratings=old + added)["elements"]:
            b = before.get(e["element_id"])
            level_before = b["region_level"] if b else None
            in_before = bool(b and b["in_benchmark"])
            same_level = (level_before is None and e["region_level"] is None) or (
                level_before is not None and e["region_level"] is not None and abs(level_before - e["region_level"]) < 1e-9
            )
            if in_before == e["in_benchmark"] and same_level:
                continue
            out.append({"area_code": area, "occ_code": occ, "element_id": e["element_id"], "element_name": e["element_name"],
                        "status_before": b["status"] if b else "not essential", "level_before": level_before,
                        "status_after": e["status"], "level_after": e["region_level"]})  # fmt: skip
    return out
