"""A column of job titles in a file → coded rows, in file order; and coded rows → flat CSV rows.

The file is read by the hub's one sheet reader (`upward.hub.validate.read_inventory`: CSV in
UTF-8, the first sheet of an .xlsx workbook, or a JSON list of records), so a title file fails the
same clear way an inventory does. Rows entirely blank are not rows; a row whose title cell is
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
    that cannot be read, or lacks the column, raises an UpwardError naming the file and the column.
    """
    from upward.hub.validate import read_inventory

    path = Path(path)
    if not path.is_file():
        raise UpwardError(f"{path}: file not found (looking for the title column '{column}').", hint=_HINT)
    try:
        df = read_inventory(path)
    except UpwardError as exc:
        raise UpwardError(f"{path.name}: cannot read the title column '{column}': {exc.message.removeprefix(path.name + ': ')}", hint=f"File: {path}. {_HINT}") from exc
    headers = [str(c) for c in df.columns]
    if column in headers:
        at = headers.index(column)
    else:
        loose = [i for i, h in enumerate(headers) if _norm_header(h) == _norm_header(column)]
        if len(loose) != 1:
            found = ", ".join(repr(h) for h in headers if h.strip()) or "no named columns"
            what = "several columns match" if loose else "no column named"
            raise UpwardError(f"{path.name}: {what} '{column}'; the header has: {found}.", hint=f"File: {path}. Pass --column with one of those headers.")
        at = loose[0]
    cells = [_text(v) for v in df.iloc[:, at].tolist()]
    return [int(r) for r in df.index], cells


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
