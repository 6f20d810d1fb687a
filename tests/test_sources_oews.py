"""Tests of the OEWS reader: exact values from the official release, and clear failures on bad files."""

from __future__ import annotations

import gzip
import math
import random
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from upward.errors import SourceFormatError
from upward.sources.oews import MEASURES, OewsRelease

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
OEWS_GZ = DATA / "oews" / "oews-2025.sqlite.gz"
needs_data = pytest.mark.skipif(
    not OEWS_GZ.is_file(), reason=f"official OEWS file not found under {DATA} (the shared raw-data folder is absent)"
)

NAMES = [name for _, name in MEASURES]

# ---------------------------------------------------------------------------------------------
# small files written here: the same schema as the release, a handful of rows

SCHEMA = {
    "cell": ["key"] + [f"v{i:02d}" for i in range(1, 18)] + [f"f{i:02d}" for i in range(1, 18)],
    "area": ["area_code", "areatype_code", "state_code", "area_name"],
    "industry": ["industry_code", "industry_name", "display_level"],
    "occupation": ["occupation_code", "occupation_name", "display_level"],
    "datatype": ["datatype_code", "datatype_name"],
    "footnote": ["footnote_code", "footnote_text"],
    "meta": ["name", "value"],
}
DATATYPES = [
    ("01", "Employment"), ("02", "Employment percent relative standard error"), ("03", "Hourly mean wage"),
    ("04", "Annual mean wage"), ("05", "Wage percent relative standard error"), ("06", "Hourly 10th percentile wage"),
    ("07", "Hourly 25th percentile wage"), ("08", "Hourly median wage"), ("09", "Hourly 75th percentile wage"),
    ("10", "Hourly 90th percentile wage"), ("11", "Annual 10th percentile wage"), ("12", "Annual 25th percentile wage"),
    ("13", "Annual median wage"), ("14", "Annual 75th percentile wage"), ("15", "Annual 90th percentile wage"),
    ("16", "Employment per 1,000 jobs"), ("17", "Location Quotient"),
]
HOUSTON_RN = "OEUM0026420000000291141"
TOPCODED = "OEUM0010540000000291215"
STAFFING = "OEUN0000000622000291141"


def cell(key: str, values: list[str | None], notes: dict[int, str] | None = None) -> tuple:
    notes = notes or {}
    return (key, *values, *(notes.get(i) for i in range(1, 18)))


CELLS = [
    cell(HOUSTON_RN, ["65910", "1.7", "48.21", "100290", "0.4", "35.99", "39.37", "48.00", "55.77", "62.71",
                      "74860", "81890", "99830", "116000", "130440", "20.035", "0.92"]),
    cell(TOPCODED, ["50", "12.9"] + ["-"] * 2 + ["5.6"] + ["-"] * 10 + ["1.003", "1.45"],
         {i: "5" for i in (3, 4, *range(6, 16))}),
    cell("OEUN0000000000000000000", ["155495730", "0.0", "33.54", "69770", "0.1", "15.00", "18.07", "24.51", "38.71",
                                     "61.81", "31200", "37590", "50980", "80520", "128560", None, None]),
    cell(STAFFING, ["1804300", "0.5", "46.90", "97550", "0.3"] + ["1.00"] * 7 + ["98000"] + ["1.00"] * 2 + [None, None]),
    # a state cell for one industry: neither cross-industry nor part of the national staffing pattern
    cell("OEUS4800000622000291141", ["120000", "1.0", "45.00", "93600", "0.5"] + ["1.00"] * 10 + [None, None]),
]


