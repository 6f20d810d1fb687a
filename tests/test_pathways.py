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
from upward.analysis.evidence import LEVELS, Evidence
from upward.analysis.pathways import SCHEMA, Found, feeders, pathways, region, search
from upward.analysis.requirements import Requirements
from upward.analysis.transitions import OBSERVED, gap_matrix, line_of_work, study_years, supervised_by, transitions

HOUSTON = "0026420"
FRESNO = "0023420"
CHICAGO = "0016980"
EAST_KY = "2100004"
NA, LPN, RN = "31-1131", "29-2061", "29-1141"
EMT, PARAMEDIC = "29-2042", "29-2043"


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


# --- the step rules, on hand-made occupations ---------------------------------------------------------


def _req(rows, shares=(), related=(), specific=(), industries=None):
    """Requirements for hand-made occupations: (code, education, ojt, experience[, certificate years])."""
    from upward.analysis.requirements import DEGREE_YEARS, EDUCATION_YEARS, EXPERIENCE_YEARS, OJT_YEARS
    from upward.profiles import EDUCATION_LEVELS

    codes = [r[0] for r in rows]
    n = len(codes)
    kind = ["degree" if r[1] in DEGREE_YEARS else "certificate" if r[1] in ("Postsecondary nondegree award", "Some college, no degree") else "none" for r in rows]
    cred = [DEGREE_YEARS.get(r[1], 0.0) if k == "degree" else (r[4] if len(r) > 4 else 1.0) if k == "certificate" else 0.0 for r, k in zip(rows, kind)]
    share = np.eye(n, dtype=bool)
    for a, b in shares:
        share[codes.index(a), codes.index(b)] = share[codes.index(b), codes.index(a)] = True
    rel = np.zeros((n, n), dtype=np.int8)
    for a, b, tier in related:
        rel[codes.index(a), codes.index(b)] = tier
    major = np.array([c[:2] + "-0000" for c in codes], dtype=object)
    minor = np.array([c[:4] + "000" for c in codes], dtype=object)
    broad = np.array([c[:6] + "0" for c in codes], dtype=object)
    sup = np.array([m[:3] + "1000" == mi and int(c[:2]) >= 33 for c, m, mi in zip(codes, major, minor)])
    return Requirements(
        codes, [r[1] for r in rows], np.array([EDUCATION_LEVELS.index(r[1]) for r in rows], float),
        np.array([EDUCATION_YEARS[r[1]] for r in rows]), np.array(cred), kind, [r[2] for r in rows],
        np.array([OJT_YEARS[r[2]] for r in rows]), [r[3] for r in rows], np.array([EXPERIENCE_YEARS[r[3]] for r in rows]),
        major, minor, broad, sup, share, np.full(n, 1000.0), np.isin(codes, list(specific)),
        np.ones((n, 1), dtype=np.float32) if industries is None else np.asarray(industries, dtype=np.float32), rel,
    )


def _evidence(codes, shares=None, same=()):
    n = len(codes)
    share = np.zeros((n, n)) if shares is None else np.asarray(shares, float)
    same_group = np.eye(n, dtype=bool)
    for a, b in same:
        same_group[codes.index(a), codes.index(b)] = same_group[codes.index(b), codes.index(a)] = True
    share = np.where(same_group, np.nan, share)
    return Evidence(codes, share, same_group, np.ones(n, dtype=bool), 0.01, 0.001)


HS, NONE_, NODEG, ASSOC, BACH, MAST, DOC = ("High school diploma or equivalent", "No formal educational credential",
                                           "Postsecondary nondegree award", "Associate's degree", "Bachelor's degree",
                                           "Master's degree", "Doctoral or professional degree")


