"""Small-cell suppression inside the engine, before any number leaves it.

Primary: a cell whose denominator is below the profile's `outcomes.min_cell` is suppressed.
Complementary: the cells of one indicator form additive tables — the overall row is the sum of
each one-way breakdown; a one-way row (say sex = female) is the sum of its row of a two-way
breakdown (sex = female × every age group), and likewise for the columns. In any such sum, a
single suppressed entry could be recovered by subtraction, so whenever exactly one entry of a sum
is suppressed the next smallest published part (by denominator; ties by group) is suppressed too,
or the total when every part is already suppressed. The rule is applied to every sum, rows and
columns, again and again until nothing changes (a fixed point). Suppression hides the
numerator, the denominator and the value of a cell together.

Each round suppresses at least one more cell, so the fixed point is reached in at most as many
rounds as there are cells; `max_rounds` bounds the work. A run that reaches it without a fixed point
never publishes what it has (a sum could still give a suppressed cell away): it fails with
`SuppressionError`, and nothing is written.

Across indicators (one pattern per run): indicators of one group count the same people — the
employed in the 2nd quarter are employment_rate_q2's numerator and the denominator of
median_earnings_q2, earnings_change_median and earnings_gain_rate — so a count hidden in one
indicator would be published by another. `COUNTS` names the set each indicator's denominator and
numerator count; in each group, a hidden cell hides every cell that counts the same set, or a set
nested in it (`NESTED`) with the same number of people (then they are the same people). The
cross-indicator rule and the complementary rule run in the same fixed point, so the final pattern
satisfies both. An indicator not declared in `COUNTS` is linked to every other (the safe default).
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt

from upward.errors import UpwardError
from upward.outcomes.indicators import MOBILITY_YEARS, RETURN_YEARS

SEP = "\x1f"
MAX_ROUNDS = 100


class SuppressionError(UpwardError):
    """Complementary suppression did not reach a fixed point: no table is safe to publish."""


def _cell(t: ibis.Table, dims: list[str]) -> ibis.StringValue:
    key = t.grouping
    for d in dims:
        key = key + SEP + t[d].fill_null("")
    return key


def memberships(r: ibis.Table, groupings: list[tuple[str, ...]], dims: list[str]) -> ibis.Table | None:
    """(indicator, cell, sum, role) for every additive relation among the groupings present."""
    parts = []
    present = set(groupings)

    def member(rows: ibis.Table, con: ibis.StringValue, role: str) -> ibis.Table:
        return rows.select(indicator=rows.indicator, cell=rows.cell, con=con, role=ibis.literal(role))

    for g in groupings:
        if len(g) == 1 and () in present:
            d = g[0]
            parts.append(member(r.filter(r.grouping == d), ibis.literal(d), "part"))
            parts.append(member(r.filter(r.grouping == ""), ibis.literal(d), "total"))
        if len(g) == 2:
            name = ",".join(g)
            cells = r.filter(r.grouping == name)
            for d in g:
                if (d,) not in present:
                    continue
                parts.append(member(cells, ibis.literal(name + "|" + d + "=") + cells[d], "part"))
                margin = r.filter(r.grouping == d)
                parts.append(member(margin, ibis.literal(name + "|" + d + "=") + margin[d], "total"))
    if not parts:
        return None
    return ibis.union(*parts)


#: indicator → (the set its denominator counts, the set its numerator counts or None), per group.
#: Subsets of the exiters that almost always equal them (the exiters with a living wage for their area,
#: or a mobility threshold for their quarter) are declared as the exiters themselves: safe, since
#: linking more only suppresses more.
COUNTS: dict[str, tuple[str, str | None]] = {
    "employment_rate_q2": ("exiters", "employed_q2"),
    "employment_rate_q4": ("exiters", "employed_q4"),
    "median_earnings_q2": ("employed_q2", None),
    "credential_rate": ("in_training", "credentialed"),
    "msg_rate": ("program_year_participants", "skill_gain"),
    "employment_placement_rate": ("exiters", "employed_q1"),
    "initial_earnings_median": ("employed_q2_q3", None),
    "credit_attainment_rate": ("with_credits", "credit_attained"),
    "earnings_change_median": ("employed_q2", None),
    "earnings_gain_rate": ("employed_q2", "earnings_gain"),
    "quality_job_rate_q2": ("exiters", "quality_job_q2"),
    "quality_job_rate_q4": ("exiters", "quality_job_q4"),
    **{f"economic_mobility_rate_{n}y": ("exiters", f"mobility_{n}y") for n in MOBILITY_YEARS},
    "living_wage_earnings_rate": ("exiters", "living_wage_earnings"),
    **{f"minimum_economic_return_rate_{n}y": ("with_net_price", f"economic_return_{n}y") for n in RETURN_YEARS},
}
#: sub ⊆ sup, by definition (transitively closed below): equal counts of nested sets are the same people.
_SUBSETS = {
    "employed_q1": "exiters", "employed_q2": "exiters", "employed_q4": "exiters", "employed_q2_q3": "employed_q2",
    "in_training": "exiters", "credentialed": "in_training", "with_credits": "in_training", "credit_attained": "with_credits",
    "earnings_gain": "employed_q2", "quality_job_q2": "employed_q2", "quality_job_q4": "employed_q4",
    **{f"mobility_{n}y": "exiters" for n in MOBILITY_YEARS}, "living_wage_earnings": "exiters",
    "with_net_price": "exiters", **{f"economic_return_{n}y": "with_net_price" for n in RETURN_YEARS},
    "skill_gain": "program_year_participants",
}


def _nested() -> list[str]:
    pairs = set()
    for sub in _SUBSETS:
        sup = _SUBSETS.get(sub)
        while sup is not None:
            pairs.add(f"{sub}|{sup}")
            sup = _SUBSETS.get(sup)
    return sorted(pairs)


NESTED = _nested()
ANY = "?"


def links(r: ibis.Table) -> ibis.Table:
    """(indicator, cell, linked): when `indicator` is hidden in a cell, `linked` must be hidden in that cell too."""
    den_sets = {k: v[0] for k, v in COUNTS.items()}
    num_sets = {k: v[1] for k, v in COUNTS.items() if v[1]}
    dens = r.select("indicator", "cell", set=r.indicator.substitute(den_sets, else_=ANY), n=r.denominator)
    nums = r.filter(r.numerator.notnull()).select("indicator", "cell", set=r.indicator.substitute(num_sets, else_=ANY), n=r.numerator)
    nodes = ibis.union(dens, nums)
    other = nodes.rename(linked="indicator", cell_b="cell", set_b="set", n_b="n")
    same = (nodes.set == other.set_b) | (nodes.set == ANY) | (other.set_b == ANY)
    nested = ((nodes.set + "|" + other.set_b).isin(NESTED) | (other.set_b + "|" + nodes.set).isin(NESTED)) & (nodes.n == other.n_b)
    j = nodes.join(other, (nodes.cell == other.cell_b) & (nodes.indicator != other.linked) & (same | nested.fill_null(False)))
    return j.select(indicator=j.indicator, cell=j.cell, linked=j.linked).distinct()


def suppress(r: ibis.Table, groupings: list[tuple[str, ...]], dims: list[str], min_cell: int, max_rounds: int = MAX_ROUNDS,
             materialize=lambda t: t.cache()) -> tuple[ibis.Table, int]:
    """The long result table with `suppressed` set and the numbers of suppressed cells nulled; and the rounds taken.

    `materialize` keeps an intermediate table inside the engine (the engine's own method). Raises
    `SuppressionError` when `max_rounds` rounds end with a sum still exposing a lone suppressed cell."""
    r = materialize(r.mutate(cell=_cell(r, dims)))
    state = materialize(r.select("indicator", "cell", "denominator", sup=(r.denominator < min_cell).fill_null(True)))
    m = memberships(r, groupings, dims)
    m = materialize(m) if m is not None else None
    lk = materialize(links(r))
    rounds = 0
    while True:
        if rounds == max_rounds:
            raise SuppressionError(
                f"Complementary suppression did not settle in {max_rounds} rounds: some sum of published cells would still give "
                "a suppressed cell away, so no result is published and nothing was written.",
                hint="Ask for fewer or coarser breakdowns (--by), or a longer exit window so fewer cells fall under the minimum.",
            )
        rounds += 1
        picks = []
        if m is not None:
            j = m.join(state, ["indicator", "cell"])
            counts = j.group_by(["indicator", "con"]).aggregate(n_sup=j.sup.cast(dt.int64).sum())
            single = counts.filter(counts.n_sup == 1).select("indicator", "con")
            cand = j.join(single, ["indicator", "con"])
            cand = cand.filter(~cand.sup)
            win = ibis.window(
                group_by=[cand.indicator, cand.con],
                order_by=[(cand.role == "total").cast(dt.int8), cand.denominator, cand.cell],
            )
            pick = cand.mutate(rank=ibis.row_number().over(win))
            picks.append(pick.filter(pick["rank"] == 0).select("indicator", "cell"))
        hidden = state.filter(state.sup).select("indicator", "cell")
        spread = hidden.join(lk, ["indicator", "cell"]).select(indicator=lk.linked, cell=hidden.cell)
        shown = state.filter(~state.sup).select("indicator", "cell")
        picks.append(spread.join(shown, ["indicator", "cell"]).select("indicator", "cell"))
        pick = materialize(ibis.union(*picks).distinct())
        if pick.count().to_pyarrow().as_py() == 0:
            break
        marked = pick.mutate(new=ibis.literal(True))
        nxt = state.left_join(marked, ["indicator", "cell"])
        state = materialize(nxt.select("indicator", "cell", "denominator", sup=nxt.sup | nxt.new.fill_null(False)))
    out = r.join(state.select("indicator", "cell", "sup"), ["indicator", "cell"])
    hide = out.sup
    return (
        out.mutate(
            numerator=ibis.ifelse(hide, ibis.null(dt.int64), out.numerator),
            denominator=ibis.ifelse(hide, ibis.null(dt.int64), out.denominator),
            value=ibis.ifelse(hide, ibis.null(dt.float64), out.value),
            suppressed=hide,
        ).drop("sup", "cell"),
        rounds,
    )
