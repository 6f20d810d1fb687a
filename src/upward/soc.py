"""Where the three occupation code systems meet: OEWS, O*NET-SOC and the Employment Projections.

Upward's occupation key (`occ_code`) is the code OEWS publishes wages under, written `29-1141`.

- **O*NET-SOC → SOC.** `29-1141.01` rolls up to `29-1141`. For a descriptor (a skill, an
  ability …) the SOC-level value is the rating of the `.00` occupation when O*NET rated it,
  because that is the SOC occupation itself; otherwise the plain mean over the rated detail
  codes (e.g. `47-4099.03` stands for `47-4099`), since O*NET gives no weights between them.
- **SOC → OEWS aggregates.** OEWS publishes a few detailed rows that combine SOC codes
  (`13-1020` = 13-1021 + 13-1022 + 13-1023, `25-2052` = 25-2055 + 25-2056, …). Which codes an
  aggregate holds is read from the data, not typed in: a SOC code OEWS does not publish belongs
  to the one OEWS detailed code in its SOC broad group (`XX-XXX`) that O*NET does not rate.
  The aggregate's descriptor is the plain mean of its component SOC codes' values (OEWS gives
  no employment for the components).
- **"All Other" residuals.** O*NET rates few of the SOC "All Other" codes (`51-9199`
  Production Workers, All Other). Where an "All Other" occupation has no rating in a domain,
  it takes the plain mean of the rated detailed occupations in its SOC broad group (its
  named siblings), or in its minor group when the broad group has none rated. These rows carry
  method `all_other_broad_group` / `all_other_minor_group`, so they are never mistaken for
  O*NET's own ratings, and coverage is reported with and without them.
- **Two O*NET releases.** Skills and knowledge come from 29.3; where 29.3 does not rate an
  occupation (e.g. `15-1252` Software Developers), O*NET 30's ratings fill in — complete for
  knowledge, the ten basic skills (2.A) only for skills. Every descriptor row says its release.
- **Two releases of one source.** OEWS republishes its occupations every May and now and then
  regroups them: it publishes an OEWS aggregate (`13-1020`) where an earlier release had its
  detailed codes, drops an occupation it can no longer estimate (`11-1031` Legislators after May
  2024) or starts one. `reconcile_releases()` matches the detailed codes of two releases by the
  same data-driven rule as the aggregates above: a code in both is the same occupation; codes of
  one SOC broad group that only one release has, when the other release has codes of that group
  it lacks, are the same work grouped differently and are compared as the broad group (employment
  summed; wages, being medians and percentiles, cannot be combined); a code with no counterpart
  in its broad group entered or left the estimates. Releases on different SOC versions (before
  2019) would need the SOC 2010 → 2018 crosswalk and are not reconciled here.
- **Projections.** Matrix line items use the same codes as OEWS detailed rows; the two that
  OEWS does not publish (`11-1031` Legislators, `45-3031` Fishing and hunting workers) keep
  their own code, as do O*NET-only occupations (military `55-xxxx`): they have descriptors or
  projections but no OEWS wages.

- **Occupations O*NET has not rated yet.** Twenty-odd detailed occupations new in the 2019
  O*NET-SOC taxonomy carry no ratings at all (`29-2042` Emergency Medical Technicians, `41-3091`
  Sales Representatives of Services, `13-1082` Project Management Specialists …). Rather than
  leaving them out of every comparison, each missing rating domain takes the plain mean of the
  rated occupations among O*NET's own closest related occupations (its "Primary-Short" list;
  the "Primary-Long" list when none of those is rated): O*NET's analysts name those as the
  occupations most like it. These rows carry method `related_occupations`, so they are told
  apart from ratings, counted as proxies in coverage, and named wherever a comparison uses them.

`reconcile()` returns every mapping as rows with the method used, so coverage can be printed
and tested; `descriptor_rollup_sql()`, `all_other_proxy_sql()` and `related_proxy_sql()` apply
the descriptor rules inside the atlas.

Every mean is rounded to 12 decimals: DuckDB adds the rows of an average in an order that can vary
from run to run, so the last bits of a mean could differ between two builds of the same bundle;
rounding far below any published precision makes the atlas the same every time.
"""

from __future__ import annotations

import pandas as pd

from upward.errors import UpwardError


def onet_soc(onetsoc_code: str) -> str:
    """'29-1141.01' → '29-1141'."""
    return onetsoc_code[:7]


def broad_group(soc_code: str) -> str:
    """'29-1141' → '29-114' (the SOC broad group, as a prefix)."""
    return soc_code[:6]


