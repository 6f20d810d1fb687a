"""Job quality per occupation × area, checked by hand against the raw atlas tables.

Two areas: Houston-Pasadena-The Woodlands (metro, 0026420) and the Northwest Alabama nonmetropolitan
area (0100001). Every expectation is recomputed here with plain SQL on the raw tables (wages,
living_wage, projections, areas), never with the functions under test, and a few are pinned as
literal numbers from the published files.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from upward import profiles
from upward.analysis.quality import national_median, quality_report, quality_table, system_indicators
from upward.errors import UpwardError

HOUSTON, NW_AL = "0026420", "0100001"
AREAS = [HOUSTON, NW_AL]
HOUSEHOLD = "2A2W2C"
NATIONAL_MEDIAN = 50_980.0  # OEWS May 2025, all occupations, national annual median


def raw(con, area: str, soc: str) -> dict:
    """One occupation's raw inputs, straight from the atlas tables."""
    cur = con.execute(
        """
        select w.tot_emp, w.a_median, w.a_pct25, w.a_pct10, w.a_pct90, w.loc_quotient,
               l.annual_wage as living_wage, am.a_median as area_median, a.price_parity,
               p.openings_annual, p.emp_2024, p.emp_change_pct, p.separations_rate, p.typical_education
        from wages w
        join areas a on a.area_code = w.area_code
        left join living_wage l on l.area_code = w.area_code and l.household = ?
        left join wages am on am.area_code = w.area_code and am.occ_code = '00-0000'
        left join projections p on p.occ_code = w.occ_code
        where w.area_code = ? and w.occ_code = ?
        """,
        [HOUSEHOLD, area, soc],
    )
    cols = [d[0] for d in cur.description]
    return dict(zip(cols, cur.fetchone()))


def hand_tier(r: dict) -> str:
    if r["a_pct25"] is not None and r["a_pct25"] / r["living_wage"] >= 1:
        return "quality"
    if r["a_median"] is not None and r["a_median"] / r["living_wage"] >= 1:
        return "near-quality"
    return "low" if r["a_median"] is not None else "unknown"


@pytest.fixture(scope="module")
def profile():
    return profiles.load()


@pytest.fixture(scope="module")
def qt(con, profile):
    return quality_table(con, profile, AREAS)


def row(df, area, soc):
    r = df[(df.area_code == area) & (df.occ_code == soc)]
    assert len(r) == 1, (area, soc)
    return r.iloc[0]


def test_no_top_coded_cells_in_the_two_areas(con):
    # Precondition of the plain SQL below: no wage in these areas is replaced by BLS's top-code bound.
    n = con.execute(
        "select count(*) from wages where area_code in (?, ?) and (a_median_top_coded or a_pct25_top_coded or a_pct10_top_coded or a_pct90_top_coded)",
        AREAS,
    ).fetchone()[0]
    assert n == 0


def test_houston_registered_nurses_literal(qt):
    r = row(qt, HOUSTON, "29-1141")
    assert r.occ_title == "Registered Nurses"
    assert r.employment == 65_910
    assert r.a_median == 99_830 and r.a_pct25 == 81_890 and r.a_pct10 == 74_860 and r.a_pct90 == 130_440
    assert r.living_wage == 46_925 and r.living_wage_source == "area"  # MIT $22.56/h × 2,080
    assert r.median_living_wage_ratio == pytest.approx(2.1274, abs=5e-5)
    assert r.median_living_wage_ratio == pytest.approx(99_830 / 46_925)
    assert r.entry_living_wage_ratio == pytest.approx(81_890 / 46_925)
    assert r.entry_living_wage_ratio == pytest.approx(1.7451, abs=5e-5)
    assert r.median_vs_area_median == pytest.approx(99_830 / 49_410)
    assert r.wage_ladder == pytest.approx(130_440 / 74_860)
    # national projections: 189.1 thousand openings a year on 3,391.0 thousand jobs in 2024
    assert r.openings_per_100 == pytest.approx(189.1 / 3391.0 * 100)
    assert r.openings_per_100 == pytest.approx(5.5765, abs=5e-5)
    assert r.openings == pytest.approx(65_910 * 189.1 / 3391.0)
    assert r.growth == 4.9 and r.separations_rate == 5.0
    assert r.typical_education == "Bachelor's degree" and not r.accessible
    assert r.tier == "quality"


