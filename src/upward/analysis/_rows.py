"""Small helpers turning DuckDB results into plain dicts the faces can render as they like."""

from __future__ import annotations

import math

from upward.sources.oews import TOP_CODED


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


def releases(con) -> dict:
    """The data releases and bundle an output was computed from, recorded in every result: for a
    source held in several releases, the one in use (the current one, or the one chosen)."""
    bundle = con.execute("select value from meta where key = 'bundle_fingerprint'").fetchone()[0]
    return {"bundle": bundle, "releases": dict(con.execute("select key, release from sources").fetchall())}


def top_code_bounds(con) -> dict:
    """BLS's own words for footnote 5 (upward.sources.oews.TOP_CODED) give the wage a top-coded cell is at least (hourly, annual)."""
    import re

    # The release in use states its cap; one that never top-codes (no footnote 5) takes the newest stated.
    text = con.execute(
        """select text from oews_footnotes_by_release where footnote_code = ?
           order by release = (select release from current_releases where source = 'bls_oews') desc, release desc limit 1""",
        [TOP_CODED],
    ).fetchone()[0]
    hourly, annual = (float(x.replace(",", "")) for x in re.findall(r"\$([\d,]+(?:\.\d+)?)", text)[:2])
    return {"hourly": hourly, "annual": annual, "footnote": text}


def area_record(con, area_code: str) -> dict:
    """The few area fields every result names."""
    return record(
        con,
        "select area_code, area_name, area_type, state_abbr, price_parity, total_employment from areas where area_code = ?",
        [area_code],
    )


def source_text(con, keys: tuple[str, ...]) -> str:
    """'Occupational Employment and Wage Statistics (OEWS), May YYYY (…); …' for the given source keys, from the atlas's own records."""
    rows = dict(con.execute("select key, title || ', ' || release from sources").fetchall())
    return "; ".join(rows[k] for k in keys)


def atlas_id(con) -> str:
    """The fingerprint of the atlas a connection reads: the key every in-process cache is kept under,
    so a rebuilt atlas (new data or new derivation code) never serves an old result. A connection
    reading another release than the current one (upward/atlas/releases.py) has its own id."""
    return con.execute(
        "select m.value || coalesce('@' || (select string_agg(source || '=' || release, ',' order by source) from release_choice), '') "
        "from meta m where m.key = 'atlas_fingerprint'"
    ).fetchone()[0]
