"""The employer rating sheet for a skill benchmark: its columns, writing it out, reading it back.

The sheet (`export`) lists an occupation's benchmark for one region, one row per element, with
O*NET's importance and level and the level in O*NET's words; an employer fills `rating`
(agree / raise / lower / add / remove), `proposed_level` (0–7, for raise, lower and add),
`rater`, `organisation` and, if they like, `comment`. CSV is a plain table (header in row 1);
an .xlsx workbook also carries an "Instructions" sheet and an "Other elements" sheet listing the
elements that could be added. The columns and rules are in docs/skills.md.

A returned sheet is read by `read_sheet` (the one reader, `upward.sheets`), checked row by row by
`upward.hub.rating_checks` and imported by `upward.hub.rating_import`. A sheet with bad rows is
refused with `RatingSheetError`: file, 1-based row — the header is row 1, so the first rating is
row 2 — and field of the first problem, and every other problem listed.
"""

from __future__ import annotations

from pathlib import Path

from upward import csvout, sheets
from upward import text as upward_text
from upward.analysis import skills
from upward.errors import SourceFormatError, UpwardError
from upward.files import FileAppeared, write_atomically
from upward.hub import data as hub_data
from upward.sheets import Problem, count_problems

#: The sheet's columns, in order. The rater's columns and the keys of each row (soc, area_code,
#: domain, element_id, element_name) are read back; the rest inform the rater.
COLUMNS = (
    "soc", "occupation", "area_code", "area_name", "domain", "element_id", "element_name",
    "onet_importance", "onet_level", "level_meaning", "region_level", "region_status",
    "rating", "proposed_level", "rater", "organisation", "comment",
)  # fmt: skip
REQUIRED = ("soc", "area_code", "domain", "element_id", "element_name", "rating", "proposed_level", "rater", "organisation")
#: Other headers people write for a column, after `header_name` has normalised them.
ALIASES = {"organization": "organisation", "soc_code": "soc", "occ_code": "soc", "job_title": "soc", "area": "area_code", "element": "element_name"}
SUFFIXES = (".csv", ".xlsx")
HEADER_ROW = 1
HINT = "The sheet's columns and rules are in docs/skills.md; export a fresh sheet with: upward benchmark SOC --region AREA --export FILE"

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
        more = problems[1:]
        self.message += f"\n{count_problems(problems)} (row 1 is the header); nothing was imported."
        if more:
            self.message += "\n" + "\n".join(f"  {p}" for p in more)
        self.hint = f"File: {path}. Fix every row listed and import the file again. {HINT}"
        self.problems = problems


def sheet_error(path: Path, reason: str, row: int | None = None, field: str | None = None) -> SourceFormatError:
    """A whole-file problem (unreadable, no header, nothing rated), with a hint about the sheet, not an official release."""
    exc = SourceFormatError(path, reason, row=row, field=field)
    exc.message = exc.message.rstrip(". ") + ". Nothing was imported."
    exc.hint = f"File: {path}. {HINT}"
    return exc


# ---------------------------------------------------------------------------------------------
# Writing the sheet


def sheet_rows(con, area_code: str, occ_code: str, profile, *, hub_path=None) -> tuple[list[dict], dict]:
    """The sheet's rows (one per element in the region's benchmark, removed ones included) and the benchmark.

    Removed elements stay on the sheet so a rater can see and answer an earlier removal; the
    ones no rating proposed ('not added') are on the "Other elements" sheet instead.
    """
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


def export(con, area_code: str, occ_code: str, profile=None, *, path: Path | str, hub_path=None) -> dict:
    """Write the rating sheet (CSV, or .xlsx with instructions) for one occupation and region; never over an existing file.

    A sheet may hold ratings someone spent an afternoon on, so an existing file is refused, and a
    file that appears while the sheet is written is left as it is (`files.write_atomically`).
    """
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
    rows, b = sheet_rows(con, area_code, occ_code, profile, hub_path=hub_path)

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
    """The workbook: the Ratings sheet (with drop-downs for rating and level), its instructions, the elements that could be added."""
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
# Reading a returned sheet


def cell_text(v) -> str:
    """A cell as one line of text ('' when blank): a workbook's 3.0 reads '3', runs of spaces are one."""
    if not sheets.present(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return " ".join(str(v).split())


def header_name(h) -> str:
    """A header as the column it names: 'Proposed Level' → 'proposed_level', 'Organization' → 'organisation'."""
    name = upward_text.token(cell_text(h))
    return ALIASES.get(name, name)


def read_sheet(path: Path, data: bytes, limits: sheets.Limits | None = None) -> sheets.Sheet:
    """The sheet as `upward.sheets` reads it ("Ratings" in a workbook, else its first sheet), header names normalised."""
    sheet = sheets.read(path, data, limits=limits, suffixes=SUFFIXES, sheet="Ratings", hint=f"File: {path}. {HINT}")
    sheet.header = [header_name(h) for h in sheet.header]
    while sheet.header and not sheet.header[-1]:
        sheet.header.pop()
    return sheet
