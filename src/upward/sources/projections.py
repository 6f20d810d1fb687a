"""BLS Employment Projections, national occupation tables (`occupation.xlsx`), of any release.

Every release has the same tables under the same names: Table 1.2 (employment in the base and
projected years, change, openings), Table 1.10 (the separations behind the openings) and the
worker characteristics (self-employment, median wage, typical entry requirements) — in Table 1.2
since 2024–34, in Table 1.7 before. The reader finds each column by its header, whatever the
years in it: the base year is read off "YYYY National Employment Matrix code" and the projected
year off the other "Employment, YYYY" column, and the output columns carry neutral names
(`emp_base`, `emp_projected`, `median_wage` …) with the years returned as data (`Period`). A
column several tables publish must agree between them, and the tables must list the same
National Employment Matrix occupations, or the file is not a release this reader knows.

Employment, change, openings, exits, transfers and separations are in thousands of jobs, as
BLS publishes them (emp_base = 13.6 means 13,600 jobs); rates and distributions are percent;
the median wage is annual dollars (OEWS May of the base year). BLS writes "—" where data is
unavailable and caps the median wage at ">=$239,200"; those stay missing with the raw text kept
beside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from upward.errors import SourceFormatError
from upward.sources._checks import (
    SOC_CODE,
    first_bad,
    in_sheet,
    matching,
    numeric,
    one_of,
    read_excel_sheet,
    require_file,
    require_unique,
    sheet_names,
    text_column,
)

#: The occupational tables, in the order a column published by several of them is taken from.
SHEETS = ("Table 1.2", "Table 1.7", "Table 1.10")
MAIN_SHEET = "Table 1.2"
#: The title sits in row 1 and the column names in row 2; data starts in file row 3.
_HEADER_ROWS = 2
#: BLS's mark for "data unavailable" (an em dash).
UNAVAILABLE = "—"
_TOP_CODE = re.compile(r">=\s*\$?[\d,]+")

_CODE = re.compile(r"(\d{4}) National Employment Matrix code")
_TITLE = re.compile(r"(\d{4}) National Employment Matrix title")
_TYPE = "Occupation type"
_EMPLOYMENT = re.compile(r"Employment, (\d{4})")
_DASH = "[-–]"

#: Output column → its header, as a pattern of the base year {b}, projected year {p} and span {s}
#: ("2024–34"; BLS writes an en dash or a hyphen). Every column is required.
_NUMBERS = {
    "emp_base": "Employment, {b}",
    "emp_projected": "Employment, {p}",
    "emp_change": "Employment change, numeric, {s}",
    "emp_change_pct": "Employment change, percent, {s}",
    "emp_dist_base_pct": "Employment distribution, percent, {b}",
    "emp_dist_projected_pct": "Employment distribution, percent, {p}",
    "self_employed_pct": "Percent self employed, {b}",
    "openings_annual": "Occupational openings, {s} annual average",
    "labor_force_exit_rate": "Labor force exit rate, {s} annual average",
    "occupational_transfer_rate": "Occupational transfer rate, {s} annual average",
    "separations_rate": "Total occupational separations rate, {s} annual average",
    "labor_force_exits": "Labor force exits, {s} annual average",
    "occupational_transfers": "Occupational transfers, {s} annual average",
    "separations": "Total occupational separations, {s} annual average",
}
_MAY_BE_UNAVAILABLE = {"self_employed_pct"}
#: The median wage header names the base year and a footnote: "…, dollars, 2024[1]" or "…, 2022(1)".
_WAGE = "Median annual wage(, dollars)?, {b}\\s*(\\[\\d+\\]|\\(\\d+\\))?"
_CATEGORIES = {
    "typical_education": "Typical education needed for entry",
    "work_experience": "Work experience in a related occupation",
    "on_the_job_training": "Typical on-the-job training needed to attain competency in the occupation",
}

#: BLS's education and training categories (EP "education and training system").
EDUCATION = (
    "Doctoral or professional degree",
    "Master's degree",
    "Bachelor's degree",
    "Associate's degree",
    "Postsecondary nondegree award",
    "Some college, no degree",
    "High school diploma or equivalent",
    "No formal educational credential",
)
WORK_EXPERIENCE = ("5 years or more", "Less than 5 years", "None")
ON_THE_JOB_TRAINING = (
    "Internship/residency",
    "Apprenticeship",
    "Long-term on-the-job training",
    "Moderate-term on-the-job training",
    "Short-term on-the-job training",
    "None",
)
_VOCABULARY = {"typical_education": EDUCATION, "work_experience": WORK_EXPERIENCE, "on_the_job_training": ON_THE_JOB_TRAINING}

COLUMNS = [
    "soc_code", "title", "occupation_type",
    "emp_base", "emp_projected", "emp_change", "emp_change_pct", "emp_dist_base_pct", "emp_dist_projected_pct",
    "self_employed_pct", "openings_annual", "median_wage", "median_wage_note",
    "typical_education", "work_experience", "on_the_job_training",
    "labor_force_exit_rate", "occupational_transfer_rate", "separations_rate",
    "labor_force_exits", "occupational_transfers", "separations",
]
_TRAILER = re.compile(r"^(Footnotes:|Note:|Source:|Table Source:|Data Source:|\[\d+\]|\(\d+\))")


@dataclass(frozen=True)
class Period:
    """A projections release: the base year and the projected year (2024 and 2034 for "2024–34")."""

    base_year: int
    projected_year: int

    @property
    def release(self) -> str:
        """The release's name in Upward: '2024-34'."""
        return f"{self.base_year}-{self.projected_year % 100:02d}"

    @property
    def label(self) -> str:
        """As BLS writes it: '2024–34'."""
        return f"{self.base_year}–{self.projected_year % 100:02d}"


