"""Outcomes benchmark on SYNTHETIC data: the full indicator suite with a two-way breakdown, and like-for-like
comparisons of the three headline indicators (employment in quarters 2 and 4, median earnings; overall,
by sex, by age group and by sex × age group):

- engine vs hand-written DuckDB SQL vs straightforward pandas (pandas at 1e7 wage rows or fewer), all
  three starting from the same checked tables: Parquet files the engine's own loading code wrote (typed,
  validated, keyed hash added; not timed). Each side joins the wage table to the cohort, sums each
  person's wages in the 2nd and 4th quarters after exit and aggregates; the cells must be equal.
- the whole suite vs a straightforward pandas version of the whole suite (checks, HMAC, every indicator the
  synthetic cohort allows: 15 of the 22, the later horizons of economic mobility and minimum economic
  return being beyond the wage file);
- for reference, not like for like: the suite and a headline-only run (both reading the raw files with
  every check and the keyed hash) against the hand-written SQL reading the raw files with no checks;
- with --spark, the Spark engine (results compared with DuckDB's).

    .venv/bin/python benchmarks/outcomes.py                                  # 1e5 participants, 1e7 wage rows
    .venv/bin/python benchmarks/outcomes.py --participants 1e6 --wage-rows 1e8
    .venv/bin/python benchmarks/outcomes.py --spark                          # adds Spark at 1e7

Each timed variant runs in its own child process, so its peak memory (max RSS, from wait4) is its
own. Data generation is timed separately and not counted. Targets on the project's 2-core machine:
1e8 wage rows ≤ 60 s and ≤ 8 GB; engine ÷ hand-written SQL ≤ 1.5; pandas ÷ engine ≥ 10 at 1e7.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS_PER_PERSON = 18.6  # wage records per synthetic person over 2020Q1–2025Q4 (measured on upward synth output: 18.65)
EXIT_FROM, EXIT_TO, PY, BY = "2022Q3", "2023Q2", 2022, "sex,age_group"


def atlas():
    import duckdb

    from upward import atlas as a

    path = os.environ.get("UPWARD_DB") or str(a.default_path())
    a.connect(Path(path)).close()  # build on first use
    return duckdb.connect(path, read_only=True)


def generate(out: Path, participants: int, wage_rows: int, seed: int) -> dict:
    manifest = out / "SYNTHETIC.json"
    workers = max(0, int(wage_rows / ROWS_PER_PERSON) - participants)
    if manifest.is_file():
        m = json.loads(manifest.read_text())
        if (m["participants"], m["workers"], m["seed"]) == (participants, workers, seed) and all("sha256" in f for f in m["files"].values()):
            print(f"Reusing synthetic data in {out} ({m['wage_rows']:,} wage rows)")
            return m
    t = time.time()
    # in a child process, so this process stays small: a child forked from a big parent would count
    # the parent's pages in its own peak memory
    subprocess.run([sys.executable, __file__, "--child", "generate", "--data", str(out), "--participants", str(participants),
                    "--wage-rows", str(workers), "--seed", str(seed)], check=True)
    m = json.loads(manifest.read_text())
    print(f"Generated SYNTHETIC data: {participants:,} participants, {workers:,} workers, {m['wage_rows']:,} wage rows "
          f"in {time.time() - t:.1f} s (not part of the timings) → {out}")
    return m


# --- the variants, each run in a child process ---------------------------------------------------------

def suite(data: Path, engine: str) -> dict:
    from upward.outcomes.run import run

    with atlas() as con:
        t = time.time()
        r = run(data / "participants.parquet", data / "wages", EXIT_FROM, EXIT_TO, atlas_con=con, program_year=PY, by=BY, engine=engine)
        secs = time.time() - t
    overall = {x["indicator"]: x for x in r["records"] if not x["group"]}
    return {"seconds": secs, "stages": r["run"]["stages"], "records": len(r["records"]), "digest": hashlib.sha256(json.dumps(r["records"], sort_keys=True).encode()).hexdigest(),
            "headline": {k: overall[k]["value"] for k in ("employment_rate_q2", "employment_rate_q4", "median_earnings_q2")},
            "overall": {k: v["value"] for k, v in overall.items()}}


def prepare(data: Path) -> None:
    """The checked tables the like-for-like comparisons start from, written by the engine's own loading code
    (every check run, none failing on synthetic data; the keyed hash `pid` added): validated/participants.parquet
    (prepared participants) and validated/wages.parquet (person_id, q, wages, soc)."""
    from upward import profiles
    from upward.outcomes import indicators as ind
    from upward.outcomes import load
    from upward.outcomes.engines import connect
    from upward.outcomes.run import SYNTHETIC_KEY, _clean, _with_checks, lookups

    out = data / "validated"
    out.mkdir(exist_ok=True)
    eng = connect("duckdb")
    with atlas() as con:
        lk = lookups(con, profiles.load(), eng)
    t, checks, _ = _with_checks(eng, "participants", data / "participants.parquet", {}, lk, SYNTHETIC_KEY, numbered=False)
    assert load.count_problems(t, checks)[1] == 0
    ind.prepare(_clean(t, checks)).to_parquet(out / "participants.parquet")
    t, checks, codes = _with_checks(eng, "wages", data / "wages", {}, lk, SYNTHETIC_KEY, numbered=False)
    assert load.count_problems(t, checks)[1] == 0
    load.with_codes(_clean(t, checks), codes).select("person_id", "q", "wages", "soc").to_parquet(out / "wages.parquet")
    eng.close()


def validated(data: Path) -> Path:
    out = data / "validated"
    if not (out / "wages.parquet").is_file():
        t = time.time()
        subprocess.run([sys.executable, __file__, "--child", "prepare", "--data", str(data)], check=True)
        print(f"Wrote the checked tables (engine's loading code, not timed) in {time.time() - t:.1f} s → {out}")
    return out


def _cells_of(rows) -> dict:
    """(indicator, sex, age_group) → (numerator, denominator, value) from (sex, age_group, n, e2, e4, median) rows
    (None = the margin)."""
    out = {}
    for sex, age, n, e2, e4, med in rows:
        out[("employment_rate_q2", sex, age)] = (int(e2), int(n), round(e2 / n, 6) if n else None)
        out[("employment_rate_q4", sex, age)] = (int(e4), int(n), round(e4 / n, 6) if n else None)
        out[("median_earnings_q2", sex, age)] = (None, int(e2), None if med is None else round(float(med), 2))
    return out


def headline_engine(data: Path) -> dict:
    """The headline indicators through the engine's own code (`run.cells`: ind.exiters, ind.measures,
    ind.aggregate, as `upward outcomes --indicators headline` runs them) from the checked tables."""
    from upward.outcomes import indicators as ind
    from upward.outcomes.engines import connect
    from upward.outcomes.run import cells
    from upward.outcomes.schema import parse_by

    v = data / "validated"
    params = ind.Params(ind.quarter_index(EXIT_FROM, ""), ind.quarter_index(EXIT_TO, ""), PY, 0.15, 60.0)
    groupings = parse_by(BY)
    dims = ["sex", "age_group"]
    import ibis
    import ibis.backends.duckdb.converter  # noqa: F401 - imports pandas; module imports are outside every timer

    eng = connect("duckdb")
    t = time.time()
    p = eng.source([str(v / "participants.parquet")])
    w = eng.source([str(v / "wages.parquet")])
    _, parts = cells(eng, p, w, None, None, params, ind.HEADLINE, groupings, dims)
    rows = ibis.union(*parts).to_pyarrow().to_pylist()
    secs = time.time() - t
    eng.close()
    cellmap = {(r["indicator"], r["sex"], r["age_group"]): (r["numerator"], r["denominator"], r["value"]) for r in rows}
    return {"seconds": secs, "cells": [[*k, *v] for k, v in cellmap.items()]}


def headline_sql(data: Path) -> dict:
    """The same cells in hand-written DuckDB SQL from the same checked tables."""
    import duckdb

    v = data / "validated"
    q0, q1 = (int(x[:4]) * 4 + int(x[5]) - 1 for x in (EXIT_FROM, EXIT_TO))
    con = duckdb.connect()
    t = time.time()
    rows = con.execute(f"""
    with c as (
        select person_id, pid, exit_q, coalesce(sex_label, 'unknown') as sex, coalesce(age_group, 'unknown') as age_group
        from read_parquet('{v}/participants.parquet')
        where exit_q between {q0} and {q1} and not excluded
    ),
    per as (
        select c.pid, sum(w.wages) filter (where w.q = c.exit_q + 2) as w2, sum(w.wages) filter (where w.q = c.exit_q + 4) as w4
        from read_parquet('{v}/wages.parquet') w join c using (person_id)
        where w.q = c.exit_q + 2 or w.q = c.exit_q + 4
        group by c.pid
    ),
    x as (select c.sex, c.age_group, coalesce(per.w2, 0) as w2, coalesce(per.w4, 0) as w4 from c left join per using (pid))
    select sex, age_group, count(*), count(*) filter (where w2 > 0), count(*) filter (where w4 > 0), round(median(w2) filter (where w2 > 0), 2)
    from x group by grouping sets ((), (sex), (age_group), (sex, age_group))
    """).fetchall()
    secs = time.time() - t
    return {"seconds": secs, "cells": [[*k, *v] for k, v in _cells_of(rows).items()]}


def headline_pandas(data: Path) -> dict:
    """The same cells the straightforward pandas way from the same checked tables: read, filter, merge, group."""
    import pandas as pd

    v = data / "validated"
    q0, q1 = (int(x[:4]) * 4 + int(x[5]) - 1 for x in (EXIT_FROM, EXIT_TO))
    t = time.time()
    p = pd.read_parquet(v / "participants.parquet", columns=["person_id", "pid", "exit_q", "excluded", "sex_label", "age_group"])
    w = pd.read_parquet(v / "wages.parquet", columns=["person_id", "q", "wages"])
    c = p[(p.exit_q >= q0) & (p.exit_q <= q1) & ~p.excluded].rename(columns={"sex_label": "sex"})
    j = w.merge(c[["person_id", "pid", "exit_q"]], on="person_id")
    j2 = j[j.q == j.exit_q + 2].groupby("pid").wages.sum()
    j4 = j[j.q == j.exit_q + 4].groupby("pid").wages.sum()
    c = c.assign(w2=c.pid.map(j2).fillna(0.0), w4=c.pid.map(j4).fillna(0.0))
    c = c.assign(e2=c.w2 > 0, e4=c.w4 > 0, m2=c.w2.where(c.w2 > 0))
    rows = []
    for keys in ([], ["sex"], ["age_group"], ["sex", "age_group"]):
        g = c.groupby(keys) if keys else c.assign(_all=0).groupby("_all")
        a = g.agg(n=("pid", "size"), e2=("e2", "sum"), e4=("e4", "sum"), med=("m2", "median")).reset_index()
        for r in a.itertuples():
            rows.append((getattr(r, "sex", None) if "sex" in keys else None, getattr(r, "age_group", None) if "age_group" in keys else None,
                         r.n, r.e2, r.e4, None if pd.isna(r.med) else r.med))
    secs = time.time() - t
    return {"seconds": secs, "cells": [[*k, *v] for k, v in _cells_of(rows).items()]}


def headline_run(data: Path) -> dict:
    """`upward outcomes --indicators headline` from the raw files: every check, the keyed hash, suppression."""
    from upward.outcomes.run import run

    with atlas() as con:
        t = time.time()
        r = run(data / "participants.parquet", data / "wages", EXIT_FROM, EXIT_TO, atlas_con=con, program_year=PY, by=BY, indicators="headline")
        secs = time.time() - t
    return {"seconds": secs, "stages": r["run"]["stages"]}


def compare(a: dict, b: dict, tolerance: float = 0.0) -> tuple[bool, float]:
    """Same cells, same counts, same values. pandas is allowed one cent on a median: its median can fall on a half
    cent (the mean of two middle values), which Python's round settles on the binary value (11139.185 → .18)
    and DuckDB's round away from zero (→ .19)."""
    ca = {tuple(x[:3]): x[3:] for x in a["cells"]}
    cb = {tuple(x[:3]): x[3:] for x in b["cells"]}
    if ca.keys() != cb.keys():
        return False, float("inf")
    worst = 0.0
    for k, (n1, d1, v1) in ca.items():
        n2, d2, v2 = cb[k]
        if (n1, d1) != (n2, d2) or (v1 is None) != (v2 is None):
            return False, float("inf")
        if v1 is not None:
            worst = max(worst, abs(v1 - v2))
    return worst <= tolerance + 1e-9, worst


