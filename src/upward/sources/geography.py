"""Counties → OEWS areas, the OMB county → CBSA delineation (Bulletin 23-01), Connecticut's towns.

OEWS publishes wages for metropolitan areas (area code '00' + CBSA) and for BLS-defined
nonmetropolitan areas (state + '000' + number); every county belongs to exactly one. The
county file says which, so a region given as counties can be matched to the wages for it.
The OMB file is the official delineation behind the metro codes, kept to check that link.
Connecticut replaced its eight counties with nine planning regions in 2022 (OEWS and Census use
the regions; MIT's living wages still use the counties); its 169 towns nest in both, so the town
list is the bridge between them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from upward.sources._checks import (
    first_bad,
    matching,
    one_of,
    read_csv_text,
    require_columns,
    require_unique,
    text_column,
)

_CBSA_TYPES = ("Metropolitan Statistical Area", "Micropolitan Statistical Area")
_AREA_TYPES = {"metropolitan": "metro", "nonmetropolitan": "nonmetro"}

COUNTY_AREA_COLUMNS = [
    "county_fips", "state_abbr", "county_name", "area_code", "area_name", "area_type",
    "cbsa_code", "cbsa_title", "cbsa_type",
]
CT_TOWN_COLUMNS = ["town_fips", "town_name", "legacy_county_fips", "planning_region_fips", "planning_region_name"]
DELINEATION_COLUMNS = [
    "cbsa_code", "metro_division_code", "csa_code", "cbsa_title", "cbsa_type", "metro_division_title",
    "csa_title", "county_name", "state_name", "county_fips", "central_outlying",
]


def read_county_areas(path: Path | str) -> pd.DataFrame:
    """county_fips, state_abbr, county_name, area_code (7 digits), area_name, area_type
    ('metro' | 'nonmetro'), cbsa_code, cbsa_title, cbsa_type (the county's 2023 CBSA, if any).

    A nonmetro county may still sit in a micropolitan CBSA; cbsa_code is missing only for
    counties outside any CBSA.
    """
    path = Path(path)
    df = read_csv_text(path)
    require_columns(
        df,
        ["county_fips", "state", "county_name", "oews_area_code7", "oews_area_name", "area_type",
         "cbsa_code_2023", "cbsa_title_2023", "cbsa_type_2023"],
        path,
    )
    out = pd.DataFrame(
        {
            "county_fips": matching(df, "county_fips", r"\d{5}", path),
            "state_abbr": matching(df, "state", r"[A-Z]{2}", path),
            "county_name": text_column(df, "county_name", path),
            "area_code": matching(df, "oews_area_code7", r"\d{7}", path),
            "area_name": text_column(df, "oews_area_name", path),
            "area_type": one_of(df, "area_type", list(_AREA_TYPES), path).map(_AREA_TYPES).astype("string"),
            "cbsa_code": matching(df, "cbsa_code_2023", r"\d{5}", path, allow_blank=True),
            "cbsa_title": text_column(df, "cbsa_title_2023", path, required=False),
            "cbsa_type": one_of(df, "cbsa_type_2023", ["", *_CBSA_TYPES], path),
        }
    )
    out["cbsa_code"] = out.cbsa_code.mask(out.cbsa_code == "")
    out["cbsa_type"] = out.cbsa_type.mask(out.cbsa_type == "")
    require_unique(out, ["county_fips"], path)

    has_cbsa = out.cbsa_code.notna()
    metro = out.area_type == "metro"
    metro_cbsa = out.cbsa_type.fillna("") == _CBSA_TYPES[0]
    for bad, field, reason in (
        (has_cbsa != out.cbsa_title.notna(), "cbsa_title_2023", "CBSA code and title must both be given or both blank"),
        (has_cbsa != out.cbsa_type.notna(), "cbsa_type_2023", "CBSA code and type must both be given or both blank"),
        (metro & ~metro_cbsa, "cbsa_type_2023", "a metropolitan OEWS area needs a Metropolitan Statistical Area"),
        (metro & (out.area_code != "00" + out.cbsa_code.fillna("")), "oews_area_code7",
         "metro area code must be '00' + CBSA code"),
        (~metro & metro_cbsa, "area_type", "a county in a metro CBSA filed under a nonmetropolitan area"),
        (~metro & (out.area_code.str[:2] == "00"), "oews_area_code7",
         "a nonmetropolitan area code starts with the state code, not '00'"),
    ):
        first_bad(bad, path, field, reason)
    names = out.groupby("area_code").area_name.transform("first")
    first_bad(out.area_name != names, path, "oews_area_name", "one OEWS area code with two names")
    return out[COUNTY_AREA_COLUMNS].sort_values("county_fips", kind="stable").reset_index(drop=True)


def read_cbsa_delineation(path: Path | str) -> pd.DataFrame:
    """cbsa_code, metro_division_code, csa_code, cbsa_title, cbsa_type, metro_division_title,
    csa_title, county_name, state_name, county_fips, central_outlying: one row per county in a CBSA.

    Division and CSA fields are missing where OMB leaves them blank (most CBSAs have no divisions).
    """
    path = Path(path)
    df = read_csv_text(path, encoding="utf-8")
    require_columns(
        df,
        ["cbsacode", "metropolitandivisioncode", "csacode", "cbsatitle", "metropolitanmicropolitanstatis",
         "metropolitandivisiontitle", "csatitle", "countycountyequivalent", "statename", "fipsstatecode",
         "fipscountycode", "centraloutlyingcounty"],
        path,
    )
    division = matching(df, "metropolitandivisioncode", r"\d{5}", path, allow_blank=True)
    csa = matching(df, "csacode", r"\d{3}", path, allow_blank=True)
    out = pd.DataFrame(
        {
            "cbsa_code": matching(df, "cbsacode", r"\d{5}", path),
            "metro_division_code": division.mask(division == ""),
            "csa_code": csa.mask(csa == ""),
            "cbsa_title": text_column(df, "cbsatitle", path),
            "cbsa_type": one_of(df, "metropolitanmicropolitanstatis", _CBSA_TYPES, path),
            "metro_division_title": text_column(df, "metropolitandivisiontitle", path, required=False),
            "csa_title": text_column(df, "csatitle", path, required=False),
            "county_name": text_column(df, "countycountyequivalent", path),
            "state_name": text_column(df, "statename", path),
            "county_fips": matching(df, "fipsstatecode", r"\d{2}", path)
            + matching(df, "fipscountycode", r"\d{3}", path),
            "central_outlying": one_of(df, "centraloutlyingcounty", ["Central", "Outlying"], path),
        }
    )
    first_bad(
        out.metro_division_code.notna() != out.metro_division_title.notna(),
        path, "metropolitandivisiontitle", "division code and title must both be given or both blank",
    )
    first_bad(
        out.csa_code.notna() != out.csa_title.notna(), path, "csatitle", "CSA code and title must both be given or both blank"
    )
    require_unique(out, ["county_fips"], path, field="fipscountycode")
    return out[DELINEATION_COLUMNS].sort_values("county_fips", kind="stable").reset_index(drop=True)


def read_ct_towns(path: Path | str) -> pd.DataFrame:
    """town_fips (2022, ten digits), town_name, legacy_county_fips ('09003'), planning_region_fips
    ('09110'), planning_region_name: Connecticut's towns with the county each lay in until 2022 and
    the planning region it lies in now.

    The 2020 town code is the legacy county + county subdivision, the 2022 one the planning
    region + the same subdivision; a town whose two codes disagree on the subdivision, or whose
    planning region code differs from its 2022 town code, fails.
    """
    path = Path(path)
    df = read_csv_text(path, encoding="utf-8-sig")
    require_columns(df, ["town_name", "town_fips_2020", "town_fips_2022", "ce_name_2022", "ce_fips_2022"], path)
    old = matching(df, "town_fips_2020", r"9\d{8}", path).str.zfill(10)
    new = matching(df, "town_fips_2022", r"9\d{8}", path).str.zfill(10)
    region = matching(df, "ce_fips_2022", r"9\d{3}", path).str.zfill(5)
    first_bad(old.str[5:] != new.str[5:], path, "town_fips_2022", "the 2020 and 2022 town codes name different county subdivisions")
    first_bad(new.str[:5] != region, path, "ce_fips_2022", "the planning region is not the one the 2022 town code names")
    out = pd.DataFrame(
        {
            "town_fips": new.astype("string"),
            "town_name": text_column(df, "town_name", path),
            "legacy_county_fips": old.str[:5].astype("string"),
            "planning_region_fips": region.astype("string"),
            "planning_region_name": text_column(df, "ce_name_2022", path),
        }
    )
    require_unique(out, ["town_fips"], path, field="town_fips_2022")
    return out[CT_TOWN_COLUMNS].sort_values("town_fips", kind="stable").reset_index(drop=True)
