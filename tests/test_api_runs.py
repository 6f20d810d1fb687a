"""Outcome runs in the hub (schema 4): only suppressed records and metadata are kept, refused otherwise;
older hubs upgrade in place; `upward runs save` keeps what `upward outcomes --out` wrote."""

from __future__ import annotations

import copy
import json

import duckdb
import pytest

from upward.errors import NotFoundError, UpwardError
from upward.hub import runs
from upward.hub._db import ADDED_IN, TABLES, VIEWS

RECORDS = [
    {"indicator": "employment_rate_q2", "group": {}, "numerator": 80, "denominator": 112, "value": 0.714286, "suppressed": False},
    {"indicator": "employment_rate_q2", "group": {"sex": "female"}, "numerator": 46, "denominator": 63, "value": 0.730159, "suppressed": False},
    {"indicator": "employment_rate_q2", "group": {"sex": "male"}, "numerator": None, "denominator": None, "value": None, "suppressed": True},
    {"indicator": "median_earnings_q2", "group": {}, "numerator": None, "denominator": 80, "value": 11582.91, "suppressed": False},
    {"indicator": "median_earnings_q2", "group": {"sex": "female", "age_group": "25-34"}, "numerator": None, "denominator": None, "value": None, "suppressed": True},
]
RUN = {
    "started": "2026-01-02T03:04:05+00:00", "seconds": 1.5, "engine": "duckdb", "spark_master": None, "synthetic": True,
    "hash": {"algorithm": "HMAC-SHA256", "key": "UPWARD_HASH_KEY"}, "profile": {"name": "default", "hash": "0b585143d6b2", "source": "default"},
    "household": "2A2W2C", "min_cell": 10, "exit_from": "2022Q1", "exit_to": "2022Q4", "program_year": None,
    "by": [[], ["sex"], ["sex", "age_group"]], "cohort": {"exiters": 112, "excluded_exits": None},
    "inputs": {"participants": {"files": [{"name": "participants.parquet", "bytes": 10, "sha256": "ab"}], "rows": 400, "bad_rows": 0, "problems": []},
               "wages": {"files": [{"name": "part-00000.parquet", "bytes": 20, "sha256": "cd"}], "rows": 900, "bad_rows": 0, "problems": []}},
    "quarantine": {"file": "/home/ana/secret/bad-rows.csv", "rows": 3}, "data": {"bundle": "5cbb98bfc70da306", "releases": {}},
    "unexpected": "dropped",
}  # fmt: skip


def result(records=RECORDS, run=RUN):
    return {"synthetic": run["synthetic"], "records": copy.deepcopy(records), "run": copy.deepcopy(run)}