def write_release(
    path: Path,
    *,
    cells: list[tuple] = CELLS,
    drop_table: str | None = None,
    drop_column: tuple[str, str] | None = None,
    datatypes: list[tuple[str, str]] = DATATYPES,
    gz: bool = True,
) -> Path:
    """A tiny OEWS release with the release's schema; `drop_*` leave out one table or column."""
    db = path.with_name(path.name + ".tmp")
    con = sqlite3.connect(db)
    rows = {
        "cell": cells,
        "area": [("0000000", "N", "00", "National"), ("0010540", "M", "41", "Albany, OR"),
                 ("0026420", "M", "48", "Houston-Pasadena-The Woodlands, TX")],
        "industry": [("000000", "Cross-Industry, Private, Federal, State, and Local", 0), ("622000", "Hospitals", 3)],
        "occupation": [("000000", "All Occupations", 0), ("291141", "Registered Nurses", 3),
                       ("291215", "Family Medicine Physicians", 3)],
        "datatype": datatypes,
        "footnote": [("4", "Wages for some occupations ..."), ("5", "This wage is equal to or greater than $115.00 per hour"),
                     ("8", "Estimate not released.")],
        "meta": [("data_year", "2025"), ("release", "May 2025"), ("release_code", "2025A01")],
    }
    for table, columns in SCHEMA.items():
        if table == drop_table:
            continue
        keep = [i for i, c in enumerate(columns) if (table, c) != drop_column]
        con.execute(f"create table {table} ({', '.join(f'{columns[i]} text' for i in keep)})")
        con.executemany(
            f"insert into {table} values ({', '.join('?' * len(keep))})", [tuple(r[i] for i in keep) for r in rows[table]]
        )
    con.commit()
    con.close()
    raw = db.read_bytes()
    db.unlink()
    path.write_bytes(gzip.compress(raw) if gz else raw)
    return path


def assert_names(err: SourceFormatError, file: Path, field: str, *words: str) -> None:
    assert Path(err.path) == file
    assert err.field == field
    message = str(err)
    assert message.startswith(f"{file.name}, field '{field}': ")
    for word in words:
        assert word in message


def test_tiny_release_reads_every_measure_and_footnote(tmp_path):
    rel = OewsRelease(write_release(tmp_path / "oews.sqlite.gz"))
    assert rel.meta() == {"data_year": "2025", "release": "May 2025", "release_code": "2025A01"}
    wages = rel.cross_industry()
    assert list(wages.columns) == ["area_code", "occ_code"] + [c for n in NAMES for c in (n, f"{n}_fn")]
    # in cell-key order: area type first (M before N), then area, occupation
    assert list(zip(wages.area_code, wages.occ_code)) == [("0010540", "29-1215"), ("0026420", "29-1141"), ("0000000", "00-0000")]
    w = wages.set_index(["area_code", "occ_code"])
    rn = w.loc[("0026420", "29-1141")]
    assert [rn[n] for n in NAMES] == [65910, 1.7, 48.21, 100290, 0.4, 35.99, 39.37, 48.0, 55.77, 62.71,
                                       74860, 81890, 99830, 116000, 130440, 20.035, 0.92]
    assert all(pd.isna(rn[f"{n}_fn"]) for n in NAMES)
    top = w.loc[("0010540", "29-1215")]
    assert math.isnan(top.a_median) and top.a_median_fn == "5"
    assert math.isnan(top.h_mean) and top.h_mean_fn == "5"
    assert top.tot_emp == 50 and pd.isna(top.tot_emp_fn) and top.loc_quotient == 1.45
    national = w.loc[("0000000", "00-0000")]
    assert national.tot_emp == 155495730 and math.isnan(national.jobs_1000) and pd.isna(national.jobs_1000_fn)
    staffing = rel.industry_staffing()
    assert list(staffing.columns) == ["industry_code", "occ_code", "tot_emp", "tot_emp_fn", "emp_prse", "a_median", "a_median_fn"]
    assert len(staffing) == 1
    row = staffing.iloc[0]
    assert [row.industry_code, row.occ_code, row.tot_emp, row.emp_prse, row.a_median] == ["622000", "29-1141", 1804300, 0.5, 98000]
    assert pd.isna(row.tot_emp_fn) and pd.isna(row.a_median_fn)


def test_uncompressed_file_is_read_too(tmp_path):
    rel = OewsRelease(write_release(tmp_path / "oews.sqlite", gz=False))
    assert len(rel.cross_industry()) == 3


