"""The frameworks' indicators (issue 15), each computed by hand on a small cohort, their published wording
checked against the Education-to-Workforce framework's own metadata, and suppression that never gives up
silently.

tests/outcomes/frameworks_participants.csv: five people leaving in 2021Q1 (Houston; F-5 given as Harris
County), with the optional fields the new indicators read (college credits, net price, PIRL 202/803/802/800).
frameworks_wages.csv: their wages and four other workers', in every quarter of years 1 and 3 after exit and
in none of year 5 (so the 5-, 10- and 15-year horizons are not computed). Year n after a 2021Q1 exit is
quarters 4n−3…4n after it: year 1 = 2021Q2–2022Q1, year 3 = 2023Q2–2024Q1.

    person  training     credits  net price  Q1(21Q2)  Q2(21Q3)  Q3(21Q4)  Q4(22Q1)  year 1   year 3
    F-1     education    15       10,000     14,000    14,000    14,000    14,000    56,000   60,000
    F-2     education     6        2,000          —     5,000     6,000         —    11,000   60,000
    F-3     occ. skills   —            —      3,000         —         —         —     3,000        0
    F-4     none          —            —          —         —         —         —         0        0
    F-5     education    12            0      8,000     9,000     9,000         —    26,000   40,000
    W-1…W-4 (workers)                                                                 20,000 / 30,000 / 50,000 / 100,000 and
                                                                                      25,000 / 35,000 / 55,000 / 120,000
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SHARED_DATA

HERE = Path(__file__).resolve().parent / "outcomes"
KEY = "test-key-0123456789abcdef"
RULES = HERE / "min_cell_1.toml"
EW = SHARED_DATA / "frameworks" / "education_to_workforce"
HOUSTON_LW = 54_538  # MIT $22.56/h × CPI-U Houston 277.742/238.975 = $26.22/h × 2,080 (tests/test_quality.py)
TX_HS = 34_809  # College Scorecard's earnings threshold for Texas (median high-school graduate)


@pytest.fixture(autouse=True)
def hash_key(monkeypatch):
    monkeypatch.setenv("UPWARD_HASH_KEY", KEY)


def run(con, **kw):
    from upward.outcomes.run import run as run_

    kw.setdefault("profile", RULES)
    return run_(HERE / "frameworks_participants.csv", HERE / "frameworks_wages.csv", "2021Q1", "2021Q1", atlas_con=con, **kw)


def cell(result, indicator, **group):
    hits = [r for r in result["records"] if r["indicator"] == indicator and r["group"] == group]
    assert len(hits) == 1, (indicator, group, sorted({r["indicator"] for r in result["records"]}))
    return hits[0]


def pair(result, indicator, **group):
    c = cell(result, indicator, **group)
    return c["numerator"], c["denominator"]


@pytest.fixture(scope="module")
def frameworks(con):
    with pytest.MonkeyPatch.context() as mp:  # module-scoped: undone when the run is computed
        mp.setenv("UPWARD_HASH_KEY", KEY)
        return run(con, by="disability")


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (DuckDB quantile_cont, Spark percentile)."""
    v = sorted(values)
    pos = p * (len(v) - 1)
    lo = int(pos)
    return v[lo] + (pos - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])


def test_economic_mobility_at_each_covered_horizon(frameworks):
    # year 1: everyone's positive earnings over 2021Q2–2022Q1
    y1 = [56_000, 11_000, 3_000, 26_000, 20_000, 30_000, 50_000, 100_000]
    assert percentile(y1, 0.6) == 34_000  # 30,000 + 0.2 × 20,000
    assert pair(frameworks, "economic_mobility_rate_1y") == (1, 5)  # only F-1 (56,000)
    # year 3 (2023Q2–2024Q1): F-3 and F-4 earn nothing, so are not in the state's distribution
    y3 = [60_000, 60_000, 40_000, 25_000, 35_000, 55_000, 120_000]
    assert percentile(y3, 0.6) == 58_000  # 55,000 + 0.6 × 5,000
    assert pair(frameworks, "economic_mobility_rate_3y") == (2, 5)  # F-1 and F-2 (60,000 each)
    not_computed = {s["indicator"]: s["reason"] for s in frameworks["run"]["not_computed"]}
    assert {"economic_mobility_rate_5y", "economic_mobility_rate_10y", "economic_mobility_rate_15y"} <= set(not_computed)
    assert "ends 2024Q1" in not_computed["economic_mobility_rate_5y"] and "2025Q2" in not_computed["economic_mobility_rate_5y"]
    assert frameworks["run"]["mobility"]["years"] == [1, 3]


