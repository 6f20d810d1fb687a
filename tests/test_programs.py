"""The seeded program inventory against the official files, and alignment on a hand-built area."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from upward import profiles
from upward.analysis.programs import align, alignment, inventory
from conftest import SHARED_DATA

HCC = "225423"  # Houston Community College, IPEDS UNITID
needs_data = pytest.mark.skipif(not (SHARED_DATA / "programs").is_dir(), reason=f"{SHARED_DATA} is absent")


@needs_data
def test_ipeds_completions_for_a_named_institution_and_cip(con):
    raw = pd.read_parquet(SHARED_DATA / "programs/ipeds/c2024_a.parquet")
    row = raw[(raw.UNITID.astype(str) == HCC) & (raw.CIPCODE.astype(str) == "51.3801") & (raw.AWLEVEL.astype(int) == 3)]
    expected = int(row.CTOTALT.iloc[0])
    assert expected == 117  # IPEDS 2023-24: HCC's associate degrees in registered nursing
    got = con.execute(
        "select completions from program_completions where program_id = ? and year = 2024", [f"ipeds:{HCC}:51.3801:3"]
    ).fetchone()[0]
    assert got == expected


def test_institution_lands_in_its_area(con):
    row = con.execute("select county_fips, area_code, name from program_providers where provider_id = ?", [f"ipeds:{HCC}"]).fetchone()
    assert row == ("48201", "0026420", "Houston Community College")
    inv = inventory(con, "0026420")
    nursing = inv[inv.program_id == f"ipeds:{HCC}:51.3801:3"].iloc[0]
    assert nursing.completions == 117 and nursing.completions_year == 2024 and "29-1141" in list(nursing.occupations)


@needs_data
def test_scorecard_earnings_join_the_right_programs(con):
    raw = pd.read_parquet(SHARED_DATA / "programs/scorecard/value_check_fos_2026-06-10.parquet")
    fos = raw[(raw.unitid.astype(str) == HCC) & (raw.cip_code.astype(str) == "1109") & (raw.credential_level.astype(str) == "2")]
    expected = float(fos.earnings.iloc[0])
    assert expected == 62339.0
    rows = con.execute(
        """select p.program_id, o.value, o.horizon from programs p join program_outcomes o using (program_id)
           where p.provider_id = ? and substr(p.cip_code, 1, 5) = '11.09' and o.measure = 'median_earnings'
             and o.horizon = '4yr_after_completion'""",
        [f"ipeds:{HCC}"],
    ).fetchall()
    by_program = {pid: v for pid, v, _ in rows}
    # associate degrees (IPEDS 3) take Scorecard credential level 2's published figure ...
    assert by_program[f"ipeds:{HCC}:11.0901:3"] == expected and fos.earnings_horizon.iloc[0] == "4yr_after_completion"
    # ... and certificates (IPEDS 2 and 21) level 1's, which Scorecard suppressed: missing, never a number
    assert by_program[f"ipeds:{HCC}:11.0901:2"] is None and by_program[f"ipeds:{HCC}:11.0901:21"] is None


def test_suppressed_outcomes_stay_suppressed(con):
    n = con.execute(
        "select count(*) from program_outcomes where source = 'nj_etpl' and value is null and note = '-99999'"
    ).fetchone()[0]
    assert n > 0
    assert con.execute("select count(*) from program_outcomes where value = -99999").fetchone()[0] == 0


def _jobs(rows):
    df = pd.DataFrame(rows, columns=["occ_code", "occ_title", "employment", "openings", "tier", "jtm", "a_median", "living_wage"])
    df["scored"] = True
    df["median_living_wage_ratio"] = df.a_median / df.living_wage
    df["typical_education"] = "High school diploma or equivalent"
    return df.set_index("occ_code")


def _inv(rows):
    return pd.DataFrame(
        rows,
        columns=["program_id", "program_name", "provider_id", "provider_name", "cip_code", "award_level", "credential",
                 "completions", "completions_year", "occupations", "published_earnings", "state_hs_earnings", "source"],
    )


CFG = {"under_supply_ratio": 0.5, "over_supply_ratio": 2.0, "gap_ratio": 0.25, "duplicate_min_providers": 3, "low_quality_share": 0.5}


def test_alignment_on_a_hand_built_area():
    jobs = _jobs(
        [
            ("A", "Nurse-ish", 1000, 100, "quality", True, 80000, 50000),
            ("B", "Welder-ish", 500, 40, "quality", True, 60000, 50000),
            ("C", "Cashier-ish", 2000, 400, "low", False, 30000, 50000),
            ("D", "Mechanic-ish", 300, 30, "quality", True, 70000, 50000),
        ]
    )
    inv = _inv(
        [
            ("p1", "Nursing", "x", "X", "51.3801", 3, "AD", 40, 2024, ["A"], 70000, 30000, "seed"),
            ("p2", "Welding", "x", "X", "48.0508", 2, "Cert", 30, 2024, ["B"], np.nan, np.nan, "seed"),
            ("p3", "Welding", "y", "Y", "48.0508", 2, "Cert", 30, 2024, ["B"], np.nan, np.nan, "seed"),
            ("p4", "Welding", "z", "Z", "48.0508", 2, "Cert", 30, 2024, ["B"], 25000, 30000, "seed"),
            ("p5", "Retail", "x", "X", "52.1803", 2, "Cert", 10, 2024, ["A", "C"], np.nan, np.nan, "seed"),
        ]
    )
    a = align(inv, jobs, CFG)
    occ = {o["occ_code"]: o for o in a["occupations"]}
    # p5's 10 completers split evenly over its two occupations: A gets 40 + 5, C gets 5
    assert occ["A"]["related_completions"] == 45 and occ["C"]["related_completions"] == 5
    assert occ["A"]["supply_ratio"] == pytest.approx(0.45) and occ["A"]["supply_flag"] == "under-supplied"
    assert occ["B"]["related_completions"] == 90 and occ["B"]["supply_flag"] == "over-supplied"  # 90 / 40 = 2.25
    assert occ["C"]["supply_flag"] == "under-supplied"  # 5 / 400
    # gaps: JTMs with no program (D) or completions under 25% of openings (none: A is 45%)
    assert [g["occ_code"] for g in a["gaps"]] == ["D"]
    # duplicates: 48.0508 at level 2 from 3 providers with 90 completions > 40 openings
    assert [(d["cip_code"], d["award_level"], d["providers"]) for d in a["duplicates"]] == [("48.0508", 2, 3)]
    # phase-out: p4 earns below the living wage and the state HS threshold; p5 leads mostly to low-quality jobs
    evidence = {p["program_id"]: p["phase_out_evidence"] for p in a["phase_out_candidates"]}
    assert set(evidence) == {"p4", "p5"}
    assert "living wage $50,000" in evidence["p4"] and "high-school earnings $30,000" in evidence["p4"]
    assert evidence["p5"].startswith("67% of the jobs")  # C's 2,000 of A + C's 3,000
    assert a["aligned_to_jtm"] == 5 and a["programs"] == 5 and a["completions"] == 140


def test_alignment_for_a_metro_and_a_nonmetro_area(con):
    profile = profiles.load()
    for area in ("0026420", "0100001"):
        a = alignment(con, area, profile)
        assert a["programs"] > 0 and a["profile"]["hash"] == profile.hash
        jtm_codes = {o["occ_code"] for o in a["occupations"] if o["jtm"]}
        assert {g["occ_code"] for g in a["gaps"]} <= jtm_codes
        for d in a["duplicates"]:
            assert d["providers"] >= 3 and d["completions"] > d["openings"]


def test_cip_occupations_roll_up_to_oews_codes(con):
    # CIP 51.1005 (clinical laboratory science) → SOC 29-2011, which OEWS publishes within 29-2010
    occs = {r[0] for r in con.execute("select occ_code from cip_occupations where cip_code = '51.1005'").fetchall()}
    assert "29-2010" in occs and "29-2011" not in occs


def test_texas_targets_roll_up_and_keep_what_cannot_be_mapped(con):
    rows = con.execute(
        "select target_socs, unmapped_socs from programs where source = 'tx_etpl' and list_contains(unmapped_socs, '29-2071') limit 1"
    ).fetchone()
    assert rows is not None and "29-2071" not in rows[0]  # SOC 2010 code: no 2018 crosswalk bundled, kept aside
    placed = con.execute(
        "select count(*), count(area_code) from program_providers where source = 'tx_etpl'"
    ).fetchone()
    assert placed[1] / placed[0] > 0.99  # campuses placed by county name
    harris = con.execute(
        "select distinct area_code from program_providers p join etpl_texas t on p.provider_id = 'tx:' || t.provider_id || ':' || t.campus_id "
        "where upper(t.campus_county) = 'HARRIS'"
    ).fetchall()
    assert harris == [("0026420",)]


def test_duplicates_need_known_demand():
    jobs = _jobs([("A", "A-ish", 100, 10, "quality", True, 80000, 50000)])
    inv = _inv(
        [(f"p{i}", "Interdisciplinary", f"x{i}", f"X{i}", "30.9999", 5, "BA", 100, 2024, [], np.nan, np.nan, "seed") for i in range(4)]
    )
    assert align(inv, jobs, CFG)["duplicates"] == []  # no occupation behind the CIP: demand unknown, not zero


def test_gap_ratio_applies_when_programs_exist():
    jobs = _jobs([("A", "A-ish", 1000, 100, "quality", True, 80000, 50000)])
    inv = _inv([("p1", "Thin", "x", "X", "51.3801", 3, "AD", 20, 2024, ["A"], np.nan, np.nan, "seed")])
    a = align(inv, jobs, CFG)
    assert [g["occ_code"] for g in a["gaps"]] == ["A"] and a["gaps"][0]["programs"] == 1  # 20 / 100 < 0.25
    inv.loc[0, "completions"] = 30
    assert align(inv, jobs, CFG)["gaps"] == []  # 30 / 100 ≥ 0.25


def test_default_profile_programs_settings_are_what_the_tests_use():
    assert profiles.load().get("programs") == CFG


def test_alignment_for_a_state_and_puerto_rico(con):
    profile = profiles.load()
    tx = alignment(con, "4800000", profile)
    assert tx["programs"] > 10_000 and all(d["openings"] > 0 for d in tx["duplicates"])
    pr = alignment(con, "0041980", profile)
    assert pr["gaps"] == [] and any("No living wage" in n for n in pr["notes"])


def test_bridges_lead_to_the_next_job_and_put_stated_short_programs_first(con):
    from upward.analysis.programs import bridges

    r = bridges(con, "0026420", "31-1131", "29-2061", top=50)
    assert r["programs"] >= len(r["bridges"]) > 0
    ids = [b["program_id"] for b in r["bridges"]]
    leads = dict(con.execute(
        "select program_id, list(occ_code) from program_occupations where program_id in (select unnest(?::varchar[])) group by 1", [ids]
    ).fetchall())
    assert all("29-2061" in leads[i] and "31-1131" not in leads[i] for i in ids)
    stated = [b["stated_target"] for b in r["bridges"]]
    assert stated == sorted(stated, reverse=True) and stated[0]  # Texas ETPL lists LVN programs for 29-2061