@dataclass(frozen=True)
class Projections:
    period: Period
    table: pd.DataFrame  # COLUMNS, one row per matrix occupation


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _split_trailer(df: pd.DataFrame, path: Path, sheet: str) -> tuple[pd.DataFrame, list[str]]:
    """Separate the table from the footnote/source lines BLS puts under it.

    A trailer line has text in the first cell only; anything else after the data is a
    format change, so it fails rather than being read as an occupation.
    """
    first = df.columns[0]
    rest = df.columns[1:]
    end = len(df)
    while end > 0 and all(_blank(v) for v in df.iloc[end - 1][rest]):
        end -= 1
    trailer = [str(v).strip() for v in df[first].iloc[end:] if not _blank(v)]
    for offset, text in enumerate(df[first].iloc[end:]):
        if not _blank(text) and not _TRAILER.match(str(text).strip()):
            raise SourceFormatError(
                path,
                f"sheet {sheet!r}: unexpected line below the table: {str(text)[:60]!r}",
                field=str(first),
                row=end + offset + 1 + _HEADER_ROWS,
            )
    return df.iloc[:end].reset_index(drop=True), trailer


@dataclass
class _Sheet:
    name: str
    raw: pd.DataFrame  # the data rows as read (text), trailer removed
    base_year: int
    projected_year: int | None
    code: str  # the header of the matrix code column
    title: str
    out: pd.DataFrame  # soc_code, title, occupation_type, then the columns this sheet supplies
    columns: dict[str, str]  # output column → the header it was found under


def _find(headers: list[str], pattern: str) -> str | None:
    return next((h for h in headers if re.fullmatch(pattern, h)), None)


def _read_sheet(path: Path, sheet: str) -> _Sheet:
    df = read_excel_sheet(path, sheet, header=_HEADER_ROWS - 1)
    headers = [str(c) for c in df.columns]
    code = next((h for h in headers if _CODE.fullmatch(h)), None)
    title = next((h for h in headers if _TITLE.fullmatch(h)), None)
    for found, what in ((code, "YYYY National Employment Matrix code"), (title, "YYYY National Employment Matrix title")):
        if found is None:
            raise SourceFormatError(path, f"missing column; found columns: {', '.join(headers)}", field=what)
    if _TYPE not in headers:
        raise SourceFormatError(path, f"missing column; found columns: {', '.join(headers)}", field=_TYPE)
    base = int(_CODE.fullmatch(code).group(1))
    years = sorted({int(m.group(1)) for h in headers if (m := _EMPLOYMENT.fullmatch(h))} - {base})
    if len(years) > 1:
        raise SourceFormatError(path, f"more than one projected year in the headers: {years}", field="Employment, YYYY")
    df, _ = _split_trailer(df, path, sheet)
    if df.empty:
        raise SourceFormatError(path, f"sheet {sheet!r} has no occupation rows", field=sheet)
    out = pd.DataFrame(
        {
            "soc_code": matching(df, code, SOC_CODE, path, header_rows=_HEADER_ROWS),
            "title": text_column(df, title, path, header_rows=_HEADER_ROWS),
            "occupation_type": one_of(df, _TYPE, ["Summary", "Line item"], path, header_rows=_HEADER_ROWS),
        }
    )
    require_unique(out, ["soc_code"], path, header_rows=_HEADER_ROWS, field=code)
    return _Sheet(sheet, df, base, years[0] if years else None, code, title, out, {})


def _patterns(period: Period) -> dict[str, str]:
    b, p = period.base_year, period.projected_year
    span = f"{b}{_DASH}{p % 100:02d}"
    pats = {k: re.escape(v).replace(re.escape("{b}"), str(b)).replace(re.escape("{p}"), str(p)).replace(re.escape("{s}"), span)
            for k, v in _NUMBERS.items()}
    pats["median_wage"] = _WAGE.replace("{b}", str(b))
    pats |= {k: re.escape(v) for k, v in _CATEGORIES.items()}
    return pats


