"""Render results three ways: rich tables for people, JSON and CSV for machines.

Tables are laid out here, once, for the terminal they are printed on (80 columns when piped or in a
standard terminal): numbers and codes keep their full width and never wrap, text wraps at spaces,
and when even that does not fit, the columns a command marked as optional leave the table — either
entirely (named in a line under the table, with where to find them) or *below* it, as one line per
row. Nothing is ever cut with an ellipsis: a value a reader cannot see is a value they cannot trust.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from upward import formats

console = Console()
err_console = Console(stderr=True)

#: Headers of identifier columns: like numbers, they never wrap.
CODE_HEADERS = ("#", "SOC", "code", "CIP", "id")
#: The narrowest a wrapping text column is squeezed to before optional columns leave the table.
TEXT_MIN = 12
#: Text columns are kept at least as wide as their longest word, up to this, so words are not split.
WORD_MAX = 18
#: Between two columns: the (blank) separator and one space of padding.
GUTTER = 2


def emit_json(data) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=formats.json_default, ensure_ascii=False) + "\n")


def emit_csv(rows: Iterable[dict]) -> None:
    """Rows as CSV on stdout, through the one CSV writer (formula-like text cells escaped)."""
    from upward import csvout

    rows = list(rows)
    if not rows:
        return
    csvout.write_rows(sys.stdout, rows)


def scalars(d: dict) -> dict:
    """A result's plain fields (no lists or nested records): the one CSV row of what an import or export did."""
    return {k: v for k, v in d.items() if not isinstance(v, (list, dict))}


def plain(text: str) -> None:
    """Text printed as it is, no markup read in it and nothing highlighted (it names files and what users typed)."""
    console.print(text, highlight=False, markup=False)


def money(value, hourly: bool = False, at_least: float | None = None) -> str:
    """Dollars (upward.formats); `at_least` is the BLS top-code bound, shown as '≥ $…' for a top-coded cell."""
    if at_least is not None:
        return "≥ " + formats.money(at_least, hourly)
    return formats.money(value, hourly)


number = formats.number


@dataclass(frozen=True)
class Column:
    """One column of a table and how it gives way on a narrow terminal.

    kind: "text" wraps at spaces; "num" is right-aligned and never wraps; "code" never wraps.
    drop: 0 stays in the table always; 1, 2, … leave it (highest first) when the table is wider
      than the terminal, and are named under it.
    below: with drop, the column goes under the table instead, one "label: value" line per row
      (for long text: a level's meaning, a source, an education requirement).
    min_width: a text column narrower than this is unreadable (a sentence in a 12-character
      column): the table gives it this much or, if it is optional, lets it go.
    """

    header: str
    kind: str = "text"
    drop: int = 0
    below: bool = False
    min_width: int = 0


def _width(cell: str) -> int:
    """Printed width of a cell (markup such as [dim] or an escaped \\[ takes no room)."""
    return max((Text.from_markup(line).cell_len for line in str(cell).split("\n")), default=0)


def _wrap_header(header: str, width: int) -> str:
    """A header broken at spaces so it fits the column it stands over."""
    lines, cur = [], ""
    for word in header.split():
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    lines.append(cur)
    return "\n".join(lines)


def _columns(columns: Sequence[str | Column], justify_right: set[int] | None) -> list[Column]:
    out = []
    for i, c in enumerate(columns):
        if isinstance(c, Column):
            out.append(c)
        elif justify_right and i in justify_right:
            out.append(Column(c, "num"))
        else:
            out.append(Column(c, "code" if c in CODE_HEADERS else "text"))
    return out


