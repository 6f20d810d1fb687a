"""The living wage of every area, derived at atlas build: MIT's county budgets, Connecticut's planning
regions, the CPI-U factor that brings them to the wage year, and states and the nation from their areas.

1. **Counties.** MIT publishes an hourly living wage per county and household type, priced in its
   data year (2021). Connecticut's eight legacy counties are gone from OEWS and Census, which use
   the nine 2022 planning regions; every town lies in one of each, so a planning region takes the
   mean of its towns' legacy-county figures, each town counting once (no town population is
   bundled): the Capitol region is 26 towns of Hartford County and 12 of Tolland County, so
   26/38 of Hartford's figure and 12/38 of Tolland's.
2. **Metro and nonmetropolitan areas** take the median of their counties (as before: no county
   population is bundled), with the spread (min, max) and the count of counties.
3. **Prices.** Each such area gets a CPI-U factor, the wage year's annual average ÷ the MIT data
   year's, from the most local index BLS publishes for it: the area's own metro index (21 metros;
   matched by principal city and principal state, e.g. BLS "Houston-The Woodlands-Sugar Land, TX"
   is OEWS "Houston-Pasadena-The Woodlands, TX"), else the state's urban index where BLS publishes
   one (Urban Alaska, Urban Hawaii), else the index of the Census division of the area's principal
   state (`upward.sources.cpi.CENSUS_DIVISIONS`), else the U.S. city average.
4. **States and the nation** are computed from their areas, never from a median of counties: a
   state's living wage is the mean of its areas' figures weighted by the jobs they hold in it
   (OEWS employment × the area's share in the state, `area_parents`), and so is its CPI factor;
   the nation likewise over every area. The shares of jobs paying a living wage are aggregated the
   same way (`upward.analysis.living_wage`), so a metro, its state and the nation are measured
   alike.

`area_parents` says which share of each area's jobs lies in each state: 1 for nonmetropolitan
areas and for metros inside one state; a metro crossing state lines is split between its states
(docs/job-quality.md gives the rule and the 43 such metros' splits).
"""

from __future__ import annotations

import re

import pandas as pd

from upward.errors import UpwardError
from upward.sources.cpi import CENSUS_DIVISIONS, US_CITY_AVERAGE, division_of, kind_of

NATIONAL = "0000000"


def wage_year(con) -> int:
    """The OEWS reference year (May of it) of the release in use when the atlas is built.

    The living wage is priced once, at build, to the current release; a connection that chooses an
    older release with `--release` compares its wages with living wages priced to the current year.
    """
    from upward.atlas.releases import OEWS, in_use

    return in_use(con, OEWS).base_year


def _place_key(name: str) -> tuple[str, str]:
    """(principal city, principal state) of a CBSA-style title: 'Seattle-Tacoma-Bellevue WA' → ('seattle', 'WA')."""
    m = re.fullmatch(r"(.+?)[, ]+([A-Z]{2})(?:-[A-Z]{2})*", name.strip())
    if not m:
        return (name.strip().lower(), "")
    return (re.split(r"[-,]", m.group(1))[0].strip().lower(), m.group(2))


def cpi_factors(con) -> pd.DataFrame:
    """One row per metro and nonmetropolitan area: the CPI series chosen, why, and the factor.

    Raises if a current BLS metro index matches no OEWS metro or several (a changed name or
    delineation must be looked at, not silently priced by the division).
    """
    base = int(con.execute("select min(year) from living_wage_county").fetchone()[0])
    if base != con.execute("select max(year) from living_wage_county").fetchone()[0]:
        raise UpwardError("The MIT living-wage file mixes data years; one CPI base year cannot price it.")
    year = wage_year(con)
    cpi = con.execute("select series_id, cpi_area_code, cpi_area_name, year, cpi from prices_cpi where year in (?, ?)", [base, year]).df()
    wide = cpi.pivot_table(index=["series_id", "cpi_area_code", "cpi_area_name"], columns="year", values="cpi").reset_index()
    wide = wide.rename(columns={base: "cpi_base", year: "cpi_latest"})
    wide = wide.dropna(subset=["cpi_base", "cpi_latest"]) if {"cpi_base", "cpi_latest"} <= set(wide.columns) else wide.iloc[0:0]
    series = {r.cpi_area_code: r for r in wide.itertuples()}
    if US_CITY_AVERAGE not in series:
        raise UpwardError(f"The CPI file has no U.S. city average for both {base} and {year}.")
    areas = con.execute(
        "select a.area_code, a.area_name, a.area_type, a.state_abbr, s.state_name from areas a left join states s using (state_abbr) "
        "where a.area_type in ('metro', 'nonmetro')"
    ).df()
    state_names = dict(con.execute("select state_name, state_abbr from states").fetchall())
    metros = areas[areas.area_type == "metro"]
    by_key: dict[tuple[str, str], list[str]] = {}
    for r in metros.itertuples():
        by_key.setdefault(_place_key(r.area_name), []).append(r.area_code)

    chosen: dict[str, tuple[str, str]] = {}  # area_code → (cpi_area_code, basis)
    urban: dict[str, str] = {}  # state_abbr → cpi_area_code
    for code, r in series.items():
        kind = kind_of(code, r.cpi_area_name)
        if kind == "metro":
            hits = by_key.get(_place_key(r.cpi_area_name), [])
            if len(hits) != 1:
                raise UpwardError(f"BLS CPI area {r.cpi_area_name!r} ({r.series_id}) matches {len(hits)} OEWS metros by principal city and state.",
                                  hint="The CPI or OEWS area names changed: check upward/atlas/living_wage.py's matching rule.")
            chosen[hits[0]] = (code, "the metro area's own index")
        elif kind == "state_urban":
            abbr = state_names.get(r.cpi_area_name.removeprefix("Urban ").strip())
            if abbr is None:
                raise UpwardError(f"BLS CPI area {r.cpi_area_name!r} names no state the atlas knows.")
            urban[abbr] = code
    division = {s: code for code, (_, states) in CENSUS_DIVISIONS.items() for s in states}
    rows = []
    for r in areas.itertuples():
        if r.area_code in chosen:
            code, basis = chosen[r.area_code]
        elif r.state_abbr in urban:
            code, basis = urban[r.state_abbr], f"{r.state_name}'s urban index; BLS prices no metro here"
        elif division.get(r.state_abbr) in series:
            code = division[r.state_abbr]
            basis = f"the Census division of {r.state_abbr}; BLS prices no metro here"
        else:
            code, basis = US_CITY_AVERAGE, "the U.S. city average (no regional index covers this area)"
        s = series[code]
        rows.append((r.area_code, s.series_id, s.cpi_area_name, basis, base, year, s.cpi_base, s.cpi_latest))
    out = pd.DataFrame(rows, columns=["area_code", "cpi_series", "cpi_area", "cpi_basis", "cpi_base_year", "cpi_year", "cpi_base", "cpi_latest"])
    out["cpi_factor"] = out.cpi_latest / out.cpi_base
    return out




