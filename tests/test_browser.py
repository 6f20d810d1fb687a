"""The dashboard in a real browser: Debian's Chromium driven by Playwright (never `playwright install`).

Each page loads with no console error, no failed request and no request leaving 127.0.0.1, its
charts are drawn, and a screenshot is written to tests/artifacts/screenshots/ for review. The
pathway explorer answers a click on its graph; a CSV downloads; the region page's first paint is
recorded (and printed: the ≤ 1 s target is checked by benchmarks/pages.py, not here).
"""

from __future__ import annotations

import csv
import io
import socket
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent / "artifacts" / "screenshots"

PAGES = {
    "home": "/",
    "region": "/regions/houston",
    "occupation": "/regions/houston/occupations/29-1141",
    "pathways-form": "/regions/houston/pathways",
    "pathways": "/regions/houston/pathways?from=31-1131",
    "programs": "/regions/houston/programs",
    "programs-filtered": "/regions/houston/programs?cip=51&jtm=1",
    "outcomes": "/outcomes",
    "outcome-run": "/outcomes/1",
    "compare": "/compare?area=houston&area=dallas&area=TX",
    "compare-form": "/compare",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _store_synthetic_run(atlas_path, hub, folder) -> None:
    """A real outcomes run on synthetic people, stored in the hub as `upward outcomes` stores one and published
    (the dashboard shows published runs only): run 1."""
    from upward import atlas
    from upward.hub import runs
    from upward.outcomes.run import run
    from upward.outcomes.synth import generate

    con = atlas.connect(atlas_path)
    generate(con, folder, 300, 100, seed=5, state="TX", fmt="parquet")
    result = run(folder / "participants.parquet", folder / "wages", "2022Q3", "2023Q2", atlas_con=con, program_year=2022, by="sex,age_group")
    runs.publish(runs.save_run(result, hub, who="browser test")["run_id"], hub, who="browser test")
    con.close()


@pytest.fixture(scope="module")
def server(atlas_path, tmp_path_factory):
    import uvicorn

    from upward.web import Settings, create_app

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: the project's setup (scripts/test.sh) installs Debian's chromium.")
    hub = tmp_path_factory.mktemp("browser-hub") / "hub.duckdb"
    _store_synthetic_run(atlas_path, hub, tmp_path_factory.mktemp("browser-synth"))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(Settings(db=atlas_path, hub=hub)), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, name="upward-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


class Watch:
    """Everything that went wrong while a page loaded: console errors, page errors, failed or outside requests."""

    def __init__(self, page, base: str):
        self.problems: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url} {r.failure}"))
        page.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

        def request(r):
            self.requests.append(r.url)
            if not (r.url.startswith(base + "/") or r.url.startswith("data:")):
                self.problems.append(f"request leaving the server: {r.url}")

        page.on("request", request)


