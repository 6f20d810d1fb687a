"""Occupation similarity: the documented formula on a hand-worked pair, its invariants, the
calibration, and `upward similar`."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from upward import profiles
from upward.analysis.similarity import FACETS, RATED, calibrate, similarity


@pytest.fixture(scope="module")
def sim(con):
    return similarity(con, profiles.load().get("similarity.weights"))


def _vector(con, occ, domain):
    rows = con.execute(
        """select element_id, max(value) filter (where scale_id = 'LV') * (max(value) filter (where scale_id = 'IM') - 1) / 4
           from descriptors where occ_code = ? and domain = ? group by element_id""",
        [occ, domain],
    ).fetchall()
    return dict(rows)


def _cos(va: dict, vb: dict) -> float:
    keys = sorted(set(va) | set(vb))
    x = [va.get(k) or 0.0 for k in keys]
    y = [vb.get(k) or 0.0 for k in keys]
    return sum(p * q for p, q in zip(x, y)) / math.sqrt(sum(p * p for p in x) * sum(q * q for q in y))


def _set(con, sql: str, occ: str) -> dict:
    return {k: 1.0 for (k,) in con.execute(sql, [occ]).fetchall()}


def test_hand_worked_pair(con, sim):
    """RN and LPN, every facet recomputed here from the atlas tables, then the documented mean."""
    weights = profiles.load().get("similarity.weights")
    assert set(weights) == set(FACETS)
    a, b = "29-1141", "29-2061"
    facets = {d: _cos(_vector(con, a, d), _vector(con, b, d)) for d in RATED}
    dwa = "select distinct t.dwa_id from onet_task_dwas t join soc_map m on m.system = 'onet' and m.code = t.onetsoc_code where m.occ_code = ?"
    tech = "select distinct t.commodity_code from onet_technology_skills t join soc_map m on m.system = 'onet' and m.code = t.onetsoc_code where m.occ_code = ?"
    facets["detailed_work_activities"] = _cos(_set(con, dwa, a), _set(con, dwa, b))
    facets["technology"] = _cos(_set(con, tech, a), _set(con, tech, b))
    staffing = """select s.industry_code, s.tot_emp from oews_industry_staffing s join oews_industries i using (industry_code)
                  where i.display_level = 4 and s.tot_emp > 0 and s.occ_code = ?"""
    facets["industries"] = _cos(dict(con.execute(staffing, [a]).fetchall()), dict(con.execute(staffing, [b]).fetchall()))
    for f, value in facets.items():
        assert sim.breakdown(a, b)[f] == pytest.approx(value), f
    assert 0.2 < facets["detailed_work_activities"] < 0.5  # they share some activities, not most
    assert sim.of(a, b) == pytest.approx(sum(weights[f] * facets[f] for f in FACETS) / sum(weights.values()))


def test_an_absent_facet_counts_as_no_likeness(con, sim):
    # 13-1020 (an OEWS aggregate) has no O*NET task or technology lists of its own under that code
    occ = next(c for c in sim.codes if np.isnan(sim.facets["detailed_work_activities"][sim.index[c], sim.index[c]]))
    weights = profiles.load().get("similarity.weights")
    i = sim.index[occ]
    present = sum(weights[f] for f in FACETS if not np.isnan(sim.facets[f][i, i]))
    assert sim.matrix[i, i] == pytest.approx(present / sum(weights.values()))
    row = np.nan_to_num(sim.matrix[i])
    assert row.max() == pytest.approx(sim.matrix[i, i])  # still most like itself


def test_calibration_is_the_within_group_mean_minus_one_sd(con, sim):
    cal = calibrate(con, sim, "broad", 1.0)
    owner = dict(con.execute("select occ_code, broad_code from occupations where level = 'detailed'").fetchall())
    values = [sim.of(a, b) for k, a in enumerate(sim.codes) for b in sim.codes[k + 1:]
              if owner.get(a) and owner.get(a) == owner.get(b) and not np.isnan(sim.of(a, b))]
    assert cal.pairs == len(values) > 300
    assert cal.highly_viable == pytest.approx(np.mean(values))
    assert cal.viable == pytest.approx(np.mean(values) - np.std(values))
    wider = calibrate(con, sim, "minor", 1.0)
    assert wider.pairs > cal.pairs and wider.mean < cal.mean  # a wider group is less alike


def test_self_similarity_is_maximal_and_the_matrix_symmetric(sim):
    m = sim.matrix
    diag = np.diag(m)
    assert np.all(diag[~np.isnan(diag)] <= 1.0 + 1e-9)
    assert np.all(np.nan_to_num(m) <= np.nan_to_num(diag)[:, None] + 1e-9)  # no occupation is more like A than A
    assert np.allclose(np.nan_to_num(m), np.nan_to_num(m.T))
    assert np.nanmax(m) <= 1.0 + 1e-9 and np.nanmin(m) >= 0.0


def test_partial_skills_are_compared_on_the_basic_ten(con, sim):
    # 15-1252 has only O*NET 30's ten basic skills; its skills facet with 15-1211 uses those ten for both
    basic = [k for k in _vector(con, "15-1211", "skills") if k.startswith("2.A.")]
    va, vb = _vector(con, "15-1252", "skills"), _vector(con, "15-1211", "skills")
    x = [va[k] for k in basic]
    y = [vb[k] for k in basic]
    cos = sum(p * q for p, q in zip(x, y)) / math.sqrt(sum(p * p for p in x) * sum(q * q for q in y))
    assert sim.breakdown("15-1252", "15-1211")["skills"] == pytest.approx(cos)


def test_similar_command(cli):
    rc, out, _ = cli("similar", "29-1141", "--top", "12", "--json")
    r = json.loads(out)
    near = {s["soc"] for s in r["similar"]}
    assert rc == 0 and {"29-2061", "29-1171", "29-1126"} <= near  # LPNs, nurse practitioners, respiratory therapists
    sims = [s["similarity"] for s in r["similar"]]
    assert sims == sorted(sims, reverse=True) and len(sims) == 12
    assert set(r["similar"][0]) >= {"soc", "title", "similarity", "facet_industries", "facet_detailed_work_activities"}
    rc, out, _ = cli("similar", "--all", "--top", "3", "--json")
    every = json.loads(out)
    assert rc == 0 and len(every) > 800 and all(len(e["similar"]) == 3 and e["soc"] not in {s["soc"] for s in e["similar"]} for e in every)
    nurse = next(e for e in every if e["soc"] == "29-1141")
    assert [s["soc"] for s in nurse["similar"]] == [s["soc"] for s in r["similar"][:3]]
    rc, _, err = cli("similar")
    assert rc == 1 and "--all" in err
