"""The hub between processes (issue 19 #10, #11, #12): CLI writers wait for a busy server instead of
failing, readers get 503 + Retry-After only while a write holds the hub, stale temporaries of killed
runs are removed at the next start, and no response names a server folder or a login."""

from __future__ import annotations

import csv
import getpass
import io
import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from upward.web import Settings

from _support import api

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}




def _upward(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "upward"
    cmd = [str(exe), *args] if exe.exists() else [sys.executable, "-c", "from upward.cli.main import app; app()", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=600)


def _inventories(cli, n: int) -> list[str]:
    """n different inventory files (the template with its ids renamed), as CSV text."""
    rc, text, _ = cli("programs", "template")
    assert rc == 0
    rows = list(csv.DictReader(io.StringIO(text)))
    out = []
    for k in range(n):
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows([{**r, "program_id": f"{r['program_id']}-v{k}"} for r in rows])
        out.append(buf.getvalue())
    return out


def _hold(code: str) -> subprocess.Popen:
    """A helper process that prints 'ready' once it holds what `code` takes, then waits to be killed or to finish."""
    p = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    return p


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


# --- #12: writers wait, readers get 503 only while a write holds the hub ----------------------


def test_a_writer_waits_for_another_programs_hold_and_says_so(tmp_path, caplog):
    from upward.hub._db import open_hub

    hub = tmp_path / "hub.duckdb"
    with open_hub(hub, write=True) as con:
        con.execute("select 1")
    holder = _hold(f"""
        import duckdb, time
        con = duckdb.connect({str(hub)!r}, read_only=True)
        print("ready", flush=True)
        time.sleep(1.5)
        con.close()
    """)
    try:
        with caplog.at_level(logging.WARNING, logger="upward.hub"), open_hub(hub, write=True) as con:
            con.execute("create table waited (x integer)")
        # it waited (and said so) until the reader had let go, then wrote
        assert any("in use by another program; waiting up to" in r.getMessage() for r in caplog.records)
    finally:
        holder.kill()
        holder.wait()
    with open_hub(hub, write=False) as con:  # the hub is still a hub and kept the write
        assert con.execute("select count(*) from waited").fetchone()[0] == 0


def test_a_writer_gives_up_after_its_bound_with_a_clear_error(tmp_path, monkeypatch):
    from upward.hub._db import HubBusyError, open_hub

    hub = tmp_path / "hub.duckdb"
    with open_hub(hub, write=True):
        pass
    holder = _hold(f"""
        import duckdb, time
        con = duckdb.connect({str(hub)!r})
        print("ready", flush=True)
        time.sleep(60)
    """)
    monkeypatch.setenv("UPWARD_HUB_WAIT", "0.5")
    try:
        with pytest.raises(HubBusyError, match="stayed in use by another program") as exc, open_hub(hub, write=True):
            pass
        assert "UPWARD_HUB_WAIT" in exc.value.hint
    finally:
        holder.kill()
        holder.wait()


def test_readers_get_503_with_retry_after_only_while_a_write_holds_the_hub(atlas_path, tmp_path):
    from upward.hub._db import _intent_file, open_hub

    hub = tmp_path / "private-folder" / "hub.duckdb"
    with open_hub(hub, write=True):
        pass
    with api(Settings(db=atlas_path, hub=hub, response_cache=0)) as c:
        assert c.get("/api/v1/programs/imports").status_code == 200  # no write: no 503
        holder = _hold(f"""
            import fcntl, os, time
            fd = os.open({str(_intent_file(hub))!r}, os.O_RDWR | os.O_CREAT)
            fcntl.flock(fd, fcntl.LOCK_EX)
            print("ready", flush=True)
            time.sleep(60)
        """)
        try:
            r = c.get("/api/v1/programs/imports")
        finally:
            holder.send_signal(signal.SIGKILL)
            holder.wait()
        assert r.status_code == 503 and r.headers["retry-after"] == "2"
        assert "private-folder" not in r.text and str(tmp_path) not in r.text and "hub.duckdb" in r.json()["detail"]
        assert c.get("/api/v1/programs/imports").status_code == 200  # the write is over


@pytest.mark.slow
def test_cli_imports_succeed_while_the_server_reads_the_hub_from_eight_threads(cli, atlas_path, tmp_path):
    """Issue 19 #12: with 8 reader threads, 5 of 12 CLI imports failed with 'hub in use'."""
    hub = tmp_path / "hub.duckdb"
    files = []
    for k, text in enumerate(_inventories(cli, 9)):
        files.append(tmp_path / f"inventory-{k}.csv")
        files[-1].write_text(text)
    env = {"UPWARD_DB": str(atlas_path), "UPWARD_HUB": str(hub)}
    first = _upward("programs", "import", str(files[0]), env=env)
    assert first.returncode == 0, first.stderr
    statuses: list[int] = []
    stop = threading.Event()
    with api(Settings(db=atlas_path, hub=hub, response_cache=0)) as c:

        def read():
            while not stop.is_set():
                r = c.get("/api/v1/programs/imports")
                statuses.append(r.status_code)
                assert r.status_code == 200 or (r.status_code == 503 and r.headers["retry-after"])

        readers = [threading.Thread(target=read) for _ in range(8)]
        for t in readers:
            t.start()
        try:
            results = [_upward("programs", "import", str(f), env=env) for f in files[1:]]
        finally:
            stop.set()
            for t in readers:
                t.join()
    assert [r.returncode for r in results] == [0] * 8, [r.stderr for r in results if r.returncode]
    assert statuses and set(statuses) <= {200, 503} and statuses.count(200) > len(statuses) // 2
    rc, out, _ = cli("programs", "history", "--hub", str(hub), "--json")
    assert rc == 0 and len(__import__("json").loads(out)) == 9


# --- #11: stale temporaries of killed runs ---------------------------------------------------


def test_a_killed_first_import_leaves_temporaries_the_next_start_removes(tmp_path):
    from upward.hub._db import open_hub

    hub = tmp_path / "hub.duckdb"
    holder = _hold(f"""
        import time
        from upward.hub._db import open_hub
        with open_hub({str(hub)!r}, write=True) as con:
            con.execute("create table t as select range as x from range(1000)")
            print("ready", flush=True)
            time.sleep(60)
    """)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left and all(n.startswith(".hub.duckdb.") and n.endswith((".new", ".new.wal")) for n in left) and not hub.exists()
    with open_hub(hub, write=False) as con:  # the next start (a read makes no file)
        assert con.execute("select count(*) from imports").fetchone()[0] == 0
    assert list(tmp_path.iterdir()) == []


def test_a_killed_atlas_build_leaves_a_temporary_the_next_start_removes(tmp_path, monkeypatch):
    import upward.atlas
    from upward.atlas import build as build_mod

    target = tmp_path / "atlas.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", f"from upward.atlas.build import build; build({str(target)!r})"])
    deadline = time.time() + 120
    while not list(tmp_path.glob(".atlas.duckdb.*.building*")) and time.time() < deadline:
        time.sleep(0.05)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    left = list(tmp_path.glob(".atlas.duckdb.*.building*"))
    assert left and not target.exists()
    assert all(p.name.startswith(f".atlas.duckdb.{holder.pid}-") for p in left)
    calls = []
    monkeypatch.setattr(build_mod, "build", lambda path, progress=None: calls.append(path))  # the next start, without the 40 s build
    upward.atlas.ensure(target)
    assert calls == [target] and not list(tmp_path.glob(".atlas.duckdb.*"))


