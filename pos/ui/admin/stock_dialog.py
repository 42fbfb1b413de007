"""Receive, adjust or count one product's stock. Every change is a ledger row.

The action is a row of buttons, not a drop-down, and every row of the form stays where
it is when the action changes (rows that do not apply are disabled, not hidden), so a
click never lands in a box that moved. A stocktake counts every unit in the shop that
is not sold yet, including those in open carts; free to sell becomes the count minus
what the carts hold (see InventoryService.stocktake).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pos.errors import PosError
from pos.ui.admin.widgets import plain_label
from pos.ui.worker import TaskRunner
from pos.views import ProductView

MODES = ("receive", "adjust", "stocktake")
MODE_TITLES = {"receive": "Receive", "adjust": "Adjust", "stocktake": "Stocktake"}
# The checked action must stand out (the app style has no :checked look for buttons).
SEGMENT_STYLE = "QPushButton:checked { background: #1d5fd1; color: white; border-color: #1d5fd1; }"
AMOUNT_LABELS = {
    "receive": "Quantity received",
    "adjust": "Change (+/-)",
    "stocktake": "Counted in the shop",
}
MAX_AMOUNT = 1_000_000
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
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        # With a runner the change runs off the GUI thread: a stocktake waiting for a
        # product that counters are selling never freezes the window.
        self._runner = runner
        self._saving = False
        self.setWindowTitle("Stock")
        # Explicit both ways: otherwise each layout change re-propagates size hints.
        self.setMinimumSize(520, 320)
        self._apply = apply
        self.product = product
        self.reserved = reserved
        self.result_view: ProductView | None = None

        title = plain_label(f"{product.name}  ({product.sku})")
        title.setStyleSheet("font-weight: bold; font-size: 12pt;")
        self.current = plain_label(
            f"Free to sell: {product.stock_quantity}    In open carts: {reserved}"
            f"    On hand: {product.stock_quantity + reserved}"
        )
        self.mode_buttons = QButtonGroup(self)
        self.mode_buttons.setExclusive(True)
        mode_row = QHBoxLayout()
        mode_row.setSpacing(4)
        for i, key in enumerate(MODES):
            button = QPushButton(MODE_TITLES[key])
            button.setCheckable(True)
            button.setObjectName(f"mode_{key}")
            button.setStyleSheet(SEGMENT_STYLE)
            self.mode_buttons.addButton(button, i)
            mode_row.addWidget(button)
        self.amount = QSpinBox()
        self.amount.setAccelerated(True)
        self.amount_label = plain_label(AMOUNT_LABELS["adjust"])
        # As wide as its longest text: the field column must not shift with the label.
        metrics = self.amount_label.fontMetrics()
        self.amount_label.setMinimumWidth(
            max(metrics.horizontalAdvance(text) for text in AMOUNT_LABELS.values()) + 4
        )
        self.reason = QComboBox()
        self.reason.addItem("Correction", "adjust")
        self.reason.addItem("Customer return", "return")
        self.reason_label = plain_label("Reason")
        self.note = QLineEdit()
        self.note.setMaxLength(500)
        self.note.setPlaceholderText("e.g. damaged in storage, delivery note 1234")
        # One line whatever the action, so the rows below never move.
        self.hint = plain_label()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #636c76;")
        self.hint.setFixedHeight(self.hint.fontMetrics().lineSpacing() * 3 + 4)
        self.preview = plain_label()
        self.error = plain_label()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Action", mode_row)
        form.addRow(self.amount_label, self.amount)
        form.addRow("", self.hint)
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
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.mode_buttons.idToggled.connect(self._toggled)
        self.amount.valueChanged.connect(self._update_preview)
        self.reason.currentIndexChanged.connect(self._update_preview)
        self.set_mode(mode if mode in MODES else "adjust")

    def current_mode(self) -> str:
        return MODES[max(0, self.mode_buttons.checkedId())]

    def set_mode(self, mode: str) -> None:
        button = self.mode_buttons.button(MODES.index(mode))
        if button.isChecked():
            self._mode_changed()
        else:
            button.setChecked(True)

    def _toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self._mode_changed()

    def _mode_changed(self) -> None:
        mode = self.current_mode()
        stock = self.product.stock_quantity
        self.amount_label.setText(AMOUNT_LABELS[mode])
        self.reason.setEnabled(mode == "adjust")
        self.reason_label.setEnabled(mode == "adjust")
        if mode == "receive":
            self.amount.setRange(1, MAX_AMOUNT)
            self.amount.setValue(1)
            self.hint.setText("Units delivered; they become free to sell.")
        elif mode == "adjust":
            self.amount.setRange(-stock, MAX_AMOUNT)
            self.amount.setValue(0)
            self.hint.setText("Add or remove units of the free stock (broken, found, returned).")
        else:
            self.amount.setRange(0, MAX_AMOUNT)
            self.amount.setValue(stock + self.reserved)
            self.hint.setText(
                "Count every unit in the shop: shelves, stockroom and the units in open "
                f"carts ({self.reserved} now). Free to sell = counted - in open carts."
            )
        self._update_preview()

    def new_stock(self) -> int:
        """Free-to-sell stock after the change, as the service will compute it."""
        mode, value = self.current_mode(), self.amount.value()
        if mode == "stocktake":
            return value - self.reserved
        return self.product.stock_quantity + value

    def _update_preview(self) -> None:
        mode = self.current_mode()
        after = self.new_stock()
        delta = after - self.product.stock_quantity
        if mode == "adjust" and self.reason.currentData() == "return" and delta < 0:
            self.error.setText("A return adds stock.")
        elif mode == "stocktake" and after < 0:
            self.error.setText(
                f"Open carts hold {self.reserved} units: count them too, or release "
                "abandoned carts first."
            )
        else:
            self.error.setText("")
        self.preview.setText(
            f"Free to sell after: {after}  (change {delta:+d})"
            if after >= 0
            else "Free to sell after: —"
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(delta != 0 and not self.error.text())

    def try_apply(self) -> None:
        mode = self.current_mode()
        reason = "receive" if mode == "receive" else str(self.reason.currentData())
        amount, note = self.amount.value(), self.note.text()
        if self._runner is None:
            try:
                self._applied(self._apply(mode, amount, reason, note))
            except PosError as err:
                self._failed(err)
            return
        self.buttons.setEnabled(False)
        self._saving = True
        self.preview.setText("Saving…")
        self._runner.write(
            lambda: self._apply(mode, amount, reason, note), self._applied, self._failed
        )

    def _applied(self, view: ProductView) -> None:
        self.buttons.setEnabled(True)
        self._saving = False
        self.result_view = view
        self.accept()

    def reject(self) -> None:
        """Esc or the close button while a change is in flight: the change will land
        anyway, so the dialog stays until it has (then closes as saved or shows why not)."""
        if not self._saving:
            super().reject()

    def _failed(self, err: object) -> None:
        self.buttons.setEnabled(True)
        self._saving = False
        self._update_preview()
        self.error.setText(err.message if isinstance(err, PosError) else str(err))
