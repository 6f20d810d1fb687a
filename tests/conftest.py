"""Shared fixtures: one atlas built from the committed bundle per test session, in a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def atlas_path(tmp_path_factory) -> Path:
    from upward.atlas.build import build

    return build(tmp_path_factory.mktemp("atlas") / "atlas.duckdb")


@pytest.fixture(scope="session")
def con(atlas_path):
    import duckdb

    c = duckdb.connect(str(atlas_path), read_only=True)
    yield c
    c.close()


@pytest.fixture
def cli(atlas_path, monkeypatch):
    """Run `upward …` in-process against the session atlas; returns (exit code, stdout, stderr)."""
    from typer.testing import CliRunner

    from upward.cli.main import app

    monkeypatch.setenv("UPWARD_DB", str(atlas_path))
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def run(*args: str):
        result = runner.invoke(app, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run
