"""Does the region's training lead to quality jobs? The scan, supply, gaps, duplicates and phase-out candidates.

Works on the program inventory: the public seed in the atlas (IPEDS, Scorecard, ETPL — see
upward/atlas/programs.py) plus what the region imported into its hub (upward/hub), imported
rows taking precedence for the same program id. Thresholds come from the profile's [programs];
every rule is in docs/programs.md.

- **Area of a program**: its provider's OEWS area (a state takes every provider in the state;
  the nation, all). Closed institutions (IPEDS `CLOSEDAT`) are left out.
- **What it trains for** (`occupations`): NCES CIP–SOC at the award levels consistent with each
  occupation's BLS typical entry education, and the occupations the provider states; shorter
  awards in the field are steps toward an occupation (`related_occupations`), longer ones train
  for other jobs (atlas `occupation_award_fit`).
- **Completions** (`completions`): IPEDS awards in the latest academic year (2023-24), and the
  year before (`completions_prior`); **completers**: awards turned into people by award-level
  precedence; **local completions**: completers × the program's **local share** — the share of
  its institution's students (at its award's level) who do not study exclusively online from
  another state (IPEDS Fall 2024 distance education; institution level, not programme level);
  `distance_share` is the exclusively-online share. A program with no completion count (ETPL)
  is *unknown*, never 0; a program that reported 0 in every year is `dormant`.
- **Published earnings**: College Scorecard's median 4 years after completion, or 1 year where
  the 4-year figure is suppressed (as the Scorecard itself shows them); imported earnings when
  the region supplies them.
- **Supply against demand** per occupation: local completions of the programs that train for it
  — each program's split evenly over the occupations it trains for, so no completer is counted
  twice — against the occupation's annual openings in the area (national openings rate × local
  employment), judged only where training is the occupation's route (analysis/routes.py).
- **Advice that agrees with the pathways**: a program that trains for (or toward) an occupation
  on the region's recommended pathways (their start, a job they pass through, their JTM) is a
  *stepping stone*
  (analysis/recommended.py), and one that trains for a Job That Mobilizes leads somewhere worth
  going: neither is ever a phase-out candidate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from upward.analysis.mobilize import scored_table
from upward.analysis.routes import TRAINING_ROUTES, route_reason
from upward.atlas.lookup import area_record
from upward.atlas.programs import SPECIFIC_PROGRAMME_OCCUPATIONS
from upward.atlas.provenance import atlas_id, releases
from upward.atlas.query import frame_records, plain_record
from upward.cache import Cache, hub_key
from upward.profiles import Profile


def _area_filter(area: dict) -> tuple[str, list]:
    if area["area_type"] == "national":
        return "true", []
    if area["area_type"] == "state":
        return "pr.state_abbr = ?", [area["state_abbr"]]
    return "pr.area_code = ?", [area["area_code"]]


#: Areas' program inventories, per atlas, area and hub state (upward.cache).
_INVENTORIES = Cache("program inventories", entries=64, megabytes=96)


def inventory(con, area_code: str, hub=None) -> pd.DataFrame:
    """Programs offered in the area with provider, latest completions and the occupations they lead to.

    Kept per atlas, area and hub state: alignment, gaps, bridges, pathways and the report all start
    here, and each caller gets its own copy.

    `hub`: the region's own imports as a face hands them over (upward.hub.HubData), or None for
    the public seed alone."""
    key = (atlas_id(con), area_code, hub_key(hub))
    return _INVENTORIES.get_or_build(key, lambda: _inventory(con, area_code, hub)).copy()


def program_list(con, area_code: str, hub=None) -> dict:
    """`upward programs list` and GET /regions/{area}/programs: every program of the area (the
    public seed plus the region's imports, `hub`), with its occupations as lists and the note on
    what local completions count. `only` narrows it by CIP prefix or occupation."""
    inv = inventory(con, area_code, hub)
    rows = [plain_record({**r, "occupations": list(r["occupations"]), "related_occupations": list(r["related_occupations"])})
            for r in inv.to_dict("records")]
    area = area_record(con, area_code)
    return {"area": {"area_code": area_code, "area_name": area["area_name"]}, "programs": rows, "notes": [NOT_COUNTED], "data": releases(con)}


def only(listed: dict, cip_prefix: str | None = None, occ_code: str | None = None) -> dict:
    """A `program_list` answer narrowed to programs whose CIP code starts with `cip_prefix`
    (upward.codes.cip_prefix) and that lead to `occ_code` (either may be None: no filter)."""
    return {**listed, "programs": [r for r in listed["programs"] if matches(r, cip_prefix, occ_code)]}


def matches(program: dict, cip_prefix: str | None = None, occ_code: str | None = None) -> bool:
    """Whether a program passes the filters every face offers: its CIP code starts with
    `cip_prefix`, and it leads to `occ_code` (either may be None: no filter)."""
    return ((cip_prefix is None or (program.get("cip_code") or "").startswith(cip_prefix))
            and (occ_code is None or occ_code in program["occupations"]))


def most_local_first(rows) -> list[dict]:
    """Program rows, the most local completers first (none known counts as none), then by id:
    the order every face lists programs, phase-out candidates and stepping stones in."""
    return sorted(rows, key=lambda p: (-(p.get("local_completions") or 0), p["program_id"]))


def _inventory(con, area_code: str, hub=None) -> pd.DataFrame:
    area = area_record(con, area_code)
    where, params = _area_filter(area)
    local = "local_share_nation" if area["area_type"] == "national" else "local_share_state"
    df = con.execute(
        f"""
        select * exclude (local_share_state, local_share_nation), coalesce({local}, 1.0) as local_share,
               round(completers * coalesce({local}, 1.0), 1) as local_completions
        from program_inventory pr where {where} order by program_id
        """,
        params,
    ).df()
    if hub is not None:
        df = _with_imports(con, df, area, hub.programs())
    return df


def _with_imports(con, seed: pd.DataFrame, area: dict, inv: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The region's own imported programs override seed rows with the same id and add new ones.

    They go through the same rules as the seed: the CIP's occupations at the award levels that
    fit them (an award given as text fits every one), the occupations the region states (always),
    and — for a program that keeps a seed id — its institution's local share."""
    programs, providers = inv["programs"], inv["providers"]
    if programs.empty:
        return seed
    merged = programs.merge(providers, on="provider_id", how="left", suffixes=("", "_provider"))
    if area["area_type"] == "state":
        merged = merged[merged.state_abbr == area["state_abbr"]]
    elif area["area_type"] != "national":
        merged = merged[merged.area_code == area["area_code"]]
    comp = inv["completions"].sort_values("year")
    last = comp.groupby("program_id").last()
    prior = comp.assign(year=comp.year + 1).set_index(["program_id", "year"]).completions
    merged = merged.merge(last[["year", "completions"]], left_on="program_id", right_index=True, how="left")
    merged["completions_prior"] = [prior.get((pid, y), np.nan) for pid, y in zip(merged.program_id, merged.year)]
    total = comp.groupby("program_id").completions.sum()
    earn = inv["outcomes"]
    earn = earn[earn.measure == "median_earnings"].set_index("program_id")
    merged["published_earnings"] = merged.program_id.map(earn["value"]) if len(earn) else np.nan
    merged["earnings_horizon"] = merged.program_id.map(earn["horizon"]) if len(earn) else None
    # the same CIP → occupation path and award-level fit as the seed (upward/atlas/programs.py)
    crosswalk = dict(con.execute("select cip_code, list(occ_code order by occ_code) from cip_occupations group by cip_code").fetchall())
    fit = {(o, a): f for o, a, f in con.execute("select occ_code, award_level, fit from occupation_award_fit").fetchall()}
    rated = {o for o, _ in fit}
    local = "local_share_nation" if area["area_type"] == "national" else "local_share_state"
    known = con.execute(f"select program_id, {local}, distance_share from program_local_share where program_id in (select unnest(?))",
                        [list(merged.program_id)]).fetchall() if len(merged) else []
    shares = {pid: share for pid, share, _ in known}
    distance = {pid: d for pid, _, d in known}

    def links(cip, award, stated):
        code = _award_int(award)
        entry, below = set(stated if isinstance(stated, (list, np.ndarray)) else []), set()
        for o in crosswalk.get(cip, []):
            f = "entry" if code is None or o not in rated else fit.get((o, int(code)))
            if f == "entry":
                entry.add(o)
            elif f == "below":
                below.add(o)
        return sorted(entry), sorted(below - entry)

    linked = [links(c, a, t) for c, a, t in zip(merged.cip_code, merged.get("award_level"), merged.target_socs)]
    local_share = np.array([shares.get(pid, 1.0) for pid in merged.program_id], float)
    rows = pd.DataFrame(
        {
            "program_id": merged.program_id,
            "program_name": merged.name,
            "cip_code": merged.cip_code,
            "award_level": merged.get("award_level"),
            "credential": merged.get("credential"),
            "hours": merged.get("hours"),
            "weeks": merged.get("weeks"),
            "cost": merged.get("cost"),
            "provider_id": merged.provider_id,
            "provider_name": merged.get("name_provider"),
            "provider_type": merged.get("type"),
            "county_fips": merged.get("county_fips"),
            "area_code": merged.get("area_code"),
            "state_abbr": merged.get("state_abbr"),
            "completions": merged.completions,
            "completions_prior": merged.completions_prior,
            "completers": merged.completions,
            "completions_year": merged.year,
            "dormant": [bool(total.get(pid, np.nan) == 0) for pid in merged.program_id],
            "distance_share": [distance.get(pid, np.nan) for pid in merged.program_id],
            "local_share": local_share,
            "local_completions": (merged.completions.astype(float) * local_share).round(1),
            "occupations": [e for e, _ in linked],
            "related_occupations": [b for _, b in linked],
            "published_earnings": merged.published_earnings,
            "earnings_horizon": merged.earnings_horizon,
            "state_hs_earnings": np.nan,
            "source": "imported",
            # who the program says it serves and how, as '; '-joined text: matched to the region's needs (analysis/people.py)
            "populations_served": _joined(merged.get("populations_served")),
            "supports": _joined(merged.get("supports")),
            "modality": merged.get("modality"),
        }
    )
    return pd.concat([seed[~seed.program_id.isin(rows.program_id)], rows], ignore_index=True).sort_values("program_id").reset_index(drop=True)


#: What supply leaves out, said wherever supply is shown.
NOT_COUNTED = (
    "Not counted: registered apprenticeships, non-credit courses (CDL schools, police and fire academies, employer "
    "training) and providers outside IPEDS unless the region imports them; students studying exclusively online from "
    "another state (IPEDS Fall 2024, per institution, not per programme). IPEDS counts awards: stacked awards in one "
    "field at one institution count once (award-level precedence)."
)
#: IPEDS award levels below a bachelor's degree: early earnings are judged against the state's
#: high-school earnings threshold (College Scorecard), the yardstick the Department of Education
#: uses for them; a bachelor's and above against the area's living wage.
SUB_BACCALAUREATE = (20, 21, 2, 4, 3)
#: Liberal arts and sciences, general studies and humanities (CIP 24.01): an associate degree in
#: them is transfer-oriented and is judged by transfer, which no bundled file measures, never by
#: early earnings.
TRANSFER_CIP = "24.01"
#: IPEDS award levels in a reader's words (the labels in `ipeds_award_levels` are NCES's own).
AWARD_WORDS = {
    20: "certificate under 12 weeks", 21: "certificate under a year", 2: "certificate of 1–2 years", 4: "certificate of 2–4 years",
    3: "associate's degree", 5: "bachelor's degree", 6: "post-baccalaureate certificate", 7: "master's degree",
    8: "post-master's certificate", 17: "research doctorate", 18: "professional doctorate", 19: "doctorate",
}  # fmt: skip


def _award_int(level) -> int | None:
    """An IPEDS award-level code as an int (seed rows are Int64, imported ones int or text), else None."""
    if isinstance(level, (int, np.integer)) and not isinstance(level, bool):
        return int(level)
    if isinstance(level, float) and level.is_integer():
        return int(level)
    return None


def award_words(level) -> str | None:
    """An award level as a reader says it: an IPEDS code in words, an imported text as given."""
    code = _award_int(level)
    if code is not None:
        return AWARD_WORDS.get(code, str(code))
    return level if isinstance(level, str) and level else None


#: The supply flags of occupations whose supply is judged (training is the route, IPEDS counts it).
SUPPLY_FLAGS = ("under-supplied", "balanced", "over-supplied")


def _joined(values) -> list | None:
    """A list column of the hub as '; '-joined text (None when empty), so inventory rows stay flat."""
    if values is None:
        return None
    return [("; ".join(str(x) for x in v) or None) if isinstance(v, (list, tuple, np.ndarray)) else None for v in values]


def alignment(con, area_code: str, profile: Profile, hub=None) -> dict:
    """Programs against the area's job quality, demand and pathways: supply, gaps, duplicates,
    stepping stones and phase-out candidates."""
    from upward.analysis.recommended import stepping_stones
    from upward.analysis.routes import routes

    inv = inventory(con, area_code, hub)
    jobs = scored_table(con, profile, [area_code]).set_index("occ_code")
    cfg = profile.get("programs")
    stones = stepping_stones(con, area_code, profile, hub) if jobs.jtm.any() else {}
    result = align(inv, jobs, cfg, routes(con), stones, int(profile.get("pathways.origins")))
    notes = [NOT_COUNTED]
    if len(jobs) and jobs.living_wage.isna().all():
        notes.append("No living wage for this area (MIT does not cover it): tiers are unknown, so there are no JTMs, gaps or low-quality shares here.")
    return {"area": area_record(con, area_code), "profile": profile.record(), **result, "notes": notes, "data": releases(con)}


def training_gaps(aligned: dict) -> dict:
    """`upward programs gaps` and GET …/programs/gaps: an `alignment` answer narrowed to the
    training gaps, the Jobs That Mobilize short of completers that are no training gap (with why),
    and the possible duplicates — a face aligns once and narrows, so both questions share one
    computation."""
    return {k: aligned[k] for k in ("area", "profile", "gaps", "no_training_gap", "duplicates", "notes", "data")}


def _split(inv: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per program × occupation it trains for, with its completions split evenly."""
    links = inv[["program_id", "completions", "local_completions", "dormant", column]].explode(column).dropna(subset=[column])
    n = links.groupby("program_id")[column].transform("size").astype(float)
    links["awards"] = links.completions.astype(float) / n
    links["local"] = links.local_completions.astype(float) / n
    return links.rename(columns={column: "occ_code"})


def _supply(inv: pd.DataFrame, jobs: pd.DataFrame, routes: pd.DataFrame, cfg: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per scored occupation: local supply against openings, the training route and its flag."""
    links = _split(inv, "occupations")
    live = links[~links.dormant.astype(bool)]
    occ = jobs[jobs.scored][["occ_title", "employment", "openings", "tier", "jtm", "a_median", "median_living_wage_ratio"]].copy()
    occ = occ.join(routes[["typical_education", "typical_on_the_job_training", "work_experience", "training_route", "national_field_ratio"]], how="left")
    occ["training_route"] = occ.training_route.fillna("unknown")
    occ["related_completions"] = links.groupby("occ_code").local.sum().reindex(occ.index).fillna(0.0).round(1)
    occ["related_awards"] = links.groupby("occ_code").awards.sum().reindex(occ.index).fillna(0.0).round(1)
    occ["programs"] = live.groupby("occ_code").program_id.nunique().reindex(occ.index).fillna(0).astype(int)
    occ["programs_unknown_completions"] = live[live.completions.isna()].groupby("occ_code").program_id.nunique().reindex(occ.index).fillna(0).astype(int)
    occ["supply_ratio"] = occ.related_completions / occ.openings.replace(0, np.nan)
    forced = occ.index.isin(list(cfg.get("training_route_occupations", [])))
    trained = occ.training_route.isin(TRAINING_ROUTES) | forced
    other_routes = trained & ~forced & (occ.national_field_ratio < cfg["gap_ratio"])
    occ["supply_flag"] = np.select(
        [~trained & occ.training_route.eq("apprenticeship"), ~trained & occ.training_route.eq("learned at work"), ~trained,
         other_routes, occ.supply_ratio < cfg["under_supply_ratio"], occ.supply_ratio > cfg["over_supply_ratio"]],
        ["apprenticeship route", "learned at work", "no BLS entry data", "mostly other routes", "under-supplied", "over-supplied"],
        "balanced",
    )
    notes = []
    for r, is_trained in zip(occ.itertuples(), trained):
        if not is_trained:
            note = route_reason(r.training_route, r.typical_education, r.work_experience, r.typical_on_the_job_training)
        elif r.supply_flag == "mostly other routes":
            note = (f"nationally, programmes in its field supply {r.national_field_ratio:.0%} of its openings: most entrants come "
                    "from other fields or from training IPEDS does not count")
        elif r.programs_unknown_completions:
            note = f"{r.programs_unknown_completions} program(s) publish no completion count: supply may be higher"
        else:
            note = ""
        notes.append(note)
    occ["supply_note"] = notes
    short = (occ.programs == 0) | (occ.supply_ratio < cfg["gap_ratio"])
    counted = trained & ~other_routes
    gaps = occ[occ.jtm & counted & short].sort_values("openings", ascending=False)
    no_gap = occ[occ.jtm & ~counted & short].sort_values("openings", ascending=False)
    return occ, gaps, no_gap


def align(inv: pd.DataFrame, jobs: pd.DataFrame, cfg: dict, routes: pd.DataFrame, stones: dict[str, list[str]] | None = None,
          origins: int | None = None) -> dict:
    """The alignment itself, on plain tables: `inv` as inventory() returns it, `jobs` the scored
    occupations of the area indexed by occ_code (employment, openings, tier, jtm, living_wage …),
    `routes` as analysis.routes.routes() returns it, `stones` occupation → the recommended
    pathways it is on (analysis.recommended.stepping_stones), from the
    region's `origins` largest low-wage occupations."""
    stones = stones or {}
    occ, gaps, no_gap = _supply(inv, jobs, routes, cfg)

    # per program: the quality of the jobs it trains for here (one pass over program × occupation)
    lw = jobs.living_wage.dropna()
    area_lw = float(lw.iloc[0]) if len(lw) else None
    links = _split(inv, "occupations")[["program_id", "occ_code"]]
    links = links.merge(jobs[["employment", "tier", "jtm"]].rename_axis("occ").reset_index(), left_on="occ_code", right_on="occ", how="inner")
    links["low_employment"] = links.employment.where(links.tier == "low", 0.0)
    per = links.groupby("program_id").agg(occupation_employment=("employment", "sum"), low=("low_employment", "sum"))
    jtm_lists = links[links.jtm.fillna(False).astype(bool)].sort_values("occ_code").groupby("program_id").occ_code.agg(list)
    prog = inv.copy().set_index("program_id")
    prog["occupation_employment"] = per.occupation_employment.reindex(prog.index).fillna(0.0)
    prog["low_quality_share"] = (per.low / per.occupation_employment.replace(0, np.nan)).reindex(prog.index)
    prog["jtm_occupations"] = [j if isinstance(j, list) else [] for j in jtm_lists.reindex(prog.index)]
    prog = prog.reset_index()
    jtm_codes = set(jobs.index[jobs.jtm.fillna(False).astype(bool)])
    prog["stepping_stone"] = [
        list(dict.fromkeys(p for o in [*occs, *rel] for p in stones.get(o, [])))[:3]
        for occs, rel in zip(prog.occupations, prog.related_occupations)
    ]
    toward_jtm = [bool(jtm_codes.intersection(rel)) for rel in prog.related_occupations]
    prog["role"] = pd.Series([
        "stepping stone" if st else "leads to a Job That Mobilizes" if (j or t) else None
        for st, j, t in zip(prog.stepping_stone, prog.jtm_occupations, toward_jtm)
    ], index=prog.index, dtype=object)
    _phase_out_evidence(prog, cfg, area_lw)
    prog["phase_out_candidate"] = prog.role.isna() & (prog.phase_out_evidence != "")
    prog["pathways_say"] = [
        (f"on the region's recommended pathways: {'; '.join(st)}" if st
         else "it trains for a Job That Mobilizes here (or is a shorter award toward one)" if isinstance(role, str) else
         "none of the jobs it trains for is on the region's recommended pathways into a Job That Mobilizes"
         + (f" (from its {origins} largest low-wage occupations)" if origins else ""))
        for st, role in zip(prog.stepping_stone, prog.role)
    ]
    duplicates = _duplicates(prog, occ, cfg)

    cols = ["program_id", "program_name", "provider_name", "cip_code", "award_level", "credential", "completions", "completions_prior",
            "local_completions", "distance_share", "completions_year", "dormant", "published_earnings", "earnings_yardstick",
            "occupation_employment", "low_quality_share", "occupations", "jtm_occupations", "role", "stepping_stone",
            "phase_out_evidence", "pathways_say", "source"]
    known = prog.completions.notna()
    return {
        "programs": len(prog),
        "providers": int(prog.provider_id.nunique()),
        "completions": float(prog.completions.fillna(0).sum()),
        "local_completions": float(prog.local_completions.fillna(0).sum()),
        "programs_unknown_completions": int((~known).sum()),
        "aligned_to_jtm": int(sum(bool(j) for j in prog.jtm_occupations)),
        "stepping_stone_programs": int((prog.role == "stepping stone").sum()),
        "program_rows": frame_records(prog, cols),
        "occupations": [plain_record({"occ_code": k, **v}) for k, v in occ.sort_values("openings", ascending=False).to_dict("index").items()],
        "gaps": [plain_record({"occ_code": k, **v}) for k, v in gaps.to_dict("index").items()],
        "no_training_gap": [plain_record({"occ_code": k, **v}) for k, v in no_gap.to_dict("index").items()],
        "duplicates": duplicates,
        "phase_out_candidates": frame_records(prog[prog.phase_out_candidate], cols),
        "stepping_stones_with_evidence": frame_records(prog[prog.role.notna() & (prog.phase_out_evidence != "")], cols),
    }


def _phase_out_evidence(prog: pd.DataFrame, cfg: dict, area_lw: float | None) -> None:
    """Each program's evidence for review, in words: mostly low-quality jobs, or early earnings
    under the yardstick of its award (adds `earnings_yardstick` and `phase_out_evidence`)."""
    code = pd.Series([_award_int(a) for a in prog.award_level], index=prog.index, dtype="float64")
    transfer = prog.cip_code.fillna("").str.startswith(TRANSFER_CIP) & code.eq(3)
    sub = code.isin(SUB_BACCALAUREATE)
    yardstick = np.where(transfer, "transfer-oriented: not judged on early earnings",
                         np.where(sub, "state high-school earnings", "living wage"))
    value = np.where(transfer, np.nan, np.where(sub, prog.state_hs_earnings.astype(float), area_lw if area_lw is not None else np.nan))
    prog["earnings_yardstick"] = yardstick
    low_q = (prog.low_quality_share >= cfg["low_quality_share"]).to_numpy(bool)
    earnings = prog.published_earnings.astype(float).to_numpy()
    below = earnings < value
    share = prog.low_quality_share.to_numpy(float)
    evidence = np.full(len(prog), "", dtype=object)
    for i in np.flatnonzero(low_q | below):  # only the few programs with evidence are worded
        evidence[i] = "; ".join(why for why, hit in (
            (f"{share[i]:.0%} of the jobs it trains for here are low-quality", low_q[i]),
            (f"graduates' early earnings ${earnings[i]:,.0f} < {yardstick[i]} ${value[i]:,.0f}", below[i]),
        ) if hit)
    prog["phase_out_evidence"] = evidence


def _duplicates(prog: pd.DataFrame, occ: pd.DataFrame, cfg: dict) -> list[dict]:
    """One CIP and award level from many providers in the area, whose local completions are
    over-supplied (more than `over_supply_ratio` × the openings of the occupations it trains for
    where training is the route and IPEDS counts it; unknown demand is never read as oversupply)."""
    # award levels are IPEDS codes for the seed and may be text in imports: group them as text
    keyed = prog.dropna(subset=["cip_code"]).assign(level=lambda d: d.award_level.astype("string").fillna(""))
    providers = keyed.groupby(["cip_code", "level"]).provider_id.nunique()
    many = providers[providers >= cfg["duplicate_min_providers"]]
    if many.empty:
        return []
    keyed = keyed.set_index(["cip_code", "level"]).loc[many.index]
    local = keyed.local_completions.fillna(0).groupby(level=[0, 1]).sum()
    judged = occ.index[occ.supply_flag.isin(SUPPLY_FLAGS)]  # where training is the route and IPEDS counts it
    links = keyed.occupations.explode().dropna()
    links = links[links.isin(judged)].reset_index().drop_duplicates()
    if links.empty:
        return []
    openings = links.occupations.map(occ.openings).astype(float).groupby([links.cip_code, links.level]).sum()
    hit = openings[(openings > 0) & (local.reindex(openings.index) > cfg["over_supply_ratio"] * openings)]
    if hit.empty:
        return []
    chosen = keyed.loc[hit.index]
    occs = links.set_index(["cip_code", "level"]).occupations
    rows = []
    for (cip, level), g in chosen.groupby(level=[0, 1], sort=False):
        rows.append(
            {"cip_code": cip, "award_level": None if level == "" else (int(level) if level.isdigit() else level),
             "award": award_words(int(level) if level.isdigit() else level or None), "program_name": g.program_name.iloc[0],
             "providers": int(many[(cip, level)]), "completions": float(g.completions.fillna(0).sum()),
             "local_completions": round(float(local[(cip, level)]), 1), "openings": float(hit[(cip, level)]),
             "occupations": sorted(occs.loc[[(cip, level)]]), "provider_names": sorted(g.provider_name.dropna().unique().tolist())[:10]}
        )
    return sorted(rows, key=lambda d: (-d["providers"], d["cip_code"]))


#: The award that matches a step exactly, by the BLS typical entry education of its job: a
#: certificate for a certificate, the degree for a degree (high school or less: any award below a
#: bachelor's). Other awards that train for the job (analysis: `occupations`) rank after them.
EXACT_AWARDS = {
    "Some college, no degree": (20, 21, 2, 4), "Postsecondary nondegree award": (20, 21, 2, 4), "Associate's degree": (3,),
    "Bachelor's degree": (5,), "Master's degree": (7,), "Doctoral or professional degree": (17, 18, 19),
}  # fmt: skip
MATCHES = ("stated target", "specific field", "broad field")

_BRIDGE_COLUMNS = ["program_id", "program_name", "provider_name", "credential", "award_level", "cip_code", "hours", "weeks", "cost",
                   "completions", "completions_prior", "local_completions", "distance_share", "published_earnings",
                   "stated_target", "match", "award_match", "dormant", "source"]
#: Per atlas: CIP widths and entry education for bridges (small; upward.cache).
_LOOKUPS = Cache("bridge lookups", entries=2, megabytes=8)


def programs_by_occupation(inv: pd.DataFrame) -> dict[str, set[int]]:
    """Row positions of an inventory's programs per occupation they train for (for repeated lookups)."""
    out: dict[str, set[int]] = {}
    for pos, occs in enumerate(inv.occupations):
        for o in occs:
            out.setdefault(o, set()).add(pos)
    return out


def stated_targets(con) -> dict[str, set[str]]:
    """Programme ids whose provider names each occupation as its target (for repeated bridge lookups)."""
    out: dict[str, set[str]] = {}
    for pid, occ in con.execute("select program_id, occ_code from program_occupations where method = 'stated'").fetchall():
        out.setdefault(occ, set()).add(pid)
    return out


def _bridge_lookups(con) -> tuple[dict, dict]:
    """How many occupations each CIP leads to, and each occupation's BLS typical entry education (per atlas)."""
    def build() -> tuple[dict, dict]:
        widths = dict(con.execute("select cip_code, count(*) from cip_occupations group by 1").fetchall())
        education = dict(con.execute("select occ_code, typical_education from occupation_education").fetchall())
        return widths, education

    return _LOOKUPS.get_or_build(atlas_id(con), build)


def rank_bridges(con, inv: pd.DataFrame, from_occ: str, to_occ: str, by_occ: dict[str, set[int]] | None = None,
                 top: int | None = None, stated: dict[str, set[str]] | None = None) -> list[dict]:
    """Of an area's inventory, the programs that train for `to_occ` and not already for `from_occ`,
    most relevant first (docs/programs.md §Bridges):

    1. live before dormant: a program that reported 0 completions in every year goes last (`dormant`);
    2. relevance: the provider states the job as its target (or the region imported it), then a
       CIP specific to the job (it leads to at most `SPECIFIC_PROGRAMME_OCCUPATIONS`), then a broad one
       (`match`); and an award that matches the step's credential exactly (`award_match`: a
       certificate for a certificate job, the degree for a degree job) before other awards that
       also train for it;
    3. local completions, most first (a program with no completion count after those with one);
    4. cost, then length (weeks, hours), where known — cheaper and shorter first.

    `top` keeps the best few (all by default)."""
    by_occ = programs_by_occupation(inv) if by_occ is None else by_occ
    rows = sorted(by_occ.get(to_occ, set()) - by_occ.get(from_occ, set()))
    cand = inv.iloc[rows].copy()
    if cand.empty:
        return []
    named = stated.get(to_occ, set()) if stated is not None else {
        r[0] for r in con.execute("select program_id from program_occupations where occ_code = ? and method = 'stated'", [to_occ]).fetchall()}
    widths, education = _bridge_lookups(con)
    cand["stated_target"] = cand.program_id.isin(named) | cand.source.eq("imported")
    width = cand.cip_code.map(widths)
    cand["match"] = np.where(cand.stated_target, MATCHES[0], np.where(width <= SPECIFIC_PROGRAMME_OCCUPATIONS, MATCHES[1], MATCHES[2]))
    exact = EXACT_AWARDS.get(education.get(to_occ))
    # an award the program does not state (ETPL) is neither a match nor a miss
    cand["award_match"] = pd.Series([True if exact is None else None if _award_int(a) is None else _award_int(a) in exact
                                     for a in cand.award_level], index=cand.index, dtype=object)
    local = cand.local_completions.astype(float)
    cand["_order"] = list(zip(
        cand.dormant.astype(bool), cand.match.map(MATCHES.index), cand.award_match.eq(False), local.isna(), -local.fillna(0),
        cand.cost.astype(float).fillna(np.inf), cand.weeks.astype(float).fillna(np.inf), cand.hours.astype(float).fillna(np.inf),
        cand.program_id,
    ))
    cand = cand.sort_values("_order")
    return frame_records(cand.head(top), _BRIDGE_COLUMNS)


def bridge_count(inv_by_occ: dict[str, set[int]], from_occ: str, to_occ: str) -> int:
    """How many of the area's programs train for `to_occ` and not already for `from_occ`."""
    return len(inv_by_occ.get(to_occ, set()) - inv_by_occ.get(from_occ, set()))


def bridges(con, area_code: str, from_occ: str, to_occ: str, hub=None, top: int = 10) -> dict:
    """Programs in the area that prepare for the step from one occupation to the next.

    A bridge trains for the target occupation (by its CIP at an award level that leads into it, or
    the provider's stated targets) and not already for the origin — training the worker has no
    need of — ranked as `rank_bridges` says. The pathways engine adds the skill gap each bridge
    has to close.
    """
    ranked = rank_bridges(con, inventory(con, area_code, hub), from_occ, to_occ)
    return {
        "area": area_record(con, area_code),
        "from": from_occ,
        "to": to_occ,
        "programs": len(ranked),
        "dormant": sum(b["dormant"] for b in ranked),
        "bridges": ranked[:top],
        "notes": [NOT_COUNTED],
        "data": releases(con),
    }
