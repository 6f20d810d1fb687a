"""Tables the pages show, each downloadable as CSV, and the formats their cells are written in.

A page builds `Table`s from an analysis result (rows as the analysis returned them, columns
naming the keys to show and how). The HTML shows the formatted values, at most `show` rows; the
CSV download (`?csv=NAME` on the page's own URL) gives every row with the raw values, stamped
with the profile and bundle like the CLI's `--csv`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any, Callable

from markupsafe import Markup, escape

from upward import formats


@dataclass
class Col:
    key: str
    label: str
    fmt: str = "text"  # text, code, int, num1, num2, money, money_h, pct, change, score, bool, list
    link: Callable[[dict], str | None] | None = None
    csv: bool = True  # also written to the CSV

    @property
    def numeric(self) -> bool:
        return self.fmt not in ("text", "code", "bool", "list")

    @property
    def css(self) -> str:
        """The cell's class: numbers right-aligned, codes unbroken, names given room."""
        if self.numeric:
            return "num"
        if self.fmt == "code":
            return "code"
        return "wide" if self.key in WIDE else ""


#: Columns of names that should not be squeezed into a narrow column.
WIDE = {"occ_title", "title", "to_title", "program_name", "provider_name", "area_name", "element_name", "top_jtm", "jtm_1"}


@dataclass
class Table:
    name: str  # the CSV's name: ?csv=NAME
    title: str
    cols: list[Col]
    rows: list[dict]
    show: int | None = None  # rows shown in the page (None: all); the CSV has all
    note: str | None = None
    empty: str = "Nothing to show."
    extra_csv: list[str] = field(default_factory=list)  # more keys written to the CSV only

    @property
    def shown(self) -> list[dict]:
        return self.rows if self.show is None else self.rows[: self.show]


_missing = formats.missing


#: The pages' column kinds, each a kind of the one number format (upward.formats).
_KINDS = {"int": "count", "num1": "num1_grouped", "num2": "num2_grouped", "num3": "num3_grouped", "money": "money",
          "money_h": "money_h", "pct": "pct", "pct1": "pct1", "change": "signed_pct", "score": "score"}


def fmt(v: Any, kind: str = "text") -> str:
    """A value as the pages write it; missing values are an em dash, never a made-up number."""
    if kind == "bool":
        return "yes" if v else ""
    if _missing(v):
        return formats.MISSING
    if kind in _KINDS:
        return formats.FORMATS[_KINDS[kind]](v)
    if kind == "list":
        return "; ".join(str(x) for x in v)
    return str(v)


def cell(col: Col, row: dict) -> Markup:
    v = row.get(col.key)
    if col.fmt == "score" and not _missing(v):
        width = max(0.0, min(100.0, float(v)))
        text = Markup('<span class="bar" aria-hidden="true"><span style="width:{:.0f}%"></span></span><span class="barnum">{}</span>').format(
            width, fmt(v, "score")
        )
    else:
        text = escape(fmt(v, col.fmt))
    href = col.link(row) if col.link else None
    if href:
        return Markup('<a href="{}">{}</a>').format(href, text)
    return Markup(text)


def _csv_value(v):
    if _missing(v):
        return ""
    if isinstance(v, (list, tuple, set)):
        return ";".join(str(x) for x in v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if hasattr(v, "item"):
        v = v.item()
    return v


def to_csv(table: Table, stamp: dict) -> str:
    keys = [c.key for c in table.cols if c.csv] + [k for k in table.extra_csv if k not in {c.key for c in table.cols}]
    from upward import csvout

    out = io.StringIO()
    csvout.write_table(out, [*keys, *stamp], ([*(_csv_value(r.get(k)) for k in keys), *stamp.values()] for r in table.rows))
    return out.getvalue()
