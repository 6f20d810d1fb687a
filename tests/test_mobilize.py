"""Jobs That Mobilize: a pillar checked by hand, properties of the scoring, every area, the lenses, explain()."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upward import profiles
from upward.analysis.measures import MEASURES
from upward.analysis.mobilize import explain, jobs, score, scored_table
from upward.analysis.quality import quality_table
from upward.errors import UpwardError
from upward.profiles import PILLARS, Profile

HOUSTON, NW_AL = "0026420", "0100001"
NATIONAL_MEDIAN = 50_980.0
PILLAR_COLS = [f"pillar_{p}" for p in PILLARS]
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def variant(base: Profile, **changes) -> Profile:
    """The profile with dotted keys changed, validated like a loaded one."""
    data = copy.deepcopy(base.data)
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split("__")
        for p in parents:
            node = node[p]
        node[last] = value
    profiles.validate(data, "test")
    return Profile(name="test", source="test", data=data)


@pytest.fixture(scope="module")
def profile():
    return profiles.load()


@pytest.fixture(scope="module")
def houston(con, profile):
    """Houston's measures table (not scored)."""
    return quality_table(con, profile, [HOUSTON])


@pytest.fixture(scope="module")
def two_areas(con, profile):
    return quality_table(con, profile, [HOUSTON, NW_AL])


@pytest.fixture(scope="module")
def houston_scored(houston, profile):
    return score(houston, profile)


@pytest.fixture(scope="module")
def everything(con, profile):
    return scored_table(con, profile)


def by_occ(df, soc):
    r = df[df.occ_code == soc]
    assert len(r) == 1
    return r.iloc[0]


# --- a pillar by hand --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def houston_raw(con):
    """Houston's scored occupations from the raw tables: detailed, ≥ 100 jobs, a published median."""
    return con.execute(
        """
        select w.occ_code, w.tot_emp, w.a_median, w.a_pct25, w.a_pct10, w.a_pct90, l.annual_wage as lw,
               p.openings_annual, p.emp_base, p.emp_change_pct
        from wages w join occupations o on o.occ_code = w.occ_code and o.level = 'detailed'
        join living_wage l on l.area_code = w.area_code and l.household = '2A2W2C'
        left join projections p on p.occ_code = w.occ_code
        where w.area_code = ? and w.tot_emp >= 100 and w.a_median is not null
          and not (w.a_median_top_coded or w.a_pct25_top_coded or w.a_pct10_top_coded or w.a_pct90_top_coded)
        """,
        [HOUSTON],
    ).df().set_index("occ_code")


def pct(series: pd.Series) -> pd.Series:
    return series.rank(method="average", pct=True) * 100


def test_houston_scored_set_by_hand(houston_raw, houston_scored):
    assert len(houston_raw) == 642
    assert set(houston_scored[houston_scored.scored].occ_code) == set(houston_raw.index)


def test_houston_workers_pillar_by_hand(con, houston_raw, houston_scored, profile):
    d = houston_raw
    soc = "29-1141"
    s = houston_scored[houston_scored.scored].set_index("occ_code")
    median_ratio = pct(d.a_median / d.lw)
    entry_ratio = pct(d.a_pct25 / d.lw)
    ladder = pct(d.a_pct90 / d.a_pct10)
    # registered nurses: a bachelor's (4 years after high school), no related experience asked
    assert s.loc[soc, "preparation_years"] == 4.0
    ai = con.execute("select gpts_human_beta from occupation_ai_exposure where occ_code = ?", [soc]).fetchone()[0]
    assert s.loc[soc, "ai_exposure"] == pytest.approx(ai)
    prep = pct(-s.preparation_years)
    exposure = pct(-s.ai_exposure)
    moves = pct(s.upward_moves)
    r = by_occ(houston_scored, soc)
    assert r.pct_median_living_wage_ratio == pytest.approx(median_ratio[soc])
    assert r.pct_entry_living_wage_ratio == pytest.approx(entry_ratio[soc])
    assert r.pct_wage_ladder == pytest.approx(ladder[soc])
    assert r.pct_preparation_years == pytest.approx(prep[soc]) and r.pct_ai_exposure == pytest.approx(exposure[soc])
    assert r.pct_upward_moves == pytest.approx(moves[soc])
    w = profile.get("jtm.workers")
    expected = (w["median_living_wage_ratio"] * median_ratio[soc] + w["entry_living_wage_ratio"] * entry_ratio[soc]
                + w["upward_moves"] * moves[soc] + w["wage_ladder"] * ladder[soc] + w["preparation_years"] * prep[soc]
                + w["ai_exposure"] * exposure[soc]) / sum(w.values())
    assert r.pillar_workers == pytest.approx(expected)
    # rank 532 of 642 on median ÷ living wage (no tie): 532 / 642
    assert median_ratio[soc] == pytest.approx(532 / 642 * 100)


