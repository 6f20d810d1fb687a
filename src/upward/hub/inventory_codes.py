"""The inventory's codes checked against the atlas: CIP programs, county FIPS, target occupations.

A code is only as good as the atlas that knows it: a CIP code must be in CIP 2020 (a CIP 2010
code CIP 2020 moved or deleted is named as such), a county must place the provider in an OEWS
area, a target must be a detailed SOC occupation the atlas holds (an item that is not code-like
is a job title, coded offline). Each function, like those in `inventory_checks`, adds its
problems and returns what it parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from upward import codes as code_rules
from upward import soc as soc_codes
from upward.hub import coded_titles
from upward.hub.inventory_cells import apply, split_items
from upward.hub.inventory_checks import Cells, Problems
from upward.sheets import Problem


@dataclass
class AtlasCodes:
    """The atlas's codes an inventory is checked against, read once per file."""

    cips: dict[str, str]  # six-digit CIP 2020 code → its action in the CIP 2010→2020 crosswalk
    counties: pd.DataFrame  # by county_fips: county_name, state_abbr, area_code, area_name
    levels: dict[str, str]  # SOC code → 'detailed', 'broad', 'minor' or 'major'
    soc_to_occ: dict[str, str]  # SOC 2018 or O*NET-SOC code → the atlas's detailed occupation


def atlas_codes(con) -> AtlasCodes:
    """The CIP, county and occupation codes of the atlas `con`.

    Groups OEWS does not publish as rows (a broad group with one occupation) are still groups, so
    a target that names one is told it is a group, not that it does not exist; O*NET-SOC codes and
    the SOC codes OEWS publishes combined map to the atlas occupation that holds them.
    """
    cips = dict(con.execute("select cip_code, action from cip_codes where digits = 6").fetchall())
    counties = con.execute(
        "select county_fips, county_name, state_abbr, area_code, area_name from geo_county_areas"
    ).df().set_index("county_fips")
    levels = dict(con.execute("select occ_code, level from occupations").fetchall())
    for level in ("broad", "minor", "major"):
        for (code,) in con.execute(f"select distinct {level}_code from occupations where {level}_code is not null").fetchall():
            levels.setdefault(code, level)
    soc_to_occ = {c: c for c, lvl in levels.items() if lvl == "detailed"}
    for code, occ in con.execute("select code, occ_code from soc_map where system = 'onet'").fetchall():
        if levels.get(occ) == "detailed":
            soc_to_occ.setdefault(code, occ)
            soc_to_occ.setdefault(soc_codes.onet_soc(code), occ)
    return AtlasCodes(cips, counties, levels, soc_to_occ)


def cip_codes(problems: Problems, cells: Cells, codes: AtlasCodes) -> pd.Series:
    """Each program's CIP 2020 six-digit code ('51.3801'); malformed, unknown and retired codes reported.

    A short code like '51.38' is usually a spreadsheet's number format dropping trailing zeros, so
    that message says how to keep them; a CIP 2010 code CIP 2020 moved or deleted is named as such.
    """
    text = cells.text["cip_code"]
    cip = apply(text, code_rules.cip6)
    shape_bad = cells.present("cip_code") & cip.isna()

    def cip_shape(r):
        if re.fullmatch(r"\d{1,2}(\.\d{1,3})?", text[r]):
            return (
                f"{cells.shown('cip_code', r)} is not a 6-digit CIP code; give the program's code like 51.3801"
                " (if a spreadsheet dropped trailing zeros, format the column as text)"
            )
        return f"{cells.shown('cip_code', r)} is not a 6-digit CIP code (expected like 51.3801 or 513801)"

    problems.flag(shape_bad, "cip_code", cip_shape)
    action = apply(cip, lambda c: codes.cips.get(c, "unknown"))
    problems.flag(action == "unknown", "cip_code", lambda r: f"{cip[r]} is not a code in CIP 2020")
    problems.flag(
        action.isin(["Moved to", "Deleted"]),
        "cip_code",
        lambda r: f"{cip[r]} is a CIP 2010 code that CIP 2020 {'moved' if action[r] == 'Moved to' else 'deleted'}; use its CIP 2020 code",
    )
    return cip


def counties(problems: Problems, cells: Cells, codes: AtlasCodes) -> pd.Series:
    """Each provider's county FIPS code (five digits, '1001' read as '01001'); malformed and unknown ones reported.

    The county places the provider in an OEWS area, so it must be one the atlas's county-to-area table holds.
    """
    text = cells.text["county_fips"]
    parsed = apply(text, code_rules.county_fips)
    shaped = parsed.notna()
    fips = text.mask(shaped, parsed.astype("string"))
    known = fips.isin(codes.counties.index).fillna(False).astype(bool) & shaped
    problems.flag(
        cells.present("county_fips") & ~shaped,
        "county_fips",
        lambda r: f"{cells.shown('county_fips', r)} is not a county FIPS code (5 digits, e.g. 48201)",
    )
    problems.flag(shaped & ~known, "county_fips", lambda r: f"{fips[r]} is not a county in the atlas's county-to-area table")
    return fips


@dataclass
class Targets:
    """Each row's target items, and what coding the job titles among them gave."""

    items: pd.Series  # per row the list of items given (codes and titles), None when blank
    title_occupations: dict[int, list[str]]  # per row the occupations its confidently coded titles add
    warnings: list[Problem]  # a title coded without enough confidence: not added
    title_codes: list[dict]  # one record per coded title (upward.hub.coded_titles.COLUMNS)


def target_occupations(con, problems: Problems, cells: Cells, codes: AtlasCodes, file: str) -> Targets:
    """Target occupations: each code a detailed SOC 2018 occupation the atlas holds; job titles coded to SOC.

    A code must name one occupation (not a group: a program trains for jobs, not for a SOC major
    group). An item that is not code-like is a job title (`coded_titles`), coded offline; a title
    coded with too little confidence is a warning, not a problem.
    """
    items = apply(cells.text["target_socs"], split_items)

    def reasons(given):
        out = []
        for item in given:
            if coded_titles.is_title(item):
                continue  # a job title: coded below
            parsed = code_rules.parse_soc(item)
            code = parsed.key if parsed else None
            if code is None:
                out.append(f"{item!r} is not a SOC code (expected like 29-1141)")
            elif code not in codes.soc_to_occ:
                level = codes.levels.get(code)
                out.append(
                    f"{code} is a {level} group, not a detailed occupation" if level else f"{code} is not a SOC 2018 occupation"
                )
        return "; ".join(out) + " (separate codes with ;)" if out else None

    bad = apply(items, reasons)
    problems.flag(bad.notna(), "target_socs", lambda r: bad[r])
    added, warnings, records = coded_titles.code_targets(con, items, codes.soc_to_occ, file, cells.text["program_id"])
    return Targets(items, added, warnings, records)
