"""The disclosure policy for stored outcome runs (issue 19 #5), tested with the attacks themselves:
differencing two runs whose cohorts differ by one exit quarter, or by one person, and reading a
suppressed count off another indicator of the same run."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from upward.errors import UpwardError
from upward.hub import runs
from upward.outcomes.disclosure import audit, program_year_of, rounded
from upward.outcomes.run import run
from upward.web import Settings, create_app

HERE = Path(__file__).parent / "outcomes"
TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BY = "sex,age_group"


@pytest.fixture(scope="module")
def data(con, tmp_path_factory):
    from upward.outcomes.synth import generate

    out = tmp_path_factory.mktemp("disclosure")
    generate(con, out / "all", 3000, 1500, seed=21, state="TX")
    # the same files less one person who exited in program year 2022 (a run "differing by one person")
    p = pq.read_table(out / "all" / "participants.parquet")
    exits = pc.cast(p["exit_date"], "string")
    inside = pc.and_(pc.greater_equal(exits, "2022-07-01"), pc.less_equal(exits, "2023-06-30")).to_pylist()
    person = next(pid for pid, ok in zip(p["person_id"].to_pylist(), inside) if ok)
    (out / "less").mkdir()
    pq.write_table(p.filter(pc.not_equal(p["person_id"], person)), out / "less" / "participants.parquet")
    return out


def _run(con, folder, exit_from, exit_to, profile=None, **kw):
    return run(folder / "participants.parquet", folder.parent / "all" / "wages" if folder.name == "less" else folder / "wages",
               exit_from, exit_to, atlas_con=con, by=BY, profile=profile, **kw)


@pytest.fixture(scope="module")
def results(con, data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UPWARD_HASH_KEY", "the-agency-secret-0123456789")  # the files less one person are not synth's output
        return {
            "py2022": _run(con, data / "all", "2022Q3", "2023Q2"),
            "py2022+q": _run(con, data / "all", "2022Q3", "2023Q3"),
            "2023Q3": _run(con, data / "all", "2023Q3", "2023Q3"),
            "2023Q3 exact": _run(con, data / "all", "2023Q3", "2023Q3", profile=HERE / "min_cell_1.toml"),
            "py2022 less one": _run(con, data / "less", "2022Q3", "2023Q2"),
        }


@contextmanager
def server(atlas_path, hub):
    app = create_app(Settings(db=atlas_path, hub=hub, token=TOKEN, response_cache=0))
    try:
        yield TestClient(app)
    finally:
        app.state.atlas.close()


def _cells(records):
    return {(r["indicator"], tuple(sorted(r["group"].items()))): r for r in records}


def difference(bigger: list[dict], smaller: list[dict]) -> dict:
    """The attack: subtract two runs' published counts cell by cell (the cohort bigger − smaller)."""
    a, b = _cells(bigger), _cells(smaller)
    out = {}
    for k, x in a.items():
        y = b.get(k)
        if y and not x["suppressed"] and not y["suppressed"] and x["numerator"] is not None and y["numerator"] is not None:
            out[k] = (x["numerator"] - y["numerator"], x["denominator"] - y["denominator"])
    return out


def recovered(diff: dict, suppressed: list[dict], truth: list[dict]) -> list:
    """Cells a direct run suppresses whose true counts the difference gives back."""
    hidden = {k for k, r in _cells(suppressed).items() if r["suppressed"]}
    exact = _cells(truth)
    return [k for k, nd in diff.items() if k in hidden and k in exact and nd == (exact[k]["numerator"], exact[k]["denominator"]) and nd[1] > 0]


def _published(client) -> list[dict]:
    """Everything a reader without the token can get: every published run's records."""
    listed = client.get("/api/v1/outcomes/runs").json()
    return [client.get(f"/api/v1/outcomes/runs/{r['run_id']}").json() for r in listed]


