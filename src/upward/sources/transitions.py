"""Observed occupation-to-occupation transitions from the Current Population Survey (ASEC).

del Rio-Chanona et al. (2021) publish, for each occupation a worker held last year (source),
the probability of holding each occupation this year (target), self-loops included, on the
BLS OEWS codes of the time (SOC 2010 based). Most codes are broad groups ('11-1010'); where
OEWS published a broad group split into its detailed occupations, the detailed code appears
instead ('15-1132', '29-1141'...): 138 of the 539 codes in the shared file are such detailed
codes, so the reader accepts any SOC code and says which kind each is by its last digit.

Checks: codes have the SOC shape, probabilities lie in [0, 1], each source × target pair is
unique, each source's title and employment agree on all its rows, and each source's outflow
(self-loop included) sums to 1 within `SUM_TOLERANCE`. In the shared file the largest gap is
0.0033 (source 47-2170), all other sources are within 0.0007; a source further off than 0.01
means a truncated or edited file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from upward.errors import SourceFormatError
from upward.sources._checks import (
    SOC_CODE,
    first_bad,
    matching,
    numeric,
    read_csv_text,
    require_columns,
    require_unique,
    text_column,
)

#: How far a source's probabilities (self-loop included) may sum from 1.
SUM_TOLERANCE = 0.01

COLUMNS = [
    "source",
    "target",
    "probability",
    "source_title",
    "target_title",
    "source_employment",
    "target_employment",
]

_FIELDS = {
    "OCC_source": "source",
    "OCC_target": "target",
    "transition_prob_BLS_ASECnorm_corr": "probability",
    "OCC_TITLE_OCCLY": "source_title",
    "OCC_TITLE_OCC": "target_title",
    "TOT_EMP_OCCLY": "source_employment",
    "TOT_EMP_OCC": "target_employment",
}


def is_broad(code: str) -> bool:
    """A broad SOC group ends in 0 ('11-1010'); a detailed occupation does not ('15-1132')."""
    return code.endswith("0")


def read_transitions(path: Path | str) -> pd.DataFrame:
    """source, target, probability, source_title, target_title, source_employment, target_employment.

    One row per observed source → target pair, in file order. Employment is OEWS national
    employment as carried by the file (last year's occupation for the source).
    """
    path = Path(path)
    df = read_csv_text(path)
    require_columns(df, list(_FIELDS), path)
    source = matching(df, "OCC_source", SOC_CODE, path)
    target = matching(df, "OCC_target", SOC_CODE, path)
    prob = numeric(df, "transition_prob_BLS_ASECnorm_corr", path, required=True)
    first_bad(
        (prob < 0) | (prob > 1),
        path,
        "transition_prob_BLS_ASECnorm_corr",
        lambda i: f"probability must lie in [0, 1], got {df['transition_prob_BLS_ASECnorm_corr'].iloc[i]!r}",
    )
    out = pd.DataFrame(
        {
            "source": source,
            "target": target,
            "probability": prob,
            "source_title": text_column(df, "OCC_TITLE_OCCLY", path),
            "target_title": text_column(df, "OCC_TITLE_OCC", path),
            "source_employment": numeric(df, "TOT_EMP_OCCLY", path, required=True),
            "target_employment": numeric(df, "TOT_EMP_OCC", path, required=True),
        }
    )
    for col, field in (("source_employment", "TOT_EMP_OCCLY"), ("target_employment", "TOT_EMP_OCC")):
        first_bad(out[col] < 0, path, field, lambda i, f=field: f"employment must be ≥ 0, got {df[f].iloc[i]!r}")
    require_unique(out, ["source", "target"], path, field="OCC_target")
    _same_per_source(out, "source_title", "OCC_TITLE_OCCLY", path)
    _same_per_source(out, "source_employment", "TOT_EMP_OCCLY", path)
    _sums_to_one(out, path)
    return out[COLUMNS].reset_index(drop=True)


def _same_per_source(out: pd.DataFrame, col: str, field: str, path: Path) -> None:
    """A source's title or employment is repeated on each of its rows; they must agree."""
    first = out.groupby("source", sort=False)[col].transform("first")
    first_bad(
        out[col] != first,
        path,
        field,
        lambda i: f"source {out['source'].iloc[i]} has {out[col].iloc[i]!r} here but {first.iloc[i]!r} on its first row",
    )


def _sums_to_one(out: pd.DataFrame, path: Path) -> None:
    """Each source's outflow, staying included, is a probability distribution."""
    sums = out.groupby("source", sort=False)["probability"].sum()
    off = (sums - 1).abs()
    bad = off[off > SUM_TOLERANCE]
    if len(bad):
        code = bad.index[0]
        row = int((out["source"] == code).to_numpy().nonzero()[0][0]) + 2
        raise SourceFormatError(
            path,
            f"probabilities of source {code} sum to {sums[code]:.6f}, not 1 (tolerance {SUM_TOLERANCE}); "
            "the file may be truncated or edited",
            field="transition_prob_BLS_ASECnorm_corr",
            row=row,
        )
