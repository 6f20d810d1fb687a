"""IPEDS Completions (C2023_A, C2024_A), the HD 2024 institution directory, the award-level labels
and Fall 2024 distance-education enrollment (EF2024A_DIST, cross-checked against DRVEF2024).

IPEDS is the only census of what every Title IV institution actually awards, by 6-digit CIP and
award level, so it is the backbone of a region's program scan; the HD directory places each
institution in a county and CBSA, which is how its programs reach an OEWS area.

What the files do that a reader must not paper over:

- Completions carry institution grand-total rows (CIPCODE '99', and in other extracts 2- or
  4-digit subtotals) beside the 6-digit program rows. Only program rows are returned: a total
  added to its own parts would double count. The number dropped is kept in
  ``df.attrs["dropped_total_rows"]``.
- The completions extract has no year column; the academic year is the year it ends, taken
  from the file name ('c2024_a' → 2024 for 2023-24) or given, and the two must agree.
- HD writes "not applicable" as -2 and "not available" as -3. Those are kept missing, never
  as a number or a fake code: the county of the Freely Associated States' colleges, the CBSA
  and CSA of institutions outside one, control and level of the 22 sector-99 (not active)
  units, OPEID -2.
- Parquet rows in errors are 1-based record numbers; CSV and workbook rows are file rows.
- The distance-education file writes a count that does not apply as a blank with imputation flag
  A (an institution with no exclusively-online students has no "where they live" counts): that
  blank is 0. A blank under any other flag is an error. Its student levels (EFDELEV) are checked
  by their arithmetic, not trusted by label: all = undergraduate + graduate, undergraduate =
  degree/certificate-seeking + non-degree-seeking, and every row's total = exclusively + some +
  no distance education, exclusively = the five places its students live.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from upward.errors import SourceFormatError
from upward.sources._checks import (
    CIP_CODE,
    first_bad,
    in_sheet,
    matching,
    numeric,
    one_of,
    read_csv_text,
    read_excel_sheet,
    read_parquet_table,
    require_columns,
    require_unique,
    text_column,
    whole_numbers,
)

#: AWLEVEL codes of the 2020-21 and later Completions survey (1, 9, 10 were retired with the
#: split of the under-1-year certificate into 20 and 21).
AWARD_LEVELS = (2, 3, 4, 5, 6, 7, 8, 17, 18, 19, 20, 21)

#: HD code labels, from the NCES HD 2024 data dictionary (the directory file gives codes only).
SECTOR_LABELS = {
    0: "Administrative Unit",
    1: "Public, 4-year or above",
    2: "Private not-for-profit, 4-year or above",
    3: "Private for-profit, 4-year or above",
    4: "Public, 2-year",
    5: "Private not-for-profit, 2-year",
    6: "Private for-profit, 2-year",
    7: "Public, less-than 2-year",
    8: "Private not-for-profit, less-than 2-year",
    9: "Private for-profit, less-than 2-year",
    99: "Sector unknown (not active)",
}
CONTROL_LABELS = {1: "Public", 2: "Private not-for-profit", 3: "Private for-profit"}
LEVEL_LABELS = {
    1: "Four or more years",
    2: "At least 2 but less than 4 years",
    3: "Less than 2 years (below associate)",
}
_CBSA_TYPES = {"1": "metro", "2": "micro"}
NOT_APPLICABLE = "-2"
NOT_AVAILABLE = "-3"

COMPLETIONS_COLUMNS = [
    "unitid", "cip_code", "award_level", "majornum",
    "completions_total", "completions_men", "completions_women", "year",
]
INSTITUTION_COLUMNS = [
    "unitid", "name", "address", "city", "state_abbr", "zip", "state_fips", "county_fips", "county_name",
    "cbsa_code", "cbsa_type", "csa_code", "latitude", "longitude", "sector", "sector_label",
    "control", "control_label", "level", "level_label", "degree_granting", "opeid", "web_address", "closed_on",
]
AWARD_LEVEL_COLUMNS = ["award_level", "label"]
DISTANCE_COLUMNS = [
    "unitid", "student_level", "enrolled", "exclusively_distance", "some_distance", "no_distance",
    "distance_in_state", "distance_other_state", "distance_us_state_unknown", "distance_outside_us",
    "distance_location_unknown", "term",
]  # fmt: skip

#: EFDELEV, the student level of an EF2024A_DIST row (NCES data dictionary; the reader checks the
#: sums that tie them together).
STUDENT_LEVELS = {
    "1": "all", "2": "undergraduate", "3": "undergraduate_degree_seeking", "11": "undergraduate_non_degree", "12": "graduate",
}  # fmt: skip
#: The EF2024A_DIST count columns and the names they get: enrolled; exclusively, some and no
#: distance education; where the exclusively-online students live (EFDEEX1–5).
_DISTANCE_FIELDS = {
    "EFDETOT": "enrolled", "EFDEEXC": "exclusively_distance", "EFDESOM": "some_distance", "EFDENON": "no_distance",
    "EFDEEX1": "distance_in_state", "EFDEEX2": "distance_other_state", "EFDEEX3": "distance_us_state_unknown",
    "EFDEEX4": "distance_outside_us", "EFDEEX5": "distance_location_unknown",
}  # fmt: skip
#: IPEDS imputation flags: R reported, P imputed, Z implied zero, N not imputed, A not applicable.
_FLAGS = ("R", "P", "Z", "N", "A")

_PROGRAM_CIP = re.compile(r"\d{2}\.\d{4}")


def _academic_year(path: Path, year: int | None) -> int:
    """The year the academic year ends in, from the argument and/or the NCES file name."""
    m = re.fullmatch(r"c(\d{4})_a", path.stem.lower())
    from_name = int(m.group(1)) if m else None
    if year is None:
        if from_name is None:
            raise SourceFormatError(
                path, "cannot tell the academic year from the file name (expected like 'c2024_a'); pass year="
            )
        return from_name
    if isinstance(year, bool) or not isinstance(year, int) or not 1980 <= year <= 2100:
        raise SourceFormatError(path, f"year must be the year the academic year ends in (e.g. 2024), got {year!r}")
    if from_name is not None and from_name != year:
        raise SourceFormatError(path, f"the file name says academic year {from_name}, but year={year} was given")
    return year


def read_completions(path: Path | str, year: int | None = None) -> pd.DataFrame:
    """unitid ('100654'), cip_code ('51.3801'), award_level (int AWLEVEL), majornum (1 first, 2 second
    major), completions_total (CTOTALT), completions_men, completions_women (Int64; <NA> when the
    file has no CTOTALM/CTOTALW), year (2024 for 2023-24): one row per 6-digit program row.

    The bundled extracts hold first majors only, 282,322 (C2023_A) and 286,979 (C2024_A) rows, of
    which 19,308 and 19,384 are grand-total rows (CIPCODE '99') that are dropped. Counts must be
    whole, non-negative, and total = men + women.
    """
    path = Path(path)
    df = read_parquet_table(path, ["UNITID", "CIPCODE", "MAJORNUM", "AWLEVEL", "CTOTALT"])
    year = _academic_year(path, year)
    h = {"header_rows": 0}
    cip = matching(df, "CIPCODE", CIP_CODE, path, **h)
    program = cip.str.fullmatch(_PROGRAM_CIP).astype(bool)
    if "IS_CIP_6DIGIT" in df.columns:  # the extract's own flag; must agree with the code's form
        flag = df["IS_CIP_6DIGIT"].astype("boolean")
        first_bad(
            flag != program, path, "IS_CIP_6DIGIT",
            lambda i: f"flag {flag.iloc[i]!r} disagrees with CIPCODE {cip.iloc[i]!r}", **h,
        )
    out = pd.DataFrame(
        {
            "unitid": matching(df, "UNITID", r"\d{6}", path, **h),
            "cip_code": cip,
            "award_level": one_of(df, "AWLEVEL", [str(a) for a in AWARD_LEVELS], path, **h).astype("int64"),
            "majornum": one_of(df, "MAJORNUM", ["1", "2"], path, **h).astype("int64"),
            "completions_total": whole_numbers(df, "CTOTALT", path, required=True, minimum=0, **h),
        }
    )
    for col, field in (("completions_men", "CTOTALM"), ("completions_women", "CTOTALW")):
        if field in df.columns:
            out[col] = whole_numbers(df, field, path, required=True, minimum=0, **h).astype("Int64")
        else:
            out[col] = pd.array([pd.NA] * len(df), dtype="Int64")
    both = out.completions_men.notna() & out.completions_women.notna()
    first_bad(
        both & (out.completions_total != out.completions_men.fillna(0) + out.completions_women.fillna(0)),
        path, "CTOTALT",
        lambda i: f"grand total {out.completions_total.iloc[i]} is not men {out.completions_men.iloc[i]} "
        f"+ women {out.completions_women.iloc[i]}",
        **h,
    )
    require_unique(out, ["unitid", "cip_code", "majornum", "award_level"], path, field="CIPCODE", **h)
    out["year"] = year
    dropped = int((~program).sum())
    out = out[program.to_numpy()]
    out = out[COMPLETIONS_COLUMNS].sort_values(
        ["unitid", "cip_code", "award_level", "majornum"], kind="stable"
    ).reset_index(drop=True)
    out.attrs["dropped_total_rows"] = dropped
    return out


def _coded(df: pd.DataFrame, column: str, pattern: str, path: Path, markers: tuple[str, ...]) -> pd.Series:
    """A code column where IPEDS writes not-applicable/not-available markers; markers become missing."""
    values = matching(df, column, f"(?:{pattern})|" + "|".join(re.escape(m) for m in markers), path)
    return values.mask(values.isin(markers))


def _category(df: pd.DataFrame, column: str, labels: dict[int, str], path: Path, markers: tuple[str, ...] = ()):
    """An HD categorical code as Int64 (a marker → <NA>) and its dictionary label."""
    values = one_of(df, column, [str(k) for k in labels] + list(markers), path)
    codes = pd.to_numeric(values.mask(values.isin(markers)), errors="raise").astype("Int64")
    label = codes.map(labels, na_action="ignore").astype("string")
    return codes, label


def read_institutions(path: Path | str) -> pd.DataFrame:
    """hd2024.csv → unitid, name, address, city, state_abbr, zip, state_fips ('48'), county_fips
    ('48201'), county_name, cbsa_code, cbsa_type ('metro' | 'micro'), csa_code, latitude, longitude,
    sector (int) and sector_label, control / control_label, level (ICLEVEL) / level_label,
    degree_granting, opeid (8 digits), web_address, closed_on (date, for institutions that closed).

    6,072 institutions. -2 (not applicable) and -3 (not available) become missing: county_fips for
    3 (Micronesia, Palau, Marshall Islands), cbsa_code and cbsa_type for 276, csa_code for 1,260,
    control and level for the 22 sector-99 units; opeid -2 (37) or blank (1) is missing too.
    County codes are kept as NCES assigns them (one, UNITID 446163, pairs an Arizona address with
    a California county); the reader does not second-guess them.
    """
    path = Path(path)
    df = read_csv_text(path, encoding="utf-8-sig")  # the NCES file starts with a byte-order mark
    require_columns(
        df,
        ["UNITID", "INSTNM", "ADDR", "CITY", "STABBR", "ZIP", "FIPS", "OPEID", "WEBADDR", "SECTOR", "ICLEVEL",
         "CONTROL", "DEGGRANT", "CLOSEDAT", "CBSA", "CBSATYPE", "CSA", "COUNTYCD", "COUNTYNM", "LONGITUD",
         "LATITUDE"],
        path,
    )
    county = _coded(df, "COUNTYCD", r"\d{4,5}", path, (NOT_APPLICABLE,))
    cbsa = _coded(df, "CBSA", r"\d{5}", path, (NOT_APPLICABLE,))
    cbsa_type = one_of(df, "CBSATYPE", [*_CBSA_TYPES, NOT_APPLICABLE], path).map(_CBSA_TYPES).astype("string")
    first_bad(cbsa.isna() != cbsa_type.isna(), path, "CBSATYPE", "CBSA code and type must both be given or both -2")
    sector = one_of(df, "SECTOR", [str(k) for k in SECTOR_LABELS], path).astype("int64")
    control, control_label = _category(df, "CONTROL", CONTROL_LABELS, path, (NOT_AVAILABLE,))
    level, level_label = _category(df, "ICLEVEL", LEVEL_LABELS, path, (NOT_AVAILABLE,))
    # Sectors 1-9 are control × level; a disagreement means shifted or edited columns.
    in_grid = sector.between(1, 9)
    first_bad(
        in_grid & (control.fillna(0) != (sector - 1) % 3 + 1), path, "CONTROL",
        lambda i: f"control {control.iloc[i]} does not match sector {sector.iloc[i]}",
    )
    deg = one_of(df, "DEGGRANT", ["1", "2", NOT_AVAILABLE], path)
    closed = _coded(df, "CLOSEDAT", r"\d{2}/\d{2}/\d{4}", path, (NOT_APPLICABLE,))
    closed_on = pd.to_datetime(closed, format="%m/%d/%Y", errors="coerce")
    first_bad(closed.notna() & closed_on.isna(), path, "CLOSEDAT", lambda i: f"not a date: {closed.iloc[i]!r}")
    lat = numeric(df, "LATITUDE", path, required=True)
    lon = numeric(df, "LONGITUD", path, required=True)
    first_bad(~lat.between(-90, 90), path, "LATITUDE", lambda i: f"latitude {lat.iloc[i]} out of range")
    first_bad(~lon.between(-180, 180), path, "LONGITUD", lambda i: f"longitude {lon.iloc[i]} out of range")
    out = pd.DataFrame(
        {
            "unitid": matching(df, "UNITID", r"\d{6}", path),
            "name": text_column(df, "INSTNM", path),
            "address": text_column(df, "ADDR", path, required=False),
            "city": text_column(df, "CITY", path),
            "state_abbr": matching(df, "STABBR", r"[A-Z]{2}", path),
            "zip": matching(df, "ZIP", r"\d{5}(-\d{4})?", path),
            "state_fips": matching(df, "FIPS", r"\d{1,2}", path).str.zfill(2),
            "county_fips": county.str.zfill(5),
            "county_name": text_column(df, "COUNTYNM", path, required=False),
            "cbsa_code": cbsa,
            "cbsa_type": cbsa_type,
            "csa_code": _coded(df, "CSA", r"\d{3}", path, (NOT_APPLICABLE,)),
            "latitude": lat,
            "longitude": lon,
            "sector": sector,
            "sector_label": sector.map(SECTOR_LABELS).astype("string"),
            "control": control,
            "control_label": control_label,
            "level": level,
            "level_label": level_label,
            "degree_granting": deg.map({"1": True, "2": False}).astype("boolean"),
            "opeid": _coded(df, "OPEID", r"\d{8}", path, (NOT_APPLICABLE, "")),
            "web_address": text_column(df, "WEBADDR", path, required=False),
            "closed_on": closed_on,
        }
    )
    require_unique(out, ["unitid"], path, field="UNITID")
    return out[INSTITUTION_COLUMNS].sort_values("unitid", kind="stable").reset_index(drop=True)


def read_award_levels(path: Path | str) -> pd.DataFrame:
    """award_level (int), label: the AWLEVEL rows of the 'Frequencies' sheet of the Completions
    data dictionary (c_a_dictionary_varlist.xlsx), 12 levels for 2023-24. Labels are stripped
    (NCES leaves a trailing space on "Doctor's degree - research/scholarship ").
    """
    path = Path(path)
    sheet = "Frequencies"
    df = read_excel_sheet(path, sheet)
    try:
        require_columns(df, ["VarName", "CodeValue", "ValueLabel"], path)
        var = df["VarName"].astype("string").str.strip()
        rows = var.eq("AWLEVEL").fillna(False).to_numpy(dtype=bool)
        if not rows.any():
            raise SourceFormatError(
                path, "no AWLEVEL rows: the dictionary gives no award-level labels", field="VarName"
            )
        code = df["CodeValue"].astype("string").str.strip()
        label = df["ValueLabel"].astype("string").str.strip()
        first_bad(
            pd.Series(rows) & ~code.str.fullmatch(r"\d{1,2}").fillna(False).astype(bool).to_numpy(),
            path, "CodeValue", lambda i: f"award level code {df['CodeValue'].iloc[i]!r} is not a number",
        )
        first_bad(
            pd.Series(rows) & (label.isna() | (label == "")).to_numpy(), path, "ValueLabel", "blank award-level label"
        )
        repeated = (var + "\x00" + code).duplicated(keep="first").fillna(False).to_numpy(dtype=bool)
        first_bad(
            pd.Series(rows & repeated), path, "CodeValue", lambda i: f"award level {code.iloc[i]} is listed twice"
        )
    except SourceFormatError as err:
        raise in_sheet(sheet, err) from err
    out = pd.DataFrame({"award_level": code[rows].astype("int64"), "label": label[rows]})
    return out.sort_values("award_level", kind="stable").reset_index(drop=True)


def _term(path: Path) -> str:
    """'ef2024a_dist' → 'Fall 2024' (the enrollment survey counts students in the fall term)."""
    m = re.fullmatch(r"ef(\d{4})a_dist(_rv)?", path.stem.lower())
    if not m:
        raise SourceFormatError(path, "cannot tell the fall term from the file name (expected like 'ef2024a_dist')")
    return f"Fall {m.group(1)}"


def read_distance_education(path: Path | str, derived: Path | str | None = None) -> pd.DataFrame:
    """ef2024a_dist.csv → unitid, student_level ('all', 'undergraduate', 'undergraduate_degree_seeking',
    'undergraduate_non_degree', 'graduate'), enrolled, exclusively_distance, some_distance,
    no_distance, distance_in_state, distance_other_state, distance_us_state_unknown,
    distance_outside_us, distance_location_unknown (where the exclusively-online students live),
    term ('Fall 2024'): one row per institution × student level, 21,819 rows for 5,842 institutions.

    Institution level, never programme level: IPEDS does not say which programmes the online
    students take. `derived` (drvef2024.csv) cross-checks the file: the exclusively-online share
    of all, undergraduate and graduate students must round to the percentage NCES publishes there
    (PCTDEEXC, PCUDEEXC, PCGDEEXC), within a point of rounding.
    """
    path = Path(path)
    df = read_csv_text(path, encoding="utf-8-sig")
    require_columns(df, ["UNITID", "EFDELEV", *_DISTANCE_FIELDS, *(f"X{c}" for c in _DISTANCE_FIELDS)], path)
    out = pd.DataFrame({"unitid": matching(df, "UNITID", r"\d{6}", path)})
    out["student_level"] = one_of(df, "EFDELEV", list(STUDENT_LEVELS), path).map(STUDENT_LEVELS)
    for field, name in _DISTANCE_FIELDS.items():
        flag = one_of(df, f"X{field}", list(_FLAGS), path)
        blank = df[field].str.strip() == ""
        first_bad(blank & (flag != "A"), path, field, lambda i, f=field: f"blank, but its imputation flag is {df[f'X{f}'].iloc[i]!r} (only A, not applicable, may be blank)")
        out[name] = whole_numbers(df.assign(**{field: df[field].mask(blank, "0")}), field, path, required=True, minimum=0)
    first_bad(out.enrolled != out.exclusively_distance + out.some_distance + out.no_distance, path, "EFDETOT",
              lambda i: f"total {out.enrolled.iloc[i]} is not exclusively + some + no distance education "
              f"({out.exclusively_distance.iloc[i]} + {out.some_distance.iloc[i]} + {out.no_distance.iloc[i]})")
    places = out[["distance_in_state", "distance_other_state", "distance_us_state_unknown", "distance_outside_us", "distance_location_unknown"]].sum(axis=1)
    first_bad(out.exclusively_distance != places, path, "EFDEEXC",
              lambda i: f"{out.exclusively_distance.iloc[i]} exclusively-online students, but {places.iloc[i]} by where they live (EFDEEX1–5)")
    require_unique(out, ["unitid", "student_level"], path, field="EFDELEV")
    wide = out.pivot(index="unitid", columns="student_level", values="enrolled").reindex(columns=list(STUDENT_LEVELS.values())).fillna(0)
    for whole, parts in (("all", ("undergraduate", "graduate")), ("undergraduate", ("undergraduate_degree_seeking", "undergraduate_non_degree"))):
        bad = wide[whole] != wide[list(parts)].sum(axis=1)
        if bad.any():
            unit = bad[bad].index[0]
            rows = out.index[(out.unitid == unit) & (out.student_level == whole)]
            raise SourceFormatError(path, f"institution {unit}: {whole} students ({wide.at[unit, whole]:.0f}) are not the sum of "
                                    f"{' + '.join(parts)}; the student levels (EFDELEV) are not the ones this reader knows",
                                    field="EFDELEV", row=int(rows[0]) + 2)
    out["term"] = _term(path)
    out = out[DISTANCE_COLUMNS].sort_values(["unitid", "student_level"], kind="stable").reset_index(drop=True)
    if derived is not None:
        _cross_check_distance(out, Path(derived))
    return out


def _cross_check_distance(dist: pd.DataFrame, path: Path) -> None:
    """The exclusively-online shares must agree with DRVEF's published percentages (rounded to a point)."""
    df = read_csv_text(path, encoding="utf-8-sig")
    columns = {"all": "PCTDEEXC", "undergraduate": "PCUDEEXC", "graduate": "PCGDEEXC"}
    require_columns(df, ["UNITID", *columns.values()], path)
    matching(df, "UNITID", r"\d{6}", path)
    for level, column in columns.items():
        published = numeric(df, column, path)
        rows = dist[dist.student_level == level].set_index("unitid")
        share = (100 * rows.exclusively_distance / rows.enrolled.where(rows.enrolled > 0)).reindex(df.UNITID.str.strip())
        bad = pd.Series(published.notna().to_numpy() & share.notna().to_numpy() & ((share.to_numpy() - published.to_numpy()).__abs__() > 1.0))
        first_bad(bad, path, column, lambda i: f"NCES publishes {published.iloc[i]:g}% exclusively online for institution {df.UNITID.iloc[i]}, "
                  f"but the distance-education file gives {share.iloc[i]:.1f}%: the two files are not the same release")
