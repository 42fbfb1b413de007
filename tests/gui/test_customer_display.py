"""The customer display follows a sale at the counter: lines as they are scanned, the
totals, then the payment and the change, then the idle screen with the store's name."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from pos.devices.display import settings as display_settings
from pos.ui.customer_display import CustomerDisplay, CustomerDisplayDialog

from .conftest import product_named, settle

# Windows shown offscreen: the offscreen platform cannot pass on their size hints.
pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


def table_rows(display: CustomerDisplay) -> list[tuple[str, ...]]:
    table = display.table
    return [
        tuple(table.item(r, c).text() for c in range(table.columnCount()))
        for r in range(table.rowCount())
    ]


def test_display_follows_a_sale(qtbot, make_window, clerk_actor, gui_store):
    display_settings.save(1)
    window = make_window(clerk_actor)
    display = window.customer_display.display
    assert display is not None and display.isVisible() and display.isFullScreen()
    assert display.pages.currentIndex() == CustomerDisplay.IDLE
    store_name = gui_store.settings.get().store_name
    assert display.idle_store.text() == store_name
    assert not display.isActiveWindow()  # the clerk keeps the keyboard

    chips = product_named(gui_store, clerk_actor, "Algae Chips")
    eye = product_named(gui_store, clerk_actor, "Cyber Eye Implant")
    window.scan_code(chips.barcode)
    settle(qtbot, window)
    assert display.pages.currentIndex() == CustomerDisplay.SALE
    assert display.last_name.text() == "Algae Chips"
    window.scan_code(eye.barcode)
    window.scan_code(chips.barcode)
    settle(qtbot, window)
    cart = window.cart
    rows = table_rows(display)
    assert sorted(rows) == sorted(
        (ln.name, str(ln.quantity), display.money(ln.line_total)) for ln in cart.lines
    )
    assert ("Algae Chips", "2", display.money(chips.price * 2)) in rows
    assert display.last_name.text() == "Algae Chips"  # the line that changed last
    assert display.total.text() == display.money(cart.total)
    assert display.values["tax"].text() == display.money(cart.tax)
    selected = display.table.selectedItems()
    assert selected and selected[0].text() == "Algae Chips"
    assert not display.change.isVisible()

    # The customer sees the change while the clerk types the cash.
    qtbot.keyClick(window, Qt.Key.Key_F12)
    checkout = window.checkout_dialog
    checkout.cash.selectAll()
    qtbot.keyClicks(checkout.cash, "10")
    assert display.paid.text() == display.money(Decimal("10"))
    assert display.change_caption.text() == "Still to pay"
    assert display.change.text() == display.money(cart.total - 10)
    checkout.cash.selectAll()
    qtbot.keyClicks(checkout.cash, "5000")
    assert display.change_caption.text() == "Change"
    assert display.change.text() == display.money(Decimal("5000") - cart.total)
    qtbot.keyClick(checkout.cash, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: checkout.order is not None)
    order = checkout.order
    qtbot.waitUntil(lambda: display.thanks.isVisible())
    assert display.change.text() == display.money(order.change_due)
    assert display.paid.text() == display.money(order.tendered)
    assert display.paid_caption.text() == "Paid (Cash)"
    settle(qtbot, window)  # the counter's empty cart after the sale keeps the change up
    assert window.cart.lines == ()
    assert display.change.isVisible() and display.pages.currentIndex() == CustomerDisplay.SALE

    display.show_idle()  # what the timer does after THANK_YOU_MS
    assert display.pages.currentIndex() == CustomerDisplay.IDLE
    checkout.accept()
    window.scan_code(eye.barcode)  # the next customer
    settle(qtbot, window)
    assert table_rows(display) == [("Cyber Eye Implant", "1", display.money(eye.price))]
    assert not display.thanks.isVisible()


def test_user_text_is_plain(qtbot):
    display = CustomerDisplay("<b>Shop</b> & <i>Co</i>")
    qtbot.addWidget(display)
    for label in (display.idle_store, display.store_label, display.last_name):
        assert label.textFormat() == Qt.TextFormat.PlainText
    assert display.idle_store.text() == "<b>Shop</b> & <i>Co</i>"


def test_settings_dialog_turns_it_on_and_off(qtbot, make_window, clerk_actor):
    window = make_window(clerk_actor)
    assert window.customer_display.display is None  # off by default
    dialog = window.open_display_settings()
    assert isinstance(dialog, CustomerDisplayDialog)
    assert dialog.monitor.itemText(0) == "Off" and dialog.monitor.count() >= 2
    dialog.monitor.setCurrentIndex(1)
    dialog.accept()
    assert display_settings.load() == 1
    assert window.customer_display.display is not None
    window.open_display_settings().accept()
    dialog = window.open_display_settings()
    dialog.monitor.setCurrentIndex(0)
    dialog.accept()
    assert display_settings.load() == 0 and window.customer_display.display is None


def test_unknown_screen_settings_fall_back():
    assert display_settings.parse("off") == 0
    assert display_settings.parse("2") == 2
    assert display_settings.parse("99") == 0
    assert display_settings.parse("left") == 0
