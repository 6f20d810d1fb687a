"""Writing a user's file so that it is either the old one or the whole new one, never half.

Every file Upward writes for a person (reports, exports, outcome results and their run records,
quarantine files, rating sheets, synthetic data) goes through `write_atomically`: the content is
written to a temporary file beside the target, given the permissions a plain new file would get
(mkstemp's are owner-only), then renamed over the target, or, with `overwrite=False`, linked to
it so that a file which appeared meanwhile is never replaced. The temporary file is removed on
any failure; a kill -9 between the two steps leaves only a `.NAME.*.tmp` beside the target.
Temporaries that a killed process left (an atlas build, a first hub import, an upload folder) carry
that process's id in their name, so `clean_stale` can remove them at the next start.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class FileAppeared(FileExistsError):
    """`overwrite=False` and the target exists (or appeared while the content was written)."""


def write_atomically(path: Path | str, write: Callable[[Path], object], *, overwrite: bool = True) -> Path:
    """Call `write(tmp)` to fill a temporary file, then move it over `path` in one step.

    `overwrite=False`: the file is linked into place, which fails if `path` exists by then
    (`FileAppeared`); on a file system without hard links, it is renamed after a last check.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not overwrite and path.exists():
        raise FileAppeared(str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError as exc:
                raise FileAppeared(str(path)) from exc
            except OSError:  # no hard links here (some network and FAT file systems)
                if path.exists():
                    raise FileAppeared(str(path)) from None
                os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def sha256(path: Path | str) -> str:
    """The hex SHA-256 of a file, read in 4 MiB blocks so any size fits in bounded memory: the one
    digest recorded for bundle inputs, added releases, outcome inputs and synthetic files."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def write_bytes_atomically(path: Path | str, data: bytes) -> Path:
    return write_atomically(path, lambda tmp: tmp.write_bytes(data))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def clean_stale(folder: Path | str, prefix: str, suffixes: tuple[str, ...] = ("",), max_age_s: float = 3600) -> list[Path]:
    """Remove what an interrupted run left in `folder`: entries named `{prefix}{pid}-…{suffix}` whose
    process is gone (a file or a whole folder), and entries of that shape without a pid older than
    `max_age_s`. Called at start-up by whatever owns the folder (atlas build, hub, uploads), so a
    kill -9 leaves nothing behind for long. Returns what was removed."""
    import shutil
    import time

    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        suffix = next((s for s in sorted(suffixes, key=len, reverse=True) if name.endswith(s)), None)
        if not name.startswith(prefix) or suffix is None:
            continue
        middle = name[len(prefix):len(name) - len(suffix)] if suffix else name[len(prefix):]
        pid = middle.split("-", 1)[0]
        try:
            if pid.isdigit():
                if _alive(int(pid)):
                    continue
            elif time.time() - entry.lstat().st_mtime < max_age_s:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
        except OSError:
            continue
    return removed
