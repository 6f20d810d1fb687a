"""Derive the bundle (compact parquet + provenance) from the official files.

One `Entry` per bundle file: which source it comes from, which official files it reads and
which reader makes it. Rows are written as the readers return them (sorted, typed), so the
same inputs give the same tables; `verify()` rebuilds in memory and compares.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from upward.bundle import DATA_DIR, PROVENANCE_FILE
from upward.bundle.sources import RELEASES, SOURCES, Release, releases_of
from upward.errors import UpwardError
from upward.files import sha256

#: Bumped when a table's shape changes, so atlases built from an older bundle are rebuilt.
BUNDLE_SCHEMA = 2


class Inputs:
    """The official files under one data directory, each opened once per build."""

    def __init__(self, data_dir: Path):
        self.dir = Path(data_dir)

    def __truediv__(self, rel: str) -> Path:
        return self.dir / rel

    @cached_property
    def oews(self):
        """The release read from BLS's time-series files (a SQLite file): every area, and the industry tables."""
        from upward.sources.oews import OewsRelease

        return OewsRelease(self / OEWS_FILE)

    @cached_property
    def oews_releases(self) -> dict[str, pd.DataFrame]:
        """Every bundled OEWS release's areas, occupations, footnotes and wages, stacked with a `release` column."""
        from upward.sources.oews_workbook import read_workbook

        parts: dict[str, list[pd.DataFrame]] = {k: [] for k in _OEWS_TABLES}
        for r in releases_of("bls_oews"):
            if r.inputs == (OEWS_FILE,):
                year = self.oews.meta()["data_year"]
                tables = (self.oews.areas(), self.oews.occupations(), self.oews.footnotes(), self.oews.cross_industry())
            else:
                est = read_workbook(self / r.inputs[0])
                year, tables = str(est.year), (est.areas, est.occupations, est.footnotes, est.wages)
            _check_period(r, year, f"May {year}")
            for name, df in zip(_OEWS_TABLES, tables):
                parts[name].append(with_release(df, r.release))
        return {name: _stack(dfs, _OEWS_TABLES[name]) for name, dfs in parts.items()}

    @cached_property
    def projections(self) -> pd.DataFrame:
        from upward.sources.projections import read_projections

        parts = []
        for r in releases_of("bls_projections"):
            got = read_projections(self / r.inputs[0])
            _check_period(r, got.period.release, got.period.label)
            parts.append(with_release(got.table, r.release))
        return _stack(parts, ["soc_code"])


#: The OEWS release read from BLS's time-series files (its industry tables are bundled too).
OEWS_FILE = next(f for r in releases_of("bls_oews") for f in r.inputs if f.endswith(".sqlite.gz"))
ONET29 = "onet/29.3"
ONET30 = "onet/30"
#: The OEWS tables held per release, and the key each is sorted by within a release.
_OEWS_TABLES = {"areas": ["area_code"], "occupations": ["occ_code"], "footnotes": ["footnote_code"], "wages": ["area_code", "occ_code"]}


def with_release(df: pd.DataFrame, release: str) -> pd.DataFrame:
    """The table with its release named in a first column (the key every release table shares)."""
    return pd.concat([pd.DataFrame({"release": pd.Series([release] * len(df), dtype="string")}), df.reset_index(drop=True)], axis=1)


def _stack(parts: list[pd.DataFrame], key: list[str]) -> pd.DataFrame:
    both = pd.concat(parts, ignore_index=True)
    return both.sort_values(["release", *key], kind="stable").reset_index(drop=True)


def _check_period(r: Release, release: str, period: str) -> None:
    """The file must be the release its record says (a swapped file would mislabel every figure)."""
    if release != r.release or period != r.period:
        raise UpwardError(
            f"{r.inputs[0]} holds {period}, but the bundle's release record says {r.period}.",
            hint="Fix RELEASES in upward/bundle/sources.py or put the right file in place.",
        )


def _releases(inp: Inputs) -> pd.DataFrame:
    """One row per bundled release of OEWS and the projections: period, publication, input files and their sha256."""
    rows = []
    for r in RELEASES:
        files = [{"path": f, "sha256": sha256(inp / f)} for f in r.inputs]
        base, _, end = r.release.partition("-")
        rows.append({
            "source": r.source, "release": r.release, "period": r.period,
            "base_year": int(base), "projected_year": int(base[:2] + end) if end else None,
            "published": r.published, "announced_in": r.announced_in, "obtained_from": r.obtained_from,
            "origin": "bundle", "files": json.dumps(files), "added_at": None,
        })
    df = pd.DataFrame(rows).astype({"projected_year": "Int64", "added_at": "string"})
    return df.sort_values(["source", "release"]).reset_index(drop=True)
