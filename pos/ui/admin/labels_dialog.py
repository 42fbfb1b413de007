"""File > Shelf labels...: pick products (or every product repriced since a date), choose
an A4 sheet layout and print the labels or save them as a PDF. The first sheet is shown
as it will print. Database reads run on the admin window's TaskRunner."""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPainter, QPixmap, QResizeEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pos.devices.labels.layouts import LAYOUTS, LabelLayout
from pos.errors import PosError
from pos.money import format_money
from pos.services.facade import Store
from pos.ui.admin.label_sheet import (
    MM_PER_INCH,
    LabelItem,
    pages_needed,
    paint_sheets,
    preview_image,
    save_pdf,
    setup_a4,
)
from pos.ui.dialogs import Dialogs
from pos.ui.plural import count_of
from pos.ui.receipt import documents_folder
from pos.ui.worker import TaskRunner
from pos.views import Actor, ProductView

PREVIEW_WIDTH = 420
SEARCH_LIMIT = 100
MAX_COPIES = 40


class LabelsDialog(QDialog):
    def __init__(
        self,
        store: Store,
        actor: Actor,
        runner: TaskRunner,
        dialogs: Dialogs,
        *,
        currency: str = "USD",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Shelf labels")
        self.store, self.actor, self.runner, self.dialogs = store, actor, runner, dialogs
        self.currency = currency
        self.chosen: dict[object, ProductView] = {}

        # -- which products -------------------------------------------------------------
        self.since = QDateEdit(QDate.currentDate().addDays(-7))
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.changed_button = QPushButton("Add all repriced since")
        self.changed_button.clicked.connect(self.add_repriced)
        since_row = QHBoxLayout()
        since_row.addWidget(self.since)
        since_row.addWidget(self.changed_button)
        since_row.addStretch(1)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search products by name, SKU or barcode")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.run_search)
        self.results = QListWidget()
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.results.itemDoubleClicked.connect(lambda _item: self.add_selected())
        add = QPushButton("Add selected \u2193")
        add.clicked.connect(self.add_selected)
        self.chosen_list = QListWidget()
        self.chosen_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        remove = QPushButton("Remove")
        remove.clicked.connect(self.remove_selected)
        clear = QPushButton("Clear")
        clear.clicked.connect(self.clear_chosen)
        chosen_buttons = QHBoxLayout()
        chosen_buttons.addWidget(remove)
        chosen_buttons.addWidget(clear)
        chosen_buttons.addStretch(1)
        pick_box = QGroupBox("Products")
        pick = QVBoxLayout(pick_box)
        pick.addWidget(QLabel("Prices changed since"))
        pick.addLayout(since_row)
        pick.addWidget(self.search)
        pick.addWidget(self.results, 1)
        pick.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        self.chosen_title = QLabel("Labels for: none yet")
        self.chosen_title.setTextFormat(Qt.TextFormat.PlainText)
        pick.addWidget(self.chosen_title)
        pick.addWidget(self.chosen_list, 1)
        pick.addLayout(chosen_buttons)

        # -- sheet and output -------------------------------------------------------------
        self.layout_box = QComboBox()
        for layout in LAYOUTS:
            self.layout_box.addItem(layout.name, layout.key)
        self.layout_box.currentIndexChanged.connect(self.refresh_preview)
        self.copies = QSpinBox()
        self.copies.setRange(1, MAX_COPIES)
        self.copies.valueChanged.connect(self.refresh_preview)
        form = QFormLayout()
        form.addRow("Sheet", self.layout_box)
        form.addRow("Labels per product", self.copies)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.preview.setMinimumSize(220, 300)
        self.summary = QLabel("")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setObjectName("muted")
        self.message = QLabel("")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.pdf_button = QPushButton("Save as PDF\u2026")
        self.pdf_button.clicked.connect(self.save_pdf)
        self.print_button = QPushButton("Print\u2026")
        self.print_button.clicked.connect(self.print_labels)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        out_buttons = QHBoxLayout()
        out_buttons.addWidget(self.pdf_button)
        out_buttons.addWidget(self.print_button)
        out_buttons.addStretch(1)
        out_buttons.addWidget(close)
        sheet_box = QGroupBox("Sheet")
        sheet_layout = QVBoxLayout(sheet_box)
        sheet_layout.addLayout(form)
        sheet_layout.addWidget(self.preview, 1)
        sheet_layout.addWidget(self.summary)
        sheet_layout.addWidget(self.message)
        sheet_layout.addLayout(out_buttons)

        columns = QHBoxLayout(self)
        columns.addWidget(pick_box, 1)
        columns.addWidget(sheet_box, 1)
        self.resize(960, 660)
        self.setMinimumSize(780, 520)
        self.refresh_preview()

    # -- choosing products ---------------------------------------------------------------
    @property
    def sheet(self) -> LabelLayout:
        return LAYOUTS[max(self.layout_box.currentIndex(), 0)]

    def _describe(self, product: ProductView) -> str:
        price = format_money(product.price, self.currency)
        return f"{product.name} \u00b7 {price} \u00b7 {product.sku}"

    def run_search(self) -> None:
        text, store, actor = self.search.text().strip(), self.store, self.actor
        self.runner.query(
            lambda: store.catalog.search(actor, text, limit=SEARCH_LIMIT),
            self._show_results,
            self._failed,
            key="labels-search",
        )

    def _show_results(self, products: list[ProductView]) -> None:
        self.results.clear()
        for product in products:
            item = QListWidgetItem(self._describe(product))  # items are plain text
            item.setData(Qt.ItemDataRole.UserRole, product)
            self.results.addItem(item)
        self._say(f"{len(products)} found." if products else "Nothing found.")

    def add_selected(self) -> None:
        picked = [i.data(Qt.ItemDataRole.UserRole) for i in self.results.selectedItems()]
        self.add_products(picked)

    def add_repriced(self) -> None:
        chosen = self.since.date()
        day = date(chosen.year(), chosen.month(), chosen.day())
        since = datetime.combine(day, time.min).astimezone()  # local midnight, aware
        store, actor = self.store, self.actor
        self.changed_button.setEnabled(False)

        def done(products: list[ProductView]) -> None:
            self.changed_button.setEnabled(True)
            self.add_products(products)
            self._say(f"{count_of(len(products), 'product')} repriced since {day:%Y-%m-%d}.")

        def failed(err: PosError) -> None:
            self.changed_button.setEnabled(True)
            self._failed(err)

        self.runner.query(lambda: store.labels.repriced_since(actor, since), done, failed)

    def add_products(self, products: list[ProductView]) -> None:
        for product in products:
            self.chosen[product.id] = product  # a newer view of it replaces the old
        self._show_chosen()

    def remove_selected(self) -> None:
        for item in self.chosen_list.selectedItems():
            self.chosen.pop(item.data(Qt.ItemDataRole.UserRole), None)
        self._show_chosen()

    def clear_chosen(self) -> None:
        self.chosen.clear()
        self._show_chosen()

    def _show_chosen(self) -> None:
        self.chosen_list.clear()
        ordered = sorted(self.chosen.values(), key=lambda p: (p.name.casefold(), str(p.id)))
        for product in ordered:
            item = QListWidgetItem(self._describe(product))
            item.setData(Qt.ItemDataRole.UserRole, product.id)
            self.chosen_list.addItem(item)
        self.chosen_title.setText(f"Labels for: {count_of(len(ordered), 'product')}")
        self.refresh_preview()

    # -- output -----------------------------------------------------------------------
    def items(self) -> list[LabelItem]:
        ordered = sorted(self.chosen.values(), key=lambda p: (p.name.casefold(), str(p.id)))
        return [
            LabelItem(p.name, p.price, p.sku, p.barcode, self.currency)
            for p in ordered
            for _copy in range(self.copies.value())
        ]

    def refresh_preview(self) -> None:
        items, sheet = self.items(), self.sheet
        image = preview_image(items, sheet, PREVIEW_WIDTH * 2)  # sharp on the screen
        self._preview_pixmap = QPixmap.fromImage(image)
        self._scale_preview()
        count = len(items)
        self.summary.setText(
            f"{count_of(count, 'label')} on {count_of(pages_needed(count, sheet), 'sheet')} "
            f"of {sheet.per_sheet}"
            if count
            else "Pick products on the left: the sheet shows here as it will print."
        )
        self.pdf_button.setEnabled(bool(count))
        self.print_button.setEnabled(bool(count))

    def _scale_preview(self) -> None:
        size = self.preview.size()
        self.preview.setPixmap(
            self._preview_pixmap.scaled(
                size,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._scale_preview()

    def save_pdf(self) -> str | None:
        items = self.items()
        if not items:
            return None
        suggested = documents_folder() / f"labels-{datetime.now():%Y%m%d-%H%M}.pdf"
        path = self.dialogs.save_file(self, "Save labels", str(suggested), "PDF files (*.pdf)")
        if not path:
            return None
        try:
            pages = save_pdf(items, self.sheet, path)
        except OSError as err:
            self._say(f"Not saved: {err}", error=True)
            return None
        self._say(f"Saved {count_of(len(items), 'label')}, {count_of(pages, 'page')}, to {path}")
        return path

    def print_labels(self) -> bool:
        items = self.items()
        if not items:
            return False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName("Shelf labels")
        printer.setFullPage(True)  # the sheet's own margins, measured from the paper edge
        setup_a4(printer)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print labels")
        if self.dialogs.exec(dialog) != QDialog.DialogCode.Accepted:
            return False
        painter = QPainter(printer)
        try:
            pages = paint_sheets(
                painter, items, self.sheet, printer.resolution() / MM_PER_INCH, new_page=printer
            )
        finally:
            painter.end()
        self._say(
            f"Sent {count_of(len(items), 'label')}, {count_of(pages, 'page')}, to the printer."
        )
        return True

    def _failed(self, err: PosError) -> None:
        self._say(err.message, error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;" if error else "")
