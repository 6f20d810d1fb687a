"""Build the atlas from the bundle: load every bundle table, then derive the tables analysis reads.

The bundle's releases of OEWS and the projections, and any release a user added (`store.py`),
are loaded side by side; `releases.py` picks the current one and makes the views analysis reads
(`oews_wages`, `projections_occupations` …). Derived here, each in one statement below, from
the current releases: areas (type, state, counties, price parity; their employment follows the
release in use), occupations (SOC hierarchy), the SOC reconciliation, O*NET descriptors rolled
up to atlas occupations, projections keyed by occupation; the living wage by area in
`living_wage.py` (priced to the current OEWS release's year); and the job-title coder's
normalised vocabulary (upward.titles.vocabulary).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import duckdb

import upward.atlas
from upward import __version__, bundle, soc
from upward.atlas import releases, store
from upward.atlas.dimensions import STATEMENTS as DIMENSIONS
from upward.atlas.people import STATEMENTS as PEOPLE
from upward.atlas.programs import STATEMENTS as PROGRAMS
from upward.bundle.sources import SOURCES
from upward.files import clean_stale
from upward.sources.oews import TOP_CODED

def build(path: Path, progress: Callable[[str], None] | None = None) -> Path:
    """Write the atlas to a temporary file next to `path` and move it into place when complete.

    An existing file is replaced only if it is an Upward atlas (of any bundle): nothing else a
    user keeps at that path is ever overwritten.
    """
    path = Path(path)
    if path.exists():
        upward.atlas.fingerprint_of(path)  # raises NotAnAtlasError for anything but an atlas
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(path.parent, f".{path.name}.", (".building", ".building.wal"))  # what a killed build left
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".building", dir=path.parent)
    os.close(fd)
    os.unlink(tmp_name)
    tmp = Path(tmp_name)
    try:
        # One thread: DuckDB sums floats in parallel chunks whose order varies, so two builds of the
        # same bundle differed in the last digits of living wages, population sums, field supply and
        # rolled-up O*NET levels. The atlas is the record every number traces back to: it must be the
        # same each time (tests/test_atlas.py builds it twice). It costs about 2 s of a 10 s build.
        con = duckdb.connect(str(tmp), config={"threads": 1})
        try:
            _load_bundle(con, progress)
            added = store.load(con, store.folder(path), progress)
            for name, sql in releases.setup_sql() + DERIVED:
                if progress:
                    progress(name)
                con.execute(sql)
            _living_wage(con, progress)
            _reconcile_soc(con)
            for name, sql in AFTER_SOC + PROGRAMS + DIMENSIONS + PEOPLE:
                if progress:
                    progress(name)
                con.execute(sql)
            _title_vocabulary(con, progress)
            _write_meta(con, added)
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            if leftover.exists():
                leftover.unlink()
    return path


def _load_bundle(con: duckdb.DuckDBPyConnection, progress) -> None:
    for name in bundle.provenance()["files"]:
        if progress:
            progress(name)
        con.execute(f"create table {name} as select * from read_parquet('{bundle.path(name).as_posix()}')")


def _living_wage(con: duckdb.DuckDBPyConnection, progress) -> None:
    """CPI factors per area (Python: matching BLS's CPI areas to OEWS's), then the living-wage tables."""
    from upward.atlas import living_wage

    if progress:
        progress("area_prices")
    area_prices = living_wage.cpi_factors(con)  # noqa: F841  (read by the SQL below)
    con.execute("create table area_prices as select * from area_prices order by area_code")
    for name, sql in living_wage.STATEMENTS:
        if progress:
            progress(name)
        con.execute(sql)


def _reconcile_soc(con: duckdb.DuckDBPyConnection) -> None:
    detailed = [r[0] for r in con.execute("select occ_code from oews_occupations where display_level = 3").fetchall()]
    onet_codes = [r[0] for r in con.execute("select onetsoc_code from onet_occupations").fetchall()]
    proj = [r[0] for r in con.execute("select soc_code from projections_occupations where occupation_type = 'Line item'").fetchall()]
    soc_map = soc.reconcile(detailed, onet_codes, proj)  # noqa: F841  (read by the SQL below)
    con.execute("create table soc_map as select * from soc_map")


def _title_vocabulary(con: duckdb.DuckDBPyConnection, progress) -> None:
    """The job-title coder's vocabulary, normalised once here so the coder starts in about a second."""
    from upward.titles import vocabulary

    if progress:
        progress("title_vocabulary")
    title_vocabulary = vocabulary.derive(con)  # noqa: F841  (read by the SQL below)
    con.execute("create table title_vocabulary as select * from title_vocabulary")


