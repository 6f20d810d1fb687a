"""No test leaves a secret in the process environment for the tests after it (issue 20, item 7)."""

from __future__ import annotations

import ast
from pathlib import Path

HERE = Path(__file__).parent


def test_no_test_writes_os_environ_directly():
    """`os.environ[...] = …` outlives the test that wrote it (an upload test then found a hash key it
    must not have); tests set variables with monkeypatch, which undoes them."""
    offenders = []
    for path in sorted(HERE.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []
            for t in targets:
                if isinstance(t, ast.Subscript) and ast.unparse(t.value) == "os.environ":
                    offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
