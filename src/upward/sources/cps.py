"""BLS Current Population Survey annual averages by detailed occupation, keyed to Census codes.

The CPS tables name occupations by their 2018 Census occupation titles, without codes. The
Census Bureau's "2018 Census Occupation Code List" gives each title its Census code and the SOC
2018 code it equals, which may be a detailed SOC code (`11-1011`), a SOC group (`19-1020` broad,
`25-1000` minor) or a residual written with X (`13-20XX`: the codes of 13-20 not listed
elsewhere). `read_census_occupations` turns each into a LIKE pattern; the atlas matches SOC codes
to the most specific pattern (`upward.atlas.dimensions`).

Tables read (sheet as BLS publishes it, numbers in thousands, "–" = not published because the
base is under 50,000, which stays missing):

- 11: employed people by sex, race and Hispanic or Latino ethnicity (percent of the total);
- 11b: employed people by age (counts in 10 age groups, median age);
- 39: median weekly earnings of full-time wage and salary workers, by sex.

Every table row is kept: `row_type` is `total` (the first line), `occupation` (a Census
occupation title, with its `census_code`) or `group` (a summary line such as "Management
occupations"). Each civilian Census occupation must appear exactly once, or the table is not the
release the reader knows. The year is read from the table's own header.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from upward.errors import SourceFormatError
from upward.sources._checks import read_excel_sheet

CENSUS_SHEET = "2018 Census Occ Code List"
CENSUS_COLUMNS = ["census_code", "census_title", "soc_code", "soc_pattern", "soc_level", "title_key"]
SUPPRESSED = ("–", "-", "—")

#: table → (sheet, [(column, words its header must contain)]).
TABLES: dict[str, tuple[str, list[tuple[str, tuple[str, ...]]]]] = {
    "11": ("cpsaat11", [
        ("employed_thousands", ("total", "employed")), ("women_pct", ("women",)), ("white_pct", ("white",)),
        ("black_pct", ("black",)), ("asian_pct", ("asian",)), ("hispanic_pct", ("hispanic",)),
    ]),
    "11b": ("cpsaat11b", [
        ("employed_thousands", ("total",)), ("age_16_19", ("16 to 19",)), ("age_20_24", ("20 to 24",)),
        ("age_25_34", ("25 to 34",)), ("age_35_44", ("35 to 44",)), ("age_45_54", ("45 to 54",)),
        ("age_55_64", ("55 to 64",)), ("age_65_over", ("65 years and over",)), ("median_age", ("median age",)),
    ]),
    "39": ("cpsaat39", [
        ("workers_thousands", ("total", "number")), ("median_weekly", ("total", "median")),
        ("men_workers_thousands", ("men", "number")), ("men_median_weekly", ("men", "median")),
        ("women_workers_thousands", ("women", "number")), ("women_median_weekly", ("women", "median")),
    ]),
}
BASE = ["year", "line", "row_type", "census_code", "title"]


def title_key(title: str) -> str:
    """How a title is compared across the Census list and the CPS tables: case, commas and
    spacing differ between them ("crematory operators, and" / "crematory operators and")."""
    return re.sub(r"\s+", " ", str(title).replace(",", " ")).strip().lower()


def _pattern(soc: str) -> tuple[str, str]:
    """('13-20XX' → '13-20__', 'residual'); a group code's trailing zeros are wildcards
    (SOC detailed codes never end in 0): '19-1020' → '19-102_' broad, '25-1000' → '25-1___' minor."""
    if "X" in soc:
        return soc.replace("X", "_"), "residual"
    if soc.endswith("000"):
        return soc[:4] + "___", "minor"
    if soc.endswith("0"):
        return soc[:6] + "_", "broad"
    return soc, "detailed"


def read_census_occupations(path: Path | str) -> pd.DataFrame:
    """census_code ('0010'), census_title, soc_code as published ('11-1011', '19-1020', '13-20XX'),
    soc_pattern (a LIKE pattern), soc_level (detailed | broad | minor | residual), title_key.

    Only occupation lines with a SOC equivalent: group headings (ending in ':') and the two lines
    Census gives no SOC code ('none': military rank not specified, never-worked unemployed) are left out.
    """
    path = Path(path)
    df = read_excel_sheet(path, CENSUS_SHEET, header=4)
    if df.shape[1] < 4:
        raise SourceFormatError(path, f"sheet {CENSUS_SHEET!r} has fewer than 4 columns", field=CENSUS_SHEET)
    title, code, soc = (df.iloc[:, i] for i in (1, 2, 3))
    header_rows = 5
    rows = []
    for i in range(len(df)):
        t, c, s = title.iloc[i], code.iloc[i], soc.iloc[i]
        if t is None or c is None or s is None or str(t).strip().endswith(":"):
            continue
        c, s, t = str(c).strip(), str(s).strip(), re.sub(r"\s+", " ", str(t)).strip()
        if s.lower() == "none":
            continue
        if not re.fullmatch(r"\d{3,4}", c):
            raise SourceFormatError(path, f"Census code {c!r} is not 3–4 digits", field="2018 Census Code", row=i + 1 + header_rows)
        if not re.fullmatch(r"\d{2}-[\dX]{4}", s):
            raise SourceFormatError(path, f"SOC code {s!r} is not a SOC code or pattern", field="2018 SOC Code", row=i + 1 + header_rows)
        rows.append((c.zfill(4), t, s, *_pattern(s), title_key(t)))
    out = pd.DataFrame(rows, columns=CENSUS_COLUMNS).astype("string")
    for col in ("census_code", "title_key"):
        dup = out[col].duplicated()
        if dup.any():
            raise SourceFormatError(path, f"{col} {out[col][dup].iloc[0]!r} appears twice", field=CENSUS_SHEET)
    if len(out) < 500:
        raise SourceFormatError(path, f"only {len(out)} occupation lines found; the 2018 list has 567", field=CENSUS_SHEET)
    return out.sort_values("census_code", kind="stable").reset_index(drop=True)


def _number(value, path: Path, field: str, row: int) -> float:
    """A cell as a number; a suppression dash is missing; anything else fails naming the cell."""
    if isinstance(value, bool):
        raise SourceFormatError(path, f"expected a number, got {value!r}", field=field, row=row)
    if isinstance(value, (int, float)):
        return float(value)
    text = "" if value is None else str(value).strip()
    if text in SUPPRESSED:
        return float("nan")
    try:
        return float(text.replace(",", ""))
    except ValueError:
        raise SourceFormatError(path, f"expected a number or a dash, got {value!r}", field=field, row=row) from None


def read_table(path: Path | str, table: str, census: pd.DataFrame) -> pd.DataFrame:
    """One CPS table (`'11'`, `'11b'` or `'39'`) as year, line (file row), row_type, census_code,
    title, then the table's columns (`TABLES`) as numbers, suppressed cells missing."""
    path = Path(path)
    sheet, columns = TABLES[table]
    raw = read_excel_sheet(path, sheet, header=0)
    body = [list(raw.columns)] + raw.values.tolist()  # the sheet row by row, row 1 first
    first = [str(r[0]).strip() if r[0] is not None else "" for r in body]
    try:
        head = first.index("Occupation")
    except ValueError:
        raise SourceFormatError(path, f"no 'Occupation' header in sheet {sheet!r}", field="Occupation") from None
    year = str(body[head][1]).strip()
    if not re.fullmatch(r"\d{4}", year):
        raise SourceFormatError(path, f"the year above the columns is {body[head][1]!r}", field="year", row=head + 1)
    start = next((i for i in range(head + 1, len(body)) if first[i] and body[i][1] is not None), None)
    if start is None:
        raise SourceFormatError(path, "no data rows under the header", field="Occupation", row=head + 1)
    width = len(columns)
    headers = [""] * (width + 1)
    for r in range(head + 1, start):  # a header spanning several columns sits on its first one
        carried = ""
        for j in range(1, width + 1):
            cell = body[r][j] if j < len(body[r]) else None
            carried = str(cell) if cell not in (None, "") else carried
            headers[j] += " " + carried
    for j, (name, words) in enumerate(columns, start=1):
        text = re.sub(r"\s+", " ", headers[j].lower()).strip()
        if not all(re.search(rf"\b{re.escape(w)}\b", text) for w in words):
            raise SourceFormatError(path, f"column {j + 1} header {text!r} should name {' '.join(words)!r}", field=name, row=head + 2)
    rows = []
    for i in range(start, len(body)):
        if not first[i] or body[i][1] is None:
            if first[i].upper().startswith("NOTE"):
                break
            continue
        rows.append([i + 1, first[i], *body[i][1 : width + 1]])
    df = pd.DataFrame(rows, columns=["line", "title", *(c for c, _ in columns)], dtype=object)
    keys = df.title.map(title_key)
    by_key = dict(zip(census.title_key, census.census_code))
    df.insert(0, "year", int(year))
    df["census_code"] = keys.map(by_key).astype("string")
    df["row_type"] = "occupation"
    df.loc[df.census_code.isna(), "row_type"] = "group"
    df.loc[0, "row_type"] = "total"
    lines = df.line.to_numpy()
    # a line that is neither a Census title nor a summary line is a title this reader does not know
    unknown = (df.row_type == "group") & ~keys.str.endswith("occupations")
    if unknown.any():
        i = int(unknown.to_numpy().nonzero()[0][0])
        raise SourceFormatError(path, f"{df.title.iloc[i]!r} is not a 2018 Census occupation title", field="Occupation", row=int(lines[i]))
    dup = df.census_code.notna() & df.census_code.duplicated()
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise SourceFormatError(path, f"{df.title.iloc[i]!r} appears twice", field="Occupation", row=int(lines[i]))
    civilian = census[~census.soc_code.str.startswith("55-")]
    missing = sorted(set(civilian.census_code) - set(df.census_code.dropna()))
    if missing:
        title = civilian.set_index("census_code").census_title[missing[0]]
        raise SourceFormatError(path, f"{len(missing)} Census occupation(s) missing, e.g. {title!r} ({missing[0]})", field="Occupation")
    for name, _ in columns:
        df[name] = [_number(v, path, name, int(line)) for v, line in zip(df[name], lines)]
        df[name] = df[name].astype("float64")
        bad = (df[name] < 0) | ((df[name] > 100) if name.endswith("_pct") else False)
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise SourceFormatError(path, f"{df[name].iloc[i]:g} is out of range", field=name, row=int(lines[i]))
    df["title"] = df.title.astype("string")
    df["row_type"] = df.row_type.astype("string")
    df["line"] = df.line.astype("int64")
    return df[BASE + [c for c, _ in columns]].reset_index(drop=True)