def _write_meta(con: duckdb.DuckDBPyConnection, added: str) -> None:
    prov = bundle.provenance()
    con.execute(
        "create table source_records (ord integer, key varchar primary key, title varchar, publisher varchar, release varchar, "
        "obtained_from varchar, license varchar, attribution varchar)"
    )
    con.executemany(
        "insert into source_records values (?, ?, ?, ?, ?, ?, ?, ?)",
        [(i, *s.as_dict().values()) for i, s in enumerate(SOURCES.values())],
    )
    # A source held in several releases is credited with the release in use (current or chosen).
    con.execute(
        """create view sources as
           select s.key, s.title, s.publisher,
                  coalesce(r.period || coalesce(' (published ' || r.published || ')', ''), s.release) as release,
                  coalesce(r.obtained_from, s.obtained_from) as obtained_from, s.license, s.attribution
           from source_records s
           left join current_releases c on c.source = s.key
           left join releases r on r.source = c.source and r.release = c.release
           order by s.ord"""
    )
    current = dict(con.execute("select key, release from sources").fetchall())
    rows = [
        ("atlas_fingerprint", upward.atlas.fingerprint(added)),
        ("bundle_fingerprint", bundle.fingerprint()),
        ("bundle_schema", str(prov["bundle_schema"])),
        ("built_at", datetime.now(timezone.utc).isoformat(timespec="seconds")),
        ("upward_version", __version__),
        ("releases", json.dumps(current, ensure_ascii=False)),
        ("added_releases", added),
        ("rpp_year", str(con.execute("select max(year) from prices_rpp").fetchone()[0])),
    ]
    con.execute("create table meta (key varchar primary key, value varchar)")
    con.executemany("insert into meta values (?, ?)", rows)


_WAGE_COLUMNS = [
    "h_mean", "a_mean", "h_pct10", "h_pct25", "h_median", "h_pct75", "h_pct90",
    "a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90",
]

#: The areas with the employment of the OEWS release in use.
AREAS = """
select a.area_code, a.area_name, a.area_type, a.state_code, a.state_abbr, a.state_name, a.cbsa_code, a.n_counties,
       e.tot_emp as total_employment, a.price_parity, a.price_parity_source
from area_list a left join oews_wages e on e.area_code = a.area_code and e.occ_code = '00-0000'
order by a.area_code
"""
#: The projections release in use, keyed by occupation, with its years as data.
PROJECTIONS = """
select m.occ_code, p.* exclude (soc_code), r.period as projections_period, r.base_year, r.projected_year
from projections_occupations p join soc_map m on m.system = 'projections' and m.code = p.soc_code
join current_releases c on c.source = 'bls_projections'
join releases r on r.source = c.source and r.release = c.release
"""
OCCUPATION_EDUCATION = """
select o.occ_code, p.typical_education, p.work_experience, p.on_the_job_training,
       round(jz.value)::integer as job_zone, jz.value as job_zone_mean, jz.n_onet_codes as job_zone_onet_codes
from occupations o
left join projections p using (occ_code)
left join descriptors jz on jz.occ_code = o.occ_code and jz.domain = 'job_zone'
where o.level = 'detailed'
"""
#: Tables derived from a source's release, made again (as temporary views) when another release of it is chosen.
RELEASE_DEPENDENT: dict[str, list[tuple[str, str]]] = {
    "bls_oews": [("areas", AREAS)],
    "bls_projections": [("projections", PROJECTIONS), ("occupation_education", OCCUPATION_EDUCATION)],
}

