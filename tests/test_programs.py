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
    # the programme carries the CIP's title as NCES writes it, less NCES's closing period
    assert nursing.program_name == "Registered Nursing/Registered Nurse"
    assert not inv[inv.source == "nces_ipeds"].program_name.str.endswith(".").any()


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


INV_COLUMNS = ["program_id", "program_name", "provider_id", "provider_name", "cip_code", "award_level", "credential",
               "completions", "completions_year", "occupations", "published_earnings", "state_hs_earnings", "source"]


def _inv(rows, local_share=None):
    """A hand-built inventory: every program local (share 1) unless `local_share` says otherwise."""
    df = pd.DataFrame(rows, columns=INV_COLUMNS).astype({"award_level": "Int64"})  # as the atlas gives it
    df["completers"] = df.completions
    df["completions_prior"] = np.nan
    df["local_share"] = [1.0 if local_share is None else local_share.get(pid, 1.0) for pid in df.program_id]
    df["local_completions"] = df.completers * df.local_share
    df["distance_share"] = np.nan
    df["dormant"] = df.completions.eq(0)
    df["related_occupations"] = [[] for _ in range(len(df))]
    return df


def _routes(**by_code):
    """Per occupation: (typical education, on-the-job training, national field ratio); default an associate's."""
    from upward.analysis.routes import route

    rows = []
    for code, (edu, ojt, ratio) in by_code.items():
        rows.append({"occ_code": code, "typical_education": edu, "typical_on_the_job_training": ojt, "work_experience": "None",
                     "national_field_ratio": ratio, "training_route": route(edu, ojt)})
    return pd.DataFrame(rows).set_index("occ_code")


ASSOCIATE = ("Associate's degree", "None", 1.0)
CFG = {"under_supply_ratio": 0.5, "over_supply_ratio": 2.0, "gap_ratio": 0.25, "duplicate_min_providers": 3, "low_quality_share": 0.5,
       "training_route_occupations": []}


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
    a = align(inv, jobs, CFG, _routes(A=ASSOCIATE, B=ASSOCIATE, C=ASSOCIATE, D=ASSOCIATE))
    occ = {o["occ_code"]: o for o in a["occupations"]}
    # p5's 10 completers split evenly over its two occupations: A gets 40 + 5, C gets 5
    assert occ["A"]["related_completions"] == 45 and occ["C"]["related_completions"] == 5
    assert occ["A"]["supply_ratio"] == pytest.approx(0.45) and occ["A"]["supply_flag"] == "under-supplied"
    assert occ["B"]["related_completions"] == 90 and occ["B"]["supply_flag"] == "over-supplied"  # 90 / 40 = 2.25
    assert occ["C"]["supply_flag"] == "under-supplied"  # 5 / 400
    # gaps: JTMs with no program (D) or completions under 25% of openings (none: A is 45%)
    assert [g["occ_code"] for g in a["gaps"]] == ["D"]
    # duplicates: 48.0508 at level 2 from 3 providers with 90 completions > 2 × 40 openings
    assert [(d["cip_code"], d["award_level"], d["award"], d["providers"]) for d in a["duplicates"]] == [
        ("48.0508", 2, "certificate of 1–2 years", 3)]
    # p4 trains for a JTM (B): never a candidate, whatever its earnings; p5's jobs are mostly low-quality and
    # it trains for a JTM too (A); so nothing is a candidate, and both are kept with their evidence
    assert a["phase_out_candidates"] == []
    kept = {p["program_id"]: p for p in a["stepping_stones_with_evidence"]}
    assert set(kept) == {"p4", "p5"} and kept["p4"]["role"] == "leads to a Job That Mobilizes"
    assert "state high-school earnings $30,000" in kept["p4"]["phase_out_evidence"]  # a certificate: the HS yardstick, not the living wage
    assert kept["p5"]["phase_out_evidence"].startswith("67% of the jobs")  # C's 2,000 of A + C's 3,000
    assert a["aligned_to_jtm"] == 5 and a["programs"] == 5 and a["completions"] == 140


