"""What every web route shares: settings, the atlas connection, the profile, the area and SOC.

The atlas is opened read-only once per process; each request gets its own DuckDB cursor, because
a DuckDB connection must not be used from two threads at once and FastAPI runs plain `def`
routes in a thread pool.

Two more things make concurrent requests safe:

- **The analysis caches.** The transition model (similarity of every occupation pair, skill
  gaps) and each region's pathway graph are kept in-process by the analysis modules in bounded
  caches (`upward.cache`), which build a missing value once however many requests ask for it at
  the same time (seconds of CPU and tens of MB each), and drop the least recently used past
  their entry and memory limits.
- **The hub.** DuckDB refuses, within one process, a read-only connection to a file that is open
  read-write (and the reverse). Reads of the hub (`hub_reading`) therefore share a lock that a
  write (`hub_writing`: an import, a rating sheet, an outcome run, a rollback) takes alone.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request

from upward.cache import Cache
from upward.errors import UpwardError


@dataclass(frozen=True)
class Settings:
    db: Path | None = None  # the atlas (None: the user data dir, or $UPWARD_DB)
    hub: Path | None = None  # the hub (None: the user data dir, or $UPWARD_HUB)
    profile: Path | None = None  # the default profile for every request (None: the shipped one)
    read_only: bool = False  # serve no write routes at all
    token: str | None = None  # bearer token the write routes require ($UPWARD_API_TOKEN)
    max_upload_bytes: int = 20 * 1024 * 1024
    default_region: str = "Houston-Pasadena-The Woodlands, TX"
    cors_origins: tuple[str, ...] = field(default_factory=tuple)  # empty: CORS off
    response_cache: int = 512  # JSON responses kept in memory (keyed by atlas, profile, hub and parameters); 0: off
    compute_threads: int = 0  # requests computing at once (0: twice the CPUs); the others wait off the interpreter lock

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = {
            "token": os.environ.get("UPWARD_API_TOKEN") or None,
            "default_region": os.environ.get("UPWARD_REGION") or cls.default_region,
        }
        return cls(**{**env, **{k: v for k, v in overrides.items() if v is not None}})


def open_atlas(settings: Settings):
    """The atlas, built on first use like the CLI does, then opened read-only."""
    from upward import atlas

    path = atlas.default_path() if settings.db is None else Path(settings.db)
    return atlas.connect(path)


def settings(request: Request) -> Settings:
    return request.app.state.settings


async def cursor(request: Request):
    """A per-request cursor on the shared read-only atlas connection.

    An async dependency (making a cursor never blocks), so it costs no trip through the thread
    pool; the route that uses it is a plain `def` and runs there.
    """
    cur = request.app.state.atlas.cursor()
    try:
        yield cur
    finally:
        cur.close()


_profiles = Cache("profiles", entries=16, megabytes=4)
_profiles_lock = threading.Lock()


def load_profile(path: Path | None):
    """The profile at `path` (None: the shipped default), read again only when its file changes.

    Reading and checking a profile takes milliseconds; a server answers many requests with one.
    The file's modification time and size key the cache, so an edited profile is picked up.
    """
    from upward import profiles

    where = Path(path) if path else profiles.DEFAULT_FILE
    try:
        st = where.stat()
        key = (str(where), st.st_mtime_ns, st.st_size)
    except OSError:
        return profiles.load(path)  # let the loader say what is wrong
    return _profiles.get_or_build(key, lambda: profiles.load(path))


def profile(request: Request, name: str | None = None):
    """The profile a request uses: the server's (or the shipped default)."""
    return load_profile(request.app.state.settings.profile)


def hub_path(request: Request) -> Path | None:
    """The hub file if it exists (reading never creates one)."""
    from upward import hub

    p = hub.path(request.app.state.settings.hub)
    return p if p.exists() else None


def resolve_area(con, text: str):
    """An {area} path parameter, accepting everything the CLI accepts."""
    from upward.atlas.lookup import resolve_area as resolve

    return resolve(con, text)


def resolve_soc(con, text: str):
    from upward.atlas.lookup import resolve_occupation

    return resolve_occupation(con, text)


class WriteForbidden(UpwardError):
    """A write route called without the operator's bearer token."""


class WritesDisabled(UpwardError):
    """A write route on a server whose operator configured no token: nothing can be written."""


class UploadTooLarge(UpwardError):
    """A request body above the server's upload limit (413)."""


class UnsupportedUpload(UpwardError):
    """A request or uploaded file of a type the route does not read (415)."""


# --- concurrency: the analysis caches and the hub -------------------------------------------


def warm_model(con, prof) -> None:
    """Build the transition model (and the similarity it rests on) before a route needs it (once, whoever asks first)."""
    from upward.analysis.transitions import transitions

    transitions(con, prof)


