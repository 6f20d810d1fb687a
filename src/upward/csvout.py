"""The one CSV writer: every CSV Upward writes (CLI `--csv`, `export --format csv`, rating sheets,
dashboard downloads, outcome results, quarantine files) goes through here.

CSV injection: a spreadsheet opening a CSV runs a cell that starts with `=`, `+`, `-` or `@`
as a formula (`=HYPERLINK(…)` sends data away; `=cmd|' /C calc'!A0` starts a program), and
treats a leading tab or carriage return the same way in some versions. A programme or rater
name comes from a file anyone may upload, so every text cell that starts with one of these
characters is written with a leading `'` (the OWASP recommendation), which a spreadsheet shows
as text. Two kinds of cell are left as they are, because they cannot run: numbers (`-3.5`,
written from a number or as plain numeric text) and empty cells. Upward's own reader
(`upward.sheets`) drops that `'` again, so an export read back is the data that was exported.

Workbooks need the same care in another form: openpyxl stores any text that starts with `=` as a
formula, so every workbook Upward writes appends its rows with `append_xlsx_row`, which keeps
text as text (a string cell the spreadsheet shows, never runs). HTML is escaped by Jinja2.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import IO

#: Leading characters a spreadsheet treats as the start of a formula.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def escape(value):
    """A cell as written: text that a spreadsheet would run gets a leading `'`; everything else as is."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_rows(out: IO[str], rows: Iterable[dict], fieldnames: Sequence[str] | None = None) -> int:
    """Write dict rows (header from `fieldnames` or the first row) to a text stream; returns the row count.

    None is written as an empty cell.
    """
    rows = iter(rows)
    first = next(rows, None)
    if fieldnames is None:
        fieldnames = list(first) if first is not None else []
    w = csv.writer(out, lineterminator="\n")
    w.writerow([escape(str(f)) for f in fieldnames])
    n = 0
    for r in ([first] if first is not None else []):
        w.writerow([_cell(r.get(f)) for f in fieldnames])
        n += 1
    for r in rows:
        w.writerow([_cell(r.get(f)) for f in fieldnames])
        n += 1
    return n


def write_table(out: IO[str], header: Sequence, rows: Iterable[Sequence]) -> None:
    """Write a header and rows of cells (lists) to a text stream."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow([escape(str(h)) for h in header])
    for r in rows:
        w.writerow([_cell(v) for v in r])


def text(rows: Iterable[dict], fieldnames: Sequence[str] | None = None) -> str:
    """The CSV as a string."""
    buf = io.StringIO()
    write_rows(buf, rows, fieldnames)
    return buf.getvalue()


def _cell(value):
    if value is None:
        return ""
    return escape(value if isinstance(value, (int, float)) else str(value))


def escape_arrow(table):
    """The same escape over every text column of an Arrow table (vectorised, for large files)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = []
    for name, col in zip(table.column_names, table.columns):
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            starts = pc.utf8_slice_codeunits(col, 0, 1)
            risky = pc.and_(pc.is_in(starts, value_set=pa.array(list(TRIGGERS))), pc.invert(pc.match_substring_regex(col, "^" + _NUMBER.pattern + "$")))
            col = pc.if_else(pc.fill_null(risky, False), pc.binary_join_element_wise("'", col, ""), col)
        cols.append(col)
    return pa.table(cols, names=table.column_names)


def write_arrow(path, table) -> None:
    """An Arrow table as a CSV file (text cells escaped); the caller makes the write atomic (`upward.files`)."""
    import pyarrow.csv as pacsv

    pacsv.write_csv(escape_arrow(table), path)


def append_xlsx_row(ws, values: Sequence) -> None:
    """Append a row to an openpyxl worksheet with every text cell a string cell, never a formula."""
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        if cell.data_type == "f":  # openpyxl took text starting with '=' for a formula
            cell.data_type = "s"
