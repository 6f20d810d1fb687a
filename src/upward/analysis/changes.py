"""What changed between two releases of OEWS (or of the Employment Projections) in one area.

Per occupation: each release's employment and wages (or projections) side by side with the
absolute and percentage change. The two releases' occupations are matched by
`soc.reconcile_releases` (the one place codes are reconciled): an occupation in both, one that
entered or left the estimates, or codes OEWS grouped differently, compared as their SOC broad
group (employment summed; medians and percentiles cannot be combined, so their change is
unknown).

Per region: which occupations became or stopped being quality jobs and Jobs That Mobilize, and
how the pathway graph changed — the allowed, pay-keeping steps into the region's JTMs that
opened or closed (the pathway step rules of analysis/transitions.py and the pay floor of
analysis/pathways.py), and the jobs one such step away from a JTM. Both sides are computed by the
same analysis functions as always (`mobilize.scored_table`, `pathways.region`), once on each
release (`atlas.releases.chosen`), with the same profile and living wage: only the release
differs. Comparing OEWS releases keeps the current projections and the other way round.

**Wage growth** (`wage_growth`) is computed here once for everyone who needs it (the Employers
pillar of Jobs That Mobilize among them): nominal growth of the median and mean annual wage of
each occupation between two OEWS releases, in percent over the span and per year.

Caveats said in every result's notes: OEWS estimates pool six semiannual panels over three
years, so consecutive May releases share two thirds of their sample and a year's change is
smoothed; BLS cautions that its estimates are not designed for comparisons over time (methods,
classifications and area definitions change). Changes are flagged when they exceed what the
published relative standard errors allow (1.96 standard errors of the difference, the two
releases treated as independent — conservative, since overlapping panels make the true error of
a difference smaller). Wages are nominal: within one region every occupation shares the deflator,
so rankings by growth do not change with prices.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from upward import soc
from upward.atlas.lookup import area_record
from upward.atlas.provenance import atlas_id, releases
from upward.atlas.query import plain, plain_record
from upward.atlas.releases import OEWS, SOURCE_NAMES, Held, chosen, held, in_use, require_area, resolve, workbook_for
from upward.cache import Cache
from upward.errors import UpwardError
from upward.profiles import Profile
from upward.sources.oews import TOP_CODED

SCHEMA = "upward.changes/1"
#: OEWS measures compared, in the order shown.
OEWS_MEASURES = ("tot_emp", "a_median", "a_mean", "a_pct10", "a_pct25", "a_pct75", "a_pct90", "h_median")
_WAGES = tuple(m for m in OEWS_MEASURES if m != "tot_emp")
#: Projections measures compared (national, thousands of jobs; growth and rates in percent).
PROJECTION_MEASURES = ("emp_base", "emp_projected", "emp_change_pct", "openings_annual", "separations_rate", "median_wage")
PROJECTION_CATEGORIES = ("typical_education", "work_experience", "on_the_job_training")
Z = 1.96
#: A few regions' comparisons (upward.cache).
_CACHE = Cache("release changes", entries=32, megabytes=48)


# ---------------------------------------------------------------------------------------------
# choosing the two releases


def earlier_releases(con, area_code: str, to: Held, source: str = OEWS) -> list[Held]:
    """The held releases before `to` that hold the area (OEWS publishes some areas in some years
    only; projections are national)."""
    return [h for h in held(con, source) if h.base_year < to.base_year and _covers(con, h, area_code)]


def previous_release(con, area_code: str, to: Held, source: str = OEWS) -> Held | None:
    """The newest of `earlier_releases`, or None: what "since the previous release" means for
    `upward changes` and the report's *What changed* section alike."""
    earlier = earlier_releases(con, area_code, to, source)
    return max(earlier, key=lambda h: h.base_year) if earlier else None


def default_releases(con, area_code: str, source: str = OEWS) -> tuple[Held, Held] | None:
    """The release in use and the previous one holding the area, when the atlas holds both for
    it; None otherwise (a report leaves the section out; `upward changes` says what to load)."""
    to = in_use(con, source)
    if not _covers(con, to, area_code):
        return None
    start = previous_release(con, area_code, to, source)
    return (start, to) if start else None


