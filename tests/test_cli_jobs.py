"""`upward jobs`, `quality`, `compare` and `profile` on Houston and a nonmetro area: JSON, CSV, text and errors."""

from __future__ import annotations

import csv
import io
import json
from itertools import groupby

import pytest

from upward import profiles
from upward.profiles import PILLARS

HOUSTON, NW_AL = "0026420", "0100001"
NATIONAL_MEDIAN = 50_980.0
ACCESSIBLE = list(profiles.load().get("education.accessible"))


def scored_sql(where: str = "") -> str:
    """Houston-style scored occupations of an area from the raw tables, with the cost-adjusted bar."""
    return f"""
    select w.occ_code, w.tot_emp, w.a_median, w.a_pct90, p.typical_education,
           ? * a.price_parity / 100 as bar
    from wages w join occupations o on o.occ_code = w.occ_code and o.level = 'detailed'
    join areas a on a.area_code = w.area_code
    left join projections p on p.occ_code = w.occ_code
    where w.area_code = ? and w.tot_emp >= 100 and w.a_median is not null {where}
    """


def check_releases(data: dict) -> None:
    assert data["data"]["releases"]["bls_oews"].startswith("May 2025")
    for key in ("bls_projections", "mit_living_wage", "bea_rpp", "onet_29_3"):
        assert data["data"]["releases"][key]
    assert len(data["data"]["bundle"]) == 16


HOUSTON_LW = 54_538  # MIT $22.56/h × CPI-U Houston 2025/2021 (277.742 / 238.975) = $26.22/h × 2,080


def test_jobs_houston_json(cli, con):
    rc, out, err = cli("jobs", "--region", "houston", "--json")
    assert rc == 0, err
    d = json.loads(out)
    assert d["area"]["area_code"] == HOUSTON and d["lens"] == "jtm"
    assert d["profile"] == {"name": "default", "hash": profiles.load().hash, "source": "default"}
    assert d["household"] == "2A2W2C"
    check_releases(d)
    scored = con.execute(scored_sql(), [NATIONAL_MEDIAN, HOUSTON]).fetchall()
    assert d["scored_occupations"] == len(scored) == 642
    assert d["jtm_count"] == 74 and d["career_ladder_count"] == 12  # pinned in test_mobilize too
    assert d["good_count"] == sum(1 for r in scored if r[2] >= r[5])
    assert d["opportunity_count"] == sum(1 for r in scored if r[2] >= r[5] and r[4] in ACCESSIBLE)
    assert d["promising_count"] == sum(1 for r in scored if r[2] < r[5] and r[4] in ACCESSIBLE and r[3] >= r[5])
    assert d["cost_adjusted_bar"] == pytest.approx(NATIONAL_MEDIAN * 98.629 / 100)
    rows = d["jobs"]
    assert len(rows) == 25  # --top default, 74 JTMs
    assert all(r["jtm"] is True and r["category"] == "jtm" for r in rows)
    comps = [r["composite"] for r in rows]
    assert comps == sorted(comps, reverse=True)
    assert rows[0]["composite"] == max(j["composite"] for j in rows)
    bars, weights = d["bars"], profiles.load().get("jtm.weights")
    for r in rows:
        assert all(r[f"pillar_{p}"] >= bars[p] for p in PILLARS)
        assert r["median_living_wage_ratio"] >= 1 and r["entry_route"] and not r["residual"] and not r["unreliable"] and not r["career_ladder"]
        assert r["median_living_wage_ratio"] == pytest.approx(r["a_median"] / HOUSTON_LW)
        assert r["composite"] == pytest.approx(sum(r[f"pillar_{p}"] * weights[p] for p in PILLARS) / sum(weights.values()))
    assert all(r["career_ladder"] and not r["jtm"] for r in d["career_ladder"])
    assert {c["area"]["area_code"] for c in d["compared_with"]} == {"4800000", "0000000"}  # Texas and the nation


