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

A stored run is private: the operator reads it (the CLI on the hub, the API with the token). It
becomes readable by anyone only when the operator publishes it (`publish`, schema 5), under the
disclosure policy of `upward.outcomes.disclosure`: one program year's exiters, one run per program
year ever, suppressed at the shipped minimum cell or above, checked by `audit`, optionally rounded.
`public=True` reads only published runs, as published (rounded, without who ran them or the inputs).

API: `save_run(result, hub_path, who=…)`, `list_runs(hub_path, public=…)`, `get_run(run_id, hub_path, by=…, public=…)`,
`publish(run_id, hub_path, rounding=…, who=…)`, `withdraw(run_id, hub_path, who=…)`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from upward.errors import NotFoundError, UpwardError
from upward.hub import _tables
from upward.hub._db import has_table, open_hub
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





def _inputs_digest(run: dict) -> str:
    h = hashlib.sha256()
    for kind in ("participants", "wages"):
        for f in (run.get("inputs", {}).get(kind) or {}).get("files", []):
            h.update(f"{kind}:{f.get('sha256')}\n".encode())
    return h.hexdigest()




def save_run(result: dict | str, hub_path: Path | str | None = None, who: str | None = None) -> dict:
    """Keep a run's suppressed records and metadata in the hub (one transaction); returns its summary with `run_id`.

    `result` is what `upward.outcomes.run.run()` returns (or its JSON text). The hub is created on
    first use and upgraded to schema 4 in the same transaction when older.
    """
    import datetime as dt

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
        "who": _tables.user(who), "at": _tables.now(), "started": started, "engine": str(run["engine"]), "synthetic": bool(run["synthetic"]),
        "exit_from": str(run["exit_from"]), "exit_to": str(run["exit_to"]), "program_year": run.get("program_year"),
        "groupings": json.dumps(run.get("by", [[]])), "min_cell": int(run["min_cell"]),
        "profile_name": str(run["profile"].get("name")), "profile_hash": str(run["profile"].get("hash")),
        "bundle": (run.get("data") or {}).get("bundle"), "inputs_sha256": _inputs_digest(run), "records": len(records),
        "run": json.dumps(run, sort_keys=True, default=str),
    }  # fmt: skip
    with open_hub(hub_path, write=True) as hub:
        with _tables.transaction(hub):
            run_id = int(hub.execute("select coalesce(max(run_id), 0) + 1 from outcome_runs").fetchone()[0])
            _tables.append(hub, "outcome_runs", [{"run_id": run_id, **row}])
            if records:
                rows = [
                    {"run_id": run_id, "seq": i, "indicator": r["indicator"], "grouping": ",".join(r["group"]),
                     "group_json": json.dumps(r["group"], ensure_ascii=False), "numerator": r["numerator"],
                     "denominator": r["denominator"], "value": r["value"], "suppressed": r["suppressed"]}
                    for i, r in enumerate(records, 1)
                ]  # fmt: skip
                _tables.append(hub, "outcome_records", rows)
    return {"run_id": run_id, **{k: v for k, v in row.items() if k != "run"}, "groupings": json.loads(row["groupings"])}


def _summary(r: dict, published: dict | None = None, public: bool = False) -> dict:
    out = {k: r[k] for k in SUMMARY if not (public and k in PRIVATE)}
    out["groupings"] = json.loads(out["groupings"])
    out["published"] = published
    if out["synthetic"]:
        out["note"] = SYNTHETIC_NOTE
    return out


#: What only the operator sees of a run: who saved it, when it started, and the inputs' digest.
PRIVATE = ("who", "started", "inputs_sha256")


def _publications(hub) -> dict[int, dict]:
    """run_id → its current publication {program_year, rounding, published_at} (withdrawn ones are not current)."""
    if not has_table(hub, "outcome_publications"):
        return {}
    rows = _tables.records(hub, "select * from outcome_publications where withdrawn_at is null order by published_at")
    return {r["run_id"]: {"program_year": r["program_year"], "rounding": r["rounding"], "published_at": r["published_at"]} for r in rows}


def list_runs(hub_path: Path | str | None = None, public: bool = False) -> list[dict]:
    """Every run kept in the hub, oldest first, without its records (`public`: only the published runs, as published)."""
    where = hub_file(hub_path)
    if not where.exists():
        return []
    with open_hub(where, write=False) as hub:
        if not has_table(hub, "outcome_runs"):
            return []
        published = _publications(hub)
        rows = _tables.records(hub, "select * from outcome_runs order by run_id")
    return [_summary(r, published.get(r["run_id"]), public) for r in rows if not public or r["run_id"] in published]


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


