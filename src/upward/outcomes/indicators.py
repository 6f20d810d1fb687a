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


def wage_quarters(w: ibis.Table, c: ibis.Table) -> ibis.Table:
    """Per person and quarter that matters (2nd before entry, 1st–4th after exit): total wages over all
    employers, and the main occupation (the SOC whose records paid the most; ties → lowest code)."""
    keys = c.select("pid", "entry_q", "exit_q")
    j = w.join(keys, "pid")
    j = j.filter((j.q == j.entry_q - 2) | ((j.q >= j.exit_q + 1) & (j.q <= j.exit_q + 4)))
    by_soc = j.group_by(["pid", "q", "entry_q", "exit_q", "soc"]).aggregate(amount=j.wages.sum())
    win = ibis.window(group_by=[by_soc.pid, by_soc.q], order_by=[ibis.desc(by_soc.amount), by_soc.soc.fill_null("~")])
    ranked = by_soc.mutate(rank=ibis.row_number().over(win), total=by_soc.amount.sum().over(group_by=[by_soc.pid, by_soc.q]))
    main = ranked.filter(ranked["rank"] == 0)

    def at(k: int, col: str = "total"):
        cond = main.q == (main.entry_q - 2 if k < 0 else main.exit_q + k)
        if col == "total":
            return ibis.ifelse(cond, main.total, 0.0).sum()
        return main.soc.max(where=cond)

    return main.group_by("pid").aggregate(
        w_pre=at(-2), w1=at(1), w2=at(2), w3=at(3), w4=at(4), soc2=at(2, "soc"), soc4=at(4, "soc"),
    )


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


def exiters(p: ibis.Table, w: ibis.Table, thresholds: ibis.Table, lookups, params: Params) -> ibis.Table:
    """One row per exiter in the cohort (after exclusions) with every measure the indicators need."""
    c = cohort(p, params)
    c = c.filter(~c.excluded)
    wq = wage_quarters(w, c)
    t = c.left_join(wq, "pid").drop("pid_right")
    t = t.mutate(**{k: t[k].fill_null(0.0) for k in ("w_pre", "w1", "w2", "w3", "w4")})
    lw = lookups.living_wage
    t = t.left_join(lw, t.area_code == lw.lw_area).drop("lw_area")
    t = t.mutate(q4=t.exit_q + 4)
    t = t.left_join(thresholds, "q4").drop("q4_right")
    tiers = lookups.tiers
    t2 = tiers.rename(tier2="tier", t2_area="t_area", t2_soc="t_soc")
    t = t.left_join(t2, (t.area_code == t2.t2_area) & (t.soc2 == t2.t2_soc)).drop("t2_area", "t2_soc")
    t4 = tiers.rename(tier4="tier", t4_area="t_area", t4_soc="t_soc")
    t = t.left_join(t4, (t.area_code == t4.t4_area) & (t.soc4 == t4.t4_soc)).drop("t4_area", "t4_soc")
    occ = ibis.coalesce(t.soc2, t.target_soc)
    return t.mutate(
        occupation_group=ibis.ifelse(occ.isnull(), UNKNOWN, major_group(occ)),
        exit_quarter=q_label(t.exit_q),
    )


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


def measures(t: ibis.Table, params: Params) -> dict[str, tuple]:
    """Indicator → (kind, denominator flag, numerator flag or None, value or None), on the exiter table."""
    employed2, employed4 = t.w2 > 0, t.w4 > 0
    in_training = t.training_type.isin(list(CREDENTIAL_TRAINING))
    year_after = t.exit_date + ibis.interval(days=365)
    dated = (t.credential_type != "0") & (t.credential_date >= t.entry_date).fill_null(False) & (t.credential_date <= year_after).fill_null(False)
    employed_within_year = (t.w1 > 0) | (t.w2 > 0) | (t.w3 > 0) | (t.w4 > 0)
    enrolled = t.postexit_enrollment_date.between(t.exit_date, year_after).fill_null(False)
    credential = dated & ((t.credential_type != SECONDARY_DIPLOMA) | employed_within_year | enrolled)
    gain = (t.w2 >= t.w_pre * (1 + params.earnings_gain)) & (t.w2 > t.w_pre)
    lw_known = t.lw_hourly.notnull()
    quarter_lw, annual_lw = t.lw_hourly * 520, t.lw_hourly * 2080
    quality2 = employed2 & (t.w2 >= quarter_lw).fill_null(False) & (t.soc2.isnull() | (t.tier2 == "quality").fill_null(False))
    quality4 = employed4 & (t.w4 >= quarter_lw).fill_null(False) & (t.soc4.isnull() | (t.tier4 == "quality").fill_null(False))
    return {
        "employment_rate_q2": ("rate", t.pid.notnull(), employed2, None),
        "employment_rate_q4": ("rate", t.pid.notnull(), employed4, None),
        "median_earnings_q2": ("median", employed2, None, t.w2),
        "credential_rate": ("rate", in_training, credential, None),
        "earnings_change_median": ("median", employed2, None, t.w2 - t.w_pre),
        "earnings_gain_rate": ("rate", employed2, gain, None),
        "quality_job_rate_q2": ("rate", lw_known, quality2, None),
        "quality_job_rate_q4": ("rate", lw_known, quality4, None),
        "economic_mobility_rate": ("rate", t.threshold.notnull(), employed4 & (t.w4 >= t.threshold).fill_null(False), None),
        "economic_security_rate": ("rate", lw_known, ((t.w1 + t.w2 + t.w3 + t.w4) >= annual_lw).fill_null(False), None),
    }


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
    """Long rows (indicator, grouping, one column per dimension, numerator, denominator, value) per grouping."""
    out = []
    for g in groupings:
        metrics = {}
        for i, (name, (kind, den, num, val)) in enumerate(ms.items()):
            metrics[f"d{i}"] = den.cast(dt.int64).sum()
            if kind == "rate":
                metrics[f"n{i}"] = (num & den).cast(dt.int64).sum()
            else:
                # nulls are ignored by the median; ibis' `where=` would make Spark's percentage non-constant
                metrics[f"v{i}"] = ibis.ifelse(den, val.cast(dt.float64), ibis.null(dt.float64)).median()
        keyed = t.mutate(**{d: t[DIM_COLUMN[d]].fill_null(UNKNOWN) for d in g})
        agg = keyed.group_by(list(g)).aggregate(**metrics) if g else keyed.aggregate(**metrics)
        agg = materialize(agg)
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
                    grouping=ibis.literal(",".join(g)),
                    **{d: (agg[d] if d in g else ibis.null(dt.string)) for d in dims},
                    numerator=num.cast(dt.int64),
                    denominator=den.cast(dt.int64),
                    value=value.cast(dt.float64),
                )
            )
    return out
