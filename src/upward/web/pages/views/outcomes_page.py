"""Outcomes — `upward outcomes` runs stored in the hub."""

from __future__ import annotations

from upward.profiles import Profile
from upward.web.pages._tables import Col, Table
from upward.web.pages.views._charts import bar_chart
from upward.web.pages.views._common import _base


def _indicator_info() -> dict:
    from upward.outcomes.indicators import INDICATORS, frameworks_text

    return {i.name: {"kind": i.kind, "what": i.what, "population": i.population, "frameworks": frameworks_text(i.name)} for i in INDICATORS}


def _group_label(group: dict) -> str:
    return ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in group.items()) if group else "everyone"


def outcome_run(con, prof: Profile, run_id: str, records: list[dict], run: dict) -> dict:
    """Indicator cards (the whole cohort) and one breakdown chart per indicator and dimension.

    Suppressed cells stay suppressed: no value, no numerator, no denominator, and the word
    "suppressed" where a number would be; the charts leave their bar out and say so.
    """
    info = _indicator_info()
    ctx = _base(con, prof, f"Outcomes run {run_id}", "outcomes")
    ctx.update(run=run, run_id=run_id, synthetic=bool(run.get("synthetic")))
    if run.get("profile"):
        ctx["run_profile"] = run["profile"]
    if run.get("data"):
        ctx["run_data"] = run["data"]
    order = list(dict.fromkeys(r["indicator"] for r in records))
    cards = []
    for name in order:
        whole = next((r for r in records if r["indicator"] == name and not r["group"]), None)
        meta = info.get(name, {"kind": "rate", "what": "", "population": ""})
        cards.append({"indicator": name, **meta, "record": whole})
    ctx["cards"] = cards
    breakdowns = []
    for name in order:
        kind = info.get(name, {}).get("kind", "rate")
        by_dims: dict[tuple, list[dict]] = {}
        for r in records:
            if r["indicator"] == name and r["group"]:
                by_dims.setdefault(tuple(r["group"]), []).append(r)
        for dims, rows in by_dims.items():
            chart_id = f"c-{name}-{'-'.join(dims)}"
            labels = [_group_label(r["group"]) for r in rows]
            ctx["charts"][chart_id] = {
                **bar_chart(labels, [{"name": name, "data": [None if r["suppressed"] else r["value"] for r in rows]}],
                             fmt="money" if kind == "median" else "pct", horizontal=True,
                             label=f"{name} by {' and '.join(dims)}; suppressed groups have no bar"),
                "suppressed": [bool(r["suppressed"]) for r in rows],
            }
            breakdowns.append({"indicator": name, "dims": dims, "chart": chart_id,
                               "suppressed": sum(1 for r in rows if r["suppressed"]), "groups": len(rows)})
    ctx["breakdowns"] = breakdowns
    flat = [
        {"indicator": r["indicator"], "group": _group_label(r["group"]), **{f"by_{k}": v for k, v in r["group"].items()},
         "numerator": r["numerator"], "denominator": r["denominator"], "value": r["value"], "suppressed": r["suppressed"],
         "kind": info.get(r["indicator"], {}).get("kind", "rate")}
        for r in records
    ]
    dims = sorted({k for r in records for k in r["group"]})
    ctx["tables"]["records"] = Table(
        "records", f"Every cell ({len(records)}; {sum(1 for r in records if r['suppressed'])} suppressed)",
        [Col("indicator", "indicator"), Col("group", "group"), Col("numerator", "numerator", "int"), Col("denominator", "denominator", "int"),
         Col("shown", "value", csv=False), Col("suppressed", "suppressed", "bool")],
        [{**r, "shown": "suppressed" if r["suppressed"] else ("—" if r["value"] is None else
                                                              (f"${r['value']:,.0f}" if r["kind"] == "median" else f"{r['value']:.1%}"))} for r in flat],
        extra_csv=["value", *(f"by_{d}" for d in dims)],
    )
    return ctx


def outcome_runs(con, prof: Profile, runs: list[dict] | None, reason: str | None) -> dict:
    ctx = _base(con, prof, "Outcomes", "outcomes")
    ctx.update(runs=runs or [], reason=reason)
    ctx["tables"]["runs"] = Table(
        "runs", "Published outcome runs",
        [Col("run_id", "run", "int", link=lambda r: f"/outcomes/{r['run_id']}"), Col("label", "cohort"), Col("by", "breakdowns"),
         Col("records", "cells", "int"), Col("synthetic", "synthetic", "bool"), Col("rounding", "counts rounded to", "int"),
         Col("published_at", "published (UTC)"), Col("profile_name", "profile"), Col("profile_hash", "profile hash", "code")],
        runs or [], empty=reason or "No outcome run is published yet.",
        extra_csv=["exit_from", "exit_to", "program_year", "min_cell", "bundle"],
    )
    return ctx