def get_run(run_id: int, hub_path: Path | str | None = None, by: str | None = None, indicator: str | None = None,
            public: bool = False) -> dict:
    """One run: its summary, its run record and its records (all, or one breakdown with `by`, one indicator with `indicator`)."""
    want = parse_by(by)
    where = hub_file(hub_path)
    found, published = [], {}
    if where.exists():
        with open_hub(where, write=False) as hub:
            if has_table(hub, "outcome_runs"):
                published = _publications(hub)
                found = _tables.records(hub, "select * from outcome_runs where run_id = ?", [int(run_id)])
                if public and int(run_id) not in published:
                    found = []
                rows = _tables.records(hub, "select * from outcome_records where run_id = ? order by seq", [int(run_id)]) if found else []
    if not found:
        if public:
            raise NotFoundError(f"There is no published outcome run {run_id}.",
                                hint="Stored runs are read with the server's token; the operator publishes a program year's run "
                                     "for everyone (upward runs publish). List the published runs with GET /api/v1/outcomes/runs.")
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
    pub = published.get(int(run_id))
    record = json.loads(found[0]["run"])
    if public:
        from upward.outcomes.disclosure import PUBLIC_RUN_KEYS, rounded

        record = {k: record[k] for k in PUBLIC_RUN_KEYS if k in record}
        records = rounded(records, pub["rounding"])
    return {
        **_summary(found[0], pub, public),
        "run": record,
        "breakdowns": [list(g) for g in groupings],
        "by": None if want is None else list(want),
        "records": records,
    }


def publish(run_id: int, hub_path: Path | str | None = None, rounding: int = 1, who: str | None = None) -> dict:
    """Make a stored run readable by anyone, under the disclosure policy (upward.outcomes.disclosure); returns
    its summary. Refused, with the reason, unless: its exit window is one program year (YYYYQ3–(YYYY+1)Q2) and
    its measurable-skill-gain year (if any) that year; no other run ever published that program year; it was
    suppressed at the shipped minimum cell or above; and `audit` finds nothing recoverable in its records."""
    from upward.outcomes.disclosure import audit, program_year_of, publish_min_cell

    if int(rounding) < 1 or int(rounding) > 100:
        raise RunError(f"Rounding to a multiple of {rounding} is not offered.", hint="Use 1 (exact counts), 5 or 10.")
    where = hub_file(hub_path)
    if not where.exists():
        raise NotFoundError(f"There is no outcome run {run_id}: the hub has no runs yet.", hint="Save one with `upward runs save`.")
    run = get_run(run_id, where)
    py = program_year_of(run["exit_from"], run["exit_to"])
    if py is None:
        raise RunError(
            f"Run {run_id} covers exits {run['exit_from']}–{run['exit_to']}; only one program year's exiters can be published "
            "(July 1 – June 30: YYYYQ3–(YYYY+1)Q2), so two published runs never share a person.",
            hint="Run the outcomes engine for a program year, e.g. --exit-from 2022Q3 --exit-to 2023Q2, save it and publish that run.",
        )
    if run["program_year"] not in (None, py):
        raise RunError(f"Run {run_id} measures skill gains in program year {run['program_year']}, not in its exiters' program year {py}.",
                       hint=f"Run it with --program-year {py} (or without measurable skill gains).")
    floor = publish_min_cell()
    if int(run["min_cell"]) < floor:
        raise RunError(f"Run {run_id} was suppressed at a minimum cell of {run['min_cell']}; a published run needs at least {floor}.",
                       hint="Run it again with a profile whose outcomes.min_cell is at least that.")
    found = audit(run["records"], int(run["min_cell"]))
    if found:
        raise RunError(f"Run {run_id} cannot be published: {len(found)} suppressed number(s) could be recovered from its records "
                       f"(for example: {found[0]}).",
                       hint="Run the outcomes engine again with this version of Upward (one suppression pattern across indicators).")
    with open_hub(where, write=True) as hub:
        with _tables.transaction(hub):
            same_year = _tables.records(hub, "select * from outcome_publications where program_year = ? order by published_at", [py])
            other = [r for r in same_year if r["run_id"] != int(run_id)]
            if other:
                raise RunError(
                    f"Program year {py} was published as run {other[0]['run_id']} ({other[0]['published_at']:%Y-%m-%d}); a second run of "
                    "the same cohort is never published, because the difference between the two would show the people who differ.",
                    hint=f"Publish corrections as an agency decision outside Upward, or withdraw nothing and keep run {other[0]['run_id']}.",
                )
            if not any(r["withdrawn_at"] is None for r in same_year):
                _tables.append(hub, "outcome_publications", [{
                    "run_id": int(run_id), "program_year": py, "rounding": int(rounding), "published_at": _tables.now(),
                    "published_by": _tables.user(who), "withdrawn_at": None, "withdrawn_by": None}])
    return next(r for r in list_runs(where) if r["run_id"] == int(run_id))


def withdraw(run_id: int, hub_path: Path | str | None = None, who: str | None = None) -> dict:
    """Stop publishing a run (readers who kept it still have it: its program year stays taken)."""
    where = hub_file(hub_path)
    with open_hub(where, write=True) as hub:
        if not has_table(hub, "outcome_publications") or int(run_id) not in _publications(hub):
            raise NotFoundError(f"Run {run_id} is not published.", hint="List the runs and what is published with `upward runs list`.")
        hub.execute("update outcome_publications set withdrawn_at = ?, withdrawn_by = ? where run_id = ? and withdrawn_at is null",
                    [_tables.now(), _tables.user(who), int(run_id)])
    return next(r for r in list_runs(where) if r["run_id"] == int(run_id))
