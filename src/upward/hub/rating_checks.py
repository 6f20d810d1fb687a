"""Checking every row of a returned rating sheet against the atlas, O*NET and the profile.

`check` never stops at the first problem: it reads the header, then each rated row's cells (the
occupation, the region, the element, the rating, the level, the rater), then the rating against
O*NET's values for that element (a raise must raise, an add must add something not yet
essential …), and last, across rows, whether a rating of an element outside the benchmark comes
with a proposal to add it. A row with any problem gives no rating; the caller
(`upward.hub.rating_import`) refuses the whole sheet when there is one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from upward import codes as code_rules
from upward import sheets
from upward import text as upward_text
from upward.analysis import skills
from upward.hub import coded_titles
from upward.hub._db import path as hub_file
from upward.hub.rating_sheet import COLUMNS, HEADER_ROW, REQUIRED, cell_text, header_name
from upward.hub.ratings import ratings
from upward.sheets import Problem


@dataclass
class Checked:
    ratings: list[dict]  # the good rows, as the hub stores them
    problems: list[Problem]
    skipped: list[int]  # rows left unrated
    ignored: list[str]  # headers that are no column of the sheet


class _Found:
    """The problems found so far, starting with the cells the reader refused (their headers normalised)."""

    def __init__(self, file: str, from_reader: list[Problem]):
        self.file = file
        self.items: list[Problem] = [p._replace(field=header_name(p.field) if p.field else None) for p in from_reader]

    def bad(self, row: int | None, field: str | None, reason: str) -> None:
        self.items.append(Problem(self.file, row, field, reason))


class _Reference:
    """What the rows are checked against: the atlas's areas and O*NET elements, the profile's benchmark
    rule, each occupation's rated elements and the hub's earlier ratings (both read once, when first needed)."""

    def __init__(self, con, profile, hub_path):
        self.con, self.hub_path = con, hub_path
        self.domains = list(profile.get("benchmarks.domains"))
        self.threshold = profile.get("benchmarks.essential_importance")
        self.areas = dict(con.execute("select area_code, area_name from areas").fetchall())
        self.known = {}  # element_id → (domain, name), over the benchmark domains and the others
        for d, e, n in con.execute(
            "select distinct domain, element_id, element_name from descriptors where domain in ('skills', 'knowledge', 'abilities', 'work_activities')"
        ).fetchall():
            self.known[e] = (d, n)
        self.by_name = {(d, n.casefold()): e for e, (d, n) in self.known.items()}
        self._occupations: dict[str, dict | None] = {}
        self._earlier: dict[tuple[str, str], list[dict]] = {}

    def occupation(self, code: str) -> dict | None:
        """The occupation's elements O*NET rates in the benchmark domains, by element_id (None: it rates none)."""
        if code not in self._occupations:
            rated = skills.elements(self.con, code, self.domains)
            self._occupations[code] = {e["element_id"]: e for e in rated} if rated else None
        return self._occupations[code]

    def essential(self, onet: dict) -> bool:
        """Whether O*NET rates the element essential: importance at least the profile's bar."""
        return onet["importance"] >= self.threshold

    def hub_rated(self, area: str, occ: str) -> set[str]:
        """The elements the hub already holds a rating of for this area and occupation."""
        if (area, occ) not in self._earlier:
            exists = self.hub_path is not None and hub_file(self.hub_path).exists()
            self._earlier[(area, occ)] = ratings(self.hub_path, area, occ) if exists else []
        return {r["element_id"] for r in self._earlier[(area, occ)]}


def _header(found: _Found, header: list[str]) -> tuple[dict[str, int], list[str], bool]:
    """Column → position, the ignored headers, and whether the header can be read (no column twice, none required missing)."""
    n_before = len(found.items)
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h in seen and h:
            found.bad(HEADER_ROW, h, f"the column appears twice (columns {seen[h] + 1} and {i + 1})")
        seen.setdefault(h, i)
    for c in REQUIRED:
        if c not in seen:
            found.bad(HEADER_ROW, c, "required column missing from the header")
    ignored = [h for h in header if h and h not in COLUMNS]
    return seen, ignored, len(found.items) == n_before


