"""The admin product table: paged from SQL, sorted and filtered in SQL, rows fetched lazily.

The view asks canFetchMore/fetchMore as it scrolls; each page is loaded on the thread
pool and inserted when it arrives (one page in flight at a time). Pages go by key: the
next page is "the rows after the last one shown" in the sorted column's order, so the
1,000th page of 100,000 products costs what the first does (OFFSET would read and
throw away every row before it). A new query (filter
or header click) resets the model and bumps a generation number, so pages of an
older query that arrive late are dropped. Changed products are refreshed in place
(dataChanged for their rows only).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from pos.money import format_money
from pos.services.catalog.products_admin import AdminProductRow, ProductQuery
from pos.services.facade import Store
from pos.ui.admin.list_model import ALERT_BRUSH, LEFT, RIGHT
from pos.ui.dialogs import plain_tooltip
from pos.ui.worker import TaskRunner
from pos.views import Actor

Index = QModelIndex | QPersistentModelIndex
PAGE = 200
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    # title, SQL sort key, numeric
    ("SKU", "sku", False),
    ("Barcode", "barcode", False),
    ("Name", "name", False),
    ("Category", "category", False),
    ("Price", "price", True),
    ("Free", "stock", True),
    ("Reserved", "reserved", True),
    ("On hand", "on_hand", True),
    ("Low at", "threshold", True),
    ("Active", "active", False),
)
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def _cells(row: AdminProductRow, currency: str) -> tuple[str, ...]:
    p = row.product
    return (
        p.sku,
        p.barcode or "",
        p.name,
        p.category or "",
        format_money(p.price, currency),
        str(p.stock_quantity),
        str(row.reserved),
        str(row.on_hand),
        str(p.low_stock_threshold),
        "yes" if p.active else "no",
    )


class AdminProductModel(QAbstractTableModel):
    totalChanged = Signal(int)
    pageLoaded = Signal()
    loadFailed = Signal(object)

    def __init__(
        self,
        fetch_rows: Callable[[ProductQuery, AdminProductRow | None, int], list[AdminProductRow]],
        fetch_count: Callable[[ProductQuery], int],
        fetch_by_id: Callable[[list[uuid.UUID]], list[AdminProductRow]],
        tasks: TaskRunner,
        currency: str = "USD",
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._fetch_rows = fetch_rows
        self._fetch_count = fetch_count
        self._fetch_by_id = fetch_by_id
        self._tasks = tasks
        self._currency = currency
        self._query = ProductQuery()
        self._rows: list[AdminProductRow] = []
        self._cells: list[tuple[str, ...]] = []
        self._by_id: dict[uuid.UUID, int] = {}
        # The last row as its page brought it: the next page starts after its key. Kept
        # apart from the shown row, which an in-place refresh may change (its stock, say).
        self._cursor: AdminProductRow | None = None
        self._total = 0
        self._exhausted = True
        self._loading = False
        self._generation = 0

    @classmethod
    def for_store(cls, store: Store, actor: Actor, tasks: TaskRunner, currency: str = "USD"):
        admin = store.products_admin
        return cls(
            lambda q, after, limit: admin.rows(actor, q, after=after, limit=limit),
            lambda q: admin.count(actor, q),
            lambda ids: admin.rows_by_id(actor, ids),
            tasks,
            currency,
        )

    # -- queries ------------------------------------------------------------------------
    @property
    def query(self) -> ProductQuery:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    @property
    def loading(self) -> bool:
        return self._loading

    def set_query(self, query: ProductQuery) -> None:
        self._generation += 1
        self.beginResetModel()
        self._query = query
        self._rows, self._cells, self._by_id = [], [], {}
        self._cursor = None
        self._exhausted = False
        self._loading = False
        self.endResetModel()
        generation = self._generation
        self._tasks.submit(
            lambda: self._fetch_count(query),
            lambda total: self._got_total(generation, total),
            self.loadFailed.emit,
            key="product-count",
        )
        self._load_page()

    def refresh(self) -> None:
        self.set_query(self._query)

    def _got_total(self, generation: int, total: int) -> None:
        if generation == self._generation:
            self._total = total
            self.totalChanged.emit(total)

    def _load_page(self) -> None:
        if self._loading or self._exhausted:
            return
        self._loading = True
        generation, query, offset = self._generation, self._query, len(self._rows)
        after = self._cursor
        self._tasks.submit(
            lambda: self._fetch_rows(query, after, PAGE),
            lambda rows: self._got_page(generation, offset, rows),
            lambda err: self._page_failed(generation, err),
        )

    def _page_failed(self, generation: int, err: object) -> None:
        if generation == self._generation:
            self._loading = False
            self._exhausted = True
            self.loadFailed.emit(err)

    def _got_page(self, generation: int, offset: int, rows: list[AdminProductRow]) -> None:
        if generation != self._generation or offset != len(self._rows):
            return
        self._loading = False
        if len(rows) < PAGE:
            self._exhausted = True
        if rows:
            self._cursor = rows[-1]
        # A row whose key moved while paging (stock sold meanwhile) may come back once more.
        rows = [row for row in rows if row.product.id not in self._by_id]
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            for i, row in enumerate(rows, start=first):
                self._rows.append(row)
                self._cells.append(_cells(row, self._currency))
                self._by_id[row.product.id] = i
            self.endInsertRows()
        self.pageLoaded.emit()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self._load_page()

    # -- in-place refresh ---------------------------------------------------------------
    def refresh_products(self, product_ids: list[uuid.UUID]) -> None:
        """Reload the named rows that are loaded; others are read when scrolled to."""
        ids = [pid for pid in product_ids if pid in self._by_id]
        if not ids:
            return
        generation = self._generation
        self._tasks.submit(
            lambda: self._fetch_by_id(ids),
            lambda rows: self._got_rows(generation, ids, rows),
            self.loadFailed.emit,
        )

    def _got_rows(
        self, generation: int, asked: list[uuid.UUID], rows: list[AdminProductRow]
    ) -> None:
        if generation != self._generation:
            return
        for row in rows:
            i = self._by_id.get(row.product.id)
            if i is None:
                continue
            self._rows[i] = row
            self._cells[i] = _cells(row, self._currency)
            self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
        gone = set(asked) - {r.product.id for r in rows}
        for pid in gone:  # deleted meanwhile: show it as inactive until the next query
            i = self._by_id[pid]
            old = self._rows[i]
            self._rows[i] = replace(old, product=replace(old.product, active=False))
            self._cells[i] = _cells(self._rows[i], self._currency)
            self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    # -- Qt model -----------------------------------------------------------------------
    def row_at(self, row: int) -> AdminProductRow:
        return self._rows[row]

    def row_of(self, product_id: uuid.UUID) -> int | None:
        return self._by_id.get(product_id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[r][c]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if COLUMNS[c][2] else LEFT
        if role == Qt.ItemDataRole.BackgroundRole:
            p = self._rows[r].product
            return ALERT_BRUSH if p.active and p.low_stock else None
        if role == Qt.ItemDataRole.ToolTipRole and c == 2:
            return plain_tooltip(self._cells[r][c])
        if role == ROW_ROLE:
            return self._rows[r]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not 0 <= section < len(COLUMNS):
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][0]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        key = COLUMNS[column][1]
        if key == self._query.sort and descending == self._query.descending and self._rows:
            return
        self.set_query(replace(self._query, sort=key, descending=descending))
