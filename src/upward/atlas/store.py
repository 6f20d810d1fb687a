"""Releases a user loads (`upward atlas add FILE…`), kept beside the atlas so that a rebuilt atlas keeps them.

An addition is what one `atlas add` read from BLS's files for one release: the rows it put into
the release tables (`releases.TABLES`) as parquet files, and a `release.json` record (source,
release, period, publication date if given, each input file's name and sha256, when it was
added). Additions live in a `releases/` folder next to the atlas file. The atlas is derived from
the bundle *and* this folder: its fingerprint includes the folder's digest, so an atlas that
misses an addition (or has one the folder no longer holds) is rebuilt, and a new version of
Upward rebuilds the atlas with the user's releases in it.

**Adding** reads and checks every file first (nothing is written if one is wrong), writes the
addition to a hidden temporary folder and renames it into place (all or nothing), then applies it
to the atlas: in place, in one DuckDB transaction, when the current releases stay the same (a
previous release, or more areas of one); by rebuilding the atlas when the new release becomes
the current one. If applying fails the addition is deleted again, so the atlas and the folder
stay as they were.

**Removing** takes every addition of a release away again (a bundled release cannot be removed:
it is part of Upward). Adding then removing a release gives back an atlas with the same content,
table for table.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager, suppress
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from upward.atlas import releases as rel
from upward.errors import SourceFormatError, UpwardError
from upward.files import sha256

RECORD = "release.json"
_KEYS = {
    "oews_areas_by_release": ["area_code"],
    "oews_occupations_by_release": ["occ_code"],
    "oews_footnotes_by_release": ["footnote_code"],
    "oews_wages_by_release": ["area_code", "occ_code"],
    "projections_by_release": ["soc_code"],
}


def folder(atlas_path: Path | str) -> Path:
    """Where an atlas's added releases live: `releases/` next to it (shared by atlases in one folder)."""
    return Path(atlas_path).parent / "releases"


def additions(where: Path) -> list[Path]:
    """The addition folders, oldest first (hidden folders are additions being written or removed)."""
    if not where.is_dir():
        return []
    found = [p for p in where.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / RECORD).is_file()]
    return sorted(found, key=lambda p: (json.loads((p / RECORD).read_text(encoding="utf-8"))["added_at"], p.name))


def digest(where: Path) -> str:
    """Identifies the folder's additions: '' when there are none (the atlas is then the bundle's own)."""
    found = additions(where)
    if not found:
        return ""
    h = hashlib.sha256()
    for p in found:
        h.update(p.name.encode())
        h.update((p / RECORD).read_bytes())
    return h.hexdigest()[:16]


def _record(p: Path) -> dict:
    return json.loads((p / RECORD).read_text(encoding="utf-8"))


def load(con, where: Path, progress: Callable[[str], None] | None = None) -> str:
    """Put every addition into a freshly loaded atlas (build time); returns the folder's digest."""
    for p in additions(where):
        if progress:
            progress(f"added release {p.name}")
        _apply(con, p, _record(p))
    return digest(where)


def _apply(con, p: Path, record: dict) -> None:
    for table in record["tables"]:
        con.execute(f"insert into {table} by name select * from read_parquet(?)", [str(p / f"{table}.parquet")])
    _merge_record(con, record)


def _merge_record(con, record: dict) -> None:
    """One `releases` row per release: a new one, or the added files appended to a held one."""
    files = [{"name": f["name"], "sha256": f["sha256"], "origin": "added", "added_at": record["added_at"]} for f in record["files"]]
    row = con.execute("select files, origin from releases where source = ? and release = ?", [record["source"], record["release"]]).fetchone()
    if row is None:
        con.execute(
            "insert into releases by name select ? as source, ? as release, ? as period, ? as base_year, ? as projected_year, "
            "? as published, ? as announced_in, ? as obtained_from, 'added' as origin, ? as files, ? as added_at",
            [record["source"], record["release"], record["period"], record["base_year"], record["projected_year"],
             record["published"], record["announced_in"], record["obtained_from"], json.dumps(files), record["added_at"]],
        )
    else:
        origin = row[1] if row[1].endswith("added") else f"{row[1]} + added"
        con.execute("update releases set files = ?, origin = ? where source = ? and release = ?",
                    [json.dumps(json.loads(row[0]) + files), origin, record["source"], record["release"]])


