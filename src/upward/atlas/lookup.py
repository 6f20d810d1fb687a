"""Turn what a person types (a code, a CBSA, a name, a title) into one area or occupation, saying how.

Resolution never guesses silently: a unique match is returned with a note of what was chosen,
several equal matches raise AmbiguousError with the candidates, none raises NotFoundError with
the closest names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from upward.errors import AmbiguousError, NotFoundError

NATIONAL = "0000000"
_NATION_WORDS = {"us", "u.s.", "usa", "national", "nation", "united states", "all"}


@dataclass(frozen=True)
class Resolved:
    code: str
    name: str
    note: str | None  # how a name was resolved; None when the user gave the code itself


def _closest(query: str, names: list[str], limit: int = 3) -> list[str]:
    from rapidfuzz import fuzz, process

    return [m[0] for m in process.extract(query, names, scorer=fuzz.WRatio, limit=limit)]


def resolve_area(con, text: str) -> Resolved:
    """Accepts a 7-digit OEWS area code, a 5-digit CBSA code, a state abbreviation or a name."""
    q = text.strip()
    rows = con.execute("select area_code, area_name, area_type, state_abbr, cbsa_code from areas").fetchall()
    by_code = {r[0]: r for r in rows}
    if re.fullmatch(r"\d{7}", q):
        if q in by_code:
            return Resolved(q, by_code[q][1], None)
        raise NotFoundError(f"No OEWS area has the code {q}.", hint="List areas with: upward regions --search NAME")
    if re.fullmatch(r"\d{5}", q):
        hit = [r for r in rows if r[4] == q]
        if hit:
            return Resolved(hit[0][0], hit[0][1], f"CBSA {q} is OEWS area {hit[0][0]} ({hit[0][1]})")
        raise NotFoundError(
            f"No OEWS metro area has the CBSA code {q}.",
            hint="OEWS uses the OMB 2023 CBSA codes; micropolitan areas are part of nonmetropolitan areas. "
            "List areas with: upward regions --search NAME",
        )
    low = q.lower()
    if low in _NATION_WORDS:
        return Resolved(NATIONAL, by_code[NATIONAL][1], f"'{q}' is the national estimate ({NATIONAL})")
    if re.fullmatch(r"[A-Za-z]{2}", q):
        hit = [r for r in rows if r[2] == "state" and (r[3] or "").lower() == low]
        if hit:
            return Resolved(hit[0][0], hit[0][1], f"'{q}' is the state of {hit[0][1]} ({hit[0][0]})")
    exact = [r for r in rows if r[1].lower() == low]
    if len(exact) == 1:
        return Resolved(exact[0][0], exact[0][1], None)
    contains = [r for r in rows if low in r[1].lower()]
    if len(contains) > 1:
        # 'houston' should pick the metro named after Houston, not every area with the word inside.
        leading = [r for r in contains if re.match(rf"{re.escape(low)}\b", r[1].lower())]
        if len(leading) == 1:
            contains = leading
    if len(contains) == 1:
        r = contains[0]
        return Resolved(r[0], r[1], f"'{q}' resolved to {r[1]} ({r[0]})")
    if contains:
        raise AmbiguousError(
            f"'{q}' matches {len(contains)} areas.",
            [f"{r[0]}  {r[1]} ({r[2]})" for r in sorted(contains, key=lambda r: r[1])[:15]],
        )
    raise NotFoundError(f"No area matches '{q}'.", _closest(q, [r[1] for r in rows]))


def resolve_occupation(con, text: str) -> Resolved:
    """Accepts a SOC code (29-1141 or 291141), an O*NET-SOC code (29-1141.01), or a title."""
    q = text.strip()
    occ = con.execute("select occ_code, occ_title, level from occupations").fetchall()
    by_code = {r[0]: r for r in occ}
    m = re.fullmatch(r"(\d{2})-?(\d{4})(\.\d{2})?", q)
    if m:
        code = f"{m.group(1)}-{m.group(2)}"
        if m.group(3):
            row = con.execute(
                "select occ_code from soc_map where system = 'onet' and code = ?", [code + m.group(3)]
            ).fetchone()
            if row:
                return Resolved(row[0], by_code[row[0]][1], f"O*NET-SOC {q} rolls up to {row[0]} ({by_code[row[0]][1]})")
        if code in by_code:
            return Resolved(code, by_code[code][1], None)
        row = con.execute("select occ_code from soc_map where system = 'onet' and code like ? limit 1", [code + ".%"]).fetchone()
        if row and row[0] in by_code:
            return Resolved(row[0], by_code[row[0]][1], f"SOC {code} is published by OEWS within {row[0]} ({by_code[row[0]][1]})")
        raise NotFoundError(f"No occupation has the code {q}.", hint="Search by title, e.g. upward occupation 'registered nurses'.")
    low = q.lower()
    exact = [r for r in occ if r[1].lower() == low]
    if len(exact) == 1:
        return Resolved(exact[0][0], exact[0][1], None)
    alt = con.execute(
        """select distinct m.occ_code from onet_alternate_titles t
           join soc_map m on m.system = 'onet' and m.code = t.onetsoc_code
           where lower(t.alternate_title) = ? or lower(t.short_title) = ?""",
        [low, low],
    ).fetchall()
    if len(alt) == 1 and alt[0][0] in by_code:
        code = alt[0][0]
        return Resolved(code, by_code[code][1], f"'{q}' is an O*NET alternate title of {code} ({by_code[code][1]})")
    contains = [r for r in occ if low in r[1].lower()]
    detailed = [r for r in contains if r[2] == "detailed"]
    if len(detailed) == 1:
        contains = detailed
    if len(contains) == 1:
        r = contains[0]
        return Resolved(r[0], r[1], f"'{q}' resolved to {r[1]} ({r[0]})")
    if contains:
        raise AmbiguousError(
            f"'{q}' matches {len(contains)} occupations.",
            [f"{r[0]}  {r[1]} ({r[2]})" for r in sorted(contains, key=lambda r: (r[2] != 'detailed', r[1]))[:15]],
        )
    raise NotFoundError(f"No occupation matches '{q}'.", [f"{c}" for c in _closest(q, [r[1] for r in occ])])
