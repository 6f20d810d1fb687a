"""Outcomes and accountability: WIOA primary indicators, Education-to-Workforce outcome indicators and
career-pathways participant metrics over participant records and UI wage records.

`run.run()` is the entry point; the indicators are ibis expressions (`indicators.py`) run by DuckDB
or Spark (`engines.py`); `suppress.py` hides small cells inside the engine; `synth.py` writes a
labelled synthetic cohort and wage file. See docs/outcomes.md.
"""
