"""Job titles — `upward titles code`."""

from __future__ import annotations

from upward.errors import UpwardError
from upward.profiles import Profile
from upward.web.pages._tables import Col, Table
from upward.web.pages.views._common import _base, occupation_url


#: Lines a navigator can code at once on the page (a file goes through the CLI or the API).
MAX_TITLE_LINES = 100


def job_titles(con, prof: Profile, text: str, area_code: str) -> dict:
    """The titles typed (one per line) coded to SOC, with the candidates, each linked to its occupation page."""
    from upward.titles import REVIEW_BELOW, code_titles

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_TITLE_LINES:
        raise UpwardError(f"{len(lines)} titles; the page codes up to {MAX_TITLE_LINES} at a time.",
                          hint="Code a file with: upward titles code --file FILE --column NAME --csv --out coded.csv")
    ctx = _base(con, prof, "Job titles to occupations", "titles")
    coded = code_titles(con, lines, top=3) if lines else []
    rows = [
        {"input": c["input"], "soc": c["soc"], "soc_title": c["soc_title"] or f"({c.get('reason')})", "confidence": c["confidence"] if c["soc"] else None,
         "review": c["soc"] is None or c["confidence"] < REVIEW_BELOW, "matched": c.get("matched"),
         "others": "; ".join(f"{x['soc']} {x['title']} ({x['score']:.2f})" for x in c["candidates"][1:])}
        for c in coded
    ]  # fmt: skip
    ctx.update(text=text, coded=rows, review_below=REVIEW_BELOW, max_lines=MAX_TITLE_LINES)
    ctx["tables"]["titles"] = Table(
        "titles", "Coded titles",
        [Col("input", "title as typed"), Col("soc", "SOC", "code", link=lambda r: occupation_url(area_code, r["soc"]) if r["soc"] else None),
         Col("soc_title", "occupation"), Col("confidence", "confidence", "num2"), Col("review", "check", "bool"),
         Col("matched", "matched official title"), Col("others", "other candidates")],
        rows,
    )  # fmt: skip
    return ctx
