"""HTTP basics (issue 19 #2, #15): oversize input refused at once (414/422) in the API, the pages and
the CLI, before any name is resolved; OPTIONS with the real Allow; nosniff; no server banner; the
OpenAPI document declares the values `state`, `household` and `by` take."""

from __future__ import annotations


import pytest

from upward.web import Settings

from _support import api

TOKEN = "test-token-0123456789abcdef"




@pytest.fixture(scope="module")
def client(atlas_path, tmp_path_factory):
    with api(Settings(db=atlas_path, hub=tmp_path_factory.mktemp("http") / "hub.duckdb", token=TOKEN)) as c:
        yield c


@pytest.fixture
def no_lookup(monkeypatch):
    """Fail the test if a name is resolved or a suggestion computed."""
    from upward.atlas import lookup

    def refuse(*a, **k):
        raise AssertionError("a name was resolved for an oversize request")

    monkeypatch.setattr(lookup, "_closest", refuse)
    monkeypatch.setattr(lookup, "_word_matches", refuse)


def test_a_60000_character_path_is_414_before_any_lookup(client, no_lookup):
    for url in ("/api/v1/occupations/" + "a" * 60_000, "/api/v1/regions/" + "a" * 60_000 + "/jobs",
                "/api/v1/regions/houston/paths?from=" + "a" * 60_000):
        r = client.get(url)
        assert r.status_code == 414 and r.headers["content-type"] == "application/problem+json"
        assert "4,096" in r.json()["detail"] and r.headers["x-content-type-options"] == "nosniff"
    r = client.get("/regions/" + "a" * 60_000)
    assert r.status_code == 414 and r.headers["content-type"].startswith("text/html")


def test_a_name_over_the_limit_is_422_naming_the_limit_before_any_suggestion(client, no_lookup):
    r = client.get("/api/v1/occupations/" + "a" * 201)
    assert r.status_code == 422 and r.json()["detail"] == "The occupation is 201 characters long; Upward accepts at most 200."
    r = client.get("/api/v1/regions/" + "b" * 300 + "/jobs")
    assert r.status_code == 422 and "The area is 300 characters" in r.json()["detail"]
    r = client.get("/regions/" + "c" * 250)
    assert r.status_code == 422 and "at most 200" in r.text


def test_query_parameters_are_bounded_in_length_and_number(client, no_lookup):
    r = client.get("/api/v1/regions", params={"search": "x" * 201})
    assert r.status_code == 422 and "'search' is 201 characters" in r.json()["detail"]
    r = client.get("/regions/houston/pathways", params={"from": "y" * 500})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    r = client.get("/api/v1/regions?" + "&".join(f"p{i}=1" for i in range(65)))
    assert r.status_code == 422 and "65 query parameters" in r.json()["detail"]


def test_comparing_more_areas_than_the_limit_is_refused_everywhere(client, cli, no_lookup):
    many = [f"{i:07d}" for i in range(21)]
    assert client.get("/compare", params=[("area", a) for a in many]).status_code == 422
    assert client.get("/api/v1/compare", params=[("areas", a) for a in many]).status_code == 422
    rc, _, err = cli("compare", *many)
    assert rc == 2 and "at most 20" in err


def test_the_cli_refuses_an_oversize_name_with_a_clear_error(cli, no_lookup):
    rc, out, err = cli("occupation", "z" * 5000)
    assert rc == 2 and "5,000 characters long" in err and "at most 200" in err and not out


def test_suggestions_are_the_closest_names_in_order(con):
    """The suggestion scorer releases the GIL (rapidfuzz cdist); it must pick what extract picked."""
    from rapidfuzz import fuzz, process

    from upward.atlas.lookup import _closest

    names = [r[0] for r in con.execute("select area_name from areas order by area_code").fetchall()]
    for q in ("huston", "springfeld", "new yrok", "x" * 200):
        assert _closest(q, names) == [m[0] for m in process.extract(q, names, scorer=fuzz.WRatio, limit=3)]