def test_jobs_top_and_text(cli):
    _, out, _ = cli("jobs", "--region", HOUSTON, "--json")
    rc, top3, _ = cli("jobs", "--region", HOUSTON, "--top", "3", "--json")
    assert rc == 0
    assert json.loads(top3)["jobs"] == json.loads(out)["jobs"][:3]
    _, top100, _ = cli("jobs", "--region", HOUSTON, "--top", "100", "--json")
    listed = json.loads(top100)["jobs"]
    assert len(listed) == 74 and all(r["jtm"] for r in listed)  # only the JTMs, however large --top
    rc, text, _ = cli("jobs", "--region", HOUSTON, "--top", "3")
    assert rc == 0
    assert "642 occupations scored: 74 Jobs That Mobilize" in text
    assert "Career-ladder destinations (12)" in text and "Against Texas" in text
    first = json.loads(out)["jobs"][0]
    assert first["occ_code"] in text and first["occ_title"][:30] in text
    assert f"profile default ({profiles.load().hash})" in text


def test_jobs_lens_opportunity(cli, con):
    rc, out, err = cli("jobs", "--region", HOUSTON, "--lens", "opportunity", "--top", "500", "--json")
    assert rc == 0, err
    d = json.loads(out)
    assert d["lens"] == "opportunity"
    expected = con.execute(
        scored_sql("and p.typical_education in (select unnest(?::varchar[])) and w.a_median >= ? * a.price_parity / 100"),
        [NATIONAL_MEDIAN, HOUSTON, ACCESSIBLE, NATIONAL_MEDIAN],
    ).fetchall()
    assert len(d["jobs"]) == d["opportunity_count"] == len(expected) == 151
    assert {r["occ_code"] for r in d["jobs"]} == {r[0] for r in expected}
    assert all(r["category"] == "opportunity" for r in d["jobs"])
    assert all(r["typical_education"] in ACCESSIBLE and r["a_median"] >= d["cost_adjusted_bar"] for r in d["jobs"])
    emps = [r["employment"] for r in d["jobs"]]
    assert emps == sorted(emps, reverse=True)
    assert d["jobs"][0]["occ_code"] == "53-3032"  # truck drivers, 49,750 jobs at 56,840


def test_jobs_lens_good_promising(cli):
    rc, out, err = cli("jobs", "--region", HOUSTON, "--lens", "good-promising", "--top", "1000", "--json")
    assert rc == 0, err
    d = json.loads(out)
    cats = [r["category"] for r in d["jobs"]]
    assert [k for k, _ in groupby(cats)] == ["good", "promising"]
    assert cats.count("good") == d["good_count"] and cats.count("promising") == d["promising_count"]
    bar = d["cost_adjusted_bar"]
    assert all(r["a_median"] >= bar for r in d["jobs"] if r["category"] == "good")
    assert all(r["a_median"] < bar and r["typical_education"] in ACCESSIBLE for r in d["jobs"] if r["category"] == "promising")
    good_emps = [r["employment"] for r in d["jobs"] if r["category"] == "good"]
    assert good_emps == sorted(good_emps, reverse=True)


def test_jobs_lens_good_promising_all_lists_neither_last(cli):
    rc, out, _ = cli("jobs", "--region", HOUSTON, "--lens", "good-promising", "--all", "--json")
    assert rc == 0
    cats = [r["category"] for r in json.loads(out)["jobs"]]
    assert [k for k, _ in groupby(cats)] == ["good", "promising", "neither"]


def test_jobs_unknown_lens(cli):
    rc, out, err = cli("jobs", "--region", HOUSTON, "--lens", "best")
    assert rc == 1 and out == ""
    assert "Unknown lens 'best'" in err
    for lens in ("jtm", "good-promising", "opportunity"):
        assert lens in err


