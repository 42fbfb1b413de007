"""What every benchmark shares: scratch databases, users, result records, statistics."""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from pos.db import normalize_url
from pos.security.roles import drop_database_and_roles
from pos.services import Store, open_store

ADMIN_URL_ENV = "POS_BENCH_DATABASE_URL"
DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MANAGER = ("boss", "boss-password-1")
CLERK = ("alice", "alice-password")

# Every result line has these keys (null where a key does not apply to a benchmark).
RESULT_KEYS = (
    "benchmark",
    "variant",
    "backend",
    "counters",
    "seconds",
    "ops",
    "ops_per_s",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "statements_per_op",
    "round_trips_per_op",
    "baseline_ops_per_s",
    "ratio_vs_baseline",
    "naive_ops_per_s",
    "ratio_vs_naive",
    "errors",
    "oversold",
    "audit_ok",
    "audit_s",
    "cpu_count",
    "load_avg_1m",
)


def result(benchmark: str, backend: str, **values: Any) -> dict[str, Any]:
    record: dict[str, Any] = dict.fromkeys(RESULT_KEYS)
    record.update(benchmark=benchmark, backend=backend, cpu_count=os.cpu_count())
    record["load_avg_1m"] = round(os.getloadavg()[0], 2)
    record.update(values)
    return record


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record, default=str), flush=True)


def percentiles(latencies_s: list[float]) -> dict[str, float | None]:
    """p50/p95/p99 in milliseconds (nearest-rank on the sorted sample)."""
    if not latencies_s:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    ordered = sorted(latencies_s)

    def rank(p: float) -> float:
        index = min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))
        return round(ordered[index] * 1000, 3)

    return {"p50_ms": rank(50), "p95_ms": rank(95), "p99_ms": rank(99)}


def mean_ms(latencies_s: list[float]) -> float | None:
    return round(statistics.fmean(latencies_s) * 1000, 3) if latencies_s else None


def ratio(value: float | None, base: float | None) -> float | None:
    if not value or not base:
        return None
    return round(value / base, 3)


# -- scratch databases ----------------------------------------------------------------


def admin_url(explicit: str | None) -> str:
    return normalize_url(explicit or os.environ.get(ADMIN_URL_ENV) or DEFAULT_ADMIN_URL)


