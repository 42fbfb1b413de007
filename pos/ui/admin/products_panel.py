"""Products tab: the big table and its filters, and the one-product actions.

The history below the table, the Bulk menu and the CSV buttons are their own parts
(product_history, product_bulk, product_csv); this file wires them to the selection.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pos.services.catalog.products_admin import ProductQuery
from pos.services.facade import Store
from pos.ui.admin.product_bulk import BulkActions
from pos.ui.admin.product_csv import CsvTransfer
from pos.ui.admin.product_dialog import ProductDialog
from pos.ui.admin.product_history import ProductHistory
from pos.ui.admin.product_model import AdminProductModel
from pos.ui.admin.stock_dialog import StockDialog
from pos.ui.admin.widgets import plain_label, set_column_widths, table_view
from pos.ui.admin.words import error_text
from pos.ui.dialogs import Dialogs
from pos.ui.picture_reader import decoded
from pos.ui.plural import count_of
from pos.ui.worker import TaskRunner
from pos.views import Actor, ProductView

SEARCH_DELAY_MS = 250
# SKU, barcode, name (stretches), category, price, free, reserved, on hand, low at, active
COLUMN_WIDTHS = (110, 120, 220, 140, 90, 60, 70, 70, 60, 60)
BARCODE_COLUMN = 1
# Below this table width the barcode column is hidden, so names keep room to be read
# (a 1024 px screen); barcodes are still searched, and shown in the edit dialog.
BARCODE_MIN_TABLE_WIDTH = 1150


class ProductsPanel(QWidget):
    changed = Signal()  # stock or catalog changed here: alerts and other tabs refresh

    def __init__(
        self,
        store: Store,
        actor: Actor,
        tasks: TaskRunner,
        dialogs: Dialogs,
        currency: str = "USD",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.tasks, self.dialogs = store, actor, tasks, dialogs
        self.model = AdminProductModel.for_store(store, actor, tasks, currency)
        self.model.loadFailed.connect(self._show_error)
        self.model.totalChanged.connect(self._show_total)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, SKU or barcode")
        self.search.setClearButtonEnabled(True)
        self.category = QComboBox()
        self.category.addItem("All categories", None)
        self.category.setMinimumContentsLength(12)
        self.category.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.low_only = QCheckBox("Low stock only")
        self.inactive = QCheckBox("Show inactive")
        self.inactive.setChecked(True)
        self.total = plain_label("")
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_filters)
        self.category.currentIndexChanged.connect(self.apply_filters)
        self.low_only.toggled.connect(self.apply_filters)
        self.inactive.toggled.connect(self.apply_filters)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.category, 1)
        filters.addWidget(self.low_only)
        filters.addWidget(self.inactive)
        filters.addWidget(self.total)

        self.bulk = BulkActions(
            store, actor, tasks, dialogs, self.selected_ids, currency, parent=self
        )
        self.bulk.changed.connect(self._bulk_done)
        self.csv = CsvTransfer(store, actor, tasks, dialogs, parent=self)
        self.csv.imported.connect(self._reload)
        self.new_button = QPushButton("New product")
        self.edit_button = QPushButton("Edit")
        self.stock_button = QPushButton("Stock…")
        self.remove_button = QPushButton("Remove")
        self.new_button.clicked.connect(self.new_product)
        self.edit_button.clicked.connect(self.edit_selected)
        self.stock_button.clicked.connect(lambda: self.stock_selected())
        self.remove_button.clicked.connect(self.remove_selected)
        actions = QHBoxLayout()
        for button in (
            self.new_button,
            self.edit_button,
            self.stock_button,
            self.remove_button,
            self.bulk.button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.csv.progress)
        actions.addWidget(self.csv.import_button)
        actions.addWidget(self.csv.export_button)

        self.table = table_view(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(2, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        set_column_widths(self.table, COLUMN_WIDTHS, stretch=2)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.history = ProductHistory(store, actor, tasks, self._show_error, currency)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.history)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(splitter, 1)
        self._selection_changed()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        narrow = event.size().width() < BARCODE_MIN_TABLE_WIDTH
        if self.table.isColumnHidden(BARCODE_COLUMN) != narrow:
            self.table.setColumnHidden(BARCODE_COLUMN, narrow)

    # -- loading ----------------------------------------------------------------------
    def start(self) -> None:
        self.load_categories()
        self.apply_filters()

    def load_categories(self) -> None:
        self.tasks.submit(
            lambda: self.store.catalog.categories(self.actor),
            self._got_categories,
            self._show_error,
            key="categories",
        )

    def _got_categories(self, names: list[str]) -> None:
        current = self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem("All categories", None)
        for name in names:
            self.category.addItem(name, name)
        i = self.category.findData(current)
        self.category.setCurrentIndex(max(0, i))
        self.category.blockSignals(False)

    def current_query(self) -> ProductQuery:
        return replace(
            self.model.query,
            text=self.search.text(),
            category=self.category.currentData(),
            low_stock_only=self.low_only.isChecked(),
            include_inactive=self.inactive.isChecked(),
        )

    def apply_filters(self) -> None:
        self._search_timer.stop()
        self.model.set_query(self.current_query())

    def _reload(self) -> None:
        """Products were added or many changed (an import): categories and rows again."""
        self.load_categories()
        self.model.refresh()
        self.changed.emit()

    def _show_total(self, total: int) -> None:
        self.total.setText(count_of(total, "product"))

    def _show_error(self, err: object) -> None:
        self.dialogs.error(self, "Products", error_text(err))

    # -- selection --------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def selected_ids(self) -> list[uuid.UUID]:
        return [self.model.row_at(r).product.id for r in self.selected_rows()]

    def _selection_changed(self, *_args: Any) -> None:
        rows = self.selected_rows()
        self.edit_button.setEnabled(len(rows) == 1)
        self.stock_button.setEnabled(len(rows) == 1)
        self.remove_button.setEnabled(len(rows) == 1)
        self.bulk.button.setEnabled(bool(rows))
        if len(rows) == 1:
            self.history.load(self.model.row_at(rows[0]).product)
        else:
            self.history.clear()

    def after_change(self, product_ids: list[uuid.UUID]) -> None:
        self.model.refresh_products(product_ids)
        rows = self.selected_rows()
        if len(rows) == 1 and self.model.row_at(rows[0]).product.id in product_ids:
            self.history.load(self.model.row_at(rows[0]).product)
        self.changed.emit()

    def _bulk_done(self, ids: list[uuid.UUID]) -> None:
        self.after_change(ids)
        self.load_categories()

    # -- one product ------------------------------------------------------------------
    def _pick_image(self) -> str | None:
        return self.dialogs.open_file(
            self, "Product image", "Images (*.png *.jpg *.jpeg *.gif *.webp *.bmp)"
        )

    def _categories(self) -> list[str]:
        return [str(self.category.itemData(i)) for i in range(1, self.category.count())]

    def new_dialog(self) -> ProductDialog:
        return ProductDialog(
            lambda v: self.store.catalog.add_product(self.actor, **v),
            self._categories(),
            pick_image=self._pick_image,
            parent=self,
            runner=self.tasks,
        )

    def new_product(self) -> None:
        dialog = self.new_dialog()
        if self.dialogs.exec(dialog) and dialog.saved is not None:
            self._reload()

    def edit_selected(self) -> None:
        rows = self.selected_rows()
        if len(rows) != 1:
            return
        product = self.model.row_at(rows[0]).product
        dialog = self.edit_dialog(product)
        if self.dialogs.exec(dialog) and dialog.saved is not None:
            self.load_categories()
            self.after_change([product.id])

    def edit_dialog(self, product: ProductView) -> ProductDialog:
        dialog = ProductDialog(
            lambda v: self.store.catalog.update_product(self.actor, product.id, **v),
            self._categories(),
            product=product,
            pick_image=self._pick_image,
            parent=self,
            runner=self.tasks,
        )
        # A stored picture: fetched and decoded off the GUI thread.
        if product.image and product.image.startswith("sha256:"):
            image = product.image
            self.tasks.submit(
                lambda: decoded(self.store.catalog.image_data(self.actor, image)),
                dialog.show_stored_image,
                lambda _err: None,  # the preview stays "stored picture"
            )
        return dialog

    def stock_dialog(self, row: int, mode: str = "adjust") -> StockDialog:
        item = self.model.row_at(row)
        pid = item.product.id

        def apply(action: str, amount: int, reason: str, note: str) -> ProductView:
            inventory = self.store.inventory
            if action == "stocktake":
                return inventory.stocktake(self.actor, pid, amount, note)  # type: ignore[no-any-return]
            return inventory.adjust(self.actor, pid, amount, reason, note)  # type: ignore[no-any-return]

        return StockDialog(item.product, apply, mode, item.reserved, parent=self, runner=self.tasks)

    def stock_selected(self, mode: str = "adjust") -> None:
        rows = self.selected_rows()
        if len(rows) != 1:
            return
        dialog = self.stock_dialog(rows[0], mode)
        if self.dialogs.exec(dialog) and dialog.result_view is not None:
            self.after_change([dialog.product.id])

    def remove_selected(self) -> None:
        rows = self.selected_rows()
        if len(rows) != 1:
            return
        product = self.model.row_at(rows[0]).product
        if not self.dialogs.confirm(
            self,
            "Remove product",
            f"Remove {product.name}? A product that was ever sold is deactivated instead.",
        ):
            return
        self.tasks.write(
            lambda: self.store.products_admin.remove(self.actor, product.id),
            lambda outcome: self._removed(product, outcome),
            self._show_error,
        )

    def _removed(self, product: ProductView, outcome: str) -> None:
        if outcome == "deleted":
            self.model.refresh()
            self.changed.emit()
        else:
            self.dialogs.info(
                self, "Remove product", f"{product.name} was sold before: deactivated."
            )
            self.after_change([product.id])
