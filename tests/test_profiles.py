"""Profiles: the shipped default, partial profiles merged over it, and every way a profile can be wrong."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import tomllib

import pytest

from upward import profiles
from upward.errors import UpwardError
from upward.profiles import EDUCATION_LEVELS, HOUSEHOLDS, PILLARS, ProfileError


def write(tmp_path, text: str, name: str = "profile.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def default_data() -> dict:
    return tomllib.loads(profiles.DEFAULT_FILE.read_text(encoding="utf-8"))


# --- the default -------------------------------------------------------------------------------


def test_default_profile_loads_with_documented_values():
    p = profiles.load()
    assert p.name == "default" and p.source == "default"
    assert p.data == default_data()
    assert p.household == "2A2W2C"
    assert p.get("scoring.min_employment") == 100
    assert p.get("jtm.bars") == {"employers": 50, "workers": 50, "equity": 0, "strategy": 33}
    assert p.get("jtm.missing_percentile") == 50 and p.get("jtm.max_rse") == 30 and p.get("jtm.include_ladder") is False
    assert p.get("jtm.min_median_living_wage_ratio") == 1.0
    assert p.get("quality.quality_p25_ratio") == 1.0 and p.get("quality.near_quality_median_ratio") == 1.0
    assert p.get("opportunity.national_median_ratio") == 1.0
    assert p.get("similarity.calibration_group") == "broad" and p.get("similarity.viable_sd") == 1.0
    assert sum(p.get("similarity.weights").values()) == pytest.approx(1.0)
    assert p.get("pathways.max_steps") == 3 and p.get("pathways.min_step_wage_ratio") == 0.95
    # no bachelor's degree or above is "accessible"
    assert p.get("education.accessible") == list(EDUCATION_LEVELS[:5])
    assert p.get("inputs.benefits") == "" and p.get("inputs.safety") == ""
    # each pillar's measure weights (and the pillar weights) are named exactly and sum to 1
    assert set(p.get("jtm.weights")) == set(PILLARS)
    assert sum(p.get("jtm.weights").values()) == pytest.approx(1.0)
    for pillar, measures in PILLARS.items():
        assert set(p.get(f"jtm.{pillar}")) == set(measures)
        assert sum(p.get(f"jtm.{pillar}").values()) == pytest.approx(1.0)
    profiles.validate(copy.deepcopy(p.data), "default")  # the shipped file passes its own checks


def test_default_hash_is_stable_and_covers_content_not_key_order(tmp_path):
    a, b = profiles.load(), profiles.load()
    assert a.hash == b.hash
    assert re.fullmatch(r"[0-9a-f]{12}", a.hash), a.hash  # twelve lowercase hex digits, as the pages and JSON print it
    assert a.hash == hashlib.sha256(json.dumps(default_data(), sort_keys=True).encode()).hexdigest()[:12]
    # The same settings written in another order, as a file, hash the same: the hash is of content.
    data = default_data()
    lines = []
    for section in reversed([k for k, v in data.items() if isinstance(v, dict)]):
        for key, value in reversed(list(data[section].items())):
            if isinstance(value, dict):
                inner = ", ".join(f"{k} = {json.dumps(v)}" for k, v in reversed(list(value.items())))
                lines.append(f"{section}.{key} = {{ {inner} }}")
            else:
                lines.append(f"{section}.{key} = {json.dumps(value)}")
    lines += [f"{k} = {json.dumps(v)}" for k, v in data.items() if not isinstance(v, dict)]
    # top-level scalars must come before tables in TOML: put the dotted keys last
    scalars = [line for line in lines if "." not in line.split("=")[0]]
    dotted = [line for line in lines if line not in scalars]
    same = profiles.load(write(tmp_path, "\n".join(scalars + dotted) + "\n"))
    assert same.data == data
    assert same.hash == a.hash and same.source != a.source


def test_record_gives_name_hash_source(tmp_path):
    p = profiles.load()
    assert p.record() == {"name": "default", "hash": p.hash, "source": "default"}
    path = write(tmp_path, 'name = "houston-board"\n[jtm.bars]\nworkers = 60\n')
    q = profiles.load(path)
    assert q.record() == {"name": "houston-board", "hash": q.hash, "source": str(path)}


def test_different_profiles_have_different_hashes(tmp_path):
    hashes = {
        profiles.load().hash,
        profiles.load(write(tmp_path, '[living_wage]\nhousehold = "1A2C"\n', "a.toml")).hash,
        profiles.load(write(tmp_path, "[jtm.bars]\nworkers = 60\n", "b.toml")).hash,
        profiles.load(write(tmp_path, "[jtm.workers]\nwage_ladder = 0.25\n", "c.toml")).hash,
        profiles.load(write(tmp_path, 'name = "other"\n', "d.toml")).hash,
    }
    assert len(hashes) == 5


# --- partial profiles merge over the default ---------------------------------------------------


def test_partial_profile_merges_over_default(tmp_path):
    path = write(tmp_path, '[living_wage]\nhousehold = "1A2C"\n')
    p = profiles.load(path)
    expected = default_data()
    expected["living_wage"]["household"] = "1A2C"
    assert p.data == expected
    assert p.household == "1A2C"
    assert p.source == str(path)
    assert p.name == "default"  # not set in the file: inherited
    assert p.hash != profiles.load().hash


def test_partial_nested_table_keeps_the_other_keys(tmp_path):
    p = profiles.load(write(tmp_path, "[jtm.workers]\nwage_ladder = 0.4\n\n[jtm.weights]\nworkers = 0.5\n"))
    assert p.get("jtm.workers") == {**default_data()["jtm"]["workers"], "wage_ladder": 0.4}
    assert p.get("jtm.weights") == {**default_data()["jtm"]["weights"], "workers": 0.5}
    assert p.get("jtm.bars") == default_data()["jtm"]["bars"] and p.get("jtm.employers") == default_data()["jtm"]["employers"]


def test_inputs_pointing_at_existing_files_are_accepted(tmp_path):
    csv = tmp_path / "benefits.csv"
    csv.write_text("soc,value\n29-1141,0.5\n")
    p = profiles.load(write(tmp_path, f'[inputs]\nbenefits = "{csv.as_posix()}"\n'))
    assert p.get("inputs.benefits") == csv.as_posix() and p.get("inputs.safety") == ""


# --- invalid profiles --------------------------------------------------------------------------

INVALID = {
    "unknown household": ('[living_wage]\nhousehold = "3A"\n', "living_wage.household", list(HOUSEHOLDS)),
    "unknown top-level key": ('colour = "red"\n', "colour", ["jtm", "living_wage", "scoring", "quality", "inputs", "name"]),
    "unknown nested key": (
        "[jtm.workers]\nfoo = 1\n",
        "jtm.workers.foo",
        ["jtm.workers.median_living_wage_ratio", "jtm.workers.entry_living_wage_ratio", "jtm.workers.wage_ladder"],
    ),
    "unknown section key": ("[scoring]\nminimum = 5\n", "scoring.minimum", ["scoring.min_employment"]),
    "table given as a value": ('living_wage = "2A2W2C"\n', "living_wage", ["[living_wage] table"]),
    "unknown pillar weight": ("[jtm.weights]\nfoo = 1\n", "jtm.weights", ["employers", "workers", "equity", "strategy"]),
    "negative measure weight": ("[jtm.employers]\ngrowth = -0.1\n", "jtm.employers.growth", ["a finite, non-negative number"]),
    "negative pillar weight": ("[jtm.weights]\nstrategy = -1\n", "jtm.weights.strategy", ["a finite, non-negative number"]),
    "weights summing to 0": (
        "[similarity.weights]\nskills = 0\nknowledge = 0\nabilities = 0\nwork_activities = 0\n"
        "detailed_work_activities = 0\ntechnology = 0\nindustries = 0\n",
        "similarity.weights",
        ["positive sum"],
    ),
    "bar above 100": ("[jtm.bars]\nworkers = 120\n", "jtm.bars.workers", ["a number from 0 to 100"]),
    "bar below 0": ("[jtm.bars]\nequity = -5\n", "jtm.bars.equity", ["a number from 0 to 100"]),
    "bar as text": ('[jtm.bars]\nstrategy = "50"\n', "jtm.bars.strategy", ["a number from 0 to 100"]),
    "old single bar": ("[jtm]\nbar = 50\n", "jtm.bar", ["jtm.bars"]),
    "rse above 100": ("[jtm]\nmax_rse = 150\n", "jtm.max_rse", ["a number from 0 to 100"]),
    "ladder as text": ('[jtm]\ninclude_ladder = "yes"\n', "jtm.include_ladder", ["true or false"]),
    "missing percentile above 100": ("[jtm]\nmissing_percentile = 101\n", "jtm.missing_percentile", ["a number from 0 to 100"]),
    "old similarity threshold": ("[similarity]\nthreshold = 0.91\n", "similarity.threshold", ["similarity.calibration_group"]),
    "calibration group unknown": ('[similarity]\ncalibration_group = "major"\n', "similarity.calibration_group", ["broad, minor"]),
    "viable sd negative": ("[similarity]\nviable_sd = -1\n", "similarity.viable_sd", ["a number from 0 to 5"]),
    "max steps zero": ("[pathways]\nmax_steps = 0\n", "pathways.max_steps", ["a whole number from 1 to 10"]),
    "pay floor above 2": ("[pathways]\nmin_step_wage_ratio = 3\n", "pathways.min_step_wage_ratio", ["a number from 0 to 2"]),
    "evidence weight negative": ("[pathways.evidence_weight]\nrarely_or_never_observed = -1\n", "pathways.evidence_weight.rarely_or_never_observed", ["a finite, non-negative number"]),
    "unknown ranking": ("[pathways]\nrank = \"cheapest\"\n", "pathways.rank", ["balanced, fastest, gain, common"]),
    "removed cost table": ("[pathways.cost]\nwage = 1\n", "pathways.cost", ["pathways.evidence_weight", "pathways.max_study_years"]),
    "education level not in BLS list": (
        "[education]\naccessible = [\"High school diploma or equivalent\", \"Bachelor degree\"]\n",
        "education.accessible",
        list(EDUCATION_LEVELS),
    ),
    "min_employment a float": ("[scoring]\nmin_employment = 100.5\n", "scoring.min_employment", ["a whole number of jobs"]),
    "min_employment a string": ('[scoring]\nmin_employment = "100"\n', "scoring.min_employment", ["a whole number of jobs"]),
    "min_employment a bool": ("[scoring]\nmin_employment = true\n", "scoring.min_employment", ["a whole number of jobs"]),
    "min_employment negative": ("[scoring]\nmin_employment = -1\n", "scoring.min_employment", ["a whole number of jobs"]),
    "benefits file missing": ('[inputs]\nbenefits = "/nonexistent/benefits.csv"\n', "inputs.benefits", ["an existing CSV file"]),
    "safety not a string": ("[inputs]\nsafety = 1\n", "inputs.safety", ["a CSV path"]),
    "empty name": ('name = "  "\n', "name", ["a short name"]),
    "benefits floor above 1": ("[quality]\nmin_benefits = 1.5\n", "quality.min_benefits", ["a number from 0 to 1"]),
    "safety floor negative": ("[quality]\nmin_safety = -0.1\n", "quality.min_safety", ["a number from 0 to 1"]),
    "benefit weight unknown": (
        "[benefits]\nweights = { dental_by_group = 1 }\n", "benefits.weights", ["medical_by_group, sick_leave_by_industry, retirement_by_wage"],
    ),
    "benefit weight negative": (
        "[benefits]\nweights = { medical_by_group = -1, sick_leave_by_industry = 0, retirement_by_wage = 0, medical_by_wage = 0, sick_leave_by_wage = 0 }\n",
        "benefits.weights.medical_by_group", ["a finite, non-negative number"],
    ),
}


@pytest.mark.parametrize("text, key, allowed", INVALID.values(), ids=INVALID.keys())
def test_invalid_profile_names_key_and_allowed_values(tmp_path, text, key, allowed):
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as info:
        profiles.load(path)
    exc = info.value
    assert exc.key == key
    assert f"key '{key}'" in exc.message and str(path) in exc.message
    assert exc.hint.startswith("Allowed: ")
    for a in allowed:
        assert a in exc.hint, (a, exc.hint)
    assert isinstance(exc, UpwardError) and exc.exit_code == 1


def test_invalid_household_message_shows_the_bad_value(tmp_path):
    with pytest.raises(ProfileError, match=r"living_wage.household' is '3A'"):
        profiles.load(write(tmp_path, '[living_wage]\nhousehold = "3A"\n'))


def test_invalid_education_message_shows_only_the_bad_level(tmp_path):
    with pytest.raises(ProfileError) as info:
        profiles.load(write(tmp_path, '[education]\naccessible = ["High school diploma or equivalent", "Bachelor degree"]\n'))
    assert "['Bachelor degree']" in info.value.message


@pytest.mark.parametrize("pillar", list(PILLARS))
def test_weight_table_missing_a_measure(pillar):
    # A file can't drop a measure (the default fills it in), so check the merged data directly.
    data = default_data()
    dropped = PILLARS[pillar][0]
    del data["jtm"][pillar][dropped]
    with pytest.raises(ProfileError) as info:
        profiles.validate(data, "test")
    assert info.value.key == f"jtm.{pillar}"
    for m in PILLARS[pillar]:
        assert m in info.value.hint


def test_pillar_weights_missing_one_via_validate():
    data = default_data()
    del data["jtm"]["weights"]["strategy"]
    with pytest.raises(ProfileError) as info:
        profiles.validate(data, "test")
    assert info.value.key == "jtm.weights" and "strategy" in info.value.hint


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_non_finite_weight_is_rejected(tmp_path, value):
    with pytest.raises(ProfileError) as info:
        profiles.load(write(tmp_path, f"[jtm.workers]\nwage_ladder = {value}\n"))
    assert info.value.key == "jtm.workers.wage_ladder"


def test_broken_toml_is_an_upward_error(tmp_path):
    path = write(tmp_path, '[living_wage\nhousehold = "2A2W2C"\n')
    with pytest.raises(UpwardError) as info:
        profiles.load(path)
    assert not isinstance(info.value, ProfileError)
    assert "not valid TOML" in info.value.message and str(path) in info.value.message
    assert "upward profile show" in info.value.hint


def test_missing_profile_file(tmp_path):
    with pytest.raises(UpwardError, match="Profile file not found"):
        profiles.load(tmp_path / "nope.toml")


def test_input_paths_are_relative_to_the_profile_and_hashed_by_content(tmp_path, monkeypatch):
    region = tmp_path / "region"
    region.mkdir()
    (region / "benefits.csv").write_text("soc,value\n29-1141,0.8\n")
    path = region / "profile.toml"
    path.write_text('name = "mine"\n[inputs]\nbenefits = "benefits.csv"\n')
    monkeypatch.chdir(tmp_path)  # run from elsewhere: the file is still found next to the profile
    p = profiles.load(path)
    assert p.get("inputs.benefits") == str((region / "benefits.csv").resolve())
    before = p.hash
    (region / "benefits.csv").write_text("soc,value\n29-1141,0.5\n")
    assert profiles.load(path).hash != before  # same path, new data: a new hash
