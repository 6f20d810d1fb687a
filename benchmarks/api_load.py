"""Load test of the REST API on loopback: 32 concurrent clients over jobs, occupation and pathway routes.

    .venv/bin/python benchmarks/api_load.py [--clients 32] [--seconds 30] [--uncached] [--workers 1]
                                            [--mixed] [--all-areas] [--unbounded-baseline]

Starts `upward.web.create_app` under uvicorn in a subprocess on 127.0.0.1 (read-only, a fresh hub),
warms it up (one request per URL: the analysis caches and the response cache fill), then runs the
clients (a minimal asyncio HTTP/1.1 client) for the given time and prints throughput, p50/p95/p99
latency, the error count and the server's peak RSS. The baseline, in the same run: the same
questions asked in-process, straight to the analysis functions (warm caches, one thread), to show
what HTTP adds. `--uncached` runs the load a second time with the response cache off (every
request computes). Targets (issue 7): zero errors, p95 ≤ 100 ms cached.

`--mixed` (issue 19): 32 clients asking about 100 different areas (every 5th OEWS area by code:
the nation, states, metros and nonmetropolitan areas) — jobs, an occupation's profile in the area
and the likeliest next steps (which builds the area's pathway graph) — from a cold start (only the
transition model built): first every question once, 32 at a time (the first answers, cold), then
the timed load, with the response cache on and then off. `--all-areas` then asks for the
next steps in every area (583 pathway graphs) and prints the server's RSS after, with the bounded
caches; `--unbounded-baseline` does the 100 areas once with caches unbounded (UPWARD_CACHE_MB very
large: what today's code did), the baseline the RSS is compared with. Targets (issue 19): 0 errors,
RSS ≤ 2.5 GB, p95 ≤ 1 s with the response cache off, ≤ 100 ms with it on.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTIONS = [  # (kind, area, occupation) — jobs, occupation and pathway routes for a few regions and occupations
    ("jobs", "0026420", None), ("jobs", "fresno", None), ("jobs", "0012420", None), ("jobs", "TX", None),
    ("occupation", "0026420", "29-1141"), ("occupation", "dallas", "49-9041"), ("occupation", "0023420", "registered nurses"),
    ("occupation", "0012420", "15-1252"),
    ("paths", "0023420", "31-1131"), ("paths", "0026420", "41-2011"), ("paths", "0012420", "43-4051"), ("paths", "fresno", "35-2014"),
]  # fmt: skip


def url_of(kind: str, area: str, occ: str | None) -> str:
    from urllib.parse import quote

    if kind == "jobs":
        return f"/api/v1/regions/{quote(area, safe='')}/jobs"
    if kind == "occupation":
        return f"/api/v1/occupations/{quote(occ, safe='')}?region={quote(area)}"
    return f"/api/v1/regions/{quote(area, safe='')}/paths?from={quote(occ)}"


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary(label: str, latencies: list[float], seconds: float, errors: int) -> dict:
    ms = [x * 1000 for x in latencies]
    row = {
        "label": label, "requests": len(ms), "rps": len(ms) / seconds if seconds else float("nan"), "errors": errors,
        "p50": percentile(ms, 0.50), "p95": percentile(ms, 0.95), "p99": percentile(ms, 0.99), "max": max(ms) if ms else float("nan"),
    }  # fmt: skip
    print(f"  {label:<44} {row['requests']:>7,} req  {row['rps']:>8.1f} req/s  p50 {row['p50']:>7.1f} ms  "
          f"p95 {row['p95']:>7.1f} ms  p99 {row['p99']:>7.1f} ms  max {row['max']:>7.1f} ms  errors {errors}", flush=True)
    return row


# --- the baseline: the same questions, in-process -------------------------------------------


def baseline(db: Path, rounds: int) -> dict:
    """The analysis functions the routes call, on warm caches, one thread (no HTTP, no JSON)."""
    import json

    from upward import atlas, profiles
    from upward.analysis import mobilize, occupations, pathways
    from upward.atlas.lookup import resolve_area, resolve_occupation

    con = atlas.connect(db)
    prof = profiles.load(None)

    def ask(kind, area, occ):
        a = resolve_area(con, area).code
        if kind == "jobs":
            return mobilize.jobs(con, a, prof)
        o = resolve_occupation(con, occ).code
        if kind == "occupation":
            return occupations.occupation_profile(con, a, o, top=10)
        return pathways.pathways(con, a, o, prof)

    t0 = time.perf_counter()
    for q in QUESTIONS:  # warm: the transition model, the region graphs
        ask(*q)
    print(f"  (in-process warm-up of {len(QUESTIONS)} questions: {time.perf_counter() - t0:.1f} s)")
    lat, by_kind, ser = [], {}, []
    t0 = time.perf_counter()
    for _ in range(rounds):
        for q in QUESTIONS:
            t = time.perf_counter()
            result = ask(*q)
            dt = time.perf_counter() - t
            lat.append(dt)
            by_kind.setdefault(q[0], []).append(dt)
            t = time.perf_counter()
            json.dumps(result, default=str)
            ser.append(time.perf_counter() - t)
    total = time.perf_counter() - t0
    con.close()
    out = {"all": summary("in-process analysis calls (1 thread)", lat, total, 0)}
    for kind, xs in by_kind.items():
        out[kind] = summary(f"  of which {kind}", xs, sum(xs), 0)
    print(f"  JSON encoding of an answer: median {statistics.median(ser) * 1000:.1f} ms")
    return out


# --- the server and the load ----------------------------------------------------------------

SERVER = """
import sys
from pathlib import Path
import uvicorn
from upward.web import Settings, create_app
db, hub, port, cache, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
settings = Settings(db=Path(db), hub=Path(hub), read_only=True, response_cache=cache)
if workers == 1:
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False, server_header=False)
else:
    import json, os
    os.environ["UPWARD_SERVE_SETTINGS"] = json.dumps({"db": db, "hub": hub, "read_only": True, "response_cache": cache})
    uvicorn.run("upward.cli.serve:app_from_env", factory=True, host="127.0.0.1", port=port, workers=workers,
                log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, hub: Path, cache: int, workers: int, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    import httpx

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(hub), str(port), str(cache), str(workers)],
                            env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with status {proc.returncode}")
        try:
            if httpx.get(base + "/api/v1", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("the server did not start within 120 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def warm(base: str, workers: int) -> float:
    import httpx

    t0 = time.perf_counter()
    with httpx.Client(base_url=base, timeout=300) as c:
        for _ in range(max(1, workers) * 2):  # each worker process has its own caches: ask more than once
            for q in QUESTIONS:
                r = c.get(url_of(*q))
                r.raise_for_status()
    return time.perf_counter() - t0


async def _get(reader, writer, request: bytes) -> tuple[int, int]:
    """One GET on a kept-alive HTTP/1.1 connection: (status, body bytes). A minimal client, so that on a
    small machine the load generator takes as little CPU from the server as it can."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status, length


async def load(base: str, clients: int, seconds: float, questions: list[tuple[str, str]] | None = None) -> tuple[list[float], int, float, dict]:
    """`questions`: (kind, url) pairs, asked in turn by every client (default: QUESTIONS)."""
    host, port = base.removeprefix("http://").split(":")
    questions = questions or [(q[0], url_of(*q)) for q in QUESTIONS]
    requests = [f"GET {url} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n\r\n".encode() for _, url in questions]
    latencies: list[float] = []
    per_kind: dict[str, list[float]] = {}
    errors = 0
    stop = time.perf_counter() + seconds

    async def client(k: int):
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        i = k
        try:
            while time.perf_counter() < stop:
                q = questions[i % len(questions)]
                t = time.perf_counter()
                try:
                    status, _ = await asyncio.wait_for(_get(reader, writer, requests[i % len(requests)]), 60)
                    ok = status == 200
                except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError):
                    ok = False
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                dt = time.perf_counter() - t
                if ok:
                    latencies.append(dt)
                    per_kind.setdefault(q[0], []).append(dt)
                else:
                    errors += 1
                i += 1
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    elapsed = time.perf_counter() - t0
    return latencies, errors, elapsed, per_kind


def run_load(label: str, db: Path, clients: int, seconds: float, cache: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(db, Path(tmp) / "hub.duckdb", cache, workers)
        try:
            print(f"  (server warm-up, one request per URL: {warm(base, workers):.1f} s)", flush=True)
            latencies, errors, elapsed, per_kind = asyncio.run(load(base, clients, seconds))
            peak = rss_mb(proc.pid, "VmHWM")
        finally:
            stop_server(proc)
    row = summary(label, latencies, elapsed, errors)
    row["peak_rss_mb"] = peak
    print(f"  server peak RSS {peak:,.0f} MB")
    for kind, xs in per_kind.items():
        summary(f"  of which {kind}", xs, elapsed, 0)
    return row


# --- the mixed-region run and every area's pathway graph (issue 19) ------------------------------


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """The process's resident memory (VmRSS) or its peak so far (VmHWM), in MB, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def mixed_areas(db: Path, n: int = 100) -> list[str]:
    """n areas spread over the OEWS area codes: the nation, states, metros and nonmetropolitan areas."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        codes = [r[0] for r in con.execute("select area_code from areas order by area_code").fetchall()]
    finally:
        con.close()
    step = max(1, len(codes) // n)
    return codes[::step][:n]


def mixed_questions(areas: list[str]) -> list[tuple[str, str]]:
    """For each area in turn: its jobs, an occupation everywhere (retail salespersons) in it, and that occupation's next steps there."""
    out = []
    for a in areas:
        out += [("jobs", f"/api/v1/regions/{a}/jobs"), ("occupation", f"/api/v1/occupations/41-2011?region={a}"),
                ("next", f"/api/v1/regions/{a}/next?from=41-2011")]
    return out


def ask_each(base: str, urls: list[str], clients: int = 2, latencies: list | None = None) -> tuple[int, float]:
    """Every URL once, `clients` at a time: (errors, seconds); each answer's latency appended to `latencies`."""
    import httpx

    async def go():
        errors = 0
        sem = asyncio.Semaphore(clients)
        async with httpx.AsyncClient(base_url=base, timeout=600, limits=httpx.Limits(max_connections=clients)) as c:
            async def one(url):
                nonlocal errors
                async with sem:
                    t = time.perf_counter()
                    r = await c.get(url)
                    if latencies is not None:
                        latencies.append(time.perf_counter() - t)
                    errors += r.status_code != 200
            await asyncio.gather(*(one(u) for u in urls))
        return errors

    t0 = time.perf_counter()
    errors = asyncio.run(go())
    return errors, time.perf_counter() - t0


def run_mixed(db: Path, clients: int, seconds: float, cache: int, all_areas: bool) -> dict:
    areas = mixed_areas(db)
    questions = mixed_questions(areas)
    label = f"mixed, {len(areas)} areas, response cache {'on' if cache else 'off'}"
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(db, Path(tmp) / "hub.duckdb", cache, 1)
        try:
            import httpx

            t0 = time.perf_counter()
            httpx.get(base + "/api/v1/regions/0000000/next?from=41-2011", timeout=600).raise_for_status()  # the transition model
            print(f"  (transition model built in {time.perf_counter() - t0:.1f} s; RSS {rss_mb(proc.pid):,.0f} MB; every area starts cold)", flush=True)
            first: list[float] = []
            errs, secs = ask_each(base, [url for _, url in questions], clients, first)
            summary(f"first answers, {clients} at a time (cold areas)", first, secs, errs)
            latencies, errors, elapsed, per_kind = asyncio.run(load(base, clients, seconds, questions))
            after, peak = rss_mb(proc.pid), rss_mb(proc.pid, "VmHWM")
            row = summary(label, latencies, elapsed, errors)
            row.update(peak_rss_mb=peak, rss_mb=after)
            print(f"  server RSS after {after:,.0f} MB, peak {peak:,.0f} MB")
            for kind, xs in per_kind.items():
                summary(f"  of which {kind}", xs, elapsed, 0)
            if all_areas:
                every = [a for a in mixed_areas(db, 10_000)]
                errs, secs = ask_each(base, [f"/api/v1/regions/{a}/next?from=41-2011" for a in every])
                row.update(all_areas=len(every), all_errors=errs, all_rss_mb=rss_mb(proc.pid), all_peak_rss_mb=rss_mb(proc.pid, "VmHWM"))
                print(f"  next steps in every area ({len(every)} pathway graphs) in {secs:.0f} s, {errs} errors: server RSS after "
                      f"{row['all_rss_mb']:,.0f} MB, peak {row['all_peak_rss_mb']:,.0f} MB", flush=True)
        finally:
            stop_server(proc)
    return row


def mixed_baseline(db: Path, n: int = 10) -> None:
    """The mixed questions for n of the 100 areas in-process, each area cold (one thread): what one answer costs."""
    from upward import atlas, profiles
    from upward.analysis import mobilize, occupations, pathways

    con = atlas.connect(db)
    prof = profiles.load(None)
    pathways.next_steps(con, "0000000", "41-2011", prof, 10)  # the transition model, as the server's first request
    by_kind: dict[str, list[float]] = {}
    for a in mixed_areas(db)[1:1 + n]:
        for kind, call in (("jobs", lambda: mobilize.jobs(con, a, prof)), ("occupation", lambda: occupations.occupation_profile(con, a, "41-2011", top=10)),
                           ("next", lambda: pathways.next_steps(con, a, "41-2011", prof, 10))):
            t = time.perf_counter()
            call()
            by_kind.setdefault(kind, []).append(time.perf_counter() - t)
    con.close()
    for kind, xs in by_kind.items():
        summary(f"in-process, cold area, {kind} (1 thread)", xs, sum(xs), 0)


def unbounded_baseline(db: Path) -> dict:
    """The 100 areas' next steps once each, caches unbounded (as before issue 19): the RSS the bounded caches are compared with."""
    areas = mixed_areas(db)
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(db, Path(tmp) / "hub.duckdb", 0, 1, env={"UPWARD_CACHE_MB": "1000000"})
        try:
            errs, secs = ask_each(base, [f"/api/v1/regions/{a}/next?from=41-2011" for a in areas])
            after, peak = rss_mb(proc.pid), rss_mb(proc.pid, "VmHWM")
        finally:
            stop_server(proc)
    print(f"  caches unbounded: next steps in {len(areas)} areas in {secs:.0f} s, {errs} errors: server RSS after {after:,.0f} MB, "
          f"peak {peak:,.0f} MB ({(after) / len(areas):.1f} MB per area on average, all in)", flush=True)
    return {"rss_mb": after, "peak_rss_mb": peak, "areas": len(areas)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--uncached", action="store_true", help="also run the load with the response cache off")
    ap.add_argument("--rounds", type=int, default=5, help="rounds of the in-process baseline")
    ap.add_argument("--mixed", action="store_true", help="the mixed-region run: 100 areas from a cold start, response cache on and off")
    ap.add_argument("--all-areas", action="store_true", help="with --mixed: then the next steps of every area (the RSS target)")
    ap.add_argument("--unbounded-baseline", action="store_true", help="the 100 areas' pathway graphs with unbounded caches (before)")
    ap.add_argument("--skip-fixed", action="store_true", help="skip the fixed-question runs (only --mixed and the baselines)")
    args = ap.parse_args()

    from upward import atlas

    db = atlas.ensure(os.environ.get("UPWARD_DB") or None)
    print(f"Atlas {db}; {len(QUESTIONS)} questions (jobs, occupation, pathways); {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    print("Baseline: the same questions in-process, straight to the analysis functions")
    base = baseline(db, args.rounds) if args.rounds else {"all": {"rps": float("nan"), "p50": float("nan")}}
    rows = []
    if not args.skip_fixed:
        print(f"HTTP on loopback: {args.clients} concurrent clients for {args.seconds:g} s, uvicorn with {args.workers} worker(s)")
        rows.append(run_load("HTTP, response cache on (the default)", db, args.clients, args.seconds, 512, args.workers))
        if args.uncached:
            rows.append(run_load("HTTP, response cache off (every request computes)", db, args.clients, args.seconds, 0, args.workers))
    mixed, before = [], None
    if args.unbounded_baseline:
        print("Baseline for memory: the caches unbounded, as before issue 19")
        before = unbounded_baseline(db)
    if args.mixed:
        print(f"Baseline for the mixed run: each question in-process for 10 of the areas, cold, one thread")
        mixed_baseline(db)
        print(f"Mixed regions: {args.clients} concurrent clients for {args.seconds:g} s over 100 areas × (jobs, occupation, next steps)")
        mixed.append(run_mixed(db, args.clients, args.seconds, 512, False))
        mixed.append(run_mixed(db, args.clients, args.seconds, 0, args.all_areas))
    b = base["all"]
    print("Summary")
    for r in rows:
        verdict = "meets" if r["errors"] == 0 and r["p95"] <= 100 else "misses"
        print(f"  {r['label']}: {r['rps']:.0f} req/s, p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, p99 {r['p99']:.1f} ms, "
              f"{r['errors']} errors, peak RSS {r['peak_rss_mb']:,.0f} MB — {verdict} the target (0 errors, p95 ≤ 100 ms); "
              f"throughput {r['rps'] / b['rps']:.1f}× the in-process single-thread baseline ({b['rps']:.1f} calls/s, p50 {b['p50']:.1f} ms)")
    for r in mixed:
        p95_target = 100 if "cache on" in r["label"] else 1000
        ok = r["errors"] == 0 and r["p95"] <= p95_target and r["peak_rss_mb"] <= 2560
        print(f"  {r['label']}: {r['rps']:.1f} req/s, p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, {r['errors']} errors, peak RSS "
              f"{r['peak_rss_mb']:,.0f} MB — {'meets' if ok else 'misses'} the target (0 errors, p95 ≤ {p95_target} ms, RSS ≤ 2,560 MB)")
        if "all_areas" in r:
            ok = r["all_errors"] == 0 and r["all_peak_rss_mb"] <= 2560
            print(f"  then every area's pathway graph ({r['all_areas']}): RSS {r['all_rss_mb']:,.0f} MB, peak {r['all_peak_rss_mb']:,.0f} MB, "
                  f"{r['all_errors']} errors — {'meets' if ok else 'misses'} the target (RSS ≤ 2,560 MB)"
                  + (f"; with unbounded caches 100 areas alone took {before['rss_mb']:,.0f} MB" if before else ""))


if __name__ == "__main__":
    main()
