"""Outcomes input and output: strict validation, quarantine, keyed hashing, column mapping, suppression,
synthetic data and the CLI round trip."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "outcomes"
KEY = "test-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def hash_key(monkeypatch):
    monkeypatch.setenv("UPWARD_HASH_KEY", KEY)


def run(con, p, w, **kw):
    from upward.outcomes.run import run as run_

    return run_(p, w, kw.pop("exit_from", "2023Q1"), kw.pop("exit_to", "2023Q1"), atlas_con=con, **kw)


# --- validation --------------------------------------------------------------------------------------

def test_bad_participants_name_file_row_field_never_values(con):
    from upward.outcomes.load import InputError

    with pytest.raises(InputError) as e:
        run(con, HERE / "participants_bad.csv", HERE / "wages.csv")
    msg = str(e.value)
    for expected in (
        "participants_bad.csv, row 1, field 'person_id': duplicate participant",
        "participants_bad.csv, row 2, field 'person_id': duplicate participant",
        "row 3, field 'birth_date': not a date",
        "row 4, field 'exit_date': exit before entry",
        "row 5, field 'sex': unknown code",
        "row 6, field 'race_ethnicity': unknown code",
        "row 7, field 'training_type': unknown code",
        "row 8, field 'credential_type': unknown code",
        "row 9, field 'other_exit_reason': unknown code",
        "row 10, field 'area': not a county FIPS or OEWS area code",
    ):
        assert expected in msg
    assert "Nothing was written" in msg and "--quarantine" in e.value.hint
    assert "SECRET" not in msg and "SECRET" not in e.value.hint
    problems = {(f, r.split(" (")[0]): n for f, r, n in e.value.problems}
    assert problems[("entry_date", "not a date")] == 1  # row 11, 01/10/2022, counted though past the first ten
    assert problems[("person_id", "duplicate participant")] == 2


def test_bad_wages_named(con):
    from upward.outcomes.load import InputError

    good = HERE / "quality_participants.csv"
    with pytest.raises(InputError) as e:
        run(con, good, HERE / "wages_bad.csv")
    msg = str(e.value)
    assert "wages_bad.csv, row 2, field 'quarter': not a quarter" in msg
    assert "wages_bad.csv, row 3, field 'wages': negative" in msg
    assert "wages_bad.csv, row 4, field 'wages': not a number" in msg
    assert "wages_bad.csv, row 5, field 'soc': not a detailed SOC" in msg
    assert "SECRET" not in msg


def test_cli_strict_writes_nothing(cli, tmp_path, monkeypatch):
    out = tmp_path / "result.json"
    rc, stdout, stderr = cli("outcomes", "--participants", str(HERE / "participants_bad.csv"), "--wages", str(HERE / "wages.csv"),
                             "--exit-from", "2023Q1", "--exit-to", "2023Q1", "--format", "json", "--out", str(out))
    assert rc == 1
    assert "row 4, field 'exit_date': exit before entry" in stderr
    assert "SECRET" not in stdout + stderr
    assert list(tmp_path.iterdir()) == []


def test_quarantine_sets_bad_rows_aside_hashed(con, tmp_path):
    import hashlib
    import hmac

    q = tmp_path / "bad.csv"
    r = run(con, HERE / "participants_bad.csv", HERE / "wages_bad.csv", quarantine=q, by="sex")
    ins = r["run"]["inputs"]
    assert (ins["participants"]["rows"], ins["participants"]["bad_rows"]) == (12, 11)
    assert (ins["wages"]["rows"], ins["wages"]["bad_rows"]) == (5, 4)
    assert r["run"]["quarantine"]["rows"] == 15
    text = q.read_text()
    assert "SECRET" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r_["input"] for r_ in rows} == {"participants", "wages"}
    dup = [r_ for r_ in rows if r_["input"] == "participants" and r_["row"] in ("1", "2")]
    assert all("duplicate participant" in r_["problems"] for r_ in dup)
    assert dup[0]["person_key"] == hmac.new(KEY.encode(), b"SECRET-0001", hashlib.sha256).hexdigest()
    assert [r_["row"] for r_ in rows if r_["input"] == "wages"] == ["2", "3", "4", "5"]
    # the one good participant (SECRET-0012, Harris County) goes on with its one good wage row
    assert r["run"]["cohort"]["exiters"] is None  # 1 exiter: below the minimum cell, not shown
    assert all(x["suppressed"] for x in r["records"])
    assert "SECRET" not in json.dumps(r)


def test_mapping_renames_columns(con, tmp_path):
    src = (HERE / "quality_participants.csv").read_text().replace("person_id,program,entry_date,exit_date", "pirl_100,program,pirl_900,pirl_901", 1)
    (tmp_path / "p.csv").write_text(src)
    (tmp_path / "w.csv").write_text((HERE / "quality_wages.csv").read_text().replace("person_id,quarter,employer_id,wages", "ssn_token,quarter,employer_id,amount", 1))
    r = run(con, tmp_path / "p.csv", tmp_path / "w.csv", mapping=HERE / "mapping.toml", profile=HERE / "min_cell_1.toml")
    c = next(x for x in r["records"] if x["indicator"] == "quality_job_rate_q2")
    assert (c["numerator"], c["denominator"]) == (4, 6)
    from upward.errors import UpwardError

    with pytest.raises(UpwardError, match="required column 'pirl_100'"):
        run(con, HERE / "quality_participants.csv", HERE / "quality_wages.csv", mapping=HERE / "mapping.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('[participants]\nperson = "x"\n')
    with pytest.raises(UpwardError, match="no field 'person'"):
        run(con, tmp_path / "p.csv", tmp_path / "w.csv", mapping=bad)


# --- suppression ---------------------------------------------------------------------------------------

def _table(rows):
    import ibis

    cols = ["indicator", "grouping", "sex", "age", "numerator", "denominator", "value"]
    return ibis.memtable({c: [r[i] for r in rows] for i, c in enumerate(cols)})


def _suppressed(rows, groupings, min_cell=10):
    from upward.outcomes.suppress import suppress

    out, rounds = suppress(_table(rows), groupings, ["sex", "age"], min_cell)
    got = out.to_pyarrow().to_pylist()
    return {(r["grouping"], r["sex"], r["age"]): r for r in got}, rounds


def test_one_way_complementary_suppression():
    rows = [
        ("i", "", None, None, 50, 100, 0.5),
        ("i", "sex", "F", None, 30, 60, 0.5), ("i", "sex", "M", None, 18, 35, 0.51), ("i", "sex", "N", None, 2, 5, 0.4),
        ("i", "age", None, "A", 2, 4, 0.5), ("i", "age", None, "B", 1, 3, 0.33), ("i", "age", None, "C", 47, 93, 0.51),
    ]
    got, _ = _suppressed(rows, [(), ("sex",), ("age",)])
    # N is primary (5 < 10); alone it could be recovered from the total, so the next smallest, M, goes too
    assert {k[1] for k, r in got.items() if k[0] == "sex" and r["suppressed"]} == {"N", "M"}
    assert got[("sex", "F", None)]["value"] == 0.5
    # two primaries in the age table protect each other: nothing more
    assert {k[2] for k, r in got.items() if k[0] == "age" and r["suppressed"]} == {"A", "B"}
    m = got[("sex", "M", None)]
    assert (m["numerator"], m["denominator"], m["value"]) == (None, None, None)
    assert got[("", None, None)]["suppressed"] is False


def test_two_way_complementary_suppression_reaches_fixed_point():
    rows = [
        ("i", "", None, None, 50, 100, 0.5),
        ("i", "sex", "F", None, 30, 60, 0.5), ("i", "sex", "M", None, 20, 40, 0.5),
        ("i", "age", None, "Y", 15, 30, 0.5), ("i", "age", None, "O", 35, 70, 0.5),
        ("i", "sex,age", "F", "Y", 12, 25, 0.48), ("i", "sex,age", "F", "O", 18, 35, 0.51),
        ("i", "sex,age", "M", "Y", 3, 5, 0.6), ("i", "sex,age", "M", "O", 17, 35, 0.49),
    ]
    got, rounds = _suppressed(rows, [(), ("sex",), ("age",), ("sex", "age")])
    # M×Y primary → M×O (row M) and F×Y (column Y) → then F×O (row F, column O): all four, margins kept
    assert {(k[1], k[2]) for k, r in got.items() if k[0] == "sex,age" and r["suppressed"]} == {("F", "Y"), ("F", "O"), ("M", "Y"), ("M", "O")}
    assert not any(r["suppressed"] for k, r in got.items() if k[0] != "sex,age")
    assert rounds >= 2


def no_single_suppressed(records, dims):
    """Every additive relation in a result has 0 or ≥ 2 suppressed entries."""
    by = {}
    for r in records:
        by[(r["indicator"], tuple(sorted(r["group"].items())))] = r["suppressed"]
    for (ind, g), _ in list(by.items()):
        if len(g) == 1:
            parts = [s for (i, gg), s in by.items() if i == ind and len(gg) == 1 and gg[0][0] == g[0][0]]
            total = by.get((ind, ()))
            if total is not None:
                assert sum(parts) + total != 1, (ind, g)
        if len(g) == 2:
            for k in range(2):
                fixed = g[k]
                parts = [s for (i, gg), s in by.items() if i == ind and len(gg) == 2 and gg[k] == fixed]
                total = by.get((ind, (fixed,)))
                if total is not None:
                    assert sum(parts) + total != 1, (ind, g)


# --- synthetic data and the CLI ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic(atlas_path, tmp_path_factory):
    import duckdb

    from upward.outcomes.synth import generate

    out = tmp_path_factory.mktemp("synth") / "s"
    with duckdb.connect(str(atlas_path), read_only=True) as c:
        generate(c, out, 1500, 1500, seed=7, chunk=1000)
    return out


def test_synth_is_deterministic_and_labelled(con, synthetic, tmp_path):
    import pyarrow.parquet as pq

    from upward.outcomes.synth import generate

    again = tmp_path / "again"
    generate(con, again, 1500, 1500, seed=7, chunk=1000)
    for rel in ("participants.parquet", "wages/part-00000.parquet", "wages/part-00002.parquet"):
        assert pq.read_table(synthetic / rel).equals(pq.read_table(again / rel))
    other = tmp_path / "other"
    generate(con, other, 1500, 1500, seed=8, chunk=1000)
    assert not pq.read_table(synthetic / "participants.parquet").equals(pq.read_table(other / "participants.parquet"))
    m = json.loads((synthetic / "SYNTHETIC.json").read_text())
    assert m["synthetic"] is True and "SYNTHETIC" in m["note"] and m["participants"] == 1500
    assert pq.read_table(synthetic / "participants.parquet").column("synthetic").to_pylist() == [True] * 1500
    w = pq.read_table(synthetic / "wages")
    assert w.num_rows == m["wage_rows"] and min(w.column("wages").to_pylist()) >= 0
    # multiple jobs in a quarter, and quarters without work, both occur
    import duckdb

    d = duckdb.connect()
    multi = d.execute(f"select count(*) from (select person_id, quarter from read_parquet('{synthetic}/wages/*.parquet') group by all having count(*) > 1)").fetchone()[0]
    assert multi > 0


def test_cli_round_trip_on_synthetic(cli, synthetic, tmp_path, monkeypatch):
    monkeypatch.delenv("UPWARD_HASH_KEY")  # synthetic files run with the documented synthetic key
    out = tmp_path / "o.json"
    args = ["outcomes", "--participants", str(synthetic / "participants.parquet"), "--wages", str(synthetic / "wages"),
            "--exit-from", "2022Q3", "--exit-to", "2023Q2", "--program-year", "2022", "--by", "sex,age_group"]
    rc, stdout, stderr = cli(*args, "--format", "json", "--out", str(out))
    assert rc == 0, stderr
    assert "SYNTHETIC DATA" in stderr
    records = json.loads(out.read_text())
    assert set(records[0]) == {"indicator", "group", "numerator", "denominator", "value", "suppressed"}
    overall = [r for r in records if r["group"] == {}]
    assert {r["indicator"] for r in overall} == {
        "employment_rate_q2", "employment_rate_q4", "median_earnings_q2", "credential_rate", "msg_rate", "employment_placement_rate",
        "initial_earnings_median", "credit_attainment_rate", "earnings_change_median", "earnings_gain_rate", "quality_job_rate_q2",
        "quality_job_rate_q4", "economic_mobility_rate_1y", "living_wage_earnings_rate", "minimum_economic_return_rate_1y"}
    assert all(not r["suppressed"] for r in overall)
    assert any(r["suppressed"] for r in records) and any(len(r["group"]) == 2 for r in records)
    for r in records:
        if r["suppressed"]:
            assert r["numerator"] is None and r["denominator"] is None and r["value"] is None
        elif r["denominator"] is not None:
            assert r["denominator"] >= 10
    no_single_suppressed(records, ["sex", "age_group"])
    run_record = json.loads((tmp_path / "o.run.json").read_text())
    assert run_record["synthetic"] is True and run_record["engine"] == "duckdb"
    assert run_record["profile"]["name"] == "default" and len(run_record["inputs"]["wages"]["files"]) >= 2
    for text in (out.read_text(), (tmp_path / "o.run.json").read_text(), stderr):
        assert "P00000" not in text and "W00000" not in text  # no identifier anywhere
    rc, stdout, stderr = cli(*args, "--format", "csv")
    assert rc == 0
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert len(rows) == len(records) and {"sex", "age_group", "profile_hash", "synthetic"} <= set(rows[0])
    rc, stdout, _ = cli(*args[:-2])
    assert rc == 0 and "employment_rate_q2" in stdout and "suppressed" not in stdout.split("employment_rate_q2")[1].split("\n")[0]


def test_cli_synth_and_parquet_output(cli, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    monkeypatch.delenv("UPWARD_HASH_KEY")
    out = tmp_path / "s"
    rc, stdout, stderr = cli("synth", "--participants", "600", "--workers", "200", "--out", str(out), "--seed", "3")
    assert rc == 0, stderr
    assert "SYNTHETIC DATA" in stderr and "600 synthetic participants" in stdout
    assert json.loads((out / "SYNTHETIC.json").read_text())["synthetic"] is True
    res = tmp_path / "r.parquet"
    rc, _, stderr = cli("outcomes", "--participants", str(out / "participants.parquet"), "--wages", str(out / "wages"),
                        "--exit-from", "2022Q3", "--exit-to", "2023Q2", "--by", "program", "--format", "parquet", "--out", str(res))
    assert rc == 0, stderr
    t = pq.read_table(res)
    assert {"indicator", "program", "numerator", "denominator", "value", "suppressed", "synthetic"} <= set(t.column_names)
    assert all(t.column("synthetic").to_pylist())
    assert json.loads((tmp_path / "r.run.json").read_text())["by"] == [[], ["program"]]
    rc, _, stderr = cli("outcomes", "--participants", str(out / "participants.parquet"), "--wages", str(out / "wages"),
                        "--exit-from", "2022Q3", "--exit-to", "2023Q2", "--format", "parquet")
    assert rc == 1 and "needs --out" in stderr
