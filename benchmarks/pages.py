"""First paint of every dashboard page in headless Chromium (Debian's, through Playwright).

Starts the app on a free loopback port in this process (uvicorn, as `upward serve` does), then
opens each page twice in a fresh browser tab: the first visit computes the page's analysis
results (cold, except the default region's, which the server warms at start-up), the second
finds them cached (warm). Prints first paint, first contentful paint and time to first byte in
milliseconds, and the region page's figure against the ≤ 1 s target. Uses the atlas at
$UPWARD_DB (or the user data directory), built on first use.

    .venv/bin/python benchmarks/pages.py
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from pathlib import Path

PAGES = [
    ("region (default, warmed at start)", "/regions/houston"),
    ("home", "/"),
    ("occupation", "/regions/houston/occupations/29-1141"),
    ("pathways", "/regions/houston/pathways?from=31-1131"),
    ("programs", "/regions/houston/programs"),
    ("outcomes", "/outcomes"),
    ("compare", "/compare?area=houston&area=dallas&area=TX"),
    ("region (another state, cold)", "/regions/fresno"),
]
TARGET_MS = 1000

METRICS = """(() => {
  const p = Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime]));
  const n = performance.getEntriesByType('navigation')[0];
  return {fp: p['first-paint'], fcp: p['first-contentful-paint'], ttfb: n.responseStart};
})()"""


def main() -> int:
    import tempfile

    import uvicorn
    from playwright.sync_api import sync_playwright

    from upward import atlas
    from upward.web import Settings, create_app

    db = Path(os.environ["UPWARD_DB"]) if os.environ.get("UPWARD_DB") else atlas.default_path()
    if not atlas.is_current(db):
        print(f"building the atlas at {db} …", flush=True)
        atlas.connect(db).close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    hub = Path(tempfile.mkdtemp()) / "hub.duckdb"  # an empty hub: the outcomes page lists no run
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(db=db, hub=hub)), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    t0 = time.perf_counter()
    thread.start()
    while not server.started:
        time.sleep(0.02)
    print(f"server up in {time.perf_counter() - t0:.1f} s on 127.0.0.1:{port}; waiting 10 s for the start-up warm-up", flush=True)
    time.sleep(10)
    base = f"http://127.0.0.1:{port}"
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, url in PAGES:
            for visit in ("first", "second"):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(base + url, wait_until="load")
                page.wait_for_timeout(300)
                m = page.evaluate(METRICS)
                rows.append((name, visit, m))
                page.close()
        browser.close()
    server.should_exit = True
    thread.join(timeout=10)

    print(f"\n{'page':36} {'visit':7} {'first paint':>12} {'first contentful':>17} {'first byte':>11}")
    for name, visit, m in rows:
        print(f"{name:36} {visit:7} {m['fp'] or float('nan'):10.0f}ms {m['fcp'] or float('nan'):15.0f}ms {m['ttfb']:9.0f}ms")
    region = [m["fp"] for name, _, m in rows if name.startswith("region (default")]
    cold = [m["fp"] for name, v, m in rows if name.startswith("region (another") and v == "first"]
    print(f"\nregion page first paint: {region[0]:.0f} ms first visit, {region[1]:.0f} ms again "
          f"(target ≤ {TARGET_MS} ms: {'met' if max(region) <= TARGET_MS else 'MISSED'}); "
          f"a region nobody asked for before: {cold[0]:.0f} ms ({'met' if cold[0] <= TARGET_MS else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
