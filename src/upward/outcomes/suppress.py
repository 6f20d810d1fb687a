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
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt

from upward.errors import UpwardError

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


def suppress(r: ibis.Table, groupings: list[tuple[str, ...]], dims: list[str], min_cell: int, max_rounds: int = MAX_ROUNDS,
             materialize=lambda t: t.cache()) -> tuple[ibis.Table, int]:
    """The long result table with `suppressed` set and the numbers of suppressed cells nulled; and the rounds taken.

    `materialize` keeps an intermediate table inside the engine (the engine's own method). Raises
    `SuppressionError` when `max_rounds` rounds end with a sum still exposing a lone suppressed cell."""
    r = materialize(r.mutate(cell=_cell(r, dims)))
    state = materialize(r.select("indicator", "cell", "denominator", sup=(r.denominator < min_cell).fill_null(True)))
    m = memberships(r, groupings, dims)
    rounds = 0
    if m is not None:
        m = materialize(m)
        while True:
            if rounds == max_rounds:
                raise SuppressionError(
                    f"Complementary suppression did not settle in {max_rounds} rounds: some sum of published cells would still give "
                    "a suppressed cell away, so no result is published and nothing was written.",
                    hint="Ask for fewer or coarser breakdowns (--by), or a longer exit window so fewer cells fall under the minimum.",
                )
            rounds += 1
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
            pick = pick.filter(pick["rank"] == 0).select("indicator", "cell").distinct()
            pick = materialize(pick)
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
