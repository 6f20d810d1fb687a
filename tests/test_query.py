"""upward.atlas.query: exact sums give the same answer whatever order the rows arrive in."""

from __future__ import annotations

from decimal import Decimal

import duckdb
from hypothesis import given, settings, strategies as st

from upward.atlas.query import exact_sum

weights = st.floats(min_value=0, max_value=5e6, allow_nan=False).map(lambda x: round(x, 1))
levels = st.floats(min_value=0, max_value=7, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(weights, levels), min_size=1, max_size=300), st.randoms(use_true_random=False))
def test_an_exact_weighted_sum_does_not_depend_on_row_order(rows, rnd):
    """The skill landscape's and the dispersion measures' sums: the same rows in any order (and on
    several threads) give the same double, to the last bit."""
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    con = duckdb.connect(config={"threads": 4})
    answers = []
    for order in (rows, shuffled):
        con.execute("create or replace table t (w double, lv double)")
        con.executemany("insert into t values (?, ?)", order)
        answers.append(con.execute(f"select {exact_sum('w * lv')}, {exact_sum('w')} from t").fetchone())
    assert answers[0] == answers[1]
    # and it is the sum: within a part in 10^12 of the exact one (the last step, 18-decimal to double, rounds)
    exact = float(sum(Decimal(w) * Decimal(lv) for w, lv in rows))
    assert abs(answers[0][0] - exact) <= 1e-12 * max(1.0, abs(exact))
    assert abs(answers[0][1] - float(sum(Decimal(w) for w, _ in rows))) <= 1e-12 * max(1.0, sum(w for w, _ in rows))
