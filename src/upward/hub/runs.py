"""Outcome runs kept in the hub: a run's already-suppressed indicator records and what it was run on.

A run is what `upward.outcomes.run.run()` returns — `{"synthetic", "records", "run"}` — after the
engine has suppressed every small cell. `save_run` keeps only:

- the records, each exactly `{indicator, group, numerator, denominator, value, suppressed}`;
- the run's metadata: profile (name, hash), the inputs' names, sizes and sha256 (and row and
  problem counts), engine, exit window, program year, breakdowns, cohort counts (already
  suppressed below the minimum cell), suppression rounds, data releases, start time, the
  synthetic flag.

Nothing else of a run is stored (no file path, no quarantine file, no participant row or
identifier), and a record that breaks the suppression rule — a suppressed cell with a number, or
a published cell under the profile's minimum — is refused, so a hub can be shared without
exposing a person. Runs are only ever appended (schema 4, `upward.hub._db`).

API: `save_run(result, hub_path, who=…)`, `list_runs(hub_path)`, `get_run(run_id, hub_path, by=…)`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from upward.errors import NotFoundError, UpwardError
from upward.hub._db import has_table, open_hub, upgrade
from upward.hub._db import path as hub_file

RECORD_KEYS = ("indicator", "group", "numerator", "denominator", "value", "suppressed")
#: The run record's keys kept in the hub (every other key is dropped).
RUN_KEYS = (
    "started", "seconds", "engine", "spark_master", "synthetic", "hash", "profile", "household", "cpi_adjustment", "min_cell",
    "exit_from", "exit_to", "program_year", "by", "indicators", "not_computed", "mobility", "earnings_gain", "credit_threshold",
    "mer_interest_rate", "cohort", "inputs", "suppression_rounds", "data",
)  # fmt: skip
#: The columns of a run's row listed by `list_runs` (its metadata without the full record).
SUMMARY = ("run_id", "who", "at", "started", "engine", "synthetic", "exit_from", "exit_to", "program_year", "groupings", "min_cell",
           "profile_name", "profile_hash", "bundle", "inputs_sha256", "records")  # fmt: skip
SYNTHETIC_NOTE = "SYNTHETIC DATA: these people do not exist (written by `upward synth`); the numbers illustrate the method only."


class RunError(UpwardError):
    """A run that cannot be kept: not the outcomes engine's shape, or a record that breaks suppression."""


def _check(result: dict) -> tuple[list[dict], dict]:
    from upward.outcomes.indicators import NAMES
    from upward.outcomes.schema import DIMENSIONS

    if not isinstance(result, dict) or not isinstance(result.get("records"), list) or not isinstance(result.get("run"), dict):
        raise RunError("Not an outcomes result: expected {'records': [...], 'run': {...}} as upward.outcomes.run.run() returns.",
                       hint="Run `upward outcomes … --format json --out outcomes.json`: outcomes.json holds the records and outcomes.run.json the run.")
    run = result["run"]
    for key in ("exit_from", "exit_to", "engine", "profile", "min_cell", "synthetic"):
        if key not in run:
            raise RunError(f"The run record has no '{key}'.", hint="Save the run record the outcomes engine wrote, unchanged.")
    min_cell = int(run["min_cell"])
    records = []
    for i, r in enumerate(result["records"], 1):
        where = f"record {i}"
        if not isinstance(r, dict) or tuple(sorted(r)) != tuple(sorted(RECORD_KEYS)):
            raise RunError(f"{where}: expected exactly the keys {', '.join(RECORD_KEYS)}.", hint="Only the engine's suppressed records are kept.")
        if r["indicator"] not in NAMES:
            raise RunError(f"{where}: unknown indicator {r['indicator']!r}.", hint=f"Indicators: {', '.join(NAMES)}.")
        group = r["group"]
        if not isinstance(group, dict) or not set(group) <= set(DIMENSIONS) or len(group) > 2:
            raise RunError(f"{where}: the group must map one or two of {', '.join(DIMENSIONS)} to a value.")
        if not all(v is None or isinstance(v, str) for v in group.values()):
            raise RunError(f"{where}: group values are text.")
        if not isinstance(r["suppressed"], bool):
            raise RunError(f"{where}: 'suppressed' must be true or false.")
        if r["suppressed"] and any(r[k] is not None for k in ("numerator", "denominator", "value")):
            raise RunError(f"{where} is marked suppressed but carries a number; nothing was saved.",
                           hint="Suppression hides the numerator, the denominator and the value together.")
        if not r["suppressed"] and (r["denominator"] is None or r["denominator"] < min_cell):
            raise RunError(f"{where} publishes a cell of {r['denominator']} people, under the minimum cell of {min_cell}; nothing was saved.",
                           hint="Only runs whose small cells the engine suppressed can be kept.")
        records.append({k: r[k] for k in RECORD_KEYS})
    kept = {k: run[k] for k in RUN_KEYS if k in run}
    if run.get("quarantine"):
        kept["quarantine"] = {"rows": run["quarantine"].get("rows")}
    return records, kept


