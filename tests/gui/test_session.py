"""The counter's open cart survives a restart and a change of clerk; thumbnails and
live stock updates."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pos.services import open_store

from .conftest import CLERK_PASSWORD, COUNTER, MANAGER_PASSWORD, product_named, settle

pytestmark = pytest.mark.gui


def test_restart_resumes_the_open_cart(qtbot, make_window, gui_store, clerk_actor, tmp_path):
    chips = product_named(gui_store, clerk_actor, "Algae Chips")
    eye = product_named(gui_store, clerk_actor, "Cyber Eye Implant")
    first = make_window(clerk_actor)
    first.add_product(chips.id, quantity=2)
    first.add_product(eye.id)
    first.shutdown()
    first.close()

    reopened = open_store(f"sqlite:///{tmp_path}/pos.sqlite3")
    try:
        actor = reopened.auth.login("clerk", CLERK_PASSWORD, COUNTER)
        second = make_window(actor, store=reopened)
        assert [(ln.name, ln.quantity) for ln in second.cart.lines] == [
            ("Algae Chips", 2),
            ("Cyber Eye Implant", 1),
        ]
        assert second.cart_model.rowCount() == 2
        assert second.badge.text() == "3"
        assert second.pay_button.isEnabled()
        second.shutdown()
    finally:
        reopened.close()


def test_sign_out_keeps_the_cart_for_the_next_clerk(qtbot, window, gui_store, clerk_actor):
    chips = product_named(gui_store, clerk_actor, "Algae Chips")
    window.add_product(chips.id)
    settle(qtbot, window)
    with qtbot.waitSignal(window.signOutRequested):
        window.sign_out()
    manager = gui_store.auth.login("manager", MANAGER_PASSWORD, COUNTER)
    window.set_actor(manager)
    settle(qtbot, window)
    assert "manager" in window.windowTitle() and COUNTER in window.windowTitle()
    assert [ln.product_id for ln in window.cart.lines] == [chips.id]


def test_thumbnails_load_in_the_background_into_the_cache(qtbot, window, _private_cache):
    model = window.product_model
    qtbot.waitUntil(
        lambda: all(
            model.index(r, 0).data(Qt.ItemDataRole.DecorationRole) is not None
            for r in range(min(8, model.rowCount()))
        ),
        timeout=10000,
    )
    assert list((_private_cache / "thumbnails").glob("*.png"))


def test_grid_row_follows_stock_changes(qtbot, window, gui_store, clerk_actor):
    chips = product_named(gui_store, clerk_actor, "Algae Chips")
    row = window.product_model.row_of(chips.id)
    window.add_product(chips.id, quantity=5)
    settle(qtbot, window)
    assert window.product_model.product(row).stock_quantity == chips.stock_quantity - 5
    window.remove_row(0)
    qtbot.waitUntil(
        lambda: window.product_model.product(row).stock_quantity == chips.stock_quantity
    )


def test_running_counter_sees_another_counters_sale(qtbot, gui_store, clerk_actor, dialogs):
    """The real start-up path (CounterSession) listens for other counters from the start."""
    from pos.ui.app import CounterSession

    chips = product_named(gui_store, clerk_actor, "Algae Chips")
    session = CounterSession(gui_store, COUNTER, dialogs)
    window = session.start(clerk_actor)
    qtbot.addWidget(window)
    try:
        model = window.product_model
        qtbot.waitUntil(lambda: model.row_of(chips.id) is not None, timeout=10_000)
        before = model.product(model.row_of(chips.id)).stock_quantity
        other = open_store(gui_store.url)  # another counter: its own engine and connections
        try:
            seller = other.auth.login("clerk", CLERK_PASSWORD, "C2")
            other.cart.add(seller, chips.id, 3)
        finally:
            other.close()
        qtbot.waitUntil(
            lambda: model.product(model.row_of(chips.id)).stock_quantity == before - 3,
            timeout=3_000,
        )
    finally:
        session.stop()