CIP_SOC = "cip_soc/CIP2020_SOC2018_Crosswalk.xlsx"
CIP_CODES = "cip_soc/CIPCode2020.csv"
LIVING_WAGE = "living_wage/mit-living-wage-2022.csv"
COUNTY_AREAS = "geo/county_to_oews_area_may2025.csv"
CBSA = "geo/cbsa2fipsxw_2023.csv"
RPP_MSA = "prices/MARPP_MSA_2008_2024.csv"
RPP_PORT = "prices/PARPP_PORT_2008_2024.csv"
CPI = "prices/cpi/cpi_u_all_items_annual_avg_by_area_2000_2025.csv"
CT_TOWNS = "geo/ct_planning_regions/ct-town-to-planning-region.csv"
IPEDS_C2023 = "programs/ipeds/c2023_a.parquet"
IPEDS_C2024 = "programs/ipeds/c2024_a.parquet"
IPEDS_HD = "programs/ipeds/hd2024.csv"
IPEDS_DICT = "programs/ipeds/c_a_dictionary_varlist.xlsx"
IPEDS_DIST = "programs/ipeds/ef2024a_dist.csv"
IPEDS_DRVEF = "programs/ipeds/drvef2024.csv"
SCORECARD_FOS = "programs/scorecard/value_check_fos_2026-06-10.parquet"
SCORECARD_INST = "programs/scorecard/institutions_scorecard_2026-06-10.parquet"
ETPL_TX = "programs/etpl/tx/twc_etpl_programs_2022-02.csv"
ETPL_NJ_OUTCOMES = "programs/etpl/nj/outcomes_schcip.csv"
ETPL_NJ_PROVIDERS = "programs/etpl/nj/providers_20210305.csv"
ETPL_NJ_IN_DEMAND = "programs/etpl/nj/in_demand_cips.csv"
ETPL_CA = "programs/etpl/ca/programs_fixture_CA_flat.csv"
CPS_TRANSITIONS = "transitions/asec_to_bls_mobility_edgelist.csv"
SOC_CROSSWALK = "soc/soc2010_soc2018.csv"
SVI = "population/SVI_2022_US_county.csv"
NCS_MEDICAL = "job_quality/benefits/ncs_medical_care_by_occupation_march2025.csv"
NCS_SICK_LEAVE = "job_quality/benefits/ncs_paid_sick_leave_access_by_industry_2010_2025.csv"
NCS_WAGE_CIVILIAN = "job_quality/benefits/ncs_access_by_wage_group_civilian_march2023.csv"
NCS_WAGE_PRIVATE = "job_quality/benefits/ncs_paid_leave_by_wage_category_private_2022.csv"
HAZARD = "job_quality/onet_hazardous_conditions.csv"
CENSUS_OCC = "cps/2018-occupation-code-list-and-crosswalk.xlsx"
CPS_11 = "cps/cpsaat11_2022.xlsx"
CPS_11B = "cps/cpsaat11b_2025.xlsx"
CPS_39 = "cps/cpsaat39_2025.xlsx"
GPTS = "ai_exposure/gpts_are_gpts/occ_level.csv"
WWAI_SCORES = "ai_exposure/microsoft_working_with_ai/soc_ai_applicability_scores.csv"
WWAI_METRICS = "ai_exposure/microsoft_working_with_ai/soc_metrics.csv"
SOC_DIRECT_MATCH = "titles/soc_2018_direct_match_title_file.xlsx"


@dataclass(frozen=True)
class Entry:
    name: str
    source: str | tuple[str, ...]  # several when a file mixes sources: each is credited
    inputs: tuple[str, ...]
    make: Callable[[Inputs], pd.DataFrame]
    description: str
    #: Licence and notice files a source asks to travel with its data, copied beside the parquet
    #: as `<name>.<file name>` (MIT asks for its notice in every copy; CC BY for its terms).
    licenses: tuple[str, ...] = ()

    def license_name(self, rel: str) -> str:
        return f"{self.name}.{Path(rel).name}"


