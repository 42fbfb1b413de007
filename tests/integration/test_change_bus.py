"""The one change bus, end to end: no redundant reads, one reload per reconnect, settings
live on a running counter, and the admin hears the same bus (both backends)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from pos.services import Store, open_store
from pos.services.plumbing.events import Change
from pos.ui.change_bus import ChangeBus
from pos.ui.counter_window import CounterWindow
from pos.ui.dialogs import Dialogs
from pos.ui.product_model import PriceTextRole
from pos.views import Actor
from tests.conftest import MANAGER_PASSWORD

pytestmark = pytest.mark.gui


@pytest.fixture
def bus(qtbot, store: Store) -> Iterator[ChangeBus]:
    bus = ChangeBus.of(store)
    bus.start()
    assert bus.live.wait_online(5)  # online once the poller has its baseline / LISTEN runs
    yield bus
    bus.stop()


@pytest.fixture
def other(db_url: str, manager: Actor) -> Iterator[Store]:
    s = open_store(db_url, application_name="other")
    yield s
    s.close()


def counter(qtbot, store: Store, actor: Actor, bus: ChangeBus) -> CounterWindow:
    window = CounterWindow(store, actor, dialogs=Dialogs(), bus=bus)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.product_model.rowCount() > 0)
    return window


def count_calls(monkeypatch, obj: object, name: str) -> list[object]:
    calls: list[object] = []
    original = getattr(obj, name)

    def wrapper(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(obj, name, wrapper)
    return calls


def test_one_bus_per_store(qtbot, store):
    assert ChangeBus.of(store) is ChangeBus.of(store)


def test_a_scan_reads_its_product_no_second_time(
    qtbot, monkeypatch, store, bus, clerk, make_product
):
    product = make_product(stock=9, barcode="4006381333931")
    window = counter(qtbot, store, clerk, bus)
    qtbot.wait(400)  # the poller's notice of the product made above has come and gone
    reads = count_calls(monkeypatch, store.catalog, "get_many")
    seen: list[Change] = []
    bus.changed.connect(seen.append)
    window.scan_field.setText("4006381333931")
    window.scan()
    qtbot.waitUntil(lambda: window.cart.line(product.id) is not None)
    qtbot.wait(800)  # time for the live echo (PostgreSQL notify, SQLite poll)
    window.shutdown()
    assert window.initiator in [c.initiator for c in seen if c.kind == "stock"]
    if store.backend == "postgresql":
        # The listener knows our own connections: the echo of our commit is dropped.
        assert reads == []
        assert [c.kind for c in seen] == ["stock"]
    else:
        # The SQLite poller cannot tell whose commit it saw: at most its one read is left.
        assert len(reads) <= 1


def test_reconnect_reloads_the_counter_once(qtbot, monkeypatch, store, clerk, make_product):
    from pos.ui.app import CounterSession

    make_product()
    session = CounterSession(store, "C1", Dialogs())
    window = session.start(clerk)
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: window.product_model.rowCount() > 0)
        loads = count_calls(monkeypatch, store.cart, "current")
        store.events.publish(Change("resync"))
        qtbot.wait(300)
        assert len(loads) == 1
    finally:
        session.stop()


def test_settings_change_reaches_a_running_counter(qtbot, store, bus, other, clerk, make_product):
    make_product(price="12.50")
    window = counter(qtbot, store, clerk, bus)
    window.load_cart()
    assert window.tax_label.text() == "Tax (8%)"
    boss = other.auth.login("boss", MANAGER_PASSWORD, counter="HQ")
    other.settings.update(boss, tax_rate="0.1", currency="EUR")
    qtbot.waitUntil(lambda: window.tax_label.text() == "Tax (10%)", timeout=5000)
    qtbot.waitUntil(lambda: price_text(window) == "\u20ac12.50", timeout=5000)
    window.shutdown()


def price_text(window: CounterWindow) -> str:
    return str(window.product_model.index(0, 0).data(PriceTextRole))


def test_admin_window_hears_the_same_bus(qtbot, monkeypatch, store, manager, make_product):
    from pos.ui.admin.window import AdminWindow

    window = AdminWindow(store, manager, dialogs=Dialogs())
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: not window.tasks.busy)
        reloads = count_calls(monkeypatch, window.products, "start")
        threads = []
        bus = ChangeBus.of(store)
        bus.changed.connect(lambda _c: threads.append(QThread.currentThread()))
        make_product()  # a catalog change made elsewhere in this process
        qtbot.waitUntil(lambda: len(reloads) == 1)
        assert threads == [QApplication.instance().thread()]
    finally:
        window.close()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_counter_without_credential_listens_as_whoever_is_signed_in(
    qtbot, db_url: str, store: Store, manager: Actor, clerk: Actor
) -> None:
    """A PostgreSQL counter keeps no credential: it listens as the signed-in clerk. After
    a change of clerk the listener moves to the new one, so deactivating the previous
    clerk (which ends their connections) leaves this counter online and hearing."""
    from sqlalchemy.engine import URL, make_url

    full = make_url(db_url)
    bare = URL.create(full.drivername, host=full.host, port=full.port, database=full.database)
    store.auth.add_user(manager, "bob", "bob-password", role="clerk")
    counter_store = open_store(bare.render_as_string())
    try:
        assert counter_store.signs_in_users_itself
        alice = counter_store.auth.login("alice", "alice-password", counter="C9")
        bus = ChangeBus(counter_store, actor=alice)
        bus.start()
        assert bus.live.wait_online(5)
        bob = counter_store.auth.login("bob", "bob-password", counter="C9")
        bus.listen_as(bob)
        assert bus.live.wait_online(5)
        counter_store.auth.logout(alice)
        store.auth.update_user(manager, alice.user_id, active=False)  # ends her backends
        heard: list[Change] = []
        bus.changed.connect(heard.append)
        product = store.catalog.add_product(
            manager, sku="HEAR-1", name="Heard", price="1.00", stock=3
        )
        store.inventory.adjust(manager, product.id, 2, "receive")
        qtbot.waitUntil(lambda: any(product.id in c.ids for c in heard), timeout=5000)
        assert bus.online
        bus.stop()
    finally:
        counter_store.close()