# ---------------------------------------------------------------------------------------------
# rejections: each names the file and the field (and the cell)


def test_missing_file(tmp_path):
    with pytest.raises(SourceFormatError, match="file not found") as exc:
        OewsRelease(tmp_path / "absent.sqlite.gz")
    assert Path(exc.value.path) == tmp_path / "absent.sqlite.gz"


def test_not_a_gzip(tmp_path):
    path = tmp_path / "oews.sqlite.gz"
    path.write_text("area_code,occ_code\n0026420,29-1141\n")
    with pytest.raises(SourceFormatError) as exc:
        OewsRelease(path)
    assert Path(exc.value.path) == path
    assert str(exc.value).startswith("oews.sqlite.gz: not a readable gzip file")


def test_truncated_gzip(tmp_path):
    path = write_release(tmp_path / "oews.sqlite.gz")
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(SourceFormatError, match="not a readable gzip file"):
        OewsRelease(path)


def test_gzip_of_something_that_is_not_a_database(tmp_path):
    path = tmp_path / "oews.sqlite.gz"
    path.write_bytes(gzip.compress(b"this is not SQLite " * 500))
    with pytest.raises(SourceFormatError) as exc:
        OewsRelease(path)
    assert Path(exc.value.path) == path
    assert str(exc.value).startswith("oews.sqlite.gz: not an OEWS SQLite database")


@pytest.mark.parametrize("table", ["cell", "footnote", "datatype", "meta"])
def test_missing_table(tmp_path, table):
    path = write_release(tmp_path / "oews.sqlite.gz", drop_table=table)
    with pytest.raises(SourceFormatError) as exc:
        OewsRelease(path)
    assert_names(exc.value, path, table, "missing table")


@pytest.mark.parametrize(
    ("table", "column", "read"),
    [
        ("area", "area_name", lambda r: r.areas()),
        ("occupation", "display_level", lambda r: r.occupations()),
        ("industry", "industry_name", lambda r: r.industries()),
        ("footnote", "footnote_text", lambda r: r.footnotes()),
    ],
    ids=["area", "occupation", "industry", "footnote"],
)
def test_missing_column_in_a_code_table(tmp_path, table, column, read):
    path = write_release(tmp_path / "oews.sqlite.gz", drop_column=(table, column))
    with pytest.raises(SourceFormatError) as exc:
        read(OewsRelease(path))
    assert_names(exc.value, path, f"{table}.{column}", f"missing column in table '{table}'")


# Columns read by SQL directly are checked when the file is opened, not left to a raw sqlite error.
@pytest.mark.parametrize(
    ("table", "column", "read"),
    [
        ("cell", "v13", lambda r: r.cross_industry()),
        ("cell", "f05", lambda r: r.industry_staffing()),
        ("datatype", "datatype_name", lambda r: r),
        ("meta", "value", lambda r: r.meta()),
        ("footnote", "footnote_code", lambda r: r.cross_industry()),
    ],
    ids=["cell.v13", "cell.f05", "datatype.datatype_name", "meta.value", "footnote.footnote_code"],
)
def test_missing_column_in_a_table_read_directly(tmp_path, table, column, read):
    path = write_release(tmp_path / "oews.sqlite.gz", drop_column=(table, column))
    with pytest.raises(SourceFormatError) as exc:
        read(OewsRelease(path))
    assert Path(exc.value.path) == path
    assert exc.value.field is not None and column in exc.value.field


def test_missing_meta_entry(tmp_path):
    path = write_release(tmp_path / "oews.sqlite.gz")
    con = sqlite3.connect(":memory:")
    con.deserialize(gzip.decompress(path.read_bytes()))
    con.execute("delete from meta where name = 'release'")
    con.commit()
    path.write_bytes(gzip.compress(con.serialize()))
    with pytest.raises(SourceFormatError) as exc:
        OewsRelease(path).meta()
    assert_names(exc.value, path, "meta.release", "missing release metadata")


