#!/usr/bin/env bash
# Fresh machine → environment, atlas built from the bundled data, and the main job for the default
# region: its Jobs That Mobilize, the regional pathways report (HTML and PDF), then the dashboard.
#   UPWARD_REGION=fresno bash scripts/start.sh    another region
#   UPWARD_NO_SERVE=1 bash scripts/start.sh       stop after the report
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
upward_system_packages libpango-1.0-0 libpangoft2-1.0-0
upward_venv
region="${UPWARD_REGION:-Houston-Pasadena-The Woodlands, TX}"
port="${UPWARD_PORT:-8000}"
.venv/bin/upward atlas build
.venv/bin/upward jobs --region "$region" --top 15
slug="$(printf '%s' "$region" | tr '[:upper:]' '[:lower:]' | tr -cs 'a-z0-9' '-' | sed 's/^-//; s/-$//')"
mkdir -p reports
.venv/bin/upward report --region "$region" -o "reports/upward-$slug.html" -o "reports/upward-$slug.pdf"
echo "The report for $region is in $(pwd)/reports/ (upward-$slug.html and .pdf)."
if [ -n "${UPWARD_NO_SERVE:-}" ]; then exit 0; fi
echo "Dashboard: http://127.0.0.1:$port/ — press Ctrl-C to stop."
exec env UPWARD_REGION="$region" .venv/bin/upward serve --port "$port"
