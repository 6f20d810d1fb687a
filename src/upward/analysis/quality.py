"""Job quality per occupation × area, as separate dimensions, and the region's system indicators.

Dimensions are never folded into one number: pay adequacy, advancement, demand and stability,
benefits and safety each stand on their own, with the raw values behind them. The tier (quality,
near-quality, low) follows from pay adequacy, by the profile's ratios, because pay is the one
dimension measured for every occupation in the area itself; benefits (BLS NCS group-level
estimates) and safety (O*NET hazardous conditions), national figures from `analysis.dimensions`
or the profile's own `[inputs]`, enter it only where the profile sets a floor on them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from upward.analysis.living_wage import living_wage, living_wage_sql, pay_frame
from upward.analysis.measures import area_measures
from upward.atlas.lookup import area_record
from upward.atlas.provenance import atlas_id, releases
from upward.atlas.query import plain_record, records
from upward.cache import Cache
from upward.profiles import Profile

TIERS = ("quality", "near-quality", "low", "unknown")


def tiers(df: pd.DataFrame, profile: Profile) -> pd.Series:
    q = profile.get("quality.quality_p25_ratio")
    nq = profile.get("quality.near_quality_median_ratio")
    near = df.median_living_wage_ratio >= nq
    # quality also meets the near-quality condition, so the tiers nest whatever the two ratios
    gates = df["gates_met"] if "gates_met" in df else True  # a region's benefits or safety floor (default: none)
    tier = np.select(
        [(df.entry_living_wage_ratio >= q) & near & gates, near, df.median_living_wage_ratio.notna()],
        ["quality", "near-quality", "low"],
        default="unknown",
    )
    return pd.Series(tier, index=df.index)


def pluggable(profile: Profile, key: str) -> pd.DataFrame | None:
    """A benefits or safety input: CSV with soc (and optional area) and a 0–1 value, or None.

    Read by the one reader (`upward.sheets`, within the profile's limits) and the one code parser
    (`upward.codes`), so `29-1141.00`, `291141` and an area written `26420` are accepted as in
    every other file. `row` holds each value's file row (the header is row 1) for messages.
    """
    from upward import codes, sheets
    from upward.errors import UpwardError

    path = profile.get(f"inputs.{key}")
    if not path:
        return None
    hint = f"The {key} input is a CSV with columns soc, value (0 to 1) and optionally area (see docs/job-quality.md); profile key inputs.{key}."
    sheet = sheets.read(path, limits=sheets.Limits.of(profile), suffixes=(".csv",), hint=hint)
    if sheet.problems:
        p = sheet.problems[0]
        raise UpwardError(f"{p}", hint=hint)
    header = [str(h).strip().lower() for h in sheet.header]
    if "soc" not in header or "value" not in header:
        raise UpwardError(f"{path}: the {key} input needs columns 'soc' and 'value' (and optionally 'area'); found: {', '.join(header)}.", hint=hint)
    at = {h: header.index(h) for h in ("soc", "value", "area") if h in header}
    records = []
    for row, cells in sheet.rows:
        def cell(name):
            i = at[name]
            return cells[i] if i < len(cells) else None

        soc = codes.soc(cell("soc"))
        if soc is None:
            raise UpwardError(f"{path}, row {row}, field 'soc': {cell('soc')!r} is not a SOC code (write it like 29-1141).", hint=hint)
        try:
            value = float(str(cell("value")).strip())
        except ValueError:
            value = float("nan")
        if not 0 <= value <= 1:
            raise UpwardError(f"{path}, row {row}, field 'value': {cell('value')!r} is not a number from 0 to 1.", hint=hint)
        rec = {"row": row, "soc": soc, "value": value}
        if "area" in at:
            area = codes.oews_area(cell("area"))
            if area is None:
                raise UpwardError(f"{path}, row {row}, field 'area': {cell('area')!r} is not an OEWS area code (seven digits, like 0026420).", hint=hint)
            rec["area"] = area
        records.append(rec)
    df = pd.DataFrame(records, columns=["row", "soc", "value"] + (["area"] if "area" in at else []))
    key = ["soc", "area"] if "area" in df.columns else ["soc"]
    dup = df.duplicated(key)
    if dup.any():
        first = df.loc[dup].iloc[0]
        raise UpwardError(f"{path}, row {int(first['row'])}, field '{key[-1]}': {' × '.join(first[key])} is listed twice.", hint=hint)
    return df


def _check_codes(con, data: pd.DataFrame, path: str) -> None:
    """Every row must name an occupation (and area) the atlas knows, or it would silently match nothing."""
    from upward.errors import UpwardError

    known = {r[0] for r in con.execute("select occ_code from occupations where level = 'detailed'").fetchall()}
    areas = {r[0] for r in con.execute("select area_code from areas").fetchall()}
    for row in data.itertuples(index=False):
        if row.soc not in known:
            raise UpwardError(
                f"{path}, row {row.row}, field 'soc': {row.soc!r} is not a detailed SOC occupation OEWS publishes.",
                hint="Use six-digit SOC codes written like 29-1141 (O*NET codes such as 29-1141.01 roll up to them).",
            )
        if "area" in data.columns and row.area not in areas:
            raise UpwardError(
                f"{path}, row {row.row}, field 'area': {row.area!r} is not an OEWS area code.",
                hint="Use seven-digit OEWS codes such as 0026420 (list them with: upward regions).",
            )


#: The non-pay figures every quality row carries (analysis/dimensions.py computes them once).
DIMENSION_COLUMNS = (
    "benefits", "medical_access", "sick_leave_access", "retirement_access_wage", "hazard_exposure", "safety",
    "women_share", "women_men_pay_ratio", "share_55_over", "ai_exposure",
)
_SOURCES = {"benefits": "BLS NCS group-level estimate", "safety": "O*NET hazardous conditions"}


def _attach_pluggable(con, df: pd.DataFrame, profile: Profile) -> None:
    """Benefits and safety: the bundled national figures, replaced by the profile's own input
    (`[inputs]`) wherever it has a row for the occupation (and area)."""
    from upward.analysis.dimensions import occupation_dimensions

    dims = occupation_dimensions(con, profile).set_index("occ_code")[list(DIMENSION_COLUMNS)]
    where, codes = pd.factorize(df.occ_code)
    values = dims.reindex(codes).to_numpy(dtype="float64")[where]  # every area shares its occupations' figures
    for i, col in enumerate(DIMENSION_COLUMNS):
        df[col] = values[:, i]
    for key in ("benefits", "safety"):
        df[f"{key}_source"] = pd.Series(np.where(df[key].notna(), _SOURCES[key], None), index=df.index, dtype=object)
        data = pluggable(profile, key)
        if data is None:
            continue
        _check_codes(con, data, profile.get(f"inputs.{key}"))
        if "area" in data.columns:
            merged = df[["area_code", "occ_code"]].merge(
                data.rename(columns={"area": "area_code", "soc": "occ_code"})[["area_code", "occ_code", "value"]],
                how="left",
                on=["area_code", "occ_code"],
            )
        else:
            merged = df[["occ_code"]].merge(data.rename(columns={"soc": "occ_code"})[["occ_code", "value"]], how="left", on="occ_code")
        given = merged["value"].notna().to_numpy()
        df.loc[given, key] = merged["value"].to_numpy()[given]
        df.loc[given, f"{key}_source"] = "profile input"


def dimension_gates(df: pd.DataFrame, profile: Profile) -> pd.Series:
    """True where every gated dimension (`quality.min_benefits`, `quality.min_safety` > 0) is
    measured and reached; always true with the default profile, which gates on neither."""
    ok = pd.Series(True, index=df.index)
    for key in ("benefits", "safety"):
        floor = profile.get(f"quality.min_{key}")
        if floor > 0:
            ok &= df[key].notna() & (df[key] >= floor)
    return ok


#: A few areas' measure tables (~0.5 MB each; upward.cache).
_TABLES = Cache("quality tables", entries=256, megabytes=96)


def quality_table(con, profile: Profile, area_codes: list[str] | None = None) -> pd.DataFrame:
    """Every measure and the tier of each occupation in the areas. A few areas' tables are kept
    per atlas and profile (the job list, pathways, skills and programs of a region all start here),
    and each caller gets its own copy."""
    if area_codes is not None and len(area_codes) <= 8:
        return _TABLES.get_or_build((atlas_id(con), profile.hash, tuple(area_codes)), lambda: _quality_table(con, profile, area_codes)).copy()
    return _quality_table(con, profile, area_codes)


def _quality_table(con, profile: Profile, area_codes: list[str] | None) -> pd.DataFrame:
    df = area_measures(con, profile, area_codes)
    _attach_pluggable(con, df, profile)
    df["gates_met"] = dimension_gates(df, profile)
    df["tier"] = tiers(df, profile)
    return df


def _area_counts(pay: pd.DataFrame, nat_median: float, profile: Profile) -> pd.DataFrame:
    """Per area, from its own occupations: jobs, jobs with a published median (`known`), and those paying
    the living wage by median, by 25th percentile and by mean (E-W 69), in opportunity occupations, and
    by quality tier; the area's living wage and its opportunity bar (national median × ratio × parity)."""
    ratio = profile.get("opportunity.national_median_ratio")
    d = pay.assign(
        known=pay.a_median.notna(),
        bar=nat_median * ratio * pay.price_parity / 100,
        tier=tiers(pay, profile),
    )
    emp = d.employment
    known = d.known
    cols = {
        "jobs": emp,
        "known": emp.where(known, 0),
        "lw_median": emp.where(known & (d.median_living_wage_ratio >= 1), 0),
        "lw_p25": emp.where(known & (d.entry_living_wage_ratio >= 1), 0),
        "mean_known": emp.where(d.a_mean.notna(), 0),
        # E-W 69: "the ratio of average pay to the location-adjusted cost of living is greater than one"
        "lw_mean": emp.where(d.mean_living_wage_ratio > 1, 0),
        "opportunity": emp.where(known & d.accessible & (d.a_median >= d.bar), 0),
        **{f"tier_{t}": emp.where(d.tier == t, 0) for t in TIERS},
    }
    counts = pd.DataFrame(cols).assign(area_code=d.area_code).groupby("area_code", sort=True).sum()
    first = d.groupby("area_code", sort=True)[["living_wage", "cpi_factor", "bar"]].first()
    counts = counts.join(first)
    counts["has_lw"] = counts.living_wage.notna()
    counts["has_rpp"] = counts.bar.notna()
    counts["bar_weight"] = counts.known.where(counts.has_rpp, 0)
    return counts


def _shares(c: pd.DataFrame) -> pd.DataFrame:
    """Indicator shares from summed counts (areas with no living wage or no parity leave those shares out)."""
    def ratio(num, den):
        return (num / den).where(den > 0)

    lw_known = c.known_lw
    return pd.DataFrame(
        {
            "living_wage_median_share": ratio(c.lw_median, lw_known),
            "living_wage_p25_share": ratio(c.lw_p25, lw_known),
            "living_wage_mean_share": ratio(c.lw_mean, c.mean_known_lw),
            "opportunity_share": ratio(c.opportunity, c.known_rpp),
            "opportunity_wage_bar": ratio(c.bar_sum, c.bar_weight),
            "wage_coverage": ratio(c.known, c.jobs),
            "jobs_counted": c.known_lw.where(c.known_lw > 0),
        },
        index=c.index,
    )


def _with_masks(c: pd.DataFrame) -> pd.DataFrame:
    """Counts restricted to the areas that have a living wage (or a parity), ready to be summed."""
    lw = c.has_lw
    rpp = c.has_rpp
    out = pd.DataFrame(index=c.index)
    out["jobs"] = c.jobs
    out["known"] = c.known
    out["known_lw"] = c.known.where(lw, 0)
    out["mean_known_lw"] = c.mean_known.where(lw, 0)
    for k in ("lw_median", "lw_p25", "lw_mean"):
        out[k] = c[k].where(lw, 0)
    out["known_rpp"] = c.known.where(rpp, 0)
    out["opportunity"] = c.opportunity.where(rpp, 0)
    out["bar_weight"] = c.bar_weight
    out["bar_sum"] = (c.bar * c.bar_weight).fillna(0)
    for t in TIERS:
        out[f"tier_{t}"] = c[f"tier_{t}"]
    out["areas"] = lw.astype(int)
    return out


#: Every local area's counts per atlas and profile (~0.2 MB each; upward.cache).
_COUNTS = Cache("area counts", entries=4, megabytes=16)


def area_counts(con, profile: Profile) -> pd.DataFrame:
    """`_area_counts` of every metro and nonmetropolitan area (kept per atlas and profile: every state's
    and the nation's indicators are sums of them)."""
    def build() -> pd.DataFrame:
        local = records(con, "select area_code from areas where area_type in ('metro', 'nonmetro')")
        return _area_counts(pay_frame(con, profile, [r["area_code"] for r in local]), national_median(con), profile)

    return _COUNTS.get_or_build((atlas_id(con), profile.hash), build).copy()


def indicators(con, profile: Profile, area_codes: list[str] | None = None) -> pd.DataFrame:
    """The system indicators of the given areas (every area if None), each measured the same way.

    A metro or nonmetropolitan area: the share of its jobs (in occupations with a published median)
    whose median, 25th percentile or mean pays its own living wage, and the share in opportunity
    occupations. A state or the nation: the same counts summed over its areas, each area's jobs
    against that area's own living wage and bar, weighted by the share of the area's jobs in the
    state (`area_parents`), so the state's share equals its areas' employment-weighted share. Its
    living wage is the atlas's job-weighted mean of its areas' figures.
    """
    local = _with_masks(area_counts(con, profile))
    parents = con.execute("select area_code, parent_code, weight from area_parents").df()
    members = parents.merge(local, left_on="area_code", right_index=True)
    summed = members[local.columns].mul(members.weight, axis=0).assign(parent_code=members.parent_code).groupby("parent_code").sum()
    summed["areas"] = members[members.areas > 0].groupby("parent_code").size().reindex(summed.index, fill_value=0)
    types = dict(con.execute("select area_code, area_type from areas").fetchall())
    codes = list(types) if area_codes is None else list(area_codes)
    table = pd.concat([local.reindex([c for c in codes if types.get(c) not in ("state", "national")]),
                       summed.reindex([c for c in codes if types.get(c) in ("state", "national")])]).fillna(0).reindex(codes)
    shares = _shares(table)
    lw_sql, params = living_wage_sql(profile)
    lw = con.execute(f"select area_code, living_wage, cpi_factor from ({lw_sql})", params).df().set_index("area_code")
    rows = []
    for code in codes:
        t = table.loc[code]
        aggregated = types.get(code) in ("state", "national")
        total = sum(t[f"tier_{x}"] for x in TIERS)
        rows.append(
            {
                "area_code": code,
                "living_wage": lw.living_wage.get(code),
                "cpi_factor": lw.cpi_factor.get(code),
                **shares.loc[code].to_dict(),
                "areas_counted": int(t.areas) if aggregated else None,
                "computed_from": (f"its {int(t.areas)} areas, each against its own living wage, weighted by the jobs they hold in it"
                                  if aggregated else "its own occupations"),
                "employment_by_tier": [
                    {"tier": x, "employment": float(t[f"tier_{x}"]), "share": float(t[f"tier_{x}"] / total) if total else None}
                    for x in TIERS
                ],
            }
        )
    out = pd.DataFrame(rows)
    out["areas_counted"] = pd.Series([r["areas_counted"] for r in rows], dtype=object)  # whole numbers, None for a local area
    return out


def _dimension_coverage(df: pd.DataFrame, profile: Profile) -> dict:
    """How much of the area's employment each non-pay dimension covers, where it comes from, and
    whether the profile gates on it."""
    emp = df.employment.fillna(0)
    total = emp.sum()

    def cover(col):
        return float(emp[df[col].notna()].sum() / total) if total else None

    def mean(col):
        ok = df[col].notna() & (emp > 0)
        return float((df.loc[ok, col] * emp[ok]).sum() / emp[ok].sum()) if ok.any() else None

    return {
        "benefits": {"employment_covered": cover("benefits"), "mean": mean("benefits"), "gate": profile.get("quality.min_benefits"),
                     "level": "group-level estimates: occupational group, industries, wage quartile; national",
                     "from_input": int((df.benefits_source == "profile input").sum())},
        "safety": {"employment_covered": cover("safety"), "mean_hazard_exposure": mean("hazard_exposure"),
                   "gate": profile.get("quality.min_safety"), "level": "occupation (O*NET, national)",
                   "from_input": int((df.safety_source == "profile input").sum()),
                   "note": "BLS injury and fatality rates by occupation (SOII, CFOI) are not bundled"},
        "women_men_pay_ratio": {"employment_covered": cover("women_men_pay_ratio"), "mean": mean("women_men_pay_ratio"),
                                "level": "Census occupation (CPS, national)"},
        "ai_exposure": {"employment_covered": cover("ai_exposure"), "mean": mean("ai_exposure"), "level": "occupation (national)"},
    }


def national_median(con) -> float:
    return con.execute("select a_median from wages where area_code = '0000000' and occ_code = '00-0000'").fetchone()[0]


def quality_report(con, area_code: str, profile: Profile, top: int = 10) -> dict:
    """Employment by tier, the system indicators, and the biggest low-quality occupations of one area."""
    df = quality_table(con, profile, [area_code])
    ind = indicators(con, profile, [area_code]).iloc[0].to_dict()
    tiers_out = ind.pop("employment_by_tier")
    cols = ["occ_code", "occ_title", "employment", "a_median", "a_pct25", "median_living_wage_ratio", "entry_living_wage_ratio", "typical_education"]
    low = df[df.tier == "low"].sort_values(["employment", "occ_code"], ascending=[False, True]).head(top)[cols]
    area = area_record(con, area_code)
    lw = living_wage(con, area_code, profile)
    notes = []
    if area["area_type"] in ("state", "national") and ind["areas_counted"]:
        notes.append(
            f"The shares and the tiers are summed over {ind['computed_from']} (docs/job-quality.md); the occupations "
            f"listed use {area['area_name']}'s own OEWS wages against its job-weighted living wage."
        )
    return {
        "area": area,
        "profile": profile.record(),
        "household": profile.household,
        "living_wage": lw,
        "indicators": plain_record(ind),
        "employment_by_tier": [plain_record(t) for t in tiers_out],
        "largest_low_quality": [plain_record(r) for r in low.to_dict("records")],
        "notes": notes,
        "benefits_measured": bool(df.benefits.notna().any()),
        "safety_measured": bool(df.safety.notna().any()),
        "dimensions": _dimension_coverage(df, profile),
        "data": releases(con),
    }


def all_indicators(con, profile: Profile) -> list[dict]:
    """The system indicators of every area, comparable across areas, by area code."""
    ind = indicators(con, profile).drop(columns="employment_by_tier")
    areas = pd.DataFrame(records(con, "select area_code, area_name, area_type, state_abbr, price_parity, total_employment from areas"))
    out = areas.merge(ind, on="area_code", how="left")
    return [plain_record(r) for r in out.sort_values("area_code").to_dict("records")]


def system_indicators(con, profile: Profile, area_type: str | None = None) -> dict:
    """`upward indicators` and GET /indicators: every area's system indicators, or one type's
    (`area_type` as typed, any case), with the profile and household they were measured with."""
    from upward.analysis.regions import area_type_of

    area_type = area_type_of(area_type)
    return of_type({"profile": profile.record(), "household": profile.household, "areas": all_indicators(con, profile)}, area_type)


def of_type(answer: dict, area_type: str | None) -> dict:
    """A `system_indicators` answer narrowed to the areas of one type (None: every area). The API
    narrows the every-area answer it already holds, so computing them once serves every type."""
    if area_type is None:
        return answer
    return {**answer, "areas": [a for a in answer["areas"] if a["area_type"] == area_type]}