# --- reading what a user brings --------------------------------------------------------------


@dataclass
class Reading:
    """What the files given to one `atlas add` hold for one release."""

    source: str
    release: str
    period: str
    base_year: int
    projected_year: int | None
    tables: dict[str, pd.DataFrame]
    files: list[dict] = field(default_factory=list)


def read_file(path: Path, state_fips: dict[str, str]) -> Reading:
    """One official file: BLS's projections `occupation.xlsx`, an OEWS download workbook, or an OEWS SQLite release."""
    from upward.bundle.build import with_release

    path = Path(path)
    if not path.is_file():
        raise SourceFormatError(path, "file not found")
    name = path.name.lower()
    if name.endswith((".sqlite", ".sqlite.gz", ".db", ".db.gz")):
        from upward.sources.oews import OewsRelease

        r = OewsRelease(path)
        year = r.meta()["data_year"]
        parts = {"oews_areas_by_release": r.areas(), "oews_occupations_by_release": r.occupations(),
                 "oews_footnotes_by_release": r.footnotes(), "oews_wages_by_release": r.cross_industry()}
        reading = Reading(rel.OEWS, year, f"May {year}", int(year), None, {})
    elif name.endswith(".xlsx"):
        from upward.sources._checks import sheet_names

        if "Table 1.2" in sheet_names(path):
            from upward.sources.projections import read_projections

            got = read_projections(path)
            p = got.period
            parts = {"projections_by_release": got.table}
            reading = Reading(rel.PROJECTIONS, p.release, p.label, p.base_year, p.projected_year, {})
        else:
            from upward.sources.oews_workbook import read_workbook

            est = read_workbook(path, state_fips)
            parts = {"oews_areas_by_release": est.areas, "oews_occupations_by_release": est.occupations,
                     "oews_footnotes_by_release": est.footnotes, "oews_wages_by_release": est.wages}
            reading = Reading(rel.OEWS, str(est.year), est.period, est.year, None, {})
    else:
        raise SourceFormatError(
            path, "not a file Upward reads as a data release: give BLS's .xlsx workbook (save an .xls one as .xlsx) "
            "or an OEWS SQLite release (.sqlite.gz)",
        )
    reading.tables = {t: with_release(df, reading.release) for t, df in parts.items()}
    reading.files = [{"name": path.name, "sha256": sha256(path)}]
    return reading


def _combine(readings: list[Reading], names: list[str]) -> Reading:
    """Files of one release (BLS's national, state, MSA and BOS workbooks) as one addition; they must not overlap."""
    first = readings[0]
    out = Reading(first.source, first.release, first.period, first.base_year, first.projected_year, {}, [])
    for table in first.tables:
        frames = [r.tables[table] for r in readings]
        key = _KEYS[table]
        both = pd.concat(frames, ignore_index=True)
        if table in ("oews_areas_by_release", "oews_wages_by_release", "projections_by_release"):
            dup = both.duplicated(key, keep=False)
            if dup.any():
                k = tuple(both.loc[dup, key].iloc[0])
                owners = [n for n, f in zip(names, frames) if (f[key].apply(tuple, axis=1) == k).any()]
                raise UpwardError(
                    f"{' and '.join(owners)} both hold {' × '.join(k)} of {first.period}.",
                    hint="Give each area once: BLS's national, state, MSA and BOS workbooks together, or the all-data workbook alone.",
                )
        else:
            both = both.drop_duplicates()
            dup = both.duplicated(key, keep=False)
            if dup.any():
                k = both.loc[dup, key[0]].iloc[0]
                raise UpwardError(f"The files disagree about {k} in {first.period}: " + "; ".join(
                    repr(tuple(r)) for r in both.loc[both[key[0]] == k].drop(columns="release").itertuples(index=False)))
        out.tables[table] = both.sort_values(key).reset_index(drop=True)
    out.files = [f for r in readings for f in r.files]
    return out


