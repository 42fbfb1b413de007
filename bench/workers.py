"""Running N counters as separate processes (spawned, each its own engine) in lockstep."""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import time
import traceback
from collections.abc import Callable
from typing import Any

START_TIMEOUT_S = 120


def run_counters(
    target: Callable[..., dict[str, Any]], counters: int, seconds: float, **kwargs: Any
) -> list[dict[str, Any]]:
    """Start `counters` processes running target(counter=..., seconds=..., start=..., **kwargs).

    Each process sets up (engine, login, warm-up), waits at the barrier, then works for
    `seconds` and returns its stats dict. A failure in a worker is raised here.
    """
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(counters)
    results: Any = ctx.Queue()
    procs = [
        ctx.Process(
            target=_entry,
            args=(target, results, barrier, f"B{n + 1}", seconds, kwargs),
            daemon=True,
        )
        for n in range(counters)
    ]
    for proc in procs:
        proc.start()
    out: list[dict[str, Any]] = []
    deadline = time.monotonic() + START_TIMEOUT_S + seconds * 3
    try:
        while len(out) < counters:
            try:
                item = results.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue_module.Empty:
                raise RuntimeError("benchmark workers did not finish in time") from None
            if "error" in item:
                raise RuntimeError(f"benchmark worker failed:\n{item['error']}")
            out.append(item)
    finally:
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
                proc.join()
    return out


def _entry(
    target: Callable[..., dict[str, Any]],
    results: Any,
    barrier: Any,
    counter: str,
    seconds: float,
    kwargs: dict[str, Any],
) -> None:
    try:
        results.put(target(counter=counter, seconds=seconds, start=barrier.wait, **kwargs))
    except BaseException:
        barrier.abort()
        results.put({"error": traceback.format_exc()})


def merge(stats: list[dict[str, Any]]) -> dict[str, Any]:
    """Sum counts and concatenate latencies of all workers; elapsed is the longest."""
    latencies: list[float] = []
    for item in stats:
        latencies.extend(item["latencies"])
    merged: dict[str, Any] = {
        "ops": sum(s["ops"] for s in stats),
        "errors": sum(s["errors"] for s in stats),
        "elapsed": max(s["elapsed"] for s in stats),
        "latencies": latencies,
    }
    for key in ("statements", "round_trips"):
        values = [s[key] for s in stats if s.get(key) is not None]
        merged[key] = round(sum(values) / len(values), 2) if values else None
    for key in ("extra_latencies",):
        extra: list[float] = []
        for item in stats:
            extra.extend(item.get(key) or [])
        merged[key] = extra
    return merged