def test_study_a_credential_asks_is_its_own_unless_a_programme_leads_to_both():
    req = _req(specific=["29-1141", "25-2021"], rows=[
        ("31-1131", NODEG, "None", "None", 0.4),   # nursing assistant: a short certificate
        ("29-2061", NODEG, "None", "None", 1.4),   # LPN: its own, longer certificate
        ("29-2042", NODEG, "None", "None", 0.5),   # EMT
        ("29-2043", NODEG, "None", "Less than 5 years", 1.2),  # paramedic: one programme leads to both
        ("29-1141", BACH, "None", "None"),
        ("29-1122", MAST, "None", "None"),
        ("29-1041", DOC, "None", "None"),
        ("29-1021", DOC, "None", "None"),
        ("53-7062", NONE_, "Short-term on-the-job training", "None"),
        ("29-2034", ASSOC, "None", "None"),
        ("25-2021", BACH, "None", "None"),         # elementary teachers: a bachelor's in education
        ("13-1071", BACH, "None", "None"),         # HR specialists: any bachelor's
        ("21-1021", BACH, "None", "None"),
    ], shares=[("29-2042", "29-2043")])
    study = study_years(req)
    at = lambda a, b: study[req.codes.index(a), req.codes.index(b)]  # noqa: E731
    assert at("31-1131", "29-2061") == pytest.approx(1.4)   # same level, a different certificate: its full length
    assert at("29-2042", "29-2043") == 0.0                  # the shared programme already qualifies
    assert at("53-7062", "29-2042") == pytest.approx(0.5)   # a certificate's measured length, not a year of college
    assert at("31-1131", "29-1141") == pytest.approx(3.0)   # bachelor's: the climb from a nondegree award (4 − 1)
    assert at("29-1141", "29-1122") == pytest.approx(2.0)   # a master's beyond the bachelor's
    assert at("29-1021", "29-1041") == pytest.approx(4.0)   # a dentist is no optometrist: the doctorate's own length
    assert at("29-1141", "29-2034") == pytest.approx(2.0)   # an associate's in another field takes its two years
    assert at("29-2061", "53-7062") == 0.0                  # no credential asked
    assert at("21-1021", "25-2021") == pytest.approx(2.0)   # a teaching degree after another bachelor's
    assert at("21-1021", "13-1071") == 0.0                  # a bachelor's in any field serves


def _supervision_fixture():
    rows = [
        ("33-1011", HS, "None", "Less than 5 years"), ("33-1012", HS, "None", "Less than 5 years"),
        ("33-1021", NODEG, "None", "Less than 5 years"), ("33-1091", HS, "None", "Less than 5 years"),
        ("33-2011", NODEG, "None", "None"), ("33-2021", NODEG, "None", "None"),
        ("33-3012", HS, "None", "None"), ("33-3051", HS, "None", "None"),
        ("33-9032", HS, "None", "None"), ("33-9092", HS, "None", "None"),
        ("39-9032", HS, "None", "None"),
    ]
    codes = [r[0] for r in rows]
    sim = np.full((len(rows), len(rows)), 0.6)
    close = {("33-2011", "33-1021"): 0.9, ("33-2021", "33-1021"): 0.85, ("33-3012", "33-1011"): 0.9, ("33-3051", "33-1012"): 0.88,
             ("33-3051", "33-1021"): 0.84, ("33-9032", "33-1091"): 0.85, ("33-9092", "33-1021"): 0.80, ("33-9092", "33-1091"): 0.70,
             ("39-9032", "33-1021"): 0.80, ("33-1091", "33-1021"): 0.8}
    for (a, b), v in close.items():
        sim[codes.index(a), codes.index(b)] = sim[codes.index(b), codes.index(a)] = v
    np.fill_diagonal(sim, 1.0)
    return rows, codes, sim


