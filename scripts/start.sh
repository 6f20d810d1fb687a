#!/usr/bin/env bash
# Fresh machine → environment, atlas built from the bundled data, and the main job for the default
# region: its Jobs That Mobilize, the regional pathways report (HTML and PDF), then the dashboard.
#   UPWARD_REGION=fresno bash scripts/start.sh    another region (any name or code `upward region` takes)
#   UPWARD_PORT=8080 bash scripts/start.sh        serve on another port (default 8000)
#   UPWARD_NO_SERVE=1 bash scripts/start.sh       stop after the report
# Needs apt-get (as root, or sudo) once, for the pango library the PDF report is drawn with.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
upward_system_packages libpango-1.0-0 libpangoft2-1.0-0
upward_venv
port="${UPWARD_PORT:-8000}"
.venv/bin/upward atlas build
# the setting may be a name ('fresno'): resolve it once (an unknown one stops here, with suggestions)
summary="$(.venv/bin/upward region "${UPWARD_REGION:-Houston-Pasadena-The Woodlands, TX}" --top 1 --json)"
read -r code name < <(printf '%s' "$summary" | .venv/bin/python -c 'import json, sys; a = json.load(sys.stdin)["area"]; print(a["area_code"], a["area_name"])')
echo "Region: $name ($code)."
.venv/bin/upward jobs --region "$code" --top 15
slug="$(printf '%s' "$name" | tr '[:upper:]' '[:lower:]' | tr -cs 'a-z0-9' '-' | sed 's/^-//; s/-$//')"
mkdir -p reports
.venv/bin/upward report --region "$code" -o "reports/upward-$slug.html" -o "reports/upward-$slug.pdf" >/dev/null
echo "The report for $name is in $(pwd)/reports/ (upward-$slug.html and .pdf)."
echo "To run the other commands: source .venv/bin/activate   (then: upward --help)"
if [ -n "${UPWARD_NO_SERVE:-}" ]; then exit 0; fi
echo "Dashboard: http://127.0.0.1:$port/ — press Ctrl-C to stop."
exec env UPWARD_REGION="$code" .venv/bin/upward serve --port "$port"