DERIVED: list[tuple[str, str]] = [
    (
        "states",
        # State FIPS ↔ postal abbreviation, read off the county list (the first two FIPS digits).
        """
        create table states as
        select a.state_code,
               -- Guam and the Virgin Islands have no counties in the list: their USPS codes.
               coalesce(any_value(g.state_abbr), case a.state_code when '66' then 'GU' when '78' then 'VI' end) as state_abbr,
               a.area_name as state_name
        from oews_areas a left join geo_county_areas g on substr(g.county_fips, 1, 2) = a.state_code
        where a.area_type = 'state' group by a.state_code, a.area_name
        """,
    ),
    (
        "area_counties",
        """
        create table area_counties as
        select area_code, county_fips, county_name, state_abbr from geo_county_areas
        union all
        select s.state_code || '00000', g.county_fips, g.county_name, g.state_abbr
        from geo_county_areas g join states s on s.state_abbr = g.state_abbr
        """,
    ),
    (
        "area_list",
        """
        create table area_list as
        with typed as (
            select a.area_code, a.area_name, a.state_code,
                   case when a.area_type = 'national' then 'national'
                        when a.area_type = 'state' then 'state'
                        -- metro areas are '00' + CBSA; nonmetropolitan areas are state FIPS + '0000N'
                        when a.area_code like '00%' then 'metro'
                        else 'nonmetro' end as area_type
            from oews_areas a
        ),
        emp as (select area_code, tot_emp from oews_wages where occ_code = '00-0000'),
        rpp as (
            select "table", geo_fips, rpp from prices_rpp
            where item = 'all_items' and year = (select max(year) from prices_rpp)
        ),
        nonstate as (
            select t.*, case when t.area_type = 'metro' then substr(t.area_code, 3) end as cbsa_code
            from typed t
        ),
        priced as (
            -- Metros: BEA's MSA table. Nonmetro areas: the state's nonmetropolitan portion
            -- (BEA publishes no parity for BLS's nonmetropolitan areas themselves).
            select n.*, coalesce(us.rpp, m.rpp, nm.rpp) as price_parity,
                case when us.rpp is not null then 'BEA RPP, United States'
                     when m.rpp is not null then 'BEA RPP for the metropolitan statistical area'
                     when nm.rpp is not null then 'BEA RPP for the nonmetropolitan portion of the state'
                end as price_parity_source
            from nonstate n
            left join rpp us on n.area_type = 'national' and us."table" = 'MARPP' and us.geo_fips = '00000'
            left join rpp m on n.area_type = 'metro' and m."table" = 'MARPP' and m.geo_fips = n.cbsa_code
            left join rpp nm on n.area_type = 'nonmetro' and nm."table" = 'PARPP' and nm.geo_fips = n.state_code || '999'
        ),
        state_parts as (
            -- A state's parity from BEA's two portions (BEA's state table is not bundled), weighted
            -- by employment: the nonmetro portion by the state's nonmetropolitan areas (which lie
            -- within the state), the metro portion by the rest of the state's OEWS employment
            -- (metros crossing state lines are thus counted by state, not by their main state).
            -- A portion BEA does not publish (e.g. Delaware has no nonmetropolitan portion) is
            -- left out and the other carries the state.
            select s.state_code,
                   s.tot_emp - coalesce(n.emp, 0) as metro_emp, coalesce(n.emp, 0) as nonmetro_emp,
                   m.rpp as metro_rpp, nm.rpp as nonmetro_rpp
            from (select state_code, e.tot_emp from typed join emp e using (area_code) where area_type = 'state') s
            left join (
                select t.state_code, sum(e.tot_emp) as emp from typed t join emp e using (area_code)
                where t.area_type = 'nonmetro' group by t.state_code
            ) n using (state_code)
            left join rpp m on m."table" = 'PARPP' and m.geo_fips = s.state_code || '998'
            left join rpp nm on nm."table" = 'PARPP' and nm.geo_fips = s.state_code || '999'
        ),
        state_rpp as (
            select state_code,
                   (coalesce(metro_rpp * metro_emp, 0) + coalesce(nonmetro_rpp * nonmetro_emp, 0))
                     / nullif(case when metro_rpp is not null then metro_emp else 0 end
                              + case when nonmetro_rpp is not null then nonmetro_emp else 0 end, 0) as price_parity
            from state_parts
        )
        select p.area_code, p.area_name, p.area_type, p.state_code, s.state_abbr, s.state_name, p.cbsa_code,
               (select count(*) from area_counties c where c.area_code = p.area_code) as n_counties,
               case when p.area_type = 'state' then round(sp.price_parity, 3) else p.price_parity end as price_parity,
               case when p.area_type = 'state' and sp.price_parity is not null then
                      'derived: BEA RPP of the state''s metropolitan and nonmetropolitan portions weighted by OEWS employment'
                    when p.area_type = 'state' then null
                    else p.price_parity_source end as price_parity_source
        from priced p
        left join states s using (state_code)
        left join emp e using (area_code)
        left join state_rpp sp on sp.state_code = p.state_code and p.area_type = 'state'
        order by p.area_code
        """,
    ),
    ("areas", "create table areas as " + AREAS),
    (
        "wages",
        "create view wages as select w.*, "
        + ", ".join(f"coalesce(w.{c}_fn = '{TOP_CODED}', false) as {c}_top_coded" for c in _WAGE_COLUMNS)
        + " from oews_wages w",
    ),
]

