"""The hub file: where it lives, its schema, and opening it safely (never another file by mistake)."""

from __future__ import annotations

import logging
import os
import secrets
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from upward.errors import UpwardError
from upward.files import clean_stale

SCHEMA_VERSION = "5"
#: Versions this code reads; an older one is upgraded in place by the next write (`upgrade`).
#: 1 → 2: programs.populations_served added. 2 → 3: benchmark_imports and benchmark_ratings
#: (employer ratings of skill benchmarks, upward.hub.ratings) added. 3 → 4: outcome_runs and
#: outcome_records (suppressed outcome indicators, upward.hub.runs) added. 4 → 5: program_title_codes
#: (job titles in inventories coded to SOC, upward.hub.coded_titles) and outcome_publications
#: (which runs the operator published, upward.outcomes.disclosure) added.
READABLE_VERSIONS = ("1", "2", "3", "4", "5")

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
            award_level varchar,              -- an IPEDS award-level code as its digits ('3'), else the text given
            credential varchar,
            hours double,
            weeks double,
            cost double,
            modality varchar,
            schedule varchar,
            target_socs varchar[],
            populations_served varchar[],
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
            horizon varchar                   -- when it was measured: 'q2', '1 year after completion' …
        )""",
    # Employer ratings of skill benchmarks (schema 3). Only ever appended: a later rating by the
    # same rater adds a row and supersedes the earlier one in the benchmark rule, never replaces it.
    "benchmark_imports": """
        create table benchmark_imports (
            import_id integer primary key,
            file varchar not null,
            sha256 varchar not null,
            who varchar not null,             -- the user who imported the sheet
            "at" timestamp not null,          -- UTC
            rows integer not null             -- ratings in the file (rows left blank are not counted)
        )""",
    "benchmark_ratings": """
        create table benchmark_ratings (
            import_id integer not null,
            file_row integer not null,        -- 1-based, the header is row 1
            area_code varchar not null,
            occ_code varchar not null,
            domain varchar not null,
            element_id varchar not null,
            element_name varchar not null,
            rating varchar not null check (rating in ('agree', 'raise', 'lower', 'add', 'remove')),
            proposed_level double,            -- O*NET level scale 0–7; blank for agree and remove
            onet_importance double,           -- O*NET's values when the rating was imported
            onet_level double,
            rater varchar not null,
            organisation varchar,
            comment varchar
        )""",
    # Outcome runs (schema 4): only the already-suppressed indicator records of a run and what it
    # was run on (inputs' names, sizes and sha256, engine, profile, exit window). Never a
    # participant row or identifier. Only ever appended.
    "outcome_runs": """
        create table outcome_runs (
            run_id integer primary key,
            who varchar not null,             -- who saved it (the user, or the API caller's name)
            "at" timestamp not null,          -- UTC, when it was saved
            started timestamp,                -- UTC, when the run started
            engine varchar not null,          -- duckdb | spark
            synthetic boolean not null,       -- every input written by `upward synth`
            exit_from varchar not null,       -- YYYYQn
            exit_to varchar not null,
            program_year integer,
            groupings varchar not null,       -- JSON: the breakdowns computed, e.g. [[], ["sex"]]
            min_cell integer not null,        -- cells under this many people were suppressed
            profile_name varchar not null,
            profile_hash varchar not null,
            bundle varchar,                   -- the atlas bundle the lookups came from
            inputs_sha256 varchar not null,   -- sha256 over the input files' sha256 (the same inputs, the same value)
            records integer not null,
            run varchar not null              -- JSON: the run record (no identifier, no file path)
        )""",
    "outcome_records": """
        create table outcome_records (
            run_id integer not null,
            seq integer not null,             -- the record's place in the run, from 1
            indicator varchar not null,
            grouping varchar not null,        -- '' overall, else the dimensions: 'sex' or 'sex,age_group'
            group_json varchar not null,      -- JSON object: dimension → value
            numerator bigint,
            denominator bigint,
            value double,
            suppressed boolean not null       -- numerator, denominator and value are then null
        )""",
    # Job titles given as target occupations in an inventory, coded to SOC (schema 5): what the
    # coder decided for each, with its confidence and candidates, appended with the import.
    "program_title_codes": """
        create table program_title_codes (
            import_id integer not null,
            program_id varchar not null,
            file_row integer,                 -- the row of the inventory file
            title varchar not null,           -- as the file wrote it
            soc varchar,                      -- the coder's best SOC 2018 code (null: not coded)
            soc_title varchar,
            confidence double not null,       -- 0-1 (docs/titles.md)
            candidates varchar not null,      -- JSON list of {soc, title, score}
            added boolean not null            -- whether its occupation was added to target_socs
        )""",
    # Publications (schema 5): a stored run is private until the operator publishes it; only a run of
    # one program year's exiters, one run per program year ever (upward.outcomes.disclosure).
    "outcome_publications": """
        create table outcome_publications (
            run_id integer not null,
            program_year integer not null,    -- the cohort: exiters from July 1 of this year to June 30 of the next
            rounding integer not null,        -- published counts rounded to a multiple of this (1: exact)
            published_at timestamp not null,  -- UTC
            published_by varchar not null,
            withdrawn_at timestamp,           -- UTC; the row stays: a cohort once published is never published from another run
            withdrawn_by varchar
        )""",
}

#: Tables each schema version added after version 1 (`upgrade` creates the missing ones).
ADDED_IN = {"3": ("benchmark_imports", "benchmark_ratings"), "4": ("outcome_runs", "outcome_records"), "5": ("program_title_codes", "outcome_publications")}

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


def _check_is_hub(con, where: Path) -> str:
    """The hub's schema version; refuses a file that is not a hub, or a hub newer than this code."""
    import duckdb

    try:
        meta = dict(con.execute("select key, value from hub_meta").fetchall())
    except duckdb.Error as exc:
        raise NotAHubError(where) from exc
    if meta.get("kind") != "upward-hub":
        raise NotAHubError(where)
    version = meta.get("schema_version")
    if version not in READABLE_VERSIONS:
        if str(version).isdigit() and int(version) > int(SCHEMA_VERSION):
            raise UpwardError(
                f"The hub at {where} has schema version {version}, made by a newer Upward; this one reads versions "
                f"up to {SCHEMA_VERSION}. Nothing was changed.",
                hint="Use this hub with the newer Upward that wrote it, or upgrade this one.",
            )
        raise NotAHubError(where, f"has hub schema version {version!r}, which this Upward does not know")
    return version


def has_table(con, name: str) -> bool:
    """Whether the hub has this table (a hub older than the table's version does not)."""
    return bool(con.execute("select count(*) from duckdb_tables() where table_name = ? and schema_name = 'main'", [name]).fetchone()[0])


def upgrade(con) -> bool:
    """Bring a version-1 to 4 hub to the current schema; True when it changed anything.

    The caller holds the transaction, so the upgrade commits with the write that needed it
    (a failed import leaves the hub at its old version). 1 → 2 adds programs.populations_served
    (blank for the programs imported before); 2 → 3 adds the benchmark rating tables (empty);
    3 → 4 the outcome run tables (empty); 4 → 5 the coded-titles and publications tables (empty). Every upgrade re-creates the views. Tables are created
    only when missing, so an upgrade never touches rows already there.
    """
    version = con.execute("select value from hub_meta where key = 'schema_version'").fetchone()[0]
    if version == SCHEMA_VERSION:
        return False
    if version == "1":
        con.execute("alter table programs add column populations_served varchar[]")
    for added, tables in ADDED_IN.items():
        if int(version) < int(added):
            for name in tables:
                if not has_table(con, name):
                    con.execute(TABLES[name])
    for name in VIEWS:
        con.execute(f"drop view if exists {name}")
    for ddl in VIEWS.values():
        con.execute(ddl)
    con.execute("update hub_meta set value = ? where key = 'schema_version'", [SCHEMA_VERSION])
    return True


class HubBusyError(UpwardError):
    """The hub is being written by another program for longer than a reader (or writer) waits: 503 in the API."""

    status = 503


#: How long a read waits for a write under way (the server then answers 503 with Retry-After),
#: and how long a write waits for reads and other writes to finish (`UPWARD_HUB_WAIT`, seconds).
READ_WAIT = 2.0
WRITE_WAIT = 60.0
log = logging.getLogger("upward.hub")


def _write_wait() -> float:
    raw = os.environ.get("UPWARD_HUB_WAIT")
    try:
        return max(0.0, float(raw)) if raw else WRITE_WAIT
    except ValueError:
        raise UpwardError(f"UPWARD_HUB_WAIT must be a number of seconds, not {raw!r}.") from None


def _intent_file(where: Path) -> Path:
    """Beside the hub: the file a writer locks while it waits for readers and writes (readers only test it)."""
    return where.with_name(f".{where.name}.writer")


def _lock_flags():
    try:
        import fcntl
    except ImportError:  # not POSIX: no cross-process intent; writers still retry
        return None
    return fcntl


@contextmanager
def _writer_intent(where: Path, deadline: float):
    """Announce a write: readers of other processes stop opening the hub until it is done, so a writer is
    never starved by a stream of short reads. Waits (bounded) for another writer's intent."""
    fcntl = _lock_flags()
    if fcntl is None:
        yield
        return
    fd = os.open(_intent_file(where), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        said = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _busy(where, write=True) from None
                if not said:
                    log.warning("Another program is writing the hub at %s; waiting up to %.0f s for it (UPWARD_HUB_WAIT).",
                                where, max(0.0, deadline - time.monotonic()))
                    said = True
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def _no_writer_pending(where: Path, deadline: float) -> None:
    """A reader waits (bounded) while a writer has announced itself."""
    fcntl = _lock_flags()
    intent = _intent_file(where)
    if fcntl is None or not intent.exists():
        return
    try:
        fd = os.open(intent, os.O_RDONLY)
    except OSError:
        return
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                fcntl.flock(fd, fcntl.LOCK_UN)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _busy(where, write=False) from None
                time.sleep(0.02)
    finally:
        os.close(fd)


def _busy(where: Path, write: bool) -> HubBusyError:
    if write:
        return HubBusyError(
            f"The hub at {where} stayed in use by another program for {_write_wait():.0f} s; nothing was written.",
            hint="Try again when the other Upward command or server request has finished, or raise UPWARD_HUB_WAIT (seconds).",
        )
    return HubBusyError(f"The hub at {where} is being written by another program.", hint="Try again in a moment.")


def _connect(where: Path, read_only: bool, deadline: float | None = None):
    """A connection to the hub file, retried until `deadline` while another program holds it (DuckDB
    lets one process write a file, or any number read it)."""
    import duckdb

    if where.is_dir():
        raise UpwardError(f"{where} is a folder; --hub needs a file path such as {where / 'hub.duckdb'}.")
    if deadline is None:
        deadline = time.monotonic() + (READ_WAIT if read_only else _write_wait())
    said = False
    while True:
        try:
            return duckdb.connect(str(where), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise NotAHubError(where) from exc
            if time.monotonic() >= deadline:
                raise _busy(where, write=not read_only) from exc
            if not read_only and not said:
                log.warning("The hub at %s is in use by another program; waiting up to %.0f s for it (UPWARD_HUB_WAIT).",
                            where, max(0.0, deadline - time.monotonic()))
                said = True
            time.sleep(0.05)
        except duckdb.Error as exc:
            raise NotAHubError(where) from exc


@contextmanager
def open_hub(hub_path: Path | str | None, *, write: bool):
    """Yield a connection to the hub, creating it (when writing) on first use.

    Reading a hub that does not exist yet yields an in-memory empty hub, so a read never creates
    a file. A new hub is built in a hidden file beside it and put in place only when the `with`
    block succeeds, so a failed first import leaves nothing behind (not even the folders made for
    it). An existing file that is not a hub is refused, never touched.

    Another program's use of the hub is waited for, bounded: a write announces itself (readers
    stop opening the hub) and waits up to UPWARD_HUB_WAIT seconds (default 60) for the reads and
    writes under way, saying so once on the log (stderr in the CLI); a read waits up to
    `READ_WAIT` (2 s) for a write under way. Past that, HubBusyError (503 with Retry-After in the API).
    Stale temporaries of an interrupted first import are removed first (`clean_stale`).
    """
    import duckdb

    where = path(hub_path)
    if where.parent.is_dir():
        clean_stale(where.parent, f".{where.name}.", (".new", ".new.wal"))
    if not where.exists():
        if not write:
            con = duckdb.connect()
            try:
                create_schema(con)
                yield con
            finally:
                con.close()
            return
        with _new_hub(where) as con:
            yield con
        return
    if write:
        deadline = time.monotonic() + _write_wait()
        with _writer_intent(where, deadline), _checked(_connect(where, read_only=False, deadline=deadline), where) as con:
            yield con
        return
    deadline = time.monotonic() + READ_WAIT
    _no_writer_pending(where, deadline)
    with _checked(_connect(where, read_only=True, deadline=deadline), where) as con:
        yield con


@contextmanager
def _checked(con, where: Path):
    """An open connection to an existing file, used only once the file proves to be a hub; closed whatever happens."""
    try:
        _check_is_hub(con, where)
        yield con
    finally:
        con.close()


@contextmanager
def _new_hub(where: Path):
    made = [p for p in (where.parent, *where.parent.parents) if not p.exists()]
    where.parent.mkdir(parents=True, exist_ok=True)
    tmp = where.with_name(f".{where.name}.{os.getpid()}-{secrets.token_hex(4)}.new")
    wal = tmp.with_name(tmp.name + ".wal")

    def clean_up():
        for f in (tmp, wal):
            with suppress(FileNotFoundError):
                f.unlink()

    try:
        con = _connect(tmp, read_only=False)
        try:
            create_schema(con)
            yield con
            con.execute("checkpoint")  # everything into the one file before it is put in place
        finally:
            con.close()
        _publish(tmp, where)
    except BaseException:
        clean_up()
        for folder in made:  # innermost first; only the ones made here, and only when still empty
            with suppress(OSError):
                folder.rmdir()
        raise
    clean_up()


def _publish(tmp: Path, where: Path) -> None:
    """Put the new hub in place, never over a hub another program created meanwhile."""
    raced = UpwardError(
        f"Another program created the hub at {where} while this import ran; nothing was imported.",
        hint="Import the file again: it will be added to that hub.",
    )
    try:
        os.link(tmp, where)  # fails when `where` exists: no check-then-rename race
    except FileExistsError as exc:
        raise raced from exc
    except OSError:  # a file system without hard links
        if where.exists():
            raise raced from None
        os.replace(tmp, where)