def test_jobs_all_csv(cli, con):
    rc, out, err = cli("jobs", "--region", HOUSTON, "--all", "--csv")
    assert rc == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    expected = {r[0] for r in con.execute(scored_sql(), [NATIONAL_MEDIAN, HOUSTON]).fetchall()}
    assert len(rows) == len(expected) == 642
    assert {r["occ_code"] for r in rows} == expected
    assert [int(r["rank"]) for r in rows] == list(range(1, 643))
    assert all(r["area_code"] == HOUSTON for r in rows)
    cats = [r["category"] for r in rows]
    assert cats[:74] == ["jtm"] * 74 and set(cats[74:]) == {"not jtm", "ladder"} and cats.count("ladder") == 12
    assert [r["jtm"] for r in rows[:75]] == ["True"] * 74 + ["False"]
    comps = [float(r["composite"]) for r in rows[:74]]
    assert comps == sorted(comps, reverse=True)
    nurse = next(r for r in rows if r["occ_code"] == "29-1141")
    assert float(nurse["a_median"]) == 99_830 and nurse["tier"] == "quality"
    assert float(nurse["median_living_wage_ratio"]) == pytest.approx(99_830 / HOUSTON_LW)


def test_jobs_json_and_csv_together_fail(cli):
    rc, _, err = cli("jobs", "--region", HOUSTON, "--json", "--csv")
    assert rc == 1 and "Choose one of --json and --csv" in err


def test_explain_json(cli, con):
    rc, out, err = cli("jobs", "--region", "houston", "--explain", "49-9041", "--json")
    assert rc == 0, err
    e = json.loads(out)
    assert e["occupation"]["occ_code"] == "49-9041" and e["area"]["area_code"] == HOUSTON
    assert e["jtm"] is True and e["scored"] is True
    assert [p["pillar"] for p in e["pillars"]] == list(PILLARS)
    assert [m["measure"] for p in e["pillars"] for m in p["measures"]] == [m for ms in PILLARS.values() for m in ms]
    assert all(p["meets_bar"] and p["score"] >= p["bar"] for p in e["pillars"])
    scores, w = {p["pillar"]: p["score"] for p in e["pillars"]}, profiles.load().get("jtm.weights")
    assert e["composite"] == pytest.approx(sum(scores[p] * w[p] for p in PILLARS) / sum(w.values()))
    assert e["access"]["route"] == "entry without a bachelor's degree (High school diploma or equivalent)"
    assert e["flags"]["residual"] is False and e["flags"]["unreliable"] is False and e["not_jtm_because"] == []
    # median 63,180 ≥ 54,538 > 25th percentile 49,960: near-quality, and the JTM floor is met
    assert e["quality"]["a_median"] == 63_180 and e["quality"]["tier"] == "near-quality"
    assert e["living_wage_floor"]["living_wage"] == HOUSTON_LW and e["living_wage_floor"]["met"] is True
    assert e["living_wage_floor"]["cpi_factor"] == pytest.approx(277.742 / 238.975)
    q = e["quality"]
    assert 0 < q["benefits"] < 1 and q["benefits_source"] == "BLS NCS group-level estimate"
    hazard = con.execute("select hazard_score from occupation_hazard where occ_code = '49-9041'").fetchone()[0]
    assert q["hazard_exposure"] == hazard and q["safety"] == pytest.approx(1 - hazard / 100)
    check_releases(e)


def test_explain_text(cli):
    _, out, _ = cli("jobs", "--region", HOUSTON, "--explain", "49-9041", "--json")
    e = json.loads(out)
    rc, text, err = cli("jobs", "--region", HOUSTON, "--explain", "49-9041")
    assert rc == 0, err
    assert "Industrial Machinery Mechanics (49-9041) in Houston-Pasadena-The Woodlands, TX is a Job That Mobilizes." in text
    assert f"Composite {e['composite']:.0f} of 100." in text
    assert "$54,538" in text and f"{63_180 / HOUSTON_LW:.2f}" in text and "met" in text and "CPI-U × 1.1622" in text
    for p in e["pillars"]:
        assert f"{p['pillar']}: {p['score']:.0f} — meets the bar of {p['bar']:g}" in text
    assert "High school diploma or equivalent" in text
    assert "Missing here: women_men_pay_ratio" in text and "(50)" in text  # CPS publishes no women's median for it
    assert "Not measured: wage parity by race" in text
    q = e["quality"]
    assert f"Quality tier: near-quality. Benefits: {q['benefits']:.2f} (BLS NCS group-level estimate); safety: {q['safety']:.2f} (O*NET hazardous conditions)." in text