def test_the_one_quarter_differencing_attack_recovers_nothing_a_reader_can_get(atlas_path, results, tmp_path):
    r = results
    # the attack works on stored runs: one quarter more recovers cells a run over that quarter suppresses
    stolen = recovered(difference(r["py2022+q"]["records"], r["py2022"]["records"]), r["2023Q3"]["records"], r["2023Q3 exact"]["records"])
    assert len(stolen) >= 5, stolen
    hub = tmp_path / "hub.duckdb"
    a = runs.save_run(r["py2022"], hub, who="ana")["run_id"]
    b = runs.save_run(r["py2022+q"], hub, who="ana")["run_id"]
    with server(atlas_path, hub) as c:
        assert c.get("/api/v1/outcomes/runs").json() == []  # stored runs are private
        assert c.get(f"/api/v1/outcomes/runs/{b}").status_code == 404
        assert [x["run_id"] for x in c.get("/api/v1/outcomes/runs", headers=AUTH).json()] == [a, b]  # the operator reads them
        refused = c.post(f"/api/v1/outcomes/runs/{b}/publish", headers=AUTH)
        assert refused.status_code == 400 and "one program year" in refused.json()["detail"]
        ok = c.post(f"/api/v1/outcomes/runs/{a}/publish", data={"who": "director"}, headers=AUTH)
        assert ok.status_code == 200 and ok.json()["published"]["program_year"] == 2022
        public = _published(c)
    assert [p["run_id"] for p in public] == [a]
    for x in public:
        for y in public:
            if x is not y:
                assert not recovered(difference(x["records"], y["records"]), r["2023Q3"]["records"], r["2023Q3 exact"]["records"])
    assert "who" not in public[0] and "inputs" not in public[0]["run"] and "cohort" not in public[0]["run"]


def test_a_second_run_of_a_published_cohort_is_never_published(atlas_path, results, tmp_path):
    r = results
    # the attack: two runs of one cohort differing by one person give that person's outcomes
    diff = difference(r["py2022"]["records"], r["py2022 less one"]["records"])
    person = {k[0]: nd for k, nd in diff.items() if not k[1] and nd[1] == 1}
    assert len(person) >= 5, person  # employment, credential, quality… of one person, from the overall cells
    hub = tmp_path / "hub.duckdb"
    a = runs.save_run(r["py2022"], hub)["run_id"]
    a1 = runs.save_run(r["py2022 less one"], hub)["run_id"]
    runs.publish(a, hub, who="director")
    with pytest.raises(UpwardError, match="Program year 2022 was published as run 1"):
        runs.publish(a1, hub)
    runs.withdraw(a, hub, who="director")
    with pytest.raises(UpwardError, match="Program year 2022 was published as run 1"):  # readers may have kept run 1
        runs.publish(a1, hub)
    assert runs.publish(a, hub)["published"]["program_year"] == 2022  # the same run again is fine
    assert runs.publish(a, hub)["published"]["program_year"] == 2022  # and idempotent
    with server(atlas_path, hub) as c:
        assert [p["run_id"] for p in _published(c)] == [a]
        assert c.get(f"/api/v1/outcomes/runs/{a1}").status_code == 404


def test_no_hidden_count_is_published_by_another_indicator_of_its_group(results):
    """Issue 19 #5: employment numerators revealed the suppressed denominators of median earnings."""
    for name, result in results.items():
        if "exact" in name:
            continue
        records = result["records"]
        assert audit(records, 10) == [], (name, audit(records, 10)[:3])
        cells = _cells(records)
        hidden_medians = [g for (ind, g), x in cells.items() if ind == "median_earnings_q2" and x["suppressed"]]
        assert hidden_medians, name  # the case arises…
        for g in hidden_medians:  # …and the employed count it hides is nowhere else in the group
            for other in ("employment_rate_q2", "earnings_change_median", "earnings_gain_rate"):
                x = cells.get((other, g))
                assert x is None or x["suppressed"], (name, other, g)