_TYPES = {"integer": "int32", "bigint": "int64", "varchar": "string", "double": "float64", "boolean": "bool", "timestamp": "timestamp[us]"}


def _arrow(table: str, rows: list[dict]):
    """Rows typed exactly like the hub table (from its DDL), so DuckDB never guesses."""
    import pyarrow as pa

    from upward.hub._db import TABLES

    fields = []
    for line in TABLES[table].split("(", 1)[1].splitlines():
        parts = line.split("--")[0].strip().rstrip(",").split()
        if len(parts) >= 2 and parts[0] not in ("primary", "check", "unique", "foreign", "constraint"):
            fields.append(pa.field(parts[0].strip('"'), pa.type_for_alias(_TYPES[parts[1].lower().rstrip(",")])))
    schema = pa.schema(fields)
    return pa.Table.from_pylist([{f.name: r.get(f.name) for f in fields} for r in rows], schema=schema)


def _inputs_digest(run: dict) -> str:
    h = hashlib.sha256()
    for kind in ("participants", "wages"):
        for f in (run.get("inputs", {}).get(kind) or {}).get("files", []):
            h.update(f"{kind}:{f.get('sha256')}\n".encode())
    return h.hexdigest()


def _user(who: str | None) -> str:
    from upward.hub.imports import _user as user

    return user(who)


def save_run(result: dict | str, hub_path: Path | str | None = None, who: str | None = None) -> dict:
    """Keep a run's suppressed records and metadata in the hub (one transaction); returns its summary with `run_id`.

    `result` is what `upward.outcomes.run.run()` returns (or its JSON text). The hub is created on
    first use and upgraded to schema 4 in the same transaction when older.
    """
    import datetime as dt

    from upward.hub.imports import _insert, _now

    if isinstance(result, (str, bytes)):
        try:
            result = json.loads(result)
        except json.JSONDecodeError as exc:
            raise RunError(f"The run is not valid JSON: {exc}") from exc
    records, run = _check(result)
    started = None
    if run.get("started"):
        try:
            started = dt.datetime.fromisoformat(run["started"]).astimezone(dt.UTC).replace(tzinfo=None)
        except (TypeError, ValueError):
            started = None
    row = {
        "who": _user(who), "at": _now(), "started": started, "engine": str(run["engine"]), "synthetic": bool(run["synthetic"]),
        "exit_from": str(run["exit_from"]), "exit_to": str(run["exit_to"]), "program_year": run.get("program_year"),
        "groupings": json.dumps(run.get("by", [[]])), "min_cell": int(run["min_cell"]),
        "profile_name": str(run["profile"].get("name")), "profile_hash": str(run["profile"].get("hash")),
        "bundle": (run.get("data") or {}).get("bundle"), "inputs_sha256": _inputs_digest(run), "records": len(records),
        "run": json.dumps(run, sort_keys=True, default=str),
    }  # fmt: skip
    with open_hub(hub_path, write=True) as hub:
        hub.begin()
        try:
            upgrade(hub)
            run_id = int(hub.execute("select coalesce(max(run_id), 0) + 1 from outcome_runs").fetchone()[0])
            _insert(hub, "outcome_runs", _arrow("outcome_runs", [{"run_id": run_id, **row}]))
            if records:
                rows = [
                    {"run_id": run_id, "seq": i, "indicator": r["indicator"], "grouping": ",".join(r["group"]),
                     "group_json": json.dumps(r["group"], ensure_ascii=False), "numerator": r["numerator"],
                     "denominator": r["denominator"], "value": r["value"], "suppressed": r["suppressed"]}
                    for i, r in enumerate(records, 1)
                ]  # fmt: skip
                _insert(hub, "outcome_records", _arrow("outcome_records", rows))
            hub.commit()
        except BaseException:
            hub.rollback()
            raise
    return {"run_id": run_id, **{k: v for k, v in row.items() if k != "run"}, "groupings": json.loads(row["groupings"])}