def test_a_supervisor_supervises_the_workers_of_its_group_not_its_peers_or_strangers():
    rows, codes, sim = _supervision_fixture()
    req = _req(rows, related=[("33-1021", "33-1091", 1), ("33-1021", "33-3051", 3)])
    sup = supervised_by(req, sim)
    by = lambda a, b: bool(sup[codes.index(a), codes.index(b)])  # noqa: E731
    assert by("33-2011", "33-1021") and by("33-2021", "33-1021")   # fire fighting workers → fire supervisors
    assert by("33-3012", "33-1011") and by("33-3051", "33-1012")   # law enforcement → their own supervisors
    assert not by("33-3051", "33-1021")  # police officers are close to fire captains but their group is law enforcement
    assert by("33-9032", "33-1091")      # other protective service → security supervisors (their group's best fit)
    assert not by("33-9092", "33-1021")  # lifeguards' group (33-9000) belongs to the security supervisors
    assert not by("39-9032", "33-1021")  # another major group is never supervised here
    related, reason = line_of_work(req, sim, _evidence(codes))
    assert not related[codes.index("33-1091"), codes.index("33-1021")]  # an O*NET peer supervisor is not the line of work
    assert not related[codes.index("33-3051"), codes.index("33-1021")]  # nor a Supplemental O*NET link into a supervisor
    assert related[codes.index("33-2011"), codes.index("33-1021")]


def _model_for(req, sim, ev, max_study=3.0, viable=0.7):
    """The allowed matrix by transitions()'s rules, on hand-made inputs (no atlas)."""
    from upward.analysis.transitions import LEVELS as _L  # noqa: F401

    from upward.analysis.requirements import industry_overlap

    related, _ = line_of_work(req, sim, ev)
    study = study_years(req)
    levels = ev.levels()
    observed = np.isin(levels, [LEVELS.index(v) for v in OBSERVED])
    family = req.major[:, None] == req.major[None, :]
    n = len(req.codes)
    experienced = related & (industry_overlap(req.industry_mix, np.arange(n), np.arange(n)) >= 0.4)
    allowed = (sim >= viable) & (study <= max_study) & ((req.experience_years[None, :] == 0) | experienced) & (observed | related | family)
    np.fill_diagonal(allowed, False)
    return allowed


def test_the_gates_experience_study_and_evidence():
    rows = [
        ("53-7062", NONE_, "Short-term on-the-job training", "None"),
        ("53-1047", HS, "None", "Less than 5 years"),
        ("33-1021", NODEG, "None", "Less than 5 years"),
        ("43-4071", HS, "None", "None"),             # file clerks
        ("33-3051", HS, "Moderate-term on-the-job training", "None"),
        ("29-1122", MAST, "None", "None"),
        ("31-1131", NODEG, "None", "None", 0.4),
    ]
    codes = [r[0] for r in rows]
    req = _req(rows)
    sim = np.full((len(rows), len(rows)), 0.8)
    np.fill_diagonal(sim, 1.0)
    shares = np.zeros(sim.shape)  # nobody is seen making these moves (file clerk → police officer among them) …
    shares[codes.index("31-1131"), codes.index("53-7062")] = 0.05  # … except this one
    allowed = _model_for(req, sim, _evidence(codes, shares))
    ok = lambda a, b: bool(allowed[codes.index(a), codes.index(b)])  # noqa: E731
    assert ok("53-7062", "53-1047")           # laborers are supervised by transportation supervisors
    assert not ok("53-1047", "33-1021")       # a transportation supervisor has no firefighting experience
    assert not ok("53-7062", "33-1021")
    assert not ok("43-4071", "33-3051")       # similar on paper, never observed, another line of work
    assert not ok("31-1131", "29-1122")       # a master's from a certificate is five years of study
    assert ok("31-1131", "53-7062")


def test_experience_counts_only_with_the_same_kind_of_employers():
    rows = [("11-9111", BACH, "None", "Less than 5 years"), ("29-1141", BACH, "None", "None"), ("13-1071", BACH, "None", "None")]
    codes = [r[0] for r in rows]
    # industry mixes (hospitals, physicians' offices, everything else): HR specialists work everywhere
    mix = [[0.6, 0.3, 0.1], [0.7, 0.2, 0.1], [0.1, 0.05, 0.85]]
    req = _req(rows, related=[("11-9111", "29-1141", 3), ("11-9111", "13-1071", 3)], industries=mix)
    sim = np.full((3, 3), 0.8)
    allowed = _model_for(req, sim, _evidence(codes, np.full((3, 3), 0.05)))
    assert allowed[codes.index("29-1141"), codes.index("11-9111")]      # overlap 0.9
    assert not allowed[codes.index("13-1071"), codes.index("11-9111")]  # overlap 0.25: related on paper, not in the same workplaces
    from upward.analysis.requirements import industry_overlap

    got = industry_overlap(req.industry_mix, np.array([2]), np.array([0]))
    assert got[0, 0] == pytest.approx(0.1 + 0.05 + 0.1)


