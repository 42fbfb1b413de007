"""A manager's release of a counter's cart reaches that counter at once (issue 11 item 7):
the live path carries Change(CARTS, cart id) on both backends, and the counter clears the
cart with a visible notice. The counter's own void is not mistaken for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pos.services import Store, open_store
from pos.services.plumbing.events import Change, ChangeKind
from pos.ui.change_bus import ChangeBus
from pos.ui.counter_window import CounterWindow
from pos.ui.dialogs import Dialogs
from pos.ui.sale_controller import RELEASED_NOTICE
from tests.conftest import MANAGER_PASSWORD

pytestmark = pytest.mark.gui


@pytest.fixture
def other(db_url: str, manager) -> Iterator[Store]:
    s = open_store(db_url, application_name="manager-desk")
    yield s
    s.close()


def test_release_elsewhere_is_heard_by_the_live_listener(qtbot, store, other, clerk, make_product):
    p = make_product(stock=5)
    cart = store.cart.add(clerk, p.id, 2)
    heard: list[Change] = []
    store.events.subscribe(heard.append)
    live = store.live()
    live.start()
    try:
        assert live.wait_online(5)
        boss = other.auth.login("boss", MANAGER_PASSWORD, counter="HQ")
        other.carts.release(boss, cart.cart_id, note="left open")
        qtbot.waitUntil(
            lambda: any(c.kind == ChangeKind.CARTS and cart.cart_id in c.ids for c in heard),
            timeout=5000,
        )
    finally:
        live.stop()


def test_checkout_is_not_announced_as_a_release(qtbot, store, clerk, make_product):
    p = make_product(stock=5)
    store.cart.add(clerk, p.id, 1)
    heard: list[Change] = []
    live = store.live()
    live.start()
    try:
        assert live.wait_online(5)
        other_hub_events = store.events.subscribe(heard.append)
        cart = store.cart.current(clerk)
        store.checkout.complete(clerk, [("cash", cart.total)], cart_id=cart.cart_id)
        qtbot.wait(700)
        other_hub_events()
    finally:
        live.stop()
    assert not [c for c in heard if c.kind == ChangeKind.CARTS]


def counter(qtbot, store: Store, actor) -> CounterWindow:
    bus = ChangeBus.of(store)
    bus.start()
    assert bus.live.wait_online(5)
    window = CounterWindow(store, actor, dialogs=Dialogs(), bus=bus)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.product_model.rowCount() > 0 and not window.sale.busy)
    return window


def test_counter_clears_a_cart_a_manager_released(qtbot, store, other, clerk, make_product):
    p = make_product(stock=5)
    window = counter(qtbot, store, clerk)
    try:
        window.add_product(p.id, quantity=2)
        qtbot.waitUntil(lambda: not window.sale.busy and window.cart.item_count == 2)
        boss = other.auth.login("boss", MANAGER_PASSWORD, counter="HQ")
        other.carts.release(boss, window.cart.cart_id, note="left open")
        qtbot.waitUntil(lambda: window.notice.text == RELEASED_NOTICE, timeout=5000)
        assert window.notice.isVisible() and window.notice.kind == "error"
        assert window.notice._timer.interval() == 60_000  # it stays up while the clerk looks
        assert window.cart.lines == () and window.cart_model.rowCount() == 0
        assert window.badge.text() == "0" and not window.pay_button.isEnabled()
        qtbot.waitUntil(lambda: not window.sale.busy)
        assert store.cart.current(clerk).lines == ()
    finally:
        window.shutdown()
        ChangeBus.of(store).stop()


def test_the_counters_own_void_is_not_a_release(qtbot, store, clerk, make_product):
    p = make_product(stock=5)
    window = counter(qtbot, store, clerk)
    try:
        window.add_product(p.id)
        qtbot.waitUntil(lambda: not window.sale.busy and window.cart.item_count == 1)
        window.dialogs.confirm = lambda *_a: True  # type: ignore[method-assign]
        assert window.void_sale()
        qtbot.waitUntil(lambda: not window.sale.busy)
        assert window.notice.text.startswith("Sale voided")
        qtbot.wait(800)  # the live echo (PostgreSQL notify, SQLite poll) has come and gone
        assert window.notice.text.startswith("Sale voided")
    finally:
        window.shutdown()
        ChangeBus.of(store).stop()
