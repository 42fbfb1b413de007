"""The stock dialog: fields that stay put, no scrolling drop-down, stocktakes with carts."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QComboBox, QDialog

from tests.gui.admin.conftest import wait_idle

pytestmark = pytest.mark.gui


def _row_of(model, product_id):
    return next(i for i in range(model.rowCount()) if model.row_at(i).product.id == product_id)


def test_fields_stay_put_when_the_action_changes(qtbot, admin):
    dialog = admin.products.stock_dialog(0, "receive")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # The action is a row of buttons: the only drop-down left is the reason (2 items).
    assert dialog.findChildren(QComboBox) == [dialog.reason]
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    places = {}
    for mode in ("receive", "adjust", "stocktake", "receive"):
        dialog.set_mode(mode)
        qtbot.wait(1)  # let the layout settle
        assert dialog.current_mode() == mode
        places[mode] = [
            w.mapTo(dialog, QPoint(0, 0)) for w in (dialog.amount, dialog.reason, dialog.note, ok)
        ] + [dialog.size()]
        assert dialog.reason.isVisible()
        assert dialog.reason.isEnabled() == (mode == "adjust")
    assert places["receive"] == places["adjust"] == places["stocktake"]


def test_stocktake_counts_the_units_in_carts(qtbot, admin, gui_store, clerk_actor, manager_actor):
    product = next(p for p in gui_store.catalog.search(clerk_actor) if p.stock_quantity >= 5)
    gui_store.cart.add(clerk_actor, product.id, 3)
    admin.products.after_change([product.id])
    wait_idle(qtbot, admin)
    model = admin.products.model
    row = _row_of(model, product.id)
    qtbot.waitUntil(lambda: model.row_at(row).reserved == 3)
    free = product.stock_quantity - 3
    dialog = admin.products.stock_dialog(row, "stocktake")
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert dialog.amount_label.text() == "Counted in the shop"
    assert "open carts (3 now)" in dialog.hint.text()
    assert dialog.amount.value() == free + 3  # on hand: nothing changes until edited
    assert not ok.isEnabled()
    dialog.amount.setValue(2)  # fewer than the carts hold: refused before the service
    assert "Open carts hold 3 units" in dialog.error.text() and not ok.isEnabled()
    dialog.amount.setValue(free + 3 - 1)  # one unit missing from the shelf
    assert dialog.preview.text() == f"Free to sell after: {free - 1}  (change -1)"
    assert ok.isEnabled() and dialog.error.text() == ""
    dialog.try_apply()
    qtbot.waitUntil(lambda: not admin.tasks.writing)
    assert dialog.result_view is not None and dialog.result_view.stock_quantity == free - 1
    moves = gui_store.inventory.movements(manager_actor, product.id)
    assert (moves[0].reason, moves[0].delta) == ("stocktake", -1)
    assert gui_store.audit.check().ok
    # The history shows words, not codes.
    admin.products.table.selectRow(row)
    admin.products.after_change([product.id])
    wait_idle(qtbot, admin)
    history = admin.products.history.movements_model
    qtbot.waitUntil(lambda: history.rowCount() >= 3)
    reasons = [history.index(r, 3).data() for r in range(history.rowCount())]
    assert reasons[:2] == ["Stocktake", "Added to cart"]
    assert not any("_" in r for r in reasons)


def test_a_change_waiting_for_a_lock_leaves_the_window_responsive(
    qtbot, admin, gui_store, manager_actor
):
    """Another connection holds the database's write lock (SQLite: the whole file): the
    stock change waits off the GUI thread, the window keeps working, then it lands."""
    model = admin.products.model
    product = model.row_at(0).product
    dialog = admin.products.stock_dialog(0, "receive")
    dialog.amount.setValue(2)
    holder = sqlite3.connect(gui_store.engine.url.database, isolation_level=None)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    try:
        holder.execute("BEGIN IMMEDIATE")
        dialog.try_apply()
        assert not dialog.buttons.isEnabled() and dialog.preview.text() == "Saving…"
        qtbot.wait(400)
        assert dialog.result_view is None and admin.tasks.writing
        closed = []
        dialog.finished.connect(closed.append)
        dialog.reject()  # Esc meanwhile: the change lands anyway, so the dialog waits for it
        assert closed == []
        assert len(ticks) >= 10  # the event loop ran all along
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    qtbot.waitUntil(lambda: dialog.result_view is not None, timeout=10_000)
    timer.stop()
    assert closed == [QDialog.DialogCode.Accepted]
    assert dialog.result_view.stock_quantity == product.stock_quantity + 2
    assert gui_store.catalog.get(manager_actor, product.id).stock_quantity == (
        product.stock_quantity + 2
    )
