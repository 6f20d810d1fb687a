"""Does the region's training lead to quality jobs? The scan, alignment, gaps, duplicates and phase-out candidates.

Works on the program inventory: the public seed in the atlas (IPEDS, Scorecard, ETPL — see
upward/atlas/programs.py) plus what the region imported into its hub (upward/hub), imported
rows taking precedence for the same program id. Thresholds come from the profile's [programs].

- **Area of a program**: its provider's OEWS area (a state takes every provider in the state;
  the nation, all).
- **Completions**: the latest academic year in the inventory (2023-24); a program that reported
  only in an earlier year shows that year and no current completions. Closed institutions
  (IPEDS `CLOSEDAT`) are left out.
- **Published earnings**: College Scorecard's median 4 years after completion, or 1 year where
  the 4-year figure is suppressed (as the Scorecard itself shows them); imported earnings when
  the region supplies them.
- **Program → occupations**: NCES CIP–SOC and the occupations the provider states.
- **Supply against demand** per occupation: related completions — each program's completions
  split evenly over the occupations it leads to, so no completer is counted twice — against the
  occupation's annual openings in the area (national openings rate × local employment).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from upward.analysis._rows import atlas_id, area_record, plain_record, releases
from upward.analysis.mobilize import scored_table
from upward.profiles import Profile


def _area_filter(area: dict) -> tuple[str, list]:
    if area["area_type"] == "national":
        return "true", []
    if area["area_type"] == "state":
        return "pr.state_abbr = ?", [area["state_abbr"]]
    return "pr.area_code = ?", [area["area_code"]]


_INVENTORIES: dict[tuple, pd.DataFrame] = {}
_INVENTORIES_KEPT = 32


def _hub_state(hub_path) -> tuple | None:
    """What identifies the hub's content: its path and modification time (an import changes it)."""
    if hub_path is None:
        return None
    p = Path(hub_path)
    return (str(p.resolve()), p.stat().st_mtime_ns if p.exists() else None)


def inventory(con, area_code: str, hub_path=None) -> pd.DataFrame:
    """Programs offered in the area with provider, latest completions and the occupations they lead to.

    Kept per atlas, area and hub state: alignment, gaps, bridges, pathways and the report all start
    here, and each caller gets its own copy."""
    atlas = atlas_id(con)
    key = (atlas, area_code, _hub_state(hub_path))
    if key not in _INVENTORIES:
        if len(_INVENTORIES) >= _INVENTORIES_KEPT:
            _INVENTORIES.pop(next(iter(_INVENTORIES)))
        _INVENTORIES[key] = _inventory(con, area_code, hub_path)
    return _INVENTORIES[key].copy()


def _inventory(con, area_code: str, hub_path=None) -> pd.DataFrame:
    area = area_record(con, area_code)
    where, params = _area_filter(area)
    df = con.execute(
        f"""
        with latest as (
            select program_id, max(year) as completions_year,
                   sum(completions) filter (where year = (select max(year) from program_completions)) as completions
            from program_completions group by program_id
        ),
        occ as (select program_id, list(distinct occ_code order by occ_code) as occupations from program_occupations group by program_id),
        earnings as (
            -- the 4-year figure where published, else the 1-year one
            select program_id,
                   arg_max(value, horizon = '4yr_after_completion') filter (where value is not null) as published_earnings,
                   arg_max(horizon, horizon = '4yr_after_completion') filter (where value is not null) as earnings_horizon,
                   any_value(state_threshold) as state_hs_earnings
            from program_outcomes where measure = 'median_earnings' and unit = 'annual_usd' group by program_id
        )
        select p.program_id, p.name as program_name, p.cip_code, p.award_level, p.credential, p.hours, p.weeks, p.cost,
               p.provider_id, pr.name as provider_name, pr.provider_type, pr.county_fips, pr.area_code, pr.state_abbr,
               l.completions, l.completions_year, coalesce(o.occupations, []) as occupations,
               e.published_earnings, e.earnings_horizon, e.state_hs_earnings, p.source
        from programs p join program_providers pr using (provider_id)
        left join latest l using (program_id) left join occ o using (program_id) left join earnings e using (program_id)
        where {where} and not coalesce(pr.closed, false)
        order by p.program_id
        """,
        params,
    ).df()
    if hub_path is not None:
        df = _with_imports(con, df, area, hub_path)
    return df


