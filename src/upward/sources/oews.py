"""BLS Occupational Employment and Wage Statistics (OEWS), from the SQLite built of the `oe.*` files.

The file keeps BLS's time-series layout: a cell key `OEU` + area type + area (7) + industry (6) +
occupation (6), and the 17 OEWS data types as `v01..v17` with their footnote codes `f01..f17`.
A value BLS does not publish is `-` with a footnote saying why (4: hourly not published,
5: top-coded at the wage cap, 8: not released). We keep the value missing and the footnote,
so a top-coded wage stays a lower bound and is never turned into a number.
"""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import pandas as pd

from upward.errors import SourceFormatError
from upward.sources._checks import require_file

#: The 17 OEWS data types in BLS's order, named as in BLS's all_data files.
MEASURES: tuple[tuple[str, str], ...] = (
    ("01", "tot_emp"),
    ("02", "emp_prse"),
    ("03", "h_mean"),
    ("04", "a_mean"),
    ("05", "mean_prse"),
    ("06", "h_pct10"),
    ("07", "h_pct25"),
    ("08", "h_median"),
    ("09", "h_pct75"),
    ("10", "h_pct90"),
    ("11", "a_pct10"),
    ("12", "a_pct25"),
    ("13", "a_median"),
    ("14", "a_pct75"),
    ("15", "a_pct90"),
    ("16", "jobs_1000"),
    ("17", "loc_quotient"),
)
#: The words BLS uses for each data type; checked against the file's own datatype table.
_DATATYPE_WORDS = {
    "01": "employment", "02": "employment percent relative standard error", "03": "hourly mean",
    "04": "annual mean", "05": "wage percent relative standard error", "06": "hourly 10th",
    "07": "hourly 25th", "08": "hourly median", "09": "hourly 75th", "10": "hourly 90th",
    "11": "annual 10th", "12": "annual 25th", "13": "annual median", "14": "annual 75th",
    "15": "annual 90th", "16": "employment per 1,000", "17": "location quotient",
}
#: Footnote code BLS uses for a wage at or above the published cap.
TOP_CODED = "5"
NOT_PUBLISHED = "-"

_AREA_TYPES = {"N": "national", "S": "state", "M": "metro_or_nonmetro"}
ALL_INDUSTRIES = "000000"


def soc_from_oews(code: str) -> str:
    """'291141' → '29-1141', the convention everywhere else in Upward."""
    return f"{code[:2]}-{code[2:]}"


