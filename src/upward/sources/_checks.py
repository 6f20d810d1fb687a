"""Shape and type checks shared by the readers, so every reader fails the same clear way.

Every check raises `SourceFormatError` naming the file, the 1-based file row and the field, so
a person holding the official file can open it at the line that broke. `header_rows` is how
many lines come before the first data row (1 for a plain header; 2 where a title sits above it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from upward import codes
from upward.errors import SourceFormatError

# The canonical spellings an official file must use (defined once, in upward.codes).
SOC_CODE = codes.SOC
ONET_SOC_CODE = codes.ONET_SOC
CIP_CODE = codes.CIP


def require_file(path: Path) -> Path:
    """A missing input is a SourceFormatError too, so a caller handles one kind of failure."""
    path = Path(path)
    if not path.is_file():
        raise SourceFormatError(path, "file not found")
    return path


def first_bad(
    mask: pd.Series,
    path: Path,
    field: str,
    reason: str | Callable[[int], str],
    *,
    header_rows: int = 1,
) -> None:
    """Fail on the first flagged data row; `reason` may be a function of its position.

    A missing flag (a check that could not be decided) counts as bad: a check should never
    pass a row it could not look at.
    """
    bad = pd.Series(mask).fillna(True).to_numpy(dtype=bool)
    if bad.any():
        pos = int(bad.nonzero()[0][0])
        raise SourceFormatError(
            path, reason(pos) if callable(reason) else reason, field=field, row=pos + 1 + header_rows
        )


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


def text_column(
    df: pd.DataFrame, column: str, path: Path, *, header_rows: int = 1, required: bool = True
) -> pd.Series:
    """Stripped text, with a blank cell missing rather than "" so a join never matches on it.

    A blank in a required column fails: a row without its name or title cannot be shown.
    """
    values = df[column].astype("string").str.strip()
    blank = values.isna() | (values == "")
    if required:
        first_bad(blank, path, column, "blank value where a value is required", header_rows=header_rows)
    return values.mask(blank)


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

    A value that is neither a number nor an allowed marker fails rather than becoming NaN, so a
    changed marker or a stray unit cannot pass for "not published".
    """
    raw = df[column]
    values_text = raw.astype("string").str.strip()
    blank = values_text.isna() | (values_text == "") | values_text.isin(set(allow))
    values = pd.to_numeric(values_text.where(~blank), errors="coerce")
    bad = values.isna() & ~blank
    if required:
        bad |= blank
    first_bad(bad, path, column, lambda i: f"expected a number, got {raw.iloc[i]!r}", header_rows=header_rows)
    return values.astype("float64")


def matching(
    df: pd.DataFrame, column: str, pattern: str, path: Path, *, header_rows: int = 1, allow_blank: bool = False
) -> pd.Series:
    """Check every value of a code column against a regular expression; return it as stripped strings.

    Codes are what the sources are joined on, so a code of the wrong shape fails here instead of
    silently matching nothing later.
    """
    values = df[column].astype("string").str.strip()
    ok = values.str.fullmatch(pattern).fillna(False).astype(bool)
    if allow_blank:
        ok |= values.isna() | (values == "")
    first_bad(
        ~ok,
        path,
        column,
        lambda i: f"value {df[column].iloc[i]!r} does not match the expected form /{pattern}/",
        header_rows=header_rows,
    )
    return values


def one_of(
    df: pd.DataFrame, column: str, allowed: Iterable[str], path: Path, *, header_rows: int = 1
) -> pd.Series:
    """Check a column against a closed vocabulary; a new category means a format the reader does not know."""
    allowed = list(allowed)
    values = df[column].astype("string").str.strip()
    ok = values.isin(allowed).fillna(False).astype(bool)
    first_bad(
        ~ok, path, column, lambda i: f"value {df[column].iloc[i]!r} is not one of {allowed}", header_rows=header_rows
    )
    return values


def require_unique(
    df: pd.DataFrame, columns: list[str], path: Path, *, header_rows: int = 1, field: str | None = None
) -> None:
    """Fail on the first row whose key repeats an earlier row's, naming both file rows.

    A repeated key would make every later join ambiguous (or silently averaged), so it is a
    format error. Missing key values count as equal to each other.
    """
    later = df.duplicated(columns, keep="first").to_numpy()
    if later.any():
        pos = int(later.nonzero()[0][0])
        key = tuple(df.iloc[pos][c] for c in columns)
        group = df.groupby(columns, dropna=False, sort=False).ngroup().to_numpy()
        first = int((group == group[pos]).nonzero()[0][0])
        raise SourceFormatError(
            path,
            f"duplicate {' × '.join(columns)} {key if len(key) > 1 else key[0]!r}, first at row {first + 1 + header_rows}",
            field=field or columns[0],
            row=pos + 1 + header_rows,
        )


