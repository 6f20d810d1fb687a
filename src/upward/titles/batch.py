"""A column of job titles in a file → coded rows, in file order; and coded rows → flat CSV rows.

The file is read by the one reader of user tables (`upward.sheets`: CSV in UTF-8, the first
sheet of an .xlsx workbook, or a JSON list of records, within the profile's size limits), so a
title file fails the same clear way an inventory does. Rows entirely blank are not rows; a row whose title cell is
blank is coded as `soc: null` with the reason "empty title".
"""

from __future__ import annotations

from pathlib import Path

from upward.errors import UpwardError

_HINT = "Give a CSV (UTF-8), an .xlsx workbook (first sheet, header in row 1) or a JSON list of records, and the header of the column holding the titles."


def _norm_header(name) -> str:
    return "".join(str(name or "").split()).replace("_", "").replace("-", "").casefold()


def read_column(path: Path | str, column: str) -> tuple[list[int], list[str | None]]:
    """The file rows (header = row 1; JSON records from 1) and the cells of `column`, as text.

    `column` matches a header exactly, else ignoring case, spaces, dashes and underscores. A file
    that cannot be read, or lacks the column, or whose title cells the one reader refuses (a control
    character, a formula with no saved value), raises an UpwardError naming the file and the column.
    """
    from upward import sheets

    path = Path(path)
    try:
        sheet = sheets.read(path, suffixes=(".csv", ".xlsx", ".json"), hint=f"File: {path}. {_HINT}")
    except UpwardError as exc:
        reason = exc.message.removeprefix(path.name + ": ").removesuffix(" Nothing was imported.")
        raise UpwardError(f"{path.name}: cannot read the title column '{column}': {reason}", hint=f"File: {path}. {_HINT}") from exc
    headers = ["" if h is None else str(h) for h in sheet.header]
    if column in headers:
        at = headers.index(column)
    else:
        loose = [i for i, h in enumerate(headers) if _norm_header(h) == _norm_header(column)]
        if len(loose) != 1:
            found = ", ".join(repr(h) for h in headers if h.strip()) or "no named columns"
            what = "several columns match" if loose else "no column named"
            raise UpwardError(f"{path.name}: {what} '{column}'; the header has: {found}.", hint=f"File: {path}. Pass --column with one of those headers.")
        at = loose[0]
    refused = [p for p in sheet.problems if p.field in (headers[at], sheet.field_name(at))]
    if refused:
        listed = "; ".join(f"row {p.row}: {p.reason}" for p in refused[:5])
        raise UpwardError(f"{path.name}, column '{headers[at]}': {len(refused)} cell(s) cannot be read as text ({listed}).", hint=f"File: {path}. Fix those cells and code the file again.")
    rows = [r for r, _ in sheet.rows]
    cells = [_text(cells[at]) if at < len(cells) else None for _, cells in sheet.rows]
    return rows, cells


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def flat(coded: list[dict], rows: list[int] | None = None, review_below: float | None = None) -> list[dict]:
    """CSV rows: one per title, candidates as 'SOC score' pairs joined by '; '."""
    from upward.titles import REVIEW_BELOW

    threshold = REVIEW_BELOW if review_below is None else review_below
    out = []
    for i, c in enumerate(coded):
        row = {"row": rows[i]} if rows is not None else {}
        row.update(
            input=c["input"], soc=c["soc"], soc_title=c["soc_title"], confidence=c["confidence"],
            review=c["soc"] is None or c["confidence"] < threshold, matched=c.get("matched"), reason=c.get("reason"),
            candidates="; ".join(f"{x['soc']} {x['score']:.3f}" for x in c["candidates"]),
        )  # fmt: skip
        out.append(row)
    return out
