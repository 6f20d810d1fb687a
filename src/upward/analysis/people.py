"""Who lives in a region, which needs their numbers signal, and which programs say they meet them.

The counts are ACS 2018–2022 five-year estimates as CDC/ATSDR's Social Vulnerability Index 2022
publishes them per county, summed over the area's counties in the atlas (`area_population`, whose
docstring gives the margin-of-error formulas). Each measure is tied to the unmet need it signals
(`NEEDS`) and to the programs in the area's inventory that answer it: by what a program's
import says it serves (`populations_served`) or provides (`supports`, `modality`), or by the
CIP series that *is* the service (adult basic education, English as a second language). The
vocabulary is the programme import's (`upward.hub.template`). docs/people.md has the method.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from upward.atlas.lookup import area_record
from upward.atlas.provenance import releases
from upward.atlas.query import plain, records
from upward.sources.svi import MEASURES


@dataclass(frozen=True)
class Need:
    """The unmet need a measure signals, and how a program shows it answers it."""

    need: str
    populations: tuple[str, ...] = ()
    supports: tuple[str, ...] = ()
    cip_codes: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()


#: Basic education: adult basic and remedial education, high-school equivalency (CIP 2020 titles).
BASIC_EDUCATION_CIPS = ("32.0101", "32.0104", "32.0108", "32.0199", "32.0202", "53.0105", "53.0201")

NEEDS: dict[str, Need] = {
    "no_hs_diploma": Need("basic education (adult education, high-school equivalency)", cip_codes=BASIC_EDUCATION_CIPS),
    "limited_english": Need("English as a second language", ("english_learners",), ("language_support",), ("32.0109",)),
    "below_150_poverty": Need("support services (income, childcare, transport while training)", ("low_income", "public_assistance"), ("childcare", "transit")),
    "uninsured": Need("support services (health coverage while training)", ("low_income", "public_assistance")),
    "disability": Need("disability services and accessible training", ("people_with_disabilities",), ("disability_services",)),
    "unemployed": Need("re-employment services and training", ("dislocated_workers", "long_term_unemployed")),
    "age_65_over": Need("services for older workers", ("older_workers",)),
    "no_vehicle": Need("transportation (transit support or training reachable without a car)", supports=("transit",), modalities=("online", "hybrid")),
    "no_broadband": Need("digital access (training reachable without home internet; basic computer skills)", cip_codes=("32.0110",), modalities=("in_person", "hybrid")),
    "single_parent": Need("childcare and flexible schedules", ("single_parents",), ("childcare", "evening", "flexible_hours", "weekend")),
}
#: Measures that describe who lives here without signalling a need of their own (the equity context).
CONTEXT = ("minority", "black", "hispanic", "asian", "american_indian", "pacific_islander", "two_or_more_races", "other_race")

NOT_COVERED = (
    "CDC/ATSDR SVI covers the 50 states and the District of Columbia; it has no county of this area "
    "(Puerto Rico and the territories are not in the file), so its people cannot be described here."
)
CONNECTICUT = (
    "Connecticut is counted by its nine planning regions, the county-equivalents both SVI 2022 and OEWS use "
    "(the eight legacy counties no longer exist in either)."
)


def _peer_codes(con, area: dict) -> tuple[str | None, str]:
    state = None
    if area["area_type"] in ("metro", "nonmetro"):
        row = con.execute(
            "select area_code from areas where area_type = 'state' and state_code = (select state_code from areas where area_code = ?)",
            [area["area_code"]],
        ).fetchone()
        state = row[0] if row else None
    return state, "0000000"


def _shares(con, code: str | None) -> dict[str, dict]:
    if code is None:
        return {}
    return {r["measure"]: r for r in records(con, "select * from area_population where area_code = ?", [code])}


def _programs(con, area_code: str, hub) -> pd.DataFrame:
    from upward.analysis.programs import inventory

    return inventory(con, area_code, hub)


def _as_list(v) -> list[str]:
    """The inventory's '; '-joined populations or supports as a list."""
    if not isinstance(v, str):
        return []
    return [x.strip() for x in v.split(";") if x.strip()]


def _service_fields(inv: pd.DataFrame) -> pd.DataFrame:
    """Each program's CIP, populations, supports and modality, in the shape `_matching` tests (read once)."""
    def listed(col):
        return inv[col].map(_as_list) if col in inv else pd.Series([[]] * len(inv), index=inv.index, dtype=object)

    return pd.DataFrame({
        "cip_code": inv.cip_code, "populations": listed("populations_served"), "supports": listed("supports"),
        "modality": inv["modality"].astype("string") if "modality" in inv else pd.Series(pd.NA, index=inv.index, dtype="string"),
    })


def _matching(inv: pd.DataFrame, fields: pd.DataFrame, need: Need) -> pd.DataFrame:
    if inv.empty:
        return inv
    hit = fields.cip_code.isin(need.cip_codes) | fields.modality.isin(need.modalities).fillna(False).astype(bool)
    served = fields.populations.str.len().gt(0) | fields.supports.str.len().gt(0)  # the few programs that say whom they serve
    if served.any():
        pops, sups = set(need.populations), set(need.supports)
        said = [bool(pops & set(p)) or bool(sups & set(s)) for p, s in zip(fields.populations[served], fields.supports[served])]
        hit = hit | pd.Series(said, index=fields.index[served]).reindex(fields.index, fill_value=False)
    return inv[hit]