def test_local_share_counts_only_the_area_s_own_completers():
    jobs = _jobs([("A", "Nurse-ish", 1000, 100, "quality", True, 80000, 50000)])
    inv = _inv([("online", "Nursing", "x", "X", "51.3801", 5, "BA", 1000, 2024, ["A"], np.nan, np.nan, "seed"),
                ("campus", "Nursing", "y", "Y", "51.3801", 3, "AD", 40, 2024, ["A"], np.nan, np.nan, "seed")], {"online": 0.02})
    occ = align(inv, jobs, CFG, _routes(A=ASSOCIATE))["occupations"][0]
    assert occ["related_awards"] == 1040 and occ["related_completions"] == 60  # 1,000 × 2% + 40
    assert occ["supply_flag"] == "balanced"  # 0.6 completers per opening, not 10.4


def test_gaps_only_where_training_is_the_route():
    jobs = _jobs([(code, code, 1000, 100, "quality", True, 80000, 50000) for code in "EWAXF"])
    routes = _routes(E=ASSOCIATE, W=("High school diploma or equivalent", "Moderate-term on-the-job training", 0.01),
                     A=("High school diploma or equivalent", "Apprenticeship", 0.1), X=("High school diploma or equivalent", "Long-term on-the-job training", 0.5),
                     F=("Postsecondary nondegree award", "Short-term on-the-job training", 0.02))
    a = align(_inv([]).iloc[:0], jobs, CFG, routes)
    # education (E) and formal training (X) are gaps; learned at work (W), apprenticeship (A) and a field that nationally
    # supplies 2% of its openings (F: the CDL case) are listed apart, each with why
    assert sorted(g["occ_code"] for g in a["gaps"]) == ["E", "X"]
    why = {g["occ_code"]: (g["supply_flag"], g["supply_note"]) for g in a["no_training_gap"]}
    assert why["W"] == ("learned at work", "learned at work (BLS: high school diploma or equivalent; moderate-term on-the-job training)")
    assert why["A"][0] == "apprenticeship route" and "not counted in IPEDS" in why["A"][1]
    assert why["F"][0] == "mostly other routes" and why["F"][1].startswith("nationally, programmes in its field supply 2% of its openings")
    gap = next(g for g in a["gaps"] if g["occ_code"] == "E")
    assert gap["typical_education"] == "Associate's degree" and gap["training_route"] == "education"
    # the profile can say a region trains for an occupation whatever BLS says
    forced = align(_inv([]).iloc[:0], jobs, {**CFG, "training_route_occupations": ["W"]}, routes)
    assert "W" in {g["occ_code"] for g in forced["gaps"]}


def test_unknown_completions_are_not_zero_and_dormant_programs_do_not_count():
    jobs = _jobs([("A", "A-ish", 1000, 100, "quality", True, 80000, 50000)])
    inv = _inv([("etpl", "LVN", "t", "T", None, None, "Certificate", np.nan, np.nan, ["A"], np.nan, np.nan, "tx_etpl"),
                ("dormant", "LVN", "d", "D", "51.3901", 2, "Cert", 0, 2024, ["A"], np.nan, np.nan, "seed")])
    occ = align(inv, jobs, CFG, _routes(A=ASSOCIATE))["occupations"][0]
    assert occ["programs"] == 1 and occ["programs_unknown_completions"] == 1  # the ETPL program; the dormant one is not a program here
    assert "1 program(s) publish no completion count" in occ["supply_note"]
    a = align(inv, jobs, CFG, _routes(A=ASSOCIATE))
    assert a["programs_unknown_completions"] == 1 and a["completions"] == 0
    row = {p["program_id"]: p for p in a["program_rows"]}["etpl"]
    assert row["completions"] is None and row["local_completions"] is None  # unknown, never 0