def pick_releases(con, area_code: str, from_text: str | None, to_text: str | None, source: str = OEWS) -> tuple[Held, Held]:
    """The two releases to compare: as named, or by default the release in use and the newest
    earlier release holding the area (OEWS) or the newest earlier one (projections)."""
    to = resolve(con, to_text, source) if to_text else in_use(con, source)
    if from_text:
        start = resolve(con, from_text, source)
    else:
        start = previous_release(con, area_code, to, source)
        if start is None:
            before = [h for h in held(con, source) if h.base_year < to.base_year]
            name = (con.execute("select area_name from area_list where area_code = ?", [area_code]).fetchone() or [area_code])[0]
            others = "; ".join(f"{h.period} covers {h.coverage}" for h in before) or "none is held"
            year = before[0].base_year if before else to.base_year - 1
            raise UpwardError(
                f"The atlas holds {SOURCE_NAMES[source]} for {name} in {to.period} only (earlier releases: {others}).",
                hint=f"Load {workbook_for(con, area_code, year)} with `upward atlas add FILE`, then compare again (docs/releases.md).",
            )
    if start.release == to.release:
        raise UpwardError(f"--from and --to are both {start.name}.", hint="Name two different releases.")
    for h in (start, to):
        if not _covers(con, h, area_code):
            with chosen(con, [h]):
                require_area(con, area_code, source)
    return start, to


def _covers(con, h: Held, area_code: str) -> bool:
    if h.source != OEWS:
        return True
    return con.execute("select 1 from oews_areas_by_release where release = ? and area_code = ?", [h.release, area_code]).fetchone() is not None


# ---------------------------------------------------------------------------------------------
# per occupation


def _oews_side(con, release: str, area_code: str) -> pd.DataFrame:
    cols = ", ".join(f"w.{m}" for m in OEWS_MEASURES)
    top = ", ".join(f"coalesce(w.{m}_fn = '{TOP_CODED}', false) as {m}_top_coded" for m in _WAGES)
    return con.execute(
        f"""select o.occ_code, o.occ_title, {cols}, w.emp_prse, w.mean_prse, {top}, w.occ_code is not null as in_area
            from oews_occupations_by_release o
            left join oews_wages_by_release w on w.release = o.release and w.occ_code = o.occ_code and w.area_code = ?
            where o.release = ? and o.display_level = 3""",
        [area_code, release],
    ).df()


def _group_titles(con) -> dict[str, str]:
    return dict(con.execute("select group_code, title from occupation_groups").fetchall())


def _pairs(con, sides: tuple[pd.DataFrame, pd.DataFrame], measures: tuple[str, ...], key: str, summable: set[str]) -> pd.DataFrame:
    """The two releases' rows matched unit by unit (soc.reconcile_releases), measures suffixed _from/_to.

    A unit of one code takes that code's values; a regrouped unit of several codes takes the sum of
    a summable measure (employment) when every code has it, and nothing for the others (a median of
    several occupations is not a combination of theirs).
    """
    match = soc.reconcile_releases(sides[0][key].tolist(), sides[1][key].tolist())
    status = match.groupby("unit").method.first().map({"same_code": "both", "regrouped": "regrouped", "left": "left", "entered": "entered"})
    out = pd.DataFrame({"occ_code": status.index, "status": status.to_numpy()}).set_index("occ_code", drop=False)
    titles = {}
    for side, df, sides_ in (("from", sides[0], ("both", "earlier")), ("to", sides[1], ("both", "later"))):
        m = match[match.side.isin(sides_)][["unit", "code"]].merge(df, left_on="code", right_on=key, how="left")
        codes = m.groupby("unit").code.agg(";".join)
        out[f"codes_{side}"] = codes.reindex(out.index).fillna("")
        n = m.groupby("unit").size()
        single = m[m.unit.isin(n[n == 1].index)].set_index("unit")
        multi = m[m.unit.isin(n[n > 1].index)]
        extras = [c for c in df.columns if c.endswith(("_top_coded", "_prse")) or c == "in_area"]
        for col in (*measures, *extras):
            values = single[col].reindex(out.index)
            if col in summable and len(multi):
                sums = multi.groupby("unit")[col].agg(lambda v: float(v.sum()) if v.notna().all() else np.nan)
                values = values.astype(object).where(~out.index.isin(sums.index), sums.reindex(out.index))
            out[f"{col}_{side}"] = values.to_numpy()
        titles[side] = single.occ_title.reindex(out.index)
    group_titles = _group_titles(con)
    fallback = pd.Series([group_titles.get(u, u) for u in out.index], index=out.index)
    out["occ_title"] = titles["to"].combine_first(titles["from"]).combine_first(fallback).to_numpy()
    first = ["occ_code", "occ_title", "status", "codes_from", "codes_to"]
    return out[first + [c for c in out.columns if c not in first]].reset_index(drop=True)


