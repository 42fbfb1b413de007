"""A whole sale driven through the widgets, from sign-in to the PDF receipt."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pos.ui.app import build_login_dialog
from pos.ui.cart_model import COL_QTY
from pos.ui.cart_view import QuantityEditor
from pos.ui.counter_window import CounterWindow

from .conftest import CLERK_PASSWORD, COUNTER, product_named, settle

pytestmark = pytest.mark.gui


def sign_in(qtbot, store, password=CLERK_PASSWORD):
    dialog = build_login_dialog(store, COUNTER)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "clerk")
    qtbot.keyClicks(dialog.password, password)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    return dialog


def click_tile(qtbot, window: CounterWindow, row: int) -> None:
    view = window.product_view
    rect = view.visualRect(window.product_model.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_full_sale_with_keyboard_and_mouse(qtbot, gui_store, make_window, dialogs, tmp_path):
    login = sign_in(qtbot, gui_store)
    assert login.actor is not None and login.actor.username == "clerk"
    window = make_window(login.actor)
    chips = product_named(gui_store, login.actor, "Algae Chips")
    eye = product_named(gui_store, login.actor, "Cyber Eye Implant")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    # search (F2), debounced, then add by mouse click on the tile
    qtbot.keyClick(window, Qt.Key.Key_F2)
    assert window.search_field.hasFocus()
    qtbot.keyClicks(window.search_field, "algae")
    qtbot.waitUntil(lambda: window.product_model.query[0] == "algae")
    qtbot.waitUntil(lambda: not window.product_model.loading)
    assert window.product_model.rowCount() == 1
    click_tile(qtbot, window, 0)
    settle(qtbot, window)
    assert [line.name for line in window.cart.lines] == ["Algae Chips"]
    assert window.notice.kind == "success" and "Algae Chips" in window.notice.text

    # Enter on the focused tile adds one more
    window.focus_grid()
    qtbot.keyClick(window.product_view, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert window.cart.line(chips.id).quantity == 2

    # scanner (F3): the barcode typed plus Enter
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert window.scan_field.hasFocus()
    qtbot.keyClicks(window.scan_field, eye.barcode)
    qtbot.keyClick(window.scan_field, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert window.cart.line(eye.id).quantity == 1
    assert window.scan_field.text() == ""
    # SKU works as well
    qtbot.keyClicks(window.scan_field, "SYNCHP-001")
    qtbot.keyClick(window.scan_field, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert window.cart.line(chips.id).quantity == 3
    assert window.badge.text() == "4"

    # F4 edits the quantity of the current line; the service call is debounced
    window.cart_view.selectRow(window.cart_model.row_of(eye.id))
    qtbot.keyClick(window, Qt.Key.Key_F4)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QuantityEditor)
    editor.selectAll()
    qtbot.keyClicks(editor, "2")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: window.cart_model.index(window.cart_model.row_of(eye.id), COL_QTY).data() == "2"
    )
    qtbot.waitUntil(lambda: window.cart.line(eye.id).quantity == 2)
    assert gui_store.cart.current(login.actor).line(eye.id).quantity == 2

    # Del removes the current line
    window.cart_view.setFocus()
    window.cart_view.selectRow(window.cart_model.row_of(chips.id))
    qtbot.keyClick(window.cart_view, Qt.Key.Key_Delete)
    settle(qtbot, window)
    assert window.cart.line(chips.id) is None
    assert window.cart_model.rowCount() == 1
    assert window.notice.text == "Removed Algae Chips"

    # stock on screen follows this counter's actions
    eye_row = window.product_model.row_of(eye.id)
    assert eye_row is None or window.product_model.product(eye_row).stock_quantity == 10

    # F12: pay 3,300.00 cash for 3,240.00 -> change 60.00
    total = window.cart.total
    assert total == Decimal("3240.00")
    qtbot.keyClick(window, Qt.Key.Key_F12)
    checkout = window.checkout_dialog
    assert checkout is not None and checkout.isVisible()
    assert checkout.due_label.text() == "$3,240.00"
    checkout.cash.selectAll()
    qtbot.keyClicks(checkout.cash, "3300")
    assert checkout.change_label.text() == "$60.00"
    qtbot.keyClick(checkout.cash, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: checkout.order is not None)
    order = checkout.order
    assert order.change_due == Decimal("60.00")
    assert checkout.order_label.text() == order.order_number
    assert order.order_number in window.notice.text

    # receipt as PDF
    target = tmp_path / "receipt.pdf"
    dialogs.save_path = str(target)
    assert checkout.save_pdf() == str(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000

    # the database agrees: order stored, stock reduced, counter cart empty again
    stored = gui_store.orders.get(login.actor, order.order_number)
    assert stored.total == Decimal("3240.00")
    assert [(ln.sku, ln.quantity) for ln in stored.lines] == [("CYBEYE-001", 2)]
    assert gui_store.catalog.get(login.actor, eye.id).stock_quantity == eye.stock_quantity - 2
    assert gui_store.catalog.get(login.actor, chips.id).stock_quantity == chips.stock_quantity
    settle(qtbot, window)  # the counter reads its (now empty) cart again after the sale
    assert window.cart.lines == () and window.badge.text() == "0"
    checkout.reject()  # Esc after the sale closes the dialog
    assert not checkout.isVisible()


def test_wrong_password_shows_the_service_message(qtbot, gui_store):
    dialog = sign_in(qtbot, gui_store, password="nope")
    assert dialog.actor is None
    assert dialog.error.isVisible()
    assert dialog.error.textFormat() == Qt.TextFormat.PlainText
    assert dialog.error.text()  # the service's message, whatever its wording


def test_double_confirm_makes_one_order(qtbot, window, gui_store, clerk_actor):
    product = product_named(gui_store, clerk_actor, "Algae Chips")
    window.add_product(product.id)
    settle(qtbot, window)
    dialog = window.checkout()
    dialog.pay_by_card()
    dialog.confirm()
    dialog.confirm()
    assert dialog.submitting
    qtbot.waitUntil(lambda: dialog.order is not None)
    dialog.confirm()
    orders = gui_store.orders.recent(clerk_actor, 10)
    assert [o.order_number for o in orders] == [dialog.order.order_number]
    # the service gives the same order back for the same cart
    again = gui_store.checkout.complete(
        clerk_actor, [("card", dialog.order.total)], cart_id=dialog.order.cart_id
    )
    assert again.order_number == dialog.order.order_number
