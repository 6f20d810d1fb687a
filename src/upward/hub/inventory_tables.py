"""A checked inventory as the hub's typed tables: providers, programs, completions, outcomes.

Built only from a file with no problem (`upward.hub.validate.check`), from the values the checks
parsed: every code is known, every number in range, so nothing here can fail on a row. Each
table row keeps its `file_row`, so the hub can say where a stored value came from.
"""

from __future__ import annotations

import pandas as pd

from upward import codes as code_rules
from upward.hub import coded_titles
from upward.hub.inventory_cells import apply, split_items
from upward.hub.inventory_checks import Cells
from upward.hub.inventory_codes import AtlasCodes, Targets


def _optional(series: pd.Series) -> pd.Series:
    """An object column with None for a blank (the hub stores NULL, never pandas' NA)."""
    return series.astype(object).where(series.notna(), None)


def _distinct_lists(series: pd.Series) -> pd.Series:
    """Each list without repeats, in the order given; an empty list as None."""
    return apply(series, lambda v: list(dict.fromkeys(v)) or None)


def providers(cells: Cells, fips: pd.Series, codes: AtlasCodes) -> pd.DataFrame:
    """One row per provider (its first row in the file), placed in its county's OEWS area."""
    rows, prov = cells.rows, cells.text["provider_id"]
    county = codes.counties.loc[fips.to_numpy()]
    first = ~prov.duplicated(keep="first")
    provider_type = cells.text["provider_type"].groupby(prov.to_numpy()).transform("first")
    return pd.DataFrame(
        {
            "provider_id": prov.astype(object),
            "name": cells.text["provider_name"].astype(object),
            "type": _optional(provider_type),
            "county_fips": fips.astype(object),
            "county_name": county["county_name"].to_numpy(),
            "state_abbr": county["state_abbr"].to_numpy(),
            "area_code": county["area_code"].to_numpy(),
            "area_name": county["area_name"].to_numpy(),
            "file_row": pd.Series(rows, index=rows),
        },
        index=rows,
    )[first.to_numpy()].reset_index(drop=True)


def programs(cells: Cells, codes: AtlasCodes, *, cip: pd.Series, award: pd.Series, nums: dict[str, pd.Series],
             modality: pd.Series, listed: dict[str, pd.Series], targets: Targets, as_of: pd.Series) -> pd.DataFrame:  # fmt: skip
    """One row per program, with its target occupations: the codes given and the confidently coded titles."""
    rows, text = cells.rows, cells.text

    def target_occupations(r):
        given = [codes.soc_to_occ[code_rules.parse_soc(s).key] for s in (targets.items[r] or []) if not coded_titles.is_title(s)]
        return list(dict.fromkeys(given + targets.title_occupations.get(r, []))) or None

    return pd.DataFrame(
        {
            "program_id": text["program_id"].astype(object),
            "provider_id": text["provider_id"].astype(object),
            "name": text["program_name"].astype(object),
            "cip_code": cip,
            "award_level": award,
            "credential": _optional(text["credential"]),
            "hours": _optional(nums["hours"]),
            "weeks": _optional(nums["weeks"]),
            "cost": _optional(nums["cost"]),
            "modality": _optional(modality),
            "schedule": _optional(text["schedule"]),
            "target_socs": pd.Series([target_occupations(r) for r in rows], index=rows, dtype=object),
            "populations_served": _distinct_lists(listed["populations_served"]),
            "supports": _distinct_lists(listed["supports"]),
            "employer_partners": _distinct_lists(apply(text["employer_partners"], split_items)),
            "source": _optional(text["source"]),
            "as_of": apply(as_of, lambda t: t.date()),
            "file_row": pd.Series(rows, index=rows),
        },
        index=rows,
    ).reset_index(drop=True)


def completions(cells: Cells, nums: dict[str, pd.Series]) -> pd.DataFrame:
    """One row per program that states its completions, with the year they were counted."""
    has = nums["completions"].notna()
    return pd.DataFrame(
        {
            "program_id": cells.text["program_id"][has].astype(object),
            "year": nums["completions_year"][has].astype("int64"),
            "completions": nums["completions"][has].astype("int64"),
        }
    ).reset_index(drop=True)


def outcomes(cells: Cells, nums: dict[str, pd.Series]) -> pd.DataFrame:
    """One row per program and stated outcome (employment rate, median earnings), with its horizon.

    'Q2' is stored as 'q2', the public seed's spelling of a quarter after exit, so the two compare;
    other horizons stay as written.
    """
    pid = cells.text["program_id"]
    employment_horizon = cells.text["employment_rate_horizon"].str.replace(r"^[Qq](\d+)$", r"q\1", regex=True)
    parts = []
    for measure, horizon in (("employment_rate", employment_horizon), ("median_earnings", cells.text["earnings_horizon"])):
        has = nums[measure].notna()
        parts.append(
            pd.DataFrame(
                {
                    "program_id": pid[has].astype(object),
                    "measure": measure,
                    "value": nums[measure][has].astype("float64"),
                    "horizon": _optional(horizon[has]),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)