#: Decimals BLS publishes each measure with: a change is rounded to them (no float noise such as 1.3999…).
_DIGITS = {"h_median": 2, "emp_base": 1, "emp_projected": 1, "emp_change_pct": 1, "openings_annual": 1, "separations_rate": 1}


def _change(df: pd.DataFrame, m: str, pct: bool = True) -> None:
    a, b = df[f"{m}_from"].astype(float), df[f"{m}_to"].astype(float)
    df[f"{m}_change"] = (b - a).round(_DIGITS.get(m, 0))
    if pct:
        df[f"{m}_change_pct"] = (b / a - 1) * 100


def _ordered(df: pd.DataFrame, measures: tuple[str, ...]) -> pd.DataFrame:
    """Columns grouped per measure (from, to, change, % change, flags), then the rest."""
    first = ["occ_code", "occ_title", "status", "codes_from", "codes_to"]
    cols = list(first)
    for m in measures:
        cols += [c for c in (f"{m}_from", f"{m}_to", f"{m}_change", f"{m}_change_pct", f"{m}_changed", f"{m}_change_beyond_sampling_error",
                             f"{m}_growth_annual_pct", f"{m}_top_coded_from", f"{m}_top_coded_to") if c in df.columns]
    return df[cols + [c for c in df.columns if c not in cols]]


def _beyond_error(df: pd.DataFrame, m: str, prse: str) -> None:
    """|change| above 1.96 standard errors of the difference (RSEs in percent, releases independent)."""
    a, b = df[f"{m}_from"].astype(float), df[f"{m}_to"].astype(float)
    sa, sb = df[f"{prse}_from"].astype(float) / 100 * a, df[f"{prse}_to"].astype(float) / 100 * b
    se = np.sqrt(sa**2 + sb**2)
    beyond = (b - a).abs() > Z * se
    df[f"{m}_change_beyond_sampling_error"] = beyond.where(se.notna() & (b - a).notna())


def _oews_pairs(con, area_code: str, a: Held, b: Held) -> pd.DataFrame:
    df = _pairs(con, (_oews_side(con, a.release, area_code), _oews_side(con, b.release, area_code)), OEWS_MEASURES, "occ_code", {"tot_emp"})
    for m in OEWS_MEASURES:
        _change(df, m)
    _beyond_error(df, "tot_emp", "emp_prse")
    _beyond_error(df, "a_mean", "mean_prse")
    return df


def _growth(df: pd.DataFrame, years: int) -> None:
    """Annualized growth of the median and mean wage: (to / from)^(1/years) − 1, in percent."""
    for m in ("a_median", "a_mean"):
        ratio = df[f"{m}_to"].astype(float) / df[f"{m}_from"].astype(float)
        df[f"{m}_growth_annual_pct"] = (ratio ** (1 / years) - 1) * 100 if years > 0 else np.nan


def occupation_changes(con, area_code: str, a: Held, b: Held) -> pd.DataFrame:
    """Every occupation of either OEWS release in the area: values in each, absolute and % change,
    annual wage growth, whether the change exceeds sampling error, and how its codes were matched."""
    df = _oews_pairs(con, area_code, a, b)
    _growth(df, b.base_year - a.base_year)
    return _ordered(df, OEWS_MEASURES)


