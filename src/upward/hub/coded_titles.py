"""Job titles in an inventory's target occupations, coded to SOC by upward.titles.

A provider often names the jobs a program leads to ("CNA; Patient Care Tech") rather than their
SOC codes. In `target_socs` an item made of digits, dashes and dots is a code and is checked as
one; any other item is a job title and is coded. A title coded with confidence at least
`upward.titles.REVIEW_BELOW` adds its occupation to the program's targets; a title below it adds
nothing and is reported as a warning with its best candidates, for a person to give the code. Every
coded title is kept (hub table `program_title_codes`) with its confidence and candidates, so a
reviewer can see later what the coder decided and why.
"""

from __future__ import annotations

import json
import re

import pandas as pd

COLUMNS = ["program_id", "file_row", "title", "soc", "soc_title", "confidence", "candidates", "added"]
#: An item that is a code attempt (29-1141, 291141, 29-1141.00), right or wrong, rather than a title.
CODE_LIKE = re.compile(r"[\d\s.\-–]+")


def is_title(item: str) -> bool:
    return CODE_LIKE.fullmatch(item) is None


def code_targets(con, items: pd.Series, soc_to_occ: dict[str, str], file: str, program_ids: pd.Series):
    """Code the title items of each row's target list.

    `items`: per file row, the list of target items (None when blank). Returns (added, warnings,
    records): per row the atlas occupations the titles add; a `Problem` per title left for review;
    one record per coded title (program_id, file_row, title, soc, soc_title, confidence,
    candidates as JSON, added).
    """
    from upward.sheets import Problem
    from upward.titles import REVIEW_BELOW, code_titles

    per_row = {row: [t for t in (v or []) if is_title(t)] for row, v in items.items()}
    distinct = list(dict.fromkeys(t for ts in per_row.values() for t in ts))
    coded = dict(zip(distinct, code_titles(con, distinct, top=3))) if distinct else {}
    added: dict[int, list[str]] = {}
    warnings: list[Problem] = []
    records: list[dict] = []
    for row, titles in per_row.items():
        for title in titles:
            c = coded[title]
            occ = soc_to_occ.get(c["soc"]) if c["soc"] else None
            ok = occ is not None and c["confidence"] >= REVIEW_BELOW
            if ok:
                added.setdefault(row, []).append(occ)
            else:
                options = "; ".join(f"{x['soc']} {x['title']} ({x['score']:.2f})" for x in c["candidates"]) or "none"
                if c["soc"] is None:
                    why = f"could not be coded ({c.get('reason')})"
                elif occ is None:
                    why = f"codes to {c['soc']} {c['soc_title']}, which OEWS does not publish"
                else:
                    why = f"codes to {c['soc']} {c['soc_title']} with confidence {c['confidence']:.2f}, below {REVIEW_BELOW}"
                warnings.append(Problem(file, int(row), "target_socs", f"job title {title!r} {why}: not added; candidates: {options}. Give its SOC code to add it"))
            records.append({
                "program_id": program_ids[row], "file_row": int(row), "title": title, "soc": c["soc"], "soc_title": c["soc_title"],
                "confidence": float(c["confidence"]), "candidates": json.dumps(c["candidates"], ensure_ascii=False), "added": ok,
            })  # fmt: skip
    return added, warnings, records


def code_soc_cells(con, texts) -> dict[str, tuple[str | None, str | None]]:
    """For sheets with a SOC column (employer rating sheets): each job title given instead of a code →
    (its SOC code, None) when coded with confidence at least REVIEW_BELOW, else (None, why, with the
    candidates), so the sheet's check can name the row and ask for the code."""
    from upward.titles import REVIEW_BELOW, code_titles

    titles = list(dict.fromkeys(t for t in texts if t and is_title(t)))
    out: dict[str, tuple[str | None, str | None]] = {}
    for title, c in zip(titles, code_titles(con, titles, top=3) if titles else []):
        if c["soc"] is not None and c["confidence"] >= REVIEW_BELOW:
            out[title] = (c["soc"], None)
            continue
        options = "; ".join(f"{x['soc']} {x['title']} ({x['score']:.2f})" for x in c["candidates"]) or "none"
        why = c.get("reason") or f"best {c['soc']} {c['soc_title']} at confidence {c['confidence']:.2f}, below {REVIEW_BELOW}"
        out[title] = (None, f"job title {title!r} cannot be coded with confidence ({why}); candidates: {options}. Give the SOC code")
    return out
