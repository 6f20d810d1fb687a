"""The one bounded cache (upward.cache): entry and memory limits, one build per key, shared arrays
counted once, the operator's budget — and every in-process cache of the project uses it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from upward.cache import MB, Cache, hub_state, sizeof


def test_least_recently_used_entries_go_first_past_the_entry_limit():
    c = Cache("test entries", entries=3, megabytes=10)
    for k in "abc":
        c.put(k, k * 10)
    assert c.get("a") == "a" * 10  # a is now the most recently used
    c.put("d", "d")
    assert "b" not in c and all(k in c for k in "acd") and len(c) == 3


def test_the_memory_limit_holds_whatever_the_entry_limit_allows():
    c = Cache("test bytes", entries=1000, megabytes=10)
    for i in range(30):
        c.put(i, np.zeros(MB // 8))  # 1 MB each
    s = c.stats()
    assert s["entries"] == 10 and s["mb"] <= s["max_mb"] == 10 and s["evictions"] == 20
    assert 29 in c and 19 not in c
    c.put("huge", np.zeros(11 * MB // 8))  # larger than the whole limit: not kept, nothing evicted for it
    assert "huge" not in c and len(c) == 10


def test_sizes_count_arrays_frames_text_and_containers_once():
    a = np.zeros(1000)  # 8,000 bytes
    size, big = sizeof({"x": a, "y": [a, a[:10]], "z": "t" * 1000})
    assert 9_000 < size < 10_000 and big == [id(a)]  # the view and the repeats are not counted again
    df = pd.DataFrame({"s": ["word"] * 1000, "n": np.arange(1000)})
    assert sizeof(df)[0] == df.memory_usage(deep=True, index=True).sum()


def test_an_array_another_kept_result_holds_is_counted_there_only():
    model = Cache("test models", entries=4, megabytes=50)
    regions = Cache("test regions", entries=4, megabytes=50)
    shared = np.zeros(4 * MB // 8)  # 4 MB
    model.put("m", {"matrix": shared})
    regions.put("r", {"model": {"matrix": shared}, "own": np.zeros(MB // 8)})
    assert model.stats()["mb"] == pytest.approx(4, abs=0.01)
    assert regions.stats()["mb"] == pytest.approx(1, abs=0.01)
    model.clear()
    regions.clear()


def test_concurrent_askers_of_a_missing_key_build_it_once():
    c, calls = Cache("test once", entries=4, megabytes=1), []

    def build():
        calls.append(1)
        threading.Event().wait(0.05)
        return "value"

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda _: c.get_or_build("k", build), range(16)))
    assert calls == [1] and got == ["value"] * 16


def test_a_failed_build_is_not_remembered_and_the_next_asker_builds_again():
    c, calls = Cache("test failure", entries=4, megabytes=1), []

    def build():
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("first attempt fails")
        return 42

    with pytest.raises(ValueError):
        c.get_or_build("k", build)
    assert "k" not in c
    assert c.get_or_build("k", build) == 42 and len(calls) == 2


def test_the_operator_budget_scales_every_cache_and_zero_turns_caching_off(monkeypatch):
    c = Cache("test budget", entries=10, megabytes=8)
    from upward import cache

    monkeypatch.setenv("UPWARD_CACHE_MB", str(cache.DEFAULT_BUDGET_MB / 2))
    assert c.max_bytes == 4 * MB
    monkeypatch.setenv("UPWARD_CACHE_MB", "0")
    c.put("k", "v")
    assert "k" not in c and c.get_or_build("k", lambda: "built") == "built" and "k" not in c
    monkeypatch.setenv("UPWARD_CACHE_MB", "lots")
    from upward.errors import UpwardError

    with pytest.raises(UpwardError, match="UPWARD_CACHE_MB"):
        c.max_bytes


def test_the_hub_part_of_a_key_changes_with_every_write(tmp_path):
    hub = tmp_path / "hub.duckdb"
    assert hub_state(None) is None and hub_state(hub) == (str(hub), None)
    hub.write_bytes(b"one")
    first = hub_state(hub)
    hub.write_bytes(b"two more")
    assert hub_state(hub) != first


def test_every_in_process_cache_is_a_bounded_cache(atlas_path, tmp_path):
    from upward.analysis import mobilize, pathways, programs, quality, similarity, transitions
    from upward.outcomes import run
    from upward.web import Settings, create_app, deps
    from upward.web.pages import _cache

    for holder in (pathways._CACHE, transitions._CACHE, similarity._CACHE, quality._TABLES, mobilize._SCORED,
                   programs._INVENTORIES, run._LOOKUPS, _cache._results, deps._profiles):
        assert isinstance(holder, Cache)
    app = create_app(Settings(db=atlas_path, hub=tmp_path / "hub.duckdb"))
    try:
        assert isinstance(app.state.resolved, Cache) and isinstance(app.state.response_cache._cache, Cache)
    finally:
        app.state.atlas.close()


def test_pathway_graphs_stay_within_their_memory_limit_however_many_areas_are_asked(con, monkeypatch):
    """Issue 19 #7: the graphs grew with every distinct area asked and were never evicted."""
    from upward import profiles
    from upward.analysis import pathways

    from upward.cache import clear_all

    prof = profiles.load(None)
    graphs = pathways._CACHE
    # from a clean start whatever ran before: the transition model is kept (and its arrays charged) by
    # its own cache before the first graph, which points at it, so every graph counts only itself
    clear_all()
    areas = [r[0] for r in con.execute("select area_code from areas where area_type = 'metro' order by area_code limit 6").fetchall()]
    pathways.region(con, areas[0], prof)
    one = graphs.stats()["mb"]
    assert one > 1  # a graph is megabytes: what the limit is about
    monkeypatch.setattr(graphs, "default_mb", 2.5 * one)  # room for two graphs
    for a in areas[1:]:
        assert pathways.region(con, a, prof).area_code == a
    s = graphs.stats()
    assert s["max_mb"] == pytest.approx(2.5 * one, abs=0.1)
    assert 0 < s["mb"] <= s["max_mb"] and s["entries"] == 2 and s["evictions"] == len(areas) - 2
    assert {k[1] for k in graphs._data} == set(areas[-2:])  # the newest stay
    graphs.clear()
