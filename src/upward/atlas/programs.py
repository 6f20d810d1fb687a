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
  programs carry the occupations TWC lists (O*NET codes rolled up to SOC) and required costs
  (tuition and fees plus books and supplies). No CIP is published.
- **New Jersey ETPL** — a program is provider × CIP (`nj:PROVIDER:CIP`) with employment rates
  and average quarterly wages 2, 4 and 8 quarters after exit; −99999 stays suppressed. Providers
  missing from the 2021 directory keep their id, with no name or county.
- **California ETPL sample** — placed by the first county named in its BLS area label; programs
  without one (online providers) have no area.
"""

from __future__ import annotations

#: IPEDS award level → College Scorecard credential level (CREDLEV), for joining earnings.
AWARD_TO_CREDENTIAL = {20: 1, 21: 1, 2: 1, 4: 1, 3: 2, 5: 3, 6: 4, 7: 5, 8: 8, 17: 6, 18: 7, 19: 6}

_CREDENTIAL_MAP = " union all ".join(f"select {a} as award_level, {c} as credential_level" for a, c in AWARD_TO_CREDENTIAL.items())

STATEMENTS: list[tuple[str, str]] = [
    (
        "program_providers",
        """
        create table program_providers as
        select 'ipeds:' || i.unitid as provider_id, i.name, coalesce(i.sector_label, 'postsecondary institution') as provider_type,
               i.county_fips, g.area_code, i.state_abbr, i.city, i.web_address as url, 'nces_ipeds' as source
        from ipeds_institutions i left join geo_county_areas g using (county_fips)
        union all
        select 'tx:' || t.provider_id || ':' || t.campus_id, any_value(t.provider_name), any_value(t.institution_type),
               any_value(g.county_fips), any_value(g.area_code), 'TX', any_value(t.campus_city), any_value(t.provider_url), 'tx_etpl'
        from etpl_texas t
        left join geo_county_areas g on g.state_abbr = 'TX' and upper(g.county_name) = upper(trim(t.campus_county)) || ' COUNTY'
        group by t.provider_id, t.campus_id
        union all
        select 'nj:' || p.provider_id, p.name, 'New Jersey ETPL provider', g.county_fips, g.area_code, p.state_abbr, p.city, p.website, 'nj_etpl'
        from etpl_nj_providers p
        left join geo_county_areas g on g.state_abbr = 'NJ' and upper(g.county_name) = upper(trim(p.county)) || ' COUNTY'
        union all
        select distinct 'nj:' || o.provider_id, null, 'New Jersey ETPL provider', null, null, 'NJ', null, null, 'nj_etpl'
        from etpl_nj_outcomes o where o.provider_id not in (select provider_id from etpl_nj_providers)
        union all
        select 'ca:' || c.provider_name, c.provider_name, any_value(c.entity_type), any_value(g.county_fips), any_value(g.area_code),
               'CA', any_value(c.city), null, 'ca_etpl'
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
        select 'ipeds:' || c.unitid || ':' || c.cip_code || ':' || c.award_level as program_id,
               'ipeds:' || c.unitid as provider_id, any_value(k.title) as name, c.cip_code, c.award_level,
               any_value(l.label) as credential, null::double as hours, null::double as weeks, null::double as cost,
               null::varchar as modality, []::varchar[] as target_socs, 'nces_ipeds' as source
        from ipeds_completions c
        left join cip_codes k using (cip_code)
        left join ipeds_award_levels l using (award_level)
        group by c.unitid, c.cip_code, c.award_level
        union all
        -- TWC lists some group codes (13-1000): only detailed occupations are kept as targets
        select 'tx:' || t.program_id, 'tx:' || t.provider_id || ':' || t.campus_id, t.program_name, null, null, t.credential,
               t.hours, t.weeks, coalesce(t.tuition_fees, 0) + coalesce(t.books_supplies, 0), t.program_format,
               list_intersect(t.soc_codes, (select list(occ_code) from occupations where level = 'detailed')), 'tx_etpl'
        from etpl_texas t
        union all
        select 'nj:' || o.provider_id || ':' || o.cip_code, 'nj:' || o.provider_id, k.title, o.cip_code, null, null,
               null, null, null, null, []::varchar[], 'nj_etpl'
        from etpl_nj_outcomes o left join cip_codes k using (cip_code)
        union all
        select 'ca:' || c.program_id, 'ca:' || c.provider_name, c.program_name, c.cip_code, null, null, c.hours, c.weeks,
               c.total_cost, c.program_format, c.soc_codes, 'ca_etpl'
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
        union all
        -- New Jersey publishes completers in the cohorts behind each outcome; the 2-quarter cohort is the latest
        select 'nj:' || provider_id || ':' || cip_code, null, completers_q2, 'nj_etpl' from etpl_nj_outcomes
        """,
    ),
    (
        "program_outcomes",
        f"""
        create table program_outcomes as
        with credential_map as ({_CREDENTIAL_MAP})
        select p.program_id, 'median_earnings' as measure, f.earnings as value, f.earnings_horizon as horizon,
               'annual_usd' as unit, case when f.earnings is null then 'suppressed' end as note,
               f.earnings_threshold_state as state_threshold, 'institution × 4-digit CIP × credential level' as grain,
               'ed_scorecard' as source
        from programs p
        join credential_map m using (award_level)
        join scorecard_fields_of_study f
          on 'ipeds:' || f.unitid = p.provider_id and f.cip4 = substr(p.cip_code, 1, 5) and f.credential_level = m.credential_level
        where p.source = 'nces_ipeds'
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
        select distinct p.program_id, coalesce(m.occ_code, x.soc_code) as occ_code, 'cip_soc' as method
        from programs p
        join cip_soc_crosswalk x on x.cip_code = p.cip_code
        left join soc_map m on m.system = 'onet' and m.code = x.soc_code || '.00'
        union
        select distinct p.program_id, coalesce(m.occ_code, s.soc), 'stated'
        from programs p, unnest(p.target_socs) as s(soc)
        left join soc_map m on m.system = 'onet' and m.code = s.soc || '.00'
        """,
    ),
]
