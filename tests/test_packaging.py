"""The lock files agree with pyproject.toml: every exact pin there is the version locked, every
locked package carries its hashes, and the install scripts use the locks (scripts/lock.sh writes them)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503


def _pins(lines) -> dict[str, str]:
    out = {}
    for line in lines:
        m = PIN.match(line.strip())
        if m:
            out[_name(m.group(1))] = m.group(2)
    return out


def _lock(name: str) -> tuple[dict[str, str], str]:
    text = (ROOT / name).read_text(encoding="utf-8")
    return _pins(text.splitlines()), text


@pytest.fixture(scope="module")
def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_every_declared_dependency_is_an_exact_pin(project):
    declared = [*project["dependencies"], *(d for extra in project["optional-dependencies"].values() for d in extra)]
    loose = [d for d in declared if not PIN.match(d)]
    assert loose == []


@pytest.mark.parametrize("lock, groups", [("requirements.lock", ()), ("requirements-test.lock", ("test", "spark"))])
def test_locks_hold_the_pinned_versions(project, lock, groups):
    locked, text = _lock(lock)
    wanted = _pins(project["dependencies"])
    for g in groups:
        wanted |= _pins(project["optional-dependencies"][g])
    wanted |= _pins((ROOT / "scripts" / "build-tools.in").read_text(encoding="utf-8").splitlines())
    mismatched = {k: (v, locked.get(k)) for k, v in wanted.items() if locked.get(k) != v}
    assert mismatched == {}, f"{lock} is out of date with pyproject.toml: run bash scripts/lock.sh"
    # each locked requirement carries at least one sha256, so pip --require-hashes can check what it downloads
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    unhashed = [b.split()[0] for b in blocks if PIN.match(b) and "--hash=sha256:" not in b]
    assert unhashed == []
    assert len(locked) > len(wanted)  # the transitive dependencies are locked too


def test_the_test_lock_holds_everything_the_runtime_lock_does():
    runtime, _ = _lock("requirements.lock")
    test, _ = _lock("requirements-test.lock")
    assert {k: test.get(k) for k in runtime} == runtime


def test_the_install_scripts_use_the_locks():
    env = (ROOT / "scripts" / "env.sh").read_text(encoding="utf-8")
    assert "--require-hashes -r \"$lock\"" in env and "requirements-test.lock" in env and "--no-deps --no-build-isolation -e ." in env
    python = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert python == ">=3.11,<3.13" and "(3, 11), (3, 12)" in env