def _with_imports(con, seed: pd.DataFrame, area: dict, hub_path) -> pd.DataFrame:
    """The region's own imported programs override seed rows with the same id and add new ones."""
    from upward import hub

    inv = hub.inventory(hub_path)
    programs, providers = inv["programs"], inv["providers"]
    if programs.empty:
        return seed
    merged = programs.merge(providers, on="provider_id", how="left", suffixes=("", "_provider"))
    if area["area_type"] == "state":
        merged = merged[merged.state_abbr == area["state_abbr"]]
    elif area["area_type"] != "national":
        merged = merged[merged.area_code == area["area_code"]]
    comp = inv["completions"].sort_values("year").groupby("program_id").last().reset_index()
    merged = merged.merge(comp[["program_id", "year", "completions"]], on="program_id", how="left")
    earn = inv["outcomes"]
    earn = earn[earn.measure == "median_earnings"].set_index("program_id")
    merged["published_earnings"] = merged.program_id.map(earn["value"]) if len(earn) else np.nan
    merged["earnings_horizon"] = merged.program_id.map(earn["horizon"]) if len(earn) else None
    # the same CIP → occupation path as the seed (upward/atlas/programs.py, cip_occupations)
    crosswalk = dict(con.execute("select cip_code, list(occ_code order by occ_code) from cip_occupations group by cip_code").fetchall())
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
            "completions_year": merged.year,
            "occupations": [
                sorted(set(crosswalk.get(c, [])) | set(t if isinstance(t, (list, np.ndarray)) else []))
                for c, t in zip(merged.cip_code, merged.target_socs)
            ],
            "published_earnings": merged.published_earnings,
            "earnings_horizon": merged.earnings_horizon,
            "state_hs_earnings": np.nan,
            "source": "imported",
        }
    )
    return pd.concat([seed[~seed.program_id.isin(rows.program_id)], rows], ignore_index=True).sort_values("program_id").reset_index(drop=True)


def alignment(con, area_code: str, profile: Profile, hub_path=None) -> dict:
    """Programs against the area's job quality and demand: supply, gaps, duplicates, phase-out candidates."""
    inv = inventory(con, area_code, hub_path)
    jobs = scored_table(con, profile, [area_code]).set_index("occ_code")
    result = align(inv, jobs, profile.get("programs"))
    notes = []
    if len(jobs) and jobs.living_wage.isna().all():
        notes.append("No living wage for this area (MIT does not cover it): tiers are unknown, so there are no JTMs, gaps or low-quality shares here.")
    return {"area": area_record(con, area_code), "profile": profile.record(), **result, "notes": notes, "data": releases(con)}