def test_cleaning_spares_what_a_live_process_is_writing(tmp_path):
    from upward.files import clean_stale

    mine = tmp_path / f".hub.duckdb.{os.getpid()}-ab12.new"
    dead = tmp_path / f".hub.duckdb.{_dead_pid()}-cd34.new"
    folder = tmp_path / f".upward-work.{_dead_pid()}-ef56"
    other = tmp_path / "hub.duckdb.new"  # not ours: another name
    for p in (mine, dead, other):
        p.write_bytes(b"x")
    folder.mkdir()
    (folder / "participants.csv").write_text("person_id\n1\n")
    removed = clean_stale(tmp_path, ".hub.duckdb.", (".new", ".new.wal")) + clean_stale(tmp_path, ".upward-work.")
    assert sorted(removed) == sorted([dead, folder]) and mine.exists() and other.exists()


# --- #10: no folder or login in what clients see ---------------------------------------------


def test_the_import_history_shows_file_names_only_and_who_only_to_token_holders(cli, atlas_path, tmp_path, monkeypatch):
    hub = tmp_path / "hub.duckdb"
    inventory = tmp_path / "deep" / "folder" / "mine.csv"
    inventory.parent.mkdir(parents=True)
    inventory.write_text(_inventories(cli, 1)[0])
    monkeypatch.setenv("UPWARD_HUB", str(hub))
    rc, _, err = cli("programs", "import", str(inventory))
    assert rc == 0, err
    login = getpass.getuser()
    for settings in (Settings(db=atlas_path, hub=hub, read_only=True), Settings(db=atlas_path, hub=hub, token=TOKEN)):
        with api(settings) as c:
            r = c.get("/api/v1/programs/imports")
            assert r.status_code == 200 and r.json()[0]["file"] == "mine.csv" and "who" not in r.json()[0]
            assert str(tmp_path) not in r.text and f'"{login}"' not in r.text
            if settings.token:
                assert c.get("/api/v1/programs/imports", headers=AUTH).json()[0]["who"] == login
                assert "who" not in c.get("/api/v1/programs/imports").json()[0]  # the token holder's answer is not shared
            r = c.get("/api/v1/outcomes/runs/7")
            assert r.status_code == 404 and str(tmp_path) not in r.text