class OewsRelease:
    """One OEWS release file; opening decompresses it into memory once for all the readers."""

    def __init__(self, path: Path | str):
        self.path = require_file(Path(path))
        try:
            raw = gzip.decompress(self.path.read_bytes()) if self.path.suffix == ".gz" else self.path.read_bytes()
        except (OSError, EOFError) as exc:
            raise SourceFormatError(self.path, f"not a readable gzip file ({exc})") from exc
        self.db = sqlite3.connect(":memory:")
        try:
            self.db.deserialize(raw)
            tables = {r[0] for r in self.db.execute("select name from sqlite_master where type='table'")}
        except sqlite3.DatabaseError as exc:
            raise SourceFormatError(self.path, f"not an OEWS SQLite database ({exc})") from exc
        for table in ("cell", "area", "industry", "occupation", "datatype", "footnote", "meta"):
            if table not in tables:
                raise SourceFormatError(self.path, "missing table", field=table)
        self._require("cell", ["key"] + [f"{p}{c}" for p in "vf" for c, _ in MEASURES])
        self._require("datatype", ["datatype_code", "datatype_name"])
        self._require("footnote", ["footnote_code", "footnote_text"])
        self._require("meta", ["name", "value"])
        self._check_datatypes()
        self._check_keys()

    def _require(self, table: str, columns: list[str]) -> None:
        have = [r[1] for r in self.db.execute(f"pragma table_info('{table}')")]
        for col in columns:
            if col not in have:
                raise SourceFormatError(self.path, f"missing column in table '{table}'", field=f"{table}.{col}")

    def _query(self, table: str, columns: list[str]) -> pd.DataFrame:
        self._require(table, columns)
        rows = self.db.execute(f"select {', '.join(columns)} from {table} order by 1").fetchall()
        return pd.DataFrame(rows, columns=columns, dtype=object)

    def _check_datatypes(self) -> None:
        dt = dict(self.db.execute("select datatype_code, lower(datatype_name) from datatype").fetchall())
        for code, words in _DATATYPE_WORDS.items():
            if code not in dt or not dt[code].startswith(words):
                raise SourceFormatError(
                    self.path, f"data type {code} should be '{words}…', found {dt.get(code)!r}", field="datatype"
                )

    def _check_keys(self) -> None:
        """Every cell key must have BLS's shape, so no cell is silently left out by the filters below."""
        bad = self.db.execute(
            "select key from cell where length(key) <> 23 or key not glob "
            "'OEU[NSM][0-9][0-9][0-9][0-9][0-9][0-9][0-9]??????[0-9][0-9][0-9][0-9][0-9][0-9]' limit 1"
        ).fetchone()
        if bad:
            raise SourceFormatError(self.path, f"malformed cell key {bad[0]!r}", field="cell.key")

    def meta(self) -> dict[str, str]:
        meta = dict(self.db.execute("select name, value from meta").fetchall())
        for key in ("release", "release_code", "data_year"):
            if key not in meta:
                raise SourceFormatError(self.path, "missing release metadata", field=f"meta.{key}")
        return meta

    def areas(self) -> pd.DataFrame:
        """area_code, area_type ('national' | 'state' | 'metro_or_nonmetro' as BLS files it), state_code, area_name."""
        df = self._query("area", ["area_code", "areatype_code", "state_code", "area_name"])
        bad = ~df.area_code.str.fullmatch(r"\d{7}") | ~df.areatype_code.isin(list(_AREA_TYPES))
        if bad.any():
            row = df[bad].iloc[0]
            raise SourceFormatError(self.path, f"malformed area {tuple(row)}", field="area.area_code")
        df["area_type"] = df.pop("areatype_code").map(_AREA_TYPES)
        return df[["area_code", "area_type", "state_code", "area_name"]]

    def occupations(self) -> pd.DataFrame:
        """occ_code ('29-1141'), occ_title, display_level (0 major/total, 1 minor, 2 broad, 3 detailed)."""
        df = self._query("occupation", ["occupation_code", "occupation_name", "display_level"])
        bad = ~df.occupation_code.str.fullmatch(r"\d{6}")
        if bad.any():
            raise SourceFormatError(
                self.path, f"malformed occupation code {df.occupation_code[bad].iloc[0]!r}", field="occupation.occupation_code"
            )
        return pd.DataFrame(
            {
                "occ_code": df.occupation_code.map(soc_from_oews),
                "occ_title": df.occupation_name.str.strip(),
                "display_level": df.display_level.astype("int8"),
            }
        )

    def industries(self) -> pd.DataFrame:
        df = self._query("industry", ["industry_code", "industry_name", "display_level"])
        return pd.DataFrame(
            {
                "industry_code": df.industry_code,
                "industry_title": df.industry_name.str.strip(),
                "display_level": df.display_level.astype("int8"),
            }
        )

    def _footnote_codes(self) -> list[str]:
        return [r[0] for r in self.db.execute("select footnote_code from footnote")]

    def footnotes(self) -> pd.DataFrame:
        df = self._query("footnote", ["footnote_code", "footnote_text"])
        return df.rename(columns={"footnote_text": "text"})

    def _cells(self, where: str) -> pd.DataFrame:
        vcols = ", ".join(f"v{c}" for c, _ in MEASURES)
        fcols = ", ".join(f"f{c}" for c, _ in MEASURES)
        rows = self.db.execute(f"select key, {vcols}, {fcols} from cell where {where} order by key").fetchall()
        names = ["key"] + [f"v{c}" for c, _ in MEASURES] + [f"f{c}" for c, _ in MEASURES]
        df = pd.DataFrame(rows, columns=names, dtype=object)
        parts = df.key.str.extract(r"^OEU([NSM])(\d{7})(.{6})(\d{6})$")
        if parts.isna().any().any():
            raise SourceFormatError(self.path, f"malformed cell key {df.key[parts.isna().any(axis=1)].iloc[0]!r}", field="cell.key")
        out = pd.DataFrame(
            {
                "area_code": parts[1],
                "industry_code": parts[2],
                "occ_code": parts[3].map(soc_from_oews),
            }
        )
        known_notes = set(self._footnote_codes())
        for code, name in MEASURES:
            raw = df[f"v{code}"]
            missing = raw.isna() | (raw == NOT_PUBLISHED)
            text = raw.where(~missing)
            values = pd.to_numeric(text, errors="coerce")
            # OEWS publishes plain non-negative decimals; anything else is a damaged file.
            plain = text.astype("string").str.fullmatch(r"\d+(\.\d+)?").fillna(False).astype(bool)
            bad = ~missing & (values.isna() | ~plain)
            if bad.any():
                key = df.key[bad].iloc[0]
                raise SourceFormatError(
                    self.path, f"cell {key}: expected a number or '-', got {raw[bad].iloc[0]!r}", field=f"cell.v{code} ({name})"
                )
            out[name] = values.astype("float64")
            notes = df[f"f{code}"]
            unknown = notes.notna() & ~notes.isin(known_notes)
            if unknown.any():
                raise SourceFormatError(
                    self.path, f"cell {df.key[unknown].iloc[0]}: unknown footnote {notes[unknown].iloc[0]!r}", field=f"cell.f{code}"
                )
            out[f"{name}_fn"] = notes.astype("string")
        return out

    def cross_industry(self) -> pd.DataFrame:
        """Every area × occupation for all industries: the 17 measures and their footnote codes."""
        df = self._cells(f"substr(key, 12, 6) = '{ALL_INDUSTRIES}'")
        return df.drop(columns="industry_code").reset_index(drop=True)

    def industry_staffing(self) -> pd.DataFrame:
        """National industry × occupation employment: the staffing pattern of each industry."""
        df = self._cells(f"substr(key, 4, 1) = 'N' and substr(key, 12, 6) <> '{ALL_INDUSTRIES}'")
        return df[["industry_code", "occ_code", "tot_emp", "tot_emp_fn", "emp_prse", "a_median", "a_median_fn"]].reset_index(drop=True)
