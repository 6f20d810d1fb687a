"""The region's own recommended pathways into Jobs That Mobilize, and the stepping stones on them.

One definition, used by the report's pathways section and by programme advice, so the two
never disagree: the recommended pathways are the default pathways (`pathways.pathways`, the
profile's ranking into the region's JTMs) from each of the region's largest low-wage
occupations — the low quality tier, largest first, as `upward quality` lists them — for the
profile's `pathways.origins` of them.

A **stepping stone** is an occupation on such a pathway: where it starts, a job it passes
through, or the JTM it reaches (home health aides → *nursing assistants* → *licensed practical
nurses*). A programme that trains for one (or is a shorter award in its field) is a step of the
region's own advice, so programme alignment never proposes it for phase-out
(analysis/programs.py).
"""

from __future__ import annotations

from upward.atlas.provenance import atlas_id
from upward.cache import Cache, hub_key
from upward.errors import NoJobsThatMobilizeError, UpwardError
from upward.profiles import Profile

#: A few regions' recommended pathways (each a handful of pathway results; upward.cache).
_KEPT = Cache("recommended pathways", entries=16, megabytes=32)


def recommended(con, area_code: str, profile: Profile, hub=None) -> dict:
    """The recommended pathways of an area: per origin (largest low-wage occupation first) its
    `pathways()` result, the origins that have none and why, and the reason there are none at all.

    `origins[k]` = {"index": position in `upward quality`'s largest_low_quality, "origin": that row,
    "result": the pathways() result}. Kept per atlas, area, profile and hub state (the hub only
    changes the training listed on each step)."""
    key = (atlas_id(con), area_code, profile.hash, hub_key(hub))
    return _KEPT.get_or_build(key, lambda: _recommended(con, area_code, profile, hub))


def _recommended(con, area_code: str, profile: Profile, hub) -> dict:
    from upward.analysis import quality
    from upward.analysis.pathways import pathways

    low = quality.quality_report(con, area_code, profile, int(profile.get("pathways.origins")))["largest_low_quality"]
    out: dict = {"origins": [], "skipped": [], "none_reason": None}
    if not low:
        out["none_reason"] = "No occupation here is in the low tier (or the area has no living wage), so there is no low-wage origin."
        return out
    for i, o in enumerate(low):
        try:
            r = pathways(con, area_code, o["occ_code"], profile, hub=hub)
        except UpwardError as exc:
            out["skipped"].append({"index": i, "soc": o["occ_code"], "title": o["occ_title"], "reason": exc.message})
            if isinstance(exc, NoJobsThatMobilizeError):
                out["none_reason"] = exc.message
                break
            continue
        if not r["pathways"]:
            out["skipped"].append({"index": i, "soc": o["occ_code"], "title": o["occ_title"], "reason": " ".join(r["notes"]) or "no pathway"})
            continue
        out["origins"].append({"index": i, "origin": o, "result": r})
    return out


def path_words(result: dict, path: dict) -> str:
    """'Home Health and Personal Care Aides → Licensed Practical and Licensed Vocational Nurses'."""
    return " → ".join([result["from"]["title"], *(s["to_title"] for s in path["steps"])])


def stepping_stones(con, area_code: str, profile: Profile, hub=None) -> dict[str, list[str]]:
    """Occupation → the recommended pathways (in words) it is on — as their start, a job they pass
    through or their JTM — each pathway once, best-ranked first. (`hub` only shares the memo
    with the report, which lists the hub's training on each step.)"""
    rec = recommended(con, area_code, profile, hub)
    out: dict[str, list[str]] = {}
    for o in rec["origins"]:
        r = o["result"]
        for p in r["pathways"]:
            words = path_words(r, p)
            for code in [r["from"]["soc"], *(s["to"] for s in p["steps"])]:
                if words not in out.setdefault(code, []):
                    out[code].append(words)
    return out
