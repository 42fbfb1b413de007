"""The cart table: Del removes the current line, F4 edits its quantity, the last
column's cross removes by mouse."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QIntValidator, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QWidget,
)

from pos.ui.cart_model import COL_NAME, COL_PRICE, COL_QTY, COL_REMOVE, COL_SKU, COL_TOTAL


class QuantityEditor(QLineEdit):
    """The quantity as digits, with [-] and [+] buttons inside the field's ends: they
    render under the app's style sheet (a QSpinBox's arrows shrank to a dash in a 34 px
    row) and a finger can hit them. Typing, Enter and Esc work as in any cell editor."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quantityEditor")
        self.setValidator(QIntValidator(0, 999, self))
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleName("Quantity")
        self.setStyleSheet("QLineEdit#quantityEditor { padding: 0px; }")
        self.setTextMargins(BUTTON_WIDTH, 0, BUTTON_WIDTH, 0)
        self.minus = self._button("\u2212", "One less", -1)
        self.plus = self._button("+", "One more", +1)

    def _button(self, text: str, name: str, step: int) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setAccessibleName(name)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setCursor(Qt.CursorShape.ArrowCursor)
        button.clicked.connect(lambda: self.step(step))
        return button

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        height = self.height() - 4
        self.minus.setGeometry(2, 2, BUTTON_WIDTH - 2, height)
        self.plus.setGeometry(self.width() - BUTTON_WIDTH, 2, BUTTON_WIDTH - 2, height)

    def value(self) -> int:
        try:
            return int(self.text())
        except ValueError:
            return 0

    def setValue(self, value: int) -> None:  # noqa: N802
        self.setText(str(value))
        self.selectAll()

    def step(self, delta: int) -> None:
        self.setValue(max(0, min(999, self.value() + delta)))


BUTTON_WIDTH = 26
QTY_WIDTH = 2 * BUTTON_WIDTH + 40  # room for [-] 99 [+] inside the column, nothing beyond


class QuantityDelegate(QStyledItemDelegate):
    """The quantity editor; values outside 1..99 still reach the service, which says why not."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        return QuantityEditor(parent)

    def setEditorData(  # noqa: N802
        self, editor: QWidget, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if isinstance(editor, QuantityEditor):
            editor.setValue(int(index.data(Qt.ItemDataRole.EditRole) or 0))
        else:
            super().setEditorData(editor, index)

    def updateEditorGeometry(  # noqa: N802
        self,
        editor: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        editor.setGeometry(option.rect)  # exactly the Qty cell: never over Total


COLUMN_WIDTHS = {COL_SKU: 104, COL_PRICE: 84, COL_QTY: QTY_WIDTH, COL_TOTAL: 92, COL_REMOVE: 34}
NAME_ROOM = 260  # below this the SKU column gives its room to the item name


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

    def setModel(self, model: QAbstractItemModel | None) -> None:  # noqa: N802
        super().setModel(model)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setMinimumSectionSize(24)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in COLUMN_WIDTHS.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        self._fit_columns()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """The item name gets the room: the SKU column shows only when the table is wide
        enough for both (the name's tooltip always carries the SKU)."""
        fixed = sum(w for c, w in COLUMN_WIDTHS.items() if c != COL_SKU)
        room = self.viewport().width() - fixed
        self.setColumnHidden(COL_SKU, room - COLUMN_WIDTHS[COL_SKU] < NAME_ROOM)

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
