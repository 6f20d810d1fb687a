"""Eligible Training Provider List (ETPL) data: Texas programs, New Jersey outcomes, a California sample.

IPEDS and Scorecard see only Title IV colleges; the short, non-degree training that WIOA funds
(truck driving, phlebotomy, welding, apprenticeships) lives on each state's ETPL. These files are
how a region's scan reaches that training, with the occupations a provider says it trains for
and, where the state publishes them, employment and wage outcomes. Every state writes its list
its own way, so each has its own reader; none is joined to anything here.

Markers and conventions found in the files:

- Texas (TWC, Feb 2022): O*NET-SOC codes written without punctuation ('47211100'); they are
  returned as '47-2111.00' and rolled to SOC by dropping the O*NET suffix ('47-2111', the rule
  in `upward.soc.onet_soc`). Supports are Yes/No/blank (blank = not stated, kept missing).
  Costs carry padding spaces. 'INVALID CODE' (TWIST's export of an unmapped choice) appears in
  program format and prerequisites and is kept as published. County names are as typed
  ('CAMERON', 'Out Of State', 'Out of State').
- New Jersey: -99999 is the suppression marker in outcomes (rates and wages); the value is kept
  missing and the marker goes to the matching ``*_note`` column. CIP codes are six digits without
  a dot ('511020' → '51.1020'). The provider directory writes yes/no as 1/2 and county
  'Select One' when none was chosen (kept missing); ZIP codes lost their leading zero (7016 →
  '07016'); some text cells carry an extra pair of double quotes, which is removed.
- California: a fixture of ETA-9171 TrainingProviderResults records, flat CSV or the JSON it was
  flattened from; a value not reported is null (blank in the CSV). Median earnings are quarterly,
  for the 2nd quarter after exit, as ETA-9171 defines them.

Rows in errors are file rows (header = row 1) for CSV and record numbers (from 1) for JSON.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from upward import codes
from upward.errors import SourceFormatError
from upward.sources._checks import (
    SOC_CODE,
    first_bad,
    matching,
    numeric,
    one_of,
    read_csv_text,
    require_columns,
    require_file,
    require_unique,
    text_column,
    whole_numbers,
)

_CIP6 = codes.CIP6
NJ_SUPPRESSED = "-99999"


def _number_order(s: pd.Series) -> pd.Series:
    """Sort numeric ids as numbers ('9341' before '32211') while keeping them strings."""
    return s.str.zfill(12)


def _amount(df, column, path, *, header_rows=1, required=False, allow=()) -> pd.Series:
    values = numeric(df, column, path, header_rows=header_rows, required=required, allow=allow)
    first_bad(values < 0, path, column, lambda i: f"expected a non-negative number, got {df[column].iloc[i]!r}",
              header_rows=header_rows)
    return values


def _rate(df, column, path, *, header_rows=1, allow=()) -> pd.Series:
    values = numeric(df, column, path, header_rows=header_rows, allow=allow)
    first_bad(values.notna() & ~values.between(0, 1), path, column,
              lambda i: f"expected a rate between 0 and 1, got {df[column].iloc[i]!r}", header_rows=header_rows)
    return values


def _flag(df, column, path, truth: dict[str, bool], *, header_rows=1, blank_ok=True) -> pd.Series:
    """A yes/no column in the file's own words; a blank is <NA> (not stated) when allowed."""
    allowed = list(truth) + ([""] if blank_ok else [])
    values = one_of(df.assign(**{column: df[column].fillna("")}), column, allowed, path, header_rows=header_rows)
    return values.map(truth).astype("boolean")


def _datetime(df, column, path, fmt: str, *, header_rows=1, required=True) -> pd.Series:
    text = df[column].astype("string").str.strip()
    blank = text.isna() | (text == "")
    parsed = pd.to_datetime(text.mask(blank), format=fmt, errors="coerce")
    bad = (parsed.isna() & ~blank) | (blank if required else False)
    first_bad(bad, path, column, lambda i: f"expected a date like {fmt!r}, got {df[column].iloc[i]!r}",
              header_rows=header_rows)
    return parsed


def _unquote(s: pd.Series) -> pd.Series:
    """'"58, 59, 66 - to Union (County) College"' → '58, 59, 66 - to Union (County) College'."""
    return s.str.replace(r'(?s)^"(.*)"$', r"\1", regex=True).str.strip()


