"""College Scorecard field-of-study earnings and institution facts (Truewise derived release 2026-06-10).

Scorecard is the only national source of what graduates of a given program earn, by institution
× 4-digit CIP × credential level, so it is how a program scan tells a program that pays from one
that does not, and the state high-school earnings threshold is the bar the federal
earnings-premium test uses. The files are a derived copy (see DATA_DICTIONARY_upstream.md); the
reader checks the derived columns against the ED figures they come from, so a changed recipe
shows up instead of flowing into an "earnings" number.

Conventions and markers found in the files:

- Small-cohort suppression is a null, never a number: earnings, completers and debt stay
  missing. There is no marker column.
- `earnings` is ED's 4-years-after-completion median where published, else the 1-year one;
  `earnings_horizon` says which ('4yr_after_completion' | '1yr_after_completion').
- Institutions ED could not match to IPEDS (foreign schools, mostly) have unitid written as the
  text 'NA' (7,020 field-of-study rows): kept missing; their opeid6 still identifies them.
- Scorecard unitids are IPEDS's six digits, or eight for branch campuses ED splits out.
- Parquet rows in errors are 1-based record numbers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from upward.sources._checks import (
    first_bad,
    matching,
    numeric,
    one_of,
    read_parquet_table,
    require_unique,
    text_column,
    whole_numbers,
)

UNITID = r"\d{6}(\d{2})?"
HORIZONS = ("4yr_after_completion", "1yr_after_completion")
VALUE_FLAGS = ("passes_earnings_premium", "fails_earnings_premium", "insufficient_data")
#: Scorecard CREDLEV codes and their names as the file spells them.
CREDENTIAL_LEVELS = {
    1: "Undergraduate Certificate or Diploma",
    2: "Associate's Degree",
    3: "Bachelor's Degree",
    4: "Post-baccalaureate Certificate",
    5: "Master's Degree",
    6: "Doctoral Degree",
    7: "First Professional Degree",
    8: "Graduate/Professional Certificate",
    99: "Non-Credential Program (Preparatory Coursework/Teacher Certification)",
}
CONTROLS = ("Public", "Private, nonprofit", "Private, for-profit", "Foreign")

FIELD_OF_STUDY_COLUMNS = [
    "unitid", "opeid6", "institution_name", "state_abbr", "control", "cip4", "cip_title",
    "credential_level", "credential_desc", "completers", "earnings_1yr", "earnings_4yr", "earnings",
    "earnings_horizon", "earnings_threshold_state", "earnings_threshold_national", "fails_ep_state",
    "value_flag", "debt_median", "debt_to_earnings_ratio", "debt_payback_years",
]
INSTITUTION_COLUMNS = [
    "unitid", "name", "city", "state_abbr", "web_address", "enrollment", "earnings_threshold_state",
    "earnings_threshold_national", "pell_share", "first_gen_share", "completion_rate", "net_price_avg",
    "net_price_0_30k", "net_price_30_48k", "net_price_48_75k", "net_price_75_110k", "net_price_110k_plus",
]
_H = {"header_rows": 0}


def _number(df: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """A float column as stored (parquet keeps types); anything else goes through the text parser."""
    if pd.api.types.is_float_dtype(df[column]):
        return df[column].astype("float64")
    return numeric(df, column, path, **_H)


def _dollars(df: pd.DataFrame, column: str, path: Path, *, negative: bool = False) -> pd.Series:
    values = _number(df, column, path)
    if not negative:
        first_bad(values < 0, path, column, lambda i: f"expected a non-negative amount, got {values.iloc[i]}", **_H)
    return values


def _share(df: pd.DataFrame, column: str, path: Path) -> pd.Series:
    values = _number(df, column, path)
    first_bad(~values.between(0, 1) & values.notna(), path, column,
              lambda i: f"expected a share between 0 and 1, got {values.iloc[i]}", **_H)
    return values


def read_field_of_study(path: Path | str) -> pd.DataFrame:
    """unitid, opeid6, institution_name, state_abbr, control, cip4 ('51.38'), cip_title,
    credential_level (int CREDLEV), credential_desc, completers (Int64), earnings_1yr,
    earnings_4yr, earnings (median USD: 4-year, else 1-year), earnings_horizon,
    earnings_threshold_state, earnings_threshold_national, fails_ep_state (boolean),
    value_flag, debt_median, debt_to_earnings_ratio, debt_payback_years.

    227,980 rows; earnings published for 62,902 (58,112 at 4 years, 4,790 at 1 year).
    Key: unitid × opeid6 × cip4 × credential_level (unitid missing for 7,020 unmatched rows).
    """
    path = Path(path)
    df = read_parquet_table(
        path,
        ["unitid", "opeid6", "inst_name", "state", "control", "cip_code", "cip_desc", "credential_level",
         "credential_desc", "completers_count", "earnings_median_1yr", "earnings_median_4yr",
         "earnings_threshold_state", "earnings_threshold_national", "debt_median", "earnings",
         "earnings_horizon", "fails_ep_state", "value_flag", "debt_to_earnings_ratio", "debt_payback_years"],
    )
    unitid = matching(df, "unitid", f"{UNITID}|NA", path, **_H)
    level = one_of(df, "credential_level", [str(k) for k in CREDENTIAL_LEVELS], path, **_H).astype("int64")
    desc = text_column(df, "credential_desc", path, **_H)
    first_bad(desc != level.map(CREDENTIAL_LEVELS), path, "credential_desc",
              lambda i: f"{desc.iloc[i]!r} is not the name of credential level {level.iloc[i]}", **_H)
    cip = matching(df, "cip_code", r"\d{4}", path, **_H)
    e1 = _dollars(df, "earnings_median_1yr", path)
    e4 = _dollars(df, "earnings_median_4yr", path)
    earnings = _dollars(df, "earnings", path)
    horizon_text = df["earnings_horizon"].astype("string").str.strip()
    horizon = one_of(df.assign(earnings_horizon=horizon_text.fillna("")), "earnings_horizon", ["", *HORIZONS],
                     path, **_H)
    horizon = horizon.mask(horizon == "")
    first_bad(earnings.isna() != horizon.isna(), path, "earnings_horizon",
              "a horizon must be given exactly when earnings are", **_H)
    expected = e4.where(e4.notna(), e1)
    first_bad(
        (earnings.fillna(-1) != expected.fillna(-1)), path, "earnings",
        lambda i: f"earnings {earnings.iloc[i]} is not the 4-year ({e4.iloc[i]}) else 1-year ({e1.iloc[i]}) median",
        **_H,
    )
    first_bad(
        earnings.notna() & (horizon != e4.notna().map({True: HORIZONS[0], False: HORIZONS[1]})),
        path, "earnings_horizon", lambda i: f"horizon {horizon.iloc[i]!r} does not match the figure used", **_H,
    )
    fails = df["fails_ep_state"].astype("boolean")
    out = pd.DataFrame(
        {
            "unitid": unitid.mask(unitid == "NA"),
            "opeid6": matching(df, "opeid6", r"\d{6}", path, **_H),
            "institution_name": text_column(df, "inst_name", path, **_H),
            "state_abbr": matching(df, "state", r"[A-Z]{2}", path, allow_blank=True, **_H).replace("", pd.NA),
            "control": one_of(df, "control", CONTROLS, path, **_H),
            "cip4": cip.str[:2] + "." + cip.str[2:],
            "cip_title": text_column(df, "cip_desc", path, **_H),
            "credential_level": level,
            "credential_desc": desc,
            "completers": whole_numbers(df, "completers_count", path, minimum=0, **_H),
            "earnings_1yr": e1,
            "earnings_4yr": e4,
            "earnings": earnings,
            "earnings_horizon": horizon,
            "earnings_threshold_state": _dollars(df, "earnings_threshold_state", path),
            "earnings_threshold_national": _dollars(df, "earnings_threshold_national", path),
            "fails_ep_state": fails,
            "value_flag": one_of(df, "value_flag", VALUE_FLAGS, path, **_H),
            "debt_median": _dollars(df, "debt_median", path),
            "debt_to_earnings_ratio": _dollars(df, "debt_to_earnings_ratio", path),
            "debt_payback_years": _dollars(df, "debt_payback_years", path),
        }
    )
    decided = out.fails_ep_state.notna()
    first_bad(
        decided & (out.fails_ep_state.fillna(False) != (out.earnings < out.earnings_threshold_state)),
        path, "fails_ep_state", "flag disagrees with earnings against the state threshold", **_H,
    )
    flag = out.fails_ep_state.map({True: VALUE_FLAGS[1], False: VALUE_FLAGS[0]}, na_action="ignore")
    first_bad(out.value_flag != flag.fillna(VALUE_FLAGS[2]), path, "value_flag",
              lambda i: f"{out.value_flag.iloc[i]!r} disagrees with fails_ep_state", **_H)
    key = ["unitid", "opeid6", "cip4", "credential_level"]
    require_unique(out, key, path, field="cip_code", **_H)
    return out[FIELD_OF_STUDY_COLUMNS].sort_values(key, kind="stable", na_position="last").reset_index(drop=True)


def read_institutions(path: Path | str) -> pd.DataFrame:
    """unitid, name, city, state_abbr, web_address, enrollment (Int64), earnings thresholds (USD),
    pell_share, first_gen_share, completion_rate (0–1), net_price_avg and net price by family
    income band (USD; may be negative, when grants exceed the cost). 6,273 institutions.
    """
    path = Path(path)
    df = read_parquet_table(
        path,
        ["unitid", "inst_name", "city", "state", "school_url", "enrollment", "earnings_threshold_state",
         "earnings_threshold_national", "pell_share", "first_gen_share", "completion_rate", "net_price_avg",
         "net_price_0_30k", "net_price_30_48k", "net_price_48_75k", "net_price_75_110k", "net_price_110k_plus"],
    )
    out = pd.DataFrame(
        {
            "unitid": matching(df, "unitid", UNITID, path, **_H),
            "name": text_column(df, "inst_name", path, **_H),
            "city": text_column(df, "city", path, **_H),
            "state_abbr": matching(df, "state", r"[A-Z]{2}", path, **_H),
            "web_address": text_column(df, "school_url", path, required=False, **_H),
            "enrollment": whole_numbers(df, "enrollment", path, minimum=0, **_H),
            "earnings_threshold_state": _dollars(df, "earnings_threshold_state", path),
            "earnings_threshold_national": _dollars(df, "earnings_threshold_national", path),
            "pell_share": _share(df, "pell_share", path),
            "first_gen_share": _share(df, "first_gen_share", path),
            "completion_rate": _share(df, "completion_rate", path),
        }
    )
    for col in INSTITUTION_COLUMNS[-6:]:
        out[col] = _dollars(df, col, path, negative=True)
    require_unique(out, ["unitid"], path, **_H)
    return out[INSTITUTION_COLUMNS].sort_values("unitid", kind="stable").reset_index(drop=True)
