"""What a result was computed from: the bundle and releases behind it, the sources' own titles, the
atlas fingerprint every cache is keyed by, and what BLS's footnotes say about top-coded wages.

Every analysis result carries `releases(con)`, so a number on a page names its source release.
"""

from __future__ import annotations

import re

from upward.sources.oews import TOP_CODED


def releases(con) -> dict:
    """The data releases and bundle an output was computed from, recorded in every result: for a
    source held in several releases, the one in use (the current one, or the one chosen)."""
    bundle = con.execute("select value from meta where key = 'bundle_fingerprint'").fetchone()[0]
    return {"bundle": bundle, "releases": dict(con.execute("select key, release from sources").fetchall())}


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


def top_code_bounds(con) -> dict:
    """BLS's own words for footnote 5 (upward.sources.oews.TOP_CODED) give the wage a top-coded cell is at least (hourly, annual)."""
    # The release in use states its cap; one that never top-codes (no footnote 5) takes the newest stated.
    text = con.execute(
        """select text from oews_footnotes_by_release where footnote_code = ?
           order by release = (select release from current_releases where source = 'bls_oews') desc, release desc limit 1""",
        [TOP_CODED],
    ).fetchone()[0]
    hourly, annual = (float(x.replace(",", "")) for x in re.findall(r"\$([\d,]+(?:\.\d+)?)", text)[:2])
    return {"hourly": hourly, "annual": annual, "footnote": text}
