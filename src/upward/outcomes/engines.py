"""The two engines the outcome indicators run on, and the few primitives that differ between them.

Everything else (validation, indicators, suppression) is one set of ibis expressions. An engine
here only knows how to open a file as an ibis table (optionally with its 1-based row numbers, for
error reports), how to compute the keyed hash of an identifier inside the engine, and how to
start and stop.

- `duckdb` (default): an in-memory DuckDB database; CSV and Parquet are scanned where they lie,
  never loaded into Python.
- `spark`: PySpark through ibis' pyspark backend; local mode (`local[2]`) unless a
  `--spark-master` URL names a cluster.

An input can also be a table in a database: `duckdb:///path/file.duckdb?table=NAME` (DuckDB engine:
the file is attached read-only and the table scanned where it lies), or any URL `ibis.connect`
understands with `?table=NAME` (e.g. `sqlite:///file.db?table=wages`, `postgres://user@host/db?table=wages`),
whose table is copied into the engine once through Arrow. Row numbers in error reports are then
the table's row order as read (DuckDB: its `rowid` order).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import glob
import os
import re
import urllib.parse
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt

from upward.errors import UpwardError

def pads(key: bytes) -> tuple[str, str]:
    """HMAC's inner and outer padded keys (RFC 2104), hex: K ⊕ ipad and K ⊕ opad, K padded to 64 bytes."""
    import hashlib

    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    k = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in k).hex(), bytes(b ^ 0x5C for b in k).hex()


@dataclass(frozen=True)
class DbInput:
    """A table in a database: `SCHEME://…?table=NAME`."""

    spec: str
    scheme: str
    url: str  # the connection URL without `table=`
    table: str
    path: str | None  # duckdb://: the database file

    @property
    def label(self) -> str:
        """For messages and the run record: the URL without any password, with the table."""
        parts = urllib.parse.urlsplit(self.url)
        netloc = parts.netloc
        if "@" in netloc:
            user, host = netloc.rsplit("@", 1)
            netloc = user.split(":", 1)[0] + "@" + host
        return f"{parts.scheme}://{netloc}{parts.path}?table={self.table}"


def db_input(spec) -> DbInput | None:
    """`duckdb:///data/ui.duckdb?table=wages` → DbInput; a file path → None."""
    s = str(spec)
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", s)
    if not m or len(m.group(1)) == 1:  # a Windows drive letter is not a scheme
        return None
    parts = urllib.parse.urlsplit(s)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    tables = [v for k, v in query if k == "table"]
    rest = urllib.parse.urlencode([(k, v) for k, v in query if k != "table"])
    url = f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{rest}" if rest else "")
    scheme = m.group(1).lower()
    path = None
    if scheme == "duckdb":
        path = urllib.parse.unquote(parts.netloc + parts.path)
    d = DbInput(s, scheme, url, tables[0] if tables else "", path)
    if not d.table or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?", d.table):
        raise UpwardError(f"{d.label}: name the table with ?table=NAME (letters, digits, _; optionally schema.NAME).",
                          hint="e.g. duckdb:///data/ui.duckdb?table=wages")
    if scheme == "duckdb" and not Path(path).is_file():
        raise UpwardError(f"No DuckDB database at {path}.", hint="Write duckdb:///absolute/path/file.duckdb?table=NAME (three slashes before an absolute path).")
    return d


def display_name(f: str) -> str:
    """How an input is named in messages: a file's name, or a table's label."""
    d = db_input(f)
    return d.label if d else Path(f).name


def _db_arrow(d: DbInput):
    """The whole table as Arrow, through ibis (the path for databases the engine cannot scan itself)."""
    con = ibis.connect(d.url, read_only=True) if d.scheme == "duckdb" else ibis.connect(d.url)
    try:
        schema, _, name = d.table.rpartition(".")
        t = con.table(name, database=schema) if schema else con.table(name)
        return t.to_pyarrow()
    finally:
        con.disconnect()


def _numbered_arrow(table, d: DbInput):
    import pyarrow as pa

    return table.append_column("_file", pa.array([f"table {d.table}"] * table.num_rows, pa.string())).append_column(
        "_row", pa.array(range(1, table.num_rows + 1), pa.int64()))


def files_of(path: str | Path) -> list[str]:
    """A file, a folder of Parquet/CSV parts (as `upward synth` writes), a glob, or a database table (one spec)."""
    if db_input(path) is not None:
        return [str(path)]
    p = Path(path)
    if p.is_dir():
        found = sorted(str(f) for f in p.iterdir() if f.suffix.lower() in (".parquet", ".csv"))
    elif any(ch in str(path) for ch in "*?["):
        found = sorted(glob.glob(str(path)))
    else:
        found = [str(p)] if p.is_file() else []
    if not found:
        raise UpwardError(f"No input file at {path}.", hint="Give a CSV or Parquet file, a folder of them, or a glob such as 'wages/*.parquet'.")
    kinds = {Path(f).suffix.lower() for f in found}
    if len(kinds) > 1 or not kinds <= {".csv", ".parquet"}:
        raise UpwardError(f"{path}: the input must be all CSV or all Parquet files (found {', '.join(sorted(kinds))}).")
    return found