def test_northwest_alabama_industrial_machinery_mechanics_literal(qt):
    r = row(qt, NW_AL, "49-9041")
    assert r.employment == 830 and r.a_median == 55_060 and r.a_pct25 == 49_060
    assert r.living_wage == 42_796  # MIT 2A2W2C, median of the area's counties ($20.575/h)
    assert r.median_living_wage_ratio == pytest.approx(55_060 / 42_796)
    assert r.entry_living_wage_ratio == pytest.approx(49_060 / 42_796)
    assert r.median_vs_area_median == pytest.approx(55_060 / 41_000)
    assert r.wage_ladder == pytest.approx(80_190 / 41_390)
    assert r.openings_per_100 == pytest.approx(45.7 / 439.6 * 100)
    assert r.growth == 16.1
    assert r.loc_quotient == 4.36 and r.price_parity == 83.231
    assert r.typical_education == "High school diploma or equivalent" and r.accessible
    assert r.tier == "quality"


TIER_CASES = [
    (HOUSTON, "29-1141", "quality"),  # Registered Nurses: 25th pct 81,890 ≥ 46,925
    (HOUSTON, "53-3032", "near-quality"),  # Truck drivers: median 56,840 ≥ 46,925 > 25th pct 46,830
    (HOUSTON, "35-3023", "low"),  # Fast food: median 27,570
    (HOUSTON, "27-2011", "unknown"),  # Actors: wages not published
    (NW_AL, "49-9041", "quality"),
    (NW_AL, "53-3032", "quality"),  # same occupation, cheaper area: 25th pct 45,370 ≥ 42,796
    (NW_AL, "51-4121", "near-quality"),  # Welders: median 46,750, 25th pct 41,130
    (NW_AL, "41-2011", "low"),  # Cashiers: median 26,390
    (NW_AL, "53-7063", "unknown"),  # Machine feeders: wages not published
]


@pytest.mark.parametrize("area, soc, tier", TIER_CASES)
def test_measures_and_tier_by_hand(con, qt, area, soc, tier):
    h = raw(con, area, soc)
    r = row(qt, area, soc)
    assert hand_tier(h) == tier
    assert r.tier == tier
    assert r.employment == h["tot_emp"]
    assert r.living_wage == h["living_wage"]
    if h["a_median"] is None:
        assert math.isnan(r.a_median) and math.isnan(r.median_living_wage_ratio)
    else:
        assert r.median_living_wage_ratio == pytest.approx(h["a_median"] / h["living_wage"])
        assert r.entry_living_wage_ratio == pytest.approx(h["a_pct25"] / h["living_wage"])
        assert r.median_vs_area_median == pytest.approx(h["a_median"] / h["area_median"])
        assert r.wage_ladder == pytest.approx(h["a_pct90"] / h["a_pct10"])
    assert r.openings_per_100 == pytest.approx(h["openings_annual"] / h["emp_2024"] * 100)
    assert r.openings == pytest.approx(h["tot_emp"] * h["openings_annual"] / h["emp_2024"])
    assert r.growth == pytest.approx(h["emp_change_pct"])
    assert r.separations_rate == pytest.approx(h["separations_rate"])
    assert r.price_parity == h["price_parity"]


def test_tier_rule_holds_for_every_occupation_in_both_areas(con, qt):
    rows = con.execute(
        """
        select w.area_code, w.occ_code, w.a_median, w.a_pct25, l.annual_wage as living_wage
        from wages w join occupations o using (occ_code)
        left join living_wage l on l.area_code = w.area_code and l.household = ?
        where w.area_code in (?, ?) and o.level = 'detailed' and w.tot_emp is not null
        """,
        [HOUSEHOLD, *AREAS],
    ).fetchall()
    expected = {(a, s): hand_tier({"a_median": m, "a_pct25": p, "living_wage": lw}) for a, s, m, p, lw in rows}
    got = {(r.area_code, r.occ_code): r.tier for r in qt.itertuples()}
    assert got == expected
    assert set(got.values()) == {"quality", "near-quality", "low", "unknown"}


