"""The import template: its columns, the header names accepted for them, and example rows.

One row per program; provider columns repeat on each of the provider's programs. Headers match
case-insensitively with spaces, dashes and underscores ignored (`Program Name`, `program-name`
and `PROGRAM_NAME` are all `program_name`), plus the aliases in `ALIASES`.
"""

from __future__ import annotations

import re
from pathlib import Path

from upward.sources.ipeds import AWARD_LEVELS

#: Every column, in template order.
COLUMNS = (
    "provider_id",
    "provider_name",
    "provider_type",
    "county_fips",
    "program_id",
    "program_name",
    "cip_code",
    "award_level",
    "credential",
    "hours",
    "weeks",
    "cost",
    "modality",
    "schedule",
    "target_socs",
    "completions_year",
    "completions",
    "employment_rate",
    "employment_rate_horizon",
    "median_earnings",
    "earnings_horizon",
    "populations_served",
    "supports",
    "employer_partners",
    "source",
    "as_of",
)

REQUIRED = ("provider_id", "provider_name", "county_fips", "program_id", "program_name", "cip_code")

MODALITIES = ("in_person", "online", "hybrid")
SUPPORTS = ("childcare", "transit", "flexible_hours", "evening", "weekend", "language_support", "disability_services")
#: Who a program serves, after the groups WIOA names (adult, dislocated worker and youth
#: funding streams; the "individuals with barriers to employment" of WIOA sec. 3(24); veterans'
#: priority of service). What each means is in docs/programs-import.md.
POPULATIONS = (
    "adults",
    "dislocated_workers",
    "youth",
    "veterans",
    "people_with_disabilities",
    "english_learners",
    "justice_involved",
    "public_assistance",
    "low_income",
    "older_workers",
    "long_term_unemployed",
    "single_parents",
    "homeless",
    "foster_youth",
    "native_american",
    "migrant_farmworkers",
)
LIST_COLUMNS = ("target_socs", "populations_served", "supports", "employer_partners")

#: The range of every number column: (lowest, highest, why). The one place an inventory's numbers
#: are bounded, checked by `hub.inventory_checks` on a dry run and on an import alike, so a value
#: the hub cannot store (completions are a 32-bit integer) or no program can have is a problem
#: naming its row, never a failure at write time.
RANGES = {
    "hours": (0, 20_000, "clock hours; 20,000 is ten years of full-time study"),
    "weeks": (0, 520, "ten years"),
    "cost": (0, 1_000_000, "US dollars for the whole program"),
    "completions_year": (1900, 2100, "a year like 2024"),
    "completions": (0, 1_000_000, "completers in one year"),
    "employment_rate": (0, 1, "a share"),
    "median_earnings": (0, 1_000_000, "US dollars a year"),
}
#: Whole-number columns.
WHOLE = ("completions_year", "completions")
#: The longest text a cell may hold, in characters: ids are short; names and free text a paragraph.
MAX_ID_LENGTH = 100
MAX_TEXT_LENGTH = 2_000
ID_COLUMNS = ("provider_id", "program_id")

#: What each column holds, for the docs and the CLI's help.
DESCRIPTIONS = {
    "provider_id": "your id for the provider (college, training vendor); the same on each of its programs",
    "provider_name": "provider name",
    "provider_type": "free text, e.g. community college, apprenticeship sponsor, private vendor",
    "county_fips": "5-digit county FIPS of the provider's location (4 digits accepted when a spreadsheet dropped the leading zero)",
    "program_id": "your id for the program; unique across the hub",
    "program_name": "program name",
    "cip_code": "6-digit CIP 2020 code, 51.3801 or 513801",
    "award_level": "for a postsecondary award, its IPEDS award-level code ("
    + ", ".join(map(str, AWARD_LEVELS))
    + "), e.g. 3 for an associate's degree; other text (e.g. apprenticeship) is kept, with a warning",
    "credential": "free text, e.g. RN license, EPA 608",
    "hours": "length in hours (number ≥ 0)",
    "weeks": "length in weeks (number ≥ 0)",
    "cost": "total cost to the student in US dollars (number ≥ 0; $ and thousands commas accepted)",
    "modality": "in_person, online or hybrid",
    "schedule": "free text, e.g. evenings, full-time days",
    "target_socs": "SOC 2018 detailed codes the provider says the program leads to, separated by ; (job titles are accepted too and coded to SOC: upward titles, docs/titles.md)",
    "completions_year": "year the completions were counted (e.g. 2024)",
    "completions": "completers that year (whole number ≥ 0)",
    "employment_rate": "share employed after completion, 0 to 1",
    "employment_rate_horizon": "when employment was measured, e.g. q2 or q4 (the 2nd or 4th quarter after exit)",
    "median_earnings": "median annual earnings after completion, US dollars",
    "earnings_horizon": "when earnings were measured, e.g. 1 year after completion",
    "populations_served": "separated by ;, from: " + ", ".join(POPULATIONS),
    "supports": "separated by ;, from: " + ", ".join(SUPPORTS),
    "employer_partners": "employer names, separated by ;",
    "source": "where the row's facts come from (free text)",
    "as_of": "date the facts were true, YYYY-MM-DD",
}