def csv_header(f: str) -> list[str]:
    """A CSV file's column names, read by Python's csv module from its first record (UTF-8, BOM allowed)."""
    import csv as csv_module
    import io

    with open(f, "rb") as fh:
        head = fh.read(1 << 20)
    first = head.split(b"\n", 1)[0] if b"\n" in head else head
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UpwardError(f"{Path(f).name}, header row: not UTF-8 text (the file's byte {exc.start + 1:,}).",
                          hint="Save the file as UTF-8 (in Excel: Save As → 'CSV UTF-8 (Comma delimited)').") from None
    names = next(csv_module.reader(io.StringIO(text)), [])
    names = [n.strip() or f"column{i + 1}" for i, n in enumerate(names)]
    if not names:
        raise UpwardError(f"{Path(f).name}: no header row; the first line must name the columns.", hint="See docs/outcomes.md for the columns.")
    seen = set()
    for n in names:
        if n.lower() in seen:
            raise UpwardError(f"{Path(f).name}, header row, field '{n}': the column is named twice.", hint="Give each column one name.")
        seen.add(n.lower())
    return names


def csv_options(f: str) -> str:
    """DuckDB read_csv options for an input CSV: RFC 4180 dialect, every column text, named from the header."""
    cols = ", ".join("'" + n.replace("'", "''") + "': 'VARCHAR'" for n in csv_header(f))
    return f"header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', strict_mode = true, columns = {{{cols}}}"


class ReadError(UpwardError):
    """An input file the engine cannot read as CSV: names file, data row and field (422 in the API)."""

    status = 422


def read_error(exc: Exception) -> ReadError | None:
    """A DuckDB CSV reading error as a message naming file, data row and field, quoting no value; None if it is another error.

    DuckDB's own message quotes the offending line (identifiers included), so it is never shown.
    """
    import csv as csv_module
    import io

    msg = str(exc)
    line = re.search(r"CSV Error on Line: (\d+)", msg)
    where = re.search(r"^\s*file = (.+)$", msg, re.M)
    if not line or not where:
        return None
    path, n = where.group(1).strip(), int(line.group(1))
    name = Path(path).name
    cols = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", msg)
    if cols:
        want, got = int(cols.group(1)), int(cols.group(2))
        return ReadError(
            f"{name}, row {n - 1:,}: the row has {got} cells but the header names {want} columns. Nothing was written.",
            hint="Row = data row, header not counted. A cell holding a comma must be quoted (\"a, b\"); a missing or extra "
            "separator shifts every cell after it. Fix the row, or set it aside by deleting it.",
        )
    if "Invalid unicode" in msg:
        field_ = None
        try:  # which column: the cells before the first byte that is not UTF-8 on that line
            with open(path, "rb") as fh:
                header = fh.readline()
                for _ in range(n - 2):
                    fh.readline()
                raw = fh.readline()
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as bad:
                before = raw[: bad.start].decode("utf-8", errors="replace")
                cells = next(csv_module.reader(io.StringIO(before)), [""])
                names = next(csv_module.reader(io.StringIO(header.decode("utf-8-sig", errors="replace"))), [])
                field_ = names[len(cells) - 1].strip() if 0 < len(cells) <= len(names) else None
        except OSError:
            pass
        return ReadError(
            f"{name}, row {n - 1:,}" + (f", field '{field_}'" if field_ else "") + ": not UTF-8 text; the file looks saved in another "
            "encoding. Nothing was written.",
            hint="Row = data row, header not counted. Save the file as UTF-8 (in Excel: Save As → 'CSV UTF-8 (Comma delimited)'; "
            "from a database export, choose UTF-8).",
        )
    return None


def _sql_list(files: list[str]) -> str:
    return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"


@dataclass
class Engine(ABC):
    """Base: an ibis backend plus the primitives each engine implements its own way."""

    name: str
    con: object
    _views: list[str] = field(default_factory=list)

    @abstractmethod
    def source(self, files: list[str], numbered: bool = False) -> ibis.Table:
        """The files as one table read where they lie (with 1-based row numbers when `numbered`)."""

    @abstractmethod
    def hmac(self, value: ibis.StringValue, key: bytes) -> ibis.StringValue:
        """HMAC-SHA256 of each value under the key, computed inside the engine."""

    @abstractmethod
    def put(self, table, stem: str = "lookup") -> ibis.Table:
        """A small Arrow table into the engine (a temporary table or view), bound to this backend."""

    def materialize(self, expr: ibis.Table) -> ibis.Table:
        """Compute once and keep inside the engine; later expressions read the result, not its recipe."""
        return expr.cache()

    def close(self) -> None:
        """Release what the engine holds (the base holds nothing)."""

    def _name(self, stem: str) -> str:
        n = f"upward_{stem}_{uuid.uuid4().hex[:8]}"
        self._views.append(n)
        return n


