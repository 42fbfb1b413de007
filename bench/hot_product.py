"""hot_product: N counters add 1 unit of the same product to their cart and take it out again.

Three (on PostgreSQL four) ways of doing the same work, measured in the same run on the
same database:
- project: the services (`store.cart.add` / `store.cart.remove`), one call per operation;
  on PostgreSQL each stock action is one SECURITY DEFINER function call (migration 0013),
  on the clerk's own role (so with every permission check a real counter pays);
- statements (PostgreSQL): the same services with the plain data-modifying statements the
  functions replaced (bench/plain_statements.py) on the owner's connection, as before
  per-user roles, so `ratio_vs_statements` is what the functions and their permission
  checks cost (the two alternate in slices of one run);
- baseline: plain psycopg (or sqlite3) replaying the exact statements the project sent for
  one add and one remove, in the same transactions, with no ORM and no Python around them;
- naive: the seed's pattern through the ORM: lock the cart, `SELECT ... FOR UPDATE` the
  product, check in Python, UPDATE it, add the ledger row, then read the cart.
An operation is one add or one remove (one transaction each).
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench import common
from bench.workers import merge, run_counters
from pos.db import normalize_url
from pos.errors import PosError
from pos.models import Cart, CartLine, Product, StockMovement, utcnow
from pos.services import open_store
from pos.services.plumbing.uow import Tx
from pos.services.selling.cart_reads import snapshot

DEFAULT_COUNTERS = (1, 2, 4, 8)
HOT_STOCK = 1_000
WARM_UP = 5


def _loop(seconds: float, start: Callable[[], Any], op: Callable[[int], None]) -> dict[str, Any]:
    start()
    latencies: list[float] = []
    errors = 0
    began = time.perf_counter()
    deadline = began + seconds
    n = 0
    now = began
    while now < deadline:
        t0 = time.perf_counter()
        try:
            op(n)
        except PosError:
            errors += 1
        now = time.perf_counter()
        latencies.append(now - t0)
        n += 1
    return {"ops": n, "errors": errors, "elapsed": now - began, "latencies": latencies}


def project_worker(
    url: str,
    product_id: str,
    counter: str,
    seconds: float,
    start: Callable[[], Any],
    as_owner: bool = False,
) -> dict[str, Any]:
    with common.counter_session(url, counter, as_owner=as_owner) as (store, wire, actor):
        pid = uuid.UUID(product_id)
        for _ in range(WARM_UP):
            store.cart.add(actor, pid, 1)
            store.cart.remove(actor, pid)

        def op(n: int) -> None:
            if n % 2 == 0:
                store.cart.add(actor, pid, 1)
            else:
                store.cart.remove(actor, pid)

        before = wire.snapshot()
        stats = _loop(seconds, start, op)
        if stats["ops"] % 2:
            store.cart.remove(actor, pid)  # leave the cart empty (not timed)
            stats["ops"] -= 1
            stats["latencies"].pop()
        stats["statements"], stats["round_trips"] = wire.per_op(before, stats["ops"], store.backend)
        return stats


def statements_worker(
    url: str, product_id: str, counter: str, seconds: float, start: Callable[[], Any]
) -> dict[str, Any]:
    from bench.plain_statements import use_plain_statements

    use_plain_statements()  # this process only: workers are spawned
    # The statements need write grants no pos role has: the owner's connection, as every
    # counter used before per-user roles.
    return project_worker(url, product_id, counter, seconds, start, as_owner=True)


def _record_one_pair(url: str, counter: str, pid: uuid.UUID) -> list[list[tuple[str, Any]]]:
    """The statements the project sends for one add and one remove of this counter."""
    with common.counter_session(url, counter) as (store, wire, actor):
        store.cart.add(actor, pid, 1)
        store.cart.remove(actor, pid)
        transactions = []
        for call in (lambda: store.cart.add(actor, pid, 1), lambda: store.cart.remove(actor, pid)):
            wire.sql, wire.recording = [], True
            call()
            wire.recording = False
            transactions.append([(sql, params) for sql, params, _many in wire.sql])
        return transactions


def baseline_worker(
    url: str, product_id: str, counter: str, seconds: float, start: Callable[[], Any]
) -> dict[str, Any]:
    pid = uuid.UUID(product_id)
    add_sql, remove_sql = _record_one_pair(url, counter, pid)
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() == "postgresql":
        conn: Any = psycopg.connect(parsed.set(drivername="postgresql").render_as_string(False))
        commit = conn.commit
    else:
        conn = sqlite3.connect(str(parsed.database), isolation_level=None, timeout=10)
        conn.execute("PRAGMA busy_timeout=10000")

        def commit() -> None:
            conn.execute("COMMIT")

    cursor = conn.cursor()
    transactions = (add_sql, remove_sql)

    def op(n: int) -> None:
        for sql, params in transactions[n % 2]:
            cursor.execute(sql, params)
            if cursor.description is not None:
                cursor.fetchall()
        commit()

    for n in range(WARM_UP * 2):
        op(n)
    statements = sum(len(t) for t in transactions) / 2
    stats = _loop(seconds, start, op)
    conn.close()
    stats["statements"] = statements
    stats["round_trips"] = statements + (0 if parsed.get_backend_name() == "sqlite" else 2)
    return stats


def naive_worker(
    url: str, product_id: str, counter: str, seconds: float, start: Callable[[], Any]
) -> dict[str, Any]:
    with common.counter_session(url, counter) as (store, wire, actor):
        pid = uuid.UUID(product_id)
        cart_id = store.cart.add(actor, pid, 1).cart_id
        store.cart.remove(actor, pid)
        backend = store.backend

        def locked_cart(session: Session) -> Cart:
            return session.execute(
                select(Cart).where(Cart.id == cart_id).with_for_update()
            ).scalar_one()

        def ledger(session: Session, delta: int, after: int, reason: str) -> None:
            session.add(
                StockMovement(
                    product_id=pid,
                    delta=delta,
                    reason=reason,
                    stock_after=after,
                    user_id=actor.user_id,
                    counter_id=actor.counter_id,
                    cart_id=cart_id,
                    note="",
                    created_at=utcnow(),
                )
            )

        def add(session: Session) -> None:
            locked_cart(session)
            product = session.get(Product, pid, with_for_update=True)
            if product is None or product.stock_quantity < 1:
                raise PosError("INSUFFICIENT_STOCK", "out of stock")  # type: ignore[arg-type]
            product.stock_quantity -= 1
            product.updated_at = utcnow()
            ledger(session, -1, product.stock_quantity, "cart_add")
            line = session.execute(
                select(CartLine).where(CartLine.cart_id == cart_id, CartLine.product_id == pid)
            ).scalar_one_or_none()
            if line is None:
                session.add(
                    CartLine(
                        cart_id=cart_id,
                        product_id=pid,
                        quantity=1,
                        unit_price_cents=product.price_cents,
                        added_at=utcnow(),
                    )
                )
            else:
                line.quantity += 1

        def remove(session: Session) -> None:
            locked_cart(session)
            line = session.execute(
                select(CartLine).where(CartLine.cart_id == cart_id, CartLine.product_id == pid)
            ).scalar_one()
            product = session.get(Product, pid, with_for_update=True)
            assert product is not None
            product.stock_quantity += line.quantity
            product.updated_at = utcnow()
            ledger(session, line.quantity, product.stock_quantity, "cart_remove")
            session.delete(line)

        def op(n: int) -> None:
            with Session(store.engine, expire_on_commit=False) as session, session.begin():
                (add if n % 2 == 0 else remove)(session)
                session.flush()
                snapshot(Tx(session, backend), cart_id, counter_code=actor.counter_code)

        for n in range(WARM_UP * 2):
            op(n)
        before = wire.snapshot()
        stats = _loop(seconds, start, op)
        if stats["ops"] % 2:
            op(1)
            stats["ops"] -= 1
            stats["latencies"].pop()
        stats["statements"], stats["round_trips"] = wire.per_op(before, stats["ops"], backend)
        return stats


VARIANTS = {
    "baseline": baseline_worker,
    "project": project_worker,
    "statements": statements_worker,
    "naive": naive_worker,
}
POSTGRES_ONLY = ("statements",)
# The functions and the statements they replaced are measured in alternating slices of
# the same run, so a burst of load on a shared machine hits both alike.
PAIRED = ("project", "statements")
ROUNDS = 3


def _measure(
    backend: str, counters: int, seconds: float, url: str, product_id: str
) -> dict[str, dict[str, Any]]:
    def once(variant: str, span: float) -> dict[str, Any]:
        return merge(
            run_counters(VARIANTS[variant], counters, span, url=url, product_id=product_id)
        )

    out: dict[str, dict[str, Any]] = {}
    paired = backend == "postgresql"
    if paired:
        slices: dict[str, list[dict[str, Any]]] = {v: [] for v in PAIRED}
        for _ in range(ROUNDS):
            for variant in PAIRED:
                slices[variant].append(once(variant, seconds / ROUNDS))
        out.update({v: _combined(slices[v]) for v in PAIRED})
    for variant in VARIANTS:
        if variant in out or (variant in POSTGRES_ONLY and not paired):
            continue
        out[variant] = once(variant, seconds)
    return out


def _combined(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Slices of one variant as one measurement: ops and time add up."""
    merged = dict(parts[0])
    merged["ops"] = sum(p["ops"] for p in parts)
    merged["errors"] = sum(p["errors"] for p in parts)
    merged["elapsed"] = sum(p["elapsed"] for p in parts)
    merged["latencies"] = [x for p in parts for x in p["latencies"]]
    return merged