def test_houston_employers_pillar_by_hand(houston_raw, houston_scored, profile):
    d = houston_raw
    s = houston_scored[houston_scored.scored].set_index("occ_code")
    openings = pct(d.tot_emp * d.openings_annual / d.emp_base)
    growth = pct(d.emp_change_pct)
    soc = "49-9041"
    r = by_occ(houston_scored, soc)
    assert r.pct_openings == pytest.approx(openings[soc])
    assert r.pct_growth == pytest.approx(growth[soc])
    w = profile.get("jtm.employers")
    parts = {"openings": openings[soc], "growth": growth[soc], "wage_growth": pct(s.wage_growth)[soc],
             "share_55_over": pct(s.share_55_over)[soc], "separations": pct(s.separations_rate)[soc]}
    assert r.pillar_employers == pytest.approx(sum(w[k] * v for k, v in parts.items()) / sum(w.values()))


def test_houston_jtm_rule_and_composite(houston_scored, profile):
    s = houston_scored[houston_scored.scored]
    bars = profile.get("jtm.bars")
    clears = np.logical_and.reduce([s[f"pillar_{p}"] >= bars[p] for p in PILLARS]) & (s.median_living_wage_ratio >= 1)
    qualifies = clears & s.reachable & ~s.residual & ~s.unreliable
    assert (s.jtm == (qualifies & ~s.ladder)).all()
    assert (s.career_ladder == (qualifies & s.ladder)).all()
    assert s.jtm.sum() == 74 and s.career_ladder.sum() == 12  # pinned: docs/job-quality.md
    pw = profile.get("jtm.weights")
    expected = sum(s[f"pillar_{p}"] * pw[p] for p in PILLARS) / sum(pw.values())
    assert s.composite.to_numpy() == pytest.approx(expected.to_numpy())
    assert not houston_scored[~houston_scored.scored].jtm.any()
    assert houston_scored[~houston_scored.scored][PILLAR_COLS].isna().all().all()


def test_residual_unreliable_and_ladder_are_never_jtms(everything):
    j = everything[everything.jtm]
    assert not j.residual.any() and not j.unreliable.any() and not j.ladder.any() and j.reachable.all()
    assert not j.occ_title.str.contains("All Other").any()
    assert everything[everything.career_ladder].ladder.all()
    # each reason is real: some residual and unreliable occupations clear every bar and pay, and are held back
    held = everything[everything.scored & everything.clears_bars & everything.pays]
    assert held.residual.any() and held.unreliable.any() and held.ladder.any()


def test_surgical_assistants_in_chicago_are_unreliable(con, profile):
    # OEWS May 2025, Chicago: 25th, median, 75th and 90th percentile all $80,210 (only the 10th differs)
    df = scored_table(con, profile, ["0016980"])
    r = by_occ(df, "29-9093")
    assert r.a_pct25 == r.a_median == r.a_pct75 == 80_210
    assert r.unreliable and not r.jtm
    assert r.unreliable_because == "25th, median and 75th percentile wages collapse to one value"
    big_rse = df[df.emp_prse > 30]
    assert len(big_rse) and big_rse.unreliable.all() and not big_rse.jtm.any()


