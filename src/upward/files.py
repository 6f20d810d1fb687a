"""Writing a user's file so that it is either the old one or the whole new one, never half.

Every face that writes a file (reports, exports, outcome results, rating sheets) goes through
`write_atomically`: the content is written to a temporary file beside the target, given the
permissions a plain new file would get (mkstemp's are owner-only), then renamed over the target.
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


def write_atomically(path: Path | str, write: Callable[[Path], object]) -> Path:
    """Call `write(tmp)` to fill a temporary file, then move it over `path` in one step."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_bytes_atomically(path: Path | str, data: bytes) -> Path:
    return write_atomically(path, lambda tmp: tmp.write_bytes(data))
