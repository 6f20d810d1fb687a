"""BLS's OEWS download workbooks: `national_M2024_dl.xlsx`, `state_M…`, `MSA_M…`, `BOS_M…`, `all_data_M_…`.

Every one of them has the same column layout (AREA, AREA_TITLE, AREA_TYPE, PRIM_STATE, NAICS, …,
OCC_CODE, OCC_TITLE, O_GROUP, TOT_EMP, …, A_PCT90, ANNUAL, HOURLY), one row per area × industry ×
ownership × occupation; they differ only in which rows they hold. The reader keeps the
cross-industry rows for all ownerships (NAICS 000000, OWN_CODE 1235) — the estimates the
SQLite release (`oews.py`) holds as industry 000000 — and returns the same tables that reader
does, so a release loaded from BLS's workbooks and the bundled one are interchangeable:

- values BLS publishes as numbers are numbers; what it publishes as a marker stays missing with a
  footnote code, by the same rules as the time-series files: `#` (a wage at or above the cap) →
  footnote 5, so a top-coded wage stays a lower bound and is never turned into a number; `*` in
  an hourly column of an occupation BLS pays annually (ANNUAL = TRUE), or in an annual column of
  one it pays hourly (HOURLY = TRUE) → footnote 4; any other `*` or `**` (not available) →
  footnote 8. The footnote texts are the workbook's own ("Field Descriptions" sheet), so the cap
  `#` stands for is the one BLS stated for that release.
- area codes become Upward's seven digits: the nation `0000000`, a state FIPS + `00000`, a
  metro `00` + CBSA, a nonmetropolitan area as BLS codes it.
- an occupation OEWS aggregated to the broad level appears twice (O_GROUP broad and detailed)
  with the same numbers; it is kept once, as detailed. Two such rows that disagree are an error.

The period comes from the workbook ("May 2024 OEWS Estimates" on the Field Descriptions sheet),
else from BLS's file or sheet name (`…M2024…`). Anything else — a missing column, a value that
is neither a number nor a marker, a code of the wrong shape, a repeated row — fails naming the
file, the sheet, the row and the column, and nothing is returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from upward.errors import SourceFormatError
from upward.sources._checks import require_file, sheet_names, sheet_rows
from upward.sources.oews import MEASURES

#: Cross-industry (all industries) and all ownerships: BLS's codes for the estimates Upward holds.
CROSS_INDUSTRY = "000000"
ALL_OWNERSHIPS = "1235"
#: The most rows a workbook may have (BLS's all-areas file has about 420,000).
MAX_ROWS = 2_000_000
FIELD_DESCRIPTIONS = "Field Descriptions"

_ID_COLUMNS = ("area", "area_title", "area_type", "prim_state", "naics", "own_code", "occ_code", "occ_title", "o_group")
_FLAGS = ("annual", "hourly")
_MEASURE_NAMES = [name for _, name in MEASURES]
#: BLS AREA_TYPE → the area types of the time-series files (oews.py); 3 is a U.S. territory.
_AREA_TYPES = {"1": "national", "2": "state", "3": "state", "4": "metro_or_nonmetro", "6": "metro_or_nonmetro"}
#: O_GROUP → the display level of the time-series files (0 totals and major groups … 3 detailed).
_LEVELS = {"total": 0, "major": 0, "minor": 1, "broad": 2, "detailed": 3}
_WAGES = {n for n in _MEASURE_NAMES if n.startswith(("h_", "a_"))}
_EMPLOYMENT = {"tot_emp", "emp_prse", "jobs_1000", "loc_quotient"}
_NUMBER = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?")
_PERIOD = re.compile(r"May (\d{4}) OEWS Estimates", re.I)
_PERIOD_IN_NAME = re.compile(r"M_?(\d{4})")


@dataclass(frozen=True)
class OewsEstimates:
    """One OEWS release read from BLS's workbooks: the tables `oews.OewsRelease` returns, and its period."""

    year: int
    areas: pd.DataFrame  # area_code, area_type, state_code, area_name
    occupations: pd.DataFrame  # occ_code, occ_title, display_level
    footnotes: pd.DataFrame  # footnote_code, text
    wages: pd.DataFrame  # area_code, occ_code, the 17 measures and their footnote codes

    @property
    def period(self) -> str:
        return f"May {self.year}"


def _header_name(cell) -> str:
    return re.sub(r"\s+", "_", str(cell).strip().lower()) if cell is not None else ""