def _new_rows(con, reading: Reading) -> dict[str, pd.DataFrame]:
    """The rows of an addition the atlas does not hold yet; a clash with what it holds fails."""
    held = {h.release: h for h in rel.held(con, reading.source)}
    if reading.source == rel.PROJECTIONS and reading.release in held:
        h = held[reading.release]
        raise UpwardError(
            f"The atlas already holds {h.name} ({'shipped with Upward' if h.origin == 'bundle' else 'added ' + str(h.added_at)}).",
            hint=f"To load it again from this file, first: upward atlas remove {h.release} --source projections",
        )
    out = {}
    for table, df in reading.tables.items():
        key = _KEYS[table]
        have = con.execute(f"select * exclude (release) from {table} where release = ?", [reading.release]).df()
        if have.empty:
            out[table] = df
            continue
        merged = df.merge(have[key].assign(_held=True), on=key, how="left")
        held_rows = merged._held.eq(True).to_numpy()
        if table == "oews_areas_by_release" and held_rows.any():
            codes = [f"{c} {n}" for c, n in zip(df.area_code[held_rows], df.area_name[held_rows])]
            h = held[reading.release]
            raise UpwardError(
                f"The atlas already holds {h.name} for {len(codes)} of these areas: {', '.join(codes[:5])}{' …' if len(codes) > 5 else ''}.",
                hint="Add only areas it lacks (`upward atlas info` lists what each release covers), "
                f"or first: upward atlas remove {h.release}",
            )
        # A footnote the release already has keeps its text (BLS words it the same in every file of a
        # release, give or take spacing); an occupation must keep its title, or the files are of another release.
        if table == "oews_occupations_by_release" and held_rows.any():
            cols = [c for c in df.columns if c != "release"]
            same = df[held_rows][cols].merge(have[cols], how="left", indicator=True)
            if (same._merge != "both").any():
                row = same[same._merge != "both"].iloc[0]
                raise UpwardError(
                    f"{row[key[0]]} of {reading.period} reads differently in these files and in the atlas: {tuple(row[cols])}.",
                    hint="The files may be of another release than they say; check them against BLS's.",
                )
        out[table] = df[~held_rows].reset_index(drop=True)
    return out


def read(con, files: list[Path], progress: Callable[[str], None] | None = None) -> list[Reading]:
    """Every file read and checked, grouped by release, with only the rows the atlas lacks."""
    state_fips = dict(con.execute("select state_abbr, state_code from states where state_abbr is not null").fetchall())
    readings, names = [], []
    for f in files:
        if progress:
            progress(f"reading {Path(f).name}")
        readings.append(read_file(Path(f), state_fips))
        names.append(Path(f).name)
    groups: dict[tuple[str, str], list[int]] = {}
    for i, r in enumerate(readings):
        groups.setdefault((r.source, r.release), []).append(i)
    out = []
    for idx in groups.values():
        combined = _combine([readings[i] for i in idx], [names[i] for i in idx])
        combined.tables = _new_rows(con, combined)
        out.append(combined)
    return out


# --- adding and removing ----------------------------------------------------------------------


@dataclass
class Change:
    """What `add` or `remove` did, for the CLI to print and for `--json`."""

    action: str
    releases: list[dict]
    rebuilt: bool
    current: dict[str, str]
    seconds: float
    atlas: str
    note: str | None = None

    def as_dict(self) -> dict:
        return {"action": self.action, "releases": self.releases, "rebuilt": self.rebuilt, "current": self.current,
                "seconds": round(self.seconds, 2), "atlas": self.atlas, "note": self.note}


