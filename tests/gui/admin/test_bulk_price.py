"""Bulk "Change price by %": the count, a preview of old -> new, confirm, one bulk change."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from pos.ui.admin.bulk_price_dialog import BulkPriceDialog
from tests.gui.admin.conftest import wait_idle

pytestmark = pytest.mark.gui


def _select_rows(admin, rows):
    table, model = admin.products.table, admin.products.model
    flags = table.selectionModel().SelectionFlag
    table.clearSelection()
    for row in rows:
        table.selectionModel().select(model.index(row, 0), flags.Select | flags.Rows)


def test_preview_count_confirm_and_one_bulk_change(
    qtbot, admin, gui_store, manager_actor, admin_dialogs
):
    model = admin.products.model
    _select_rows(admin, (0, 1, 2))
    before = [model.row_at(i).product for i in (0, 1, 2)]
    seen = {}

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, BulkPriceDialog)
        seen["selected"] = dialog.selected.text()
        dialog.percent.setText("10")
        dialog.refresh_preview()
        qtbot.waitUntil(dialog.apply_button.isEnabled)
        seen["rows"] = [
            tuple(dialog.model.index(r, c).data() for c in range(4))
            for r in range(dialog.model.rowCount())
        ]
        seen["button"] = dialog.apply_button.text()
        # Nothing is written until the manager confirms.
        assert gui_store.catalog.get(manager_actor, before[0].id).price == before[0].price
        return QDialog.DialogCode.Accepted

    admin_dialogs.on_exec = answer
    admin.products.bulk.change_price()
    qtbot.waitUntil(
        lambda: gui_store.catalog.get(manager_actor, before[0].id).price != before[0].price
    )
    wait_idle(qtbot, admin)
    assert seen["selected"] == "3 products selected."
    expected = {
        p.sku: (p.price * Decimal("1.1")).quantize(Decimal("0.01"), "ROUND_HALF_UP") for p in before
    }
    shown = {row[0]: row for row in seen["rows"]}
    assert set(shown) == set(expected)
    for p in before:
        assert shown[p.sku][2:] == (f"${p.price:,.2f}", f"${expected[p.sku]:,.2f}")
        assert gui_store.catalog.get(manager_actor, p.id).price == expected[p.sku]
    assert seen["button"] == "Change 3 prices"
    changes = [gui_store.catalog.price_changes(manager_actor, p.id)[0] for p in before]
    assert len({c.bulk_id for c in changes}) == 1 and changes[0].bulk_id is not None
    assert changes[0].note == "bulk change +10% on 3 products"
    assert any(m[0] == "info" and "Changed 3 prices" in m[2] for m in admin_dialogs.messages)
    # The price history tab shows who did it and that it was a bulk change.
    _select_rows(admin, (0,))
    wait_idle(qtbot, admin)
    prices = admin.products.history.prices_model
    header = [prices.headerData(c, Qt.Orientation.Horizontal) for c in range(prices.columnCount())]
    assert header == ["When", "Who", "Old price", "New price", "Note"]
    assert prices.index(0, 1).data() == "manager"
    assert prices.index(0, 4).data() == "bulk change +10% on 3 products"


def test_cancel_or_bad_percentage_changes_nothing(
    qtbot, admin, gui_store, manager_actor, admin_dialogs
):
    _select_rows(admin, (0, 1))
    product = admin.products.model.row_at(0).product

    def bad_then_cancel(dialog: QDialog) -> int:
        dialog.percent.setText("abc")
        dialog.refresh_preview()
        qtbot.waitUntil(lambda: dialog.error.text() != "")
        assert "not a number" in dialog.error.text()
        assert not dialog.apply_button.isEnabled() and dialog.model.rowCount() == 0
        dialog.percent.setText("5")
        dialog.refresh_preview()
        qtbot.waitUntil(dialog.apply_button.isEnabled)
        assert dialog.error.text() == ""
        return QDialog.DialogCode.Rejected

    admin_dialogs.on_exec = bad_then_cancel
    admin.products.bulk.change_price()
    wait_idle(qtbot, admin)
    assert gui_store.catalog.get(manager_actor, product.id).price == product.price
    assert gui_store.catalog.price_changes(manager_actor, product.id) == []
