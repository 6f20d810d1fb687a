"""BLS Employment Projections 2024–34, national occupation tables (`occupation.xlsx`).

Table 1.2 gives employment, growth, openings, the median wage and the typical entry
requirements; Table 1.10 gives the separations behind the openings. Both list the same
National Employment Matrix occupations (summary rows such as '11-0000' and line items), so
the reader joins them on the matrix code after checking that they agree.

Employment, change, openings, exits, transfers and separations are in thousands of jobs, as
BLS publishes them (emp_2024 = 13.6 means 13,600 jobs); rates and distributions are percent;
the median wage is annual dollars (OEWS May 2024). BLS writes "—" where data is unavailable
and caps the median wage at ">=$239,200"; those stay missing with the raw text kept beside.
"""

from __future__ import annotations

import re
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
    require_columns,
    require_file,
    require_unique,
    text_column,
)

MAIN_SHEET = "Table 1.2"
SEPARATIONS_SHEET = "Table 1.10"
#: The title sits in row 1 and the column names in row 2; data starts in file row 3.
_HEADER_ROWS = 2
#: BLS's mark for "data unavailable" (an em dash).
UNAVAILABLE = "—"
_TOP_CODE = re.compile(r">=\s*\$?[\d,]+")

_CODE = "2024 National Employment Matrix code"
_TITLE = "2024 National Employment Matrix title"
_TYPE = "Occupation type"
_WAGE = "Median annual wage, dollars, 2024[1]"
_EDU = "Typical education needed for entry"
_EXP = "Work experience in a related occupation"
_OJT = "Typical on-the-job training needed to attain competency in the occupation"

#: Table 1.2 numeric columns → output names (all required numbers except where noted).
_MAIN_NUMBERS = {
    "Employment, 2024": "emp_2024",
    "Employment, 2034": "emp_2034",
    "Employment change, numeric, 2024–34": "emp_change",
    "Employment change, percent, 2024–34": "emp_change_pct",
    "Employment distribution, percent, 2024": "emp_dist_2024_pct",
    "Employment distribution, percent, 2034": "emp_dist_2034_pct",
    "Percent self employed, 2024": "self_employed_pct",
    "Occupational openings, 2024–34 annual average": "openings_annual",
}
_MAY_BE_UNAVAILABLE = {"Percent self employed, 2024"}