STATEMENTS: list[tuple[str, str]] = [
    (
        "living_wage_counties",
        # MIT's counties, and Connecticut's planning regions from their towns' legacy counties.
        """
        create table living_wage_counties as
        select county_fips, household, hourly_wage, 'MIT county figure' as method
        from living_wage_county
        union all
        select t.planning_region_fips, l.household, avg(l.hourly_wage),
               'mean of its ' || count(*) || ' towns'' legacy-county figures (MIT lists Connecticut''s counties before 2022)'
        from geo_ct_towns t join living_wage_county l on l.county_fips = t.legacy_county_fips
        group by t.planning_region_fips, l.household
        """,
    ),
    (
        "area_parents",
        # Which share of an area's jobs lies in each state (and all of it in the nation).
        """
        create table area_parents as
        with parts as (
            select g.area_code, s.area_code as parent_code, count(*) as n
            from geo_county_areas g join areas s on s.area_type = 'state' and s.state_abbr = g.state_abbr
            group by g.area_code, s.area_code
        )
        select p.area_code, p.parent_code, p.n / sum(p.n) over (partition by p.area_code) as weight,
               case when count(*) over (partition by p.area_code) = 1 then 'the whole area lies in the state'
                    else 'its counties in the state: ' || p.n || ' of ' || sum(p.n) over (partition by p.area_code) end as basis
        from parts p
        union all
        select area_code, '0000000', 1.0, 'every area is in the nation' from areas where area_type in ('metro', 'nonmetro')
        order by area_code, parent_code
        """,
    ),
    (
        "living_wage",
        """
        create table living_wage as
        with local as (
            select c.area_code, l.household,
                   median(l.hourly_wage) as hourly_wage, min(l.hourly_wage) as hourly_min, max(l.hourly_wage) as hourly_max,
                   count(*) as n_counties_with_data,
                   count(*) filter (where l.method <> 'MIT county figure') as n_allocated
            from area_counties c join areas a using (area_code) join living_wage_counties l using (county_fips)
            where a.area_type in ('metro', 'nonmetro')
            group by c.area_code, l.household
        ),
        priced as (
            select l.*, p.cpi_factor, p.cpi_series, p.cpi_area, p.cpi_basis, p.cpi_base_year, p.cpi_year
            from local l join area_prices p using (area_code)
        ),
        weighted as (
            select ap.parent_code as area_code, l.household, ap.weight * a.total_employment as w, l.hourly_wage, l.cpi_factor,
                   l.cpi_base_year, l.cpi_year
            from priced l join area_parents ap using (area_code) join areas a on a.area_code = l.area_code
            where a.total_employment > 0
        )
        select area_code, household, hourly_wage, round(round(hourly_wage::decimal(18, 6), 2) * 2080)::double as annual_wage, hourly_min, hourly_max,
               n_counties_with_data, null::bigint as n_areas, cpi_factor, cpi_series, cpi_area, cpi_basis, cpi_base_year, cpi_year,
               case when n_allocated = 0 then 'median of ' || n_counties_with_data || ' county living wages (MIT)'
                    else 'median of ' || n_counties_with_data || ' Connecticut planning regions'' living wages, each the mean of its towns'' '
                         || 'MIT legacy-county figures' end
               || '; annual = hourly (to the cent) × 2,080' as method
        from priced
        union all
        select area_code, household, sum(w * hourly_wage) / sum(w), round(round((sum(w * hourly_wage) / sum(w))::decimal(18, 6), 2) * 2080)::double,
               min(hourly_wage), max(hourly_wage), null, count(*),
               sum(w * hourly_wage * cpi_factor) / sum(w * hourly_wage), null, 'each area''s own index', 'the employment-weighted mean of its areas',
               any_value(cpi_base_year), any_value(cpi_year),
               'mean of its ' || count(*) || ' areas'' living wages weighted by the jobs they hold in it (OEWS); annual = hourly (to the cent) × 2,080'
        from weighted group by area_code, household
        order by area_code, household
        """,
    ),
]