def _onet_descriptors(inp: Inputs) -> pd.DataFrame:
    from upward.sources import onet

    return onet.read_descriptors(inp / ONET29, inp / ONET30)


def _reader(module: str, fn: str, *files: str) -> Callable[[Inputs], pd.DataFrame]:
    def make(inp: Inputs) -> pd.DataFrame:
        import importlib

        return getattr(importlib.import_module(f"upward.sources.{module}"), fn)(*(inp / f for f in files))

    return make


def _ipeds_completions(inp: Inputs) -> pd.DataFrame:
    from upward.sources import ipeds

    both = pd.concat([ipeds.read_completions(inp / IPEDS_C2023), ipeds.read_completions(inp / IPEDS_C2024)], ignore_index=True)
    return both.sort_values(["year", "unitid", "cip_code", "award_level", "majornum"]).reset_index(drop=True)


def _ipeds_distance(inp: Inputs) -> pd.DataFrame:
    from upward.sources import ipeds

    return ipeds.read_distance_education(inp / IPEDS_DIST, inp / IPEDS_DRVEF)


def _rpp(inp: Inputs) -> pd.DataFrame:
    from upward.sources import prices

    both = pd.concat([prices.read_rpp(inp / RPP_MSA), prices.read_rpp(inp / RPP_PORT)], ignore_index=True)
    return both.sort_values(["table", "geo_fips", "line_code", "year"]).reset_index(drop=True)


_OEWS_INPUTS = tuple(f for r in releases_of("bls_oews") for f in r.inputs)
_PROJECTIONS_INPUTS = tuple(f for r in releases_of("bls_projections") for f in r.inputs)


def _cps(table: str, file: str) -> Callable[[Inputs], pd.DataFrame]:
    def make(inp: Inputs) -> pd.DataFrame:
        from upward.sources import cps

        return cps.read_table(inp / file, table, cps.read_census_occupations(inp / CENSUS_OCC))

    return make


