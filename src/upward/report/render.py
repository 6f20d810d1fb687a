"""The report as one self-contained HTML page (CSS and SVG charts inline, no script, no external
request) and as PDF (WeasyPrint, from the same HTML, with a URL fetcher that refuses every URL).

Files are written atomically: to a temporary file beside the target, then renamed.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

from upward.errors import UpwardError
from upward.files import write_bytes_atomically
from upward.report import charts
from upward.report.refs import command_text, show

TEMPLATES = Path(__file__).resolve().parent / "templates"
FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf"}


@cache
def _env():
    import jinja2
    from markupsafe import Markup, escape

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )

    def ref(r, fmt=None):
        """A number with its source in the tooltip (the command and JSON path that print it)."""
        if r is None:
            return "—"
        shown = show(r["value"], fmt) if fmt else r["display"]
        where = f"{command_text(r['command'])} → {r['path']}" if r.get("command") else r.get("path", "")
        return Markup('<span class="n" title="{}">{}</span>').format(where, shown)

    def sentence(fact):
        """The sentence from its template: names escaped, numbers marked with their source."""
        parts = []
        for literal, field, _, _ in string.Formatter().parse(fact["template"]):
            parts.append(escape(literal))
            if field is None:
                continue
            if field in fact["numbers"]:
                parts.append(ref(fact["numbers"][field]))
            else:
                parts.append(escape(fact["names"][field]))
        return Markup("".join(str(p) for p in parts))

    def cmd(text):
        """A command in <code>, each argument unbreakable: a line may break between arguments, never
        inside a flag ("--re|gion"), which a hyphen would otherwise allow."""
        words = str(text).split(" ")
        return Markup("<code>{}</code>").format(Markup(" ").join(Markup('<span class="w">{}</span>').format(w) for w in words))

    env.filters.update(
        cmd=cmd,
        ref=ref,
        sentence=sentence,
        money=lambda v: show(v, "money"),
        count=lambda v: show(v, "count"),
        pct=lambda v: show(v, "pct"),
        ratio=lambda v: show(v, "ratio"),
        score=lambda v: show(v, "score"),
        level=lambda v: show(v, "level"),
        signed=lambda v: show(v, "signed_pct"),
        estimate=lambda v: show(v, "estimate"),
        svg=lambda s: Markup(s or ""),
    )
    return env


def _css() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def charts_for(report: dict) -> dict:
    """Every chart of the report, as SVG markup, drawn from the values the report holds."""
    g = report["glance"]
    out = {
        "comparison": charts.comparison(
            g["comparison"],
            [("living_wage_median_share", "Share of jobs whose median pays the living wage"),
             ("living_wage_p25_share", "Share whose 25th percentile pays it (newcomers)"),
             ("opportunity_share", "Share in opportunity occupations (cost-of-living adjusted bar)")],
            "Living-wage access and opportunity occupations, compared",
        ) if g["comparison"] else "",
        "tiers": charts.tiers(g["tiers"], "Employment by quality tier"),
        "jtm": charts.jtm_pillars(report["jtm"]["rows"], "Top Jobs That Mobilize: pillar scores and composite") if report["jtm"]["rows"] else "",
        "gaps": charts.skill_gaps(report["skills"]["gaps"], "Biggest skill gaps: JTM demand against workforce supply"),
        "supply": charts.supply(report["training"]["jtm_supply"], "Jobs That Mobilize: annual openings against local completers"),
        "outcomes": charts.outcome_rates(report["outcomes"]["indicators"], "Outcome rates, all participants") if report["outcomes"] else "",
        "paths": {},
    }
    for o in report["pathways"]["origins"]:
        for p in o["paths"]:
            key = f"{o['soc']}-{p['rank']}"
            out["paths"][key] = charts.pathway(p, f"Pathway from {o['title']} to {p['target_title']}", key)
    return out


def html(report: dict) -> str:
    return _env().get_template("report.html.j2").render(r=report, css=_css(), charts=charts_for(report))


class NoFetch:
    """A WeasyPrint URL fetcher that fetches nothing and remembers what was asked for."""

    def __init__(self):
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        self.refused.append(url)
        raise ValueError(f"the report fetches no URL ({url})")

    def __call__(self, url, *args, **kwargs):  # older WeasyPrint calls the fetcher itself
        return self.fetch(url)


def document(page: str, fetcher: NoFetch | None = None):
    """The laid-out WeasyPrint document (its `pages`, `write_pdf()`)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=page, base_url=None, url_fetcher=fetcher or NoFetch()).render()


def pdf(page: str, fetcher: NoFetch | None = None) -> bytes:
    return document(page, fetcher).write_pdf()


def formats(outputs: list[Path]) -> list[tuple[Path, str]]:
    out = []
    for path in outputs:
        fmt = FORMATS.get(Path(path).suffix.lower())
        if fmt is None:
            raise UpwardError(f"-o {path}: the report is written as .html or .pdf.", hint="e.g. -o report.html -o report.pdf")
        out.append((Path(path), fmt))
    return out


def write(report: dict, outputs: list[Path]) -> list[dict]:
    """Write each output (.html, .pdf) atomically; the HTML is rendered once for both."""
    targets = formats(outputs)
    page = html(report)
    done = []
    for path, fmt in targets:
        data = page.encode("utf-8") if fmt == "html" else pdf(page)
        write_bytes_atomically(path, data)
        done.append({"path": str(path.resolve()), "format": fmt, "bytes": len(data)})
    return done
