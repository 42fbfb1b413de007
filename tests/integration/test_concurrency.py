"""Several counter processes on one hot product: never oversold, audit always ok."""

import multiprocessing
import os
import signal
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.integration import counter_worker
from tests.integration.helpers import stock_of

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def _pool(n):
    return ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"))


@contextmanager
def _start_barrier(parties):
    """Released when every worker is connected and waiting: they then go at once (no
    wall-clock guess of how long spawning takes on a busy machine)."""
    with multiprocessing.get_context("spawn").Manager() as manager:
        yield manager.Barrier(parties)


def test_eight_counters_race_for_300_units(store, db_url, clerk, make_product):
    p = make_product(stock=300, name="Hot Product")
    with _pool(8) as pool:
        results = list(
            pool.map(
                counter_worker.hammer_one_product,
                [db_url] * 8,
                [f"C{i}" for i in range(1, 9)],
                [str(p.id)] * 8,
                [60] * 8,
            )
        )
    assert sum(r["ok"] for r in results) == 300
    assert sum(r["insufficient"] for r in results) == 180
    assert sum(r["other"] for r in results) == 0
    assert stock_of(store, p.id) == 0
    report = store.audit.check()
    assert report.ok, report.problems
    carts = store.carts.open_carts(clerk_manager(store))
    assert sum(line.quantity for cart in carts for line in cart.lines) == 300


def clerk_manager(store):
    return store.auth.login("boss", "boss-password-1")


def test_mixed_run_keeps_the_audit(store, db_url, clerk, make_product):
    products = [make_product(stock=15) for _ in range(4)]
    ids = [str(p.id) for p in products]
    with _pool(4) as pool:
        results = list(
            pool.map(
                counter_worker.mixed_run,
                [db_url] * 4,
                [f"C{i}" for i in range(1, 5)],
                [ids] * 4,
                [50] * 4,
                range(4),
            )
        )
    assert [r["unexpected"] for r in results] == [[], [], [], []]
    assert sum(r["ops"] for r in results) > 50
    report = store.audit.check()
    assert report.ok, report.problems


def test_killed_counter_finds_its_cart_again(store, db_url, manager, clerk, make_product):
    p = make_product(stock=10)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.counter_worker", db_url, "C9", str(p.id), "4"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert proc.stdout.readline().strip() == "added"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    again = store.auth.login("alice", "alice-password", counter="C9")
    cart = store.cart.current(again)
    assert cart.line(p.id).quantity == 4
    assert stock_of(store, p.id) == 6
    assert store.audit.check().ok
    store.carts.release(manager, cart.cart_id)
    assert stock_of(store, p.id) == 10
    assert store.audit.check().ok


def test_new_counter_code_and_category_at_once(store, db_url, manager):
    with _start_barrier(6) as start, _pool(6) as pool:
        results = list(
            pool.map(counter_worker.new_names_at_once, [db_url] * 6, [start] * 6, range(6))
        )
    assert results == ["ok"] * 6
    assert store.catalog.categories(manager) == ["Race Day"]
    assert store.catalog.count(manager, category="Race Day") == 6


def test_two_sessions_open_one_counters_cart_at_once(store, db_url, manager, clerk, make_product):
    p = make_product(stock=20)
    for _ in range(3):  # a race is a matter of luck: give it several chances
        with _start_barrier(2) as start, _pool(2) as pool:
            results = list(
                pool.map(
                    counter_worker.open_cart_at_once, [db_url] * 2, [start] * 2, [str(p.id)] * 2
                )
            )
        assert results == ["ok", "ok"]
        carts = [c for c in store.carts.open_carts(manager) if c.counter_code == "SHARED"]
        assert len(carts) == 1 and carts[0].item_count == 2
        store.carts.release(manager, carts[0].cart_id)
    assert store.audit.check().ok
