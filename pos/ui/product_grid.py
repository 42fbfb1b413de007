"""The counter's product side: search box, category filter, tile grid and result count.

Every read runs as a query op on the window's TaskRunner (pages, categories, the rows a
change names), so a slow or locked database never freezes the grid.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from pos.services.facade import Store
from pos.ui.login_dialog import plain_label
from pos.ui.plural import plural
from pos.ui.product_delegate import TILE, ProductDelegate
from pos.ui.product_model import ProductModel
from pos.ui.thumbnails import ThumbnailCache
from pos.ui.worker import TaskRunner
from pos.views import Actor, ProductView

log = logging.getLogger("pos.ui.counter")

SEARCH_DEBOUNCE_MS = 250
ALL_CATEGORIES = "All categories"


class ProductGrid(QListView):
    """Icon-mode list of tiles; Enter (like a click) adds the current product."""

    addRequested = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("productGrid")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setUniformItemSizes(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setGridSize(TILE)
        self.setSpacing(0)
        self.setWrapping(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setMouseTracking(True)
        self.setItemDelegate(ProductDelegate(self))
        self.setAccessibleName("Products")
        self.clicked.connect(self.addRequested)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Plus):
            if self.currentIndex().isValid():
                self.addRequested.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class ProductBrowser(QWidget):
    """Search + category + grid. `actor` is read each time (a clerk may switch)."""

    failed = Signal(str)  # a message for the notice bar

    def __init__(
        self,
        store: Store,
        actor: Callable[[], Actor],
        runner: TaskRunner,
        thumbnails: ThumbnailCache,
        currency: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self._actor, self.runner = store, actor, runner
        self.model = ProductModel(
            self._fetch, runner=runner, thumbnails=thumbnails, currency=currency, parent=self
        )
        self.model.pageLoaded.connect(self._show_result_count)
        self.model.loadFailed.connect(lambda err: self.failed.emit(err.message))
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.run_search)

        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText("Search name, SKU or barcode  (F2)")
        self.search_field.setToolTip("Search products by name, SKU or barcode (F2)")
        self.search_field.setAccessibleName("Search products")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_field.returnPressed.connect(self._search_enter)
        self.category_box = QComboBox()
        self.category_box.setToolTip("Filter by category (Ctrl+G)")
        self.category_box.setAccessibleName("Category")
        self.category_box.setMinimumWidth(150)
        self.category_box.addItem(ALL_CATEGORIES, None)
        self.category_box.currentIndexChanged.connect(lambda _i: self.run_search())
        self.grid = ProductGrid()
        self.grid.setModel(self.model)
        self.result_label = plain_label("", "muted")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 6, 8)
        layout.setSpacing(10)
        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.search_field, 3)
        filters.addWidget(self.category_box, 2)
        layout.addLayout(filters)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.result_label)

    # -- reads ---------------------------------------------------------------------------
    def _fetch(
        self, text: str, category: str | None, after: ProductView | None, limit: int
    ) -> list[ProductView]:
        return self.store.catalog.search(self._actor(), text, category, after=after, limit=limit)

    def load_categories(self) -> None:
        store, actor = self.store, self._actor()
        self.runner.query(
            lambda: store.catalog.categories(actor),
            self._show_categories,
            lambda err: self.failed.emit(err.message),
            key="categories",
        )

    def _show_categories(self, names: list[str]) -> None:
        current = self.category_box.currentData()
        self.category_box.blockSignals(True)
        self.category_box.clear()
        self.category_box.addItem(ALL_CATEGORIES, None)
        for name in names:
            self.category_box.addItem(name, name)
        found = self.category_box.findData(current)
        self.category_box.setCurrentIndex(max(found, 0))
        self.category_box.blockSignals(False)

    def run_search(self) -> None:
        self._search_timer.stop()
        self.model.set_query(self.search_field.text(), self.category_box.currentData())
        self.result_label.setText("Searching\u2026")

    def reload(self) -> None:
        self.load_categories()
        self.model.reload()

    def refresh(self, product_ids: Iterable[uuid.UUID]) -> None:
        """Read again the shown products among these ids (one query, off the GUI thread)."""
        ids = [pid for pid in product_ids if self.model.row_of(pid) is not None]
        if not ids:
            return
        store, actor = self.store, self._actor()
        self.runner.query(
            lambda: store.catalog.get_many(actor, ids),
            self._refreshed,
            lambda err: log.warning("product refresh failed: %r", err),
        )

    def _refreshed(self, products: list[ProductView]) -> None:
        self.model.refresh_products(products)

    def _show_result_count(self) -> None:
        rows = self.model.rowCount()
        more = "+" if self.model.canFetchMore() else ""
        self.result_label.setText(
            f"{rows:,}{more} {plural(rows, 'product')}" if rows else "No products match."
        )
        if rows and not self.grid.currentIndex().isValid():
            self.grid.setCurrentIndex(self.model.index(0, 0))

    # -- focus ---------------------------------------------------------------------------
    def _search_enter(self) -> None:
        self.run_search()
        self.focus_grid()

    def focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

    def focus_category(self) -> None:
        self.category_box.setFocus()
        self.category_box.showPopup()

    def focus_grid(self) -> None:
        self.grid.setFocus()
        if not self.grid.currentIndex().isValid() and self.model.rowCount():
            self.grid.setCurrentIndex(self.model.index(0, 0))