def test_economic_mobility_with_a_supplied_annual_threshold(con):
    r = run(con, mobility_threshold=25_000, indicators="economic_mobility_rate_1y,economic_mobility_rate_3y")
    assert pair(r, "economic_mobility_rate_1y") == (2, 5)  # F-1 56,000 and F-5 26,000
    assert pair(r, "economic_mobility_rate_3y") == (3, 5)  # F-1, F-2, F-5
    assert r["run"]["mobility"]["supplied_threshold"] == 25_000


def test_an_uncovered_horizon_asked_for_by_name_is_an_error(con):
    from upward.errors import UpwardError

    with pytest.raises(UpwardError, match=r"economic_mobility_rate_5y cannot be computed: the wage file ends 2024Q1"):
        run(con, indicators="economic_mobility_rate_5y")


def test_minimum_economic_return(frameworks):
    r = 0.0639  # the default profile's outcomes.mer_interest_rate
    annuity = r / (1 - (1 + r) ** -10)  # yearly payment per dollar repaid over 10 years
    bar = {"F-1": TX_HS + 10_000 * annuity, "F-2": TX_HS + 2_000 * annuity, "F-5": TX_HS + 0}
    assert round(bar["F-1"], 2) == 36_192.89 and round(bar["F-2"], 2) == 35_085.78
    # year 1: F-1 56,000 ≥ 36,192.89; F-2 11,000 and F-5 26,000 short. F-3, F-4 have no net price: not counted
    assert pair(frameworks, "minimum_economic_return_rate_1y") == (1, 3)
    # year 3: F-1 60,000, F-2 60,000, F-5 40,000 all clear their bars
    assert pair(frameworks, "minimum_economic_return_rate_3y") == (3, 3)


def test_minimum_economic_return_needs_a_net_price_column(con, tmp_path):
    import pandas as pd

    from upward.errors import UpwardError

    p = pd.read_csv(HERE / "frameworks_participants.csv", dtype=str, keep_default_na=False).drop(columns=["net_price"])
    p.to_csv(tmp_path / "p.csv", index=False)
    from upward.outcomes.run import run as run_

    r = run_(tmp_path / "p.csv", HERE / "frameworks_wages.csv", "2021Q1", "2021Q1", atlas_con=con, profile=RULES)
    skipped = {s["indicator"]: s["reason"] for s in r["run"]["not_computed"]}
    assert skipped["minimum_economic_return_rate_1y"] == "the participants input has no 'net_price' column"
    assert not any(x["indicator"].startswith("minimum_economic_return") for x in r["records"])
    with pytest.raises(UpwardError, match="no 'net_price' column"):
        run_(tmp_path / "p.csv", HERE / "frameworks_wages.csv", "2021Q1", "2021Q1", atlas_con=con, profile=RULES,
             indicators="minimum_economic_return_rate_1y")


def test_aqcp_employment_placement_and_initial_earnings(frameworks):
    # placement: wages in 2021Q2 (the 1st quarter after the exit quarter): F-1, F-3, F-5
    assert pair(frameworks, "employment_placement_rate") == (3, 5)
    # initial earnings: employed in both the 2nd and 3rd quarters (2021Q3, 2021Q4): F-1 28,000, F-2 11,000, F-5 18,000
    c = cell(frameworks, "initial_earnings_median")
    assert (c["value"], c["denominator"], c["numerator"]) == (18_000.0, 3, None)


def test_aqcp_credit_attainment(frameworks):
    # in education or training with credits on record: F-1 (15), F-2 (6), F-5 (12, the threshold itself counts);
    # F-3's record carries no credits and F-4 had no training
    assert pair(frameworks, "credit_attainment_rate") == (2, 3)


def test_credit_threshold_follows_the_profile(con, tmp_path):
    prof = tmp_path / "p.toml"
    prof.write_text('name = "credits"\n[outcomes]\nmin_cell = 1\ncredit_threshold = 15\n')
    r = run(con, profile=prof, indicators="credit_attainment_rate")
    assert pair(r, "credit_attainment_rate") == (1, 3)
    assert r["run"]["credit_threshold"] == 15


