"""The rules that pick a region's recommended actions (upward.analysis.actions), on hand-built results."""

from __future__ import annotations

from hypothesis import given, strategies as st

from upward.analysis import actions


def _job(code, *, jtm=True, openings=None, composite=50.0, lq=None, talent=None, tier="quality"):
    return {"occ_code": code, "jtm": jtm, "openings": openings, "composite": composite, "loc_quotient": lq, "untapped_talent": talent, "tier": tier}


def _occ(code, *, jtm=True, flag="balanced", completions=0, route="education"):
    return {"occ_code": code, "jtm": jtm, "supply_flag": flag, "related_completions": completions, "training_route": route}


def test_each_asset_is_a_different_occupation_in_rule_order():
    jobs = {"jobs": [
        _job("11-1111", openings=900, lq=2.0, talent=5_000),   # wins A1, A3 and A4 alone
        _job("22-2222", openings=100, lq=1.5, talent=4_000),
        _job("33-3333", openings=50, lq=0.8),                   # lq below 1: never a specialism
    ]}
    align = {"occupations": [_occ("11-1111", completions=500), _occ("33-3333", completions=40), _occ("44-4444", jtm=False, completions=900)]}
    picked = actions.assets(jobs, align)
    assert [(rule, row["occ_code"]) for rule, _, row in picked] == [("A1", "11-1111"), ("A2", "33-3333"), ("A3", "22-2222")]
    assert [i for _, i, _ in picked] == [0, 1, 1]  # A2's index is into alignment's occupations


def test_ties_break_on_the_composite_and_the_quality_rule_fills_in_without_jtms():
    jobs = {"jobs": [_job("11-1111", openings=100, composite=40.0), _job("22-2222", openings=100, composite=60.0)]}
    assert actions.assets(jobs, {"occupations": []})[0][2]["occ_code"] == "22-2222"
    no_jtm = {"jobs": [_job("11-1111", jtm=False, openings=10), _job("22-2222", jtm=False, openings=30), _job("33-3333", jtm=False, openings=99, tier="low")]}
    assert [(r, row["occ_code"]) for r, _, row in actions.assets(no_jtm, {"occupations": []})] == [("A5", "22-2222")]


@given(st.permutations(range(5)))
def test_the_picks_never_depend_on_row_order(order):
    base = [_job(f"1{k}-0000", openings=100 + 10 * (k % 2), lq=1 + k / 10, talent=k * 100 or None, composite=float(k)) for k in range(5)]
    want = [(r, row["occ_code"]) for r, _, row in actions.assets({"jobs": base}, {"occupations": []})]
    got = [(r, row["occ_code"]) for r, _, row in actions.assets({"jobs": [base[i] for i in order]}, {"occupations": []})]
    assert got == want


def test_a_step_learned_at_work_or_in_an_apprenticeship_is_never_a_missing_program():
    align = {"occupations": [_occ("29-2061", route="education"), _occ("47-2111", route="apprenticeship"), _occ("41-1011", route="learned at work")]}
    steps = [
        {"to": "29-2061", "to_title": "LPNs", "training_count": 0},
        {"to": "47-2111", "to_title": "Electricians", "training_count": 0},
        {"to": "41-1011", "to_title": "Retail supervisors", "training_count": 0},
        {"to": "29-1141", "to_title": "RNs", "training_count": 3},
    ]
    untrained, at_work = actions.steps_without_programs(steps, align)
    assert untrained == ["LPNs"]  # a programme is how people enter it, and none here trains for it
    assert at_work == ["Electricians", "Retail supervisors"]  # apprenticeship and work: no programme gap


def test_gaps_reviews_and_baselines():
    assert actions.skill_gap({"elements": [{"gap": -0.1}, {"gap": 2.0}]}) is None  # biggest first: no positive gap
    assert actions.skill_gap({"elements": [{"gap": 0.5, "x": 1}]}) == (0, {"gap": 0.5, "x": 1})
    cands = {"phase_out_candidates": [{"program_id": 7, "local_completions": 20}, {"program_id": 3, "local_completions": 20},
                                      {"program_id": 9, "local_completions": None}]}
    assert actions.program_to_review(cands)[0] == 0  # the tie breaks on the program id
    assert actions.program_to_review({"phase_out_candidates": [{"program_id": 1, "local_completions": 0}]}) is None
    run = {"records": [{"indicator": "employment_rate_q2", "group": None}, {"indicator": "quality_job_rate_q2", "group": "sex"},
                       {"indicator": "quality_job_rate_q2", "group": None}]}
    assert actions.outcome_baseline(run)[0] == 2
    assert actions.outcome_baseline({"records": run["records"][:2]})[0] == 0
    assert actions.outcome_baseline(None) is None