def wage_growth(con, area_code: str, start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """Nominal wage growth of every detailed occupation in an area between two OEWS releases.

    `end` defaults to the release in use; `start` to the earliest held release with estimates for
    the area (the longest span, the steadiest growth). One row per occupation (codes matched by
    `soc.reconcile_releases`; regrouped occupations have no wage growth): occ_code, occ_title,
    start_release, end_release, years, a_median_start, a_median_end, a_median_growth_pct,
    a_median_growth_annual_pct, a_mean_start, a_mean_end, a_mean_growth_pct, a_mean_growth_annual_pct,
    a_mean_growth_beyond_sampling_error, top_coded (a top-coded wage at either end: growth unknown),
    status ('both', 'entered', 'left', 'regrouped'). Raises when the atlas holds only one release
    with the area.
    """
    b = resolve(con, end, OEWS) if end else in_use(con, OEWS)
    if start:
        a = resolve(con, start, OEWS)
    else:
        earlier = earlier_releases(con, area_code, b, OEWS)
        if not earlier:
            raise UpwardError(f"No OEWS release before {b.period} holds this area: wage growth needs two.",
                              hint="Load an earlier release of the area with `upward atlas add FILE`.")
        a = min(earlier, key=lambda h: h.base_year)
    df = occupation_changes(con, area_code, a, b)
    top = df[[c for c in df.columns if c.endswith("_top_coded_from") or c.endswith("_top_coded_to")]]
    out = pd.DataFrame({
        "occ_code": df.occ_code, "occ_title": df.occ_title, "start_release": a.release, "end_release": b.release,
        "years": b.base_year - a.base_year,
        "a_median_start": df.a_median_from, "a_median_end": df.a_median_to,
        "a_median_growth_pct": df.a_median_change_pct, "a_median_growth_annual_pct": df.a_median_growth_annual_pct,
        "a_mean_start": df.a_mean_from, "a_mean_end": df.a_mean_to,
        "a_mean_growth_pct": df.a_mean_change_pct, "a_mean_growth_annual_pct": df.a_mean_growth_annual_pct,
        "a_mean_growth_beyond_sampling_error": df.a_mean_change_beyond_sampling_error,
        "top_coded": top[[c for c in top.columns if c.startswith(("a_median", "a_mean"))]].fillna(False).any(axis=1),
        "status": df.status,
    })
    return out


def _projections_side(con, release: str) -> pd.DataFrame:
    cols = ", ".join((*PROJECTION_MEASURES, *PROJECTION_CATEGORIES))
    return con.execute(
        f"""select soc_code as occ_code, title as occ_title, {cols} from projections_by_release
            where release = ? and occupation_type = 'Line item'""",
        [release],
    ).df()


def projection_changes(con, a: Held, b: Held) -> pd.DataFrame:
    """Every matrix occupation of either projections release: values in each and their change (national)."""
    df = _pairs(con, (_projections_side(con, a.release), _projections_side(con, b.release)),
                (*PROJECTION_MEASURES, *PROJECTION_CATEGORIES), "occ_code", {"emp_base", "emp_projected", "openings_annual"})
    for m in PROJECTION_MEASURES:
        _change(df, m, pct=m not in ("emp_change_pct", "separations_rate"))  # rates change in percentage points
    for c in PROJECTION_CATEGORIES:
        df[f"{c}_changed"] = (df[f"{c}_from"] != df[f"{c}_to"]).where(df[f"{c}_from"].notna() & df[f"{c}_to"].notna())
    return _ordered(df, (*PROJECTION_MEASURES, *PROJECTION_CATEGORIES))


# ---------------------------------------------------------------------------------------------
# per region


def _side(con, area_code: str, pick: Held, profile: Profile) -> dict:
    """Tiers, JTM flags and the pathway steps into JTMs of the area on one release."""
    from upward.analysis.mobilize import scored_table
    from upward.analysis.pathways import region

    with chosen(con, [pick]):
        df = scored_table(con, profile, [area_code])
        reg = region(con, area_code, profile)
        pay = np.where(np.isnan(reg.wage), reg.national_wage, reg.wage)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = reg.wage[None, :] / pay[:, None]
        allowed = reg.step_matrix() & reg.jtm[None, :]  # the pathway step rules, pay floor included, into a JTM
        table = df.set_index("occ_code")
    return {"table": table, "codes": list(reg.model.codes), "allowed": allowed, "scored": reg.in_region, "jtm": reg.jtm,
            "rules": reg.model.allowed, "ratio": ratio, "floor": reg.floor}


def _listing(rows: pd.DataFrame, top: int) -> list[dict]:
    cols = ["occ_code", "occ_title", "employment_from", "employment_to", "a_median_from", "a_median_to", "tier_from", "tier_to",
            "composite_from", "composite_to"]
    return [plain_record(r) for r in rows.sort_values(["employment_to", "occ_code"], ascending=[False, True]).head(top)[cols].to_dict("records")]


def _step_reason(i: int, j: int, sa: dict, sb: dict) -> str:
    """Why a step into a JTM opened or closed, in the terms of the pathway rules (docs/pathways.md)."""
    if sa["jtm"][j] != sb["jtm"][j]:
        return "destination became a JTM" if sb["jtm"][j] else "destination stopped being a JTM"
    if sa["scored"][j] != sb["scored"][j]:
        return "destination entered the region's scored occupations" if sb["scored"][j] else "destination left the scored occupations"
    if sa["rules"][i, j] != sb["rules"][i, j]:
        return "the step rules now allow it (entry requirements)" if sb["rules"][i, j] else "the step rules no longer allow it (entry requirements)"
    ra, rb = sa["ratio"][i, j], sb["ratio"][i, j]
    return f"destination pays {ra:.0%} → {rb:.0%} of the origin (floor {sb['floor']:.0%})"


def region_changes(con, area_code: str, a: Held, b: Held, profile: Profile, top: int = 10) -> dict:
    """Quality jobs, JTMs and pathway steps into JTMs gained and lost between the two releases."""
    sa, sb = _side(con, area_code, a, profile), _side(con, area_code, b, profile)
    ta, tb = sa["table"], sb["table"]
    both = pd.DataFrame({"occ_title": tb.occ_title.combine_first(ta.occ_title)})
    for name, t in (("from", ta), ("to", tb)):
        both[f"employment_{name}"] = t.employment
        both[f"a_median_{name}"] = t.a_median
        both[f"tier_{name}"] = t.tier
        both[f"jtm_{name}"] = t.jtm.where(t.scored)
        both[f"scored_{name}"] = t.scored
        both[f"composite_{name}"] = t.composite
    both = both.reset_index().rename(columns={"index": "occ_code"})
    qa, qb = both.tier_from.eq("quality"), both.tier_to.eq("quality")
    ja, jb = both.jtm_from.eq(True), both.jtm_to.eq(True)

    out = {
        "quality": {
            "occupations": {"from": int(qa.sum()), "to": int(qb.sum())},
            "employment": {"from": plain(both.employment_from[qa].sum()), "to": plain(both.employment_to[qb].sum())},
            "became": _listing(both[qb & ~qa], top), "became_count": int((qb & ~qa).sum()),
            "stopped": _listing(both[qa & ~qb], top), "stopped_count": int((qa & ~qb).sum()),
        },
        "jtms": {
            "occupations": {"from": int(ja.sum()), "to": int(jb.sum())},
            "became": _listing(both[jb & ~ja], top), "became_count": int((jb & ~ja).sum()),
            "stopped": _listing(both[ja & ~jb], top), "stopped_count": int((ja & ~jb).sum()),
        },
    }
    if sa["codes"] != sb["codes"]:
        out["pathways"] = None  # the transition model differs between the releases: steps cannot be matched
        return out, both
    codes = sa["codes"]
    opened, closed = sb["allowed"] & ~sa["allowed"], sa["allowed"] & ~sb["allowed"]
    emp = {n: s["table"].employment.reindex(codes).fillna(0).to_numpy(float) for n, s in (("from", sa), ("to", sb))}
    titles = both.set_index("occ_code").occ_title.to_dict()
    reach = {n: s["allowed"].any(axis=1) & s["scored"] for n, s in (("from", sa), ("to", sb))}

    def examples(mask: np.ndarray) -> list[dict]:
        i, j = np.nonzero(mask)
        order = np.lexsort((j, i, -emp["to"][i]))[:top]
        return [{"from_code": codes[i[k]], "from_title": titles.get(codes[i[k]]), "to_code": codes[j[k]], "to_title": titles.get(codes[j[k]]),
                 "from_employment": plain(emp["to"][i[k]]), "reason": _step_reason(i[k], j[k], sa, sb)} for k in order]

    out["pathways"] = {
        "steps_into_jtms": {"from": int(sa["allowed"].sum()), "to": int(sb["allowed"].sum())},
        "opened": int(opened.sum()), "closed": int(closed.sum()),
        "opened_examples": examples(opened), "closed_examples": examples(closed),
        "occupations_one_step_from_a_jtm": {"from": int(reach["from"].sum()), "to": int(reach["to"].sum())},
        "jobs_one_step_from_a_jtm": {"from": plain(float(emp["from"][reach["from"]].sum())), "to": plain(float(emp["to"][reach["to"]].sum()))},
    }
    return out, both


# ---------------------------------------------------------------------------------------------
# the whole answer


def _record(h: Held) -> dict:
    return {"source": h.source, "release": h.release, "period": h.period, "published": h.published, "coverage": h.coverage,
            "origin": h.origin, "current": h.current}


def _notes(source: str, a: Held, b: Held, area: dict, df: pd.DataFrame) -> list[str]:
    notes = []
    if source == OEWS:
        notes.append(
            "OEWS estimates pool six semiannual survey panels over three years, so consecutive May releases share two thirds "
            "of their sample and a one-year change is smoothed; BLS cautions that OEWS estimates are not designed for "
            "comparisons over time (methods, classifications and area definitions change)."
        )
        notes.append(
            "'Beyond sampling error' marks a change larger than 1.96 standard errors of the difference, from BLS's published "
            "relative standard errors (employment and mean wage; BLS publishes none for medians and percentiles)."
        )
        notes.append(
            "Wages are nominal dollars of each May, while the living wage (and the projections) are the same on both sides: "
            "part of a rise in quality jobs can be nominal wage growth rather than better pay in real terms."
        )
        if (df.status == "regrouped").any():
            notes.append("Occupations OEWS grouped differently in the two releases are compared as their SOC broad group: "
                         "employment is summed, wage changes are unknown.")
        top = df.filter(like="_top_coded_").fillna(False).any(axis=1)
        if top.any():
            notes.append("Wages BLS top-codes (footnote 5) have no change: the value is only a lower bound.")
    else:
        notes.append("Projections are national: employment, openings and growth are for the United States; the region's "
                     "JTMs are computed with each release's national rates applied to the area's current OEWS employment.")
        notes.append("Employment and openings are in thousands, as BLS publishes them; growth and rates change in percentage points.")
    return notes


def changes(con, area_code: str, profile: Profile, from_release: str | None = None, to_release: str | None = None,
            source: str = OEWS, top: int = 10) -> dict:
    """Everything that changed in an area between two releases of one source (schema `upward.changes/1`)."""
    a, b = pick_releases(con, area_code, from_release, to_release, source)
    key = (atlas_id(con), area_code, source, a.release, b.release, profile.hash, top)
    return _CACHE.get_or_build(key, lambda: _changes(con, area_code, profile, a, b, source, top))


def _changes(con, area_code: str, profile: Profile, a, b, source: str, top: int) -> dict:
    if source == OEWS:
        df = occupation_changes(con, area_code, a, b)
    else:
        df = projection_changes(con, a, b)
    region, per_occ = region_changes(con, area_code, a, b, profile, top)
    flags = per_occ.set_index("occ_code")[["tier_from", "tier_to", "jtm_from", "jtm_to"]]
    df = df.join(flags, on="occ_code")
    area = area_record(con, area_code)
    summary = _summary(con, area_code, source, a, b, df)
    result = {
        "schema": SCHEMA,
        "area": area,
        "source": source,
        "source_name": SOURCE_NAMES[source],
        "from": _record(a),
        "to": _record(b),
        "years": b.base_year - a.base_year,
        "profile": profile.record(),
        "household": profile.household,
        "summary": summary,
        **region,
        "occupations": [plain_record(r) for r in df.to_dict("records")],
        "notes": _notes(source, a, b, area, df),
        "data": releases(con),
    }
    return result


def _summary(con, area_code: str, source: str, a: Held, b: Held, df: pd.DataFrame) -> dict:
    counts = df.status.value_counts().to_dict()
    def n_codes(col: pd.Series) -> int:
        return int(sum(len([c for c in v.split(";") if c]) for v in col))

    out = {
        "occupations_from": n_codes(df.codes_from),
        "occupations_to": n_codes(df.codes_to),
        "in_both": int(counts.get("both", 0)),
        "entered": [{"occ_code": r.occ_code, "occ_title": r.occ_title} for r in df[df.status == "entered"].itertuples()],
        "left": [{"occ_code": r.occ_code, "occ_title": r.occ_title} for r in df[df.status == "left"].itertuples()],
        "regrouped": [{"occ_code": r.occ_code, "occ_title": r.occ_title, "codes_from": r.codes_from, "codes_to": r.codes_to}
                      for r in df[df.status == "regrouped"].itertuples()],
    }
    if source == OEWS:
        rows = {h.release: con.execute(
            "select tot_emp, a_median, a_mean, emp_prse, mean_prse from oews_wages_by_release where release = ? and area_code = ? and occ_code = '00-0000'",
            [h.release, area_code]).fetchone() for h in (a, b)}
        total = {}
        for i, m in enumerate(("tot_emp", "a_median", "a_mean")):
            va, vb = (rows[h.release][i] if rows[h.release] else None for h in (a, b))
            total[f"{m}_from"], total[f"{m}_to"] = va, vb
            total[f"{m}_change"] = vb - va if va is not None and vb is not None else None
            total[f"{m}_change_pct"] = (vb / va - 1) * 100 if va and vb is not None else None
        out["all_occupations"] = total
    else:
        rows = {h.release: con.execute(
            "select emp_base, emp_projected, emp_change_pct, openings_annual from projections_by_release where release = ? and soc_code = '00-0000'",
            [h.release]).fetchone() for h in (a, b)}
        out["all_occupations"] = {f"{m}_{side}": (rows[h.release][i] if rows[h.release] else None)
                                  for i, m in enumerate(("emp_base", "emp_projected", "emp_change_pct", "openings_annual"))
                                  for side, h in (("from", a), ("to", b))}
    return out


def largest_change_first(result: dict, change: str) -> list[dict]:
    """Every occupation of a comparison, the largest `change` (a column such as tot_emp_change),
    gain or loss, first; an occupation with no change known counts as none; ties by code."""
    return sorted(result["occupations"], key=lambda o: (-abs(o.get(change) or 0), o["occ_code"]))


def movers(result: dict, by: str, top: int, min_employment: float = 0) -> list[dict]:
    """The occupations whose `by` changed most, gains and losses alike, for the faces to list.

    Counts (employment, openings) rank by the change itself; rates by the change in percentage
    points; wages by the percentage change, among occupations with at least `min_employment` jobs
    in the later release whose mean wage moved beyond sampling error (a small occupation's wage
    moves most by chance, and BLS publishes no error for medians).
    """
    pct = by in _WAGES or by == "median_wage"
    size = "tot_emp_to" if result["source"] == OEWS else "emp_base_to"
    scale = 1 if result["source"] == OEWS else 1000  # projections employment is in thousands

    def ok(r: dict) -> bool:
        change = r.get(f"{by}_change_pct" if pct else f"{by}_change")
        if change is None or math.isnan(change) or (r.get(size) or 0) * scale < min_employment:
            return False
        return not (pct and result["source"] == OEWS and r.get("a_mean_change_beyond_sampling_error") is not True)

    rows = [r for r in result["occupations"] if ok(r)]
    rows.sort(key=lambda r: (-abs(r[f"{by}_change_pct" if pct else f"{by}_change"]), r["occ_code"]))
    return rows[:top]
