"""Read an outcomes run for the report: a JSON file written by `upward outcomes … --format json --out FILE`
(a list of records, with the run record beside it: outcomes.json → outcomes.run.json), an envelope `{"records": […],
"run": {…}}` as `upward.outcomes.run.run()` returns it, or a run id kept in the hub
(`upward.hub.runs.get_run`, when the hub has runs).

A record is `{"indicator", "group", "numerator", "denominator", "value", "suppressed"}`; a
suppressed cell stays suppressed (its value is never shown). Whether the run is synthetic comes
from the run record (`synthetic`), which `upward outcomes` sets only for files `upward synth`
wrote; without a run record the report says the provenance could not be checked.
"""

from __future__ import annotations

import json
from pathlib import Path

from upward.errors import UpwardError

FIELDS = ("indicator", "group", "numerator", "denominator", "value", "suppressed")
HINT = ("Pass the JSON file written by: upward outcomes --participants … --wages … --exit-from … --exit-to … --format json --out outcomes.json "
        "(the run record outcomes.run.json beside it says whether the data are synthetic), or a run id kept in the hub.")


def load(spec: str | Path, hub_path: Path | None = None) -> dict:
    path = Path(spec)
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UpwardError(f"--outcomes {path}: not a JSON file ({exc}).", hint=HINT) from exc
        run = None
        if isinstance(data, dict) and "records" in data:
            records, run = data["records"], data.get("run")
            synthetic = data.get("synthetic", (run or {}).get("synthetic"))
        elif isinstance(data, list):
            records = data
            from upward.outcomes import find_run_record

            sidecar = find_run_record(path)
            if sidecar is not None:
                try:
                    run = json.loads(sidecar.read_text(encoding="utf-8"))
                except (OSError, json.JSONDecodeError) as exc:
                    raise UpwardError(f"{sidecar}: the run record is not valid JSON ({exc}).", hint=HINT) from exc
            synthetic = (run or {}).get("synthetic")
        else:
            raise UpwardError(f"--outcomes {path}: expected a list of outcome records or an object with 'records'.", hint=HINT)
        source = str(path)
    elif path.suffix or "/" in str(spec) or not str(spec).strip().isdigit():
        raise UpwardError(f"--outcomes {spec}: no such file.", hint=HINT)
    else:
        records, run, synthetic = _from_hub(str(spec), hub_path)
        source = f"hub run {spec}"
    _check(records, source)
    return summarise(records, run, synthetic, source)


def _from_hub(run_id: str, hub_path: Path | None):
    """A run kept in the hub (`upward runs save`): `upward.hub.runs.get_run(id, hub)`."""
    if not run_id.strip().isdigit():
        raise UpwardError(f"--outcomes {run_id}: no such file, and not a run id (runs are numbered: upward runs list).", hint=HINT)
    from upward.hub import runs

    found = runs.get_run(int(run_id), hub_path)  # NotFoundError names the hub and how to list its runs
    run = found.get("run") or {}
    return found["records"], run, found.get("synthetic", run.get("synthetic"))


def _check(records, source: str) -> None:
    if not isinstance(records, list):
        raise UpwardError(f"{source}: 'records' must be a list.", hint=HINT)
    for i, r in enumerate(records, start=1):
        if not isinstance(r, dict):
            raise UpwardError(f"{source}, record {i}: not an object.", hint=HINT)
        missing = [f for f in FIELDS if f not in r]
        if missing:
            raise UpwardError(f"{source}, record {i}: missing {', '.join(repr(m) for m in missing)}.", hint=HINT)
        if not isinstance(r["group"], dict):
            raise UpwardError(f"{source}, record {i}, field 'group': must be an object such as {{\"sex\": \"female\"}}.", hint=HINT)
        if r["suppressed"] and r["value"] is not None:
            raise UpwardError(f"{source}, record {i}: a suppressed cell carries a value; refusing to show it.", hint=HINT)


def summarise(records: list[dict], run: dict | None, synthetic, source: str) -> dict:
    """The run as the report shows it: per indicator, the overall cell and each breakdown."""
    from upward.outcomes.indicators import INDICATORS, frameworks_text

    meta = {i.name: i for i in INDICATORS}
    by: dict[str, dict] = {}
    for i, r in enumerate(records):
        m = meta.get(r["indicator"])
        entry = by.setdefault(r["indicator"], {"indicator": r["indicator"], "kind": m.kind if m else "rate",
                                               "what": m.what if m else "", "frameworks": frameworks_text(r["indicator"]),
                                               "overall": None, "rows": []})
        row = {**r, "index": i, "group_text": ", ".join(f"{k}: {v}" for k, v in r["group"].items()) or "all"}
        if not r["group"]:
            entry["overall"] = row
        else:
            entry["rows"].append(row)
    order = {i.name: n for n, i in enumerate(INDICATORS)}
    run = run or {}
    return {
        "source": source,
        "synthetic": synthetic if synthetic is None else bool(synthetic),
        "run_record": bool(run),
        "records": records,
        "indicators": sorted(by.values(), key=lambda e: order.get(e["indicator"], 99)),
        "suppressed": sum(bool(r["suppressed"]) for r in records),
        "min_cell": run.get("min_cell"),
        "exit_from": run.get("exit_from"),
        "exit_to": run.get("exit_to"),
        "program_year": run.get("program_year"),
        "engine": run.get("engine"),
        "profile": run.get("profile"),
        "cohort": run.get("cohort"),
        "started": run.get("started"),
        "not_computed": run.get("not_computed") or [],
    }
