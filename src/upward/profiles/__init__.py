"""Profiles: the thresholds and weights a region chooses, in TOML, checked before anything runs.

The shipped `default.toml` documents the reason for every default. A profile may set only some
keys: the rest come from the default, so a region writes down just what it decides differently.
Every result records the profile's name and a hash of its full, merged content.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from upward.errors import UpwardError

DEFAULT_FILE = Path(__file__).resolve().parent / "default.toml"

HOUSEHOLDS = (
    "1A0C", "1A1C", "1A2C", "1A3C",
    "2A1W0C", "2A1W1C", "2A1W2C", "2A1W3C",
    "2A2W0C", "2A2W1C", "2A2W2C", "2A2W3C",
)
EDUCATION_LEVELS = (
    "No formal educational credential",
    "High school diploma or equivalent",
    "Some college, no degree",
    "Postsecondary nondegree award",
    "Associate's degree",
    "Bachelor's degree",
    "Master's degree",
    "Doctoral or professional degree",
)
PILLARS = {
    "employers": ("openings", "growth", "wage_growth", "share_55_over", "separations"),
    "workers": ("median_living_wage_ratio", "entry_living_wage_ratio", "upward_moves", "wage_ladder", "preparation_years", "ai_exposure"),
    "equity": ("women_men_pay_ratio", "integration"),
    "strategy": ("skill_centrality", "industry_breadth", "geographic_dispersion", "location_quotient"),
}
SIMILARITY_FACETS = (
    "skills", "knowledge", "abilities", "work_activities", "detailed_work_activities", "technology", "industries",
)
CALIBRATION_GROUPS = ("broad", "minor")
PATHWAY_RANKINGS = ("balanced", "fastest", "gain", "common")
EVIDENCE_LEVELS = ("commonly_observed", "sometimes_observed", "same_cps_group", "not_in_cps", "rarely_or_never_observed")
#: The NCS access rates an occupation's benefits figure can combine (analysis/dimensions.py).
BENEFIT_COMPONENTS = ("medical_by_group", "sick_leave_by_industry", "retirement_by_wage", "medical_by_wage", "sick_leave_by_wage")


class ProfileError(UpwardError):
    def __init__(self, source: str, key: str, problem: str, allowed: str):
        super().__init__(f"Profile {source}: key '{key}' {problem}.", hint=f"Allowed: {allowed}.")
        self.key = key


@dataclass(frozen=True)
class Profile:
    name: str
    source: str
    data: dict

    @property
    def hash(self) -> str:
        """Of the settings and of the content of any input file, so new data gives a new hash."""
        h = hashlib.sha256(json.dumps(self.data, sort_keys=True).encode())
        for key in ("benefits", "safety"):
            path = self.data["inputs"][key]
            if path:
                h.update(Path(path).read_bytes())
        return h.hexdigest()[:12]

    def get(self, dotted: str) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            node = node[part]
        return node

    @property
    def household(self) -> str:
        return self.data["living_wage"]["household"]

    def record(self) -> dict:
        """What every result carries so it can be reproduced."""
        return {"name": self.name, "hash": self.hash, "source": self.source}


def _merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for k, v in override.items():
        out[k] = _merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UpwardError(f"Profile file not found: {path}", hint="Pass an existing TOML file to --profile.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UpwardError(f"Profile {path} is not valid TOML: {exc}", hint="Start from a copy of the default profile: upward profile show > my.toml") from exc


def load(path: Path | str | None = None) -> Profile:
    """The default profile, or the file's keys merged over it, validated."""
    default = _read(DEFAULT_FILE)
    if path is None:
        data, source = default, "default"
    else:
        path = Path(path)
        own = _read(path)
        _check_known_keys(own, default, str(path), "")
        for key, value in own.get("inputs", {}).items():
            # an input file named in a profile is found next to the profile, wherever one runs from
            if isinstance(value, str) and value and not Path(value).is_absolute():
                own["inputs"][key] = str((path.parent / value).resolve())
        data, source = _merge(default, own), str(path)
    validate(data, source)
    return Profile(name=str(data["name"]), source=source, data=data)


