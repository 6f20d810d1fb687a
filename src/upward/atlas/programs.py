"""The public program inventory seeded into the atlas: one schema over IPEDS, Scorecard and ETPL data.

Every row keeps its `source` (a key of the bundle's sources) so a number is traced to its file.
How each source is placed and keyed:

- **IPEDS** — a provider is an institution (`ipeds:UNITID`), placed in the OEWS area of its
  directory county; a program is institution × 6-digit CIP × award level, named after its CIP
  title, with its first-major completions by academic year (2023 = 2022-23).
- **College Scorecard** — median earnings are published per institution × *4-digit* CIP ×
  credential level; they are attached to every IPEDS program of that institution, 4-digit CIP
  family and matching credential level (`grain` says so). Suppressed earnings stay missing.
- **Texas ETPL** — a provider is a campus (`tx:PROVIDER:CAMPUS`) placed by its county name;
  programs carry the occupations TWC lists (O*NET codes rolled up to SOC, then to the atlas's
  occupation codes) and required costs (tuition and fees plus books and supplies; missing when
  neither is stated). No CIP is published. TWC's file uses SOC 2010 codes; those that SOC 2018
  changed (15-1142, 29-2071 …) cannot be mapped without a SOC 2010→2018 crosswalk, which is not
  bundled: they are kept in `unmapped_socs`, never guessed.
- **New Jersey ETPL** — a program is provider × CIP (`nj:PROVIDER:CIP`) with employment rates
  2, 4 and 8 quarters after exit and the average quarterly wage 4 quarters after; −99999 stays
  suppressed. Its completer counts are outcome cohorts without a year, and many of its providers
  are colleges IPEDS already counts, so they are not added to completions. Providers missing
  from the 2021 directory keep their id, with no name or county.
- **California ETPL sample** — placed by the first county named in its BLS area label; programs
  without one (online providers) have no area.
"""

from __future__ import annotations

#: IPEDS award level → College Scorecard credential level (CREDLEV), for joining earnings. The
#: labels on both sides are in the bundle (`ipeds_award_levels`, `scorecard_fields_of_study.
#: credential_desc`): certificates below a bachelor's (20, 21, 2, 4) → 1 "Undergraduate
#: Certificate or Diploma"; 3 → 2 "Associate's"; 5 → 3 "Bachelor's"; 6 → 4 "Post-baccalaureate
#: Certificate"; 7 → 5 "Master's"; 8 (post-master's certificate) → 8 "Graduate/Professional
#: Certificate"; 17 (research) and 19 (other) doctorates → 6 "Doctoral"; 18 (professional
#: practice) → 7 "First Professional Degree".
AWARD_TO_CREDENTIAL = {20: 1, 21: 1, 2: 1, 4: 1, 3: 2, 5: 3, 6: 4, 7: 5, 8: 8, 17: 6, 18: 7, 19: 6}

_CREDENTIAL_MAP = " union all ".join(f"select {a} as award_level, {c} as credential_level" for a, c in AWARD_TO_CREDENTIAL.items())

