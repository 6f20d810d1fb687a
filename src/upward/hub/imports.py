"""Importing an inventory into the hub, listing imports, rolling one back, reading the current inventory."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from upward.errors import ConflictError, UnknownRecordError, UpwardError
from upward.hub._db import KEYS, open_hub
from upward.hub._db import path as hub_file
from upward.hub._tables import append, columns, now, records, transaction, user
from upward.hub.inventory_cells import award_level_value
from upward.hub.inventory_read import read_inventory
from upward.hub.validate import InventoryError, check
from upward.sheets import Problem

#: Program fields compared by a dry run (file_row, the row's place in the file, is not a fact).
PROGRAM_FIELDS = (
    "provider_id", "name", "cip_code", "award_level", "credential", "hours", "weeks", "cost", "modality",
    "schedule", "target_socs", "populations_served", "supports", "employer_partners", "source", "as_of",
)  # fmt: skip
#: The outcome measures, and the template column that holds each one's horizon.
HORIZONS = {"employment_rate": "employment_rate_horizon", "median_earnings": "earnings_horizon"}
PROVIDER_FIELDS = ("name", "type", "county_fips")


class Change(NamedTuple):
    field: str
    old: Any
    new: Any


@dataclass
class ImportResult:
    """What an import did (or, with `dry_run`, would do), program by program."""

    file: str
    sha256: str
    rows: int
    dry_run: bool
    import_id: int | None = None
    who: str | None = None
    at: dt.datetime | None = None
    new_programs: list[str] = field(default_factory=list)
    changed_programs: dict[str, list[Change]] = field(default_factory=dict)
    unchanged_programs: list[str] = field(default_factory=list)
    new_providers: list[str] = field(default_factory=list)
    changed_providers: dict[str, list[Change]] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    #: Problems that do not block the import (an award level that is not an IPEDS code), one per cell.
    warnings: list[Problem] = field(default_factory=list)
    #: Job titles given as target occupations, coded to SOC: title, file_row, soc, confidence, added.
    coded_titles: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        verb = "would add" if self.dry_run else "added"
        head = f"{Path(self.file).name}: {self.rows} rows; " if self.dry_run else f"import {self.import_id} ({Path(self.file).name}, {self.rows} rows): "
        text = (
            head + f"{verb} {len(self.new_programs)} new programs, "
            f"{'would change' if self.dry_run else 'changed'} {len(self.changed_programs)}, "
            f"{len(self.unchanged_programs)} unchanged; providers: {len(self.new_providers)} new, "
            f"{len(self.changed_providers)} changed."
        )
        if self.ignored_columns:
            text += f" Ignored columns: {', '.join(self.ignored_columns)}."
        if self.coded_titles:
            n_added = sum(1 for c in self.coded_titles if c["added"])
            text += (f" Job titles coded to SOC: {len(self.coded_titles)} ({n_added} added to target occupations,"
                     f" {len(self.coded_titles) - n_added} left for review; see the warnings).")
        text += " Nothing was written (dry run)." if self.dry_run else ""
        if self.warnings:
            shown = 5
            text += f"\n{len(self.warnings)} warning{'s' * (len(self.warnings) != 1)}:"
            text += "".join(f"\n  {w}" for w in self.warnings[:shown])
            if len(self.warnings) > shown:
                text += f"\n  … and {len(self.warnings) - shown} more (see warnings in --json)"
        return text

    def to_dict(self) -> dict:
        def plain(v):
            if isinstance(v, (dt.date, dt.datetime)):
                return v.isoformat()
            return list(v) if isinstance(v, tuple) else v

        def changes(d):
            return {k: [{"field": c.field, "old": plain(c.old), "new": plain(c.new)} for c in v] for k, v in d.items()}

        return {
            "file": self.file,
            "sha256": self.sha256,
            "rows": self.rows,
            "dry_run": self.dry_run,
            "import_id": self.import_id,
            "who": self.who,
            "at": plain(self.at),
            "new_programs": self.new_programs,
            "changed_programs": changes(self.changed_programs),
            "unchanged_programs": self.unchanged_programs,
            "new_providers": self.new_providers,
            "changed_providers": changes(self.changed_providers),
            "ignored_columns": self.ignored_columns,
            "warnings": [w._asdict() for w in self.warnings],
            "coded_titles": self.coded_titles,
        }


def _coded_titles(codes: pd.DataFrame | None) -> list[dict]:
    """The coded titles as plain records (candidates as a list), for the import result."""
    import json

    if codes is None or codes.empty:
        return []
    return [{**r, "candidates": json.loads(r["candidates"])} for r in codes.to_dict("records")]








def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (a != a and b != b)
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return a is not None and b is not None and list(a) == list(b)
    return a == b


def _plain(v):
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    return list(v) if isinstance(v, (list, tuple)) else v


def _current(con, table: str, ids: list[str], key: str) -> list[dict]:
    import pyarrow as pa

    con.register("_ids", pa.table({"id": pa.array(ids, pa.string())}))
    try:
        return records(con, f"select * from current_{table} where {key} in (select id from _ids)")
    finally:
        con.unregister("_ids")


def _diff(con, checked, result: ImportResult) -> None:
    progs = checked.programs
    old = {r["program_id"]: r for r in _current(con, "programs", progs["program_id"].tolist(), "program_id")}
    old_c = {(r["program_id"], r["year"]): r["completions"] for r in _current(con, "completions", progs["program_id"].tolist(), "program_id")}
    old_o = {(r["program_id"], r["measure"]): r for r in _current(con, "outcomes", progs["program_id"].tolist(), "program_id")}
    new_c = {p: (int(y), int(c)) for p, y, c in checked.completions.itertuples(index=False)}  # one per program per file
    new_o = {(p, m): (v, h) for p, m, v, h in checked.outcomes.itertuples(index=False)}

    def shown(f, value):  # as the inventory shows it
        value = _plain(value)
        return award_level_value(value) if f == "award_level" else value

    for rec in progs.to_dict("records"):
        pid = rec["program_id"]
        if pid not in old:
            result.new_programs.append(pid)
            continue
        # .get: a version-1 hub has no populations_served until the import upgrades it
        pairs = ((f, shown(f, old[pid].get(f)), shown(f, rec[f])) for f in PROGRAM_FIELDS)
        changes = [Change(f, a, b) for f, a, b in pairs if not _same(a, b)]
        # A blank completions or outcome cell states nothing: the earlier figure stays current.
        if pid in new_c:
            year, count = new_c[pid]
            if old_c.get((pid, year)) != count:
                changes.append(Change(f"completions {year}", old_c.get((pid, year)), count))
        for measure, horizon_field in HORIZONS.items():
            if (pid, measure) in new_o:
                value, horizon = new_o[(pid, measure)]
                before = old_o.get((pid, measure))
                if before is None or before["value"] != value:
                    changes.append(Change(measure, before and before["value"], float(value)))
                if (before and before["horizon"]) != _plain(horizon):
                    changes.append(Change(horizon_field, before and before["horizon"], _plain(horizon)))
        if changes:
            result.changed_programs[pid] = changes
        else:
            result.unchanged_programs.append(pid)
    provs = checked.providers
    old_p = {r["provider_id"]: r for r in _current(con, "providers", provs["provider_id"].tolist(), "provider_id")}
    for rec in provs.to_dict("records"):
        before = old_p.get(rec["provider_id"])
        if before is None:
            result.new_providers.append(rec["provider_id"])
            continue
        changes = [Change(f, before[f], _plain(rec[f])) for f in PROVIDER_FIELDS if not _same(before[f], _plain(rec[f]))]
        if changes:
            result.changed_providers[rec["provider_id"]] = changes








def _refuse_if_active(con, digest: str, file: Path) -> None:
    found = records(con, 'select import_id, "at", who from imports where sha256 = ? and status = \'active\' order by import_id', [digest])
    if found:
        f = found[-1]
        raise ConflictError(
            f"{file.name} is byte-identical to import {f['import_id']} ({f['at']:%Y-%m-%d %H:%M} UTC, by {f['who']}), "
            "which is still active; importing it again would change nothing.",
            hint=f"To bring back what that file said after a later import changed it, roll back the later import "
            f"(see the history). To import it as new anyway, first roll back import {f['import_id']}.",
        )


def import_file(con, hub_path: Path | str | None, path: Path | str, dry_run: bool = False, who: str | None = None,
                limits=None) -> ImportResult:  # fmt: skip
    """Validate `path` against the atlas `con` and add it to the hub as one import (all or nothing).

    `limits`: how much of the file to read (`upward.sheets.Limits`, the profile's [limits];
    default: the default profile's).
    Any bad row: raises `InventoryError` listing every problem (file, row, field, reason) and
    writes nothing. `dry_run`: returns what would change and writes nothing (not even a new hub
    file). A byte-identical file that is already active is refused.
    """
    path = Path(path)
    if not path.is_file():
        raise UpwardError(f"{path}: file not found.", hint="Give the path of a CSV, XLSX or JSON inventory.")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    df = read_inventory(path, data, limits)
    where = hub_file(hub_path)
    if where.exists():
        with open_hub(where, write=False) as hub:
            _refuse_if_active(hub, digest, path)
    checked = check(con, df, path)
    if checked.problems:
        raise InventoryError(path, checked.problems)
    result = ImportResult(
        file=str(path.resolve()), sha256=digest, rows=len(checked.programs), dry_run=dry_run,
        ignored_columns=checked.ignored_columns, warnings=checked.warnings,
        coded_titles=_coded_titles(checked.title_codes),
    )  # fmt: skip
    if dry_run:
        with open_hub(where, write=False) as hub:
            _diff(hub, checked, result)
        return result

    with open_hub(where, write=True) as hub:
        _refuse_if_active(hub, digest, path)  # again, under the write lock
        _diff(hub, checked, result)
        result.who, result.at = user(who), now()
        with transaction(hub):  # an older hub gets the current schema, committed with this import
            import_id = hub.execute("select coalesce(max(import_id), 0) + 1 from imports").fetchone()[0]
            record = pd.DataFrame(
                [{
                    "import_id": import_id, "file": result.file, "sha256": digest, "who": result.who, "at": result.at,
                    "rows": result.rows, "status": "active", "rolled_back_at": None, "rolled_back_by": None,
                }]
            )  # fmt: skip
            append(hub, "imports", record)
            for table in KEYS:
                append(hub, table, getattr(checked, table).assign(import_id=import_id))
            if checked.title_codes is not None and len(checked.title_codes):
                append(hub, "program_title_codes", checked.title_codes.assign(import_id=import_id))
    result.import_id = int(import_id)
    return result


def history(hub_path: Path | str | None = None) -> list[dict]:
    """Every import, oldest first: import_id, file, sha256, who, at (UTC), rows, status, rolled_back_at, rolled_back_by."""
    with open_hub(hub_path, write=False) as hub:
        return records(hub, "select * from imports order by import_id")


def rollback(hub_path: Path | str | None, import_id: int, who: str | None = None) -> dict:
    """Mark an import rolled back: the current views fall back to each row's previous version.

    Nothing is deleted, so the rows stay in the hub (and in `history`). Unknown and already
    rolled-back imports are refused. Returns the import's updated history record.
    """
    where = hub_file(hub_path)
    if not where.exists():
        raise UnknownRecordError(f"There is no hub at {where} yet, so no import {import_id} to roll back.", hint="Import a file first.")
    with open_hub(where, write=True) as hub:
        found = records(hub, "select * from imports where import_id = ?", [int(import_id)])
        if not found:
            ids = [r[0] for r in hub.execute("select import_id from imports order by import_id").fetchall()]
            raise UnknownRecordError(
                f"There is no import {import_id} in the hub at {where}.",
                hint=f"Imports: {', '.join(map(str, ids))}." if ids else "The hub has no imports yet.",
            )
        rec = found[0]
        if rec["status"] == "rolled_back":
            raise ConflictError(
                f"Import {import_id} was already rolled back ({rec['rolled_back_at']:%Y-%m-%d %H:%M} UTC, by {rec['rolled_back_by']}).",
                hint="Nothing to do. To bring its rows back, import its file again.",
            )
        hub.execute(
            "update imports set status = 'rolled_back', rolled_back_at = ?, rolled_back_by = ? where import_id = ?",
            [now(), user(who), int(import_id)],
        )
        return records(hub, "select * from imports where import_id = ?", [int(import_id)])[0]


def inventory(hub_path: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """The current inventory: {'providers', 'programs', 'completions', 'outcomes'} → DataFrame, sorted by key.

    programs.award_level holds an IPEDS award-level code as an int (3), other award text as
    text; a version-1 hub's programs read with populations_served blank.
    """
    out = {}
    with open_hub(hub_path, write=False) as hub:
        for table, key in KEYS.items():
            out[table] = hub.execute(f"select * from current_{table} order by {', '.join(key)}").df()
    programs = out["programs"]
    if "populations_served" not in programs:  # a version-1 hub
        programs["populations_served"] = pd.Series([pd.NA] * len(programs), index=programs.index, dtype=object)
    programs["award_level"] = pd.Series([award_level_value(v) for v in programs["award_level"]], index=programs.index, dtype=object)
    # the schema's column order, also for a hub upgraded from version 1 (where the column came last)
    out["programs"] = programs[[name for name, _ in columns("programs")]]
    return out