def _data_sheet(path: Path, names: list[str]) -> str:
    """The sheet holding the estimates: the one whose first row has BLS's column names."""
    for name in names:
        if name in (FIELD_DESCRIPTIONS, "UpdateTime", "Filler"):
            continue
        first = next(iter(sheet_rows(path, name)), ())
        headers = {_header_name(c) for c in first}
        if {"area", "occ_code", "tot_emp"} <= headers:
            return name
    raise SourceFormatError(
        path,
        f"no sheet has BLS's OEWS columns (AREA, OCC_CODE, TOT_EMP …); sheets: {names}",
        field="AREA",
    )


def _field_descriptions(path: Path, names: list[str]) -> tuple[int | None, dict[str, str]]:
    """The release year and BLS's own words for its markers (#, *, **) and the ANNUAL/HOURLY flags."""
    if FIELD_DESCRIPTIONS not in names:
        return None, {}
    year, notes = None, {}
    for row in sheet_rows(path, FIELD_DESCRIPTIONS):
        cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
        if not cells:
            continue
        text = cells[0]
        found = _PERIOD.search(text)
        if found and year is None:
            year = int(found.group(1))
        marker = re.match(r"^(\*\*|\*|#|~)\s*=\s*(.+)$", text)
        if marker:
            notes[marker.group(1)] = marker.group(2).strip()
        elif text.lower() in ("annual", "hourly") and len(cells) > 1:
            notes[text.lower()] = cells[1]
    return year, notes


def _fail(path: Path, sheet: str, row: int | None, column: str | None, reason: str) -> None:
    raise SourceFormatError(path, f"sheet {sheet!r}: {reason}", field=column, row=row)


def read_workbook(path: Path | str, state_fips: dict[str, str] | None = None) -> OewsEstimates:
    """The cross-industry estimates of one BLS OEWS download workbook.

    `state_fips` maps postal abbreviations to FIPS codes for metro areas whose state the workbook
    does not list itself (an MSA-only file); a state file or the all-areas file needs none.
    """
    path = require_file(Path(path))
    names = sheet_names(path)
    sheet = _data_sheet(path, names)
    year, notes = _field_descriptions(path, names)
    if year is None:
        found = _PERIOD_IN_NAME.search(sheet) or _PERIOD_IN_NAME.search(path.name)
        if not found:
            _fail(path, sheet, None, None, "cannot tell which May release this is: no 'May YYYY OEWS Estimates' on a "
                  "'Field Descriptions' sheet and no 'MYYYY' in the file or sheet name")
        year = int(found.group(1))

    rows = sheet_rows(path, sheet)
    header = [_header_name(c) for c in next(rows)]
    position = {name: i for i, name in enumerate(header) if name}
    for col in (*_ID_COLUMNS, *_MEASURE_NAMES):
        if col not in position:
            raise SourceFormatError(path, f"sheet {sheet!r}: missing column; found columns: "
                                    f"{', '.join(h.upper() for h in header if h)}", field=col.upper())
    wanted = [*_ID_COLUMNS, *_MEASURE_NAMES, *(f for f in _FLAGS if f in position)]
    idx = [position[c] for c in wanted]
    naics_at, own_at = position["naics"], position["own_code"]
    kept, file_rows = [], []
    for n, row in enumerate(rows, start=2):
        if n > MAX_ROWS + 1:
            _fail(path, sheet, n, None, f"more than {MAX_ROWS:,} rows: not an OEWS workbook Upward reads")
        if all(c is None for c in row):
            continue
        naics = _code_text(row[naics_at] if naics_at < len(row) else None, 6)
        own = _code_text(row[own_at] if own_at < len(row) else None, 0)
        if naics != CROSS_INDUSTRY or own != ALL_OWNERSHIPS:
            continue
        kept.append(tuple(row[i] if i < len(row) else None for i in idx))
        file_rows.append(n)
    if not kept:
        _fail(path, sheet, None, "NAICS", f"no cross-industry rows for all ownerships (NAICS {CROSS_INDUSTRY}, OWN_CODE {ALL_OWNERSHIPS})")
    raw = pd.DataFrame(kept, columns=wanted, dtype=object)
    rown = np.asarray(file_rows)
    return _tables(path, sheet, year, raw, rown, notes, state_fips or {})


