"""The one reader of the tables people bring (inventories, rating sheets, benefits and safety inputs …): CSV, XLSX, JSON.

A file from outside is read in bounded time and memory, whatever it claims to be, and every
cell comes out comparable:

- **Limits** (`Limits`, set in a profile's `[limits]`): data rows, cells, and for a workbook the
  size of its parts unpacked. A workbook is checked before a row is read: its zip directory's
  unpacked sizes (Python's zip reader never returns more than a member declares, so the check
  holds against a lying directory) and the sheet's declared dimension (`<dimension ref=…>`). Rows
  are then streamed from the sheet's XML: nothing is padded to the declared size, and reading stops
  at the first row or cell past a limit. Every refusal is a `SheetError` naming the file, the limit
  (`limits.max_rows` …), its value and what to do.
- **Text** (`upward.text`): every text cell is NFKC-normalised with invisible characters removed;
  a cell holding a control or bidirectional character is a problem naming file, row and field.
- **What a cell is**: a workbook's formula cell with no saved value (a file written by a program
  that does not calculate) is a problem ("a formula with no saved value"), not a blank; a CSV that
  is not UTF-8 names the row and field of the first bad byte; a CSV cell that starts with `'`
  followed by `=`, `+`, `-`, `@`, tab or carriage return is read without the `'` (the escape
  `upward.csvout` writes, so what Upward exports reads back as it was).

Row numbers are the file's own: the header is row 1, so the first data row is row 2 (as a
spreadsheet shows it); JSON records are numbered from 1.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from upward import text as text_rules
from upward.errors import SourceFormatError, UpwardError

#: Where the defaults come from when no profile is given; `Limits.of(profile)` reads a profile.
DEFAULTS = {"max_rows": 100_000, "max_cells": 2_600_000, "max_unpacked_mb": 128}


class Problem(NamedTuple):
    """One bad cell (or header, or row): the file, its 1-based row (None: the whole file), the field, why."""

    file: str
    row: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.reason}"


def count_problems(problems: list[Problem]) -> str:
    """'3 problems in 2 rows': how a rejected file's error counts what is wrong (whole-file problems have no row)."""
    rows = {p.row for p in problems if p.row is not None}
    return f"{len(problems)} problem{'s' * (len(problems) != 1)} in {len(rows)} row{'s' * (len(rows) != 1)}"


@dataclass(frozen=True)
class Limits:
    """How much of a file Upward reads before it refuses it (profile `[limits]`)."""

    max_rows: int = DEFAULTS["max_rows"]
    max_cells: int = DEFAULTS["max_cells"]
    max_unpacked_mb: int = DEFAULTS["max_unpacked_mb"]

    @classmethod
    def of(cls, profile=None) -> Limits:
        if profile is None:
            from upward import profiles

            profile = profiles.load()
        return cls(**{k: int(profile.get(f"limits.{k}")) for k in DEFAULTS})


class SheetError(SourceFormatError):
    """A file that cannot be read as a table: names the file, and where known the row, field and limit."""

    def __init__(self, path: Path | str, reason: str, *, row: int | None = None, field: str | None = None,
                 limit: str | None = None, hint: str = ""):  # fmt: skip
        where = Path(path).name + (f", row {row}" if row is not None else "") + (f", field '{field}'" if field else "")
        UpwardError.__init__(self, f"{where}: {reason} Nothing was imported.", hint=hint or None)
        self.path, self.row, self.field, self.reason, self.limit = str(path), row, field, reason, limit


@dataclass
class Sheet:
    """A table as read: its header cells and its non-empty rows (file row, cells), text cleaned."""

    file: str  # the file's name, for messages
    format: str  # 'csv', 'xlsx' or 'json'
    header: list
    rows: list[tuple[int, list]]
    problems: list[Problem] = field(default_factory=list)
    not_objects: list[int] = field(default_factory=list)  # JSON: records that are no object

    @property
    def header_row(self) -> int | None:
        return None if self.format == "json" else 1

    def field_name(self, column: int) -> str:
        """The header of a 0-based column, or 'column N' past the header or under a blank one."""
        h = self.header[column] if column < len(self.header) else None
        return str(h).strip() if h is not None and str(h).strip() else f"column {column + 1}"


def present(value) -> bool:
    """A cell that says something (not None, not blank text, not NaN)."""
    return value is not None and not (isinstance(value, str) and not value.strip()) and not (isinstance(value, float) and value != value)