def test_a_run_is_kept_listed_and_read_back_by_breakdown(tmp_path):
    hub = tmp_path / "hub.duckdb"
    saved = runs.save_run(result(), hub, who="ana")
    assert saved["run_id"] == 1 and saved["records"] == len(RECORDS) and saved["who"] == "ana" and saved["synthetic"]
    assert runs.save_run(json.dumps(result()), hub)["run_id"] == 2  # JSON text works too
    listed = runs.list_runs(hub)
    assert [r["run_id"] for r in listed] == [1, 2] and "SYNTHETIC" in listed[0]["note"]
    assert listed[0]["groupings"] == [[], ["sex"], ["sex", "age_group"]] and listed[0]["profile_hash"] == "0b585143d6b2"
    whole = runs.get_run(1, hub)
    assert whole["records"] == RECORDS
    assert whole["breakdowns"] == [[], ["sex"], ["sex", "age_group"]]
    # only whitelisted metadata: no quarantine file path, no unknown key
    assert whole["run"]["quarantine"] == {"rows": 3} and "unexpected" not in whole["run"]
    assert "/home/ana" not in json.dumps(whole, default=str)
    assert [r["group"] for r in runs.get_run(1, hub, by="sex")["records"]] == [{"sex": "female"}, {"sex": "male"}]
    assert len(runs.get_run(1, hub, by="age_group,sex")["records"]) == 1  # either order
    assert [r["indicator"] for r in runs.get_run(1, hub, by="overall")["records"]] == ["employment_rate_q2", "median_earnings_q2"]
    assert len(runs.get_run(1, hub, indicator="median_earnings_q2")["records"]) == 2
    with pytest.raises(UpwardError, match="not one or two dimensions"):
        runs.get_run(1, hub, by="shoe_size")
    with pytest.raises(NotFoundError):
        runs.get_run(9, hub)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda rs, run: rs[2].update(numerator=3), "marked suppressed but carries a number"),
        (lambda rs, run: rs[1].update(denominator=4, numerator=2), "under the minimum cell of 10"),
        (lambda rs, run: rs[0].update(person_id="A123"), "expected exactly the keys"),
        (lambda rs, run: rs[0].update(group={"ssn": "123"}), "the group must map"),
        (lambda rs, run: rs[0].update(indicator="salary"), "unknown indicator"),
        (lambda rs, run: run.pop("exit_from"), "no 'exit_from'"),
    ],
)
def test_a_run_that_could_expose_a_person_is_refused_and_nothing_is_written(tmp_path, change, message):
    hub = tmp_path / "hub.duckdb"
    r = result()
    change(r["records"], r["run"])
    with pytest.raises(UpwardError, match=message):
        runs.save_run(r, hub)
    assert not hub.exists()


def test_reading_runs_of_a_missing_or_older_hub_and_upgrading_a_version_3_hub(con, tmp_path):
    from upward import hub as hub_mod

    assert runs.list_runs(tmp_path / "none.duckdb") == []
    hub = tmp_path / "hub.duckdb"
    hub_mod.template(tmp_path / "t.csv")
    hub_mod.import_file(con, hub, tmp_path / "t.csv", who="ana")
    c = duckdb.connect(str(hub))  # make it a version-3 hub: no run tables
    for name in ADDED_IN["4"] + ADDED_IN["5"]:
        c.execute(f"drop table {name}")
    c.execute("update hub_meta set value = '3' where key = 'schema_version'")
    c.close()
    assert runs.list_runs(hub) == []
    runs.save_run(result(), hub, who="bo")
    c = duckdb.connect(str(hub), read_only=True)
    try:
        assert c.execute("select value from hub_meta where key = 'schema_version'").fetchone()[0] == "5"
    finally:
        c.close()
    assert [r["who"] for r in hub_mod.history(hub)] == ["ana"] and runs.list_runs(hub)[0]["who"] == "bo"
    assert set(TABLES) >= set(ADDED_IN["4"]) and VIEWS


def test_upward_runs_save_keeps_what_upward_outcomes_wrote(cli, tmp_path):
    out = tmp_path / "result.json"
    out.write_text(json.dumps(RECORDS))
    (tmp_path / "result.run.json").write_text(json.dumps(RUN))  # the run record's name beside result.json
    hub = tmp_path / "hub.duckdb"
    rc, stdout, _ = cli("runs", "save", str(out), "--hub", str(hub), "--who", "ana", "--json")
    assert rc == 0 and json.loads(stdout)["run_id"] == 1
    # a run written by an earlier version, its record named FILE.run.json, is still found
    old = tmp_path / "old" / "result.json"
    old.parent.mkdir()
    old.write_text(json.dumps(RECORDS))
    (old.parent / "result.json.run.json").write_text(json.dumps(RUN))
    rc, stdout, _ = cli("runs", "save", str(old), "--hub", str(hub), "--who", "bo", "--json")
    assert rc == 0 and json.loads(stdout)["run_id"] == 2
    rc, stdout, _ = cli("runs", "list", "--hub", str(hub), "--json")
    assert rc == 0 and sorted(r["who"] for r in json.loads(stdout)) == ["ana", "bo"]
    rc, _, stderr = cli("runs", "save", str(tmp_path / "missing.json"), "--hub", str(hub))
    assert rc == 1 and "file not found" in stderr
