"""Employer rating sheets for skill benchmarks: export a sheet, import it back, read the ratings.

The sheet (`export`) lists an occupation's benchmark for one region, one row per element, with
O*NET's importance and level and the level in O*NET's words; an employer fills `rating`
(agree / raise / lower / add / remove), `proposed_level` (0–7, for raise, lower and add),
`rater`, `organisation` and, if they like, `comment`. CSV is a plain table (header in row 1);
an .xlsx workbook also carries an "Instructions" sheet and an "Other elements" sheet listing the
elements that could be added. The columns and rules are in docs/skills.md.

`import_ratings` checks every row before writing anything. Any bad row rejects the whole file
with `RatingSheetError` (a `SourceFormatError`): file, 1-based row — the header is row 1, so
the first rating is row 2 — and field of the first problem, and every other problem listed. A
good file is appended to the hub in one transaction (the hub's schema is upgraded to version 3
in that transaction when needed) with who imported it and when; earlier ratings are never
changed (see upward.analysis.skills for how the latest rating of each rater counts).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from upward import codes as code_rules
from upward import csvout, sheets
from upward import text as upward_text
from upward.analysis import skills
from upward.errors import ConflictError, SourceFormatError, UpwardError
from upward.files import FileAppeared, write_atomically
from upward.hub import coded_titles
from upward.hub import data as hub_data
from upward.hub._db import has_table, open_hub, upgrade
from upward.hub._db import path as hub_file
from upward.hub.validate import Problem

#: The sheet's columns, in order. Only READ_COLUMNS are read back; the rest inform the rater.
COLUMNS = (
    "soc", "occupation", "area_code", "area_name", "domain", "element_id", "element_name",
    "onet_importance", "onet_level", "level_meaning", "region_level", "region_status",
    "rating", "proposed_level", "rater", "organisation", "comment",
)  # fmt: skip
READ_COLUMNS = ("soc", "area_code", "domain", "element_id", "element_name", "rating", "proposed_level", "rater", "organisation", "comment")
REQUIRED = ("soc", "area_code", "domain", "element_id", "element_name", "rating", "proposed_level", "rater", "organisation")
ALIASES = {"organization": "organisation", "soc_code": "soc", "occ_code": "soc", "job_title": "soc", "area": "area_code", "element": "element_name"}
SUFFIXES = (".csv", ".xlsx")
HEADER_ROW = 1
_HINT = "The sheet's columns and rules are in docs/skills.md; export a fresh sheet with: upward benchmark SOC --region AREA --export FILE"

INSTRUCTIONS = (
    "How to rate this benchmark",
    "",
    "Each row of the Ratings sheet is one skill or knowledge area that O*NET (the U.S. Department of Labor's",
    "occupational database) rates as essential for this occupation, with the level it says the job needs",
    "(0-7) and what that level means in O*NET's own examples.",
    "",
    "For each row, fill in:",
    "  rating          agree  - the level is right for jobs in this region",
    "                  raise  - the job needs a higher level: give proposed_level (above onet_level)",
    "                  lower  - the job needs a lower level: give proposed_level (below onet_level)",
    "                  remove - this is not essential for the job here",
    "  proposed_level  a number from 0 to 7 on O*NET's level scale (see level_meaning); only for raise, lower, add",
    "  rater           your name (required for every row you rate)",
    "  organisation    your employer",
    "  comment         anything you want the region to know (optional)",
    "",
    "To add a skill the list misses, add a row: copy soc and area_code, give domain and element_name",
    "(from the 'Other elements' sheet), rating 'add' and a proposed_level.",
    "",
    "Leave rating empty on a row you do not want to rate. Do not change the other columns.",
    "Row 1 is the header: when the import reports a problem in 'row 5', it is the fifth row of the sheet.",
)


class RatingSheetError(SourceFormatError):
    """A rating sheet with bad rows: names file, row and field of each problem; nothing was imported."""

    def __init__(self, path: Path | str, problems: list[Problem]):
        first = problems[0]
        super().__init__(path, first.reason, field=first.field, row=first.row)
        rows = {p.row for p in problems if p.row is not None}
        more = problems[1:]
        self.message += (
            f"\n{len(problems)} problem{'s' * (len(problems) != 1)} in {len(rows)} row{'s' * (len(rows) != 1)} "
            "(row 1 is the header); nothing was imported."
        )
        if more:
            self.message += "\n" + "\n".join(f"  {p}" for p in more)
        self.hint = f"File: {path}. Fix every row listed and import the file again. {_HINT}"
        self.problems = problems


def _sheet_error(path: Path, reason: str, row: int | None = None, field: str | None = None) -> SourceFormatError:
    """A whole-file problem (unreadable, no header, nothing rated), with a hint about the sheet, not an official release."""
    exc = SourceFormatError(path, reason, row=row, field=field)
    exc.message = exc.message.rstrip(". ") + ". Nothing was imported."
    exc.hint = f"File: {path}. {_HINT}"
    return exc


@dataclass
class RatingImport:
    """What an import of ratings did (or, with `dry_run`, would do)."""

    file: str
    sha256: str
    rows: int
    dry_run: bool
    skipped_rows: list[int] = field(default_factory=list)
    by_rating: dict[str, int] = field(default_factory=dict)
    benchmarks: list[dict] = field(default_factory=list)  # (area_code, occ_code) pairs rated
    changes: list[dict] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    import_id: int | None = None
    who: str | None = None
    at: dt.datetime | None = None

    def summary(self) -> str:
        verb = "would add" if self.dry_run else "added"
        head = f"{Path(self.file).name}: " if self.dry_run else f"benchmark import {self.import_id} ({Path(self.file).name}, by {self.who}, {self.at:%Y-%m-%d %H:%M} UTC): "
        counts = ", ".join(f"{n} {r}" for r, n in self.by_rating.items() if n)
        text = head + f"{verb} {self.rows} rating{'s' * (self.rows != 1)} ({counts})"
        if self.skipped_rows:
            text += f"; {len(self.skipped_rows)} row{'s' * (len(self.skipped_rows) != 1)} left unrated"
        text += "."
        if self.changes:
            text += f"\n{'Would change' if self.dry_run else 'Changed'} the regional benchmark:"
            for c in self.changes:
                text += f"\n  {c['area_code']} {c['occ_code']} {c['element_name']}: {_verdict(c, 'before')} → {_verdict(c, 'after')}"
        else:
            text += " The regional benchmark levels stay as they were."
        if self.ignored_columns:
            text += f"\nIgnored columns: {', '.join(self.ignored_columns)}."
        if self.dry_run:
            text += "\nNothing was written (dry run)."
        return text

    def to_dict(self) -> dict:
        return {
            "file": self.file, "sha256": self.sha256, "rows": self.rows, "dry_run": self.dry_run,
            "skipped_rows": self.skipped_rows, "by_rating": self.by_rating, "benchmarks": self.benchmarks,
            "changes": self.changes, "ignored_columns": self.ignored_columns, "import_id": self.import_id,
            "who": self.who, "at": self.at.isoformat() if self.at else None,
        }  # fmt: skip


def _verdict(change: dict, when: str) -> str:
    level = change[f"level_{when}"]
    status = change[f"status_{when}"]
    if level is None:
        return status
    return f"{level:.2f} ({status})"


# ---------------------------------------------------------------------------------------------
# Reading the ratings kept in the hub


def ratings(hub_path: Path | str | None = None, area_code: str | None = None, occ_code: str | None = None) -> list[dict]:
    """Every rating in the hub (optionally for one area and occupation), oldest first, with who imported it and when."""
    where, params = [], []
    if area_code is not None:
        where.append("r.area_code = ?")
        params.append(area_code)
    if occ_code is not None:
        where.append("r.occ_code = ?")
        params.append(occ_code)
    with open_hub(hub_path, write=False) as hub:
        if not has_table(hub, "benchmark_ratings"):  # a hub from before schema version 3
            return []
        cur = hub.execute(
            f"""select r.*, i.who as imported_by, i."at" as imported_at, i.file
                from benchmark_ratings r join benchmark_imports i using (import_id)
                {"where " + " and ".join(where) if where else ""}
                order by r.import_id, r.file_row""",
            params,
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]


def history(hub_path: Path | str | None = None) -> list[dict]:
    """Every rating import, oldest first: import_id, file, sha256, who, at (UTC), rows."""
    with open_hub(hub_path, write=False) as hub:
        if not has_table(hub, "benchmark_imports"):
            return []
        cur = hub.execute("select * from benchmark_imports order by import_id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]


# ---------------------------------------------------------------------------------------------
# Export


def sheet_rows(con, occ_code: str, area_code: str, profile, hub_path=None) -> tuple[list[dict], dict]:
    """The sheet's rows (one per element in the region's benchmark, removed ones included) and the benchmark."""
    b = skills.benchmark(con, area_code, occ_code, profile, hub_data(hub_path))
    rows = []
    for e in b["elements"]:
        if e["status"] == "not added":
            continue
        rows.append({
            "soc": occ_code, "occupation": b["occupation"]["occ_title"], "area_code": area_code, "area_name": b["area"]["area_name"],
            "domain": e["domain"], "element_id": e["element_id"], "element_name": e["element_name"],
            "onet_importance": e["importance"], "onet_level": e["level"], "level_meaning": e["level_meaning"],
            "region_level": None if e["region_level"] is None else round(e["region_level"], 2), "region_status": e["status"],
            "rating": None, "proposed_level": None, "rater": None, "organisation": None, "comment": None,
        })  # fmt: skip
    return rows, b


def export(con, occ_code: str, area_code: str, path: Path | str, profile=None, hub_path=None) -> dict:
    """Write the rating sheet (CSV, or .xlsx with instructions) for one occupation and region; never over an existing file."""
    from upward import profiles

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UpwardError(f"{path.name}: a rating sheet is written as .csv or .xlsx, not '{path.suffix or '(no suffix)'}'.", hint="e.g. --export ratings.xlsx")
    if path.exists():
        raise UpwardError(f"{path} already exists; Upward will not overwrite it (it may hold ratings).", hint="Choose another file name, or move the old file away.")
    if not path.parent.is_dir():
        raise UpwardError(f"{path.parent} is not a folder.", hint="Create the folder first, or write the sheet elsewhere.")
    profile = profile or profiles.load()
    rows, b = sheet_rows(con, occ_code, area_code, profile, hub_path)

    def write(tmp: Path) -> None:
        if suffix == ".csv":
            with tmp.open("w", newline="", encoding="utf-8") as f:
                csvout.write_rows(f, rows, COLUMNS)
        else:
            _write_xlsx(tmp, rows, b)

    try:
        write_atomically(path, write, overwrite=False)  # never over a file that appeared meanwhile
    except FileAppeared as exc:
        raise UpwardError(f"{path} appeared while the sheet was written; it was left as it is.", hint="Choose another file name.") from exc
    return {"file": str(path.resolve()), "rows": len(rows), "occ_code": occ_code, "area_code": area_code, "format": suffix[1:], "profile": profile.record(), "data": b["data"]}


def _write_xlsx(path: Path, rows: list[dict], b: dict) -> None:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ratings"
    ws.append(list(COLUMNS))
    for r in rows:
        csvout.append_xlsx_row(ws, [r[c] for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    widths = {"occupation": 28, "area_name": 28, "element_name": 28, "level_meaning": 60, "comment": 40, "rater": 20, "organisation": 24}
    for i, c in enumerate(COLUMNS, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = widths.get(c, max(10, len(c) + 2))
    last = max(len(rows) + 200, 500)  # room for rows a rater adds
    col = {c: openpyxl.utils.get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    choose = DataValidation(type="list", formula1='"' + ",".join(skills.RATINGS) + '"', allow_blank=True)
    choose.error, choose.errorTitle = "Choose agree, raise, lower, add or remove.", "Rating"
    level = DataValidation(type="decimal", operator="between", formula1="0", formula2="7", allow_blank=True)
    level.error, level.errorTitle = "A level from 0 to 7 on O*NET's scale.", "Proposed level"
    ws.add_data_validation(choose)
    ws.add_data_validation(level)
    choose.add(f"{col['rating']}2:{col['rating']}{last}")
    level.add(f"{col['proposed_level']}2:{col['proposed_level']}{last}")

    info = wb.create_sheet("Instructions")
    occ, area = b["occupation"], b["area"]
    head = [f"{occ['occ_title']} ({occ['occ_code']}) in {area['area_name']} ({area['area_code']})",
            f"Essential: O*NET importance at least {b['essential_importance']:g} of 5; domains: {', '.join(b['domains'])}.",
            f"O*NET 29.3/30; bundle {b['data']['bundle']}; profile {b['profile']['name']} ({b['profile']['hash']}).", ""]  # fmt: skip
    for line in head + list(INSTRUCTIONS):
        csvout.append_xlsx_row(info, [line])
    info["A1"].font = Font(bold=True)
    info.column_dimensions["A"].width = 110

    other = wb.create_sheet("Other elements")
    cols = ("domain", "element_id", "element_name", "importance", "level", "level_meaning")
    other.append(["domain", "element_id", "element_name", "onet_importance", "onet_level", "level_meaning"])
    for e in b["other_elements"]:
        csvout.append_xlsx_row(other, [e[c] for c in cols])
    for cell in other[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (12, 12, 32, 16, 12, 80)):
        other.column_dimensions[letter].width = width
    wb.save(path)


# ---------------------------------------------------------------------------------------------
# Reading a sheet


_present = sheets.present


def _text(v) -> str:
    if not _present(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return " ".join(str(v).split())


def _header_name(h) -> str:
    name = re.sub(r"[\s\-]+", "_", _text(h).lower())
    return ALIASES.get(name, name)


def read_sheet(path: Path, data: bytes, limits: sheets.Limits | None = None) -> sheets.Sheet:
    """The sheet as `upward.sheets` reads it ("Ratings" in a workbook, else its first sheet), header names normalised."""
    sheet = sheets.read(path, data, limits=limits, suffixes=SUFFIXES, sheet="Ratings", hint=f"File: {path}. {_HINT}")
    sheet.header = [_header_name(h) for h in sheet.header]
    while sheet.header and not sheet.header[-1]:
        sheet.header.pop()
    return sheet


# ---------------------------------------------------------------------------------------------
# Checking every row


def _level(v) -> float | None:
    if isinstance(v, bool):
        raise ValueError
    x = float(v) if isinstance(v, (int, float)) else float(_text(v))
    if not math.isfinite(x):
        raise ValueError
    return x


@dataclass
class _Checked:
    ratings: list[dict]
    problems: list[Problem]
    skipped: list[int]
    ignored: list[str]


def check(con, path: Path, sheet: sheets.Sheet, profile, hub_path=None,
          soc: str | None = None, area_code: str | None = None) -> _Checked:  # fmt: skip
    """Every problem of every row (never stopping at the first) and the good ratings."""
    name = path.name
    header, body = sheet.header, sheet.rows
    # cells the reader refused (hidden control or bidi characters, formulas with no saved value)
    problems: list[Problem] = [p._replace(field=_header_name(p.field) if p.field else None) for p in sheet.problems]

    def bad(row, fld, reason):
        problems.append(Problem(name, row, fld, reason))

    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h in seen and h:
            bad(HEADER_ROW, h, f"the column appears twice (columns {seen[h] + 1} and {i + 1})")
        seen.setdefault(h, i)
    missing = [c for c in REQUIRED if c not in seen]
    for c in missing:
        bad(HEADER_ROW, c, "required column missing from the header")
    ignored = [h for h in header if h and h not in COLUMNS]
    if len(problems) > len(sheet.problems):
        return _Checked([], problems, [], ignored)

    domains = list(profile.get("benchmarks.domains"))
    threshold = profile.get("benchmarks.essential_importance")
    areas = dict(con.execute("select area_code, area_name from areas").fetchall())
    known = {}  # element_id → (domain, name), over the benchmark domains and the others
    for d, e, n in con.execute(
        "select distinct domain, element_id, element_name from descriptors where domain in ('skills', 'knowledge', 'abilities', 'work_activities')"
    ).fetchall():
        known[e] = (d, n)
    by_name = {(d, n.casefold()): e for e, (d, n) in known.items()}
    occ_cache: dict[str, dict | None] = {}

    def occupation(code: str) -> dict | None:
        if code not in occ_cache:
            rated = skills.elements(con, code, domains)
            occ_cache[code] = {e["element_id"]: e for e in rated} if rated else None
        return occ_cache[code]

    earlier: dict[tuple[str, str], list[dict]] = {}

    def hub_rated(a: str, o: str) -> set[str]:
        if (a, o) not in earlier:
            earlier[(a, o)] = ratings(hub_path, a, o) if hub_path is not None and hub_file(hub_path).exists() else []
        return {r["element_id"] for r in earlier[(a, o)]}

    def cell(cells, column):
        i = seen[column]
        return cells[i] if i < len(cells) else None

    # a job title in the soc column is coded (upward.titles); only a confident code is used
    titled = coded_titles.code_soc_cells(con, [_text(cell(cells, "soc")) for _, cells in body])
    good, skipped, keys = [], [], {}
    pending_adds: set[tuple[str, str, str]] = set()
    pending_rates: list[tuple[int, str, str, str]] = []
    for row, cells in body:
        if len(cells) > len(header) and any(_present(c) for c in cells[len(header):]):
            bad(row, None, f"a value beyond the last named column (column {len(header) + 1} or later)")
        rating = _text(cell(cells, "rating")).lower()
        if not rating and not _present(cell(cells, "proposed_level")) and not _present(cell(cells, "comment") if "comment" in seen else None):
            skipped.append(row)  # left unrated: says nothing
            continue
        n_before = len(problems)
        raw_soc = _text(cell(cells, "soc"))
        parsed = code_rules.parse_soc(cell(cells, "soc"))
        code = parsed.soc if parsed else titled.get(raw_soc, (None, None))[0]
        occ = None
        if code is None:
            bad(row, "soc", titled[raw_soc][1] if raw_soc in titled else f"'{raw_soc}' is not a SOC code like 29-1141 (or a job title)")
        elif parsed is not None and parsed.key != code:
            bad(row, "soc", f"{parsed.onet} is an O*NET-SOC detail code; a benchmark is for the SOC occupation: write {code}")
        elif soc is not None and code != soc:
            bad(row, "soc", f"{code} is not the occupation being imported ({soc})")
        else:
            occ = occupation(code)
            if occ is None:
                bad(row, "soc", f"{code} is not an occupation O*NET rates in {', '.join(domains)}")
        raw_area = _text(cell(cells, "area_code"))
        area = code_rules.oews_area(cell(cells, "area_code"))
        if area not in areas:
            bad(row, "area_code", f"'{raw_area}' is not an OEWS area code in the atlas (e.g. 0026420; see: upward regions)")
        elif area_code is not None and area != area_code:
            bad(row, "area_code", f"{area} is not the region being imported ({area_code})")
        domain = _text(cell(cells, "domain")).lower()
        if domain not in domains:
            bad(row, "domain", f"'{domain}' is not a benchmark domain; use one of: {', '.join(domains)}")
        element_id, element_name = _text(cell(cells, "element_id")), _text(cell(cells, "element_name"))
        element = None
        if element_id:
            if element_id not in known:
                bad(row, "element_id", f"'{element_id}' is not an O*NET element")
            elif domain in domains and known[element_id][0] != domain:
                bad(row, "domain", f"element {element_id} ({known[element_id][1]}) belongs to {known[element_id][0]}, not {domain}")
            elif element_name and element_name.casefold() != known[element_id][1].casefold():
                bad(row, "element_name", f"'{element_name}' is not the name of element {element_id} ({known[element_id][1]})")
            else:
                element = element_id
        elif element_name and domain in domains:
            element = by_name.get((domain, element_name.casefold()))
            if element is None:
                bad(row, "element_name", f"'{element_name}' is not an O*NET {domain} element (see the 'Other elements' sheet)")
        elif domain in domains:
            bad(row, "element_id", "empty: give element_id or element_name")
        if rating not in skills.RATINGS:
            bad(row, "rating", f"'{_text(cell(cells, 'rating'))}' is not a rating; use one of: {', '.join(skills.RATINGS)}")
        level = None
        raw_level = cell(cells, "proposed_level")
        if _present(raw_level):
            try:
                level = _level(raw_level)
            except ValueError:
                bad(row, "proposed_level", f"'{_text(raw_level)}' is not a number")
            else:
                if not 0 <= level <= 7:
                    bad(row, "proposed_level", f"{level:g} is outside O*NET's level scale (0 to 7)")
                    level = None
        rater = _text(cell(cells, "rater"))
        if not rater:
            bad(row, "rater", "empty: every rating needs the name of the person who gave it")
        organisation = _text(cell(cells, "organisation"))
        comment = _text(cell(cells, "comment")) if "comment" in seen else ""
        if len(problems) > n_before or occ is None or element is None:
            continue
        onet = occ.get(element)
        if onet is None:
            bad(row, "element_id", f"O*NET rates no {domain} level for {element} in {code}")
            continue
        onet_level, essential = onet["level"], onet["importance"] >= threshold
        if rating in ("raise", "lower", "add") and level is None:
            bad(row, "proposed_level", f"empty: '{rating}' needs a proposed level from 0 to 7")
            continue
        if rating == "raise" and not level > onet_level:
            bad(row, "proposed_level", f"{level:g} does not raise O*NET's level {onet_level:g}: use a higher level, or 'lower'")
        elif rating == "lower" and not level < onet_level:
            bad(row, "proposed_level", f"{level:g} does not lower O*NET's level {onet_level:g}: use a lower level, or 'raise'")
        elif rating == "agree" and level is not None and abs(level - onet_level) >= 0.005:
            bad(row, "proposed_level", f"'agree' keeps O*NET's level {onet_level:g}, but {level:g} is given: use 'raise' or 'lower', or leave it empty")
        elif rating == "remove" and level is not None:
            bad(row, "proposed_level", "'remove' takes no proposed level: leave it empty")
        elif rating == "add" and essential:
            bad(row, "rating", f"{onet['element_name']} is already essential (O*NET importance {onet['importance']:g} ≥ {threshold:g}): rate it agree, raise or lower")
        key = (area, code, element, upward_text.identity(rater), upward_text.identity(organisation))
        if key in keys:
            bad(row, "rater", f"a second rating of {onet['element_name']} by {rater}{' (' + organisation + ')' if organisation else ''}: the first is row {keys[key]}")
        keys.setdefault(key, row)
        if len(problems) > n_before:
            continue
        if rating == "add":
            pending_adds.add((area, code, element))
        elif not essential:
            pending_rates.append((row, area, code, element))
        good.append({
            "file_row": row, "area_code": area, "occ_code": code, "domain": domain, "element_id": element,
            "element_name": onet["element_name"], "rating": rating,
            "proposed_level": None if rating in ("agree", "remove") else level,
            "onet_importance": onet["importance"], "onet_level": onet_level,
            "rater": rater, "organisation": organisation or None, "comment": comment or None,
        })  # fmt: skip
    # agree / raise / lower / remove on an element O*NET does not rate essential needs it proposed (added) first
    for row, area, code, element in pending_rates:
        if (area, code, element) not in pending_adds and element not in hub_rated(area, code):
            name_ = occupation(code)[element]["element_name"]
            bad(row, "rating", f"{name_} is not in the benchmark (O*NET importance below {threshold:g}): rate 'add' with a proposed level to propose it")
    problems.sort(key=lambda p: (p.row or 0, p.field or ""))
    bad_rows = {p.row for p in problems}
    return _Checked([g for g in good if g["file_row"] not in bad_rows], problems, skipped, ignored)


# ---------------------------------------------------------------------------------------------
# Importing


def import_ratings(con, path: Path | str, hub_path: Path | str | None = None, who: str | None = None, dry_run: bool = False,
                   profile=None, soc: str | None = None, area_code: str | None = None) -> RatingImport:  # fmt: skip
    """Check every row of a rating sheet against the atlas and the profile, then append it to the hub (all or nothing).

    `soc` / `area_code`: when given, every rated row must be for that occupation / region. Any
    bad row raises `RatingSheetError` and writes nothing; `dry_run` writes nothing either (not
    even a new hub). A file byte-identical to an earlier import is refused.
    """
    from upward import profiles
    from upward.hub.imports import _arrow, _insert, _now, _user

    profile = profile or profiles.load()
    path = Path(path)
    if not path.is_file():
        raise UpwardError(f"{path}: file not found.", hint="Give the path of the rating sheet (.csv or .xlsx) exported by: upward benchmark SOC --region AREA --export FILE")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    sheet = read_sheet(path, data, sheets.Limits.of(profile))
    where = hub_file(hub_path)

    def refuse_if_imported(hub):
        if not has_table(hub, "benchmark_imports"):
            return
        found = hub.execute('select import_id, "at", who from benchmark_imports where sha256 = ? order by import_id', [digest]).fetchall()
        if found:
            i, at, by = found[-1]
            raise ConflictError(
                f"{path.name} is byte-identical to benchmark import {i} ({at:%Y-%m-%d %H:%M} UTC, by {by}); importing it again would count its ratings twice.",
                hint="Nothing was imported. To change a rating, give the new rating in a new sheet: a rater's latest rating counts.",
            )

    if where.exists():
        with open_hub(where, write=False) as hub:
            refuse_if_imported(hub)
    checked = check(con, path, sheet, profile, where, soc, area_code)
    if checked.problems:
        raise RatingSheetError(path, checked.problems)
    if not checked.ratings:
        raise _sheet_error(path, "no row is rated yet. Fill in at least one row of the Ratings sheet: rating (agree, raise, lower, add "
                                 "or remove), proposed_level (0–7, for raise, lower and add), rater and organisation", field="rating")
    result = RatingImport(
        file=str(path.resolve()), sha256=digest, rows=len(checked.ratings), dry_run=dry_run, skipped_rows=checked.skipped,
        by_rating={r: sum(g["rating"] == r for g in checked.ratings) for r in skills.RATINGS},
        benchmarks=[{"area_code": a, "occ_code": o} for a, o in sorted({(g["area_code"], g["occ_code"]) for g in checked.ratings})],
        ignored_columns=[c for c in checked.ignored],
    )  # fmt: skip
    if dry_run:
        old = ratings(where) if where.exists() else []
        result.changes = _compare(con, profile, old, checked.ratings, _next_id(where))
        return result
    with open_hub(where, write=True) as hub:
        refuse_if_imported(hub)  # again, under the write lock
        result.who, result.at = _user(who), _now()
        hub.begin()
        try:
            upgrade(hub)  # an older hub gets the rating tables, committed with this import
            import_id = hub.execute("select coalesce(max(import_id), 0) + 1 from benchmark_imports").fetchone()[0]
            record = pd.DataFrame([{"import_id": import_id, "file": result.file, "sha256": digest, "who": result.who, "at": result.at, "rows": result.rows}])
            _insert(hub, "benchmark_imports", _arrow("benchmark_imports", record))
            _insert(hub, "benchmark_ratings", _arrow("benchmark_ratings", pd.DataFrame(checked.ratings).assign(import_id=import_id)))
            hub.commit()
        except BaseException:
            hub.rollback()
            raise
    result.import_id = int(import_id)
    old = [r for r in ratings(where) if r["import_id"] != import_id]
    result.changes = _compare(con, profile, old, checked.ratings, int(import_id))
    return result


def _next_id(where: Path) -> int:
    if not where.exists():
        return 1
    with open_hub(where, write=False) as hub:
        if not has_table(hub, "benchmark_imports"):
            return 1
        return int(hub.execute("select coalesce(max(import_id), 0) + 1 from benchmark_imports").fetchone()[0])


def _compare(con, profile, earlier: list[dict], new: list[dict], next_id: int) -> list[dict]:
    """Per (area, occupation) in the file: the elements whose membership or level the new ratings change."""
    out = []
    for area, occ in sorted({(r["area_code"], r["occ_code"]) for r in new}):
        old = [r for r in earlier if (r["area_code"], r["occ_code"]) == (area, occ)]
        added = [{**r, "import_id": next_id} for r in new if (r["area_code"], r["occ_code"]) == (area, occ)]
        before = {e["element_id"]: e for e in skills.benchmark(con, area, occ, profile, ratings=old)["elements"]}
        for e in skills.benchmark(con, area, occ, profile, ratings=old + added)["elements"]:
            b = before.get(e["element_id"])
            level_before = b["region_level"] if b else None
            in_before = bool(b and b["in_benchmark"])
            same_level = (level_before is None and e["region_level"] is None) or (
                level_before is not None and e["region_level"] is not None and abs(level_before - e["region_level"]) < 1e-9
            )
            if in_before == e["in_benchmark"] and same_level:
                continue
            out.append({"area_code": area, "occ_code": occ, "element_id": e["element_id"], "element_name": e["element_name"],
                        "status_before": b["status"] if b else "not essential", "level_before": level_before,
                        "status_after": e["status"], "level_after": e["region_level"]})  # fmt: skip
    return out