def test_stepping_stones_are_never_phase_out_candidates():
    jobs = _jobs([("CNA", "Aide-ish", 1000, 100, "low", False, 30000, 50000), ("LPN", "LPN-ish", 500, 50, "quality", True, 60000, 50000)])
    inv = _inv([("cna", "Nursing aide", "x", "X", "51.3902", 20, "Cert", 300, 2024, ["CNA"], 20000, 30000, "seed"),
                ("other", "Nursing aide", "y", "Y", "51.3902", 20, "Cert", 100, 2024, ["CNA"], 20000, 30000, "seed")])
    routes = _routes(CNA=("Postsecondary nondegree award", "None", 1.0), LPN=("Postsecondary nondegree award", "None", 1.0))
    without = align(inv, jobs, CFG, routes)
    assert {p["program_id"] for p in without["phase_out_candidates"]} == {"cna", "other"}
    assert "none of the jobs it trains for is on the region's recommended pathways" in without["phase_out_candidates"][0]["pathways_say"]
    stones = {"CNA": ["Home Health Aides → Nursing Assistants → Licensed Practical Nurses"]}
    a = align(inv, jobs, CFG, routes, stones, origins=10)
    assert a["phase_out_candidates"] == [] and a["stepping_stone_programs"] == 2
    kept = a["stepping_stones_with_evidence"][0]
    assert kept["role"] == "stepping stone" and kept["stepping_stone"] == stones["CNA"]
    assert kept["pathways_say"] == "on the region's recommended pathways: Home Health Aides → Nursing Assistants → Licensed Practical Nurses"
    assert "100% of the jobs it trains for here are low-quality" in kept["phase_out_evidence"]  # the evidence stays visible


def test_early_earnings_yardstick_by_award_level():
    jobs = _jobs([("A", "A-ish", 1000, 100, "quality", False, 60000, 50000)])
    inv = _inv([("cert", "Cert", "x", "X", "47.0604", 21, "Cert", 10, 2024, ["A"], 40000, 35000, "seed"),      # over the HS threshold
                ("ba", "BA", "x", "X", "50.0702", 5, "BA", 10, 2024, ["A"], 45000, 35000, "seed"),             # under the living wage
                ("transfer", "Liberal arts", "x", "X", "24.0101", 3, "AA", 10, 2024, ["A"], 20000, 35000, "seed")])
    rows = {p["program_id"]: p for p in align(inv, jobs, CFG, _routes(A=ASSOCIATE))["program_rows"]}
    assert rows["cert"]["phase_out_evidence"] == "" and rows["cert"]["earnings_yardstick"] == "state high-school earnings"
    assert rows["ba"]["phase_out_evidence"] == "graduates' early earnings $45,000 < living wage $50,000"
    assert rows["transfer"]["phase_out_evidence"] == "" and rows["transfer"]["earnings_yardstick"].startswith("transfer-oriented")


def test_duplicates_need_known_demand():
    jobs = _jobs([("A", "A-ish", 100, 10, "quality", True, 80000, 50000)])
    inv = _inv(
        [(f"p{i}", "Interdisciplinary", f"x{i}", f"X{i}", "30.9999", 5, "BA", 100, 2024, [], np.nan, np.nan, "seed") for i in range(4)]
    )
    assert align(inv, jobs, CFG, _routes(A=ASSOCIATE))["duplicates"] == []  # no occupation behind the CIP: demand unknown, not zero


def test_gap_ratio_applies_when_programs_exist():
    jobs = _jobs([("A", "A-ish", 1000, 100, "quality", True, 80000, 50000)])
    inv = _inv([("p1", "Thin", "x", "X", "51.3801", 3, "AD", 20, 2024, ["A"], np.nan, np.nan, "seed")])
    a = align(inv, jobs, CFG, _routes(A=ASSOCIATE))
    assert [g["occ_code"] for g in a["gaps"]] == ["A"] and a["gaps"][0]["programs"] == 1  # 20 / 100 < 0.25
    inv.loc[0, ["completions", "completers", "local_completions"]] = 30
    assert align(inv, jobs, CFG, _routes(A=ASSOCIATE))["gaps"] == []  # 30 / 100 ≥ 0.25


def test_default_profile_programs_settings_are_what_the_tests_use():
    assert profiles.load().get("programs") == CFG