def warm_region(con, area_code: str, prof) -> None:
    """Build an area's pathway graph (it needs the transition model and the area's scores)."""
    from upward.analysis.pathways import region

    region(con, area_code, prof)


class ComputeSlots:
    """At most n threads compute answers at once; the others wait, off the interpreter lock.

    Why: pandas and Python code hold the GIL, and a request answered from memory is served in the
    event loop, which needs the GIL too. With dozens of threads computing at once the event loop gets
    its turn only every few hundred milliseconds, so even cached answers wait; capped, it waits for at
    most a few threads. Re-entrant per thread (an answer built from another's takes one slot)."""

    def __init__(self, n: int) -> None:
        self.n = n if n > 0 else 2 * (os.cpu_count() or 1)
        self._sem = threading.BoundedSemaphore(self.n)
        self._local = threading.local()

    @contextmanager
    def __call__(self):
        depth = getattr(self._local, "depth", 0)
        if depth == 0:
            self._sem.acquire()
        self._local.depth = depth + 1
        try:
            yield
        finally:
            self._local.depth = depth
            if depth == 0:
                self._sem.release()


def computing(request: Request):
    """The app's compute slots (create_app makes them; an app built otherwise computes without a cap)."""
    slots = getattr(request.app.state, "compute", None)
    return slots() if slots is not None else nullcontext()


class SharedExclusiveLock:
    """Many readers or one writer. Released from any thread (FastAPI may finish a dependency elsewhere)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0

    def acquire_shared(self, blocking: bool = True, timeout: float | None = None) -> bool:
        """True once held; False when not blocking, or after `timeout` seconds, while a writer holds or waits."""
        with self._cond:
            if not self._cond.wait_for(lambda: not (self._writer or self._waiting_writers), timeout if blocking else 0):
                return False
            self._readers += 1
            return True

    def release_shared(self) -> None:
        with self._cond:
            self._readers -= 1
            if not self._readers:
                self._cond.notify_all()

    @contextmanager
    def shared(self):
        self.acquire_shared()
        try:
            yield
        finally:
            self.release_shared()

    @contextmanager
    def exclusive(self):
        with self._cond:
            self._waiting_writers += 1
            try:
                while self._writer or self._readers:
                    self._cond.wait()
            finally:
                self._waiting_writers -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


def _hub_lock(request: Request) -> SharedExclusiveLock:
    state = request.app.state
    if not hasattr(state, "hub_lock"):  # create_app makes it; an app built otherwise gets one here
        with _profiles_lock:
            if not hasattr(state, "hub_lock"):
                state.hub_lock = SharedExclusiveLock()
                state.hub_generation = 0
    return state.hub_lock


@contextmanager
def hub_shared(request: Request):
    """The hub file (whether or not it exists yet), held against in-process writes while the block runs."""
    from upward import hub

    with _hub_lock(request).shared():
        yield hub.path(request.app.state.settings.hub)


async def hub_reading(request: Request):
    """Dependency: the hub file if it exists (else None), held against in-process writes for the request.

    Async, so an uncontended read costs no thread-pool trip; while a write holds the hub, the wait
    happens in a worker thread, never in the event loop, and lasts at most `hub._db.READ_WAIT`
    seconds: then 503 with Retry-After.
    """
    lock = _hub_lock(request)
    if not lock.acquire_shared(blocking=False):
        import anyio

        from upward.hub._db import READ_WAIT, HubBusyError

        if not await anyio.to_thread.run_sync(lambda: lock.acquire_shared(timeout=READ_WAIT)):
            raise HubBusyError("The hub is being written (an import, a rating sheet or an outcome run).", hint="Try again in a moment.")
    try:
        yield hub_path(request)
    finally:
        lock.release_shared()


@contextmanager
def hub_writing(request: Request):
    """The hub file (created by the first write), held alone for the duration of a write."""
    from upward import hub

    with _hub_lock(request).exclusive():
        try:
            yield hub.path(request.app.state.settings.hub)
        finally:
            request.app.state.hub_generation += 1


def hub_path_of(settings: Settings) -> Path:
    from upward import hub

    return hub.path(settings.hub)


def stamp_of(state, path: Path | None) -> tuple:
    """What identifies the hub's state: this process's write count, and the file's size and time (CLI writes too)."""
    gen = getattr(state, "hub_generation", 0)
    try:
        st = Path(path).stat() if path is not None else None
    except OSError:
        st = None
    if st is None:
        return (gen, None)
    try:
        wal = Path(str(path) + ".wal").stat().st_mtime_ns
    except OSError:
        wal = None
    return (gen, st.st_mtime_ns, st.st_size, wal)


def hub_stamp(request: Request, path: Path | None) -> tuple:
    _hub_lock(request)
    return stamp_of(request.app.state, path)
