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
  neither is stated). No CIP is published, and no completion count. TWC's file uses SOC 2010
  codes; those that SOC 2018 changed (15-1142, 29-2071, 31-1014 …) go through BLS's SOC
  2010→2018 crosswalk to every 2018 code it gives them; group codes (51-4120, 13-1000) have no
  crosswalk row and are kept in `unmapped_socs`, never guessed.
- **New Jersey ETPL** — a program is provider × CIP (`nj:PROVIDER:CIP`) with employment rates
  2, 4 and 8 quarters after exit and the average quarterly wage 4 quarters after; −99999 stays
  suppressed. Its completer counts are outcome cohorts without a year, and many of its providers
  are colleges IPEDS already counts, so they are not added to completions. Providers missing
  from the 2021 directory keep their id, with no name or county.
- **California ETPL sample** — placed by the first county named in its BLS area label; programs
  without one (online providers) have no area.

What a program trains for, and how many people it adds (docs/programs.md §Rules):

- **Award levels that lead to the job** (`occupation_award_fit`): a CIP–SOC link counts only at
  the award levels consistent with the occupation's BLS typical entry education
  (`ENTRY_AWARDS`); an award below them is a step *toward* the job (`fit = 'below'`), one above
  trains for another, more advanced job and is not linked (a master's in nursing trains nurse
  practitioners, not new registered nurses). For a certificate-entry occupation, certificates
  shorter than its *entry certificate* — the shortest length at least `ENTRY_CERTIFICATE_SHARE`
  of the nation's certificates leading to it reach — are steps toward it too (a 10-week award
  in practical nursing is not an LPN licence; a 4-week CDL course is a truck driver's).
- **People, not awards** (`program_completions.completers`): IPEDS counts awards. At one
  institution, in one CIP and year, sub-baccalaureate awards are taken to stack (award-level
  precedence): the longest award's completers count in full and each shorter one only beyond
  the largest count above it, so a student who earns a certificate on the way to an associate's
  degree is one person. First majors only (the bundled extracts hold no second majors).
- **Local share** (`provider_distance`): IPEDS Fall 2024 distance-education enrollment per
  institution and student level. Students who study exclusively online and live in another
  state (or abroad) are not the supply of the institution's area or state; everyone else is
  counted where the institution is. Institution level, not programme level.
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

#: The IPEDS award levels that train for an occupation, by its BLS typical entry education: the
#: entry level, the award just below (a typical entry is the usual, not the only route: many
#: registered nurses start with an associate's degree), and for an undergraduate entry the
#: first credential above it (a bachelor's in dental hygiene also licenses a hygienist). A
#: graduate award does not train for an undergraduate-entry job — its completers held a
#: bachelor's already (a master's in nursing trains nurse practitioners) — with two exceptions
#: for a bachelor's-level job: a post-baccalaureate certificate (how many teachers and career
#: changers enter one), and a master's where the job's bachelor's is not field-specific
#: (`occupation_specific_degree`: a master's in computer science is how many career changers
#: become software developers).
ENTRY_AWARDS: dict[str, tuple[int, ...]] = {
    "No formal educational credential": (20, 21, 2, 4, 3),
    "High school diploma or equivalent": (20, 21, 2, 4, 3),
    "Some college, no degree": (20, 21, 2, 4, 3),
    "Postsecondary nondegree award": (20, 21, 2, 4, 3),
    "Associate's degree": (2, 4, 3, 5),
    "Bachelor's degree": (3, 5, 6),
    "Master's degree": (6, 7, 8, 17, 18, 19),
    "Doctoral or professional degree": (17, 18, 19),
}
#: A bachelor's is in the occupation's own field when at least this share of the bachelor's
#: degrees leading to it come from programmes that lead to at most `SPECIFIC_PROGRAMME_OCCUPATIONS`
#: occupations (analysis/requirements.py reads the result for the pathway step rules).
SPECIFIC_SHARE = 0.5
SPECIFIC_PROGRAMME_OCCUPATIONS = 3
#: Award levels from the least to the most education (certificates by length, then degrees).
AWARD_RANK = {20: 1, 21: 2, 2: 3, 4: 4, 3: 5, 5: 6, 6: 7, 7: 8, 8: 9, 17: 10, 18: 10, 19: 10}
CERTIFICATES = (20, 21, 2, 4)
SUB_BACCALAUREATE = (20, 21, 2, 4, 3)
CERTIFICATE_ENTRY = ("Some college, no degree", "Postsecondary nondegree award")
#: A certificate-entry occupation's entry certificate is the shortest length that at least this
#: share of the nation's certificates leading to it reach: truck drivers' is under 12 weeks (45%
#: of CDL certificates), EMTs' too (25%); LPNs' is 1–2 years (the 10-week awards are 10%).
ENTRY_CERTIFICATE_SHARE = 0.2
#: Which enrollment counts for an award's share of online students living elsewhere.
GRADUATE_AWARDS = (6, 7, 8, 17, 18, 19)


