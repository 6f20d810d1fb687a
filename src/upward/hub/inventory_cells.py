"""What one inventory cell says: its text, its number, its list, its award level, and how a message quotes it.

A CSV holds text, a workbook numbers, dates and text, a JSON file any JSON value. The checks
(`upward.hub.inventory_checks`) see every cell first as text (`cell_text`), so one rule serves the
three formats and a cell whose type no column accepts (a JSON object, true/false) is named as
such instead of being read as something it is not.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd

from upward.hub.template import AWARD_LEVELS


class WrongType(str):
    """Marks a cell whose type (a JSON object, a true/false …) no column accepts."""


def cell_text(value, *, list_ok: bool):
    """A cell as stripped text (None when blank), or a `WrongType` naming what it was.

    Whole numbers from a workbook read as their digits ('3', not '3.0'), dates as ISO dates; a
    JSON list is accepted where the column is a list (items joined with ';', as a CSV writes them).
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return WrongType(f"true/false ({value!r})")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        if not list_ok:
            return WrongType("a list")
        items = [cell_text(v, list_ok=False) for v in value]
        wrong = [v for v in items if isinstance(v, WrongType)]
        if wrong:
            return wrong[0]
        return "; ".join(v for v in items if v) or None
    if isinstance(value, dict):
        return WrongType("an object")
    return WrongType(type(value).__name__)


_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?")


def numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse text as numbers ('$1,200.50' accepted); returns (values, bad) where bad = present but not a number.

    A number too large for a float (1e400, or 5,000 digits) is ±inf, so the range check names it as out of range.
    """
    s = text.str.replace(r"^\$\s*", "", regex=True)
    grouped = s.str.fullmatch(_THOUSANDS.pattern).fillna(False).astype(bool)
    s = s.mask(grouped, s.str.replace(",", "", regex=False))
    values = pd.to_numeric(s, errors="coerce").astype("float64")
    digits = s.str.fullmatch(r"[+-]?\d+(\.\d*)?").fillna(False).astype(bool)
    values = values.mask(digits & values.isna(), np.where(s.str.startswith("-").fillna(False), -np.inf, np.inf))
    bad = text.notna() & values.isna()
    return values, bad


def apply(series: pd.Series, f) -> pd.Series:
    """`f` of each present value as a plain object column (None where missing); no dtype inference."""
    return pd.Series(
        [None if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v) else f(v) for v in series.astype(object)],
        index=series.index,
        dtype=object,
    )


def split_items(text: str | None) -> list[str]:
    """A list cell's items ('a; b;; c' → ['a', 'b', 'c']): the template separates items with ';'."""
    return [] if text is None else [p.strip() for p in text.split(";") if p.strip()]


def award_code(value) -> int | None:
    """The IPEDS award-level code `value` states ('3', 3, '03', '3.0'), else None."""
    if value is None or isinstance(value, bool):
        return None
    m = re.fullmatch(r"0*(\d{1,2})(\.0*)?", str(value).strip())
    return int(m.group(1)) if m and int(m.group(1)) in AWARD_LEVELS else None


def award_level_value(value):
    """A stored award level as the inventory shows it: an IPEDS code as an int, other text as is."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    code = award_code(value)
    return code if code is not None else value


def shown(value) -> str:
    """A cell as a message quotes it: text quoted, and cut short when long (a message never carries a whole 5,000-digit cell)."""
    out = repr(str(value)) if isinstance(value, str) else str(value)
    return out if len(out) <= 60 else f"{out[:40]}… ({len(str(value)):,} characters)"