STATEMENTS: list[tuple[str, str]] = [
    (
        "cip_occupations",
        # One path from a CIP to the atlas's occupations, for the seed and for imports alike:
        # NCES CIP–SOC, each SOC rolled to the code OEWS publishes it under (31-1121 → 31-1120).
        """
        create table cip_occupations as
        select distinct x.cip_code, coalesce(m.occ_code, x.soc_code) as occ_code
        from cip_soc_crosswalk x left join soc_map m on m.system = 'onet' and m.code = x.soc_code || '.00'
        """,
    ),
    (
        "program_providers",
        """
        create table program_providers as
        select 'ipeds:' || i.unitid as provider_id, i.name, coalesce(i.sector_label, 'postsecondary institution') as provider_type,
               i.county_fips, g.area_code, i.state_abbr, i.city, i.web_address as url, i.closed_on is not null as closed,
               'nces_ipeds' as source
        from ipeds_institutions i left join geo_county_areas g using (county_fips)
        union all
        select 'tx:' || t.provider_id || ':' || t.campus_id, any_value(t.provider_name), any_value(t.institution_type),
               any_value(g.county_fips), any_value(g.area_code), 'TX', any_value(t.campus_city), any_value(t.provider_url), false, 'tx_etpl'
        from etpl_texas t
        left join geo_county_areas g on g.state_abbr = 'TX' and upper(g.county_name) = upper(trim(t.campus_county)) || ' COUNTY'
        group by t.provider_id, t.campus_id
        union all
        select 'nj:' || p.provider_id, p.name, 'New Jersey ETPL provider', g.county_fips, g.area_code, p.state_abbr, p.city, p.website, false, 'nj_etpl'
        from etpl_nj_providers p
        left join geo_county_areas g on g.state_abbr = 'NJ' and upper(g.county_name) = upper(trim(p.county)) || ' COUNTY'
        union all
        select distinct 'nj:' || o.provider_id, null, 'New Jersey ETPL provider', null, null, 'NJ', null, null, false, 'nj_etpl'
        from etpl_nj_outcomes o where o.provider_id not in (select provider_id from etpl_nj_providers)
        union all
        select 'ca:' || c.provider_name, c.provider_name, any_value(c.entity_type), any_value(g.county_fips), any_value(g.area_code),
               'CA', any_value(c.city), null, false, 'ca_etpl'
        from etpl_california c
        left join geo_county_areas g on g.state_abbr = 'CA'
             and upper(g.county_name) = upper(trim(split_part(regexp_extract(c.area_name, '\\(([^)]*) Count(y|ies)\\)', 1), ' and ', 1))) || ' COUNTY'
        group by c.provider_name
        """,
    ),
    (
        "programs",
        """
        create table programs as
        with tx_socs as (
            select t.program_id, u.soc, coalesce(m.occ_code, o.occ_code) as occ_code
            from etpl_texas t cross join lateral (select unnest(t.soc_codes) as soc) u
            left join soc_map m on m.system = 'onet' and m.code = u.soc || '.00'
            left join occupations o on o.occ_code = u.soc and o.level = 'detailed'
        ),
        tx_targets as (
            select program_id, list(distinct occ_code order by occ_code) filter (where occ_code is not null) as target_socs,
                   list(distinct soc order by soc) filter (where occ_code is null) as unmapped_socs
            from tx_socs group by program_id
        )
        select 'ipeds:' || c.unitid || ':' || c.cip_code || ':' || c.award_level as program_id,
               'ipeds:' || c.unitid as provider_id, any_value(k.title) as name, c.cip_code, c.award_level,
               any_value(l.label) as credential, null::double as hours, null::double as weeks, null::double as cost,
               null::varchar as modality, []::varchar[] as target_socs, []::varchar[] as unmapped_socs, 'nces_ipeds' as source
        from ipeds_completions c
        left join cip_codes k using (cip_code)
        left join ipeds_award_levels l using (award_level)
        group by c.unitid, c.cip_code, c.award_level
        union all
        -- TWC also lists group codes (13-1000) and SOC 2010 codes: those land in unmapped_socs
        select 'tx:' || t.program_id, 'tx:' || t.provider_id || ':' || t.campus_id, t.program_name, null, null, t.credential,
               t.hours, t.weeks,
               case when t.tuition_fees is not null or t.books_supplies is not null
                    then coalesce(t.tuition_fees, 0) + coalesce(t.books_supplies, 0) end,
               t.program_format, coalesce(x.target_socs, []), coalesce(x.unmapped_socs, []), 'tx_etpl'
        from etpl_texas t left join tx_targets x using (program_id)
        union all
        select 'nj:' || o.provider_id || ':' || o.cip_code, 'nj:' || o.provider_id, k.title, o.cip_code, null, null,
               null, null, null, null, []::varchar[], []::varchar[], 'nj_etpl'
        from etpl_nj_outcomes o left join cip_codes k using (cip_code)
        union all
        select 'ca:' || c.program_id, 'ca:' || c.provider_name, c.program_name, c.cip_code, null, null, c.hours, c.weeks,
               c.total_cost, c.program_format, c.soc_codes, []::varchar[], 'ca_etpl'
        from etpl_california c
        """,
    ),
    (
        "program_completions",
        """
        create table program_completions as
        select 'ipeds:' || unitid || ':' || cip_code || ':' || award_level as program_id, year,
               sum(completions_total) as completions, 'nces_ipeds' as source
        from ipeds_completions group by all
        """,
    ),
    (
        "program_outcomes",
        f"""
        create table program_outcomes as
        with credential_map as ({_CREDENTIAL_MAP})
        , scorecard as (
            select p.program_id, f.* from programs p
            join credential_map m using (award_level)
            join scorecard_fields_of_study f
              on 'ipeds:' || f.unitid = p.provider_id and f.cip4 = substr(p.cip_code, 1, 5) and f.credential_level = m.credential_level
            where p.source = 'nces_ipeds'
        )
        select program_id, 'median_earnings' as measure, earnings_4yr as value, '4yr_after_completion' as horizon,
               'annual_usd' as unit, case when earnings_4yr is null then 'suppressed' end as note,
               earnings_threshold_state as state_threshold, 'institution × 4-digit CIP × credential level' as grain,
               'ed_scorecard' as source
        from scorecard
        union all
        select program_id, 'median_earnings', earnings_1yr, '1yr_after_completion', 'annual_usd',
               case when earnings_1yr is null then 'suppressed' end, earnings_threshold_state,
               'institution × 4-digit CIP × credential level', 'ed_scorecard'
        from scorecard
        union all
        select 'nj:' || provider_id || ':' || cip_code, 'employment_rate', employment_rate_q2, 'q2', 'share',
               employment_rate_q2_note, null, 'provider × CIP', 'nj_etpl'
        from etpl_nj_outcomes
        union all
        select 'nj:' || provider_id || ':' || cip_code, 'employment_rate', employment_rate_q4, 'q4', 'share',
               employment_rate_q4_note, null, 'provider × CIP', 'nj_etpl'
        from etpl_nj_outcomes
        union all
        select 'nj:' || provider_id || ':' || cip_code, 'employment_rate', employment_rate_q8, 'q8', 'share',
               employment_rate_q8_note, null, 'provider × CIP', 'nj_etpl'
        from etpl_nj_outcomes
        union all
        select 'nj:' || provider_id || ':' || cip_code, 'average_quarterly_wage', avg_quarterly_wage_q4, 'q4', 'quarterly_usd',
               avg_quarterly_wage_q4_note, null, 'provider × CIP', 'nj_etpl'
        from etpl_nj_outcomes
        union all
        select 'ca:' || program_id, 'employment_rate', employment_rate_q2, 'q2', 'share', null, null, 'program', 'ca_etpl'
        from etpl_california where outcomes_reported
        union all
        select 'ca:' || program_id, 'median_earnings', median_quarterly_earnings_q2, 'q2', 'quarterly_usd', null, null, 'program', 'ca_etpl'
        from etpl_california where outcomes_reported
        """,
    ),
    (
        "program_occupations",
        # A program leads to the occupations its CIP maps to (NCES CIP–SOC, rolled to OEWS codes
        # through soc_map) and to the ones its provider states.
        """
        create table program_occupations as
        select distinct p.program_id, c.occ_code, 'cip_soc' as method
        from programs p join cip_occupations c using (cip_code)
        union
        select distinct p.program_id, coalesce(m.occ_code, s.soc), 'stated'
        from programs p cross join lateral (select unnest(p.target_socs) as soc) s
        left join soc_map m on m.system = 'onet' and m.code = s.soc || '.00'
        """,
    ),
]