def test_explain_csv_has_one_row_per_measure(cli):
    rc, out, _ = cli("jobs", "--region", HOUSTON, "--explain", "49-9041", "--csv")
    assert rc == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["measure"] for r in rows] == [m for ms in PILLARS.values() for m in ms]
    assert {r["pillar"] for r in rows} == set(PILLARS)


def test_explain_occupation_not_in_area(cli):
    rc, out, err = cli("jobs", "--region", HOUSTON, "--explain", "19-3092")
    assert rc == 1 and out == ""
    assert "19-3092" in err and "cannot be scored there" in err


def test_quality_nonmetro_json(cli, con):
    rc, out, err = cli("quality", "--region", NW_AL, "--json")
    assert rc == 0, err
    q = json.loads(out)
    assert q["area"]["area_code"] == NW_AL and q["area"]["area_type"] == "nonmetro"
    assert q["profile"]["hash"] == profiles.load().hash
    check_releases(q)
    # tiers sum to the employment of the area's detailed occupations with published employment
    total = con.execute(
        "select sum(tot_emp) from wages w join occupations o on o.occ_code = w.occ_code and o.level = 'detailed' where area_code = ? and tot_emp is not null",
        [NW_AL],
    ).fetchone()[0]
    tiers = {t["tier"]: t["employment"] for t in q["employment_by_tier"]}
    assert list(tiers) == ["quality", "near-quality", "low", "unknown"]
    assert sum(tiers.values()) == total
    # and each tier by hand, against MIT's $20.575 for 2A2W2C × CPI-U East South Central 130.749 / 109.135 = $24.65 → 51,272
    by_hand = dict(
        con.execute(
            """select case when w.a_pct25 >= 51272 then 'quality' when w.a_median >= 51272 then 'near-quality'
                           when w.a_median is not null then 'low' else 'unknown' end, sum(w.tot_emp)
               from wages w join occupations o on o.occ_code = w.occ_code and o.level = 'detailed'
               where w.area_code = ? and w.tot_emp is not null group by 1""",
            [NW_AL],
        ).fetchall()
    )
    assert tiers == by_hand
    assert tiers == {"quality": 4_760, "near-quality": 12_460, "low": 44_320, "unknown": 660}
    i = q["indicators"]
    assert i["living_wage"] == 51_272 == q["living_wage"]["annual_wage"] and i["computed_from"] == "its own occupations"
    assert i["opportunity_wage_bar"] == pytest.approx(NATIONAL_MEDIAN * 83.231 / 100)
    assert i["living_wage_median_share"] == pytest.approx((4_760 + 12_460) / (total - 660))
    assert q["largest_low_quality"][0]["occ_code"] == "51-2090"
    assert q["benefits_measured"] is True and q["safety_measured"] is True


def test_quality_text_and_csv(cli):
    rc, text, _ = cli("quality", "--region", NW_AL)
    assert rc == 0
    assert "Northwest Alabama nonmetropolitan area" in text and "$51,272" in text and "CPI-U" in text
    assert "Miscellaneous Assemblers and Fabricators" in text
    assert "Benefits:" in text and "average access" in text and "not gating the tiers" in text
    rc, out, _ = cli("quality", "--region", NW_AL, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["tier"] for r in rows] == ["quality", "near-quality", "low", "unknown"]
    assert float(rows[0]["employment"]) == 4_760 and all(r["area_code"] == NW_AL for r in rows)


