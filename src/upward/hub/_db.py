"""The hub file: where it lives, its schema, and opening it safely (never another file by mistake)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from upward.errors import UpwardError

SCHEMA_VERSION = "1"

#: One statement per table, in dependency order. Rows are only ever inserted; `imports` rows are
#: the one thing updated (status, rolled_back_at, rolled_back_by) by a rollback.
TABLES = {
    "hub_meta": "create table hub_meta (key varchar primary key, value varchar)",
    "imports": """
        create table imports (
            import_id integer primary key,
            file varchar not null,
            sha256 varchar not null,
            who varchar not null,
            "at" timestamp not null,          -- UTC
            rows integer not null,
            status varchar not null check (status in ('active', 'rolled_back')),
            rolled_back_at timestamp,         -- UTC
            rolled_back_by varchar
        )""",
    "providers": """
        create table providers (
            import_id integer not null,
            provider_id varchar not null,
            name varchar not null,
            type varchar,
            county_fips varchar not null,
            county_name varchar,
            state_abbr varchar,
            area_code varchar,
            area_name varchar,
            file_row integer                  -- first file row naming the provider
        )""",
    "programs": """
        create table programs (
            import_id integer not null,
            program_id varchar not null,
            provider_id varchar not null,
            name varchar not null,
            cip_code varchar not null,
            award_level varchar,
            credential varchar,
            hours double,
            weeks double,
            cost double,
            modality varchar,
            schedule varchar,
            target_socs varchar[],
            supports varchar[],
            employer_partners varchar[],
            source varchar,
            as_of date,
            file_row integer
        )""",
    "completions": """
        create table completions (
            import_id integer not null,
            program_id varchar not null,
            year integer not null,
            completions integer not null
        )""",
    "outcomes": """
        create table outcomes (
            import_id integer not null,
            program_id varchar not null,
            measure varchar not null check (measure in ('employment_rate', 'median_earnings')),
            value double not null,
            horizon varchar
        )""",
}

#: The key of each versioned table: the current view keeps, per key, the row of the latest
#: active import that has it.
KEYS = {
    "providers": ("provider_id",),
    "programs": ("program_id",),
    "completions": ("program_id", "year"),
    "outcomes": ("program_id", "measure"),
}

VIEWS = {
    f"current_{table}": f"""
        create view current_{table} as
        select t.* from {table} t join imports i on i.import_id = t.import_id
        where i.status = 'active'
        qualify row_number() over (partition by {", ".join("t." + k for k in key)} order by t.import_id desc) = 1
    """
    for table, key in KEYS.items()
}


def path(explicit: Path | str | None = None) -> Path:
    """The hub file: `explicit` (`--hub PATH`), else `$UPWARD_HUB`, else the user data dir's hub.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("UPWARD_HUB")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("upward")) / "hub.duckdb"


class NotAHubError(UpwardError):
    def __init__(self, where: Path, why: str = "is not an Upward hub"):
        super().__init__(
            f"{where} exists and {why}; Upward will not write to it.",
            hint="Pass another --hub path (or UPWARD_HUB). The hub is separate from the atlas (--db).",
        )


def create_schema(con) -> None:
    for ddl in TABLES.values():
        con.execute(ddl)
    for ddl in VIEWS.values():
        con.execute(ddl)
    con.execute("insert into hub_meta values ('schema_version', ?), ('kind', 'upward-hub')", [SCHEMA_VERSION])


def _check_is_hub(con, where: Path) -> None:
    import duckdb

    try:
        meta = dict(con.execute("select key, value from hub_meta").fetchall())
    except duckdb.Error as exc:
        raise NotAHubError(where) from exc
    if meta.get("kind") != "upward-hub":
        raise NotAHubError(where)
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise NotAHubError(where, f"has hub schema version {meta.get('schema_version')!r}, not {SCHEMA_VERSION!r}")


def _connect(where: Path, read_only: bool):
    import duckdb

    if where.is_dir():
        raise UpwardError(f"{where} is a folder; --hub needs a file path such as {where / 'hub.duckdb'}.")
    try:
        return duckdb.connect(str(where), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise UpwardError(
                f"The hub at {where} is in use by another program.",
                hint="Wait for the other Upward command to finish, then try again.",
            ) from exc
        raise NotAHubError(where) from exc
    except duckdb.Error as exc:
        raise NotAHubError(where) from exc


@contextmanager
def open_hub(hub_path: Path | str | None, *, write: bool):
    """Yield a connection to the hub, creating it (when writing) on first use.

    Reading a hub that does not exist yet yields an in-memory empty hub, so a read never creates
    a file. An existing file that is not a hub is refused, never touched.
    """
    import duckdb

    where = path(hub_path)
    if not where.exists():
        if write:
            where.parent.mkdir(parents=True, exist_ok=True)
            con = _connect(where, read_only=False)
        else:
            con = duckdb.connect()
        try:
            create_schema(con)
            yield con
        finally:
            con.close()
        return
    con = _connect(where, read_only=not write)
    try:
        _check_is_hub(con, where)
        yield con
    finally:
        con.close()