def _brute(steps, years, weight, origin, targets, max_steps):
    n = len(steps)
    out = []
    for k in range(1, max_steps + 1):
        for mid in itertools.permutations([i for i in range(n) if i != origin], k):
            path = [origin, *mid]
            if targets[path[-1]] and all(steps[a, b] for a, b in zip(path, path[1:])):
                out.append(Found(tuple(path), float(sum(years[a, b] for a, b in zip(path, path[1:]))),
                                 float(min(weight[a, b] for a, b in zip(path, path[1:])))))
    return out


def _score(f, gain):
    return gain[f.nodes[-1]] / f.years * f.weight


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 6), st.integers(1, 3), st.integers(1, 4), st.data())
def test_search_finds_the_best_pathways_brute_force_finds(n, max_steps, k, data):
    steps = np.array(data.draw(st.lists(st.booleans(), min_size=n * n, max_size=n * n))).reshape(n, n)
    np.fill_diagonal(steps, False)
    years = np.array(data.draw(st.lists(st.sampled_from([1.0, 1.5, 2.0, 4.0]), min_size=n * n, max_size=n * n))).reshape(n, n)
    weight = np.array(data.draw(st.lists(st.sampled_from([0.3, 0.6, 1.0]), min_size=n * n, max_size=n * n))).reshape(n, n)
    targets = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    gain = np.array(data.draw(st.lists(st.floats(1, 100), min_size=n, max_size=n)))
    got = search(lambda i: steps[i], years, weight, 0, targets, max_steps, keep=k + max_steps)
    want = _brute(steps, years, weight, 0, targets, max_steps)
    best = lambda fs: sorted(round(_score(f, gain), 9) for f in fs)[::-1][:k]  # noqa: E731
    assert best(got) == best(want)
    fastest = lambda fs: sorted(f.years for f in fs)[:k]  # noqa: E731
    assert fastest(got) == fastest(want)
    for f in got:
        assert len(set(f.nodes)) == len(f.nodes) and targets[f.nodes[-1]] and f.nodes[0] == 0
        assert all(steps[a, b] for a, b in zip(f.nodes, f.nodes[1:]))


def test_variety_caps_each_target_and_drops_dominated_detours():
    from upward.analysis.pathways import choose

    def c(nodes, years, weight):
        return {"_nodes": nodes, "years": years, "_weight": weight}

    ranked = [c((0, 5), 1.0, 1.0), c((0, 2, 5), 2.0, 1.0),   # a slower, no better observed detour to 5: dropped
              c((0, 3, 5), 1.5, 1.0), c((0, 6), 1.0, 0.6),    # dominated as well; another target
              c((0, 4, 6), 1.5, 1.0),                          # slower but better observed: kept
              c((0, 7, 6), 1.0, 1.0),                          # a third to 6: over the cap
              c((0, 8), 3.0, 0.3), c((0, 9), 3.0, 0.3)]
    got = [x["_nodes"] for x in choose(ranked, top=4, per_target=2)]
    assert got == [(0, 5), (0, 6), (0, 4, 6), (0, 8)]
    assert [x["_nodes"] for x in choose(ranked, top=3, per_target=None)] == [(0, 5), (0, 2, 5), (0, 3, 5)]  # --to: no cap


# --- the transition model on the atlas ----------------------------------------------------------------


