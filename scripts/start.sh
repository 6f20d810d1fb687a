#!/usr/bin/env bash
# Fresh machine → environment, atlas built from the bundled data, and the main job on the default region.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
upward_venv
region="${UPWARD_REGION:-Houston-Pasadena-The Woodlands, TX}"
.venv/bin/upward atlas build
.venv/bin/upward region "$region"
.venv/bin/upward quality --region "$region"
.venv/bin/upward jobs --region "$region" --top 15
