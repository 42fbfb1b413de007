"""The checkout dialog's last page: order number, change, receipt (print, preview, PDF)
and "New sale". Enter always means "New sale" here (the dialog routes it), so a clerk
who previewed the receipt is never sent back into the preview."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from pos.ui import receipt
from pos.ui.dialogs import Dialogs
from pos.ui.login_dialog import plain_label
from pos.ui.money_widgets import plain_button
from pos.ui.plural import count_of
from pos.ui.style import DANGER
from pos.views import OrderView

# The page's keys, for its shortcuts and the counter's shortcut help alike.
SALE_COMPLETE_KEYS: tuple[tuple[str, str], ...] = (
    ("Enter", "New sale"),
    ("Ctrl+P", "Print the receipt"),
    ("Ctrl+Shift+P", "Preview the receipt"),
    ("Ctrl+S", "Save the receipt as PDF"),
)


class SaleCompletePage(QWidget):
    newSaleRequested = Signal()
    reprintRequested = Signal()  # on the counter's receipt printer

    def __init__(
        self, dialogs: Dialogs, money: Callable[[Decimal], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._dialogs, self._money = dialogs, money
        self.order: OrderView | None = None
        self.order_label = plain_label("", "orderNumber")
        self.order_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.done_change = plain_label("", "bigAmount")
        self.done_summary = plain_label("", "muted")
        self.saved_label = plain_label("", "muted")
        self.saved_label.setWordWrap(True)
        self.saved_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.saved_label.hide()
        # The receipt printer's outcome (pos.ui.receipt_printing), with a reprint button.
        self.printer_label = plain_label("", "muted")
        self.printer_label.setWordWrap(True)
        self.printer_label.hide()
        self.reprint_button = plain_button(
            "Print &again on the receipt printer", "Send the receipt to the receipt printer again"
        )
        self.reprint_button.clicked.connect(self.reprintRequested)
        self.reprint_button.hide()
        self.print_button = plain_button("&Print\u2026  Ctrl+P", "Print the receipt (Ctrl+P)")
        self.print_button.clicked.connect(self.print_receipt)
        self.preview_button = plain_button("Pre&view", "Preview the receipt (Ctrl+Shift+P)")
        self.preview_button.clicked.connect(self.preview_receipt)
        self.pdf_button = plain_button(
            "Save as P&DF\u2026  Ctrl+S", "Save the receipt as a PDF file (Ctrl+S)"
        )
        self.pdf_button.clicked.connect(self.save_pdf)
        self.new_sale_button = plain_button(
            "New sale  \u21b5", "Close and start the next sale (Enter or Esc)"
        )
        self.new_sale_button.setObjectName("primary")
        self.new_sale_button.clicked.connect(self.newSaleRequested)

        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.preview_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        row.addWidget(self.new_sale_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(plain_label("\u2714 Sale complete \u2014 order number", "sectionTitle"))
        layout.addWidget(self.order_label)
        layout.addWidget(self.done_change)
        layout.addWidget(self.done_summary)
        layout.addWidget(self.saved_label)
        layout.addWidget(self.printer_label)
        layout.addWidget(self.reprint_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        layout.addLayout(row)
        slots = {
            "Ctrl+P": self.print_receipt,
            "Ctrl+Shift+P": self.preview_receipt,
            "Ctrl+S": self.save_pdf,
        }
        for keys, _what in SALE_COMPLETE_KEYS:  # bound from the table the help shows
            if keys in slots:
                QShortcut(QKeySequence(keys), self, slots[keys])

    def show_order(self, order: OrderView) -> None:
        self.order = order
        money = self._money
        self.order_label.setText(order.order_number)
        self.done_change.setText(
            f"Change due {money(order.change_due)}"
            if order.change_due
            else f"Paid {money(order.total)}"
        )
        self.done_summary.setText(
            f"{count_of(order.item_count, 'item')} \u00b7 total {money(order.total)}"
            + (f" \u00b7 {order.customer_name}" if order.customer_name else "")
        )
        self.new_sale_button.setFocus()

    def show_printer_status(self, message: str, ok: bool) -> None:
        self.printer_label.setText(message)
        self.printer_label.setStyleSheet("" if ok else f"color: {DANGER}; font-weight: bold;")
        self.printer_label.show()
        self.reprint_button.setVisible(not ok)

    def print_receipt(self) -> None:
        if self.order is not None:
            receipt.print_receipt(self.order, self)
            self.new_sale_button.setFocus()

    def preview_receipt(self) -> None:
        if self.order is not None:
            self._dialogs.exec(receipt.preview_dialog(self.order, self))
            self.new_sale_button.setFocus()  # Enter next means "New sale", not preview again

    def save_pdf(self) -> str | None:
        if self.order is None:
            return None
        suggested = receipt.default_pdf_path(self.order)
        path = self._dialogs.save_file(self, "Save receipt", str(suggested), "PDF files (*.pdf)")
        self.new_sale_button.setFocus()
        if not path:
            return None
        try:
            saved = receipt.save_pdf(self.order, path)
        except OSError as err:
            self._dialogs.error(self, "Receipt not saved", str(err))
            return None
        receipt.remember_pdf_folder(saved.parent)
        self.saved_label.setText(f"Saved to {saved}")
        self.saved_label.show()
        return path
