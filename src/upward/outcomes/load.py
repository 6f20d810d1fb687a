"""Load participants and wage records into the engine: map columns, type and check every field, hash identifiers.

Validation is a set of boolean ibis expressions, one per (field, reason), evaluated by the
engine in one pass per file; only counts come back, and, when something is wrong, the file, row
number, field and reason of the first bad rows: never a value of the row, so never an identifier.
Strict by default (an error, nothing written); with a quarantine file the bad rows are written
aside with the identifier replaced by its keyed hash, and the run goes on with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa

from upward import codes
from upward.errors import UpwardError
from upward.outcomes.engines import Engine, display_name, files_of
from upward.outcomes.schema import SCHEMAS, Field

#: how many bad rows an error lists
FIRST_BAD = 10
_NUMERIC_CODES = ("sex", "dislocated_worker", "other_exit_reason", "credential_type", "disability", "english_learner", "low_income", "homeless")


@dataclass(frozen=True)
class Check:
    field: str
    reason: str
    expr: ibis.BooleanValue


class InputError(UpwardError):
    """Bad input rows: names file, row and field of the first ones, and how many of each problem."""

    def __init__(self, kind: str, problems: list[tuple[str, str, int]], rows: list[tuple[str, int, str, str]]):
        lines = [f"{Path(f).name if not f.startswith('table ') else f}, row {r}, field '{fld}': {reason}" for f, r, fld, reason in rows]
        counts = "; ".join(f"{fld}: {reason} ({n:,} rows)" for fld, reason, n in problems)
        super().__init__(
            f"The {kind} file has bad rows ({counts}). Nothing was written. First bad rows:\n  " + "\n  ".join(lines),
            hint="Fix the rows (row = 1-based data row, header not counted; for a database table, its row order as read), map column names with --mapping, "
            "or set the bad rows aside with --quarantine FILE and go on with the rest.",
        )
        self.problems = problems
        self.rows = rows


def _column(t: ibis.Table, mapping: dict[str, str], f: Field, where: str) -> ibis.Value | None:
    col = mapping.get(f.name, f.name)
    if col in t.columns:
        return t[col]
    if f.required:
        raise UpwardError(
            f"{where}: the required column '{col}' ({f.what}) is missing.",
            hint=f"Columns found: {', '.join(c for c in t.columns if not c.startswith('_'))}. Name it with --mapping (see docs/outcomes.md).",
        )
    return None


@ibis.udf.scalar.builtin(name="trim")
def _trim(x: dt.string) -> dt.string:  # SQL TRIM of spaces: DuckDB's and Spark's own, far faster than a character-set trim
    ...


def _text(v: ibis.Value | None) -> ibis.StringValue:
    """Text with surrounding spaces removed; empty → null."""
    if v is None:
        return ibis.null(dt.string)
    s = _trim(v if v.type().is_string() else v.cast(dt.string))
    return ibis.ifelse(s == "", ibis.null(dt.string), s)


def _nonempty(v: ibis.Value | None) -> ibis.StringValue:
    """Text as given; empty → null."""
    if v is None:
        return ibis.null(dt.string)
    s = v if v.type().is_string() else v.cast(dt.string)
    return ibis.ifelse(s == "", ibis.null(dt.string), s)


def _date(v: ibis.Value | None) -> tuple[ibis.Value, ibis.BooleanValue]:
    """A date from ISO `YYYY-MM-DD` or PIRL `YYYYMMDD` text (or a date column); bad = given but not a real date."""
    if v is None:
        return ibis.null(dt.date), ibis.literal(False)
    if v.type().is_date():
        return v, ibis.literal(False)
    if v.type().is_timestamp():
        return v.date(), ibis.literal(False)
    s = _text(v)
    iso = (
        ibis.cases(
            (s.re_search(r"^\d{8}$"), s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2)),
            (s.re_search(r"^\d{4}-\d{2}-\d{2}$"), s),
            else_=ibis.null(dt.string),
        )
    )
    d = iso.try_cast(dt.date)
    return d, s.notnull() & d.isnull()


def _code(v: ibis.Value | None, f: Field, default: str | None) -> tuple[ibis.Value, ibis.BooleanValue]:
    """A code from its list; PIRL's zero-padded numbers (01, 00) compare as 1, 0; text codes ignore case."""
    s = _text(v)
    if f.name in _NUMERIC_CODES:
        s = ibis.ifelse(s.re_search(r"^[0-9]{1,3}$"), s.cast(dt.int32).cast(dt.string), s)
    else:
        s = s.lower()
    if default is not None:
        s = s.fill_null(default)
    return s, s.notnull() & ~s.isin(list(f.codes))