def run(
    admin: str,
    backends: list[str],
    counters: list[int] | None = None,
    seconds: float = 10.0,
) -> list[dict[str, Any]]:
    records = []
    for backend in backends:
        for n in counters or DEFAULT_COUNTERS:
            with common.scratch_database(backend, admin) as url:
                with open_store(url) as store:
                    manager = common.manager_login(store)
                    product = store.catalog.add_product(
                        manager, sku="HOT-1", name="Hot product", price="2.50", stock=HOT_STOCK
                    )
                measured: dict[str, dict[str, Any]] = {}
                stats_of = _measure(backend, n, seconds, url, str(product.id))
                for variant, stats in stats_of.items():
                    checks = common.final_checks(url)
                    measured[variant] = _record(backend, n, seconds, variant, stats, checks)
                base = measured["baseline"]["ops_per_s"]
                naive = measured["naive"]["ops_per_s"]
                plain = measured.get("statements", {}).get("ops_per_s")
                for record in measured.values():
                    record["baseline_ops_per_s"] = base
                    record["naive_ops_per_s"] = naive
                    record["ratio_vs_baseline"] = common.ratio(record["ops_per_s"], base)
                    record["ratio_vs_naive"] = common.ratio(record["ops_per_s"], naive)
                    if plain is not None:
                        record["statements_ops_per_s"] = plain
                        record["ratio_vs_statements"] = common.ratio(record["ops_per_s"], plain)
                for variant in ("project", "statements", "baseline", "naive"):
                    if variant not in measured:
                        continue
                    records.append(measured[variant])
                    common.emit(measured[variant])
    return records


def _record(
    backend: str,
    counters: int,
    seconds: float,
    variant: str,
    stats: dict[str, Any],
    checks: dict[str, Any],
) -> dict[str, Any]:
    elapsed = stats["elapsed"] or seconds
    return common.result(
        "hot_product",
        backend,
        variant=variant,
        counters=counters,
        seconds=round(elapsed, 2),
        ops=stats["ops"],
        ops_per_s=round(stats["ops"] / elapsed, 1),
        statements_per_op=stats["statements"],
        round_trips_per_op=stats["round_trips"],
        errors=stats["errors"],
        **common.percentiles(stats["latencies"]),
        **checks,
    )
