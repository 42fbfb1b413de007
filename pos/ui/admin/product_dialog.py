"""Create or edit a product: fields checked as typed, the service has the last word.

Uniqueness of SKU and barcode is the database's (the service reports DUPLICATE); the
dialog stays open and shows the reason next to the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pos.errors import PosError
from pos.paths import image_path
from pos.ui.admin.widgets import plain_label
from pos.views import ProductView

Save = Callable[[dict[str, Any]], ProductView]
PickImage = Callable[[], str | None]
PREVIEW = 120


class ProductDialog(QDialog):
    def __init__(
        self,
        save: Save,
        categories: list[str],
        product: ProductView | None = None,
        pick_image: PickImage | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._pick_image = pick_image
        self.product = product
        self.saved: ProductView | None = None
        self.setWindowTitle("Edit product" if product else "New product")
        self.setMinimumSize(520, 620)

        self.sku = QLineEdit()
        self.sku.setMaxLength(64)
        self.barcode = QLineEdit()
        self.barcode.setMaxLength(64)
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems([""] + categories)
        self.price = QLineEdit()
        self.price.setPlaceholderText("0.00")
        self.stock = QSpinBox()
        self.stock.setRange(0, 1_000_000)
        self.threshold = QSpinBox()
        self.threshold.setRange(0, 1_000_000)
        self.threshold.setValue(5)
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(70)
        self.active = QCheckBox("Sold at the counters")
        self.active.setChecked(True)
        self.image = QLineEdit()
        self.image.setPlaceholderText("no image")
        self.image.textChanged.connect(self._update_preview)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW, PREVIEW)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("border: 1px solid #d6dae0; background: white;")

        form = QFormLayout()
        form.addRow("SKU", self.sku)
        form.addRow("Barcode", self.barcode)
        form.addRow("Name", self.name)
        form.addRow("Category", self.category)
        form.addRow("Price", self.price)
        if product is None:
            form.addRow("Opening stock", self.stock)
        form.addRow("Low-stock threshold", self.threshold)
        form.addRow("Description", self.description)
        image_row = QHBoxLayout()
        image_row.addWidget(self.image, 1)
        image_row.addWidget(browse)
        form.addRow("Image", image_row)
        form.addRow("", self.preview)
        form.addRow("", self.active)

        self.error = plain_label()
        self.error.setObjectName("formError")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for field in (self.sku, self.name, self.price):
            field.textChanged.connect(self._validate)
        if product is not None:
            self._fill(product)
        self._validate()

    def _fill(self, p: ProductView) -> None:
        self.sku.setText(p.sku)
        self.barcode.setText(p.barcode or "")
        self.name.setText(p.name)
        self.category.setCurrentText(p.category or "")
        self.price.setText(f"{p.price:.2f}")
        self.threshold.setValue(p.low_stock_threshold)
        self.description.setPlainText(p.description)
        self.image.setText(p.image or "")
        self.active.setChecked(p.active)

    def problems(self) -> list[str]:
        found = []
        sku = self.sku.text().strip()
        if not sku:
            found.append("SKU is required.")
        elif any(ch.isspace() for ch in sku):
            found.append("SKU must not contain spaces.")
        if not self.name.text().strip():
            found.append("Name is required.")
        try:
            price = Decimal(self.price.text().strip())
            if not price.is_finite():
                raise InvalidOperation
            if price < 0:
                found.append("Price must not be negative.")
            elif price != price.quantize(Decimal("0.01")):
                found.append("Price has more than two decimals.")
        except (InvalidOperation, ValueError):
            found.append("Price must be a number such as 4.99.")
        return found

    def _validate(self) -> bool:
        found = self.problems()
        self.error.setText(" ".join(found))
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not found)
        return not found

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "sku": self.sku.text().strip(),
            "barcode": self.barcode.text().strip() or None,
            "name": self.name.text().strip(),
            "category": self.category.currentText().strip() or None,
            "price": Decimal(self.price.text().strip()),
            "low_stock_threshold": self.threshold.value(),
            "description": self.description.toPlainText().strip(),
            "image": self.image.text().strip() or None,
            "active": self.active.isChecked(),
        }
        if self.product is None:
            out["stock"] = self.stock.value()
        return out

    def try_save(self) -> None:
        if not self._validate():
            return
        try:
            self.saved = self._save(self.values())
        except PosError as err:
            self.error.setText(err.message)
            return
        self.accept()

    def _browse(self) -> None:
        if self._pick_image is None:
            return
        chosen = self._pick_image()
        if chosen:
            self.image.setText(chosen)

    def _update_preview(self) -> None:
        path = image_path(self.image.text().strip())
        pixmap = QPixmap(str(path)) if path is not None and Path(path).is_file() else QPixmap()
        if pixmap.isNull():
            self.preview.setPixmap(QPixmap())
            self.preview.setText("no image" if not self.image.text().strip() else "not found")
        else:
            self.preview.setText("")
            self.preview.setPixmap(
                pixmap.scaled(
                    PREVIEW,
                    PREVIEW,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
