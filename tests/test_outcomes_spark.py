"""The same indicator expressions on Spark (local mode) give exactly DuckDB's numbers. Slow: starts a JVM."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
HERE = Path(__file__).resolve().parent / "outcomes"


@pytest.fixture(scope="module")
def synthetic(atlas_path, tmp_path_factory):
    import duckdb

    from upward.outcomes.synth import generate

    out = tmp_path_factory.mktemp("synth-spark") / "s"
    with duckdb.connect(str(atlas_path), read_only=True) as c:
        generate(c, out, 4000, 3000, seed=11)
    return out


def test_duckdb_and_spark_identical_on_synthetic(con, synthetic, monkeypatch):
    pytest.importorskip("pyspark")
    from upward.outcomes.run import run

    monkeypatch.delenv("UPWARD_HASH_KEY", raising=False)
    args = (synthetic / "participants.parquet", synthetic / "wages", "2022Q3", "2023Q2")
    kw = dict(atlas_con=con, program_year=2022, by="program,age_group")
    duck = run(*args, engine="duckdb", **kw)
    spark = run(*args, engine="spark", **kw)
    assert len(duck["records"]) > 100
    assert duck["records"] == spark["records"]
    assert spark["run"]["engine"] == "spark" and spark["run"]["spark_master"] == "local[2]"
    assert duck["run"]["cohort"] == spark["run"]["cohort"]


def test_spark_rules_and_validation(con, monkeypatch):
    pytest.importorskip("pyspark")
    from upward.outcomes.load import InputError
    from upward.outcomes.run import run

    monkeypatch.setenv("UPWARD_HASH_KEY", "test-key-0123456789abcdef")
    kw = dict(atlas_con=con, profile=HERE / "min_cell_1.toml", engine="spark")
    r = run(HERE / "participants.csv", HERE / "wages.csv", "2023Q1", "2023Q1", program_year=2022, **kw)
    cells = {x["indicator"]: x for x in r["records"] if not x["group"]}
    assert (cells["employment_rate_q2"]["numerator"], cells["employment_rate_q2"]["denominator"]) == (7, 12)
    assert cells["median_earnings_q2"]["value"] == 5000.0
    assert (cells["credential_rate"]["numerator"], cells["credential_rate"]["denominator"]) == (3, 6)
    assert (cells["msg_rate"]["numerator"], cells["msg_rate"]["denominator"]) == (3, 9)
    with pytest.raises(InputError) as e:
        run(HERE / "participants_bad.csv", HERE / "wages.csv", "2023Q1", "2023Q1", **kw)
    assert "participants_bad.csv, row 4, field 'exit_date': exit before entry" in str(e.value)
    assert "SECRET" not in str(e.value)


def test_spark_frameworks_identical(con, monkeypatch):
    """The E-W and AQCP indicators (mobility at 1 and 3 years, minimum economic return, credits, placement,
    initial earnings) and the PIRL disaggregates, record for record (tests/test_outcomes_frameworks.py)."""
    pytest.importorskip("pyspark")
    from upward.outcomes.run import run

    monkeypatch.setenv("UPWARD_HASH_KEY", "test-key-0123456789abcdef")
    args = (HERE / "frameworks_participants.csv", HERE / "frameworks_wages.csv", "2021Q1", "2021Q1")
    kw = dict(atlas_con=con, profile=HERE / "min_cell_1.toml", by="disability")
    duck = run(*args, engine="duckdb", **kw)
    spark = run(*args, engine="spark", **kw)
    assert {r["indicator"] for r in duck["records"]} >= {"economic_mobility_rate_3y", "minimum_economic_return_rate_3y", "credit_attainment_rate"}
    assert duck["records"] == spark["records"]