def test_tier_boundaries_are_inclusive(profile):
    import pandas as pd

    from upward.analysis.quality import tiers

    df = pd.DataFrame(
        {
            "entry_living_wage_ratio": [1.0, 0.999, 0.5, np.nan, np.nan],
            "median_living_wage_ratio": [1.2, 1.0, 0.999, np.nan, 1.1],
        }
    )
    assert list(tiers(df, profile)) == ["quality", "near-quality", "low", "unknown", "near-quality"]


def test_tiers_follow_the_profile(tmp_path, con):
    path = tmp_path / "strict.toml"
    path.write_text("[quality]\nquality_p25_ratio = 1.8\nnear_quality_median_ratio = 2.0\n")
    df = quality_table(con, profiles.load(path), [HOUSTON])
    # Registered nurses: 25th pct ratio 1.745 < 1.8, median ratio 2.127 ≥ 2.0
    assert row(df, HOUSTON, "29-1141").tier == "near-quality"
    # Truck drivers: median ratio 1.21 < 2.0 → low
    assert row(df, HOUSTON, "53-3032").tier == "low"


def test_national_median(con):
    assert national_median(con) == NATIONAL_MEDIAN


def hand_indicators(con, area: str) -> dict:
    accessible = list(profiles.load().get("education.accessible"))
    q = """
    select sum(w.tot_emp) as known,
           sum(w.tot_emp) filter (where w.a_median >= l.annual_wage) as lw_median,
           sum(w.tot_emp) filter (where w.a_pct25 >= l.annual_wage) as lw_p25,
           sum(w.tot_emp) filter (where p.typical_education in (select unnest(?::varchar[]))
                                   and w.a_median >= ? * a.price_parity / 100) as opportunity,
           any_value(a.price_parity) as parity, any_value(l.annual_wage) as living_wage
    from wages w
    join occupations o on o.occ_code = w.occ_code and o.level = 'detailed'
    join areas a on a.area_code = w.area_code
    left join living_wage l on l.area_code = w.area_code and l.household = ?
    left join projections p on p.occ_code = w.occ_code
    where w.area_code = ? and w.tot_emp is not null and w.a_median is not null
    """
    known, lw_med, lw_p25, opp, parity, lw = con.execute(q, [accessible, NATIONAL_MEDIAN, HOUSEHOLD, area]).fetchone()
    published = con.execute(
        "select sum(tot_emp) from wages w join occupations o on o.occ_code = w.occ_code and o.level = 'detailed' where area_code = ? and tot_emp is not null",
        [area],
    ).fetchone()[0]
    return {
        "living_wage_median_share": lw_med / known,
        "living_wage_p25_share": lw_p25 / known,
        "opportunity_share": opp / known,
        "opportunity_wage_bar": NATIONAL_MEDIAN * parity / 100,
        "living_wage": lw,
        "wage_coverage": known / published,
    }


@pytest.mark.parametrize(
    "area, pinned",
    [
        (HOUSTON, {"living_wage_median_share": 0.5262, "living_wage_p25_share": 0.4272, "opportunity_share": 0.1940, "opportunity_wage_bar": 50_281.06}),
        (NW_AL, {"living_wage_median_share": 0.4412, "living_wage_p25_share": 0.2868, "opportunity_share": 0.2889, "opportunity_wage_bar": 42_431.16}),
    ],
)
def test_system_indicators_by_hand(con, qt, profile, area, pinned):
    expected = hand_indicators(con, area)
    ind = system_indicators(qt, national_median(con), profile).set_index("area_code")
    assert list(ind.index) == sorted(AREAS)
    got = ind.loc[area]
    for k, v in expected.items():
        assert got[k] == pytest.approx(v, rel=1e-9), k
    for k, v in pinned.items():
        assert got[k] == pytest.approx(v, abs=1e-4 if "share" in k else 0.01), k
    assert got.living_wage_source == "area"
    # the same numbers come out of the one-area report
    rep = quality_report(con, area, profile)["indicators"]
    for k, v in expected.items():
        assert rep[k] == pytest.approx(v, rel=1e-9), k