def read(path: Path | str, data: bytes | None = None, *, limits: Limits | None = None, suffixes=(".csv", ".xlsx"),
         sheet: str | None = None, hint: str = "") -> Sheet:  # fmt: skip
    """Read `path` (or its bytes `data`) as a table; the format comes from the suffix.

    `sheet`: the workbook sheet to read when it exists (else the first). `hint` ends every error
    (where the file's columns are explained). Raises `SheetError`; cell problems are in `problems`.
    """
    path = Path(path)
    limits = limits or Limits.of()
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise SheetError(path, f"cannot import a '{path.suffix or '(no suffix)'}' file; accepted: {_accepted(suffixes)}.", hint=hint)
    if data is None:
        if not path.is_file():
            raise SheetError(path, "file not found.", hint=hint)
        data = path.read_bytes()
    reader = {".csv": _csv, ".xlsx": _xlsx, ".json": _json}[suffix]
    out = reader(path, data, limits, sheet, hint)
    _clean(out)
    return out


def _accepted(suffixes) -> str:
    names = {".csv": "CSV (.csv, UTF-8)", ".xlsx": "Excel workbook (.xlsx)", ".json": "JSON (.json, a list of records)"}
    return ", ".join(names[s] for s in suffixes)


def _too_many(path, what: str, limit_key: str, value: int, hint: str, row: int | None = None, declared: bool = False) -> SheetError:
    noun = {"max_rows": "rows", "max_cells": "cells"}[limit_key]
    where = "nothing was read" if declared else "reading stopped there"
    return SheetError(
        path, f"{what} — above the limit of {value:,} {noun} (limits.{limit_key}); {where}.", row=row,
        limit=f"limits.{limit_key}",
        hint=(hint + " " if hint else "") + f"Split the file, or raise limits.{limit_key} in the profile ([limits] {limit_key} = …).",
    )


# ---------------------------------------------------------------------------------------------
# CSV


def _csv(path: Path, data: bytes, limits: Limits, _sheet, hint: str) -> Sheet:
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, data, exc, hint) from exc
    reader = csv.reader(io.StringIO(decoded, newline=""))
    header: list | None = None
    rows: list[tuple[int, list]] = []
    cells = 0
    row = 0
    try:
        for record in reader:
            row += 1
            if row > limits.max_rows + 1:
                raise _too_many(path, f"more than {limits.max_rows:,} data rows", "max_rows", limits.max_rows, hint, row=row)
            cells += len(record)
            if cells > limits.max_cells:
                raise _too_many(path, f"more than {limits.max_cells:,} cells by row {row}", "max_cells", limits.max_cells, hint, row=row)
            if header is None:
                header = record
            elif any(present(c) for c in record):
                rows.append((row, [_unescape(c) for c in record]))
    except csv.Error as exc:
        raise SheetError(path, f"cannot be read as CSV ({exc}).", row=row + 1, hint=hint) from exc
    if header is None or not any(present(c) for c in header):
        raise SheetError(path, "no header: row 1 must name the columns.", row=1, hint=hint)
    return Sheet(path.name, "csv", header, rows)


_ESCAPED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def _unescape(cell: str) -> str:
    return cell[1:] if cell.startswith(_ESCAPED) else cell


def _not_utf8(path: Path, data: bytes, exc: UnicodeDecodeError, hint: str) -> SheetError:
    """Name the row and field of the first byte that is not UTF-8, by reading the good text before it."""
    start = exc.start
    before = data[:start].decode("utf-8-sig", errors="replace")
    records = list(csv.reader(io.StringIO(before, newline=""))) or [[]]
    row = len(records) if not before.endswith(("\n", "\r")) else len(records) + 1
    in_row = records[-1] if not before.endswith(("\n", "\r")) else []
    header = records[0] if len(records) > 1 or before.endswith(("\n", "\r")) else None
    column = max(len(in_row) - 1, 0)
    fld = str(header[column]).strip() if header and column < len(header) else None
    return SheetError(
        path, f"not UTF-8 text (byte 0x{data[start]:02X}, the file's byte {start + 1:,}); the file looks saved in another encoding.",
        row=row, field=fld,
        hint="In Excel use Save As → 'CSV UTF-8 (Comma delimited)'; in LibreOffice tick 'Edit filter settings' and choose Unicode (UTF-8). " + hint,
    )


