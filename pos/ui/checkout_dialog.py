"""Take payment for the open cart: cash (with change), card, or both; optional
customer and delivery. Confirming runs off the GUI thread and only once; the
service also returns the same order if the same cart is submitted twice."""

from __future__ import annotations

from decimal import ROUND_UP, Decimal, InvalidOperation

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos.errors import PosError
from pos.money import format_money
from pos.services.facade import Store
from pos.ui import receipt
from pos.ui.dialogs import Dialogs
from pos.ui.login_dialog import plain_label
from pos.ui.style import fix_minimum_size
from pos.ui.worker import TaskRunner
from pos.views import Actor, CartView, CustomerView, OrderView

CENT = Decimal("0.01")


def parse_amount(text: str) -> Decimal | None:
    """'50', '50.5', '$1,050.00' -> Decimal; '' -> 0; nonsense -> None."""
    cleaned = text.strip().replace(",", "").lstrip("$€£¥").strip()
    if not cleaned:
        return Decimal("0.00")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value != value.quantize(CENT):
        return None
    return value.quantize(CENT)


def quick_cash(total: Decimal) -> list[Decimal]:
    """Banknote amounts a customer is likely to hand over, above the total."""
    amounts: list[Decimal] = []
    for step in (Decimal(5), Decimal(10), Decimal(20), Decimal(50), Decimal(100)):
        amount = (total / step).to_integral_value(rounding=ROUND_UP) * step
        if amount > total and amount not in amounts:
            amounts.append(amount)
    return amounts[:3]