def test_supervisors_and_managers_are_career_ladder_destinations(con, profile):
    df = scored_table(con, profile, ["0016980"])
    tsd = by_occ(df, "11-3071")  # Transportation, Storage, and Distribution Managers: #1 on main's old rule
    assert tsd.ladder and tsd.ladder_kind == "manager" and not tsd.jtm
    sup = by_occ(df, "53-1047")
    assert sup.ladder_kind == "first-line supervisor"
    with_ladder = score(quality_table(con, profile, ["0016980"]), variant(profile, jtm__include_ladder=True))
    assert set(with_ladder.occ_code[with_ladder.jtm]) == set(df.occ_code[df.jtm | df.career_ladder])


def test_accessibility_is_a_route_without_a_bachelors(houston_scored):
    s = houston_scored[houston_scored.scored]
    direct = s.typical_education.isin(["No formal educational credential", "High school diploma or equivalent", "Some college, no degree",
                                       "Postsecondary nondegree award", "Associate's degree"])
    assert s[direct].reachable.all()
    rn = by_occ(houston_scored, "29-1141")  # a bachelor's, reached in one allowed step
    assert rn.entry_route.startswith("one step from ") and rn.reachable
    # an occupation with a bachelor's and no allowed step from a lower-paid job without one is not reachable
    assert (~s[~direct].reachable).any()
    assert s[~s.reachable].jtm.sum() == 0


# --- properties --------------------------------------------------------------------------------


def _raise_wages(df: pd.DataFrame, i: int, f_median: float, f_p25: float, f_p90: float) -> pd.DataFrame:
    out = df.copy()
    ix = out.index[i]
    out.loc[ix, "a_median"] *= f_median
    out.loc[ix, "a_pct25"] *= f_p25
    out.loc[ix, "a_pct90"] *= f_p90
    r = out.loc[ix]
    out.loc[ix, "median_living_wage_ratio"] = r.a_median / r.living_wage
    out.loc[ix, "entry_living_wage_ratio"] = r.a_pct25 / r.living_wage
    out.loc[ix, "median_vs_area_median"] = r.a_median / r.area_median
    out.loc[ix, "wage_ladder"] = r.a_pct90 / r.a_pct10
    return out


@FAST
@given(data=st.data(), f_median=st.floats(1.0, 3.0), f_p25=st.floats(1.0, 3.0), f_p90=st.floats(1.0, 3.0))
def test_raising_wages_never_lowers_the_workers_pillar(houston, houston_scored, profile, data, f_median, f_p25, f_p90):
    scored_positions = np.flatnonzero(houston_scored.scored.to_numpy())
    i = int(data.draw(st.sampled_from(list(scored_positions))))
    before = houston_scored.pillar_workers.iloc[i]
    after = score(_raise_wages(houston, i, f_median, f_p25, f_p90), profile).pillar_workers.iloc[i]
    assert after >= before - 1e-9


def test_raising_wages_example_moves_a_low_job_up(houston, houston_scored, profile):
    i = int(np.flatnonzero(houston_scored.occ_code.to_numpy() == "35-3023")[0])  # fast food
    after = score(_raise_wages(houston, i, 3.0, 3.0, 3.0), profile)
    assert after.pillar_workers.iloc[i] > houston_scored.pillar_workers.iloc[i] + 30


@FAST
@given(bars=st.tuples(*[st.floats(0, 40)] * 4), ratio_up=st.floats(0, 1.5), rse_down=st.floats(0, 29))
def test_stricter_profile_never_adds_jtms(two_areas, profile, bars, ratio_up, rse_down):
    base = score(two_areas, profile)
    base_jtm = set(zip(base.area_code[base.jtm], base.occ_code[base.jtm]))
    raised = {p: profile.get("jtm.bars")[p] + up for p, up in zip(PILLARS, bars)}
    strict = variant(profile, jtm__bars=raised, jtm__min_median_living_wage_ratio=1.0 + ratio_up)
    s = score(two_areas, strict)
    assert set(zip(s.area_code[s.jtm], s.occ_code[s.jtm])) <= base_jtm


def test_stricter_bar_removes_jtms(houston, profile):
    def count(b):
        return int(score(houston, variant(profile, jtm__bars={p: b for p in PILLARS})).jtm.sum())

    counts = [count(b) for b in (40, 50, 60)]
    assert counts[0] > counts[1] > counts[2]
    richer = int(score(houston, variant(profile, jtm__min_median_living_wage_ratio=1.5)).jtm.sum())
    assert richer < 74


