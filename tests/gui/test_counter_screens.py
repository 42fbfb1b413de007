"""The counter on real screen sizes (issue 11 items 6, 10, 13): it lays out from 1024x768
up with Pay, Sign out and the totals inside the window; it opens maximised (full screen
in kiosk mode) and remembers where it was; a failed scan's red code is gone when the next
sale starts; cart names are not cut while the SKU is shown; the quantity editor stays in
its cell with working buttons; the shortcut help comes from the actions table."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QWidget

from pos.ui.app import CounterSession
from pos.ui.cart_model import COL_NAME, COL_QTY, COL_TOTAL
from pos.ui.cart_view import QuantityEditor
from pos.ui.counter_actions import ACTIONS, ShortcutsDialog, help_rows

from .conftest import product_named, settle

pytestmark = pytest.mark.gui

SIZES = [(1024, 768), (1366, 768), (1920, 1080)]


def inside(widget: QWidget, window: QWidget) -> bool:
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return widget.isVisible() and window.rect().contains(rect)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_everything_the_clerk_needs_is_on_screen(
    qtbot, window, gui_store, clerk_actor, width, height, tmp_path: Path
):
    for name in ("Algae Chips", "Cyber Eye Implant", "Armored Bomber Jacket"):
        window.add_product(product_named(gui_store, clerk_actor, name).id)
    settle(qtbot, window)
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.size().width() == width and window.height() == height)
    QApplication.processEvents()
    for part in (
        window.pay_button,
        window.void_button,
        window.sign_out_button,
        window.total_value,
        window.tax_label,
        window.cart_panel.subtotal_value,
        window.scan_field,
        window.search_field,
        window.cart_view,
        window.product_view,
    ):
        assert inside(part, window), (part.objectName() or part.accessibleName(), width)
    assert window.total_value.text().startswith("$")
    assert window.pay_button.height() >= 36
    window.grab().save(str(tmp_path / f"counter-{width}x{height}.png"))


def test_cart_names_are_not_cut_and_the_sku_makes_room(qtbot, window, gui_store, clerk_actor):
    names = ["Armored Bomber Jacket", "Cold Storage Vault Drive", "Adrenal Booster Gland"]
    for name in names:
        window.add_product(product_named(gui_store, clerk_actor, name).id)
    settle(qtbot, window)
    table = window.cart_view
    metrics = QFontMetrics(table.font())
    for width, height in SIZES:
        window.resize(width, height)
        QApplication.processEvents()
        need = max(metrics.horizontalAdvance(n) for n in names) + 12
        assert table.columnWidth(COL_NAME) >= need, (width, table.columnWidth(COL_NAME))
    row = window.cart_model.row_of(product_named(gui_store, clerk_actor, names[0]).id)
    tip = window.cart_model.index(row, COL_NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert names[0] in tip and "APPJKT-001" in tip  # the SKU is never lost


def test_quantity_editor_stays_in_its_cell_and_its_buttons_work(
    qtbot, window, gui_store, clerk_actor
):
    chips = product_named(gui_store, clerk_actor, "Algae Chips")
    window.add_product(chips.id)
    settle(qtbot, window)
    table = window.cart_view
    assert table.edit_quantity(0)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QuantityEditor)
    cell = table.visualRect(window.cart_model.index(0, COL_QTY))
    total = table.visualRect(window.cart_model.index(0, COL_TOTAL))
    assert cell.contains(editor.geometry()) and not editor.geometry().intersects(total)
    for button in (editor.minus, editor.plus):
        assert button.isVisible() and button.width() >= 20 and button.text() in "\u2212+"
    qtbot.mouseClick(editor.plus, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.plus, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.minus, Qt.MouseButton.LeftButton)
    assert editor.text() == "2"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.cart.line(chips.id).quantity == 2)


def test_shortcut_help_is_generated_from_the_actions_table(qtbot, window, dialogs):
    window.show_shortcuts()
    (dialog,) = dialogs.executed
    assert isinstance(dialog, ShortcutsDialog)
    rows = dialog.rows()
    assert rows == [tuple(r) for r in help_rows(manager=False)]
    assert all(len(r) == 3 and all(cell for cell in r) for r in rows)  # no misaligned row
    does = {r[2]: r[1] for r in rows}
    assert does["Void the sale"] == "Ctrl+Shift+Del"
    assert ("Checkout", "F5", "Exact cash") in rows and (
        "Checkout",
        "F6",
        "Rest (or all) on card",
    ) in rows
    assert ("Sale complete", "Enter", "New sale") in rows
    assert ("Sale complete", "Ctrl+S", "Save the receipt as PDF") in rows
    menu_texts = {a.text().split("\t")[0] for a in window.findChildren(type(window.pay_action))}
    assert {spec.text for spec in ACTIONS} <= menu_texts


def test_failed_scan_code_is_gone_when_the_next_sale_starts(qtbot, window, gui_store, clerk_actor):
    chips = product_named(gui_store, clerk_actor, "Algae Chips")
    window.scan(chips.barcode)
    settle(qtbot, window)
    qtbot.keyClicks(window.scan_field, "NO-SUCH-CODE")
    qtbot.keyClick(window.scan_field, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert window.scan_field.text() == "NO-SUCH-CODE"
    assert window.scan_field.property("error") is True
    dialog = window.checkout()
    assert dialog is not None
    dialog.cash.setText(f"{window.cart.total + Decimal('10'):.2f}")
    dialog.confirm()
    qtbot.waitUntil(lambda: dialog.order is not None)
    settle(qtbot, window)
    assert window.scan_field.text() == ""
    assert window.scan_field.property("error") is False
    dialog.reject()


def session(gui_store, dialogs, clerk_actor) -> CounterSession:
    counter = CounterSession(gui_store, "C1", dialogs)
    counter.start(clerk_actor)
    return counter


def test_counter_opens_maximised_and_remembers_its_place(
    qtbot, gui_store, dialogs, clerk_actor, monkeypatch
):
    monkeypatch.delenv("POS_KIOSK", raising=False)
    first = session(gui_store, dialogs, clerk_actor)
    window = first.window
    qtbot.addWidget(window)
    assert window.windowState() & Qt.WindowState.WindowMaximized
    window.showNormal()
    window.setGeometry(40, 50, 1000, 690)  # the offscreen screen is 800x800: fit its height
    qtbot.waitUntil(lambda: window.height() == 690)
    first.stop()
    window.close()

    second = session(gui_store, dialogs, clerk_actor)
    again = second.window
    qtbot.addWidget(again)
    try:
        assert not again.windowState() & Qt.WindowState.WindowMaximized
        assert again.height() == 690
    finally:
        second.stop()
        again.close()


def test_kiosk_setting_opens_full_screen(qtbot, gui_store, dialogs, clerk_actor, monkeypatch):
    monkeypatch.setenv("POS_KIOSK", "1")
    counter = session(gui_store, dialogs, clerk_actor)
    qtbot.addWidget(counter.window)
    try:
        assert counter.window.windowState() & Qt.WindowState.WindowFullScreen
    finally:
        counter.stop()
        counter.window.close()


def test_every_key_of_checkout_and_sale_complete_is_in_the_help(
    qtbot, window, gui_store, clerk_actor
):
    from PySide6.QtGui import QKeySequence, QShortcut

    chips = product_named(gui_store, clerk_actor, "Algae Chips")
    window.add_product(chips.id)
    settle(qtbot, window)
    checkout = window.checkout()
    assert checkout is not None
    helped = {QKeySequence(keys).toString() for _where, keys, _what in help_rows(manager=False)}
    bound = {s.key().toString() for s in checkout.findChildren(QShortcut)}
    page = {s.key().toString() for s in checkout.done_page.findChildren(QShortcut)}
    assert {"F5", "F6", "Ctrl+D"} <= bound and {"Ctrl+P", "Ctrl+S"} <= page
    assert bound <= helped, bound - helped  # the page's keys are among the dialog's too
    checkout.reject()
