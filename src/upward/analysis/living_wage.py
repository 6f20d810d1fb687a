"""The living wage a result uses, and each area's occupations measured against it: written once.

Every face, the job-quality measures and the outcomes engine read the living wage through
`living_wage_sql` (the profile's household, brought to the wage year by the CPI-U factor unless the
profile turns that off) and the pay rows through `pay_frame`, so no two places can disagree on the
figure or on how a wage is compared with it. The figures themselves are derived in the atlas
(`upward.atlas.living_wage`): metro and nonmetropolitan areas from MIT's counties, states and the
nation from their areas.
"""

from __future__ import annotations

import pandas as pd

from upward.atlas.provenance import top_code_bounds
from upward.atlas.query import record
from upward.errors import UpwardError
from upward.profiles import Profile

#: Hours a year MIT's hourly figure is worked (40 hours × 52 weeks): annual = hourly × 2,080.
HOURS_A_YEAR = 2080

#: MIT's household codes: adults (and how many work), then children.
_ADULTS = {"1A": "one adult", "2A1W": "two adults (one working)", "2A2W": "two working adults"}
_CHILDREN = {"0C": "no children", "1C": "one child", "2C": "two children", "3C": "three children"}


def household_words(code: str) -> str:
    """MIT's household codes in words: 2A2W2C → 'two working adults with two children'."""
    for prefix, adults in sorted(_ADULTS.items(), key=lambda kv: -len(kv[0])):
        if code.startswith(prefix):
            kids = _CHILDREN.get(code[len(prefix):], code[len(prefix):])
            return f"{adults} with {kids}" if kids != "no children" else f"{adults} with no children"
    return code


def adjusted(profile: Profile) -> bool:
    return bool(profile.get("living_wage.cpi_adjustment"))


def living_wage_sql(profile: Profile, household: str | None = None) -> tuple[str, list]:
    """`area_code, living_wage (annual, dollars), living_wage_hourly, cpi_factor (the one applied: 1 when
    off)` for every area with a living wage, and its parameters. The hourly figure is rounded to cents
    and the annual one is that × 2,080, as MIT states its own figures."""
    factor = "cpi_factor" if adjusted(profile) else "1.0"
    sql = (
        f"select area_code, round({cents(f'hourly_wage * {factor}')} * {HOURS_A_YEAR})::double as living_wage, "
        f"{cents(f'hourly_wage * {factor}')}::double as living_wage_hourly, {factor} as cpi_factor from living_wage where household = ?"
    )
    return sql, [household or profile.household]


def cents(expr: str) -> str:
    """SQL rounding a dollar amount to the cent as written (half up), not as its binary float is: MIT's
    county medians end in half cents ($20.575) that a float holds as 20.57499…"""
    return f"round(({expr})::decimal(18, 6), 2)"


def households(con) -> list[str]:
    return [r[0] for r in con.execute("select distinct household from living_wage order by household").fetchall()]


def check_household(con, household: str) -> str:
    household = household.upper()
    if household not in households(con):
        raise UpwardError(f"Unknown household type '{household}'.", hint=f"Use one of: {', '.join(households(con))}.")
    return household


