"""The region's people: SVI county counts summed into areas with combined MOEs, shares, needs.

Sums and margins are recomputed here by hand from the bundled county table (`population_county`),
never with the code under test; the issue's Chicago figures are pinned as literals.
"""

from __future__ import annotations

import json
import math

import pytest

from upward.analysis.people import NEEDS, NOT_COVERED, people, people_summary
from upward.sources.svi import MEASURES

CHICAGO, EAST_KY, HARTFORD, SAN_JUAN, PR = "0016980", "2100004", "0025540", "0041980", "7200000"


def counties(con, area: str) -> list[dict]:
    cur = con.execute("select p.* from population_county p join area_counties a using (county_fips) where a.area_code = ?", [area])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def moe_of_sum(rows: list[dict], measure: str) -> float:
    """Census ACS handbook: √ΣMOE², with only the largest MOE among the zero estimates."""
    nonzero = [r[f"{measure}_moe"] ** 2 for r in rows if r[measure] > 0]
    zeros = [r[f"{measure}_moe"] for r in rows if r[measure] == 0]
    return math.sqrt(sum(nonzero) + (max(zeros) ** 2 if zeros else 0))


@pytest.fixture(scope="module")
def chicago(con):
    return people(con, CHICAGO)


def by_measure(result: dict) -> dict:
    return {m["measure"]: m for m in result["measures"] + result["context"]}


def test_chicago_counts_from_the_issue(con, chicago):
    m = by_measure(chicago)
    assert chicago["counties"] == 13 and chicago["available"] is True
    assert m["no_hs_diploma"]["estimate"] == 667_675
    assert m["limited_english"]["estimate"] == 443_387
    assert m["no_vehicle"]["estimate"] == 436_818
    rows = counties(con, CHICAGO)
    assert chicago["total_population"] == sum(r["total_population"] for r in rows)
    for name in MEASURES:
        assert m[name]["moe"] == pytest.approx(moe_of_sum(rows, name)), name


def test_household_share_uses_the_proportion_formula(con, chicago):
    """No vehicle is a share of households, whose MOE SVI publishes: √(MOE_X² − p²·MOE_U²) ÷ U."""
    rows = counties(con, CHICAGO)
    x, u = sum(r["no_vehicle"] for r in rows), sum(r["households"] for r in rows)
    mx, mu = moe_of_sum(rows, "no_vehicle"), math.sqrt(sum(r["households_moe"] ** 2 for r in rows))
    p = x / u
    m = by_measure(chicago)["no_vehicle"]
    assert m["share"] == pytest.approx(p) and m["universe_source"] == "published by SVI"
    assert m["share_moe"] == pytest.approx(math.sqrt(mx**2 - p**2 * mu**2) / u)


def test_recovered_universe_share(con, chicago):
    """Adults 25+ are not in the file: each county's is estimate × 100 ÷ SVI's percentage (≥ 1.0 here)."""
    rows = counties(con, CHICAGO)
    assert all(r["no_hs_diploma_pct"] >= 1 for r in rows)
    u = sum(r["no_hs_diploma"] * 100 / r["no_hs_diploma_pct"] for r in rows)
    m = by_measure(chicago)["no_hs_diploma"]
    assert m["share"] == pytest.approx(667_675 / u)
    assert m["share_moe"] == pytest.approx(moe_of_sum(rows, "no_hs_diploma") / u)  # no universe MOE: the wider form
    assert m["universe_source"] == "recovered from SVI percentages" and m["universe_imputed_counties"] == 0
    assert 0.09 < m["share"] < 0.12


def test_zero_estimates_enter_the_moe_once(con):
    """Among counties estimating zero, only the largest MOE enters the sum's MOE."""
    area = con.execute(
        """select a.area_code from area_counties a join population_county p using (county_fips) join areas x using (area_code)
           where x.area_type = 'nonmetro' group by a.area_code having count(*) filter (where p.limited_english = 0) >= 2
           order by a.area_code limit 1"""
    ).fetchone()[0]
    rows = counties(con, area)
    m = by_measure(people(con, area))["limited_english"]
    assert m["moe"] == pytest.approx(moe_of_sum(rows, "limited_english"))
    naive = math.sqrt(sum(r["limited_english_moe"] ** 2 for r in rows))
    assert m["moe"] < naive
    assert m["universe_imputed_counties"] >= 2  # percentage 0: the universe is estimated from population