# --------------------------------------------------------------------------------------- Texas

_TX = {
    "provider_id": "Provider #",
    "campus_id": "Campus #",
    "program_id": "Program #",
    "twist_provider_id": "TWIST Provider ID",
    "twist_program_id": "TWIST Program ID",
    "status": "Program Status",
    "provider_name": "Provider Name",
    "provider_description": "Description Of Provider",
    "provider_url": "Provider URL",
    "institution_type": "Institution Type",
    "campus_name": "Campus Name",
    "campus_address1": "Campus Address1",
    "campus_address2": "Campus Address2",
    "campus_city": "Campus City",
    "campus_state": "Campus State",
    "campus_zip": "Campus Zip Code",
    "campus_county": "Campus County",
    "public_transit": "Information: Public Transit?",
    "onsite_childcare": "Information: Onsite Childcare?",
    "flexible_hours": "Information: Flexible Hours?",
    "program_name": "Program Name",
    "program_description": "Program Description",
    "pell_eligible": "Pell Eligible",
    "prerequisites": "Academic PreRequisites",
    "program_url": "Program URL",
    "program_outcome": "Program Outcome",
    "credential": "Associated Credential Name",
    "hours": "Length: Contact Hours",
    "weeks": "Length: Weeks",
    "program_format": "Program Format",
    "tuition_fees": "Required Cost: Tuition & Fees",
    "tuition_fees_description": "Required Cost Description: Tuition & Fees",
    "books_supplies": "Required Cost: Books Supplies",
    "books_supplies_description": "Required Cost Description: Books Supplies",
    "optional_other": "Optional Cost: Other",
    "optional_other_description": "Optional Cost Description: Other",
    "out_of_district_tuition_fees": "(Out Of District) Cost: Tuition & Fees",
    "out_of_district_description": "(Out Of District) Cost Description: Tuition & Fees",
    "apprentices": "Number Of Apprentices",
    "program_start": "Program Start Date",
    "last_updated": "Program Last Update Date",
}
_TX_OCCUPATIONS = ["Occupation Code 1", "Occupation Code 2", "Occupation Code 3"]
TEXAS_COLUMNS = [*list(_TX)[:30], "onet_codes", "soc_codes", *list(_TX)[30:]]
_TX_DATE = "%B %d, %Y %I:%M %p"


