"""Numbers that know where they come from.

Every number the report prints is a *reference*: the value, how it is shown, and the `upward`
command (with `--json`) plus the path inside that command's JSON where the same value sits. The
report never computes a number of its own; it selects values from the analysis results and
phrases them. Tests run each command and check that the value at the path, formatted the same
way, is what the report printed.

    ref = sources.num("quality", "indicators.living_wage_median_share", "pct")
    ref == {"value": 0.526…, "display": "53%", "format": "pct",
            "command": ["quality", "--region", "0026420", "--json"],
            "path": "indicators.living_wage_median_share"}
"""

from __future__ import annotations

import re
import shlex

#: How each kind of number is shown, everywhere in the report (HTML, PDF and the export's display
#: column): the one table every face uses (upward.formats).
from upward.formats import FORMATS, show  # noqa: E402  (re-exported: report code names them from here)


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def resolve(obj, path: str):
    """The value at a JSON path such as `areas[0].living_wage_median_share` (dict keys and list indexes)."""
    node = obj
    for key, index in _STEP.findall(path):
        node = node[int(index)] if index else node[key]
    return node


def command_text(command: list[str]) -> str:
    return "upward " + " ".join(shlex.quote(a) for a in command)


class Sources:
    """The analysis results the report draws on, each under the CLI command that prints it as JSON."""

    def __init__(self):
        self.results: dict[str, tuple[list[str], object]] = {}

    def add(self, key: str, command: list[str], result) -> None:
        self.results[key] = (list(command), result)

    def get(self, key: str):
        return self.results[key][1]

    def command(self, key: str) -> list[str]:
        return self.results[key][0]

    def num(self, key: str, path: str, fmt: str, label: str | None = None) -> dict:
        if key not in self.results:
            raise KeyError(f"no analysis result {key!r} for {path}")
        command, result = self.results[key]
        value = resolve(result, path)
        if value is not None and not isinstance(value, (int, float)):
            raise TypeError(f"{key}:{path} is {type(value).__name__}, not a number")
        if isinstance(value, bool):
            raise TypeError(f"{key}:{path} is a flag, not a number")
        return {"value": value, "display": show(value, fmt), "format": fmt, "label": label, "command": command, "path": path}


def sentence(template: str, names: dict[str, str], numbers: dict[str, dict], key: str) -> dict:
    """A sentence from a template whose `{placeholders}` are names (text) or numbers (references).

    Keeping the template lets anyone re-derive the sentence from the numbers' sources: the literal
    text of a template carries no digit of its own (ordinals like '25th' aside; tests check it).
    """
    text = template.format(**names, **{k: v["display"] for k, v in numbers.items()})
    return {"id": key, "text": text, "template": template, "names": names, "numbers": numbers}