def test_state_and_nation_beside_each_share(con, chicago):
    il = by_measure(people(con, "1700000"))
    us = by_measure(people(con, "0000000"))
    for name, m in by_measure(chicago).items():
        assert m["state_share"] == pytest.approx(il[name]["share"]), name
        assert m["national_share"] == pytest.approx(us[name]["share"]), name
    total = con.execute("select sum(total_population) from population_county").fetchone()[0]
    assert people(con, "0000000")["total_population"] == total


def test_needs_and_program_vocabulary(chicago):
    from upward.hub.template import POPULATIONS, SUPPORTS

    for m in chicago["measures"]:
        need = NEEDS[m["measure"]]
        assert m["need"] == need.need
        assert set(need.populations) <= set(POPULATIONS) and set(need.supports) <= set(SUPPORTS)
    assert [m["measure"] for m in chicago["context"]][:3] == ["minority", "black", "hispanic"]
    assert any("records the populations it serves" in n for n in chicago["notes"])


def test_imported_programs_are_matched_to_needs(con, tmp_path):
    """A program whose import says it serves English learners counts toward limited English."""
    from upward import hub
    from upward.hub.template import COLUMNS

    f = tmp_path / "mine.csv"
    row = dict.fromkeys(COLUMNS, "")
    row.update(provider_id="p1", provider_name="City Colleges", county_fips="17031", program_id="esl-1", program_name="ESL for work",
               cip_code="32.0109", populations_served="english_learners; adults", supports="childcare", modality="in_person")
    f.write_text(",".join(COLUMNS) + "\n" + ",".join(f'"{row[c]}"' for c in COLUMNS) + "\n", encoding="utf-8")
    path = tmp_path / "hub.duckdb"
    hub.import_file(con, path, f)
    r = by_measure(people(con, CHICAGO, hub.data(path)))
    assert r["limited_english"]["programs"] == 1 and r["limited_english"]["program_examples"][0]["program_id"] == "esl-1"
    assert r["single_parent"]["programs"] == 1  # childcare
    assert r["no_broadband"]["programs"] >= 1  # in person: reachable without home internet
    assert r["disability"]["programs"] == 0


def test_puerto_rico_and_territories_are_stated(con):
    for area in (PR, SAN_JUAN):
        r = people(con, area)
        assert r["available"] is False and r["measures"] == [] and NOT_COVERED in r["notes"]
        assert people_summary(con, area) == {"available": False, "note": NOT_COVERED}


def test_connecticut_by_planning_regions(con):
    r = people(con, HARTFORD)
    assert r["available"] and any("planning regions" in n for n in r["notes"])
    rows = counties(con, HARTFORD)
    assert sorted(x["county_fips"] for x in rows) == ["09110", "09130"]
    assert r["total_population"] == sum(x["total_population"] for x in rows)


def test_region_json_carries_the_summary(cli):
    rc, out, err = cli("region", EAST_KY, "--json")
    assert rc == 0, err
    p = json.loads(out)["people"]
    assert p["available"] and [m["measure"] for m in p["measures"]][:2] == ["no_hs_diploma", "limited_english"]
    nohs = p["measures"][0]
    assert 0 < nohs["share"] < 1 and nohs["national_share"] is not None and nohs["state_share"] is not None


def test_people_cli_json_text_and_csv(cli):
    rc, out, _ = cli("people", "--region", "chicago", "--json")
    assert rc == 0
    r = json.loads(out)
    assert by_measure(r)["no_hs_diploma"]["estimate"] == 667_675
    rc, text, _ = cli("people", "--region", "chicago")
    assert rc == 0 and "667,675 ±7,079" in text and "Likely unmet needs" in text
    rc, csv_text, _ = cli("people", "--region", PR, "--csv")
    assert rc == 0 and csv_text == ""
    rc, text, _ = cli("people", "--region", PR)
    assert "Puerto Rico" in text


def test_people_text_reads_at_80_columns(atlas_path, monkeypatch):
    from rich.console import Console
    from typer.testing import CliRunner

    from upward.cli import render
    from upward.cli.main import app

    monkeypatch.setenv("UPWARD_DB", str(atlas_path))
    monkeypatch.setattr(render, "console", Console(width=80))  # its own: the shared console's width would stay pinned
    for args in (["people", "--region", CHICAGO], ["dimensions", "--region", CHICAGO, "--by", "industry"], ["region", EAST_KY]):
        out = CliRunner().invoke(app, args).stdout
        assert max(len(line) for line in out.splitlines()) <= 80, args