def test_bar_is_inclusive(houston, houston_scored, profile):
    r = by_occ(houston_scored, "49-9041")
    lowest = float(r.pillar_workers)
    bars = dict(profile.get("jtm.bars"))
    assert r.jtm
    assert bool(by_occ(score(houston, variant(profile, jtm__bars={**bars, "workers": lowest})), "49-9041").jtm)
    assert not bool(by_occ(score(houston, variant(profile, jtm__bars={**bars, "workers": lowest + 1e-9})), "49-9041").jtm)
    ratio = float(r.median_living_wage_ratio)
    assert bool(by_occ(score(houston, variant(profile, jtm__min_median_living_wage_ratio=ratio)), "49-9041").jtm)
    assert not bool(by_occ(score(houston, variant(profile, jtm__min_median_living_wage_ratio=ratio + 1e-9)), "49-9041").jtm)


def _blank(df: pd.DataFrame, i: int, column: str) -> pd.DataFrame:
    out = df.copy()
    out.loc[out.index[i], column] = np.nan
    return out


BLANKABLE = [m for m, spec in MEASURES.items() if m not in ("median_living_wage_ratio", "entry_living_wage_ratio")]


@FAST
@given(data=st.data())
def test_missing_data_never_raises_a_score(houston, houston_scored, profile, data):
    """Blanking a measure counts it at the region's median: never above a value at or above the
    median, and with `missing_percentile = 0` never above any value at all."""
    scored_positions = np.flatnonzero(houston_scored.scored.to_numpy())
    i = int(data.draw(st.sampled_from(list(scored_positions))))
    measure = data.draw(st.sampled_from(BLANKABLE))
    pillar = next(p for p, ms in PILLARS.items() if measure in ms)
    before = houston_scored.iloc[i]
    blanked = _blank(houston, i, MEASURES[measure].column)
    after = score(blanked, profile).iloc[i]
    assert measure in after.missing_measures
    if before[f"pct_{measure}"] >= profile.get("jtm.missing_percentile"):
        assert after[f"pillar_{pillar}"] <= before[f"pillar_{pillar}"] + 1e-9
    worst = variant(profile, jtm__missing_percentile=0)
    assert score(blanked, worst).iloc[i][f"pillar_{pillar}"] <= score(houston, worst).iloc[i][f"pillar_{pillar}"] + 1e-9


def test_missing_measure_counts_at_the_median_not_by_rescaling(houston, houston_scored, profile):
    i = int(np.flatnonzero(houston_scored.occ_code.to_numpy() == "49-9041")[0])
    r = houston_scored.iloc[i]
    assert r.missing_measures == ["women_men_pay_ratio"]  # CPS publishes no women's median for it
    w = profile.get("jtm.equity")
    assert r.pillar_equity == pytest.approx((w["women_men_pay_ratio"] * 50 + w["integration"] * r.pct_integration) / sum(w.values()))


COMPARED = ["scored", "jtm", "career_ladder", "composite", *PILLAR_COLS, "pct_median_living_wage_ratio", "pct_integration", "pct_upward_moves"]


@FAST
@given(perm=st.randoms(use_true_random=False))
def test_results_independent_of_row_order(two_areas, profile, perm):
    expected = score(two_areas, profile).set_index(["area_code", "occ_code"])[COMPARED].sort_index()
    order = list(range(len(two_areas)))
    perm.shuffle(order)
    shuffled = two_areas.iloc[order].reset_index(drop=True)
    got = score(shuffled, profile).set_index(["area_code", "occ_code"])[COMPARED].sort_index()
    pd.testing.assert_frame_equal(got, expected)


# --- every area --------------------------------------------------------------------------------