@pytest.mark.slow
def test_alignment_for_a_metro_and_a_nonmetro_area(con):
    from upward.analysis.routes import TRAINING_ROUTES

    profile = profiles.load()
    for area in ("0026420", "0100001"):
        a = alignment(con, area, profile)
        assert a["programs"] > 0 and a["profile"]["hash"] == profile.hash
        jtm_codes = {o["occ_code"] for o in a["occupations"] if o["jtm"]}
        assert {g["occ_code"] for g in a["gaps"]} <= jtm_codes
        assert all(g["training_route"] in TRAINING_ROUTES for g in a["gaps"])
        for d in a["duplicates"]:
            assert d["providers"] >= 3 and d["local_completions"] > 2 * d["openings"]
        assert not any(p["role"] for p in a["phase_out_candidates"])


def test_cip_occupations_roll_up_to_oews_codes(con):
    # CIP 51.1005 (clinical laboratory science) → SOC 29-2011, which OEWS publishes within 29-2010
    occs = {r[0] for r in con.execute("select occ_code from cip_occupations where cip_code = '51.1005'").fetchall()}
    assert "29-2010" in occs and "29-2011" not in occs


def test_texas_targets_roll_up_and_keep_what_cannot_be_mapped(con):
    stated = con.execute(
        "select p.program_id, p.target_socs, p.unmapped_socs from etpl_texas t join programs p on p.program_id = 'tx:' || t.program_id "
        "where list_contains(t.soc_codes, '29-2071') limit 1"
    ).fetchone()
    # SOC 2010 29-2071 → every SOC 2018 code BLS's crosswalk gives it; a group code (51-4120) stays aside, never guessed
    assert stated is not None and {"29-2072", "29-9021"} <= set(stated[1]) and "29-2071" not in stated[1] + stated[2]
    group = con.execute("select target_socs from programs where source = 'tx_etpl' and list_contains(unmapped_socs, '51-4120') limit 1").fetchone()
    assert group is not None and "51-4120" not in group[0]
    placed = con.execute(
        "select count(*), count(area_code) from program_providers where source = 'tx_etpl'"
    ).fetchone()
    assert placed[1] / placed[0] > 0.99  # campuses placed by county name
    harris = con.execute(
        "select distinct area_code from program_providers p join etpl_texas t on p.provider_id = 'tx:' || t.provider_id || ':' || t.campus_id "
        "where upper(t.campus_county) = 'HARRIS'"
    ).fetchall()
    assert harris == [("0026420",)]


@pytest.mark.slow
def test_alignment_for_a_state_and_puerto_rico(con):
    profile = profiles.load()
    tx = alignment(con, "4800000", profile)
    assert tx["programs"] > 10_000 and all(d["openings"] > 0 for d in tx["duplicates"])
    pr = alignment(con, "0041980", profile)
    assert pr["gaps"] == [] and any("No living wage" in n for n in pr["notes"])


def test_bridges_train_for_the_next_job_most_relevant_first(con):
    from upward.analysis.programs import MATCHES, bridges

    r = bridges(con, "0026420", "31-1131", "29-2061", top=50)
    assert r["programs"] >= len(r["bridges"]) > 0
    ids = [b["program_id"] for b in r["bridges"]]
    leads = dict(con.execute(
        "select program_id, list(occ_code) filter (where fit = 'entry') from program_occupations where program_id in (select unnest(?::varchar[])) group by 1", [ids]
    ).fetchall())
    assert all("29-2061" in leads[i] and "31-1131" not in (leads[i] or []) for i in ids)
    keys = [(b["dormant"], MATCHES.index(b["match"]), b["award_match"] is False) for b in r["bridges"]]
    assert keys == sorted(keys) and r["bridges"][0]["stated_target"]  # Texas ETPL lists LVN programs for 29-2061
    assert all(b["award_level"] in (None, 20, 21, 2, 4, 3) for b in r["bridges"])  # LPN: certificates (and an associate's), nothing longer


