"""Rows in and out of the hub's tables, the one way every hub writer does it.

Program imports (`imports`), employer ratings (`ratings`) and outcome runs (`runs`) read rows as
records, append rows typed exactly like the hub's DDL (so DuckDB never guesses a type), write
inside one transaction that also upgrades an older hub (so a failed write leaves the hub at its
old version), and stamp each write with who made it and when (UTC).
"""

from __future__ import annotations

import datetime as dt
import getpass
from contextlib import contextmanager

import pandas as pd

from upward.hub._db import TABLES, upgrade

#: DDL type → Arrow type alias, for every type the hub's tables use.
_ARROW_TYPES = {
    "integer": "int32", "bigint": "int64", "varchar": "string", "double": "float64", "date": "date32",
    "timestamp": "timestamp[us]", "boolean": "bool",  # and varchar[]: a list of strings
}  # fmt: skip


def records(con, sql: str, params=()) -> list[dict]:
    """The query's rows as dicts keyed by column name."""
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def columns(table: str) -> list[tuple[str, str]]:
    """(name, type) of each column of a hub table, in order, from its DDL."""
    out = []
    for line in TABLES[table].split("(", 1)[1].splitlines():
        parts = line.split("--")[0].strip().rstrip(",").split()  # a column: name type …, then maybe a comment
        if len(parts) >= 2 and parts[0] not in ("primary", "check", "unique", "foreign", "constraint"):
            out.append((parts[0].strip('"'), parts[1].lower().rstrip(",")))
    return out


def _arrow(table: str, rows: pd.DataFrame | list[dict]):
    """The rows (a DataFrame, or records with any missing column as NULL) as an Arrow table typed like the hub table."""
    import pyarrow as pa

    def arrow_type(kind: str):
        return pa.list_(pa.string()) if kind == "varchar[]" else pa.type_for_alias(_ARROW_TYPES[kind])

    schema = pa.schema([pa.field(name, arrow_type(kind)) for name, kind in columns(table)])
    if isinstance(rows, pd.DataFrame):
        return pa.Table.from_pandas(rows[schema.names], schema=schema, preserve_index=False)
    return pa.Table.from_pylist([{n: r.get(n) for n in schema.names} for r in rows], schema=schema)


def append(con, table: str, rows: pd.DataFrame | list[dict]) -> None:
    """Append rows to a hub table (one statement; the caller holds the transaction)."""
    con.register("_rows", _arrow(table, rows))
    try:
        con.execute(f"insert into {table} by name select * from _rows")
    finally:
        con.unregister("_rows")


@contextmanager
def transaction(hub):
    """One write: the hub upgraded to the current schema and the block's writes committed together, or none of them.

    The upgrade is inside the transaction, so a write that fails leaves an older hub at its old version.
    """
    hub.begin()
    try:
        upgrade(hub)
        yield hub
        hub.commit()
    except BaseException:
        hub.rollback()
        raise


def user(who: str | None) -> str:
    """Who a write is recorded as: the name given, else the login name ('unknown' in a container without one)."""
    if who:
        return who
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers)
        return "unknown"


def now() -> dt.datetime:
    """The time a write is recorded at: UTC, to the second, without a zone (the hub's timestamps are all UTC)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
