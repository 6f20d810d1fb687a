"""Reader of the O*NET database files: 29.3 as O*NET publishes it, and the 30.x graph export.

O*NET 29.3 comes as tab-separated `.txt` and `.xlsx` tables (header in row 1); O*NET 30 comes
as a graph export (`ONET_things.parquet`, `ONET_relationships.parquet`). From 30 only ratings are
taken: abilities and work activities, because the 29.3 copy here lacks them, and knowledge and
skills, to rate occupations 29.3 does not rate (see GRAPH_PREDICATES).

Conventions of every table returned:

- O*NET-SOC codes stay as published (`11-1011.00`); rolling them up to SOC is `upward.soc`'s job.
- Text columns have the pandas `str` dtype; a blank optional text cell is missing (NaN).
- Numbers are float64 (NaN where blank); codes that are whole numbers are int64 (`Int64` when
  they may be blank); Y/N flags are booleans (`boolean` when they may be blank).
- Rows are sorted by the table's key columns and the index is reset, so output is deterministic.
- A malformed file fails with `SourceFormatError` naming the file, the row and the field. Rows
  of text and Excel files are file rows (header = row 1, first data row = row 2); rows of the
  parquet export are 1-based record numbers (the first record is row 1).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd

from upward.errors import SourceFormatError
from upward.sources._checks import (
    ONET_SOC_CODE,
    first_bad,
    matching,
    numeric,
    read_excel_sheet,
    require_columns,
    require_file,
    require_unique,
    text_column,
    whole_numbers,
)

#: Content-model element ids: `1`, `2.A.1.a`, `4.A.1.a.1`, and IWA/DWA ids below them.
ELEMENT_ID = r"\d+(\.[A-Za-z0-9]+)*"
IWA_ID = r"\d+(\.[A-Za-z0-9]+)*\.I\d+"
DWA_ID = IWA_ID + r"\.D\d+"
SCALE_ID = r"[A-Z]{2,3}"
DATE = r"(0[1-9]|1[0-2])/\d{4}"
COMMODITY_CODE = r"\d{8}"

#: The official title of each rated 29.3 file; its .xlsx sheet is the title cut to 31 characters.
RATED_FILES = {
    "skills": "Skills",
    "knowledge": "Knowledge",
    "work_styles": "Work Styles",
    "interests": "Interests",
    "work_values": "Work Values",
    "education": "Education, Training, and Experience",
}
# Which optional columns each official rated file carries (the others come out NaN / NA).
_STATISTICS = ["N", "Standard Error", "Lower CI Bound", "Upper CI Bound", "Recommend Suppress"]
_RATED_EXTRA = {
    "skills": _STATISTICS + ["Not Relevant"],
    "knowledge": _STATISTICS + ["Not Relevant"],
    "work_styles": _STATISTICS,
    "interests": [],
    "work_values": [],
    "education": ["Category"] + _STATISTICS,
}
_RATED_BASE = ["O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value", "Date", "Domain Source"]

RATED_COLUMNS = [
    "onetsoc_code",
    "domain",
    "element_id",
    "element_name",
    "scale_id",
    "category",
    "value",
    "n",
    "standard_error",
    "lower_ci",
    "upper_ci",
    "recommend_suppress",
    "not_relevant",
    "date",
    "domain_source",
    "onet_release",
]
RATED_KEY = ["onetsoc_code", "domain", "element_id", "scale_id", "category"]

#: O*NET 30 rating predicates → (the domain each becomes, the id prefix of its targets).
#: Abilities, work activities and knowledge are complete (every rated occupation × every
#: element); skills carry only the ten basic skills (2.A). The atlas uses 30's skills and
#: knowledge only where 29.3 has no rating for the occupation.
GRAPH_PREDICATES = {
    "hasAbility": ("abilities", "ability"),
    "hasActivity": ("work_activities", "activity"),
    "hasKnowledge": ("knowledge", "knowledge"),
    "hasSkill": ("skills", "skill"),
}

HEADER_ROWS = 1  # text and Excel files: the header is row 1


# ---------------------------------------------------------------------------------------------
# low-level reading and column conversion


def _read_text(path: Path | str) -> pd.DataFrame:
    """Read an O*NET tab-separated file as text; O*NET quotes fields with quotes Excel-style."""
    path = require_file(Path(path))
    try:
        df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.ParserError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise SourceFormatError(
            path, f"not a tab-separated table ({exc})", row=int(found.group(1)) if found else None
        ) from exc
    except (UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise SourceFormatError(path, f"cannot be read as UTF-8 tab-separated text ({exc})") from exc
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _read_sheet(path: Path | str, sheet: str) -> pd.DataFrame:
    """Read an O*NET workbook sheet as text cells, dropping the empty rows Excel may leave at the end."""
    df = read_excel_sheet(Path(path), sheet)
    filled = df.notna().any(axis=1).to_numpy()
    last = int(filled.nonzero()[0][-1]) + 1 if filled.any() else 0
    return df.iloc[:last].reset_index(drop=True)


def _read_table(path: Path | str, title: str) -> pd.DataFrame:
    """O*NET publishes each table as .txt and .xlsx; read whichever was given."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return _read_sheet(path, title[:31])
    return _read_text(path)


