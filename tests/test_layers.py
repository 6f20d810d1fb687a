"""Data flows one way: sources → bundle → atlas → analysis → faces (cli, web, report).

The hub is data a face reads and hands to analysis (upward.hub.HubData); analysis never imports
the hub, so the old circle (analysis.skills ↔ the hub's rating code, analysis.programs reading the hub)
cannot come back. The check reads every module's import statements, including imports inside
functions, so a lazy import cannot hide one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import upward

SRC = Path(upward.__file__).parent


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def _layer_imports(layer: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    bad = {}
    for path in sorted((SRC / layer).rglob("*.py")):
        hits = sorted(m for m in _imports(path) if m in forbidden or m.startswith(tuple(f + "." for f in forbidden)))
        if hits:
            bad[str(path.relative_to(SRC))] = hits
    return bad


def test_analysis_never_imports_the_hub_or_a_face():
    assert _layer_imports("analysis", ("upward.hub", "upward.cli", "upward.web", "upward.report")) == {}


def test_the_checker_sees_an_import_inside_a_function(tmp_path):
    """The check would catch the circle as it was: a lazy `from upward.hub.ratings import ratings`."""
    (tmp_path / "m.py").write_text("def f():\n    from upward.hub.ratings import ratings\n    from upward import hub\n")
    assert {"upward.hub.ratings", "upward.hub"} <= _imports(tmp_path / "m.py")


FACES = ("upward.cli", "upward.web", "upward.report")


def test_sources_and_bundle_read_official_files_only():
    """Readers of official files know nothing of what is built from them."""
    later = ("upward.atlas", "upward.analysis", "upward.hub", "upward.outcomes", *FACES)
    assert _layer_imports("sources", later) == {}
    assert _layer_imports("bundle", later) == {}


def test_the_atlas_and_the_title_coder_never_import_analysis_the_hub_or_a_face():
    """The atlas is built from the bundle and read by everything after it, so its helpers (query,
    provenance, lookup) live below analysis; the title coder reads the atlas's vocabulary only."""
    later = ("upward.analysis", "upward.hub", "upward.outcomes", *FACES)
    assert _layer_imports("atlas", later) == {}
    assert _layer_imports("titles", later) == {}
