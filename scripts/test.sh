#!/usr/bin/env bash
# Fresh machine → environment with the test tools, then the whole suite, slow tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
upward_system_packages libpango-1.0-0 libpangoft2-1.0-0 chromium poppler-utils
upward_venv test
# Tests build their own atlas in a temporary folder; never touch the user's.
export UPWARD_DB="$(mktemp -d)/atlas-test.duckdb"
exec .venv/bin/python -m pytest -m "slow or not slow" "$@"
