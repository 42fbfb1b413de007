"""catalog_scale: big catalogs (100,000; 1,000,000 behind --huge) on both backends.

Service level, in this process: p95 search latency for what a clerk types (a word, part
of a word or of a model code; an exact SKU; an exact barcode), one grid page (80 rows)
each. GUI level, in a separate offscreen process (bench.gui_probe): sign-in to the grid
showing its first page, scrolling the grid to its end, and that process's peak RSS.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import common
from bench.catalog_data import barcode, load_catalog, name_queries, sku
from pos.services import open_store

DEFAULT_SIZES = (100_000,)
HUGE_SIZES = (100_000, 1_000_000)
QUERIES_PER_KIND = 60
PAGE = 80  # the counter grid's page size
ROOT = Path(__file__).resolve().parents[1]


def search_latencies(url: str, products: int, queries: int) -> dict[str, Any]:
    rng = random.Random(11)
    kinds = {
        "name": name_queries(queries, products),
        "sku": [sku(rng.randrange(products)) for _ in range(queries)],
        "barcode": [barcode(rng.randrange(products)) for _ in range(queries)],
    }
    out: dict[str, Any] = {}
    every: list[float] = []
    with open_store(url) as store:
        actor = common.clerk_login(store, "S1")
        for kind, texts in kinds.items():
            store.catalog.search(actor, texts[0], limit=PAGE)  # warm the pool and caches
            found = 0
            latencies = []
            for q in texts:
                t0 = time.perf_counter()
                found += bool(store.catalog.search(actor, q, limit=PAGE))
                latencies.append(time.perf_counter() - t0)
            every += latencies
            stats = common.percentiles(latencies)
            out[f"search_{kind}_p50_ms"] = stats["p50_ms"]
            out[f"search_{kind}_p95_ms"] = stats["p95_ms"]
            out[f"search_{kind}_found"] = f"{found}/{len(texts)}"
    out["searches"] = len(every)
    out["search_s"] = sum(every)
    out.update(common.percentiles(every))
    return out


def gui_probe(url: str, scroll_limit_s: float) -> dict[str, Any]:
    """Run the counter window offscreen in a child process; its JSON, or an error note."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.gui_probe", url, "--scroll-limit", str(scroll_limit_s)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=scroll_limit_s + 180,
        )
    except subprocess.TimeoutExpired:
        return {"gui_note": "GUI probe timed out"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"gui_note": f"GUI probe failed: {done.stderr.strip()[-400:]}"}
    return dict(json.loads(lines[-1]))


def run(
    admin: str,
    backends: list[str],
    sizes: list[int] | None = None,
    queries: int = QUERIES_PER_KIND,
    gui: bool = True,
    scroll_limit_s: float = 30.0,
) -> list[dict[str, Any]]:
    records = []
    for backend in backends:
        for size in sizes or DEFAULT_SIZES:
            with common.scratch_database(backend, admin) as url:
                load_s = load_catalog(url, size)
                searched = search_latencies(url, size, queries)
                probe: dict[str, Any] = {}
                if gui:
                    # Scrolling a million rows page by page is not a clerk's task; the
                    # first page and the memory are what matter there.
                    probe = gui_probe(url, scroll_limit_s if size <= 100_000 else 0)
                checks = common.final_checks(url)
                search_s = searched.pop("search_s")
                record = common.result(
                    "catalog_scale",
                    backend,
                    variant="project",
                    counters=1,
                    catalog_products=size,
                    load_s=round(load_s, 2),
                    ops=searched["searches"],
                    ops_per_s=round(searched["searches"] / search_s, 1) if search_s else None,
                    login_to_grid_s=probe.get("login_to_grid_s"),
                    scroll_end_to_end_s=(
                        probe.get("scroll_s") if probe.get("scroll_complete") else None
                    ),
                    scroll_rows_loaded=probe.get("rows_loaded"),
                    scroll_s=probe.get("scroll_s"),
                    gui_rss_grid_mb=probe.get("rss_grid_mb"),
                    gui_peak_rss_mb=probe.get("peak_rss_mb"),
                    gui_note=probe.get("gui_note") or (None if gui else "GUI probe skipped"),
                    **searched,
                    **checks,
                )
                records.append(record)
                common.emit(record)
    return records
