"""What changed — `upward changes`, `upward atlas info`."""

from __future__ import annotations

from upward.analysis import regions
from upward.errors import UpwardError
from upward.profiles import Profile
from upward.web.pages._cache import memo
from upward.web.pages._tables import Col, Table
from upward.web.pages.views._charts import bar_chart
from upward.web.pages.views._common import _base, _occ_link


def _held(con) -> list[dict]:
    from upward.atlas.releases import held_records

    return held_records(con)


def what_changed(con, prof: Profile, code: str, from_: str | None, to: str | None, source: str) -> dict:
    """Two releases of OEWS (or of the projections) side by side for the area (`upward changes`)."""
    from upward.analysis import changes as changes_mod
    from upward.atlas.releases import OEWS, source_of

    area = memo(con, regions.region_summary, code, prof, None, 10)["area"]
    ctx = _base(con, prof, f"What changed in {area['area_name']}", "changes", area)
    src = source_of(source)
    held = memo(con, _held)
    ctx.update(held=held, options=[h for h in held if h["source"] == src], source=source, form={"from": from_ or "", "to": to or ""},
               result=None, reason=None, hint=None)
    try:
        r = memo(con, changes_mod.changes, code, prof, from_, to, src, 10)
    except UpwardError as exc:  # one release only for this area: say which files would add another
        ctx.update(reason=exc.message, hint=exc.hint)
        return ctx
    ctx["result"] = r
    ctx["title"] = f"What changed in {area['area_name']}: {r['from']['period']} → {r['to']['period']}"
    ctx["notes"] = list(r["notes"])
    pa, pb = r["from"]["period"], r["to"]["period"]
    link = _occ_link(code)
    if src == OEWS:
        rows = changes_mod.largest_change_first(r, "tot_emp_change")
        ctx["tables"]["occupations"] = Table(
            "occupations", f"Every occupation, {pa} and {pb} (largest employment change first)",
            [
                Col("occ_code", "SOC", "code"), Col("occ_title", "occupation", link=link), Col("status", "status"),
                Col("tot_emp_from", f"jobs {pa}", "int"), Col("tot_emp_to", f"jobs {pb}", "int"), Col("tot_emp_change", "change", "int"),
                Col("tot_emp_change_pct", "%", "num1"), Col("tot_emp_change_beyond_sampling_error", "beyond error", "bool"),
                Col("a_median_from", f"median {pa}", "money"), Col("a_median_to", f"median {pb}", "money"),
                Col("a_median_change_pct", "median %", "num1"), Col("tier_to", "tier"), Col("jtm_to", "JTM", "bool"),
            ],
            rows, show=25,
            note="Percent changes; 'beyond error' marks an employment change larger than 1.96 standard errors (BLS's RSEs). "
                 "The CSV has every measure: percentiles, mean, hourly median, annual wage growth, top-coding flags.",
            extra_csv=[k for k in (rows[0] if rows else {}) if k not in {"occ_code", "occ_title", "status", "tot_emp_from", "tot_emp_to",
                       "tot_emp_change", "tot_emp_change_pct", "tot_emp_change_beyond_sampling_error", "a_median_from", "a_median_to",
                       "a_median_change_pct", "tier_to", "jtm_to"}],
        )
        movers = changes_mod.movers(r, "tot_emp", 15)
        ctx["charts"]["c-movers"] = bar_chart(
            [m["occ_title"] for m in movers], [{"name": "change in jobs", "data": [m["tot_emp_change"] for m in movers]}],
            fmt="int", horizontal=True, label=f"The largest employment changes in {area['area_name']}, {pa} to {pb}",
        )
    else:
        rows = changes_mod.largest_change_first(r, "openings_annual_change")
        ctx["tables"]["occupations"] = Table(
            "occupations", f"Every occupation, projections {pa} and {pb} (national; largest change in annual openings first)",
            [
                Col("occ_code", "SOC", "code"), Col("occ_title", "occupation", link=link),
                Col("emp_base_from", f"jobs (k) {pa}", "num1"), Col("emp_base_to", f"jobs (k) {pb}", "num1"),
                Col("emp_change_pct_from", f"growth % {pa}", "num1"), Col("emp_change_pct_to", f"growth % {pb}", "num1"),
                Col("emp_change_pct_change", "points", "num1"), Col("openings_annual_from", f"openings (k) {pa}", "num1"),
                Col("openings_annual_to", f"openings (k) {pb}", "num1"), Col("typical_education_to", "typical education"),
                Col("typical_education_changed", "changed", "bool"), Col("jtm_to", "JTM", "bool"),
            ],
            rows, show=25,
            extra_csv=[k for k in (rows[0] if rows else {}) if not k.startswith(("occ_", "emp_base_", "emp_change_pct_", "openings_annual_"))
                       and k not in ("typical_education_to", "typical_education_changed", "jtm_to")],
        )
    listing = [Col("occ_code", "SOC", "code"), Col("occ_title", "occupation", link=link), Col("employment_to", "jobs", "int"),
               Col("a_median_from", f"median {pa}", "money"), Col("a_median_to", f"median {pb}", "money"),
               Col("tier_from", f"tier {pa}"), Col("tier_to", f"tier {pb}")]
    q, j, p = r["quality"], r["jtms"], r["pathways"]
    ctx["tables"]["quality"] = Table(
        "quality", f"{q['became_count']} became quality jobs, {q['stopped_count']} stopped",
        [Col("change", "change"), *listing], [{**o, "change": "became"} for o in q["became"]] + [{**o, "change": "stopped"} for o in q["stopped"]],
        extra_csv=["composite_from", "composite_to"], empty="No occupation changed tier.",
    )
    ctx["tables"]["jtms"] = Table(
        "jtms", f"Jobs That Mobilize: {j['occupations']['from']} → {j['occupations']['to']}",
        [Col("change", "change"), *listing[:5], Col("composite_from", f"score {pa}", "score"), Col("composite_to", f"score {pb}", "score")],
        [{**o, "change": "new JTM"} for o in j["became"]] + [{**o, "change": "no longer a JTM"} for o in j["stopped"]],
        empty="The same occupations are Jobs That Mobilize in both releases.",
    )
    if p is not None:
        ctx["tables"]["steps"] = Table(
            "steps", f"Pathway steps into JTMs: {p['opened']} opened, {p['closed']} closed",
            [Col("change", "change"), Col("from_title", "from", link=_occ_link(code, "from_code")), Col("to_title", "to", link=_occ_link(code, "to_code")),
             Col("from_employment", "jobs in the first", "int"), Col("reason", "why")],
            [{**e, "change": "opened"} for e in p["opened_examples"]] + [{**e, "change": "closed"} for e in p["closed_examples"]],
            extra_csv=["from_code", "to_code"], empty="No step into a JTM opened or closed.",
        )
    return ctx
