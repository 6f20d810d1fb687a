"""The outcome indicators, written once as ibis expressions (docs/outcomes.md gives each rule and its source).

The same expressions run on DuckDB and on Spark: nothing here knows which engine it runs on.
Quarters are calendar quarters held as one integer, `year × 4 + (quarter − 1)`; the "kth quarter
after exit" is the exit quarter + k, so the exit quarter itself never counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dt

from upward.errors import UpwardError
from upward.outcomes.schema import (
    AGE_GROUPS, CREDENTIAL_TRAINING, DISLOCATED_WORKER, EXCLUDED_EXITS, MSG_TRAINING, SECONDARY_DIPLOMA, SEX,
)

UNKNOWN = "unknown"


def quarter_index(text: str, option: str) -> int:
    import re

    m = re.fullmatch(r"(\d{4})[Qq]([1-4])", text.strip())
    if not m:
        raise UpwardError(f"{option} {text!r} is not a quarter.", hint="Write quarters as YYYYQn, e.g. 2023Q1.")
    return int(m.group(1)) * 4 + int(m.group(2)) - 1


def quarter_label(q: int) -> str:
    return f"{q // 4}Q{q % 4 + 1}"


def q_of(d: ibis.DateValue) -> ibis.IntegerValue:
    """The calendar quarter a date falls in."""
    return d.year().cast(dt.int32) * 4 + ((d.month().cast(dt.int32) - 1) // 3).cast(dt.int32)


def q_label(q: ibis.IntegerValue) -> ibis.StringValue:
    return (q // 4).cast(dt.int64).cast(dt.string) + "Q" + (q % 4 + 1).cast(dt.int64).cast(dt.string)


def age_at(birth: ibis.DateValue, on: ibis.DateValue) -> ibis.IntegerValue:
    """Completed years: the birthday this year counts only once reached."""
    before = (on.month() * 100 + on.day()) < (birth.month() * 100 + birth.day())
    return (on.year() - birth.year() - ibis.ifelse(before, 1, 0)).cast(dt.int32)


def age_group(age: ibis.IntegerValue) -> ibis.StringValue:
    cases = []
    for lo, hi, label in AGE_GROUPS:
        cond = ibis.literal(True)
        if lo is not None:
            cond = cond & (age >= lo)
        if hi is not None:
            cond = cond & (age < hi)
        cases.append((cond, label))
    return ibis.cases(*cases, else_=UNKNOWN)


def _label(code: ibis.StringValue, labels: dict[str, str]) -> ibis.StringValue:
    return code.substitute(labels, else_=UNKNOWN)


def major_group(soc: ibis.StringValue) -> ibis.StringValue:
    return soc.substr(0, 2) + "-0000"


@dataclass(frozen=True)
class Indicator:
    name: str
    kind: str  # rate | median
    population: str  # exiters | program_year
    what: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator("employment_rate_q2", "rate", "exiters", "wages > 0 in the 2nd quarter after the exit quarter"),
    Indicator("employment_rate_q4", "rate", "exiters", "wages > 0 in the 4th quarter after the exit quarter"),
    Indicator("median_earnings_q2", "median", "exiters", "median wages in the 2nd quarter after exit, among those employed then"),
    Indicator("credential_rate", "rate", "exiters", "recognised credential between entry and one year after exit, among exiters in education or training (not OJT or customized)"),
    Indicator("msg_rate", "rate", "program_year", "measurable skill gain in the program year, among participants in education or training during it"),
    Indicator("earnings_change_median", "median", "exiters", "median change from the 2nd quarter before entry to the 2nd after exit, among those employed after"),
    Indicator("earnings_gain_rate", "rate", "exiters", "share of those employed after whose earnings rose by at least the profile's gain (default 15%)"),
    Indicator("quality_job_rate_q2", "rate", "exiters", "employed in the 2nd quarter after exit at ≥ the living wage × 520 h, in a quality-tier occupation when the record has one"),
    Indicator("quality_job_rate_q4", "rate", "exiters", "the same in the 4th quarter after exit"),
    Indicator("economic_mobility_rate", "rate", "exiters", "4th-quarter-after-exit earnings at or above the state's 4th quintile of that quarter's positive earnings"),
    Indicator("economic_security_rate", "rate", "exiters", "earnings over quarters 1–4 after exit at or above the area's annual living wage"),
)
NAMES = tuple(i.name for i in INDICATORS)


@dataclass(frozen=True)
class Params:
    exit_from: int
    exit_to: int
    program_year: int | None
    earnings_gain: float
    mobility_percentile: float
    mobility_threshold: float | None = None


def prepare(p: ibis.Table) -> ibis.Table:
    """Participants with the derived fields every indicator and breakdown uses."""
    return p.mutate(
        entry_q=q_of(p.entry_date),
        exit_q=q_of(p.exit_date),
        age_group=ibis.ifelse(p.birth_date.isnull(), UNKNOWN, age_group(age_at(p.birth_date, p.entry_date))),
        sex_label=_label(p.sex, SEX),
        dw_label=_label(p.dislocated_worker, DISLOCATED_WORKER),
        excluded=p.other_exit_reason.isin(list(EXCLUDED_EXITS)),
    )


def cohort(p: ibis.Table, params: Params) -> ibis.Table:
    """Exiters with the exit quarter in [from, to], before exclusions."""
    return p.filter(p.exit_q.notnull() & (p.exit_q >= params.exit_from) & (p.exit_q <= params.exit_to))


#: the headline indicators (the benchmark's comparison with hand-written SQL and pandas)
HEADLINE = ("employment_rate_q2", "employment_rate_q4", "median_earnings_q2")

#: what each exiter indicator needs beyond the participant fields: quarters after exit (−2 = the 2nd
#: before entry) and "soc" (main occupation), "lw" (living wage), "tiers", "threshold" (mobility)
NEEDS: dict[str, frozenset] = {
    "employment_rate_q2": frozenset({2}),
    "employment_rate_q4": frozenset({4}),
    "median_earnings_q2": frozenset({2}),
    "credential_rate": frozenset({1, 2, 3, 4}),
    "earnings_change_median": frozenset({-2, 2}),
    "earnings_gain_rate": frozenset({-2, 2}),
    "quality_job_rate_q2": frozenset({2, "soc", "lw", "tiers"}),
    "quality_job_rate_q4": frozenset({4, "soc", "lw", "tiers"}),
    "economic_mobility_rate": frozenset({4, "threshold"}),
    "economic_security_rate": frozenset({1, 2, 3, 4, "lw"}),
}
ALL_NEEDS = frozenset().union(*NEEDS.values())
_COL = {-2: "w_pre", 1: "w1", 2: "w2", 3: "w3", 4: "w4"}


def chosen(names: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """`--indicators a,b` → the indicators to compute, in the documented order (None or "all": every one)."""
    if names is None:
        return NAMES
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
        if names == ["all"]:
            return NAMES
        if names == ["headline"]:
            return HEADLINE
    unknown = [n for n in names if n not in NAMES]
    if unknown or not names:
        raise UpwardError(f"--indicators: unknown indicator {', '.join(map(repr, unknown)) or '(none given)'}.",
                          hint=f"Use some of: {', '.join(NAMES)} (comma-separated), 'headline' or 'all'.")
    return tuple(n for n in NAMES if n in set(names))


def needs(names, dims) -> frozenset:
    """What the exiter table must carry for these indicators and breakdown dimensions."""
    out = frozenset().union(*(NEEDS[n] for n in names if n in NEEDS))
    if "occupation_group" in dims:  # the SOC major group of the 2nd-quarter occupation
        out |= {2, "soc"}
    return out


def wage_quarters(w: ibis.Table, c: ibis.Table, need=ALL_NEEDS) -> ibis.Table:
    """Per person, total wages over all employers in the quarters that matter (2nd before entry, 1st–4th
    after exit; only those `need` names) and, when "soc" is needed, the main occupation of the 2nd and
    4th quarters (the SOC whose records paid the most; ties → lowest code)."""
    offsets = sorted(k for k in need if isinstance(k, int))
    if "exit_q" in w.columns:  # already joined to the cohort's keys (run.cells does it by person_id)
        j = w
    else:
        j = w.join(c.select("pid", "entry_q", "exit_q"), "pid")

    def target(t, k):
        return t.entry_q - 2 if k < 0 else t.exit_q + k

    if "soc" not in need:  # one pass: a conditional sum per quarter, as a person would write it
        j = j.filter(ibis.or_(*(j.q == target(j, k) for k in offsets)) if len(offsets) > 1 else j.q == target(j, offsets[0]))
        return j.group_by("pid").aggregate(**{_COL[k]: j.wages.sum(where=j.q == target(j, k)) for k in offsets})
    j = j.filter(ibis.or_(*(j.q == target(j, k) for k in offsets)) if len(offsets) > 1 else j.q == target(j, offsets[0]))
    by_soc = j.group_by(["pid", "q", "entry_q", "exit_q", "soc"]).aggregate(amount=j.wages.sum())
    win = ibis.window(group_by=[by_soc.pid, by_soc.q], order_by=[ibis.desc(by_soc.amount), by_soc.soc.fill_null("~")])
    ranked = by_soc.mutate(rank=ibis.row_number().over(win), total=by_soc.amount.sum().over(group_by=[by_soc.pid, by_soc.q]))
    main = ranked.filter(ranked["rank"] == 0)

    def at(k: int, col: str = "total"):
        cond = main.q == target(main, k)
        if col == "total":
            return ibis.ifelse(cond, main.total, 0.0).sum()
        return main.soc.max(where=cond)

    cols = {_COL[k]: at(k) for k in offsets}
    cols.update({f"soc{k}": at(k, "soc") for k in (2, 4) if k in offsets})
    return main.group_by("pid").aggregate(**cols)


def mobility_thresholds(w_all: ibis.Table, params: Params) -> ibis.Table:
    """Per quarter (exit quarter + 4 of the cohort): the percentile of positive earnings per person over the whole file."""
    qs = list(range(params.exit_from + 4, params.exit_to + 5))
    if params.mobility_threshold is not None:  # a literal table the caller puts into the engine
        import pyarrow as pa

        return pa.table({"q4": pa.array(qs, pa.int32()), "threshold": [float(params.mobility_threshold)] * len(qs)})
    f = w_all.filter(w_all.q.isin(qs))
    per = f.group_by(["person_id", "q"]).aggregate(total=f.wages.sum())
    per = per.filter(per.total > 0)
    return per.group_by("q").aggregate(threshold=per.total.quantile(params.mobility_percentile / 100)).rename(q4="q")


def exiters(p: ibis.Table, w: ibis.Table, thresholds: ibis.Table | None, lookups, params: Params, need=ALL_NEEDS) -> ibis.Table:
    """One row per exiter in the cohort (after exclusions) with the measures `need` names (default: all)."""
    c = cohort(p, params)
    c = c.filter(~c.excluded)
    wq = wage_quarters(w, c, need)
    t = c.left_join(wq, "pid").drop("pid_right")
    t = t.mutate(**{k: t[k].fill_null(0.0) for k in ("w_pre", "w1", "w2", "w3", "w4") if k in t.columns})
    if "lw" in need:
        lw = lookups.living_wage
        t = t.left_join(lw, t.area_code == lw.lw_area).drop("lw_area")
    if "threshold" in need:
        t = t.mutate(q4=t.exit_q + 4)
        t = t.left_join(thresholds, "q4").drop("q4_right")
    if "tiers" in need:
        tiers = lookups.tiers
        if 2 in need:
            t2 = tiers.rename(tier2="tier", t2_area="t_area", t2_soc="t_soc")
            t = t.left_join(t2, (t.area_code == t2.t2_area) & (t.soc2 == t2.t2_soc)).drop("t2_area", "t2_soc")
        if 4 in need:
            t4 = tiers.rename(tier4="tier", t4_area="t_area", t4_soc="t_soc")
            t = t.left_join(t4, (t.area_code == t4.t4_area) & (t.soc4 == t4.t4_soc)).drop("t4_area", "t4_soc")
    extra = {"exit_quarter": q_label(t.exit_q)}
    if "soc" in need and 2 in need:  # occupation_group (a breakdown dimension adds both to `need`)
        occ = ibis.coalesce(t.soc2, t.target_soc)
        extra["occupation_group"] = ibis.ifelse(occ.isnull(), UNKNOWN, major_group(occ))
    return t.mutate(**extra)


def program_year_participants(p: ibis.Table, params: Params) -> ibis.Table | None:
    """Participants in education or training at some time during program year PY (July 1 PY – June 30 PY+1)."""
    if params.program_year is None:
        return None
    start = ibis.date(params.program_year, 7, 1)
    end = ibis.date(params.program_year + 1, 6, 30)
    active = (p.entry_date <= end) & (p.exit_date.isnull() | (p.exit_date >= start))
    excluded_in_year = p.excluded & p.exit_date.between(start, end).fill_null(False)
    t = p.filter(active & p.training_type.isin(list(MSG_TRAINING)) & ~excluded_in_year)
    gained = t.msg_date.between(start, end).fill_null(False) & (t.msg_date >= t.entry_date).fill_null(False)
    return t.mutate(
        msg=gained,
        occupation_group=ibis.ifelse(t.target_soc.isnull(), UNKNOWN, major_group(t.target_soc)),
        exit_quarter=ibis.ifelse(t.exit_q.isnull(), "active", q_label(t.exit_q)),
    )


def measures(t: ibis.Table, params: Params, names=None) -> dict[str, tuple]:
    """Indicator → (kind, denominator flag, numerator flag or None, value or None), on the exiter table
    (the exiter indicators among `names`, default all; each built only when asked for)."""
    want = [n for n in (names or NAMES) if n in NEEDS]

    def employed(k):
        return t[_COL[k]] > 0

    def credential():
        in_training = t.training_type.isin(list(CREDENTIAL_TRAINING))
        year_after = t.exit_date + ibis.interval(days=365)
        dated = (t.credential_type != "0") & (t.credential_date >= t.entry_date).fill_null(False) & (t.credential_date <= year_after).fill_null(False)
        employed_within_year = (t.w1 > 0) | (t.w2 > 0) | (t.w3 > 0) | (t.w4 > 0)
        enrolled = t.postexit_enrollment_date.between(t.exit_date, year_after).fill_null(False)
        cred = dated & ((t.credential_type != SECONDARY_DIPLOMA) | employed_within_year | enrolled)
        return ("rate", in_training, cred, None)

    def quality(k):
        soc, tier = t[f"soc{k}"], t[f"tier{k}"]
        ok = employed(k) & (t[_COL[k]] >= t.lw_hourly * 520).fill_null(False) & (soc.isnull() | (tier == "quality").fill_null(False))
        return ("rate", t.lw_hourly.notnull(), ok, None)

    build = {
        "employment_rate_q2": lambda: ("rate", t.pid.notnull(), employed(2), None),
        "employment_rate_q4": lambda: ("rate", t.pid.notnull(), employed(4), None),
        "median_earnings_q2": lambda: ("median", employed(2), None, t.w2),
        "credential_rate": credential,
        "earnings_change_median": lambda: ("median", employed(2), None, t.w2 - t.w_pre),
        "earnings_gain_rate": lambda: ("rate", employed(2), (t.w2 >= t.w_pre * (1 + params.earnings_gain)) & (t.w2 > t.w_pre), None),
        "quality_job_rate_q2": lambda: quality(2),
        "quality_job_rate_q4": lambda: quality(4),
        "economic_mobility_rate": lambda: ("rate", t.threshold.notnull(), employed(4) & (t.w4 >= t.threshold).fill_null(False), None),
        "economic_security_rate": lambda: ("rate", t.lw_hourly.notnull(), ((t.w1 + t.w2 + t.w3 + t.w4) >= t.lw_hourly * 2080).fill_null(False), None),
    }
    return {n: build[n]() for n in want}


def msg_measures(t: ibis.Table) -> dict[str, tuple]:
    return {"msg_rate": ("rate", t.pid.notnull(), t.msg, None)}


#: breakdown dimension → the column of the person tables that holds it
DIM_COLUMN = {
    "program": "program", "area": "area_code", "age_group": "age_group", "sex": "sex_label",
    "race_ethnicity": "race_ethnicity", "dislocated_worker": "dw_label", "occupation_group": "occupation_group",
    "exit_quarter": "exit_quarter",
}


def aggregate(t: ibis.Table, ms: dict[str, tuple], groupings: list[tuple[str, ...]], dims: list[str],
              materialize=lambda a: a.cache()) -> list[ibis.Table]:
    """Long rows (indicator, grouping, one column per dimension, numerator, denominator, value), one table per
    indicator. Every grouping's aggregate is computed in one engine query (a union of the group-bys over the
    same table) and kept once; the long rows are selections of it."""
    metrics = {}
    for i, (name, (kind, den, num, val)) in enumerate(ms.items()):
        metrics[f"d{i}"] = den.cast(dt.int64).sum()
        if kind == "rate":
            metrics[f"n{i}"] = (num & den).cast(dt.int64).sum()
        else:
            # nulls are ignored by the median; ibis' `where=` would make Spark's percentage non-constant
            metrics[f"v{i}"] = ibis.ifelse(den, val.cast(dt.float64), ibis.null(dt.float64)).median()
    aggs = []
    for g in groupings:
        keyed = t.mutate(**{d: t[DIM_COLUMN[d]].fill_null(UNKNOWN) for d in g})
        agg = keyed.group_by(list(g)).aggregate(**metrics) if g else keyed.aggregate(**metrics)
        aggs.append(agg.select(
            grouping=ibis.literal(",".join(g)),
            **{d: (agg[d] if d in g else ibis.null(dt.string)) for d in dims},
            **{m: agg[m] for m in metrics},
        ))
    agg = materialize(ibis.union(*aggs) if len(aggs) > 1 else aggs[0])
    out = []
    for i, (name, (kind, *_)) in enumerate(ms.items()):
        den = agg[f"d{i}"]
        if kind == "rate":
            num = agg[f"n{i}"]
            value = ibis.ifelse(den > 0, (num.cast(dt.float64) / den.cast(dt.float64)).round(6), ibis.null(dt.float64))
        else:
            num = ibis.null(dt.int64)
            value = agg[f"v{i}"].round(2)
        out.append(
            agg.select(
                indicator=ibis.literal(name),
                grouping=agg.grouping,
                **{d: agg[d] for d in dims},
                numerator=num.cast(dt.int64),
                denominator=den.cast(dt.int64),
                value=value.cast(dt.float64),
            )
        )
    return out
