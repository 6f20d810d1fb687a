"""The atlas read into plain Python values: rows as dicts, numpy and pandas scalars as Python
numbers, NaN and <NA> as None — what every face renders (rich, JSON, Jinja) without caring which
library computed a value."""

from __future__ import annotations

import math


def records(con, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, (plain(v) for v in row))) for row in cur.fetchall()]


def record(con, sql: str, params: list | None = None) -> dict | None:
    rows = records(con, sql, params)
    return rows[0] if rows else None


def plain(v):
    """A numpy or pandas scalar as a plain Python value, NaN as None, for JSON and rich alike."""
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def plain_record(d: dict) -> dict:
    return {k: plain(v) for k, v in d.items()}


def frame_records(df, columns: list[str]) -> list[dict]:
    """Rows of a DataFrame as plain dicts (NaN and <NA> as None, arrays as lists), column by column:
    the same values as `plain_record` over `to_dict("records")`, without a Python call per cell of
    the thousands of program rows an alignment returns."""
    import numpy as np
    import pandas as pd

    def cell(v):
        if isinstance(v, np.ndarray):
            return v.tolist()
        return None if v is pd.NA else plain(v)

    def cells(series) -> list:
        if series.dtype == object:
            return [cell(v) for v in series.tolist()]
        return series.astype(object).where(series.notna(), None).tolist()

    by_column = [cells(df[c]) for c in columns]
    return [dict(zip(columns, row)) for row in zip(*by_column)]


def exact_sum(expr: str) -> str:
    """SQL summing a float expression exactly (as an 18-decimal number, then a double): DuckDB adds
    floats in whatever order its threads meet the rows, so a plain `sum` of weighted values can
    differ in the last digit from one run to the next; this one gives the same answer every run."""
    return f"sum(({expr})::decimal(38, 18))::double"