def test_bridge_ranking_on_a_hand_built_inventory(con):
    from upward.analysis.programs import rank_bridges

    inv = _inv([
        ("dormant", "LPN", "a", "A", "51.3901", 2, "Cert", 0, 2024, ["29-2061"], np.nan, np.nan, "seed"),
        ("short", "LPN", "b", "B", "51.3901", 2, "Cert", 10, 2024, ["29-2061"], np.nan, np.nan, "seed"),
        ("big", "LPN", "c", "C", "51.3901", 2, "Cert", 90, 2024, ["29-2061"], np.nan, np.nan, "seed"),
        ("assoc", "LPN", "d", "D", "51.3901", 3, "AAS", 500, 2024, ["29-2061"], np.nan, np.nan, "seed"),
        ("broad", "Health", "e", "E", "51.0000", 2, "Cert", 900, 2024, ["29-2061", "31-9092", "29-2055", "31-9097"], np.nan, np.nan, "seed"),
        ("unknown", "LVN", "f", "F", None, None, "Certificate", np.nan, np.nan, ["29-2061"], np.nan, np.nan, "tx_etpl"),
        ("held", "Aide", "g", "G", "51.3902", 20, "Cert", 50, 2024, ["31-1131", "29-2061"], np.nan, np.nan, "seed"),
    ])
    inv["cost"], inv["weeks"], inv["hours"] = np.nan, np.nan, np.nan
    ranked = [b["program_id"] for b in rank_bridges(con, inv, "31-1131", "29-2061", stated={"29-2061": {"unknown"}})]
    # stated target first; then the specific field (51.3901 leads to LPNs only) before the broad one, the step's own award
    # (a certificate for a certificate job) before an associate's, more local completers first; the person's own training
    # (it already leads to 31-1131) is no bridge; the dormant program last
    assert ranked == ["unknown", "big", "short", "assoc", "broad", "dormant"]


def test_award_levels_that_lead_to_the_job(con):
    fit = {(o, a): f for o, a, f in con.execute("select occ_code, award_level, fit from occupation_award_fit").fetchall()}
    # registered nurses (BLS: bachelor's): associate's and bachelor's train for it; a master's in nursing does not
    assert fit[("29-1141", 3)] == fit[("29-1141", 5)] == "entry" and ("29-1141", 7) not in fit and fit[("29-1141", 20)] == "below"
    assert fit[("29-1171", 7)] == "entry"  # nurse practitioners: the master's
    # LPNs (certificate): the 10-week awards in practical nursing are 10% of the nation's, so the entry certificate is 1–2 years
    assert fit[("29-2061", 20)] == fit[("29-2061", 21)] == "below" and fit[("29-2061", 2)] == "entry" and ("29-2061", 5) not in fit
    assert fit[("53-3032", 20)] == "entry"  # truck drivers: a CDL course under 12 weeks is the credential (45% of them)
    # a master's is how career changers enter a bachelor's-level job whose bachelor's is not field-specific
    specific = {r[0] for r in con.execute("select occ_code from occupation_specific_degree").fetchall()}
    assert "29-1141" in specific and "15-1252" not in specific and fit[("15-1252", 7)] == "entry"


def test_programs_for_registered_nurses_in_chicago_are_first_awards(con):
    inv = inventory(con, "0016980")
    rn = inv[[("29-1141" in list(o)) for o in inv.occupations]]
    assert set(rn.award_level) <= {3, 5, 6, None} and len(rn) > 20  # no master's or doctorate trains a new RN
    masters = inv[(inv.cip_code == "51.3801") & (inv.award_level == 7)]
    assert len(masters) and all("29-1141" not in list(o) for o in masters.occupations)


@needs_data
def test_local_share_from_the_distance_education_file(con):
    """Chamberlain University-Illinois (454227): by hand from EF2024A_DIST's undergraduate row."""
    raw = pd.read_csv(SHARED_DATA / "programs/ipeds/ef2024a_dist.csv", dtype=str, encoding="utf-8-sig")
    row = raw[(raw.UNITID == "454227") & (raw.EFDELEV == "2")].iloc[0]
    n = {k: int(row[k]) for k in ("EFDETOT", "EFDEEXC", "EFDEEX1", "EFDEEX2", "EFDEEX3", "EFDEEX4", "EFDEEX5")}
    away = n["EFDEEX2"] + n["EFDEEX4"]
    away += (n["EFDEEX3"] + n["EFDEEX5"]) * away / (n["EFDEEX1"] + n["EFDEEX2"] + n["EFDEEX4"])
    expected = 1 - away / n["EFDETOT"]
    assert 0.2 < expected < 0.3  # three in four of its undergraduates study online from another state
    bsn = inventory(con, "0016980").set_index("program_id").loc["ipeds:454227:51.3801:5"]
    assert bsn.completions == 7843 and bsn.local_share == pytest.approx(expected)
    assert bsn.distance_share == pytest.approx(n["EFDEEXC"] / n["EFDETOT"])
    assert bsn.local_completions == pytest.approx(round(bsn.completers * expected, 1))
    illinois = inventory(con, "1700000").set_index("program_id").loc["ipeds:454227:51.3801:5"]
    assert illinois.local_share == pytest.approx(expected)  # the state: the same students live in Illinois
    nation = inventory(con, "0000000").set_index("program_id").loc["ipeds:454227:51.3801:5"]
    assert nation.local_share > 0.99  # the nation: only those abroad are left out