def check(con, path: Path, sheet: sheets.Sheet, profile, *, hub_path=None,
          soc: str | None = None, area_code: str | None = None) -> Checked:  # fmt: skip
    """Every problem of every row (never stopping at the first) and the good ratings.

    `soc` / `area_code`: when given, every rated row must be for that occupation / region.
    """
    found = _Found(path.name, sheet.problems)
    seen, ignored, readable = _header(found, sheet.header)
    if not readable:
        return Checked([], found.items, [], ignored)

    ref = _Reference(con, profile, hub_path)
    width = len(sheet.header)

    def cell(cells, column):
        i = seen[column]
        return cells[i] if i < len(cells) else None

    # a job title in the soc column is coded (upward.titles); only a confident code is used
    titled = coded_titles.code_soc_cells(con, [cell_text(cell(cells, "soc")) for _, cells in sheet.rows])
    good, skipped, keys = [], [], {}
    adds: set[tuple[str, str, str]] = set()
    rates: list[tuple[int, str, str, str]] = []
    for row, cells in sheet.rows:
        if len(cells) > width and any(sheets.present(c) for c in cells[width:]):
            found.bad(row, None, f"a value beyond the last named column (column {width + 1} or later)")
        comment = cell(cells, "comment") if "comment" in seen else None
        rating = cell_text(cell(cells, "rating")).lower()
        if not rating and not sheets.present(cell(cells, "proposed_level")) and not sheets.present(comment):
            skipped.append(row)  # left unrated: says nothing
            continue
        n_before = len(found.items)
        code, occ = _occupation(found, ref, row, cell(cells, "soc"), titled, soc)
        area = _area(found, ref, row, cell(cells, "area_code"), area_code)
        domain = cell_text(cell(cells, "domain")).lower()
        if domain not in ref.domains:
            found.bad(row, "domain", f"'{domain}' is not a benchmark domain; use one of: {', '.join(ref.domains)}")
        element = _element(found, ref, row, domain, cell_text(cell(cells, "element_id")), cell_text(cell(cells, "element_name")))
        if rating not in skills.RATINGS:
            found.bad(row, "rating", f"'{cell_text(cell(cells, 'rating'))}' is not a rating; use one of: {', '.join(skills.RATINGS)}")
        level = _level(found, row, cell(cells, "proposed_level"))
        rater = cell_text(cell(cells, "rater"))
        if not rater:
            found.bad(row, "rater", "empty: every rating needs the name of the person who gave it")
        organisation = cell_text(cell(cells, "organisation"))
        if len(found.items) > n_before or occ is None or element is None:
            continue
        onet = _against_onet(found, ref, row, code, occ, domain, element, rating, level)
        if onet is None:
            continue
        key = (area, code, element, upward_text.identity(rater), upward_text.identity(organisation))
        if key in keys:
            found.bad(row, "rater", f"a second rating of {onet['element_name']} by {rater}{' (' + organisation + ')' if organisation else ''}: the first is row {keys[key]}")
        keys.setdefault(key, row)
        if len(found.items) > n_before:
            continue
        if rating == "add":
            adds.add((area, code, element))
        elif not ref.essential(onet):
            rates.append((row, area, code, element))
        good.append({
            "file_row": row, "area_code": area, "occ_code": code, "domain": domain, "element_id": element,
            "element_name": onet["element_name"], "rating": rating,
            "proposed_level": None if rating in ("agree", "remove") else level,
            "onet_importance": onet["importance"], "onet_level": onet["level"],
            "rater": rater, "organisation": organisation or None, "comment": cell_text(comment) or None,
        })  # fmt: skip
    _not_in_benchmark(found, ref, rates, adds)
    problems = sorted(found.items, key=lambda p: (p.row or 0, p.field or ""))
    bad_rows = {p.row for p in problems}
    return Checked([g for g in good if g["file_row"] not in bad_rows], problems, skipped, ignored)


# ---------------------------------------------------------------------------------------------
# One row's cells


def _occupation(found: _Found, ref: _Reference, row: int, raw, titled: dict, soc: str | None) -> tuple[str | None, dict | None]:
    """The row's SOC occupation and its O*NET elements; a job title is taken only when coded with confidence.

    A benchmark is for a SOC occupation, so an O*NET-SOC detail code (29-1141.01) is refused with
    the SOC code to write, rather than silently widened.
    """
    raw_soc = cell_text(raw)
    parsed = code_rules.parse_soc(raw)
    code = parsed.soc if parsed else titled.get(raw_soc, (None, None))[0]
    occ = None
    if code is None:
        found.bad(row, "soc", titled[raw_soc][1] if raw_soc in titled else f"'{raw_soc}' is not a SOC code like 29-1141 (or a job title)")
    elif parsed is not None and parsed.key != code:
        found.bad(row, "soc", f"{parsed.onet} is an O*NET-SOC detail code; a benchmark is for the SOC occupation: write {code}")
    elif soc is not None and code != soc:
        found.bad(row, "soc", f"{code} is not the occupation being imported ({soc})")
    else:
        occ = ref.occupation(code)
        if occ is None:
            found.bad(row, "soc", f"{code} is not an occupation O*NET rates in {', '.join(ref.domains)}")
    return code, occ


