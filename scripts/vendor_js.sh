#!/usr/bin/env bash
# Fetch the JavaScript libraries the dashboard and the API docs page use from the npm registry and
# copy their builds and licenses into src/upward/web/static/vendor/ (committed: no page makes a
# request outside the server it is served from). Run only to change a version; record it in
# docs/dashboard.md. `npm pack` checks each tarball against the registry's integrity hash.
set -euo pipefail
cd "$(dirname "$0")/.."
ECHARTS=6.1.0
CYTOSCAPE=3.34.4
SWAGGER_UI=5.36.0
dest=src/upward/web/static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "echarts@$ECHARTS" "cytoscape@$CYTOSCAPE" "swagger-ui-dist@$SWAGGER_UI" >/dev/null)
for pkg in echarts-$ECHARTS cytoscape-$CYTOSCAPE swagger-ui-dist-$SWAGGER_UI; do
  mkdir -p "$tmp/$pkg" && tar -xzf "$tmp/$pkg.tgz" -C "$tmp/$pkg"
done
mkdir -p "$dest" "$dest/swagger-ui"
cp "$tmp/echarts-$ECHARTS/package/dist/echarts.common.min.js" "$dest/echarts.common.min.js"  # line, bar, pie, scatter, aria: all the pages use
cp "$tmp/echarts-$ECHARTS/package/LICENSE" "$dest/echarts.LICENSE.txt"
cp "$tmp/echarts-$ECHARTS/package/NOTICE" "$dest/echarts.NOTICE.txt"
cp "$tmp/cytoscape-$CYTOSCAPE/package/dist/cytoscape.min.js" "$dest/cytoscape.min.js"
cp "$tmp/cytoscape-$CYTOSCAPE/package/LICENSE" "$dest/cytoscape.LICENSE.txt"
# the API's browsable docs (/api/v1/docs): the bundle, its stylesheet and icon, its license and the
# licenses of what the bundle contains
sw="$tmp/swagger-ui-dist-$SWAGGER_UI/package"
cp "$sw/swagger-ui-bundle.js" "$sw/swagger-ui.css" "$sw/favicon-32x32.png" "$dest/swagger-ui/"
cp "$sw/LICENSE" "$dest/swagger-ui/LICENSE.txt"
cp "$sw/NOTICE" "$dest/swagger-ui/NOTICE.txt"
cp "$sw/swagger-ui-bundle.js.LICENSE.txt" "$dest/swagger-ui/swagger-ui-bundle.js.LICENSE.txt"
# the bundle ends with a source-map comment naming a file that is not shipped: drop it, so the
# browser's developer tools ask for nothing that would answer 404
sed -i '$ s|//# sourceMappingURL=.*$||' "$dest/swagger-ui/swagger-ui-bundle.js"
sed -i '$ s|/\*# sourceMappingURL=.*\*/$||' "$dest/swagger-ui/swagger-ui.css"
{
  echo "echarts $ECHARTS Apache-2.0 $(sha256sum "$dest/echarts.common.min.js" | cut -d' ' -f1)"
  echo "cytoscape $CYTOSCAPE MIT $(sha256sum "$dest/cytoscape.min.js" | cut -d' ' -f1)"
  echo "swagger-ui-dist $SWAGGER_UI Apache-2.0 $(sha256sum "$dest/swagger-ui/swagger-ui-bundle.js" | cut -d' ' -f1)"
} > "$dest/VERSIONS.txt"
cat "$dest/VERSIONS.txt"