def test_wrong_datatype_name(tmp_path):
    renamed = [(c, "Annual mean wage" if c == "13" else n) for c, n in DATATYPES]
    path = write_release(tmp_path / "oews.sqlite.gz", datatypes=renamed)
    with pytest.raises(SourceFormatError) as exc:
        OewsRelease(path)
    assert_names(exc.value, path, "datatype", "data type 13", "annual median", "'annual mean wage'")


def test_missing_datatype_row(tmp_path):
    path = write_release(tmp_path / "oews.sqlite.gz", datatypes=[d for d in DATATYPES if d[0] != "17"])
    with pytest.raises(SourceFormatError) as exc:
        OewsRelease(path)
    assert_names(exc.value, path, "datatype", "data type 17", "found None")


@pytest.mark.parametrize(
    "key",
    [
        "OEUX0026420000000291141",  # unknown area type
        "OEUM002642000000029114",  # occupation one digit short
        "OEUM00264200000002911A1",  # letter in the occupation
    ],
)
def test_malformed_cell_key(tmp_path, key):
    bad = cell(key, list(CELLS[0][1:18]))
    path = write_release(tmp_path / "oews.sqlite.gz", cells=[*CELLS, bad])
    with pytest.raises(SourceFormatError) as exc:
        OewsRelease(path).cross_industry()
    assert_names(exc.value, path, "cell.key", "malformed cell key", repr(key))


@pytest.mark.parametrize(("measure", "value"), [("13", "abc"), ("03", ""), ("17", "1,2")])
def test_non_numeric_value(tmp_path, measure, value):
    values = list(CELLS[0][1:18])
    values[int(measure) - 1] = value
    path = write_release(tmp_path / "oews.sqlite.gz", cells=[cell(HOUSTON_RN, values), *CELLS[1:]])
    with pytest.raises(SourceFormatError) as exc:
        OewsRelease(path).cross_industry()
    name = NAMES[int(measure) - 1]
    assert_names(exc.value, path, f"cell.v{measure} ({name})", f"cell {HOUSTON_RN}", repr(value))


def test_non_numeric_value_in_the_staffing_pattern(tmp_path):
    values = list(CELLS[3][1:18])
    values[0] = "n/a"
    path = write_release(tmp_path / "oews.sqlite.gz", cells=[*CELLS[:3], cell(STAFFING, values), *CELLS[4:]])
    with pytest.raises(SourceFormatError) as exc:
        OewsRelease(path).industry_staffing()
    assert_names(exc.value, path, "cell.v01 (tot_emp)", f"cell {STAFFING}", "'n/a'")


def test_unknown_footnote_code(tmp_path):
    values = list(CELLS[1][1:18])
    path = write_release(tmp_path / "oews.sqlite.gz", cells=[*CELLS[:1], cell(TOPCODED, values, {4: "5", 13: "7"}), *CELLS[2:]])
    with pytest.raises(SourceFormatError) as exc:
        OewsRelease(path).cross_industry()
    assert_names(exc.value, path, "cell.f13", f"cell {TOPCODED}", "unknown footnote '7'")


# ---------------------------------------------------------------------------------------------
# the official release: counts and exact values (reading it takes about 8 s)


@pytest.fixture(scope="module")
def release():
    return OewsRelease(OEWS_GZ)


@pytest.fixture(scope="module")
def wages(release):
    return release.cross_industry().set_index(["area_code", "occ_code"])


@pytest.fixture(scope="module")
def staffing(release):
    return release.industry_staffing()


