#!/usr/bin/env bash
# Fresh machine → environment with the test tools, then the whole suite, slow tests included, in a
# random order (pytest-randomly prints the seed: `bash scripts/test.sh --randomly-seed=N` repeats that order,
# `-p no:randomly` keeps the file order).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
packages=(libpango-1.0-0 libpangoft2-1.0-0 chromium poppler-utils)
# Spark (the DuckDB-vs-Spark outcome tests) needs Java 17 or later: Debian's headless JRE, unless a
# java is already on PATH or JAVA_HOME names one
if ! command -v java >/dev/null && [ ! -x "${JAVA_HOME:-/nonexistent}/bin/java" ]; then packages+=(default-jre-headless); fi
upward_system_packages "${packages[@]}"
upward_venv test
# Tests build their own atlas in a temporary folder; never touch the user's.
export UPWARD_DB="$(mktemp -d)/atlas-test.duckdb"
exec .venv/bin/python -m pytest -m "slow or not slow" "$@"
