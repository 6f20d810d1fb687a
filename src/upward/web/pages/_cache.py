"""Results of analysis calls, kept per process so a page seen twice is not computed twice.

The atlas is read-only, so a result depends only on the function, its arguments, the atlas
(its fingerprint), the profile (its hash) and, for functions that read the hub, the hub file's
state (size and modification time: an import shows on the next request). The analysis modules
already cache their heavy models (similarity, transitions, the pathway graph); this adds the
per-area tables the pages ask for again and again (jobs, quality, alignment, the landscape).

Results are shared between requests: the pages treat them as read-only.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from contextlib import suppress
from pathlib import Path

from upward.analysis._rows import atlas_id
from upward.profiles import Profile

MAX_ENTRIES = 512

_results: OrderedDict = OrderedDict()
_lock = threading.Lock()
_key_locks: dict = {}


def _part(v):
    if isinstance(v, Profile):
        return ("profile", v.hash)
    if isinstance(v, Path):
        try:
            st = v.stat()
            return ("file", str(v), st.st_size, st.st_mtime_ns)
        except OSError:
            return ("file", str(v), None)
    if isinstance(v, (list, tuple)):
        return tuple(_part(x) for x in v)
    return v


_fingerprints: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def atlas_fingerprint(con) -> str:
    """The atlas a connection reads (asked once per connection: a page makes many calls on one cursor)."""
    with suppress(KeyError, TypeError):  # TypeError: a connection that takes no weak reference
        return _fingerprints[con]
    fp = atlas_id(con)
    with suppress(TypeError):
        _fingerprints[con] = fp
    return fp


def _key(con, fn, args, kwargs) -> tuple:
    return (atlas_fingerprint(con), fn.__module__, fn.__qualname__, _part(args), _part(tuple(sorted(kwargs.items()))))


def peek(con, fn, *args, **kwargs):
    """The cached result of fn(con, *args, **kwargs), or None if nobody has computed it yet."""
    with _lock:
        return _results.get(_key(con, fn, args, kwargs))


def memo(con, fn, *args, **kwargs):
    """fn(con, *args, **kwargs), computed once per (atlas, function, arguments)."""
    key = _key(con, fn, args, kwargs)
    with _lock:
        if key in _results:
            _results.move_to_end(key)
            return _results[key]
        key_lock = _key_locks.setdefault(key, threading.Lock())
    with key_lock:  # two requests for the same cold result compute it once
        with _lock:
            if key in _results:
                return _results[key]
        try:
            value = fn(con, *args, **kwargs)
        finally:
            with _lock:
                _key_locks.pop(key, None)
        with _lock:
            _results[key] = value
            while len(_results) > MAX_ENTRIES:
                _results.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _results.clear()