def test_compare_three_areas(cli, con):
    rc, out, err = cli("compare", "houston", NW_AL, "TX", "--json")
    assert rc == 0, err
    c = json.loads(out)
    assert [a["area_code"] for a in c["areas"]] == [HOUSTON, NW_AL, "4800000"]
    assert c["profile"]["name"] == "default"
    check_releases(c)
    for a in c["areas"]:
        median, parity = con.execute(
            "select w.a_median, a.price_parity from wages w join areas a using (area_code) where area_code = ? and occ_code = '00-0000'",
            [a["area_code"]],
        ).fetchone()
        assert a["median_wage"] == median and a["price_parity"] == parity
        assert a["real_median_wage"] == pytest.approx(median / parity * 100)
        assert a["jtm_count"] <= a["scored_occupations"]
        assert len(a["top_jtms"]) == min(5, a["jtm_count"])
        comps = [j["composite"] for j in a["top_jtms"]]
        assert comps == sorted(comps, reverse=True)
        for j in a["top_jtms"]:
            assert j["real_median"] == pytest.approx(j["a_median"] / parity * 100)
        assert 0 <= a["living_wage_p25_share"] <= a["living_wage_median_share"] <= 1
    h, al, _ = c["areas"]
    assert h["real_median_wage"] == pytest.approx(49_410 / 98.629 * 100)
    assert al["real_median_wage"] == pytest.approx(41_000 / 83.231 * 100)
    assert h["jtm_count"] == 74 and h["scored_occupations"] == 642
    # the same indicators as `upward quality`
    _, qout, _ = cli("quality", "--region", HOUSTON, "--json")
    for k, v in json.loads(qout)["indicators"].items():
        if k != "area_code":
            assert h[k] == (pytest.approx(v) if isinstance(v, float) else v), k


def test_compare_text(cli):
    rc, text, _ = cli("compare", HOUSTON, NW_AL)
    assert rc == 0
    assert "Houston-Pasadena-The Woodlands, TX" in text and "Northwest Alabama nonmetropolitan area" in text
    assert "real median wage" in text and "74 of 642" in text


def test_compare_needs_two_areas(cli):
    rc, out, err = cli("compare", "houston")
    assert rc == 1 and out == ""
    assert "two or more areas" in err


