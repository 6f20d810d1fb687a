"""O*NET similarity: the documented formula on a hand-worked pair, its invariants, and `upward similar`."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from upward import profiles
from upward.analysis.similarity import DOMAINS, similarity


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


def test_hand_worked_pair(con, sim):
    weights = profiles.load().get("similarity.weights")
    a, b = "29-1141", "29-2061"
    total = 0.0
    for d in DOMAINS:
        va, vb = _vector(con, a, d), _vector(con, b, d)
        keys = sorted(set(va) | set(vb))
        x = [va.get(k) or 0.0 for k in keys]
        y = [vb.get(k) or 0.0 for k in keys]
        cos = sum(p * q for p, q in zip(x, y)) / math.sqrt(sum(p * p for p in x) * sum(q * q for q in y))
        assert sim.breakdown(a, b)[d] == pytest.approx(cos)
        total += weights[d] * cos
    assert sim.of(a, b) == pytest.approx(total / sum(weights.values()))


def test_self_similarity_is_maximal_and_the_matrix_symmetric(sim):
    m = sim.matrix
    diag = np.diag(m)
    assert np.allclose(diag[~np.isnan(diag)], 1.0)
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
    rc, out, _ = cli("similar", "29-1141", "--top", "5", "--json")
    r = json.loads(out)
    assert rc == 0 and r["similar"][0]["soc"] == "29-2061"
    sims = [s["similarity"] for s in r["similar"]]
    assert sims == sorted(sims, reverse=True) and len(sims) == 5
    rc, out, _ = cli("similar", "--all", "--top", "3", "--json")
    every = json.loads(out)
    assert rc == 0 and len(every) > 800 and all(len(e["similar"]) == 3 and e["soc"] not in {s["soc"] for s in e["similar"]} for e in every)
    nurse = next(e for e in every if e["soc"] == "29-1141")
    assert [s["soc"] for s in nurse["similar"]] == [s["soc"] for s in r["similar"][:3]]
    rc, _, err = cli("similar")
    assert rc == 1 and "--all" in err
