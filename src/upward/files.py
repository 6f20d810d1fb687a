"""Writing a user's file so that it is either the old one or the whole new one, never half.

Every file Upward writes for a person (reports, exports, outcome results and their run records,
quarantine files, rating sheets, synthetic data) goes through `write_atomically`: the content is
written to a temporary file beside the target, given the permissions a plain new file would get
(mkstemp's are owner-only), then renamed over the target, or, with `overwrite=False`, linked to
it so that a file which appeared meanwhile is never replaced. The temporary file is removed on
any failure; a kill -9 between the two steps leaves only a `.NAME.*.tmp` beside the target.
"""

from __future__ import annotations

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


def write_bytes_atomically(path: Path | str, data: bytes) -> Path:
    return write_atomically(path, lambda tmp: tmp.write_bytes(data))
