"""Low-stock tab: products at or below their threshold, and the reorder list to export."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSpinBox, QVBoxLayout

from pos.errors import PosError
from pos.services.catalog.reorder import ReorderLine, write_reorder_csv
from pos.ui.admin.list_model import Column, ListTableModel
from pos.ui.admin.panel import AdminPanel
from pos.ui.admin.widgets import fit_columns, plain_label, table_view
from pos.ui.plural import count_of


class AlertsPanel(AdminPanel):
    countChanged = Signal(int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setWindowTitle("Low stock")
        self.model: ListTableModel[ReorderLine] = ListTableModel(
            [
                Column("SKU", lambda r: r.sku),
                Column("Name", lambda r: r.name),
                Column("Category", lambda r: r.category or ""),
                Column("Free", lambda r: r.stock, numeric=True),
                Column("Reserved", lambda r: r.reserved, numeric=True),
                Column("Low at", lambda r: r.threshold, numeric=True),
                Column("Target", lambda r: r.target, numeric=True),
                Column("Order", lambda r: r.order_quantity, numeric=True),
            ],
            highlight=lambda r: r.stock == 0,
        )
        self.table = table_view(self.model)
        fit_columns(self.table, 1)
        self.summary = plain_label("")
        self.summary.setWordWrap(True)
        self.multiplier = QSpinBox()
        self.multiplier.setRange(1, 100)
        self.multiplier.setValue(2)
        self.multiplier.setPrefix("target = threshold x ")
        self.fixed = QSpinBox()
        self.fixed.setRange(0, 1_000_000)
        self.fixed.setSpecialValueText("no fixed target")
        self.refresh_button = QPushButton("Refresh")
        self.export_button = QPushButton("Export reorder list…")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(lambda: self.export())
        self.multiplier.valueChanged.connect(self.refresh)
        self.fixed.valueChanged.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.multiplier)
        bar.addWidget(self.fixed)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        multiplier, fixed = self.multiplier.value(), self.fixed.value() or None
        self.tasks.submit(
            lambda: (
                self.store.reorder.low_stock_count(self.actor),
                self.store.reorder.reorder_list(self.actor, multiplier=multiplier, target=fixed),
            ),
            self._loaded,
            self.show_error,
            key="alerts",
        )

    def _loaded(self, result: tuple[int, list[ReorderLine]]) -> None:
        count, lines = result
        self.model.set_items(lines)
        units = sum(ln.order_quantity for ln in lines)
        self.summary.setText(
            f"{count_of(count, 'product')} at or below the low-stock threshold; "
            f"{count_of(units, 'unit')} to order to reach the target."
        )
        self.countChanged.emit(count)

    def export(self, path: str | None = None) -> None:
        path = path or self.dialogs.save_file(
            self, "Export reorder list", "reorder.csv", "CSV files (*.csv)"
        )
        if path:
            try:
                n = write_reorder_csv(self.model.items(), path)
            except PosError as err:
                self.dialogs.error(self, "Reorder list", err.message)
                return
            self.dialogs.info(self, "Reorder list", f"Wrote {count_of(n, 'line')} to {path}.")
