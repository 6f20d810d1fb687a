"""Uploaded files on the server: held where the hub owns them, for the request only, nothing left by a crash.

Why: a server killed during an outcome upload used to leave `upward-upload-*` folders in the system
temp directory holding participant and wage files with raw identifiers, and an inventory copied
beside the hub with no import recording it.

- **Where.** Each request's files live in a private folder of the hub's own work area,
  `<hub folder>/.upward-work/upload-<pid>-<random>/` (owner-only), removed in `finally`. A folder
  whose process is gone (kill -9) is removed when the next server starts (`clean_at_start`).
- **Never on a disk, where the system allows.** On Linux the bytes are held in anonymous memory
  files (memfd): the folder holds only links to them, so a participant identifier never reaches a
  disk, and the kernel frees the memory however the process ends. The multipart parser keeps whole
  uploads in memory too (up to the upload limit) instead of spooling them to the system temp
  folder. Elsewhere the files are written owner-only into the private folder.
- **Kept on purpose.** Imported inventories and rating sheets are kept beside the hub
  (`uploads/<sha256 prefix>/<name>`) so the history names real bytes (`kept_upload`). A copy the
  history does not name (the server died between the copy and the hub's commit) is removed at the
  next start once older than `ORPHAN_AGE_S`, so a concurrent import's fresh copy is never touched.

Identifiers are replaced by their keyed hash inside the engine, before any table is written
(`upward.outcomes.run`); only suppressed indicator records reach the hub.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from fastapi import Request, UploadFile

from upward.files import clean_stale

WORK = ".upward-work"
ORPHAN_AGE_S = 600


def work_dir(settings) -> Path:
    """The hub's work area (beside the hub file): the server's uploads live here while a request runs."""
    from upward import hub

    return hub.path(settings.hub).parent / WORK


def keep_in_memory(settings) -> None:
    """Tell the multipart parser to hold uploads up to the upload limit in memory, never in the system temp folder."""
    from starlette.formparsers import MultiPartParser

    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, int(settings.max_upload_bytes))


@contextmanager
def upload_dir(request: Request):
    """A private folder for this request's uploads in the hub's work area, removed afterwards (with the memory files)."""
    work = work_dir(request.app.state.settings)
    made = [p for p in (work.parent, *work.parent.parents) if not p.exists()]  # a first import may make the hub's folder
    folder = work / f"upload-{os.getpid()}-{secrets.token_hex(6)}"
    folder.mkdir(parents=True, mode=0o700)
    with suppress(OSError):
        os.chmod(work, 0o700)
    fds = request.state.upload_fds = getattr(request.state, "upload_fds", [])
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        while fds:
            with suppress(OSError):
                os.close(fds.pop())
        for empty in (work, *made):  # innermost first; only when nothing else is in them
            try:
                empty.rmdir()
            except OSError:
                break


def save_upload(request: Request, upload: UploadFile, folder: Path, name: str) -> Path:
    """The upload as `folder/name` (problems then name the client's file, not the server's path): a link to
    a memory file on Linux, an owner-only file elsewhere."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / name
    upload.file.seek(0)
    memfd = getattr(os, "memfd_create", None)
    if memfd is not None and Path(f"/proc/{os.getpid()}/fd").is_dir():
        fd = memfd(name, getattr(os, "MFD_CLOEXEC", 0))
        request.state.upload_fds.append(fd)
        with os.fdopen(os.dup(fd), "wb") as out:
            shutil.copyfileobj(upload.file, out, 1 << 20)
        os.symlink(f"/proc/{os.getpid()}/fd/{fd}", target)
    else:
        with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            shutil.copyfileobj(upload.file, out, 1 << 20)
    uploads = getattr(request.state, "uploads", None)
    if uploads is None:
        uploads = request.state.uploads = {}
    uploads[str(target)] = upload.filename or name
    uploads[os.path.realpath(target)] = upload.filename or name
    return target


class kept_upload:
    """Keep an imported file beside the hub (`uploads/<sha256 prefix>/<name>`), so the hub's history names real bytes; removed if the import fails."""

    def __init__(self, path: Path, hub: Path, request=None):
        self.path, self.hub, self.request = path, hub, request

    def __enter__(self) -> Path:
        digest = hashlib.sha256(self.path.read_bytes()).hexdigest()
        folder = self.hub.parent / "uploads" / digest[:16]
        self.made = [p for p in (folder, folder.parent, *folder.parent.parents) if not p.exists()]
        folder.mkdir(parents=True, exist_ok=True)
        self.target = folder / self.path.name
        self.existed = self.target.exists()
        if not self.existed:
            tmp = folder / f".part-{os.getpid()}-{secrets.token_hex(4)}"
            try:
                shutil.copyfile(self.path, tmp)
                tmp.replace(self.target)
            finally:
                tmp.unlink(missing_ok=True)
        if self.request is not None:  # problems name the client's file, not where the server keeps it
            uploads = self.request.state.uploads
            uploads[str(self.target)] = uploads[str(self.target.resolve())] = uploads.get(str(self.path), self.path.name)
        return self.target

    def __exit__(self, kind, exc, tb):
        if exc is not None:
            if not self.existed:
                self.target.unlink(missing_ok=True)
            for folder in self.made:  # innermost first, only those made here, only when empty
                try:
                    folder.rmdir()
                except OSError:
                    break
        return False


def clean_at_start(settings) -> list[Path]:
    """What a killed server left: request folders of dead processes, half-copied kept files, and kept
    files no import names (older than ORPHAN_AGE_S). Returns what was removed."""
    from upward import hub as hub_mod

    removed = clean_stale(work_dir(settings), "upload-")
    hub = hub_mod.path(settings.hub)
    kept = hub.parent / "uploads"
    if not kept.is_dir():
        return removed
    for folder in kept.iterdir():
        removed += clean_stale(folder, ".part-")
    named = _named_digests(hub)
    if named is None:  # the hub is busy: try again at the next start
        return removed
    now = time.time()
    for folder in list(kept.iterdir()):
        if not folder.is_dir() or any(d.startswith(folder.name) for d in named):
            continue
        for f in list(folder.iterdir()):
            with suppress(OSError):
                if now - f.lstat().st_mtime >= ORPHAN_AGE_S and f.is_file():
                    f.unlink()
                    removed.append(f)
        with suppress(OSError):
            folder.rmdir()
    return removed


def _named_digests(hub: Path) -> set[str] | None:
    """The sha256 of every file the hub's histories name (program imports and rating sheets); None if it cannot be read now."""
    from upward.errors import UpwardError
    from upward.hub._db import has_table, open_hub

    if not hub.exists():
        return set()
    try:
        with open_hub(hub, write=False) as con:
            out = {r[0] for r in con.execute("select sha256 from imports").fetchall()}
            if has_table(con, "benchmark_imports"):
                out |= {r[0] for r in con.execute("select sha256 from benchmark_imports").fetchall()}
            return out
    except UpwardError:
        return None