def test_the_atlas_model_keeps_every_rule(model, profile):
    allowed = model.allowed
    sim = model.sim.matrix
    jz, _ = model.steps_up()
    assert not allowed.diagonal().any()
    assert np.all(sim[allowed] >= model.calibration.viable)
    assert not np.any(jz[allowed] > profile.get("pathways.max_job_zone_step"))
    assert np.all(model.study[allowed] <= profile.get("pathways.max_study_years"))
    needs_exp = np.broadcast_to(model.req.experience_years[None, :] > 0, allowed.shape)
    assert np.all(model.related[allowed & needs_exp])
    levels = model.ev.levels()
    observed = np.isin(levels, [LEVELS.index(v) for v in OBSERVED])
    family = model.req.major[:, None] == model.req.major[None, :]
    assert np.all((observed | model.related | family)[allowed])
    assert not np.any((model.overlap < profile.get("pathways.experience_overlap"))[allowed & needs_exp])
    assert model.viability(NA, LPN) in ("viable", "highly viable")
    assert (allowed & ~allowed.T).sum() > 100  # steps up are not steps down


def test_unrated_occupations_take_their_related_occupations_ratings(con, model):
    """EMTs have no O*NET ratings: their skills are the mean of O*NET's rated Primary-Short relatives."""
    rel = [r[0] for r in con.execute(
        """select r.related_occ from occupation_related r where r.occ_code = ? and r.tier = 'Primary-Short'
           and exists (select 1 from descriptors d where d.occ_code = r.related_occ and d.domain = 'skills'
                       and d.method in ('onet_rollup', 'oews_aggregate', 'not_in_oews'))""", [EMT]).fetchall()]
    assert RN in rel and len(rel) >= 3
    vals = [_rating(con, c, "2.B.1.a", "LV") for c in rel]  # Social Perceptiveness
    got = con.execute("select value, method, n_soc_codes from descriptors where occ_code = ? and element_id = '2.B.1.a' and scale_id = 'LV'", [EMT]).fetchone()
    assert got[0] == pytest.approx(sum(vals) / len(vals)) and got[1] == "related_occupations" and got[2] == len(rel)
    assert EMT in model.index and PARAMEDIC in model.index


def test_cps_evidence_is_the_movers_share_of_the_origin_group(con, model):
    """Nursing assistants (CPS group 31-1010) → LPNs (29-2060): probability ÷ (1 − staying)."""
    p, stay = (con.execute("select probability from cps_transitions where source = '31-1010' and target = ?", [t]).fetchone()[0]
               for t in ("29-2060", "31-1010"))
    assert model.ev.share[model.index[NA], model.index[LPN]] == pytest.approx(p / (1 - stay))
    assert model.ev.level(model.index[NA], model.index[LPN]) == "commonly observed"
    assert model.ev.level(model.index[EMT], model.index[PARAMEDIC]) == "same CPS group"  # SOC 2010 had one code for both


# --- pathways in real regions --------------------------------------------------------------------------


@pytest.mark.parametrize("area,origin", [(HOUSTON, NA), (HOUSTON, "41-2011"), (CHICAGO, "53-7062"), (CHICAGO, "35-2014"), (EAST_KY, "43-4051")])
def test_every_pathway_step_keeps_the_rules(con, profile, model, area, origin):
    r = pathways(con, area, origin, profile, with_training=False)
    reg = region(con, area, profile)
    jtms = set(np.array(model.codes)[reg.jtm])
    assert r["schema"] == SCHEMA and r["pathways"], origin
    scores = [p["score"] for p in r["pathways"]]
    assert scores == sorted(scores, reverse=True) and len(scores) <= profile.get("pathways.top")
    per_target = {}
    for p in r["pathways"]:
        per_target[p["target"]] = per_target.get(p["target"], 0) + 1
        assert p["target"] in jtms and p["target_is_jtm"]
        assert 1 <= p["step_count"] == len(p["steps"]) <= profile.get("pathways.max_steps")
        visited = [origin] + [s["to"] for s in p["steps"]]
        assert len(set(visited)) == len(visited)
        assert p["years"] == pytest.approx(sum(max(s["requires"]["years"], profile.get("pathways.min_step_years")) for s in p["steps"]), abs=0.02)
        assert p["pay"]["change"] == p["pay"]["to"] - p["pay"]["from"] and p["pay"]["change"] > 0
        assert p["gain_per_year"] == pytest.approx(p["pay"]["change"] / p["years"], rel=0.01)
        assert p["score"] >= 0 and "cost" not in p
        for s in p["steps"]:
            i, j = model.index[s["from"]], model.index[s["to"]]
            assert model.allowed[i, j]
            assert s["pay"]["to"] >= profile.get("pathways.min_step_wage_ratio") * s["pay"]["from"] - 1
            assert s["evidence"]["level"] in LEVELS and "All Other" not in (s["to_title"] or "")
            q = s["requires"]
            assert q["years"] == pytest.approx(q["study_years"] + q["training_years"] + q["experience_years"], abs=0.02)
            assert (q["credential"] is None) == (q["kind"] in ("move", "residency"))
    assert max(per_target.values()) <= profile.get("pathways.max_per_target")


