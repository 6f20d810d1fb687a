"""The dashboard pages: each answers with the CLI's numbers, downloads its tables as CSV, names
its data releases and profile, refers to nothing outside the server, and turns unknown names
into a friendly page with suggestions."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from upward.web import Settings, create_app

STATIC = Path(__file__).resolve().parents[1] / "src" / "upward" / "web" / "static"

#: URLs inside the vendored libraries that are names, not requests: XML namespace identifiers
#: (how SVG is written) and the license texts' addresses in their header comments.
VENDOR_URL_NAMES = {
    "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink", "http://www.w3.org/2000/xmlns/", "http://www.w3.org/XML/1998/namespace",
    "http://www.apache.org/licenses/LICENSE-2.0", "https://github.com/ecomfe/zrender/blob/master/LICENSE",
    "http://en.wikipedia.org/wiki/MIT_License", "http://engelschall.com", "http://opensource.org/licenses/MIT",
}


@pytest.fixture(scope="module")
def client(atlas_path, tmp_path_factory):
    from fastapi.testclient import TestClient

    hub = tmp_path_factory.mktemp("pages-hub") / "hub.duckdb"
    return TestClient(create_app(Settings(db=atlas_path, hub=hub)))


@pytest.fixture(scope="module")
def cli_json(atlas_path):
    """`upward … --json` in-process against the session atlas."""
    from typer.testing import CliRunner

    from upward.cli.main import app

    def run(*args: str):
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("UPWARD_DB", str(atlas_path))
            result = CliRunner().invoke(app, [*args, "--json"], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    return run


class Page(HTMLParser):
    """What the tests read from a page: links, script and style sources, form controls, labels, CSV links."""

    def __init__(self, html: str):
        super().__init__()
        self.refs: list[str] = []
        self.controls: list[dict] = []
        self.labels: set[str] = set()
        self.csv: list[str] = []
        self.h1 = ""
        self._in_h1 = False
        self.lang = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        for key in ("href", "src", "action", "poster", "data"):
            if a.get(key) is not None:
                self.refs.append(a[key])
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a)
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag == "a" and a.get("href") and "csv=" in a["href"]:
            self.csv.append(a["href"])
        if tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1 += data


PAGES = [
    "/",
    "/regions/houston",
    "/regions/houston/occupations/29-1141",
    "/regions/houston/pathways",
    "/regions/houston/pathways?from=31-1131",
    "/regions/houston/programs",
    "/compare?area=houston&area=dallas&area=TX",
    "/outcomes",
]


@pytest.fixture(scope="module")
def pages(client):
    out = {}
    for url in PAGES:
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:500])
        assert r.headers["content-type"].startswith("text/html")
        out[url] = r
    return out


def test_every_page_states_releases_profile_and_loads_nothing_from_outside(pages, client):
    from upward import profiles

    prof = profiles.load(None)
    for url, r in pages.items():
        html = r.text
        assert f"<code>{prof.hash}</code>" in html and prof.name in html, url
        assert "May 2025 (published 2026-05-15)" in html and "O*NET 29.3" in html, url  # the OEWS and O*NET releases
        assert not re.search(r"https?://", html), (url, re.findall(r"https?://\S{0,60}", html))
        page = Page(html)
        assert page.lang == "en"
        for ref in page.refs:
            assert ref.startswith(("/", "#", "?", "data:")), (url, ref)
        for c in page.controls:  # every control has a label
            assert c.get("id") in page.labels or c.get("aria-label"), (url, c)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp


def test_static_files_refer_to_nothing_outside(client):
    files = [p for p in STATIC.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"echarts.common.min.js", "cytoscape.min.js", "echarts.LICENSE.txt", "cytoscape.LICENSE.txt", "upward.css", "charts.js", "pathways.js"}
    # Swagger UI's bundle names hundreds of URLs (specifications, RFCs, examples) it never requests;
    # that the docs page asks nothing of another server is checked in a real browser
    # (tests/test_browser.py) and enforced by its Content-Security-Policy (below)
    for p in (f for f in files if f.parent.name != "swagger-ui"):
        text = p.read_text(encoding="utf-8", errors="replace")
        urls = set(re.findall(r"https?://[^\s\"'`)<>\\]+", text))
        if p.parent.name == "vendor":
            if p.suffix == ".js":
                assert urls <= VENDOR_URL_NAMES, (p.name, urls - VENDOR_URL_NAMES)
        else:
            assert not urls, (p.name, urls)
            assert "@import" not in text and "url(" not in text, p.name
        r = client.get(f"/static/{p.relative_to(STATIC).as_posix()}")
        assert r.status_code == 200 and r.content == p.read_bytes()
    assert client.get("/static/../pages/__init__.py").status_code == 404
    assert client.get("/static/%2e%2e/pages/__init__.py").status_code == 404


def test_vendored_versions_are_recorded(client):
    versions = (STATIC / "vendor" / "VERSIONS.txt").read_text().split("\n")
    import hashlib

    files = {"echarts": "echarts.common.min.js", "cytoscape": "cytoscape.min.js", "swagger-ui-dist": "swagger-ui/swagger-ui-bundle.js"}
    licenses = {"echarts": "echarts.LICENSE.txt", "cytoscape": "cytoscape.LICENSE.txt", "swagger-ui-dist": "swagger-ui/LICENSE.txt"}
    names = set()
    for line in filter(None, versions):
        name, version, license_, digest = line.split()
        names.add(name)
        assert hashlib.sha256((STATIC / "vendor" / files[name]).read_bytes()).hexdigest() == digest
        assert version in (Path(__file__).resolve().parents[1] / "docs" / "dashboard.md").read_text()
        assert license_ in (STATIC / "vendor" / licenses[name]).read_text(encoding="utf-8") or license_ == "Apache-2.0"
    assert names == set(files)


def test_api_docs_page_is_vendored_and_locked_down(client):
    """The browsable API docs load Swagger UI from this server only; the CSP allows nothing else."""
    r = client.get("/api/v1/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert not re.search(r"https?://", r.text), re.findall(r"https?://\S{0,60}", r.text)
    page = Page(r.text)
    assert all(ref.startswith("/static/vendor/swagger-ui/") for ref in page.refs), page.refs
    assert '"validatorUrl": null' in r.text  # no badge that sends the document to swagger.io
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    for ref in page.refs:
        assert client.get(ref).status_code == 200, ref
    assert "/api/v1/docs" not in client.get("/api/v1/openapi.json").json()["paths"]


def test_region_page_has_the_cli_numbers(pages, cli_json):
    html = pages["/regions/houston"].text
    jobs = cli_json("jobs", "--region", "houston", "--top", "100")
    quality = cli_json("quality", "--region", "houston")
    assert jobs["jtm_count"] == 74 and jobs["jobs"]
    top = jobs["jobs"][0]
    assert f"{jobs['jtm_count']} Jobs That Mobilize, ranked" in html
    assert f'Top: <a href="/regions/0026420/occupations/{top["occ_code"]}">{escape(top["occ_title"])}</a>' in html
    i = quality["indicators"]
    assert f"{i['living_wage_median_share']:.0%}" in html and f"${i['living_wage']:,.0f}" in html
    for t in quality["employment_by_tier"]:
        assert f"{t['employment']:,.0f}" in html
    low = quality["largest_low_quality"][0]
    assert escape(low["occ_title"]) in html
    skills = cli_json("skills", "--region", "houston")
    assert escape(skills["elements"][0]["element_name"]) in html
    # the chart data is embedded as JSON, with the same numbers
    data = json.loads(re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S).group(1))
    assert data["charts"]["c-tiers"]["series"][0]["data"] == [t["employment"] for t in quality["employment_by_tier"]]
    assert data["charts"]["c-indicators"]["series"][0]["data"][0] == pytest.approx(i["living_wage_median_share"])


def test_region_csv_downloads_parse_and_match(client, pages, cli_json):
    jobs = cli_json("jobs", "--region", "houston", "--top", "100")
    page = Page(pages["/regions/houston"].text)
    assert {re.search(r"csv=(\w+)", h).group(1) for h in page.csv} == {"people", "indicators", "dimensions", "tiers", "jtms", "asked", "ladder", "jtm_compare", "low_quality", "skills"}
    r = client.get("/regions/houston?csv=jtms")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="upward-region-0026420-jtms.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == jobs["jtm_count"]
    assert [r["occ_code"] for r in rows] == [j["occ_code"] for j in jobs["jobs"]]
    assert float(rows[0]["composite"]) == pytest.approx(jobs["jobs"][0]["composite"])
    assert rows[0]["profile_hash"] == jobs["profile"]["hash"] and rows[0]["bundle"] == jobs["data"]["bundle"]
    skills = list(csv.DictReader(io.StringIO(client.get("/regions/houston?csv=skills").text)))
    assert len(skills) == 68  # every element, though the page shows 15
    ladder = list(csv.DictReader(io.StringIO(client.get("/regions/houston?csv=ladder").text)))
    assert len(ladder) == jobs["career_ladder_count"] == 12 and all(r["ladder_kind"] in ("manager", "first-line supervisor") for r in ladder)
    compare = list(csv.DictReader(io.StringIO(client.get("/regions/houston?csv=jtm_compare").text)))
    assert [r["area_name"] for r in compare] == ["Texas", "National"]
    assert client.get("/regions/houston?csv=nope").status_code == 404


def test_every_table_of_every_page_downloads(client, pages):
    for url, r in pages.items():
        for href in Page(r.text).csv:
            got = client.get(href.replace("&amp;", "&"))
            assert got.status_code == 200, href
            rows = list(csv.reader(io.StringIO(got.text)))
            assert rows and rows[0][-3:] == ["profile_name", "profile_hash", "bundle"], href
            assert all(len(row) == len(rows[0]) for row in rows), href


def _living_wage_share(con, area_code: str, living_wage: float) -> float:
    """The share of jobs in occupations whose median pays the living wage, straight from the OEWS cells
    (detailed occupations with a published or top-coded median), independently of the analysis code."""
    paid, known = con.execute(
        """select sum(w.tot_emp) filter (where coalesce(w.a_median, case when w.a_median_top_coded then 1e12 end) >= ?),
                  sum(w.tot_emp) filter (where w.a_median is not null or w.a_median_top_coded)
           from wages w join occupations o using (occ_code)
           where w.area_code = ? and o.level = 'detailed' and w.tot_emp is not null""",
        [living_wage, area_code],
    ).fetchone()
    return paid / known


def test_home_page(pages, cli_json, con):
    html = pages["/"].text
    assert '<form class="search" action="/find" method="get" role="search">' in html
    cmp = cli_json("compare", "national", "houston", "--top", "1")
    nation, houston = cmp["areas"]
    assert "New York-Newark-Jersey City, NY-NJ" in html and "Houston-Pasadena-The Woodlands, TX" in html
    # BLS OEWS May 2025: 155,495,730 jobs in the nation (hand-checked in the official file, as in test_atlas)
    assert "155,495,730" in html
    # the nation's living-wage share, recomputed from the OEWS cells and the living wage the page shows
    shown_lw = float(re.search(r"0000000</td>.*?<td[^>]*>[\d,]+</td>\s*<td[^>]*>\$([\d,]+)</td>", html, re.S).group(1).replace(",", ""))
    assert shown_lw == round(nation["living_wage"])
    # a metro's share recomputed from its OEWS cells and its one living wage; the nation's is summed
    # over its areas, each against its own living wage (checked in test_living_wage), and shown as computed
    expected = _living_wage_share(con, "0026420", houston["living_wage"])
    assert houston["living_wage_median_share"] == pytest.approx(expected)
    assert f"<td class=\"num\">{nation['living_wage_median_share']:.0%}</td>" in html
    assert escape(houston["top_jtms"][0]["occ_title"]) in html


def test_find_resolves_like_the_cli(client):
    r = client.get("/find?q=houston", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/regions/0026420"
    r = client.get("/find?q=26420", follow_redirects=False)
    assert r.headers["location"] == "/regions/0026420"
    r = client.get("/find?q=springfield")  # ambiguous: the candidates, each a link
    assert r.status_code == 200 and "Springfield, IL" in r.text and 'href="/regions/0044100"' in r.text
    r = client.get("/regions/springfield")
    assert r.status_code == 300 and "Which one?" in r.text and 'href="/regions/0044100"' in r.text


def test_unknown_region_is_a_friendly_404_with_suggestions(client):
    r = client.get("/regions/huston")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "No area matches &#39;huston&#39;" in r.text or "No area matches 'huston'" in r.text
    assert "Did you mean" in r.text and "Houston-Pasadena-The Woodlands, TX" in r.text
    assert "Traceback" not in r.text
    r = client.get("/find?q=huston")
    assert r.status_code == 404 and "Houston-Pasadena-The Woodlands, TX" in r.text
    r = client.get("/regions/houston/occupations/nurrses")
    assert r.status_code == 404 and "/regions/0026420/occupations/" in r.text


def test_occupation_page(pages, cli_json):
    html = pages["/regions/houston/occupations/29-1141"].text
    # BLS OEWS May 2025, Houston, registered nurses (hand-checked in the official file, as in test_atlas);
    # BLS Employment Projections: a bachelor's degree is their typical entry education
    for official in ("65,910", "$99,830", "$81,890"):
        assert official in html, official
    assert "Bachelor&#39;s degree" in html or "Bachelor's degree" in html
    p = cli_json("occupation", "29-1141", "--region", "houston")
    w = p["wages"]
    assert "Registered Nurses" in html
    for k in ("a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90"):
        assert f"${w[k]:,.0f}" in html
    assert f"{w['tot_emp']:,.0f}" in html
    assert escape(p["education"]["typical_education"]) in html
    bench = cli_json("benchmark", "29-1141", "--region", "houston")
    assert all(escape(e["element_name"]) in html for e in bench["elements"])
    sim = cli_json("similar", "29-1141", "--top", "10")
    assert all(escape(s["title"]) in html for s in sim["similar"])
    assert "programs in Houston-Pasadena-The Woodlands, TX that train for it" in html


def test_pathway_explorer(client, pages, cli_json, con):
    html = pages["/regions/houston/pathways"].text
    assert '<label for="from">' in html and 'list="occupations"' in html
    assert "Fast Food and Counter Workers" in html  # quick picks: the largest low-quality occupations
    html = pages["/regions/houston/pathways?from=31-1131"].text
    r = cli_json("paths", "--from", "31-1131", "--region", "houston")
    best = r["pathways"][0]
    assert f"<strong>→ {escape(best['target_title'])}</strong>" in html
    data = json.loads(re.search(r'id="page-data">(.*?)</script>', html, re.S).group(1))
    g = data["graph"]
    ids = {n["id"] for n in g["nodes"]}
    assert "31-1131" in ids and all(e["source"] in ids and e["target"] in ids for e in g["edges"])
    first = best["steps"][0]
    edge = next(e for e in g["edges"] if e["id"] == f"{first['from']}>{first['to']}")
    assert edge["change"] == pytest.approx(first["pay"]["change_pct"])
    assert f"about {best['years']:.1f} years" in html and "nobody is promised it" in html
    # the pay change of a step is the ratio of the two occupations' Houston medians in the OEWS cells
    median = dict(con.execute("select occ_code, a_median from wages where area_code = '0026420' and occ_code in (?, ?)",
                              [first["from"], first["to"]]).fetchall())
    assert edge["change"] == pytest.approx(median[first["to"]] / median[first["from"]] - 1, abs=5e-5)  # rounded to four places
    origin = next(n for n in g["nodes"] if n["id"] == "31-1131")
    tot_emp = con.execute("select tot_emp from wages where area_code = '0026420' and occ_code = '31-1131'").fetchone()[0]
    assert origin["origin"] and origin["tier"] == "low" and origin["employment"] == tot_emp
    # every step has its details (skill gaps, benchmark, programs), hidden until chosen
    assert html.count('<article class="step"') == len({f"{s['from']}>{s['to']}" for p in r["pathways"] for s in p["steps"]})
    # a shared URL opens with the step shown
    key = f"{first['from']}>{first['to']}"
    shared = client.get("/regions/houston/pathways", params={"from": "31-1131", "step": key}).text
    assert f'<article class="step" data-step="{escape(key)}" aria-labelledby' in shared
    rows = list(csv.DictReader(io.StringIO(client.get("/regions/houston/pathways?from=31-1131&csv=steps").text)))
    assert len(rows) == sum(p["step_count"] for p in r["pathways"])
    bad = client.get("/regions/houston/pathways?from=31-1131&max_steps=9")
    assert bad.status_code == 400 and "max_steps must be between 1 and 6" in bad.text
    bad = client.get("/regions/houston/pathways?from=31-1131&rank=cheapest")
    assert bad.status_code == 400 and "Unknown ranking" in bad.text
    fast = client.get("/regions/houston/pathways?from=31-1131&rank=fastest").text
    assert '<option value="fastest" selected>' in fast


def test_programs_page_and_filters(client, pages, cli_json, con):
    html = pages["/regions/houston/programs"].text
    a = cli_json("programs", "align", "--region", "houston")
    assert f"{a['programs']:,}" in html and f"{a['aligned_to_jtm']:,}" in html
    # the scan is every open program of a provider placed in the area (the page's hub holds no import yet)
    count, providers = con.execute(
        """select count(*), count(distinct p.provider_id) from programs p join program_providers pr using (provider_id)
           where pr.area_code = '0026420' and not coalesce(pr.closed, false)""").fetchone()
    assert (a["programs"], a["providers"]) == (count, providers)
    assert escape(a["gaps"][0]["occ_title"]) in html
    rows = list(csv.DictReader(io.StringIO(client.get("/regions/houston/programs?csv=scan").text)))
    assert len(rows) == a["programs"]
    gaps = list(csv.DictReader(io.StringIO(client.get("/regions/houston/programs?csv=gaps").text)))
    assert [g["occ_code"] for g in gaps] == [g["occ_code"] for g in a["gaps"]]
    nursing = list(csv.DictReader(io.StringIO(client.get("/regions/houston/programs?cip=51.38&csv=scan").text)))
    assert nursing and all(r["cip_code"].startswith("51.38") for r in nursing)
    jtm = list(csv.DictReader(io.StringIO(client.get("/regions/houston/programs?jtm=1&csv=alignment").text)))
    assert len(jtm) == sum(1 for o in a["occupations"] if o["jtm"]) and all(r["jtm"] == "true" for r in jtm)
    lst = cli_json("programs", "list", "--region", "houston", "--soc", "29-1141")
    by_soc = list(csv.DictReader(io.StringIO(client.get("/regions/houston/programs?soc=29-1141&csv=scan").text)))
    assert {r["program_id"] for r in by_soc} == {p["program_id"] for p in lst["programs"]}


def test_compare_page(client, pages, cli_json):
    html = pages["/compare?area=houston&area=dallas&area=TX"].text
    cmp = cli_json("compare", "houston", "dallas", "TX")
    for a in cmp["areas"]:
        assert escape(a["area_name"]) in html and f"${a['real_median_wage']:,.0f}" in html
    form = client.get("/compare")
    assert form.status_code == 200 and '<label for="area0">Area 1</label>' in form.text


def test_outcomes_pages_show_suppressed_cells_as_suppressed(atlas_path, tmp_path):
    """A real run of the outcomes engine on synthetic data, stored in a hub, shown by the pages."""
    from fastapi.testclient import TestClient

    from upward import atlas
    from upward.hub import runs
    from upward.outcomes.run import run
    from upward.outcomes.synth import generate

    con = atlas.connect(atlas_path)
    generate(con, tmp_path / "synth", 300, 100, seed=3, state="TX", fmt="parquet")
    result = run(tmp_path / "synth" / "participants.parquet", tmp_path / "synth" / "wages", "2022Q3", "2023Q2",
                 atlas_con=con, program_year=2022, by="sex")
    hub = tmp_path / "hub.duckdb"
    saved = runs.save_run(result, hub, who="test")
    client = TestClient(create_app(Settings(db=atlas_path, hub=hub)))
    assert client.get(f"/outcomes/{saved['run_id']}").status_code == 404  # stored is not published: the pages are public
    assert f'href="/outcomes/{saved["run_id"]}"' not in client.get("/outcomes").text
    runs.publish(saved["run_id"], hub, who="test")
    listing = client.get("/outcomes")
    assert listing.status_code == 200 and f'href="/outcomes/{saved["run_id"]}"' in listing.text
    r = client.get(f"/outcomes/{saved['run_id']}")
    assert r.status_code == 200
    html = r.text
    assert "Synthetic data:" in html
    records = result["records"]
    suppressed = [x for x in records if x["suppressed"]]
    shown = [x for x in records if not x["suppressed"] and x["value"] is not None and not x["group"]]
    assert suppressed, "the synthetic run should suppress some small cells"
    cells = list(csv.DictReader(io.StringIO(client.get(f"/outcomes/{saved['run_id']}?csv=records").text)))
    assert len(cells) == len(records)
    for c in cells:
        if c["suppressed"] == "true":
            assert c["value"] == c["numerator"] == c["denominator"] == ""
    assert html.count(">suppressed<") >= 1
    first = shown[0]
    assert f"{first['numerator']:,} of {first['denominator']:,}" in html
    data = json.loads(re.search(r'id="page-data">(.*?)</script>', html, re.S).group(1))
    chart = data["charts"]["c-employment_rate_q2-sex"]
    assert any(chart["suppressed"]) and all(v is None for v, s in zip(chart["series"][0]["data"], chart["suppressed"]) if s)
    assert client.get("/outcomes/999").status_code == 404
    assert client.get("/outcomes/abc").status_code == 404


def test_shutdown_stops_the_warm_up_cleanly(atlas_path, tmp_path):
    """Leaving the app while its warm-up thread is mid-query interrupts the query and waits for the
    thread: a process exiting under a running DuckDB query in another thread would abort."""
    import threading

    from fastapi.testclient import TestClient

    from upward.web import Settings, create_app

    app = create_app(Settings(db=atlas_path, hub=tmp_path / "hub.duckdb"))
    with TestClient(app) as client:
        assert client.get("/").status_code == 200
    assert not any(t.name == "upward-pages-warm" and t.is_alive() for t in threading.enumerate())
    app.state.atlas.close()


def test_people_dimensions_and_beyond_pay(client, cli_json):
    """The region page's people and by-group tables, the by-industry view and the occupation page's
    dimensions: the same numbers as `upward people`, `upward dimensions` and `upward occupation --json`."""
    people = cli_json("people", "--region", "houston")
    html = client.get("/regions/houston").text
    assert 'id="people-h"' in html and 'id="dim-h"' in html
    nohs = next(m for m in people["measures"] if m["measure"] == "no_hs_diploma")
    assert f"{nohs['estimate']:,.0f}" in html
    rows = list(csv.DictReader(io.StringIO(client.get("/regions/houston?csv=people").text)))
    assert [r["measure"] for r in rows] == [m["measure"] for m in people["measures"] + people["context"]]
    assert float(rows[0]["moe"]) == pytest.approx(nohs["moe"])
    dims = cli_json("dimensions", "--region", "houston", "--by", "industry")
    r = client.get("/regions/houston/dimensions?by=industry")
    assert r.status_code == 200 and "by industry" in r.text
    got = list(csv.DictReader(io.StringIO(client.get("/regions/houston/dimensions?by=industry&csv=dimensions").text)))
    assert [g["group_code"] for g in got] == [g["group_code"] for g in dims["groups"]]
    occ = cli_json("occupation", "47-2111", "--region", "houston")["dimensions"]
    html = client.get("/regions/houston/occupations/47-2111").text
    assert "Beyond pay" in html and "90.0 of 100" in html and f"{occ['equity']['women_share']:.1%}" in html
    pr = client.get("/regions/7200000").text
    assert "Puerto Rico and the territories are not in the file" in pr
