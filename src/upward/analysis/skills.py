"""The skill landscape of a region and the proficiency benchmark of an occupation.

**One measure per element.** An occupation's need for a skill or knowledge area is O*NET's level
weighted by its importance: `LV × (IM − 1) / 4` (level on O*NET's 0–7 scale, importance on its
1–5 scale). The same combination Upward's similarity uses: an element rated unimportant
(IM = 1) counts for nothing however high its level, and an extremely important one (IM = 5)
counts at its full level. The measure stays on the level scale (0–7), so a landscape value of
3 reads as "level 3, if it were extremely important everywhere".

**Landscape** (`landscape`). For each skill (O*NET 29.3's 35; the ten occupations O*NET rates
only in release 30 carry its ten basic skills alone and are left out of the skills rows rather
than counted as zero on the other 25) and each knowledge area (33, both releases complete):

- *supply*: the mean of the measure over the region's jobs — occupations weighted by their OEWS
  employment in the area, over the detailed occupations O*NET rates (the labelled "All Other"
  proxies included). What the region's workforce already does, as one number per element.
- *demand*: the same mean over the region's Jobs That Mobilize, weighted by each JTM's annual
  openings in the area (the national openings rate of BLS Projections × the area's employment,
  as the employers pillar counts them). Openings, not employment, because demand is about the
  people to be hired. A JTM without projections (rare) is weighted by its employment times the
  area's openings per job, so it neither vanishes nor counts as a whole workforce.
- *gap* = demand − supply (same units), and *gap_ratio* = demand / supply; rows sort by gap,
  largest first: the skills the region's best jobs ask for more than its current jobs use
  (by supply when the region has no JTM, hence no demand).

The weighted mean importance and mean level behind each side are shown too, so a gap can be read
as "more important" or "a higher level". Coverage says what share of the area's employment, and
of its JTMs' openings, O*NET rates.

**Benchmark** (`benchmark`). An occupation's essential elements are those in the profile's
`benchmarks.domains` (skills and knowledge by default: what training builds and employers can
judge; abilities are enduring traits) with O*NET importance ≥ `benchmarks.essential_importance`.
Each carries O*NET's importance and level and the level in words, from O*NET's level scale
anchors (`level_meaning`): "level 4.25: between 'Understand an apartment lease' (4) and
'Understand an instruction book on repairing Artificial Intelligence systems' (6)".

**Regional adjustment by employers** (`adjust`). Ratings imported into the hub
(upward.hub.rating_import) adjust the benchmark for their region:

1. Each rater (rater name and organisation, compared by `upward.text.identity`: without case,
   spaces, invisible characters or look-alike letters from another script) has one voice per element: their latest rating (latest import, then latest file row). Earlier ratings
   stay in the hub and in the output, marked superseded.
2. Membership: `agree`, `raise`, `lower` and `add` vote to keep the element, `remove` to drop it.
   More keep than drop votes: the element is in the regional benchmark; more drop votes: it is
   out; a tie (including no votes at all) keeps O*NET's verdict (essential or not). So an
   employer can add a skill O*NET rates below the bar, and employers together can remove one.
3. Level: the median of the keeping voices' levels — `agree` is O*NET's level, `raise`,
   `lower` and `add` their proposed level — plus O*NET's own level as one more voice when
   `benchmarks.onet_counts_as_voice` is true (the default). One employer raising 4 to 5 moves
   the regional level to 4.5; three employers at 5 move it to 5.
"""

from __future__ import annotations

import statistics

from upward.atlas.lookup import area_record
from upward.atlas.provenance import releases
from upward.atlas.query import exact_sum, record, records
from upward.errors import UpwardError
from upward.profiles import Profile

LANDSCAPE_DOMAINS = ("skills", "knowledge")
RATINGS = ("agree", "raise", "lower", "add", "remove")
#: The SQL of the measure, for one occupation and element (also written in the docs).
MEASURE_SQL = "lv * (im - 1) / 4"


def _rated_sql(domains: tuple[str, ...]) -> str:
    """One row per occupation and element: importance, level, release, method (skills from 29.3 only)."""
    quoted = ", ".join(f"'{d}'" for d in domains)
    return f"""
        select occ_code, domain, element_id, any_value(element_name) as element_name,
               max(value) filter (where scale_id = 'IM') as im,
               max(value) filter (where scale_id = 'LV') as lv,
               any_value(onet_release) as onet_release, any_value(method) as method
        from descriptors where domain in ({quoted})
        group by occ_code, domain, element_id
        having im is not null and lv is not null
           and not (domain = 'skills' and any_value(onet_release) = '30')
    """


# ---------------------------------------------------------------------------------------------
# Level anchors


