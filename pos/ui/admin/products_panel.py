"""Products tab: the big table, its filters, edits, stock changes, bulk work and CSV."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos.errors import PosError
from pos.money import format_money
from pos.services.catalog.products_admin import ProductQuery
from pos.ui.admin.list_model import Column, ListTableModel
from pos.ui.admin.product_dialog import ProductDialog, plain_label
from pos.ui.admin.product_model import AdminProductModel
from pos.ui.admin.stock_dialog import StockDialog
from pos.ui.dialogs import Dialogs
from pos.ui.worker import TaskRunner
from pos.views import Actor, MovementView, ProductView

SEARCH_DELAY_MS = 250


def movement_model() -> ListTableModel[MovementView]:
    return ListTableModel(
        [
            Column("When", lambda m: m.created_at.astimezone().strftime("%Y-%m-%d %H:%M")),
            Column("Who", lambda m: m.username or ""),
            Column("Counter", lambda m: m.counter_code or ""),
            Column("Reason", lambda m: m.reason),
            Column("Change", lambda m: f"{m.delta:+d}", numeric=True),
            Column("Stock after", lambda m: m.stock_after, numeric=True),
            Column("Note", lambda m: m.note),
        ]
    )


def table_view(model: Any) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    # Uniform row heights: the view never measures rows (DESIGN.md, big catalogs).
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(26)
    view.horizontalHeader().setHighlightSections(False)
    view.setWordWrap(False)
    return view


class ProductsPanel(QWidget):
    changed = Signal()  # stock or catalog changed here: alerts and other tabs refresh

    def __init__(
        self,
        store: Any,
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

        self.new_button = QPushButton("New product")
        self.edit_button = QPushButton("Edit")
        self.stock_button = QPushButton("Stock…")
        self.remove_button = QPushButton("Remove")
        self.bulk_button = QPushButton("Bulk")
        bulk = QMenu(self.bulk_button)
        bulk.addAction("Set category…", self.bulk_category)
        bulk.addAction("Change price by %…", self.bulk_price)
        bulk.addAction("Activate", lambda: self.bulk_active(True))
        bulk.addAction("Deactivate", lambda: self.bulk_active(False))
        self.bulk_button.setMenu(bulk)
        self.import_button = QPushButton("Import CSV…")
        self.export_button = QPushButton("Export CSV…")
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress.setMaximumWidth(220)
        self.new_button.clicked.connect(self.new_product)
        self.edit_button.clicked.connect(self.edit_selected)
        self.stock_button.clicked.connect(lambda: self.stock_selected())
        self.remove_button.clicked.connect(self.remove_selected)
        self.import_button.clicked.connect(self.import_csv)
        self.export_button.clicked.connect(self.export_csv)
        actions = QHBoxLayout()
        for b in (
            self.new_button,
            self.edit_button,
            self.stock_button,
            self.remove_button,
            self.bulk_button,
        ):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.progress)
        actions.addWidget(self.import_button)
        actions.addWidget(self.export_button)

        self.table = table_view(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(2, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.table.horizontalHeader()
        for col, width in enumerate((110, 120, 260, 150, 90, 60, 70, 70, 60, 60)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.history_model = movement_model()
        self.history = table_view(self.history_model)
        for col, width in enumerate((130, 110, 80, 100, 70, 80)):
            self.history.horizontalHeader().resizeSection(col, width)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history_title = plain_label("History: select a product")
        self.prices_model: ListTableModel[tuple[Any, Any, Any]] = ListTableModel(
            [
                Column("When", lambda r: r[0].astimezone().strftime("%Y-%m-%d %H:%M")),
                Column("Old price", lambda r: format_money(r[1], currency), numeric=True),
                Column("New price", lambda r: format_money(r[2], currency), numeric=True),
            ]
        )
        self.prices = table_view(self.prices_model)
        self.prices.horizontalHeader().setStretchLastSection(True)
        self.lower_tabs = QTabWidget()
        self.lower_tabs.addTab(self.history, "Stock movements")
        self.lower_tabs.addTab(self.prices, "Price history")
        history_box = QWidget()
        hb = QVBoxLayout(history_box)
        hb.setContentsMargins(0, 4, 0, 0)
        hb.addWidget(self.history_title)
        hb.addWidget(self.lower_tabs)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(history_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(splitter, 1)
        self._selection_changed()

    # -- loading ----------------------------------------------------------------------
    def start(self) -> None:
        self.load_categories()
        self.apply_filters()

    def load_categories(self) -> None:
        self.tasks.submit(
            lambda: self.store.catalog.categories(self.actor),
            self._got_categories,
            self._show_error,
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

    def _show_total(self, total: int) -> None:
        self.total.setText(f"{total:,} products")

    def _show_error(self, err: object) -> None:
        text = err.message if isinstance(err, PosError) else str(err)
        self.dialogs.error(self, "Products", text)

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
        self.bulk_button.setEnabled(bool(rows))
        if len(rows) == 1:
            self.load_history(self.model.row_at(rows[0]).product)
        else:
            self.history_model.set_items([])
            self.prices_model.set_items([])
            self.history_title.setText("History: select one product")

    def load_history(self, product: ProductView) -> None:
        self.history_title.setText(f"History: {product.name} ({product.sku})")
        self.tasks.submit(
            lambda: (
                self.store.inventory.movements(self.actor, product.id),
                self.store.catalog.price_history(self.actor, product.id)[::-1],
            ),
            self._got_history,
            self._show_error,
            key="history",
        )

    def _got_history(self, result: tuple[list[MovementView], list[Any]]) -> None:
        self.history_model.set_items(result[0])
        self.prices_model.set_items(result[1])

    def after_change(self, product_ids: list[uuid.UUID]) -> None:
        self.model.refresh_products(product_ids)
        rows = self.selected_rows()
        if len(rows) == 1 and self.model.row_at(rows[0]).product.id in product_ids:
            self.load_history(self.model.row_at(rows[0]).product)
        self.changed.emit()

    # -- single product ---------------------------------------------------------------
    def _pick_image(self) -> str | None:
        return self.dialogs.open_file(self, "Product image", "Images (*.png *.jpg *.jpeg)")

    def _categories(self) -> list[str]:
        return [str(self.category.itemData(i)) for i in range(1, self.category.count())]

    def new_product(self) -> None:
        dialog = ProductDialog(
            lambda v: self.store.catalog.add_product(self.actor, **v),
            self._categories(),
            pick_image=self._pick_image,
            parent=self,
        )
        if self.dialogs.exec(dialog) and dialog.saved is not None:
            self.load_categories()
            self.model.refresh()
            self.changed.emit()

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
        return ProductDialog(
            lambda v: self.store.catalog.update_product(self.actor, product.id, **v),
            self._categories(),
            product=product,
            pick_image=self._pick_image,
            parent=self,
        )

    def stock_dialog(self, row: int, mode: str = "adjust") -> StockDialog:
        item = self.model.row_at(row)
        pid = item.product.id

        def apply(action: str, amount: int, reason: str, note: str) -> ProductView:
            inventory = self.store.inventory
            if action == "stocktake":
                return inventory.stocktake(self.actor, pid, amount, note)  # type: ignore[no-any-return]
            return inventory.adjust(self.actor, pid, amount, reason, note)  # type: ignore[no-any-return]

        return StockDialog(item.product, apply, mode, item.reserved, parent=self)

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
        try:
            outcome = self.store.products_admin.remove(self.actor, product.id)
        except PosError as err:
            self._show_error(err)
            return
        if outcome == "deleted":
            self.model.refresh()
            self.changed.emit()
        else:
            self.dialogs.info(
                self, "Remove product", f"{product.name} was sold before: deactivated."
            )
            self.after_change([product.id])

    # -- bulk -------------------------------------------------------------------------
    def _bulk(self, title: str, work: Any) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        self.tasks.submit(
            lambda: work(ids),
            lambda n: self._bulk_done(ids, title, n),
            self._show_error,
        )

    def _bulk_done(self, ids: list[uuid.UUID], title: str, count: int) -> None:
        self.after_change(ids)
        self.load_categories()

    def bulk_category(self) -> None:
        name = self.dialogs.ask_text(self, "Set category", "Category (empty for none):")
        if name is not None:
            self._bulk(
                "category",
                lambda ids: self.store.bulk.set_category(self.actor, ids, name.strip() or None),
            )

    def bulk_price(self) -> None:
        pct = self.dialogs.ask_text(self, "Change price", "Percentage (e.g. 10 or -15):")
        if pct:
            self._bulk(
                "price", lambda ids: self.store.bulk.change_price_percent(self.actor, ids, pct)
            )

    def bulk_active(self, active: bool) -> None:
        self._bulk("active", lambda ids: self.store.bulk.set_active(self.actor, ids, active))

    # -- CSV --------------------------------------------------------------------------
    def _progress(self, done: int, total: int) -> None:
        self.progress.setVisible(True)
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(min(done, max(1, total)))

    def _busy(self, busy: bool) -> None:
        self.import_button.setEnabled(not busy)
        self.export_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        if busy:
            self.progress.setValue(0)

    def import_csv(self, path: str | None = None) -> None:
        path = path or self.dialogs.open_file(self, "Import products", "CSV files (*.csv)")
        if not path:
            return
        set_stock = self.dialogs.confirm(
            self,
            "Import products",
            "Also set the stock of products that already exist to the file's quantities "
            "(a stocktake from the file)?\n\nChoose No to update names, prices and other "
            "fields only: an older export must not put back stock sold since. New products "
            "get the file's stock either way.",
        )
        self._busy(True)
        self.tasks.submit_with_progress(
            lambda progress: self.store.product_io.import_csv(
                self.actor, path, progress, set_stock=set_stock
            ),
            self._imported,
            self._import_failed,
            self._progress,
        )

    def _imported(self, result: Any) -> None:
        self._busy(False)
        self.load_categories()
        self.model.refresh()
        self.changed.emit()
        self.dialogs.info(
            self,
            "Import",
            f"Imported {result.rows} rows: {result.created} new, {result.updated} updated, "
            f"{result.stock_changes} stock changes."
            + (
                f" The stock column of {result.stock_ignored} existing products was left unchanged."
                if result.stock_ignored
                else ""
            ),
        )

    def _import_failed(self, err: object) -> None:
        self._busy(False)
        if isinstance(err, PosError) and "errors" in err.details:
            lines = [f"line {e['line']}: {e['reason']}" for e in err.details["errors"][:40]]
            more = err.details.get("error_count", 0) - len(lines)
            if more > 0:
                lines.append(f"... and {more} more")
            self.dialogs.error(self, "Import rejected", err.message + "\n\n" + "\n".join(lines))
        else:
            self._show_error(err)

    def export_csv(self, path: str | None = None) -> None:
        path = path or self.dialogs.save_file(
            self, "Export products", "products.csv", "CSV files (*.csv)"
        )
        if not path:
            return
        self._busy(True)
        self.tasks.submit_with_progress(
            lambda progress: self.store.product_io.export_csv(self.actor, path, progress),
            self._exported,
            self._export_failed,
            self._progress,
        )

    def _exported(self, count: int) -> None:
        self._busy(False)
        self.dialogs.info(self, "Export", f"Wrote {count} products.")

    def _export_failed(self, err: object) -> None:
        self._busy(False)
        self._show_error(err)