def test_opportunity_share_follows_the_profile_ratio(con, qt, tmp_path):
    path = tmp_path / "fed_plus.toml"
    path.write_text("[opportunity]\nnational_median_ratio = 1.2\n")
    higher = profiles.load(path)
    ind = system_indicators(qt, national_median(con), higher).set_index("area_code").loc[HOUSTON]
    accessible = list(higher.get("education.accessible"))
    known, opp = con.execute(
        """select sum(w.tot_emp), sum(w.tot_emp) filter (where p.typical_education in (select unnest(?::varchar[]))
                                                          and w.a_median >= 1.2 * ? * a.price_parity / 100)
           from wages w join occupations o on o.occ_code = w.occ_code and o.level = 'detailed'
           join areas a on a.area_code = w.area_code left join projections p on p.occ_code = w.occ_code
           where w.area_code = ? and w.tot_emp is not null and w.a_median is not null""",
        [accessible, NATIONAL_MEDIAN, HOUSTON],
    ).fetchone()
    assert ind.opportunity_share == pytest.approx(opp / known)
    assert ind.opportunity_wage_bar == pytest.approx(1.2 * NATIONAL_MEDIAN * 98.629 / 100)
    assert ind.opportunity_share < hand_indicators(con, HOUSTON)["opportunity_share"]


# --- benefits and safety: pluggable, never guessed ---------------------------------------------


def test_benefits_and_safety_not_measured_without_input(con, qt, profile):
    assert qt.benefits.isna().all() and qt.safety.isna().all()
    rep = quality_report(con, HOUSTON, profile)
    assert rep["benefits_measured"] is False and rep["safety_measured"] is False


def _profile_with(tmp_path, **inputs):
    lines = ["[inputs]"] + [f'{k} = "{v.as_posix()}"' for k, v in inputs.items()]
    path = tmp_path / "inputs.toml"
    path.write_text("\n".join(lines) + "\n")
    return profiles.load(path)


def test_benefits_csv_by_soc(tmp_path, con):
    csv = tmp_path / "benefits.csv"
    csv.write_text("soc,value\n29-1141,0.75\n49-9041,0.4\n")
    prof = _profile_with(tmp_path, benefits=csv)
    df = quality_table(con, prof, AREAS)
    for area in AREAS:
        assert row(df, area, "29-1141").benefits == 0.75
        assert row(df, area, "49-9041").benefits == 0.4
        assert math.isnan(row(df, area, "41-2011").benefits)
    assert df.benefits.notna().sum() == 4
    assert df.safety.isna().all()
    # the rest of the table is untouched by the input
    assert row(df, HOUSTON, "29-1141").tier == "quality"
    rep = quality_report(con, HOUSTON, prof)
    assert rep["benefits_measured"] is True and rep["safety_measured"] is False


def test_safety_csv_by_soc_and_area(tmp_path, con):
    csv = tmp_path / "safety.csv"
    csv.write_text("soc,area,value\n29-1141,0026420,0.9\n29-1141,0100001,0.2\n")
    df = quality_table(con, _profile_with(tmp_path, safety=csv), AREAS)
    assert row(df, HOUSTON, "29-1141").safety == 0.9
    assert row(df, NW_AL, "29-1141").safety == 0.2
    assert df.safety.notna().sum() == 2 and df.benefits.isna().all()


@pytest.mark.parametrize("bad, row_no", [("2", 3), ("high", 2), ("-0.1", 3)])
def test_benefits_value_out_of_range_names_file_row_field(tmp_path, con, bad, row_no):
    csv = tmp_path / "benefits.csv"
    values = ["0.5", bad] if row_no == 3 else [bad, "0.5"]
    csv.write_text(f"soc,value\n29-1141,{values[0]}\n49-9041,{values[1]}\n")
    prof = _profile_with(tmp_path, benefits=csv)
    with pytest.raises(UpwardError) as info:
        quality_table(con, prof, [HOUSTON])
    msg = info.value.message
    assert str(csv) in msg or csv.as_posix() in msg
    assert f"row {row_no}" in msg and "field 'value'" in msg and repr(bad) in msg


