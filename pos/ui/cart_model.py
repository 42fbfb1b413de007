"""The cart table's model. A new CartView is diffed against the shown one, so an add
inserts one row, a remove removes one, and a quantity change repaints one row."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from pos.money import format_money
from pos.ui import style
from pos.views import CartLineView, CartView

AnyIndex = QModelIndex | QPersistentModelIndex
ProductIdRole = Qt.ItemDataRole.UserRole + 1

COL_NAME, COL_SKU, COL_PRICE, COL_QTY, COL_TOTAL, COL_REMOVE = range(6)
HEADERS = ("Item", "SKU", "Price", "Qty", "Total", "")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class CartModel(QAbstractTableModel):
    """Rows are cart lines; editing Qty emits `quantityEdited` (the window calls the service)."""

    quantityEdited = Signal(object, int)  # product id, new quantity

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[CartLineView] = []
        self._pending: dict[uuid.UUID, int] = {}
        self._currency = "USD"
        self.cart: CartView | None = None

    # -- applying a service answer ---------------------------------------------------
    def set_cart(self, cart: CartView) -> None:
        self.cart = cart
        self._currency = cart.currency
        had_pending = set(self._pending)
        self._pending.clear()
        wanted = [line.product_id for line in cart.lines]
        keep = set(wanted)
        for row in range(len(self._lines) - 1, -1, -1):
            if self._lines[row].product_id not in keep:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._lines[row]
                self.endRemoveRows()
        shown = [line.product_id for line in self._lines]
        if shown != [pid for pid in wanted if pid in set(shown)]:
            # Lines come back in the order they were added, so this does not happen;
            # if it ever does, a reset is still correct.
            self.beginResetModel()
            self._lines = list(cart.lines)
            self.endResetModel()
            return
        for row, line in enumerate(cart.lines):
            if row >= len(self._lines) or self._lines[row].product_id != line.product_id:
                self.beginInsertRows(QModelIndex(), row, row)
                self._lines.insert(row, line)
                self.endInsertRows()
            elif self._lines[row] != line or line.product_id in had_pending:
                self._lines[row] = line
                self._row_changed(row)

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    # -- reading -----------------------------------------------------------------------
    def line(self, row: int) -> CartLineView | None:
        return self._lines[row] if 0 <= row < len(self._lines) else None

    def row_of(self, product_id: uuid.UUID) -> int | None:
        return next((r for r, ln in enumerate(self._lines) if ln.product_id == product_id), None)

    def quantity(self, row: int) -> int:
        line = self._lines[row]
        return self._pending.get(line.product_id, line.quantity)

    # -- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if section in (COL_PRICE, COL_TOTAL) else LEFT)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line, col = self._lines[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.row(), line, col)
        if role == Qt.ItemDataRole.EditRole and col == COL_QTY:
            return self.quantity(index.row())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (COL_PRICE, COL_TOTAL):
                return int(RIGHT)
            return int(CENTER if col in (COL_QTY, COL_REMOVE) else LEFT)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_REMOVE:
                return "Remove this line (Del)"
            if col == COL_QTY:
                return "Change the quantity (F4), 1 to 99"
            if col == COL_NAME:  # the full name and the SKU, even when the column is narrow
                return f"{line.name}\nSKU {line.sku}"
            return None
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_REMOVE:
            return QColor(style.DANGER)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{line.name}, quantity {self.quantity(index.row())}"
        if role == ProductIdRole:
            return line.product_id
        return None

    def _display(self, row: int, line: CartLineView, col: int) -> str | None:
        if col == COL_NAME:
            return line.name
        if col == COL_SKU:
            return line.sku
        if col == COL_PRICE:
            return format_money(line.unit_price, self._currency)
        if col == COL_QTY:
            return str(self.quantity(row))
        if col == COL_TOTAL:
            return format_money(line.line_total, self._currency)
        if col == COL_REMOVE:
            return "\u2715"
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        flags |= Qt.ItemFlag.ItemNeverHasChildren
        if index.column() == COL_QTY:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != COL_QTY:
            return False
        try:
            quantity = int(str(value).strip())
        except ValueError:
            return False
        row = index.row()
        if not 0 <= row < len(self._lines) or quantity == self.quantity(row):
            return False
        product_id = self._lines[row].product_id
        self._pending[product_id] = quantity
        self.dataChanged.emit(index, index)
        self.quantityEdited.emit(product_id, quantity)
        return True