def align(inv: pd.DataFrame, jobs: pd.DataFrame, cfg: dict) -> dict:
    """The alignment itself, on plain tables: `inv` as inventory() returns it, `jobs` the scored
    occupations of the area indexed by occ_code (employment, openings, tier, jtm, living_wage …)."""
    # supply: each program's completions split evenly over its occupations
    exploded = inv[["program_id", "completions", "occupations"]].explode("occupations").dropna(subset=["occupations"])
    n_occ = inv.set_index("program_id").occupations.map(len)
    exploded["share"] = exploded.completions.astype(float).fillna(0) / exploded.program_id.map(n_occ).astype(float)
    supply = exploded.groupby("occupations").share.sum()
    programs_per_occ = exploded.groupby("occupations").program_id.nunique()

    occ = jobs[jobs.scored][["occ_title", "employment", "openings", "tier", "jtm", "a_median", "median_living_wage_ratio", "typical_education"]].copy()
    occ["related_completions"] = supply.reindex(occ.index).fillna(0.0)
    occ["programs"] = programs_per_occ.reindex(occ.index).fillna(0).astype(int)
    occ["supply_ratio"] = occ.related_completions / occ.openings.replace(0, np.nan)
    occ["supply_flag"] = np.select(
        [occ.supply_ratio < cfg["under_supply_ratio"], occ.supply_ratio > cfg["over_supply_ratio"]],
        ["under-supplied", "over-supplied"],
        "balanced",
    )
    gaps = occ[occ.jtm & ((occ.programs == 0) | (occ.supply_ratio < cfg["gap_ratio"]))].sort_values("openings", ascending=False)

    # per program: the quality of the jobs it leads to here (one pass over program × occupation)
    lw = jobs.living_wage.dropna()
    area_lw = float(lw.iloc[0]) if len(lw) else None
    links = exploded[["program_id", "occupations"]].rename(columns={"occupations": "occ_code"})
    links = links.join(jobs[["employment", "tier", "jtm"]], on="occ_code", how="inner")
    links["low_employment"] = links.employment.where(links.tier == "low", 0.0)
    per = links.groupby("program_id").agg(occupation_employment=("employment", "sum"), low=("low_employment", "sum"))
    jtm_lists = links[links.jtm].groupby("program_id").occ_code.agg(lambda s: sorted(s))
    prog = inv.copy().set_index("program_id")
    prog["occupation_employment"] = per.occupation_employment.reindex(prog.index).fillna(0.0)
    prog["low_quality_share"] = (per.low / per.occupation_employment.replace(0, np.nan)).reindex(prog.index)
    prog["jtm_occupations"] = jtm_lists.reindex(prog.index)
    prog["jtm_occupations"] = [j if isinstance(j, list) else [] for j in prog.jtm_occupations]
    prog = prog.reset_index()
    low_q = prog.low_quality_share >= cfg["low_quality_share"]
    below_lw = prog.published_earnings < area_lw if area_lw is not None else pd.Series(False, index=prog.index)
    below_hs = prog.published_earnings < prog.state_hs_earnings
    evidence = [
        "; ".join(
            why
            for why, hit in (
                (f"{r.low_quality_share:.0%} of the jobs it leads to here are low-quality", a),
                (f"published earnings ${r.published_earnings:,.0f} < living wage ${area_lw or 0:,.0f}", b),
                (f"published earnings ${r.published_earnings:,.0f} < state high-school earnings ${r.state_hs_earnings:,.0f}", c),
            )
            if hit
        )
        for r, a, b, c in zip(prog.itertuples(), low_q, below_lw, below_hs)
    ]
    prog["phase_out_evidence"] = evidence

    # duplicates: same CIP and award level from many providers, against modest demand
    keyed = prog.dropna(subset=["cip_code"])
    dup_rows = []
    # award levels are IPEDS codes for the seed and may be text in imports: group them as text
    for (cip, level), g in keyed.groupby(["cip_code", keyed.award_level.astype("string").fillna("")]):
        providers = g.provider_id.nunique()
        if providers < cfg["duplicate_min_providers"]:
            continue
        occs = sorted({o for os in g.occupations for o in os if o in occ.index})
        openings = float(occ.openings.reindex(occs).sum()) if occs else 0.0
        completions = float(g.completions.fillna(0).sum())
        # unknown demand (no scored occupation behind the CIP) is never read as oversupply
        if openings > 0 and completions > openings:
            # the award in words: IPEDS's label, which the seed programs carry as their credential
            named = g.loc[g.source == "nces_ipeds", "credential"].dropna()
            dup_rows.append(
                {"cip_code": cip, "award_level": None if level == "" else (int(level) if level.isdigit() else level),
                 "award": named.iloc[0] if len(named) else (level or None),
                 "program_name": g.program_name.iloc[0],
                 "providers": providers, "completions": completions, "openings": openings,
                 "provider_names": sorted(g.provider_name.dropna().unique().tolist())[:10]}
            )
    duplicates = sorted(dup_rows, key=lambda d: (-d["providers"], d["cip_code"]))

    cols = ["program_id", "program_name", "provider_name", "cip_code", "credential", "completions", "completions_year",
            "published_earnings", "occupation_employment", "low_quality_share", "jtm_occupations", "phase_out_evidence", "source"]
    return {
        "programs": len(prog),
        "providers": int(prog.provider_id.nunique()),
        "completions": float(prog.completions.fillna(0).sum()),
        "aligned_to_jtm": int(sum(bool(j) for j in prog.jtm_occupations)),
        "program_rows": [plain_record(r) for r in prog[cols].to_dict("records")],
        "occupations": [plain_record({"occ_code": k, **v}) for k, v in occ.sort_values("openings", ascending=False).to_dict("index").items()],
        "gaps": [plain_record({"occ_code": k, **v}) for k, v in gaps.to_dict("index").items()],
        "duplicates": duplicates,
        "phase_out_candidates": [plain_record(r) for r in prog[prog.phase_out_evidence != ""][cols].to_dict("records")],
    }


