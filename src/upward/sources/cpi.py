"""BLS Consumer Price Index for All Urban Consumers (CPI-U), all items, annual averages, by CPI area.

MIT's living wages are household budgets priced in 2021; OEWS wages are for the May of their
release year. CPI-U annual averages bring a 2021 budget to the wage year's prices (the ratio of
the two annual averages). The file holds one row per BLS series and year; the series id carries
the CPI area code (`CUUR` + area + `SA0`: not seasonally adjusted, all items), and the area code
says what kind of area it is:

- `0000` the U.S. city average; `0100` … `0400` the four Census regions; `0110` … `0490` the
  nine Census divisions (published since December 2017);
- `S` + region digit + division digit + letter: a metropolitan area (`S23A` Chicago, in the East
  North Central division `0230`); `S49F` Urban Hawaii and `S49G` Urban Alaska are the urban parts
  of a state;
- `N…`, `S…00`, `D…`: population-size classes; `A…`: metropolitan areas BLS stopped publishing
  in 2017 (they have no recent years and so are never chosen).

`CENSUS_DIVISIONS` is the Census Bureau's grouping of the states into the nine divisions the CPI
publishes ("Census Regions and Divisions of the United States"); BLS's own metro codes encode the
division of each metro, and tests/test_living_wage.py checks the two agree for every published
metro's principal state.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from upward.sources._checks import first_bad, matching, numeric, read_csv_text, require_columns, require_unique, text_column

COLUMNS = ["series_id", "cpi_area_code", "cpi_area_name", "year", "cpi"]

#: CPI division code → (name, the states and DC in it).
CENSUS_DIVISIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "0110": ("New England", ("CT", "MA", "ME", "NH", "RI", "VT")),
    "0120": ("Middle Atlantic", ("NJ", "NY", "PA")),
    "0230": ("East North Central", ("IL", "IN", "MI", "OH", "WI")),
    "0240": ("West North Central", ("IA", "KS", "MN", "MO", "ND", "NE", "SD")),
    "0350": ("South Atlantic", ("DC", "DE", "FL", "GA", "MD", "NC", "SC", "VA", "WV")),
    "0360": ("East South Central", ("AL", "KY", "MS", "TN")),
    "0370": ("West South Central", ("AR", "LA", "OK", "TX")),
    "0480": ("Mountain", ("AZ", "CO", "ID", "MT", "NM", "NV", "UT", "WY")),
    "0490": ("Pacific", ("AK", "CA", "HI", "OR", "WA")),
}
US_CITY_AVERAGE = "0000"


def kind_of(area_code: str, area_name: str) -> str:
    """What a CPI area stands for: national, region, division, metro, state_urban or size_class."""
    if area_code == US_CITY_AVERAGE:
        return "national"
    if area_code in CENSUS_DIVISIONS:
        return "division"
    if re.fullmatch(r"0\d00", area_code):
        return "region"
    if re.fullmatch(r"S\d\d[A-Z]|A\d{3}", area_code):
        return "state_urban" if area_name.startswith("Urban ") else "metro"
    return "size_class"


def division_of(metro_code: str) -> str:
    """The Census division BLS files a metro under, from its code: S23A → 0230."""
    return f"0{metro_code[1:3]}0"


def read_cpi_annual(path: Path | str) -> pd.DataFrame:
    """series_id ('CUURS23ASA0'), cpi_area_code ('S23A'), cpi_area_name (as published), year, cpi.

    One row per series × year; only CPI-U all-items not-seasonally-adjusted series (`CUUR…SA0`)
    are accepted, so another index cannot pass for the price level. A repeated series-year fails.
    """
    path = Path(path)
    df = read_csv_text(path)
    require_columns(df, ["series_id", "area_name", "year", "annual_avg"], path)
    series = matching(df, "series_id", r"CUUR[0-9A-Z]{4}SA0", path)
    year = matching(df, "year", r"\d{4}", path).astype("int64")
    cpi = numeric(df, "annual_avg", path, required=True)
    first_bad(cpi <= 0, path, "annual_avg", lambda i: f"an index must be positive, got {df['annual_avg'].iloc[i]!r}")
    out = pd.DataFrame(
        {
            "series_id": series,
            "cpi_area_code": series.str[4:8],
            "cpi_area_name": text_column(df, "area_name", path),
            "year": year,
            "cpi": cpi,
        }
    )
    require_unique(out, ["series_id", "year"], path)
    names = out.groupby("series_id").cpi_area_name.transform("first")
    first_bad(out.cpi_area_name != names, path, "area_name", "one series with two area names")
    return out[COLUMNS].sort_values(["series_id", "year"], kind="stable").reset_index(drop=True)