def test_the_audit_finds_each_way_a_hidden_number_comes_back(results):
    records = [dict(x) for x in results["py2022"]["records"]]
    cells = _cells(records)
    assert audit(records, 10) == []
    # the same people shown by another indicator (what the engine did before one pattern per run)
    g = next(g for (ind, g), x in cells.items() if ind == "median_earnings_q2" and x["suppressed"] and g)
    emp = cells[("employment_rate_q2", g)]
    leaked = [dict(x) for x in records]
    i = records.index(emp)
    leaked[i].update(suppressed=False, numerator=3, denominator=12, value=0.25)
    assert any("published by another indicator" in p for p in audit(leaked, 10))
    # a sum with one hidden entry
    def cell(group, n, d, hidden=False):
        return {"indicator": "employment_rate_q2", "group": group, "numerator": None if hidden else n,
                "denominator": None if hidden else d, "value": None if hidden else n / d, "suppressed": hidden}

    table = [cell({}, 30, 60), cell({"sex": "female"}, 20, 35), cell({"sex": "male"}, 10, 25)]
    assert audit(table, 10) == []
    table[2] = cell({"sex": "male"}, 10, 25, hidden=True)
    assert audit(table, 10) == ["employment_rate_q2 overall by sex: exactly one hidden entry in a sum (recoverable by subtraction)"]
    # a published cell under the minimum
    small = [dict(x) for x in records]
    small[0].update(denominator=4)
    assert any("under 10" in p for p in audit(small, 10))


def test_publishing_needs_a_program_year_the_shipped_minimum_cell_and_a_matching_skill_gain_year(con, data, results, tmp_path):
    assert program_year_of("2022Q3", "2023Q2") == 2022 and program_year_of("2022Q1", "2022Q4") is None
    assert program_year_of("2022Q3", "2024Q2") is None and program_year_of("nonsense", "2023Q2") is None
    hub = tmp_path / "hub.duckdb"
    exact = runs.save_run(_run(con, data / "all", "2021Q3", "2022Q2", profile=HERE / "min_cell_1.toml"), hub)["run_id"]
    with pytest.raises(UpwardError, match="minimum cell of 1; a published run needs at least 10"):
        runs.publish(exact, hub)
    msg = runs.save_run(_run(con, data / "all", "2021Q3", "2022Q2", program_year=2020), hub)["run_id"]
    with pytest.raises(UpwardError, match="skill gains in program year 2020"):
        runs.publish(msg, hub)
    with pytest.raises(UpwardError, match="not offered"):
        runs.publish(msg, hub, rounding=0)
    assert runs.list_runs(hub, public=True) == []


def test_published_counts_can_be_rounded_while_the_operator_reads_them_exactly(atlas_path, cli, results, tmp_path):
    hub = tmp_path / "hub.duckdb"
    a = runs.save_run(results["py2022"], hub)["run_id"]
    rc, out, err = cli("runs", "publish", str(a), "--round", "5", "--hub", str(hub))
    assert rc == 0 and "program year 2022" in out and "multiple of 5" in out, err
    rc, out, _ = cli("runs", "list", "--hub", str(hub))
    assert rc == 0 and "PY2022 ±5" in out
    with server(atlas_path, hub) as c:
        public = c.get(f"/api/v1/outcomes/runs/{a}").json()
        exact = c.get(f"/api/v1/outcomes/runs/{a}", headers=AUTH).json()
    assert public["published"]["rounding"] == 5
    assert exact["records"] == results["py2022"]["records"]
    shown = [x for x in public["records"] if not x["suppressed"]]
    assert shown and all(x["denominator"] % 5 == 0 and (x["numerator"] is None or x["numerator"] % 5 == 0) for x in shown)
    assert all(x["value"] == round(x["value"], 2) for x in shown if x["numerator"] is not None)
    assert public["records"] == rounded(results["py2022"]["records"], 5)
    assert [x["suppressed"] for x in public["records"]] == [x["suppressed"] for x in exact["records"]]


def test_every_indicator_declares_the_people_it_counts():
    """An undeclared indicator is linked to every other (safe, but it hides far more than it must):
    each one the engine computes names its denominator's and numerator's sets, and each set is
    either the exiters, the program year's participants, or nested in one of them."""
    from upward.outcomes.indicators import NAMES
    from upward.outcomes.suppress import _SUBSETS, COUNTS

    assert set(NAMES) == set(COUNTS)
    roots = {"exiters", "program_year_participants"}
    for den, num in COUNTS.values():
        for s in (den, num):
            if s is None:
                continue
            seen = s
            while seen not in roots:
                seen = _SUBSETS[seen]