#: Header names accepted besides the column's own name (compared after `normalize_header`).
ALIASES = {
    "provider_id": ("unitid", "institution id"),
    "provider_name": ("provider", "institution", "institution name"),
    "provider_type": ("institution type",),
    "county_fips": ("county", "fips", "county code"),
    "program_id": ("program code",),
    "program_name": ("program", "program title"),
    "cip_code": ("cip", "cip2020", "cip 2020 code"),
    "award_level": ("award",),
    "hours": ("clock hours", "contact hours"),
    "cost": ("tuition", "total cost"),
    "modality": ("delivery", "delivery mode"),
    "target_socs": ("soc", "socs", "soc code", "soc codes", "target occupations", "target soc", "occupation", "occupations",
                    "job title", "job titles", "target jobs", "target job titles"),
    "completions_year": ("year",),
    "completions": ("completers",),
    "median_earnings": ("earnings",),
    "employment_rate_horizon": ("employment horizon",),
    "earnings_horizon": ("horizon",),
    "populations_served": ("populations", "population served", "target populations", "target population"),
    "supports": ("support services",),
    "employer_partners": ("employers", "partners"),
    "as_of": ("date", "as of date"),
}


def normalize_header(name: object) -> str:
    """'CIP Code' → 'cipcode': lower case, spaces, dashes and underscores dropped."""
    return re.sub(r"[\s_\-]+", "", str(name or "")).lower()


#: normalized header → column
HEADER_TO_COLUMN = {normalize_header(c): c for c in COLUMNS} | {
    normalize_header(a): c for c, aliases in ALIASES.items() for a in aliases
}

#: Two example programs, real codes: Registered Nursing (CIP 51.3801 → SOC 29-1141, IPEDS award
#: level 3, associate's degree) and HVAC (CIP 47.0201 → SOC 49-9021, award level 21, a
#: certificate of 12 weeks to 1 year), offered in Harris County, TX (48201, Houston metro 0026420).
EXAMPLE_ROWS = (
    {
        "provider_id": "HCC",
        "provider_name": "Example Community College",
        "provider_type": "community college",
        "county_fips": "48201",
        "program_id": "HCC-RN-ADN",
        "program_name": "Associate Degree Nursing",
        "cip_code": "51.3801",
        "award_level": "3",
        "credential": "RN license (NCLEX-RN)",
        "hours": "1440",
        "weeks": "80",
        "cost": "9600",
        "modality": "hybrid",
        "schedule": "full-time days",
        "target_socs": "29-1141",
        "completions_year": "2024",
        "completions": "112",
        "employment_rate": "0.91",
        "employment_rate_horizon": "q2",
        "median_earnings": "78500",
        "earnings_horizon": "1 year after completion",
        "populations_served": "adults; dislocated_workers; public_assistance",
        "supports": "childcare; transit; disability_services",
        "employer_partners": "Example Health System; Example Medical Center",
        "source": "college program catalog 2024-25",
        "as_of": "2025-01-15",
    },
    {
        "provider_id": "HCC",
        "provider_name": "Example Community College",
        "provider_type": "community college",
        "county_fips": "48201",
        "program_id": "HCC-HVAC-CERT",
        "program_name": "HVAC Technician Certificate",
        "cip_code": "47.0201",
        "award_level": "21",
        "credential": "EPA Section 608",
        "hours": "576",
        "weeks": "32",
        "cost": "3200",
        "modality": "in_person",
        "schedule": "evenings",
        "target_socs": "49-9021",
        "completions_year": "2024",
        "completions": "48",
        "employment_rate": "0.84",
        "employment_rate_horizon": "q2",
        "median_earnings": "47200",
        "earnings_horizon": "1 year after completion",
        "populations_served": "adults; veterans; justice_involved",
        "supports": "evening; flexible_hours",
        "employer_partners": "Example Mechanical Contractors",
        "source": "college program catalog 2024-25",
        "as_of": "2025-01-15",
    },
)


