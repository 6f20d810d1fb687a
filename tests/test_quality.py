"""Job quality per occupation × area, checked by hand against the raw atlas tables.

Two areas: Houston-Pasadena-The Woodlands (metro, 0026420) and the Northwest Alabama nonmetropolitan
area (0100001). Every expectation is recomputed here with plain SQL on the raw tables (wages,
living_wage, projections, areas), never with the functions under test, and a few are pinned as
literal numbers from the published files. The living wage is MIT's hourly figure × the area's CPI-U
factor, to the cent, × 2,080 (tests/test_living_wage.py checks the factors against the CPI file).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from upward import profiles
from upward.analysis.quality import indicators, national_median, quality_report, quality_table
from upward.errors import UpwardError

HOUSTON, NW_AL = "0026420", "0100001"
AREAS = [HOUSTON, NW_AL]
HOUSEHOLD = "2A2W2C"
NATIONAL_MEDIAN = 50_980.0  # OEWS May 2025, all occupations, national annual median


def living_wage_of(hourly: float, factor: float = 1.0) -> float:
    """MIT's hourly figure × the CPI factor, to the cent (half up, as written), × 2,080, to the dollar."""
    from decimal import ROUND_HALF_UP, Decimal

    cents = Decimal(repr(round(hourly * factor, 6))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float((cents * 2080).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def raw(con, area: str, soc: str) -> dict:
    """One occupation's raw inputs, straight from the atlas tables."""
    cur = con.execute(
        """
        select w.tot_emp, w.a_median, w.a_pct25, w.a_pct10, w.a_pct90, w.loc_quotient,
               l.hourly_wage, l.cpi_factor, am.a_median as area_median, a.price_parity,
               p.openings_annual, p.emp_base, p.emp_change_pct, p.separations_rate, p.typical_education
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
    out = dict(zip(cols, cur.fetchone()))
    out["living_wage"] = living_wage_of(out.pop("hourly_wage"), out.pop("cpi_factor"))
    return out


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
    # MIT $22.56/h (median of Houston's 10 counties, 2021) × CPI-U Houston 2025/2021 277.742/238.975 = $26.22/h × 2,080
    assert r.living_wage == 54_538 and r.cpi_factor == pytest.approx(277.742 / 238.975)
    assert r.living_wage == living_wage_of(22.56, 277.742 / 238.975)
    assert r.median_living_wage_ratio == pytest.approx(99_830 / 54_538)
    assert r.entry_living_wage_ratio == pytest.approx(81_890 / 54_538)
    assert r.entry_living_wage_ratio == pytest.approx(1.5015, abs=5e-5)
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
    # MIT 2A2W2C, median of the area's counties ($20.575/h) × CPI-U East South Central 130.749/109.135 = $24.65/h
    assert r.living_wage == living_wage_of(20.575, 130.749 / 109.135) == 51_272
    assert r.median_living_wage_ratio == pytest.approx(55_060 / 51_272)
    assert r.entry_living_wage_ratio == pytest.approx(49_060 / 51_272)
    assert r.median_vs_area_median == pytest.approx(55_060 / 41_000)
    assert r.wage_ladder == pytest.approx(80_190 / 41_390)
    assert r.openings_per_100 == pytest.approx(45.7 / 439.6 * 100)
    assert r.growth == 16.1
    assert r.loc_quotient == 4.36 and r.price_parity == 83.231
    assert r.typical_education == "High school diploma or equivalent" and r.accessible
    assert r.tier == "near-quality"  # median 55,060 ≥ 51,272 > 25th percentile 49,060


TIER_CASES = [
    (HOUSTON, "29-1141", "quality"),  # Registered Nurses: 25th pct 81,890 ≥ 54,538
    (HOUSTON, "53-3032", "near-quality"),  # Truck drivers: median 56,840 ≥ 54,538 > 25th pct 46,830
    (HOUSTON, "35-3023", "low"),  # Fast food: median 27,570
    (HOUSTON, "27-2011", "unknown"),  # Actors: wages not published
    (NW_AL, "11-1021", "quality"),  # General and operations managers: 25th pct 64,780 ≥ 51,272
    (NW_AL, "49-9041", "near-quality"),  # Industrial machinery mechanics: median 55,060 ≥ 51,272 > 25th pct 49,060
    (NW_AL, "53-3032", "near-quality"),  # same occupation as in Houston, cheaper area: 25th pct 45,370 < 51,272 ≤ median 56,840
    (NW_AL, "51-4121", "low"),  # Welders: median 46,750
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
    assert r.openings_per_100 == pytest.approx(h["openings_annual"] / h["emp_base"] * 100)
    assert r.openings == pytest.approx(h["tot_emp"] * h["openings_annual"] / h["emp_base"])
    assert r.growth == pytest.approx(h["emp_change_pct"])
    assert r.separations_rate == pytest.approx(h["separations_rate"])
    assert r.price_parity == h["price_parity"]


def test_tier_rule_holds_for_every_occupation_in_both_areas(con, qt):
    rows = con.execute(
        """
        select w.area_code, w.occ_code, w.a_median, w.a_pct25
        from wages w join occupations o using (occ_code)
        where w.area_code in (?, ?) and o.level = 'detailed' and w.tot_emp is not null
        """,
        AREAS,
    ).fetchall()
    lw = {a: area_living_wage(con, a) for a in AREAS}
    expected = {(a, s): hand_tier({"a_median": m, "a_pct25": p, "living_wage": lw[a]}) for a, s, m, p in rows}
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
    path.write_text("[quality]\nquality_p25_ratio = 1.6\nnear_quality_median_ratio = 1.8\n")
    df = quality_table(con, profiles.load(path), [HOUSTON])
    # Registered nurses: 25th pct ratio 81,890 / 54,538 = 1.50 < 1.6, median ratio 99,830 / 54,538 = 1.83 ≥ 1.8
    assert row(df, HOUSTON, "29-1141").tier == "near-quality"
    # Truck drivers: median ratio 56,840 / 54,538 = 1.04 < 1.8 → low
    assert row(df, HOUSTON, "53-3032").tier == "low"


def test_national_median(con):
    assert national_median(con) == NATIONAL_MEDIAN


def area_living_wage(con, area: str, household: str = HOUSEHOLD) -> float:
    hourly, factor = con.execute("select hourly_wage, cpi_factor from living_wage where area_code = ? and household = ?", [area, household]).fetchone()
    return living_wage_of(hourly, factor)


def hand_counts(con, area: str, national_ratio: float = 1.0) -> dict:
    """The job counts behind one local area's indicators, by plain SQL on the raw tables."""
    accessible = list(profiles.load().get("education.accessible"))
    lw = area_living_wage(con, area)
    q = """
    select sum(w.tot_emp) filter (where w.a_median is not null) as known,
           sum(w.tot_emp) filter (where w.a_median >= $lw) as lw_median,
           sum(w.tot_emp) filter (where w.a_median is not null and w.a_pct25 >= $lw) as lw_p25,
           sum(w.tot_emp) filter (where w.a_mean is not null) as mean_known,
           sum(w.tot_emp) filter (where w.a_mean > $lw) as lw_mean,
           sum(w.tot_emp) filter (where p.typical_education in (select unnest($acc::varchar[]))
                                   and w.a_median >= $ratio * $nat * a.price_parity / 100) as opportunity,
           any_value(a.price_parity) as parity, sum(w.tot_emp) as published
    from wages w
    join occupations o on o.occ_code = w.occ_code and o.level = 'detailed'
    join areas a on a.area_code = w.area_code
    left join projections p on p.occ_code = w.occ_code
    where w.area_code = $area and w.tot_emp is not null
    """
    cur = con.execute(q, {"lw": lw, "acc": accessible, "ratio": national_ratio, "nat": NATIONAL_MEDIAN, "area": area})
    out = dict(zip([d[0] for d in cur.description], cur.fetchone()))
    out["living_wage"] = lw
    return out


def hand_indicators(con, area: str) -> dict:
    c = hand_counts(con, area)
    return {
        "living_wage_median_share": c["lw_median"] / c["known"],
        "living_wage_p25_share": c["lw_p25"] / c["known"],
        "living_wage_mean_share": c["lw_mean"] / c["mean_known"],
        "opportunity_share": c["opportunity"] / c["known"],
        "opportunity_wage_bar": NATIONAL_MEDIAN * c["parity"] / 100,
        "living_wage": c["living_wage"],
        "wage_coverage": c["known"] / c["published"],
        "jobs_counted": c["known"],
    }


@pytest.mark.parametrize(
    "area, pinned",
    [
        (HOUSTON, {"living_wage_median_share": 0.4600, "living_wage_p25_share": 0.3183, "living_wage_mean_share": 0.4870, "opportunity_share": 0.1940, "opportunity_wage_bar": 50_281.06}),
        (NW_AL, {"living_wage_median_share": 0.2798, "living_wage_p25_share": 0.0773, "living_wage_mean_share": 0.3074, "opportunity_share": 0.2889, "opportunity_wage_bar": 42_431.16}),
    ],
)
def test_system_indicators_by_hand(con, profile, area, pinned):
    expected = hand_indicators(con, area)
    got = indicators(con, profile, AREAS).set_index("area_code").loc[area]
    for k, v in expected.items():
        assert got[k] == pytest.approx(v, rel=1e-9), k
    for k, v in pinned.items():
        assert got[k] == pytest.approx(v, abs=1e-4 if "share" in k else 0.01), k
    assert got.computed_from == "its own occupations" and got.areas_counted is None
    # the same numbers come out of the one-area report
    rep = quality_report(con, area, profile)["indicators"]
    for k, v in expected.items():
        assert rep[k] == pytest.approx(v, rel=1e-9), k


def test_opportunity_share_follows_the_profile_ratio(con, tmp_path):
    path = tmp_path / "fed_plus.toml"
    path.write_text("[opportunity]\nnational_median_ratio = 1.2\n")
    higher = profiles.load(path)
    ind = indicators(con, higher, [HOUSTON]).set_index("area_code").loc[HOUSTON]
    c = hand_counts(con, HOUSTON, 1.2)
    assert ind.opportunity_share == pytest.approx(c["opportunity"] / c["known"])
    assert ind.opportunity_wage_bar == pytest.approx(1.2 * NATIONAL_MEDIAN * 98.629 / 100)
    assert ind.opportunity_share < hand_indicators(con, HOUSTON)["opportunity_share"]


# --- benefits and safety: measured from NCS and O*NET, replaced by a region's own input ------------


def test_benefits_and_safety_measured_from_the_bundle(con, qt, profile):
    """Benefits are NCS group-level estimates; safety is 1 − O*NET hazardous-conditions score ÷ 100."""
    rep = quality_report(con, HOUSTON, profile)
    assert rep["benefits_measured"] is True and rep["safety_measured"] is True
    assert rep["dimensions"]["benefits"]["employment_covered"] > 0.95
    assert rep["dimensions"]["safety"]["gate"] == 0.0 and rep["dimensions"]["benefits"]["gate"] == 0.0
    el = row(qt, HOUSTON, "47-2111")  # electricians: O*NET score 90
    assert el.hazard_exposure == 90 and el.safety == pytest.approx(0.10)
    assert el.benefits_source == "BLS NCS group-level estimate" and el.safety_source == "O*NET hazardous conditions"
    # the benefits figure is the profile's weighted mean of its three NCS access rates (percent → 0–1)
    b = con.execute(
        "select medical_access, sick_leave_access, retirement_access_wage from occupation_benefits where occ_code = '47-2111'"
    ).fetchone()
    assert el.benefits == pytest.approx((0.4 * b[0] + 0.3 * b[1] + 0.3 * b[2]) / 100)


def test_default_profile_gates_nothing(con, qt):
    """With no floor set, tiers are pay adequacy alone, exactly as before the new dimensions."""
    assert qt.gates_met.all()
    for area in AREAS:
        for soc in ("29-1141", "47-2111", "41-2011", "35-3023"):
            assert row(qt, area, soc).tier == hand_tier(raw(con, area, soc))


def _profile_with(tmp_path, **inputs):
    lines = ["[inputs]"] + [f'{k} = "{v.as_posix()}"' for k, v in inputs.items()]
    path = tmp_path / "inputs.toml"
    path.write_text("\n".join(lines) + "\n")
    return profiles.load(path)


def test_a_safety_floor_moves_hazardous_quality_jobs_down_a_tier(tmp_path, con, qt):
    path = tmp_path / "gate.toml"
    path.write_text("[quality]\nmin_safety = 0.5\n")  # hazard exposure at most 50 (monthly)
    gated = quality_table(con, profiles.load(path), AREAS)
    el = row(gated, HOUSTON, "49-9051")  # electrical power-line installers: hazard exposure 98 of 100
    assert row(qt, HOUSTON, "49-9051").tier == "quality" and el.tier == "near-quality" and not el.gates_met
    assert row(gated, HOUSTON, "29-1141").tier == "quality"  # registered nurses: score 17
    moved = (qt.tier == "quality") & (gated.tier != "quality")
    assert moved.any() and (gated.tier[moved] == "near-quality").all()
    assert ((gated.safety < 0.5) | gated.safety.isna())[moved].all()
    assert (qt.tier[qt.tier != "quality"] == gated.tier[qt.tier != "quality"]).all()  # only quality jobs can move


def test_benefits_csv_by_soc_replaces_the_bundled_figure(tmp_path, con, qt):
    csv = tmp_path / "benefits.csv"
    csv.write_text("soc,value\n29-1141,0.75\n49-9041,0.4\n")
    prof = _profile_with(tmp_path, benefits=csv)
    df = quality_table(con, prof, AREAS)
    for area in AREAS:
        assert row(df, area, "29-1141").benefits == 0.75 and row(df, area, "29-1141").benefits_source == "profile input"
        assert row(df, area, "49-9041").benefits == 0.4
        other = row(df, area, "41-2011")
        assert other.benefits == row(qt, area, "41-2011").benefits and other.benefits_source == "BLS NCS group-level estimate"
    assert (df.benefits_source == "profile input").sum() == 4
    assert (df.safety == qt.safety).where(qt.safety.notna(), True).all()
    # the rest of the table is untouched by the input
    assert row(df, HOUSTON, "29-1141").tier == "quality"
    rep = quality_report(con, HOUSTON, prof)
    assert rep["benefits_measured"] is True and rep["dimensions"]["benefits"]["from_input"] == 2


def test_safety_csv_by_soc_and_area(tmp_path, con, qt):
    csv = tmp_path / "safety.csv"
    csv.write_text("soc,area,value\n29-1141,0026420,0.9\n29-1141,0100001,0.2\n")
    df = quality_table(con, _profile_with(tmp_path, safety=csv), AREAS)
    assert row(df, HOUSTON, "29-1141").safety == 0.9
    assert row(df, NW_AL, "29-1141").safety == 0.2
    assert (df.safety_source == "profile input").sum() == 2
    assert row(df, HOUSTON, "47-2111").safety == pytest.approx(0.10)  # not in the input: O*NET's
    assert (df.benefits == qt.benefits).where(qt.benefits.notna(), True).all()


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
    assert (df.benefits_source == "profile input").sum() == 2  # the others keep the bundle's NCS estimate


def test_cpi_adjustment_off_uses_mit_figures(tmp_path, con, profile):
    path = tmp_path / "mit2021.toml"
    path.write_text("[living_wage]\ncpi_adjustment = false\n")
    off = quality_table(con, profiles.load(path), [HOUSTON]).set_index("occ_code")
    on = quality_table(con, profile, [HOUSTON]).set_index("occ_code")
    assert off.loc["29-1141", "living_wage"] == 46_925 == living_wage_of(22.56)  # MIT $22.56/h × 2,080
    assert off.loc["29-1141", "cpi_factor"] == 1.0
    assert off.loc["29-1141", "median_living_wage_ratio"] == pytest.approx(99830 / 46_925)
    assert on.loc["29-1141", "living_wage"] == 54_538
    assert (off.tier == "quality").sum() > (on.tier == "quality").sum()
