"""Chart specs the pages embed as JSON (rendered by the vendored charts.js)."""

from __future__ import annotations


def bar_chart(categories, series, fmt="pct", horizontal=False, label="", colors=None, stack=False, max_value=None) -> dict:
    """A bar chart spec: categories, one or more series, the number format of its labels (upward.formats kinds)."""
    return {
        "kind": "bar", "categories": list(categories), "series": series, "format": fmt, "horizontal": horizontal,
        "label": label, "colors": colors, "stack": stack, "max": max_value,
    }
