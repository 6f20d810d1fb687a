"""Charts as inline SVG, drawn in Python: WeasyPrint runs no JavaScript, and the same markup serves the
HTML page and the PDF. No fonts or images are fetched (system sans-serif fonts), no number is
computed here: each chart draws values the report already holds, labelled with their display text.
"""

from __future__ import annotations

from html import escape

from upward.formats import TIER_COLOURS
from upward.report.refs import show

FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#d9e2ec"
ROLE_COLOURS = {"region": "#1b5e94", "state": "#6b9ac4", "nation": "#a9b8c6", "peer": "#d98e32"}
PILLAR_COLOURS = ("#f1f5f9", "#cfe0ee", "#9fc1de", "#5f97c6", "#1b5e94")
CHAR_W = 0.6  # DejaVu Sans advance per em, a little generous so labels never overrun


def _t(s) -> str:
    return escape(str(s), quote=True)


def wrap(text: str, size: float, width: float) -> list[str]:
    """A label broken at spaces into the lines it needs to fit `width` — never cut: on paper there is
    no tooltip to read the rest in. A single word wider than the line is split with a hyphen."""
    n = max(4, int(width / (size * CHAR_W)))
    out, cur = [], ""
    for word in str(text).split():
        while len(word) > n:  # a word longer than a whole line
            if cur:
                out.append(cur)
                cur = ""
            out.append(word[: n - 1] + "-")
            word = word[n - 1:]
        if len(cur) + len(word) + (1 if cur else 0) <= n:
            cur = f"{cur} {word}".strip()
        else:
            if cur:
                out.append(cur)
            cur = word
    if cur:
        out.append(cur)
    return out or [""]


LINE = 1.2  # line height, in font sizes


def _label(x: float, y_mid: float, lines: list[str], size: float, anchor: str = "end", fill: str = INK, weight: str = "normal") -> list[str]:
    """Lines of a wrapped label, centred vertically on y_mid."""
    top = y_mid - (len(lines) - 1) * size * LINE / 2
    return [_text(x, top + k * size * LINE + size * 0.35, line, size, anchor, fill, weight) for k, line in enumerate(lines)]


def _svg(width: float, height: float, body: list[str], title: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" role="img" '
        f'aria-label="{_t(title)}" preserveAspectRatio="xMinYMin meet" font-family="{FONT}">'
        f"<title>{_t(title)}</title>" + "".join(body) + "</svg>"
    )


def _text(x, y, s, size=11, anchor="start", fill=INK, weight="normal") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" font-weight="{weight}">{_t(s)}</text>'


def comparison(rows: list[dict], metrics: list[tuple[str, str]], title: str) -> str:
    """Grouped horizontal bars: per metric (a 0–1 share), one bar per area, coloured by role."""
    width, label_w, bar_w = 680, 250, 330
    bh, gap = 13, 4
    body, y = [], 8
    for key, label in metrics:
        have = [r for r in rows if r.get(key)]
        if not have:
            continue
        body.append(_text(0, y + 11, label, 11.5, weight="bold"))
        y += 18
        for r in have:
            v = r[key]["value"]
            w = max(0.0, min(1.0, v)) * bar_w
            colour = ROLE_COLOURS.get(r["role"], ROLE_COLOURS["peer"])
            lines = wrap(r["area_name"], 10, label_w - 10)
            rh = max(bh, len(lines) * 10 * LINE)
            mid = y + rh / 2
            body += _label(label_w - 6, mid, lines, 10, "end", INK if r["role"] == "region" else MUTED, "bold" if r["role"] == "region" else "normal")
            body.append(f'<rect x="{label_w}" y="{mid - bh / 2:.1f}" width="{bar_w}" height="{bh}" fill="{GRID}" opacity="0.45"/>')
            body.append(f'<rect x="{label_w}" y="{mid - bh / 2:.1f}" width="{w:.1f}" height="{bh}" fill="{colour}"/>')
            body.append(_text(label_w + w + 5, mid + 3.5, r[key]["display"], 10, fill=INK))
            y += rh + gap
        y += 10
    return _svg(width, y, body, title)


def _share(v: float) -> str:
    """A share as a whole percentage; one that is not nothing never reads 0%."""
    return "under 1%" if 0 < v < 0.005 else show(v, "pct")


