"""The REST API: every route, its errors as problem details, auth and read-only mode, uploads, the
response cache, concurrency, and the identity of its JSON with the CLI's `--json` for the same question."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from upward.web import Settings

from _support import api

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PROBLEM = "application/problem+json"




@pytest.fixture(scope="module")
def read_hub(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("api-read") / "hub.duckdb"  # never created: reading makes no hub


@pytest.fixture(scope="module")
def client(atlas_path, read_hub):
    with api(Settings(db=atlas_path, hub=read_hub, token=TOKEN)) as c:
        yield c


@pytest.fixture
def writer(atlas_path, tmp_path):
    hub = tmp_path / "hub" / "hub.duckdb"
    with api(Settings(db=atlas_path, hub=hub, token=TOKEN)) as c:
        c.hub = hub
        yield c


def ok(r, status=200):
    assert r.status_code == status, r.text
    return r.json()


def problem(r, status):
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


# --- every read route ----------------------------------------------------------------------


def test_index_profile_and_atlas(client):
    i = ok(client.get("/api/v1"))
    assert i["version"] == 1 and i["writes"] == "bearer token" and i["profile"]["name"] == "default" and i["data"]["bundle"]
    p = ok(client.get("/api/v1/profile"))
    assert p["profile"]["hash"] == i["profile"]["hash"] and p["settings"]["living_wage"]["household"]
    a = ok(client.get("/api/v1/atlas"))
    assert a["meta"]["atlas_fingerprint"] == i["atlas_fingerprint"] and a["onet_coverage"]["national_share"] > 0.9


def test_regions_summary_quality_and_indicators(client):
    rows = ok(client.get("/api/v1/regions", params={"search": "springfield", "type": "metro"}))
    assert len(rows) >= 4 and all("Springfield" in r["area_name"] and r["area_type"] == "metro" for r in rows)
    assert {r["state_abbr"] for r in ok(client.get("/api/v1/regions", params={"state": "TX"}))} == {"TX"}
    s = ok(client.get("/api/v1/regions/houston", params={"household": "1A2C", "top": 3}))
    assert s["area"]["area_code"] == "0026420" and "houston" in s["resolved"] and s["living_wage"]["household"] == "1A2C"
    assert len(s["largest_occupations"]) == 3
    q = ok(client.get("/api/v1/regions/0026420/quality"))
    assert q["area"]["area_code"] == "0026420" and q["employment_by_tier"] and q["profile"]["hash"]
    ind = ok(client.get("/api/v1/indicators", params={"type": "state"}))
    assert len(ind["areas"]) >= 50 and ind["household"] and all(a["area_type"] == "state" for a in ind["areas"])


def test_jobs_explain_compare_and_skills(client):
    j = ok(client.get("/api/v1/regions/houston/jobs", params={"top": 5}))
    assert j["area"]["area_code"] == "0026420" and j["lens"] == "jtm" and 0 < len(j["jobs"]) <= 5 and j["jtm_count"] >= len(j["jobs"])
    assert j["profile"]["name"] == "default" and len(j["profile"]["hash"]) == 12
    o = ok(client.get("/api/v1/regions/houston/jobs", params={"lens": "opportunity", "all": "true"}))
    assert len(o["jobs"]) == o["scored_occupations"]
    e = ok(client.get("/api/v1/regions/houston/jobs/49-9041/explain"))
    assert e["occupation"]["occ_code"] == "49-9041" and e["pillars"] and "jtm" in e
    c = ok(client.get("/api/v1/compare", params=[("areas", "houston"), ("areas", "dallas"), ("areas", "TX")]))
    assert [a["area_code"] for a in c["areas"]] == ["0026420", "0019100", "4800000"]
    assert ok(client.get("/api/v1/compare", params={"areas": "houston,dallas"}))["areas"][1]["area_code"] == "0019100"
    sk = ok(client.get("/api/v1/regions/houston/skills"))
    assert sk["area"]["area_code"] == "0026420" and sk["elements"] and sk["resolved"]


def test_occupations_similar_and_benchmark(client):
    o = ok(client.get("/api/v1/occupations/registered%20nurses", params={"region": "26420"}))
    assert o["occupation"]["occ_code"] == "29-1141" and o["area"]["area_code"] == "0026420" and o["wages"]["tot_emp"] > 0
    assert ok(client.get("/api/v1/occupations/29-1141.01"))["occupation"]["occ_code"] == "29-1141"  # O*NET-SOC rolls up
    s = ok(client.get("/api/v1/occupations/29-1141/similar", params={"top": 3}))
    assert s["soc"] == "29-1141" and len(s["similar"]) == 3 and "facet_skills" in s["similar"][0]
    b = ok(client.get("/api/v1/occupations/29-1141/benchmark"))
    assert b["occupation"]["occ_code"] == "29-1141" and b["area"] is None and b["elements"]
    b = ok(client.get("/api/v1/occupations/29-1141/benchmark", params={"region": "houston"}))
    assert b["area"]["area_code"] == "0026420" and b["ratings"] == 0
    r = client.get("/api/v1/occupations/29-1141/benchmark/sheet", params={"region": "houston", "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="ratings-29-1141-0026420.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and {row["soc"] for row in rows} == {"29-1141"} and rows[0]["rating"] == ""
    x = client.get("/api/v1/occupations/29-1141/benchmark/sheet", params={"region": "houston"})
    assert x.status_code == 200 and x.content[:2] == b"PK"  # xlsx by default


def test_pathways_next_and_feeders(client):
    p = ok(client.get("/api/v1/regions/fresno/paths", params={"from": "31-1131", "to": "29-1141", "max_steps": 2}))
    assert p["schema"] == "upward.pathways/2" and p["from"]["soc"] == "31-1131" and p["to"]["soc"] == "29-1141"
    assert p["pathways"] and all(s["to"] for path in p["pathways"] for s in path["steps"])
    n = ok(client.get("/api/v1/regions/houston/next", params={"from": "cashiers", "top": 4}))
    assert n["from"]["soc"] == "41-2011" and len(n["next_steps"]) == 4
    f = ok(client.get("/api/v1/regions/houston/feeders/29-2034", params={"top": 5}))
    assert f["occupation"]["soc"] == "29-2034" and 0 < len(f["feeders"]) <= 5


def test_programs_alignment_gaps_bridges_and_history(client):
    p = ok(client.get("/api/v1/regions/houston/programs", params={"soc": "29-1141", "cip": "513801"}))
    assert p["programs"] and all("29-1141" in r["occupations"] and r["cip_code"].startswith("51.3801") for r in p["programs"])
    a = ok(client.get("/api/v1/regions/houston/programs/alignment"))
    assert a["programs"] > 0 and a["occupations"] and "phase_out_candidates" in a
    g = ok(client.get("/api/v1/regions/houston/programs/gaps"))
    assert set(g) == {"area", "profile", "gaps", "no_training_gap", "duplicates", "notes", "data"} and g["gaps"] == a["gaps"]
    assert g["no_training_gap"] == a["no_training_gap"] and "Not counted" in g["notes"][0]
    b = ok(client.get("/api/v1/regions/houston/programs/bridges", params={"from": "31-1131", "to": "29-2061"}))
    assert b["programs"] >= len(b["bridges"]) > 0
    assert ok(client.get("/api/v1/programs/imports")) == []
    assert ok(client.get("/api/v1/outcomes/runs")) == []


def test_names_with_slashes_commas_and_spaces_resolve_when_url_encoded(client):
    r = ok(client.get("/api/v1/regions/Louisville%2FJefferson%20County%2C%20KY-IN/jobs", params={"top": 1}))
    assert r["area"]["area_code"] == "0031140"
    r = ok(client.get("/api/v1/regions/Houston-Pasadena-The%20Woodlands%2C%20TX/quality", params={"top": 1}))
    assert r["area"]["area_code"] == "0026420"


# --- identity with the CLI -----------------------------------------------------------------


@pytest.mark.parametrize(
    "args, url, params",
    [
        (["jobs", "--region", "houston"], "/api/v1/regions/houston/jobs", {}),
        (["paths", "--from", "nursing assistants", "--region", "fresno", "HUB"], "/api/v1/regions/fresno/paths", {"from": "nursing assistants"}),
        (["occupation", "29-1141", "--region", "houston"], "/api/v1/occupations/29-1141", {"region": "houston"}),
        (["programs", "align", "--region", "houston", "HUB"], "/api/v1/regions/houston/programs/alignment", {}),
        (["feeders", "29-2034", "--region", "houston"], "/api/v1/regions/houston/feeders/29-2034", {}),
        (["similar", "registered nurses", "--top", "5"], "/api/v1/occupations/registered%20nurses/similar", {"top": 5}),
        (["programs", "list", "--region", "houston", "--soc", "29-1141", "HUB"], "/api/v1/regions/houston/programs", {"soc": "29-1141"}),
        (["region", "houston", "--household", "1A2C"], "/api/v1/regions/houston", {"household": "1A2C"}),
        (["compare", "houston", "dallas"], "/api/v1/compare", [("areas", "houston"), ("areas", "dallas")]),
    ],
    ids=["jobs", "paths", "occupation", "alignment", "feeders", "similar", "programs", "region", "compare"],
)
def test_the_api_answers_exactly_what_the_cli_prints(cli, client, read_hub, args, url, params):
    args = [a for a in args if a != "HUB"] + (["--hub", str(read_hub)] if "HUB" in args else [])
    rc, stdout, stderr = cli(*args, "--json")
    assert rc == 0, stderr
    assert ok(client.get(url, params=params)) == json.loads(stdout)


# --- errors ---------------------------------------------------------------------------------


def test_unknown_and_ambiguous_names_are_problems_with_suggestions_and_candidates(client):
    p = problem(client.get("/api/v1/regions/huston/jobs"), 404)
    assert p["param"] == "area" and "Houston-Pasadena-The Woodlands, TX" in p["suggestions"] and p["hint"] and "CBSA" in p["accepted"]
    p = problem(client.get("/api/v1/regions/springfield"), 409)
    assert p["param"] == "area" and len(p["candidates"]) >= 4 and p["hint"]
    p = problem(client.get("/api/v1/occupations/nurse%20astronaut"), 404)
    assert p["param"] == "soc" and p["suggestions"] and "SOC code" in p["accepted"]
    p = problem(client.get("/api/v1/regions/houston/paths", params={"from": "99-9999"}), 404)
    assert p["param"] == "from"
    p = problem(client.get("/api/v1/occupations/29-1141", params={"region": "springfield"}), 409)
    assert p["param"] == "region"


def test_bad_parameters_are_422_or_400_problems(client):
    p = problem(client.get("/api/v1/regions/houston/jobs", params={"lens": "vibes", "top": 0}), 422)
    assert {e["where"] for e in p["errors"]} == {"query.lens", "query.top"} and p["hint"]
    problem(client.get("/api/v1/regions/houston/paths"), 422)  # `from` is required
    problem(client.get("/api/v1/regions", params={"type": "galaxy"}), 422)
    p = problem(client.get("/api/v1/regions/houston", params={"household": "9A9C"}), 400)
    assert "1A2C" in p["hint"]
    p = problem(client.get("/api/v1/regions", params={"state": "Atlantis"}), 404)  # an unknown name, as for areas: with the closest
    assert "Closest:" in p["hint"]
    problem(client.get("/api/v1/compare", params={"areas": "houston"}), 400)
    problem(client.get("/api/v1/outcomes/runs/1", params={"by": "shoe_size"}), 400)
    problem(client.get("/api/v1/outcomes/runs/1"), 404)
    problem(client.get("/api/v1/nowhere"), 404)
    problem(client.post("/api/v1/regions"), 405)


# --- writes: auth, read-only, uploads -------------------------------------------------------

WRITES = [
    ("/api/v1/programs/imports", {"file": ("mine.csv", b"provider_id\n", "text/csv")}),
    ("/api/v1/programs/imports/1/rollback", None),
    ("/api/v1/occupations/29-1141/benchmark/ratings", {"file": ("r.csv", b"soc\n", "text/csv")}),
    ("/api/v1/outcomes/runs", {"participants": ("p.csv", b"a\n", "text/csv"), "wages": ("w.csv", b"a\n", "text/csv")}),
]


@pytest.mark.parametrize("url, files", WRITES, ids=["import", "rollback", "ratings", "outcomes"])
def test_every_write_needs_the_token(atlas_path, tmp_path, client, url, files):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}, {"Authorization": TOKEN}):
        r = client.post(url, files=files, headers=headers)
        p = problem(r, 401)
        assert r.headers["www-authenticate"].startswith("Bearer") and "Authorization: Bearer" in p["hint"]
    with api(Settings(db=atlas_path, hub=tmp_path / "hub.duckdb")) as no_token:
        p = problem(no_token.post(url, files=files, headers=AUTH), 403)
        assert "UPWARD_API_TOKEN" in p["hint"]
    assert not (tmp_path / "hub.duckdb").exists()


def test_a_read_only_server_offers_no_write_route(atlas_path, tmp_path):
    with api(Settings(db=atlas_path, hub=tmp_path / "hub.duckdb", token=TOKEN, read_only=True)) as c:
        for url, files in WRITES:
            assert c.post(url, files=files, headers=AUTH).status_code in (404, 405)
        spec = c.get("/api/v1/openapi.json").json()
        assert not [(p, m) for p, ops in spec["paths"].items() for m in ops if m == "post"]
        assert ok(c.get("/api/v1"))["writes"] == "off (read-only server)"
        assert ok(c.get("/api/v1/programs/imports")) == []


def test_uploads_are_checked_for_size_and_type_before_anything_is_read(atlas_path, tmp_path):
    with api(Settings(db=atlas_path, hub=tmp_path / "hub.duckdb", token=TOKEN, max_upload_bytes=1000)) as c:
        p = problem(c.post("/api/v1/programs/imports", files={"file": ("big.csv", b"x" * 2000, "text/csv")}, headers=AUTH), 413)
        assert "1,000" in p["detail"]

        def chunked():  # no Content-Length: counted as it arrives
            yield b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
            yield from (b"x" * 100 for _ in range(30))
            yield b"\r\n--B--\r\n"

        r = c.post("/api/v1/programs/imports", content=chunked(), headers={**AUTH, "Content-Type": "multipart/form-data; boundary=B"})
        assert "1,000" in problem(r, 413)["hint"]
        p = problem(c.post("/api/v1/programs/imports", files={"file": ("mine.txt", b"x", "text/plain")}, headers=AUTH), 415)
        assert ".csv" in p["hint"]
        problem(c.post("/api/v1/programs/imports", json={"file": "mine.csv"}, headers=AUTH), 415)
        problem(c.post("/api/v1/outcomes/runs", files={"participants": ("p.xlsx", b"x"), "wages": ("w.csv", b"x")},
                       data={"exit_from": "2022Q1", "exit_to": "2022Q4"}, headers=AUTH), 415)
        problem(c.post("/api/v1/outcomes/runs", files={"participants": ("p.csv", b"x"), "wages": ("w.csv", b"x")},
                       data={"exit_from": "2022-01", "exit_to": "2022Q4"}, headers=AUTH), 422)
    assert not (tmp_path / "hub.duckdb").exists()


def _template(cli) -> bytes:
    rc, text, _ = cli("programs", "template")
    assert rc == 0
    return text.encode()


def test_import_dry_run_history_and_rollback(cli, writer):
    data = _template(cli)
    county = next(csv.DictReader(io.StringIO(data.decode())))["county_fips"]
    dry = ok(writer.post("/api/v1/programs/imports", files={"file": ("mine.csv", data, "text/csv")}, data={"dry_run": "true"}, headers=AUTH))
    assert dry["dry_run"] and len(dry["new_programs"]) == 2 and dry["file"] == "mine.csv" and not writer.hub.exists()
    before = ok(writer.get(f"/api/v1/regions/{county}/programs"))
    done = ok(writer.post("/api/v1/programs/imports", files={"file": ("mine.csv", data, "text/csv")}, data={"who": "ana"}, headers=AUTH), 201)
    assert done["import_id"] == 1 and done["who"] == "ana" and done["file"] == "mine.csv"  # the client's name, not the server's path
    assert [p.read_bytes() for p in (writer.hub.parent / "uploads").rglob("mine.csv")] == [data]  # kept beside the hub
    after = ok(writer.get(f"/api/v1/regions/{county}/programs"))  # the cached answer is not served: the hub changed
    assert {r["program_id"] for r in after["programs"]} - {r["program_id"] for r in before["programs"]} == set(done["new_programs"])
    p = problem(writer.post("/api/v1/programs/imports", files={"file": ("again.csv", data, "text/csv")}, headers=AUTH), 409)
    assert "byte-identical" in p["detail"]
    history = ok(writer.get("/api/v1/programs/imports", headers=AUTH))
    assert [(h["import_id"], h["who"], h["status"], h["file"]) for h in history] == [(1, "ana", "active", "mine.csv")]
    assert [set(h) & {"who", "rolled_back_by"} for h in ok(writer.get("/api/v1/programs/imports"))] == [set()]  # who: token holders only
    rolled = ok(writer.post("/api/v1/programs/imports/1/rollback", data={"who": "bo"}, headers=AUTH))
    assert rolled["status"] == "rolled_back" and rolled["rolled_back_by"] == "bo"
    problem(writer.post("/api/v1/programs/imports/1/rollback", headers=AUTH), 409)
    problem(writer.post("/api/v1/programs/imports/9/rollback", headers=AUTH), 404)


def test_a_bad_inventory_is_422_with_file_row_and_field_and_no_server_path(cli, writer):
    bad = _template(cli).replace(b"51.3801", b"99.9999")
    p = problem(writer.post("/api/v1/programs/imports", files={"file": ("bad.csv", bad, "text/csv")}, headers=AUTH), 422)
    assert p["errors"] == [{"file": "bad.csv", "row": 2, "field": "cip_code", "reason": p["errors"][0]["reason"]}]
    assert "upward-upload" not in json.dumps(p) and str(writer.hub.parent) not in json.dumps(p)
    p = problem(writer.post("/api/v1/programs/imports", files={"file": ("empty.csv", b"", "text/csv")}, headers=AUTH), 422)
    assert not writer.hub.exists() and not writer.hub.parent.exists()  # a failed first import leaves nothing


def test_employer_ratings_upload_changes_the_regional_benchmark(writer):
    sheet = writer.get("/api/v1/occupations/29-1141/benchmark/sheet", params={"region": "houston", "format": "csv"}).text
    rows = list(csv.DictReader(io.StringIO(sheet)))
    rows[0].update(rating="raise", proposed_level=str(min(7.0, float(rows[0]["onet_level"]) + 1)), rater="Ana Ruiz", organisation="Memorial Hermann")
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    data = out.getvalue().encode()
    files = {"file": ("rated.csv", data, "text/csv")}
    dry = ok(writer.post("/api/v1/occupations/29-1141/benchmark/ratings", params={"region": "houston"}, files=files, data={"dry_run": "true"}, headers=AUTH))
    assert dry["dry_run"] and dry["rows"] == 1 and dry["changes"] and not writer.hub.exists()
    p = problem(writer.post("/api/v1/occupations/29-1141/benchmark/ratings", params={"region": "dallas"}, files=files, headers=AUTH), 422)
    assert p["errors"][0]["row"] == 2
    done = ok(writer.post("/api/v1/occupations/29-1141/benchmark/ratings", params={"region": "houston"}, files=files, data={"who": "ana"}, headers=AUTH), 201)
    assert done["import_id"] == 1 and done["who"] == "ana"
    b = ok(writer.get("/api/v1/occupations/29-1141/benchmark", params={"region": "houston"}))
    assert b["ratings"] == 1
    problem(writer.post("/api/v1/occupations/29-1141/benchmark/ratings", params={"region": "houston"}, files=files, headers=AUTH), 409)


# --- outcome runs: no participant identifier ever leaves --------------------------------------


@pytest.fixture(scope="module")
def synthetic(con, tmp_path_factory):
    from upward.outcomes.synth import generate

    out = tmp_path_factory.mktemp("synth")
    generate(con, out, 300, 200, seed=7, state="TX", fmt="csv")
    return out


def test_an_uploaded_run_is_kept_and_no_identifier_appears_in_any_response(writer, synthetic):
    import pandas as pd

    ids = set(pd.read_csv(synthetic / "participants.csv", dtype=str)["person_id"])
    ids |= set(pd.concat(pd.read_csv(f, dtype=str) for f in (synthetic / "wages").glob("*.csv"))["person_id"])
    assert len(ids) >= 300
    files = [("participants", ("participants.csv", (synthetic / "participants.csv").read_bytes(), "text/csv"))]
    files += [("wages", (f"{f.name}", f.read_bytes(), "text/csv")) for f in sorted((synthetic / "wages").glob("*.csv"))]
    files += [("manifest", ("SYNTHETIC.json", (synthetic / "SYNTHETIC.json").read_bytes(), "application/json"))]
    responses = []
    r = writer.post("/api/v1/outcomes/runs", files=files, data={"exit_from": "2022Q1", "exit_to": "2023Q2", "by": "sex", "who": "ana"}, headers=AUTH)
    run = ok(r, 201)
    responses.append(r.text)
    assert r.headers["location"] == "/api/v1/outcomes/runs/1" and run["run_id"] == 1 and run["synthetic"] and "SYNTHETIC" in run["note"]
    assert run["records"] and all(set(x) == {"indicator", "group", "numerator", "denominator", "value", "suppressed"} for x in run["records"])
    assert all(x["numerator"] is None and x["value"] is None for x in run["records"] if x["suppressed"])
    assert all(x["denominator"] >= run["min_cell"] for x in run["records"] if not x["suppressed"])
    for url in ("/api/v1/outcomes/runs", "/api/v1/outcomes/runs/1", "/api/v1/outcomes/runs/1?by=sex", "/api/v1/outcomes/runs/1?by=overall"):
        r = writer.get(url, headers=AUTH)  # a stored run is the operator's until published (tests/test_disclosure.py)
        assert r.status_code == 200
        responses.append(r.text)
    assert {tuple(x["group"]) for x in writer.get("/api/v1/outcomes/runs/1?by=sex", headers=AUTH).json()["records"]} == {("sex",)}
    # a file with bad rows: 422 naming file, row and field, no value of the row
    rows = list(csv.DictReader(io.StringIO((synthetic / "participants.csv").read_text())))
    rows[1]["exit_date"] = "2022-13-45"
    text = io.StringIO()
    w = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    files[0] = ("participants", ("participants.csv", text.getvalue().encode(), "text/csv"))
    r = writer.post("/api/v1/outcomes/runs", files=files[:-1], data={"exit_from": "2022Q1", "exit_to": "2023Q2"}, headers=AUTH)
    assert "UPWARD_HASH_KEY" in problem(r, 400)["detail"]  # without the manifest the files are not synthetic: no key, no reading
    responses.append(r.text)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UPWARD_HASH_KEY", "a-secret-key-of-the-agency-0123")
        r = writer.post("/api/v1/outcomes/runs", files=files[:-1], data={"exit_from": "2022Q1", "exit_to": "2023Q2"}, headers=AUTH)
    p = problem(r, 422)
    assert p["errors"][0] == {"file": "participants.csv", "row": 2, "field": "exit_date", "reason": p["errors"][0]["reason"]}
    responses.append(r.text)
    leaked = [i for i in ids for text in responses if i in text]
    assert not leaked, leaked[:5]
    # and nothing of a person is in the hub either
    import duckdb

    c = duckdb.connect(str(writer.hub), read_only=True)
    try:
        dump = json.dumps([c.execute(f"select * from {t}").fetchall() for t in ("outcome_runs", "outcome_records")], default=str)
    finally:
        c.close()
    assert not [i for i in ids if i in dump]
    assert not list(Path(writer.hub.parent).rglob("*.csv"))  # participant files are never kept


# --- the response cache, ETags, concurrency, CORS, OpenAPI ------------------------------------


def test_identical_questions_are_answered_from_the_cache_with_an_etag(client):
    url = "/api/v1/regions/0026420/jobs?top=2&lens=good-promising"
    first, second = client.get(url), client.get(url)
    assert first.json() == second.json() and second.headers["upward-cache"] == "hit"
    etag = first.headers["etag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url + "&top=3").headers["upward-cache"] == "miss"


def test_concurrent_first_requests_build_a_region_graph_once(atlas_path, read_hub, monkeypatch):
    """Six first questions about a region at once: its pathway graph is built once, and every answer is right."""
    from upward.analysis import pathways as pathways_mod

    builds = []
    real = pathways_mod.scored_table  # called by pathways.region() only when it builds a graph

    def counting(con, profile, area_codes=None):
        builds.append(tuple(area_codes or ()))
        threading.Event().wait(0.2)  # widen the window two builders would share
        return real(con, profile, area_codes)

    pathways_mod._CACHE.clear()  # no graph built yet
    monkeypatch.setattr(pathways_mod, "scored_table", counting)
    urls = [f"/api/v1/regions/0012420/next?from={soc}&top=3" for soc in ("41-2011", "35-2014", "43-4051")] * 2
    with api(Settings(db=atlas_path, hub=read_hub, response_cache=0)) as c:
        barrier = threading.Barrier(len(urls))

        def get(url):
            barrier.wait(timeout=60)
            return c.get(url)

        with ThreadPoolExecutor(len(urls)) as pool:
            results = list(pool.map(get, urls))
    assert all(r.status_code == 200 for r in results), [r.text for r in results if r.status_code != 200]
    assert builds == [("0012420",)]
    assert results[0].json() == results[3].json() and results[0].json()["from"]["soc"] == "41-2011"


def test_the_hub_lock_lets_readers_share_and_a_writer_wait():
    from upward.web.deps import SharedExclusiveLock

    lock, log = SharedExclusiveLock(), []

    def writer():
        with lock.exclusive():
            log.append("w")

    with lock.shared(), lock.shared():  # two readers hold it at once
        t = threading.Thread(target=writer)
        t.start()
        # wait for a state, not a time: the writer has queued (bounded, so a broken lock fails instead of hanging)
        deadline = time.monotonic() + 30
        while lock._waiting_writers == 0:
            assert time.monotonic() < deadline, "the writer never queued"
            time.sleep(0.001)
        assert log == []  # queued behind the readers, not in
        assert lock.acquire_shared(blocking=False) is False  # and a new reader waits behind the queued writer
    t.join(30)
    assert not t.is_alive() and log == ["w"]  # the readers left, so the writer went in and out
    assert lock.acquire_shared(blocking=False) is True  # and readers are welcome again
    lock.release_shared()


def test_cors_is_off_by_default_and_on_for_configured_origins(client, atlas_path, read_hub):
    r = client.get("/api/v1/regions?state=TX", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    with api(Settings(db=atlas_path, hub=read_hub, cors_origins=("https://board.example",))) as c:
        r = c.get("/api/v1/regions?state=TX", headers={"Origin": "https://board.example"})
        assert r.headers["access-control-allow-origin"] == "https://board.example"
        assert "access-control-allow-origin" not in c.get("/api/v1", headers={"Origin": "https://evil.example"}).headers


def test_the_openapi_document_describes_every_route(client):
    spec = ok(client.get("/api/v1/openapi.json"))
    ops = [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]
    assert len(ops) >= 28
    for path, method, op in ops:
        assert path.startswith("/api/v1"), path
        assert op.get("summary") and op.get("description"), (path, method)
        for param in op.get("parameters", []):
            assert param.get("description"), (path, param["name"])
        if method == "get" and "sheet" not in path:
            content = op["responses"]["200"]["content"]["application/json"]
            assert "example" in content, (path, "no example")
        if method == "post":
            assert op.get("security"), path
            assert {"401", "403"} <= set(op["responses"]), path
    assert spec["components"]["securitySchemes"]


def test_examples_have_the_keys_of_real_answers(client):
    """The OpenAPI examples were taken from real answers; they must not drift from what the routes return."""
    from upward.web.api._examples import EXAMPLES

    real = {
        "jobs": "/api/v1/regions/houston/jobs?top=1", "paths": "/api/v1/regions/fresno/paths?from=31-1131&top=1",
        "occupation": "/api/v1/occupations/29-1141", "region": "/api/v1/regions/houston", "feeders": "/api/v1/regions/houston/feeders/29-2034?top=1",
        "alignment": "/api/v1/regions/houston/programs/alignment", "quality": "/api/v1/regions/houston/quality?top=1",
    }  # fmt: skip
    for name, url in real.items():
        assert set(EXAMPLES[name]) == set(ok(client.get(url))), name


def test_an_edited_profile_file_is_picked_up_and_every_answer_records_it(atlas_path, read_hub, tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text('name = "board"\n[living_wage]\nhousehold = "1A0C"\n')
    with api(Settings(db=atlas_path, hub=read_hub, profile=mine)) as c:
        first = ok(c.get("/api/v1/profile"))
        assert first["profile"]["name"] == "board" and first["settings"]["living_wage"]["household"] == "1A0C"
        q = ok(c.get("/api/v1/regions/houston/quality", params={"top": 1}))
        assert q["profile"] == first["profile"] and q["household"] == "1A0C"
        mine.write_text('name = "board"\n[living_wage]\nhousehold = "1A2C"\n')
        import os

        os.utime(mine, ns=(mine.stat().st_atime_ns, mine.stat().st_mtime_ns + 10**9))
        second = ok(c.get("/api/v1/profile"))
        assert second["profile"]["hash"] != first["profile"]["hash"] and second["settings"]["living_wage"]["household"] == "1A2C"
        assert ok(c.get("/api/v1/regions/houston/quality", params={"top": 1}))["household"] == "1A2C"


def test_upward_serve_prints_the_url_and_serves_the_app(cli, monkeypatch, tmp_path):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    monkeypatch.setenv("UPWARD_API_TOKEN", TOKEN)
    rc, out, err = cli("serve", "--port", "8123", "--read-only", "--hub", str(tmp_path / "hub.duckdb"), "--max-upload-mb", "2")
    try:
        assert rc == 0, err
        assert "http://127.0.0.1:8123/" in out and "/api/v1/docs" in out and "read-only" in err
        s = seen["app"].state.settings
        assert (seen["host"], seen["port"]) == ("127.0.0.1", 8123) and s.read_only and s.max_upload_bytes == 2 * 1024 * 1024
    finally:
        seen["app"].state.atlas.close()
    rc, out, err = cli("serve", "--host", "0.0.0.0", "--port", "8124")
    seen["app"].state.atlas.close()
    assert rc == 0 and "Bearer" in err and "other machines can reach" in err