def _text(df: pd.DataFrame, column: str, path: Path, *, required: bool = True) -> pd.Series:
    return text_column(df, column, path, header_rows=HEADER_ROWS, required=required).astype("str")


def _code(df: pd.DataFrame, column: str, pattern: str, path: Path) -> pd.Series:
    return matching(df, column, pattern, path, header_rows=HEADER_ROWS).astype("str")


def _integer(df: pd.DataFrame, column: str, path: Path, *, required: bool = True) -> pd.Series:
    """Whole numbers (`95.0`, an Excel or pandas round trip, is accepted), required unless said."""
    return whole_numbers(df, column, path, header_rows=HEADER_ROWS, required=required)


def _flag(df: pd.DataFrame, column: str, path: Path, *, required: bool = True) -> pd.Series:
    """O*NET's Y/N flags as booleans; blank allowed (as NA) only where O*NET leaves it blank."""
    text = df[column].astype("string").str.strip()
    blank = text.isna() | (text == "")
    ok = text.isin(["Y", "N"]).fillna(False) | (blank & (not required))
    first_bad(~ok, path, column, lambda i: f"expected 'Y' or 'N', got {df[column].iloc[i]!r}", header_rows=HEADER_ROWS)
    flags = pd.Series(
        pd.array([{"Y": True, "N": False}.get(v) if isinstance(v, str) else None for v in text], dtype="boolean"),
        index=df.index,
    )
    return flags.astype(bool) if required else flags


