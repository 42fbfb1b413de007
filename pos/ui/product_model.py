"""The product grid's model: one page of the catalog at a time, fetched off the GUI thread.

Rows hold precomputed strings so data() stays cheap; a single product's row is
refreshed with dataChanged (after a sale, or when live sync says it changed). A new
search resets the model once; nothing else does.
"""

from __future__ import annotations

import dataclasses
import html
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from pos.errors import PosError
from pos.money import format_money
from pos.ui.thumbnails import ThumbnailCache
from pos.ui.worker import TaskRunner
from pos.views import ProductView

ProductRole = Qt.ItemDataRole.UserRole + 1
PriceTextRole = Qt.ItemDataRole.UserRole + 2
StockTextRole = Qt.ItemDataRole.UserRole + 3
StateRole = Qt.ItemDataRole.UserRole + 4  # "ok" | "low" | "out" | "inactive"
CategoryRole = Qt.ItemDataRole.UserRole + 5

# fetch(text, category, after, limit): the page after that product (None: the first page).
Fetch = Callable[[str, "str | None", "ProductView | None", int], list[ProductView]]
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ProductRow:
    product: ProductView
    price_text: str
    stock_text: str
    state: str
    tooltip: str
    accessible: str


def make_row(product: ProductView, currency: str) -> ProductRow:
    if not product.active:
        state, stock = "inactive", "Not for sale"
    elif product.stock_quantity <= 0:
        state, stock = "out", "Out of stock"
    elif product.low_stock:
        state, stock = "low", f"Only {product.stock_quantity} left"
    else:
        state, stock = "ok", f"{product.stock_quantity} in stock"
    price = format_money(product.price, currency)
    # Tooltips guess rich text, so say it is rich text and escape every user string.
    lines = [f"<b>{html.escape(product.name)}</b>", html.escape(f"SKU {product.sku}")]
    if product.barcode:
        lines.append(html.escape(f"Barcode {product.barcode}"))
    if product.description:
        lines.append(html.escape(product.description))
    lines.append(html.escape(f"{price} \u00b7 {stock}"))
    tooltip = "<p style='white-space:pre-wrap'>" + "<br>".join(lines) + "</p>"
    accessible = f"{product.name}, {price}, {stock}"
    return ProductRow(product, price, stock, state, tooltip, accessible)


MAX_PAGE = 1000  # what catalog.search returns at most