def people(con, area_code: str, hub=None) -> dict:
    """Every measure for the area with its MOE, share and share MOE, the state's and the nation's
    shares beside it, the need it signals and the programs in the area that answer it."""
    area = area_record(con, area_code)
    rows = _shares(con, area_code)
    notes: list[str] = []
    state_code, nation = _peer_codes(con, area)
    if area["state_abbr"] == "CT":
        notes.append(CONNECTICUT)
    result = {"area": area, "available": bool(rows), "measures": [], "context": [], "notes": notes, "data": releases(con)}
    if not rows:
        notes.insert(0, NOT_COVERED)
        return result
    state, national = _shares(con, state_code), _shares(con, nation if area_code != nation else None)
    inv = _programs(con, area_code, hub)
    fields = _service_fields(inv)
    total = rows["total_population"]
    result.update(
        total_population=plain(total["estimate"]), total_population_moe=plain(total["moe"]),
        households=plain(rows["households"]["estimate"]), households_moe=plain(rows["households"]["moe"]),
        counties=total["counties"], state_area_code=state_code,
        programs_in_inventory=int(len(inv)),
        programs_with_populations_or_supports=int(_has_service_fields(inv).sum()),
    )
    if total["area_counties"] and total["counties"] < total["area_counties"]:
        notes.append(f"SVI has {total['counties']} of the area's {total['area_counties']} counties; the figures cover those.")
    for name, (code, what, universe) in MEASURES.items():
        r = rows[name]
        item = {
            "measure": name,
            "svi_field": f"E_{code}",
            "what": what,
            "universe": universe,
            "estimate": plain(r["estimate"]),
            "moe": plain(r["moe"]),
            "share": plain(r["share"]),
            "share_moe": plain(r["share_moe"]),
            "universe_estimate": plain(r["universe"]),
            "universe_source": r["universe_source"],
            "universe_imputed_counties": r["universe_imputed_counties"],
            "state_share": plain(state.get(name, {}).get("share")) if state else None,
            "national_share": plain(national.get(name, {}).get("share")) if national else (plain(r["share"]) if area_code == nation else None),
        }
        if name in CONTEXT:
            result["context"].append(item)
            continue
        need = NEEDS[name]
        hits = _matching(inv, fields, need)
        item.update(
            need=need.need,
            populations_served=list(need.populations), supports=list(need.supports),
            cip_codes=list(need.cip_codes), modalities=list(need.modalities),
            programs=int(len(hits)),
            program_examples=[
                {"program_id": p.program_id, "program_name": plain(p.program_name), "provider_name": plain(p.provider_name)}
                for p in hits.sort_values(["completions", "program_id"], ascending=[False, True], na_position="last").head(5).itertuples()
            ],
        )
        result["measures"].append(item)
    if not result["programs_with_populations_or_supports"]:
        notes.append(
            "No program in this area's inventory records the populations it serves or the supports it offers (the programme "
            "import's populations_served, supports and modality columns): programs are matched to needs by CIP alone "
            "(adult basic education, English as a second language, basic computer skills)."
        )
    notes.append(
        "ACS 2018–2022 five-year estimates (CDC/ATSDR SVI 2022), summed over the area's counties. MOEs are at 90% confidence: "
        "a sum's MOE is √ΣMOE² (only the largest MOE of the counties estimating zero), a share's is √(MOE² − p²·MOE_universe²) "
        "÷ universe (Census ACS handbook, ch. 8)."
    )
    notes.append(
        "SVI does not publish the universe of some shares (adults 25+, people 5+, the poverty universe, the civilian "
        "noninstitutionalized population, the labor force): each county's is recovered from SVI's percentage (or, where that "
        "percentage is under 1.0, estimated from its population), which carries no MOE, so those shares' MOEs treat it as "
        "exact (a wider, conservative margin)."
    )
    return result


def _has_service_fields(inv: pd.DataFrame) -> pd.Series:
    if inv.empty:
        return pd.Series([], dtype=bool)
    cols = [c for c in ("populations_served", "supports", "modality") if c in inv]
    if not cols:
        return pd.Series(False, index=inv.index)
    has = pd.Series(False, index=inv.index)
    for c in cols:
        has |= inv[c].map(lambda v: isinstance(v, str) and bool(v.strip()))
    return has


#: The measures the region summary shows (the rest are in `upward people`).
SUMMARY = ("no_hs_diploma", "limited_english", "below_150_poverty", "uninsured", "disability", "unemployed", "no_vehicle", "no_broadband")


def people_summary(con, area_code: str) -> dict:
    """The short version for `upward region`: population, households and the headline shares, with
    the state's and the nation's shares (no programs; `upward people` has those)."""
    area = area_record(con, area_code)
    rows = _shares(con, area_code)
    if not rows:
        return {"available": False, "note": NOT_COVERED}
    state_code, nation = _peer_codes(con, area)
    state, national = _shares(con, state_code), _shares(con, nation)
    return {
        "available": True,
        "total_population": plain(rows["total_population"]["estimate"]),
        "total_population_moe": plain(rows["total_population"]["moe"]),
        "households": plain(rows["households"]["estimate"]),
        "measures": [
            {
                "measure": m, "what": MEASURES[m][1], "estimate": plain(rows[m]["estimate"]), "moe": plain(rows[m]["moe"]),
                "share": plain(rows[m]["share"]), "share_moe": plain(rows[m]["share_moe"]),
                "state_share": plain(state[m]["share"]) if state else None, "national_share": plain(national[m]["share"]),
                "need": NEEDS[m].need,
            }
            for m in SUMMARY
        ],
        "source": "ACS 2018–2022 5-year estimates via CDC/ATSDR SVI 2022; full table with MOEs: upward people --region " + area_code,
        **({"note": CONNECTICUT} if area["state_abbr"] == "CT" else {}),
    }