def anchors(con, element_ids: list[str] | None = None) -> dict[str, list[tuple[float, str]]]:
    """O*NET's level scale anchors per element: [(value, description)], lowest first."""
    sql = "select element_id, anchor_value, anchor_description from onet_level_anchors where scale_id = 'LV'"
    params: list = []
    if element_ids is not None:
        if not element_ids:
            return {}
        sql += f" and element_id in ({', '.join('?' for _ in element_ids)})"
        params = list(element_ids)
    out: dict[str, list[tuple[float, str]]] = {}
    for element, value, text in con.execute(sql + " order by element_id, anchor_value", params).fetchall():
        out.setdefault(element, []).append((float(value), text))
    return out


def _fmt(level: float) -> str:
    return f"{round(level, 2):g}"


def level_meaning(level: float | None, element_anchors: list[tuple[float, str]]) -> str | None:
    """A level in O*NET's own words: at an anchor, between the two around it, or below/above them all."""
    if level is None:
        return None
    if not element_anchors:
        return f"level {_fmt(level)} (O*NET publishes no anchors for this element)"
    head = f"level {_fmt(level)}"
    for value, text in element_anchors:
        if abs(level - value) < 0.005:
            return f"{head}: '{text}' ({_fmt(value)})"
    below = [a for a in element_anchors if a[0] < level]
    above = [a for a in element_anchors if a[0] > level]
    if not below:
        value, text = above[0]
        return f"{head}: below '{text}' ({_fmt(value)})"
    if not above:
        value, text = below[-1]
        return f"{head}: above '{text}' ({_fmt(value)})"
    (lo, lo_text), (hi, hi_text) = below[-1], above[0]
    return f"{head}: between '{lo_text}' ({_fmt(lo)}) and '{hi_text}' ({_fmt(hi)})"


# ---------------------------------------------------------------------------------------------
# Landscape


def landscape(con, area_code: str, profile: Profile) -> dict:
    """Supply (employment-weighted) and JTM demand (openings-weighted) of every skill and knowledge area in a region."""
    from upward.analysis.mobilize import jobs

    area = area_record(con, area_code)
    if area is None:
        raise UpwardError(f"No area {area_code} in the atlas.", hint="List areas with: upward regions --search NAME")
    scored = jobs(con, area_code, profile, lens="jtm", top=None, include_all=True)
    with_openings = [j for j in scored["jobs"] if j["openings"] is not None and j["employment"]]
    rate = sum(j["openings"] for j in with_openings) / sum(j["employment"] for j in with_openings) if with_openings else None
    jtms, imputed = [], []
    for j in (j for j in scored["jobs"] if j["jtm"]):
        w = j["openings"]
        if w is None and rate is not None:
            w = j["employment"] * rate
            imputed.append(j["occ_code"])
        if w is not None:
            jtms.append({"occ_code": j["occ_code"], "occ_title": j["occ_title"], "weight": float(w), "weight_imputed": j["openings"] is None})
    weights = [(j["occ_code"], j["weight"]) for j in jtms]

    rows = records(
        con,
        f"""
        with rated as ({_rated_sql(LANDSCAPE_DOMAINS)}),
        jtm as (select unnest(?::varchar[]) as occ_code, unnest(?::double[]) as w),
        jobs as (
            select w.occ_code, w.tot_emp from wages w join occupations o using (occ_code)
            where w.area_code = ? and o.level = 'detailed' and w.tot_emp is not null
        ),
        supply as (
            select r.domain, r.element_id, any_value(r.element_name) as element_name,
                   {exact_sum('j.tot_emp * ' + MEASURE_SQL)} / {exact_sum('j.tot_emp')} as supply,
                   {exact_sum('j.tot_emp * r.im')} / {exact_sum('j.tot_emp')} as supply_importance,
                   {exact_sum('j.tot_emp * r.lv')} / {exact_sum('j.tot_emp')} as supply_level,
                   {exact_sum('j.tot_emp')} as rated_employment
            from rated r join jobs j using (occ_code) group by r.domain, r.element_id
        ),
        demand as (
            select r.domain, r.element_id,
                   {exact_sum('d.w * ' + MEASURE_SQL)} / {exact_sum('d.w')} as demand,
                   {exact_sum('d.w * r.im')} / {exact_sum('d.w')} as demand_importance,
                   {exact_sum('d.w * r.lv')} / {exact_sum('d.w')} as demand_level,
                   {exact_sum('d.w')} as rated_openings, count(*) as rated_jtms
            from rated r join jtm d using (occ_code) group by r.domain, r.element_id
        )
        select s.domain, s.element_id, s.element_name, s.supply, d.demand,
               d.demand - s.supply as gap, d.demand / nullif(s.supply, 0) as gap_ratio,
               s.supply_importance, s.supply_level, d.demand_importance, d.demand_level,
               s.rated_employment, d.rated_openings, d.rated_jtms
        from supply s left join demand d using (domain, element_id)
        order by gap desc nulls last, s.supply desc, s.domain, s.element_id
        """,
        [[c for c, _ in weights], [w for _, w in weights], area_code],
    )
    coverage = _landscape_coverage(con, area, area_code)
    total_openings = sum(w for _, w in weights)
    for domain in LANDSCAPE_DOMAINS:
        rated = max((r["rated_openings"] or 0 for r in rows if r["domain"] == domain), default=0)
        # the two sums add the same openings in a different order (SQL, Python): a full share can come out 1 + 1e-16
        coverage[domain]["share_of_jtm_openings"] = min(1.0, rated / total_openings) if total_openings else None
    found = anchors(con, [r["element_id"] for r in rows])
    for r in rows:
        r["demand_level_meaning"] = level_meaning(r["demand_level"], found.get(r["element_id"], []))
        r["supply_level_meaning"] = level_meaning(r["supply_level"], found.get(r["element_id"], []))
    notes = list(scored["notes"])
    if not jtms:
        notes.append("No Jobs That Mobilize here, so no demand and no gaps: the table shows supply only.")
    if imputed:
        notes.append(
            f"{len(imputed)} JTM{'s' * (len(imputed) != 1)} without BLS projections ({', '.join(imputed)}) weighted by "
            f"employment × the area's openings per job ({rate:.3f})."
        )
    return {
        "area": area,
        "profile": profile.record(),
        "measure": "O*NET level × (importance − 1) / 4, per occupation and element (0–7)",
        "supply_weights": "OEWS employment of each rated detailed occupation in the area",
        "demand_weights": "annual openings of each Job That Mobilizes in the area (national openings rate × area employment)",
        "jtm_count": len(jtms),
        "jtms": jtms,
        "coverage": coverage,
        "elements": rows,
        "notes": notes,
        "data": releases(con),
    }


