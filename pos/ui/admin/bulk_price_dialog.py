"""Change the price of the selected products by a percentage: count, preview, confirm.

The preview comes from the service (the same rounding as the change itself), computed
in the background as the percentage is typed. The change button names how many prices
change, so pressing it is the confirmation.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pos.money import format_money
from pos.ui.admin.list_model import Column, ListTableModel
from pos.ui.admin.widgets import fit_columns, plain_label, table_view
from pos.ui.admin.words import error_text
from pos.ui.plural import count_of
from pos.ui.worker import TaskRunner
from pos.views import PricePreview

Preview = Callable[[str], list[PricePreview]]
PREVIEW_DELAY_MS = 300


class BulkPriceDialog(QDialog):
    def __init__(
        self,
        count: int,
        preview: Preview,
        tasks: TaskRunner,
        currency: str = "USD",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change price by %")
        self.setMinimumSize(560, 420)
        self._preview = preview
        self._tasks = tasks
        self.count = count
        self.rows: list[PricePreview] = []
        self.previewed_percent: str | None = None

        self.selected = plain_label(f"{count_of(count, 'product')} selected.")
        self.percent = QLineEdit()
        self.percent.setPlaceholderText("e.g. 10 or -15")
        self.percent.setMaxLength(12)
        self.model: ListTableModel[PricePreview] = ListTableModel(
            [
                Column("SKU", lambda p: p.sku),
                Column("Name", lambda p: p.name),
                Column("Old price", lambda p: format_money(p.old_price, currency), numeric=True),
                Column("New price", lambda p: format_money(p.new_price, currency), numeric=True),
            ],
            highlight=lambda p: p.new_price == p.old_price,
        )
        self.table = table_view(self.model)
        fit_columns(self.table, 1)
        self.summary = plain_label("Type a percentage to see the new prices.")
        self.summary.setWordWrap(True)
        self.error = plain_label()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.addButton(
            "Change prices", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.apply_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Change by (%)", self.percent)
        layout = QVBoxLayout(self)
        layout.addWidget(self.selected)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.percent.textChanged.connect(self._typed)

    def _typed(self, _text: str) -> None:
        # Whatever was previewed no longer matches the field: no change until it does.
        self.previewed_percent = None
        self.apply_button.setEnabled(False)
        self._timer.start()

    def refresh_preview(self) -> None:
        self._timer.stop()
        text = self.percent.text().strip()
        if not text:
            self.model.set_items([])
            self.summary.setText("Type a percentage to see the new prices.")
            self.error.setText("")
            return
        self._tasks.submit(
            lambda: self._preview(text),
            lambda rows: self._show(text, rows),
            self._failed,
            key="bulk-price-preview",
        )

    def _show(self, text: str, rows: list[PricePreview]) -> None:
        if text != self.percent.text().strip():
            return  # typed on meanwhile: the next preview is on its way
        self.rows = rows
        self.model.set_items(rows)
        changing = sum(1 for r in rows if r.new_price != r.old_price)
        self.error.setText("")
        self.summary.setText(
            f"{changing} of {count_of(len(rows), 'price')} "
            f"{'changes' if changing == 1 else 'change'}"
            + (
                " (the others stay: the change rounds to less than a cent)."
                if changing < len(rows)
                else "."
            )
        )
        self.previewed_percent = text if changing else None
        self.apply_button.setEnabled(bool(changing))
        self.apply_button.setText(f"Change {count_of(changing, 'price')}")

    def _failed(self, err: object) -> None:
        self.model.set_items([])
        self.rows = []
        self.summary.setText("")
        self.error.setText(error_text(err))
        self.apply_button.setEnabled(False)