def _write_addition(where: Path, reading: Reading, published: str | None, announced_in: str | None) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    tmp = Path(tempfile.mkdtemp(prefix=".adding-", dir=where))
    try:
        for table, df in reading.tables.items():
            from upward.bundle.build import to_arrow
            import pyarrow.parquet as pq

            pq.write_table(to_arrow(df), tmp / f"{table}.parquet")
        record = {
            "source": reading.source, "release": reading.release, "period": reading.period,
            "base_year": reading.base_year, "projected_year": reading.projected_year,
            "published": published, "announced_in": announced_in if published else None,
            "obtained_from": "loaded by the user with `upward atlas add`", "files": reading.files,
            "added_at": stamp, "tables": list(reading.tables),
            "rows": {t: len(df) for t, df in reading.tables.items()},
        }
        (tmp / RECORD).write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        final = where / f"{reading.source}-{reading.release}-{stamp.replace(':', '').replace('.', '')}"
        os.replace(tmp, final)
        return final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _open_for_writing(path: Path):
    import duckdb

    try:
        return duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise UpwardError(
            f"Cannot write to the atlas at {path}: {exc}",
            hint="Another Upward process (a running `upward serve`?) has it open: stop it, then try again.",
        ) from exc


@contextmanager
def _transaction(path: Path):
    """A write connection inside one transaction: committed, checkpointed and closed when the block
    ends, rolled back when it raises (the atlas is left as it was)."""
    w = _open_for_writing(path)
    try:
        w.execute("begin transaction")
        yield w
        w.execute("commit")
        w.execute("checkpoint")
    except BaseException:
        import duckdb

        with suppress(duckdb.Error):  # the transaction may already be gone
            w.execute("rollback")
        raise
    finally:
        w.close()


def _would_be_current(con, readings: list[Reading]) -> bool:
    """Whether these rows are (or make) a source's current release: the atlas's current tables change, so it is rebuilt."""
    for r in readings:
        current = rel.in_use(con, r.source)
        if r.release == current.release:
            return True
        if r.base_year < current.base_year:
            continue
        if r.source == rel.PROJECTIONS:
            return True
        areas = r.tables.get("oews_areas_by_release")
        have = con.execute("select area_code, area_type from oews_areas_by_release where release = ?", [r.release]).df()
        allareas = pd.concat([have, areas[["area_code", "area_type"]]], ignore_index=True) if areas is not None else have
        states = (allareas.area_type == "state").sum()
        metros = ((allareas.area_type == "metro_or_nonmetro") & allareas.area_code.str.startswith("00")).sum()
        nonmetros = ((allareas.area_type == "metro_or_nonmetro") & ~allareas.area_code.str.startswith("00")).sum()
        if (allareas.area_type == "national").any() and states >= rel.MIN_STATES and metros and nonmetros:
            return True
    return False


def _refresh(con, atlas_path: Path) -> None:
    """Re-derive the release records and the meta after rows were added or removed in place."""
    import upward.atlas

    con.execute(rel.COVERAGE_SQL)
    con.execute(rel.CURRENT_SQL)
    added = digest(folder(atlas_path))
    current = dict(con.execute("select key, release from sources").fetchall())
    for key, value in (("atlas_fingerprint", upward.atlas.fingerprint(added)), ("added_releases", added),
                       ("releases", json.dumps(current, ensure_ascii=False))):
        con.execute("update meta set value = ? where key = ?", [value, key])


def _summary(r: Reading | dict, rows: dict[str, int]) -> dict:
    get = (lambda k: r[k]) if isinstance(r, dict) else (lambda k: getattr(r, k))
    return {"source": get("source"), "release": get("release"), "period": get("period"),
            "files": get("files"), "rows": rows}