@pytest.fixture(scope="module")
def raw_db(tmp_path_factory):
    """The release decompressed to a plain SQLite file, queried directly to check the reader."""
    path = tmp_path_factory.mktemp("oews") / "oews-2025.sqlite"
    with gzip.open(OEWS_GZ, "rb") as src, open(path, "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
    con = sqlite3.connect(path)
    yield con
    con.close()


def measures(row: pd.Series) -> dict[str, float]:
    return {n: row[n] for n in NAMES}


@needs_data
@pytest.mark.slow
def test_real_national_and_houston_values(wages):
    us = wages.loc[("0000000", "00-0000")]
    assert us.tot_emp == 155_495_730 and us.a_median == 50_980
    assert us.h_median == 24.51 and us.a_mean == 69_770
    rn = wages.loc[("0026420", "29-1141")]
    assert rn.tot_emp == 65_910 and rn.a_median == 99_830 and rn.a_pct25 == 81_890
    assert rn.h_mean == 48.21 and rn.loc_quotient == 0.92
    assert all(pd.isna(rn[f"{n}_fn"]) for n in NAMES)
    tx = wages.loc[("4800000", "15-1252")]
    assert tx.tot_emp == 163_880 and tx.a_median == 132_150
    nw_al = wages.loc[("0100001", "29-1141")]
    assert nw_al.tot_emp == 1_330 and nw_al.a_median == 64_540


@needs_data
@pytest.mark.slow
def test_real_suppressed_cells_keep_their_footnotes(wages):
    top = wages.loc[("0010540", "29-1215")]  # Albany, OR family medicine physicians: top-coded
    annual = ["a_median", "a_pct10", "a_pct25", "a_pct75", "a_pct90", "a_mean"]
    assert all(math.isnan(top[n]) and top[f"{n}_fn"] == "5" for n in annual)
    assert top.tot_emp == 50 and pd.isna(top.tot_emp_fn) and top.loc_quotient == 1.45

    unreleased = wages.loc[("0100001", "11-9039")]  # employment not released
    assert math.isnan(unreleased.tot_emp) and unreleased.tot_emp_fn == "8"
    assert math.isnan(unreleased.loc_quotient) and unreleased.loc_quotient_fn == "8"
    assert unreleased.a_median == 97_180 and pd.isna(unreleased.a_median_fn)

    hourly_only = wages.loc[("0010580", "27-2031")]  # annual wages not published
    assert math.isnan(hourly_only.a_mean) and hourly_only.a_mean_fn == "4"
    assert hourly_only.h_mean == 21.88 and pd.isna(hourly_only.h_mean_fn)


@needs_data
@pytest.mark.slow
def test_real_code_tables_and_meta(release):
    areas = release.areas()
    assert len(areas) == 583 and areas.area_code.is_unique
    assert areas.area_type.value_counts().to_dict() == {"metro_or_nonmetro": 528, "state": 54, "national": 1}
    named = areas.set_index("area_code").area_name
    assert named["0000000"] == "National" and named["0010540"].startswith("Albany")
    occ = release.occupations()
    assert len(occ) == 1104 and occ.occ_code.is_unique
    assert occ.set_index("occ_code").loc["29-1141"].tolist() == ["Registered Nurses", 3]
    assert occ.set_index("occ_code").loc["00-0000"].tolist() == ["All Occupations", 0]
    assert release.footnotes().set_index("footnote_code").text["8"] == "Estimate not released."
    meta = release.meta()
    assert meta["release"] == "May 2025" and meta["release_code"] == "2025A01" and meta["data_year"] == "2025"


@needs_data
@pytest.mark.slow
def test_real_row_counts_match_the_raw_file(wages, staffing, raw_db):
    (cross,) = raw_db.execute("select count(*) from cell where substr(key, 12, 6) = '000000'").fetchone()
    (national_by_industry,) = raw_db.execute(
        "select count(*) from cell where key like 'OEUN%' and substr(key, 12, 6) <> '000000'"
    ).fetchone()
    assert cross == 236_799 and national_by_industry == 133_373  # the release itself, as BLS published it
    assert len(wages) == cross and wages.index.is_unique
    assert len(staffing) == national_by_industry
    assert not staffing.duplicated(["industry_code", "occ_code"]).any()
    assert set(wages.index.get_level_values("area_code")) == {r[0] for r in raw_db.execute("select area_code from area")}


def raw_rows(db: sqlite3.Connection, keys: list[str]) -> list[tuple]:
    cols = ", ".join(["key"] + SCHEMA["cell"][1:])
    return db.execute(f"select {cols} from cell where key in ({', '.join('?' * len(keys))})", keys).fetchall()


def assert_same(raw: str | None, note: str | None, value: float, fn: object, where: str) -> None:
    if raw is None or raw == "-":
        assert math.isnan(value), where
    else:
        assert value == float(raw), where
    if note is None:
        assert pd.isna(fn), where
    else:
        assert fn == note, where


@needs_data
@pytest.mark.slow
def test_real_sample_of_cells_matches_the_raw_file(wages, raw_db):
    keys = [k for (k,) in raw_db.execute("select key from cell where substr(key, 12, 6) = '000000' order by key")]
    dashed = [k for (k,) in raw_db.execute(
        "select key from cell where substr(key, 12, 6) = '000000' and '-' in "
        "(v01, v02, v03, v04, v05, v06, v07, v08, v09, v10, v11, v12, v13, v14, v15, v16, v17) order by key"
    )]
    rng = random.Random(20250515)
    sample = rng.sample(keys, 150) + rng.sample(dashed, 50)
    rows = raw_rows(raw_db, sample)
    assert len(rows) == 200
    missing_seen = 0
    for row in rows:
        key, values, notes = row[0], row[1:18], row[18:35]
        got = wages.loc[(key[4:11], f"{key[17:19]}-{key[19:23]}")]
        for name, raw, note in zip(NAMES, values, notes):
            assert_same(raw, note, got[name], got[f"{name}_fn"], f"{key} {name}")
            missing_seen += raw == "-"
    assert missing_seen >= 50


@needs_data
@pytest.mark.slow
def test_real_sample_of_staffing_cells_matches_the_raw_file(staffing, raw_db):
    keys = [k for (k,) in raw_db.execute(
        "select key from cell where key like 'OEUN%' and substr(key, 12, 6) <> '000000' order by key"
    )]
    rows = raw_rows(raw_db, random.Random(622).sample(keys, 100))
    by_cell = staffing.set_index(["industry_code", "occ_code"])
    for row in rows:
        key = row[0]
        got = by_cell.loc[(key[11:17], f"{key[17:19]}-{key[19:23]}")]
        assert_same(row[1], row[18], got.tot_emp, got.tot_emp_fn, f"{key} tot_emp")
        assert_same(row[13], row[30], got.a_median, got.a_median_fn, f"{key} a_median")
        raw_prse = row[2]
        assert (math.isnan(got.emp_prse) if raw_prse in (None, "-") else got.emp_prse == float(raw_prse)), key


@pytest.mark.parametrize("bad", ["inf", "-5", "1e3", " 12"])
def test_values_must_be_plain_non_negative_decimals(tmp_path, bad):
    path = write_release(tmp_path / "oews.sqlite.gz")
    con = sqlite3.connect(":memory:")
    con.deserialize(gzip.decompress(path.read_bytes()))
    key = con.execute("select key from cell where substr(key, 12, 6) = '000000' limit 1").fetchone()[0]
    con.execute("update cell set v13 = ? where key = ?", [bad, key])
    con.commit()
    path.write_bytes(gzip.compress(con.serialize()))
    with pytest.raises(SourceFormatError) as exc:
        OewsRelease(path).cross_industry()
    assert key in exc.value.reason and "v13" in exc.value.field


def test_short_cell_key_is_rejected_when_opened(tmp_path):
    path = write_release(tmp_path / "oews.sqlite.gz")
    con = sqlite3.connect(":memory:")
    con.deserialize(gzip.decompress(path.read_bytes()))
    con.execute("insert into cell (key) values ('OEUM001018000000000000')")  # 22 characters
    con.commit()
    path.write_bytes(gzip.compress(con.serialize()))
    with pytest.raises(SourceFormatError) as exc:
        OewsRelease(path)
    assert exc.value.field == "cell.key" and "OEUM001018000000000000" in exc.value.reason
