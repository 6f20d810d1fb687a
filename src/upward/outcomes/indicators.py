"""The outcome indicators, written once as ibis expressions (docs/outcomes.md gives each rule and its source).

The same expressions run on DuckDB and on Spark: nothing here knows which engine it runs on.
Quarters are calendar quarters held as one integer, `year × 4 + (quarter − 1)`; the "kth quarter
after exit" is the exit quarter + k, so the exit quarter itself never counts, and "year n after
exit" is quarters 4n−3 to 4n after it.

Each indicator carries the framework indicators it answers (`Ref`): WIOA's primary indicators of
performance, the Education-to-Workforce (E-W) framework's, the CLASP Alliance for Quality Career
Pathways' participant metrics, with the published wording and how Upward's measure differs or what
these inputs cannot measure. tests/test_outcomes_frameworks.py checks the E-W wording against the
framework's own metadata and computes every indicator by hand on a small table.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dt

from upward.errors import UpwardError
from upward.outcomes.schema import (
    AGE_GROUPS, CREDENTIAL_TRAINING, DISABILITY, DISLOCATED_WORKER, EXCLUDED_EXITS, MSG_TRAINING, SECONDARY_DIPLOMA, SEX, YES_NO,
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
class Ref:
    """Where an indicator comes from: a framework's indicator, its published wording, and how Upward's differs."""

    framework: str  # WIOA | E-W | AQCP | Upward
    number: str  # the framework's own number or section
    name: str  # the published name
    published: str  # the published definition or recommended metric, as worded at the source
    source: str  # where it is published
    upward: str = ""  # how Upward measures it, and what it cannot measure from these inputs
    metric: str = ""  # E-W: the metric id in the framework's metrics.json


WIOA_SOURCE = "WIOA sec. 116(b)(2)(A)(i) (29 U.S.C. 3141); DOL ETA TEGL 10-16, Change 3; PIRL (ETA-9172) element table"
EW_SOURCE = ("Education-to-Workforce Indicator Framework (Mathematica for the Bill & Melinda Gates Foundation, 2022), "
             "educationtoworkforce.org/indicators/{slug}; metadata in UrbanInstitute/education-to-workforce @ ca25493 (indicators.json, metrics.json)")
AQCP_SOURCE = ("Alliance for Quality Career Pathways, Shared Vision, Strong Systems: Framework 1.0 (CLASP, June 2014), section V "
               "career pathway participant metrics; definitions as summarised by the Workforce Data Quality Campaign (workforcedqc.org, "
               "'Metrics for career pathways')")


def _ew(number: str, name: str, metric: str, published: str, slug: str, upward: str) -> Ref:
    return Ref("E-W", number, name, published, EW_SOURCE.format(slug=slug), upward, metric)


@dataclass(frozen=True)
class Indicator:
    name: str
    kind: str  # rate | median
    population: str  # exiters | program_year
    what: str
    refs: tuple[Ref, ...] = ()
    needs: frozenset = frozenset()  # quarters after exit (−2 = the 2nd before entry) and lookups it reads
    field: str | None = None  # an optional participant field it needs in the input
    horizon: int | None = None  # years after exit, for the per-horizon indicators


#: Years after exit at which E-W's economic mobility is read (its indicator page lists 1, 3, 5, 10 and 15;
#: metric 73 lists 3, 5, 10 and 15) and at which minimum economic return is read (E-W asks for it within
#: 10 years). A horizon is computed only when the wage file covers it for the whole cohort.
MOBILITY_YEARS = (1, 3, 5, 10, 15)
RETURN_YEARS = (1, 3, 5, 10)
#: The years over which E-W's minimum economic return recoups the net price ("within 10 years").
RECOUP_YEARS = 10


def year_quarters(n: int) -> tuple[int, ...]:
    """The quarters after the exit quarter that make up the nth year after exit: 1–4, 5–8, …"""
    return tuple(range(4 * (n - 1) + 1, 4 * n + 1))


# The E-W indicators: number and name as in indicators.json, the metric's full name (and note) as in
# metrics.json, then the indicator page's recommended metric where it says more.
_EW61 = _ew("61", "Employment at a Quality Job", "79",
            "Share of people employed in a quality job. A quality job is defined by scores on an indexed measure, such as the Good Jobs "
            "Scorecard, which assesses pay and benefits, scheduling, potential career paths, safety, and security.",
            "employment-quality-job",
            "Measures pay only: earnings in the quarter at least a quarter of the area's annual living wage and, when the wage record "
            "carries a SOC, an occupation whose 25th percentile pays the living wage in that area (the quality tier). Benefits, "
            "scheduling, career paths, safety and security are not in UI wage records: not measured.")
_EW62 = _ew("62", "Economic Mobility", "73",
            "Share of graduates who are at or above the 60th percentile of earnings in their state 3, 5, 10, and 15 years after completing "
            "their education. The indicator page: percentage of graduates who reach the level of earnings needed to enter the fourth "
            "(60th to 80th percentile) income quintile in their state or above one, three, five, 10, and 15 years after completing their "
            "highest degree or leaving education.",
            "economic-mobility",
            "Earnings in the nth year after exit (its four quarters, all employers) against the 60th percentile (profile "
            "outcomes.mobility_percentile) of the same four quarters' positive earnings of everyone in the state's wage file: UI-covered "
            "earnings, not income; each horizon only when the wage file covers it for the whole cohort. The intergenerational "
            "alternative (metric 78) needs family income: not measured.")
_EW63 = _ew("63", "Economic Security", "69",
            "Share of people who reach median levels of wealth 10, 15, 20, and 30 years after completing their education.",
            "economic-security",
            "Not measurable from wage records: the published measure needs wealth (net worth) data. Upward reports a proxy under its own "
            "name, living_wage_earnings_rate: earnings over the year after exit at least the area's annual living wage.")
_EW69 = _ew("69", "Access to Jobs Paying a Living Wage", "88",
            "Share of jobs where average pay exceeds the location-adjusted cost of living. Measured at the county or metropolitan "
            "statistical area level.",
            "access-jobs-paying-living-wage",
            "A regional indicator, not a participant one: `upward quality` living_wage_mean_share (each occupation's OEWS mean wage "
            "against the area's MIT living wage, jobs weighted), beside Upward's median-based living_wage_median_share.")
_EW70 = _ew("70", "Access to Ongoing Skills Development", "72",
            "Share of employees who have access to on-the-job training. On-the-job training includes a professional learning and "
            "development plan directly from an employer. The indicator page names WIOA's measurable skill gains as the alternative "
            "for programs.",
            "access-ongoing-career-skills-development",
            "Measured by the framework's named alternative, msg_rate (WIOA measurable skill gains); employer-provided training plans "
            "are survey data: not measured.")
_EW59 = _ew("59", "Minimum Economic Return", "80",
            "Share of people that recoup the cost of their education and earn as much as the median high school graduate in their state "
            "within 10 years of degree completion. Recouping the cost of education entails earning enough to pay for the total net price "
            "of their education or training plus interest.",
            "minimum-economic-return",
            "Earnings in the nth year after exit at least the state's median high-school graduate's earnings (College Scorecard's state "
            "earnings threshold, as published) plus the yearly payment that repays the participant's net price (input net_price) with "
            "interest (profile outcomes.mer_interest_rate) over 10 years. Only participants whose record carries a net price count.")


def _wioa(clause: str, name: str, published: str, upward: str = "") -> Ref:
    return Ref("WIOA", f"sec. 116(b)(2)(A)(i)({clause})", name, published, WIOA_SOURCE, upward)


def _mobility(n: int) -> Indicator:
    return Indicator(
        f"economic_mobility_rate_{n}y", "rate", "exiters",
        f"earnings in year {n} after exit (quarters {4 * n - 3}–{4 * n}) at or above the state's 60th percentile of the same quarters' earnings",
        (_EW62,), frozenset({*year_quarters(n), f"mobility{n}"}), horizon=n,
    )


def _return(n: int) -> Indicator:
    return Indicator(
        f"minimum_economic_return_rate_{n}y", "rate", "exiters",
        f"earnings in year {n} after exit at least the state's median high-school graduate's plus the yearly payment recouping the net "
        "price with interest over 10 years, among exiters with a net price",
        (_EW59,), frozenset({*year_quarters(n), "hs"}), field="net_price", horizon=n,
    )


INDICATORS: tuple[Indicator, ...] = (
    Indicator("employment_rate_q2", "rate", "exiters", "wages > 0 in the 2nd quarter after the exit quarter",
              (_wioa("I", "Employment Rate – 2nd Quarter After Exit", "the percentage of program participants who are in unsubsidized "
                     "employment during the second quarter after exit from the program"),),
              frozenset({2})),
    Indicator("employment_rate_q4", "rate", "exiters", "wages > 0 in the 4th quarter after the exit quarter",
              (_wioa("II", "Employment Rate – 4th Quarter After Exit", "the percentage of program participants who are in unsubsidized "
                     "employment during the fourth quarter after exit from the program"),),
              frozenset({4})),
    Indicator("median_earnings_q2", "median", "exiters", "median wages in the 2nd quarter after exit, among those employed then",
              (_wioa("III", "Median Earnings – 2nd Quarter After Exit", "the median earnings of program participants who are in unsubsidized "
                     "employment during the second quarter after exit from the program"),),
              frozenset({2})),
    Indicator("credential_rate", "rate", "exiters", "recognised credential between entry and one year after exit, among exiters in education or "
              "training (not OJT or customized)",
              (_wioa("IV", "Credential Attainment", "the percentage of program participants who obtain a recognized postsecondary credential, "
                     "or a secondary school diploma or its recognized equivalent …, during participation in or within 1 year after exit"),
               Ref("AQCP", "V", "Credential attainment", "career pathway participants who earn a credential (certificate attainment is "
                   "among the Alliance's education outcomes)", AQCP_SOURCE,
                   "As WIOA defines it (the same event and window); AQCP's Appendix D detail is not bundled.")),
              frozenset({1, 2, 3, 4})),
    Indicator("msg_rate", "rate", "program_year", "measurable skill gain in the program year, among participants in education or training during it",
              (_wioa("V", "Measurable Skill Gains", "the percentage of program participants who, during a program year, are in an education "
                     "or training program that leads to a recognized postsecondary credential or employment and who are achieving "
                     "measurable skill gains toward such a credential or employment"), _EW70)),
    Indicator("employment_placement_rate", "rate", "exiters", "wages > 0 in the 1st quarter after the exit quarter",
              (Ref("AQCP", "V", "Employment placement", "employment placement rates are among the Alliance's labor market outcomes",
                   AQCP_SOURCE, "AQCP's Appendix D wording is not bundled; Upward reads placement as WIA's entered-employment timing "
                   "(TEGL 17-05: employed in the 1st quarter after exit), for every exiter: the inputs carry no employment status at "
                   "entry (PIRL 400) to restrict it to those not employed then."),),
              frozenset({1})),
    Indicator("initial_earnings_median", "median", "exiters", "median of the 2nd plus 3rd quarters' wages after exit, among those employed in both",
              (Ref("AQCP", "V", "Initial earnings", "median earnings in the second and third quarters after career pathway exit",
                   AQCP_SOURCE, "Among exiters with wages in both quarters, the median of the two quarters' wages together (six months' "
                   "earnings), as WIA's six-month earnings measure counted only those employed through them."),),
              frozenset({2, 3})),
    Indicator("credit_attainment_rate", "rate", "exiters", "college credits earned during participation at least the profile's threshold (default "
              "12, a full-time term), among exiters in education or training whose record carries credits",
              (Ref("AQCP", "V", "Credit accumulation", "credit accumulation is among the Alliance's education outcomes", AQCP_SOURCE,
                   "From the optional input college_credits (no PIRL element); the threshold is the profile's outcomes.credit_threshold "
                   "(12 semester hours by default, the federal full-time term load)."),),
              frozenset(), field="college_credits"),
    Indicator("earnings_change_median", "median", "exiters", "median change from the 2nd quarter before entry to the 2nd after exit, among those employed after",
              (Ref("Upward", "", "Earnings change", "", "docs/outcomes.md", "Career-pathways earnings gain on PIRL 1701 (wages in the 2nd "
                   "quarter prior to participation) and 1704."),),
              frozenset({-2, 2})),
    Indicator("earnings_gain_rate", "rate", "exiters", "share of those employed after whose earnings rose by at least the profile's gain (default 15%)",
              (Ref("Upward", "", "Earnings gain", "", "docs/outcomes.md", "The share whose earnings rose by at least outcomes.earnings_gain."),),
              frozenset({-2, 2})),
    Indicator("quality_job_rate_q2", "rate", "exiters", "employed in the 2nd quarter after exit at ≥ a quarter of the annual living wage, in a "
              "quality-tier occupation when the record has one", (_EW61,), frozenset({2, "soc", "lw", "tiers"})),
    Indicator("quality_job_rate_q4", "rate", "exiters", "the same in the 4th quarter after exit", (_EW61,), frozenset({4, "soc", "lw", "tiers"})),
    *(_mobility(n) for n in MOBILITY_YEARS),
    Indicator("living_wage_earnings_rate", "rate", "exiters", "earnings over quarters 1–4 after exit at or above the area's annual living wage "
              "(a proxy: E-W's economic security is median wealth)", (_EW63,), frozenset({1, 2, 3, 4, "lw"})),
    *(_return(n) for n in RETURN_YEARS),
)
NAMES = tuple(i.name for i in INDICATORS)
BY_NAME = {i.name: i for i in INDICATORS}
#: E-W 69 is a regional indicator (`upward quality`); it is listed with the others in docs/outcomes.md.
REGIONAL = (_EW69,)


def catalog() -> list[dict]:
    """Every indicator with the framework indicators it answers: what docs/outcomes.md tabulates, as data
    (the API's /outcomes/indicators, the outcomes page and the report's outcomes section use it)."""
    from dataclasses import asdict

    rows = [{"indicator": i.name, "kind": i.kind, "population": i.population, "what": i.what, "horizon_years": i.horizon,
             "needs_field": i.field, "frameworks": [asdict(r) for r in i.refs]} for i in INDICATORS]
    rows += [{"indicator": "living_wage_mean_share", "kind": "rate", "population": "jobs in the area (upward quality)",
              "what": "share of the area's jobs in occupations whose mean wage exceeds its living wage", "horizon_years": None,
              "needs_field": None, "frameworks": [asdict(r) for r in REGIONAL]}]
    return rows


def frameworks_text(name: str) -> str:
    """'WIOA sec. 116(b)(2)(A)(i)(I); E-W 61' — the framework indicators one indicator answers, for labels."""
    i = BY_NAME.get(name)
    if i is None:
        return ""
    return "; ".join(f"{r.framework} {r.number}".strip() if r.framework != "Upward" else "Upward" for r in i.refs)


@dataclass(frozen=True)
class Params:
    exit_from: int
    exit_to: int
    program_year: int | None
    earnings_gain: float
    mobility_percentile: float
    mobility_threshold: float | None = None
    credit_threshold: float = 12.0
    interest_rate: float = 0.0


def prepare(p: ibis.Table) -> ibis.Table:
    """Participants with the derived fields every indicator and breakdown uses."""
    return p.mutate(
        entry_q=q_of(p.entry_date),
        exit_q=q_of(p.exit_date),
        age_group=ibis.ifelse(p.birth_date.isnull(), UNKNOWN, age_group(age_at(p.birth_date, p.entry_date))),
        sex_label=_label(p.sex, SEX),
        dw_label=_label(p.dislocated_worker, DISLOCATED_WORKER),
        disability_label=_label(p.disability, DISABILITY),
        english_learner_label=_label(p.english_learner, YES_NO),
        low_income_label=_label(p.low_income, YES_NO),
        homeless_label=_label(p.homeless, YES_NO),
        excluded=p.other_exit_reason.isin(list(EXCLUDED_EXITS)),
    )


def cohort(p: ibis.Table, params: Params) -> ibis.Table:
    """Exiters with the exit quarter in [from, to], before exclusions."""
    return p.filter(p.exit_q.notnull() & (p.exit_q >= params.exit_from) & (p.exit_q <= params.exit_to))


#: the headline indicators (the benchmark's comparison with hand-written SQL and pandas)
HEADLINE = ("employment_rate_q2", "employment_rate_q4", "median_earnings_q2")

#: what each exiter indicator needs beyond the participant fields: quarters after exit (−2 = the 2nd
#: before entry) and "soc" (main occupation), "lw" (living wage), "tiers", "mobilityN" (the state's
#: percentile N years after exit), "hs" (the state's high-school earnings)
NEEDS: dict[str, frozenset] = {i.name: i.needs for i in INDICATORS if i.population == "exiters"}
ALL_NEEDS = frozenset().union(*NEEDS.values())


def _col(k: int) -> str:
    """The exiter column of the wages k quarters after exit (−2: the 2nd quarter before entry)."""
    return "w_pre" if k < 0 else f"w{k}"


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


def horizons(need) -> list[int]:
    """The mobility horizons (years) a set of needs asks for."""
    return sorted(int(k[len("mobility"):]) for k in need if isinstance(k, str) and k.startswith("mobility"))


def coverage(names, params: Params, file_quarters, fields_given) -> tuple[tuple[str, ...], list[dict]]:
    """The indicators that can be computed, and why each other one cannot (`refuse` says whether that stops
    the run).

    An exiter indicator needs every calendar quarter it reads for the whole cohort to be in the wage
    file (an exiter whose later quarter is not in the file would count as not employed), and an
    indicator built on an optional participant field (net price, college credits) needs that column in
    the input."""
    have = set(file_quarters)
    last = max(have) if have else None
    keep, skipped = [], []
    for n in names:
        i = BY_NAME[n]
        reason = None
        if i.field and i.field not in fields_given:
            reason = f"the participants input has no '{i.field}' column"
        elif i.population == "exiters":
            offsets = [k for k in i.needs if isinstance(k, int) and k > 0]
            wanted = {e + k for e in range(params.exit_from, params.exit_to + 1) for k in offsets}
            missing = sorted(wanted - have)
            if missing:
                ends = f"ends {quarter_label(last)}" if last is not None else "is empty"
                reason = (f"the wage file {ends}; exits {quarter_label(params.exit_from)}–{quarter_label(params.exit_to)} need "
                          f"{quarter_label(missing[0])}" + (f" to {quarter_label(missing[-1])}" if len(missing) > 1 else ""))
        if reason is None:
            keep.append(n)
        else:
            skipped.append({"indicator": n, "reason": reason})
    return tuple(keep), skipped


def refuse(keep, skipped: list[dict], explicit: bool) -> None:
    """An indicator asked for by name (`explicit`) that cannot be computed is an error, and so is a run left
    with nothing to compute; in the default set the others are left out and the run record says why."""
    if explicit and skipped:
        s = skipped[0]
        raise UpwardError(f"{s['indicator']} cannot be computed: {s['reason']}.",
                          hint="Choose a cohort the wage file follows long enough, or leave the indicator out of --indicators.")
    if not keep:
        raise UpwardError("None of the chosen indicators can be computed: " + "; ".join(f"{s['indicator']}: {s['reason']}" for s in skipped) + ".")


def wage_quarters(w: ibis.Table, c: ibis.Table, need=ALL_NEEDS) -> ibis.Table:
    """Per person, total wages over all employers in the quarters that matter (2nd before entry, 1st–60th
    after exit; only those `need` names) and, when "soc" is needed, the main occupation of the 2nd and
    4th quarters (the SOC whose records paid the most; ties → lowest code)."""
    offsets = sorted(k for k in need if isinstance(k, int))
    if "exit_q" in w.columns:  # already joined to the cohort's keys (run.cells does it by person_id)
        j = w
    else:
        j = w.join(c.select("pid", "entry_q", "exit_q"), "pid")

    def target(t, k):
        return t.entry_q - 2 if k < 0 else t.exit_q + k

    def wanted(t):
        conds = [t.q == target(t, k) for k in offsets]
        return ibis.or_(*conds) if len(conds) > 1 else conds[0]

    j = j.filter(wanted(j))
    if "soc" not in need:  # one pass: a conditional sum per quarter, as a person would write it
        return j.group_by("pid").aggregate(**{_col(k): j.wages.sum(where=j.q == target(j, k)) for k in offsets})
    by_soc = j.group_by(["pid", "q", "entry_q", "exit_q", "soc"]).aggregate(amount=j.wages.sum())
    win = ibis.window(group_by=[by_soc.pid, by_soc.q], order_by=[ibis.desc(by_soc.amount), by_soc.soc.fill_null("~")])
    ranked = by_soc.mutate(rank=ibis.row_number().over(win), total=by_soc.amount.sum().over(group_by=[by_soc.pid, by_soc.q]))
    main = ranked.filter(ranked["rank"] == 0)

    def at(k: int, col: str = "total"):
        cond = main.q == target(main, k)
        if col == "total":
            return ibis.ifelse(cond, main.total, 0.0).sum()
        return main.soc.max(where=cond)

    cols = {_col(k): at(k) for k in offsets}
    cols.update({f"soc{k}": at(k, "soc") for k in (2, 4) if k in offsets})
    return main.group_by("pid").aggregate(**cols)


def mobility_quarters(params: Params, years) -> list[int]:
    """The calendar quarters the state-wide percentiles read: each exit quarter's years after exit."""
    return sorted({e + k for e in range(params.exit_from, params.exit_to + 1) for n in years for k in year_quarters(n)})


