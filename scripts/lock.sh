#!/usr/bin/env bash
# Regenerate the two lock files from the exact pins in pyproject.toml, with every transitive
# dependency pinned and hashed, for Python 3.11 and 3.12 on any platform (markers say where a
# package applies):
#   requirements.lock       what scripts/start.sh installs (Upward and its build tools)
#   requirements-test.lock  what scripts/test.sh installs (also the test and spark extras)
# Run after changing a pin in pyproject.toml; tests/test_packaging.py fails until the locks agree.
# uv resolves (it reads pyproject.toml and writes universal, hashed files); pip installs.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=0.13.8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV" 2>&1 | grep -v "is ignored: it is neither" >&2 || true
uv() { "$tmp/venv/bin/uv" "$@"; }
common=(--universal --python-version 3.11 --generate-hashes --quiet --custom-compile-command "bash scripts/lock.sh")
uv pip compile pyproject.toml scripts/build-tools.in "${common[@]}" -o requirements.lock
uv pip compile pyproject.toml scripts/build-tools.in --extra test --extra spark "${common[@]}" -o requirements-test.lock
wc -l requirements.lock requirements-test.lock
