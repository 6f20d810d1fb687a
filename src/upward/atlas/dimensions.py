"""Per-occupation dimensions of job quality beyond pay, derived once when the atlas is built.

Every table has one row per atlas occupation (`occ_code`) the source covers, with the method
that gave it its figure. SOC codes reach atlas occupations through `soc_codes` (an OEWS
aggregate such as 13-1020 holds its component SOC codes, as in `upward.soc`).

- `occupation_hazard`: O*NET 30 "Exposed to Hazardous Conditions", 0–100, rolled up from
  O*NET-SOC codes by the descriptor rules of `upward.soc` (the `.00` rating, else the mean of the
  rated detail codes; OEWS aggregates the mean of their parts; unrated "All Other" occupations
  their named siblings' mean, method `all_other_*`).
- `occupation_ai_exposure`: GPTs are GPTs (share of tasks exposed; human and GPT-4 ratings,
  alpha/beta/gamma) and Working with AI (AI applicability score), by the same rules.
- `cps_soc_match` and `occupation_demographics`: each SOC code takes the CPS figures of the most specific
  2018 Census occupation whose SOC equivalent contains it (`15-1252` → "Software developers";
  `15-1242` → "Database administrators and architects", `15-124X`; `25-1011` → "Postsecondary
  teachers", `25-1000`). An atlas occupation made of several Census lines (an OEWS aggregate)
  combines them: counts add up, percentages are weighted by the lines' employment, and medians
  (age, weekly earnings) are the employment-weighted mean of the lines' medians (rounded to a
  dollar and a tenth of a year), marked
  `cps_match = 'combined'`. A figure BLS suppresses stays missing; shares computed from the age
  counts follow BLS's rule and are left out below a base of 50,000 workers.
- `occupation_benefits`: BLS NCS access rates of the groups the occupation belongs to — its
  occupational group (medical care), the industries employing it nationally (paid sick leave,
  weighted by OEWS national staffing) and its wage quartile (retirement, medical care, life
  insurance, paid leave). Group-level estimates, never the occupation's own figure.

docs/job-quality.md states each rule, its source, release and limits.
"""

from __future__ import annotations

from upward import soc
from upward.sources import ncs


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _rows(rows: list[tuple]) -> str:
    return ", ".join("(" + ", ".join(_q(v) if isinstance(v, str) else str(v) for v in r) + ")" for r in rows)


def _check(name: str, condition_sql: str, message: str) -> tuple[str, str]:
    """A build step that fails the build (and leaves no atlas) when the data breaks a rule."""
    return (f"check {name}", f"select case when ({condition_sql}) then error({_q(message)}) end")


_GROUPS = _rows([(rank, group, pattern) for rank, (group, patterns) in enumerate(ncs.OCCUPATIONAL_GROUPS) for pattern in patterns])
_SECTORS = _rows([(sector, pref, series) for sector, chain in ncs.SECTOR_SERIES.items() for pref, series in enumerate(chain)])
_QUARTILES = _rows([(i, q) for i, q in enumerate(ncs.QUARTILES)])


def _descriptor_shaped(select: str) -> str:
    """Rows in the shape `upward.soc.descriptor_rollup_sql` rolls up (an O*NET rating per code)."""
    return f"({select})"


_HAZARD_RATINGS = _descriptor_shaped(
    "select onetsoc_code, 'work_context' as domain, element_id, element_name, 'score' as scale_id, null::integer as category, "
    "hazard_score as value, '30' as onet_release, null::boolean as recommend_suppress, null::boolean as not_relevant "
    "from onet_hazardous_conditions"
)
_GPTS_RATINGS = _descriptor_shaped(
    "select code as onetsoc_code, 'gpts_are_gpts' as domain, measure as element_id, measure as element_name, 'share' as scale_id, "
    "null::integer as category, value, '1' as onet_release, null::boolean as recommend_suppress, null::boolean as not_relevant "
    "from ai_exposure_gpts"
)
_WWAI_RATINGS = _descriptor_shaped(
    "select code || '.00' as onetsoc_code, 'working_with_ai' as domain, measure as element_id, measure as element_name, "
    "'share' as scale_id, null::integer as category, value, '1' as onet_release, null::boolean as recommend_suppress, "
    "null::boolean as not_relevant from ai_exposure_working_with_ai"
)
#: Working with AI is keyed by SOC code: each SOC code stands as its own `.00` code here.
_SOC_AS_ONET = (
    "(select 'onet' as system, soc_code || '.00' as code, occ_code, "
    "case when soc_code = occ_code then 'onet_rollup' else 'oews_aggregate' end as method from soc_codes)"
)