# ---------------------------------------------------------------------------------------------
# XLSX


def _xlsx(path: Path, data: bytes, limits: Limits, sheet: str | None, hint: str) -> Sheet:
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise SheetError(path, f"cannot be opened as an .xlsx workbook ({exc}).", hint=hint) from exc
    cap = limits.max_unpacked_mb * 2**20
    if unpacked > cap:
        raise SheetError(
            path, f"the workbook unpacks to {unpacked / 2**20:,.0f} MB ({len(data) / 2**20:,.1f} MB packed), above the limit of "
            f"{limits.max_unpacked_mb:,} MB (limits.max_unpacked_mb); nothing was read.", limit="limits.max_unpacked_mb",
            hint="Save the data alone in a new workbook or as CSV, or raise limits.max_unpacked_mb in the profile. " + hint,
        )  # fmt: skip
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, KeyError, InvalidFileException … for a file that is not a workbook
        raise SheetError(path, f"cannot be opened as an .xlsx workbook ({exc}).", hint=hint) from exc
    try:
        sheets = [ws for ws in wb.worksheets if hasattr(ws, "_get_source")]
        if not sheets:
            raise SheetError(path, "the workbook has no worksheet.", hint=hint)
        ws = next((s for s in sheets if s.title == sheet), sheets[0])
        _check_dimension(path, ws, limits, hint)
        header, rows, problems = _stream(path, ws, limits, hint)
    finally:
        wb.close()
    if header is None or not any(present(c) for c in header):
        raise SheetError(path, f"the sheet '{ws.title}' has no header: row 1 must name the columns.", row=1, hint=hint)
    while header and not present(header[-1]):
        header.pop()
    out = Sheet(path.name, "xlsx", header, rows)
    out.problems = [Problem(out.file, r, out.field_name(c), why) for r, c, why in problems]
    return out


def _check_dimension(path: Path, ws, limits: Limits, hint: str) -> None:
    """Refuse a sheet whose declared size (`<dimension ref=…>`) is above a limit, before reading it."""
    if not ws.max_row or not ws.max_column:
        return  # no dimension declared: the stream's own counts bound it
    from openpyxl.utils import get_column_letter

    ref = f"A1:{get_column_letter(ws.max_column)}{ws.max_row}"
    size = f"the sheet '{ws.title}' declares {ref} ({ws.max_row:,} rows × {ws.max_column:,} columns)"
    todo = "If the data is smaller, delete the empty rows and columns below and right of it (or copy it into a new workbook). "
    if ws.max_row - 1 > limits.max_rows:
        raise _too_many(path, size, "max_rows", limits.max_rows, todo + hint, declared=True)
    if ws.max_row * ws.max_column > limits.max_cells:
        raise _too_many(path, size, "max_cells", limits.max_cells, todo + hint, declared=True)


def _parser_class():
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        """openpyxl's streaming sheet parser, marking formula cells and surviving unreadable numbers."""

        def parse_cell(self, element):
            try:
                cell = super().parse_cell(element)
            except (ValueError, OverflowError):  # a number too long for Python to read (over 4,300 digits)
                cell = {"row": self.row_counter, "column": self.col_counter, "value": _Unreadable(), "data_type": "e"}
            cell["formula"] = element.find(FORMULA_TAG) is not None
            return cell

    return Parser


class _Unreadable(str):
    """A workbook cell whose value cannot be read (a number of thousands of digits)."""

    def __new__(cls):
        return super().__new__(cls, "(an unreadable number of thousands of digits)")


