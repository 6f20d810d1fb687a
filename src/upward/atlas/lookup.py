"""Turn what a person types (a code, a CBSA, a county, a name, a title) into one area or occupation.

Resolution never guesses silently: a unique match is returned with a note of what was chosen,
several plausible matches raise AmbiguousError with the candidates, none raises NotFoundError
with the closest names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from upward import codes
from upward.atlas.query import record
from upward.errors import AmbiguousError, NotFoundError
from upward.limits import NAME_CHARS, bounded

NATIONAL = "0000000"
_NATION_WORDS = {"us", "usa", "national", "nation", "united states", "all"}


@dataclass(frozen=True)
class Resolved:
    code: str
    name: str
    note: str | None  # how the input was resolved; None when the user gave the code itself


def notes(*resolved: Resolved | None) -> list[str]:
    """How each typed name was resolved (none for a code, or a name not given), for the `resolved`
    list every face puts beside an answer about an area and an occupation."""
    return [r.note for r in resolved if r is not None and r.note]


def normalise(text: str) -> str:
    """Case, dashes, periods and spacing do not matter: 'St. Louis' = 'st louis', '–' = '-'."""
    text = re.sub(r"[\u2010-\u2015]", "-", text.lower()).replace(".", " ")
    return re.sub(r"\s+", " ", text).strip()


def _closest(query: str, names: list[str], limit: int = 3) -> list[str]:
    """The names most like the query (rapidfuzz WRatio). `cdist` releases the GIL while it scores, so
    a server thread suggesting names never holds up the event loop or other requests."""
    import numpy as np
    from rapidfuzz import fuzz, process

    scores = process.cdist([query], names, scorer=fuzz.WRatio, workers=1)[0]
    return [names[i] for i in np.argsort(-scores, kind="stable")[:limit]]


def _word_matches(q: str, rows: list[tuple], name_at: int = 1) -> list[tuple]:
    pattern = re.compile(rf"(?<![a-z0-9]){re.escape(q)}(?![a-z0-9])")
    return [r for r in rows if pattern.search(normalise(r[name_at]))]


#: What `resolve_area` and `resolve_occupation` accept, said once for the CLI's help, the API's
#: documentation and the README.
AREA_ACCEPTS = (
    "a seven-digit OEWS area code (0026420), a CBSA code (26420), a county FIPS code (48201), a state abbreviation (TX), "
    "'national', or a name or part of one (houston)"
)
SOC_ACCEPTS = "a SOC code (29-1141 or 291141), an O*NET-SOC code (29-1141.01, rolled up), or a title or O*NET alternate title (registered nurses)"


def resolve_area(con, text: str) -> Resolved:
    """Accepts an OEWS area code, a CBSA or county FIPS code, a state abbreviation or a name."""
    q = bounded(text, "The area", NAME_CHARS).strip()
    rows = con.execute("select area_code, area_name, area_type, state_abbr, cbsa_code from areas").fetchall()
    by_code = {r[0]: r for r in rows}
    if re.fullmatch(codes.OEWS_AREA, q):
        if q in by_code:
            return Resolved(q, by_code[q][1], None)
        raise NotFoundError(f"No OEWS area has the code {q}.", hint="List areas with: upward regions --search NAME")
    if re.fullmatch(codes.COUNTY_FIPS, q):  # or a CBSA: five digits too
        return _resolve_five_digits(con, q, rows, by_code)
    low = normalise(q)
    if low in _NATION_WORDS:
        return Resolved(NATIONAL, by_code[NATIONAL][1], f"'{q}' is the national estimate ({NATIONAL})")
    if re.fullmatch(r"[a-z]{2}", low):
        hit = [r for r in rows if r[2] == "state" and (r[3] or "").lower() == low]
        if hit:
            return Resolved(hit[0][0], hit[0][1], f"'{q}' is {hit[0][1]} ({hit[0][0]})")
        raise NotFoundError(f"'{q}' is not a state abbreviation OEWS publishes.", hint="List states with: upward regions --type state")
    exact = [r for r in rows if normalise(r[1]) == low]
    named_after = [r for r in _word_matches(low, rows) if normalise(r[1]).startswith(low) and r not in exact]
    if len(exact) == 1 and not (exact[0][2] == "state" and named_after):
        return Resolved(exact[0][0], exact[0][1], f"'{q}' is {exact[0][1]} ({exact[0][0]})")
    if exact:  # a state that shares its name with metros ('new york', 'washington')
        raise AmbiguousError(f"'{q}' names a state and {len(named_after)} metro area(s).", [_fmt(r) for r in exact + named_after])
    contains = _word_matches(low, rows)
    if len(contains) > 1:
        # 'houston' should pick the metro named after Houston, not every area with the word inside.
        leading = [r for r in contains if normalise(r[1]).startswith(low)]
        if len(leading) == 1:
            contains = leading
    return _from_words(q, contains, rows, "area", lambda r: r[1])


def _fmt(r: tuple) -> str:
    return f"{r[0]}  {r[1]} ({r[2]})"


def _from_words(q: str, contains: list[tuple], rows: list[tuple], what: str, order) -> Resolved:
    """The last step of a name lookup: the one (code, name, kind) row whose name holds the words,
    or up to 15 candidates in `order`, or the closest names."""
    if len(contains) == 1:
        r = contains[0]
        return Resolved(r[0], r[1], f"'{q}' resolved to {r[1]} ({r[0]})")
    if contains:
        raise AmbiguousError(f"'{q}' matches {len(contains)} {what}s.", [_fmt(r) for r in sorted(contains, key=order)[:15]])
    raise NotFoundError(f"No {what} matches '{q}'.", _closest(q, [r[1] for r in rows]))


def _resolve_five_digits(con, q: str, rows, by_code) -> Resolved:
    """A metro CBSA, else a county FIPS code, else a micropolitan CBSA (part of a nonmetro area)."""
    hit = [r for r in rows if r[4] == q]
    if hit:
        return Resolved(hit[0][0], hit[0][1], f"CBSA {q} is OEWS area {hit[0][0]} ({hit[0][1]})")
    county = con.execute("select county_name, state_abbr, area_code from geo_county_areas where county_fips = ?", [q]).fetchone()
    if county:
        area = by_code[county[2]]
        return Resolved(area[0], area[1], f"county {q} ({county[0]}, {county[1]}) is in OEWS area {area[0]} ({area[1]})")
    micro = con.execute(
        """select any_value(d.cbsa_title), list(distinct g.area_code order by g.area_code)
           from geo_cbsa_delineation d join geo_county_areas g using (county_fips)
           where d.cbsa_code = ?""",
        [q],
    ).fetchone()
    if micro and micro[0]:
        areas = [by_code[a] for a in micro[1]]
        if len(areas) == 1:
            a = areas[0]
            return Resolved(a[0], a[1], f"CBSA {q} ({micro[0]}) lies in OEWS area {a[0]} ({a[1]})")
        raise AmbiguousError(f"CBSA {q} ({micro[0]}) spans {len(areas)} OEWS areas.", [_fmt(a) for a in areas])
    raise NotFoundError(
        f"{q} is neither a CBSA nor a county FIPS code in the OMB 2023 delineations.",
        hint="List areas with: upward regions --search NAME",
    )


def resolve_occupation(con, text: str) -> Resolved:
    """Accepts a SOC code (29-1141 or 291141), an O*NET-SOC code (29-1141.01), or a title."""
    q = bounded(text, "The occupation", NAME_CHARS).strip()
    occ = con.execute("select occ_code, occ_title, level from occupations").fetchall()
    by_code = {r[0]: r for r in occ}
    parsed = codes.parse_soc(q)
    if parsed:
        return _resolve_code(con, q, parsed.soc, parsed.onet[7:] if parsed.onet else None, by_code)
    low = normalise(q)
    exact = [r for r in occ if normalise(r[1]) == low]
    if len(exact) > 1:  # 'Cashiers' is both a broad group and its one detailed occupation
        exact = [r for r in exact if r[2] == "detailed"] or exact
    if len(exact) == 1:
        return Resolved(exact[0][0], exact[0][1], None)
    alt = con.execute(
        """select distinct m.occ_code, any_value(t.alternate_title) from onet_alternate_titles t
           join soc_map m on m.system = 'onet' and m.code = t.onetsoc_code
           where lower(t.alternate_title) = ? or lower(t.short_title) = ? group by m.occ_code""",
        [low, low],
    ).fetchall()
    alt = [a for a in alt if a[0] in by_code]
    if len(alt) == 1:
        code = alt[0][0]
        return Resolved(code, by_code[code][1], f"'{q}' is an O*NET alternate title of {code} ({by_code[code][1]})")
    if alt:
        raise AmbiguousError(
            f"'{q}' is an O*NET alternate title of {len(alt)} occupations.",
            [f"{c}  {by_code[c][1]}" for c, _ in sorted(alt)],
        )
    contains = _word_matches(low, occ)
    detailed = [r for r in contains if r[2] == "detailed"]
    if len(detailed) == 1:
        contains = detailed
    return _from_words(q, contains, occ, "occupation", lambda r: (r[2] != "detailed", r[1]))


def _resolve_code(con, q: str, code: str, detail: str | None, by_code: dict) -> Resolved:
    if detail:
        row = con.execute("select occ_code from soc_map where system = 'onet' and code = ?", [code + detail]).fetchone()
        if row:
            return Resolved(row[0], by_code[row[0]][1], f"O*NET-SOC {q} rolls up to {row[0]} ({by_code[row[0]][1]})")
        hint = f"SOC {code} is {by_code[code][1]}." if code in by_code else "Search by title instead."
        raise NotFoundError(f"O*NET has no occupation {code}{detail}.", hint=hint)
    if code in by_code:
        return Resolved(code, by_code[code][1], None)
    row = con.execute("select occ_code from soc_map where system = 'onet' and code like ? limit 1", [code + ".%"]).fetchone()
    if row and row[0] in by_code:
        return Resolved(row[0], by_code[row[0]][1], f"SOC {code} is published by OEWS within {row[0]} ({by_code[row[0]][1]})")
    raise NotFoundError(f"No occupation has the code {q}.", hint="Search by title, e.g. upward occupation 'registered nurses'.")


def area_record(con, area_code: str) -> dict:
    """The few area fields every result names."""
    return record(
        con,
        "select area_code, area_name, area_type, state_abbr, price_parity, total_employment from areas where area_code = ?",
        [area_code],
    )