def reconcile(oews_detailed: list[str], onet_codes: list[str], projection_codes: list[str]) -> pd.DataFrame:
    """Map every O*NET-SOC and projections code to an atlas occ_code.

    `oews_detailed`: OEWS detailed codes (display level 3); `onet_codes`: all O*NET-SOC codes;
    `projection_codes`: matrix line-item codes.
    Returns system, code, occ_code, method.
    """
    oews = set(oews_detailed)
    all_soc = {onet_soc(c) for c in onet_codes}
    # OEWS detailed rows that O*NET has no SOC code for are the OEWS aggregates.
    aggregates: dict[str, list[str]] = {}
    for code in sorted(oews - all_soc):
        aggregates.setdefault(broad_group(code), []).append(code)
    for group, codes in aggregates.items():
        if len(codes) > 1:
            raise UpwardError(
                f"SOC reconciliation: broad group {group} holds several OEWS codes unknown to O*NET: {codes}",
                hint="The data-driven aggregate rule in upward/soc.py needs a unique aggregate per broad group.",
            )

    rows = []
    for code in sorted(set(onet_codes)):
        soc = onet_soc(code)
        if soc in oews:
            rows.append(("onet", code, soc, "onet_rollup"))
        elif broad_group(soc) in aggregates:
            rows.append(("onet", code, aggregates[broad_group(soc)][0], "oews_aggregate"))
        else:
            rows.append(("onet", code, soc, "not_in_oews"))
    for code in sorted(set(projection_codes)):
        rows.append(("projections", code, code, "same_code" if code in oews else "not_in_oews"))
    return pd.DataFrame(rows, columns=["system", "code", "occ_code", "method"])


def reconcile_releases(earlier: list[str], later: list[str]) -> pd.DataFrame:
    """Match the detailed codes of two releases of one source (see the module doc).

    Returns one row per code of either release: code, side ('both', 'earlier', 'later'), the unit
    it is compared under (`unit`: the code itself, or the broad group `XX-XXX0` for codes grouped
    differently) and the method: 'same_code', 'regrouped', 'left' (only in the earlier release)
    or 'entered' (only in the later one).
    """
    a, b = set(earlier), set(later)
    only_a: dict[str, list[str]] = {}
    only_b: dict[str, list[str]] = {}
    for code in a - b:
        only_a.setdefault(broad_group(code), []).append(code)
    for code in b - a:
        only_b.setdefault(broad_group(code), []).append(code)
    rows = [(c, "both", c, "same_code") for c in sorted(a & b)]
    for side, mine, other in (("earlier", only_a, only_b), ("later", only_b, only_a)):
        for group, codes in mine.items():
            regrouped = group in other
            for c in sorted(codes):
                rows.append((c, side, group + "0" if regrouped else c,
                             "regrouped" if regrouped else ("left" if side == "earlier" else "entered")))
    return pd.DataFrame(rows, columns=["code", "side", "unit", "method"]).sort_values(["unit", "code"]).reset_index(drop=True)


def descriptor_rollup_sql(ratings: str, soc_map: str) -> str:
    """SQL (DuckDB) rolling O*NET-SOC ratings up to atlas occupations by the rules above.

    `ratings` has onetsoc_code, domain, element_id, element_name, scale_id, category, value,
    onet_release, recommend_suppress, not_relevant; `soc_map` is reconcile()'s output. One row per
    occ_code × domain × element × scale × category. The release is chosen per occupation and
    domain (29.3 whenever any of its O*NET-SOC codes has it), so one average never mixes 29.3's
    full skill set with O*NET 30's ten basic skills. O*NET's flags travel with the value:
    `recommend_suppress` (low precision) and `not_relevant` are true when any rating behind it had them.
    """
    return f"""
    with r0 as (
        select substr(x.onetsoc_code, 1, 7) as soc_code, x.onetsoc_code, m.occ_code, m.method, x.domain,
               x.element_id, x.element_name, x.scale_id, coalesce(x.category, -1) as category, x.value,
               x.onet_release, coalesce(x.recommend_suppress, false) as suppress,
               coalesce(x.not_relevant, false) as not_relevant
        from {ratings} x join {soc_map} m on m.system = 'onet' and m.code = x.onetsoc_code
    ),
    preferred as (select occ_code, domain, min(onet_release) as onet_release from r0 group by occ_code, domain),
    r as (select r0.* from r0 join preferred using (occ_code, domain, onet_release)),
    has_base as (select distinct soc_code, domain from r where onetsoc_code = soc_code || '.00'),
    soc_level as (
        select r.occ_code, any_value(r.method) as method, r.soc_code, r.domain, r.element_id,
               any_value(r.element_name) as element_name, r.scale_id, r.category, round(avg(r.value), 12) as value,
               count(distinct r.onetsoc_code) as n_onet_codes, any_value(r.onet_release) as onet_release,
               bool_or(r.suppress) as suppress, bool_or(r.not_relevant) as not_relevant
        from r left join has_base b on b.soc_code = r.soc_code and b.domain = r.domain
        where b.soc_code is null or r.onetsoc_code = r.soc_code || '.00'
        group by r.occ_code, r.soc_code, r.domain, r.element_id, r.scale_id, r.category
    )
    select occ_code, domain, element_id, any_value(element_name) as element_name, scale_id,
           nullif(category, -1) as category, round(avg(value), 12) as value,
           count(*) as n_soc_codes, sum(n_onet_codes) as n_onet_codes, any_value(method) as method,
           any_value(onet_release) as onet_release,
           bool_or(suppress) as recommend_suppress, bool_or(not_relevant) as not_relevant
    from soc_level
    group by occ_code, domain, element_id, scale_id, category
    """