def _area(found: _Found, ref: _Reference, row: int, raw, area_code: str | None) -> str | None:
    """The row's OEWS area, one the atlas holds (and the one being imported, when one is)."""
    area = code_rules.oews_area(raw)
    if area not in ref.areas:
        found.bad(row, "area_code", f"'{cell_text(raw)}' is not an OEWS area code in the atlas (e.g. 0026420; see: upward regions)")
    elif area_code is not None and area != area_code:
        found.bad(row, "area_code", f"{area} is not the region being imported ({area_code})")
    return area


def _element(found: _Found, ref: _Reference, row: int, domain: str, element_id: str, element_name: str) -> str | None:
    """The row's O*NET element: by id (its domain and name must agree), else by name within the domain."""
    if element_id:
        if element_id not in ref.known:
            found.bad(row, "element_id", f"'{element_id}' is not an O*NET element")
        elif domain in ref.domains and ref.known[element_id][0] != domain:
            found.bad(row, "domain", f"element {element_id} ({ref.known[element_id][1]}) belongs to {ref.known[element_id][0]}, not {domain}")
        elif element_name and element_name.casefold() != ref.known[element_id][1].casefold():
            found.bad(row, "element_name", f"'{element_name}' is not the name of element {element_id} ({ref.known[element_id][1]})")
        else:
            return element_id
        return None
    if element_name and domain in ref.domains:
        element = ref.by_name.get((domain, element_name.casefold()))
        if element is None:
            found.bad(row, "element_name", f"'{element_name}' is not an O*NET {domain} element (see the 'Other elements' sheet)")
        return element
    if domain in ref.domains:
        found.bad(row, "element_id", "empty: give element_id or element_name")
    return None


def _number(v) -> float:
    """A level cell as a finite number (a workbook's number or text); ValueError otherwise (true/false too)."""
    if isinstance(v, bool):
        raise ValueError
    x = float(v) if isinstance(v, (int, float)) else float(cell_text(v))
    if not math.isfinite(x):
        raise ValueError
    return x


def _level(found: _Found, row: int, raw) -> float | None:
    """The proposed level on O*NET's scale (0–7), None when blank or bad."""
    if not sheets.present(raw):
        return None
    try:
        level = _number(raw)
    except ValueError:
        found.bad(row, "proposed_level", f"'{cell_text(raw)}' is not a number")
        return None
    if not 0 <= level <= 7:
        found.bad(row, "proposed_level", f"{level:g} is outside O*NET's level scale (0 to 7)")
        return None
    return level


# ---------------------------------------------------------------------------------------------
# The rating against O*NET, and across rows


def _against_onet(found: _Found, ref: _Reference, row: int, code: str, occ: dict, domain: str, element: str,
                  rating: str, level: float | None) -> dict | None:  # fmt: skip
    """O*NET's values of the element, with the rating checked against them; None when the row cannot be compared.

    The rating must say what it claims: a raise above O*NET's level, a lower below it, an agree at
    it, a remove without a level, an add of an element not already essential.
    """
    onet = occ.get(element)
    if onet is None:
        found.bad(row, "element_id", f"O*NET rates no {domain} level for {element} in {code}")
        return None
    onet_level, essential = onet["level"], ref.essential(onet)
    if rating in ("raise", "lower", "add") and level is None:
        found.bad(row, "proposed_level", f"empty: '{rating}' needs a proposed level from 0 to 7")
        return None
    if rating == "raise" and not level > onet_level:
        found.bad(row, "proposed_level", f"{level:g} does not raise O*NET's level {onet_level:g}: use a higher level, or 'lower'")
    elif rating == "lower" and not level < onet_level:
        found.bad(row, "proposed_level", f"{level:g} does not lower O*NET's level {onet_level:g}: use a lower level, or 'raise'")
    elif rating == "agree" and level is not None and abs(level - onet_level) >= 0.005:
        found.bad(row, "proposed_level", f"'agree' keeps O*NET's level {onet_level:g}, but {level:g} is given: use 'raise' or 'lower', or leave it empty")
    elif rating == "remove" and level is not None:
        found.bad(row, "proposed_level", "'remove' takes no proposed level: leave it empty")
    elif rating == "add" and essential:
        found.bad(row, "rating", f"{onet['element_name']} is already essential (O*NET importance {onet['importance']:g} ≥ {ref.threshold:g}): rate it agree, raise or lower")
    return onet


def _not_in_benchmark(found: _Found, ref: _Reference, rates: list[tuple[int, str, str, str]], adds: set[tuple[str, str, str]]) -> None:
    """agree / raise / lower / remove of an element O*NET does not rate essential needs it proposed (added) first,
    in this sheet or an earlier import."""
    for row, area, code, element in rates:
        if (area, code, element) not in adds and element not in ref.hub_rated(area, code):
            name_ = ref.occupation(code)[element]["element_name"]
            found.bad(row, "rating", f"{name_} is not in the benchmark (O*NET importance below {ref.threshold:g}): rate 'add' with a proposed level to propose it")
