"""Create or edit a product: fields checked as typed, the service has the last word.

Uniqueness of SKU and barcode is the database's (the service reports DUPLICATE); the
dialog stays open and shows the reason next to the fields. A price may be typed with a
decimal comma (12,50) as well as a point.

A chosen picture is read off the GUI thread with a timeout (picture_reader.py: a
regular file, size-capped, checked and decoded with QImage); its bytes go to the
service, which stores them in the database so every counter can show them. No file path
is kept. Save waits while a picture is being read.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
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
from pos.services.catalog.images import bundled_dir, bundled_path
from pos.ui.admin.widgets import plain_label
from pos.ui.picture_reader import TIMEOUT_MS, PictureReader, decoded
from pos.ui.worker import TaskRunner
from pos.views import ProductView

Save = Callable[[dict[str, Any]], ProductView]
PickImage = Callable[[], str | None]
PREVIEW = 120
_UNCHANGED = object()


def parse_price(text: str) -> Decimal:
    """A typed price: 12.50 or 12,50 (the decimal comma of many locales)."""
    clean = text.strip()
    if clean.count(",") == 1 and "." not in clean:
        clean = clean.replace(",", ".")
    return Decimal(clean)


class ProductDialog(QDialog):
    pictureRead = Signal(bool)  # a picture file was read: taken (True) or refused (False)

    def __init__(
        self,
        save: Save,
        categories: list[str],
        product: ProductView | None = None,
        pick_image: PickImage | None = None,
        parent: QWidget | None = None,
        runner: TaskRunner | None = None,
        pictures: PictureReader | None = None,
    ) -> None:
        super().__init__(parent)
        # The picture the manager chooses (Save waits for it) and the bundled picture's
        # preview (Save does not: it changes nothing).
        self._pictures = pictures or PictureReader(TIMEOUT_MS)
        self._preview_reader = PictureReader(TIMEOUT_MS)
        self.finished.connect(lambda _result: self._pictures.cancel())
        self.finished.connect(lambda _result: self._preview_reader.cancel())
        self._save = save
        # With a runner the save runs off the GUI thread (a held lock never freezes the
        # window); without one (small tests) it runs at once.
        self._runner = runner
        self._saving = False
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
        # What saving does to the picture: unchanged, None (remove) or new bytes.
        self._image_change: object = _UNCHANGED
        self.image = plain_label("no image")
        self.image.setWordWrap(True)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        self.remove_image = QPushButton("Remove")
        self.remove_image.clicked.connect(self.clear_image)
        self.remove_image.setEnabled(False)
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
        image_row.addWidget(self.remove_image)
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
        # A new product's empty form is not an error: a field's problem shows once it was
        # typed in (or Save was pressed); Save stays disabled until the form is complete.
        self._touched: set[str] = set()
        for key, field in (("sku", self.sku), ("name", self.name), ("price", self.price)):
            field.textChanged.connect(lambda _text, key=key: self._edited(key))
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
        self.active.setChecked(p.active)
        self._show_current_image(p.image)

    def field_problems(self) -> list[tuple[str, str]]:
        """(field, message) for every rule the form breaks now."""
        found = []
        sku = self.sku.text().strip()
        if not sku:
            found.append(("sku", "SKU is required."))
        elif any(ch.isspace() for ch in sku):
            found.append(("sku", "SKU must not contain spaces."))
        if not self.name.text().strip():
            found.append(("name", "Name is required."))
        try:
            price = parse_price(self.price.text())
            if not price.is_finite():
                raise InvalidOperation
            if price < 0:
                found.append(("price", "Price must not be negative."))
            elif price != price.quantize(Decimal("0.01")):
                found.append(("price", "Price has more than two decimals."))
        except (InvalidOperation, ValueError):
            found.append(("price", "Price must be a number such as 4.99."))
        return found

    def problems(self) -> list[str]:
        return [message for _field, message in self.field_problems()]

    def _edited(self, key: str) -> None:
        self._touched.add(key)
        self._validate()

    def _validate(self, show_all: bool = False) -> bool:
        found = self.field_problems()
        shown = [m for f, m in found if show_all or f in self._touched]
        self.error.setText(" ".join(shown))
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not found and not self._pictures.busy)
        return not found

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "sku": self.sku.text().strip(),
            "barcode": self.barcode.text().strip() or None,
            "name": self.name.text().strip(),
            "category": self.category.currentText().strip() or None,
            "price": parse_price(self.price.text()),
            "low_stock_threshold": self.threshold.value(),
            "description": self.description.toPlainText().strip(),
            "active": self.active.isChecked(),
        }
        if self._image_change is not _UNCHANGED:
            out["image"] = self._image_change
        if self.product is None:
            out["stock"] = self.stock.value()
        return out

    def try_save(self) -> None:
        if not self._validate(show_all=True) or self._pictures.busy:
            return
        values = self.values()
        if self._runner is None:
            try:
                self._saved(self._save(values))
            except PosError as err:
                self._failed(err)
            return
        self.buttons.setEnabled(False)
        self._saving = True
        self.error.setText("Saving…")
        self._runner.write(lambda: self._save(values), self._saved, self._failed)

    def _saved(self, view: ProductView) -> None:
        self.buttons.setEnabled(True)
        self._saving = False
        self.error.setText("")
        self.saved = view
        self.accept()

    def reject(self) -> None:
        """Esc or the close button while a change is in flight: the change will land
        anyway, so the dialog stays until it has (then closes as saved or shows why not)."""
        if not self._saving:
            super().reject()

    def _failed(self, err: object) -> None:
        self.buttons.setEnabled(True)
        self._saving = False
        self.error.setText(err.message if isinstance(err, PosError) else str(err))

    # -- the picture -------------------------------------------------------------------
    def _browse(self) -> None:
        if self._pick_image is None:
            return
        chosen = self._pick_image()
        if chosen:
            self.load_image_file(chosen)

    def load_image_file(self, path: str) -> None:
        """Read the picture in `path` off the GUI thread; `pictureRead` tells how it went.
        Taken only if it is a regular file within the size cap that Qt can show."""
        self._pictures.read(path, self._picture_taken, self._picture_refused)
        self._validate()
        self.error.setText("Reading the picture…")

    def _picture_taken(self, data: bytes, image: QImage) -> None:
        self.error.setText("")
        self._image_change = data
        self._set_preview(
            image, f"new picture, {image.width()}x{image.height()}, {max(1, len(data) // 1024)} KB"
        )
        self._validate()
        self.pictureRead.emit(True)

    def _picture_refused(self, err: PosError) -> None:
        self._validate()
        self.error.setText(err.message)
        self.pictureRead.emit(False)

    def clear_image(self) -> None:
        self._image_change = None
        self._set_preview(QImage(), "no image")

    def show_stored_image(self, picture: QImage | bytes | None) -> None:
        """The product's stored picture, fetched (and best decoded) by the caller off the
        GUI thread (picture_reader.decoded)."""
        if self._image_change is not _UNCHANGED or not picture:
            return
        image = picture if isinstance(picture, QImage) else decoded(picture)
        if image is not None and not image.isNull():
            self._set_preview(image, f"stored picture, {image.width()}x{image.height()}")

    def _show_current_image(self, reference: str | None) -> None:
        if not reference:
            self._set_preview(QImage(), "no image")
        elif reference.startswith("sha256:"):
            self._set_preview(QImage(), "stored picture")  # bytes arrive by show_stored_image
        elif (path := bundled_path(reference)) is None:
            self._set_preview(QImage(), "not found")
        else:
            self._set_preview(QImage(), "bundled picture")
            self._preview_reader.read(
                path, self._bundled_shown, self._bundled_missing, inside=bundled_dir()
            )
        self.remove_image.setEnabled(bool(reference))

    def _bundled_shown(self, _data: bytes, image: QImage) -> None:
        if self._image_change is _UNCHANGED:
            self._set_preview(image, "bundled picture")

    def _bundled_missing(self, _err: PosError) -> None:
        if self._image_change is _UNCHANGED:
            self._set_preview(QImage(), "not found")

    def _set_preview(self, image: QImage, caption: str) -> None:
        self.image.setText(caption)
        self.remove_image.setEnabled(not image.isNull() or caption != "no image")
        if image.isNull():
            self.preview.setPixmap(QPixmap())
            self.preview.setText(caption if caption in ("no image", "not found") else "")
            return
        self.preview.setText("")
        self.preview.setPixmap(
            QPixmap.fromImage(
                image.scaled(
                    PREVIEW,
                    PREVIEW,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        )
