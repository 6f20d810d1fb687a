"""Render results three ways: rich tables for people, JSON and CSV for machines."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from rich.console import Console
from rich.table import Table

console = Console()
err_console = Console(stderr=True)


def _default(o):
    if isinstance(o, (date, datetime)):
        return o.isoformat()
    if isinstance(o, Decimal):
        return float(o)
    raise TypeError(f"not JSON serialisable: {type(o)}")


def emit_json(data) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=_default, ensure_ascii=False) + "\n")


def emit_csv(rows: Iterable[dict]) -> None:
    """Rows as CSV on stdout, through the one CSV writer (formula-like text cells escaped)."""
    from upward import csvout

    rows = list(rows)
    if not rows:
        return
    csvout.write_rows(sys.stdout, rows)


def money(value, hourly: bool = False, at_least: float | None = None) -> str:
    """Dollars; `at_least` is the BLS top-code bound, shown as '≥ $…' for a top-coded cell."""
    if at_least is not None:
        return "≥ " + money(at_least, hourly)
    if value is None:
        return "—"
    return f"${value:,.2f}" if hourly else f"${value:,.0f}"


def number(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def table(title: str, columns: list[str], rows: list[list[str]], justify_right: set[int] | None = None) -> Table:
    t = Table(title=title, title_justify="left", header_style="bold")
    for i, c in enumerate(columns):
        numeric = bool(justify_right and i in justify_right)
        # numbers and codes never wrap, so narrow terminals squeeze only the text columns
        code = c in ("#", "SOC", "code", "CIP")
        t.add_column(c, justify="right" if numeric else "left", no_wrap=numeric or code, min_width=None if numeric or code else 14)
    for r in rows:
        t.add_row(*r)
    return t
