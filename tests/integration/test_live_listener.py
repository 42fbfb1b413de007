"""The live listener/poller: what it delivers, and how it survives lost connections, an
unreachable server and (opt-in, POS_TEST_PG_RESTART=1) a real server restart."""

from __future__ import annotations

import os
import queue
import subprocess
import time
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pos.errors import ErrorCode, PosError
from pos.services import open_store
from pos.services.plumbing.events import Change
from pos.services.plumbing.live import conninfo_from_url
from tests.integration.helpers import snapshot
from tests.integration.live_worker import PrivatePostgres, TcpProxy


class Recorder:
    """Changes and online/offline states as the listener thread delivers them."""

    def __init__(self, live) -> None:
        self.changes: queue.Queue[Change] = queue.Queue()
        self.states: queue.Queue[bool] = queue.Queue()
        live.events.subscribe(self.changes.put)
        live.subscribe_state(self.states.put)

    def change(self, accept, timeout: float = 3.0) -> Change:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                change = self.changes.get(timeout=left)
            except queue.Empty:
                break
            if accept(change):
                return change
        raise AssertionError(f"no matching change within {timeout} s")

    def state(self, wanted: bool, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                if self.states.get(timeout=left) is wanted:
                    return
            except queue.Empty:
                break
        raise AssertionError(f"listener not {'online' if wanted else 'offline'} in {timeout} s")


@pytest.fixture
def other(db_url, manager):
    """A second counter's store: its changes are what the listener must see."""
    s = open_store(db_url, application_name="other")
    yield s
    s.close()


@pytest.fixture
def live(store):
    sync = store.live()
    yield sync
    sync.stop()


def test_delivers_stock_product_and_settings_changes(store, other, live, manager, make_product):
    p, q = make_product(stock=10), make_product(stock=10)
    rec = Recorder(live)
    live.start()
    assert live.wait_online(5)  # online only after the poller's baseline / the LISTEN
    boss = other.auth.login("boss", "boss-password-1")
    other.inventory.adjust(boss, p.id, 5, "receive")
    assert rec.change(lambda c: c.kind == "stock").product_ids == (p.id,)
    other.catalog.update_product(boss, q.id, name="Renamed")
    assert rec.change(lambda c: c.kind == "product").product_ids == (q.id,)
    other.settings.update(boss, store_name="Corner Shop")
    rec.change(lambda c: c.kind == "settings")
    started = time.monotonic()
    live.stop()
    assert time.monotonic() - started < 1.5
    assert not live.running


def test_stock_of_a_released_cart_arrives_as_one_change(
    store, other, live, manager, clerk, make_product
):
    ps = [make_product(stock=10) for _ in range(3)]
    for p in ps:
        store.cart.add(clerk, p.id, 1)
    cart = store.cart.current(clerk)
    rec = Recorder(live)
    live.start()
    assert live.wait_online(5)
    boss = other.auth.login("boss", "boss-password-1")
    other.carts.release(boss, cart.cart_id)
    change = rec.change(lambda c: c.kind == "stock")
    assert set(change.product_ids) == {p.id for p in ps}


def _terminate(db_url: str, where: str) -> int:
    engine = create_engine(db_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        f"WHERE datname = current_database() AND pid <> pg_backend_pid() {where}"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_listener_survives_losing_every_connection(
    store, db_url, other, live, manager, make_product
):
    p = make_product(stock=10)
    rec = Recorder(live)
    live.start()
    rec.state(True)
    boss = other.auth.login("boss", "boss-password-1")
    for round_no in range(3):
        # What a server restart does to clients: every session of this database ends.
        assert _terminate(db_url, "") >= 1
        rec.state(False)
        rec.state(True)
        rec.change(lambda c: c.kind == "resync")
        other.inventory.adjust(boss, p.id, 1, "receive")  # the pool replaces dead sessions
        assert rec.change(lambda c: c.kind == "stock").product_ids == (p.id,)
        assert live.reconnects == round_no + 1
    assert store.ping() < 1.0
    assert store.audit.check().ok


def test_conninfo_from_url_drops_the_driver():
    url = make_url("postgresql+psycopg://u:p%40ss@db.example:6543/shop?application_name=C1")
    info = conninfo_from_url(url, application_name="C1-live")
    assert "+psycopg" not in info
    parts = dict(item.split("=", 1) for item in info.split())
    assert parts["host"] == "db.example"
    assert parts["port"] == "6543"
    assert parts["dbname"] == "shop"
    assert parts["user"] == "u"
    assert parts["password"] == "p@ss"
    assert parts["application_name"] == "C1-live"


@pytest.fixture
def proxied(db_url, manager):
    """A store and its listener that reach PostgreSQL through a proxy we can cut."""
    url = make_url(db_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    via = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    s = open_store(via, application_name="proxied")
    sync = s.live(backoff_max=0.5)
    yield s, sync, proxy
    proxy.restore()
    sync.stop()
    s.close()
    proxy.close()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_unreachable_server_refuses_then_recovers(store, proxied, clerk, make_product):
    s, sync, proxy = proxied
    p = make_product(stock=5)
    rec = Recorder(sync)
    sync.start()
    rec.state(True)
    actor = s.auth.login("alice", "alice-password", counter="C5")
    s.cart.add(actor, p.id, 1)
    before = snapshot(store)

    proxy.cut()
    rec.state(False, timeout=3)
    for call in (
        lambda: s.cart.add(actor, p.id, 1),
        lambda: s.cart.remove(actor, p.id),
        lambda: s.checkout.complete(actor, [("cash", 100)]),
    ):
        started = time.monotonic()
        with pytest.raises(PosError) as exc:
            call()
        assert exc.value.code == ErrorCode.DATABASE_ERROR
        assert time.monotonic() - started < 6.0
    with pytest.raises(PosError):
        s.ping()
    assert snapshot(store) == before  # nothing half-written

    proxy.restore()
    rec.state(True, timeout=5)
    rec.change(lambda c: c.kind == "resync")
    assert s.cart.add(actor, p.id, 1).line(p.id).quantity == 2
    store.catalog.update_product(
        store.auth.login("boss", "boss-password-1"), p.id, price=Decimal("7.00")
    )
    assert rec.change(lambda c: c.kind == "product").product_ids == (p.id,)
    assert store.audit.check().ok


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_silent_server_fails_in_seconds_not_a_hang(proxied):
    """A server that accepts but never answers (a hung host): connect_timeout bounds it."""
    s, _sync, proxy = proxied
    assert s.ping() < 1.0
    proxy.cut(blackhole=True)
    started = time.monotonic()
    with pytest.raises(PosError) as exc:
        s.ping()
    assert exc.value.code == ErrorCode.DATABASE_ERROR
    assert time.monotonic() - started < 8.0
    proxy.restore()
    assert s.ping() < 1.0


RESTART = os.environ.get("POS_TEST_PG_RESTART") == "1"


@pytest.mark.skipif(not RESTART, reason="restarts the shared server: set POS_TEST_PG_RESTART=1")
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_listener_survives_a_real_server_restart(store, other, live, manager, make_product):
    p = make_product(stock=10)
    rec = Recorder(live)
    live.start()
    rec.state(True)
    cluster = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main"]
    subprocess.run([*cluster, "stop", "-m", "fast"], check=True, timeout=60)
    try:
        rec.state(False)
        with pytest.raises(PosError) as exc:
            other.ping()
        assert exc.value.code == ErrorCode.DATABASE_ERROR
    finally:
        subprocess.run([*cluster, "start"], check=True, timeout=60)
    rec.state(True, timeout=15)
    rec.change(lambda c: c.kind == "resync")
    boss = other.auth.login("boss", "boss-password-1")
    other.inventory.adjust(boss, p.id, 1, "receive")
    assert rec.change(lambda c: c.kind == "stock").product_ids == (p.id,)
    assert store.audit.check().ok


@pytest.mark.slow
@pytest.mark.skipif(not PrivatePostgres.available(), reason="needs PostgreSQL server binaries")
def test_listener_survives_a_restart_of_a_private_server():
    """Stops and starts a throwaway server of our own (the shared one is left alone)."""
    server = PrivatePostgres()
    server.init()
    try:
        s = open_store(server.url, application_name="restart")
        s.migrate()
        boss = s.auth.bootstrap_manager("boss", "boss-password-1")
        p = s.catalog.add_product(boss, price=Decimal("1.00"), stock=5, sku="R1", name="R1")
        sync = s.live(backoff_max=0.5)
        rec = Recorder(sync)
        sync.start()
        rec.state(True)
        server.stop()
        rec.state(False)
        started = time.monotonic()
        with pytest.raises(PosError) as exc:
            s.inventory.adjust(boss, p.id, 1, "receive")
        assert exc.value.code == ErrorCode.DATABASE_ERROR
        assert time.monotonic() - started < 6.0
        server.start()
        rec.state(True, timeout=10)
        rec.change(lambda c: c.kind == "resync")
        other = open_store(server.url, application_name="other")
        try:
            other_boss = other.auth.login("boss", "boss-password-1")
            other.inventory.adjust(other_boss, p.id, 2, "receive")
        finally:
            other.close()
        assert rec.change(lambda c: c.kind == "stock").product_ids == (p.id,)
        assert s.audit.check().ok
        sync.stop()
        s.close()
    finally:
        server.destroy()