def _parsed(engine: Engine, t: ibis.Table, text_col: str, out_col: str, parse) -> ibis.Table:
    """Adds `out_col`: `parse` (an `upward.codes` parser) of each distinct text of `text_col`, computed once in
    Python and joined back. A file of 10^8 records holds a few hundred distinct codes, so every code in
    the engine is read by the same parser as everywhere else, at the cost of one distinct pass."""
    import pyarrow as pa

    texts = t.select(text_col).distinct().to_pyarrow().column(0).to_pylist()
    pairs = [(x, parse(x)) for x in texts if x is not None]
    pairs = [(x, v) for x, v in pairs if v is not None] + [("", "")]  # never empty, so Spark can type the table
    key, value = f"_lk_{out_col}_in", f"_lk_{out_col}_out"
    lookup = engine.put(pa.table({key: [x for x, _ in pairs], value: [v for _, v in pairs]}), "codes")
    t = t.left_join(lookup, t[text_col] == lookup[key])
    return t.mutate(**{out_col: t[value]}).drop(key, value)


def _with_soc(engine: Engine, t: ibis.Table, text_col: str, out_col: str, socs: ibis.Table) -> tuple[ibis.Table, ibis.BooleanValue]:
    """Adds the SOC code (`upward.codes.soc`: 29-1141, 291141, 29-1141.00, O*NET-SOC 29-1141.01) as `out_col`
    when the atlas knows it as a detailed occupation."""
    known = set(socs.occ_code.to_pyarrow().to_pylist())
    t = _parsed(engine, t, text_col, out_col, lambda x: code if (code := codes.soc(x)) in known else None)
    return t, t[text_col].notnull() & t[out_col].isnull()


def participants(engine: Engine, path, mapping: dict[str, str], lookups, numbered: bool = False) -> tuple[ibis.Table, list[Check]]:
    files = files_of(path)
    raw = engine.source(files, numbered=numbered)
    where = display_name(files[0])
    cols = {f.name: _column(raw, mapping, f, where) for f in SCHEMAS["participants"]}
    out: dict[str, ibis.Value] = {}
    checks: list[Check] = []

    pid_raw = _text(cols["person_id"])
    out["person_id"] = pid_raw
    checks.append(Check("person_id", "missing", pid_raw.isnull()))
    out["program"] = _text(cols["program"])
    checks.append(Check("program", "missing", out["program"].isnull()))
    for name in ("entry_date", "exit_date", "birth_date", "credential_date", "msg_date", "postexit_enrollment_date"):
        out[name], bad = _date(cols[name])
        checks.append(Check(name, "not a date (YYYY-MM-DD or YYYYMMDD)", bad))
        if name == "entry_date":
            checks.append(Check(name, "missing", out[name].isnull() & ~bad))
    checks.append(Check("exit_date", "exit before entry", (out["exit_date"] < out["entry_date"]).fill_null(False)))
    checks.append(Check("birth_date", "born after entry", (out["birth_date"] > out["entry_date"]).fill_null(False)))
    defaults = {"dislocated_worker": "0", "other_exit_reason": "0", "training_type": "none", "credential_type": "0"}
    for f in SCHEMAS["participants"]:
        if f.kind == "code":
            out[f.name], bad = _code(cols[f.name], f, defaults.get(f.name))
            checks.append(Check(f.name, "unknown code (see docs/outcomes.md)", bad))
            if f.required:
                checks.append(Check(f.name, "missing", out[f.name].isnull()))
    checks.append(Check("credential_date", "missing for a credential", (out["credential_type"] != "0") & out["credential_date"].isnull()))
    for f in SCHEMAS["participants"]:
        if f.kind == "amount":  # optional non-negative numbers: credits, net price
            v = cols[f.name]
            given = _text(v).notnull() if v is not None and not v.type().is_numeric() else (v.notnull() if v is not None else ibis.literal(False))
            out[f.name] = v.cast(dt.float64) if v is not None and v.type().is_numeric() else _text(v).try_cast(dt.float64)
            checks.append(Check(f.name, "not a number", given & (out[f.name].isnull() | out[f.name].isnan() | out[f.name].isinf())))
            checks.append(Check(f.name, "negative", (out[f.name] < 0).fill_null(False)))
    area_txt = _text(cols["area"])
    out["area_input"] = area_txt
    out["target_soc_text"] = _text(cols["target_soc"])
    if cols["target_job_title"] is not None:
        out["target_title_text"] = _text(cols["target_job_title"])
    t = raw.mutate(**out, **{f"_k{i}": c.expr for i, c in enumerate(checks)})
    t, bad_soc = _with_soc(engine, t, "target_soc_text", "target_soc", lookups.socs)
    if cols["target_job_title"] is not None:  # a job title fills target_soc where no code is given
        t = with_title_socs(engine, t, "target_title_text", "target_soc", lookups)
    # areas: county FIPS (4 digits when a spreadsheet dropped the leading zero) or OEWS code → OEWS area,
    # through the atlas (a small table shipped into the engine)
    t = _parsed(engine, t, "area_input", "area_parsed", codes.place)
    t = t.left_join(lookups.areas, t.area_parsed == lookups.areas.input_code).drop("input_code", "area_parsed")
    checks = [Check(c.field, c.reason, t[f"_k{i}"]) for i, c in enumerate(checks)]
    checks.append(Check("target_soc", "not a detailed SOC 2018 occupation OEWS publishes", t.target_soc_text.notnull() & t.target_soc.isnull()))
    checks.append(Check("area", "missing", t.area_input.isnull()))
    checks.append(Check("area", "not a county FIPS or OEWS area code in the atlas", t.area_input.notnull() & t.area_code.isnull()))
    return t, checks