def strip_excel_text(series: pd.Series) -> pd.Series:
    """NCES writes codes as ="01.0101" so Excel keeps leading zeros; undo that."""
    return series.astype("string").str.replace(r'^="?(.*?)"?$', r"\1", regex=True).str.strip()


#: The most an official workbook may unpack to. BLS's largest (the all-areas OEWS file) is a few
#: hundred MB unpacked; a file claiming more is refused before a byte of it is parsed.
MAX_UNPACKED_BYTES = 2 * 2**30


def _open_workbook(path: Path):
    path = require_file(path)
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:  # the directory's sizes bound what openpyxl can be made to unpack
            unpacked = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise SourceFormatError(path, f"cannot be opened as an .xlsx workbook ({exc})") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise SourceFormatError(
            path, f"the workbook unpacks to {unpacked / 2**20:,.0f} MB, more than the {MAX_UNPACKED_BYTES / 2**20:,.0f} MB an official file may"
        )
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # not a workbook at all
        raise SourceFormatError(path, f"cannot be opened as an .xlsx workbook ({exc})") from exc


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheet names, in order."""
    wb = _open_workbook(path)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def sheet_rows(path: Path, sheet: str):
    """Yield one sheet's rows as tuples of cells, as Excel stored them, without holding the sheet.

    For the large official workbooks (BLS's all-areas OEWS file has hundreds of thousands of
    rows): the caller keeps only what it needs, so memory stays bounded by that.
    """
    wb = _open_workbook(path)
    try:
        if sheet not in wb.sheetnames:
            raise SourceFormatError(path, f"sheet {sheet!r} not found; sheets: {wb.sheetnames}", field=sheet)
        yield from wb[sheet].iter_rows(values_only=True)
    finally:
        wb.close()


def read_excel_sheet(path: Path, sheet: str, *, header: int = 0) -> pd.DataFrame:
    """Read one sheet as text (no type guessing), failing with the sheet name when it is absent.

    openpyxl is used directly because pandas would guess types and turn codes like '01.0100'
    into numbers; cells come back as Excel stored them.
    """
    rows = list(sheet_rows(path, sheet))
    if len(rows) <= header:
        raise SourceFormatError(path, f"sheet {sheet!r} has no header row", field=sheet)
    names = [str(c).strip() if c is not None else f"col{i}" for i, c in enumerate(rows[header])]
    body = [tuple(c for c in r) for r in rows[header + 1 :]]
    return pd.DataFrame(body, columns=names, dtype=object)


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


def in_sheet(sheet: str, err: SourceFormatError) -> SourceFormatError:
    """The same error with the workbook sheet named, for sheets that share column names."""
    reason = err.reason if err.reason.startswith("sheet ") else f"sheet {sheet!r}: {err.reason}"
    return SourceFormatError(err.path, reason, field=err.field, row=err.row)


def whole_numbers(
    df: pd.DataFrame,
    column: str,
    path: Path,
    *,
    header_rows: int = 1,
    allow: Iterable[str] = (),
    required: bool = False,
    minimum: float | None = None,
) -> pd.Series:
    """Counts and numeric codes: `numeric`, then a fraction or a value below `minimum` fails.

    Returns int64 when `required`, else the nullable Int64 (blanks and `allow` markers <NA>).
    A count written `95.0` (an Excel or pandas round trip) is accepted; `9.5` is not rounded.
    """
    values = numeric(df, column, path, header_rows=header_rows, allow=allow, required=required)

    def shown(i: int) -> str:  # text cells quoted as written, typed (parquet) cells as plain numbers
        cell = df[column].iloc[i]
        return repr(cell) if isinstance(cell, str) else str(cell)

    first_bad(
        values.notna() & (values != values.round()),
        path,
        column,
        lambda i: f"expected a whole number, got {shown(i)}",
        header_rows=header_rows,
    )
    if minimum is not None:
        first_bad(
            values < minimum,
            path,
            column,
            lambda i: f"expected a number ≥ {minimum:g}, got {shown(i)}",
            header_rows=header_rows,
        )
    return values.astype("int64" if required else "Int64")


def read_parquet_table(path: Path, columns: Iterable[str]) -> pd.DataFrame:
    """Read a parquet file and check its columns, failing with the file named.

    Parquet has no header line, so a reader of it passes `header_rows=0` to the checks and rows
    are 1-based record numbers (the first record is row 1).
    """
    path = require_file(path)
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a file that is not parquet
        raise SourceFormatError(path, f"cannot be read as parquet ({exc})") from exc
    require_columns(df, columns, path)
    return df.reset_index(drop=True)
