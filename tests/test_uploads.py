"""Uploads on the server (issue 19 #6) and the synthetic claim (#9): participant files never reach a disk,
a server killed with -9 mid-upload leaves no identifier behind and its next start removes what is left;
kept inventories no import names are removed; SYNTHETIC.json is bound to the files' bytes, and an upload is
synthetic only if the server regenerates those very bytes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from upward.web import Settings, create_app

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def synthetic(con, tmp_path_factory):
    from upward.outcomes.synth import generate

    out = tmp_path_factory.mktemp("synth")
    generate(con, out, 300, 200, seed=11, state="TX", fmt="csv")
    return out


def _files(folder: Path, manifest: bool = True) -> list:
    files = [("participants", ("participants.csv", (folder / "participants.csv").read_bytes(), "text/csv"))]
    files += [("wages", (f.name, f.read_bytes(), "text/csv")) for f in sorted((folder / "wages").glob("*.csv"))]
    if manifest:
        files += [("manifest", ("SYNTHETIC.json", (folder / "SYNTHETIC.json").read_bytes(), "application/json"))]
    return files


def _ids(folder: Path) -> set[str]:
    import pandas as pd

    return set(pd.read_csv(folder / "participants.csv", dtype=str)["person_id"])


# --- #9: the synthetic claim -------------------------------------------------------------------


def _forge(src: Path, dst: Path, manifest: str) -> None:
    """Copy `upward synth` output and change one wage amount, keeping every size (as real files of the same
    shape would differ); then the manifest is `sizes` (listing sizes only, the check of today), `copied`
    (the genuine one, unchanged) or `rehashed` (listing the new bytes' sha256: a deliberate forgery)."""
    import hashlib
    import shutil

    shutil.copytree(src, dst)
    wage = dst / "wages" / "part-00000.csv"
    lines = wage.read_text().split("\n")
    head, row = [h.strip('"') for h in lines[0].split(",")], lines[1].split(",")
    k = head.index("wages")
    digit = next(i for i, ch in enumerate(row[k]) if ch.isdigit() and ch != "0")
    row[k] = row[k][:digit] + ("1" if row[k][digit] != "1" else "2") + row[k][digit + 1:]
    lines[1] = ",".join(row)
    wage.write_text("\n".join(lines))
    m = json.loads((dst / "SYNTHETIC.json").read_text())
    assert all(entry["bytes"] == (dst / rel).stat().st_size for rel, entry in m["files"].items())
    for rel, entry in m["files"].items():
        if manifest == "sizes":
            entry.pop("sha256", None)
        if manifest == "rehashed":
            entry["sha256"] = hashlib.sha256((dst / rel).read_bytes()).hexdigest()
    (dst / "SYNTHETIC.json").write_text(json.dumps(m))


def test_a_manifest_without_the_files_digest_does_not_make_files_synthetic(con, synthetic, tmp_path, monkeypatch):
    from upward.errors import UpwardError
    from upward.outcomes.run import is_synthetic, run

    monkeypatch.delenv("UPWARD_HASH_KEY", raising=False)
    genuine = [str(synthetic / "participants.csv"), *map(str, sorted((synthetic / "wages").glob("*.csv")))]
    assert is_synthetic(genuine)
    for kind in ("sizes", "copied"):  # today's check compared sizes only
        _forge(synthetic, tmp_path / kind, kind)
    for folder in (tmp_path / "sizes", tmp_path / "copied"):
        files = [str(folder / "participants.csv"), *map(str, sorted((folder / "wages").glob("*.csv")))]
        assert not is_synthetic(files)
        with pytest.raises(UpwardError, match="UPWARD_HASH_KEY"):
            run(folder / "participants.csv", folder / "wages", "2022Q1", "2022Q4", atlas_con=con)


def test_an_upload_is_synthetic_only_if_the_server_regenerates_its_bytes(atlas_path, synthetic, tmp_path, monkeypatch):
    monkeypatch.delenv("UPWARD_HASH_KEY", raising=False)
    forged = tmp_path / "forged"
    _forge(synthetic, forged, "rehashed")  # even a manifest with the right sha256 of changed files
    app = create_app(Settings(db=atlas_path, hub=tmp_path / "hub" / "hub.duckdb", token=TOKEN))
    try:
        c = TestClient(app)
        r = c.post("/api/v1/outcomes/runs", files=_files(forged), data={"exit_from": "2022Q1", "exit_to": "2022Q4"}, headers=AUTH)
        assert r.status_code == 422, r.text
        assert "does not describe the uploaded files" in r.json()["detail"] and "wages/part-00000.csv" in r.json()["detail"]
        assert not (tmp_path / "hub" / "hub.duckdb").exists()
        r = c.post("/api/v1/outcomes/runs", files=_files(synthetic), data={"exit_from": "2022Q1", "exit_to": "2022Q4"}, headers=AUTH)
        assert r.status_code == 201, r.text
        assert r.json()["synthetic"] is True
    finally:
        app.state.atlas.close()


# --- #6: uploads where the hub owns them, nothing left by kill -9 -------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVER = """
import sys, uvicorn
from pathlib import Path
from upward.web import Settings, create_app
db, hub, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
uvicorn.run(create_app(Settings(db=Path(db), hub=Path(hub), token=%r)), host="127.0.0.1", port=port, log_level="warning")
""" % TOKEN


@pytest.mark.slow
def test_a_server_killed_mid_upload_leaves_no_identifier_and_its_next_start_cleans_up(atlas_path, con, tmp_path):
    import httpx

    from upward.outcomes.synth import generate

    data = tmp_path / "data"
    generate(con, data, 3000, 1500, seed=5, state="TX", fmt="csv")
    ids = _ids(data)
    hub = tmp_path / "hub" / "hub.duckdb"
    private_tmp = tmp_path / "server-tmp"
    private_tmp.mkdir()
    port = _free_port()
    env = {**os.environ, "TMPDIR": str(private_tmp)}
    env.pop("UPWARD_HASH_KEY", None)
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(atlas_path), str(hub), str(port)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.get(base + "/api/v1", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        work = hub.parent / ".upward-work"
        sender = subprocess.Popen([sys.executable, "-c", f"""
import httpx, json, sys
from pathlib import Path
d = Path({str(data)!r})
files = [("participants", ("participants.csv", (d / "participants.csv").read_bytes(), "text/csv"))]
files += [("wages", (f.name, f.read_bytes(), "text/csv")) for f in sorted((d / "wages").glob("*.csv"))]
files += [("manifest", ("SYNTHETIC.json", (d / "SYNTHETIC.json").read_bytes(), "application/json"))]
try:
    httpx.post({base!r} + "/api/v1/outcomes/runs", files=files, data={{"exit_from": "2022Q1", "exit_to": "2023Q4", "by": "sex,age_group"}},
               headers={{"Authorization": "Bearer {TOKEN}"}}, timeout=300)
except httpx.HTTPError:
    pass
"""])
        deadline = time.time() + 120
        seen = []
        while time.time() < deadline and not seen:
            seen = [p for p in work.glob("upload-*/**/*") if p.name == "participants.csv"] if work.exists() else []
            time.sleep(0.01)
        assert seen, "the upload never reached the hub's work folder"
        assert seen[0].is_symlink()  # the bytes are in memory, the folder holds a link
        server.send_signal(signal.SIGKILL)
        server.wait()
        sender.wait(timeout=60)
        on_disk = [p for root in (hub.parent, private_tmp) for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
        leaked = [p for p in on_disk if any(i.encode() in p.read_bytes() for i in list(ids)[:50])]
        assert not leaked, leaked
        assert not list(private_tmp.glob("upward-upload-*"))
        assert list(work.glob("upload-*"))  # what the killed server left (links to memory that no longer exists)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    app = create_app(Settings(db=atlas_path, hub=hub, token=TOKEN))  # the next start
    app.state.atlas.close()
    assert not list(work.glob("upload-*"))


def test_kept_uploads_no_import_names_are_removed_at_start_and_named_ones_kept(atlas_path, cli, tmp_path):
    from upward.web import uploads

    hub = tmp_path / "hub.duckdb"
    rc, template, _ = cli("programs", "template")
    app = create_app(Settings(db=atlas_path, hub=hub, token=TOKEN))
    try:
        r = TestClient(app).post("/api/v1/programs/imports", files={"file": ("mine.csv", template.encode(), "text/csv")}, headers=AUTH)
        assert r.status_code == 201, r.text
    finally:
        app.state.atlas.close()
    kept = hub.parent / "uploads"
    named = list(kept.rglob("mine.csv"))
    orphan = kept / "0123456789abcdef" / "inventory.csv"
    fresh = kept / "fedcba9876543210" / "inventory.csv"  # another worker's import under way
    part = named[0].parent / f".part-{_dead_pid()}-ab12"
    for f in (orphan, fresh, part):
        f.parent.mkdir(exist_ok=True)
        f.write_text("program_id\n")
    old = time.time() - uploads.ORPHAN_AGE_S - 60
    os.utime(orphan, (old, old))
    app = create_app(Settings(db=atlas_path, hub=hub, token=TOKEN))
    app.state.atlas.close()
    assert named[0].exists() and fresh.exists() and not orphan.exists() and not orphan.parent.exists() and not part.exists()


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_an_upload_lives_in_the_hubs_work_folder_only_while_the_request_runs(atlas_path, synthetic, tmp_path, monkeypatch):
    from upward.outcomes import run as run_mod

    seen = {}
    real = run_mod.fingerprint

    def spy(files):
        for f in files:
            seen[f] = (Path(f).is_symlink(), os.path.realpath(f))
        return real(files)

    monkeypatch.setattr(run_mod, "fingerprint", spy)
    hub = tmp_path / "hub" / "hub.duckdb"
    app = create_app(Settings(db=atlas_path, hub=hub, token=TOKEN))
    try:
        r = TestClient(app).post("/api/v1/outcomes/runs", files=_files(synthetic), data={"exit_from": "2022Q1", "exit_to": "2022Q4"}, headers=AUTH)
        assert r.status_code == 201, r.text
    finally:
        app.state.atlas.close()
    assert seen and all(f.startswith(str(hub.parent / ".upward-work" / "upload-")) for f in seen)
    if hasattr(os, "memfd_create"):
        assert all(link and real.startswith("/memfd:") for link, real in seen.values())
    assert not (hub.parent / ".upward-work").exists()
    assert {p.name for p in hub.parent.iterdir()} <= {"hub.duckdb", "hub.duckdb.wal", ".hub.duckdb.writer"}
