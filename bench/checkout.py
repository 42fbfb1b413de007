"""checkout: N counters each fill a 5-line cart from a 10,000-product catalog and pay.

ops are orders; p50/p95/p99 are for the checkout call itself, `sale_p95_ms` for a whole
sale (five adds and the checkout). statements/round trips are per checkout call;
`add_statements_per_op` / `add_round_trips_per_op` per add.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bench import common
from bench.catalog_data import load_catalog, product_id
from bench.workers import merge, run_counters
from pos.errors import PosError

DEFAULT_COUNTERS = (1, 2, 4, 8)
CATALOG = 10_000
LINES = 5


def checkout_worker(
    url: str, products: int, counter: str, seconds: float, start: Callable[[], Any]
) -> dict[str, Any]:
    with common.counter_session(url, counter) as (store, wire, actor):
        rng = random.Random(counter)
        pay = [("cash", Decimal("100000"))]
        checkout_lat: list[float] = []
        sale_lat: list[float] = []
        add_wire = [0, 0, 0, 0]  # statements, round trips (x100), adds, checkouts
        checkout_wire = [0.0, 0.0]
        errors = 0

        def sale(timed: bool) -> None:
            nonlocal errors
            t0 = time.perf_counter()
            try:
                for i in rng.sample(range(products), LINES):
                    before = wire.snapshot()
                    store.cart.add(actor, product_id(i), 1)
                    if timed:
                        s, r = wire.per_op(before, 1, store.backend)
                        add_wire[0] += s
                        add_wire[1] += r
                        add_wire[2] += 1
                before = wire.snapshot()
                t1 = time.perf_counter()
                store.checkout.complete(actor, pay)
                t2 = time.perf_counter()
                if timed:
                    s, r = wire.per_op(before, 1, store.backend)
                    checkout_wire[0] += s
                    checkout_wire[1] += r
                    checkout_lat.append(t2 - t1)
                    sale_lat.append(t2 - t0)
            except PosError:
                errors += 1
                store.cart.current(actor)  # nothing to repair: the next sale starts over

        for _ in range(2):
            sale(False)
        start()
        began = time.perf_counter()
        deadline = began + seconds
        while time.perf_counter() < deadline:
            sale(True)
        elapsed = time.perf_counter() - began
        orders = len(checkout_lat)
        return {
            "ops": orders,
            "errors": errors,
            "elapsed": elapsed,
            "latencies": checkout_lat,
            "extra_latencies": sale_lat,
            "statements": round(checkout_wire[0] / orders, 2) if orders else None,
            "round_trips": round(checkout_wire[1] / orders, 2) if orders else None,
            "add_statements": round(add_wire[0] / add_wire[2], 2) if add_wire[2] else None,
            "add_round_trips": round(add_wire[1] / add_wire[2], 2) if add_wire[2] else None,
        }


def run(
    admin: str,
    backends: list[str],
    counters: list[int] | None = None,
    seconds: float = 10.0,
    products: int = CATALOG,
) -> list[dict[str, Any]]:
    records = []
    for backend in backends:
        for n in counters or DEFAULT_COUNTERS:
            with common.scratch_database(backend, admin) as url:
                load_catalog(url, products)
                raw = run_counters(checkout_worker, n, seconds, url=url, products=products)
                stats = merge(raw)
                checks = common.final_checks(url)
                adds = [r["add_statements"] for r in raw if r["add_statements"] is not None]
                add_trips = [r["add_round_trips"] for r in raw if r["add_round_trips"]]
                elapsed = stats["elapsed"] or seconds
                record = common.result(
                    "checkout",
                    backend,
                    variant="project",
                    counters=n,
                    seconds=round(elapsed, 2),
                    ops=stats["ops"],
                    ops_per_s=round(stats["ops"] / elapsed, 1),
                    statements_per_op=stats["statements"],
                    round_trips_per_op=stats["round_trips"],
                    errors=stats["errors"],
                    catalog_products=products,
                    lines_per_order=LINES,
                    sale_p95_ms=common.percentiles(stats["extra_latencies"])["p95_ms"],
                    add_statements_per_op=round(sum(adds) / len(adds), 2) if adds else None,
                    add_round_trips_per_op=(
                        round(sum(add_trips) / len(add_trips), 2) if add_trips else None
                    ),
                    **common.percentiles(stats["latencies"]),
                    **checks,
                )
                records.append(record)
                common.emit(record)
    return records