def layout(columns: list[Column], rows: list[list[str]], width: int) -> tuple[list[int], list[int | None]]:
    """Which columns stay (their indexes) and each one's width, for a table that must fit `width`.

    Numbers and codes get their widest cell (or the longest word of their header); text columns
    share what is left in proportion to their widest cell, never under their longest word or
    TEXT_MIN. While that does not fit, the optional column with the highest `drop` leaves.
    """
    natural = [max([_width(r[i]) for r in rows] + [1]) for i in range(len(columns))]
    fixed = [max(natural[i], max((len(w) for w in c.header.split()), default=1)) for i, c in enumerate(columns)]
    keep = list(range(len(columns)))

    # what a text column wants (its widest cell, or its header's first word) and the least it can take
    want = {i: max([natural[i]] + [len(w) for w in c.header.split()]) for i, c in enumerate(columns) if c.kind == "text"}
    longest = {i: max([_width(w) for r in rows for w in str(r[i]).split()] + [1]) for i in want}
    floor = {i: min(want[i], max(TEXT_MIN, columns[i].min_width, min(longest[i], WORD_MAX))) for i in want}

    def need(idx):
        fixed_part = sum(fixed[i] for i in idx if columns[i].kind != "text")
        return fixed_part + sum(floor[i] for i in idx if i in floor) + GUTTER * (len(idx) - 1)

    while need(keep) > width:
        optional = [i for i in keep if columns[i].drop]
        if not optional:
            break
        keep.remove(max(optional, key=lambda i: (columns[i].drop, i)))
    widths: list[int | None] = [None] * len(columns)
    for i in keep:
        if columns[i].kind != "text":
            widths[i] = fixed[i]
    text = [i for i in keep if columns[i].kind == "text"]
    room = width - sum(widths[i] or 0 for i in keep) - GUTTER * (len(keep) - 1)
    if text:
        if sum(want[i] for i in text) <= room:
            for i in text:
                widths[i] = want[i]
        elif sum(floor[i] for i in text) > room:
            # nothing optional is left to remove: numbers and codes keep their width, text shares the rest
            scale = max(room, 4 * len(text)) / sum(floor[i] for i in text)
            for i in text:
                widths[i] = max(4, int(floor[i] * scale))
        else:
            # max-min fair: the columns that want least get all they want, the longest text takes the rest
            # (never less than its floor), so a name is not wrapped to make room for a sentence
            order = sorted(text, key=lambda i: want[i])
            left = room - sum(floor[i] for i in text)
            for k, i in enumerate(order):
                share = floor[i] + left // (len(order) - k)
                widths[i] = min(want[i], share)
                left -= widths[i] - floor[i]
    return keep, widths



def table(
    title: str,
    columns: Sequence[str | Column],
    rows: list[list[str]],
    justify_right: set[int] | None = None,
    *,
    width: int | None = None,
    label: int | None = None,
):
    """A table that fits the terminal (or `width`), with what did not fit said or shown below it.

    `columns` are Column specs, or plain headers with `justify_right` naming the numeric ones (a
    header in CODE_HEADERS is a code). `label` is the column whose value names a row in the lines
    printed below the table (default: the first text column).
    """
    cols = _columns(columns, justify_right)
    rows = [["" if v is None else str(v) for v in r] for r in rows]
    width = width or console.width
    keep, widths = layout(cols, rows, width)
    t = Table(title=title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
              padding=(0, 1, 0, 0), collapse_padding=False)
    for i in keep:
        c, w = cols[i], widths[i]
        numeric = c.kind == "num"
        header = _wrap_header(c.header, w) if w and c.kind != "text" else c.header
        t.add_column(header, justify="right" if numeric else "left", no_wrap=c.kind != "text", width=w, overflow="fold")
    for r in rows:
        t.add_row(*(r[i] for i in keep))
    gone = [i for i in range(len(cols)) if i not in keep]
    if not gone:
        return t
    parts: list = [t]
    if label is None:
        label = next((i for i in keep if cols[i].kind == "text"), keep[0])
    for i in (i for i in gone if cols[i].below):
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for r in rows:
            if r[i] and r[i] != "—":
                grid.add_row("", Text.from_markup(f"[bold]{r[label]}[/]: {r[i]}"))
        parts += [Text(f"{cols[i].header}:", style="bold"), grid]
    hidden = [cols[i].header for i in gone if not cols[i].below]
    if hidden:
        them = "them" if len(hidden) > 1 else "it"
        parts.append(Text.from_markup(
            f"[dim]Not shown at {width} columns: {escape(', '.join(hidden))} (a wider terminal shows {them}; --csv and --json have every column).[/]"))
    return Group(*parts)


def notes(title: str | None, items: Iterable[str | tuple[str, str]]):
    """Long text that would crush a table, printed under it with a hanging indent: numbered
    ('[1] …') for plain items, or 'term  text' for (term, text) pairs."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    for k, item in enumerate(items, start=1):
        term, text = item if isinstance(item, tuple) else (f"[{k}]", item)
        grid.add_row(Text(term), Text(text))
    if title is None:
        return grid
    return Group(Text(title, style="bold"), grid)


def living_wage_lines(lw: dict | None) -> list[str]:
    """The living wage as every command prints it: the figure, MIT's own and the CPI factor with its index."""
    if not lw:
        return ["Living wage: not available (MIT covers the 50 states and DC, not Puerto Rico or the territories)"]
    p = lw["prices"]
    head = f"Living wage ({lw['household']}): {money(lw['hourly_wage'], hourly=True)}/hour = {money(lw['annual_wage'])}/year"
    if p["adjusted"]:
        how = (f"MIT {lw['mit_year']} {money(lw['mit_annual_wage'])} × CPI-U {p['to_year']}/{p['from_year']} "
               f"{p['factor']:.4f} ({p['index']}: {p['basis']})")
    else:
        how = f"MIT {lw['mit_year']} figure, not adjusted to {p['to_year']} prices (CPI-U factor {p['factor']:.4f} unused)"
    return [head, f"[dim]{how}; {lw['method']}.[/]"]