def test_options_answers_with_the_methods_the_path_really_takes(atlas_path, tmp_path, client):
    r = client.options("/api/v1/programs/imports")
    assert r.status_code == 204 and r.headers["allow"] == "GET, POST, OPTIONS"
    assert client.options("/api/v1/outcomes/runs").headers["allow"] == "GET, POST, OPTIONS"
    assert client.options("/api/v1/regions/houston/jobs").headers["allow"] == "GET, OPTIONS"
    assert client.options("/api/v1/no-such-route").status_code == 404
    with api(Settings(db=atlas_path, hub=tmp_path / "hub.duckdb", read_only=True)) as ro:
        assert ro.options("/api/v1/programs/imports").headers["allow"] == "GET, OPTIONS"


def test_every_response_says_nosniff_and_names_no_server(client):
    for r in (client.get("/api/v1"), client.get("/api/v1/regions/nowhere-at-all"), client.get("/api/v1/no-such-route"),
              client.get("/"), client.get("/static/css/upward.css")):
        assert r.headers["x-content-type-options"] == "nosniff", r.url
        assert "server" not in r.headers


def test_upward_serve_runs_uvicorn_without_its_server_banner(cli, monkeypatch, tmp_path):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    rc, _, err = cli("serve", "--read-only", "--hub", str(tmp_path / "hub.duckdb"))
    seen["app"].state.atlas.close()
    assert rc == 0, err
    assert seen["server_header"] is False


def _param(doc, path, method, name):
    return next(p for p in doc["paths"][path][method]["parameters"] if p["name"] == name)


def _enum(schema):
    return next(b["enum"] for b in schema.get("anyOf", [schema]) if "enum" in b)


def test_the_openapi_document_declares_the_values_the_routes_take(client):
    doc = client.get("/api/v1/openapi.json").json()
    from upward.hub.runs import parse_by
    from upward.outcomes.schema import parse_by as parse_run_by

    households = _enum(_param(doc, "/api/v1/regions/{area}", "get", "household")["schema"])
    assert len(households) == 12
    for h in households:
        assert client.get("/api/v1/regions/0026420", params={"household": h, "top": 1}).status_code == 200, h
    assert client.get("/api/v1/regions/0026420", params={"household": "9A9C"}).status_code == 400
    states = _enum(_param(doc, "/api/v1/regions", "get", "state")["schema"])
    assert {"TX", "Texas", "PR", "Puerto Rico"} <= set(states)
    for s in states:
        assert client.get("/api/v1/regions", params={"state": s}).status_code == 200, s
    assert client.get("/api/v1/regions", params={"state": "Atlantis"}).status_code == 404  # an unknown name, as for areas (test_api)
    by_read = _enum(_param(doc, "/api/v1/outcomes/runs/{run_id}", "get", "by")["schema"])
    assert all(parse_by(b) is not None for b in by_read) and "sex,age_group" in by_read
    body = next(v for k, v in doc["components"]["schemas"].items() if k.startswith("Body_create_run"))
    by_run = _enum(body["properties"]["by"])
    assert all(parse_run_by(b) for b in by_run) and "all" in by_run


def test_compute_slots_cap_concurrent_work_and_let_a_thread_nest():
    """At most n requests compute at once (the rest wait off the interpreter lock, so the event loop
    answering cached requests is not starved); an answer built from another's takes one slot."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from upward.web.deps import ComputeSlots

    slots, inside, peak, lock = ComputeSlots(2), [0], [0], threading.Lock()

    def work(_):
        with slots():
            with slots():  # nested: no second slot, no deadlock
                with lock:
                    inside[0] += 1
                    peak[0] = max(peak[0], inside[0])
                threading.Event().wait(0.02)
                with lock:
                    inside[0] -= 1

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(24)))
    assert peak[0] == 2 and ComputeSlots(0).n >= 2
