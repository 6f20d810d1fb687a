"""Reading an inventory file and checking every row of it against the template and the atlas.

`read_inventory` returns the cells as the file holds them (text from a CSV; numbers, dates and
text from a workbook; JSON values), indexed by the 1-based file row (`row`: the header is row 1,
so the first program is row 2; JSON records are numbered from 1). `validate` returns every
problem it finds, one `Problem(file, row, field, reason)` each, never stopping at the first.
Warnings (an award level that is not an IPEDS code) use the same shape but never block an
import; they are in `check(...).warnings` and `ImportResult.warnings`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from upward import codes as code_rules
from upward import sheets
from upward import soc as soc_codes
from upward import text as upward_text
from upward.errors import UpwardError
from upward.sheets import Problem
from upward.hub import coded_titles
from upward.hub.template import (
    AWARD_LEVELS,
    COLUMNS,
    HEADER_TO_COLUMN,
    LIST_COLUMNS,
    MODALITIES,
    POPULATIONS,
    ID_COLUMNS,
    MAX_ID_LENGTH,
    MAX_TEXT_LENGTH,
    RANGES,
    REQUIRED,
    SUPPORTS,
    WHOLE,
    normalize_header,
)

SUFFIXES = (".csv", ".xlsx", ".json")
_HINT = "The columns, accepted values and an example are in docs/programs-import.md (upward.hub.template())."


class InventoryError(UpwardError):
    """An inventory with bad rows: carries every problem; nothing was imported."""

    def __init__(self, path: Path | str, problems: list[Problem]):
        rows = {p.row for p in problems if p.row is not None}
        head = (
            f"{Path(path).name}: {len(problems)} problem{'s' * (len(problems) != 1)}"
            f" in {len(rows)} row{'s' * (len(rows) != 1)}; nothing was imported."
        )
        super().__init__(head + "\n" + "\n".join(f"  {p}" for p in problems), hint=f"Fix every row listed and import again. {_HINT}")
        self.path = str(path)
        self.problems = problems


def read_inventory(path: Path | str, data: bytes | None = None, limits: sheets.Limits | None = None) -> pd.DataFrame:
    """The file's cells with its own headers, indexed by file row; the format comes from the suffix.

    `data` is the file's bytes when the caller already read them (so the hash and the rows
    come from the same bytes). Read by `upward.sheets` within `limits` (the profile's [limits]);
    problems the reader found in cells (hidden characters, formulas with no saved value) travel
    in `df.attrs["problems"]` and are reported by `check`.
    """
    sheet = sheets.read(path, data, limits=limits, suffixes=SUFFIXES, hint=_HINT)
    df = _frame(sheet.header, [r for _, r in sheet.rows], [n for n, _ in sheet.rows])
    df.index.name = "row"
    df.attrs["format"] = sheet.format
    df.attrs["not_objects"] = sheet.not_objects
    df.attrs["problems"] = sheet.problems
    return df


def _frame(header: list, body: list[list], rows: list[int]) -> pd.DataFrame:
    width = len(header)
    cells = [list(r[:width]) + [None] * (width - len(r)) for r in body]
    df = pd.DataFrame(cells, columns=range(width), index=pd.Index(rows, name="row"), dtype=object)
    df.columns = [str(h) if h is not None else "" for h in header]
    # Cells beyond the header (a stray value to the right) are kept so validation can name them.
    overflow = {row: len(r) for row, r in zip(rows, body) if len(r) > width and any(_present(c) for c in r[width:])}
    df.attrs["overflow"] = overflow
    return df


_present = sheets.present


# ---------------------------------------------------------------------------------------------
# Checking


@dataclass
class Checked:
    """A validated file: the problems, and (when there are none) the typed tables to write."""

    problems: list[Problem]
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    providers: pd.DataFrame | None = None
    programs: pd.DataFrame | None = None
    completions: pd.DataFrame | None = None
    outcomes: pd.DataFrame | None = None
    #: job titles in target_socs coded to SOC (upward.hub.coded_titles), one row per title
    title_codes: pd.DataFrame | None = None


def validate(con, df: pd.DataFrame, path: Path | str) -> list[Problem]:
    """Every problem in the inventory `df` (from `read_inventory`), checked against the atlas `con`."""
    return check(con, df, path).problems


class _Problems:
    def __init__(self, file: str, rows: pd.Index):
        self.file = file
        self.rows = rows
        self.items: list[Problem] = []

    def add(self, row: int | None, field_: str | None, reason: str) -> None:
        self.items.append(Problem(self.file, row, field_, reason))

    def flag(self, mask: pd.Series, field_: str, reason) -> None:
        """Report each flagged row once; `reason` is text or a function of the row label."""
        mask = mask.fillna(True).astype(bool)
        for row in mask.index[mask.to_numpy()]:
            self.add(int(row), field_, reason(row) if callable(reason) else reason)


def _cell_text(value, *, list_ok: bool):
    """A cell as stripped text (None when blank), or a `_WrongType` naming what it was."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return _WrongType(f"true/false ({value!r})")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        if not list_ok:
            return _WrongType("a list")
        items = [_cell_text(v, list_ok=False) for v in value]
        wrong = [v for v in items if isinstance(v, _WrongType)]
        if wrong:
            return wrong[0]
        return "; ".join(v for v in items if v) or None
    if isinstance(value, dict):
        return _WrongType("an object")
    return _WrongType(type(value).__name__)


class _WrongType(str):
    """Marks a cell whose type (a JSON object, a true/false …) no column accepts."""


_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?")


def _numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse text as numbers ('$1,200.50' accepted); returns (values, bad) where bad = present but not a number.

    A number too large for a float (1e400, or 5,000 digits) is ±inf, so the range check names it as out of range.
    """
    s = text.str.replace(r"^\$\s*", "", regex=True)
    grouped = s.str.fullmatch(_THOUSANDS.pattern).fillna(False).astype(bool)
    s = s.mask(grouped, s.str.replace(",", "", regex=False))
    values = pd.to_numeric(s, errors="coerce").astype("float64")
    digits = s.str.fullmatch(r"[+-]?\d+(\.\d*)?").fillna(False).astype(bool)
    values = values.mask(digits & values.isna(), np.where(s.str.startswith("-").fillna(False), -np.inf, np.inf))
    bad = text.notna() & values.isna()
    return values, bad


def _apply(series: pd.Series, f) -> pd.Series:
    """`f` of each present value as a plain object column (None where missing); no dtype inference."""
    return pd.Series(
        [None if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v) else f(v) for v in series.astype(object)],
        index=series.index,
        dtype=object,
    )


def _split(text: str | None) -> list[str]:
    return [] if text is None else [p.strip() for p in text.split(";") if p.strip()]


def _token(s: str) -> str:
    return re.sub(r"[\s\-]+", "_", s.strip().lower())


def award_code(value) -> int | None:
    """The IPEDS award-level code `value` states ('3', 3, '03', '3.0'), else None."""
    if value is None or isinstance(value, bool):
        return None
    m = re.fullmatch(r"0*(\d{1,2})(\.0*)?", str(value).strip())
    return int(m.group(1)) if m and int(m.group(1)) in AWARD_LEVELS else None


def award_level_value(value):
    """A stored award level as the inventory shows it: an IPEDS code as an int, other text as is."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    code = award_code(value)
    return code if code is not None else value


def map_columns(headers: list[str]) -> tuple[dict[str, int], list[str], list[tuple[str, list[str]]]]:
    """Header positions of the template columns, the ignored headers, and columns named twice."""
    found: dict[str, list[int]] = {}
    ignored = []
    for i, h in enumerate(headers):
        col = HEADER_TO_COLUMN.get(normalize_header(h))
        if col is None:
            ignored.append(h if str(h).strip() else f"(column {i + 1}, no header)")
        else:
            found.setdefault(col, []).append(i)
    twice = [(c, [headers[i] for i in pos]) for c, pos in found.items() if len(pos) > 1]
    return {c: pos[0] for c, pos in found.items()}, ignored, twice


def _atlas_codes(con) -> dict:
    cips = dict(con.execute("select cip_code, action from cip_codes where digits = 6").fetchall())
    counties = con.execute(
        "select county_fips, county_name, state_abbr, area_code, area_name from geo_county_areas"
    ).df().set_index("county_fips")
    levels = dict(con.execute("select occ_code, level from occupations").fetchall())
    # Groups OEWS does not publish as rows (a broad group with one occupation) are still groups.
    for level in ("broad", "minor", "major"):
        for (code,) in con.execute(f"select distinct {level}_code from occupations where {level}_code is not null").fetchall():
            levels.setdefault(code, level)
    # SOC 2018 and O*NET-SOC codes → the atlas occupation (OEWS publishes a few SOC codes combined).
    soc_to_occ = {c: c for c, lvl in levels.items() if lvl == "detailed"}
    for code, occ in con.execute("select code, occ_code from soc_map where system = 'onet'").fetchall():
        if levels.get(occ) == "detailed":
            soc_to_occ.setdefault(code, occ)
            soc_to_occ.setdefault(soc_codes.onet_soc(code), occ)
    return {"cips": cips, "counties": counties, "levels": levels, "soc_to_occ": soc_to_occ}


def check(con, df: pd.DataFrame, path: Path | str) -> Checked:
    """Validate and, when every row is good, return the typed provider, program, completion and outcome rows."""
    path = Path(path)
    fmt = df.attrs.get("format", path.suffix.lower().lstrip("."))
    header_row = None if fmt == "json" else 1
    rows = df.index if df.index.name == "row" else pd.RangeIndex(2, len(df) + 2) if fmt != "json" else pd.RangeIndex(1, len(df) + 1)
    P = _Problems(path.name, rows)

    positions, ignored, twice = map_columns(list(df.columns))
    # A column with neither a header nor a value (trailing commas, an empty spreadsheet column) is not worth a mention.
    empty = {
        f"(column {i + 1}, no header)"
        for i, h in enumerate(df.columns)
        if not str(h).strip() and not any(_present(v) for v in df.iloc[:, i])
    }
    ignored = [h for h in ignored if h not in empty]
    for col, headers in twice:
        P.add(header_row, col, f"{len(headers)} columns map to {col}: {', '.join(map(repr, headers))}; keep one")
    missing = [c for c in REQUIRED if c not in positions]
    for col in missing:
        what = "no record has the field" if fmt == "json" else "required column missing"
        P.add(header_row, col, f"{what}; found: {', '.join(map(repr, df.columns)) or 'nothing'}")
    # cells the reader refused (hidden control or bidi characters, formulas with no saved value)
    refused = set()
    for p in df.attrs.get("problems", []):
        col = HEADER_TO_COLUMN.get(normalize_header(p.field), p.field) if p.field else None
        P.add(p.row, col, p.reason)
        refused.add((p.row, col))
    for r in df.attrs.get("not_objects", []):
        P.add(r, None, "expected a record (a JSON object with the template's fields)")
    for r, n in df.attrs.get("overflow", {}).items():
        P.add(r, None, f"the row has values in {n} cells but the header names {len(df.columns)} columns")
    if len(df) == 0:
        P.add(header_row, None, "no program rows: the file has a header and nothing below it")
    if missing or twice or len(df) == 0:
        return Checked(sorted(P.items, key=_order), ignored)

    # Every template column as text (None when blank or absent); wrong-typed cells reported.
    text: dict[str, pd.Series] = {}
    wrong_type: dict[str, pd.Series] = {}
    for col in COLUMNS:
        if col not in positions:
            text[col] = pd.Series(pd.NA, index=rows, dtype="string")
            wrong_type[col] = pd.Series(False, index=rows)
            continue
        raw = df.iloc[:, positions[col]]
        cells = pd.Series([_cell_text(v, list_ok=col in LIST_COLUMNS) for v in raw], index=rows, dtype=object)
        wrong = cells.map(lambda v: isinstance(v, _WrongType))
        P.flag(wrong, col, lambda r, c=cells: f"wrong type: expected text or a number, got {c[r]}")
        text[col] = cells.mask(wrong, None).astype("string")
        wrong_type[col] = wrong.astype(bool)
        if col not in RANGES:  # a number's size is its range, checked below
            longest = MAX_ID_LENGTH if col in ID_COLUMNS else MAX_TEXT_LENGTH
            long_ = text[col].str.len().fillna(0) > longest
            P.flag(long_, col, lambda r, c=col, n=longest: f"longer than {n:,} characters ({len(text[c][r]):,}); shorten it")
    for r, col in refused:  # a cell the reader refused is reported once, not again as blank or malformed
        if col in wrong_type and r in wrong_type[col].index:
            wrong_type[col].loc[r] = True
    # Ids: one spelling whatever dashes and spaces were typed; look-alike letters from another script refused.
    for col in ID_COLUMNS:
        ids = _apply(text[col], upward_text.identifier)
        why = _apply(ids, lambda t: t[1])
        flagged = why.notna() & pd.Series([(int(r), col) not in refused for r in rows], index=rows)
        P.flag(flagged, col, lambda r, w=why: f"{w[r]}")
        text[col] = _apply(ids, lambda t: t[0]).astype("string").mask(why.notna())
        wrong_type[col] = wrong_type[col] | why.notna()

    def present(col):
        return text[col].notna()

    def shown(col):
        raw = df.iloc[:, positions[col]] if col in positions else None
        return lambda r: _shown(raw[r])

    def bad_ok(col, mask):  # a cell already reported as the wrong type is not reported again
        return mask & ~wrong_type[col]

    # Required fields.
    for col in REQUIRED:
        P.flag(bad_ok(col, ~present(col)), col, "required; the cell is blank")

    codes = _atlas_codes(con)

    # CIP 2020 six-digit programs.
    cip = _apply(text["cip_code"], code_rules.cip6)
    shape_bad = present("cip_code") & cip.isna()

    def cip_shape(r):
        t = text["cip_code"][r]
        if re.fullmatch(r"\d{1,2}(\.\d{1,3})?", t):
            return (
                f"{shown('cip_code')(r)} is not a 6-digit CIP code; give the program's code like 51.3801"
                " (if a spreadsheet dropped trailing zeros, format the column as text)"
            )
        return f"{shown('cip_code')(r)} is not a 6-digit CIP code (expected like 51.3801 or 513801)"

    P.flag(shape_bad, "cip_code", cip_shape)
    action = _apply(cip, lambda c: codes["cips"].get(c, "unknown"))
    P.flag(action == "unknown", "cip_code", lambda r: f"{cip[r]} is not a code in CIP 2020")
    P.flag(
        action.isin(["Moved to", "Deleted"]),
        "cip_code",
        lambda r: f"{cip[r]} is a CIP 2010 code that CIP 2020 {'moved' if action[r] == 'Moved to' else 'deleted'}; use its CIP 2020 code",
    )

    # County FIPS → county, state, OEWS area.
    parsed_fips = _apply(text["county_fips"], code_rules.county_fips)
    county_shape = parsed_fips.notna()
    fips = text["county_fips"].mask(county_shape, parsed_fips.astype("string"))
    county_ok = fips.isin(codes["counties"].index).fillna(False).astype(bool) & county_shape
    P.flag(
        present("county_fips") & ~county_shape,
        "county_fips",
        lambda r: f"{shown('county_fips')(r)} is not a county FIPS code (5 digits, e.g. 48201)",
    )
    P.flag(
        county_shape & ~county_ok,
        "county_fips",
        lambda r: f"{fips[r]} is not a county in the atlas's county-to-area table",
    )

    # Numbers, within the template's ranges.
    nums: dict[str, pd.Series] = {}
    for col, (lo, hi, why) in RANGES.items():
        values, bad = _numbers(text[col])
        P.flag(bad, col, lambda r, c=col: f"expected a number, got {shown(c)(r)}")
        if col in WHOLE:
            frac = values.notna() & (values != values.round())
            P.flag(frac, col, lambda r, c=col: f"expected a whole number, got {shown(c)(r)}")
            values = values.where(~frac)
        out = values.notna() & ((values < lo) | (values > hi))

        def outside(r, c=col, lo=lo, hi=hi, why=why, v=values):
            hint = f" (write {v[r] / 100:g} for {v[r]:g}%)" if c == "employment_rate" and 1 < v[r] <= 100 else ""
            return f"expected a number from {lo:,} to {hi:,} ({why}), got {shown(c)(r)}{hint}"

        P.flag(out, col, outside)
        nums[col] = values.where(~out)
    P.flag(
        present("completions") & ~present("completions_year"),
        "completions_year",
        "required when completions is given: the year they were counted",
    )
    P.flag(present("completions_year") & ~present("completions"), "completions", "blank, but completions_year is given")

    # Closed vocabularies.
    modality = _apply(text["modality"], _token)
    P.flag(
        present("modality") & ~modality.isin(MODALITIES).fillna(False).astype(bool),
        "modality",
        lambda r: f"{shown('modality')(r)} is not one of {', '.join(MODALITIES)}",
    )
    listed: dict[str, pd.Series] = {}
    for col, vocabulary in (("populations_served", POPULATIONS), ("supports", SUPPORTS)):
        items = listed[col] = _apply(text[col], lambda t: [_token(p) for p in _split(t)])

        def bad_items(r, items=items, vocabulary=vocabulary):
            wrong = [p for p in items[r] if p not in vocabulary]
            return f"{', '.join(map(repr, wrong))} not among {', '.join(vocabulary)} (separate items with ;)"

        P.flag(_apply(items, lambda v, voc=vocabulary: any(p not in voc for p in v)).fillna(False).astype(bool), col, bad_items)

    # Award level: an IPEDS code groups with the seed's programs; other text is kept, with a warning.
    award = _apply(text["award_level"], lambda t: str(code) if (code := award_code(t)) is not None else t)
    warnings = [
        Problem(
            path.name, int(r), "award_level",
            f"{shown('award_level')(r)} is not an IPEDS award-level code ({', '.join(map(str, AWARD_LEVELS))}); "
            "kept as text. If the program is a postsecondary award, give its code (3 for an associate's degree, "
            "5 for a bachelor's …) so it groups with the public inventory's programs of the same CIP and level",
        )  # fmt: skip
        for r, t in award.items()
        if t is not None and award_code(t) is None
    ]

    # Target occupations: detailed SOC codes.
    socs = _apply(text["target_socs"], _split)

    def soc_reasons(items):
        out = []
        for item in items:
            if coded_titles.is_title(item):
                continue  # a job title: coded below
            parsed = code_rules.parse_soc(item)
            code = parsed.key if parsed else None
            if code is None:
                out.append(f"{item!r} is not a SOC code (expected like 29-1141)")
            elif code not in codes["soc_to_occ"]:
                level = codes["levels"].get(code)
                out.append(
                    f"{code} is a {level} group, not a detailed occupation" if level else f"{code} is not a SOC 2018 occupation"
                )
        return "; ".join(out) + " (separate codes with ;)" if out else None

    soc_bad = _apply(socs, soc_reasons)
    P.flag(soc_bad.notna(), "target_socs", lambda r: soc_bad[r])
    title_socs, title_warnings, title_records = coded_titles.code_targets(con, socs, codes["soc_to_occ"], path.name, text["program_id"])
    warnings += title_warnings

    # Dates.
    iso = text["as_of"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
    as_of = pd.to_datetime(text["as_of"].where(iso), format="%Y-%m-%d", errors="coerce")
    P.flag(present("as_of") & as_of.isna(), "as_of", lambda r: f"expected a date YYYY-MM-DD, got {shown('as_of')(r)}")

    # One row per program, one name, type and county per provider.
    pid = text["program_id"]
    prov = text["provider_id"]
    first_row = pd.Series(rows, index=rows).groupby(pid.to_numpy(), dropna=True).transform("first")
    dup = pid.notna() & pid.duplicated(keep="first")

    def dup_reason(r):
        f = int(first_row[r])
        if pd.notna(prov[r]) and pd.notna(prov[f]) and prov[r] != prov[f]:
            return f"program_id {pid[r]!r} is already at row {f} under provider_id {prov[f]!r}, here under {prov[r]!r}; a program belongs to one provider and has one row"
        return f"program_id {pid[r]!r} repeats row {f}; give each program one row"

    P.flag(dup, "program_id", dup_reason)
    norm_fields = {"provider_name": text["provider_name"], "provider_type": text["provider_type"], "county_fips": fips}
    for col, values in norm_fields.items():
        stated = prov.notna() & values.notna()
        firsts = pd.Series(rows, index=rows)[stated].groupby(prov[stated].to_numpy()).transform("first")
        first_value = values.loc[firsts.to_numpy()].set_axis(firsts.index)
        clash = (values.loc[firsts.index] != first_value).fillna(False).astype(bool)
        P.flag(
            clash.reindex(rows, fill_value=False),
            col,
            lambda r, c=col, fv=first_value, fr=firsts, v=values: f"provider {prov[r]!r} has {c} {fv[r]!r} at row {int(fr[r])}, here {v[r]!r}; one {c.replace('provider_', '')} per provider",
        )

    not_objects = set(df.attrs.get("not_objects", []))  # a JSON value that is no record: one problem, not one per field
    problems = sorted((p for p in P.items if p.row not in not_objects or p.field is None), key=_order)
    if problems:
        return Checked(problems, ignored, warnings)

    # -- Typed rows to write ------------------------------------------------------------------
    def opt(series):
        return series.astype(object).where(series.notna(), None)

    n_row = pd.Series(rows, index=rows)
    county = codes["counties"].loc[fips.to_numpy()]
    prov_first = ~prov.duplicated(keep="first")
    provider_type = text["provider_type"].groupby(prov.to_numpy()).transform("first")
    providers = pd.DataFrame(
        {
            "provider_id": prov.astype(object),
            "name": text["provider_name"].astype(object),
            "type": opt(provider_type),
            "county_fips": fips.astype(object),
            "county_name": county["county_name"].to_numpy(),
            "state_abbr": county["state_abbr"].to_numpy(),
            "area_code": county["area_code"].to_numpy(),
            "area_name": county["area_name"].to_numpy(),
            "file_row": n_row,
        },
        index=rows,
    )[prov_first.to_numpy()].reset_index(drop=True)

    def as_list(series, f=lambda x: x):
        return _apply(series, lambda v: list(dict.fromkeys(f(x) for x in v)) or None)

    def targets(r):  # the codes given and the occupations of the titles coded with enough confidence
        given = [codes["soc_to_occ"][code_rules.parse_soc(s).key] for s in (socs[r] or []) if not coded_titles.is_title(s)]
        return list(dict.fromkeys(given + title_socs.get(r, []))) or None

    programs = pd.DataFrame(
        {
            "program_id": pid.astype(object),
            "provider_id": prov.astype(object),
            "name": text["program_name"].astype(object),
            "cip_code": cip,
            "award_level": award,
            "credential": opt(text["credential"]),
            "hours": opt(nums["hours"]),
            "weeks": opt(nums["weeks"]),
            "cost": opt(nums["cost"]),
            "modality": opt(modality),
            "schedule": opt(text["schedule"]),
            "target_socs": pd.Series([targets(r) for r in rows], index=rows, dtype=object),
            "populations_served": as_list(listed["populations_served"]),
            "supports": as_list(listed["supports"]),
            "employer_partners": as_list(_apply(text["employer_partners"], _split)),
            "source": opt(text["source"]),
            "as_of": _apply(as_of, lambda t: t.date()),
            "file_row": n_row,
        },
        index=rows,
    ).reset_index(drop=True)

    has_c = nums["completions"].notna()
    completions = pd.DataFrame(
        {
            "program_id": pid[has_c].astype(object),
            "year": nums["completions_year"][has_c].astype("int64"),
            "completions": nums["completions"][has_c].astype("int64"),
        }
    ).reset_index(drop=True)
    outcome_parts = []
    # 'Q2' → 'q2', the seed's spelling of a quarter after exit; other horizons stay as written.
    employment_horizon = text["employment_rate_horizon"].str.replace(r"^[Qq](\d+)$", r"q\1", regex=True)
    for measure, horizon in (("employment_rate", employment_horizon), ("median_earnings", text["earnings_horizon"])):
        has = nums[measure].notna()
        outcome_parts.append(
            pd.DataFrame(
                {
                    "program_id": pid[has].astype(object),
                    "measure": measure,
                    "value": nums[measure][has].astype("float64"),
                    "horizon": opt(horizon[has]),
                }
            )
        )
    outcomes = pd.concat(outcome_parts, ignore_index=True)
    return Checked([], ignored, warnings, providers=providers, programs=programs, completions=completions, outcomes=outcomes,
                   title_codes=pd.DataFrame(title_records, columns=coded_titles.COLUMNS))


def _shown(value) -> str:
    """A cell as a message quotes it: text quoted, and cut short when long (a message never carries a whole 5,000-digit cell)."""
    out = repr(str(value)) if isinstance(value, str) else str(value)
    return out if len(out) <= 60 else f"{out[:40]}… ({len(str(value)):,} characters)"


def _order(p: Problem):
    col = COLUMNS.index(p.field) if p.field in COLUMNS else -1
    return (p.row if p.row is not None else -1, col)