def _sql(v) -> str:
    return "'" + v.replace("'", "''") + "'" if isinstance(v, str) else str(v)


def _values(rows, names: str) -> str:
    return "(values " + ", ".join("(" + ", ".join(_sql(v) for v in r) + ")" for r in rows) + f") as t({names})"


def _in(values) -> str:
    return "(" + ", ".join(_sql(v) for v in values) + ")"


_FIT_RULES = _values([(e, a) for e, awards in ENTRY_AWARDS.items() for a in awards], "typical_education, award_level")
_RANKS = _values(AWARD_RANK.items(), "award_level, award_rank")

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
        "occupation_specific_degree",
        # Occupations whose bachelor's is a degree in their own field (nursing, engineering,
        # teaching). BLS says only "bachelor's degree"; IPEDS and CIP–SOC tell the field: when most
        # of the bachelor's degrees awarded nationally (IPEDS award level 5, latest year) in the
        # programmes leading to an occupation come from programmes that lead to three occupations
        # or fewer (Registered Nursing → registered nurses), the degree is the occupation's own;
        # when they come from broad programmes (business, psychology), any bachelor's serves.
        f"""
        create table occupation_specific_degree as
        with width as (select cip_code, count(*) as n from cip_occupations where cip_code not like '%99' group by 1),
             awards as (select cip_code, sum(completions_total) as c from ipeds_completions
                        where award_level = 5 and year = (select max(year) from ipeds_completions) group by 1)
        select o.occ_code from cip_occupations o join width w using (cip_code) join awards a using (cip_code)
        group by o.occ_code
        having sum(a.c) > 0 and sum(a.c) filter (where w.n <= {SPECIFIC_PROGRAMME_OCCUPATIONS}) >= {SPECIFIC_SHARE} * sum(a.c)
        order by 1
        """,
    ),
    (
        "occupation_award_fit",
        # Per occupation with a BLS typical entry education × IPEDS award level: 'entry' (trains
        # for it) or 'below' (a step toward it); no row = the award trains for another job.
        f"""
        create table occupation_award_fit as
        with rules as (
            select * from {_FIT_RULES}
            union all  -- a master's for a bachelor's-level job whose bachelor's is not field-specific
            select 'Bachelor''s degree', 7
        ),
        ranks as (select * from {_RANKS}),
        certs as (
            select o.occ_code, r.award_rank, sum(c.completions_total) as n
            from ipeds_completions c
            join cip_occupations o using (cip_code)
            join ranks r using (award_level)
            where c.award_level in {_in(CERTIFICATES)} and c.year = (select max(year) from ipeds_completions)
            group by all
        ),
        entry_certificate as (
            select occ_code, min(award_rank) filter (where n >= {ENTRY_CERTIFICATE_SHARE} * total) as entry_rank
            from (select *, sum(n) over (partition by occ_code) as total from certs) where total > 0 group by occ_code
        ),
        occ as (
            select e.occ_code, e.typical_education, d.occ_code is not null as specific,
                   (select min(r.award_rank) from rules x join ranks r using (award_level)
                    where x.typical_education = e.typical_education) as lowest_entry
            from occupation_education e left join occupation_specific_degree d using (occ_code)
            where e.typical_education is not null
        )
        select o.occ_code, a.award_level,
               case when x.award_level is null then 'below'
                    when o.typical_education in {_in(CERTIFICATE_ENTRY)} and a.award_level in {_in(CERTIFICATES)}
                         and a.award_rank < coalesce(c.entry_rank, 0) then 'below'
                    else 'entry' end as fit
        from occ o cross join ranks a
        left join rules x on x.typical_education = o.typical_education and x.award_level = a.award_level
             and not (a.award_level = 7 and o.typical_education = 'Bachelor''s degree' and o.specific)
        left join entry_certificate c using (occ_code)
        where x.award_level is not null or a.award_rank < o.lowest_entry
        order by o.occ_code, a.award_rank
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
        with tx_codes as (
            select t.program_id, u.soc, coalesce(m.occ_code, o.occ_code) as occ_code
            from etpl_texas t cross join lateral (select unnest(t.soc_codes) as soc) u
            left join soc_map m on m.system = 'onet' and m.code = u.soc || '.00'
            left join occupations o on o.occ_code = u.soc and o.level = 'detailed'
        ),
        -- a SOC 2010 code SOC 2018 changed goes to every SOC 2018 code BLS's crosswalk gives it
        -- (29-2071 → 29-2072 and 29-9021), rolled to the code OEWS publishes
        tx_socs as (
            select c.program_id, c.soc, coalesce(c.occ_code, coalesce(m.occ_code, x.soc2018)) as occ_code
            from tx_codes c
            left join soc_crosswalk_2010_2018 x on c.occ_code is null and x.soc2010 = c.soc
            left join soc_map m on m.system = 'onet' and m.code = x.soc2018 || '.00'
        ),
        tx_targets as (
            select program_id, list(distinct occ_code order by occ_code) filter (where occ_code is not null) as target_socs,
                   list(distinct soc order by soc) filter (where occ_code is null) as unmapped_socs
            from tx_socs group by program_id
        )
        select 'ipeds:' || c.unitid || ':' || c.cip_code || ':' || c.award_level as program_id,
               -- NCES ends every CIP title with a period; a programme's name is shown without it
               'ipeds:' || c.unitid as provider_id, rtrim(any_value(k.title), '.') as name, c.cip_code, c.award_level,
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
        f"""
        -- completers: award-level precedence among sub-baccalaureate awards at one institution,
        -- CIP and year (each shorter award counts only beyond the largest count above it)
        create table program_completions as
        with c as (
            select unitid, cip_code, award_level, year, sum(completions_total) as completions,
                   award_level in {_in(SUB_BACCALAUREATE)} as stacks
            from ipeds_completions group by all
        ),
        ranked as (
            select c.*, max(completions) over (partition by unitid, cip_code, year, stacks order by r.award_rank desc
                                               rows between unbounded preceding and 1 preceding) as above
            from c join (select * from {_RANKS}) r using (award_level)
        )
        select 'ipeds:' || unitid || ':' || cip_code || ':' || award_level as program_id, year, completions,
               case when stacks then greatest(completions - coalesce(above, 0), 0) else completions end as completers,
               'nces_ipeds' as source
        from ranked
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
        # A program trains for the occupations its CIP maps to (NCES CIP–SOC, rolled to OEWS codes
        # through soc_map) at an award level that fits them (`fit`: 'entry', or 'below' for a step
        # toward one), and for the ones its provider states (always 'entry': the provider says so).
        # A program without an award level (ETPL) is taken at its word: 'entry'.
        """
        create table program_occupations as
        select p.program_id, c.occ_code, 'cip_soc' as method, coalesce(f.fit, 'entry') as fit
        from programs p join cip_occupations c using (cip_code)
        left join occupation_award_fit f on f.occ_code = c.occ_code and f.award_level = p.award_level
        left join (select distinct occ_code, true as rated from occupation_award_fit) r on r.occ_code = c.occ_code
        where p.award_level is null or f.fit is not null or r.rated is null
        union all
        select distinct p.program_id, coalesce(m.occ_code, s.soc), 'stated', 'entry'
        from programs p cross join lateral (select unnest(p.target_socs) as soc) s
        left join soc_map m on m.system = 'onet' and m.code = s.soc || '.00'
        """,
    ),
    (
        "provider_distance",
        # Per IPEDS institution and student level (all, undergraduate, graduate): the share of
        # students who study exclusively online, and the share counted as local — everyone but
        # the exclusively-online students who live in another state or abroad (for the nation:
        # abroad). Those whose location IPEDS does not know are split like those it knows; when
        # it knows none, they are not counted as local.
        """
        create table provider_distance as
        with d as (
            select *, distance_other_state + distance_outside_us as away,
                   distance_in_state + distance_other_state + distance_outside_us as placed,
                   distance_us_state_unknown + distance_location_unknown as unplaced
            from ipeds_distance_education where student_level in ('all', 'undergraduate', 'graduate') and enrolled > 0
        )
        select 'ipeds:' || unitid as provider_id, student_level, enrolled, exclusively_distance,
               exclusively_distance / enrolled as distance_share,
               1 - (away + coalesce(unplaced * away / nullif(placed, 0), unplaced)) / enrolled as local_share_state,
               1 - (distance_outside_us + coalesce(distance_location_unknown * distance_outside_us
                    / nullif(placed + distance_us_state_unknown, 0), distance_location_unknown)) / enrolled as local_share_nation,
               term
        from d
        """,
    ),
    (
        "program_local_share",
        # Each IPEDS program's shares, from its institution's students at its award's level
        # (undergraduate or graduate; all students when that level has no fall enrollment).
        f"""
        create table program_local_share as
        select p.program_id, coalesce(l.distance_share, a.distance_share) as distance_share,
               coalesce(l.local_share_state, a.local_share_state) as local_share_state,
               coalesce(l.local_share_nation, a.local_share_nation) as local_share_nation
        from programs p
        left join provider_distance l on l.provider_id = p.provider_id
             and l.student_level = case when p.award_level in {_in(GRADUATE_AWARDS)} then 'graduate' else 'undergraduate' end
        left join provider_distance a on a.provider_id = p.provider_id and a.student_level = 'all'
        where p.source = 'nces_ipeds' and (l.provider_id is not null or a.provider_id is not null)
        """,
    ),
    (
        "program_inventory",
        # One row per program of an open provider, with everything analysis.programs.inventory()
        # shows: its provider, completions (IPEDS awards) of the latest year and the year before,
        # completers (people), whether it is dormant (0 in every year it reported), what it trains
        # for (`occupations`, fit 'entry') and is a shorter award toward (`related_occupations`),
        # published earnings (the 4-year figure where published, else the 1-year one) and the
        # local shares. An area's inventory is a filter of this table.
        """
        create table program_inventory as
        with latest as (select max(year) as y from program_completions),
        comp as (
            select program_id, max(year) as completions_year,
                   sum(completions) filter (where year = (select y from latest)) as completions,
                   sum(completers) filter (where year = (select y from latest)) as completers,
                   sum(completions) filter (where year = (select y from latest) - 1) as completions_prior,
                   sum(completions) = 0 as dormant
            from program_completions group by program_id
        ),
        occ as (
            select program_id, list(occ_code order by occ_code) filter (where entry) as occupations,
                   list(occ_code order by occ_code) filter (where not entry) as related_occupations
            from (select program_id, occ_code, bool_or(fit = 'entry') as entry from program_occupations group by all)
            group by program_id
        ),
        earnings as (
            select program_id,
                   arg_max(value, horizon = '4yr_after_completion') filter (where value is not null) as published_earnings,
                   arg_max(horizon, horizon = '4yr_after_completion') filter (where value is not null) as earnings_horizon,
                   any_value(state_threshold) as state_hs_earnings
            from program_outcomes where measure = 'median_earnings' and unit = 'annual_usd' group by program_id
        )
        select p.program_id, p.name as program_name, p.cip_code, p.award_level, p.credential, p.hours, p.weeks, p.cost,
               p.provider_id, pr.name as provider_name, pr.provider_type, pr.county_fips, pr.area_code, pr.state_abbr,
               -- an IPEDS program missing from the latest year's file awarded nothing that year: 0, not unknown
               case when p.source = 'nces_ipeds' then coalesce(c.completions, 0) else c.completions end as completions,
               case when p.source = 'nces_ipeds' then coalesce(c.completions_prior, 0) else c.completions_prior end as completions_prior,
               case when p.source = 'nces_ipeds' then coalesce(c.completers, 0) else c.completers end as completers,
               c.completions_year, coalesce(c.dormant, false) as dormant,
               s.distance_share, s.local_share_state, s.local_share_nation,
               coalesce(o.occupations, []) as occupations, coalesce(o.related_occupations, []) as related_occupations,
               e.published_earnings, e.earnings_horizon, e.state_hs_earnings, p.source
        from programs p join program_providers pr using (provider_id)
        left join comp c using (program_id) left join occ o using (program_id) left join earnings e using (program_id)
        left join program_local_share s using (program_id)
        where not coalesce(pr.closed, false)
        order by p.program_id
        """,
    ),
    (
        "occupation_field_supply",
        # The nation's supply by the alignment's rule (analysis.programs.align): each program's
        # completers counted in the nation, split evenly over the occupations it trains for,
        # against BLS's national annual openings. Where programmes in an occupation's field supply
        # only a small share of its openings nationally, most entrants come from other fields or
        # from training IPEDS does not count, and a local shortfall is no training gap.
        """
        create table occupation_field_supply as
        with links as (
            select unnest(occupations) as occ_code,
                   round(completers * coalesce(local_share_nation, 1), 1) / len(occupations) as completers
            from program_inventory where len(occupations) > 0 and completers is not null
        ),
        supply as (select occ_code, sum(completers) as completers from links group by 1)
        select e.occ_code, coalesce(s.completers, 0) as completers, j.openings_annual * 1000 as openings,
               coalesce(s.completers, 0) / nullif(j.openings_annual * 1000, 0) as ratio
        from occupation_education e left join supply s using (occ_code) left join projections j using (occ_code)
        order by 1
        """,
    ),
]