def _landscape_coverage(con, area: dict, area_code: str) -> dict:
    """Per domain: the share of the area's employment in occupations O*NET rates (and via proxies)."""
    out = {}
    total = area["total_employment"]
    for domain in LANDSCAPE_DOMAINS:
        rated, proxied = con.execute(
            f"""with rated as (select distinct occ_code, method from ({_rated_sql((domain,))}))
                select sum(w.tot_emp), sum(w.tot_emp) filter (where r.method like 'all_other%')
                from wages w join occupations o using (occ_code) join rated r using (occ_code)
                where w.area_code = ? and o.level = 'detailed' and w.tot_emp is not null""",
            [area_code],
        ).fetchone()
        out[domain] = {
            "rated_employment": rated or 0.0,
            "share_of_employment": (rated or 0.0) / total if total else None,
            "share_via_all_other_proxies": (proxied or 0.0) / total if total else None,
        }
    return out


# ---------------------------------------------------------------------------------------------
# Benchmark


def _voice_key(rating: dict) -> tuple[str, str]:
    """Who is speaking: rater and organisation as `upward.text.identity` compares them, so look-alike spellings are one voice."""
    from upward.text import identity

    return identity(str(rating["rater"])), identity(str(rating.get("organisation") or ""))


def adjust(element: dict, ratings: list[dict], onet_counts_as_voice: bool) -> dict:
    """The regional verdict on one element from its ratings (the rule in the module docstring).

    `element`: importance, level, essential (O*NET's); `ratings`: dicts with rating,
    proposed_level, rater, organisation, import_id, file_row. Returns status, region_level,
    keep/drop vote counts, and the ratings each marked `current` (a rater's latest) or not.
    """
    ordered = sorted(ratings, key=lambda r: (r["import_id"], r["file_row"]))
    latest: dict[tuple[str, str], dict] = {}
    for r in ordered:
        latest[_voice_key(r)] = r
    current = {id(r) for r in latest.values()}
    keep = [r for r in latest.values() if r["rating"] != "remove"]
    drop = len(latest) - len(keep)
    included = len(keep) > drop or (len(keep) == drop and element["essential"])
    levels = [element["level"] if r["rating"] == "agree" else r["proposed_level"] for r in keep]
    if onet_counts_as_voice or not levels:
        levels.append(element["level"])
    if not latest:
        status = "onet" if element["essential"] else "not essential"
    elif element["essential"]:
        status = "rated" if included else "removed"
    else:
        status = "added" if included else "not added"
    return {
        "status": status,
        "in_benchmark": included,
        "region_level": float(statistics.median(levels)) if included else None,
        "keep_votes": len(keep),
        "drop_votes": drop,
        "ratings": [{**r, "current": id(r) in current} for r in ordered],
    }


def _occupation(con, occ_code: str) -> dict:
    occ = record(con, "select occ_code, occ_title, level from occupations where occ_code = ?", [occ_code])
    if occ is None:
        raise UpwardError(f"No occupation {occ_code} in the atlas.", hint="Search by title, e.g. upward occupation 'registered nurses'.")
    return occ


