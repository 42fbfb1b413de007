"""The cart table: Del removes the current line, F4 edits its quantity, the last
column's cross removes by mouse."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from pos.ui.cart_model import COL_NAME, COL_PRICE, COL_QTY, COL_REMOVE, COL_SKU, COL_TOTAL


class QuantityDelegate(QStyledItemDelegate):
    """A spin box; values outside 1..99 still reach the service, which says why not."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = QSpinBox(parent)
        editor.setRange(0, 999)
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        editor.setFrame(False)
        editor.setAccessibleName("Quantity")
        return editor


class CartTable(QTableView):
    removeRequested = Signal(int)  # row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cartTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(34)
        self.setItemDelegateForColumn(COL_QTY, QuantityDelegate(self))
        self.clicked.connect(self._clicked)
        self.setToolTip("")

    def setModel(self, model) -> None:  # noqa: N802, ANN001
        super().setModel(model)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        widths = {COL_SKU: 104, COL_PRICE: 84, COL_QTY: 52, COL_TOTAL: 92, COL_REMOVE: 34}
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid() and index.column() == COL_REMOVE:
            self.removeRequested.emit(index.row())

    def edit_quantity(self, row: int | None = None) -> bool:
        model = self.model()
        if model is None or model.rowCount() == 0:
            return False
        if row is None:
            row = (
                self.currentIndex().row() if self.currentIndex().isValid() else model.rowCount() - 1
            )
        index = model.index(row, COL_QTY)
        self.setFocus()
        self.setCurrentIndex(index)
        self.edit(index)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if (
            event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and self.state() != QAbstractItemView.State.EditingState
        ):
            if self.currentIndex().isValid():
                self.removeRequested.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)
