"""The one bounded, thread-safe cache every in-process result is kept in.

Why one mechanism: a server answers unauthenticated GETs, and every distinct area, occupation or
parameter a client names used to leave a result in some module's dict forever (the pathway graphs
alone grew 13–16 MB per area: 3.3 GB after 150 metros). Every cache is now a `Cache` with two
limits — entries and megabytes — and drops its least recently used entries past either, so memory
is bounded whatever clients ask.

- **Keys** are tuples that start with what the result depends on: the atlas fingerprint
  (`upward.atlas.provenance.atlas_id`), the profile's hash (or the part of the profile the result
  reads), and the hub's state when the result reads the hub (`hub_state`). A rebuilt atlas, an
  edited profile or an import therefore never serves an old result.
- **One computation per key**: concurrent callers asking for the same missing key wait for the
  first one's result (the pathway graph of a region takes seconds of CPU and ~15 MB; building it
  twice at once would double both). A builder that fails is not remembered.
- **Sizes** are estimated once, when a value is stored (`sizeof`: numpy arrays, pandas frames,
  bytes and text, and containers of them). An array or frame another kept result already holds
  (a region's graph points at the shared transition model) is counted there, not twice.
- **Limits** are declared where each cache is made; `UPWARD_CACHE_MB` scales every cache's
  megabytes by one budget (default: the sum of the defaults, `DEFAULT_BUDGET_MB`), and 0 turns
  caching off. `stats()` lists every cache with its size (the load benchmark prints it).

Values are shared between threads and requests: callers treat them as read-only (or copy).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps
from pathlib import Path
from typing import Any

__all__ = ["Cache", "hub_state", "sizeof", "stats", "clear_all", "DEFAULT_BUDGET_MB"]

MB = 1024 * 1024
_MISSING = object()
_registry: "weakref.WeakValueDictionary[str, Cache]" = weakref.WeakValueDictionary()
_registry_lock = threading.Lock()
#: The sum of every cache's default megabytes (kept in step by `Cache.__init__`): what `UPWARD_CACHE_MB` rescales.
DEFAULT_BUDGET_MB = 0.0
_declared: dict[str, float] = {}


def _scale() -> float:
    """UPWARD_CACHE_MB ÷ the sum of the declared defaults (1 when unset)."""
    raw = os.environ.get("UPWARD_CACHE_MB")
    if raw is None or not raw.strip():
        return 1.0
    try:
        budget = float(raw)
    except ValueError:
        from upward.errors import UpwardError

        raise UpwardError(f"UPWARD_CACHE_MB must be a number of megabytes, not {raw!r}.", hint="e.g. UPWARD_CACHE_MB=1500, or 0 to turn caching off.") from None
    total = sum(_declared.values()) or 1.0
    return max(budget, 0.0) / total


class Cache:
    """Least-recently-used results under an entry limit and a memory limit; one build per key at a time."""

    def __init__(self, name: str, *, entries: int, megabytes: float):
        global DEFAULT_BUDGET_MB
        self.name, self.max_entries, self.default_mb = name, int(entries), float(megabytes)
        self._data: OrderedDict[Hashable, tuple[Any, int, list[int]]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._building: dict[Hashable, tuple[threading.Event, int]] = {}
        self.hits = self.misses = self.evictions = 0
        with _registry_lock:
            _registry[name] = self
            _declared[name] = self.default_mb
            DEFAULT_BUDGET_MB = sum(_declared.values())
        weakref.finalize(self, _release, self._data)  # a cache dropped (an app's) releases what it counted

    # --- limits ------------------------------------------------------------------------------

    @property
    def max_bytes(self) -> int:
        return int(self.default_mb * _scale() * MB)

    def _trim(self, max_bytes: int) -> list[list[int]]:
        dropped = []
        while self._data and (len(self._data) > self.max_entries or self._bytes > max_bytes):
            _, (_, size, big) = self._data.popitem(last=False)
            self._bytes -= size
            self.evictions += 1
            dropped.append(big)
        return dropped

    # --- reading and writing -----------------------------------------------------------------

    def get(self, key: Hashable, default=None):
        with self._lock:
            found = self._data.get(key, _MISSING)
            if found is _MISSING:
                return default
            self._data.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: Hashable, value) -> None:
        """Keep `value` (unless it alone is larger than the whole memory limit), dropping the least recently used past a limit."""
        max_bytes = self.max_bytes
        if self.max_entries <= 0 or max_bytes <= 0:
            return
        with _registry_lock:
            charged = set(_charged)
        size, big = sizeof(value, skip=charged)  # outside the lock: a frame's deep size can take milliseconds
        if size > max_bytes:
            return
        with _registry_lock:
            _charge(big, +1)
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._data[key] = (value, size, big)
            self._bytes += size
            dropped = self._trim(max_bytes) + ([old[2]] if old is not None else [])
        with _registry_lock:
            for ids in dropped:
                _charge(ids, -1)

    def get_or_build(self, key: Hashable, build: Callable[[], Any]):
        """The value for `key`, built by `build()` once however many threads ask at the same time."""
        me = threading.get_ident()
        while True:
            with self._lock:
                found = self._data.get(key, _MISSING)
                if found is not _MISSING:
                    self._data.move_to_end(key)
                    self.hits += 1
                    return found[0]
                waiting = self._building.get(key)
                if waiting is None:
                    done = threading.Event()
                    self._building[key] = (done, me)
                    self.misses += 1
                    break
                if waiting[1] == me:  # asked again while building it (never wait for oneself)
                    return build()
            waiting[0].wait()  # another thread builds this very value; then read it (or build it, if that failed)
        try:
            value = build()
            self.put(key, value)
            return value
        finally:
            with self._lock:
                self._building.pop(key, None)
            done.set()

    def cached(self, key: Callable[..., Hashable]):
        """Decorator: `fn(*args)` kept under `key(*args)` (the key names the atlas, profile and hub parts it depends on)."""

        def wrap(fn):
            @wraps(fn)
            def inner(*args, **kwargs):
                return self.get_or_build(key(*args, **kwargs), lambda: fn(*args, **kwargs))

            inner.cache = self
            return inner

        return wrap

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._data

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        with self._lock:
            dropped = [big for _, _, big in self._data.values()]
            self._data.clear()
            self._bytes = 0
        with _registry_lock:
            for ids in dropped:
                _charge(ids, -1)

    def stats(self) -> dict:
        with self._lock:
            return {"name": self.name, "entries": len(self._data), "max_entries": self.max_entries, "mb": round(self._bytes / MB, 1),
                    "max_mb": round(self.max_bytes / MB, 1), "hits": self.hits, "misses": self.misses, "evictions": self.evictions}


def stats() -> list[dict]:
    """Every cache of the process, with its entries and estimated megabytes against its limits."""
    with _registry_lock:
        caches = list(_registry.values())
    return [c.stats() for c in sorted(caches, key=lambda c: c.name)]


def clear_all() -> None:
    with _registry_lock:
        caches = list(_registry.values())
    for c in caches:
        c.clear()


#: id → how many kept entries count that array or frame: an object two results share (a region's graph
#: points at the shared transition model) is charged to the first that kept it, once. Ids stay valid while
#: charged, since the entry that counts an object keeps it alive. Guarded by `_registry_lock`.
_charged: dict[int, int] = {}


def _release(data: OrderedDict) -> None:
    with _registry_lock:
        for _, _, big in data.values():
            _charge(big, -1)


def _charge(ids: list[int], step: int) -> None:
    for i in ids:
        n = _charged.get(i, 0) + step
        if n > 0:
            _charged[i] = n
        else:
            _charged.pop(i, None)


# --- sizes -----------------------------------------------------------------------------------


def sizeof(value, skip=()) -> tuple[int, list[int]]:
    """Bytes a value holds, estimated — array buffers, frames (deep), text and bytes, and what containers,
    dataclasses and plain objects refer to, each object once — and the ids of the arrays and frames counted.
    Objects whose id is in `skip` count nothing (they are charged elsewhere)."""
    seen: set[int] = set()
    big: list[int] = []
    total = 0
    stack = [value]
    while stack:
        v = stack.pop()
        if v is None or isinstance(v, (bool, int, float)) or id(v) in seen:
            continue
        seen.add(id(v))
        if id(v) in skip:
            continue
        n, is_big = _own(v, stack)
        total += n
        if is_big:
            big.append(id(v))
    return total, big


def _own(v, stack: list) -> tuple[int, bool]:
    """(bytes the object itself holds, whether it is an array or frame); what it refers to goes on `stack`."""
    import numpy as np

    if isinstance(v, np.ndarray):
        if isinstance(v.base, np.ndarray):  # a view: the array it looks into holds the memory
            stack.append(v.base)
            return 0, False
        extra = 0
        if v.dtype == object and v.size:
            sample = v.ravel()[:1000]
            extra = int(sum(sys.getsizeof(x) for x in sample) * v.size / len(sample))
        return v.nbytes + extra, True
    if isinstance(v, (str, bytes, bytearray, memoryview)):
        return sys.getsizeof(v), False
    mod = type(v).__module__
    if mod.startswith("pandas"):
        import pandas as pd

        if isinstance(v, pd.DataFrame):
            return int(v.memory_usage(deep=True, index=True).sum()), True
        if isinstance(v, (pd.Series, pd.Index)):
            return int(v.memory_usage(deep=True)), True
    if mod.startswith("pyarrow") and hasattr(v, "nbytes"):
        return int(v.nbytes or 0), True
    if isinstance(v, dict):
        stack.extend(v.keys())
        stack.extend(v.values())
    elif isinstance(v, (list, tuple, set, frozenset)):
        stack.extend(v)
    elif dataclasses.is_dataclass(v) and not isinstance(v, type):
        stack.extend(getattr(v, f.name) for f in dataclasses.fields(v))
    elif hasattr(v, "__dict__") and not isinstance(v, type) and not callable(v):
        stack.extend(vars(v).values())
    return sys.getsizeof(v), False


# --- the hub's part of a key -----------------------------------------------------------------


def hub_key(hub) -> tuple | None:
    """The cache-key part for the hub data a face handed analysis (upward.hub.HubData, or None)."""
    return None if hub is None else hub.state


def hub_state(hub: Path | str | None) -> tuple | None:
    """What identifies the hub's content for a cache key: its path, size and modification times (the
    database file's and its write-ahead log's), so any write, in this process or another, changes it."""
    if hub is None:
        return None
    p = Path(hub)
    try:
        st = p.stat()
    except OSError:
        return (str(p), None)
    try:
        wal = Path(str(p) + ".wal").stat().st_mtime_ns
    except OSError:
        wal = None
    return (str(p.resolve()), st.st_size, st.st_mtime_ns, wal)
