"""Transitions, pathways and feeders: O*NET values in, the documented rules out, the search exact."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from upward import profiles
from upward.analysis.mobilize import scored_table
from upward.analysis.pathways import SCHEMA, feeders, k_best_paths, pathways, region
from upward.analysis.transitions import gap_matrix, transitions

HOUSTON = "0026420"
FRESNO = "0023420"
NA, LPN, RN = "31-1131", "29-2061", "29-1141"


@pytest.fixture(scope="module")
def profile():
    return profiles.load()


@pytest.fixture(scope="module")
def model(con, profile):
    return transitions(con, profile)


def _rating(con, occ, element, scale):
    return con.execute(
        "select value from descriptors where occ_code = ? and element_id = ? and scale_id = ?", [occ, element, scale]
    ).fetchone()[0]


# --- the transition model ---------------------------------------------------------------------------


def test_known_onet_values_flow_into_the_skills_to_gain(con, model):
    gains = model.skills_to_gain(NA, RN, top=None)
    assert gains, "a nursing assistant has skills to gain to be a registered nurse"
    for g in gains:
        assert g["required_level"] == pytest.approx(_rating(con, RN, g["element_id"], "LV"), abs=0.005)
        assert g["current_level"] == pytest.approx(_rating(con, NA, g["element_id"], "LV"), abs=0.005)
        assert g["importance"] == pytest.approx(_rating(con, RN, g["element_id"], "IM"), abs=0.005)
        assert g["required_level"] > g["current_level"]
    # biggest importance-weighted shortfall first
    weights = [(g["importance"] - 1) / 4 * (g["required_level"] - g["current_level"]) for g in gains]
    assert weights == sorted(weights, reverse=True)


def test_gap_is_the_documented_formula_on_a_real_pair(con, model):
    rows = con.execute(
        """select b.element_id, a.lv, b.lv, b.im from
             (select element_id, max(value) filter (where scale_id = 'LV') lv from descriptors
              where occ_code = ? and domain in ('skills', 'knowledge') group by element_id) a
           join (select element_id, max(value) filter (where scale_id = 'LV') lv, max(value) filter (where scale_id = 'IM') im
                 from descriptors where occ_code = ? and domain in ('skills', 'knowledge') group by element_id) b using (element_id)""",
        [NA, RN],
    ).fetchall()
    num = sum((im - 1) / 4 * max(0.0, lb - la) for _, la, lb, im in rows)
    den = sum((im - 1) / 4 for *_, im in rows)
    assert model.gap[model.index[NA], model.index[RN]] == pytest.approx(num / den)
    # asymmetric: the nurse has far less to learn to do the assistant's job than the reverse
    assert model.gap[model.index[RN], model.index[NA]] < model.gap[model.index[NA], model.index[RN]] / 3


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.integers(1, 8), st.data())
def test_gap_is_zero_where_a_dominates_b(n, e, data):
    level = np.array(data.draw(st.lists(st.lists(st.floats(0, 7), min_size=e, max_size=e), min_size=n, max_size=n)))
    importance = np.array(data.draw(st.lists(st.lists(st.floats(1, 5), min_size=e, max_size=e), min_size=n, max_size=n)))
    extra = np.array(data.draw(st.lists(st.floats(0, 3), min_size=e, max_size=e)))
    level = np.vstack([level, level[0] + extra])  # the last row dominates row 0 on every element
    importance = np.vstack([importance, importance[0]])
    gaps = gap_matrix(level, importance, block=2)
    assert np.all(np.nan_to_num(gaps) >= 0)
    assert np.allclose(np.nan_to_num(np.diag(gaps)), 0)
    assert np.nan_to_num(gaps[-1, 0]) == pytest.approx(0.0)


def test_viability_follows_the_profile(model, profile):
    viable = model.viable()
    jz, edu = model.steps_up()
    sim = model.sim.matrix
    assert not viable.diagonal().any()
    assert np.all(sim[viable] >= model.calibration.viable)
    assert not np.any(jz[viable] > profile.get("pathways.max_job_zone_step"))
    assert not np.any(edu[viable] > profile.get("pathways.max_education_step"))
    assert model.viability(NA, LPN) in ("viable", "highly viable")
    # the reverse of a climb is no climb, so asymmetry shows in viability too
    one_way = viable & ~viable.T
    assert one_way.sum() > 100


# --- the path search --------------------------------------------------------------------------------


def _brute(cost: np.ndarray, origin: int, targets: np.ndarray, max_steps: int) -> list[tuple[float, list[int]]]:
    n = len(cost)
    out = []
    for steps in range(1, max_steps + 1):
        for mid in itertools.permutations([i for i in range(n) if i != origin], steps):
            path = [origin, *mid]
            if not targets[path[-1]]:
                continue
            c = sum(cost[a, b] for a, b in zip(path, path[1:]))
            if np.isfinite(c):
                out.append((float(c), path))
    return sorted(out, key=lambda t: (t[0], t[1]))


def _graph(data, n):
    cells = data.draw(st.lists(st.one_of(st.just(np.inf), st.floats(-1, 2)), min_size=n * n, max_size=n * n))
    cost = np.array(cells, float).reshape(n, n)
    np.fill_diagonal(cost, np.inf)
    targets = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    return cost, targets


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 6), st.integers(1, 3), st.integers(1, 4), st.data())
def test_k_best_paths_match_brute_force(n, max_steps, k, data):
    cost, targets = _graph(data, n)
    got = k_best_paths(lambda i: cost[i], 0, targets, max_steps, k)
    want = _brute(cost, 0, targets, max_steps)[:k]
    assert [round(c, 9) for c, _ in got] == [round(c, 9) for c, _ in want]
    for c, path in got:
        assert len(set(path)) == len(path) and targets[path[-1]] and path[0] == 0
        assert c == pytest.approx(sum(cost[a, b] for a, b in zip(path, path[1:])))


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 6), st.integers(1, 3), st.data())
def test_adding_a_better_step_never_worsens_the_best_path(n, max_steps, data):
    cost, targets = _graph(data, n)
    a = data.draw(st.integers(0, n - 1))
    b = data.draw(st.integers(0, n - 1).filter(lambda x: x != a))
    better = cost.copy()
    better[a, b] = min(cost[a, b], data.draw(st.floats(-1, 2)))
    before = k_best_paths(lambda i: cost[i], 0, targets, max_steps, 1)
    after = k_best_paths(lambda i: better[i], 0, targets, max_steps, 1)
    if before:
        assert after and after[0][0] <= before[0][0] + 1e-12


# --- pathways in a region ---------------------------------------------------------------------------


@pytest.mark.parametrize("origin", [NA, "41-2011", "35-2014", "43-4051", "53-3032"])
def test_no_pathway_step_violates_the_profile(con, profile, model, origin):
    r = pathways(con, HOUSTON, origin, profile)
    reg = region(con, HOUSTON, profile)
    jtms = set(np.array(model.codes)[reg.jtm])
    assert r["schema"] == SCHEMA and r["pathways"], origin
    costs = [p["cost"] for p in r["pathways"]]
    assert costs == sorted(costs) and len(costs) <= profile.get("pathways.top")
    for p in r["pathways"]:
        assert p["target"] in jtms and p["target_is_jtm"]
        assert 1 <= p["step_count"] == len(p["steps"]) <= profile.get("pathways.max_steps")
        visited = [origin] + [s["to"] for s in p["steps"]]
        assert len(set(visited)) == len(visited)
        assert p["cost"] == pytest.approx(sum(s["cost"] for s in p["steps"]), abs=1e-3)
        for s in p["steps"]:
            i, j = model.index[s["from"]], model.index[s["to"]]
            assert model.sim.matrix[i, j] >= model.calibration.viable
            assert s["median_wage"]["to"] >= profile.get("pathways.min_step_wage_ratio") * s["median_wage"]["from"] - 1
            assert not (model.job_zone[j] - model.job_zone[i] > profile.get("pathways.max_job_zone_step"))
            assert not (model.education[j] - model.education[i] > profile.get("pathways.max_education_step"))
            assert s["desirable"] == (s["median_wage"]["change"] >= profile.get("pathways.min_wage_gain"))
            assert "All Other" not in (s["to_title"] or "")
            assert s["cost"] == pytest.approx(sum(s["cost_parts"].values()), abs=1e-3)


def test_a_step_carries_its_wage_skills_and_regional_training(con, profile):
    r = pathways(con, FRESNO, NA, profile, to_occ=RN)
    one = next(p for p in r["pathways"] if p["step_count"] == 1)
    s = one["steps"][0]
    wage = dict(con.execute("select occ_code, a_median from wages where area_code = ?", [FRESNO]).fetchall())
    assert s["median_wage"]["from"] == round(wage[NA]) and s["median_wage"]["to"] == round(wage[RN])
    assert s["median_wage"]["change"] == pytest.approx(wage[RN] / wage[NA] - 1, abs=1e-4)
    assert "51.3801" in s["cip_codes"]  # Registered Nursing, via CIP–SOC
    assert s["training_count"] > 0 and all(t["cip_code"] in s["cip_codes"] or t["stated_target"] for t in s["training"])
    assert s["skills_to_gain"] and s["skill_gap"] > 0


def test_named_target_outside_the_region_is_refused(con, profile):
    from upward.errors import UpwardError

    with pytest.raises(UpwardError, match="not scored in area"):
        pathways(con, HOUSTON, NA, profile, to_occ="45-3031")  # fishing and hunting workers


# --- feeders and the accessibility pillar -----------------------------------------------------------


def test_feeders_are_viable_lower_paid_and_wired_into_untapped_talent(con, profile, model):
    target = "29-2034"  # radiologic technologists
    r = feeders(con, HOUSTON, target, profile, top=None)
    one = [f for f in r["feeders"] if f["steps"] == 1]
    assert one and r["one_step"]["occupations"] == len(one)
    for f in one:
        assert model.viable()[model.index[f["soc"]], model.index[target]]
        assert f["median_wage"] < r["occupation"]["median_wage"]
    for f in r["feeders"]:
        if f["steps"] == 2:
            assert model.viable()[model.index[f["soc"]], model.index[f["via"]]] and model.viable()[model.index[f["via"]], model.index[target]]
    table = scored_table(con, profile, [HOUSTON]).set_index("occ_code")
    assert table.loc[target, "untapped_talent"] == pytest.approx(r["one_step"]["workers"], abs=1)


# --- CLI --------------------------------------------------------------------------------------------


def test_paths_cli_json_csv_and_text(cli):
    rc, out, err = cli("paths", "--from", NA, "--region", "fresno", "--to", RN, "--max-steps", "2", "--top", "3", "--json")
    assert rc == 0, err
    r = json.loads(out)
    assert r["schema"] == SCHEMA and r["to"]["soc"] == RN and r["max_steps"] == 2
    assert {"rank", "cost", "target", "steps", "wage_change", "step_count"} <= set(r["pathways"][0])
    assert all(p["target"] == RN and p["step_count"] <= 2 for p in r["pathways"])
    rc, out, _ = cli("paths", "--from", NA, "--region", "fresno", "--to", RN, "--top", "2", "--csv")
    head = out.splitlines()[0].split(",")
    assert rc == 0 and {"path_rank", "step", "from", "to", "wage_change", "skills_to_gain", "bundle", "profile_hash"} <= set(head)
    rc, out, _ = cli("paths", "--from", "nursing assistants", "--region", "fresno", "--top", "1")
    assert rc == 0 and "From Nursing Assistants" in out and "skills to gain" in out
    rc, _, err = cli("paths", "--from", NA, "--region", "fresno", "--json", "--csv")
    assert rc == 1 and "one of --json and --csv" in err


def test_feeders_cli(cli):
    rc, out, err = cli("feeders", "29-2034", "--region", HOUSTON, "--top", "5", "--json")
    assert rc == 0, err
    r = json.loads(out)
    assert len(r["feeders"]) == 5 and r["one_step"]["workers"] > 0
    rc, out, _ = cli("feeders", "29-2034", "--region", HOUSTON, "--top", "5")
    assert rc == 0 and "one step away" in out


def test_next_steps_are_viable_ranked_by_the_prior(con, profile, model):
    from upward.analysis.pathways import next_steps
    from upward.analysis.transitions import prior_scores

    r = next_steps(con, HOUSTON, "41-2011", profile, top=8)
    steps = r["next_steps"]
    assert len(steps) == 8 and [s["score"] for s in steps] == sorted((s["score"] for s in steps), reverse=True)
    i = model.index["41-2011"]
    for s in steps:
        assert model.viable()[i, model.index[s["soc"]]] and s["median_wage"] >= 0.95 * r["from"]["median_wage"] - 1
    # the prior is the documented formula: z(similarity) + employment·z(ln emp) − job_zone_up·climb
    sim = np.array([[1.0, 0.5, 0.2], [0.5, 1.0, 0.8], [0.2, 0.8, 1.0]])
    got = prior_scores(sim, np.array([100.0, 1000.0, 10.0]), np.array([1.0, 2.0, 4.0]), {"employment": 1.0, "job_zone_up": 0.5})
    off = np.array([0.5, 0.2, 0.5, 0.8, 0.2, 0.8])
    le = np.log([100.0, 1000.0, 10.0])
    z_emp = (le - le.mean()) / le.std()
    assert got[0, 1] == pytest.approx((0.5 - off.mean()) / off.std() + z_emp[1] - 0.5 * 1.0)
    assert got[1, 0] == pytest.approx((0.5 - off.mean()) / off.std() + z_emp[0])  # stepping down: no climb
    assert np.isnan(got[0, 0])


def test_next_cli(cli):
    rc, out, err = cli("next", "cashiers", "--region", HOUSTON, "--top", "5", "--json")
    assert rc == 0, err
    assert len(json.loads(out)["next_steps"]) == 5
