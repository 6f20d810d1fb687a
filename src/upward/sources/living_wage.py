"""MIT Living Wage Calculator: the hourly wage a household needs in each county.

The published table labels households in words ('2 Adults (1 Working)', '3 Children'); the
reader turns them into short codes ('2A1W3C') that a profile can name, and keeps the adult,
working-adult and child counts so nothing is lost. The wage is per working adult, per hour,
in dollars of the data year (the December 2022 scrape carries 2021 values).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from upward.sources._checks import first_bad, matching, numeric, one_of, read_csv_text, require_columns, require_unique

#: Published adult label → (adults, working adults, code prefix).
_ADULTS = {
    "1 Adult": (1, 1, "1A"),
    "2 Adults (1 Working)": (2, 1, "2A1W"),
    "2 Adults (Both Working)": (2, 2, "2A2W"),
}
#: Published child label → number of children.
_CHILDREN = {"0 Children": 0, "1 Child": 1, "2 Children": 2, "3 Children": 3}

_ADULT_WORDS = {"1A": "1 adult", "2A1W": "2 adults (1 working)", "2A2W": "2 adults (both working)"}
_CHILD_WORDS = {0: "no children", 1: "1 child", 2: "2 children", 3: "3 children"}

#: Household code → plain label, in the order MIT lists them.
HOUSEHOLDS: dict[str, str] = {
    f"{prefix}{n}C": f"{_ADULT_WORDS[prefix]}, {_CHILD_WORDS[n]}"
    for _, _, prefix in _ADULTS.values()
    for n in _CHILDREN.values()
}

COLUMNS = ["year", "county_fips", "household", "adults", "working_adults", "children", "hourly_wage"]


def read_living_wage(path: Path | str) -> pd.DataFrame:
    """year, county_fips ('01001'), household ('2A1W2C'), adults, working_adults, children, hourly_wage.

    One row per county × household type; a repeated pair fails rather than being averaged.
    """
    path = Path(path)
    df = read_csv_text(path)
    require_columns(df, ["year", "state", "county", "adults", "children", "wage"], path)
    year = matching(df, "year", r"\d{4}", path).astype("int64")
    state = matching(df, "state", r"\d{2}", path)
    county = matching(df, "county", r"\d{3}", path)
    adults = one_of(df, "adults", _ADULTS, path)
    children = one_of(df, "children", _CHILDREN, path).map(_CHILDREN).astype("int64")
    wage = numeric(df, "wage", path, required=True)
    first_bad(wage <= 0, path, "wage", lambda i: f"wage must be positive, got {df['wage'].iloc[i]!r}")
    prefix = adults.map({k: v[2] for k, v in _ADULTS.items()})
    out = pd.DataFrame(
        {
            "year": year,
            "county_fips": (state + county).astype("string"),
            "household": (prefix + children.astype(str) + "C").astype("string"),
            "adults": adults.map({k: v[0] for k, v in _ADULTS.items()}).astype("int64"),
            "working_adults": adults.map({k: v[1] for k, v in _ADULTS.items()}).astype("int64"),
            "children": children,
            "hourly_wage": wage,
        }
    )
    require_unique(out, ["county_fips", "household"], path, field="county")
    return out[COLUMNS].sort_values(["county_fips", "household"], kind="stable").reset_index(drop=True)