#: Methods of descriptor rows that O*NET rated itself (as opposed to a documented proxy).
DIRECT_METHODS = ("onet_rollup", "oews_aggregate", "not_in_oews")
#: SOC residual occupations: "…, All Other" and "…, All Other Specialists" (29-1029).
ALL_OTHER = "%, All Other%"


#: The rating domains a proxy fills (those every occupation comparison reads).
PROXY_DOMAINS = ("skills", "knowledge", "abilities", "work_activities")
#: O*NET related-occupation tiers a proxy may draw on, closest first.
PROXY_TIERS = ("Primary-Short", "Primary-Long")


def related_proxy_sql(descriptors: str, occupations: str, related: str) -> str:
    """SQL inserting proxy rows for unrated, non-residual detailed occupations (rule above).

    `related` holds O*NET related occupations at atlas level: occ_code, related_occ, tier, rank.
    """
    return f"""
    insert into {descriptors}
    with targets as (
        select o.occ_code, d.domain
        from {occupations} o cross join (select unnest({list(PROXY_DOMAINS)}) as domain) d
        where o.level = 'detailed' and o.occ_title not like '{ALL_OTHER}'
          and not exists (select 1 from {descriptors} x where x.occ_code = o.occ_code and x.domain = d.domain)
    ),
    candidates as (
        select t.occ_code, x.domain, x.element_id, x.element_name, x.scale_id, x.category, x.value, x.onet_release,
               x.recommend_suppress, x.not_relevant, x.occ_code as sibling,
               list_position({list(PROXY_TIERS)}, r.tier) as tier
        from targets t
        join {related} r on r.occ_code = t.occ_code and r.tier in {PROXY_TIERS}
        join {descriptors} x on x.occ_code = r.related_occ and x.domain = t.domain and x.method in {DIRECT_METHODS}
    ),
    best as (
        select occ_code, domain, arg_min(tier, [tier::varchar, onet_release]) as tier,
               arg_min(onet_release, [tier::varchar, onet_release]) as onet_release
        from candidates group by occ_code, domain
    )
    select c.occ_code, c.domain, c.element_id, any_value(c.element_name), c.scale_id, c.category, round(avg(c.value), 12),
           count(distinct c.sibling), 0, 'related_occupations', b.onet_release,
           bool_or(c.recommend_suppress), bool_or(c.not_relevant)
    from candidates c join best b using (occ_code, domain, tier, onet_release)
    group by c.occ_code, c.domain, c.element_id, c.scale_id, c.category, b.onet_release
    """


def all_other_proxy_sql(descriptors: str, occupations: str) -> str:
    """SQL inserting proxy rows for unrated "All Other" occupations, by the rule above."""
    return f"""
    insert into {descriptors}
    with targets as (
        select o.occ_code, d.domain
        from {occupations} o cross join (select distinct domain from {descriptors}) d
        where o.level = 'detailed' and o.occ_title like '{ALL_OTHER}'
          and not exists (select 1 from {descriptors} x where x.occ_code = o.occ_code and x.domain = d.domain)
    ),
    rated as (
        select x.* from {descriptors} x join {occupations} o using (occ_code)
        where x.method in {DIRECT_METHODS} and o.occ_title not like '{ALL_OTHER}'
    ),
    candidates as (
        select t.occ_code, r.domain, r.element_id, r.element_name, r.scale_id, r.category, r.value, r.onet_release,
               r.recommend_suppress, r.not_relevant, r.occ_code as sibling,
               case when substr(r.occ_code, 1, 6) = substr(t.occ_code, 1, 6) then 1 else 2 end as tier
        from targets t join rated r
          on r.domain = t.domain and substr(r.occ_code, 1, 4) = substr(t.occ_code, 1, 4)
    ),
    -- the nearest tier of siblings, and within it the earliest release, so releases never mix
    best as (
        select occ_code, domain, arg_min(tier, [tier::varchar, onet_release]) as tier,
               arg_min(onet_release, [tier::varchar, onet_release]) as onet_release
        from candidates group by occ_code, domain
    )
    select c.occ_code, c.domain, c.element_id, any_value(c.element_name), c.scale_id, c.category, round(avg(c.value), 12),
           count(distinct c.sibling), 0,
           case b.tier when 1 then 'all_other_broad_group' else 'all_other_minor_group' end,
           b.onet_release, bool_or(c.recommend_suppress), bool_or(c.not_relevant)
    from candidates c join best b using (occ_code, domain, tier, onet_release)
    group by c.occ_code, c.domain, c.element_id, c.scale_id, c.category, b.tier, b.onet_release
    """