def hand_sql(data: Path) -> dict:
    """The headline indicators (employment 2nd/4th quarter, median earnings) by sex × age group and margins,
    written directly in DuckDB SQL: keyed hash of the participants, wage join, per-quarter totals."""
    import duckdb

    from upward.outcomes.engines import pads
    from upward.outcomes.run import SYNTHETIC_KEY

    ipad, opad = pads(SYNTHETIC_KEY)
    con = duckdb.connect()
    t = time.time()
    con.execute(f"create macro h(x) as sha256(unhex('{opad}') || unhex(sha256(unhex('{ipad}') || encode(x))))")
    q0 = int(EXIT_FROM[:4]) * 4 + int(EXIT_FROM[5]) - 1
    q1 = int(EXIT_TO[:4]) * 4 + int(EXIT_TO[5]) - 1
    rows = con.execute(f"""
    with p as (
        select person_id, h(person_id) as pid, sex, year(exit_date) * 4 + (month(exit_date) - 1) // 3 as exit_q,
               date_diff('year', birth_date, entry_date) - case when strftime(entry_date, '%m%d') < strftime(birth_date, '%m%d') then 1 else 0 end as age
        from read_parquet('{data}/participants.parquet')
        where exit_date is not null and other_exit_reason not in ('1', '2', '3', '4', '5')
    ),
    c as (
        select *, case when age < 16 then '<16' when age < 19 then '16-18' when age < 25 then '19-24' when age < 45 then '25-44'
                       when age < 55 then '45-54' when age < 60 then '55-59' else '60+' end as age_group
        from p where exit_q between {q0} and {q1}
    ),
    w as (
        select c.pid, cast(substr(quarter, 1, 4) as int) * 4 + cast(substr(quarter, 6, 1) as int) - 1 as q, wages, c.exit_q
        from read_parquet('{data}/wages/*.parquet') w join c using (person_id)
    ),
    per as (
        select pid, sum(wages) filter (where q = exit_q + 2) as w2, sum(wages) filter (where q = exit_q + 4) as w4
        from w where q in (exit_q + 2, exit_q + 4) group by pid
    ),
    x as (select c.sex, c.age_group, coalesce(per.w2, 0) as w2, coalesce(per.w4, 0) as w4 from c left join per using (pid))
    select sex, age_group, count(*) as n, count(*) filter (where w2 > 0) as e2, count(*) filter (where w4 > 0) as e4,
           round(median(w2) filter (where w2 > 0), 2) as med
    from x group by grouping sets ((), (sex), (age_group), (sex, age_group))
    """).fetchall()
    secs = time.time() - t
    overall = next(r for r in rows if r[0] is None and r[1] is None)
    return {"seconds": secs, "headline": {"employment_rate_q2": round(overall[3] / overall[2], 6), "employment_rate_q4": round(overall[4] / overall[2], 6),
                                          "median_earnings_q2": overall[5]}}


