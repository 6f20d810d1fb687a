"""Reading an inventory file: its cells as the file holds them, and which header is which template column.

`read_inventory` returns the cells as the file holds them (text from a CSV; numbers, dates and
text from a workbook; JSON values), indexed by the 1-based file row (`row`: the header is row 1,
so the first program is row 2; JSON records are numbered from 1). Nothing is judged here: what
the reader refused (hidden characters, formulas with no saved value, JSON values that are no
record, stray cells right of the header) travels in `df.attrs`, so the checks
(`upward.hub.inventory_checks`) report it with every other problem of the file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from upward import sheets
from upward.hub.template import HEADER_TO_COLUMN, normalize_header

SUFFIXES = (".csv", ".xlsx", ".json")
HINT = "The columns, accepted values and an example are in docs/programs-import.md (upward.hub.template())."


def read_inventory(path: Path | str, data: bytes | None = None, limits: sheets.Limits | None = None) -> pd.DataFrame:
    """The file's cells with its own headers, indexed by file row; the format comes from the suffix.

    `data` is the file's bytes when the caller already read them (so the hash and the rows
    come from the same bytes). Read by `upward.sheets` within `limits` (the profile's [limits]);
    problems the reader found in cells (hidden characters, formulas with no saved value) travel
    in `df.attrs["problems"]` and are reported by `check`.
    """
    sheet = sheets.read(path, data, limits=limits, suffixes=SUFFIXES, hint=HINT)
    df = _frame(sheet.header, [r for _, r in sheet.rows], [n for n, _ in sheet.rows])
    df.index.name = "row"
    df.attrs["format"] = sheet.format
    df.attrs["not_objects"] = sheet.not_objects
    df.attrs["problems"] = sheet.problems
    return df


def _frame(header: list, body: list[list], rows: list[int]) -> pd.DataFrame:
    """The rows cut or padded to the header's width; cells beyond it are noted in `attrs["overflow"]`.

    A stray value to the right of the last header (a note typed beside the table) would be lost by
    the cut, so the row and its cell count are kept for the checks to name.
    """
    width = len(header)
    cells = [list(r[:width]) + [None] * (width - len(r)) for r in body]
    df = pd.DataFrame(cells, columns=range(width), index=pd.Index(rows, name="row"), dtype=object)
    df.columns = [str(h) if h is not None else "" for h in header]
    overflow = {row: len(r) for row, r in zip(rows, body) if len(r) > width and any(sheets.present(c) for c in r[width:])}
    df.attrs["overflow"] = overflow
    return df


def map_columns(headers: list[str]) -> tuple[dict[str, int], list[str], list[tuple[str, list[str]]]]:
    """Header positions of the template columns, the ignored headers, and columns named twice.

    Headers match the template's names and aliases whatever their case, spaces, dashes and
    underscores (`template.normalize_header`), so 'CIP Code' and 'cip_code' are one column and a
    file that names it twice is caught rather than read from the first.
    """
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
