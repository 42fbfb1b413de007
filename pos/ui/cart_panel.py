"""The counter's cart side: scanner field, cart lines, totals, busy sign, Void and Pay.

It draws a CartView and says what the clerk asked for (signals); it calls no service.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos.money import format_money
from pos.ui.cart_model import CartModel
from pos.ui.cart_view import CartTable
from pos.ui.login_dialog import plain_label
from pos.ui.plural import count_of
from pos.ui.shipping_words import shipping_amount, shipping_rule
from pos.views import CartView, StoreSettingsView


def percent(rate: Decimal) -> str:
    """0.08 -> "8%", 0.0825 -> "8.25%" (no trailing zeros)."""
    return f"{(Decimal(rate) * 100).normalize():f}%"


class CartPanel(QFrame):
    scanned = Signal(str)  # Enter in the scanner field, with its text
    removeRequested = Signal(int)  # row
    deliveryClicked = Signal(bool)
    payClicked = Signal()
    voidClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.model = CartModel(self)
        self.title = plain_label("Cart", "sectionTitle")
        self.badge = plain_label("0", "badge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setToolTip("Items in the cart")
        self.busy = QProgressBar()
        self.busy.setObjectName("cartBusy")
        self.busy.setRange(0, 0)  # indeterminate: a change is on its way to the database
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(10)
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName("Saving")
        self.busy.setToolTip("Saving to the store database\u2026 (scans are queued)")
        self.busy.hide()

        self.scan_field = QLineEdit()
        self.scan_field.setObjectName("scanField")
        self.scan_field.setPlaceholderText("Scan or type a barcode / SKU, Enter  (F3)")
        self.scan_field.setToolTip("Scanner entry: barcode or SKU then Enter adds one (F3)")
        self.scan_field.setAccessibleName("Scanner code")
        self.scan_field.returnPressed.connect(lambda: self.scanned.emit(self.scan_field.text()))
        self.scan_field.textEdited.connect(lambda _t: self.mark_scan_error(False))

        self.table = CartTable()
        self.table.setModel(self.model)
        self.table.removeRequested.connect(self.removeRequested)
        self.table.setAccessibleName("Cart")
        self.empty_label = plain_label("Scan a code or pick a product to start a sale.", "muted")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.delivery_box = QCheckBox("Deli&very (shipping)  Ctrl+D")
        self.delivery_box.setToolTip("Ship this sale: adds the shipping fee (Ctrl+D)")
        self.delivery_box.clicked.connect(self.deliveryClicked)

        self.subtotal_value = plain_label()
        self.tax_label = plain_label("Tax", "muted")  # the rate comes with the live settings
        self.tax_value = plain_label()
        self.shipping_label = plain_label("Shipping", "muted")
        self.shipping_value = plain_label()
        self.total_value = plain_label("", "totalValue")
        totals = QGridLayout()
        totals.setHorizontalSpacing(10)
        totals.setVerticalSpacing(2)
        rows: list[tuple[QLabel, QLabel]] = [
            (plain_label("Subtotal", "muted"), self.subtotal_value),
            (self.tax_label, self.tax_value),
            (self.shipping_label, self.shipping_value),
            (plain_label("Total", "totalLabel"), self.total_value),
        ]
        for number, (label, value) in enumerate(rows):
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            totals.addWidget(label, number, 0)
            totals.addWidget(value, number, 1)

        self.void_button = QPushButton("&Void sale")
        self.void_button.setObjectName("danger")
        self.void_button.setToolTip("Cancel this sale and put the items back (Ctrl+Shift+Del)")
        self.void_button.clicked.connect(self.voidClicked)
        self.pay_button = QPushButton("Pay  F12")
        self.pay_button.setObjectName("primary")
        self.pay_button.setToolTip("Take payment (F12)")
        self.pay_button.clicked.connect(self.payClicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(8)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title)
        title_row.addWidget(self.badge)
        title_row.addStretch(1)
        title_row.addWidget(self.busy)
        layout.addLayout(title_row)
        layout.addWidget(self.scan_field)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.delivery_box)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #d6dae0;")
        layout.addWidget(line)
        layout.addLayout(totals)
        buttons = QHBoxLayout()
        buttons.addWidget(self.void_button)
        buttons.addWidget(self.pay_button, 1)
        layout.addLayout(buttons)

    def show_cart(
        self,
        cart: CartView,
        tax_rate: Decimal,
        currency: str,
        settings: StoreSettingsView | None = None,
    ) -> None:
        self.model.set_cart(cart)

        def money(amount: Decimal) -> str:
            return format_money(amount, cart.currency or currency)

        self.subtotal_value.setText(money(cart.subtotal))
        self.tax_label.setText(f"Tax ({percent(tax_rate)})")
        self.tax_value.setText(money(cart.tax))
        self.shipping_value.setText(shipping_amount(cart, settings, money))  # never a bare $0.00
        if settings is not None:
            self.delivery_box.setToolTip(f"{shipping_rule(settings, money)} (Ctrl+D)")
        self.shipping_label.setVisible(cart.delivery)
        self.shipping_value.setVisible(cart.delivery)
        self.total_value.setText(money(cart.total))
        self.badge.setText(str(cart.item_count))
        self.badge.setToolTip(f"{count_of(cart.item_count, 'item')} in the cart")
        self.delivery_box.setChecked(cart.delivery)
        empty = not cart.lines
        self.empty_label.setVisible(empty)
        self.pay_button.setEnabled(not empty)
        self.void_button.setEnabled(not empty)

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.setProperty("busy", busy)

    def mark_scan_error(self, error: bool) -> None:
        if self.scan_field.property("error") == error:
            return
        self.scan_field.setProperty("error", error)
        self.scan_field.style().unpolish(self.scan_field)
        self.scan_field.style().polish(self.scan_field)

    def show_failed_scan(self, code: str) -> None:
        """Put a refused code back (red, selected) unless the clerk already typed on."""
        if not self.scan_field.text().strip():
            self.scan_field.setText(code)
        if self.scan_field.text().strip() == code:
            self.scan_field.selectAll()
            self.mark_scan_error(True)

    def clear_failed_scan(self) -> None:
        """A new sale starts: a red code left from the last one goes."""
        if self.scan_field.property("error"):
            self.scan_field.clear()
        self.mark_scan_error(False)
