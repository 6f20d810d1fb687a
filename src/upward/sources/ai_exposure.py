"""Occupation-level exposure to generative AI, from two research releases.

- **GPTs are GPTs** (Eloundou, Manning, Mishkin and Rock, *Science* 2024; `occ_level.csv`, MIT
  licence, © 2024 OpenAI): for 923 O*NET-SOC occupations, the share of an occupation's tasks
  exposed to large language models, rated by GPT-4 (`dv_`) and by human annotators (`human_`).
  E1 = directly exposed (an LLM alone cuts the time at least in half), E2 = exposed with
  software built on an LLM: alpha = E1, beta = E1 + ½·E2 (the paper's headline), gamma = E1 + E2.
- **Working with AI** (Tomlinson, Jaffe, Wang, Counts and Suri, Microsoft Research 2025,
  CC BY 4.0): for 785 SOC 2018 detailed occupations, the AI applicability score from nine months
  of US Bing Copilot conversations (coverage × completion × scope of the work activities people
  asked for help with and that the AI performed), with its user-goal and AI-action components.
  Its authors warn it measures where AI is applicable, not whether it replaces the job.

Both are returned in the shape of O*NET ratings (one row per code × measure), so the atlas rolls
them up to its occupations with the same SOC rules as every other O*NET-based figure.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from upward.sources._checks import ONET_SOC_CODE, SOC_CODE, first_bad, matching, numeric, read_csv_text, require_columns, require_unique, text_column

COLUMNS = ["code", "title", "source", "measure", "value"]
GPTS_MEASURES = tuple(f"{who}_rating_{k}" for who in ("dv", "human") for k in ("alpha", "beta", "gamma"))
WWAI_MEASURES = (
    "ai_applicability_score", "ai_applicability_score_user", "ai_applicability_score_ai",
    "coverage_user", "coverage_ai", "completion_user", "completion_ai", "impact_scope_user", "impact_scope_ai",
)


def _share(df: pd.DataFrame, column: str, path: Path) -> pd.Series:
    values = numeric(df, column, path, required=True)
    # the files carry floating-point noise such as 1.0000000000000002
    first_bad((values < 0) | (values > 1 + 1e-9), path, column, lambda i: f"a share must be from 0 to 1, got {df[column].iloc[i]!r}")
    return values.clip(upper=1.0)


def _long(codes: pd.Series, titles: pd.Series, values: dict[str, pd.Series], source: str) -> pd.DataFrame:
    parts = [pd.DataFrame({"code": codes, "title": titles, "source": source, "measure": m, "value": v}) for m, v in values.items()]
    out = pd.concat(parts, ignore_index=True)
    for c in ("code", "title", "source", "measure"):
        out[c] = out[c].astype("string")
    return out.sort_values(["code", "measure"], kind="stable").reset_index(drop=True)[COLUMNS]


def read_gpts_are_gpts(path: Path | str) -> pd.DataFrame:
    """code (O*NET-SOC), title, source 'gpts_are_gpts', measure (dv_/human_rating_alpha|beta|gamma), value 0–1."""
    path = Path(path)
    df = read_csv_text(path)
    require_columns(df, ["O*NET-SOC Code", "Title", *GPTS_MEASURES], path)
    codes = matching(df, "O*NET-SOC Code", ONET_SOC_CODE, path)
    require_unique(pd.DataFrame({"c": codes}), ["c"], path, field="O*NET-SOC Code")
    return _long(codes, text_column(df, "Title", path), {m: _share(df, m, path) for m in GPTS_MEASURES}, "gpts_are_gpts")


def read_working_with_ai(scores: Path | str, metrics: Path | str) -> pd.DataFrame:
    """code (SOC 2018), title, source 'working_with_ai', measure, value 0–1: the published score
    (`ai_applicability_score`, the mean of its user-goal and AI-action halves) and its components.

    The two files must list the same occupations, and the score must be the mean of its halves
    (to 1e-9), or the files are not the release the reader knows.
    """
    scores, metrics = Path(scores), Path(metrics)
    s = read_csv_text(scores)
    require_columns(s, ["SOC Code", "title", "ai_applicability_score"], scores)
    m = read_csv_text(metrics)
    require_columns(m, ["SOC Code", "title", *WWAI_MEASURES[1:]], metrics)
    s_codes = matching(s, "SOC Code", SOC_CODE, scores)
    m_codes = matching(m, "SOC Code", SOC_CODE, metrics)
    require_unique(pd.DataFrame({"c": s_codes}), ["c"], scores, field="SOC Code")
    require_unique(pd.DataFrame({"c": m_codes}), ["c"], metrics, field="SOC Code")
    first_bad(~s_codes.isin(set(m_codes)), scores, "SOC Code", lambda i: f"{s_codes.iloc[i]} has no row in {metrics.name}")
    first_bad(~m_codes.isin(set(s_codes)), metrics, "SOC Code", lambda i: f"{m_codes.iloc[i]} has no row in {scores.name}")
    score = _share(s, "ai_applicability_score", scores)
    comp = {c: _share(m, c, metrics) for c in WWAI_MEASURES[1:]}
    halves = pd.Series(
        ((comp["ai_applicability_score_user"] + comp["ai_applicability_score_ai"]) / 2).to_numpy(), index=m_codes.to_numpy()
    ).reindex(s_codes.to_numpy()).to_numpy()
    first_bad(pd.Series(abs(score.to_numpy() - halves) > 1e-9), scores, "ai_applicability_score",
              lambda i: f"the score of {s_codes.iloc[i]} is not the mean of its user and AI halves in {metrics.name}")
    values = {"ai_applicability_score": pd.Series(score.to_numpy())}
    order = pd.Series(range(len(m_codes)), index=m_codes.to_numpy()).reindex(s_codes.to_numpy()).to_numpy()
    for c, v in comp.items():
        values[c] = pd.Series(v.to_numpy()[order])
    return _long(s_codes.reset_index(drop=True), text_column(s, "title", scores).reset_index(drop=True), values, "working_with_ai")