def test_ew61_quality_job_and_ew63_proxy(frameworks):
    # E-W 61, pay only: 2021Q3 wages ≥ 54,538 / 4 = 13,634.50 (no SOC on these records): F-1's 14,000
    assert pair(frameworks, "quality_job_rate_q2") == (1, 5)
    # E-W 63's proxy: year-1 earnings ≥ 54,538: F-1's 56,000
    assert pair(frameworks, "living_wage_earnings_rate") == (1, 5)


def test_ew_disaggregates(frameworks):
    # PIRL 202: F-1 yes, F-2 no, F-3 F-4 F-5 not recorded ("unknown")
    assert pair(frameworks, "employment_placement_rate", disability="yes") == (1, 1)
    assert pair(frameworks, "employment_placement_rate", disability="no") == (0, 1)
    assert pair(frameworks, "employment_placement_rate", disability="unknown") == (2, 3)


@pytest.mark.parametrize("dim, groups", [
    ("english_learner", {"yes": 1, "no": 3, "unknown": 1}),
    ("low_income", {"yes": 2, "no": 2, "unknown": 1}),
    ("homeless", {"yes": 1, "no": 3, "unknown": 1}),
])
def test_each_pirl_disaggregate_is_a_breakdown(con, dim, groups):
    r = run(con, by=dim, indicators="employment_rate_q2")
    got = {x["group"][dim]: x["denominator"] for x in r["records"] if x["group"]}
    assert got == groups


def test_a_bad_optional_field_names_file_row_and_field(con, tmp_path):
    from upward.outcomes.load import InputError
    from upward.outcomes.run import run as run_

    text = (HERE / "frameworks_participants.csv").read_text().replace(",15,10000", ",fifteen,10000").replace(",2000\n", ",-5\n")
    (tmp_path / "p.csv").write_text(text)
    with pytest.raises(InputError) as exc:
        run_(tmp_path / "p.csv", HERE / "frameworks_wages.csv", "2021Q1", "2021Q1", atlas_con=con, profile=RULES)
    msg = exc.value.message
    assert "p.csv, row 1, field 'college_credits': not a number" in msg
    assert "p.csv, row 2, field 'net_price': negative" in msg


# --- the published wording, against the framework's own metadata ----------------------------------


def _ew_refs():
    from upward.outcomes.indicators import INDICATORS, REGIONAL

    refs = {}
    for i in INDICATORS:
        for r in i.refs:
            if r.framework == "E-W":
                refs[r.number] = r
    for r in REGIONAL:
        refs[r.number] = r
    return refs


def test_every_ew_indicator_the_issue_names_is_cited():
    assert set(_ew_refs()) == {"59", "61", "62", "63", "69", "70"}


@pytest.mark.skipif(not EW.is_dir(), reason="the E-W metadata is not under ../shared/data")
def test_ew_citations_match_the_framework_metadata():
    import re

    indicators = {str(i["indicator_number"]): i for i in json.loads((EW / "indicators.json").read_text(encoding="utf-8"))}
    metrics = {str(m["metric_id"]): m for m in json.loads((EW / "metrics.json").read_text(encoding="utf-8"))}
    for number, ref in _ew_refs().items():
        assert indicators[number]["indicator_name"] == ref.name, number
        m = metrics[ref.metric]
        assert str(m["indicator_number"]) == number and ref.metric in str(indicators[number]["metrics"])
        assert ref.published.startswith(m["metric_full_name"].rstrip(".")), number  # the metric's full name, verbatim
        note = re.sub(r"\s*Learn more <a.*", "", m.get("notes_label") or "").strip()
        assert note in ref.published, number  # and its note


def test_the_catalog_lists_every_indicator_with_its_sources(con):
    from upward.outcomes.indicators import NAMES, catalog

    rows = {r["indicator"]: r for r in catalog()}
    assert set(NAMES) <= set(rows) and "living_wage_mean_share" in rows
    assert all(r["frameworks"] for r in rows.values())
    assert [f["framework"] for f in rows["msg_rate"]["frameworks"]] == ["WIOA", "E-W"]  # E-W 70's named alternative
    assert rows["economic_mobility_rate_3y"]["horizon_years"] == 3
    assert rows["minimum_economic_return_rate_1y"]["needs_field"] == "net_price"