def test_laborers_are_not_sent_to_fire_supervision_and_fire_supervisors_come_from_fire_fighting(con, profile):
    """Issue 12's first reproduction: Chicago's laborers and the feeders of fire supervisors."""
    r = pathways(con, CHICAGO, "53-7062", profile, with_training=False, top=10)
    assert all("33-1021" not in [s["to"] for s in p["steps"]] for p in r["pathways"])
    f = feeders(con, CHICAGO, "33-1021", profile, top=None)
    one = {x["soc"] for x in f["feeders"] if x["steps"] == 1}
    assert "33-2011" in one and one <= {c for c in one if c.startswith("33-2")}  # fire fighting and prevention workers only
    assert not {"39-9032", "43-4121", "43-4071"} & {x["soc"] for x in f["feeders"]}  # recreation, library assistants, file clerks


def test_cashier_pathways_are_varied_and_never_promise_a_manager_job(con, profile):
    r = pathways(con, CHICAGO, "41-2011", profile, with_training=False)
    targets = [p["target"] for p in r["pathways"]]
    assert len(r["pathways"]) == 5 and len(set(targets)) >= 3
    assert "11-3071" not in targets  # five years' experience in a related occupation: not a cashier's step


@pytest.mark.parametrize("area", [EAST_KY, CHICAGO])
def test_nursing_assistants_first_pathway_is_lpn(con, profile, area):
    r = pathways(con, area, NA, profile, with_training=False)
    first = r["pathways"][0]
    assert first["target"] == LPN and first["step_count"] == 1
    step = first["steps"][0]
    assert step["requires"]["kind"] == "certificate" and step["evidence"]["level"] == "commonly observed"


def test_emergency_medicine_ladder_is_found_for_unrated_emts(con, profile):
    r = pathways(con, CHICAGO, EMT, profile, to_occ=PARAMEDIC, with_training=False)
    assert r["pathways"] and r["pathways"][0]["steps"][-1]["to"] == PARAMEDIC
    assert any("O*NET has not rated it yet" in n for n in r["notes"])
    direct = next(p for p in r["pathways"] if p["step_count"] == 1)
    assert direct["steps"][0]["requires"]["related_experience"] == "Less than 5 years"


def test_rankings_order_by_their_own_measure(con, profile):
    fast = pathways(con, HOUSTON, NA, profile, rank="fastest", with_training=False)["pathways"]
    assert [p["years"] for p in fast] == sorted(p["years"] for p in fast)
    gain = pathways(con, HOUSTON, NA, profile, rank="gain", with_training=False)["pathways"]
    assert [p["pay"]["change"] for p in gain] == sorted((p["pay"]["change"] for p in gain), reverse=True)
    from upward.errors import UpwardError

    with pytest.raises(UpwardError, match="Unknown ranking"):
        pathways(con, HOUSTON, NA, profile, rank="cheapest")