def living_wage(con, area_code: str, profile: Profile, household: str | None = None) -> dict | None:
    """One area's living wage as every face shows it: the figure used, MIT's own figure, the CPI factor,
    its index and why that index, and how the figure was put together."""
    household = check_household(con, household or profile.household)
    on = adjusted(profile)
    factor = "cpi_factor" if on else "1.0"
    row = record(
        con,
        f"""select household, {cents(f'hourly_wage * {factor}')}::double as hourly, round({cents(f'hourly_wage * {factor}')} * {HOURS_A_YEAR})::double as annual,
                   {cents('hourly_wage')}::double as mit_hourly, round({cents('hourly_wage')} * {HOURS_A_YEAR})::double as mit_annual,
                   {cents(f'hourly_min * {factor}')}::double as hourly_min, {cents(f'hourly_max * {factor}')}::double as hourly_max,
                   n_counties_with_data, n_areas, cpi_factor, {factor} as applied, cpi_series, cpi_area, cpi_basis,
                   cpi_base_year, cpi_year, method
            from living_wage where area_code = ? and household = ?""",
        [area_code, household],
    )
    if row is None:
        return None
    return {
        "household": household,
        "hourly_wage": row["hourly"],
        "annual_wage": row["annual"],
        "mit_hourly_wage": row["mit_hourly"],
        "mit_annual_wage": row["mit_annual"],
        "mit_year": row["cpi_base_year"],
        "prices": {
            "adjusted": on,
            "factor": round(row["cpi_factor"], 4),
            "applied": round(row["applied"], 4),
            "from_year": row["cpi_base_year"],
            "to_year": row["cpi_year"],
            "index": row["cpi_area"],
            "series": row["cpi_series"],
            "basis": row["cpi_basis"],
            "source": "BLS CPI-U, all items, annual averages",
        },
        "n_counties_with_data": row["n_counties_with_data"],
        "n_areas": row["n_areas"],
        "hourly_min": row["hourly_min"],
        "hourly_max": row["hourly_max"],
        "method": row["method"],
        "note": price_note(profile, row["cpi_base_year"], row["cpi_year"]),
    }


def price_note(profile: Profile, from_year: int, to_year: int) -> str:
    """Said wherever a living wage is shown: which prices it is in, and that MIT's budgets are from its data year."""
    if adjusted(profile):
        return (f"MIT's {from_year} household budgets brought to {to_year} prices with BLS CPI-U annual averages (each area's "
                f"metro, state-urban or Census-division index); the budgets themselves are MIT's {from_year} ones.")
    return (f"MIT's {from_year} figures, not brought to {to_year} prices (the profile sets living_wage.cpi_adjustment = false): "
            f"below what the same budget costs at the wage year's prices, so more jobs appear to pay it.")


def years(con) -> tuple[int, int]:
    """(MIT data year, wage year) the living wage table prices from and to."""
    return tuple(con.execute("select any_value(cpi_base_year), any_value(cpi_year) from living_wage").fetchone())


def pay_frame(con, profile: Profile, area_codes: list[str] | None = None) -> pd.DataFrame:
    """One row per area × detailed occupation with published employment: OEWS wages (top-coded cells at
    the BLS bound), the area's living wage, the pay ratios, and BLS's typical entry education.

    The rows every living-wage measure starts from: job quality and JTMs add their measures to them,
    the system indicators and the outcomes engine's quality tiers use them as they are.
    """
    cap = top_code_bounds(con)["annual"]
    lw, params = living_wage_sql(profile)
    where = "" if area_codes is None else "and w.area_code in (select unnest(?::varchar[]))"
    if area_codes is not None:
        params = params + [list(area_codes)]

    def capped(c):
        return f"coalesce(w.{c}, case when w.{c}_top_coded then {cap} end) as {c}"

    df = con.execute(
        f"""
        with lw as ({lw})
        select w.area_code, a.area_type, w.occ_code, o.occ_title, w.tot_emp as employment, w.emp_prse, w.mean_prse,
               {capped('a_mean')}, {capped('a_median')}, {capped('a_pct25')}, {capped('a_pct75')}, {capped('a_pct10')}, {capped('a_pct90')},
               w.a_median_top_coded or w.a_pct25_top_coded or w.a_pct90_top_coded as top_coded,
               w.loc_quotient, am.a_median as area_median, a.price_parity,
               lw.living_wage, lw.living_wage_hourly, lw.cpi_factor, p.typical_education
        from wages w
        join occupations o using (occ_code)
        join areas a using (area_code)
        left join wages am on am.area_code = w.area_code and am.occ_code = '00-0000'
        left join lw on lw.area_code = w.area_code
        left join projections p on p.occ_code = w.occ_code
        where o.level = 'detailed' and w.tot_emp is not null {where}
        order by w.area_code, w.occ_code
        """,
        params,
    ).df()
    df["median_living_wage_ratio"] = df.a_median / df.living_wage
    df["entry_living_wage_ratio"] = df.a_pct25 / df.living_wage
    df["mean_living_wage_ratio"] = df.a_mean / df.living_wage
    df["accessible"] = df.typical_education.isin(profile.get("education.accessible"))
    return df

