"""Outcomes and accountability: WIOA primary indicators, Education-to-Workforce outcome indicators and
career-pathways participant metrics over participant records and UI wage records.

`run.run()` is the entry point; the indicators are ibis expressions (`indicators.py`) run by DuckDB
or Spark (`engines.py`); `suppress.py` hides small cells inside the engine; `synth.py` writes a
labelled synthetic cohort and wage file. See docs/outcomes.md.
"""

from pathlib import Path


def run_record_path(output: Path | str) -> Path:
    """Where `upward outcomes --out FILE` keeps the run record: beside FILE, named after it without
    its extension (outcomes.json → outcomes.run.json, results.csv → results.run.json), so one name
    stem is one run (write a CSV and a JSON of different runs under different names)."""
    output = Path(output)
    return output.with_name(f"{output.stem if output.suffix else output.name}.run.json")


def find_run_record(output: Path | str) -> Path | None:
    """The run record of an output file, if there is one: `run_record_path`, or FILE.run.json (the
    name earlier versions gave it, so runs already on disk still load)."""
    output = Path(output)
    for candidate in (run_record_path(output), output.with_name(output.name + ".run.json")):
        if candidate.is_file() and candidate != output:
            return candidate
    return None
