"""What the clerk sees when something is refused: the service's message, non-modal."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pos.ui.cart_model import COL_QTY

from .conftest import product_named, settle

pytestmark = pytest.mark.gui


def test_unknown_scanner_code(qtbot, window):
    qtbot.keyClicks(window.scan_field, "0000000000000")
    qtbot.keyClick(window.scan_field, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert window.notice.kind == "error"
    assert window.notice.isVisible()
    assert "0000000000000" in window.notice.text
    assert window.scan_field.property("error") is True
    assert window.scan_field.selectedText() == "0000000000000"  # ready to rescan
    assert window.cart.lines == ()
    qtbot.keyClicks(window.scan_field, "x")  # typing clears the red mark
    assert window.scan_field.property("error") is False


def test_quantity_above_99_is_refused_and_reverted(qtbot, window, gui_store, clerk_actor):
    chips = product_named(gui_store, clerk_actor, "Algae Chips")
    assert window.add_product(chips.id)
    settle(qtbot, window)
    index = window.cart_model.index(0, COL_QTY)
    assert window.cart_model.setData(index, 120)
    assert index.data() == "120"  # shown at once, sent after the debounce
    qtbot.waitUntil(lambda: window.notice.kind == "error")
    assert "99" in window.notice.text
    assert index.data() == "1"
    assert gui_store.cart.current(clerk_actor).line(chips.id).quantity == 1


def test_adding_out_of_stock_product(qtbot, window, gui_store, clerk_actor):
    armor = product_named(gui_store, clerk_actor, "Subdermal Armor Weave")
    assert armor.stock_quantity == 0
    row = window.product_model.row_of(armor.id)
    from pos.ui.product_model import StateRole, StockTextRole

    index = window.product_model.index(row, 0)
    assert index.data(StateRole) == "out" and index.data(StockTextRole) == "Out of stock"
    assert window.add_from_index(index)  # queued; the database refuses it
    settle(qtbot, window)
    assert window.notice.kind == "error"
    assert "Subdermal Armor Weave" in window.notice.text
    assert window.cart.lines == ()


def test_more_than_in_stock_names_what_is_left(qtbot, window, gui_store, clerk_actor):
    arm = product_named(gui_store, clerk_actor, "Chrome Arm Mk II")  # 2 in stock
    assert window.add_product(arm.id, quantity=2)
    assert window.add_product(arm.id)
    settle(qtbot, window)
    assert window.cart.line(arm.id).quantity == 2
    assert window.notice.kind == "error" and "Chrome Arm Mk II" in window.notice.text


def test_checkout_of_empty_cart(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert window.checkout_dialog is None
    assert window.notice.kind == "error" and "empty" in window.notice.text
    assert not window.pay_button.isEnabled()


def test_short_payment_cannot_be_confirmed(qtbot, window, gui_store, clerk_actor):
    chips = product_named(gui_store, clerk_actor, "Algae Chips")
    window.add_product(chips.id)
    settle(qtbot, window)
    dialog = window.checkout()
    dialog.cash.setText("1.00")
    assert dialog.change_caption.text() == "Still to pay"
    assert dialog.change_label.property("state") == "short"
    assert not dialog.confirm_button.isEnabled()
    dialog.cash.setText("abc")
    dialog.confirm()
    assert dialog.error.text() and dialog.order is None
    dialog.reject()


def test_void_sale_puts_stock_back(qtbot, window, gui_store, clerk_actor, dialogs):
    chips = product_named(gui_store, clerk_actor, "Algae Chips")
    window.add_product(chips.id, quantity=3)
    settle(qtbot, window)
    dialogs.confirm_answer = False
    assert not window.void_sale()
    assert window.cart.item_count == 3
    dialogs.confirm_answer = True
    assert window.void_sale()
    settle(qtbot, window)
    assert window.cart.lines == ()
    assert gui_store.catalog.get(clerk_actor, chips.id).stock_quantity == chips.stock_quantity
    row = window.product_model.row_of(chips.id)
    qtbot.waitUntil(
        lambda: window.product_model.product(row).stock_quantity == chips.stock_quantity
    )


def test_offline_refuses_sales_at_once_and_keeps_the_cart(qtbot, window, gui_store, clerk_actor):
    chips = product_named(gui_store, clerk_actor, "Algae Chips")
    assert window.add_product(chips.id)
    settle(qtbot, window)
    window.set_online(False)  # what live sync reports when the server is gone
    assert not window.add_product(chips.id)
    assert window.notice.kind == "error" and "Offline" in window.notice.text
    assert window.checkout() is None
    assert [(ln.name, ln.quantity) for ln in window.cart.lines] == [("Algae Chips", 1)]
    window.set_online(True)
    assert window.add_product(chips.id)
    settle(qtbot, window)
    assert window.cart.line(chips.id).quantity == 2
