"""The releases an atlas holds, which one is current, and running analysis on another.

OEWS and the Employment Projections come out every year, so the atlas holds several releases
of each side by side: every row of `oews_*_by_release` and `projections_by_release` names its
release, and the `releases` table records each one (source, period, publication date, the
input files and their sha256, where it came from, the areas it covers).

**The current release** of a source is the newest *complete* one: for OEWS, a release with
estimates for the nation, every state and metropolitan and nonmetropolitan areas (BLS's full
set); every projections release is national, so the newest. Analysis reads the current release
from tables named as they always were (`oews_wages`, `oews_areas`, `oews_occupations`,
`oews_footnotes`, `projections_occupations`, and derived from them `areas`, `projections`,
`occupation_education`; the `wages` view on top), copied out of the release tables when the atlas
is built, so adding a release of an existing source touches no analysis code and reading the
current one costs nothing extra.

**Another release** is chosen per connection (`choose`, `chosen`): temporary views of the same
names shadow those tables (DuckDB resolves temporary objects first, also inside the atlas's own
views) and select the chosen release, and a temporary `release_choice` table records it. Nothing
is written to the atlas (it stays read-only); the choice lives as long as the connection, or the
`with` block.
The atlas's identity (`_rows.atlas_id`, the key of every in-process cache) includes the choice,
so results computed on one release are never served for another. Tables derived when the atlas
was built — the list of areas and their price parities, the occupations and the SOC
reconciliation, O*NET descriptors — stay those of the current release; wages, employment,
area totals, projections and education requirements follow the choice.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass

from upward.errors import NotFoundError, UpwardError

OEWS = "bls_oews"
PROJECTIONS = "bls_projections"
#: Source → the atlas tables holding its releases (each has a first column `release`).
TABLES: dict[str, tuple[str, ...]] = {
    OEWS: ("oews_areas_by_release", "oews_occupations_by_release", "oews_footnotes_by_release", "oews_wages_by_release"),
    PROJECTIONS: ("projections_by_release",),
}
SOURCE_NAMES = {OEWS: "OEWS", PROJECTIONS: "Employment Projections"}
#: What a user may type for a source (`--source projections`, `--release projections:2022`).
SOURCE_WORDS = {"oews": OEWS, "bls_oews": OEWS, "projections": PROJECTIONS, "ep": PROJECTIONS, "bls_projections": PROJECTIONS}
#: A release of OEWS is complete when it covers the nation, this many states and territories, and metro and nonmetro areas.
MIN_STATES = 50

#: The current release's rows under the names the atlas always had (the release column dropped).
CURRENT = {
    "oews_areas": ("oews_areas_by_release", OEWS),
    "oews_occupations": ("oews_occupations_by_release", OEWS),
    "oews_footnotes": ("oews_footnotes_by_release", OEWS),
    "oews_wages": ("oews_wages_by_release", OEWS),
    "projections_occupations": ("projections_by_release", PROJECTIONS),
}


def _rows_of(table: str, release_sql: str) -> str:
    return f"select * exclude (release) from main.{table} where release = {release_sql}"


def setup_sql() -> list[tuple[str, str]]:
    """The statements that make the release records, the current releases and their tables (build time)."""
    tables = [
        (name, f"create table {name} as " + _rows_of(table, f"(select release from release_default where source = '{source}')"))
        for name, (table, source) in CURRENT.items()
    ]
    return [
        ("release coverage", COVERAGE_SQL),
        ("current releases", CURRENT_SQL),
        ("release choice", "create table if not exists release_choice (source varchar primary key, release varchar)"),
        (
            "current_releases",
            """create or replace view current_releases as
               select d.source, coalesce(c.release, d.release) as release, c.release is not null as chosen
               from release_default d left join release_choice c using (source)""",
        ),
        *tables,
    ]


#: Which areas each release covers, and whether it is complete (see the module doc).
COVERAGE_SQL = f"""
create or replace table release_coverage as
with a as (
    select release, count(*) as areas,
           count(*) filter (where area_type = 'national') as national,
           count(*) filter (where area_type = 'state') as states,
           count(*) filter (where area_type = 'metro_or_nonmetro' and area_code like '00%') as metros,
           count(*) filter (where area_type = 'metro_or_nonmetro' and area_code not like '00%') as nonmetros
    from oews_areas_by_release group by release
)
select r.source, r.release,
       case when r.source = '{OEWS}' then a.areas else 1 end as areas,
       case when r.source = '{OEWS}' then concat_ws(', ',
           case when a.national > 0 then 'the nation' end,
           case when a.states = 1 then '1 state or territory' when a.states > 1 then a.states || ' states and territories' end,
           case when a.metros = 1 then '1 metro area' when a.metros > 1 then a.metros || ' metro areas' end,
           case when a.nonmetros = 1 then '1 nonmetropolitan area' when a.nonmetros > 1 then a.nonmetros || ' nonmetropolitan areas' end)
           else 'the nation' end as coverage,
       case when r.source = '{OEWS}' then coalesce(a.national > 0 and a.states >= {MIN_STATES} and a.metros > 0 and a.nonmetros > 0, false)
            else true end as complete