def title_socs(engine: Engine, titles: ibis.StringValue, lookups) -> ibis.Table:
    """The distinct job titles of a column coded to SOC once each (upward.titles, outside the engine):
    `_title` → `_title_soc`, only for titles coded with confidence at least `upward.titles.REVIEW_BELOW`
    to an occupation OEWS publishes. A state's file has thousands of distinct titles among millions of
    records, so the coder sees each text once; the records are joined to the small result."""
    import pyarrow as pa

    distinct = titles.name("_title").as_table().distinct().filter(ibis._._title.notnull())
    texts = [r["_title"] for r in distinct.to_pyarrow().to_pylist()]
    coded = lookups.code_titles(texts)
    lookups.title_counts.update({"distinct": len(texts), "coded": sum(1 for v in coded.values() if v is not None)})
    rows = [(k, v) for k, v in coded.items() if v is not None]
    table = pa.table({"_title": pa.array([k for k, _ in rows], pa.string()), "_title_soc": pa.array([v for _, v in rows], pa.string())})
    return engine.put(table, "titles")


def with_title_socs(engine: Engine, t: ibis.Table, title_col: str, soc_col: str, lookups) -> ibis.Table:
    """`soc_col` filled from the coded `title_col` where it is null (a code given always wins)."""
    coded = title_socs(engine, t[title_col], lookups)
    t = t.left_join(coded, t[title_col] == coded._title)
    t = t.mutate(**{soc_col: ibis.coalesce(t[soc_col], t._title_soc)})
    return t.drop("_title", "_title_soc")


@dataclass
class WageCodes:
    """The distinct quarter and SOC texts of a wage file, parsed once each inside the engine.

    A state's wage file has a few dozen quarters and under a thousand occupations among 10^8
    records, so each text is checked once, not once per record; the records are then checked
    against the (usually empty) lists of bad texts, and only the rows kept are joined to the
    parsed codes."""

    quarters: ibis.Table  # quarter_text → q (valid texts only)
    socs: ibis.Table  # soc_text → soc (known codes only)
    titles: ibis.Table | None  # title_text → title_soc (confidently coded titles only), when a job_title column is mapped
    q_of: dict[str, int]
    bad_quarters: list[str]
    bad_socs: list[str]


