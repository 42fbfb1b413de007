"""A lock held too long: the waiting counter gets LOCK_TIMEOUT in about the configured time,
not a hang, and nothing is written."""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pos.errors import ErrorCode, PosError
from pos.services import open_store
from tests.integration.helpers import snapshot, stock_of

LOCK_MS = 600


@contextmanager
def holding(db_url: str, statement: str, params: dict):
    """Another session holds a lock (PostgreSQL row lock, or SQLite's write lock)."""
    if make_url(db_url).get_backend_name() == "sqlite":
        conn = sqlite3.connect(make_url(db_url).database, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn, conn.begin():
            conn.execute(text(statement), params)
            yield
    finally:
        engine.dispose()


@pytest.fixture
def impatient(db_url):
    s = open_store(db_url, lock_timeout_ms=LOCK_MS)
    yield s
    s.close()


def _refused_in_time(call) -> PosError:
    started = time.monotonic()
    with pytest.raises(PosError) as exc:
        call()
    elapsed = time.monotonic() - started
    assert exc.value.code == ErrorCode.LOCK_TIMEOUT, exc.value
    assert "busy" in exc.value.message
    assert LOCK_MS / 1000 * 0.8 <= elapsed < LOCK_MS / 1000 + 2.0, elapsed
    return exc.value


def test_held_product_lock_times_out(store, impatient, db_url, clerk, make_product):
    p = make_product(stock=5)
    actor = impatient.auth.login("alice", "alice-password", counter="C2")
    before = snapshot(store)
    with holding(db_url, "SELECT id FROM products WHERE id = :id FOR UPDATE", {"id": p.id}):
        _refused_in_time(lambda: impatient.cart.add(actor, p.id, 1))
    assert snapshot(store) == before  # nothing half-written
    # Lock gone: the same counter sells at once.
    impatient.cart.add(actor, p.id, 1)
    assert stock_of(store, p.id) == 4
    assert store.audit.check().ok


def test_held_cart_lock_times_out(store, impatient, db_url, clerk, make_product):
    p = make_product(stock=5)
    actor = impatient.auth.login("alice", "alice-password", counter="C2")
    cart = impatient.cart.add(actor, p.id, 1)
    before = snapshot(store)
    with holding(db_url, "SELECT id FROM carts WHERE id = :id FOR UPDATE", {"id": cart.cart_id}):
        _refused_in_time(lambda: impatient.cart.add(actor, p.id, 1))
        _refused_in_time(
            lambda: impatient.checkout.complete(actor, [("cash", 100)], cart_id=cart.cart_id),
        )
    assert snapshot(store) == before
    assert impatient.cart.add(actor, p.id, 1).line(p.id).quantity == 2
    assert store.audit.check().ok


def test_lock_timeout_from_environment(monkeypatch, db_url):
    monkeypatch.setenv("POS_LOCK_TIMEOUT_MS", "750")
    s = open_store(db_url)
    try:
        with s.engine.connect() as conn:
            if s.backend == "postgresql":
                value = conn.execute(text("SHOW lock_timeout")).scalar_one()
                assert value == "750ms"
            else:
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 750
    finally:
        s.close()