def test_a_step_carries_its_pay_range_skills_and_regional_training(con, profile):
    r = pathways(con, FRESNO, NA, profile, to_occ=RN)
    one = next(p for p in r["pathways"] if p["step_count"] == 1)
    s = one["steps"][0]
    wage = {r_[0]: r_[1:] for r_ in con.execute("select occ_code, a_median, a_pct25, a_pct75 from wages where area_code = ?", [FRESNO]).fetchall()}
    assert s["pay"]["from"] == round(wage[NA][0]) and s["pay"]["to"] == round(wage[RN][0])
    assert s["pay"]["to_p25"] == round(wage[RN][1]) and s["pay"]["to_p75"] == round(wage[RN][2])
    assert s["pay"]["change_pct"] == pytest.approx(wage[RN][0] / wage[NA][0] - 1, abs=1e-4)
    assert s["requires"]["credential"] == "Bachelor's degree" and s["requires"]["study_years"] == 3.0
    assert "51.3801" in s["cip_codes"]  # Registered Nursing, via CIP–SOC
    assert s["training_count"] > 0 and all(t["cip_code"] in s["cip_codes"] or t["stated_target"] for t in s["training"])
    assert s["skills_to_gain"] and s["skill_gap"] > 0


def test_named_target_outside_the_region_is_refused(con, profile):
    from upward.errors import UpwardError

    with pytest.raises(UpwardError, match="not scored in area"):
        pathways(con, HOUSTON, NA, profile, to_occ="45-3031")  # fishing and hunting workers


def test_explain_names_the_broken_rules(con, profile):
    from upward.analysis.pathways import explain_step

    r = explain_step(con, CHICAGO, "53-1047", "33-1021", profile)
    assert not r["allowed"] and any("experience in a related occupation" in w for w in r["broken_rules"])
    ok = explain_step(con, CHICAGO, NA, LPN, profile)
    assert ok["allowed"] and ok["broken_rules"] == []


# --- feeders and the accessibility pillar -------------------------------------------------------------


def test_feeders_follow_the_step_rules_and_are_untapped_talent(con, profile, model):
    target = "29-2034"  # radiologic technologists
    r = feeders(con, HOUSTON, target, profile, top=None)
    one = [f for f in r["feeders"] if f["steps"] == 1]
    assert one and r["one_step"]["occupations"] == len(one)
    for f in one:
        assert model.allowed[model.index[f["soc"]], model.index[target]]
        assert f["median_wage"] < r["occupation"]["median_wage"]
    for f in r["feeders"]:
        if f["steps"] == 2:
            assert model.allowed[model.index[f["soc"]], model.index[f["via"]]] and model.allowed[model.index[f["via"]], model.index[target]]
    table = scored_table(con, profile, [HOUSTON]).set_index("occ_code")
    assert table.loc[target, "untapped_talent"] == pytest.approx(r["one_step"]["workers"], abs=1)


def test_next_steps_are_allowed_and_ranked_by_the_prior(con, profile, model):
    from upward.analysis.pathways import next_steps
    from upward.analysis.transitions import prior_scores

    r = next_steps(con, HOUSTON, "41-2011", profile, top=8)
    steps = r["next_steps"]
    assert len(steps) == 8 and [s["score"] for s in steps] == sorted((s["score"] for s in steps), reverse=True)
    i = model.index["41-2011"]
    for s in steps:
        assert model.allowed[i, model.index[s["soc"]]] and s["median_wage"] >= 0.95 * r["from"]["median_wage"] - 1
        assert s["evidence"] in LEVELS
    # the prior is the documented formula: z(similarity) + employment·z(ln emp) − job_zone_up·climb
    sim = np.array([[1.0, 0.5, 0.2], [0.5, 1.0, 0.8], [0.2, 0.8, 1.0]])
    got = prior_scores(sim, np.array([100.0, 1000.0, 10.0]), np.array([1.0, 2.0, 4.0]), {"employment": 1.0, "job_zone_up": 0.5})
    off = np.array([0.5, 0.2, 0.5, 0.8, 0.2, 0.8])
    le = np.log([100.0, 1000.0, 10.0])
    z_emp = (le - le.mean()) / le.std()
    assert got[0, 1] == pytest.approx((0.5 - off.mean()) / off.std() + z_emp[1] - 0.5 * 1.0)
    assert got[1, 0] == pytest.approx((0.5 - off.mean()) / off.std() + z_emp[0])  # stepping down: no climb
    assert np.isnan(got[0, 0])