def elements(con, occ_code: str, domains: list[str] | tuple[str, ...]) -> list[dict]:
    """Every element O*NET rates for the occupation in these domains (both scales), most important first."""
    quoted = ", ".join(f"'{d}'" for d in domains)
    return records(
        con,
        f"""select domain, element_id, any_value(element_name) as element_name,
                   max(value) filter (where scale_id = 'IM') as importance,
                   max(value) filter (where scale_id = 'LV') as level,
                   any_value(onet_release) as onet_release, any_value(method) as method,
                   bool_or(recommend_suppress) as recommend_suppress
            from descriptors where occ_code = ? and domain in ({quoted})
            group by domain, element_id
            having importance is not null and level is not null
            order by importance desc, level desc, element_id""",
        [occ_code],
    )


def benchmark(con, area_code: str | None, occ_code: str, profile: Profile, hub=None, *, ratings: list[dict] | None = None) -> dict:
    """The occupation's essential skills with O*NET's importance, level and level anchors; adjusted for a region by its employers' ratings.

    `area_code` None is the national benchmark. With an area, the ratings for that region come from `hub` (upward.hub.HubData, as a face
    hands it over; none when it is None), or from `ratings` when given (an import's dry run: the
    hub's plus the file's).
    """
    cfg = profile.get("benchmarks")
    occ = _occupation(con, occ_code)
    rated = elements(con, occ_code, cfg["domains"])
    if not rated:
        raise UpwardError(
            f"O*NET rates none of the {', '.join(cfg['domains'])} of {occ['occ_title']} ({occ_code}), so it has no benchmark.",
            hint="See `upward atlas info` for which occupations O*NET covers.",
        )
    threshold = cfg["essential_importance"]
    found = anchors(con, [e["element_id"] for e in rated])
    area = None
    if area_code is not None:
        area = area_record(con, area_code)
        if area is None:
            raise UpwardError(f"No area {area_code} in the atlas.", hint="List areas with: upward regions --search NAME")
        if ratings is None and hub is not None:
            ratings = hub.ratings(area_code, occ_code)
    ratings = [r for r in ratings or [] if (r["area_code"], r["occ_code"]) == (area_code, occ_code)]
    by_element: dict[str, list[dict]] = {}
    for r in ratings:
        by_element.setdefault(r["element_id"], []).append(r)
    rows, others = [], []
    for e in rated:
        e = {**e, "essential": e["importance"] >= threshold}
        a = found.get(e["element_id"], [])
        e["level_meaning"] = level_meaning(e["level"], a)
        e["anchors"] = [{"value": v, "description": t} for v, t in a]
        if area is not None:
            verdict = adjust(e, by_element.get(e["element_id"], []), cfg["onet_counts_as_voice"])
            e.update(verdict)
            e["region_level_meaning"] = level_meaning(verdict["region_level"], a)
            e["change"] = None if verdict["region_level"] is None else verdict["region_level"] - e["level"]
        if e["essential"] or (area is not None and e["ratings"]):
            rows.append(e)
        else:
            others.append({k: e[k] for k in ("domain", "element_id", "element_name", "importance", "level", "level_meaning")})
    order = {"onet": 0, "rated": 0, "added": 1, "removed": 2, "not added": 3}
    rows.sort(key=lambda e: (order.get(e.get("status"), 0), -e["importance"], -e["level"], e["element_id"]))
    notes = []
    if any(e["domain"] == "skills" and e["onet_release"] == "30" for e in rated):
        notes.append("O*NET 29.3 does not rate this occupation's skills; O*NET 30 gives its ten basic skills only.")
    if any(str(e["method"]).startswith("all_other") for e in rated):
        notes.append("Proxy ratings: the mean of the named occupations in the same SOC group (O*NET does not rate this 'All Other' code).")
    if any(e["recommend_suppress"] for e in rows):
        notes.append("O*NET recommends suppressing some of these estimates (low precision): they are marked.")
    if not any(e["importance"] >= threshold for e in rated):
        notes.append(f"No element reaches the importance bar of {threshold:g}; lower benchmarks.essential_importance to see more.")
    result = {
        "occupation": occ,
        "area": area,
        "profile": profile.record(),
        "essential_importance": threshold,
        "domains": list(cfg["domains"]),
        "onet_counts_as_voice": cfg["onet_counts_as_voice"],
        "elements": rows,
        "other_elements": others,
        "notes": notes,
        "data": releases(con),
    }
    if area is not None:
        raters = {_voice_key(r): (r["rater"], r.get("organisation")) for r in ratings}
        result["ratings"] = len(ratings)
        result["raters"] = [{"rater": a, "organisation": b} for a, b in raters.values()]
    return result