_SEP_NUMBERS = {
    "Employment, 2024": "emp_2024",
    "Employment, 2034": "emp_2034",
    "Employment change, numeric, 2024–34": "emp_change",
    "Employment change, percent, 2024–34": "emp_change_pct",
    "Labor force exit rate, 2024–34 annual average": "labor_force_exit_rate",
    "Occupational transfer rate, 2024–34 annual average": "occupational_transfer_rate",
    "Total occupational separations rate, 2024–34 annual average": "separations_rate",
    "Labor force exits, 2024–34 annual average": "labor_force_exits",
    "Occupational transfers, 2024–34 annual average": "occupational_transfers",
    "Total occupational separations, 2024–34 annual average": "separations",
    "Occupational openings, 2024–34 annual average": "openings_annual",
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

COLUMNS = [
    "soc_code", "title", "occupation_type",
    "emp_2024", "emp_2034", "emp_change", "emp_change_pct", "emp_dist_2024_pct", "emp_dist_2034_pct",
    "self_employed_pct", "openings_annual", "median_wage_2024", "median_wage_note",
    "typical_education", "work_experience", "on_the_job_training",
    "labor_force_exit_rate", "occupational_transfer_rate", "separations_rate",
    "labor_force_exits", "occupational_transfers", "separations",
]

#: Published both in Table 1.2 and Table 1.10; the two must agree.
_SHARED = ["title", "occupation_type", "emp_2024", "emp_2034", "emp_change", "emp_change_pct", "openings_annual"]
_TRAILER = re.compile(r"^(Footnotes:|Note:|Source:|\[\d+\])")


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


def _read_table(
    path: Path, sheet: str, numbers: dict[str, str], extra: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The checked columns common to both tables, and the sheet's raw rows for the rest."""
    try:
        return _read_table_unlabelled(path, sheet, numbers, extra)
    except SourceFormatError as err:
        raise in_sheet(sheet, err) from err


def _read_table_unlabelled(
    path: Path, sheet: str, numbers: dict[str, str], extra: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    df = read_excel_sheet(path, sheet, header=_HEADER_ROWS - 1)
    require_columns(df, [_TITLE, _CODE, _TYPE, *numbers, *extra], path)
    df, _ = _split_trailer(df, path, sheet)
    if df.empty:
        raise SourceFormatError(path, f"sheet {sheet!r} has no occupation rows", field=sheet)
    soc_code = matching(df, _CODE, SOC_CODE, path, header_rows=_HEADER_ROWS)
    occupation_type = one_of(df, _TYPE, ["Summary", "Line item"], path, header_rows=_HEADER_ROWS)
    out = pd.DataFrame(
        {
            "soc_code": soc_code,
            "title": text_column(df, _TITLE, path, header_rows=_HEADER_ROWS),
            "occupation_type": occupation_type,
        }
    )
    for col, name in numbers.items():
        allow = [UNAVAILABLE] if col in _MAY_BE_UNAVAILABLE else []
        out[name] = numeric(df, col, path, header_rows=_HEADER_ROWS, allow=allow, required=not allow)
    require_unique(out, ["soc_code"], path, header_rows=_HEADER_ROWS, field=_CODE)
    return out, df


def _category(df: pd.DataFrame, column: str, allowed: tuple[str, ...], path: Path) -> pd.Series:
    text = one_of(df, column, [*allowed, UNAVAILABLE], path, header_rows=_HEADER_ROWS)
    return text.mask(text == UNAVAILABLE)


def _median_wage(df: pd.DataFrame, path: Path) -> tuple[pd.Series, pd.Series]:
    """Number where BLS gives a number; otherwise missing, with the published text as the note."""
    text = df[_WAGE].astype("string").str.strip()
    wage = pd.to_numeric(text, errors="coerce").astype("float64")
    marked = text.eq(UNAVAILABLE) | text.str.fullmatch(_TOP_CODE.pattern)
    first_bad(
        wage.isna() & ~marked.fillna(False),
        path,
        _WAGE,
        lambda i: f"expected a number, '{UNAVAILABLE}' or a top code like '>=$239,200', got {df[_WAGE].iloc[i]!r}",
        header_rows=_HEADER_ROWS,
    )
    return wage, text.where(wage.isna())


def read_occupation_projections(path: Path | str) -> pd.DataFrame:
    """One row per matrix occupation: Table 1.2 and Table 1.10 side by side (see module doc for units).

    Summary rows carry no entry requirements ("—" in the file), so those three columns are
    missing for them. The tables must list the same codes with the same employment, change and
    openings, or the file is not the release this reader knows.
    """
    path = require_file(Path(path))
    main, raw = _read_table(path, MAIN_SHEET, _MAIN_NUMBERS, [_WAGE, _EDU, _EXP, _OJT])
    try:
        main["median_wage_2024"], main["median_wage_note"] = _median_wage(raw, path)
        main["typical_education"] = _category(raw, _EDU, EDUCATION, path)
        main["work_experience"] = _category(raw, _EXP, WORK_EXPERIENCE, path)
        main["on_the_job_training"] = _category(raw, _OJT, ON_THE_JOB_TRAINING, path)
    except SourceFormatError as err:
        raise in_sheet(MAIN_SHEET, err) from err

    sep, _ = _read_table(path, SEPARATIONS_SHEET, _SEP_NUMBERS, [])
    _check_agree(main, sep, path)

    sep_only = [c for c in COLUMNS if c in sep.columns and c not in main.columns]
    out = main.merge(sep[["soc_code", *sep_only]], on="soc_code", how="inner", validate="one_to_one")
    return out[COLUMNS].sort_values("soc_code", kind="stable").reset_index(drop=True)


#: Output column → the column name both sheets publish it under.
_SOURCE_NAME = {"title": _TITLE, "occupation_type": _TYPE} | {v: k for k, v in _MAIN_NUMBERS.items()}


def _show(value: object) -> str:
    return repr(value.item() if hasattr(value, "item") else value)


def _check_agree(main: pd.DataFrame, sep: pd.DataFrame, path: Path) -> None:
    only_main = sorted(set(main.soc_code) - set(sep.soc_code))
    only_sep = sorted(set(sep.soc_code) - set(main.soc_code))
    if only_main or only_sep:
        raise SourceFormatError(
            path,
            f"'{MAIN_SHEET}' and '{SEPARATIONS_SHEET}' list different occupations: only in {MAIN_SHEET}: "
            f"{only_main[:5]}{' …' if len(only_main) > 5 else ''}; only in {SEPARATIONS_SHEET}: "
            f"{only_sep[:5]}{' …' if len(only_sep) > 5 else ''}",
            field=_CODE,
        )
    right = sep.set_index("soc_code")
    for col in _SHARED:
        theirs = main.soc_code.map(right[col])
        same = ((main[col] == theirs) | (main[col].isna() & theirs.isna())).fillna(False).astype(bool)

        def disagreement(i: int) -> str:
            code = main.soc_code.iloc[i]
            sep_row = int(sep.index[sep.soc_code == code][0]) + 1 + _HEADER_ROWS
            return (
                f"sheet '{MAIN_SHEET}' gives {_show(main[col].iloc[i])} for {code} "
                f"but '{SEPARATIONS_SHEET}' row {sep_row} gives {_show(theirs.iloc[i])}"
            )

        first_bad(~same, path, _SOURCE_NAME[col], disagreement, header_rows=_HEADER_ROWS)


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