ENTRIES: tuple[Entry, ...] = (
    Entry("releases", ("bls_oews", "bls_projections"), tuple(f for r in RELEASES for f in r.inputs), _releases,
          "The bundled releases of OEWS and the Employment Projections: period, publication date, input files and their sha256."),
    Entry("oews_areas_by_release", "bls_oews", _OEWS_INPUTS, lambda i: i.oews_releases["areas"], "OEWS areas of each release: code, BLS area type, state FIPS, name."),
    Entry("oews_occupations_by_release", "bls_oews", _OEWS_INPUTS, lambda i: i.oews_releases["occupations"], "OEWS occupation codes of each release (SOC 2018 and OEWS aggregates) with display level."),
    Entry("oews_footnotes_by_release", "bls_oews", _OEWS_INPUTS, lambda i: i.oews_releases["footnotes"], "BLS footnote codes and texts of each release (4 = annual or hourly only, 5 = top-coded wage, 8 = not released)."),
    Entry("oews_wages_by_release", "bls_oews", _OEWS_INPUTS, lambda i: i.oews_releases["wages"], "Cross-industry estimates of each release for every area × occupation it covers: the 17 OEWS measures and their footnote codes."),
    Entry("oews_industries", "bls_oews", (OEWS_FILE,), lambda i: i.oews.industries(), "OEWS industry codes (NAICS-based) with display level, of the release read from BLS's time-series files."),
    Entry("oews_industry_staffing", "bls_oews", (OEWS_FILE,), lambda i: i.oews.industry_staffing(), "National industry × occupation employment (staffing patterns), of the release read from BLS's time-series files."),
    Entry("onet_occupations", "onet_29_3", (f"{ONET29}/Occupation Data.txt",), _reader("onet", "read_occupations", f"{ONET29}/Occupation Data.txt"), "O*NET-SOC occupations with titles and descriptions."),
    Entry(
        "onet_descriptors",
        ("onet_29_3", "onet_30"),
        tuple(f"{ONET29}/{f}" for f in ("Skills.xlsx", "Knowledge.xlsx", "Work Styles.txt", "Interests.txt", "Work Values.txt", "Education, Training, and Experience.xlsx"))
        + (f"{ONET30}/ONET_things.parquet", f"{ONET30}/ONET_relationships.parquet"),
        _onet_descriptors,
        "O*NET ratings in one long table: skills, knowledge, work styles, interests, work values, education/training/experience (29.3); abilities and work activities (30).",
    ),
    Entry("onet_job_zones", "onet_29_3", (f"{ONET29}/Job Zones.txt",), _reader("onet", "read_job_zones", f"{ONET29}/Job Zones.txt"), "Job zone (1–5) of each O*NET-SOC occupation."),
    Entry("onet_job_zone_reference", "onet_29_3", (f"{ONET29}/Job Zone Reference.txt",), _reader("onet", "read_job_zone_reference", f"{ONET29}/Job Zone Reference.txt"), "What each job zone means."),
    Entry("onet_alternate_titles", "onet_29_3", (f"{ONET29}/Alternate Titles.xlsx",), _reader("onet", "read_alternate_titles", f"{ONET29}/Alternate Titles.xlsx"), "Alternate job titles per O*NET-SOC occupation."),
    Entry("soc_direct_match_titles", "bls_soc_direct_match", (SOC_DIRECT_MATCH,), _reader("soc_titles", "read_direct_match_titles", SOC_DIRECT_MATCH), "BLS 2018 SOC Direct Match titles: job titles that each code to exactly one SOC 2018 occupation (the job-title coder's vocabulary, with O*NET's alternate titles)."),
    Entry("onet_technology_skills", "onet_29_3", (f"{ONET29}/Technology Skills.txt",), _reader("onet", "read_technology_skills", f"{ONET29}/Technology Skills.txt"), "Technology skills (software) per occupation, with hot/in-demand flags."),
    Entry("onet_tools", "onet_29_3", (f"{ONET29}/Tools Used.xlsx",), _reader("onet", "read_tools", f"{ONET29}/Tools Used.xlsx"), "Tools used per occupation."),
    Entry("onet_tasks", "onet_29_3", (f"{ONET29}/Task Statements.txt",), _reader("onet", "read_tasks", f"{ONET29}/Task Statements.txt"), "Task statements per occupation."),
    Entry("onet_task_dwas", "onet_29_3", (f"{ONET29}/Tasks to DWAs.xlsx",), _reader("onet", "read_task_dwas", f"{ONET29}/Tasks to DWAs.xlsx"), "Tasks linked to detailed work activities."),
    Entry("onet_dwa_reference", "onet_29_3", (f"{ONET29}/DWA Reference.txt",), _reader("onet", "read_dwa_reference", f"{ONET29}/DWA Reference.txt"), "Detailed work activities with their IWA and work activity."),
    Entry("onet_iwa_reference", "onet_29_3", (f"{ONET29}/IWA Reference.txt",), _reader("onet", "read_iwa_reference", f"{ONET29}/IWA Reference.txt"), "Intermediate work activities."),
    Entry("onet_content_model", "onet_29_3", (f"{ONET29}/Content Model Reference.txt",), _reader("onet", "read_content_model", f"{ONET29}/Content Model Reference.txt"), "O*NET content model elements."),
    Entry("onet_scales", "onet_29_3", (f"{ONET29}/Scales Reference.txt",), _reader("onet", "read_scales", f"{ONET29}/Scales Reference.txt"), "Rating scales with their ranges."),
    Entry("onet_level_anchors", "onet_29_3", (f"{ONET29}/Level Scale Anchors.txt",), _reader("onet", "read_level_anchors", f"{ONET29}/Level Scale Anchors.txt"), "What a level value means, element by element."),
    Entry("onet_ete_categories", "onet_29_3", (f"{ONET29}/Education, Training, and Experience Categories.txt",), _reader("onet", "read_ete_categories", f"{ONET29}/Education, Training, and Experience Categories.txt"), "Education, training and experience category labels."),
    Entry("projections_by_release", "bls_projections", _PROJECTIONS_INPUTS, lambda i: i.projections, "Employment Projections of each release, national, one row per matrix occupation: the occupational tables side by side (employment and openings in thousands)."),
    Entry("cip_soc_crosswalk", "nces_cip_soc", (CIP_SOC,), _reader("cip_soc", "read_crosswalk", CIP_SOC), "CIP 2020 ↔ SOC 2018 pairs."),
    Entry("cip_soc_unmatched", "nces_cip_soc", (CIP_SOC,), _reader("cip_soc", "read_unmatched", CIP_SOC), "CIP and SOC codes with no match in the crosswalk."),
    Entry("cip_codes", "nces_cip_soc", (CIP_CODES,), _reader("cip_soc", "read_cip_codes", CIP_CODES), "CIP 2020 codes with titles and definitions."),
    Entry("living_wage_county", "mit_living_wage", (LIVING_WAGE,), _reader("living_wage", "read_living_wage", LIVING_WAGE), "Hourly living wage by county × 12 household types."),
    Entry("geo_county_areas", "omb_bls_geography", (COUNTY_AREAS,), _reader("geography", "read_county_areas", COUNTY_AREAS), "Every county's OEWS May 2025 area."),
    Entry("geo_cbsa_delineation", "omb_bls_geography", (CBSA,), _reader("geography", "read_cbsa_delineation", CBSA), "OMB 2023 county → CBSA, metropolitan division and CSA."),
    Entry("geo_ct_towns", "ct_planning_regions", (CT_TOWNS,), _reader("geography", "read_ct_towns", CT_TOWNS), "Connecticut's 169 towns: legacy county and 2022 planning region (the bridge from MIT's counties to OEWS's)."),
    Entry("prices_cpi", "bls_cpi", (CPI,), _reader("cpi", "read_cpi_annual", CPI), "CPI-U all items, annual averages 2000–2025, for every published CPI area (US, regions, divisions, metros)."),
    Entry("prices_rpp", "bea_rpp", (RPP_MSA, RPP_PORT), _rpp, "BEA regional price parities (index, US = 100), metros and state metro/nonmetro portions, 2008–2024."),
    Entry("ipeds_completions", "nces_ipeds", (IPEDS_C2023, IPEDS_C2024), _ipeds_completions, "IPEDS completions (first majors): institution × 6-digit CIP × award level, 2022-23 and 2023-24."),
    Entry("ipeds_institutions", "nces_ipeds", (IPEDS_HD,), _reader("ipeds", "read_institutions", IPEDS_HD), "IPEDS HD 2024 institutional directory: address, county, CBSA, sector."),
    Entry("ipeds_award_levels", "nces_ipeds", (IPEDS_DICT,), _reader("ipeds", "read_award_levels", IPEDS_DICT), "IPEDS award-level codes and labels."),
    Entry("ipeds_distance_education", "nces_ipeds_distance", (IPEDS_DIST, IPEDS_DRVEF), _ipeds_distance,
          "IPEDS Fall 2024 enrollment by distance-education status per institution and student level, and where the exclusively-online students live (cross-checked against DRVEF2024)."),
    Entry("scorecard_fields_of_study", "ed_scorecard", (SCORECARD_FOS,), _reader("scorecard", "read_field_of_study", SCORECARD_FOS), "College Scorecard: institution × 4-digit CIP × credential level, median earnings 1 and 4 years after completion (suppressed = missing)."),
    Entry("scorecard_institutions", "ed_scorecard", (SCORECARD_INST,), _reader("scorecard", "read_institutions", SCORECARD_INST), "College Scorecard institutions: state high-school earnings thresholds, net price, completion."),
    Entry("etpl_texas", "tx_etpl", (ETPL_TX,), _reader("etpl", "read_texas", ETPL_TX), "Texas ETPL programs: provider, campus county, credential, length, costs, O*NET codes."),
    Entry("etpl_nj_outcomes", "nj_etpl", (ETPL_NJ_OUTCOMES,), _reader("etpl", "read_nj_outcomes", ETPL_NJ_OUTCOMES), "New Jersey ETPL outcomes by provider × CIP (suppressed = missing, with a note)."),
    Entry("etpl_nj_providers", "nj_etpl", (ETPL_NJ_PROVIDERS,), _reader("etpl", "read_nj_providers", ETPL_NJ_PROVIDERS), "New Jersey ETPL provider directory with supports."),
    Entry("etpl_nj_in_demand", "nj_etpl", (ETPL_NJ_IN_DEMAND,), _reader("etpl", "read_nj_in_demand", ETPL_NJ_IN_DEMAND), "New Jersey in-demand CIP list."),
    Entry("etpl_california", "ca_etpl", (ETPL_CA,), _reader("etpl", "read_california", ETPL_CA), "California ETPL results sample (ETA-9171), 60 programs."),
    Entry("onet_related_occupations", "onet_30", (f"{ONET30}/ONET_relationships.parquet",), _reader("onet", "read_related_occupations", f"{ONET30}/ONET_relationships.parquet"), "O*NET 30 related occupations: 20 per occupation, ranked, in tiers Primary-Short, Primary-Long, Supplemental."),
    Entry("cps_transitions", "cps_transitions", (CPS_TRANSITIONS,), _reader("transitions", "read_transitions", CPS_TRANSITIONS), "Observed occupation-to-occupation transition probabilities (CPS ASEC), SOC 2010-based OEWS codes, staying included."),
    Entry("soc_crosswalk_2010_2018", "bls_soc_crosswalk", (SOC_CROSSWALK,), _reader("soc_crosswalk", "read_soc_crosswalk", SOC_CROSSWALK), "SOC 2010 → SOC 2018 code pairs (splits and merges explicit)."),
    Entry("population_county", "cdc_svi", (SVI,), _reader("svi", "read_svi_county", SVI), "Every county's total population and households, and the ACS 2018–22 counts (estimate, MOE, percent) behind unmet needs: no diploma, limited English, poverty, uninsured, disability, unemployed, 65+, no vehicle, no broadband, single parents, race and ethnicity."),
    Entry("ncs_medical_by_occupation", "bls_ncs", (NCS_MEDICAL,), _reader("ncs", "read_medical_by_occupation", NCS_MEDICAL), "NCS medical care access, participation and take-up by occupational group and ownership, March 2025."),
    Entry("ncs_sick_leave_by_industry", "bls_ncs", (NCS_SICK_LEAVE,), _reader("ncs", "read_sick_leave_by_industry", NCS_SICK_LEAVE), "NCS paid sick leave access by industry, private industry and state and local government, March 2010–2025."),
    Entry("ncs_by_wage_category", "bls_ncs", (NCS_WAGE_CIVILIAN, NCS_WAGE_PRIVATE), _reader("ncs", "read_wage_category_tables", NCS_WAGE_CIVILIAN, NCS_WAGE_PRIVATE), "NCS access to retirement, medical care, life insurance (civilian, March 2023) and paid sick leave, vacations, holidays (private, March 2022) by wage category."),
    Entry("onet_hazardous_conditions", "onet_30_hazard", (HAZARD,), _reader("work_context", "read_hazardous_conditions", HAZARD), "O*NET 30 Work Context 'Exposed to Hazardous Conditions': 0–100 score per O*NET-SOC occupation."),
    Entry("census_occupations", "census_occupation_codes", (CENSUS_OCC,), _reader("cps", "read_census_occupations", CENSUS_OCC), "2018 Census occupation codes and titles with their SOC 2018 code or group as a LIKE pattern."),
    Entry("cps_sex_race", ("bls_cps", "census_occupation_codes"), (CPS_11, CENSUS_OCC), _cps("11", CPS_11), "CPS table 11: employed people by detailed occupation, percent women, White, Black, Asian, Hispanic or Latino (annual average)."),
    Entry("cps_age", ("bls_cps", "census_occupation_codes"), (CPS_11B, CENSUS_OCC), _cps("11b", CPS_11B), "CPS table 11b: employed people by detailed occupation and age (thousands), median age (annual average)."),
    Entry("cps_earnings_by_sex", ("bls_cps", "census_occupation_codes"), (CPS_39, CENSUS_OCC), _cps("39", CPS_39), "CPS table 39: full-time wage and salary workers and median weekly earnings by detailed occupation and sex (annual average)."),
    Entry("ai_exposure_gpts", "gpts_are_gpts", (GPTS,), _reader("ai_exposure", "read_gpts_are_gpts", GPTS), "GPTs are GPTs: share of each O*NET-SOC occupation's tasks exposed to LLMs (alpha, beta, gamma; GPT-4 and human ratings).",
          ("ai_exposure/gpts_are_gpts/LICENSE",)),
    Entry("ai_exposure_working_with_ai", "microsoft_working_with_ai", (WWAI_SCORES, WWAI_METRICS), _reader("ai_exposure", "read_working_with_ai", WWAI_SCORES, WWAI_METRICS), "Working with AI: AI applicability score per SOC 2018 occupation and its components.",
          ("ai_exposure/microsoft_working_with_ai/LICENSE.txt", "ai_exposure/microsoft_working_with_ai/NOTICE.md")),
)