def wage_codes(engine: Engine, t: ibis.Table, lookups, titles: bool = False) -> WageCodes:
    """`titles`: a job_title column is mapped, so its distinct texts are coded too."""
    pairs = engine.materialize(t.select("quarter_text", "soc_text", *(["title_text"] if titles else [])).distinct())
    qd = pairs.select("quarter_text").distinct()
    qs = qd.quarter_text
    year = qs.substr(0, 4).try_cast(dt.int32)
    qn = qs.substr(5, 1).try_cast(dt.int32)
    ok = ((qs.length() == 6) & qs.substr(4, 1).isin(["Q", "q"]) & year.notnull() & (qn >= 1) & (qn <= 4)).fill_null(False)
    qd = engine.materialize(qd.mutate(q=ibis.ifelse(ok, year * 4 + qn - 1, ibis.null(dt.int32)), ok=ok))
    sd = pairs.select("soc_text").distinct()
    sd, bad = _with_soc(engine, sd, "soc_text", "soc", lookups.socs)
    sd = engine.materialize(sd.mutate(bad=bad))
    coded_titles = title_socs(engine, pairs.title_text, lookups).rename(title_text="_title", title_soc="_title_soc") if titles else None
    qrows = qd.to_pyarrow().to_pylist()
    srows = sd.filter(sd.bad).select("soc_text").to_pyarrow().to_pylist()
    return WageCodes(
        quarters=qd.filter(qd.ok).select("quarter_text", "q"),
        socs=sd.filter(sd.soc.notnull()).select("soc_text", "soc"),
        titles=coded_titles,
        q_of={r["quarter_text"]: r["q"] for r in qrows if r["ok"]},
        bad_quarters=[r["quarter_text"] for r in qrows if not r["ok"] and r["quarter_text"] is not None],
        bad_socs=[r["soc_text"] for r in srows],
    )


def _in(col: ibis.StringValue, values: list[str]) -> ibis.BooleanValue:
    return col.isin(values).fill_null(False) if values else ibis.literal(False)


def wages(engine: Engine, path, mapping: dict[str, str], lookups, numbered: bool = False, codes: WageCodes | None = None):
    """Wage records as (table, checks, codes): per record only emptiness, numbers and list lookups (this runs
    on every record); quarters and SOC codes are parsed once per distinct text (`wage_codes`)."""
    files = files_of(path)
    raw = engine.source(files, numbered=numbered)
    where = display_name(files[0])
    cols = {f.name: _column(raw, mapping, f, where) for f in SCHEMAS["wages"]}
    keep = [c for c in ("_file", "_row") if c in raw.columns]
    # CSV text is trimmed; Parquet strings are typed values and are used as they are (a trim of every
    # one of 10^8 records would cost more than the rest of the checks)
    text = _text if files[0].lower().endswith(".csv") else _nonempty
    w = cols["wages"]
    amount = w.cast(dt.float64) if w.type().is_numeric() else text(w).try_cast(dt.float64)
    t = raw.select(
        *keep,
        person_id=text(cols["person_id"]),
        quarter_text=text(cols["quarter"]),
        wages_given=(w.notnull() if w.type().is_numeric() else text(w).notnull()),
        wages=amount,
        employer_id=text(cols["employer_id"]),
        soc_text=text(cols["soc"]) if cols["soc"] is not None else ibis.null(dt.string),
        title_text=text(cols["job_title"]) if cols["job_title"] is not None else ibis.null(dt.string),
        # the quarter as a plain column where it is one (Parquet): a filter on it reaches the reader,
        # which then decodes the other columns only for the rows that pass
        quarter_key=cols["quarter"] if text is _nonempty and cols["quarter"].type().is_string() else text(cols["quarter"]),
    )
    if codes is None:
        codes = wage_codes(engine, t, lookups, titles=cols["job_title"] is not None)
    checks = [
        ("person_id", "missing", t.person_id.isnull()),
        ("quarter", "not a quarter (YYYYQn)", t.quarter_text.isnull() | _in(t.quarter_text, codes.bad_quarters)),
        ("wages", "missing", ~t.wages_given),
        ("wages", "not a number", t.wages_given & (t.wages.isnull() | t.wages.isnan() | t.wages.isinf())),
        ("wages", "negative", (t.wages < 0).fill_null(False)),
        ("soc", "not a detailed SOC 2018 occupation OEWS publishes", _in(t.soc_text, codes.bad_socs)),
    ]
    t = t.mutate(**{f"_k{i}": e for i, (_, _, e) in enumerate(checks)})
    return t, [Check(f, r, t[f"_k{i}"]) for i, (f, r, _) in enumerate(checks)], codes


def with_codes(t: ibis.Table, codes: WageCodes) -> ibis.Table:
    """Kept wage rows with their quarter index `q` and normalised `soc`."""
    t = t.left_join(codes.quarters, "quarter_text")
    t = t.left_join(codes.socs, "soc_text")
    if codes.titles is not None:  # a job title fills soc where no code is given
        t = t.left_join(codes.titles, "title_text")
        t = t.mutate(soc=ibis.coalesce(t.soc, t.title_soc)).drop("title_soc")
    return t.drop(*[c for c in t.columns if c.endswith("_right")])


