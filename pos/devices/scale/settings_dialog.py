"""Manager > Scale labels...: which store prefixes (20-29) carry what, and a field to try a
label. Saved to this counter's settings file as `scale_rules` (the same key in
/etc/pos/settings.json sets every counter of a store)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from pos.devices.scale.codes import (
    DECIMALS_RANGE,
    ITEM_DIGITS_RANGE,
    PREFIXES,
    Embedded,
    ScaleRule,
    decode,
)
from pos.errors import PosError

COLUMNS = ("Prefix", "Item (PLU) digits", "Value", "Decimals")


class ScaleRulesDialog(QDialog):
    def __init__(
        self,
        rules: tuple[ScaleRule, ...],
        *,
        save: Callable[[tuple[ScaleRule, ...]], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Scale labels")
        self._save = save
        self.saved: tuple[ScaleRule, ...] | None = None
        self._last_focus: QObject | None = None
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(40)
        add = QPushButton("Add prefix")
        add.clicked.connect(lambda: self.add_rule(None))
        remove = QPushButton("Remove")
        remove.clicked.connect(self.remove_selected)
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(add)
        row_buttons.addWidget(remove)
        row_buttons.addStretch(1)
        hint = QLabel(
            "EAN-13 labels from a scale: 2 prefix digits, the item's PLU (its SKU or "
            "barcode), the price or weight, a check digit. Item + value digits = 10."
        )
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        hint.setObjectName("muted")
        self.try_code = QLineEdit()
        self.try_code.setPlaceholderText("Scan or type a label to try the rules")
        self.try_code.textChanged.connect(self.try_label)
        self.decoded = QLabel("")
        self.decoded.setTextFormat(Qt.TextFormat.PlainText)
        self.decoded.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_buttons)
        layout.addWidget(self.try_code)
        layout.addWidget(self.decoded)
        layout.addWidget(buttons)
        self.resize(620, 440)
        for rule in rules:
            self.add_rule(rule)

    def add_rule(self, rule: ScaleRule | None) -> None:
        used = {r.prefix for r in self.rules()}
        if rule is None:
            free = [p for p in PREFIXES if p not in used]
            if not free:
                return
            rule = ScaleRule(free[0])
        row = self.table.rowCount()
        self.table.insertRow(row)
        prefix = QComboBox()
        prefix.addItems(list(PREFIXES))
        prefix.setCurrentText(rule.prefix)
        item = QSpinBox()
        item.setRange(*ITEM_DIGITS_RANGE)
        item.setValue(rule.item_digits)
        kind = QComboBox()
        kind.addItem("Price", Embedded.PRICE)
        kind.addItem("Weight (kg)", Embedded.WEIGHT)
        kind.setCurrentIndex(kind.findData(rule.embedded))
        decimals = QSpinBox()
        decimals.setRange(*DECIMALS_RANGE)
        decimals.setValue(rule.decimals)
        kind.currentIndexChanged.connect(
            lambda _i, k=kind, d=decimals: d.setValue(
                3 if k.currentData() == Embedded.WEIGHT else 2
            )
        )
        for column, widget in enumerate((prefix, item, kind, decimals)):
            self.table.setCellWidget(row, column, widget)
            widget.installEventFilter(self)
        for widget in (prefix, kind):
            widget.currentIndexChanged.connect(self.try_label)  # type: ignore[attr-defined]
        for widget in (item, decimals):
            widget.valueChanged.connect(self.try_label)  # type: ignore[attr-defined]

    def remove_selected(self) -> None:
        """The selected rows, else the row whose field was edited last (the cells are
        editors, so clicking one does not select its row)."""
        rows = {i.row() for i in self.table.selectedIndexes()}
        if not rows:
            rows = {
                row
                for row in range(self.table.rowCount())
                for column in range(self.table.columnCount())
                if self.table.cellWidget(row, column) is self._last_focus
            }
        for row in sorted(rows, reverse=True):
            self.table.removeRow(row)
        self.try_label()

    def rules(self) -> tuple[ScaleRule, ...]:
        found: dict[str, ScaleRule] = {}
        for row in range(self.table.rowCount()):
            prefix, kind = self._combo(row, 0), self._combo(row, 2)
            item, decimals = self._spin(row, 1), self._spin(row, 3)
            rule = ScaleRule(
                prefix.currentText(), item.value(), Embedded(kind.currentData()), decimals.value()
            )
            found.setdefault(rule.prefix, rule)  # the first row of a prefix wins
        return tuple(sorted(found.values(), key=lambda r: r.prefix))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.FocusIn:
            self._last_focus = watched
        return super().eventFilter(watched, event)

    def _combo(self, row: int, column: int) -> QComboBox:
        widget = self.table.cellWidget(row, column)
        assert isinstance(widget, QComboBox)
        return widget

    def _spin(self, row: int, column: int) -> QSpinBox:
        widget = self.table.cellWidget(row, column)
        assert isinstance(widget, QSpinBox)
        return widget

    def try_label(self) -> None:
        code = self.try_code.text().strip()
        if not code:
            self.decoded.setText("")
            return
        try:
            label = decode(code, self.rules())
        except PosError as err:
            self.decoded.setText(err.message)
            return
        if label is None:
            self.decoded.setText("Not a scale label for these rules (13 digits, prefix 20-29).")
        elif label.price is not None:
            self.decoded.setText(f"PLU {label.item}, price {label.price}")
        else:
            self.decoded.setText(f"PLU {label.item}, weight {label.weight_kg} kg ({label.grams} g)")

    def accept(self) -> None:
        rules = self.rules()
        self._save(rules)
        self.saved = rules
        super().accept()