AFTER_SOC: list[tuple[str, str]] = [
    (
        "occupation_groups",
        # SOC groups with titles: the ones OEWS publishes, completed by the projections matrix's
        # summary rows (OEWS skips groups it does not estimate, e.g. minor group 51-5100).
        """
        create table occupation_groups as
        select occ_code as group_code, arg_min(occ_title, pref) as title,  -- OEWS's title when it has one
               case when occ_code like '__-0000' then 'major' when occ_code like '%00' then 'minor' else 'broad' end as level
        from (
            select occ_code, occ_title, 1 as pref from oews_occupations where display_level < 3 and occ_code <> '00-0000'
            union all
            select soc_code, title, 2 from projections_occupations where occupation_type = 'Summary' and soc_code <> '00-0000'
        )
        group by occ_code
        """,
    ),
    (
        "occupations",
        # Levels follow the SOC code structure, except that every row OEWS publishes as detailed is
        # detailed (its aggregates such as 13-1020 look like broad codes). A SOC 2018 broad group
        # is the detailed code ending in 0; a minor group is the longest group code whose digits
        # before its trailing zeros begin the code (15-1252 → 15-1200, not 15-1000).
        """
        create table occupations as
        with base as (
            select occ_code, occ_title, display_level, true as in_oews from oews_occupations
            union all
            select m.occ_code, any_value(coalesce(p.title, o.title)), 3, false
            from soc_map m
            left join projections_occupations p on p.soc_code = m.occ_code
            left join onet_occupations o on o.onetsoc_code = m.occ_code || '.00'
            where m.method = 'not_in_oews' group by m.occ_code
        ),
        typed as (
            select occ_code, occ_title, in_oews,
                   case when occ_code = '00-0000' then 'total'
                        when display_level = 3 then 'detailed'
                        when occ_code like '__-0000' then 'major'
                        when occ_code like '%00' then 'minor'
                        else 'broad' end as level
            from base
        ),
        minors as (select group_code, rtrim(group_code, '0') as prefix from occupation_groups where level = 'minor')
        select t.occ_code, t.occ_title, t.level,
               case when t.level <> 'total' then substr(t.occ_code, 1, 2) || '-0000' end as major_code,
               case when t.level = 'minor' then t.occ_code
                    when t.level in ('broad', 'detailed') then coalesce(
                        (select g.group_code from minors g where starts_with(t.occ_code, g.prefix)
                         order by length(g.prefix) desc limit 1),
                        substr(t.occ_code, 1, 4) || '000') end as minor_code,
               case when t.level in ('broad', 'detailed') then substr(t.occ_code, 1, 6) || '0' end as broad_code,
               t.in_oews
        from typed t order by t.occ_code
        """,
    ),
    (
        "descriptors",
        "create table descriptors as "
        + soc.descriptor_rollup_sql(
            """(select onetsoc_code, domain, element_id, element_name, scale_id, category, value, onet_release,
                       recommend_suppress, not_relevant
                from onet_descriptors
                union all
                select onetsoc_code, 'job_zone', 'JZ', 'Job Zone', 'JZ', null, job_zone, '29.3', null, null
                from onet_job_zones)""",
            "soc_map",
        ),
    ),
    ("all_other_proxies", soc.all_other_proxy_sql("descriptors", "occupations")),
    (
        "occupation_related",
        # O*NET's related occupations between SOC-level O*NET codes (`.00`), mapped to atlas
        # occupations (OEWS aggregates through soc_map). A specialty code's relations (15-2051.01
        # Clinical Data Managers → health services managers) say nothing about its whole SOC
        # occupation (Data Scientists), so they are left out. Where several codes meet, the
        # closest tier and rank are kept.
        """
        create table occupation_related as
        select a.occ_code, b.occ_code as related_occ,
               arg_min(r.tier, [list_position(['Primary-Short', 'Primary-Long', 'Supplemental'], r.tier), r.rank]) as tier,
               min(r.rank) as rank
        from onet_related_occupations r
        join soc_map a on a.system = 'onet' and a.code = r.onetsoc_code
        join soc_map b on b.system = 'onet' and b.code = r.related_code
        where a.occ_code <> b.occ_code and r.onetsoc_code like '%.00' and r.related_code like '%.00'
        group by a.occ_code, b.occ_code
        order by a.occ_code, rank
        """,
    ),
    ("related_proxies", soc.related_proxy_sql("descriptors", "occupations", "occupation_related")),
    (
        "occupation_cps",
        # Each atlas occupation's groups in the CPS transitions file (SOC 2010-based OEWS codes,
        # mostly broad groups, a few minor groups such as 53-1000): its SOC 2018 codes (an OEWS
        # aggregate holds several), back to SOC 2010 through BLS's crosswalk, then to the CPS code
        # that holds each 2010 code — the code itself where the file lists it, else its broad,
        # else its minor group. `weight` is the share of those 2018 → 2010 links landing in each
        # group (no employment is published for the parts), so an occupation's weights sum to 1.
        """
        create table occupation_cps as
        with cps as (select distinct source as cps_code from cps_transitions),
        soc2018 as (
            select distinct substr(code, 1, 7) as soc2018, occ_code from soc_map where system = 'onet'
            union select occ_code, occ_code from occupations where level = 'detailed'
        ),
        links as (
            select s.occ_code, coalesce(d.cps_code, b.cps_code, m.cps_code) as cps_code
            from soc2018 s
            join soc_crosswalk_2010_2018 x on x.soc2018 = s.soc2018
            left join cps d on d.cps_code = x.soc2010
            left join cps b on b.cps_code = substr(x.soc2010, 1, 6) || '0'
            left join cps m on m.cps_code = substr(x.soc2010, 1, 4) || '000'
        )
        select occ_code, cps_code, count(*) / sum(count(*)) over (partition by occ_code) as weight
        from links where cps_code is not null
        group by occ_code, cps_code
        order by 1, 2
        """,
    ),
    ("projections", "create table projections as " + PROJECTIONS),
    ("occupation_education", "create table occupation_education as " + OCCUPATION_EDUCATION),
]
