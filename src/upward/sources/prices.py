"""BEA Regional Price Parities: how expensive a place is relative to the US (all items, US = 100).

Two tables in one layout: MARPP by metropolitan area (plus the US nonmetropolitan portion) and
PARPP by the metropolitan and nonmetropolitan portion of each state. Each row is one area and
one price category with a column per year; the reader turns that into one row per area ×
category × year. BEA closes each file with four note lines; their absence means the file was
cut or edited, so the reader checks them before trusting the last data row.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from upward.errors import SourceFormatError
from upward.sources._checks import first_bad, matching, numeric, require_columns, require_file, require_unique

#: Published description (stripped) → item, with the line code BEA gives it.
ITEMS = {
    "RPPs: All items": ("all_items", 1),
    "RPPs: Goods": ("goods", 2),
    "RPPs: Services: Housing": ("housing", 3),
    "RPPs: Services: Utilities": ("utilities", 4),
    "RPPs: Services: Other": ("other_services", 5),
}
TABLES = ("MARPP", "PARPP")
#: BEA's marker for a value it does not publish (e.g. a metro area before it was delineated).
NOT_AVAILABLE = "(NA)"
#: What BEA writes for a state portion that does not exist (see read_rpp); read as missing.
NO_SUCH_AREA = 0.0

COLUMNS = ["geo_fips", "geo_name", "table", "line_code", "item", "year", "rpp"]

_FOOTER = (
    re.compile(r'^"?Note: See the included footnote file\."?$'),
    re.compile(r'^"?(MARPP|PARPP): Regional price parities by .+"?$'),
    re.compile(r'^"?Last updated: .+"?$'),
    re.compile(r'^"?U\.S\. Bureau of Economic Analysis"?$'),
)
_FIXED = ["GeoFIPS", "GeoName", "Region", "TableName", "LineCode", "IndustryClassification", "Description", "Unit"]


def _split_footer(path: Path) -> tuple[str, str]:
    """The data lines and the table name BEA's footer gives; fails if the footer is not BEA's."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    lines = text.rstrip("\r\n").splitlines()
    footer = [line.strip() for line in lines[-len(_FOOTER):]]
    if len(lines) < len(_FOOTER) + 2 or not all(p.match(f) for p, f in zip(_FOOTER, footer)):
        raise SourceFormatError(
            path,
            "the last four lines are not BEA's closing notes ('Note: See the included footnote file.' … "
            "'U.S. Bureau of Economic Analysis'); the file looks cut or edited",
            row=max(len(lines) - len(_FOOTER) + 1, 1),
        )
    table = _FOOTER[1].match(footer[1]).group(1)
    return "\n".join(lines[: -len(_FOOTER)]) + "\n", table


def read_rpp(path: Path | str) -> pd.DataFrame:
    """geo_fips ('26420'), geo_name (as published, '*' kept), table, line_code, item, year, rpp.

    One row per area × item × year. rpp is an index: all items is 100 for the US; BEA's US
    components are not exactly 100 (goods 99.583 in 2015), so compare a component to the US
    row, not to 100.

    Two kinds of cell are missing (NaN). BEA's "(NA)" marks a value it does not publish (an area
    before it was delineated). BEA also writes 0.000 for a state portion that does not exist
    (Delaware, New Jersey, Rhode Island and DC have no nonmetropolitan portion, e.g. 10999): a
    parity of 0 would be a place where everything is free, so it is not a price level, and
    keeping it as a number would drag any average or ranking of places toward zero.
    """
    path = require_file(Path(path))
    body, footer_table = _split_footer(path)
    try:
        df = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceFormatError(path, f"cannot be parsed as CSV ({exc})") from exc
    require_columns(df, _FIXED, path)
    years = [c for c in df.columns if c not in _FIXED]
    bad_year = [c for c in years if not re.fullmatch(r"\d{4}", str(c))]
    if not years or bad_year:
        field = str(bad_year[0]) if bad_year else "years"
        raise SourceFormatError(path, "expected one column per year after 'Unit'", field=field)
    if df.empty:
        raise SourceFormatError(path, "no data rows")

    fips = df["GeoFIPS"].str.strip().str.strip('"').str.strip()
    geo_fips = matching(df.assign(GeoFIPS=fips), "GeoFIPS", r"\d{5}", path)
    table = df["TableName"].str.strip()
    description = df["Description"].str.strip()
    first_bad(table != footer_table, path, "TableName", lambda i: f"table {table[i]!r} in a {footer_table} file")
    first_bad(
        ~description.isin(list(ITEMS)), path, "Description", lambda i: f"unknown description {df['Description'][i]!r}"
    )
    line_code = matching(df, "LineCode", r"\d+", path).astype("int64")
    expected = description.map({k: v[1] for k, v in ITEMS.items()})
    first_bad(
        line_code != expected, path, "LineCode", lambda i: f"line code {line_code[i]} does not go with {description[i]!r}"
    )
    first_bad(df["Unit"].str.strip() != "Index", path, "Unit", lambda i: f"unit {df['Unit'][i]!r}, expected 'Index'")

    wide = pd.DataFrame(
        {
            "geo_fips": geo_fips,
            "geo_name": df["GeoName"].astype("string").str.strip(),
            "table": table.astype("string"),
            "line_code": line_code,
            "item": description.map({k: v[0] for k, v in ITEMS.items()}).astype("string"),
        }
    )
    require_unique(wide, ["geo_fips", "line_code"], path, field="GeoFIPS")
    for year in years:
        first_bad(df[year].str.strip() == "", path, year, "empty value; BEA writes (NA)")
        values = numeric(df, year, path, allow=[NOT_AVAILABLE])
        wide[year] = values.mask(values == NO_SUCH_AREA)
    long = wide.melt(id_vars=COLUMNS[:5], value_vars=years, var_name="year", value_name="rpp")
    long["year"] = long["year"].astype("int64")
    long["rpp"] = long["rpp"].astype("float64")
    return long[COLUMNS].sort_values(["geo_fips", "line_code", "year"], kind="stable").reset_index(drop=True)
