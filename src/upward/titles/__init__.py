"""Job titles → SOC 2018 codes, offline, from official title lists only.

    from upward.titles import code_titles
    code_titles(con, ["Registered Nurse", "SR. WAREHOUSE ASSOC - 2ND SHIFT"])
    → [{"input", "soc", "soc_title", "confidence", "candidates": [{"soc", "title", "score"}, …]}, …]

Modules, each with one job: `normalise` (title text → the words that name the occupation),
`vocabulary` (the BLS and O*NET titles, with their evidence and the employment prior),
`ngrams` (character n-gram TF-IDF and its candidate search), `match` (scoring, evidence,
confidence), `batch` (a column of a CSV or workbook in, coded rows out). The method, its
figures and its limits are in docs/titles.md.

One coder is kept per atlas (keyed by the atlas fingerprint), so a process codes every later
title warm; building it reads the atlas's `title_vocabulary` table and indexes it (about a second).
"""

from __future__ import annotations

from upward.cache import Cache
from upward.titles.match import Candidate, Coded, Coder

#: Confidence below which a coded title should be reviewed by a person (docs/titles.md shows the
#: accuracy of each confidence band on held-out titles, which is where this figure comes from).
REVIEW_BELOW = 0.5

#: Two atlases at most (a rebuilt atlas and the one still open); upward.cache builds each once.
_CODERS = Cache("job-title coders", entries=2, megabytes=256)


def coder(con) -> Coder:
    """The coder of the atlas `con`, built on first use and kept for the process."""
    from upward.atlas.provenance import atlas_id
    from upward.titles import vocabulary

    return _CODERS.get_or_build(atlas_id(con), lambda: Coder(vocabulary.load(con)))


def code_titles(con, titles: list[str | None], top: int = 5) -> list[dict]:
    """Code each title, in input order: input, soc (None with a reason when it cannot be coded),
    soc_title, confidence (0–1), candidates (up to `top`, best first) and, when coded, `matched`
    (the official title form it matched)."""
    return [c.as_dict() for c in coder(con).code(list(titles), top=top)]


__all__ = ["REVIEW_BELOW", "Candidate", "Coded", "Coder", "code_titles", "coder"]