def hmac_cost(data: Path) -> dict:
    """The keyed hash alone: HMAC-SHA256 of every participant identifier in DuckDB SQL (the engine's
    construction), and Python's hmac over the same identifiers for comparison."""
    import hmac

    import duckdb

    from upward.outcomes.engines import pads
    from upward.outcomes.run import SYNTHETIC_KEY

    ipad, opad = pads(SYNTHETIC_KEY)
    con = duckdb.connect()
    con.execute(f"create macro h(x) as sha256(unhex('{opad}') || unhex(sha256(unhex('{ipad}') || encode(x))))")
    ids = con.execute(f"select person_id from read_parquet('{data}/participants.parquet')").fetchall()
    n = len(ids)
    con.execute(f"create table ids as select person_id from read_parquet('{data}/participants.parquet')")
    t = time.time()
    con.execute("select count(distinct h(person_id)) from ids").fetchone()
    sql = time.time() - t
    t = time.time()
    for (x,) in ids:
        hmac.new(SYNTHETIC_KEY, x.encode(), hashlib.sha256).hexdigest()
    py = time.time() - t
    return {"seconds": sql, "values": n, "python_seconds": py, "headline": {}}


def pandas_suite(data: Path) -> dict:
    """The whole suite the straightforward pandas way (checks, HMAC, every indicator the cohort allows,
    overall and by sex × age group; no suppression): a like-for-like comparator, and an independent
    cross-check of the ibis expressions' overall values."""
    import hmac

    import numpy as np
    import pandas as pd

    from upward import profiles
    from upward.outcomes.run import SYNTHETIC_KEY, _lookup_tables
    from upward.outcomes.schema import (CREDENTIAL_TRAINING, DISLOCATED_WORKER, EXCLUDED_EXITS, MSG_TRAINING, OTHER_EXIT_REASON,
                                        RACE_ETHNICITY, SEX, TRAINING_TYPE, CREDENTIAL_TYPE)

    prof = profiles.load()
    with atlas() as con:
        areas, socs, lw, tiers, hs = (x.to_pandas() for x in _lookup_tables(con, prof))
    t = time.time()
    p = pd.read_parquet(data / "participants.parquet")
    w = pd.read_parquet(data / "wages")
    # checks
    amap = dict(zip(areas.input_code, areas.area_code))
    known = set(socs.occ_code)
    p["area_code"] = p.area.map(amap)
    bad_p = (p.person_id.isna() | p.entry_date.isna() | (p.exit_date < p.entry_date) | ~p.sex.isin(list(SEX))
             | ~p.race_ethnicity.isin(list(RACE_ETHNICITY)) | ~p.dislocated_worker.isin(list(DISLOCATED_WORKER))
             | ~p.other_exit_reason.isin(list(OTHER_EXIT_REASON)) | ~p.training_type.isin(list(TRAINING_TYPE))
             | ~p.credential_type.isin(list(CREDENTIAL_TYPE)) | p.area_code.isna() | (p.target_soc.notna() & ~p.target_soc.isin(known)))
    qm = w.quarter.str.extract(r"^(\d{4})Q([1-4])$")
    w["q"] = qm[0].astype(float) * 4 + qm[1].astype(float) - 1
    bad_w = w.person_id.isna() | w.q.isna() | w.wages.isna() | (w.wages < 0) | (w.soc.notna() & ~w.soc.isin(known))
    p["pid"] = [hmac.new(SYNTHETIC_KEY, x.encode(), hashlib.sha256).hexdigest() for x in p.person_id]
    dup = p.duplicated(["pid", "program", "entry_date"], keep=False)
    if bad_p.any() or dup.any() or bad_w.any():
        raise SystemExit("pandas: bad rows in synthetic data")
    # derived fields
    ent, ext, bth = (pd.to_datetime(p[c]) for c in ("entry_date", "exit_date", "birth_date"))
    p["entry_q"] = ent.dt.year * 4 + (ent.dt.month - 1) // 3
    p["exit_q"] = ext.dt.year * 4 + (ext.dt.month - 1) // 3
    age = ent.dt.year - bth.dt.year - ((ent.dt.month * 100 + ent.dt.day) < (bth.dt.month * 100 + bth.dt.day)).astype(int)
    p["age_group"] = pd.cut(age, [-1e9, 16, 19, 25, 45, 55, 60, 1e9], right=False, labels=["<16", "16-18", "19-24", "25-44", "45-54", "55-59", "60+"]).astype(str)
    p["excluded"] = p.other_exit_reason.isin(list(EXCLUDED_EXITS))
    q0, q1 = (int(x[:4]) * 4 + int(x[5]) - 1 for x in (EXIT_FROM, EXIT_TO))
    c = p[(p.exit_q >= q0) & (p.exit_q <= q1) & ~p.excluded].copy()
    # wages per person and quarter, main occupation
    j = w.merge(c[["person_id", "pid", "entry_q", "exit_q"]], on="person_id")
    j = j[(j.q == j.entry_q - 2) | ((j.q >= j.exit_q + 1) & (j.q <= j.exit_q + 4))]  # year 1 after exit is quarters 1–4
    by = j.groupby(["pid", "q", "entry_q", "exit_q", "soc"], dropna=False, as_index=False).wages.sum()
    by["soc_key"] = by.soc.fillna("~")
    by = by.sort_values(["pid", "q", "wages", "soc_key"], ascending=[True, True, False, True])
    tot = by.groupby(["pid", "q"]).wages.transform("sum")
    main = by.assign(total=tot).drop_duplicates(["pid", "q"])
    for k, name in ((-2, "w_pre"), (1, "w1"), (2, "w2"), (3, "w3"), (4, "w4")):
        sel = main[main.q == (main.entry_q - 2 if k < 0 else main.exit_q + k)]
        c[name] = c.pid.map(sel.set_index("pid").total).fillna(0.0)
        if k in (2, 4):
            c[f"soc{k}"] = c.pid.map(sel.set_index("pid").soc)
    # lookups and thresholds
    c["lw"] = c.area_code.map(dict(zip(lw.lw_area, lw.lw_annual)))
    c["hs"] = c.area_code.map(dict(zip(hs.hs_area, hs.hs_earnings)))
    qual = set(zip(tiers.t_area, tiers.t_soc))
    per_q = w[w.q.isin(range(q0 + 1, q1 + 5))].groupby(["person_id", "q"]).wages.sum().unstack(fill_value=0.0)
    thr = {}
    for e in range(q0, q1 + 1):  # year 1 after each exit quarter, over everyone in the wage file
        year1 = per_q[[q for q in range(e + 1, e + 5)]].sum(axis=1)
        thr[e] = year1[year1 > 0].quantile(prof.get("outcomes.mobility_percentile") / 100)
    c["thr"] = c.exit_q.map(thr)
    e2, e4 = c.w2 > 0, c.w4 > 0
    y1 = c.w1 + c.w2 + c.w3 + c.w4
    r = prof.get("outcomes.mer_interest_rate")
    bar = c.hs + c.net_price * (r / (1 - (1 + r) ** -10))
    priced = c.net_price.notna() & c.hs.notna()
    year_after = pd.to_datetime(c.exit_date) + pd.Timedelta(days=365)
    cd = pd.to_datetime(c.credential_date)
    dated = (c.credential_type != "0") & (cd >= pd.to_datetime(c.entry_date)) & (cd <= year_after)
    emp_year = (c.w1 > 0) | e2 | (c.w3 > 0) | e4
    pe = pd.to_datetime(c.postexit_enrollment_date)
    enrolled = (pe >= pd.to_datetime(c.exit_date)) & (pe <= year_after)
    cred = dated & ((c.credential_type != "1") | emp_year | enrolled)
    trained = c.training_type.isin(list(CREDENTIAL_TRAINING))
    q2ok = [(a, s_) in qual for a, s_ in zip(c.area_code, c.soc2)]
    q4ok = [(a, s_) in qual for a, s_ in zip(c.area_code, c.soc4)]
    lwk = c.lw.notna()
    gain = (c.w2 >= c.w_pre * (1 + prof.get("outcomes.earnings_gain"))) & (c.w2 > c.w_pre)
    x = pd.DataFrame({
        "sex": c.sex, "age_group": c.age_group,
        "employment_rate_q2": e2, "employment_rate_q4": e4, "credential_n": cred & trained, "credential_d": trained,
        "earnings_gain_n": gain & e2, "quality2": e2 & (c.w2 >= c.lw / 4) & (c.soc2.isna() | pd.Series(q2ok, index=c.index)) & lwk,
        "quality4": e4 & (c.w4 >= c.lw / 4) & (c.soc4.isna() | pd.Series(q4ok, index=c.index)) & lwk,
        "mobility": (y1 > 0) & (y1 >= c.thr), "security": y1 >= c.lw, "placement": c.w1 > 0, "mer": priced & (y1 >= bar),
    })
    credited = trained & c.college_credits.notna()
    py = p[(pd.to_datetime(p.entry_date) <= pd.Timestamp(PY + 1, 6, 30)) & (p.exit_date.isna() | (pd.to_datetime(p.exit_date) >= pd.Timestamp(PY, 7, 1)))
           & p.training_type.isin(list(MSG_TRAINING))]
    py = py[~(py.excluded & pd.to_datetime(py.exit_date).between(pd.Timestamp(PY, 7, 1), pd.Timestamp(PY + 1, 6, 30)))]
    md = pd.to_datetime(py.msg_date)
    msg = md.between(pd.Timestamp(PY, 7, 1), pd.Timestamp(PY + 1, 6, 30)) & (md >= pd.to_datetime(py.entry_date))
    two_way = x.groupby(["sex", "age_group"]).sum(numeric_only=True)  # the breakdown, as the suite computes it
    overall = {
        "employment_rate_q2": e2.mean(), "employment_rate_q4": e4.mean(), "median_earnings_q2": c.w2[e2].median(),
        "credential_rate": cred[trained].mean(), "msg_rate": msg.mean(), "earnings_change_median": (c.w2 - c.w_pre)[e2].median(),
        "earnings_gain_rate": gain[e2].mean(), "quality_job_rate_q2": x.quality2[lwk].mean(), "quality_job_rate_q4": x.quality4[lwk].mean(),
        "economic_mobility_rate_1y": x.mobility[c.thr.notna()].mean(), "living_wage_earnings_rate": x.security[lwk].mean(),
        "employment_placement_rate": x.placement.mean(), "initial_earnings_median": (c.w2 + c.w3)[e2 & (c.w3 > 0)].median(),
        "credit_attainment_rate": (c.college_credits[credited] >= prof.get("outcomes.credit_threshold")).mean(),
        "minimum_economic_return_rate_1y": x.mer[priced].mean(),
    }
    secs = time.time() - t
    del two_way
    return {"seconds": secs, "overall": {k: round(float(v), 2 if "median" in k else 6) for k, v in overall.items()},
            "headline": {k: round(float(overall[k]), 2 if "median" in k else 6) for k in ("employment_rate_q2", "employment_rate_q4", "median_earnings_q2")}}


