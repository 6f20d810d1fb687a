"""CDC/ATSDR Social Vulnerability Index 2022, US county file: who lives in each county.

SVI republishes American Community Survey 2018–2022 five-year estimates for every county with
their margins of error (90% confidence): `E_X` is the estimate, `M_X` its margin, `EP_X` the
percentage of the measure's universe (adults 25+, households, …). The reader keeps the counts
the hub needs to describe a region's people and their likely unmet needs — the estimate, its
margin and SVI's percentage for each — and the total population and households that other work
weights counties by. SVI writes -999 for a value it could not compute; the reader keeps it
missing. Connecticut appears as its nine planning regions (the county-equivalents OEWS also
uses); Puerto Rico is not in the file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from upward.sources._checks import first_bad, matching, numeric, read_csv_text, require_columns, require_unique, text_column

#: Upward's name → (SVI code, what is counted, the universe SVI's percentage is of).
MEASURES: dict[str, tuple[str, str, str]] = {
    "no_hs_diploma": ("NOHSDP", "adults 25 and over without a high-school diploma", "population 25 and over"),
    "limited_english": ("LIMENG", "people 5 and over who speak English less than well", "population 5 and over"),
    "below_150_poverty": ("POV150", "people below 150% of the poverty level", "population for whom poverty is determined"),
    "uninsured": ("UNINSUR", "people without health insurance", "civilian noninstitutionalized population"),
    "disability": ("DISABL", "people with a disability", "civilian noninstitutionalized population"),
    "unemployed": ("UNEMP", "unemployed people 16 and over", "civilian labor force 16 and over"),
    "age_65_over": ("AGE65", "people 65 and over", "total population"),
    "no_vehicle": ("NOVEH", "households with no vehicle available", "households"),
    "no_broadband": ("NOINT", "households without a broadband internet subscription", "households"),
    "single_parent": ("SNGPNT", "single-parent households with children under 18", "households"),
    "minority": ("MINRTY", "people of a racial or ethnic minority (all but non-Hispanic White)", "total population"),
    "black": ("AFAM", "Black or African American people, not Hispanic", "total population"),
    "hispanic": ("HISP", "Hispanic or Latino people (of any race)", "total population"),
    "asian": ("ASIAN", "Asian people, not Hispanic", "total population"),
    "american_indian": ("AIAN", "American Indian and Alaska Native people, not Hispanic", "total population"),
    "pacific_islander": ("NHPI", "Native Hawaiian and Other Pacific Islander people, not Hispanic", "total population"),
    "two_or_more_races": ("TWOMORE", "people of two or more races, not Hispanic", "total population"),
    "other_race": ("OTHERRACE", "people of some other race, not Hispanic", "total population"),
}

BASE = ["county_fips", "state_abbr", "county_name", "total_population", "total_population_moe", "households", "households_moe"]
COLUMNS = BASE + [f"{name}{suffix}" for name in MEASURES for suffix in ("", "_moe", "_pct")]


def read_svi_county(path: Path | str) -> pd.DataFrame:
    """One row per county: total population and households with their MOEs, then for every
    measure in `MEASURES` its estimate, MOE and SVI's percentage (`…_pct`, 0–100).

    County FIPS written without the leading zero (a spreadsheet's doing) are padded to five
    digits; a repeated county, a negative count or a percentage outside 0–100 fails.
    """
    path = Path(path)
    df = read_csv_text(path, encoding="utf-8-sig")
    codes = [c for _, (c, _, _) in MEASURES.items()]
    require_columns(
        df,
        ["FIPS", "ST_ABBR", "COUNTY", "E_TOTPOP", "M_TOTPOP", "E_HH", "M_HH"]
        + [f"{p}_{c}" for c in codes for p in ("E", "M", "EP")],
        path,
    )
    fips = matching(df, "FIPS", r"\d{4,5}", path).str.zfill(5)
    out = {
        "county_fips": fips.astype("string"),
        "state_abbr": matching(df, "ST_ABBR", r"[A-Z]{2}", path),
        "county_name": text_column(df, "COUNTY", path),
    }

    def count(column: str) -> pd.Series:
        values = numeric(df, column, path, allow=("-999",))
        first_bad(values < 0, path, column, lambda i: f"a count or margin cannot be negative, got {df[column].iloc[i]!r}")
        return values

    out["total_population"] = count("E_TOTPOP")
    out["total_population_moe"] = count("M_TOTPOP")
    out["households"] = count("E_HH")
    out["households_moe"] = count("M_HH")
    first_bad(out["total_population"].isna(), path, "E_TOTPOP", "total population is required")
    for name, (code, _, _) in MEASURES.items():
        out[name] = count(f"E_{code}")
        out[f"{name}_moe"] = count(f"M_{code}")
        pct = numeric(df, f"EP_{code}", path, allow=("-999",))
        first_bad((pct < 0) | (pct > 100), path, f"EP_{code}", lambda i, c=code: f"a percentage must be 0–100, got {df[f'EP_{c}'].iloc[i]!r}")
        out[f"{name}_pct"] = pct
    result = pd.DataFrame(out)
    require_unique(result, ["county_fips"], path, field="FIPS")
    return result[COLUMNS].sort_values("county_fips", kind="stable").reset_index(drop=True)
