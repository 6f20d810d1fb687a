"""Outcomes: inputs from database tables (a DuckDB file made from the test fixtures) and the
`indicators=` subset option."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "outcomes"
KEY = "test-key-0123456789abcdef"
RULES = HERE / "min_cell_1.toml"


@pytest.fixture(autouse=True)
def hash_key(monkeypatch):
    monkeypatch.setenv("UPWARD_HASH_KEY", KEY)


def run(con, p, w, **kw):
    from upward.outcomes.run import run as run_

    kw.setdefault("profile", RULES)
    return run_(p, w, kw.pop("exit_from", "2023Q1"), kw.pop("exit_to", "2023Q1"), atlas_con=con, **kw)


@pytest.fixture
def dbfile(tmp_path):
    """The fixtures as tables of a DuckDB file, every column text as read from the CSV (row order kept)."""
    import duckdb

    path = tmp_path / "inputs.duckdb"
    with duckdb.connect(str(path)) as db:
        for name, csv in (("participants", "participants.csv"), ("wages", "wages.csv"), ("participants_bad", "participants_bad.csv")):
            db.execute(f"create table {name} as select * from read_csv('{HERE / csv}', header = true, all_varchar = true)")
        # typed columns, as a warehouse would hold them
        db.execute(f"""create table wages_typed as select person_id, quarter, employer_id, cast(wages as double) as wages, soc
                       from read_csv('{HERE / 'wages.csv'}', header = true, all_varchar = true)""")
    return path


def test_duckdb_tables_give_the_same_records_as_the_files(con, dbfile):
    files = run(con, HERE / "participants.csv", HERE / "wages.csv", by="sex", program_year=2022)
    for wages in ("wages", "wages_typed"):
        tables = run(con, f"duckdb://{dbfile}?table=participants", f"duckdb://{dbfile}?table={wages}", by="sex", program_year=2022)
        assert tables["records"] == files["records"]
    assert tables["run"]["inputs"]["participants"]["files"][0]["name"] == f"duckdb://{dbfile}?table=participants"
    assert tables["run"]["inputs"]["wages"]["rows"] == files["run"]["inputs"]["wages"]["rows"]
    assert tables["run"]["synthetic"] is False


def test_duckdb_table_bad_rows_name_table_and_row(con, dbfile):
    from upward.outcomes.load import InputError

    with pytest.raises(InputError) as e:
        run(con, f"duckdb://{dbfile}?table=participants_bad", f"duckdb://{dbfile}?table=wages")
    msg = str(e.value)
    assert "table participants_bad, row 4, field 'exit_date': exit before entry" in msg
    assert "table participants_bad, row 10, field 'area'" in msg
    assert "row order as read" in e.value.hint


def test_database_input_errors(con, dbfile, tmp_path):
    from upward.errors import UpwardError

    with pytest.raises(UpwardError, match="table=NAME"):
        run(con, f"duckdb://{dbfile}", HERE / "wages.csv")
    with pytest.raises(UpwardError, match="No DuckDB database"):
        run(con, f"duckdb://{tmp_path}/none.duckdb?table=x", HERE / "wages.csv")


def test_generic_ibis_url_is_copied_in(con, dbfile, monkeypatch):
    """Any other ibis URL goes through ibis.connect and Arrow; exercised here with the DuckDB file itself."""
    from upward.outcomes import engines

    files = run(con, HERE / "participants.csv", HERE / "wages.csv", by="sex")
    real = engines.db_input

    def as_generic(spec):
        d = real(spec)
        return None if d is None else engines.DbInput(d.spec, "duckdb-generic", d.url, d.table, d.path)

    monkeypatch.setattr(engines, "db_input", as_generic)
    # route through _db_arrow: ibis.connect on the duckdb URL
    tables = run(con, f"duckdb://{dbfile}?table=participants", f"duckdb://{dbfile}?table=wages", by="sex")
    assert tables["records"] == files["records"]


def test_indicator_subset_equals_the_full_run(con):
    from upward.outcomes.indicators import NAMES

    full = run(con, HERE / "participants.csv", HERE / "wages.csv", by="sex", program_year=2022)
    for names in (["employment_rate_q2", "employment_rate_q4", "median_earnings_q2"], ["quality_job_rate_q4", "msg_rate"],
                  ["economic_mobility_rate_1y"], ["earnings_gain_rate", "credential_rate", "employment_placement_rate", "initial_earnings_median"]):
        sub = run(con, HERE / "participants.csv", HERE / "wages.csv", by="sex", program_year=2022, indicators=names)
        assert sub["records"] == [r for r in full["records"] if r["indicator"] in names]
        assert sub["run"]["indicators"] == [n for n in NAMES if n in names]  # in the documented order
    by_occ = run(con, HERE / "participants.csv", HERE / "wages.csv", by="occupation_group", indicators="headline")
    full_occ = run(con, HERE / "participants.csv", HERE / "wages.csv", by="occupation_group")
    assert by_occ["records"] == [r for r in full_occ["records"] if r["indicator"] in ("employment_rate_q2", "employment_rate_q4", "median_earnings_q2")]


def test_indicator_subset_errors(con):
    from upward.errors import UpwardError

    with pytest.raises(UpwardError, match="unknown indicator 'nope'"):
        run(con, HERE / "participants.csv", HERE / "wages.csv", indicators="nope")
    with pytest.raises(UpwardError, match="msg_rate needs --program-year"):
        run(con, HERE / "participants.csv", HERE / "wages.csv", indicators=["msg_rate"])


def test_cli_database_tables_and_indicators(cli, dbfile):
    import json

    rc, stdout, stderr = cli("outcomes", "--participants", f"duckdb://{dbfile}?table=participants", "--wages", f"duckdb://{dbfile}?table=wages",
                             "--exit-from", "2023Q1", "--exit-to", "2023Q1", "--indicators", "headline", "--format", "json",
                             "--profile", str(RULES))
    assert rc == 0, stderr
    records = json.loads(stdout)
    assert {r["indicator"] for r in records} == {"employment_rate_q2", "employment_rate_q4", "median_earnings_q2"}
    q2 = next(r for r in records if r["indicator"] == "employment_rate_q2" and not r["group"])
    assert (q2["numerator"], q2["denominator"]) == (7, 12)  # as tests/test_outcomes.py computes by hand