def mobility_thresholds(w_all: ibis.Table | None, params: Params, years) -> ibis.Table:
    """One row: for each exit quarter e and horizon n, `t_e_n`, the percentile (`outcomes.mobility_percentile`)
    of positive earnings over the four quarters of year n after e, per person, over the whole wage file
    (linear interpolation). `w_all` holds person_id, q, wages of the quarters `mobility_quarters` names.
    With `--mobility-threshold` the caller makes the same row from that figure instead."""
    exits = range(params.exit_from, params.exit_to + 1)
    qs = mobility_quarters(params, years)
    f = w_all.filter(w_all.q.isin(qs))
    per = f.group_by("person_id").aggregate(**{f"c{q}": f.wages.sum(where=f.q == q) for q in qs})
    p = params.mobility_percentile / 100
    aggs = {}
    for e in exits:
        for n in years:
            total = sum(per[f"c{e + k}"].fill_null(0.0) for k in year_quarters(n))
            # nulls are ignored by the percentile; ibis' `where=` would make Spark's percentage non-constant
            aggs[f"t_{e}_{n}"] = ibis.ifelse(total > 0, total, ibis.null(dt.float64)).quantile(p)
    return per.aggregate(**aggs)


def threshold_table(row: dict, params: Params, years):
    """The one-row thresholds as a small table to join on the exit quarter: exit_q, mobility{n}."""
    import pyarrow as pa

    exits = list(range(params.exit_from, params.exit_to + 1))
    cols = {"t_exit_q": pa.array(exits, pa.int32())}
    for n in years:
        cols[f"mobility{n}"] = pa.array([None if row[f"t_{e}_{n}"] is None else float(row[f"t_{e}_{n}"]) for e in exits], pa.float64())
    return pa.table(cols)