def read_texas(path: Path | str) -> pd.DataFrame:
    """TWC statewide ETPL programs: ids (provider, campus, program, TWIST), provider and campus
    (county name as published), supports (public_transit, onsite_childcare, flexible_hours:
    boolean, <NA> when not stated), program fields, hours and weeks, onet_codes (list of
    'XX-XXXX.XX', up to 3) and soc_codes (the same rolled to 'XX-XXXX', deduplicated), costs in
    USD (tuition_fees, books_supplies, optional_other, out_of_district_tuition_fees, each with its
    description), apprentices, program_start and last_updated (datetimes).

    4,736 programs (Feb 2022), 194 without any occupation code. The file has no CIP code. 197 of
    the O*NET codes are SOC group codes written as occupations ('13-1000.00', '15-1250.00'); they
    are kept, so their soc_codes entry is a group ('13-1000'), not a detailed occupation.
    Header cells hold line breaks ('Length:\\nWeeks'); errors name them with single spaces.
    """
    path = Path(path)
    df = read_csv_text(path)
    df.columns = [" ".join(str(c).split()) for c in df.columns]
    require_columns(df, [*_TX.values(), *_TX_OCCUPATIONS], path)
    c = _TX
    onet = []
    for col in _TX_OCCUPATIONS:
        code = matching(df, col, r"\d{8}", path, allow_blank=True).fillna("")
        onet.append(code.where(code == "", code.str[:2] + "-" + code.str[2:6] + "." + code.str[6:]))
    onet_codes = [[x for x in row if x] for row in zip(*onet)]
    soc_codes = [list(dict.fromkeys(x[:7] for x in row)) for row in onet_codes]
    yes_no = {"Yes": True, "No": False}
    out = pd.DataFrame(
        {
            "provider_id": matching(df, c["provider_id"], r"\d+", path),
            "campus_id": matching(df, c["campus_id"], r"\d+", path),
            "program_id": matching(df, c["program_id"], r"\d+", path),
            "twist_provider_id": matching(df, c["twist_provider_id"], r"\d+", path, allow_blank=True),
            "twist_program_id": matching(df, c["twist_program_id"], r"\d+", path, allow_blank=True),
            "campus_state": matching(df, c["campus_state"], r"[A-Z]{2}", path),
            "campus_zip": matching(df, c["campus_zip"], r"\d{5}(-\d{4})?", path),
            "public_transit": _flag(df, c["public_transit"], path, yes_no),
            "onsite_childcare": _flag(df, c["onsite_childcare"], path, yes_no),
            "flexible_hours": _flag(df, c["flexible_hours"], path, yes_no),
            "hours": _amount(df, c["hours"], path),
            "weeks": _amount(df, c["weeks"], path),
            "onet_codes": pd.Series(onet_codes, index=df.index, dtype=object),
            "soc_codes": pd.Series(soc_codes, index=df.index, dtype=object),
            "tuition_fees": _amount(df, c["tuition_fees"], path),
            "books_supplies": _amount(df, c["books_supplies"], path),
            "optional_other": _amount(df, c["optional_other"], path),
            "out_of_district_tuition_fees": _amount(df, c["out_of_district_tuition_fees"], path),
            "apprentices": whole_numbers(df, c["apprentices"], path, minimum=0),
            "program_start": _datetime(df, c["program_start"], path, _TX_DATE),
            "last_updated": _datetime(df, c["last_updated"], path, _TX_DATE),
        }
    )
    for col in ("twist_provider_id", "twist_program_id"):
        out[col] = out[col].replace("", pd.NA)
    required = {"status", "provider_name", "institution_type", "campus_name", "campus_city", "campus_county",
                "program_name", "program_outcome", "program_format", "prerequisites"}
    for name in TEXAS_COLUMNS:
        if name not in out.columns:
            out[name] = text_column(df, c[name], path, required=name in required)
    require_unique(out, ["program_id"], path, field=c["program_id"])
    out = out[TEXAS_COLUMNS].sort_values("program_id", key=_number_order, kind="stable")
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------- New Jersey

#: outcome field → (output column, kind); 'rate' and 'wage' may be suppressed, counts may not.
_NJ_OUTCOMES = {
    "PerEmployed2": ("employment_rate_q2", "rate"),
    "PerEmployed4": ("employment_rate_q4", "rate"),
    "PerEmployed8": ("employment_rate_q8", "rate"),
    "AvgQuarterlyWage2": ("avg_quarterly_wage_q2", "wage"),
    "AvgQuarterlyWage4": ("avg_quarterly_wage_q4", "wage"),
    "AvgQuarterlyWage8": ("avg_quarterly_wage_q8", "wage"),
    "PerRetention4": ("retention_rate_q4", "rate"),
    "PerRetention8": ("retention_rate_q8", "rate"),
    "NumCompleted2": ("completers_q2", "count"),
    "NumCompleted4": ("completers_q4", "count"),
    "NumCompleted8": ("completers_q8", "count"),
    "NumUsedWageCalc2": ("wage_cohort_q2", "count"),
    "NumUsedWageCalc4": ("wage_cohort_q4", "count"),
    "NumUsedWageCalc8": ("wage_cohort_q8", "count"),
    "NumUsedRetentionCalc4": ("retention_cohort_q4", "count"),
    "NumUsedRetentionCalc8": ("retention_cohort_q8", "count"),
}
NJ_OUTCOME_COLUMNS = ["provider_id", "cip_code"] + [
    col for name, kind in _NJ_OUTCOMES.values() for col in ((name, f"{name}_note") if kind != "count" else (name,))
]


