#!/usr/bin/env bash
# Fetch the dashboard's two JavaScript libraries from the npm registry and copy their minified
# builds and licenses into src/upward/web/static/vendor/ (committed: the dashboard makes no
# request outside the server it is served from). Run only to change a version; record it in
# docs/dashboard.md. `npm pack` checks each tarball against the registry's integrity hash.
set -euo pipefail
cd "$(dirname "$0")/.."
ECHARTS=6.1.0
CYTOSCAPE=3.34.4
dest=src/upward/web/static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "echarts@$ECHARTS" "cytoscape@$CYTOSCAPE" >/dev/null)
for pkg in echarts-$ECHARTS cytoscape-$CYTOSCAPE; do
  mkdir -p "$tmp/$pkg" && tar -xzf "$tmp/$pkg.tgz" -C "$tmp/$pkg"
done
mkdir -p "$dest"
cp "$tmp/echarts-$ECHARTS/package/dist/echarts.common.min.js" "$dest/echarts.common.min.js"  # line, bar, pie, scatter, aria: all the pages use
cp "$tmp/echarts-$ECHARTS/package/LICENSE" "$dest/echarts.LICENSE.txt"
cp "$tmp/echarts-$ECHARTS/package/NOTICE" "$dest/echarts.NOTICE.txt"
cp "$tmp/cytoscape-$CYTOSCAPE/package/dist/cytoscape.min.js" "$dest/cytoscape.min.js"
cp "$tmp/cytoscape-$CYTOSCAPE/package/LICENSE" "$dest/cytoscape.LICENSE.txt"
{
  echo "echarts $ECHARTS Apache-2.0 $(sha256sum "$dest/echarts.common.min.js" | cut -d' ' -f1)"
  echo "cytoscape $CYTOSCAPE MIT $(sha256sum "$dest/cytoscape.min.js" | cut -d' ' -f1)"
} > "$dest/VERSIONS.txt"
cat "$dest/VERSIONS.txt"
