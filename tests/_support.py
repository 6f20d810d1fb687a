"""Assertions the source-reader tests share."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from upward.errors import SourceFormatError


def assert_names(exc: pytest.ExceptionInfo, path: Path, *, row: int | None, field: str | None) -> None:
    """The error is a SourceFormatError naming the file, and exactly this row and field."""
    err = exc.value
    assert isinstance(err, SourceFormatError)
    assert path.name in str(err)
    assert err.row == row
    assert err.field == field
    if row is not None:
        assert f"row {row}" in str(err)
    if field is not None:
        assert f"field '{field}'" in str(err)


def one(df: pd.DataFrame, **key) -> pd.Series:
    """The single row matching every key=value; fails unless there is exactly one."""
    mask = pd.Series(True, index=df.index)
    for col, value in key.items():
        mask &= df[col] == value
    rows = df[mask.fillna(False)]
    assert len(rows) == 1, key
    return rows.iloc[0]


@contextmanager
def api(settings):
    """A client of a fresh app. Not `with TestClient(...)`: the app's start-up tasks (the dashboard
    warming its default region in a background thread) are not what these tests test."""
    from fastapi.testclient import TestClient

    from upward.web import create_app

    app = create_app(settings)
    c = TestClient(app)
    try:
        yield c
    finally:
        c.close()
        app.state.atlas.close()