def recoup_payment(net_price: ibis.NumericValue, rate: float) -> ibis.NumericValue:
    """The yearly payment that repays `net_price` with interest `rate` over `RECOUP_YEARS` years (an annuity)."""
    if rate == 0:
        return net_price / RECOUP_YEARS
    return net_price * (rate / (1 - (1 + rate) ** -RECOUP_YEARS))


def exiters(p: ibis.Table, w: ibis.Table, thresholds: ibis.Table | None, lookups, params: Params, need=ALL_NEEDS) -> ibis.Table:
    """One row per exiter in the cohort (after exclusions) with the measures `need` names (default: all)."""
    c = cohort(p, params)
    t = c.filter(~c.excluded)
    if any(isinstance(k, int) for k in need):  # e.g. credit attainment reads no wages
        wq = wage_quarters(w, t, need)
        t = t.left_join(wq, "pid").drop("pid_right")
    t = t.mutate(**{k: t[k].fill_null(0.0) for k in t.columns if k == "w_pre" or (k[0] == "w" and k[1:].isdigit())})
    if "lw" in need:
        lw = lookups.living_wage
        t = t.left_join(lw, t.area_code == lw.lw_area).drop("lw_area")
    if "hs" in need:
        hs = lookups.hs_earnings
        t = t.left_join(hs, t.area_code == hs.hs_area).drop("hs_area")
    if horizons(need):
        t = t.left_join(thresholds, t.exit_q == thresholds.t_exit_q).drop("t_exit_q")
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
        return t[_col(k)] > 0

    def year(n):
        return sum(t[_col(k)] for k in year_quarters(n))

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
        ok = employed(k) & (t[_col(k)] >= t.lw_annual / 4).fill_null(False) & (soc.isnull() | (tier == "quality").fill_null(False))
        return ("rate", t.lw_annual.notnull(), ok, None)

    def mobility(n):
        thr = t[f"mobility{n}"]
        return ("rate", thr.notnull(), (year(n) >= thr).fill_null(False) & (year(n) > 0), None)

    def economic_return(n):
        bar = t.hs_earnings + recoup_payment(t.net_price, params.interest_rate)
        return ("rate", t.net_price.notnull() & t.hs_earnings.notnull(), (year(n) >= bar).fill_null(False), None)

    def credits():
        in_training = t.training_type.isin(list(CREDENTIAL_TRAINING)) & t.college_credits.notnull()
        return ("rate", in_training, (t.college_credits >= params.credit_threshold).fill_null(False), None)

    build = {
        "employment_rate_q2": lambda: ("rate", t.pid.notnull(), employed(2), None),
        "employment_rate_q4": lambda: ("rate", t.pid.notnull(), employed(4), None),
        "median_earnings_q2": lambda: ("median", employed(2), None, t.w2),
        "credential_rate": credential,
        "employment_placement_rate": lambda: ("rate", t.pid.notnull(), employed(1), None),
        "initial_earnings_median": lambda: ("median", employed(2) & employed(3), None, t.w2 + t.w3),
        "credit_attainment_rate": credits,
        "earnings_change_median": lambda: ("median", employed(2), None, t.w2 - t.w_pre),
        "earnings_gain_rate": lambda: ("rate", employed(2), (t.w2 >= t.w_pre * (1 + params.earnings_gain)) & (t.w2 > t.w_pre), None),
        "quality_job_rate_q2": lambda: quality(2),
        "quality_job_rate_q4": lambda: quality(4),
        "living_wage_earnings_rate": lambda: ("rate", t.lw_annual.notnull(), (year(1) >= t.lw_annual).fill_null(False), None),
        **{f"economic_mobility_rate_{n}y": (lambda n=n: mobility(n)) for n in MOBILITY_YEARS},
        **{f"minimum_economic_return_rate_{n}y": (lambda n=n: economic_return(n)) for n in RETURN_YEARS},
    }
    return {n: build[n]() for n in want}


def msg_measures(t: ibis.Table) -> dict[str, tuple]:
    return {"msg_rate": ("rate", t.pid.notnull(), t.msg, None)}


#: breakdown dimension → the column of the person tables that holds it (E-W's disaggregates where PIRL has
#: them: race or ethnicity, gender, disability, English learner, economically disadvantaged, homelessness)
DIM_COLUMN = {
    "program": "program", "area": "area_code", "age_group": "age_group", "sex": "sex_label",
    "race_ethnicity": "race_ethnicity", "dislocated_worker": "dw_label", "occupation_group": "occupation_group",
    "exit_quarter": "exit_quarter", "disability": "disability_label", "english_learner": "english_learner_label",
    "low_income": "low_income_label", "homeless": "homeless_label",
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
