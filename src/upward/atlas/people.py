"""Who lives in each area: the SVI county counts summed over the area's counties, with margins of error.

`area_population` has one row per area × measure (`upward.sources.svi.MEASURES`, plus
`total_population` and `households`): the summed estimate, its combined margin of error, the
universe the share is of, the share and its margin. Metro and nonmetropolitan areas sum their
counties (the May 2025 OEWS county list), states every county of the state, the nation every
county in the file. An area with no county in SVI (Puerto Rico and the territories) has no rows.

Formulas (U.S. Census Bureau, *Understanding and Using American Community Survey Data*, 2020,
ch. 8), all at SVI's 90% confidence:

- a sum's MOE is √Σ MOEᵢ²; among counties whose estimate is 0, only the largest MOE enters
  (Census's guidance, since those MOEs all describe the same "zero");
- a share p = X / U has MOE √(MOE_X² − p²·MOE_U²) / U, or with + when the term under the root
  would be negative. Where the universe is households or the total population, SVI gives its
  MOE. Other universes (adults 25+, people 5+, the poverty universe, the civilian
  noninstitutionalized population, the civilian labor force) are not in the file: each county's
  is recovered as estimate × 100 / SVI's percentage when that percentage is at least 1.0 (so
  SVI's rounding to 0.1 point moves it by 5% at most), otherwise estimated as the county's total
  population × the national ratio of that universe to total population. Such a universe has no
  MOE, and the share's MOE is then MOE_X / U, which is wider than the proportion formula.
"""

from __future__ import annotations

from upward.sources import svi

#: Universes SVI gives with their own MOE; every other universe is recovered from SVI's percentage.
_KNOWN = {"total population": ("total_population", "total_population_moe"), "households": ("households", "households_moe")}


def _county_rows() -> str:
    parts = [
        f"select county_fips, 'total_population' as measure, total_population as estimate, total_population_moe as moe, "
        f"null::double as pct, total_population as total_population, total_population as known_universe, "
        f"total_population_moe as known_universe_moe from population_county",
        f"select county_fips, 'households', households, households_moe, null::double, total_population, null::double, null::double "
        f"from population_county",
    ]
    for name, (_, _, universe) in svi.MEASURES.items():
        u, um = _KNOWN.get(universe, ("null::double", "null::double"))
        parts.append(
            f"select county_fips, '{name}', {name}, {name}_moe, {name}_pct, total_population, {u}, {um} from population_county"
        )
    return "\nunion all\n".join(parts)


STATEMENTS: list[tuple[str, str]] = [
    (
        "county universes",
        f"""
        create temp table _county_measures as
        with c as ({_county_rows()}),
        recovered as (
            select *, case when known_universe is null and pct >= 1 then estimate * 100 / pct end as recovered
            from c
        ),
        ratio as (
            select measure, sum(recovered) / sum(total_population) filter (where recovered is not null) as ratio
            from recovered group by measure
        )
        select r.county_fips, r.measure, r.estimate, r.moe,
               coalesce(r.known_universe, r.recovered, r.total_population * t.ratio) as universe,
               r.known_universe_moe as universe_moe,
               case when r.known_universe is not null then 'published'
                    when r.recovered is not null then 'recovered from SVI percentage'
                    else 'total population × national ratio' end as universe_method
        from recovered r join ratio t using (measure)
        """,
    ),
    (
        "area_population",
        """
        create table area_population as
        with members as (
            select c.area_code, c.county_fips from area_counties c
            union all
            select '0000000', county_fips from population_county
        ),
        j as (
            select m.area_code, c.* from members m join _county_measures c using (county_fips)
        ),
        sums as (
            select area_code, measure, count(*) as counties,
                   sum(estimate) as estimate,
                   sqrt(coalesce(sum(moe * moe) filter (where estimate > 0), 0)
                        + coalesce(max(moe) filter (where estimate = 0), 0) ^ 2) as moe,
                   sum(universe) as universe,
                   case when bool_and(universe_moe is not null) then sqrt(sum(universe_moe * universe_moe)) end as universe_moe,
                   case when bool_and(universe_method = 'published') then 'published by SVI'
                        else 'recovered from SVI percentages' end as universe_source,
                   count(*) filter (where universe_method = 'total population × national ratio') as universe_imputed_counties
            from j group by area_code, measure
        ),
        shares as (
            select *, estimate / nullif(universe, 0) as share from sums
        )
        select s.area_code, s.measure, s.estimate, s.moe, s.universe, s.universe_moe, s.share,
               sqrt(case when s.moe ^ 2 - s.share ^ 2 * coalesce(s.universe_moe, 0) ^ 2 >= 0
                         then s.moe ^ 2 - s.share ^ 2 * coalesce(s.universe_moe, 0) ^ 2
                         else s.moe ^ 2 + s.share ^ 2 * coalesce(s.universe_moe, 0) ^ 2 end) / nullif(s.universe, 0) as share_moe,
               s.counties, a.n_counties as area_counties, s.universe_source, s.universe_imputed_counties
        from shares s join areas a using (area_code)
        order by s.area_code, s.measure
        """,
    ),
]
