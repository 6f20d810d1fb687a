"""One outcomes run: inputs → checked, hashed tables in the engine → indicators → suppression → records.

The result is an envelope: `records` (the JSON records documented in docs/outcomes.md) and `run`
(what was run, on what, by which engine, with which profile: never an identifier).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import ibis
import ibis.expr.datatypes as dt

from upward.cache import Cache
from upward.errors import UpwardError
from upward.files import sha256
from upward.outcomes import indicators as ind
from upward.outcomes import load
from upward.outcomes.engines import Engine, connect, db_input, files_of, read_error
from upward.outcomes.schema import DIMENSIONS, SCHEMAS, load_mapping, parse_by
from upward.outcomes.suppress import suppress

KEY_ENV = "UPWARD_HASH_KEY"
#: The fixed, public key used for files `upward synth` wrote (and only those): synthetic people
#: have nothing to protect, and a fixed key keeps synthetic runs reproducible. Never use it for real data.
SYNTHETIC_KEY = b"upward-synthetic-data-public-key-not-a-secret"
MANIFEST = "SYNTHETIC.json"
MIN_KEY_CHARS = 16


def _manifest_for(file: Path, digest: str | None = None) -> dict | None:
    """The SYNTHETIC.json beside the file (or its folder's parent) when it lists this very file: its
    name, size and sha256 (`digest`, else computed). A manifest copied beside other files, or
    hand-written without the bytes' digest, does not count."""
    for d in (file.parent, file.parent.parent):
        m = d / MANIFEST
        if m.is_file():
            try:
                data = json.loads(m.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                return None
            rel = Path(os.path.relpath(os.path.abspath(file), os.path.abspath(d))).as_posix()  # links are not followed
            entry = (data.get("files") or {}).get(rel) if isinstance(data, dict) else None
            if (data.get("synthetic") is True and isinstance(entry, dict) and entry.get("bytes") == file.stat().st_size
                    and entry.get("sha256") and entry["sha256"] == (digest or sha256(file))):
                return data
    return None


def is_synthetic(files: list[str], digests: dict[str, str] | None = None) -> bool:
    """Every file is listed, with its size and sha256, in the SYNTHETIC.json manifest `upward synth` wrote
    beside it (a database table never counts as synthetic: it needs the key)."""
    digests = digests or {}
    return bool(files) and all(db_input(f) is None and _manifest_for(Path(f), digests.get(f)) is not None for f in files)


def hash_key(files: list[str], digests: dict[str, str] | None = None) -> tuple[bytes, str, bool]:
    synthetic = is_synthetic(files, digests)
    key = os.environ.get(KEY_ENV)
    if key:
        if len(key) < MIN_KEY_CHARS:
            raise UpwardError(f"{KEY_ENV} is too short to be a secret ({len(key)} characters).",
                              hint=f"Use a random value of at least {MIN_KEY_CHARS} characters, e.g. from: python -c 'import secrets; print(secrets.token_hex(32))'")
        return key.encode("utf-8"), KEY_ENV, synthetic
    if synthetic:
        return SYNTHETIC_KEY, "the documented synthetic-data key (files written by upward synth)", True
    raise UpwardError(
        f"These inputs are not synthetic, and identifiers must be replaced by a keyed hash: set {KEY_ENV}.",
        hint=f"export {KEY_ENV}=<a secret of at least {MIN_KEY_CHARS} characters, kept by your agency>. "
        "The same key gives the same pseudonyms across runs; without it Upward will not read participant data.",
    )


def fingerprint(files: list[str]) -> list[dict]:
    """Name, size and sha256 of each input file's bytes (a digest reveals no identifier); for a database
    table its label (no password) and, for a DuckDB file, that whole file's size and sha256."""
    out = []
    for f in files:
        d = db_input(f)
        if d is not None:
            if d.path is None:
                out.append({"name": d.label, "table": d.table})
                continue
            entry = fingerprint([d.path])[0]
            out.append({**entry, "name": d.label, "table": d.table})
            continue
        out.append({"name": Path(f).name, "bytes": Path(f).stat().st_size, "sha256": sha256(f)})
    return out


@dataclass
class Lookups:
    areas: ibis.Table  # input_code → area_code
    socs: ibis.Table  # occ_code (detailed)
    living_wage: ibis.Table  # lw_area, lw_annual (the profile's household, CPI-adjusted unless the profile says not)
    tiers: ibis.Table  # t_area, t_soc, tier ('quality' rows only)
    hs_earnings: ibis.Table  # hs_area, hs_earnings (the state's median high-school graduate's earnings, College Scorecard)
    #: job titles → atlas occupation (None below the coder's review threshold), for a mapped title column
    code_titles: Callable[[list[str]], dict[str, str | None]] | None = None
    #: what the title coding did in this run: distinct titles, how many were coded (for the run record)
    title_counts: dict = field(default_factory=dict)


def title_coder(atlas_con) -> Callable[[list[str]], dict[str, str | None]]:
    """Job titles → the atlas occupation they code to with confidence at least `upward.titles.REVIEW_BELOW`,
    else None: a low-confidence guess never enters an indicator (docs/titles.md, docs/outcomes.md)."""
    from upward.titles import REVIEW_BELOW, code_titles

    occ = dict(atlas_con.execute(
        "select substr(code, 1, 7), occ_code from soc_map where system = 'onet' union select occ_code, occ_code from occupations where level = 'detailed'"
    ).fetchall())  # fmt: skip

    def code(titles: list[str]) -> dict[str, str | None]:
        coded = code_titles(atlas_con, titles, top=1)
        return {t: (occ.get(c["soc"]) if c["soc"] and c["confidence"] >= REVIEW_BELOW else None) for t, c in zip(titles, coded)}

    return code


_LOOKUPS = Cache("outcome lookups", entries=4, megabytes=64)


def lookups(atlas_con, profile, engine: Engine) -> Lookups:
    """The small atlas tables the engine needs, shipped in as in-memory tables (kept per bundle and profile)."""
    from upward.atlas.provenance import releases

    # the tiers depend on the living-wage, quality and input settings only, not on [outcomes]
    relevant = {k: profile.data.get(k) for k in ("living_wage", "quality", "inputs", "scoring", "education", "similarity")}
    key = (releases(atlas_con)["bundle"], json.dumps(relevant, sort_keys=True))
    tables = _LOOKUPS.get_or_build(key, lambda: _lookup_tables(atlas_con, profile))
    return Lookups(*(engine.put(t) for t in tables), code_titles=title_coder(atlas_con))


def quality_tiers(atlas_con, profile):
    """Tier of every area × detailed occupation: `upward.analysis.quality.tiers` on the same pay rows the
    job-quality tables start from (`upward.analysis.living_wage.pay_frame`), without the measures tiers do
    not use. tests/test_outcomes.py checks it equals `quality_table`'s tiers."""
    from upward.analysis.living_wage import pay_frame
    from upward.analysis.quality import tiers

    df = pay_frame(atlas_con, profile)
    df["tier"] = tiers(df, profile)
    return df


def _lookup_tables(atlas_con, profile) -> tuple:
    import pyarrow as pa

    from upward.analysis.living_wage import living_wage_sql

    areas = atlas_con.execute(
        "select area_code as input_code, area_code from areas "
        "union all select county_fips, area_code from geo_county_areas where area_code is not null"
    ).arrow().read_all()
    socs = atlas_con.execute("select occ_code from occupations where level = 'detailed'").arrow().read_all()
    sql, params = living_wage_sql(profile)
    lw = atlas_con.execute(f"select area_code as lw_area, living_wage::double as lw_annual from ({sql})", params).arrow().read_all()
    q = quality_tiers(atlas_con, profile)
    q = q.loc[q.tier == "quality", ["area_code", "occ_code", "tier"]].rename(columns={"area_code": "t_area", "occ_code": "t_soc"})
    # the participant's state is its area's (a metro crossing state lines: the state OMB names first)
    hs = atlas_con.execute(
        """select a.area_code as hs_area, s.earnings_threshold_state::double as hs_earnings
           from areas a join (select state_abbr, any_value(earnings_threshold_state) as earnings_threshold_state
                              from scorecard_institutions where earnings_threshold_state is not null group by state_abbr) s using (state_abbr)"""
    ).arrow().read_all()
    return areas, socs, lw, pa.Table.from_pandas(q.reset_index(drop=True), preserve_index=False), hs


def _with_checks(engine: Engine, kind: str, path, mapping, lk: Lookups, key: bytes, numbered: bool, codes=None):
    """The typed table with each check as a column `_c{i}` (and, for participants, the hashed `pid`)."""
    if kind == "participants":
        t, checks = load.participants(engine, path, mapping.get(kind, {}), lk, numbered=numbered)
    else:
        t, checks, codes = load.wages(engine, path, mapping.get(kind, {}), lk, numbered=numbered, codes=codes)
    cols = {f"_c{i}": c.expr for i, c in enumerate(checks)}
    if kind == "participants":
        cols["pid"] = engine.hmac(t.person_id, key)
    t = t.mutate(**cols)
    checks = [load.Check(c.field, c.reason, t[f"_c{i}"]) for i, c in enumerate(checks)]
    if kind == "participants":
        n = len(checks)
        # duplicates by a hash aggregate and a join (a window over 10^6 rows sorts them all)
        key = ["pid", "program", "entry_date"]
        dups = t.group_by(key).aggregate(_copies=t.count())
        dups = dups.filter(dups._copies > 1)
        t = t.left_join(dups, key)
        t = t.drop(*[c for c in t.columns if c.endswith("_right")])
        t = t.mutate(**{f"_c{n}": t._copies.notnull()}).drop("_copies")
        checks = [load.Check(c.field, c.reason, t[f"_c{i}"]) for i, c in enumerate(checks)]
        checks.append(load.Check("person_id", "duplicate participant (same person, program and entry date; every copy is set aside)", t[f"_c{n}"]))
    return t, checks, codes


def cells(eng: Engine, p: ibis.Table, w: ibis.Table, lk: Lookups | None, thresholds: ibis.Table | None, params: ind.Params,
          names, groupings, dims) -> tuple[ibis.Table, list[ibis.Table]]:
    """The exiter table and the unsuppressed cells (long rows) of the chosen indicators, from checked tables:
    `p` prepared participants with `person_id` and its keyed hash `pid`, `w` checked wage rows (person_id, q,
    wages, soc). Only what the chosen indicators and dimensions need is computed (`ind.needs`), and only
    the cohort's wage rows are joined (to its identifiers, then dropped)."""
    need = ind.needs(names, dims)
    c = ind.cohort(p, params)
    # one join of the wage rows to the cohort's keys (each cohort row once, as wage_quarters would join them)
    keys = c.filter(~c.excluded).select("person_id", "pid", "entry_q", "exit_q")
    w = w.join(keys, "person_id").select("pid", "q", "wages", "soc", "entry_q", "exit_q")
    p = p.drop("person_id")
    # the exiter table carries only the participant fields the chosen indicators and dimensions read
    fields = {"pid", "entry_q", "exit_q", "excluded", *(ind.DIM_COLUMN[d] for d in dims if d not in ("occupation_group", "exit_quarter"))}
    if need & {"lw", "tiers"}:
        fields.add("area_code")
    if "soc" in need:
        fields.add("target_soc")
    if "hs" in need:
        fields |= {"area_code", "net_price"}
    if "credential_rate" in names:
        fields |= {"training_type", "credential_type", "credential_date", "entry_date", "exit_date", "postexit_enrollment_date"}
    if "credit_attainment_rate" in names:
        fields |= {"training_type", "college_credits"}
    ex = eng.materialize(ind.exiters(p.select(*(c for c in p.columns if c in fields)), w, thresholds, lk, params, need))
    ms = ind.measures(ex, params, names)
    parts = ind.aggregate(ex, ms, groupings, dims, eng.materialize) if ms else []
    py = ind.program_year_participants(p, params) if "msg_rate" in names else None
    if py is not None:
        py = eng.materialize(py)
        parts += ind.aggregate(py, ind.msg_measures(py), groupings, dims, eng.materialize)
    return ex, parts


def _clean(t: ibis.Table, checks) -> ibis.Table:
    bad = ibis.literal(False)
    for c in checks:
        bad = bad | c.expr
    return t.filter(~bad).drop(*[c for c in t.columns if c.startswith(("_c", "_k"))])


def run(
    participants,
    wages,
    exit_from: str,
    exit_to: str,
    *,
    atlas_con,
    program_year: int | None = None,
    by: str | None = None,
    profile=None,
    engine: str = "duckdb",
    spark_master: str | None = None,
    mapping=None,
    quarantine: Path | None = None,
    mobility_threshold: float | None = None,
    threads: int | None = None,
    indicators: str | list[str] | None = None,
    progress: Callable[[str], None] = lambda step: None,
) -> dict:
    from upward import profiles

    started = time.time()
    stages: list[list] = []
    report = progress

    def progress(step: str) -> None:  # noqa: F811 - records each step's start for the run record
        stages.append([step, round(time.time() - started, 3)])
        report(step)

    prof = profile if profile is not None and not isinstance(profile, (str, Path)) else profiles.load(profile)
    params = ind.Params(
        exit_from=ind.quarter_index(exit_from, "--exit-from"),
        exit_to=ind.quarter_index(exit_to, "--exit-to"),
        program_year=program_year,
        earnings_gain=prof.get("outcomes.earnings_gain"),
        mobility_percentile=prof.get("outcomes.mobility_percentile"),
        mobility_threshold=mobility_threshold,
        credit_threshold=prof.get("outcomes.credit_threshold"),
        interest_rate=prof.get("outcomes.mer_interest_rate"),
    )
    if params.exit_to < params.exit_from:
        raise UpwardError(f"--exit-to {exit_to} is before --exit-from {exit_from}.")
    if mobility_threshold is not None and not mobility_threshold > 0:
        raise UpwardError("--mobility-threshold must be a positive amount of annual earnings.")
    groupings = parse_by(by)
    names = ind.chosen(indicators)
    if names == ("msg_rate",) and program_year is None:
        raise UpwardError("msg_rate needs --program-year.")
    dims = [d for d in DIMENSIONS if any(d in g for g in groupings)]
    min_cell = int(prof.get("outcomes.min_cell"))
    maps = load_mapping(mapping)
    explicit = indicators is not None and indicators != "all"
    skipped: list[dict] = []
    mobility_rows = None
    p_files, w_files = files_of(participants), files_of(wages)

    progress("Fingerprinting the inputs")
    inputs = {"participants": {"files": fingerprint(p_files)}, "wages": {"files": fingerprint(w_files)}}
    digests = {f: e.get("sha256") for fs, kind in ((p_files, "participants"), (w_files, "wages")) for f, e in zip(fs, inputs[kind]["files"])}
    key, key_label, synthetic = hash_key(p_files + w_files, digests)
    progress("Reading the atlas (areas, living wages, quality tiers)")
    eng = connect(engine, spark_master=spark_master, threads=threads)
    try:
        lk = lookups(atlas_con, prof, eng)
        clean: dict[str, ibis.Table] = {}
        bad_parts = []
        for kind, path in (("participants", participants), ("wages", wages)):
            progress(f"Checking the {kind} file in the engine")
            lk.title_counts.clear()
            t, checks, codes = _with_checks(eng, kind, path, maps, lk, key, numbered=False)
            if kind == "participants":
                t = eng.materialize(t)  # the keyed hash is computed once
                rows = None
                given = set(eng.source(files_of(path)).columns)
                fields_given = {f.name for f in SCHEMAS["participants"] if maps["participants"].get(f.name, f.name) in given}
            else:
                # which indicators the wage file follows long enough (and the inputs carry the fields of)
                names, skipped = ind.coverage(names, params, codes.q_of.values(), fields_given)
                need = ind.needs(names, dims)
                years = ind.horizons(need)
                mobility_quarters = ind.mobility_quarters(params, years)
                last_q = params.exit_to + max([k for k in need if isinstance(k, int)], default=4)
                # One pass over the wage file keeps, inside the engine, every row that fails a check (so the
                # counts below are complete) and the rows of the cohort's people in the quarters their
                # outcomes use; a second pass sums the mobility quarters per person for the state-wide
                # percentile. Rows passing every check outside those sets cannot change any number.
                bad = ibis.or_(*(c.expr for c in checks))
                coh = ind.cohort(ind.prepare(clean["participants"]), params)
                coh = eng.materialize(coh.filter(~coh.excluded).select("person_id", "entry_q"))
                first_q = coh.entry_q.min().to_pyarrow().as_py()
                first_q = params.exit_from if first_q is None else min(first_q - 2, params.exit_from)
                # the quarters are compared as the texts the file writes them in (parsed once each)
                window = [txt for txt, q in codes.q_of.items() if first_q <= q <= last_q]
                mobility = {txt: q for txt, q in codes.q_of.items() if q in mobility_quarters}
                keep = bad | (load._in(t.quarter_key, window) & t.person_id.isin(coh.person_id).fill_null(False))
                rows = eng.source(files_of(path)).count().to_pyarrow().as_py()  # Parquet: from the metadata
                if years and mobility_threshold is None:
                    in_mobility = t.filter(load._in(t.quarter_key, list(mobility))).filter(~bad)
                    mobility_rows = in_mobility.select("person_id", "wages", q=in_mobility.quarter_text.substitute(mobility, else_=ibis.null(dt.int32)).cast(dt.int32))
                kept = t.filter(keep).select("person_id", "quarter_text", "soc_text", "title_text", "wages", *(c.expr.get_name() for c in checks))
                t = eng.materialize(load.with_codes(kept, codes))
            checks = [load.Check(c.field, c.reason, t[c.expr.get_name()]) for c in checks]
            n, n_bad, problems = load.count_problems(t, checks)
            rows = n if rows is None else rows
            inputs[kind].update(rows=rows, bad_rows=n_bad, problems=[{"field": f, "reason": r, "rows": n} for f, r, n in problems])
            if lk.title_counts:  # a job-title column was coded: how many distinct titles, how many confidently
                inputs[kind]["job_titles"] = dict(lk.title_counts)
                lk.title_counts.clear()
            if problems:
                nt, nchecks, _ = _with_checks(eng, kind, path, maps, lk, key, numbered=True, codes=codes)
                if quarantine is None:
                    raise load.InputError(kind, problems, load.first_bad(nt, nchecks))
                hashed = nt.pid if kind == "participants" else eng.hmac(nt.person_id, key)
                bad_parts.append((kind, load.quarantine_rows(nt, nchecks, hashed)))
            clean[kind] = _clean(t, checks)
        ind.refuse(names, skipped, explicit)  # after the checks: a bad file is said first, and nothing is written yet
        if bad_parts:
            progress("Writing the quarantined rows")
            n = load.write_quarantine(bad_parts, Path(quarantine))
            quarantined = {"file": str(quarantine), "rows": n}
        else:
            quarantined = None

        progress("Joining wage records to participants by their keyed hash")
        p = eng.materialize(ind.prepare(clean["participants"]))  # the raw identifier stays inside the engine

        thresholds = None
        if years:
            progress("Computing the state-wide earnings percentiles over the whole wage file")
            if mobility_threshold is None:
                row = ind.mobility_thresholds(mobility_rows, params, years).to_pyarrow().to_pylist()[0]
            else:
                row = {f"t_{e}_{n}": mobility_threshold for e in range(params.exit_from, params.exit_to + 1) for n in years}
            thresholds = eng.put(ind.threshold_table(row, params, years))
        progress("Computing each exiter's outcomes and aggregating the indicators and their breakdowns")
        ex, parts = cells(eng, p, clean["wages"], lk, thresholds, params, names, groupings, dims)
        cohort = ind.cohort(p, params)
        counts = cohort.aggregate(exiters=cohort.count(), excluded=cohort.excluded.cast(dt.int64).sum()).to_pyarrow().to_pylist()[0]
        long = ibis.union(*parts)
        progress("Suppressing small cells (primary and complementary)")
        result, rounds = suppress(long, groupings, dims, min_cell, materialize=eng.materialize)
        order = {n: i for i, n in enumerate(ind.NAMES)}
        gorder = {",".join(g): i for i, g in enumerate(groupings)}
        rows = result.to_pyarrow().to_pylist()
    except UpwardError:
        raise
    except Exception as exc:
        # an engine's own message may quote a value of the data (or the query, holding the padded key)
        if (clear := read_error(exc)) is not None:  # a CSV the engine cannot read: file, row, field, no value
            raise clear from None
        if os.environ.get("UPWARD_DEBUG"):
            raise
        raise UpwardError(
            f"The {engine} engine failed ({type(exc).__name__}); its message is not shown because it may quote your data.",
            hint="Re-run with UPWARD_DEBUG=1 to see it, on a machine where that is allowed.",
        ) from None
    finally:
        eng.close()
    rows.sort(key=lambda r: (order[r["indicator"]], gorder[r["grouping"]], tuple(r[d] or "" for d in dims)))
    records = [
        {
            "indicator": r["indicator"],
            "group": {d: r[d] for d in r["grouping"].split(",") if d},
            "numerator": r["numerator"],
            "denominator": r["denominator"],
            "value": r["value"],
            "suppressed": bool(r["suppressed"]),
        }
        for r in rows
    ]

    def small(n):
        return None if n is not None and 0 < n < min_cell else n

    from upward.atlas.provenance import releases

    record = {
        "started": datetime.fromtimestamp(started, timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.time() - started, 3),
        "engine": engine,
        "spark_master": (spark_master or "local[2]") if engine == "spark" else None,
        "synthetic": synthetic,
        "hash": {"algorithm": "HMAC-SHA256", "key": key_label},
        "profile": prof.record(),
        "household": prof.household,
        "cpi_adjustment": prof.get("living_wage.cpi_adjustment"),
        "credit_threshold": params.credit_threshold,
        "mer_interest_rate": params.interest_rate,
        "min_cell": min_cell,
        "exit_from": ind.quarter_label(params.exit_from),
        "exit_to": ind.quarter_label(params.exit_to),
        "program_year": program_year,
        "by": [list(g) for g in groupings],
        "indicators": list(names),
        "not_computed": skipped,
        "mobility": {"percentile": params.mobility_percentile, "supplied_threshold": mobility_threshold, "years": years},
        "earnings_gain": params.earnings_gain,
        "cohort": {"exiters": small(counts["exiters"]), "excluded_exits": small(int(counts["excluded"] or 0))},
        "inputs": inputs,
        "quarantine": quarantined,
        "suppression_rounds": rounds,
        "stages": [{"step": st, "started_at_s": t0, "seconds": round((stages[i + 1][1] if i + 1 < len(stages) else time.time() - started) - t0, 3)}
                   for i, (st, t0) in enumerate(stages)],
        "data": releases(atlas_con),
    }
    return {"synthetic": synthetic, "records": records, "run": record}