@dataclass
class DuckDBEngine(Engine):
    threads: int | None = None
    memory_limit: str | None = None

    def source(self, files: list[str], numbered: bool = False) -> ibis.Table:
        """A view over the files. `numbered` adds `_file` and `_row` (1-based data row, header not counted)."""
        d = db_input(files[0])
        if d is not None:
            return self._db_source(d, numbered)
        csv = files[0].lower().endswith(".csv")
        lst = _sql_list(files)
        if csv:
            # One scan per file, each numbered by `row_number() over ()`, which DuckDB documents as keeping
            # a single table's row order (a window partitioned by file does not: it numbered rows of a
            # parallel scan in arrival order, differently on every run). The dialect is given, not sniffed,
            # so a row with a cell too many is an error naming it, not a file read as one column.
            scans = []
            for f in files:
                scan = f"read_csv({_sql_list([f])[1:-1]}, {csv_options(f)})"
                quoted = f.replace("'", "''")
                scans.append(f"select *, '{quoted}' as _file, row_number() over () as _row from {scan}" if numbered else f"select * from {scan}")
            body = " union all by name ".join(f"({q})" for q in scans)
        else:
            if numbered:
                body = f"select * exclude (file_row_number), file_row_number + 1 as _row from read_parquet({lst}, filename = '_file', file_row_number = true, union_by_name = true)"
            else:
                body = f"select * from read_parquet({lst}, union_by_name = true)"
        name = self._name("src")
        self.con.raw_sql(f"create or replace temp view {name} as {body}")
        return self.con.table(name)

    def _db_source(self, d: DbInput, numbered: bool) -> ibis.Table:
        if d.scheme != "duckdb":
            t = _db_arrow(d)
            return self.put(_numbered_arrow(t, d) if numbered else t, "db")
        # attached read-only (once per file) and scanned where it lies
        attached = getattr(self, "_attached", None)
        if attached is None:
            attached = self._attached = {}
        if d.path not in attached:
            alias = f"upward_in_{uuid.uuid4().hex[:8]}"
            self.con.raw_sql(f"attach '{d.path.replace(chr(39), chr(39) * 2)}' as {alias} (read_only)")
            attached[d.path] = alias
        ref = attached[d.path] + "." + ".".join(f'"{x}"' for x in d.table.split("."))
        label = f"table {d.table}".replace("'", "''")
        body = f"select *, '{label}' as _file, rowid + 1 as _row from {ref}" if numbered else f"select * from {ref}"
        name = self._name("src")
        self.con.raw_sql(f"create or replace temp view {name} as {body}")
        return self.con.table(name)

    def put(self, table, stem: str = "lookup") -> ibis.Table:
        return self.con.create_table(self._name(stem), table, temp=True)

    def hmac(self, value: ibis.StringValue, key: bytes) -> ibis.StringValue:
        """HMAC-SHA256 in SQL: sha256(K⊕opad ‖ sha256(K⊕ipad ‖ m)), exact, vectorised by DuckDB.

        DuckDB has sha256 over BLOBs but no HMAC builtin; the construction is RFC 2104 itself, so
        the digests equal Python's `hmac.new(key, m, sha256).hexdigest()` (tested). The padded
        keys live only in a temporary macro of this in-memory database.
        """
        ipad, opad = pads(key)
        name = f"upward_hmac_{uuid.uuid4().hex[:8]}"
        self.con.raw_sql(
            f"create or replace temp macro {name}(x) as "
            f"sha256(unhex('{opad}') || unhex(sha256(unhex('{ipad}') || encode(x))))"
        )

        @ibis.udf.scalar.builtin(name=name)
        def keyed(x: dt.string) -> dt.string:  # the temporary macro above
            ...

        return keyed(value)


