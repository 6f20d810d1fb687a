"""Results of analysis calls, kept per process in a bounded cache (upward.cache) so a page seen twice is not computed twice.

The atlas is read-only, so a result depends only on the function, its arguments, the atlas
(its fingerprint), the profile (its hash) and, for functions that read the hub, the hub file's
state (size and modification time: an import shows on the next request). The analysis modules
already cache their heavy models (similarity, transitions, the pathway graph); this adds the
per-area tables the pages ask for again and again (jobs, quality, alignment, the landscape).

Results are shared between requests: the pages treat them as read-only.
"""

from __future__ import annotations

import weakref
from contextlib import suppress
from pathlib import Path

from upward.atlas.provenance import atlas_id
from upward.cache import Cache, hub_state
from upward.hub import HubData
from upward.profiles import Profile

#: Per-area page tables (jobs, quality, alignment, landscape…), the least recently seen dropped first.
_results = Cache("dashboard pages", entries=512, megabytes=160)


def _part(v):
    if isinstance(v, Profile):
        return ("profile", v.hash)
    if isinstance(v, Path):
        return ("file", hub_state(v))
    if isinstance(v, HubData):
        return ("hub", v.state)
    if isinstance(v, (list, tuple)):
        return tuple(_part(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _part(x)) for k, x in v.items()))
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
    return _results.get(_key(con, fn, args, kwargs))


def memo(con, fn, *args, **kwargs):
    """fn(con, *args, **kwargs), computed once per (atlas, function, arguments) while it stays in the cache."""
    return _results.get_or_build(_key(con, fn, args, kwargs), lambda: fn(con, *args, **kwargs))


def clear() -> None:
    _results.clear()
