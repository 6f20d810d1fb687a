"""How much of each area's employment the O*NET descriptors cover, after SOC reconciliation.

Two shares per area: of all employment (the all-occupations total) and of the employment in
detailed occupations OEWS published there. They differ where BLS withheld detailed cells
(footnote 8) — employment that exists but cannot be assigned to an occupation.
"""

from __future__ import annotations

from upward.analysis._rows import records

from upward.soc import DIRECT_METHODS

#: An occupation "has descriptors" when O*NET rates it (importance and level) in at least one of
#: the four domains pathways compare; proxies for "All Other" codes are counted separately.
DOMAINS = ("skills", "knowledge", "abilities", "work_activities")


def onet_coverage(con) -> dict:
    rated_sql = f"select distinct occ_code from descriptors where domain in {DOMAINS} and method in {DIRECT_METHODS}"
    per_area = records(
        con,
        f"""
        with rated as ({rated_sql}),
        det as (
            select w.area_code, w.occ_code, w.tot_emp, r.occ_code is not null as rated
            from wages w join occupations o using (occ_code) left join rated r using (occ_code)
            where o.level = 'detailed' and w.tot_emp is not null
        )
        select a.area_code, a.area_type, a.total_employment,
               sum(d.tot_emp) filter (where d.rated) as rated_employment,
               sum(d.tot_emp) as detailed_employment,
               sum(d.tot_emp) filter (where d.rated) / any_value(a.total_employment) as share_of_total,
               sum(d.tot_emp) filter (where d.rated) / sum(d.tot_emp) as share_of_detailed
        from areas a join det d using (area_code)
        group by all order by a.area_code
        """,
    )
    by_type = records(
        con,
        f"""
        with rated as ({rated_sql}),
        s as (
            select a.area_code, a.area_type,
                   sum(w.tot_emp) filter (where r.occ_code is not null) / any_value(a.total_employment) as share
            from areas a join wages w using (area_code) join occupations o using (occ_code)
            left join rated r using (occ_code)
            where o.level = 'detailed' group by all
        )
        select area_type, count(*) as areas, min(share) as min_share, median(share) as median_share
        from s group by area_type order by min(area_code)
        """,
    )
    national = next(r for r in per_area if r["area_code"] == "0000000")
    unrated = records(
        con,
        f"""select o.occ_code, o.occ_title, w.tot_emp from occupations o join wages w using (occ_code)
            where w.area_code = '0000000' and o.level = 'detailed'
              and o.occ_code not in ({rated_sql})
            order by w.tot_emp desc nulls last""",
    )
    with_proxies = records(
        con,
        f"""select sum(w.tot_emp) / any_value(a.total_employment) as share
            from wages w join occupations o using (occ_code) join areas a using (area_code)
            where w.area_code = '0000000' and o.level = 'detailed'
              and o.occ_code in (select occ_code from descriptors where domain in {DOMAINS})""",
    )[0]["share"]
    by_domain = records(
        con,
        f"""select d.domain, sum(w.tot_emp) / any_value(a.total_employment) as national_share
            from (select distinct occ_code, domain from descriptors where method in {DIRECT_METHODS}) d
            join wages w using (occ_code) join occupations o using (occ_code) join areas a using (area_code)
            where w.area_code = '0000000' and o.level = 'detailed' group by d.domain order by d.domain""",
    )
    return {
        "domains": list(DOMAINS),
        "national_share": national["share_of_total"],
        "national_share_with_all_other_proxies": with_proxies,
        "national_share_by_domain": by_domain,
        "national_share_of_detailed": national["share_of_detailed"],
        "by_area_type": by_type,
        "per_area": per_area,
        "national_unrated_occupations": unrated,
    }