def _stream(path: Path, ws, limits: Limits, hint: str):
    """The sheet's rows from its XML, one at a time: (header, [(row, cells)], [(row, column, problem)])."""
    parser_cls = _parser_class()
    wb = ws.parent
    header = None
    rows: list[tuple[int, list]] = []
    problems: list[tuple[int, int, str]] = []
    cells = 0
    with ws._get_source() as src:
        parser = parser_cls(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                            date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)  # fmt: skip
        for idx, found in parser.parse():
            kept = [c for c in found if c["value"] is not None or c["formula"]]
            if not kept:
                continue
            if idx > limits.max_rows + 1:
                raise _too_many(path, f"the sheet '{ws.title}' has data in row {idx:,}", "max_rows", limits.max_rows, hint, row=idx)
            width = max(c["column"] for c in kept)
            cells += width
            if cells > limits.max_cells:
                raise _too_many(path, f"the sheet '{ws.title}' has more than {limits.max_cells:,} cells by row {idx:,}", "max_cells",
                                limits.max_cells, hint, row=idx)  # fmt: skip
            values = [None] * width
            for c in kept:
                values[c["column"] - 1] = c["value"]
                if c["formula"] and c["value"] is None:
                    problems.append((idx, c["column"] - 1, "a formula with no saved value (the file was written by a program that does not "
                                     "calculate); open and save it in Excel or LibreOffice, or paste the values in place of the formulas"))
                elif isinstance(c["value"], _Unreadable):
                    problems.append((idx, c["column"] - 1, "a number of thousands of digits; give the value as written on paper"))
            if idx == 1:
                header = values
            elif header is not None and any(present(v) for v in values):
                rows.append((idx, values))
            elif header is None:  # data before a header in row 1
                raise SheetError(path, f"the sheet '{ws.title}' has no header: row 1 must name the columns (the first filled row is {idx}).",
                                 row=1, hint=hint)  # fmt: skip
    return header, rows, problems


# ---------------------------------------------------------------------------------------------
# JSON


class LongNumber(str):
    """A JSON integer of more digits than any count or amount has (kept as its digits, never converted)."""


def _json(path: Path, data: bytes, limits: Limits, _sheet, hint: str) -> Sheet:
    def refuse_constant(name):
        raise ValueError(f"{name} is not a JSON number")

    try:
        records = json.loads(
            data.decode("utf-8-sig"),
            parse_int=lambda s: int(s) if len(s.lstrip("-")) <= 18 else LongNumber(s),
            parse_constant=refuse_constant,
        )
    except RecursionError as exc:
        raise SheetError(path, "cannot be read: values nested too deeply (a list of flat records is expected).", hint=hint) from exc
    except UnicodeDecodeError as exc:
        raise SheetError(path, f"not UTF-8 text (the file's byte {exc.start + 1:,}); save it as UTF-8.", hint=hint) from exc
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity
        raise SheetError(path, f"cannot be parsed as JSON ({exc}).", hint=hint) from exc
    if not isinstance(records, list):
        raise SheetError(path, f"expected a JSON list of records (objects, one per row), got a {type(records).__name__}.", hint=hint)
    if len(records) > limits.max_rows:
        raise _too_many(path, f"{len(records):,} records", "max_rows", limits.max_rows, hint)
    header: dict[str, None] = {}
    for r in records:
        if isinstance(r, dict):
            header.update(dict.fromkeys(r))
    names = list(header)
    if len(records) * max(len(names), 1) > limits.max_cells:
        raise _too_many(path, f"{len(records):,} records × {len(names):,} fields", "max_cells", limits.max_cells, hint)
    if names:
        body = [[r.get(k) for k in names] if isinstance(r, dict) else [r] + [None] * (len(names) - 1) for r in records]
    else:
        names, body = ["_"], [[r] for r in records]
    out = Sheet(path.name, "json", names, [(i + 1, b) for i, b in enumerate(body)])
    out.not_objects = [i + 1 for i, r in enumerate(records) if not isinstance(r, dict)]
    return out


# ---------------------------------------------------------------------------------------------
# Every text cell


def _clean(sheet: Sheet) -> None:
    """NFKC and invisible characters removed in every text cell (header included); hidden controls reported."""

    def one(value, row, column):
        if isinstance(value, str) and not isinstance(value, (LongNumber, _Unreadable)):
            why = text_rules.problem(value)
            if why:
                sheet.problems.append(Problem(sheet.file, row, sheet.field_name(column) if row != sheet.header_row else None,
                                              f"{'header' if row == sheet.header_row else 'the cell'} {why}"))  # fmt: skip
                return value
            return type(value)(text_rules.clean(value)) if type(value) is not str else text_rules.clean(value)
        if isinstance(value, list):
            return [one(v, row, column) for v in value]
        if isinstance(value, dict):
            return {one(k, row, column): one(v, row, column) for k, v in value.items()}
        return value

    if sheet.format != "json":
        sheet.header = [one(h, sheet.header_row, i) for i, h in enumerate(sheet.header)]
    else:
        sheet.header = [one(h, None, i) for i, h in enumerate(sheet.header)]
    for row, cells in sheet.rows:
        for i, v in enumerate(cells):
            cells[i] = one(v, row, i)
