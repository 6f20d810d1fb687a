"""Shape and type checks shared by the readers, so every reader fails the same clear way."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from upward.errors import SourceFormatError


def require_file(path: Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise SourceFormatError(path, "file not found")
    return path


def require_columns(df: pd.DataFrame, columns: Iterable[str], path: Path) -> None:
    """Fail on the first expected column that is missing, naming it and what was there."""
    present = set(df.columns)
    for col in columns:
        if col not in present:
            raise SourceFormatError(
                path,
                f"missing column; found columns: {', '.join(map(str, df.columns))}",
                field=col,
            )


def numeric(
    df: pd.DataFrame,
    column: str,
    path: Path,
    *,
    header_rows: int = 1,
    allow: Iterable[str] = (),
    required: bool = False,
) -> pd.Series:
    """Parse a column as float; the tokens in `allow` (suppression markers) and blanks become NaN.

    A value that is neither a number nor an allowed marker fails with its file row (1-based,
    counting `header_rows` lines before the data) and field.
    """
    raw = df[column]
    text = raw.astype("string").str.strip()
    markers = set(allow)
    blank = text.isna() | (text == "") | text.isin(markers)
    values = pd.to_numeric(text.where(~blank), errors="coerce")
    bad = values.isna() & ~blank
    if required:
        bad |= blank
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        shown = raw.iloc[pos]
        raise SourceFormatError(
            path,
            f"expected a number, got {shown!r}",
            field=column,
            row=pos + 1 + header_rows,
        )
    return values.astype("float64")


def matching(
    df: pd.DataFrame, column: str, pattern: str, path: Path, *, header_rows: int = 1, allow_blank: bool = False
) -> pd.Series:
    """Check every value of a code column against a regular expression; return it as stripped strings."""
    text = df[column].astype("string").str.strip()
    ok = text.str.fullmatch(pattern).fillna(False).astype(bool)
    if allow_blank:
        ok |= text.isna() | (text == "")
    if not ok.all():
        pos = int((~ok).to_numpy().nonzero()[0][0])
        raise SourceFormatError(
            path,
            f"value {df[column].iloc[pos]!r} does not match the expected form /{pattern}/",
            field=column,
            row=pos + 1 + header_rows,
        )
    return text


def one_of(
    df: pd.DataFrame, column: str, allowed: Iterable[str], path: Path, *, header_rows: int = 1
) -> pd.Series:
    allowed = list(allowed)
    text = df[column].astype("string").str.strip()
    ok = text.isin(allowed).fillna(False).astype(bool)
    if not ok.all():
        pos = int((~ok).to_numpy().nonzero()[0][0])
        raise SourceFormatError(
            path,
            f"value {df[column].iloc[pos]!r} is not one of {allowed}",
            field=column,
            row=pos + 1 + header_rows,
        )
    return text


def strip_excel_text(series: pd.Series) -> pd.Series:
    """NCES writes codes as ="01.0101" so Excel keeps leading zeros; undo that."""
    return series.astype("string").str.replace(r'^="?(.*?)"?$', r"\1", regex=True).str.strip()


SOC_CODE = r"\d{2}-\d{4}"
ONET_SOC_CODE = r"\d{2}-\d{4}\.\d{2}"
CIP_CODE = r"\d{2}(\.\d{2}(\d{2})?)?"


def read_excel_sheet(path: Path, sheet: str, *, header: int = 0) -> pd.DataFrame:
    """Read one sheet as text (no type guessing), failing with the sheet name when it is absent."""
    path = require_file(path)
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # not a workbook at all
        raise SourceFormatError(path, f"cannot be opened as an .xlsx workbook ({exc})") from exc
    try:
        if sheet not in wb.sheetnames:
            raise SourceFormatError(path, f"sheet {sheet!r} not found; sheets: {wb.sheetnames}", field=sheet)
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    if len(rows) <= header:
        raise SourceFormatError(path, f"sheet {sheet!r} has no header row", field=sheet)
    names = [str(c).strip() if c is not None else f"col{i}" for i, c in enumerate(rows[header])]
    body = [tuple(c for c in r) for r in rows[header + 1 :]]
    df = pd.DataFrame(body, columns=names, dtype=object)
    return df




_SPACE = re.compile(r"\s+")


def clean_title(value: object) -> str:
    return _SPACE.sub(" ", str(value)).strip()


def read_csv_text(path: Path, *, encoding: str = "utf-8", **kwargs) -> pd.DataFrame:
    """Read a CSV as text (no type guessing, no NA guessing), failing with the file named.

    Blank cells stay "", so a reader decides what a blank means; an unreadable or undecodable
    file is a SourceFormatError, not a pandas traceback.
    """
    path = require_file(path)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, **kwargs)
    except UnicodeDecodeError as exc:
        raise SourceFormatError(path, f"not {encoding} text ({exc.reason} at byte {exc.start})") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceFormatError(path, f"cannot be parsed as CSV ({exc})") from exc


def require_unique(
    df: pd.DataFrame, columns: list[str], path: Path, *, header_rows: int = 1, field: str | None = None
) -> None:
    """Fail on the first row whose key repeats an earlier row's, naming both file rows."""
    dup = df.duplicated(columns, keep=False)
    if dup.any():
        later = df.duplicated(columns, keep="first").to_numpy().nonzero()[0]
        pos = int(later[0])
        key = tuple(df.iloc[pos][c] for c in columns)
        same = df[columns].eq(df.iloc[pos][columns]).all(axis=1).to_numpy().nonzero()[0]
        first = int(same[0])
        raise SourceFormatError(
            path,
            f"duplicate {' × '.join(columns)} {key if len(key) > 1 else key[0]!r}, first at row {first + 1 + header_rows}",
            field=field or columns[0],
            row=pos + 1 + header_rows,
        )


def in_sheet(sheet: str, err: SourceFormatError) -> SourceFormatError:
    """The same error with the workbook sheet named, for sheets that share column names."""
    reason = err.reason if err.reason.startswith("sheet ") else f"sheet {sheet!r}: {err.reason}"
    return SourceFormatError(err.path, reason, field=err.field, row=err.row)
