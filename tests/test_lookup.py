"""Resolution of what people type: every area and occupation by its own code and name, and no crash on anything."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upward.atlas.lookup import normalise, resolve_area, resolve_occupation
from upward.errors import AmbiguousError, UpwardError


def test_every_area_resolves_by_code_and_by_name(con):
    for code, name in con.execute("select area_code, area_name from areas").fetchall():
        assert resolve_area(con, code).code == code
        try:
            assert resolve_area(con, name).code == code
        except AmbiguousError as exc:  # a state sharing its name with metros lists itself first
            assert exc.candidates[0].startswith(code), name


def test_every_detailed_occupation_resolves_by_code_and_title(con):
    for code, title in con.execute("select occ_code, occ_title from occupations where level = 'detailed'").fetchall():
        assert resolve_occupation(con, code).code == code
        assert resolve_occupation(con, title).code == code, title


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=40))
def test_any_text_resolves_or_fails_with_a_message(con, text):
    for resolve in (resolve_area, resolve_occupation):
        try:
            r = resolve(con, text)
        except UpwardError as exc:
            assert exc.message
        else:
            assert r.code and r.name


@given(st.text(max_size=30))
def test_normalise_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)


@pytest.mark.parametrize("a, b", [("St. Louis", "st louis"), ("Houston–Pasadena", "houston-pasadena"), ("  New   York ", "new york")])
def test_normalise_ignores_case_dashes_periods_and_spacing(a, b):
    assert normalise(a) == normalise(b)
