"""Outcome indicators on small hand-computed cohorts: every rule of the issue, with exact expected numbers.

tests/outcomes/participants.csv and wages.csv hold one cohort (exits 2023Q1) built so that each
person exercises one rule; quality_*.csv a second one for living-wage, quality-job, mobility and
security rules. Comments give the arithmetic.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "outcomes"
KEY = "test-key-0123456789abcdef"
RULES = HERE / "min_cell_1.toml"
LW_YEAR = 54_538  # Houston, 2A2W2C: MIT $22.56/h × CPI-U Houston 2025/2021 (277.742 / 238.975) = $26.22/h × 2,080


@pytest.fixture(autouse=True)
def hash_key(monkeypatch):
    monkeypatch.setenv("UPWARD_HASH_KEY", KEY)


def run(con, participants="participants.csv", wages="wages.csv", **kw):
    from upward.outcomes.run import run as run_

    kw.setdefault("profile", RULES)
    return run_(HERE / participants, HERE / wages, kw.pop("exit_from", "2023Q1"), kw.pop("exit_to", "2023Q1"), atlas_con=con, **kw)


def cell(result, indicator, **group):
    hits = [r for r in result["records"] if r["indicator"] == indicator and r["group"] == group]
    assert len(hits) == 1, (indicator, group)
    return hits[0]


@pytest.fixture(scope="module")
def main(con):
    with pytest.MonkeyPatch.context() as mp:  # module-scoped: undone when the run is computed
        mp.setenv("UPWARD_HASH_KEY", KEY)
        return run(con, by="sex", program_year=2022)


def test_cohort_exits_and_exclusions(main):
    # in 2023Q1: A (exit Jan 1, first day), B (Mar 31, last day), X1–X5, F, G…N, Z = 17; C (Dec 31) and D (Apr 1) are not
    assert main["run"]["cohort"] == {"exiters": 17, "excluded_exits": 5}  # PIRL 923 = 01…05; F (06 ineligible) stays
    assert cell(main, "employment_rate_q2")["denominator"] == 12


def test_employment_q2_q4(main):
    # 2nd quarter after a 2023Q1 exit is 2023Q3: A (3,000 + 2,000, two employers), B, G, H, I, M, N employed;
    # A's 9,000 in the exit quarter never counts; Z's zero-wage record is not employment; K works only in 2023Q4
    assert cell(main, "employment_rate_q2") | {} == {"indicator": "employment_rate_q2", "group": {}, "numerator": 7, "denominator": 12, "value": round(7 / 12, 6), "suppressed": False}
    # 4th quarter after (2024Q1): only B; A's record that quarter has zero wages
    assert (cell(main, "employment_rate_q4")["numerator"], cell(main, "employment_rate_q4")["denominator"]) == (1, 12)


def test_median_earnings_even_and_odd(main):
    # all seven: 3,000 4,000 4,500 [5,000] 5,500 6,000 7,000 (A = 3,000 + 2,000)
    assert cell(main, "median_earnings_q2")["value"] == 5000.0
    assert cell(main, "median_earnings_q2")["denominator"] == 7
    assert cell(main, "median_earnings_q2")["numerator"] is None
    # men A 5,000, H 6,000, N 4,500 → odd, 5,000; women B 7,000, G 4,000, I 3,000, M 5,500 → (4,000 + 5,500) / 2
    assert cell(main, "median_earnings_q2", sex="male")["value"] == 5000.0
    assert cell(main, "median_earnings_q2", sex="female")["value"] == 4750.0


def test_credential_rate_rules(main):
    # denominator: G, H (occupational skills), J, K, L (education), N (apprenticeship); I (OJT) and M (customized) left out
    # G: dated exit + 365 days → counts; H: + 366 → not; N: before entry → not;
    # J, K, L: secondary diploma — J neither employed nor enrolled → not; K employed 2023Q4 → counts; L enrolled → counts
    c = cell(main, "credential_rate")
    assert (c["numerator"], c["denominator"], c["value"]) == (3, 6, 0.5)


def test_msg_rate_program_year(main):
    # PY 2022 = 2022-07-01 … 2023-06-30; in training during it: G H I J K L M N and P (still active); Q left before it
    # gains in the year: G (Aug 1), I (Jun 30, last day), P; H (Jun 30 2022) and K (Jul 1 2023) fall outside
    c = cell(main, "msg_rate")
    assert (c["numerator"], c["denominator"]) == (3, 9)


def test_earnings_change(main):
    # 2nd quarter before the 2022Q1 entry = 2021Q3. Changes: A 1,000, B 7,000, G 0, H 1,000, I 3,000, M 500, N 0
    assert cell(main, "earnings_change_median")["value"] == 1000.0
    # at least 15%: A (5,000 ≥ 4,600), B (from 0), H (6,000 ≥ 5,750), I (from 0); not G, M (5,500 < 5,750), N
    c = cell(main, "earnings_gain_rate")
    assert (c["numerator"], c["denominator"]) == (4, 7)


def test_breakdown_rows_and_overall_group(main):
    groups = {tuple(sorted(r["group"].items())) for r in main["records"] if r["indicator"] == "employment_rate_q2"}
    assert groups == {(), (("sex", "female"),), (("sex", "male"),)}
    assert cell(main, "employment_rate_q2", sex="female")["denominator"] == 7  # B F G I K M Z


@pytest.fixture(scope="module")
def quality(con):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UPWARD_HASH_KEY", KEY)
        return run(con, "quality_participants.csv", "quality_wages.csv")


def test_quality_job_rules(quality):
    # a quarter's bar is a quarter of the annual living wage: 54,538 / 4 = 13,634.50.
    # Q-1 above it with no SOC; Q-2 above it in 29-1141 (quality tier in Houston); Q-5 above it in
    # total over two jobs, the larger in 29-1141; Q-6 given as Harris County (48201) → Houston.
    # Not: Q-3 (35-3023, low tier), Q-4 one dollar short (13,633.50).
    c = cell(quality, "quality_job_rate_q2")
    assert (c["numerator"], c["denominator"]) == (4, 6)
    assert cell(quality, "quality_job_rate_q4")["numerator"] == 1


def test_living_wage_earnings(quality):
    # E-W 63's proxy. Only Q-1 earns in quarters 1–4 after exit: 4 × 13,734.50 = 54,938 ≥ 54,538
    assert cell(quality, "living_wage_earnings_rate")["numerator"] == 1


def test_economic_mobility_percentile(quality):
    # year 1 after a 2023Q1 exit = 2023Q2–2024Q1; positive earnings per person over the whole file:
    # W 1,000 2,000 3,000 4,000 (W-4: two jobs) 50,000; Q-4 13,633.50; Q-2 Q-3 Q-5 Q-6 13,734.50; Q-1 54,938.
    # 60th percentile of 11 values: position 0.6 × 10 = 6 → 13,734.50, so all but Q-4 reach it
    c = cell(quality, "economic_mobility_rate_1y")
    assert (c["numerator"], c["denominator"]) == (5, 6)


def test_economic_mobility_supplied_threshold(con):
    r = run(con, "quality_participants.csv", "quality_wages.csv", mobility_threshold=20_000)  # annual earnings
    assert cell(r, "economic_mobility_rate_1y")["numerator"] == 1  # Q-1's 54,938
    assert r["run"]["mobility"]["supplied_threshold"] == 20_000


def test_hmac_in_engine_matches_python():
    from upward.outcomes.engines import connect

    eng = connect("duckdb")
    try:
        import ibis

        t = ibis.memtable({"x": ["ID-A", "Ünï", ""]})
        got = eng.con.to_pyarrow(t.mutate(h=eng.hmac(t.x, KEY.encode()))).column("h").to_pylist()
    finally:
        eng.close()
    assert got == [hmac.new(KEY.encode(), x.encode(), hashlib.sha256).hexdigest() for x in ["ID-A", "Ünï", ""]]


def test_refuses_real_data_without_key(con, monkeypatch):
    from upward.errors import UpwardError

    monkeypatch.delenv("UPWARD_HASH_KEY")
    with pytest.raises(UpwardError, match="UPWARD_HASH_KEY"):
        run(con)
    monkeypatch.setenv("UPWARD_HASH_KEY", "short")
    with pytest.raises(UpwardError, match="too short"):
        run(con)


def test_quarter_and_by_errors(con):
    from upward.errors import UpwardError

    with pytest.raises(UpwardError, match="not a quarter"):
        run(con, exit_from="2023-01")
    with pytest.raises(UpwardError, match="unknown dimension"):
        run(con, by="gender")
    with pytest.raises(UpwardError, match="one dimension or two"):
        run(con, by="sex,area,program")


def test_quality_tiers_equal_quality_table(con):
    from upward import profiles
    from upward.analysis.quality import quality_table
    from upward.outcomes.run import quality_tiers

    prof = profiles.load()
    areas = ["0026420", "0100001", "0025540", "4800000"]  # Houston, a nonmetro, Hartford (CT: state living wage), Texas
    ref = quality_table(con, prof, areas)[["area_code", "occ_code", "tier"]].sort_values(["area_code", "occ_code"]).reset_index(drop=True)
    lean = quality_tiers(con, prof)
    lean = lean[lean.area_code.isin(areas)][["area_code", "occ_code", "tier"]].sort_values(["area_code", "occ_code"]).reset_index(drop=True)
    assert ref.equals(lean)


def test_engine_failure_never_quotes_the_engine_message(con, monkeypatch):
    from upward.errors import UpwardError
    from upward.outcomes import indicators

    def boom(*a, **k):
        raise RuntimeError("Conversion Error: could not convert 'ID-A' to INT32")

    monkeypatch.setattr(indicators, "exiters", boom)
    with pytest.raises(UpwardError) as e:
        run(con)
    assert "ID-A" not in str(e.value) and "RuntimeError" in str(e.value) and "UPWARD_DEBUG" in str(e.value)