def _pg_exec(url: str, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


@contextlib.contextmanager
def scratch_database(backend: str, admin: str) -> Iterator[str]:
    """A fresh, migrated database for one benchmark run; dropped afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="pos-bench-") as folder:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            _migrate(url)
            yield url
        return
    name = f"pos_bench_{uuid.uuid4().hex[:10]}"
    _pg_exec(admin, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(admin).set(database=name).render_as_string(hide_password=False)
        _migrate(url)
        yield url
    finally:
        drop_database_and_roles(admin, name)  # roles outlive databases


def _migrate(url: str) -> None:
    with open_store(url) as store:
        store.migrate()
        manager = store.auth.bootstrap_manager(*MANAGER)
        store.auth.add_user(manager, CLERK[0], CLERK[1], role="clerk")


@contextlib.contextmanager
def counter_session(
    url: str, counter: str, *, as_owner: bool = False
) -> Iterator[tuple[Store, WireCounter, Any]]:
    """One counter process: its own store with every SQL statement counted, signed in.

    as_owner: the clerk's work runs on the store's own (the bench's owner) connection, as
    every counter's did before per-user roles: what the plain-statements variant needs."""
    store = open_store(url)
    try:
        wire = WireCounter()
        clerk = clerk_login(store, counter)
        login = clerk.session.login
        if as_owner and login.engine is not None:
            # The store's own engines in place of the clerk's role's pool (not None, which
            # would add the SQLite-style session check to every unit of work).
            login.dispose()
            login.engine, login.read_engine = store.uow.engine, store.uow._read_engine
        # PostgreSQL: the clerk's work runs on their own role's connections.
        wire.attach(store.uow.engine_for(clerk))
        yield store, wire, clerk
    finally:
        store.close()


def clerk_login(store: Store, counter: str) -> Any:
    return store.auth.login(CLERK[0], CLERK[1], counter=counter)


def manager_login(store: Store, counter: str | None = None) -> Any:
    return store.auth.login(MANAGER[0], MANAGER[1], counter=counter)


# -- counting what goes over the wire ---------------------------------------------------


@dataclass
class WireCounter:
    """Statements (cursor executes) and transaction boundaries seen on one engine.

    `statements` are SQL statements the code sends; `round_trips` adds what the driver
    sends around them: BEGIN and COMMIT/ROLLBACK for each transaction, and the pool's
    liveness ping when one is made (counted through `pings`).
    """

    statements: int = 0
    transactions: int = 0
    pings: int = 0
    sql: list[tuple[str, Any, bool]] = field(default_factory=list)
    recording: bool = False

    def attach(self, engine: Engine) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def _count(conn: Any, cursor: Any, statement: str, params: Any, ctx: Any, many: bool):
            self.statements += 1
            if self.recording:
                self.sql.append((statement, params, many))

        @event.listens_for(engine, "commit")
        def _commit(conn: Any) -> None:
            self.transactions += 1

        @event.listens_for(engine, "rollback")
        def _rollback(conn: Any) -> None:
            self.transactions += 1

        if getattr(engine.pool, "_pre_ping", False):

            @event.listens_for(engine, "checkout")
            def _ping(*_: Any) -> None:
                self.pings += 1

    def snapshot(self) -> tuple[int, int, int]:
        return self.statements, self.transactions, self.pings

    def per_op(self, start: tuple[int, int, int], ops: int, backend: str) -> tuple[float, float]:
        statements = self.statements - start[0]
        transactions = self.transactions - start[1]
        pings = self.pings - start[2]
        # SQLite's BEGIN goes through a cursor and is already counted as a statement.
        boundaries = transactions * (1 if backend == "sqlite" else 2)
        if not ops:
            return 0.0, 0.0
        return round(statements / ops, 2), round((statements + boundaries + pings) / ops, 2)


# -- checks every run ends with ------------------------------------------------------------


def final_checks(url: str) -> dict[str, Any]:
    """The audit, and units sold or held beyond what was ever received (oversold)."""
    with open_store(url) as store:
        started = time.perf_counter()
        report = store.audit.check()
        audit_s = round(time.perf_counter() - started, 3)
        with store.engine.connect() as conn:
            oversold = conn.execute(text(OVERSOLD_SQL)).scalar_one()
            negative = conn.execute(
                text("SELECT count(*) FROM products WHERE stock_quantity < 0")
            ).scalar_one()
    if not report.ok:
        print(f"audit problems: {report.problems[:5]}", file=sys.stderr)
    return {"audit_ok": report.ok, "audit_s": audit_s, "oversold": int(oversold) + int(negative)}


# For each product: units in open carts plus units sold, minus every unit that ever came in
# (receipts, imports, adjustments, returns). Positive means stock was sold twice.
OVERSOLD_SQL = """
SELECT COALESCE(SUM(CASE WHEN taken > came_in THEN taken - came_in ELSE 0 END), 0)
  FROM (
    SELECT p.id,
           COALESCE((SELECT SUM(m.delta) FROM stock_movements m
                      WHERE m.product_id = p.id
                        AND m.reason NOT IN ('cart_add', 'cart_remove', 'cart_release')), 0)
               AS came_in,
           COALESCE((SELECT SUM(l.quantity) FROM cart_lines l JOIN carts c ON c.id = l.cart_id
                      WHERE l.product_id = p.id AND c.status = 'open'), 0)
         + COALESCE((SELECT SUM(i.quantity) FROM order_items i
                      WHERE i.product_id = p.id), 0) AS taken
      FROM products p
     WHERE p.id IN (SELECT product_id FROM stock_movements
                     WHERE reason IN ('cart_add', 'cart_remove', 'cart_release'))
  ) AS per_product
"""


def backend_of(url: str) -> str:
    return make_url(normalize_url(url)).get_backend_name()