def test_every_area_scores(con, everything):
    n_areas = con.execute(
        """select count(distinct w.area_code) from wages w join occupations o on o.occ_code = w.occ_code and o.level = 'detailed'
           where w.tot_emp is not null"""
    ).fetchone()[0]
    assert everything.area_code.nunique() == n_areas
    assert n_areas > 550
    scored = everything[everything.scored]
    assert scored.area_code.nunique() == n_areas  # every area has occupations to score
    for col in [*PILLAR_COLS, "composite"]:
        v = scored[col].to_numpy(dtype=float)
        assert np.isfinite(v).all(), col
        assert (v >= 0).all() and (v <= 100).all(), col
    per_area = everything.groupby("area_code").agg(scored=("scored", "sum"), jtm=("jtm", "sum"))
    assert (per_area.jtm <= per_area.scored).all()
    assert (per_area.scored >= 1).all()
    assert not everything[~everything.scored].jtm.any()
    # the same JTM rule everywhere
    j = everything[everything.jtm]
    bars = profiles.load().get("jtm.bars")
    assert all((j[f"pillar_{p}"] >= bars[p]).all() for p in PILLARS) and (j.median_living_wage_ratio >= 1).all()


def test_every_area_matches_one_area_scoring(con, everything, profile):
    # scoring areas together or one at a time gives the same result
    alone = scored_table(con, profile, [NW_AL]).set_index("occ_code")
    together = everything[everything.area_code == NW_AL].set_index("occ_code")
    pd.testing.assert_frame_equal(together[COMPARED].sort_index(), alone[COMPARED].sort_index())


# --- the lenses --------------------------------------------------------------------------------


def test_lenses_hold_everywhere(everything):
    d = everything
    bar = NATIONAL_MEDIAN * d.price_parity / 100
    assert d.cost_adjusted_bar.to_numpy() == pytest.approx(bar.to_numpy(), nan_ok=True)
    opp = d[d.opportunity]
    assert len(opp) > 0
    assert opp.scored.all() and opp.accessible.all()
    assert (opp.a_median >= NATIONAL_MEDIAN * opp.price_parity / 100).all()
    assert not opp.typical_education.isin(["Bachelor's degree", "Master's degree", "Doctoral or professional degree"]).any()
    prom = d[d.promising]
    assert len(prom) > 0
    assert not prom.good.any()
    assert prom.accessible.all() and (prom.a_median < prom.cost_adjusted_bar).all() and (prom.a_pct90 >= prom.cost_adjusted_bar).all()
    good = d[d.good]
    assert (good.a_median >= good.cost_adjusted_bar).all()
    # every opportunity occupation is also a good job (same bar, plus accessibility)
    assert d[d.opportunity].good.all()


def test_lens_examples_in_northwest_alabama(everything):
    al = everything[everything.area_code == NW_AL]
    bar = NATIONAL_MEDIAN * 83.231 / 100  # 42,431
    # Welders: high school, median 46,750 ≥ 42,431 → opportunity and good
    w = by_occ(al, "51-4121")
    assert w.cost_adjusted_bar == pytest.approx(bar) and w.opportunity and w.good and not w.promising
    # Registered nurses: a bachelor's degree, so good but not an opportunity occupation
    rn = by_occ(al, "29-1141")
    assert rn.good and not rn.opportunity
    # Assemblers: high school, median 42,260 < 42,431, 90th pct 76,700... promising
    a = by_occ(al, "51-2090")
    assert not a.good and a.promising and not a.opportunity


# --- explain -----------------------------------------------------------------------------------