@dataclass
class SparkEngine(Engine):
    session: object = None
    own_session: bool = True
    tmpdir: str | None = None

    def source(self, files: list[str], numbered: bool = False) -> ibis.Table:
        s = self.session
        d = db_input(files[0])
        if d is not None:  # copied in through Arrow
            t = _db_arrow(d)
            return self.put(_numbered_arrow(t, d) if numbered else t, "db")
        csv = files[0].lower().endswith(".csv")
        if not numbered:
            df = s.read.csv(files, header=True, inferSchema=False) if csv else s.read.parquet(*files)
        else:
            # one file at a time so each row keeps its position in its own file (error path only)
            from pyspark.sql import functions as F

            parts = []
            for f in files:
                one = s.read.csv(f, header=True, inferSchema=False) if csv else s.read.parquet(f)
                cols = one.columns
                rdd = one.rdd.zipWithIndex().map(lambda r: tuple(r[0]) + (r[1] + 1,))
                numbered_df = s.createDataFrame(rdd, one.schema.add("_row", "long")).withColumn("_file", F.lit(f))
                parts.append(numbered_df.select(*cols, "_file", "_row"))
            df = parts[0]
            for p in parts[1:]:
                df = df.unionByName(p, allowMissingColumns=True)
        name = self._name("src")
        df.createOrReplaceTempView(name)
        return self.con.table(name)

    def put(self, table, stem: str = "lookup") -> ibis.Table:
        name = self._name(stem)
        self.session.createDataFrame(table.to_pandas()).createOrReplaceTempView(name)
        return self.con.table(name)

    def materialize(self, expr: ibis.Table) -> ibis.Table:
        """A local checkpoint: the data stays in the executors and the lineage is cut, so plans built on
        plans (the suppression rounds) do not grow with every step, as views over cached views would."""
        df = self.session.sql(self.con.compile(expr)).localCheckpoint(eager=True)
        name = self._name("m")
        df.createOrReplaceTempView(name)
        return self.con.table(name)

    def hmac(self, value: ibis.StringValue, key: bytes) -> ibis.StringValue:
        """The same RFC 2104 construction with Spark's sha2/unhex/concat over binary."""
        ipad, opad = pads(key)
        inner = sha2(concat(unhex(ibis.literal(ipad)), encode(value, ibis.literal("UTF-8"))), ibis.literal(256, type="int32"))
        return sha2(concat(unhex(ibis.literal(opad)), unhex(inner)), ibis.literal(256, type="int32"))

    def close(self) -> None:
        if self.own_session and self.session is not None:
            self.session.stop()
            self.session = None
        if self.tmpdir:
            import shutil

            shutil.rmtree(self.tmpdir, ignore_errors=True)


@ibis.udf.scalar.builtin
def sha2(x: dt.binary, bits: dt.int32) -> dt.string:  # Spark SQL sha2
    ...


@ibis.udf.scalar.builtin
def unhex(x: dt.string) -> dt.binary:  # Spark SQL unhex
    ...


@ibis.udf.scalar.builtin
def encode(x: dt.string, charset: dt.string) -> dt.binary:  # Spark SQL encode
    ...


@ibis.udf.scalar.builtin
def concat(a: dt.binary, b: dt.binary) -> dt.binary:  # Spark SQL concat of binaries
    ...


def connect(name: str = "duckdb", spark_master: str | None = None, threads: int | None = None, memory_limit: str | None = None) -> Engine:
    if name == "duckdb":
        con = ibis.duckdb.connect()
        if threads:
            con.raw_sql(f"set threads = {int(threads)}")
        # DuckDB spills to disk past this; 6 GB keeps a 10^8-record run inside an 8 GB machine budget
        con.raw_sql(f"set memory_limit = '{memory_limit or os.environ.get('UPWARD_DUCKDB_MEMORY', '6GB')}'")
        # the wage file is scanned as it lies; spill large joins to a temp folder rather than fail
        con.raw_sql(f"set temp_directory = '{tempfile.gettempdir()}/upward-duckdb-spill'")
        return DuckDBEngine("duckdb", con, threads=threads, memory_limit=memory_limit)
    if name == "spark":
        return _spark(spark_master)
    raise UpwardError(f"Unknown engine {name!r}.", hint="Use --engine duckdb (default) or --engine spark.")


def _spark(master: str | None) -> SparkEngine:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - pyspark is a declared dependency of the spark extra
        raise UpwardError("The Spark engine needs pyspark.", hint="Install it with: pip install 'upward[spark]'") from exc
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)
    tmp = tempfile.mkdtemp(prefix="upward-spark-")
    local = master is None or master.startswith("local")
    builder = (
        SparkSession.builder.appName("upward-outcomes")
        .master(master or "local[2]")
        .config("spark.sql.warehouse.dir", str(Path(tmp) / "warehouse"))
        .config("spark.local.dir", tmp)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={tmp}")
    )
    if local:
        builder = (
            builder.config("spark.sql.shuffle.partitions", "8")
            .config("spark.driver.memory", os.environ.get("UPWARD_SPARK_MEMORY", "4g"))
            .config("spark.driver.bindAddress", "127.0.0.1")
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    con = ibis.pyspark.connect(session)
    return SparkEngine("spark", con, session=session, own_session=True, tmpdir=tmp)
