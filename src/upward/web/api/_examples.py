"""Response examples for the OpenAPI document: real answers from the bundled atlas, lists shortened.

Regenerate after a change to what a route returns (a test checks their keys against real answers):

    UPWARD_DB=/tmp/atlas.duckdb python -m upward.web.api._examples

It writes `examples.json` beside this module: package data (pyproject's package-data), loaded at
import. Data, not code: it is never imported as Python and a diff of it reads as a diff of answers.
"""

from __future__ import annotations

from pathlib import Path

_DATA = Path(__file__).with_name("examples.json")


def _load() -> dict:
    import json

    try:
        return json.loads(_DATA.read_text(encoding="utf-8"))
    except FileNotFoundError:  # not generated yet: the document just has no examples
        return {}


EXAMPLES: dict = _load()

_READS = {
    "index": "/api/v1", "profile": "/api/v1/profile", "atlas": "/api/v1/atlas",
    "regions": "/api/v1/regions?search=springfield&type=metro", "indicators": "/api/v1/indicators?type=state",
    "compare": "/api/v1/compare?areas=houston&areas=dallas&top=2", "region": "/api/v1/regions/houston?top=2",
    "quality": "/api/v1/regions/houston/quality?top=2", "jobs": "/api/v1/regions/houston/jobs?top=2",
    "explain": "/api/v1/regions/houston/jobs/49-9041/explain", "skills": "/api/v1/regions/houston/skills",
    "occupation": "/api/v1/occupations/29-1141?region=houston&top=2", "similar": "/api/v1/occupations/29-1141/similar?top=2",
    "benchmark": "/api/v1/occupations/29-1141/benchmark?region=houston", "paths": "/api/v1/regions/fresno/paths?from=31-1131&top=2",
    "next": "/api/v1/regions/houston/next?from=41-2011&top=2", "feeders": "/api/v1/regions/houston/feeders/29-2034?top=2",
    "programs": "/api/v1/regions/houston/programs?soc=29-1141", "alignment": "/api/v1/regions/houston/programs/alignment",
    "gaps": "/api/v1/regions/houston/programs/gaps", "bridges": "/api/v1/regions/houston/programs/bridges?from=31-1131&to=29-2061&top=2",
    "outcome_indicators": "/api/v1/outcomes/indicators",
    "changes": "/api/v1/regions/national/changes?from=2024&to=2025&top=2",
    "people": "/api/v1/regions/houston/people", "dimensions": "/api/v1/regions/houston/dimensions?by=major-group",
    "titles": "/api/v1/titles/code?title=Registered%20Nurse&title=SR.%20WAREHOUSE%20ASSOC%20-%202ND%20SHIFT&top=2",
}  # fmt: skip


def _shorten(v, keep: int = 2):
    if isinstance(v, list):
        return [_shorten(x, keep) for x in v[:keep]]
    if isinstance(v, dict):
        return {k: _shorten(x, keep) for k, x in v.items()}
    return v


def build() -> dict:
    """Ask a fresh app every example question (writes into a temporary hub) and shorten the answers."""
    import csv
    import io
    import tempfile

    from fastapi.testclient import TestClient

    from upward.hub import template
    from upward.web import Settings, create_app

    token = "example-token-0123456789"
    auth = {"Authorization": f"Bearer {token}"}
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        app = create_app(Settings(hub=tmp / "hub.duckdb", token=token))
        with TestClient(app, raise_server_exceptions=True) as c:
            for name, url in _READS.items():
                r = c.get(url)
                r.raise_for_status()
                out[name] = r.json()
            template(tmp / "mine.csv")
            r = c.post("/api/v1/programs/imports", files={"file": ("mine.csv", (tmp / "mine.csv").read_bytes(), "text/csv")}, data={"who": "ana@board"}, headers=auth)
            r.raise_for_status()
            out["import"] = r.json()
            out["imports"] = c.get("/api/v1/programs/imports").json()
            out["rollback"] = c.post("/api/v1/programs/imports/1/rollback", data={"who": "ana@board"}, headers=auth).json()
            rows = list(csv.DictReader(io.StringIO(c.get("/api/v1/occupations/29-1141/benchmark/sheet?region=houston&format=csv").text)))
            rows[0].update(rating="raise", proposed_level=str(min(7.0, float(rows[0]["onet_level"]) + 1)), rater="Ana Ruiz", organisation="Memorial Hermann")
            sheet = io.StringIO()
            w = csv.DictWriter(sheet, fieldnames=list(rows[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
            r = c.post("/api/v1/occupations/29-1141/benchmark/ratings?region=houston", files={"file": ("rated.csv", sheet.getvalue().encode(), "text/csv")},
                       data={"who": "ana@board"}, headers=auth)
            r.raise_for_status()
            out["ratings"] = r.json()
            from upward import atlas
            from upward.outcomes.synth import generate

            con = atlas.connect()
            generate(con, tmp / "synth", 400, 300, seed=0, state="TX")
            con.close()
            s = tmp / "synth"
            files = [("participants", ("participants.parquet", (s / "participants.parquet").read_bytes())),
                     *[("wages", (f.name, f.read_bytes())) for f in sorted((s / "wages").glob("*.parquet"))],
                     ("manifest", ("SYNTHETIC.json", (s / "SYNTHETIC.json").read_bytes()))]  # fmt: skip
            r = c.post("/api/v1/outcomes/runs", files=files, data={"exit_from": "2022Q1", "exit_to": "2022Q4", "by": "sex", "who": "ana@board"}, headers=auth)
            r.raise_for_status()
            out["run"] = r.json()
            out["runs"] = c.get("/api/v1/outcomes/runs").json()
    for name in ("import", "imports", "rollback", "ratings"):  # where the example server kept the file is no one's business
        for rec in out[name] if isinstance(out[name], list) else [out[name]]:
            if "file" in rec:
                rec["file"] = "/var/lib/upward/uploads/" + rec["sha256"][:16] + "/" + Path(rec["file"]).name
    return {k: _shorten(v) for k, v in out.items()}


def write(path: Path = _DATA) -> None:
    import json

    from upward.files import write_atomically

    data = json.loads(json.dumps(build(), ensure_ascii=False, default=str))  # plain JSON values only
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    print(f"Wrote {path}")


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    write()
