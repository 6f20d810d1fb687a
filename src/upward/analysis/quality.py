"""Job quality per occupation × area, as separate dimensions, and the region's system indicators.

Dimensions are never folded into one number: pay adequacy, advancement, demand and stability,
benefits and safety each stand on their own, with the raw values behind them. The tier (quality,
near-quality, low) follows from pay adequacy alone, by the profile's ratios, because pay is the
one dimension measured for every occupation and area.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from upward.analysis._rows import atlas_id, area_record, plain_record, records, releases
from upward.analysis.measures import area_measures
from upward.profiles import Profile

TIERS = ("quality", "near-quality", "low", "unknown")


def tiers(df: pd.DataFrame, profile: Profile) -> pd.Series:
    q = profile.get("quality.quality_p25_ratio")
    nq = profile.get("quality.near_quality_median_ratio")
    near = df.median_living_wage_ratio >= nq
    # quality also meets the near-quality condition, so the tiers nest whatever the two ratios
    tier = np.select(
        [(df.entry_living_wage_ratio >= q) & near, near, df.median_living_wage_ratio.notna()],
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


def _attach_pluggable(con, df: pd.DataFrame, profile: Profile) -> None:
    for key in ("benefits", "safety"):
        data = pluggable(profile, key)
        if data is None:
            df[key] = np.nan
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
        df[key] = merged["value"].to_numpy()


def vintage_note(profile: Profile) -> str | None:
    """Said wherever living-wage shares are shown, until the profile adjusts MIT's 2021 values."""
    if profile.get("living_wage.price_adjustment") != 1.0:
        return None
    # said to a board as much as to an analyst: the setting's name is in the report's Method section and docs/job-quality.md
    return (
        "MIT's living wages are 2021 values while the wages are from May 2025, and they are not raised here for the "
        "price increases since, so the share of jobs paying a living wage is overstated."
    )


_TABLES: dict[tuple, pd.DataFrame] = {}
_TABLES_KEPT = 64


def quality_table(con, profile: Profile, area_codes: list[str] | None = None) -> pd.DataFrame:
    """Every measure and the tier of each occupation in the areas. A few areas' tables are kept
    per atlas and profile (the job list, pathways, skills and programs of a region all start here),
    and each caller gets its own copy."""
    key = None
    if area_codes is not None and len(area_codes) <= 8:
        atlas = atlas_id(con)
        key = (atlas, profile.hash, tuple(area_codes))
        if key in _TABLES:
            return _TABLES[key].copy()
    df = area_measures(con, profile, area_codes)
    df["tier"] = tiers(df, profile)
    _attach_pluggable(con, df, profile)
    if key is not None:
        if len(_TABLES) >= _TABLES_KEPT:
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[key] = df.copy()
    return df


def system_indicators(df: pd.DataFrame, national_median: float, profile: Profile) -> pd.DataFrame:
    """Per area: shares of employment paying a living wage, and in opportunity occupations.

    Shares are of the employment in detailed occupations with a published median wage (BLS
    withholds some cells); `wage_coverage` says how much of the area's published detailed
    employment that is.
    """
    ratio = profile.get("opportunity.national_median_ratio")
    d = df.assign(
        known=df.a_median.notna(),
        lw_median=df.median_living_wage_ratio >= 1,
        lw_p25=df.entry_living_wage_ratio >= 1,
        opportunity=df.accessible & (df.a_median >= national_median * ratio * df.price_parity / 100),
    )
    out = []
    for area, g in d.groupby("area_code", sort=True):
        known = g[g.known]
        emp = known.employment.sum()
        has_lw = g.living_wage.notna().any()
        has_rpp = g.price_parity.notna().any()
        out.append(
            {
                "area_code": area,
                "living_wage_median_share": known.employment[known.lw_median].sum() / emp if has_lw and emp else None,
                "living_wage_p25_share": known.employment[known.lw_p25].sum() / emp if has_lw and emp else None,
                "opportunity_share": known.employment[known.opportunity].sum() / emp if has_rpp and emp else None,
                "opportunity_wage_bar": national_median * ratio * g.price_parity.iloc[0] / 100 if has_rpp else None,
                "living_wage": g.living_wage.iloc[0] if has_lw else None,
                "living_wage_source": g.living_wage_source.iloc[0] if has_lw else None,
                "wage_coverage": emp / g.employment.sum() if g.employment.sum() else None,
            }
        )
    return pd.DataFrame(out)


def national_median(con) -> float:
    return con.execute("select a_median from wages where area_code = '0000000' and occ_code = '00-0000'").fetchone()[0]


def quality_report(con, area_code: str, profile: Profile, top: int = 10) -> dict:
    """Employment by tier, the system indicators, and the biggest low-quality occupations of one area."""
    df = quality_table(con, profile, [area_code])
    indicators = system_indicators(df, national_median(con), profile).iloc[0].to_dict()
    by_tier = df.groupby("tier").employment.sum()
    total = df.employment.sum()
    tiers_out = [{"tier": t, "employment": float(by_tier.get(t, 0)), "share": float(by_tier.get(t, 0) / total) if total else None} for t in TIERS]
    cols = ["occ_code", "occ_title", "employment", "a_median", "a_pct25", "median_living_wage_ratio", "entry_living_wage_ratio", "typical_education"]
    low = df[df.tier == "low"].sort_values(["employment", "occ_code"], ascending=[False, True]).head(top)[cols]
    return {
        "area": area_record(con, area_code),
        "profile": profile.record(),
        "household": profile.household,
        "indicators": plain_record(indicators),
        "employment_by_tier": tiers_out,
        "largest_low_quality": [plain_record(r) for r in low.to_dict("records")],
        "notes": [n for n in (vintage_note(profile),) if n],
        "benefits_measured": bool(df.benefits.notna().any()),
        "safety_measured": bool(df.safety.notna().any()),
        "data": releases(con),
    }


def all_indicators(con, profile: Profile, area_type: str | None = None) -> list[dict]:
    """The system indicators of every area (or every area of one type), comparable across areas."""
    df = quality_table(con, profile)
    ind = system_indicators(df, national_median(con), profile)
    areas = pd.DataFrame(records(con, "select area_code, area_name, area_type, state_abbr, price_parity, total_employment from areas"))
    out = areas.merge(ind, on="area_code", how="left")
    if area_type:
        out = out[out.area_type == area_type]
    return [plain_record(r) for r in out.sort_values("area_code").to_dict("records")]
