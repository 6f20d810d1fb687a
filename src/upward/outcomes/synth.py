"""SYNTHETIC participants and a state-like UI wage file — no participant data is public, so tests and
benchmarks run on people who do not exist.

Everything is drawn with numpy from one seed, in chunks, and written to Parquet (or CSV) without
building Python rows, so a million participants and a hundred million wage records are practical.
Wages come from the real OEWS wage distributions of the state (the current release) (atlas `wages`: the 10th,
25th, 50th, 75th and 90th percentiles of each detailed occupation), everything else from the
documented shares below. Every output is labelled synthetic: a `SYNTHETIC.json` manifest beside
the files, naming each file with its size and sha256 and the parameters that made it (which
`upward outcomes` checks before it uses the public synthetic hashing key: a file whose bytes differ
is not synthetic; a server regenerates uploaded files from those parameters, `reproduces`), a
`synthetic` column in the participants file, and the note `upward synth` prints.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from upward import __version__
from upward.atlas.releases import OEWS, in_use
from upward.errors import UpwardError
from upward.files import sha256

# --- documented distributions (docs/outcomes.md repeats them with their reasons) -------------------
#: Programs and their shares. Chosen so every program has cells above the suppression floor at
#: 10,000 participants; the WIOA titles lead, as in a state's workforce system.
PROGRAMS = {"WIOA Adult": 0.35, "WIOA Dislocated Worker": 0.25, "WIOA Youth": 0.15, "Wagner-Peyser": 0.15, "Career Pathways Grant": 0.10}
#: PIRL 201: about half female, as in WIOA Title I; a few do not self-identify.
SEX = {"1": 0.47, "2": 0.51, "9": 0.02}
#: Race/ethnicity summary: close to WIOA Adult participants nationally (Hispanic of any race first).
RACE = {"hispanic": 0.24, "white": 0.38, "black": 0.25, "asian": 0.05, "aian": 0.015, "nhpi": 0.005, "multiple": 0.03, "9": 0.03}
#: Training received (non-Youth programs); Youth get education or occupational skills more often.
TRAINING = {"none": 0.45, "occupational_skills": 0.25, "ojt": 0.07, "customized": 0.03, "apprenticeship": 0.05, "education": 0.15}
#: PIRL 923 other reasons for exit, among exiters: rare, as in WIOA reporting (about 2% in all).
EXIT_REASON = {"0": 0.975, "1": 0.005, "2": 0.007, "3": 0.002, "4": 0.002, "5": 0.002, "6": 0.004, "7": 0.003}
#: PIRL 1800 credential types among those who earn one (secondary diploma mostly for Youth and education).
CREDENTIAL = {"1": 0.12, "2": 0.10, "3": 0.03, "4": 0.15, "5": 0.30, "6": 0.25, "7": 0.05}
CREDENTIAL_SHARE = 0.55  # of exiters in education or training other than OJT/customized training
MSG_SHARE = 0.60  # of participants in training with a measurable skill gain during participation
POSTEXIT_ENROLLMENT_SHARE = 0.08
STILL_ACTIVE_SHARE = 0.08  # no exit date yet
MEDIAN_DAYS_ENROLLED = 210  # lognormal participation length, sigma 0.6 (about 3 to 15 months)
#: Employment probability per quarter by phase, times a person-level propensity (Beta(5, 2), mean 0.71).
P_EMPLOYED = {"before": 0.95, "just_before": 0.75, "dislocated_just_before": 0.45, "during": 0.45, "after": 0.95, "worker": 1.0}
SECOND_JOB_SHARE = 0.12  # employed quarters with a second employer (70/30 split of earnings)
EMPLOYER_CHANGE = 0.06  # chance per quarter of a new main employer
PARTIAL_QUARTER_SHARE = 0.15  # quarters worked only in part: earnings × U(0.25, 1)
SOC_ON_RECORD_SHARE = 0.7  # wage records that carry an occupation (states that collect SOC)
WAGE_GROWTH_PER_QUARTER = 0.007  # about 2.8% a year nominal
#: The E-W disaggregates PIRL records (202, 803, 802, 800) and the two optional amounts, drawn from their own
#: generator so the fields above draw exactly what they drew before. Illustrative shares, not measured ones.
DISABILITY = {"0": 0.85, "1": 0.11, "9": 0.04}
ENGLISH_LEARNER_SHARE = 0.08
LOW_INCOME_SHARE = 0.55
HOMELESS_SHARE = 0.03
CREDITS_RECORDED = 0.85  # of those in education: college credits on record, uniform 0–30
NET_PRICE_RECORDED = 0.80  # of those in credential-bearing training: net price lognormal, median $3,500, sigma 0.8
NET_PRICE_MEDIAN = 3_500
FIRST_QUARTER, LAST_QUARTER = "2020Q1", "2025Q4"
ENTRY_FROM, ENTRY_TO = date(2021, 7, 1), date(2023, 12, 31)
N_EMPLOYERS_PER_1000 = 40


@dataclass
class Occupations:
    codes: np.ndarray  # SOC codes
    weights: np.ndarray  # state employment shares
    pct: np.ndarray  # (n, 5) annual wages at the 10/25/50/75/90th percentiles


def _choice(rng, mapping: dict, n: int) -> np.ndarray:
    keys = np.array(list(mapping))
    p = np.array(list(mapping.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def occupations(con, state_area: str) -> Occupations:
    from upward.atlas.provenance import top_code_bounds

    cap = top_code_bounds(con)["annual"]  # a top-coded percentile enters as BLS's cap (its lower bound)
    rows = con.execute(
        """select w.occ_code, w.tot_emp,
                  coalesce(w.a_pct10, $cap), coalesce(w.a_pct25, $cap), coalesce(w.a_median, $cap),
                  coalesce(w.a_pct75, $cap), coalesce(w.a_pct90, $cap)
           from wages w join occupations o using (occ_code)
           where w.area_code = $area and o.level = 'detailed' and w.tot_emp > 0 and w.a_pct10 is not null
           order by w.occ_code""",
        {"cap": cap, "area": state_area},
    ).fetchall()
    if not rows:
        raise UpwardError(f"The atlas has no OEWS wages for {state_area}.", hint="Choose a state with --state, e.g. TX.")
    codes = np.array([r[0] for r in rows])
    w = np.array([r[1] for r in rows], dtype=float)
    return Occupations(codes, w / w.sum(), np.array([r[2:] for r in rows], dtype=float))


def annual_wage(occ: Occupations, idx: np.ndarray, u: np.ndarray) -> np.ndarray:
    """OEWS quantile function of each occupation, piecewise linear through its published percentiles,
    with tails at the 2nd (0.75 × p10) and 98th (1.3 × p90) percentiles."""
    p = occ.pct[idx]
    xs = np.array([0.02, 0.10, 0.25, 0.50, 0.75, 0.90, 0.98])
    ys = np.column_stack([p[:, 0] * 0.75, p, p[:, 4] * 1.3])
    k = np.clip(np.searchsorted(xs, u, side="right") - 1, 0, len(xs) - 2)
    x0, x1 = xs[k], xs[k + 1]
    rows = np.arange(len(u))
    y0, y1 = ys[rows, k], ys[rows, k + 1]
    return y0 + (y1 - y0) * np.clip((u - x0) / (x1 - x0), 0, 1)


def _qidx(text: str) -> int:
    return int(text[:4]) * 4 + int(text[5]) - 1


def _qlabels(first: int, last: int) -> pa.Array:
    return pa.array([f"{q // 4}Q{q % 4 + 1}" for q in range(first, last + 1)])


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("datetime64[D]"), type=pa.date32())


def generate(con, out: Path, participants: int, workers: int, seed: int = 0, state: str = "TX", fmt: str = "parquet",
             chunk: int = 250_000, progress=lambda step: None) -> dict:
    """Write participants and wages (parts) under `out`, and the SYNTHETIC.json manifest; returns the manifest."""
    if participants < 1 or workers < 0:
        raise UpwardError("--participants must be at least 1 and --workers 0 or more.")
    if fmt not in ("parquet", "csv"):
        raise UpwardError("--format is parquet or csv.")
    st = con.execute("select area_code, state_code from areas where area_type = 'state' and state_abbr = ?", [state.upper()]).fetchone()
    if not st:
        raise UpwardError(f"No state {state!r} in the atlas.", hint="Use a two-letter abbreviation such as TX.")
    state_area, state_code = st
    areas = con.execute(
        "select area_code, total_employment from areas where state_code = ? and area_type in ('metro', 'nonmetro') and total_employment > 0 order by area_code",
        [state_code],
    ).fetchall()
    counties = con.execute("select county_fips, area_code from geo_county_areas where state_abbr = ? order by county_fips", [state.upper()]).fetchall()
    occ = occupations(con, state_area)
    oews = in_use(con, OEWS)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "wages").mkdir(exist_ok=True)
    for old in list((out / "wages").glob("part-*")) + [out / "participants.parquet", out / "participants.csv", out / "SYNTHETIC.json"]:
        old.unlink(missing_ok=True)
    rng = np.random.default_rng(seed)
    ext = "." + fmt
    files: dict[str, dict] = {}

    # --- participants ---------------------------------------------------------------------------
    progress("Drawing the synthetic participants")
    n = participants
    area_codes = np.array([a[0] for a in areas])
    area_w = np.array([a[1] for a in areas], dtype=float)
    area = area_codes[rng.choice(len(areas), n, p=area_w / area_w.sum())]
    by_area: dict[str, list[str]] = {}
    for fips, a in counties:
        by_area.setdefault(a, []).append(fips)
    as_county = rng.random(n) < 0.5  # half the records give the county FIPS, as PIRL-based files often do
    area_out = area.astype(object)
    for a, fips in by_area.items():
        m = as_county & (area == a)
        if m.any():
            area_out[m] = np.array(fips)[rng.integers(0, len(fips), m.sum())]
    program = _choice(rng, PROGRAMS, n)
    youth = program == "WIOA Youth"
    dw = program == "WIOA Dislocated Worker"
    start = np.datetime64(ENTRY_FROM, "D").astype(int)
    entry = start + rng.integers(0, (ENTRY_TO - ENTRY_FROM).days + 1, n)
    age = np.where(youth, rng.integers(16, 25, n), np.clip(rng.normal(40, 12, n), 19, 72).astype(int))
    birth = entry - (age * 365.25).astype(int) - rng.integers(0, 365, n)
    length = np.maximum(1, rng.lognormal(np.log(MEDIAN_DAYS_ENROLLED), 0.6, n).astype(int))
    exit_ = entry + length
    active = rng.random(n) < STILL_ACTIVE_SHARE
    training = _choice(rng, TRAINING, n)
    training[youth] = _choice(rng, {"education": 0.5, "occupational_skills": 0.3, "none": 0.2}, youth.sum())
    trained_for_cred = np.isin(training, ["occupational_skills", "apprenticeship", "education"])
    has_cred = trained_for_cred & (rng.random(n) < CREDENTIAL_SHARE)
    cred_type = np.where(has_cred, _choice(rng, CREDENTIAL, n), "0")
    cred_type[has_cred & youth & (rng.random(n) < 0.5)] = "1"
    # dated from entry to 400 days after exit, so some fall outside the one-year window
    cred_date = entry + (rng.random(n) * (length + 400)).astype(int)
    msg = (training != "none") & (rng.random(n) < MSG_SHARE)
    msg_date = entry + (rng.random(n) * length).astype(int)
    post = rng.random(n) < POSTEXIT_ENROLLMENT_SHARE
    post_date = exit_ + rng.integers(1, 300, n)
    reason = np.where(active, "0", _choice(rng, EXIT_REASON, n))
    target = np.where(training != "none", occ.codes[rng.choice(len(occ.codes), n, p=occ.weights)], None)
    dwc = np.where(dw, _choice(rng, {"1": 0.7, "2": 0.2, "3": 0.1}, n), np.where(rng.random(n) < 0.03, "4", "0"))
    more = np.random.default_rng([seed, 15])
    yes_no = lambda share: np.where(more.random(n) < share, "1", "0")  # noqa: E731
    disability, english, low_income, homeless = _choice(more, DISABILITY, n), yes_no(ENGLISH_LEARNER_SHARE), yes_no(LOW_INCOME_SHARE), yes_no(HOMELESS_SHARE)
    credits = np.where((training == "education") & (more.random(n) < CREDITS_RECORDED), more.integers(0, 31, n).astype(float), np.nan)
    priced = trained_for_cred & (more.random(n) < NET_PRICE_RECORDED)
    net_price = np.where(priced, np.round(more.lognormal(np.log(NET_PRICE_MEDIAN), 0.8, n)), np.nan)
    pid = pc.binary_join_element_wise("P", pa.array(np.char.zfill(np.arange(1, n + 1).astype(str), 9)), "")
    ptable = pa.table({
        "person_id": pid,
        "program": pa.array(program),
        "entry_date": _dates(entry),
        "exit_date": pa.array(np.where(active, None, exit_.astype("datetime64[D]")), type=pa.date32()),
        "birth_date": _dates(birth),
        "sex": pa.array(_choice(rng, SEX, n)),
        "race_ethnicity": pa.array(_choice(rng, RACE, n)),
        "dislocated_worker": pa.array(dwc),
        "area": pa.array(area_out.astype(str)),
        "other_exit_reason": pa.array(reason),
        "training_type": pa.array(training),
        "credential_type": pa.array(cred_type),
        "credential_date": pa.array(np.where(has_cred, cred_date.astype("datetime64[D]"), None), type=pa.date32()),
        "msg_date": pa.array(np.where(msg, msg_date.astype("datetime64[D]"), None), type=pa.date32()),
        "postexit_enrollment_date": pa.array(np.where(post & ~active, post_date.astype("datetime64[D]"), None), type=pa.date32()),
        "target_soc": pa.array(target, type=pa.string()),
        "disability": pa.array(disability),
        "english_learner": pa.array(english),
        "low_income": pa.array(low_income),
        "homeless": pa.array(homeless),
        "college_credits": pa.array(credits, from_pandas=True),
        "net_price": pa.array(net_price, from_pandas=True),
        "synthetic": pa.array(np.ones(n, dtype=bool)),
    })
    _write(ptable, out / f"participants{ext}", fmt)
    files[f"participants{ext}"] = {"rows": n}

    # --- wage records -----------------------------------------------------------------------------
    q0, q1 = _qidx(FIRST_QUARTER), _qidx(LAST_QUARTER)
    nq = q1 - q0 + 1
    qlab = _qlabels(q0, q1)
    n_employers = max(50, (n + workers) * N_EMPLOYERS_PER_1000 // 1000)
    employers = pc.binary_join_element_wise("E", pa.array(np.char.zfill(np.arange(1, n_employers + 1).astype(str), 8)), "")
    naics = np.array(["11", "21", "22", "23", "31", "42", "44", "48", "51", "52", "53", "54", "56", "61", "62", "71", "72", "81", "92"])
    total = n + workers
    entry_q = (entry.astype("datetime64[D]").astype("datetime64[M]").astype(int) // 3) + 1970 * 4
    exit_q = np.where(active, q1 + 1, (exit_.astype("datetime64[D]").astype("datetime64[M]").astype(int) // 3) + 1970 * 4)
    part = 0
    rows_written = 0
    for lo in range(0, total, chunk):
        hi = min(total, lo + chunk)
        progress(f"Writing synthetic wage records: people {lo:,}–{hi:,} of {total:,}")
        m = hi - lo
        is_p = np.arange(lo, hi) < n
        pi = np.arange(lo, hi)[is_p]  # participant index
        occ_i = rng.choice(len(occ.codes), m, p=occ.weights)
        u = rng.uniform(0.03, 0.97, m)
        base = annual_wage(occ, occ_i, u)
        propensity = rng.beta(5, 2, m)
        qs = np.arange(nq)[None, :] + q0
        # employment probability per quarter by phase
        p_emp = np.full((m, nq), P_EMPLOYED["worker"])
        if is_p.any():
            e = entry_q[pi][:, None]
            x = exit_q[pi][:, None]
            before = qs < e - 1
            just = qs == e - 1
            during = (qs >= e) & (qs <= x)
            after = qs > x
            pe = np.where(before, P_EMPLOYED["before"], 0.0)
            pe = np.where(just, np.where(dw[pi][:, None], P_EMPLOYED["dislocated_just_before"], P_EMPLOYED["just_before"]), pe)
            pe = np.where(during, np.where((training[pi] == "ojt")[:, None], 0.95, P_EMPLOYED["during"]), pe)
            pe = np.where(after, P_EMPLOYED["after"], pe)
            p_emp[is_p] = pe
        employed = rng.random((m, nq)) < p_emp * propensity[:, None]
        # after exit, credential holders move to their target occupation, at the same relative position
        wage_q = np.repeat(base[:, None], nq, axis=1)
        soc_q = np.repeat(occ_i[:, None], nq, axis=1)
        if is_p.any():
            moved = has_cred[pi] & (target[pi] != None)  # noqa: E711 - numpy object array
            if moved.any():
                t_idx = np.searchsorted(occ.codes, target[pi][moved].astype(str))
                new = annual_wage(occ, t_idx, u[is_p][moved])
                rows_p = np.flatnonzero(is_p)[moved]
                after_m = qs > exit_q[pi][moved][:, None]
                wage_q[rows_p] = np.where(after_m, new[:, None], wage_q[rows_p])
                soc_q[rows_p] = np.where(after_m, t_idx[:, None], soc_q[rows_p])
        # OEWS wages are levels of May of the release year: other quarters are scaled by the growth rate
        growth = (1 + WAGE_GROWTH_PER_QUARTER) ** (np.arange(nq) + q0 - _qidx(f"{oews.base_year}Q2"))
        quarterly = wage_q / 4 * growth[None, :]
        partial = rng.random((m, nq)) < PARTIAL_QUARTER_SHARE
        quarterly = np.where(partial, quarterly * rng.uniform(0.25, 1, (m, nq)), quarterly)
        # employers: a main employer that changes now and then, and sometimes a second job
        emp0 = rng.integers(0, n_employers, m)
        changes = np.cumsum(rng.random((m, nq)) < EMPLOYER_CHANGE, axis=1)
        main_emp = (emp0[:, None] + changes * 7919) % n_employers
        second = employed & (rng.random((m, nq)) < SECOND_JOB_SHARE)
        r_idx, q_idx = np.nonzero(employed)
        r2, q2 = np.nonzero(second)
        amount = quarterly[r_idx, q_idx] * np.where(second[r_idx, q_idx], 0.7, 1.0)
        amount2 = quarterly[r2, q2] * 0.3
        person = np.concatenate([r_idx, r2]) + lo
        qi = np.concatenate([q_idx, q2])
        emp = np.concatenate([main_emp[r_idx, q_idx], (main_emp[r2, q2] + 104729) % n_employers])
        soc_i = np.concatenate([soc_q[r_idx, q_idx], rng.choice(len(occ.codes), len(r2), p=occ.weights)])
        wages = np.round(np.concatenate([amount, amount2]), 2)
        has_soc = rng.random(len(person)) < SOC_ON_RECORD_SHARE
        is_part = person < n
        ids = np.where(is_part, person + 1, person - n + 1)
        id_txt = pc.binary_join_element_wise(pa.array(np.where(is_part, "P", "W")), pa.array(np.char.zfill(ids.astype(str), 9)), "")
        tbl = pa.table({
            "person_id": id_txt,
            "quarter": qlab.take(pa.array(qi)),
            "employer_id": employers.take(pa.array(emp)),
            "wages": pa.array(wages),
            "naics": pa.array(naics[emp % len(naics)]),
            "soc": pa.array(np.where(has_soc, occ.codes[soc_i], None), type=pa.string()),
        })
        name = f"wages/part-{part:05d}{ext}"
        _write(tbl, out / name, fmt)
        files[name] = {"rows": tbl.num_rows}
        rows_written += tbl.num_rows
        part += 1
    for rel in files:
        files[rel]["bytes"] = (out / rel).stat().st_size
        files[rel]["sha256"] = sha256(out / rel)
    manifest = {
        "synthetic": True,
        "note": "SYNTHETIC DATA: made-up people generated by `upward synth`; not participant data of any agency.",
        "generator": "upward synth",
        "version": __version__,
        "seed": seed,
        "format": fmt,
        "chunk": chunk,
        "participants": n,
        "workers": workers,
        "wage_rows": rows_written,
        "state": state.upper(),
        "quarters": [FIRST_QUARTER, LAST_QUARTER],
        "wage_source": f"OEWS {oews.period} percentiles of detailed occupations in {state_area} (atlas table wages)",
        "hash_key": "the documented public synthetic key (upward.outcomes.run.SYNTHETIC_KEY) unless UPWARD_HASH_KEY is set",
        "files": files,
    }
    (out / "SYNTHETIC.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _write(tbl: pa.Table, path: Path, fmt: str) -> None:
    from upward import csvout
    from upward.files import write_atomically

    if fmt == "parquet":
        write_atomically(path, lambda tmp: pq.write_table(tbl, tmp, compression="zstd", row_group_size=1 << 20))
    else:
        write_atomically(path, lambda tmp: csvout.write_arrow(tmp, tbl))


def reproduces(con, manifest: dict, files: dict[str, Path], work: Path) -> str | None:
    """None when `upward synth`, run here with the manifest's parameters, writes exactly `files` (manifest
    name → file, compared by sha256); else why not. How a server checks an uploaded SYNTHETIC.json rather
    than take the uploader's word: the claim is true only if this code regenerates those very bytes. The
    work is bounded by `limits.SYNTH_CHECK_PEOPLE` (participants and workers)."""
    import tempfile

    from upward.limits import SYNTH_CHECK_PEOPLE

    try:
        n, workers, seed = int(manifest["participants"]), int(manifest["workers"]), int(manifest["seed"])
        state, fmt, chunk = str(manifest["state"]), str(manifest.get("format") or "parquet"), int(manifest.get("chunk") or 250_000)
    except (KeyError, TypeError, ValueError):
        return "it lacks the parameters `upward synth` records (participants, workers, seed, state)"
    if manifest.get("synthetic") is not True:
        return "it does not say the files are synthetic"
    if set(manifest.get("files") or {}) != set(files):
        return f"it lists {', '.join(sorted(manifest.get('files') or {})) or 'no file'}, not the files uploaded ({', '.join(sorted(files))})"
    if n < 1 or workers < 0 or n + workers > SYNTH_CHECK_PEOPLE or chunk < 1000:
        return f"its {n:,} participants and {workers:,} workers are more than this server regenerates to check ({SYNTH_CHECK_PEOPLE:,})"
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work, prefix="synth-check-") as tmp:
        try:
            again = generate(con, Path(tmp), n, workers, seed=seed, state=state, fmt=fmt, chunk=chunk)
        except UpwardError as exc:
            return f"`upward synth` cannot regenerate it here ({exc.message})"
        differ = [rel for rel in sorted(files) if rel not in again["files"] or sha256(Path(tmp) / rel) != sha256(files[rel])]
    if differ:
        return (f"`upward synth` {__version__} with its seed ({seed}) writes different bytes here for {', '.join(differ[:3])}"
                + (" …" if len(differ) > 3 else ""))
    return None
