"""Scans at scanner speed reach the counter's sale whatever has focus: each one ends as
exactly one unit of the scanned product in the database's cart, nothing typed anywhere.
While a dialog is open a scan is held for after it or refused with a visible message."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from pos.devices.scanner.toast import ScanToast
from pos.ui.cart_model import COL_QTY
from pos.ui.cart_view import QuantityEditor
from pos.ui.dialogs import Dialogs

from ..conftest import product_named, settle
from .conftest import DEFAULTS, focus, scan_keys, type_slowly

pytestmark = pytest.mark.gui


@pytest.fixture
def counter(window):
    window.activateWindow()
    window.scanning.apply_settings(DEFAULTS)
    window.scanning.start()
    yield window
    window.scanning.stop()


@pytest.fixture
def eye(gui_store, clerk_actor):
    return product_named(gui_store, clerk_actor, "Cyber Eye Implant")


@pytest.fixture
def chips(gui_store, clerk_actor):
    return product_named(gui_store, clerk_actor, "Algae Chips")


def in_cart(qtbot, window, product) -> int:
    """Units of the product in the counter's open cart, as the database has it (once the
    window's queued cart changes are saved)."""
    settle(qtbot, window)
    line = window.store.cart.current(window.actor).line(product.id)
    return 0 if line is None else line.quantity


def test_scan_with_search_text_keeps_the_search(qtbot, counter, gui_store, clerk_actor, eye):
    focus(qtbot, counter.search_field)
    type_slowly(qtbot, counter.search_field, "algae")
    qtbot.waitUntil(lambda: counter.search_field.text() == "algae")
    scan_keys(qtbot, eye.barcode)
    assert in_cart(qtbot, counter, eye) == 1
    assert counter.search_field.text() == "algae"
    assert QApplication.focusWidget() is counter.search_field


def test_human_typing_in_the_search_box_still_searches(qtbot, counter):
    focus(qtbot, counter.search_field)
    type_slowly(qtbot, counter.search_field, "algae")
    qtbot.waitUntil(lambda: counter.product_model.query[0] == "algae", timeout=3000)
    qtbot.waitUntil(lambda: not counter.product_model.loading)
    assert counter.product_model.rowCount() == 1
    assert counter.cart.lines == ()


def test_scan_with_empty_search_box(qtbot, counter, gui_store, clerk_actor, eye):
    focus(qtbot, counter.search_field)
    scan_keys(qtbot, eye.barcode, delay_ms=1)
    assert in_cart(qtbot, counter, eye) == 1
    assert counter.search_field.text() == ""


def test_scan_with_grid_focused_adds_the_scanned_product(
    qtbot, counter, gui_store, clerk_actor, eye, chips
):
    counter.focus_grid()
    row = counter.product_model.row_of(chips.id)
    counter.product_view.setCurrentIndex(counter.product_model.index(row, 0))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is counter.product_view)
    scan_keys(qtbot, eye.barcode, delay_ms=3)
    scan_keys(qtbot, eye.barcode, delay_ms=3)
    assert in_cart(qtbot, counter, eye) == 2  # one unit per scan
    assert in_cart(qtbot, counter, chips) == 0  # never the grid's current tile


def test_scan_with_cart_table_focused(qtbot, counter, gui_store, clerk_actor, eye, chips):
    counter.add_product(chips.id)
    settle(qtbot, counter)
    counter.focus_cart()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is counter.cart_view)
    scan_keys(qtbot, eye.barcode)
    assert in_cart(qtbot, counter, eye) == 1
    assert in_cart(qtbot, counter, chips) == 1  # no editor opened by the digits


def test_scan_with_quantity_editor_open(qtbot, counter, gui_store, clerk_actor, eye, chips):
    counter.add_product(chips.id)
    settle(qtbot, counter)
    counter.edit_quantity()
    editor = QApplication.focusWidget()
    assert isinstance(editor, QuantityEditor)
    scan_keys(qtbot, eye.barcode)
    qtbot.waitUntil(lambda: in_cart(qtbot, counter, eye) == 1)
    counter.flush_quantities()
    assert in_cart(qtbot, counter, chips) == 1  # the digits never reached the editor
    assert counter.scan_problems.problems == []
    chips_row = counter.cart_model.row_of(chips.id)
    assert counter.cart_model.index(chips_row, COL_QTY).data() == "1"


def test_scan_with_the_scanner_field_focused(qtbot, counter, gui_store, clerk_actor, eye):
    counter.focus_scanner()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is counter.scan_field)
    scan_keys(qtbot, eye.sku)
    assert in_cart(qtbot, counter, eye) == 1
    assert counter.scan_field.text() == ""


def test_scan_during_checkout_is_refused_visibly(
    qtbot, counter, gui_store, clerk_actor, eye, chips
):
    counter.add_product(chips.id)
    settle(qtbot, counter)
    beeps: list[bool] = []
    counter.scanning.sound.played.connect(lambda: beeps.append(True))
    dialog = counter.checkout()
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    focus(qtbot, dialog.cash)
    cash_before = dialog.cash.text()
    with qtbot.waitSignal(counter.scanning.router.refused) as refused:
        scan_keys(qtbot, eye.barcode)
    assert refused.args[0] == eye.barcode
    assert dialog.cash.text() == cash_before  # not typed into "Cash tendered"
    assert dialog.isVisible() and dialog.order is None  # the scanner's Enter confirmed nothing
    toast = ScanToast.over(dialog)
    assert toast.isVisible() and eye.barcode in toast.text() and "not added" in toast.text()
    assert in_cart(qtbot, counter, eye) == 0
    assert beeps == [True]