def _credit(keys: str | tuple[str, ...]) -> dict[str, str]:
    """One source's record, or several joined field by field so every one of them is credited."""
    keys = (keys,) if isinstance(keys, str) else keys
    parts = [SOURCES[k].as_dict() for k in keys]
    if len(parts) == 1:
        return parts[0]
    # a field several sources share word for word (the same public-domain licence) is said once
    return {f: (" " if f == "attribution" else "; ").join(dict.fromkeys(p[f] for p in parts)) for f in parts[0]}


def to_arrow(df: pd.DataFrame) -> pa.Table:
    """Arrow table without pandas metadata, so the file depends on the data only."""
    return pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None)


def check_data_dir(data_dir: Path) -> None:
    missing = sorted({f for e in ENTRIES for f in (*e.inputs, *e.licenses) if not (Path(data_dir) / f).exists()})
    if missing:
        raise UpwardError(
            f"The official data directory {data_dir} lacks {len(missing)} input file(s): {', '.join(missing[:5])}",
            hint="Point --data-dir at the folder that holds PROVENANCE.md and the oews/, onet/ … folders.",
        )


def build_tables(data_dir: Path, progress: Callable[[str], None] | None = None) -> Iterator[tuple[Entry, pa.Table, dict]]:
    """Yield each entry with its table and provenance record, reading every official file once."""
    check_data_dir(data_dir)
    inputs = Inputs(data_dir)
    hashes: dict[str, str] = {}
    for entry in ENTRIES:
        if progress:
            progress(entry.name)
        table = to_arrow(entry.make(inputs))
        for f in entry.inputs:
            if f not in hashes:
                hashes[f] = sha256(inputs / f)
        record = {
            "file": f"data/{entry.name}.parquet",
            "description": entry.description,
            "rows": table.num_rows,
            "columns": table.column_names,
            "source": _credit(entry.source),
            "inputs": [{"path": f, "sha256": hashes[f]} for f in entry.inputs],
        }
        if entry.licenses:
            record["licenses"] = [
                {"file": f"data/{entry.license_name(f)}", "path": f, "sha256": sha256(inputs / f)} for f in entry.licenses
            ]
        yield entry, table, record