def test_explain_matches_score_row(con, profile, houston_scored):
    e = explain(con, HOUSTON, "49-9041", profile)
    r = by_occ(houston_scored, "49-9041")
    assert e["occupation"] == {"occ_code": "49-9041", "occ_title": "Industrial Machinery Mechanics"}
    assert e["scored"] is True and e["jtm"] is True and bool(r.jtm)
    assert e["composite"] == pytest.approx(r.composite)
    assert e["scored_occupations"] == 642
    assert [p["pillar"] for p in e["pillars"]] == list(PILLARS)
    for p in e["pillars"]:
        assert p["score"] == pytest.approx(r[f"pillar_{p['pillar']}"])
        assert p["bar"] == profile.get("jtm.bars")[p["pillar"]] and p["meets_bar"] is True
        assert [m["measure"] for m in p["measures"]] == list(PILLARS[p["pillar"]])
        for m in p["measures"]:
            assert m["counted_as"] == pytest.approx(r[f"pct_{m['measure']}"] if not m["missing"] else 50)
            assert m["weight"] == profile.get(f"jtm.{p['pillar']}")[m["measure"]]
            assert m["missing"] is (m["measure"] == "women_men_pay_ratio") and m["source"] and m["bgi"]
    measures = {m["measure"]: m for p in e["pillars"] for m in p["measures"]}
    assert measures["median_living_wage_ratio"]["value"] == pytest.approx(63_180 / 54_538)  # MIT $22.56 × CPI-U Houston, × 2,080
    assert measures["openings"]["value"] == pytest.approx(18_360 * r.openings_per_100 / 100)
    assert measures["location_quotient"]["value"] == 1.97
    assert measures["preparation_years"]["value"] == 0 and measures["preparation_years"]["shown_as"] == "0 y: High school diploma or equivalent"
    assert measures["preparation_years"]["direction"] == "lower ranks higher"
    assert measures["women_men_pay_ratio"]["counted_as"] == 50 and e["missing_measures"] == ["women_men_pay_ratio"]
    assert e["access"]["reachable"] is True and e["not_jtm_because"] == []
    floor = e["living_wage_floor"]
    assert floor["living_wage"] == 54_538 and floor["met"] is True and floor["ratio"] == pytest.approx(63_180 / 54_538)
    q = e["quality"]
    assert q["a_median"] == 63_180 and q["a_pct25"] == 49_960 and q["tier"] == "near-quality"
    assert q["benefits_source"] == "BLS NCS group-level estimate" and q["safety_source"] == "O*NET hazardous conditions"
    assert q["gates_met"] is True
    assert e["lenses"]["opportunity"] is True and e["lenses"]["cost_adjusted_bar"] == pytest.approx(NATIONAL_MEDIAN * 98.629 / 100)
    assert e["profile"] == profile.record()


def test_explain_unscored_occupation(con, profile):
    e = explain(con, HOUSTON, "27-2011", profile)  # Actors: 340 jobs, wages not published
    assert e["scored"] is False and e["jtm"] is False and e["composite"] is None
    assert e["not_scored_because"] == "BLS publishes no median wage for it here"
    assert all(p["score"] is None and p["meets_bar"] is False for p in e["pillars"])


def test_explain_occupation_without_employment_raises(con, profile):
    n = con.execute("select count(*) from wages where area_code = ? and occ_code = '19-3092' and tot_emp is not null", [HOUSTON]).fetchone()[0]
    assert n == 0  # Geographers: OEWS publishes no Houston employment
    with pytest.raises(UpwardError) as info:
        explain(con, HOUSTON, "19-3092", profile)
    assert "19-3092" in info.value.message and HOUSTON in info.value.message


def test_jobs_unknown_lens(con, profile):
    with pytest.raises(UpwardError) as info:
        jobs(con, HOUSTON, profile, lens="best")
    assert "best" in info.value.message and "good-promising" in info.value.hint


def test_explain_says_which_scoring_condition_failed(con, profile):
    small = con.execute(
        """select w.occ_code, w.tot_emp from wages w join occupations o using (occ_code)
           where w.area_code = '0026420' and o.level = 'detailed' and w.tot_emp < 100 and w.a_median is not null
           order by w.occ_code limit 1"""
    ).fetchone()
    e = explain(con, HOUSTON, small[0], profile)
    assert e["not_scored_because"] == f"{small[1]:,.0f} jobs, fewer than the profile's minimum of 100"


def test_explain_names_releases_from_the_atlas(con, profile):
    e = explain(con, HOUSTON, "49-9041", profile)
    sources = {m["measure"]: m["source"] for p in e["pillars"] for m in p["measures"]}
    assert "May 2025" in sources["openings"] and "2024–34" in sources["growth"] and "2025" in sources["share_55_over"]
    workers = next(p for p in e["pillars"] if p["pillar"] == "workers")["measures"][0]
    # ranked on the median wage, shown against the living wage
    assert workers["ranked_on"] == "a_median" and workers["value"] == pytest.approx(workers["ranked_value"] / e["living_wage_floor"]["living_wage"])
