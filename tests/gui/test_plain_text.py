"""A product called `<b>Bold</b> <img src=x>` shows exactly that, everywhere.

The hostile product is made here, not shipped in the demo catalog a shop sees."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from pos.ui import receipt
from pos.ui.product_delegate import two_lines

from .conftest import MANAGER_PASSWORD, product_named, settle

pytestmark = pytest.mark.gui

NAME = "<b>Bold</b> <img src=x>"


@pytest.fixture
def hostile_product(gui_store):
    """Added before the window is built, so the grid loads it like any other product."""
    manager = gui_store.auth.login("manager", MANAGER_PASSWORD)
    return gui_store.catalog.add_product(
        manager,
        sku="HTML-TEST-001",
        name=NAME,
        description="<i>must</i> stay text",
        category="Street Tech",
        price=Decimal("9.99"),
        stock=25,
    )


def test_markup_in_a_name_is_shown_literally(
    qtbot, hostile_product, window, gui_store, clerk_actor, tmp_path
):
    bold = product_named(gui_store, clerk_actor, NAME)

    # grid: the model hands the literal name to the delegate, which draws plain text
    index = window.product_model.index(window.product_model.row_of(bold.id), 0)
    assert index.data(Qt.ItemDataRole.DisplayRole) == NAME
    metrics = QFontMetrics(window.product_view.font())
    assert " ".join(two_lines(NAME, metrics, 2000)) == NAME
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;Bold&lt;/b&gt; &lt;img src=x&gt;" in tooltip and "<img" not in tooltip

    # cart and notice
    assert window.add_from_index(index)
    settle(qtbot, window)
    assert window.cart_model.index(0, 0).data() == NAME
    assert window.notice.text == f"Added {NAME} \u00b7 1 in cart"
    notice_label = window.notice._label
    assert notice_label.textFormat() == Qt.TextFormat.PlainText
    assert notice_label.text() == window.notice.text

    # receipt
    dialog = window.checkout()
    dialog.pay_exact_cash()
    dialog.confirm()
    qtbot.waitUntil(lambda: dialog.order is not None)
    document = receipt.receipt_document(dialog.order)
    assert NAME in document.toPlainText()
    assert "&lt;b&gt;Bold&lt;/b&gt;" in receipt.receipt_html(dialog.order)
    pdf = receipt.save_pdf(dialog.order, tmp_path / "r.pdf")
    assert pdf.stat().st_size > 1000
    dialog.accept()


def test_every_label_in_the_window_is_plain_text(window):
    from PySide6.QtWidgets import QLabel

    labels = window.findChildren(QLabel)
    assert labels
    rich = [
        label.objectName() or label.text()
        for label in labels
        if label.textFormat() != Qt.TextFormat.PlainText
    ]
    assert rich == []
