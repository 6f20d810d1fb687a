"""One way to write a number and one palette, for every face (CLI, dashboard, report).

The CLI (`cli/render.py`), the dashboard's tables (`web/pages/_tables.py`) and the report
(`report/refs.py`) each used to spell their own f-strings and tier colours, so the report and the
dashboard disagreed on what colour "low quality" is. Each face now names a kind from `FORMATS`
and takes its colours from here. A missing value is an em dash everywhere, never a made-up number.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

MISSING = "—"

#: How each kind of number is shown. The report's export writes the kind beside each display, so
#: names are stable: add a kind rather than change one.
FORMATS = {
    "pct": lambda v: f"{v:.0%}",
    "pct1": lambda v: f"{v:.1%}",
    "signed_pct": lambda v: f"{v:+.0%}",
    "money": lambda v: f"${v:,.0f}",
    "money_h": lambda v: f"${v:,.2f}",  # an hourly wage
    "count": lambda v: f"{v:,.0f}",
    "ratio": lambda v: f"{v:.2f}",
    "factor": lambda v: f"{v:.3f}",
    "parity": lambda v: f"{v:.1f}",
    "parity_pct": lambda v: f"{v:.1f}%",  # a price parity read as a percentage of the national price level
    "level": lambda v: f"{v:.2f}",
    "score": lambda v: f"{v:.0f}",
    "int": lambda v: f"{int(v):,}",
    "num1": lambda v: f"{v:.1f}",
    "num1_grouped": lambda v: f"{v:,.1f}",
    "num2_grouped": lambda v: f"{v:,.2f}",
    "num3_grouped": lambda v: f"{v:,.3f}",
    # an estimated count (related completions split each program's completers over its occupations):
    # whole people, and a small share that is not nothing reads "under 1", never "0" or "0.1"
    "estimate": lambda v: "0" if v == 0 else ("under 1" if abs(v) < 0.5 else f"{v:,.0f}"),
    "change_pct": lambda v: f"{v:+.1f}%",  # a change already in percent (upward changes)
}


def missing(v) -> bool:
    """None or NaN: a value no source gives."""
    return v is None or (isinstance(v, float) and math.isnan(v))


def show(value, kind: str) -> str:
    """`value` written as `kind` (a key of FORMATS); text passes through; missing is an em dash."""
    if missing(value):
        return MISSING
    if isinstance(value, str):
        return value
    return FORMATS[kind](value)


def money(value, hourly: bool = False) -> str:
    """Dollars: whole dollars, or cents for an hourly wage."""
    return show(value, "money_h" if hourly else "money")


def number(value, digits: int = 0) -> str:
    """A number with thousands separators and `digits` decimals."""
    return MISSING if missing(value) else f"{value:,.{digits}f}"


def json_default(o):
    """What `json.dumps` cannot write by itself, as the CLI's `--json` and the API write it (they are
    the same JSON): dates and times in ISO 8601, decimals as numbers."""
    if isinstance(o, (date, datetime)):
        return o.isoformat()
    if isinstance(o, Decimal):
        return float(o)
    raise TypeError(f"not JSON serialisable: {type(o)}")


#: Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
#: Job-quality tiers, the same in the dashboard, its CSS (`web/static/css/upward.css` .t-*) and the report's charts.
TIER_COLOURS = {"quality": "#009E73", "near-quality": "#56B4E9", "low": "#D55E00", "unknown": "#999999", "not scored": "#BBBBBB"}