def test_invalid_profile_exits_1_naming_the_key(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[living_wage]\nhousehold = "3A"\n')
    for args in (("jobs", "--region", HOUSTON), ("quality", "--region", HOUSTON), ("compare", HOUSTON, NW_AL)):
        rc, out, err = cli(*args, "--profile", str(bad))
        assert rc == 1 and out == "", args
        assert "living_wage.household" in err and "2A2W2C" in err and "1A0C" in err
    broken = tmp_path / "broken.toml"
    broken.write_text("[jtm\n")
    rc, _, err = cli("jobs", "--region", HOUSTON, "--profile", str(broken))
    assert rc == 1 and "not valid TOML" in err


def test_custom_profile_is_recorded_and_used(cli, con, tmp_path):
    path = tmp_path / "single.toml"
    path.write_text('name = "single adult"\n[living_wage]\nhousehold = "1A0C"\n')
    rc, out, err = cli("jobs", "--region", HOUSTON, "--profile", str(path), "--json")
    assert rc == 0, err
    d = json.loads(out)
    p = profiles.load(path)
    assert d["profile"] == {"name": "single adult", "hash": p.hash, "source": str(path)}
    assert d["household"] == "1A0C"
    assert d["profile"]["hash"] != profiles.load().hash
    lw = round(round(16.95 * 277.742 / 238.975, 2) * 2080)  # MIT $16.95 for one adult × CPI-U Houston = $19.70
    assert lw == 40_976 < HOUSTON_LW
    assert all(r["living_wage"] == lw and r["median_living_wage_ratio"] == pytest.approx(r["a_median"] / lw) for r in d["jobs"])
    # ratios to a lower living wage keep their order, so the ranks hold and only the pay floor is easier
    _, base, _ = cli("jobs", "--region", HOUSTON, "--all", "--json")
    base_jtm = {r["occ_code"] for r in json.loads(base)["jobs"] if r["jtm"]}
    _, single, _ = cli("jobs", "--region", HOUSTON, "--all", "--profile", str(path), "--json")
    single_jtm = {r["occ_code"] for r in json.loads(single)["jobs"] if r["jtm"]}
    assert base_jtm <= single_jtm and len(single_jtm) == d["jtm_count"] >= 74


def test_profile_show_prints_default_toml(cli):
    rc, out, _ = cli("profile", "show")
    assert rc == 0
    assert out == profiles.DEFAULT_FILE.read_text(encoding="utf-8")
    assert 'household = "2A2W2C"' in out


def test_profile_show_merged(cli, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("[jtm.bars]\nworkers = 60\n")
    rc, out, _ = cli("profile", "show", "--profile", str(path))
    assert rc == 0
    d = json.loads(out)
    assert d["settings"]["jtm"]["bars"]["workers"] == 60 and d["settings"]["living_wage"]["household"] == "2A2W2C"
    assert d["profile"]["hash"] == profiles.load(path).hash


def test_profile_check(cli, tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('name = "board"\n[jtm.bars]\nworkers = 60\n')
    rc, out, _ = cli("profile", "check", str(good))
    assert rc == 0
    assert f"Profile 'board' is valid (hash {profiles.load(good).hash})." in out
    bad = tmp_path / "bad.toml"
    bad.write_text("[jtm.workers]\nfoo = 1\n")
    rc, out, err = cli("profile", "check", str(bad))
    assert rc == 1 and "jtm.workers.foo" in err and "jtm.workers.wage_ladder" in err


def test_jobs_in_puerto_rico_say_why_there_are_no_jtms(cli):
    rc, out, _ = cli("jobs", "--region", "0041980", "--json")
    r = json.loads(out)
    assert rc == 0 and r["jtm_count"] == 0 and r["scored_occupations"] > 0
    assert any("No living wage" in n for n in r["notes"]) and any("price parity" in n for n in r["notes"])
    rc, out, _ = cli("jobs", "--region", "houston", "--json")
    assert [n for n in json.loads(out)["notes"] if "No living wage" in n or "price parity" in n] == []


def test_indicators_for_every_area_match_the_quality_report(cli):
    rc, out, _ = cli("indicators", "--json")
    rows = {r["area_code"]: r for r in json.loads(out)["areas"]}
    assert rc == 0 and len(rows) == 583
    _, q, _ = cli("quality", "--region", "0100001", "--json")
    ind = json.loads(q)["indicators"]
    assert rows["0100001"]["living_wage_median_share"] == pytest.approx(ind["living_wage_median_share"])
    assert rows["0100001"]["opportunity_share"] == pytest.approx(ind["opportunity_share"])
    rc, out, _ = cli("indicators", "--type", "state", "--csv")
    assert rc == 0 and len(out.strip().splitlines()) == 1 + 54
    rc, _, err = cli("indicators", "--type", "city")
    assert rc == 1 and "Unknown area type" in err


def test_what_an_area_is_compared_with(con):
    """A metro and a nonmetro area meet their state (by OEWS's state code) and the nation; a state
    meets the nation; the nation only itself; a peer named twice, or already there, is listed once."""
    from upward.analysis.compare import comparison_codes

    assert comparison_codes(con, HOUSTON) == [(HOUSTON, "region"), ("4800000", "state"), ("0000000", "nation")]
    assert comparison_codes(con, NW_AL) == [(NW_AL, "region"), ("0100000", "state"), ("0000000", "nation")]
    assert comparison_codes(con, "4800000", [HOUSTON, HOUSTON, "0000000"]) == [("4800000", "region"), ("0000000", "nation"), (HOUSTON, "peer")]
    assert comparison_codes(con, "0000000") == [("0000000", "region")]


def test_an_area_type_is_read_in_any_case_and_named_as_typed_when_unknown(cli):
    """`regions` and `indicators` share one check of an area type (analysis.regions.area_type_of)."""
    rc, out, _ = cli("indicators", "--type", "State", "--json")
    states = json.loads(out)["areas"]
    assert rc == 0 and len(states) == 54 and {r["area_type"] for r in states} == {"state"}
    rc, out, _ = cli("regions", "--type", "NonMetro", "--json")
    assert rc == 0 and len(json.loads(out)) > 100 and {r["area_type"] for r in json.loads(out)} == {"nonmetro"}
    for command in ("indicators", "regions"):
        rc, _, err = cli(command, "--type", "City")
        assert rc == 1 and "Unknown area type 'City'." in err
