"""Receive, adjust or count one product's stock. Every change is a ledger row."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pos.errors import PosError
from pos.ui.admin.widgets import plain_label
from pos.views import ProductView

MODES = ("receive", "adjust", "stocktake")
# mode, amount, reason, note -> the product after the change
Apply = Callable[[str, int, str, str], ProductView]


class StockDialog(QDialog):
    def __init__(
        self,
        product: ProductView,
        apply: Apply,
        mode: str = "adjust",
        reserved: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Stock")
        self.setMinimumSize(440, 280)
        self._apply = apply
        self.product = product
        self.result_view: ProductView | None = None

        title = plain_label(f"{product.name}  ({product.sku})")
        title.setStyleSheet("font-weight: bold; font-size: 12pt;")
        self.current = plain_label(
            f"Free to sell: {product.stock_quantity}    In open carts: {reserved}"
            f"    On hand: {product.stock_quantity + reserved}"
        )
        self.mode = QComboBox()
        self.mode.addItem("Receive delivery (+)", "receive")
        self.mode.addItem("Adjust (+/-)", "adjust")
        self.mode.addItem("Stocktake (counted quantity)", "stocktake")
        self.amount = QSpinBox()
        self.reason = QComboBox()
        self.reason.addItem("Correction", "adjust")
        self.reason.addItem("Customer return", "return")
        self.note = QLineEdit()
        self.note.setMaxLength(500)
        self.note.setPlaceholderText("e.g. damaged in storage, delivery note 1234")
        self.preview = plain_label()
        self.error = plain_label()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Action", self.mode)
        self.amount_label = plain_label("Quantity")
        form.addRow(self.amount_label, self.amount)
        self.reason_label = plain_label("Reason")
        form.addRow(self.reason_label, self.reason)
        form.addRow("Note", self.note)
        form.addRow("", self.preview)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.try_apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.current)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.amount.valueChanged.connect(self._update_preview)
        self.reason.currentIndexChanged.connect(self._update_preview)
        self.mode.setCurrentIndex(MODES.index(mode) if mode in MODES else 1)
        self._mode_changed()

    def current_mode(self) -> str:
        return str(self.mode.currentData())

    def _mode_changed(self) -> None:
        mode = self.current_mode()
        stock = self.product.stock_quantity
        self.reason.setVisible(mode == "adjust")
        self.reason_label.setVisible(mode == "adjust")
        if mode == "receive":
            self.amount_label.setText("Quantity received")
            self.amount.setRange(1, 1_000_000)
            self.amount.setValue(1)
        elif mode == "adjust":
            self.amount_label.setText("Change (+/-)")
            self.amount.setRange(-stock, 1_000_000)
            self.amount.setValue(0)
        else:
            self.amount_label.setText("Counted (free to sell)")
            self.amount.setRange(0, 1_000_000)
            self.amount.setValue(stock)
        self._update_preview()

    def new_stock(self) -> int:
        mode, value = self.current_mode(), self.amount.value()
        if mode == "stocktake":
            return value
        return self.product.stock_quantity + value

    def _update_preview(self) -> None:
        mode = self.current_mode()
        after = self.new_stock()
        delta = after - self.product.stock_quantity
        if mode == "adjust" and self.reason.currentData() == "return" and delta < 0:
            self.error.setText("A return adds stock.")
        else:
            self.error.setText("")
        self.preview.setText(f"Stock after: {after}  (change {delta:+d})")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(delta != 0 and not self.error.text())

    def try_apply(self) -> None:
        mode = self.current_mode()
        reason = "receive" if mode == "receive" else str(self.reason.currentData())
        try:
            self.result_view = self._apply(mode, self.amount.value(), reason, self.note.text())
        except PosError as err:
            self.error.setText(err.message)
            return
        self.accept()