def _check_known_keys(own: dict, default: dict, source: str, prefix: str) -> None:
    for key, value in own.items():
        dotted = f"{prefix}{key}"
        if key not in default:
            raise ProfileError(source, dotted, "is not a profile setting", ", ".join(sorted(f"{prefix}{k}" for k in default)))
        if isinstance(default[key], dict) and key != "weights":
            if not isinstance(value, dict):
                raise ProfileError(source, dotted, "must be a table", f"a [{dotted}] table")
            _check_known_keys(value, default[key], source, dotted + ".")


def _node(data: dict, dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        node = node[part]
    return node


def _number(data: dict, dotted: str, source: str, lo: float, hi: float) -> float:
    node = _node(data, dotted)
    if isinstance(node, bool) or not isinstance(node, (int, float)) or not math.isfinite(node) or not lo <= node <= hi:
        raise ProfileError(source, dotted, f"is {node!r}", f"a number from {lo:g} to {hi:g}")
    return float(node)


def _whole(data: dict, dotted: str, source: str, lo: int, hi: int | None = None, allowed: str | None = None) -> int:
    """A whole number (never a boolean: TOML's `true` is not a count) from lo to hi."""
    node = _node(data, dotted)
    if isinstance(node, bool) or not isinstance(node, int) or node < lo or (hi is not None and node > hi):
        raise ProfileError(source, dotted, f"is {node!r}", allowed or f"a whole number from {lo} to {hi:,}")
    return node


def _boolean(data: dict, dotted: str, source: str) -> bool:
    node = _node(data, dotted)
    if not isinstance(node, bool):
        raise ProfileError(source, dotted, f"is {node!r}", "true or false")
    return node


def _weights(data: dict, dotted: str, names: tuple[str, ...], source: str) -> None:
    node = _node(data, dotted)
    if not isinstance(node, dict) or set(node) != set(names):
        got = sorted(node) if isinstance(node, dict) else node
        raise ProfileError(source, dotted, f"has {got}", f"exactly the weights {', '.join(names)}")
    for n in names:
        w = node[n]
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w < 0:
            raise ProfileError(source, f"{dotted}.{n}", f"is {w!r}", "a finite, non-negative number")
    if sum(node.values()) <= 0:
        raise ProfileError(source, dotted, "sums to 0", "weights with a positive sum")


def validate(data: dict, source: str) -> None:
    """Fail on the first bad key, naming it and what is allowed."""
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise ProfileError(source, "name", "is missing or empty", "a short name for the profile")
    hh = data["living_wage"]["household"]
    if hh not in HOUSEHOLDS:
        raise ProfileError(source, "living_wage.household", f"is {hh!r}", ", ".join(HOUSEHOLDS))
    _boolean(data, "living_wage.cpi_adjustment", source)
    _whole(data, "scoring.min_employment", source, 0, allowed="a whole number of jobs, 0 or more")
    _number(data, "quality.quality_p25_ratio", source, 0, 10)
    _number(data, "quality.near_quality_median_ratio", source, 0, 10)
    _number(data, "quality.min_benefits", source, 0, 1)
    _number(data, "quality.min_safety", source, 0, 1)
    _weights(data, "benefits.weights", BENEFIT_COMPONENTS, source)
    acc = data["education"]["accessible"]
    if not isinstance(acc, list) or not all(a in EDUCATION_LEVELS for a in acc):
        bad = [a for a in acc if a not in EDUCATION_LEVELS] if isinstance(acc, list) else acc
        raise ProfileError(source, "education.accessible", f"has {bad!r}", "; ".join(EDUCATION_LEVELS))
    _number(data, "opportunity.national_median_ratio", source, 0, 10)
    _weights(data, "similarity.weights", SIMILARITY_FACETS, source)
    group = data["similarity"]["calibration_group"]
    if group not in CALIBRATION_GROUPS:
        raise ProfileError(source, "similarity.calibration_group", f"is {group!r}", ", ".join(CALIBRATION_GROUPS))
    _number(data, "similarity.viable_sd", source, 0, 5)
    for key in ("max_job_zone_step", "max_steps", "top", "max_per_target"):
        _whole(data, f"pathways.{key}", source, 0 if key == "max_job_zone_step" else 1, 10)
    _whole(data, "pathways.origins", source, 1, 30)
    _number(data, "pathways.max_study_years", source, 0, 12)
    _number(data, "pathways.experience_overlap", source, 0, 1)
    _number(data, "pathways.min_step_wage_ratio", source, 0, 2)
    _number(data, "pathways.min_wage_gain", source, 0, 5)
    _number(data, "pathways.min_step_years", source, 0, 10)
    if data["pathways"]["rank"] not in PATHWAY_RANKINGS:
        raise ProfileError(source, "pathways.rank", f"is {data['pathways']['rank']!r}", ", ".join(PATHWAY_RANKINGS))
    _number(data, "pathways.evidence.common", source, 0, 1)
    _number(data, "pathways.evidence.sometimes", source, 0, data["pathways"]["evidence"]["common"])
    _weights(data, "pathways.evidence_weight", EVIDENCE_LEVELS, source)
    for key in ("employment", "job_zone_up"):
        _number(data, f"pathways.prior.{key}", source, 0, 100)
    _number(data, "jtm.min_median_living_wage_ratio", source, 0, 10)
    _weights(data, "jtm.weights", tuple(PILLARS), source)
    bars = data["jtm"]["bars"]
    if not isinstance(bars, dict) or set(bars) != set(PILLARS):
        raise ProfileError(source, "jtm.bars", f"has {sorted(bars) if isinstance(bars, dict) else bars!r}", f"exactly the bars {', '.join(PILLARS)}")
    for pillar in PILLARS:
        _number(data, f"jtm.bars.{pillar}", source, 0, 100)
    _number(data, "jtm.missing_percentile", source, 0, 100)
    _number(data, "jtm.max_rse", source, 0, 100)
    for key in ("allow_unreliable", "include_ladder"):
        _boolean(data, f"jtm.{key}", source)
    for pillar, measures in PILLARS.items():
        table = data["jtm"][pillar]
        if set(table) != set(measures):
            raise ProfileError(source, f"jtm.{pillar}", f"has {sorted(table)}", f"exactly the weights {', '.join(measures)}")
        _weights(data, f"jtm.{pillar}", measures, source)
    _number(data, "programs.under_supply_ratio", source, 0, 100)
    _number(data, "programs.over_supply_ratio", source, 0, 100)
    _number(data, "programs.gap_ratio", source, 0, 100)
    _number(data, "programs.low_quality_share", source, 0, 1)
    trained = data["programs"]["training_route_occupations"]
    if not isinstance(trained, list) or not all(isinstance(c, str) and re.fullmatch(r"\d{2}-\d{4}", c) for c in trained):
        raise ProfileError(source, "programs.training_route_occupations", f"is {trained!r}", 'a list of SOC codes such as ["33-3051"]')
    _whole(data, "programs.duplicate_min_providers", source, 2, allowed="a whole number of providers, 2 or more")
    _number(data, "benchmarks.essential_importance", source, 1, 5)
    bd, rated = data["benchmarks"]["domains"], ("skills", "knowledge", "abilities", "work_activities")  # O*NET domains with level anchors
    if not isinstance(bd, list) or not bd or len(set(bd)) != len(bd) or not all(d in rated for d in bd):
        raise ProfileError(source, "benchmarks.domains", f"is {bd!r}", "a non-empty list of distinct domains from " + ", ".join(rated))
    _boolean(data, "benchmarks.onet_counts_as_voice", source)
    _whole(data, "outcomes.min_cell", source, 1, allowed="a whole number of people, 1 or more")
    _number(data, "outcomes.mobility_percentile", source, 1, 99)
    _number(data, "outcomes.earnings_gain", source, 0, 10)
    _number(data, "outcomes.credit_threshold", source, 0, 200)
    _number(data, "outcomes.mer_interest_rate", source, 0, 0.5)
    for key in ("max_rows", "max_cells", "max_unpacked_mb"):
        _whole(data, f"limits.{key}", source, 1, 10**9)
    for key in ("benefits", "safety"):
        value = data["inputs"][key]
        if not isinstance(value, str):
            raise ProfileError(source, f"inputs.{key}", f"is {value!r}", "a CSV path, or \"\" for not measured")
        if value and not Path(value).is_file():
            raise ProfileError(source, f"inputs.{key}", f"points to {value!r}, which does not exist", "an existing CSV file, or \"\"")