def _summary(r: dict) -> dict:
    out = {k: r[k] for k in SUMMARY}
    out["groupings"] = json.loads(out["groupings"])
    if out["synthetic"]:
        out["note"] = SYNTHETIC_NOTE
    return out


def list_runs(hub_path: Path | str | None = None) -> list[dict]:
    """Every run kept in the hub, oldest first, without its records."""
    from upward.hub.imports import _rows

    where = hub_file(hub_path)
    if not where.exists():
        return []
    with open_hub(where, write=False) as hub:
        if not has_table(hub, "outcome_runs"):
            return []
        return [_summary(r) for r in _rows(hub, "select * from outcome_runs order by run_id")]


def parse_by(by: str | None) -> tuple[str, ...] | None:
    """`by`: None (every record), 'none' or 'overall' (the overall records), or one or two dimensions."""
    from upward.outcomes.schema import DIMENSIONS

    if by is None or not by.strip():
        return None
    if by.strip().lower() in ("none", "overall", "total"):
        return ()
    dims = tuple(sorted(d.strip() for d in by.split(",") if d.strip()))
    bad = [d for d in dims if d not in DIMENSIONS]
    if bad or len(dims) > 2 or len(set(dims)) != len(dims):
        raise UpwardError(f"by: {by!r} is not one or two dimensions.", hint=f"Use 'overall', or one or two of: {', '.join(DIMENSIONS)}.")
    return dims


def get_run(run_id: int, hub_path: Path | str | None = None, by: str | None = None, indicator: str | None = None) -> dict:
    """One run: its summary, its run record and its records (all, or one breakdown with `by`, one indicator with `indicator`)."""
    from upward.hub.imports import _rows

    want = parse_by(by)
    where = hub_file(hub_path)
    found = []
    if where.exists():
        with open_hub(where, write=False) as hub:
            if has_table(hub, "outcome_runs"):
                found = _rows(hub, "select * from outcome_runs where run_id = ?", [int(run_id)])
                rows = _rows(hub, "select * from outcome_records where run_id = ? order by seq", [int(run_id)]) if found else []
    if not found:
        raise NotFoundError(f"There is no outcome run {run_id} in the hub at {where}.", hint="List the runs with GET /api/v1/outcomes/runs.")
    records, groupings = [], []
    for r in rows:
        g = tuple(r["grouping"].split(",")) if r["grouping"] else ()
        if g not in groupings:
            groupings.append(g)
        if want is not None and tuple(sorted(g)) != want:
            continue
        if indicator is not None and r["indicator"] != indicator:
            continue
        records.append({"indicator": r["indicator"], "group": json.loads(r["group_json"]), "numerator": r["numerator"],
                        "denominator": r["denominator"], "value": r["value"], "suppressed": bool(r["suppressed"])})  # fmt: skip
    return {
        **_summary(found[0]),
        "run": json.loads(found[0]["run"]),
        "breakdowns": [list(g) for g in groupings],
        "by": None if want is None else list(want),
        "records": records,
    }