# --- suppression never gives up silently --------------------------------------------------------------


GROUPINGS, DIMS = [(), ("sex",), ("age",), ("sex", "age")], ["sex", "age"]


def _crafted(eng):
    """A two-way table whose complementary suppression needs several rounds: a lone small cell in two
    rows and columns of sex × age, so each round's pick exposes a new lone cell in another sum."""
    import pyarrow as pa

    rows = []

    def add(grouping, sex, age, den):
        rows.append({"indicator": "x", "grouping": grouping, "sex": sex, "age": age, "numerator": den // 2, "denominator": den, "value": 0.5})

    two = {("f", "a"): 3, ("f", "b"): 40, ("f", "c"): 50, ("m", "a"): 60, ("m", "b"): 70, ("m", "c"): 4}
    for (s, a), n in two.items():
        add("sex,age", s, a, n)
    for s in ("f", "m"):
        add("sex", s, None, sum(n for (x, _), n in two.items() if x == s))
    for a in ("a", "b", "c"):
        add("age", None, a, sum(n for (_, y), n in two.items() if y == a))
    add("", None, None, sum(two.values()))
    schema = pa.schema([("indicator", pa.string()), ("grouping", pa.string()), ("sex", pa.string()), ("age", pa.string()),
                        ("numerator", pa.int64()), ("denominator", pa.int64()), ("value", pa.float64())])
    return eng.put(pa.Table.from_pylist(rows, schema=schema))


@pytest.fixture
def engine():
    from upward.outcomes.engines import connect

    eng = connect("duckdb")
    yield eng
    eng.close()


def test_suppression_converges_on_the_crafted_table(engine):
    from upward.outcomes.suppress import suppress

    out, rounds = suppress(_crafted(engine), GROUPINGS, DIMS, min_cell=10, materialize=engine.materialize)
    got = {(r["grouping"], r["sex"], r["age"]) for r in out.to_pyarrow().to_pylist() if r["suppressed"]}
    assert rounds >= 3
    assert ("sex,age", "f", "a") in got and ("sex,age", "m", "c") in got
    # no sum of published cells leaves a single suppressed entry: every row and column has none or two or more
    for s in ("f", "m"):
        assert sum(1 for g in got if g[0] == "sex,age" and g[1] == s) != 1
    for a in ("a", "b", "c"):
        assert sum(1 for g in got if g[0] == "sex,age" and g[2] == a) != 1


def test_suppression_that_does_not_converge_fails(engine):
    from upward.outcomes.suppress import SuppressionError, suppress

    _, rounds = suppress(_crafted(engine), GROUPINGS, DIMS, min_cell=10, materialize=engine.materialize)
    with pytest.raises(SuppressionError, match=f"did not settle in {rounds - 1} rounds"):
        suppress(_crafted(engine), GROUPINGS, DIMS, min_cell=10, max_rounds=rounds - 1, materialize=engine.materialize)


def test_a_run_whose_suppression_does_not_converge_writes_nothing(cli, monkeypatch, tmp_path):
    import upward.outcomes.run as run_mod
    from upward.outcomes.suppress import suppress

    args = ["outcomes", "--participants", str(HERE / "participants.csv"), "--wages", str(HERE / "wages.csv"),
            "--exit-from", "2023Q1", "--exit-to", "2023Q1", "--by", "sex,age_group", "--format", "json"]
    done = tmp_path / "done" / "run.json"
    code, _, err = cli(*args, "--out", str(done))
    assert code == 0, err
    from upward.outcomes import run_record_path

    rounds = json.loads(run_record_path(done).read_text())["suppression_rounds"]  # run.json → run.run.json
    assert rounds >= 1
    # the same run, allowed one round fewer than it needs
    monkeypatch.setattr(run_mod, "suppress", lambda *a, **k: suppress(*a, **{**k, "max_rounds": rounds - 1}))
    out = tmp_path / "failed" / "run.json"
    code, stdout, err = cli(*args, "--out", str(out))
    assert code == 1 and f"did not settle in {rounds - 1} rounds" in err and "nothing was written" in err
    assert not out.parent.exists() or list(out.parent.iterdir()) == []