def spec() -> dict:
    """The template for machines: each column (required or not, what it holds, the other header
    names accepted for it) and the two example rows, as `upward programs template --json` prints it."""
    return {
        "columns": [{"name": c, "required": c in REQUIRED, "list": c in LIST_COLUMNS, "description": DESCRIPTIONS[c],
                     "aliases": list(ALIASES.get(c, ()))} for c in COLUMNS],
        "example_rows": [dict(r) for r in EXAMPLE_ROWS],
    }


def template(dest: Path | str | None = None) -> str:
    """The import template as CSV text (header and two example rows); also written to `dest` if given."""
    from upward import csvout
    from upward.files import write_atomically

    text = csvout.text(EXAMPLE_ROWS, COLUMNS)
    if dest is not None:
        write_atomically(dest, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return text


def make_rows(con, n: int, *, seed: int = 0):
    """`n` valid template rows (a DataFrame of text) from real atlas codes, for tests and benchmarks.

    Not part of the `upward.hub` API: import it from `upward.hub.template`.

    Programs take CIP 2020 codes with a CIP–SOC crosswalk link to a detailed occupation (their
    target SOC), spread over real counties, ten programs per provider.
    """
    import numpy as np
    import pandas as pd

    links = con.execute(
        """
        select x.cip_code, min(x.soc_code) soc
        from cip_soc_crosswalk x
        join cip_codes c on c.cip_code = x.cip_code and c.digits = 6 and c.action not in ('Moved to', 'Deleted')
        join occupations o on o.occ_code = x.soc_code and o.level = 'detailed'
        group by x.cip_code order by x.cip_code
        """
    ).fetchall()
    counties = [r[0] for r in con.execute("select county_fips from geo_county_areas order by county_fips").fetchall()]
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    link = rng.integers(0, len(links), n)
    provider = i // 10
    county = rng.integers(0, len(counties), provider.max() + 1 if n else 1)[provider]
    supports = np.array(["childcare", "transit; evening", "flexible_hours; weekend", "", "language_support"])
    populations = np.array(["adults", "", "youth; low_income", "dislocated_workers; veterans"])
    modality = np.array(MODALITIES)
    cip = np.array([c for c, _ in links])[link]
    soc = np.array([s for _, s in links])[link]
    return pd.DataFrame(
        {
            "provider_id": [f"P{p:06d}" for p in provider],
            "provider_name": [f"Provider {p}" for p in provider],
            "provider_type": np.where(provider % 3 == 0, "community college", "private vendor"),
            "county_fips": np.array(counties)[county],
            "program_id": [f"P{p:06d}-{k:07d}" for p, k in zip(provider, i)],
            "program_name": [f"Program {k}" for k in i],
            "cip_code": cip,
            "award_level": np.where(i % 2 == 0, "21", "3"),
            "credential": "",
            "hours": (rng.integers(40, 2000, n)).astype(str),
            "weeks": (rng.integers(2, 104, n)).astype(str),
            "cost": (rng.integers(0, 40000, n)).astype(str),
            "modality": modality[i % 3],
            "schedule": np.where(i % 4 == 0, "evenings", "days"),
            "target_socs": soc,
            "completions_year": "2024",
            "completions": rng.integers(0, 300, n).astype(str),
            "employment_rate": np.round(rng.uniform(0, 1, n), 3).astype(str),
            "employment_rate_horizon": "q2",
            "median_earnings": rng.integers(15000, 120000, n).astype(str),
            "earnings_horizon": "1 year after completion",
            "populations_served": populations[i % len(populations)],
            "supports": supports[i % len(supports)],
            "employer_partners": np.where(i % 5 == 0, "Employer A; Employer B", ""),
            "source": "benchmark",
            "as_of": "2025-01-15",
        },
        columns=list(COLUMNS),
    )
