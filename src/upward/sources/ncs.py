"""BLS National Compensation Survey, employee benefits: who has access to medical care, paid sick
leave and retirement plans, by occupational group, industry and wage category.

NCS publishes benefits for groups of workers, never for a detailed occupation, so every figure
read here is a group's access rate (percent of workers offered the benefit, March reference
month). The readers keep each table as published; `upward.atlas.dimensions` assigns each
occupation its group, its industries and its wage category. A blank cell is a rate BLS did not
publish for that group and stays missing.

- `ncs_medical_care_by_occupation_march2025.csv`: medical care access, participation and take-up
  by occupational group (civilian, private, state and local government), March 2025.
- `ncs_paid_sick_leave_access_by_industry_2010_2025.csv`: paid sick leave access by industry and
  ownership, 2010–2025. Only the `private` and `public` rows are kept: the republisher gap-filled
  the `all` rows (see PROVENANCE).
- `ncs_paid_leave_by_wage_category_private_2022.csv`: paid sick leave, vacations and holidays by
  wage category, private industry, March 2022.
- `ncs_access_by_wage_group_civilian_march2023.csv`: retirement, medical care and life insurance
  by wage group, civilian workers, March 2023.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from upward.sources._checks import first_bad, matching, numeric, one_of, read_csv_text, require_columns, require_unique, text_column

#: NCS wage categories, lowest first: percentiles of the survey's own wage distribution.
WAGE_CATEGORIES = (
    "All workers", "Lowest 10 percent", "Lowest 25 percent", "Second 25 percent", "Third 25 percent", "Highest 25 percent", "Highest 10 percent",
)
OWNERSHIPS = ("civilian", "private", "statelocal")
MEDICAL_COLUMNS = ["occupational_group", "ownership", "access_pct", "participation_pct", "takeup_pct"]
SICK_LEAVE_COLUMNS = ["year", "ownership", "industry_code", "industry", "sick_leave_access_pct"]
WAGE_COLUMNS = ["wage_category", "benefit", "ownership", "reference", "access_pct", "participation_pct", "takeup_pct"]


def _rate(df: pd.DataFrame, column: str, path: Path) -> pd.Series:
    values = numeric(df, column, path)
    first_bad((values < 0) | (values > 100), path, column, lambda i: f"a rate must be a percent from 0 to 100, got {df[column].iloc[i]!r}")
    return values


def read_medical_by_occupation(path: Path | str) -> pd.DataFrame:
    """occupational_group, ownership (civilian | private | statelocal), access_pct,
    participation_pct, takeup_pct: one row per published group × ownership (blank groups dropped)."""
    path = Path(path)
    df = read_csv_text(path)
    cols = [f"{o}_{m}" for o in OWNERSHIPS for m in ("access", "participation", "takeup")]
    require_columns(df, ["characteristic", *cols], path)
    group = text_column(df, "characteristic", path)
    rates = {c: _rate(df, c, path) for c in cols}
    first_bad(group != group.str.strip(), path, "characteristic", "title has stray spaces")
    require_unique(pd.DataFrame({"g": group}), ["g"], path, field="characteristic")
    rows = []
    for i in range(len(df)):
        for o in OWNERSHIPS:
            vals = [rates[f"{o}_{m}"].iloc[i] for m in ("access", "participation", "takeup")]
            if all(pd.isna(v) for v in vals):
                continue
            rows.append((group.iloc[i], o, *vals))
    out = pd.DataFrame(rows, columns=MEDICAL_COLUMNS)
    out["occupational_group"] = out.occupational_group.astype("string")
    out["ownership"] = out.ownership.astype("string")
    return out


def read_sick_leave_by_industry(path: Path | str) -> pd.DataFrame:
    """year, ownership (private | public), industry_code (BLS's six-character NCS industry code,
    e.g. 230000, 540A00), industry, sick_leave_access_pct."""
    path = Path(path)
    df = read_csv_text(path)
    require_columns(df, ["year", "ownership_type", "bls_industry_code", "industry", "paid_sick_leave_access_pct"], path)
    one_of(df, "ownership_type", ("all", "private", "public"), path)
    out = pd.DataFrame(
        {
            "year": matching(df, "year", r"\d{4}", path).astype("int64"),
            "ownership": df.ownership_type.astype("string").str.strip(),
            "industry_code": matching(df, "bls_industry_code", r"[0-9A-Z]{6}", path),
            "industry": text_column(df, "industry", path),
            "sick_leave_access_pct": _rate(df, "paid_sick_leave_access_pct", path),
        }
    )
    out = out[out.ownership != "all"]
    require_unique(out, ["year", "ownership", "industry_code"], path, field="bls_industry_code")
    first_bad(out.sick_leave_access_pct.isna(), path, "paid_sick_leave_access_pct", "blank rate")
    return out[SICK_LEAVE_COLUMNS].sort_values(["year", "ownership", "industry_code"], kind="stable").reset_index(drop=True)


def _wage_table(path: Path, category_column: str, specs: list[tuple[str, str, str | None, str | None]], ownership: str, reference: str) -> pd.DataFrame:
    df = read_csv_text(path)
    require_columns(df, [category_column, *(c for spec in specs for c in spec[1:] if c)], path)
    category = one_of(df, category_column, WAGE_CATEGORIES, path)
    require_unique(pd.DataFrame({"c": category}), ["c"], path, field=category_column)
    parts = []
    for benefit, access, participation, takeup in specs:
        parts.append(
            pd.DataFrame(
                {
                    "wage_category": category,
                    "benefit": benefit,
                    "ownership": ownership,
                    "reference": reference,
                    "access_pct": _rate(df, access, path),
                    "participation_pct": _rate(df, participation, path) if participation else float("nan"),
                    "takeup_pct": _rate(df, takeup, path) if takeup else float("nan"),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def read_wage_category_tables(civilian_2023: Path | str, private_2022: Path | str) -> pd.DataFrame:
    """wage_category, benefit, ownership, reference (the March the survey refers to), access_pct,
    participation_pct, takeup_pct: both wage tables in one long table.

    Civilian workers, March 2023: retirement, medical care, life insurance. Private industry,
    March 2022: paid sick leave, paid vacations, paid holidays (access only).
    """
    civ = _wage_table(
        Path(civilian_2023), "wage_group",
        [(b, f"{b}_access", f"{b}_participation", f"{b}_takeup") for b in ("retirement", "medical", "life_insurance")],
        "civilian", "March 2023",
    )
    civ["benefit"] = civ.benefit.replace({"medical": "medical_care"})
    priv = _wage_table(
        Path(private_2022), "wage_category",
        [(b, f"paid_{b}_access_pct", None, None) for b in ("sick_leave", "vacation", "holidays")],
        "private", "March 2022",
    )
    priv["benefit"] = "paid_" + priv.benefit
    out = pd.concat([civ, priv], ignore_index=True)
    for c in ("wage_category", "benefit", "ownership", "reference"):
        out[c] = out[c].astype("string")
    order = {c: i for i, c in enumerate(WAGE_CATEGORIES)}
    out["_o"] = out.wage_category.map(order)
    return out.sort_values(["benefit", "_o"], kind="stable").drop(columns="_o")[WAGE_COLUMNS].reset_index(drop=True)


#: NCS occupational groups as SOC 2018 LIKE patterns, most specific first. NCS classifies jobs by
#: SOC and publishes the standard BLS aggregates of SOC major groups (the same ones the CPS
#: tables use): management, business and financial = 11–13; professional and related = 15–29;
#: service = 31–39; sales = 41, office = 43; construction, extraction, farming = 45–47;
#: installation, maintenance and repair = 49; production = 51; transportation = 53; and three
#: detailed rows — registered nurses (29-1141), primary, secondary and special education school
#: teachers (elementary and middle 25-2020, secondary 25-2030, special education 25-2050) and
#: teachers (postsecondary 25-1000, preschool to secondary 25-2000, other 25-3000).
def _majors(*majors: int) -> tuple[str, ...]:
    return tuple(f"{m}-____" for m in majors)


OCCUPATIONAL_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Registered nurses", ("29-1141",)),
    ("Primary, secondary, and special education school teachers", ("25-202_", "25-203_", "25-205_")),
    ("Teachers", ("25-1___", "25-2___", "25-3___")),
    ("Protective service occupations", _majors(33)),
    ("Sales and related occupations", _majors(41)),
    ("Office and administrative support occupations", _majors(43)),
    ("Construction, extraction, farming, fishing, and forestry occupations", _majors(45, 47)),
    ("Installation, maintenance, and repair occupations", _majors(49)),
    ("Production occupations", _majors(51)),
    ("Transportation and material moving occupations", _majors(53)),
    ("Management, business, and financial occupations", _majors(11, 13)),
    ("Professional and related occupations", _majors(15, 17, 19, 21, 23, 25, 27, 29)),
    ("Service occupations", _majors(31, 33, 35, 37, 39)),
    ("Sales and office occupations", _majors(41, 43)),
    ("Natural resources, construction, and maintenance occupations", _majors(45, 47, 49)),
    ("Production, transportation, and material moving occupations", _majors(51, 53)),
    ("Management, professional, and related occupations", _majors(11, 13, 15, 17, 19, 21, 23, 25, 27, 29)),
    ("All workers", ("__-____",)),
)

#: OEWS industry sectors (the first NAICS digits of the sector code) → the NCS private-industry
#: series that covers them, most specific first: the sector's own series, then its BLS
#: supersector (trade, transportation and utilities; financial activities; professional and
#: business services; education and health services; leisure and hospitality), then goods-
#: producing or service-providing. The first series published for the year is used.
SECTOR_SERIES: dict[str, tuple[str, ...]] = {
    "11": ("G00000",),  # agriculture, forestry, fishing and hunting (NCS excludes farms)
    "21": ("G00000",),  # mining, quarrying, oil and gas extraction
    "22": ("220000", "400000", "S00000"),
    "23": ("230000", "G00000"),
    "31": ("300000", "G00000"),
    "42": ("420000", "400000", "S00000"),
    "44": ("412000", "400000", "S00000"),
    "48": ("430000", "400000", "S00000"),
    "51": ("510000", "S00000"),
    "52": ("520000", "520A00", "S00000"),
    "53": ("530000", "520A00", "S00000"),
    "54": ("540000", "540A00", "S00000"),
    "55": ("540A00", "S00000"),
    "56": ("560000", "540A00", "S00000"),
    "61": ("610000", "600000", "S00000"),
    "62": ("620000", "600000", "S00000"),
    "71": ("700000", "S00000"),
    "72": ("720000", "700000", "S00000"),
    "81": ("810000", "S00000"),
}
#: State and local government (OEWS designations 999201 and 999301) take NCS's state and local
#: government all-industries rate; NCS does not survey federal workers, so federal employment
#: has no figure.
PUBLIC_SERIES = "000000"
#: Wage quartiles: the occupation's national median wage against the OEWS all-occupation
#: percentiles places it in one of NCS's four quartile categories.
QUARTILES = ("Lowest 25 percent", "Second 25 percent", "Third 25 percent", "Highest 25 percent")