def count_problems(t: ibis.Table, checks: list[Check]) -> tuple[int, int, list[tuple[str, str, int]]]:
    """One engine pass: rows, bad rows, and how many rows fail each check."""
    bad = ibis.literal(False)
    for c in checks:
        bad = bad | c.expr
    metrics = {f"c{i}": c.expr.cast(dt.int64).sum() for i, c in enumerate(checks)}
    agg = t.aggregate(_n=t.count(), _bad=bad.cast(dt.int64).sum(), **metrics).to_pyarrow().to_pylist()[0]
    problems = [(c.field, c.reason, int(agg[f"c{i}"] or 0)) for i, c in enumerate(checks) if agg[f"c{i}"]]
    return int(agg["_n"]), int(agg["_bad"] or 0), problems


def flag(t: ibis.Table, checks: list[Check]) -> ibis.Table:
    """Adds `_bad` (any check failed) and `_problems` ('field: reason; …')."""
    parts = [ibis.ifelse(c.expr, f"{c.field}: {c.reason}", ibis.null(dt.string)) for c in checks]
    bad = ibis.literal(False)
    for c in checks:
        bad = bad | c.expr
    problems = ibis.literal("")
    for p in parts:
        problems = problems + p.fill_null("").concat(ibis.ifelse(p.notnull(), "; ", ""))
    return t.mutate(_bad=bad, _problems=problems.re_replace(r"; $", ""))


def first_bad(t: ibis.Table, checks: list[Check], limit: int = FIRST_BAD) -> list[tuple[str, int, str, str]]:
    """(file, row, field, reason) of the first bad rows, from a numbered table; no value of the row leaves."""
    cols = {f"c{i}": c.expr for i, c in enumerate(checks)}
    got = t.mutate(**cols).filter(ibis.or_(*cols.values()) if len(cols) > 1 else list(cols.values())[0])
    got = got.select("_file", "_row", *cols).order_by(["_file", "_row"]).limit(limit).to_pyarrow().to_pylist()
    out = []
    for r in got:
        for i, c in enumerate(checks):
            if r[f"c{i}"]:
                out.append((r["_file"], int(r["_row"]), c.field, c.reason))
    return out[:limit]


def quarantine_rows(t: ibis.Table, checks: list[Check], hashed_id: ibis.StringValue) -> ibis.Table:
    """The bad rows of a numbered table, identifier replaced by its keyed hash, every value as text."""
    flagged = flag(t.mutate(person_key=hashed_id), checks).filter(ibis._._bad)
    keep = ["_file", "_row", "_problems", "person_key"]
    skip = {"person_id", "_bad", "_file", "_row", "_problems", "person_key"}
    typed = {c for c in flagged.columns if c in {"program", "entry_date", "exit_date", "birth_date", "credential_date", "msg_date",
                                                  "postexit_enrollment_date", "sex", "race_ethnicity", "dislocated_worker", "area_input",
                                                  "other_exit_reason", "training_type", "credential_type", "target_soc", "area_code",
                                                  "wages", "employer_id", "quarter_text", "soc_text", "target_soc_text",
                                                  "disability", "english_learner", "low_income", "homeless", "college_credits", "net_price"}}
    return flagged.select(*keep, *(flagged[c].cast(dt.string).name(c) for c in sorted(typed - skip)))


def write_quarantine(batches: list[tuple[str, ibis.Table]], path: Path) -> int:
    """The bad rows of each input in one CSV (or Parquet, by the extension) file, written atomically; returns the count."""
    import pyarrow.parquet as pq

    from upward import csvout
    from upward.files import write_atomically

    frames = [expr.mutate(input=ibis.literal(kind), _file=expr._file.re_extract(r"([^/\\]+)$", 1)).order_by(["_file", "_row"]).to_pyarrow()
              for kind, expr in batches]
    first = ["input", "_file", "_row", "_problems", "person_key"]
    names = first + sorted({c for f in frames for c in f.column_names} - set(first))
    tables = [
        pa.table([f[c].cast(pa.string()) if c in f.column_names else pa.nulls(len(f), pa.string()) for c in names],
                 names=[c.lstrip("_") for c in names])
        for f in frames
    ]
    table = pa.concat_tables(tables)
    if path.suffix.lower() == ".parquet":
        write_atomically(path, lambda tmp: pq.write_table(table, tmp))
    else:
        write_atomically(path, lambda tmp: csvout.write_arrow(tmp, table))
    return table.num_rows
