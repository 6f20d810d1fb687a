"""What an area looks like: the numbers a regional analyst reads first."""

from __future__ import annotations

from upward.analysis.living_wage import living_wage
from upward.analysis.people import people_summary
from upward.atlas.provenance import releases, top_code_bounds
from upward.atlas.query import record, records
from upward.errors import NotFoundError, UpwardError
from upward.profiles import Profile

AREA_TYPES = ("national", "state", "metro", "nonmetro")
#: A location quotient of a tiny occupation is mostly sampling noise (its employment RSE is
#: large), so "most concentrated" lists only occupations holding at least 2 in 10,000 of the
#: area's jobs, and never fewer than 50 jobs.
CONCENTRATION_MIN_SHARE = 0.0002
CONCENTRATION_MIN_JOBS = 50


def area_type_of(text: str | None) -> str | None:
    """An area type as typed (any case), checked; None (no text) means every type."""
    if not text:
        return None
    if text.lower() not in AREA_TYPES:
        raise UpwardError(f"Unknown area type '{text}'.", hint=f"Use one of: {', '.join(AREA_TYPES)}.")
    return text.lower()


def list_areas(con, search: str | None = None, state: str | None = None, area_type: str | None = None) -> list[dict]:
    area_type = area_type_of(area_type)
    if state and not con.execute(
        "select 1 from states where lower(state_abbr) = ? or lower(state_name) = ?", [state.lower(), state.lower()]
    ).fetchone():
        from upward.atlas.lookup import _closest

        states = con.execute("select state_abbr || ' (' || state_name || ')' from states order by 1").fetchall()
        close = _closest(state, [s for (s,) in states])
        raise NotFoundError(f"Unknown state '{state}'.", hint="Use a USPS abbreviation such as TX, or a name such as Texas. "
                            + (f"Closest: {'; '.join(close)}." if close else ""))
    where, params = [], []
    if search:
        where.append("lower(area_name) like ?")
        params.append(f"%{search.lower()}%")
    if state:
        where.append("(lower(state_abbr) = ? or lower(state_name) = ?)")
        params += [state.lower(), state.lower()]
    if area_type:
        where.append("area_type = ?")
        params.append(area_type)
    sql = (
        "select area_code, area_name, area_type, state_abbr, cbsa_code, n_counties, total_employment, price_parity "
        "from areas" + (" where " + " and ".join(where) if where else "") + " order by area_type <> 'national', area_type <> 'state', area_name"
    )
    return records(con, sql, params)


def region_summary(con, area_code: str, profile: Profile, household: str | None = None, top: int = 10) -> dict:
    """Jobs, wages, price parity, the living wage (the profile's household unless `household` is given),
    and the largest and most concentrated occupations."""
    area = record(con, "select * from areas where area_code = ?", [area_code])
    if area is None:
        raise UpwardError(f"No area {area_code} in the atlas.")
    all_occ = record(
        con,
        "select tot_emp, a_mean, a_pct10, a_pct25, a_median, a_pct75, a_pct90, h_median, "
        "a_median_top_coded from wages where area_code = ? and occ_code = '00-0000'",
        [area_code],
    )
    total = area["total_employment"] or 0
    min_emp = max(CONCENTRATION_MIN_JOBS, round(total * CONCENTRATION_MIN_SHARE))
    occ_cols = (
        "w.occ_code, o.occ_title, w.tot_emp as employment, w.a_median, w.a_median_top_coded, "
        "w.a_pct25, w.loc_quotient, w.jobs_1000"
    )
    largest = records(
        con,
        f"""select {occ_cols} from wages w join occupations o using (occ_code)
            where w.area_code = ? and o.level = 'detailed' and w.tot_emp is not null
            order by w.tot_emp desc, w.occ_code limit ?""",
        [area_code, top],
    )
    concentrated = []
    if area["area_type"] != "national":
        concentrated = records(
            con,
            f"""select {occ_cols} from wages w join occupations o using (occ_code)
                where w.area_code = ? and o.level = 'detailed' and w.loc_quotient is not null and w.tot_emp >= ?
                order by w.loc_quotient desc, w.occ_code limit ?""",
            [area_code, min_emp, top],
        )
    rpp_year = con.execute("select value from meta where key = 'rpp_year'").fetchone()[0]
    bounds = top_code_bounds(con)
    return {
        "area": {k: area[k] for k in ("area_code", "area_name", "area_type", "state_abbr", "state_name", "cbsa_code", "n_counties")},
        "employment": all_occ["tot_emp"] if all_occ else None,
        "wages_all_occupations": all_occ,
        "price_parity": {"value": area["price_parity"], "year": int(rpp_year), "source": area["price_parity_source"]},
        "living_wage": living_wage(con, area_code, profile, household),
        "largest_occupations": largest,
        "most_concentrated_occupations": concentrated,
        "concentration_min_employment": min_emp if concentrated else None,
        "top_coded_at_least": bounds,
        "people": people_summary(con, area_code),
        "data": releases(con),
    }