class ProductModel(QAbstractListModel):
    """Catalog rows for the current search; `fetchMore` loads the next page."""

    pageLoaded = Signal()
    loadFailed = Signal(object)  # PosError

    def __init__(
        self,
        fetch: Fetch,
        *,
        runner: TaskRunner | None = None,
        thumbnails: ThumbnailCache | None = None,
        currency: str = "USD",
        page_size: int = 80,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._runner = runner
        self._thumbnails = thumbnails
        self._currency = currency
        self._page_size = page_size
        self._rows: list[ProductRow] = []
        self._row_of: dict[uuid.UUID, int] = {}
        self._rows_of_image: dict[str, list[int]] = {}
        self._text = ""
        self._category: str | None = None
        self._generation = 0
        self._loading = False
        self._exhausted = True
        if thumbnails is not None:
            thumbnails.ready.connect(self._thumbnail_ready)

    # -- query ---------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def query(self) -> tuple[str, str | None]:
        return self._text, self._category

    def set_query(self, text: str = "", category: str | None = None) -> None:
        self._text, self._category = text.strip(), category or None
        self._generation += 1
        self.beginResetModel()
        self._rows, self._row_of, self._rows_of_image = [], {}, {}
        # Views and testers call fetchMore from their reset/insert handlers: stay
        # "loading" until the signals are out, so pages never nest.
        self._loading, self._exhausted = True, False
        self.endResetModel()
        self._loading = False
        self.fetchMore(QModelIndex())

    def reload(self) -> None:
        self.set_query(self._text, self._category)

    @property
    def currency(self) -> str:
        return self._currency

    def set_currency(self, currency: str) -> None:
        """The store's currency changed: re-render every price shown (no reload)."""
        if currency == self._currency:
            return
        self._currency = currency
        self._rows = [make_row(row.product, currency) for row in self._rows]
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._loading = True  # guards re-entry: views call fetchMore while rows go in
        generation, offset = self._generation, len(self._rows)
        # Pages grow with what is already shown (up to MAX_PAGE): Qt lays out the whole
        # icon grid on every insert, so fewer, larger inserts keep deep scrolling fast.
        limit = min(MAX_PAGE, max(self._page_size, offset // 2))
        text, category = self._text, self._category
        # Key paging: continue after the last row shown (cheap at any depth, unlike OFFSET).
        after = self._rows[-1].product if self._rows else None

        def load() -> list[ProductView]:
            return self._fetch(text, category, after, limit)

        if self._runner is None:
            try:
                self._append(generation, offset, load(), limit)
            except PosError as err:
                self._failed(generation, err)
            return
        self._runner.submit(
            load,
            lambda items: self._append(generation, offset, items, limit),
            lambda err: self._failed(generation, err),
        )

    def _append(self, generation: int, offset: int, items: list[ProductView], limit: int) -> None:
        if generation != self._generation or offset != len(self._rows):
            return  # an answer to a search that was replaced
        self._exhausted = len(items) < limit
        fresh = [p for p in items if p.id not in self._row_of]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            for number, product in enumerate(fresh, start=first):
                self._rows.append(make_row(product, self._currency))
                self._index_row(number, product)
            self.endInsertRows()
        self._loading = False
        self.pageLoaded.emit()

    def _failed(self, generation: int, err: object) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._exhausted = True
        self.loadFailed.emit(err)
        self.pageLoaded.emit()

    def _index_row(self, row: int, product: ProductView) -> None:
        self._row_of[product.id] = row
        if product.image:
            self._rows_of_image.setdefault(product.image, []).append(row)

    # -- rows ----------------------------------------------------------------------
    def product(self, row: int) -> ProductView | None:
        return self._rows[row].product if 0 <= row < len(self._rows) else None

    def row_of(self, product_id: uuid.UUID) -> int | None:
        return self._row_of.get(product_id)

    def product_ids(self) -> list[uuid.UUID]:
        return [r.product.id for r in self._rows]

    def refresh_products(self, products: Iterable[ProductView]) -> int:
        """Replace the rows of these products (others are ignored); returns rows changed."""
        changed = 0
        for product in products:
            row = self._row_of.get(product.id)
            if row is None or self._rows[row].product == product:
                continue
            old_image = self._rows[row].product.image
            self._rows[row] = make_row(product, self._currency)
            if old_image != product.image:
                if old_image and row in self._rows_of_image.get(old_image, []):
                    self._rows_of_image[old_image].remove(row)
                if product.image:
                    self._rows_of_image.setdefault(product.image, []).append(row)
            index = self.index(row, 0)
            self.dataChanged.emit(index, index)
            changed += 1
        return changed

    def set_stock(self, product_id: uuid.UUID, stock: int) -> None:
        row = self._row_of.get(product_id)
        if row is not None:
            current = self._rows[row].product
            self.refresh_products([dataclasses.replace(current, stock_quantity=stock)])

    def _thumbnail_ready(self, name: str) -> None:
        for row in self._rows_of_image.get(name, []):
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    # -- Qt model API ----------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.product.name
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnails.pixmap(row.product.image) if self._thumbnails else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltip
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return row.accessible
        if role == ProductRole:
            return row.product
        if role == PriceTextRole:
            return row.price_text
        if role == StockTextRole:
            return row.stock_text
        if role == StateRole:
            return row.state
        if role == CategoryRole:
            return row.product.category or ""
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