def _open(browser, base, url, width=1280):
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    watch = Watch(page, base)
    page.goto(base + url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, watch


def test_every_page_loads_cleanly_and_is_screenshotted(server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, url in PAGES.items():
        page, watch = _open(browser, server, url)
        charts = page.locator("[data-chart]").count()
        drawn = page.locator("[data-chart] canvas").count()
        assert drawn >= charts, (name, f"{drawn} of {charts} charts drawn")
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        assert not watch.problems, (name, watch.problems)
        assert all(u.startswith(server) or u.startswith("data:") for u in watch.requests)
        page.close()


def test_pages_are_usable_on_a_narrow_screen_and_by_keyboard(server, browser):
    for name in ("region", "pathways", "programs"):
        page, watch = _open(browser, server, PAGES[name], width=375)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (name, f"the page is {overflow}px wider than a 375px screen")
        page.screenshot(path=str(SHOTS / f"{name}-narrow.png"), full_page=True)
        assert not watch.problems, (name, watch.problems)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to the content"
        page.close()


@pytest.mark.parametrize("origin", ["31-1131", "35-3023"])  # one step to each target; pathways of three steps
def test_the_pathway_graph_fits_a_phone(server, browser, origin):
    """At 375 px every job of the graph, and its name, is inside the graph's box (nothing clipped)."""
    page, watch = _open(browser, server, f"/regions/houston/pathways?from={origin}", width=375)
    page.wait_for_function("window.upwardGraph && window.upwardGraph.nodes().length > 1")
    fit = page.evaluate("""(() => {
        const cy = window.upwardGraph, box = document.getElementById('graph');
        const bb = cy.elements().renderedBoundingBox({includeLabels: true});
        return {x1: bb.x1, y1: bb.y1, x2: bb.x2, y2: bb.y2, w: box.clientWidth, h: box.clientHeight, nodes: cy.nodes().length};
    })()""")
    assert fit["x1"] >= 0 and fit["y1"] >= 0 and fit["x2"] <= fit["w"] and fit["y2"] <= fit["h"], fit
    page.locator("#graph").screenshot(path=str(SHOTS / f"pathways-graph-375-{origin}.png"))
    assert not watch.problems, watch.problems
    page.close()


def test_pathway_explorer_answers_a_click(server, browser):
    page, watch = _open(browser, server, PAGES["pathways"])
    page.wait_for_function("window.upwardGraph && window.upwardGraph.edges().length > 0")
    assert page.locator("article.step:visible").count() == 0
    box = page.locator("#graph").bounding_box()
    edge = page.evaluate("(() => { const e = window.upwardGraph.edges()[0]; const p = e.renderedMidpoint(); return {id: e.id(), x: p.x, y: p.y}; })()")
    page.mouse.click(box["x"] + edge["x"], box["y"] + edge["y"])
    shown = page.locator("article.step:visible")
    shown.first.wait_for(state="visible", timeout=5000)
    assert shown.count() == 1 and shown.get_attribute("data-step") == edge["id"]
    assert "Skill gaps" in shown.inner_text() and "Programs here" in shown.inner_text()
    assert "step=" in page.url  # the shown step is in the URL, to share
    page.screenshot(path=str(SHOTS / "pathways-step.png"), full_page=True)
    # the same from the keyboard, through the list of steps
    links = page.locator("a.step-link")
    last = links.nth(links.count() - 1)
    key = last.get_attribute("data-step")
    last.focus()
    page.keyboard.press("Enter")
    page.locator(f'article.step[data-step="{key}"]').wait_for(state="visible")
    assert page.locator("article.step:visible").count() == 1
    # the shared URL opens on that step
    shared = browser.new_page()
    shared.goto(page.url, wait_until="load")
    assert shared.locator(f'article.step[data-step="{key}"]').is_visible()
    shared.close()
    assert not watch.problems, watch.problems
    page.close()


def test_api_docs_work_offline(server, browser):
    """/api/v1/docs is Swagger UI vendored from npm: it draws every route from the OpenAPI document
    and asks nothing of any other server (no CDN, no online validator)."""
    page, watch = _open(browser, server, "/api/v1/docs")
    page.locator(".opblock").first.wait_for(state="visible", timeout=20000)
    shown = page.locator(".opblock").count()
    import json
    import urllib.request

    with urllib.request.urlopen(server + "/api/v1/openapi.json") as r:  # noqa: S310 - the local test server
        spec = json.load(r)
    assert shown == sum(len(item) for item in spec["paths"].values()) >= 28
    assert "Upward" in page.locator(".info .title").inner_text()
    page.screenshot(path=str(SHOTS / "api-docs.png"), full_page=False)
    assert any("/static/vendor/swagger-ui/swagger-ui-bundle.js" in u for u in watch.requests)
    assert not watch.problems, watch.problems  # includes any request leaving 127.0.0.1
    page.close()


def test_a_csv_downloads(server, browser):
    page, watch = _open(browser, server, PAGES["region"])
    with page.expect_download() as got:
        page.locator('a.csv[href*="csv=jtms"]').click()
    d = got.value
    assert d.suggested_filename == "upward-region-0026420-jtms.csv"
    rows = list(csv.DictReader(io.StringIO(Path(d.path()).read_text(encoding="utf-8"))))
    assert len(rows) == 74 and rows[0]["occ_code"] and rows[0]["profile_hash"]
    assert not watch.problems, watch.problems
    page.close()


def test_region_first_paint_is_recorded(server, browser):
    page, watch = _open(browser, server, PAGES["region"])
    paints = page.evaluate("Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime]))")
    nav = page.evaluate("(e => ({ttfb: e.responseStart, dcl: e.domContentLoadedEventEnd}))(performance.getEntriesByType('navigation')[0])")
    assert "first-paint" in paints and "first-contentful-paint" in paints
    print(f"\nregion page: first paint {paints['first-paint']:.0f} ms, first contentful paint {paints['first-contentful-paint']:.0f} ms, "
          f"time to first byte {nav['ttfb']:.0f} ms, DOM ready {nav['dcl']:.0f} ms")
    assert not watch.problems, watch.problems
    page.close()