def write_bundle(data_dir: Path, out_dir: Path | None = None, progress: Callable[[str], None] | None = None) -> dict:
    """Build every file into a temporary folder, then swap it in, so a failed build changes nothing."""
    out_dir = Path(out_dir) if out_dir else DATA_DIR.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".bundle-", dir=out_dir))
    try:
        (tmp / "data").mkdir()
        files = {}
        for entry, table, record in build_tables(data_dir, progress):
            pq.write_table(table, tmp / "data" / f"{entry.name}.parquet", compression="zstd", compression_level=9)
            for f in entry.licenses:
                shutil.copyfile(Path(data_dir) / f, tmp / "data" / entry.license_name(f))
            files[entry.name] = record
        prov = {"bundle_schema": BUNDLE_SCHEMA, "files": files}
        (tmp / PROVENANCE_FILE.name).write_text(json.dumps(prov, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        final_data = out_dir / "data"
        old = out_dir / ".data-old"
        if final_data.exists():
            os.replace(final_data, old)
        os.replace(tmp / "data", final_data)
        os.replace(tmp / PROVENANCE_FILE.name, out_dir / PROVENANCE_FILE.name)
        shutil.rmtree(old, ignore_errors=True)
        return prov
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def verify(data_dir: Path, bundle_dir: Path | None = None) -> list[str]:
    """Rebuild in memory and list every difference from the committed bundle (empty = identical)."""
    bundle_dir = Path(bundle_dir) if bundle_dir else DATA_DIR.parent
    committed = json.loads((bundle_dir / PROVENANCE_FILE.name).read_text(encoding="utf-8"))
    problems = []
    if committed.get("bundle_schema") != BUNDLE_SCHEMA:
        problems.append(f"bundle_schema {committed.get('bundle_schema')} != {BUNDLE_SCHEMA}")
    names = set()
    for entry, table, record in build_tables(data_dir):
        names.add(entry.name)
        have = committed["files"].get(entry.name)
        if have != record:
            problems.append(f"{entry.name}: provenance record differs")
        path = bundle_dir / "data" / f"{entry.name}.parquet"
        if not path.exists():
            problems.append(f"{entry.name}: parquet missing")
            continue
        if not pq.read_table(path).equals(table):
            problems.append(f"{entry.name}: table content differs")
        for lic in record.get("licenses", []):
            kept = bundle_dir / lic["file"]
            if not kept.exists() or sha256(kept) != lic["sha256"]:
                problems.append(f"{entry.name}: licence file {lic['file']} missing or changed")
    extra = set(committed["files"]) - names
    problems += [f"{n}: in the committed bundle but no longer built" for n in sorted(extra)]
    return problems