def read_nj_outcomes(path: Path | str) -> pd.DataFrame:
    """provider_id, cip_code ('51.1020'), then for 2, 4 and 8 quarters after exit: employment_rate
    (0–1), avg_quarterly_wage (USD a quarter), retention_rate (4 and 8 only), each with a ``_note``
    holding '-99999' where suppressed, and the counts behind them (completers, wage_cohort,
    retention_cohort). 1,565 provider × CIP rows; 207 of the 417 providers are not in the 2021
    provider directory.
    """
    path = Path(path)
    df = read_csv_text(path)
    require_columns(df, ["providerid", "cipcode", *_NJ_OUTCOMES], path)
    cip = matching(df, "cipcode", r"\d{6}", path)
    out = {
        "provider_id": matching(df, "providerid", r"\d+", path),
        "cip_code": cip.str[:2] + "." + cip.str[2:],
    }
    for field, (name, kind) in _NJ_OUTCOMES.items():
        if kind == "count":
            out[name] = whole_numbers(df, field, path, required=True, minimum=0)
            continue
        marker = df[field].astype("string").str.strip() == NJ_SUPPRESSED
        reader = _rate if kind == "rate" else _amount
        out[name] = reader(df, field, path, allow=(NJ_SUPPRESSED,))
        first_bad(out[name].isna() & ~marker, path, field, "blank value; suppressed values are written -99999")
        out[f"{name}_note"] = pd.Series(NJ_SUPPRESSED, index=df.index, dtype="string").where(marker)
    result = pd.DataFrame(out)
    require_unique(result, ["provider_id", "cip_code"], path, field="cipcode")
    result = result[NJ_OUTCOME_COLUMNS].sort_values(["provider_id", "cip_code"], key=_nj_key, kind="stable")
    return result.reset_index(drop=True)


def _nj_key(s: pd.Series) -> pd.Series:
    return _number_order(s) if s.name == "provider_id" else s


#: provider directory yes/no fields (1 = yes, 2 = no, as NJ's own site reads them).
_NJ_FLAGS = {
    "CUSTOMIZED": "customized",
    "DISTANCELEARNING": "distance_learning",
    "SPEAKSPANISH": "speaks_spanish",
    "OTHERLANGUAGES": "other_languages",
    "CAREERASSIST": "career_assistance",
    "ONESTOPCAREER": "one_stop_career",
    "PERSONALASSIST": "job_placement_assistance",
    "ACCESSAJBATB": "access_ajb_atb",
    "CHILDCARE": "childcare",
    "ASSISTOBTAININGCHILDCARE": "childcare_assistance",
    "EVENINGCOURSES": "evening_courses",
    "ACCESSFORDISABLED": "wheelchair_accessible",
}
_NJ_TEXT = {
    "NAME": "name",
    "STREET1": "street1",
    "STREET2": "street2",
    "CITY": "city",
    "COUNTY": "county",
    "WEBSITE": "website",
    "EMAIL": "email",
    "LANGUAGES": "languages",
    "BUSROUTE1": "bus_route1",
    "BUSROUTE2": "bus_route2",
    "TRNROUTE1": "train_route1",
    "TRNROUTE2": "train_route2",
    "STATUSNAME": "status",
}
NJ_PROVIDER_COLUMNS = [
    "provider_id", "name", "school_id", "street1", "street2", "city", "state_abbr", "zip", "county", "phone",
    "website", "email", "type_id", "licensing_agency_id", *_NJ_FLAGS.values(), "languages",
    "bus_route1", "bus_route2", "train_route1", "train_route2", "status", "approval_expires", "submitted_at",
]
_NJ_DATE = "%m/%d/%Y %I:%M:%S %p"
_NJ_NO_COUNTY = "Select One"