def _shown_header(column: str, period: Period) -> str:
    """The header a missing column would have, for the error message."""
    if column == "median_wage":
        return f"Median annual wage, {period.base_year}"
    if column in _CATEGORIES:
        return _CATEGORIES[column]
    return _NUMBERS[column].format(b=period.base_year, p=period.projected_year, s=period.label)


def _parse(sheet: _Sheet, column: str, header: str, path: Path) -> pd.DataFrame:
    """The output column(s) one sheet supplies under `header`."""
    raw = sheet.raw
    if column == "median_wage":
        wage, note = _median_wage(raw, header, path)
        return pd.DataFrame({"median_wage": wage, "median_wage_note": note})
    if column in _CATEGORIES:
        text = one_of(raw, header, [*_VOCABULARY[column], UNAVAILABLE], path, header_rows=_HEADER_ROWS)
        return pd.DataFrame({column: text.mask(text == UNAVAILABLE)})
    allow = [UNAVAILABLE] if column in _MAY_BE_UNAVAILABLE else []
    return pd.DataFrame({column: numeric(raw, header, path, header_rows=_HEADER_ROWS, allow=allow, required=not allow)})


def _median_wage(df: pd.DataFrame, header: str, path: Path) -> tuple[pd.Series, pd.Series]:
    """Number where BLS gives a number; otherwise missing, with the published text as the note."""
    text = df[header].astype("string").str.strip()
    wage = pd.to_numeric(text, errors="coerce").astype("float64")
    marked = text.eq(UNAVAILABLE) | text.str.fullmatch(_TOP_CODE.pattern)
    first_bad(
        wage.isna() & ~marked.fillna(False),
        path,
        header,
        lambda i: f"expected a number, '{UNAVAILABLE}' or a top code like '>=$239,200', got {df[header].iloc[i]!r}",
        header_rows=_HEADER_ROWS,
    )
    return wage, text.where(wage.isna())


def read_projections(path: Path | str) -> Projections:
    """The release's period and one row per matrix occupation (see the module doc for units).

    Summary rows carry no entry requirements ("—" in the file), so those three columns are
    missing for them.
    """
    path = require_file(Path(path))
    names = sheet_names(path)
    if MAIN_SHEET not in names:
        raise SourceFormatError(path, f"sheet {MAIN_SHEET!r} not found; sheets: {names}", field=MAIN_SHEET)
    sheets: list[_Sheet] = []
    for name in (s for s in SHEETS if s in names):
        try:
            sheets.append(_read_sheet(path, name))
        except SourceFormatError as err:
            raise in_sheet(name, err) from err
    main = sheets[0]
    if main.projected_year is None:
        raise in_sheet(MAIN_SHEET, SourceFormatError(path, "no projected-year employment column", field="Employment, YYYY"))
    period = Period(main.base_year, main.projected_year)
    for s in sheets[1:]:
        if s.base_year != period.base_year or s.projected_year not in (None, period.projected_year):
            raise in_sheet(s.name, SourceFormatError(
                path, f"this sheet is for {s.base_year}–{s.projected_year} but '{MAIN_SHEET}' is for {period.label}", field=s.code))
    patterns = _patterns(period)
    supplied: dict[str, list[tuple[_Sheet, str]]] = {}
    for s in sheets:
        headers = [str(c) for c in s.raw.columns]
        for column, pattern in patterns.items():
            header = _find(headers, pattern)
            if header is not None:
                supplied.setdefault(column, []).append((s, header))
    for column in patterns:
        if column not in supplied:
            raise SourceFormatError(
                path,
                f"missing column in every occupational table ({', '.join(s.name for s in sheets)})",
                field=_shown_header(column, period),
            )
    parsed: dict[str, pd.DataFrame] = {}
    for column, where in supplied.items():
        for s, header in where:
            try:
                part = _parse(s, column, header, path).set_axis(s.out.soc_code)
            except SourceFormatError as err:
                raise in_sheet(s.name, err) from err
            parsed.setdefault(s.name, pd.DataFrame(index=s.out.soc_code))
            for c in part.columns:
                parsed[s.name][c] = part[c]
            s.columns[column] = header
    for s in sheets[1:]:
        _check_agree(main, s, path)
    out = main.out.set_index("soc_code", drop=False)
    for column in patterns:
        s, _ = supplied[column][0]
        cols = ["median_wage", "median_wage_note"] if column == "median_wage" else [column]
        for c in cols:
            out[c] = parsed[s.name][c].reindex(out.index)
        for other, header in supplied[column][1:]:
            _check_column(s, other, column, header, parsed, path)
    table = out[COLUMNS].reset_index(drop=True).sort_values("soc_code", kind="stable").reset_index(drop=True)
    return Projections(period, table)