def test_paths_first_step_is_one_next_ranks_highly(con, profile):
    """The transition prior and the pathway search agree on where to start (issue 12, point 3)."""
    from upward.analysis.pathways import next_steps

    for area, origin in [(CHICAGO, NA), (EAST_KY, NA), (HOUSTON, "35-2014"), (CHICAGO, "41-2011")]:
        first = pathways(con, area, origin, profile, with_training=False)["pathways"][0]["steps"][0]["to"]
        ranked = [s["soc"] for s in next_steps(con, area, origin, profile, top=10)["next_steps"]]
        assert first in ranked, (area, origin, first, ranked)


# --- CLI --------------------------------------------------------------------------------------------------


def test_paths_cli_json_csv_text_and_explain(cli):
    rc, out, err = cli("paths", "--from", NA, "--region", "fresno", "--to", RN, "--max-steps", "2", "--top", "3", "--json")
    assert rc == 0, err
    r = json.loads(out)
    assert r["schema"] == SCHEMA and r["to"]["soc"] == RN and r["max_steps"] == 2
    assert {"rank", "years", "pay", "gain_per_year", "evidence", "target", "steps", "step_count"} <= set(r["pathways"][0])
    assert all(p["target"] == RN and p["step_count"] <= 2 for p in r["pathways"])
    rc, out, _ = cli("paths", "--from", NA, "--region", "fresno", "--to", RN, "--top", "2", "--csv")
    head = out.splitlines()[0].split(",")
    assert rc == 0 and {"path_rank", "path_years", "step", "from", "to", "requires", "evidence", "wage_to_p25", "bundle", "profile_hash"} <= set(head)
    rc, out, _ = cli("paths", "--from", "nursing assistants", "--region", "fresno", "--top", "1")
    assert rc == 0 and "Pathways from Nursing Assistants" in out and "needs:" in out and "nobody is promised" in out
    rc, out, _ = cli("paths", "--from", "53-1047", "--to", "33-1021", "--region", "chicago", "--explain")
    assert rc == 0 and "is not a step Upward proposes" in out and "experience" in out
    rc, _, err = cli("paths", "--from", NA, "--region", "fresno", "--json", "--csv")
    assert rc == 1 and "one of --json and --csv" in err


def test_pathway_text_fits_80_columns(cli, monkeypatch):
    from rich.console import Console

    from upward.cli import render

    # a console of its own: setting the shared console's width would outlive the test (monkeypatch
    # restores `width` by setting it, which pins every later test's output to that width)
    monkeypatch.setattr(render, "console", Console(width=80))
    for args in (("paths", "--from", NA, "--region", "chicago"), ("next", NA, "--region", "chicago"), ("feeders", "33-1021", "--region", "chicago")):
        rc, out, err = cli(*args)
        assert rc == 0, err
        assert max(len(line.rstrip()) for line in out.splitlines()) <= 80, args


def test_feeders_cli(cli):
    rc, out, err = cli("feeders", "29-2034", "--region", HOUSTON, "--top", "5", "--json")
    assert rc == 0, err
    r = json.loads(out)
    assert len(r["feeders"]) == 5 and r["one_step"]["workers"] > 0
    rc, out, _ = cli("feeders", "29-2034", "--region", HOUSTON, "--top", "5")
    assert rc == 0 and "one step away" in out


def test_next_cli(cli):
    rc, out, err = cli("next", "cashiers", "--region", HOUSTON, "--top", "5", "--json")
    assert rc == 0, err
    assert len(json.loads(out)["next_steps"]) == 5
