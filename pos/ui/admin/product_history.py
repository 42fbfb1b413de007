"""Below the products table: the selected product's stock movements and price history."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from pos.money import format_money
from pos.services.facade import Store
from pos.ui.admin.list_model import Column, ListTableModel
from pos.ui.admin.widgets import plain_label, set_column_widths, table_view
from pos.ui.admin.words import reason_text
from pos.ui.worker import TaskRunner
from pos.views import Actor, MovementView, PriceChangeView, ProductView


def _when(value: Any) -> str:
    return str(value.astimezone().strftime("%Y-%m-%d %H:%M"))


def movement_model() -> ListTableModel[MovementView]:
    return ListTableModel(
        [
            Column("When", lambda m: _when(m.created_at)),
            Column("Who", lambda m: m.username or ""),
            Column("Counter", lambda m: m.counter_code or ""),
            Column("Reason", lambda m: reason_text(m.reason)),
            Column("Change", lambda m: f"{m.delta:+d}", numeric=True),
            Column("Stock after", lambda m: m.stock_after, numeric=True),
            Column("Note", lambda m: m.note),
        ]
    )


def price_model(currency: str) -> ListTableModel[PriceChangeView]:
    return ListTableModel(
        [
            Column("When", lambda r: _when(r.created_at)),
            Column("Who", lambda r: r.username or ""),
            Column("Old price", lambda r: format_money(r.old_price, currency), numeric=True),
            Column("New price", lambda r: format_money(r.new_price, currency), numeric=True),
            Column("Note", lambda r: r.note),
        ]
    )


class ProductHistory(QWidget):
    def __init__(
        self,
        store: Store,
        actor: Actor,
        tasks: TaskRunner,
        on_error: Any,
        currency: str = "USD",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.tasks, self._on_error = store, actor, tasks, on_error
        self.movements_model = movement_model()
        self.movements = table_view(self.movements_model)
        set_column_widths(self.movements, (130, 110, 80, 150, 70, 90), None)
        self.movements.horizontalHeader().setStretchLastSection(True)
        self.prices_model = price_model(currency)
        self.prices = table_view(self.prices_model)
        set_column_widths(self.prices, (130, 110, 90, 90), None)
        self.prices.horizontalHeader().setStretchLastSection(True)
        self.title = plain_label("History: select a product")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.movements, "Stock movements")
        self.tabs.addTab(self.prices, "Price history")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs)

    def clear(self, why: str = "History: select one product") -> None:
        self.movements_model.set_items([])
        self.prices_model.set_items([])
        self.title.setText(why)

    def load(self, product: ProductView) -> None:
        self.title.setText(f"History: {product.name} ({product.sku})")
        self.tasks.submit(
            lambda: (
                self.store.inventory.movements(self.actor, product.id),
                self.store.catalog.price_changes(self.actor, product.id),
            ),
            self._loaded,
            self._on_error,
            key="history",
        )

    def _loaded(self, result: tuple[list[MovementView], list[PriceChangeView]]) -> None:
        self.movements_model.set_items(result[0])
        self.prices_model.set_items(result[1])