def _code_text(value, width: int) -> str | None:
    """A code cell as text: Excel may store '000000' as the number 0 or '26420' as 26420."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, np.integer)) or (isinstance(value, float) and value.is_integer()):
        return str(int(value)).zfill(width)
    return str(value).strip()


def _tables(path: Path, sheet: str, year: int, raw: pd.DataFrame, rown: np.ndarray, notes: dict, state_fips: dict) -> OewsEstimates:
    def fail_at(mask: np.ndarray, column: str, reason) -> None:
        if mask.any():
            i = int(mask.nonzero()[0][0])
            _fail(path, sheet, int(rown[i]), column.upper(), reason(i) if callable(reason) else reason)

    area_type = raw.area_type.map(lambda v: _code_text(v, 0))
    fail_at(~area_type.isin(list(_AREA_TYPES)).to_numpy(), "area_type",
            lambda i: f"area type {raw.area_type.iloc[i]!r} is not one of BLS's 1, 2, 3, 4, 6")
    code = [_code_text(v, 0) or "" for v in raw.area]
    area_code = np.empty(len(raw), dtype=object)
    for i, (t, c) in enumerate(zip(area_type, code)):
        if t == "1":
            area_code[i] = "0000000" if c in ("99", "0", "00", "0000000") else None
        elif t in ("2", "3"):
            area_code[i] = c.zfill(2) + "00000" if c.isdigit() and len(c) <= 2 else None
        elif t == "4":
            area_code[i] = "00" + c.zfill(5) if c.isdigit() and len(c) <= 5 else (c if c.isdigit() and len(c) == 7 else None)
        else:
            area_code[i] = c.zfill(7) if c.isdigit() and len(c) <= 7 else None
    fail_at(pd.isna(area_code), "area", lambda i: f"area code {raw.area.iloc[i]!r} does not fit area type {area_type.iloc[i]}")

    occ = raw.occ_code.astype("string").str.strip()
    fail_at(~occ.str.fullmatch(r"\d{2}-\d{4}").fillna(False).to_numpy(), "occ_code",
            lambda i: f"occupation code {raw.occ_code.iloc[i]!r} is not a SOC code like 29-1141")
    group = raw.o_group.astype("string").str.strip().str.lower()
    fail_at(~group.isin(list(_LEVELS)).fillna(False).to_numpy(), "o_group",
            lambda i: f"occupation group {raw.o_group.iloc[i]!r} is not one of {', '.join(_LEVELS)}")
    titles = raw.occ_title.astype("string").str.strip()
    fail_at((titles.isna() | (titles == "")).to_numpy(), "occ_title", "blank occupation title")
    area_names = raw.area_title.astype("string").str.strip()
    fail_at((area_names.isna() | (area_names == "")).to_numpy(), "area_title", "blank area name")

    flags = {f: raw[f].map(lambda v: str(v).strip().upper() == "TRUE" if v is not None else False).to_numpy(bool)
             if f in raw.columns else np.zeros(len(raw), bool) for f in _FLAGS}
    out = pd.DataFrame({"area_code": area_code.astype(str), "occ_code": occ.to_numpy(dtype=object)})
    used: set[str] = set()
    for name in _MEASURE_NAMES:
        values, fn = _measure(raw[name], name, flags, lambda mask, reason, name=name: fail_at(mask, name, reason))
        out[name] = values
        out[f"{name}_fn"] = pd.Series(fn, dtype="string")
        used |= {c for c in fn if c is not None}
    out["_level"] = group.map(_LEVELS).to_numpy()
    out["_row"] = rown

    # OEWS aggregates shown twice (broad and detailed) carry the same numbers: keep the detailed row.
    key = ["area_code", "occ_code"]
    dup = out.duplicated(key, keep=False).to_numpy()
    if dup.any():
        measures = [c for c in out.columns if not c.startswith("_")]
        d = out[dup]
        agree = d.groupby(key)[measures].nunique(dropna=False).le(1).all(axis=1)
        if not agree.all():
            bad = agree[~agree].index[0]
            rows_ = d.set_index(key).loc[bad, "_row"].tolist()
            _fail(path, sheet, int(rows_[-1]), "OCC_CODE",
                  f"{bad[1]} in area {bad[0]} appears on rows {', '.join(map(str, rows_))} with different numbers")
        twice = d.groupby(key).size()
        if (twice > 2).any():
            bad = twice[twice > 2].index[0]
            _fail(path, sheet, int(d.set_index(key).loc[bad, "_row"].iloc[-1]), "OCC_CODE", f"{bad[1]} in area {bad[0]} repeats")
        out = out.sort_values([*key, "_level"]).drop_duplicates(key, keep="last")
    levels = out.groupby("occ_code")._level.max()

    states = {**state_fips, **{
        str(p).strip(): str(c)[:2] for p, c, t in zip(raw.prim_state, area_code, area_type) if t in ("2", "3") and p is not None
    }}
    state_code = []
    for c, t, p, n in zip(area_code, area_type, raw.prim_state, rown):
        if t == "1":
            state_code.append("00")
        elif t == "4":
            s = states.get(str(p).strip()) if p is not None else None
            if s is None:
                _fail(path, sheet, int(n), "PRIM_STATE", f"state {p!r} of metro area {c} is neither in the workbook nor a known state")
            state_code.append(s)
        else:
            state_code.append(c[:2])
    areas = (
        pd.DataFrame({"area_code": area_code.astype(str), "area_type": area_type.map(_AREA_TYPES).to_numpy(),
                      "state_code": state_code, "area_name": area_names.to_numpy(dtype=object)})
        .drop_duplicates()
    )
    twice = areas.area_code.duplicated(keep=False)
    if twice.any():
        c = areas.area_code[twice].iloc[0]
        _fail(path, sheet, int(rown[(area_code == c).nonzero()[0][-1]]), "AREA_TITLE", f"area {c} appears under two names or types")
    occupations = (
        pd.DataFrame({"occ_code": occ.to_numpy(dtype=object), "occ_title": titles.to_numpy(dtype=object), "_row": rown})
        .drop_duplicates(["occ_code", "occ_title"])
    )
    renamed = occupations.occ_code.duplicated(keep=False)
    if renamed.any():
        c = occupations.occ_code[renamed].iloc[0]
        _fail(path, sheet, int(occupations[occupations.occ_code == c]._row.iloc[-1]), "OCC_TITLE",
              f"{c} appears under two titles: {', '.join(repr(t) for t in occupations[occupations.occ_code == c].occ_title)}")
    occupations = occupations.drop(columns="_row").assign(display_level=lambda d: d.occ_code.map(levels).astype("int8"))

    wages = out.drop(columns=["_level", "_row"]).sort_values(["area_code", "occ_code"]).reset_index(drop=True)
    wages["area_code"] = wages.area_code.astype("string")
    wages["occ_code"] = wages.occ_code.astype("string")
    return OewsEstimates(
        year,
        areas.sort_values("area_code").reset_index(drop=True).astype({c: "string" for c in ("area_code", "area_type", "state_code", "area_name")}),
        occupations.sort_values("occ_code").reset_index(drop=True).astype({"occ_code": "string", "occ_title": "string"}),
        _footnotes(path, sheet, used, notes),
        wages,
    )


def _measure(cells: pd.Series, name: str, flags: dict, fail) -> tuple[np.ndarray, list]:
    """One measure column: numbers, and BLS's markers as missing values with footnote codes."""
    values = np.full(len(cells), np.nan)
    fn: list = [None] * len(cells)
    for i, v in enumerate(cells.to_numpy()):
        if v is None:
            continue
        if isinstance(v, bool):
            fail(np.arange(len(cells)) == i, f"expected a number or a BLS marker, got {v!r}")
        if isinstance(v, (int, float, np.integer, np.floating)):
            if not np.isfinite(v) or v < 0:
                fail(np.arange(len(cells)) == i, f"expected a non-negative number, got {v!r}")
            values[i] = float(v)
            continue
        text = str(v).strip()
        if text == "":
            continue
        if _NUMBER.fullmatch(text):
            values[i] = float(text.replace(",", ""))
        elif text == "#" and name in _WAGES and not name.endswith("prse"):
            fn[i] = "5"
        elif text == "*" and name.startswith("h_") and flags["annual"][i]:
            fn[i] = "4"
        elif text == "*" and name.startswith("a_") and flags["hourly"][i]:
            fn[i] = "4"
        elif text == "*" and (name in _WAGES or name == "mean_prse"):
            fn[i] = "8"
        elif text == "**" and name in _EMPLOYMENT:
            fn[i] = "8"
        else:
            fail(np.arange(len(cells)) == i, f"expected a number or one of BLS's markers (# * **), got {v!r}")
    return values, fn


def _footnotes(path: Path, sheet: str, used: set[str], notes: dict) -> pd.DataFrame:
    """The footnotes this release uses, in BLS's words from the workbook."""
    texts = {}
    if "5" in used or "#" in notes:  # the cap is kept whenever BLS states it: it is what a top-coded wage means
        if "#" not in notes:
            _fail(path, sheet, None, FIELD_DESCRIPTIONS,
                  "the estimates use '#' (a wage at or above BLS's cap) but the workbook's 'Field Descriptions' sheet, "
                  "which states the cap, is missing; use the workbook as BLS publishes it")
        texts["5"] = "This wage is " + re.sub(r"^indicates (that )?(a wage )?(is )?", "", notes["#"]).rstrip(". ") + "."
    if "4" in used:
        texts["4"] = " ".join(notes[f] for f in _FLAGS if f in notes) or (
            "Wages for some occupations are released only as annual or only as hourly figures (ANNUAL or HOURLY = TRUE).")
    if "8" in used:
        texts["8"] = "; ".join(f"{m} = {notes[m]}" for m in ("*", "**") if m in notes) or "Estimate not available (* or **)."
    return pd.DataFrame(sorted(texts.items()), columns=["footnote_code", "text"]).astype("string")