def tiers(rows: list[dict], title: str) -> str:
    """One stacked bar: the area's employment by quality tier."""
    width, bar_w, bh = 680, 680, 22
    body, x = [], 0.0
    for t in rows:
        share = t["share"] or 0
        w = share * bar_w
        if w <= 0:
            continue
        body.append(f'<rect x="{x:.1f}" y="4" width="{w:.1f}" height="{bh}" fill="{TIER_COLOURS.get(t["tier"], "#999")}"/>')
        if w > 40:
            body.append(_text(x + w / 2, 4 + bh - 7, _share(share), 10.5, "middle", "#ffffff" if t["tier"] in ("quality", "low") else INK, "bold"))
        x += w
    lx = 0.0
    for t in rows:
        if not t["share"]:  # a tier with no jobs here has nothing to name
            continue
        label = f"{t['tier']} {_share(t['share'])}"
        body.append(f'<rect x="{lx:.1f}" y="{bh + 14}" width="10" height="10" fill="{TIER_COLOURS.get(t["tier"], "#999")}"/>')
        body.append(_text(lx + 14, bh + 23, label, 10))
        lx += 14 + len(label) * 10 * CHAR_W + 18
    return _svg(width, bh + 32, body, title)


def jtm_pillars(rows: list[dict], title: str, limit: int = 15) -> str:
    """The top JTMs: four pillar cells shaded by score, and the composite as a bar."""
    rows = rows[:limit]
    width, name_w, cell, comp_w = 680, 280, 54, 150
    rh = 19
    body = []
    heads = ("Employers", "Workers", "Equity", "Strategy")
    for k, h in enumerate(heads):
        body.append(_text(name_w + k * cell + cell / 2, 12, h, 9, "middle", MUTED))
    body.append(_text(name_w + 4 * cell + 10, 12, "Composite (0–100)", 9, fill=MUTED))
    y = 18
    for r in rows:
        # the whole name, wrapped: a printed chart has no tooltip to finish a name cut with '…'
        lines = wrap(f"{r['rank']}. {r['occ_title']}", 10, name_w - 10)
        h = max(rh, len(lines) * 10 * LINE + 5)
        mid = y + h / 2
        body += _label(name_w - 8, mid, lines, 10, "end")
        for k, p in enumerate(("employers", "workers", "equity", "strategy")):
            v = r[f"pillar_{p}"]
            shade = PILLAR_COLOURS[min(4, int((v or 0) // 20))]
            body.append(f'<rect x="{name_w + k * cell + 1}" y="{y + 1}" width="{cell - 2}" height="{h - 2:.1f}" fill="{shade}"/>')
            body.append(_text(name_w + k * cell + cell / 2, mid + 3.3, f"{v:.0f}" if v is not None else "—", 9.5, "middle",
                              "#ffffff" if (v or 0) >= 60 else INK))
        x0 = name_w + 4 * cell + 10
        w = (r["composite"] or 0) / 100 * comp_w
        body.append(f'<rect x="{x0}" y="{mid - (rh - 6) / 2:.1f}" width="{w:.1f}" height="{rh - 6}" fill="{ROLE_COLOURS["region"]}"/>')
        body.append(_text(x0 + w + 4, mid + 3.3, f"{r['composite']:.0f}", 9.5))
        y += h
    return _svg(width, y + 4, body, title)


def pathway(path: dict, title: str, key: str) -> str:
    """Boxes (occupation, median wage) joined by arrows labelled with the pay change of each step.

    `key` makes the arrowhead's id unique in a document holding several diagrams."""
    mid = "ah-" + "".join(c for c in key if c.isalnum() or c in "-_")
    nodes, steps = path["nodes"], path["steps"]
    n = len(nodes)
    width = 680
    arrow = 58
    box_w = (width - arrow * (n - 1)) / n
    titles = [wrap(node["title"] or node["soc"], 10, box_w - 12) for node in nodes]
    box_h = max(96, 16 + max(len(t) for t in titles) * 12.5 + 30)
    body = [
        f'<defs><marker id="{mid}" markerWidth="9" markerHeight="9" refX="8" refY="4.5" orient="auto">'
        f'<path d="M0,0 L9,4.5 L0,9 z" fill="{INK}"/></marker></defs>'
    ]
    top = 6
    for k, node in enumerate(nodes):
        x = k * (box_w + arrow)
        last = k == n - 1
        fill = "#e7f0f8" if k == 0 else ("#1b5e94" if last else "#ffffff")
        ink = "#ffffff" if last else INK
        body.append(f'<rect x="{x:.1f}" y="{top}" width="{box_w:.1f}" height="{box_h}" rx="6" fill="{fill}" stroke="{ROLE_COLOURS["region"]}" stroke-width="1.4"/>')
        for i, line in enumerate(titles[k]):
            body.append(_text(x + box_w / 2, top + 16 + i * 12.5, line, 10, "middle", ink, "bold"))
        wage = f"${node['wage']:,.0f}" + (" (US)" if node.get("wage_source") == "national" else "")
        body.append(_text(x + box_w / 2, top + box_h - 20, node["soc"], 8.5, "middle", "#dbe7f3" if last else MUTED))
        body.append(_text(x + box_w / 2, top + box_h - 7, f"median {wage}", 9.5, "middle", ink))
        if not last:
            s = steps[k]
            ax = x + box_w + 3
            ay = top + box_h / 2
            body.append(f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{ax + arrow - 8:.1f}" y2="{ay:.1f}" stroke="{INK}" stroke-width="1.6" marker-end="url(#{mid})"/>')
            body.append(_text(ax + (arrow - 6) / 2, ay - 7, f"{s['change']:+.0%}", 10.5, "middle", "#2f7d4f" if s["change"] >= 0 else "#b03a2e", "bold"))
            body.append(_text(ax + (arrow - 6) / 2, ay + 15, f"{s['years']:.1f} yr", 8, "middle", MUTED))
    return _svg(width, box_h + 12, body, title)


def _paired_bars(rows: list[dict], title: str, *, name: str, values: tuple[str, str], legend: tuple[str, str], colours: tuple[str, str],
                 label, name_w: int, bar_w: int, legend_gap: int) -> str:
    """Two bars per row on one scale (first above second), the row's name on the left and
    `label(row)` after the longer bar: skill supply against demand, openings against completers."""
    width = 680
    first, second = values
    top = max(max(r[first] or 0, r[second] or 0) for r in rows) or 1
    bh, y = 8, 22
    body = [
        f'<rect x="{name_w}" y="4" width="10" height="8" fill="{colours[0]}"/>', _text(name_w + 14, 12, legend[0], 9, fill=MUTED),
        f'<rect x="{name_w + legend_gap}" y="4" width="10" height="8" fill="{colours[1]}"/>', _text(name_w + legend_gap + 14, 12, legend[1], 9, fill=MUTED),
    ]
    for r in rows:
        lines = wrap(r[name], 10, name_w - 10)
        h = max(2 * bh + 1, len(lines) * 10 * LINE)
        y0 = y + (h - 2 * bh - 1) / 2
        body += _label(name_w - 8, y + h / 2, lines, 10, "end")
        w1 = (r[first] or 0) / top * bar_w
        w2 = (r[second] or 0) / top * bar_w
        body.append(f'<rect x="{name_w}" y="{y0:.1f}" width="{w1:.1f}" height="{bh}" fill="{colours[0]}"/>')
        body.append(f'<rect x="{name_w}" y="{y0 + bh + 1:.1f}" width="{w2:.1f}" height="{bh}" fill="{colours[1]}"/>')
        body.append(_text(name_w + max(w1, w2) + 5, y0 + bh + 4, label(r), 9, fill=MUTED))
        y += h + 8
    return _svg(width, y, body, title)


def skill_gaps(gaps: list[dict], title: str) -> str:
    """Paired bars per element: the workforce's supply and the JTMs' demand (O*NET level × importance)."""
    if not gaps:
        return ""
    return _paired_bars(gaps, title, name="element_name", values=("supply", "demand"), legend=("supply (all jobs)", "demand (JTM openings)"),
                        colours=(ROLE_COLOURS["nation"], ROLE_COLOURS["region"]), label=lambda g: f"gap {g['gap']:+.2f}",
                        name_w=230, bar_w=360, legend_gap=130)


def supply(rows: list[dict], title: str) -> str:
    """Per JTM: annual openings against related completions (one scale)."""
    rows = [r for r in rows if r.get("openings")]
    if not rows:
        return ""

    def label(r):
        ratio = r.get("supply_ratio")
        return f"{show(r['openings'], 'count')} / {show(r['related_completions'], 'estimate')}" + (f" ({show(ratio, 'ratio')})" if ratio is not None else "")

    return _paired_bars(rows, title, name="occ_title", values=("openings", "related_completions"), legend=("openings a year", "local completers (estimated)"),
                        colours=(ROLE_COLOURS["region"], ROLE_COLOURS["peer"]), label=label, name_w=250, bar_w=340, legend_gap=120)


def outcome_rates(indicators: list[dict], title: str) -> str:
    """The overall value of each rate indicator; a suppressed cell is drawn as the word, never a bar."""
    rows = [e for e in indicators if e["kind"] == "rate" and e["overall"] is not None]
    if not rows:
        return ""
    width, name_w, bar_w, bh = 680, 230, 380, 13
    body, y = [], 4
    for e in rows:
        o = e["overall"]
        body.append(_text(name_w - 8, y + bh - 3, e["indicator"].replace("_", " "), 10, "end"))
        body.append(f'<rect x="{name_w}" y="{y}" width="{bar_w}" height="{bh}" fill="{GRID}" opacity="0.45"/>')
        if o["suppressed"]:
            body.append(_text(name_w + 6, y + bh - 3, "suppressed", 10, fill=MUTED))
        elif o["value"] is not None:
            w = max(0.0, min(1.0, o["value"])) * bar_w
            body.append(f'<rect x="{name_w}" y="{y}" width="{w:.1f}" height="{bh}" fill="{ROLE_COLOURS["region"]}"/>')
            body.append(_text(name_w + w + 5, y + bh - 3, f"{o['value']:.0%}", 10))
        y += bh + 5
    return _svg(width, y + 2, body, title)