def read_nj_providers(path: Path | str) -> pd.DataFrame:
    """NJ ETPL provider directory (5 Mar 2021): provider_id, name, school_id, address (street1,
    street2, city, state_abbr, zip as 5 digits, county as published, 'Out of State' included),
    phone, website, email, type_id and licensing_agency_id (NJ codes; no labels in the file), the
    yes/no supports as booleans (childcare, childcare_assistance, evening_courses,
    wheelchair_accessible, job_placement_assistance …), languages, bus and train routes,
    status, approval_expires and submitted_at (datetimes). 408 providers.
    """
    path = Path(path)
    df = read_csv_text(path)
    require_columns(
        df,
        ["PROVIDERID", "SCHOOLIDENTIFICATIONNUMBER", "STATE", "ZIP", "PHONE", "TYPEID", "LICENSINGAGENCYID",
         "CERTAPPROVALEXP", "DTSUBMITTED", *_NJ_FLAGS, *_NJ_TEXT],
        path,
    )
    out = {
        "provider_id": matching(df, "PROVIDERID", r"\d+", path),
        "school_id": matching(df, "SCHOOLIDENTIFICATIONNUMBER", r"\d+", path),
        "state_abbr": matching(df, "STATE", r"[A-Z]{2}", path),
        "zip": matching(df, "ZIP", r"\d{4,5}", path).str.zfill(5),
        "phone": matching(df, "PHONE", r"\d{10}", path),
        "type_id": whole_numbers(df, "TYPEID", path, required=True, minimum=0),
        "licensing_agency_id": whole_numbers(df, "LICENSINGAGENCYID", path, required=True, minimum=0),
        "approval_expires": _datetime(df, "CERTAPPROVALEXP", path, _NJ_DATE, required=False),
        "submitted_at": _datetime(df, "DTSUBMITTED", path, _NJ_DATE),
    }
    for field, name in _NJ_FLAGS.items():
        out[name] = _flag(df, field, path, {"1": True, "2": False}, blank_ok=False).astype(bool)
    for field, name in _NJ_TEXT.items():
        text = text_column(df, field, path, required=name in {"name", "city", "county", "status"})
        out[name] = _unquote(text).replace("", pd.NA)
    out["county"] = out["county"].mask(out["county"] == _NJ_NO_COUNTY)
    result = pd.DataFrame(out)
    require_unique(result, ["provider_id"], path, field="PROVIDERID")
    result = result[NJ_PROVIDER_COLUMNS].sort_values("provider_id", key=_number_order, kind="stable")
    return result.reset_index(drop=True)