#: Shorter awards first: a bridge should be the smallest step that leads to the next job.
_AWARD_ORDER = {20: 0, 21: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 17: 9, 18: 9, 19: 9}


_BRIDGE_COLUMNS = ["program_id", "program_name", "provider_name", "credential", "cip_code", "hours", "weeks", "cost",
                   "completions", "published_earnings", "stated_target", "source"]


def programs_by_occupation(inv: pd.DataFrame) -> dict[str, set[int]]:
    """Row positions of an inventory's programs per occupation they lead to (for repeated lookups)."""
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


def rank_bridges(con, inv: pd.DataFrame, from_occ: str, to_occ: str, by_occ: dict[str, set[int]] | None = None,
                 top: int | None = None, stated: dict[str, set[str]] | None = None) -> list[dict]:
    """Of an area's inventory, the programs that lead to `to_occ` and not already to `from_occ`,
    best bridge first: stated targets (the provider says the program is for this job), then the
    shortest award, then completions. `top` keeps the best few (all by default)."""
    by_occ = programs_by_occupation(inv) if by_occ is None else by_occ
    rows = sorted(by_occ.get(to_occ, set()) - by_occ.get(from_occ, set()))
    cand = inv.iloc[rows].copy()
    if cand.empty:
        return []
    named = stated.get(to_occ, set()) if stated is not None else {
        r[0] for r in con.execute("select program_id from program_occupations where occ_code = ? and method = 'stated'", [to_occ]).fetchall()}
    cand["stated_target"] = cand.program_id.isin(named) | cand.source.eq("imported")
    cand["award_rank"] = cand.award_level.map(lambda v: _AWARD_ORDER.get(v, 2) if isinstance(v, (int, np.integer)) else 2)
    cand = cand.sort_values(["stated_target", "award_rank", "completions", "program_id"], ascending=[False, True, False, True])
    return [plain_record(r) for r in cand[_BRIDGE_COLUMNS].head(top).to_dict("records")]


def bridge_count(inv_by_occ: dict[str, set[int]], from_occ: str, to_occ: str) -> int:
    """How many of the area's programs lead to `to_occ` and not already to `from_occ`."""
    return len(inv_by_occ.get(to_occ, set()) - inv_by_occ.get(from_occ, set()))


def bridges(con, area_code: str, from_occ: str, to_occ: str, hub_path=None, top: int = 10) -> dict:
    """Programs in the area that prepare for the step from one occupation to the next.

    A bridge leads to the target occupation (by its CIP or the provider's stated targets) and not
    already to the origin — training the worker has no need of. The pathways engine adds the skill
    gap each bridge has to close.
    """
    ranked = rank_bridges(con, inventory(con, area_code, hub_path), from_occ, to_occ)
    return {
        "area": area_record(con, area_code),
        "from": from_occ,
        "to": to_occ,
        "programs": len(ranked),
        "bridges": ranked[:top],
        "data": releases(con),
    }
