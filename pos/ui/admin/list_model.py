"""A read-only table of a short list (movements, carts, users, report figures).

Rows are precomputed strings, so data() does no work. Short lists only: big tables
page through SQL (see product_model).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from pos.ui.dialogs import plain_tooltip

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ALERT_BRUSH = QBrush(QColor("#fde2e1"))


class Column(Generic[T]):
    def __init__(self, title: str, text: Callable[[T], Any], numeric: bool = False) -> None:
        self.title = title
        self.text = text
        self.numeric = numeric


class ListTableModel(QAbstractTableModel, Generic[T]):
    def __init__(
        self,
        columns: Sequence[Column[T]],
        highlight: Callable[[T], bool] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._items: list[T] = []
        self._cells: list[tuple[str, ...]] = []
        self._alert: list[bool] = []
        self._highlight = highlight

    def set_items(self, items: Sequence[T]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._cells = [self._texts(item) for item in self._items]
        self._alert = [bool(self._highlight and self._highlight(i)) for i in self._items]
        self.endResetModel()

    def _texts(self, item: T) -> tuple[str, ...]:
        out = []
        for col in self._columns:
            value = col.text(item)
            out.append("" if value is None else str(value))
        return tuple(out)

    def item(self, row: int) -> T:
        return self._items[row]

    def items(self) -> list[T]:
        return list(self._items)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._cells):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self._cells[index.row()][index.column()])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if self._columns[index.column()].numeric else LEFT
        if role == Qt.ItemDataRole.BackgroundRole and self._alert[index.row()]:
            return ALERT_BRUSH
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].title
        return None