class CheckoutDialog(QDialog):
    completed = Signal(object)  # OrderView
    cartChanged = Signal(object)  # CartView (delivery toggled)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        cart: CartView,
        runner: TaskRunner,
        dialogs: Dialogs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store, self._actor, self.cart = store, actor, cart
        self._runner, self._dialogs = runner, dialogs
        self._currency = cart.currency
        self._submitting = False
        self.order: OrderView | None = None
        self.customer: CustomerView | None = None
        self.setWindowTitle("Checkout")
        self.setMinimumWidth(560)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_payment_page())
        self.pages.addWidget(self._build_done_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.pages)

        self._customer_timer = QTimer(self, singleShot=True, interval=250)
        self._customer_timer.timeout.connect(self._search_customers)
        self._show_totals()
        fix_minimum_size(self, extra_height=140)  # customer matches and an error line
        self.cash.setText(f"{cart.total:.2f}")
        self.cash.selectAll()
        self.cash.setFocus()

    # -- payment page -----------------------------------------------------------------
    def _build_payment_page(self) -> QWidget:
        page = QWidget()
        self.due_label = plain_label("", "bigAmount")
        self.breakdown = plain_label("", "muted")
        self.cash = QLineEdit()
        self.cash.setAccessibleName("Cash tendered")
        self.cash.setPlaceholderText("0.00")
        self.card = QLineEdit()
        self.card.setAccessibleName("Card amount")
        self.card.setPlaceholderText("0.00")
        for field in (self.cash, self.card):
            field.setAlignment(Qt.AlignmentFlag.AlignRight)
            field.textChanged.connect(self._update_change)
            field.returnPressed.connect(self.confirm)
        self.exact_button = QPushButton("E&xact cash  F5")
        self.exact_button.setToolTip("Cash, exact amount (F5)")
        self.exact_button.clicked.connect(self.pay_exact_cash)
        self.card_button = QPushButton("All on c&ard  F6")
        self.card_button.setToolTip("Charge the whole total to the card (F6)")
        self.card_button.clicked.connect(self.pay_by_card)
        self.quick_row = QHBoxLayout()
        self.quick_row.setSpacing(6)
        self.change_label = plain_label("", "changeAmount")

        self.delivery = QCheckBox("&Delivery (adds shipping)")
        self.delivery.setToolTip("Ship this sale to the customer (Ctrl+D)")
        self.delivery.setChecked(self.cart.delivery)
        self.delivery.toggled.connect(self.set_delivery)
        self.customer_search = QLineEdit()
        self.customer_search.setPlaceholderText("Search name, phone or e-mail (optional)")
        self.customer_search.setAccessibleName("Customer search")
        self.customer_search.textChanged.connect(lambda _t: self._customer_timer.start())
        self.customer_list = QListWidget()
        self.customer_list.setMaximumHeight(90)
        self.customer_list.itemSelectionChanged.connect(self._customer_picked)
        self.customer_list.hide()
        self.customer_label = plain_label("Walk-in customer", "muted")

        self.error = plain_label("", "formError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.confirm_button = QPushButton("Confirm payment  \u21b5")
        self.confirm_button.setObjectName("primary")
        self.confirm_button.setToolTip("Take the payment and finish the sale (Enter)")
        self.confirm_button.setDefault(True)
        self.confirm_button.clicked.connect(self.confirm)
        cancel = QPushButton("Back  Esc")
        cancel.setToolTip("Back to the sale (Esc)")
        cancel.clicked.connect(self.reject)

        panel = QFrame(objectName="panel")
        grid = QGridLayout(panel)
        grid.setContentsMargins(18, 14, 18, 14)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(10)
        grid.addWidget(plain_label("&Cash tendered"), 0, 0)
        grid.addWidget(self.cash, 0, 1)
        grid.addWidget(self.exact_button, 0, 2)
        grid.addLayout(self.quick_row, 1, 1, 1, 2)
        grid.addWidget(plain_label("Ca&rd"), 2, 0)
        grid.addWidget(self.card, 2, 1)
        grid.addWidget(self.card_button, 2, 2)
        grid.addWidget(plain_label("Change due"), 3, 0)
        grid.addWidget(self.change_label, 3, 1, 1, 2)
        for label_row, buddy in ((0, self.cash), (2, self.card)):
            grid.itemAtPosition(label_row, 0).widget().setBuddy(buddy)  # type: ignore[attr-defined]

        extra = QFormLayout()
        extra.setSpacing(8)
        extra.addRow("C&ustomer", self.customer_search)
        extra.addRow("", self.customer_list)
        extra.addRow("", self.customer_label)
        extra.addRow("", self.delivery)

        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(plain_label("Total due", "muted"))
        layout.addWidget(self.due_label)
        layout.addWidget(self.breakdown)
        layout.addWidget(panel)
        layout.addLayout(extra)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("F5"), page, self.pay_exact_cash)
        QShortcut(QKeySequence("F6"), page, self.pay_by_card)
        QShortcut(QKeySequence("Ctrl+D"), page, self.delivery.toggle)
        return page

    def _show_totals(self) -> None:
        c, money = self.cart, self._money
        self.due_label.setText(money(c.total))
        parts = [f"{c.item_count} item(s)", f"subtotal {money(c.subtotal)}", f"tax {money(c.tax)}"]
        if c.delivery:
            parts.append(f"shipping {money(c.shipping)}")
        self.breakdown.setText(" \u00b7 ".join(parts))
        while self.quick_row.count():
            item = self.quick_row.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for amount in quick_cash(c.total):
            button = QPushButton(money(amount))
            button.setToolTip(f"Customer hands over {money(amount)}")
            button.clicked.connect(lambda _c=False, a=amount: self._cash_given(a))
            self.quick_row.addWidget(button)
        self.quick_row.addStretch(1)
        self._update_change()

    def _money(self, amount: Decimal) -> str:
        return format_money(amount, self._currency)

    def _cash_given(self, amount: Decimal) -> None:
        self.card.clear()
        self.cash.setText(f"{amount:.2f}")
        self.confirm_button.setFocus()

    def pay_exact_cash(self) -> None:
        self._cash_given(self.cart.total)

    def pay_by_card(self) -> None:
        self.cash.clear()
        self.card.setText(f"{self.cart.total:.2f}")
        self.confirm_button.setFocus()

    def payments(self) -> list[tuple[str, Decimal]] | None:
        cash, card = parse_amount(self.cash.text()), parse_amount(self.card.text())
        if cash is None or card is None:
            return None
        return [(m, a) for m, a in (("cash", cash), ("card", card)) if a > 0]

    def _update_change(self) -> None:
        payments = self.payments()
        if payments is None:
            self.change_label.setText("Enter amounts like 20 or 12.50")
            short = True
        else:
            difference = sum((a for _, a in payments), Decimal("0.00")) - self.cart.total
            short = difference < 0
            self.change_label.setText(
                f"Short by {self._money(-difference)}" if short else self._money(difference)
            )
        self.change_label.setProperty("short", short)
        self.change_label.style().unpolish(self.change_label)
        self.change_label.style().polish(self.change_label)
        self.confirm_button.setEnabled(not short and not self._submitting)

    def set_delivery(self, delivery: bool) -> None:
        try:
            self.cart = self._store.cart.set_delivery(self._actor, delivery)
        except PosError as err:
            self._show_error(err.message)
            return
        self.cartChanged.emit(self.cart)
        cash_was_total = parse_amount(self.cash.text()) is not None and not self.card.text()
        self._show_totals()
        if cash_was_total and parse_amount(self.cash.text()) != self.cart.total:
            self.cash.setText(f"{max(parse_amount(self.cash.text()) or 0, self.cart.total):.2f}")

    # -- customer -------------------------------------------------------------------
    def _search_customers(self) -> None:
        text = self.customer_search.text().strip()
        self.customer_list.clear()
        if not text:
            self.customer_list.hide()
            self._set_customer(None)
            return
        try:
            found = self._store.customers.search(self._actor, text, limit=20)
        except PosError as err:
            self._show_error(err.message)
            return
        for customer in found:
            details = " \u00b7 ".join(x for x in (customer.phone, customer.email) if x)
            item = QListWidgetItem(f"{customer.name}  {details}".strip())
            item.setData(Qt.ItemDataRole.UserRole, customer)
            self.customer_list.addItem(item)
        self.customer_list.setVisible(bool(found))
        if not found:
            self.customer_label.setText("No registered customer matches.")

    def _customer_picked(self) -> None:
        items = self.customer_list.selectedItems()
        self._set_customer(items[0].data(Qt.ItemDataRole.UserRole) if items else None)

    def _set_customer(self, customer: CustomerView | None) -> None:
        self.customer = customer
        self.customer_label.setText(
            f"Customer: {customer.name}" if customer else "Walk-in customer"
        )

    # -- confirm ------------------------------------------------------------------------
    def confirm(self) -> None:
        if self._submitting or self.order is not None:
            return  # one sale per dialog, however often Enter is pressed
        payments = self.payments()
        if payments is None:
            self._show_error("Amounts must be numbers with at most two decimals.")
            return
        if not payments:
            self._show_error("Enter the cash tendered or the card amount.")
            return
        self._submitting = True
        self.confirm_button.setEnabled(False)
        self.confirm_button.setText("Processing\u2026")
        self.error.hide()
        store, actor, cart_id = self._store, self._actor, self.cart.cart_id
        customer_id = self.customer.id if self.customer else None
        delivery = self.delivery.isChecked()
        self._runner.submit(
            lambda: store.checkout.complete(
                actor, payments, customer_id=customer_id, delivery=delivery, cart_id=cart_id
            ),
            self._done,
            self._failed,
        )

    @property
    def submitting(self) -> bool:
        return self._submitting

    def _failed(self, err: object) -> None:
        self._submitting = False
        self.confirm_button.setText("Confirm payment  \u21b5")
        self._show_error(err.message if isinstance(err, PosError) else str(err))
        self._update_change()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _done(self, order: OrderView) -> None:
        self._submitting = False
        self.order = order
        self.order_label.setText(order.order_number)
        self.done_change.setText(
            f"Change due {self._money(order.change_due)}"
            if order.change_due
            else f"Paid {self._money(order.total)}"
        )
        self.done_summary.setText(
            f"{order.item_count} item(s) \u00b7 total {self._money(order.total)}"
            + (f" \u00b7 {order.customer_name}" if order.customer_name else "")
        )
        self.pages.setCurrentIndex(1)
        self.setWindowTitle(f"Sale complete \u2014 {order.order_number}")
        self.new_sale_button.setFocus()
        self.completed.emit(order)

    # -- done page ---------------------------------------------------------------------
    def _build_done_page(self) -> QWidget:
        page = QWidget()
        self.order_label = plain_label("", "orderNumber")
        self.order_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.done_change = plain_label("", "bigAmount")
        self.done_summary = plain_label("", "muted")
        self.print_button = QPushButton("&Print\u2026  Ctrl+P")
        self.print_button.setToolTip("Print the receipt (Ctrl+P)")
        self.print_button.clicked.connect(self.print_receipt)
        self.preview_button = QPushButton("Pre&view")
        self.preview_button.setToolTip("Preview the receipt (Ctrl+Shift+P)")
        self.preview_button.clicked.connect(self.preview_receipt)
        self.pdf_button = QPushButton("Save as P&DF\u2026  Ctrl+S")
        self.pdf_button.setToolTip("Save the receipt as a PDF file (Ctrl+S)")
        self.pdf_button.clicked.connect(self.save_pdf)
        self.new_sale_button = QPushButton("New sale  \u21b5")
        self.new_sale_button.setObjectName("primary")
        self.new_sale_button.setToolTip("Close and start the next sale (Enter or Esc)")
        self.new_sale_button.clicked.connect(self.accept)

        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.preview_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        row.addWidget(self.new_sale_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(plain_label("\u2714 Sale complete \u2014 order number", "sectionTitle"))
        layout.addWidget(self.order_label)
        layout.addWidget(self.done_change)
        layout.addWidget(self.done_summary)
        layout.addStretch(1)
        layout.addLayout(row)
        QShortcut(QKeySequence("Ctrl+P"), page, self.print_receipt)
        QShortcut(QKeySequence("Ctrl+Shift+P"), page, self.preview_receipt)
        QShortcut(QKeySequence("Ctrl+S"), page, self.save_pdf)
        return page

    def print_receipt(self) -> None:
        if self.order is not None:
            receipt.print_receipt(self.order, self)

    def preview_receipt(self) -> None:
        if self.order is not None:
            self._dialogs.exec(receipt.preview_dialog(self.order, self))

    def save_pdf(self) -> str | None:
        if self.order is None:
            return None
        path = self._dialogs.save_file(
            self, "Save receipt", f"receipt-{self.order.order_number}.pdf", "PDF files (*.pdf)"
        )
        if not path:
            return None
        try:
            receipt.save_pdf(self.order, path)
        except OSError as err:
            self._dialogs.error(self, "Receipt not saved", str(err))
            return None
        return path

    def reject(self) -> None:
        if self._submitting:
            return  # the payment is being recorded: wait for the answer
        if self.order is not None:
            self.accept()
            return
        super().reject()
