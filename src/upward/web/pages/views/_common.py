"""Links, resolution of typed names and the context every page starts from (shared by every page)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from upward.atlas.lookup import resolve_area, resolve_occupation
from upward.atlas.provenance import releases
from upward.errors import UpwardError
from upward.formats import TIER_COLOURS
from upward.profiles import Profile
from upward.web.pages._cache import memo

TIER_COLORS = TIER_COLOURS  # the one palette (upward.formats), under the name the templates know
TIER_ORDER = ["quality", "near-quality", "low", "unknown"]


# ---------------------------------------------------------------------------------------------
# Links


def region_url(code: str) -> str:
    return f"/regions/{quote(code)}"


def occupation_url(area: str, soc: str) -> str:
    return f"/regions/{quote(area)}/occupations/{quote(soc)}"


def pathways_url(area: str, **params) -> str:
    q = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"/regions/{quote(area)}/pathways" + (f"?{q}" if q else "")


def _occ_link(area: str, key: str = "occ_code"):
    return lambda r: occupation_url(area, r[key]) if r.get(key) else None


def _notes(*results) -> list[str]:
    seen: list[str] = []
    for r in results:
        for n in (r or {}).get("notes", []) or []:
            if n not in seen:
                seen.append(n)
    return seen


def _base(con, prof: Profile, title: str, nav: str, area: dict | None = None) -> dict:
    return {
        "title": title,
        "nav": nav,
        "area": area,
        "profile": prof.record(),
        "household": prof.household,
        "data": memo(con, releases),
        "tables": {},
        "charts": {},
        "notes": [],
    }


# ---------------------------------------------------------------------------------------------
# Resolution (a friendly page, never a traceback)


def area_of(con, text: str):
    """The area a URL names, accepting what the CLI accepts (code, CBSA, state, name)."""
    return resolve_area(con, text)


def occupation_of(con, text: str, area_code: str):
    """The occupation a URL or form names; an unknown or ambiguous one links its candidates in this area."""
    try:
        return resolve_occupation(con, text)
    except UpwardError as exc:
        exc.link = lambda code: occupation_url(area_code, code)
        raise


def _sources(con) -> list[dict]:
    return [dict(zip(("key", "title", "release", "license"), r)) for r in con.execute("select key, title, release, license from sources order by key").fetchall()]


def sources(con) -> list[dict]:
    return memo(con, _sources)


# ---------------------------------------------------------------------------------------------
# Not found, ambiguous


def choices(exc: UpwardError) -> list[dict]:
    """Links for an ambiguous name's candidates or an unknown name's suggestions.

    Areas link to their region page; occupations (whose errors carry `link`) to their page in the
    region being viewed.
    """
    link = getattr(exc, "link", None)
    out = []
    for c in getattr(exc, "candidates", []) or []:
        code, _, rest = c.strip().partition("  ")
        out.append({"label": c.strip(), "href": link(code) if link else region_url(code)})
    for s in getattr(exc, "suggestions", []) or []:
        out.append({"label": s, "href": link(s) if link else "/find?" + urlencode({"q": s})})
    return out