def add(atlas_path: Path, files: list[Path], published: str | None = None, announced_in: str | None = None,
        progress: Callable[[str], None] | None = None) -> Change:
    """Load official files into the atlas as releases (see the module doc). Changes nothing on any error."""
    from upward import atlas
    from upward.atlas.build import build

    t0 = time.perf_counter()
    atlas_path = Path(atlas_path)
    if published is not None:
        try:
            datetime.strptime(published, "%Y-%m-%d")
        except ValueError:
            raise UpwardError(f"--published {published!r} is not a date like 2027-04-01.") from None
    con = atlas.connect(atlas_path, progress)
    try:
        readings = read(con, files, progress)
        empty = [r for r in readings if not any(len(df) for df in r.tables.values())]
        if empty:
            r = empty[0]
            raise UpwardError(f"The atlas already holds everything these files hold for {r.period}.")
        rebuild = _would_be_current(con, readings)
    finally:
        con.close()
    where = folder(atlas_path)
    written: list[Path] = []
    try:
        for r in readings:
            if progress:
                progress(f"storing {rel.SOURCE_NAMES[r.source]} {r.period}")
            written.append(_write_addition(where, r, published, announced_in))
        if rebuild:
            build(atlas_path, progress=progress)
        else:
            with _transaction(atlas_path) as w:
                for p in written:
                    _apply(w, p, _record(p))
                _refresh(w, atlas_path)
    except BaseException:
        for p in written:
            shutil.rmtree(p, ignore_errors=True)
        raise
    con = atlas.connect(atlas_path)
    try:
        current = {h.source: h.release for h in rel.held(con) if h.current}
    finally:
        con.close()
    return Change("add", [_summary(r, {t: len(df) for t, df in r.tables.items()}) for r in readings], rebuild, current,
                  time.perf_counter() - t0, str(atlas_path))


def remove(atlas_path: Path, text: str, source: str | None = None, progress: Callable[[str], None] | None = None) -> Change:
    """Take every addition of one release out of the atlas again (bundled releases stay)."""
    from upward import atlas
    from upward.atlas.build import build

    t0 = time.perf_counter()
    atlas_path = Path(atlas_path)
    con = atlas.connect(atlas_path, progress)
    try:
        h = rel.resolve(con, text, source)
        was_current = h.current
    finally:
        con.close()
    where = folder(atlas_path)
    mine = [p for p in additions(where) if (_record(p)["source"], _record(p)["release"]) == (h.source, h.release)]
    if not mine:
        raise UpwardError(
            f"{h.name} ships with Upward (it is part of the bundle) and cannot be removed.",
            hint="Only releases loaded with `upward atlas add` can be removed; `upward atlas info` lists them.",
        )
    records = [_record(p) for p in mine]
    moved = []
    try:
        for p in mine:
            hidden = p.with_name(f".removing-{p.name}")
            os.replace(p, hidden)
            moved.append((p, hidden))
        rebuild = was_current
        if rebuild:
            build(atlas_path, progress=progress)
        else:
            with _transaction(atlas_path) as w:
                for (_, hidden), record in zip(moved, records):
                    for table in record["tables"]:
                        match = " and ".join(f"{table}.{k} = x.{k}" for k in _KEYS[table])
                        w.execute(
                            f"delete from {table} using read_parquet($file) x where {table}.release = $release and {match}",
                            {"file": str(hidden / f"{table}.parquet"), "release": h.release},
                        )
                left = w.execute(
                    "select count(*) from oews_areas_by_release where release = ?", [h.release]
                ).fetchone()[0] if h.source == rel.OEWS else 0
                row = w.execute("select files from releases where source = ? and release = ?", [h.source, h.release]).fetchone()
                kept = [f for f in json.loads(row[0]) if f.get("origin") != "added"]
                if kept or left:
                    w.execute("update releases set files = ?, origin = 'bundle' where source = ? and release = ?",
                              [json.dumps(kept), h.source, h.release])
                else:
                    w.execute("delete from releases where source = ? and release = ?", [h.source, h.release])
                _refresh(w, atlas_path)
    except BaseException:
        for p, hidden in moved:
            if hidden.exists():
                os.replace(hidden, p)
        raise
    for _, hidden in moved:
        shutil.rmtree(hidden, ignore_errors=True)
    con = atlas.connect(atlas_path)
    try:
        current = {x.source: x.release for x in rel.held(con) if x.current}
    finally:
        con.close()
    return Change("remove", [_summary(r, r.get("rows", {})) for r in records], rebuild, current, time.perf_counter() - t0, str(atlas_path))