def _pay_cash(qtbot, counter):
    dialog = counter.checkout()
    dialog.pay_exact_cash()
    dialog.confirm()
    qtbot.waitUntil(lambda: dialog.order is not None, timeout=5000)
    return dialog


def test_first_scan_on_sale_complete_starts_the_next_sale(
    qtbot, counter, gui_store, clerk_actor, eye, chips
):
    counter.add_product(chips.id)
    settle(qtbot, counter)
    dialog = _pay_cash(qtbot, counter)
    order = dialog.order
    focus(qtbot, dialog.new_sale_button)
    scan_keys(qtbot, eye.barcode)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    settle(qtbot, counter)
    cart = gui_store.cart.current(clerk_actor)
    assert [(line.product_id, line.quantity) for line in cart.lines] == [(eye.id, 1)]
    stored = gui_store.orders.get(clerk_actor, order.order_number)
    assert [(line.sku, line.quantity) for line in stored.lines] == [(chips.sku, 1)]
    assert counter.cart.line(eye.id) is not None


def _answer_void_prompt(qtbot, button: QMessageBox.StandardButton, code: str) -> list[str]:
    """While the real void prompt runs (exec), scan, then press the button."""
    seen: list[str] = []

    def act() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        qtbot.waitExposed(box)
        QTest.qWait(20)  # first paint done: the keys below are not held up by it
        scan_keys(qtbot, code)
        seen.append(ScanToast.over(box).text())
        box.button(button).click()

    QTimer.singleShot(50, act)
    return seen


# A real message box: the offscreen platform warns about its size hints.
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
@pytest.mark.parametrize("answer", ["yes", "no"])
def test_scan_during_void_prompt_is_added_after_it(
    qtbot, counter, gui_store, clerk_actor, eye, chips, answer
):
    counter.dialogs = Dialogs()  # the real, exec()-ed message box
    counter.add_product(chips.id)
    settle(qtbot, counter)
    button = QMessageBox.StandardButton.Yes if answer == "yes" else QMessageBox.StandardButton.No
    seen = _answer_void_prompt(qtbot, button, eye.barcode)
    voided = counter.void_sale()
    assert voided is (answer == "yes")
    assert "Void this sale" in seen[0] and "held" in seen[1]
    qtbot.waitUntil(lambda: in_cart(qtbot, counter, eye) == 1)
    assert in_cart(qtbot, counter, chips) == (0 if answer == "yes" else 1)
    assert counter.scanning.router.held == ()


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_a_scan_held_by_a_dialog_is_added_once(qtbot, counter, gui_store, clerk_actor, eye):
    counter.dialogs = Dialogs()
    counter.add_product(eye.id)
    settle(qtbot, counter)
    _answer_void_prompt(qtbot, QMessageBox.StandardButton.No, eye.barcode)
    counter.void_sale()
    qtbot.waitUntil(lambda: in_cart(qtbot, counter, eye) == 2)
    QTest.qWait(150)  # several drain polls later: still two
    assert in_cart(qtbot, counter, eye) == 2


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_scans_while_signed_out_are_refused(qtbot, counter, gui_store, clerk_actor, eye):
    counter.hide()
    box = QMessageBox(
        QMessageBox.Icon.Question, "Sign in", "Sign in", QMessageBox.StandardButton.Ok
    )
    box.setWindowModality(Qt.WindowModality.ApplicationModal)
    qtbot.addWidget(box)
    box.show()
    focus(qtbot, box)
    with qtbot.waitSignal(counter.scanning.router.refused):
        scan_keys(qtbot, eye.barcode)
    assert "Sign in first" in ScanToast.over(box).text()
    box.close()
    assert in_cart(qtbot, counter, eye) == 0


def test_every_scan_is_one_unit(qtbot, counter, gui_store, clerk_actor, eye, chips):
    counter.focus_scanner()
    for product in (eye, chips, eye, chips, eye):
        scan_keys(qtbot, product.barcode, delay_ms=1)
    assert in_cart(qtbot, counter, eye) == 3
    assert in_cart(qtbot, counter, chips) == 2
    assert counter.cart.total > Decimal("0")


def _modal_over(parent) -> QDialog:
    """Any other dialog (an approval, a quantity prompt...), opened window-modal."""
    dialog = QDialog(parent)
    dialog.setMinimumSize(300, 120)
    dialog.open()
    return dialog


def test_scan_during_another_dialog_is_added_once_it_closes(
    qtbot, counter, gui_store, clerk_actor, eye
):
    dialog = _modal_over(counter)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    focus(qtbot, dialog)
    with qtbot.waitSignal(counter.scanning.router.queued):
        scan_keys(qtbot, eye.barcode)
    assert "held" in ScanToast.over(dialog).text()
    assert in_cart(qtbot, counter, eye) == 0  # not while the dialog is open
    dialog.reject()
    qtbot.waitUntil(lambda: counter.scanning.router.held == ())
    assert in_cart(qtbot, counter, eye) == 1


def test_scan_held_by_a_preview_over_sale_complete_starts_the_next_sale(
    qtbot, counter, gui_store, clerk_actor, eye, chips
):
    counter.add_product(chips.id)
    settle(qtbot, counter)
    checkout = _pay_cash(qtbot, counter)
    preview = _modal_over(checkout)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is preview)
    focus(qtbot, preview)
    scan_keys(qtbot, eye.barcode)
    preview.reject()
    qtbot.waitUntil(lambda: not checkout.isVisible())
    assert in_cart(qtbot, counter, eye) == 1
    assert in_cart(qtbot, counter, chips) == 0