def test_benefits_csv_without_value_column(tmp_path, con):
    csv = tmp_path / "benefits.csv"
    csv.write_text("soc,score\n29-1141,0.5\n")
    with pytest.raises(UpwardError, match="needs columns 'soc' and 'value'"):
        quality_table(con, _profile_with(tmp_path, benefits=csv), [HOUSTON])


def test_benefits_csv_with_duplicate_soc_is_a_clear_error(tmp_path, con):
    csv = tmp_path / "benefits.csv"
    csv.write_text("soc,value\n29-1141,0.8\n29-1141,0.9\n")
    with pytest.raises(UpwardError, match="29-1141"):
        quality_table(con, _profile_with(tmp_path, benefits=csv), [HOUSTON])


def test_quality_report_tiers_and_low_list(con, profile):
    rep = quality_report(con, NW_AL, profile, top=5)
    by_tier = {t["tier"]: t for t in rep["employment_by_tier"]}
    assert list(by_tier) == ["quality", "near-quality", "low", "unknown"]
    low = rep["largest_low_quality"]
    assert len(low) == 5
    assert [o["employment"] for o in low] == sorted((o["employment"] for o in low), reverse=True)
    assert all(o["median_living_wage_ratio"] < 1 for o in low)
    # the biggest: Miscellaneous Assemblers and Fabricators, 4,500 jobs at a 42,260 median (< 42,796)
    assert low[0]["occ_code"] == "51-2090" and low[0]["employment"] == 4_500
    assert sum(t["share"] for t in rep["employment_by_tier"]) == pytest.approx(1.0)
    assert np.isclose(by_tier["unknown"]["employment"], 660)  # 5 occupations without published wages


@pytest.mark.parametrize("soc, field", [("29-9999", "soc"), ("26420", "soc"), ("29-11", "soc")])
def test_benefits_rows_naming_nothing_are_rejected(tmp_path, con, soc, field):
    csv = tmp_path / "benefits.csv"
    csv.write_text(f"soc,value\n29-2061,0.7\n{soc},0.8\n")
    with pytest.raises(UpwardError, match=rf"row 3, field '{field}'"):
        quality_table(con, _profile_with(tmp_path, benefits=csv), [HOUSTON])


def test_benefits_area_must_be_an_oews_code(tmp_path, con):
    csv = tmp_path / "benefits.csv"
    csv.write_text("soc,area,value\n29-1141,9999999,0.8\n")
    with pytest.raises(UpwardError, match="row 2, field 'area'"):
        quality_table(con, _profile_with(tmp_path, benefits=csv), [HOUSTON])
    csv.write_text("soc,area,value\n29-1141,Houston,0.8\n")
    with pytest.raises(UpwardError, match="row 2, field 'area': 'Houston' is not an OEWS area code"):
        quality_table(con, _profile_with(tmp_path, benefits=csv), [HOUSTON])


def test_benefits_codes_are_read_as_every_other_file_reads_them(tmp_path, con):
    """Issue 20: a benefits CSV accepts 29-1141.00 (O*NET's spelling of the SOC occupation), 291141 and an
    OEWS area whose leading zeros a spreadsheet dropped (26420), as a rating sheet does."""
    csv = tmp_path / "benefits.csv"
    csv.write_text("soc,area,value\n29-1141.00,26420,0.8\n499021,0026420,0.3\n")
    df = quality_table(con, _profile_with(tmp_path, benefits=csv), [HOUSTON])
    assert row(df, HOUSTON, "29-1141").benefits == 0.8
    assert row(df, HOUSTON, "49-9021").benefits == 0.3
    assert df.benefits.notna().sum() == 2


def test_price_adjustment_scales_the_living_wage(tmp_path, con, profile):
    path = tmp_path / "adj.toml"
    path.write_text("[living_wage]\nprice_adjustment = 1.2\n")
    adjusted = quality_table(con, profiles.load(path), [HOUSTON]).set_index("occ_code")
    base = quality_table(con, profile, [HOUSTON]).set_index("occ_code")
    assert adjusted.loc["29-1141", "living_wage"] == pytest.approx(46925 * 1.2)
    assert adjusted.loc["29-1141", "median_living_wage_ratio"] == pytest.approx(99830 / (46925 * 1.2))
    assert (adjusted.tier == "quality").sum() <= (base.tier == "quality").sum()