def read_nj_in_demand(path: Path | str) -> pd.DataFrame:
    """cip_code, cip_title: the CIP codes New Jersey lists as in demand (722)."""
    path = Path(path)
    df = read_csv_text(path)
    require_columns(df, ["CIP", "CIPTitle"], path)
    out = pd.DataFrame({"cip_code": matching(df, "CIP", _CIP6, path), "cip_title": text_column(df, "CIPTitle", path)})
    require_unique(out, ["cip_code"], path, field="CIP")
    return out.sort_values("cip_code", kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------- California

_CA_BOOL = {"True": True, "False": False}
_CA = {
    "program_id": "uuid",
    "provider_name": "provider_name",
    "program_name": "program_name",
    "program_format": "program_format",
    "program_url": "program_url",
    "entity_type": "entity_type",
    "cip_code": "cip_code",
    "soc_codes": "soc_codes",
    "city": "location.city",
    "state_abbr": "location.state",
    "zip": "location.zip",
    "latitude": "location.lat",
    "longitude": "location.lon",
    "area_name": "region.area_name",
    "weeks": "length.weeks",
    "hours": "length.hours",
    "competency_based": "length.competency_based",
    "tuition": "cost.tuition",
    "supplies": "cost.supplies",
    "total_cost": "cost.total_out_of_pocket",
    "total_cost_complete": "cost.total_is_complete",
    "wioa_funded_cost": "cost.wioa_funded_cost",
    "outcomes_reported": "outcomes.reported",
    "total_served": "outcomes.total_served",
    "total_exited": "outcomes.total_exited",
    "total_completed": "outcomes.total_completed",
    "completion_rate": "outcomes.completion_rate",
    "credentials_earned": "outcomes.credentials_earned",
    "median_quarterly_earnings_q2": "outcomes.median_earnings",
    "employment_rate_q2": "outcomes.employment_rate_q2",
    "employed_q2": "outcomes.employed_q2",
    "employed_q4": "outcomes.employed_q4",
    "cohort_internally_consistent": "outcomes.cohort.internally_consistent",
    "exited_exceeds_served": "outcomes.cohort.exited_exceeds_served",
    "completed_exceeds_served": "outcomes.cohort.completed_exceeds_served",
}
CALIFORNIA_COLUMNS = list(_CA)
_CA_OUTCOMES = [
    "total_served", "total_exited", "total_completed", "completion_rate", "credentials_earned",
    "median_quarterly_earnings_q2", "employment_rate_q2", "employed_q2", "employed_q4",
]


def _json_cell(value: object) -> str:
    """A JSON value written the way the flat CSV writes it, so both go through one set of checks."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, list):
        return "|".join(str(v) for v in value) if all(isinstance(v, str) for v in value) else json.dumps(value)
    return str(value)


def _read_california_json(path: Path) -> pd.DataFrame:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceFormatError(path, f"cannot be parsed as JSON ({exc})") from exc
    programs = data.get("programs") if isinstance(data, dict) else None
    if not isinstance(programs, list) or not all(isinstance(p, dict) for p in programs):
        raise SourceFormatError(path, "expected an object with a 'programs' list of records", field="programs")
    flat = pd.json_normalize(programs)
    for col in _CA.values():  # a nested object null in every record leaves no columns behind
        if col not in flat.columns and col.rsplit(".", 1)[0] in flat.columns:
            flat[col] = None
    return pd.DataFrame({c: flat[c].map(_json_cell) for c in flat.columns}, dtype=object)


def read_california(path: Path | str) -> pd.DataFrame:
    """California ETPL sample (flat .csv or the .json it was flattened from): program_id (uuid),
    provider, program, cip_code, soc_codes (list), city, state_abbr, zip, latitude, longitude,
    area_name (the OEWS area the fixture placed it in, missing for 13), weeks, hours,
    competency_based, costs (tuition, supplies, total_cost out of pocket, wioa_funded_cost, USD),
    outcomes as reported (missing when not: total_served, total_exited, total_completed,
    completion_rate, credentials_earned, median_quarterly_earnings_q2, employment_rate_q2,
    employed_q2, employed_q4) and the fixture's cohort checks (exited_exceeds_served …). 60 rows.
    """
    path = require_file(Path(path))
    if path.suffix.lower() == ".json":
        df, h = _read_california_json(path), {"header_rows": 0}
    else:
        df, h = read_csv_text(path), {"header_rows": 1}
    require_columns(df, _CA.values(), path)
    c = _CA
    socs = df[c["soc_codes"]].astype("string").str.strip().fillna("")
    soc_lists = [s.split("|") if s else [] for s in socs]
    bad_soc = pd.Series([next((x for x in row if not re.fullmatch(SOC_CODE, x)), None) for row in soc_lists])
    first_bad(bad_soc.notna(), path, c["soc_codes"],
              lambda i: f"SOC code {bad_soc.iloc[i]!r} is not of the form XX-XXXX", **h)
    out = {
        "program_id": matching(df, c["program_id"], r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                               path, **h),
        "cip_code": matching(df, c["cip_code"], _CIP6, path, **h),
        "soc_codes": pd.Series(soc_lists, index=df.index, dtype=object),
        "state_abbr": matching(df, c["state_abbr"], r"[A-Z]{2}", path, **h),
        "zip": matching(df, c["zip"], r"\d{5}", path, **h),
        "latitude": numeric(df, c["latitude"], path, required=True, **h),
        "longitude": numeric(df, c["longitude"], path, required=True, **h),
        "weeks": _amount(df, c["weeks"], path, **h),
        "hours": _amount(df, c["hours"], path, **h),
        "tuition": _amount(df, c["tuition"], path, **h),
        "supplies": _amount(df, c["supplies"], path, **h),
        "total_cost": _amount(df, c["total_cost"], path, **h),
        "wioa_funded_cost": _amount(df, c["wioa_funded_cost"], path, **h),
    }
    for name in ("competency_based", "total_cost_complete", "outcomes_reported", "cohort_internally_consistent",
                 "exited_exceeds_served", "completed_exceeds_served"):
        out[name] = _flag(df, c[name], path, _CA_BOOL, blank_ok=False, **h).astype(bool)
    for name in _CA_OUTCOMES:
        out[name] = (_rate if name.endswith("rate_q2") or name == "completion_rate" else _amount)(
            df, c[name], path, **h
        )
    for name in CALIFORNIA_COLUMNS:
        if name not in out:
            out[name] = text_column(df, c[name], path, required=name in {"provider_name", "program_name", "city"}, **h)
    result = pd.DataFrame(out)
    any_outcome = result[_CA_OUTCOMES].notna().any(axis=1)
    first_bad(any_outcome & ~result.outcomes_reported, path, c["outcomes_reported"],
              "outcomes are given for a program marked as not reported", **h)
    require_unique(result, ["program_id"], path, field=c["program_id"], **h)
    return result[CALIFORNIA_COLUMNS].sort_values("program_id", kind="stable").reset_index(drop=True)