def _finish(out: dict[str, pd.Series], key: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(out)
    return df.sort_values(key, kind="mergesort", na_position="first").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# occupations and ratings


def read_occupations(path: Path | str) -> pd.DataFrame:
    """`Occupation Data.txt` → onetsoc_code, title, description: the occupations every other table rates."""
    path = Path(path)
    df = _read_table(path, "Occupation Data")
    require_columns(df, ["O*NET-SOC Code", "Title", "Description"], path)
    out = {
        "onetsoc_code": _code(df, "O*NET-SOC Code", ONET_SOC_CODE, path),
        "title": _text(df, "Title", path),
        "description": _text(df, "Description", path),
    }
    require_unique(pd.DataFrame(out), ["onetsoc_code"], path, field="O*NET-SOC Code")
    return _finish(out, ["onetsoc_code"])


def read_rated(path: Path | str, domain: str) -> pd.DataFrame:
    """A 29.3 rating file (Skills, Knowledge, Work Styles, Interests, Work Values, ETE) as long rows.

    The files differ in which statistics they carry; the output has them all so domains stack
    into one table, with NaN / NA where the file has no such column.
    """
    if domain not in RATED_FILES:
        raise ValueError(f"unknown O*NET rated domain {domain!r}; expected one of {sorted(RATED_FILES)}")
    path = Path(path)
    df = _read_table(path, RATED_FILES[domain])
    extra = _RATED_EXTRA[domain]
    require_columns(df, _RATED_BASE + extra, path)
    n = len(df)

    def stat(column: str) -> pd.Series:
        if column in extra:
            return numeric(df, column, path, header_rows=HEADER_ROWS)
        return pd.Series([float("nan")] * n, index=df.index, dtype="float64")

    def flag(column: str) -> pd.Series:
        if column in extra:
            return _flag(df, column, path, required=False)
        return pd.Series(pd.array([None] * n, dtype="boolean"), index=df.index)

    if "Category" in extra:
        category = _integer(df, "Category", path, required=False)
    else:
        category = pd.Series(pd.array([None] * n, dtype="Int64"), index=df.index)
    out = {
        "onetsoc_code": _code(df, "O*NET-SOC Code", ONET_SOC_CODE, path),
        "domain": pd.Series([domain] * n, index=df.index, dtype="str"),
        "element_id": _code(df, "Element ID", ELEMENT_ID, path),
        "element_name": _text(df, "Element Name", path),
        "scale_id": _code(df, "Scale ID", SCALE_ID, path),
        "category": category,
        "value": numeric(df, "Data Value", path, header_rows=HEADER_ROWS, required=True),
        "n": stat("N"),
        "standard_error": stat("Standard Error"),
        "lower_ci": stat("Lower CI Bound"),
        "upper_ci": stat("Upper CI Bound"),
        "recommend_suppress": flag("Recommend Suppress"),
        "not_relevant": flag("Not Relevant"),
        "date": _code(df, "Date", DATE, path),
        "domain_source": _text(df, "Domain Source", path),
        "onet_release": pd.Series(["29.3"] * n, index=df.index, dtype="str"),
    }
    require_unique(
        pd.DataFrame(out), ["onetsoc_code", "element_id", "scale_id", "category"], path, field="O*NET-SOC Code"
    )
    return _finish(out, RATED_KEY)


def _read_parquet(path: Path | str, columns: list[str]) -> tuple[Path, pd.DataFrame]:
    path = require_file(Path(path))
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a file that is not parquet
        raise SourceFormatError(path, f"cannot be read as parquet ({exc})") from exc
    require_columns(df, columns, path)
    return path, df.reset_index(drop=True)


def _graph_error(path: Path, pos: int, field: str, reason: str) -> SourceFormatError:
    return SourceFormatError(path, reason, field=field, row=pos + 1)


def _rating(cell: object, path: Path, pos: int) -> tuple[float, float]:
    """The JSON `data` of a rating edge: {"importance": number, "level": number}."""
    try:
        data = json.loads(cell) if isinstance(cell, str) else None
    except json.JSONDecodeError as exc:
        raise _graph_error(path, pos, "data", f"not valid JSON ({exc.msg}): {cell!r}") from exc
    if not isinstance(data, dict):
        raise _graph_error(path, pos, "data", f"expected a JSON object with importance and level, got {cell!r}")
    values = []
    for key in ("importance", "level"):
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise _graph_error(path, pos, "data", f"{key!r} must be a number, got {value!r} in {cell!r}")
        values.append(float(value))
    return values[0], values[1]


def read_graph_ratings(things_path: Path | str, relationships_path: Path | str) -> pd.DataFrame:
    """O*NET 30 ratings (see GRAPH_PREDICATES), importance (IM) and level (LV), in read_rated's columns.

    Edges from an occupation to an IWA or DWA (ids with `.I01`, `.D01`) are not ratings of a
    content-model element and are left out; every element-level edge must carry both numbers.
    """
    things_path, things = _read_parquet(things_path, ["id", "name"])
    rel_path, rel = _read_parquet(relationships_path, ["from", "predicate", "to", "data"])

    ids = things["id"].astype("string")
    dup = ids.duplicated().to_numpy()
    if dup.any():
        pos = int(dup.nonzero()[0][0])
        raise _graph_error(things_path, pos, "id", f"duplicate id {ids.iloc[pos]!r}")
    names = dict(zip(ids, things["name"].astype("string")))

    rows: list[tuple] = []
    predicates = rel["predicate"].astype("string")
    for predicate, (domain, prefix) in GRAPH_PREDICATES.items():
        positions = predicates.eq(predicate).fillna(False).to_numpy(dtype=bool).nonzero()[0]
        sub = rel.iloc[positions]
        origin = sub["from"].astype("string").str.fullmatch("occupation/" + ONET_SOC_CODE).fillna(False)
        target = sub["to"].astype("string").str.fullmatch(prefix + "/" + ELEMENT_ID).fillna(False)
        for mask, field, form in ((origin, "from", "occupation/XX-XXXX.XX"), (target, "to", prefix + "/<element id>")):
            bad = (~mask).to_numpy()
            if bad.any():
                i = int(bad.nonzero()[0][0])
                raise _graph_error(
                    rel_path, int(positions[i]), field,
                    f"{predicate} edge {field} {sub[field].iloc[i]!r} is not of the form {form}",
                )
        element = sub["to"].astype("string").str.slice(len(prefix) + 1)
        keep = ~element.str.fullmatch(IWA_ID + r"(\.D\d+)?").to_numpy(dtype=bool)
        for pos, source, to, elem, cell in zip(
            positions[keep], sub["from"][keep], sub["to"][keep], element[keep], sub["data"][keep]
        ):
            name = names.get(to)
            if name is None or pd.isna(name) or not str(name).strip():
                raise _graph_error(rel_path, int(pos), "to", f"{to!r} has no named entry in {things_path.name}")
            importance, level = _rating(cell, rel_path, int(pos))
            code = source[len("occupation/"):]
            rows.append((int(pos), code, domain, elem, str(name).strip(), "IM", importance))
            rows.append((int(pos), code, domain, elem, str(name).strip(), "LV", level))

    edges = pd.DataFrame(rows, columns=["pos", "onetsoc_code", "domain", "element_id", "element_name", "scale_id", "value"])
    dup = edges.duplicated(["onetsoc_code", "domain", "element_id", "scale_id"]).to_numpy()
    if dup.any():
        first = edges.iloc[int(dup.nonzero()[0][0])]
        raise _graph_error(
            rel_path, int(first["pos"]), "to",
            f"a second rating edge from occupation/{first['onetsoc_code']} to {first['element_id']}",
        )
    n = len(edges)
    nan = pd.Series([float("nan")] * n, dtype="float64")
    na_flag = pd.Series(pd.array([None] * n, dtype="boolean"))
    blank = pd.Series([""] * n, dtype="str")
    out = {
        "onetsoc_code": edges["onetsoc_code"].astype("str"),
        "domain": edges["domain"].astype("str"),
        "element_id": edges["element_id"].astype("str"),
        "element_name": edges["element_name"].astype("str"),
        "scale_id": edges["scale_id"].astype("str"),
        "category": pd.Series(pd.array([None] * n, dtype="Int64")),
        "value": edges["value"].astype("float64"),
        "n": nan,
        "standard_error": nan,
        "lower_ci": nan,
        "upper_ci": nan,
        "recommend_suppress": na_flag,
        "not_relevant": na_flag,
        "date": blank,
        "domain_source": blank,
        "onet_release": pd.Series(["30"] * n, dtype="str"),
    }
    return _finish(out, RATED_KEY)


def read_descriptors(dir29: Path | str, dir30: Path | str) -> pd.DataFrame:
    """Every occupation descriptor rating in one long table: six 29.3 domains and four from 30."""
    dir29, dir30 = Path(dir29), Path(dir30)
    parts = [
        read_rated(dir29 / "Skills.xlsx", "skills"),
        read_rated(dir29 / "Knowledge.xlsx", "knowledge"),
        read_rated(dir29 / "Work Styles.txt", "work_styles"),
        read_rated(dir29 / "Interests.txt", "interests"),
        read_rated(dir29 / "Work Values.txt", "work_values"),
        read_rated(dir29 / "Education, Training, and Experience.xlsx", "education"),
        read_graph_ratings(dir30 / "ONET_things.parquet", dir30 / "ONET_relationships.parquet"),
    ]
    df = pd.concat(parts, ignore_index=True)
    key = [*RATED_KEY, "onet_release"]
    return df.sort_values(key, kind="mergesort", na_position="first").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# job zones, titles, technology, tools and tasks


def read_job_zones(path: Path | str) -> pd.DataFrame:
    """`Job Zones.txt` → onetsoc_code, job_zone, date, domain_source.

    The job zone (1–5) is O*NET's measure of how much preparation an occupation needs, which is
    what tells whether a move between occupations is a step up.
    """
    path = Path(path)
    df = _read_table(path, "Job Zones")
    require_columns(df, ["O*NET-SOC Code", "Job Zone", "Date", "Domain Source"], path)
    out = {
        "onetsoc_code": _code(df, "O*NET-SOC Code", ONET_SOC_CODE, path),
        "job_zone": _integer(df, "Job Zone", path),
        "date": _code(df, "Date", DATE, path),
        "domain_source": _text(df, "Domain Source", path),
    }
    require_unique(pd.DataFrame(out), ["onetsoc_code"], path, field="O*NET-SOC Code")
    return _finish(out, ["onetsoc_code"])


def read_job_zone_reference(path: Path | str) -> pd.DataFrame:
    """`Job Zone Reference.txt`: what each of the five job zones means."""
    path = Path(path)
    df = _read_table(path, "Job Zone Reference")
    text_columns = {
        "Name": "name",
        "Experience": "experience",
        "Education": "education",
        "Job Training": "job_training",
        "Examples": "examples",
        "SVP Range": "svp_range",
    }
    require_columns(df, ["Job Zone", *text_columns], path)
    out = {"job_zone": _integer(df, "Job Zone", path)}
    out.update({name: _text(df, column, path) for column, name in text_columns.items()})
    require_unique(pd.DataFrame(out), ["job_zone"], path, field="Job Zone")
    return _finish(out, ["job_zone"])


def read_alternate_titles(path: Path | str) -> pd.DataFrame:
    """`Alternate Titles.xlsx`; a title can repeat for an occupation with and without a short title."""
    path = Path(path)
    df = _read_table(path, "Alternate Titles")
    require_columns(df, ["O*NET-SOC Code", "Alternate Title", "Short Title", "Source(s)"], path)
    out = {
        "onetsoc_code": _code(df, "O*NET-SOC Code", ONET_SOC_CODE, path),
        "alternate_title": _text(df, "Alternate Title", path),
        "short_title": _text(df, "Short Title", path, required=False),
        "sources": _code(df, "Source(s)", r"\d{2}(,\d{2})*", path),
    }
    return _finish(out, ["onetsoc_code", "alternate_title", "short_title", "sources"])


def read_technology_skills(path: Path | str) -> pd.DataFrame:
    """`Technology Skills.txt`: software examples with UNSPSC commodity and hot / in-demand flags."""
    path = Path(path)
    df = _read_table(path, "Technology Skills")
    require_columns(
        df, ["O*NET-SOC Code", "Example", "Commodity Code", "Commodity Title", "Hot Technology", "In Demand"], path
    )
    out = {
        "onetsoc_code": _code(df, "O*NET-SOC Code", ONET_SOC_CODE, path),
        "example": _text(df, "Example", path),
        "commodity_code": _code(df, "Commodity Code", COMMODITY_CODE, path),
        "commodity_title": _text(df, "Commodity Title", path),
        "hot_technology": _flag(df, "Hot Technology", path),
        "in_demand": _flag(df, "In Demand", path),
    }
    return _finish(out, ["onetsoc_code", "example", "commodity_code"])


def read_tools(path: Path | str) -> pd.DataFrame:
    """`Tools Used.xlsx`: tool examples with their UNSPSC commodity (kept as 8-digit text)."""
    path = Path(path)
    df = _read_table(path, "Tools Used")
    require_columns(df, ["O*NET-SOC Code", "Example", "Commodity Code", "Commodity Title"], path)
    out = {
        "onetsoc_code": _code(df, "O*NET-SOC Code", ONET_SOC_CODE, path),
        "example": _text(df, "Example", path),
        "commodity_code": _code(df, "Commodity Code", COMMODITY_CODE, path),
        "commodity_title": _text(df, "Commodity Title", path),
    }
    return _finish(out, ["onetsoc_code", "example", "commodity_code"])


def read_tasks(path: Path | str) -> pd.DataFrame:
    """`Task Statements.txt`; analyst-written tasks have no type and no incumbent count (left missing)."""
    path = Path(path)
    df = _read_table(path, "Task Statements")
    require_columns(
        df,
        ["O*NET-SOC Code", "Task ID", "Task", "Task Type", "Incumbents Responding", "Date", "Domain Source"],
        path,
    )
    task_type = df["Task Type"].astype("string").str.strip()
    ok = task_type.isin(["Core", "Supplemental"]).fillna(False) | task_type.isna() | (task_type == "")
    first_bad(
        ~ok,
        path,
        "Task Type",
        lambda i: f"expected 'Core', 'Supplemental' or blank, got {task_type.iloc[i]!r}",
        header_rows=HEADER_ROWS,
    )
    out = {
        "onetsoc_code": _code(df, "O*NET-SOC Code", ONET_SOC_CODE, path),
        "task_id": _integer(df, "Task ID", path),
        "task": _text(df, "Task", path),
        "task_type": _text(df, "Task Type", path, required=False),
        "incumbents_responding": numeric(df, "Incumbents Responding", path, header_rows=HEADER_ROWS),
        "date": _code(df, "Date", DATE, path),
        "domain_source": _text(df, "Domain Source", path),
    }
    require_unique(pd.DataFrame(out), ["onetsoc_code", "task_id"], path, field="O*NET-SOC Code")
    return _finish(out, ["onetsoc_code", "task_id"])


def read_task_dwas(path: Path | str) -> pd.DataFrame:
    """`Tasks to DWAs.xlsx`: which detailed work activities each task belongs to."""
    path = Path(path)
    df = _read_table(path, "Tasks to DWAs")
    require_columns(df, ["O*NET-SOC Code", "Task ID", "DWA ID", "Date", "Domain Source"], path)
    out = {
        "onetsoc_code": _code(df, "O*NET-SOC Code", ONET_SOC_CODE, path),
        "task_id": _integer(df, "Task ID", path),
        "dwa_id": _code(df, "DWA ID", DWA_ID, path),
        "date": _code(df, "Date", DATE, path),
        "domain_source": _text(df, "Domain Source", path),
    }
    require_unique(pd.DataFrame(out), ["onetsoc_code", "task_id", "dwa_id"], path, field="O*NET-SOC Code")
    return _finish(out, ["onetsoc_code", "task_id", "dwa_id"])


# ---------------------------------------------------------------------------------------------
# reference tables


def read_dwa_reference(path: Path | str) -> pd.DataFrame:
    """`DWA Reference.txt`: each detailed work activity under its IWA and work-activity element."""
    path = Path(path)
    df = _read_table(path, "DWA Reference")
    require_columns(df, ["Element ID", "IWA ID", "DWA ID", "DWA Title"], path)
    out = {
        "element_id": _code(df, "Element ID", ELEMENT_ID, path),
        "iwa_id": _code(df, "IWA ID", IWA_ID, path),
        "dwa_id": _code(df, "DWA ID", DWA_ID, path),
        "dwa_title": _text(df, "DWA Title", path),
    }
    require_unique(pd.DataFrame(out), ["dwa_id"], path, field="DWA ID")
    return _finish(out, ["element_id", "iwa_id", "dwa_id"])


def read_iwa_reference(path: Path | str) -> pd.DataFrame:
    """`IWA Reference.txt`: each intermediate work activity under its work-activity element."""
    path = Path(path)
    df = _read_table(path, "IWA Reference")
    require_columns(df, ["Element ID", "IWA ID", "IWA Title"], path)
    out = {
        "element_id": _code(df, "Element ID", ELEMENT_ID, path),
        "iwa_id": _code(df, "IWA ID", IWA_ID, path),
        "iwa_title": _text(df, "IWA Title", path),
    }
    require_unique(pd.DataFrame(out), ["iwa_id"], path, field="IWA ID")
    return _finish(out, ["element_id", "iwa_id"])


def read_content_model(path: Path | str) -> pd.DataFrame:
    """`Content Model Reference.txt`: names and definitions of every content-model element."""
    path = Path(path)
    df = _read_table(path, "Content Model Reference")
    require_columns(df, ["Element ID", "Element Name", "Description"], path)
    out = {
        "element_id": _code(df, "Element ID", ELEMENT_ID, path),
        "element_name": _text(df, "Element Name", path),
        "description": _text(df, "Description", path),
    }
    require_unique(pd.DataFrame(out), ["element_id"], path, field="Element ID")
    return _finish(out, ["element_id"])


def read_scales(path: Path | str) -> pd.DataFrame:
    """`Scales Reference.txt`: the range of each rating scale, needed to normalise values."""
    path = Path(path)
    df = _read_table(path, "Scales Reference")
    require_columns(df, ["Scale ID", "Scale Name", "Minimum", "Maximum"], path)
    out = {
        "scale_id": _code(df, "Scale ID", SCALE_ID, path),
        "scale_name": _text(df, "Scale Name", path),
        "minimum": numeric(df, "Minimum", path, header_rows=HEADER_ROWS, required=True),
        "maximum": numeric(df, "Maximum", path, header_rows=HEADER_ROWS, required=True),
    }
    first_bad(out["minimum"] > out["maximum"], path, "Maximum", "maximum is below minimum", header_rows=HEADER_ROWS)
    require_unique(pd.DataFrame(out), ["scale_id"], path, field="Scale ID")
    return _finish(out, ["scale_id"])


def read_level_anchors(path: Path | str) -> pd.DataFrame:
    """`Level Scale Anchors.txt`: example behaviours at points of each level scale."""
    path = Path(path)
    df = _read_table(path, "Level Scale Anchors")
    require_columns(df, ["Element ID", "Element Name", "Scale ID", "Anchor Value", "Anchor Description"], path)
    out = {
        "element_id": _code(df, "Element ID", ELEMENT_ID, path),
        "element_name": _text(df, "Element Name", path),
        "scale_id": _code(df, "Scale ID", SCALE_ID, path),
        "anchor_value": numeric(df, "Anchor Value", path, header_rows=HEADER_ROWS, required=True),
        "anchor_description": _text(df, "Anchor Description", path),
    }
    require_unique(pd.DataFrame(out), ["element_id", "scale_id", "anchor_value"], path, field="Element ID")
    return _finish(out, ["element_id", "scale_id", "anchor_value"])


def read_ete_categories(path: Path | str) -> pd.DataFrame:
    """`Education, Training, and Experience Categories.txt`: what each ETE category number means.

    A few descriptions are blank in the file; they stay missing rather than being guessed.
    """
    path = Path(path)
    df = _read_table(path, "Education, Training, and Experience Categories")
    require_columns(
        df, ["Element ID", "Element Name", "Scale ID", "Scale Name", "Category", "Category Description"], path
    )
    out = {
        "element_id": _code(df, "Element ID", ELEMENT_ID, path),
        "element_name": _text(df, "Element Name", path),
        "scale_id": _code(df, "Scale ID", SCALE_ID, path),
        "scale_name": _text(df, "Scale Name", path),
        "category": _integer(df, "Category", path),
        "category_description": _text(df, "Category Description", path, required=False),
    }
    require_unique(pd.DataFrame(out), ["element_id", "scale_id", "category"], path, field="Element ID")
    return _finish(out, ["element_id", "scale_id", "category"])


#: O*NET's related-occupation tiers, closest first (O*NET 30 "Related Occupations": each
#: occupation lists 20, ranked: 5 Primary-Short, 5 Primary-Long and 10 Supplemental).
RELATED_TIERS = ("Primary-Short", "Primary-Long", "Supplemental")


def read_related_occupations(relationships_path: Path | str) -> pd.DataFrame:
    """O*NET 30 related occupations: onetsoc_code, related_code, tier, rank (O*NET's own order).

    The `relatedTo` edges of the graph export, whose `data` is {"tier": ..., "index": n}. They
    are O*NET analysts' lists of the occupations closest to each one; pathways use them as one
    of the ways two occupations count as the same line of work (docs/pathways.md).
    """
    path, rel = _read_parquet(relationships_path, ["from", "predicate", "to", "data"])
    positions = rel["predicate"].astype("string").eq("relatedTo").fillna(False).to_numpy(dtype=bool).nonzero()[0]
    if len(positions) == 0:
        raise SourceFormatError(path, "no relatedTo edges: not the O*NET 30 relationships export", field="predicate")
    rows = []
    for pos in positions:
        source, target, cell = rel["from"].iloc[pos], rel["to"].iloc[pos], rel["data"].iloc[pos]
        for field, value in (("from", source), ("to", target)):
            if not isinstance(value, str) or not re.fullmatch("occupation/" + ONET_SOC_CODE, value):
                raise _graph_error(path, int(pos), field, f"relatedTo edge {field} {value!r} is not of the form occupation/XX-XXXX.XX")
        try:
            data = json.loads(cell) if isinstance(cell, str) else None
        except json.JSONDecodeError as exc:
            raise _graph_error(path, int(pos), "data", f"not valid JSON ({exc.msg}): {cell!r}") from exc
        tier = data.get("tier") if isinstance(data, dict) else None
        index = data.get("index") if isinstance(data, dict) else None
        if tier not in RELATED_TIERS:
            raise _graph_error(path, int(pos), "data", f"tier must be one of {', '.join(RELATED_TIERS)}, got {tier!r}")
        if isinstance(index, bool) or not isinstance(index, int) or index < 1:
            raise _graph_error(path, int(pos), "data", f"index must be a positive integer, got {index!r}")
        rows.append((source[len("occupation/"):], target[len("occupation/"):], tier, index))
    out = pd.DataFrame(rows, columns=["onetsoc_code", "related_code", "tier", "rank"])
    # The export repeats some edges (an occupation listed twice in one tier): keep the closest.
    out["tier_order"] = out.tier.map({t: i for i, t in enumerate(RELATED_TIERS)})
    out = out[out.onetsoc_code != out.related_code]
    out = out.sort_values(["onetsoc_code", "related_code", "tier_order", "rank"]).drop_duplicates(["onetsoc_code", "related_code"])
    out = out.sort_values(["onetsoc_code", "tier_order", "rank", "related_code"]).drop(columns="tier_order")
    return out.astype({"rank": "int64"}).reset_index(drop=True)