_GPTS = {f"gpts_{who}_{k}": f"{src}_rating_{k}" for who, src in (("human", "human"), ("gpt4", "dv")) for k in ("alpha", "beta", "gamma")}
_WWAI = {
    "ai_applicability": "ai_applicability_score",
    "ai_applicability_user": "ai_applicability_score_user",
    "ai_applicability_ai": "ai_applicability_score_ai",
}

STATEMENTS: list[tuple[str, str]] = [
    (
        "soc_codes",
        # Every SOC 2018 detailed code the atlas knows (its occupations, and the O*NET codes rolled
        # into them) → the atlas occupation that holds it.
        """
        create table soc_codes as
        select soc_code, min(occ_code) as occ_code, count(distinct occ_code) as n_occupations
        from (
            select occ_code as soc_code, occ_code from occupations where level = 'detailed'
            union all
            select substr(code, 1, 7), occ_code from soc_map where system = 'onet'
        )
        group by soc_code order by soc_code
        """,
    ),
    _check("soc_codes", "select count(*) > 0 from soc_codes where n_occupations > 1", "a SOC code maps to two atlas occupations"),
    ("hazard ratings", "create temp table _hazard as " + soc.descriptor_rollup_sql(_HAZARD_RATINGS, "soc_map")),
    ("hazard all-other proxies", soc.all_other_proxy_sql("_hazard", "occupations")),
    (
        "occupation_hazard",
        """
        create table occupation_hazard as
        select occ_code, value as hazard_score, method, n_soc_codes, n_onet_codes from _hazard order by occ_code
        """,
    ),
    ("AI exposure ratings (GPTs are GPTs)", "create temp table _gpts as " + soc.descriptor_rollup_sql(_GPTS_RATINGS, "soc_map")),
    ("AI exposure all-other proxies (GPTs are GPTs)", soc.all_other_proxy_sql("_gpts", "occupations")),
    ("AI exposure ratings (Working with AI)", "create temp table _wwai as " + soc.descriptor_rollup_sql(_WWAI_RATINGS, _SOC_AS_ONET)),
    ("AI exposure all-other proxies (Working with AI)", soc.all_other_proxy_sql("_wwai", "occupations")),
    (
        "occupation_ai_exposure",
        f"""
        create table occupation_ai_exposure as
        with g as (
            select occ_code, any_value(method) as gpts_method,
                   {", ".join(f"max(value) filter (where element_id = {_q(m)}) as {c}" for c, m in _GPTS.items())}
            from _gpts group by occ_code
        ),
        w as (
            select occ_code, any_value(method) as working_with_ai_method,
                   {", ".join(f"max(value) filter (where element_id = {_q(m)}) as {c}" for c, m in _WWAI.items())}
            from _wwai group by occ_code
        )
        select occ_code, {", ".join(_GPTS)}, gpts_method, {", ".join(_WWAI)}, working_with_ai_method
        from g full join w using (occ_code)
        order by occ_code
        """,
    ),
    (
        "cps_soc_match",
        # Each SOC code → the most specific Census occupation whose SOC equivalent contains it
        # (fewest wildcard digits: a detailed code before 15-124X before 25-1000).
        """
        create table cps_soc_match as
        with c as (
            select s.soc_code, s.occ_code, o.census_code, o.census_title, o.soc_code as census_soc, o.soc_level,
                   length(o.soc_pattern) - length(replace(o.soc_pattern, '_', '')) as wildcards
            from soc_codes s join census_occupations o on s.soc_code like o.soc_pattern
        )
        , best as (select *, min(wildcards) over (partition by soc_code) as fewest from c)
        select soc_code, occ_code, census_code, census_title, census_soc, soc_level,
               count(*) over (partition by soc_code) as n_best
        from best where wildcards = fewest
        order by soc_code
        """,
    ),
    _check("cps_soc_match", "select count(*) > 0 from cps_soc_match where n_best > 1",
           "a SOC code matches two Census occupations equally well; the Census list changed"),
    (
        "occupation_demographics",
        """
        create table occupation_demographics as
        with lines as (select distinct occ_code, census_code, census_title, census_soc, soc_level from cps_soc_match),
        n as (
            select occ_code, count(*) as n_lines, string_agg(census_code, '; ' order by census_code) as census_codes,
                   string_agg(census_title, '; ' order by census_code) as census_titles,
                   case when count(*) > 1 then 'combined'
                        when any_value(census_soc) = occ_code then 'same_code'
                        else 'census_' || any_value(soc_level) end as cps_match
            from lines group by occ_code
        ),
        t11 as (
            select l.occ_code, any_value(x.year) as year_sex_race, sum(x.employed_thousands) as employed_thousands,
                   round(sum(x.employed_thousands * x.women_pct) / sum(x.employed_thousands) filter (where x.women_pct is not null) / 100, 6) as women_share,
                   round(sum(x.employed_thousands * x.white_pct) / sum(x.employed_thousands) filter (where x.white_pct is not null) / 100, 6) as white_share,
                   round(sum(x.employed_thousands * x.black_pct) / sum(x.employed_thousands) filter (where x.black_pct is not null) / 100, 6) as black_share,
                   round(sum(x.employed_thousands * x.asian_pct) / sum(x.employed_thousands) filter (where x.asian_pct is not null) / 100, 6) as asian_share,
                   round(sum(x.employed_thousands * x.hispanic_pct) / sum(x.employed_thousands) filter (where x.hispanic_pct is not null) / 100, 6) as hispanic_share
            from lines l join cps_sex_race x using (census_code) group by l.occ_code
        ),
        t11b as (
            select l.occ_code, any_value(x.year) as year_age, sum(x.employed_thousands) as employed_thousands_age,
                   sum(x.age_55_64) as age_55_64_thousands, sum(x.age_65_over) as age_65_over_thousands,
                   round(sum(x.employed_thousands * x.median_age) / sum(x.employed_thousands) filter (where x.median_age is not null), 1) as median_age
            from lines l join cps_age x using (census_code) group by l.occ_code
        ),
        t39 as (
            select l.occ_code, any_value(x.year) as year_earnings, sum(x.workers_thousands) as ft_workers_thousands,
                   sum(x.men_workers_thousands) as men_ft_workers_thousands, sum(x.women_workers_thousands) as women_ft_workers_thousands,
                   round(sum(x.workers_thousands * x.median_weekly) / sum(x.workers_thousands) filter (where x.median_weekly is not null)) as median_weekly,
                   round(sum(x.men_workers_thousands * x.men_median_weekly)
                     / sum(x.men_workers_thousands) filter (where x.men_median_weekly is not null)) as men_median_weekly,
                   round(sum(x.women_workers_thousands * x.women_median_weekly)
                     / sum(x.women_workers_thousands) filter (where x.women_median_weekly is not null)) as women_median_weekly
            from lines l join cps_earnings_by_sex x using (census_code) group by l.occ_code
        )
        select n.occ_code, n.cps_match, n.n_lines, n.census_codes, n.census_titles,
               t11.year_sex_race, t11.employed_thousands, t11.women_share, t11.white_share, t11.black_share, t11.asian_share, t11.hispanic_share,
               t11b.year_age, t11b.employed_thousands_age, t11b.age_55_64_thousands, t11b.age_65_over_thousands,
               -- BLS publishes no share on a base under 50,000 workers; the same rule for shares made from its counts
               case when t11b.employed_thousands_age >= 50 then t11b.age_55_64_thousands / t11b.employed_thousands_age end as share_55_64,
               case when t11b.employed_thousands_age >= 50 then t11b.age_65_over_thousands / t11b.employed_thousands_age end as share_65_over,
               case when t11b.employed_thousands_age >= 50
                    then (t11b.age_55_64_thousands + t11b.age_65_over_thousands) / t11b.employed_thousands_age end as share_55_over,
               t11b.median_age,
               t39.year_earnings, t39.ft_workers_thousands, t39.men_ft_workers_thousands, t39.women_ft_workers_thousands,
               t39.median_weekly, t39.men_median_weekly, t39.women_median_weekly,
               t39.women_median_weekly / t39.men_median_weekly as women_men_pay_ratio
        from n left join t11 using (occ_code) left join t11b using (occ_code) left join t39 using (occ_code)
        order by n.occ_code
        """,
    ),
    (
        "occupation_benefits",
        f"""
        create table occupation_benefits as
        with occ as (select occ_code from occupations where level = 'detailed'),
        groups as (select * from (values {_GROUPS}) t(rank, grp, pattern)),
        best as (
            -- per ownership, the most specific occupational group NCS publishes a medical-care rate for
            select o.occ_code, m.ownership, min(g.rank) as rank, arg_min(g.grp, g.rank) as grp, arg_min(m.access_pct, g.rank) as access
            from occ o join groups g on o.occ_code like g.pattern
            join ncs_medical_by_occupation m on m.occupational_group = g.grp
            group by o.occ_code, m.ownership
        ),
        own as (
            select occ_code,
                   coalesce(max(tot_emp) filter (where industry_code = '000001'), 0) as private_emp,
                   coalesce(max(tot_emp) filter (where industry_code = '999201'), 0)
                     + coalesce(max(tot_emp) filter (where industry_code = '999301'), 0) as statelocal_emp,
                   coalesce(max(tot_emp) filter (where industry_code = '999101'), 0) as federal_emp
            from oews_industry_staffing where industry_code in ('000001', '999201', '999301', '999101') group by occ_code
        ),
        medical as (
            select o.occ_code, c.grp as civ_group, c.rank as civ_rank, c.access as civ_access,
                   p.grp as priv_group, p.rank as priv_rank, p.access as priv_access,
                   s.grp as sl_group, s.rank as sl_rank, s.access as sl_access,
                   w.private_emp, w.statelocal_emp, w.federal_emp
            from occ o
            left join best c on c.occ_code = o.occ_code and c.ownership = 'civilian'
            left join best p on p.occ_code = o.occ_code and p.ownership = 'private'
            left join best s on s.occ_code = o.occ_code and s.ownership = 'statelocal'
            left join own w on w.occ_code = o.occ_code
        ),
        medical_rate as (
            -- the civilian rate of a group more specific than the ownership split offers; otherwise
            -- the private and state-and-local rates weighted by the occupation's own ownership mix
            select *, civ_rank < greatest(priv_rank, sl_rank) or coalesce(private_emp + statelocal_emp, 0) = 0 as use_civilian
            from medical
        ),
        sectors as (
            select industry_code, substr(industry_code, 1, 2) as lo, substr(industry_code, 5, 2) as hi
            from oews_industries where industry_code similar to '[0-9]{{2}}--[0-9]{{2,3}}' and substr(industry_code, 1, 2) <> '99'
        ),
        gov_parts as (
            -- government-owned parts OEWS files under private-looking sectors: state and local
            -- schools (611) and hospitals (622), the Postal Service (491); 3-digit level only
            select i.industry_code, s.industry_code as sector
            from oews_industries i join sectors s on substr(i.industry_code, 1, 2) >= s.lo and substr(i.industry_code, 1, 2) < s.hi
            where substr(i.industry_code, 4, 2) = '00'
              and (i.industry_title ilike '%government owned' or i.industry_title ilike '%(federal government)')
        ),
        private_by_sector as (
            select st.occ_code, s.lo as sector,
                   greatest(st.tot_emp - coalesce((select sum(g.tot_emp) from oews_industry_staffing g join gov_parts gp using (industry_code)
                                                    where gp.sector = s.industry_code and g.occ_code = st.occ_code), 0), 0) as emp
            from oews_industry_staffing st join sectors s using (industry_code)
        ),
        latest as (select max(year) as year from ncs_sick_leave_by_industry),
        sector_rate as (
            select c.sector, arg_min(n.sick_leave_access_pct, c.pref) as rate, arg_min(n.industry, c.pref) as series
            from (values {_SECTORS}) c(sector, pref, series)
            join ncs_sick_leave_by_industry n on n.industry_code = c.series and n.ownership = 'private' and n.year = (select year from latest)
            group by c.sector
        ),
        public_rate as (
            select sick_leave_access_pct as rate from ncs_sick_leave_by_industry
            where ownership = 'public' and industry_code = {_q(ncs.PUBLIC_SERIES)} and year = (select year from latest)
        ),
        sick as (
            select o.occ_code,
                   (coalesce(sum(p.emp * r.rate), 0) + coalesce(any_value(w.statelocal_emp), 0) * (select rate from public_rate))
                     / nullif(coalesce(sum(p.emp) filter (where r.rate is not null), 0) + coalesce(any_value(w.statelocal_emp), 0), 0) as sick_leave_access,
                   coalesce(sum(p.emp) filter (where r.rate is not null), 0) + coalesce(any_value(w.statelocal_emp), 0) as covered_emp
            from occ o left join private_by_sector p using (occ_code) left join sector_rate r using (sector)
            left join own w on w.occ_code = o.occ_code
            group by o.occ_code
        ),
        national as (select a_pct25, a_median, a_pct75 from wages where area_code = '0000000' and occ_code = '00-0000'),
        quartile as (
            select w.occ_code, w.tot_emp as national_emp,
                   case when w.a_median_top_coded then 3
                        when w.a_median is null then null
                        when w.a_median < n.a_pct25 then 0 when w.a_median < n.a_median then 1
                        when w.a_median < n.a_pct75 then 2 else 3 end as q
            from wages w, national n where w.area_code = '0000000'
        ),
        by_wage as (
            select q.occ_code, qn.name as wage_quartile,
                   max(b.access_pct) filter (where b.benefit = 'retirement') as retirement_access_wage,
                   max(b.access_pct) filter (where b.benefit = 'medical_care') as medical_access_wage,
                   max(b.access_pct) filter (where b.benefit = 'life_insurance') as life_insurance_access_wage,
                   max(b.access_pct) filter (where b.benefit = 'paid_sick_leave') as sick_leave_access_wage,
                   max(b.access_pct) filter (where b.benefit = 'paid_vacation') as vacation_access_wage,
                   max(b.access_pct) filter (where b.benefit = 'paid_holidays') as holidays_access_wage
            from quartile q join (values {_QUARTILES}) qn(q, name) using (q)
            join ncs_by_wage_category b on b.wage_category = qn.name
            group by q.occ_code, qn.name
        )
        select o.occ_code,
               case when m.use_civilian then m.civ_access
                    else (m.priv_access * m.private_emp + m.sl_access * m.statelocal_emp) / (m.private_emp + m.statelocal_emp) end as medical_access,
               case when m.use_civilian then m.civ_group
                    when m.statelocal_emp = 0 or m.sl_group = m.priv_group then m.priv_group
                    when m.private_emp = 0 then m.sl_group
                    else m.priv_group || ' (private); ' || m.sl_group || ' (state and local government)' end as medical_group,
               case when m.use_civilian then 'civilian' else 'ownership mix' end as medical_basis,
               s.sick_leave_access, s.covered_emp / nullif(m.private_emp + m.statelocal_emp + m.federal_emp, 0) as sick_leave_coverage,
               (select year from latest) as sick_leave_year,
               b.wage_quartile, b.retirement_access_wage, b.medical_access_wage, b.life_insurance_access_wage,
               b.sick_leave_access_wage, b.vacation_access_wage, b.holidays_access_wage,
               m.private_emp / nullif(m.private_emp + m.statelocal_emp + m.federal_emp, 0) as private_share,
               m.statelocal_emp / nullif(m.private_emp + m.statelocal_emp + m.federal_emp, 0) as statelocal_share,
               m.federal_emp / nullif(m.private_emp + m.statelocal_emp + m.federal_emp, 0) as federal_share
        from occ o
        left join medical_rate m using (occ_code)
        left join sick s using (occ_code)
        left join by_wage b using (occ_code)
        order by o.occ_code
        """,
    ),
]
