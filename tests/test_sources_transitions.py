"""Reader of the CPS (ASEC) occupation transition probabilities (del Rio-Chanona et al. 2021).

Known values are read off the shared file; rejection tests write small malformed files to
tmp_path and check the error names the file, the 1-based file row and the field.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from upward.errors import SourceFormatError
from upward.sources.transitions import COLUMNS, SUM_TOLERANCE, is_broad, read_transitions

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
EDGES = DATA / "transitions" / "asec_to_bls_mobility_edgelist.csv"
needs_data = pytest.mark.skipif(not EDGES.is_file(), reason=f"shared transitions file not found at {EDGES}")

HEADER = (
    "OCC_source,OCC_target,transition_prob_BLS_ASECnorm_corr,transition_prob_BLS_ASECnorm_in_corr,"
    "OCC_TITLE_OCC,OCC_TITLE_OCCLY,EMPOCCLY_unadj_BLS,EMPOCC_unadj_BLS,TOT_EMP_OCC,A_MEAN_OCC,TOT_EMP_OCCLY"
)
# Two sources, each summing to 1.
GOOD = [
    "11-1010,11-1010,0.75,0.7,Chief Executives,Chief Executives,1,1,195530,200140,195530",
    "11-1010,11-1020,0.25,0.1,General and Operations Managers,Chief Executives,1,1,2289770,123880,195530",
    "11-1020,11-1020,0.9,0.9,General and Operations Managers,General and Operations Managers,1,1,2289770,123880,2289770",
    "11-1020,11-1010,0.1,0.1,Chief Executives,General and Operations Managers,1,1,195530,200140,2289770",
]


def write(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    p = tmp_path / "edges.csv"
    p.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return p


def swap(row: str, col: int, value: str) -> str:
    cells = row.split(",")
    cells[col] = value
    return ",".join(cells)


def rejects(path: Path, *, row: int | None, field: str | None) -> SourceFormatError:
    with pytest.raises(SourceFormatError) as exc:
        read_transitions(path)
    err = exc.value
    assert path.name in str(err)
    assert err.row == row
    assert err.field == field
    return err


@needs_data
def test_known_values():
    df = read_transitions(EDGES)
    assert list(df.columns) == COLUMNS
    assert len(df) == 15426
    assert df["source"].nunique() == 539 and df["target"].nunique() == 539
    ceo = df[(df.source == "11-1010") & (df.target == "11-1010")].iloc[0]
    assert ceo.probability == 0.7739453646386539
    assert ceo.source_title == "Chief Executives"
    assert ceo.source_employment == 195530.0 and ceo.target_employment == 195530.0
    gm = df[(df.source == "11-1010") & (df.target == "11-1020")].iloc[0]
    assert gm.probability == 0.0008762950197255361
    assert gm.target_title == "General and Operations Managers"
    assert gm.target_employment == 2289770.0
    legis = df[(df.source == "11-1010") & (df.target == "11-1030")].iloc[0]
    assert legis.probability == 0.19921582469321042


@needs_data
def test_shared_file_sums_and_codes():
    df = read_transitions(EDGES)
    sums = df.groupby("source").probability.sum()
    assert (sums - 1).abs().max() < 0.004  # observed: 0.0033 at 47-2170
    assert (sums - 1).abs().idxmax() == "47-2170"
    assert df.probability.between(0, 1).all()
    assert (df.source == df.target).sum() == 539  # every source has its self-loop
    codes = set(df.source)
    assert sum(not is_broad(c) for c in codes) == 138  # SOC 2010 detailed codes where OEWS split a group
    assert "15-1132" in codes and "11-1010" in codes


def test_good_small_file(tmp_path):
    df = read_transitions(write(tmp_path, GOOD))
    assert df.probability.tolist() == [0.75, 0.25, 0.9, 0.1]
    assert df.source_employment.tolist() == [195530.0, 195530.0, 2289770.0, 2289770.0]


def test_missing_file(tmp_path):
    with pytest.raises(SourceFormatError, match="not found"):
        read_transitions(tmp_path / "nope.csv")


def test_missing_column(tmp_path):
    header = HEADER.replace("transition_prob_BLS_ASECnorm_corr,", "prob,")
    rejects(write(tmp_path, GOOD, header), row=None, field="transition_prob_BLS_ASECnorm_corr")


def test_bad_code(tmp_path):
    rows = GOOD.copy()
    rows[2] = swap(rows[2], 1, "111020")
    rejects(write(tmp_path, rows), row=4, field="OCC_target")


def test_probability_not_a_number(tmp_path):
    rows = GOOD.copy()
    rows[1] = swap(rows[1], 2, "n/a")
    rejects(write(tmp_path, rows), row=3, field="transition_prob_BLS_ASECnorm_corr")


def test_probability_out_of_range(tmp_path):
    rows = GOOD.copy()
    rows[3] = swap(rows[3], 2, "-0.1")
    rejects(write(tmp_path, rows), row=5, field="transition_prob_BLS_ASECnorm_corr")


def test_probabilities_do_not_sum_to_one(tmp_path):
    rows = GOOD.copy()
    rows[3] = swap(rows[3], 2, "0.05")  # 11-1020 sums to 0.95
    err = rejects(write(tmp_path, rows), row=4, field="transition_prob_BLS_ASECnorm_corr")
    assert "11-1020" in str(err) and "0.95" in str(err)


def test_small_rounding_is_tolerated(tmp_path):
    rows = GOOD.copy()
    rows[3] = swap(rows[3], 2, str(0.1 - SUM_TOLERANCE / 2))
    read_transitions(write(tmp_path, rows))


def test_truncated_source_fails(tmp_path):
    rejects(write(tmp_path, GOOD[:3]), row=4, field="transition_prob_BLS_ASECnorm_corr")


def test_duplicate_pair(tmp_path):
    rows = [*GOOD, GOOD[1]]
    rejects(write(tmp_path, rows), row=6, field="OCC_target")


def test_blank_title(tmp_path):
    rows = GOOD.copy()
    rows[1] = swap(rows[1], 4, "")
    rejects(write(tmp_path, rows), row=3, field="OCC_TITLE_OCC")


def test_inconsistent_source_employment(tmp_path):
    rows = GOOD.copy()
    rows[1] = swap(rows[1], 10, "195531")
    rejects(write(tmp_path, rows), row=3, field="TOT_EMP_OCCLY")


def test_employment_not_a_number(tmp_path):
    rows = GOOD.copy()
    rows[0] = swap(rows[0], 8, "**")
    rejects(write(tmp_path, rows), row=2, field="TOT_EMP_OCC")