from releases r left join a on r.source = '{OEWS}' and a.release = r.release
"""

#: The newest complete release of each source (OEWS by its May year, projections by base year).
CURRENT_SQL = """
create or replace table release_default as
select r.source, arg_max(r.release, r.base_year) as release
from releases r join release_coverage c using (source, release)
where c.complete
group by r.source
"""


@dataclass(frozen=True)
class Held:
    """A release the atlas holds, as `held()` lists it."""

    source: str
    release: str
    period: str
    base_year: int
    projected_year: int | None
    published: str | None
    origin: str  # 'bundle' or 'added'
    coverage: str
    complete: bool
    current: bool  # the current release (what analysis reads by default)
    chosen: bool  # chosen on this connection instead of the current one
    files: str  # JSON: [{path or name, sha256}]
    obtained_from: str | None
    added_at: str | None

    @property
    def name(self) -> str:
        """'OEWS May 2024', 'Employment Projections 2022–32'."""
        return f"{SOURCE_NAMES.get(self.source, self.source)} {self.period}"

    def text(self) -> str:
        return f"{self.period} (published {self.published})" if self.published else self.period


def held(con, source: str | None = None) -> list[Held]:
    """Every release the atlas holds (of one source), newest first, with the one in use marked."""
    rows = con.execute(
        f"""select r.source, r.release, r.period, r.base_year, r.projected_year, r.published, r.origin,
                   c.coverage, c.complete, coalesce(d.release = r.release, false), coalesce(cr.chosen and cr.release = r.release, false),
                   r.files, r.obtained_from, r.added_at
            from releases r join release_coverage c using (source, release)
            left join release_default d using (source) left join current_releases cr using (source)
            {"where r.source = ?" if source else ""}
            order by r.source, r.base_year desc""",
        [source] if source else [],
    ).fetchall()
    return [Held(*r) for r in rows]


def held_records(con) -> list[dict]:
    """`held()` as plain records (what `upward atlas info --json` and the API print)."""
    import json
    from dataclasses import asdict

    return [{**asdict(h), "files": json.loads(h.files), "name": h.name} for h in held(con)]


def in_use(con, source: str) -> Held:
    """The release analysis reads on this connection: the chosen one, else the current one."""
    rel = con.execute("select release from current_releases where source = ?", [source]).fetchone()
    if rel is None:
        raise UpwardError(f"The atlas holds no complete release of {SOURCE_NAMES.get(source, source)}.")
    return next(h for h in held(con, source) if h.release == rel[0])


def source_of(text: str) -> str:
    key = SOURCE_WORDS.get(text.strip().lower())
    if key is None:
        raise UpwardError(f"Unknown source '{text}'.", hint="Use oews or projections.")
    return key


def resolve(con, text: str, source: str | None = None) -> Held:
    """The held release a person names: '2024' or 'May 2024' (OEWS), '2022', '2022-32' or '2022–2032'
    (projections, with `source` or a prefix: 'projections:2022'), or an atlas release name."""
    raw = text.strip()
    if ":" in raw:
        prefix, raw = raw.split(":", 1)
        source = source_of(prefix)
        raw = raw.strip()
    source = source or OEWS
    options = held(con, source)
    words = re.sub(r"^(may|m)\s*", "", raw.lower())
    m = re.fullmatch(r"(\d{4})(?:\s*[-–]\s*(\d{2}|\d{4}))?", words)
    found = []
    if m:
        base = int(m.group(1))
        end = m.group(2)
        found = [h for h in options if h.base_year == base and (
            end is None or h.projected_year is None or h.projected_year % 100 == int(end) % 100)]
    found = found or [h for h in options if h.release == raw or h.period.lower() == raw.lower()]
    if len(found) == 1:
        return found[0]
    names = ", ".join(f"{h.release} ({h.period})" for h in options) or "none"
    raise NotFoundError(
        f"The atlas holds no {SOURCE_NAMES.get(source, source)} release '{text}'.",
        hint=f"Held releases of {SOURCE_NAMES.get(source, source)}: {names}. Load another with: upward atlas add FILE",
    )


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _unchoose(con) -> None:
    """Back to the current releases on this connection: drop every temporary object `choose` made."""
    from upward.atlas.build import RELEASE_DEPENDENT

    names = [*CURRENT, *(n for derived in RELEASE_DEPENDENT.values() for n, _ in derived)]
    for name in names:
        con.execute(f"drop view if exists temp.{name}")
    con.execute("drop table if exists temp.release_choice")


def choose(con, picks: list[Held]) -> None:
    """Read these releases instead of the current ones on this connection (nothing is written to the atlas)."""
    from upward.atlas.build import RELEASE_DEPENDENT

    sources = [h.source for h in picks]
    if len(set(sources)) < len(sources):
        raise UpwardError("Choose at most one release per source.", hint="e.g. --release 2024 --release projections:2022")
    _unchoose(con)
    current = {h.source: h.release for h in held(con) if h.current}
    rows = [(h.source, h.release) for h in picks if current.get(h.source) != h.release]
    if not rows:
        return
    con.execute("create temp table release_choice (source varchar primary key, release varchar)")
    con.executemany("insert into temp.release_choice values (?, ?)", rows)
    for source, release in rows:
        for name, (table, of) in CURRENT.items():
            if of == source:
                con.execute(f"create temp view {name} as " + _rows_of(table, _quoted(release)))
        for name, select in RELEASE_DEPENDENT.get(source, []):
            con.execute(f"create temp view {name} as {select}")


def _temp_choice(con) -> list[tuple[str, str]]:
    exists = con.execute(
        "select count(*) from duckdb_tables() where database_name = 'temp' and table_name = 'release_choice'"
    ).fetchone()[0]
    return con.execute("select source, release from temp.release_choice").fetchall() if exists else []


@contextmanager
def chosen(con, picks: list[Held]):
    """`choose` for the duration of a block, then back to what the connection read before."""
    before = _temp_choice(con)
    choose(con, picks)
    try:
        yield con
    finally:
        all_held = {(h.source, h.release): h for h in held(con)}
        choose(con, [all_held[k] for k in before if k in all_held])


#: BLS's OEWS download workbook holding each type of area (all of them are in all_data_M_YYYY.xlsx too).
WORKBOOKS = {"national": "national_M{y}_dl.xlsx", "state": "state_M{y}_dl.xlsx", "metro": "MSA_M{y}_dl.xlsx", "nonmetro": "BOS_M{y}_dl.xlsx"}


def workbook_for(con, area_code: str, year: int) -> str:
    """The BLS file that would add an area's estimates of a May release: 'MSA_M2024_dl.xlsx (or all_data_M_2024.xlsx)'."""
    kind = con.execute("select area_type from area_list where area_code = ?", [area_code]).fetchone()
    name = WORKBOOKS.get(kind[0] if kind else "", "state_M{y}_dl.xlsx").format(y=year)
    return f"BLS's {name} (or all_data_M_{year}.xlsx, every area)"


def require_area(con, area_code: str, source: str = OEWS) -> None:
    """Fail, saying which file to load, when the release in use has no estimates for the area."""
    h = in_use(con, source)
    if source != OEWS or h.complete:
        return
    has = con.execute("select 1 from oews_areas where area_code = ?", [area_code]).fetchone()
    if has:
        return
    name = (con.execute("select area_name from area_list where area_code = ?", [area_code]).fetchone() or [area_code])[0]
    raise UpwardError(
        f"OEWS {h.period} holds no estimates for {name} ({area_code}): it covers {h.coverage}.",
        hint=f"Load {workbook_for(con, area_code, h.base_year)} with: upward atlas add FILE (docs/releases.md)",
    )