def test_award_level_precedence_counts_stacked_awards_once(con):
    """Hazard CTC (156790), practical nursing 2023-24: 8 diplomas (1–2 years) and 245 awards under 12 weeks."""
    rows = dict(con.execute(
        "select program_id, completers from program_completions where program_id like 'ipeds:156790:51.3901:%' and year = 2024").fetchall())
    assert rows == {"ipeds:156790:51.3901:2": 8, "ipeds:156790:51.3901:20": 237}  # 245 − the 8 who also hold the diploma
    lpn = inventory(con, "2100004")
    diplomas = lpn[(lpn.cip_code == "51.3901") & (lpn.award_level == 2)]
    assert diplomas.completions.sum() == 82  # Big Sandy 15, Galen 40, Hazard 8, Southeast 19: the LPN route
    short = lpn[(lpn.cip_code == "51.3901") & (lpn.award_level == 20)]
    assert all("29-2061" in list(r) and "29-2061" not in list(o) for r, o in zip(short.related_occupations, short.occupations))


def test_national_field_supply_is_the_alignment_rule(con):
    """The atlas's national supply per occupation equals the alignment's own sum over the nation's inventory."""
    from upward.analysis.programs import _split

    inv = inventory(con, "0000000")
    supply = _split(inv, "occupations").groupby("occ_code").local.sum()
    table = dict(con.execute("select occ_code, completers from occupation_field_supply").fetchall())
    for code in ("29-1141", "29-2061", "53-3032", "15-1252"):
        assert table[code] == pytest.approx(supply[code], rel=1e-9)


@pytest.mark.slow
def test_the_reproductions_of_issue_14(con):
    """Chicago, Houston and East Kentucky: the advice agrees with itself (docs/programs.md)."""
    profile = profiles.load()
    chicago = alignment(con, "0016980", profile)
    learned = {"35-3023", "41-2011", "41-2031", "53-7062", "41-3091"}  # fast food, cashiers, retail, laborers, sales reps of services
    assert not learned & {g["occ_code"] for g in chicago["gaps"]}
    assert {o["occ_code"]: o["supply_flag"] for o in chicago["occupations"]}["35-3023"] == "learned at work"
    assert not any(d["cip_code"] == "51.3801" for d in chicago["duplicates"])  # Chamberlain's online BSNs are not Chicago's
    devry = {p["program_id"]: p for p in chicago["program_rows"]}["ipeds:482477:51.0707:2"]
    assert devry["completions"] == 4058 and devry["local_completions"] < 0.2 * 4058
    houston = alignment(con, "0026420", profile)
    candidates = {p["program_id"] for p in houston["phase_out_candidates"]}
    rows = houston["program_rows"]
    assert not any(p["cip_code"] in ("46.0302", "51.3902") for p in rows if p["program_id"] in candidates)  # electricians, nursing aides
    assert "47-2111" not in {g["occ_code"] for g in houston["gaps"]}  # electricians: apprenticeship
    ky = alignment(con, "2100004", profile)
    assert not any(p["program_id"].startswith("ipeds:156790:51.3901") for p in ky["phase_out_candidates"])  # Hazard's LPN
    lpn = {o["occ_code"]: o for o in ky["occupations"]}["29-2061"]
    assert lpn["related_awards"] < 100 and lpn["supply_flag"] == "balanced"  # 82 diplomas for 57 openings, not 611
