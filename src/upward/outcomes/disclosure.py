"""The disclosure policy for stored outcome runs: what may be published, and a check that a run's records
give nothing away (docs/security.md, "Outcome runs: the disclosure policy").

Small-cell suppression protects the people of one table. Two tables of overlapping cohorts undo it:
two runs whose exit windows differ by one quarter give, by subtraction, every cell a run over that
quarter suppresses; two runs differing by one person give that person's outcomes. So:

1. **Stored runs are private.** Only the operator (the CLI on the hub, the API with the token) reads
   them, exactly. Nothing is public until the operator publishes a run.
2. **Published runs are standard, non-overlapping cohorts**: a run is published only if its exit
   window is exactly one program year (July 1 – June 30: YYYYQ3–(YYYY+1)Q2, the WIOA reporting
   year) and measurable skill gains, if computed, are for that program year; and one run per
   program year, ever: the cohort a withdrawn run published cannot be published again from other
   inputs, because readers may keep the first one. Two published runs never share an exiter.
3. **One suppression pattern per run** (`outcomes.suppress`): a count hidden in one indicator is
   hidden in every indicator of the same group that counts the same people.
4. **Published at the shipped minimum cell or above** (`publish_min_cell`), and optionally rounded:
   counts to a multiple of the publication's base, rates then to whole percentage points.
5. **Checked before publishing** (`audit`): no published cell under the minimum, no sum with exactly
   one hidden entry, no hidden count shown by another indicator of its group.

What this does not defend (written down in docs/security.md): readers with outside knowledge of
individuals, and the operator's own access (the token, the hub file).
"""

from __future__ import annotations

import math

from upward.outcomes.suppress import COUNTS



def publish_min_cell() -> int:
    """The minimum cell a published run must have been suppressed at: the shipped profile's (10)."""
    from upward import profiles

    return int(profiles.load(None).get("outcomes.min_cell"))


def program_year_of(exit_from: str, exit_to: str) -> int | None:
    """The program year PY when the window is exactly July 1 PY – June 30 PY+1 (PYQ3–(PY+1)Q2), else None."""
    try:
        y0, q0 = int(exit_from[:4]), int(exit_from[5])
        y1, q1 = int(exit_to[:4]), int(exit_to[5])
    except (TypeError, ValueError, IndexError):
        return None
    if exit_from[4:5].upper() != "Q" or exit_to[4:5].upper() != "Q":
        return None
    return y0 if (q0, q1, y1) == (3, 2, y0 + 1) else None


def _key(group: dict) -> tuple:
    return tuple(sorted((group or {}).items()))


def audit(records: list[dict], min_cell: int) -> list[str]:
    """What a reader could recover from these records alone; empty when nothing.

    Checks the three ways a suppressed number comes back: a published cell under the minimum; a sum
    (overall = the groups of one dimension; a one-way group = its row of a two-way breakdown) with
    exactly one hidden entry, recovered by subtraction; a hidden count that another indicator of the
    same group publishes (the same people, `suppress.COUNTS`)."""
    problems = []
    cells: dict[tuple[str, tuple], dict] = {(r["indicator"], _key(r["group"])): r for r in records}
    for (ind, g), r in cells.items():
        if not r["suppressed"] and (r["denominator"] is None or r["denominator"] < min_cell):
            problems.append(f"{ind} {dict(g) or 'overall'}: a published cell of {r['denominator']} people, under {min_cell}")
    # sums: a total and its parts, per indicator
    sums: dict[tuple, list[bool]] = {}
    for (ind, g), r in cells.items():
        if len(g) == 1:
            sums.setdefault((ind, (), g[0][0]), []).append(r["suppressed"])
        if len(g) == 2:
            for k in range(2):
                sums.setdefault((ind, (g[k],), g[1 - k][0]), []).append(r["suppressed"])
    for (ind, total, over), parts in sums.items():
        t = cells.get((ind, total))
        if t is None:
            continue
        if sum(parts) + t["suppressed"] == 1:
            where = dict(total) or "overall"
            problems.append(f"{ind} {where} by {over}: exactly one hidden entry in a sum (recoverable by subtraction)")
    # the same people counted by two indicators of one group
    shown: dict[tuple, set[str]] = {}
    for (ind, g), r in cells.items():
        if not r["suppressed"]:
            for s in _sets(ind, r):
                shown.setdefault(g, set()).add(s)
    for (ind, g), r in cells.items():
        if r["suppressed"]:
            for s in _sets(ind, r, hidden=True):
                if s in shown.get(g, ()) or "?" in shown.get(g, ()) or s == "?" and shown.get(g):
                    problems.append(f"{ind} {dict(g) or 'overall'}: its hidden count of {s} is published by another indicator of the group")
    return problems


def _sets(indicator: str, r: dict, hidden: bool = False) -> list[str]:
    """The sets a cell's counts count: its denominator's and, for a rate, its numerator's ('?' if undeclared)."""
    den, num = COUNTS.get(indicator, ("?", "?"))
    out = [den]
    if num and (hidden or r["numerator"] is not None):
        out.append(num)
    return out


def rounded(records: list[dict], base: int) -> list[dict]:
    """Records as published with rounding: counts to the nearest multiple of `base` (halves up), a rate's
    value to whole percentage points; medians as computed. `base` 1 leaves every number exact."""
    if base <= 1:
        return records

    def r(n):
        return None if n is None else int(math.floor(n / base + 0.5)) * base

    out = []
    for x in records:
        y = dict(x)
        if not x["suppressed"]:
            y["numerator"], y["denominator"] = r(x["numerator"]), r(x["denominator"])
            if x["numerator"] is not None and x["value"] is not None:  # a rate (medians have no numerator)
                y["value"] = round(x["value"], 2)
        out.append(y)
    return out


#: The run record's keys a published run shows: what it measured and how, never who ran it, the inputs,
#: counts outside the records, or timings.
PUBLIC_RUN_KEYS = (
    "engine", "synthetic", "profile", "household", "price_adjustment", "min_cell", "exit_from", "exit_to", "program_year",
    "by", "indicators", "mobility", "earnings_gain", "suppression_rounds", "data",
)