def read_occupation_projections(path: Path | str) -> pd.DataFrame:
    """One row per matrix occupation, every table side by side (`read_projections` without the period)."""
    return read_projections(path).table


def _show(value: object) -> str:
    return repr(value.item() if hasattr(value, "item") else value)


def _row_of(sheet: _Sheet, code: str) -> int:
    return int((sheet.out.soc_code == code).to_numpy().nonzero()[0][0]) + 1 + _HEADER_ROWS


def _check_agree(main: _Sheet, other: _Sheet, path: Path) -> None:
    """Two tables of one release list the same occupations, with the same titles and types."""
    only_main = sorted(set(main.out.soc_code) - set(other.out.soc_code))
    only_other = sorted(set(other.out.soc_code) - set(main.out.soc_code))
    if only_main or only_other:
        raise SourceFormatError(
            path,
            f"'{main.name}' and '{other.name}' list different occupations: only in {main.name}: "
            f"{only_main[:5]}{' …' if len(only_main) > 5 else ''}; only in {other.name}: "
            f"{only_other[:5]}{' …' if len(only_other) > 5 else ''}",
            field=main.code,
        )
    right = other.out.set_index("soc_code")
    for col, header in (("title", main.title), ("occupation_type", _TYPE)):
        theirs = main.out.soc_code.map(right[col])
        same = (main.out[col] == theirs).fillna(False).astype(bool)

        def disagreement(i: int, col=col) -> str:
            code = main.out.soc_code.iloc[i]
            return (f"sheet '{main.name}' gives {_show(main.out[col].iloc[i])} for {code} "
                    f"but '{other.name}' row {_row_of(other, code)} gives {_show(theirs.iloc[i])}")

        first_bad(~same, path, header, disagreement, header_rows=_HEADER_ROWS)


def _check_column(first: _Sheet, other: _Sheet, column: str, header: str, parsed: dict, path: Path) -> None:
    """A column two tables both publish must carry the same values in both."""
    cols = ["median_wage", "median_wage_note"] if column == "median_wage" else [column]
    for c in cols:
        mine = parsed[first.name][c].reindex(first.out.soc_code)
        theirs = parsed[other.name][c].reindex(first.out.soc_code)
        same = ((mine.to_numpy() == theirs.to_numpy()) | (mine.isna().to_numpy() & theirs.isna().to_numpy()))
        same = pd.Series(same).fillna(False).astype(bool)

        def disagreement(i: int, mine=mine, theirs=theirs) -> str:
            code = first.out.soc_code.iloc[i]
            return (f"sheet '{first.name}' gives {_show(mine.iloc[i])} for {code} "
                    f"but '{other.name}' row {_row_of(other, code)} gives {_show(theirs.iloc[i])}")

        first_bad(~same, path, first.columns[column], disagreement, header_rows=_HEADER_ROWS)


def read_footnotes(path: Path | str) -> pd.DataFrame:
    """The notes BLS prints under each table: table (sheet name), marker ('[1]' or 'Note'), text.

    '[1]' on the median wage header says the wage is OEWS data that leaves out the
    self-employed; the 'Note' under Table 1.2 explains "—". Kept so a report can quote BLS.
    """
    path = require_file(Path(path))
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise SourceFormatError(path, f"cannot be opened as an .xlsx workbook ({exc})") from exc
    try:
        if MAIN_SHEET not in wb.sheetnames:
            raise SourceFormatError(path, f"sheet {MAIN_SHEET!r} not found; sheets: {wb.sheetnames}", field=MAIN_SHEET)
        tables = {s: list(wb[s].iter_rows(values_only=True)) for s in wb.sheetnames if s.startswith("Table ")}
    finally:
        wb.close()
    rows = []
    for sheet, cells in tables.items():
        body = pd.DataFrame(cells[_HEADER_ROWS:], dtype=object)
        if body.shape[1] < 2:
            continue
        _, trailer = _split_trailer(body, path, sheet)
        for line in trailer:
            numbered = re.match(r"^(\[\d+\])\s*(.+)$", line, flags=re.S)
            if numbered:
                rows.append((sheet, numbered.group(1), numbered.group(2).strip()))
            elif line.startswith("Note:"):
                rows.append((sheet, "Note", line.removeprefix("Note:").strip()))
    out = pd.DataFrame(rows, columns=["table", "marker", "text"], dtype="string")
    number = out.table.str.extract(r"(\d+)\.(\d+)").astype(int)
    marker = pd.to_numeric(out.marker.str.strip("[]"), errors="coerce").fillna(1e9)  # 'Note' after [n]
    out = out.assign(_a=number[0], _b=number[1], _m=marker).sort_values(["_a", "_b", "_m"], kind="stable")
    return out.drop(columns=["_a", "_b", "_m"]).reset_index(drop=True)