def child(variant: str, data: Path, a=None) -> None:
    if variant == "generate":  # --wage-rows carries the number of workers here
        from upward.outcomes.synth import generate as gen

        with atlas() as con:
            gen(con, data, int(a.participants), int(a.wage_rows), seed=a.seed, chunk=200_000)
        return
    if variant == "prepare":
        return prepare(data)
    fn = {"headline_engine": lambda: headline_engine(data), "headline_sql": lambda: headline_sql(data), "headline_pandas": lambda: headline_pandas(data),
          "headline_run": lambda: headline_run(data), "suite": lambda: suite(data, "duckdb"), "spark": lambda: suite(data, "spark"), "sql": lambda: hand_sql(data), "hmac": lambda: hmac_cost(data), "pandas_suite": lambda: pandas_suite(data)}[variant]
    print("RESULT " + json.dumps(fn()))


def measure(variant: str, data: Path) -> dict:
    proc = subprocess.Popen([sys.executable, __file__, "--child", variant, "--data", str(data)], stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    line = next((x for x in out.splitlines() if x.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"{variant} failed (exit {proc.returncode})")
    r = json.loads(line[7:])
    r["peak_gb"] = usage.ru_maxrss / 1024 / 1024  # ru_maxrss is in KiB on Linux
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--participants", type=float, default=1e5)
    ap.add_argument("--wage-rows", type=float, default=1e7)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--spark", action="store_true", help="also run the Spark engine (at 1e7 wage rows or fewer) and compare")
    ap.add_argument("--no-pandas", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each like-for-like headline variant, interleaved (the median is used)")
    ap.add_argument("--dir", type=Path, default=None, help="where the synthetic data goes (reused when it matches)")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return child(a.child, a.data, a)
    n, rows = int(a.participants), int(a.wage_rows)
    data = a.dir or Path(tempfile.gettempdir()) / f"upward-bench-outcomes-{n}-{rows}-{a.seed}"
    m = generate(data, n, rows, a.seed)
    wr = m["wage_rows"]
    print(f"\nSYNTHETIC cohort: {n:,} participants, wage file {wr:,} rows; exits {EXIT_FROM}–{EXIT_TO}, program year {PY}, --by {BY}; "
          f"{os.cpu_count()} cores\n")
    validated(data)
    small = not a.no_pandas and wr <= 1.2e7
    results = {}
    labels = {
        "headline_engine": "headline indicators through the engine (run.cells: its ibis expressions), from the checked tables",
        "headline_sql": "headline indicators, hand-written DuckDB SQL, from the checked tables",
        "headline_pandas": "headline indicators, straightforward pandas, from the checked tables",
        "suite": "ibis suite on DuckDB from the raw files (validation, hashing, every indicator the cohort allows, two-way breakdown, suppression)",
        "headline_run": "headline-only run from the raw files (upward outcomes --indicators headline: validation, hashing, suppression)",
        "sql": "hand-written DuckDB SQL, 3 headline indicators, from the raw files (no checks)",
        "pandas_suite": "pandas, the whole suite from the raw files (checks, HMAC, the same indicators overall and by sex × age group, no suppression)",
        "spark": "ibis suite on Spark local[2]",
    }
    like = ["headline_engine", "headline_sql"] + (["headline_pandas"] if small else [])
    runs: dict[str, list] = {v: [] for v in like}
    for _ in range(max(1, a.repeat)):  # interleaved, so a burst of load from other work hits every variant alike
        for variant in like:
            runs[variant].append(measure(variant, data))
    for variant in like:
        rs = sorted(runs[variant], key=lambda r: r["seconds"])
        r = dict(rs[len(rs) // 2], peak_gb=max(x["peak_gb"] for x in rs), all_seconds=[round(x["seconds"], 2) for x in runs[variant]])
        results[variant] = r
        print(f"{labels[variant]} (median of {len(rs)}: {', '.join(f'{x:.2f}' for x in r['all_seconds'])} s):\n"
              f"    {r['seconds']:8.2f} s   {wr / r['seconds']:>14,.0f} wage rows/s   peak {r['peak_gb']:.2f} GB")
    variants = ["suite", "headline_run", "sql", "hmac"] + (["pandas_suite"] if small else []) + (["spark"] if a.spark and wr <= 1.2e7 else [])
    for variant in variants:
        r = measure(variant, data)
        results[variant] = r
        if variant == "hmac":
            print(f"keyed hash alone, {r['values']:,} participant identifiers: DuckDB SQL {r['seconds']:.2f} s "
                  f"({r['seconds'] / r['values'] * 1e6:.2f} µs each, 2 threads); Python hmac {r['python_seconds']:.2f} s")
            continue
        print(f"{labels[variant]}:\n    {r['seconds']:8.2f} s   {wr / r['seconds']:>14,.0f} wage rows/s   peak {r['peak_gb']:.2f} GB"
              + (f"   headline {r['headline']}" if "headline" in r else ""))
    s = results["suite"]
    print("\nsuite stages (s): " + "; ".join(f"{x['step']} {x['seconds']:.1f}" for x in s["stages"]))
    print("headline-only run stages (s): " + "; ".join(f"{x['step']} {x['seconds']:.1f}" for x in results["headline_run"]["stages"]))
    he, hs = results["headline_engine"], results["headline_sql"]
    print("\nLike for like (the same headline cells from the same checked tables; medians of the runs above):")
    same, worst = compare(he, hs)
    print(f"  engine ÷ hand-written SQL: {he['seconds'] / hs['seconds']:.2f}  (target ≤ 1.5); all {len(he['cells'])} cells equal: {same} "
          f"(largest median difference {worst:.4f})")
    if "headline_pandas" in results:
        hp = results["headline_pandas"]
        same, worst = compare(he, hp, 0.01)
        print(f"  pandas ÷ engine: {hp['seconds'] / he['seconds']:.1f}×  (target ≥ 10×); all {len(he['cells'])} cells equal: {same} "
              f"(medians to the cent; largest difference {worst:.4f})")
    if "pandas_suite" in results:
        ps = results["pandas_suite"]
        # medians to the cent: a median can fall on a half cent, which Python settles on the binary value and DuckDB away from zero
        diff = {k: (s["overall"][k], v) for k, v in ps["overall"].items() if abs(s["overall"][k] - v) > (0.0100001 if "median" in k else 1e-6)}
        print(f"  pandas whole suite ÷ ibis whole suite (both from the raw files, with checks and HMAC): {ps['seconds'] / s['seconds']:.1f}×  "
              f"(target ≥ 10×); all {len(ps['overall'])} overall values equal (medians to the cent): {not diff}" + (f" differing: {diff}" if diff else ""))
    print("Not like for like (for reference; the hand-written SQL does no checks, no hashing of the wage side, no suppression):")
    print(f"  whole suite ÷ hand-written headline SQL, raw files: {s['seconds'] / results['sql']['seconds']:.2f}")
    print(f"  headline-only run ÷ hand-written headline SQL, raw files: {results['headline_run']['seconds'] / results['sql']['seconds']:.2f}")
    same = all(abs(s["headline"][k] - results["sql"]["headline"][k]) < 1e-6 for k in s["headline"])
    print(f"  suite's overall headline numbers equal to the raw-file SQL's: {same}")
    if "spark" in results:
        print(f"Spark ÷ DuckDB: {results['spark']['seconds'] / s['seconds']:.1f}×; every record identical to DuckDB's: {results['spark']['digest'] == s['digest']}")
    if wr >= 5e7:
        print(f"target at 1e8 rows: ≤ 60 s and ≤ 8 GB → {s['seconds']:.1f} s, {s['peak_gb']:.2f} GB")


if __name__ == "__main__":
    main()
