"""How much of each area's employment the O*NET descriptors cover, after SOC reconciliation.

Two shares per area: of all employment (the all-occupations total) and of the employment in
detailed occupations OEWS published there. They differ where BLS withheld detailed cells
(footnote 8) — employment that exists but cannot be assigned to an occupation, which is why
small metros look poorly covered on the first share and well covered on the second.
"""

from __future__ import annotations

from statistics import median

from upward.atlas.query import records
from upward.soc import DIRECT_METHODS

#: An occupation "has descriptors" when O*NET rates it (importance and level) in at least one of
#: the four domains pathways compare; proxies for "All Other" codes are counted separately.
DOMAINS = ("skills", "knowledge", "abilities", "work_activities")


def onet_coverage(con) -> dict:
    per_area = records(
        con,
        f"""
        with rated as (
            select occ_code, bool_or(method in {DIRECT_METHODS}) as direct
            from descriptors where domain in {DOMAINS} group by occ_code
        )
        select a.area_code, a.area_type, any_value(a.total_employment) as total_employment,
               sum(w.tot_emp) as detailed_employment,
               sum(w.tot_emp) filter (where r.direct) as rated_employment,
               sum(w.tot_emp) filter (where r.direct) / any_value(a.total_employment) as share_of_total,
               sum(w.tot_emp) filter (where r.direct) / sum(w.tot_emp) as share_of_detailed,
               sum(w.tot_emp) filter (where r.occ_code is not null) / any_value(a.total_employment)
                   as share_of_total_with_proxies
        from areas a join wages w using (area_code) join occupations o using (occ_code)
        left join rated r using (occ_code)
        where o.level = 'detailed' and w.tot_emp is not null
        group by a.area_code, a.area_type order by a.area_code
        """,
    )
    by_type = []
    for area_type in ("national", "state", "metro", "nonmetro"):
        rows = [r for r in per_area if r["area_type"] == area_type]
        by_type.append(
            {
                "area_type": area_type,
                "areas": len(rows),
                "min_share_of_total": min(r["share_of_total"] for r in rows),
                "median_share_of_total": median(r["share_of_total"] for r in rows),
                "min_share_of_detailed": min(r["share_of_detailed"] for r in rows),
                "median_share_of_detailed": median(r["share_of_detailed"] for r in rows),
            }
        )
    national = next(r for r in per_area if r["area_code"] == "0000000")
    by_domain = records(
        con,
        f"""select d.domain, sum(w.tot_emp) / any_value(a.total_employment) as national_share
            from (select distinct occ_code, domain from descriptors where method in {DIRECT_METHODS}) d
            join wages w using (occ_code) join occupations o using (occ_code) join areas a using (area_code)
            where w.area_code = '0000000' and o.level = 'detailed' group by d.domain order by d.domain""",
    )
    unrated = records(
        con,
        f"""select o.occ_code, o.occ_title, w.tot_emp from occupations o join wages w using (occ_code)
            where w.area_code = '0000000' and o.level = 'detailed'
              and o.occ_code not in (select occ_code from descriptors where domain in {DOMAINS})
            order by w.tot_emp desc nulls last""",
    )
    return {
        "domains": list(DOMAINS),
        "national_share": national["share_of_total"],
        "national_share_of_detailed": national["share_of_detailed"],
        "national_share_with_all_other_proxies": national["share_of_total_with_proxies"],
        "national_share_by_domain": by_domain,
        "by_area_type": by_type,
        "per_area": per_area,
        "national_unrated_occupations": unrated,
    }


def atlas_info(con) -> dict:
    """`upward atlas info` and GET /api/v1/atlas: the atlas's build record (`meta`), the data
    releases in use (`sources`), every release held (`releases`) and O*NET's coverage."""
    from upward.atlas.releases import held_records

    meta = dict(con.execute("select key, value from meta").fetchall())
    sources = [dict(zip(("key", "title", "release", "license"), r)) for r in con.execute("select key, title, release, license from sources").fetchall()]
    return {"meta": meta, "sources": sources, "releases": held_records(con), "onet_coverage": onet_coverage(con)}
