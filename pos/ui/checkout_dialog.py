"""Take payment for the open cart: cash (with change), card, or both; optional
customer and delivery. Confirming runs off the GUI thread and only once; the
service also returns the same order if the same cart is submitted twice.

Money entry that cannot go wrong:
- the amounts are checked on every keystroke (payment_check.py): Confirm is enabled only
  for a payment that covers the total, with a card never charged more than the cash
  leaves to pay; the change (only ever out of the cash) is shown large before confirming;
- nothing ever rewrites what the clerk typed; only "Exact cash" (F5), "All/Rest on card"
  (F6) and the banknote buttons fill a field, each by its own key or click;
- no button is a Qt default: Enter in an amount field asks `confirm()`, which refuses a
  short payment and leaves the fields as they were;
- cash far above the total (a store setting) is asked about before it is recorded.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
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
from pos.ui.dialogs import Dialogs
from pos.ui.login_dialog import plain_label
from pos.ui.money_widgets import (
    disarm_default_buttons,
    keep_place_when_hidden,
    mark_error,
    money_field,
    plain_button,
)
from pos.ui.payment_check import (
    FALLBACK_CONFIRM_OVER,
    PaymentCheck,
    check_payment,
    parse_amount,
    quick_cash,
)
from pos.ui.plural import count_of
from pos.ui.sale_complete_page import SaleCompletePage
from pos.ui.shipping_words import shipping_amount, shipping_rule
from pos.ui.style import fix_minimum_size
from pos.ui.worker import TaskRunner
from pos.views import Actor, CartView, CustomerView, OrderView, StoreSettingsView

QUICK_CASH_BUTTONS = 3
LONG_AMOUNT_CHARS = 14  # "$1,000,000.00" and shorter at full size
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


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
        self._delivery_pending = False
        self._error_is_live = False  # the error shown is the amounts' live check
        self.settings: StoreSettingsView | None = None
        self.order: OrderView | None = None
        self.customer: CustomerView | None = None
        self.setWindowTitle("Checkout")
        self.setMinimumWidth(560)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_payment_page())
        self.done_page = SaleCompletePage(dialogs, self._money)
        self.done_page.newSaleRequested.connect(self.accept)
        self.pages.addWidget(self.done_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.pages)
        disarm_default_buttons(self)

        self._customer_timer = QTimer(self, singleShot=True, interval=250)
        self._customer_timer.timeout.connect(self._search_customers)
        self._show_totals()
        self.change_label.ensurePolished()  # its height at full size, kept for long amounts
        self.change_label.setMinimumHeight(self.change_label.sizeHint().height())
        fix_minimum_size(self, extra_height=140)  # customer matches and an error line
        self.cash.setFocus()
        self._load_settings()

    # -- payment page -----------------------------------------------------------------
    def _build_payment_page(self) -> QWidget:
        page = QWidget()
        self.due_label = plain_label("", "bigAmount")
        self.breakdown = plain_label("", "muted")
        self.breakdown.setWordWrap(True)
        self.cash = money_field("Cash tendered")
        self.card = money_field("Card amount")
        for field in (self.cash, self.card):
            field.textChanged.connect(self._amounts_edited)
            field.returnPressed.connect(self.confirm)
        self.exact_button = plain_button("E&xact cash  F5", "Cash, exact amount (F5)")
        self.exact_button.clicked.connect(self.pay_exact_cash)
        self.card_button = plain_button("Rest on c&ard  F6")
        self.card_button.clicked.connect(self.pay_by_card)
        side = max(self.card_button.sizeHint().width(), self.exact_button.sizeHint().width())
        for button in (self.exact_button, self.card_button):
            button.setMinimumWidth(side)  # the label changes; the fields must not move
        self.quick_buttons: list[QPushButton] = []
        quick_row = QHBoxLayout()
        quick_row.setSpacing(6)
        for _ in range(QUICK_CASH_BUTTONS):
            button = plain_button("")
            keep_place_when_hidden(button)
            button.clicked.connect(lambda _c=False, b=button: self._quick_cash(b))
            self.quick_buttons.append(button)
            quick_row.addWidget(button)
        quick_row.addStretch(1)

        self.change_caption = plain_label("Change due", "muted")
        self.change_label = plain_label("", "changeDue")
        self.change_label.setAccessibleName("Change due")
        self.large_cash_note = plain_label("", "warningNote")
        self.large_cash_note.setWordWrap(True)
        keep_place_when_hidden(self.large_cash_note)  # fields never move under the cursor
        self.large_cash_note.hide()

        self.delivery = QCheckBox("&Delivery  Ctrl+D")
        self.delivery.setToolTip("Ship this sale to the customer (Ctrl+D)")
        self.delivery.setChecked(self.cart.delivery)
        self.delivery.toggled.connect(self.set_delivery)
        self.shipping_note = plain_label("", "muted")
        self.customer_search = QLineEdit()
        self.customer_search.setAccessibleName("Customer search")
        self.customer_search.setMaxLength(120)
        self.customer_search.setPlaceholderText("Search name, phone or e-mail (optional)")
        self.customer_search.textChanged.connect(lambda _t: self._customer_timer.start())
        self.customer_list = QListWidget()
        self.customer_list.setMaximumHeight(90)
        self.customer_list.itemSelectionChanged.connect(self._customer_picked)
        self.customer_list.hide()
        self.customer_label = plain_label("Walk-in customer", "muted")

        self.error = plain_label("", "formError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.confirm_button = plain_button(
            "Confirm payment  \u21b5", "Take the payment and finish the sale (Enter)"
        )
        self.confirm_button.setObjectName("primary")
        self.confirm_button.clicked.connect(self.confirm)
        cancel = plain_button("Back  Esc", "Back to the sale (Esc)")
        cancel.clicked.connect(self.reject)

        panel = QFrame()
        panel.setObjectName("panel")
        grid = QGridLayout(panel)
        grid.setContentsMargins(18, 14, 18, 14)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(10)
        cash_caption, card_caption = plain_label("&Cash tendered"), plain_label("Ca&rd")
        cash_caption.setBuddy(self.cash)
        card_caption.setBuddy(self.card)
        grid.addWidget(cash_caption, 0, 0)
        grid.addWidget(self.cash, 0, 1)
        grid.addWidget(self.exact_button, 0, 2)
        grid.addLayout(quick_row, 1, 1, 1, 2)
        grid.addWidget(card_caption, 2, 0)
        grid.addWidget(self.card, 2, 1)
        grid.addWidget(self.card_button, 2, 2)
        grid.addWidget(self.change_caption, 3, 0, Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.change_label, 3, 1, 1, 2)
        grid.addWidget(self.large_cash_note, 4, 1, 1, 2)
        grid.setColumnStretch(1, 1)

        delivery_row = QHBoxLayout()
        delivery_row.addWidget(self.delivery)
        delivery_row.addWidget(self.shipping_note, 1)
        extra = QFormLayout()
        extra.setSpacing(8)
        extra.addRow("C&ustomer", self.customer_search)
        extra.addRow("", self.customer_list)
        extra.addRow("", self.customer_label)
        extra.addRow("", delivery_row)
        customer_caption = extra.labelForField(self.customer_search)
        if isinstance(customer_caption, QLabel):
            customer_caption.setTextFormat(Qt.TextFormat.PlainText)

        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
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

    def _money(self, amount: Decimal) -> str:
        return format_money(amount, self._currency)

    def _show_totals(self) -> None:
        c, money = self.cart, self._money
        self.due_label.setText(money(c.total))
        parts = [
            count_of(c.item_count, "item"),
            f"subtotal {money(c.subtotal)}",
            f"tax {money(c.tax)}",
        ]
        if c.delivery:
            parts.append(f"shipping {shipping_amount(c, self.settings, money)}")
        self.breakdown.setText(" \u00b7 ".join(parts))
        if self.settings is not None:
            self.shipping_note.setText(shipping_rule(self.settings, money))
        self._update_change()

    # -- settings (off the GUI thread) -------------------------------------------------
    def _load_settings(self) -> None:
        store, actor = self._store, self._actor
        self._runner.query(lambda: store.settings.get(actor), self._settings_loaded, None)

    def _settings_loaded(self, settings: StoreSettingsView) -> None:
        self.settings = settings
        self._show_totals()

    @property
    def confirm_over(self) -> Decimal:
        s = self.settings
        return s.cash_confirm_over_total if s is not None else FALLBACK_CONFIRM_OVER

    # -- amounts --------------------------------------------------------------------
    def check(self) -> PaymentCheck:
        return check_payment(
            self.cart.total, self.cash.text(), self.card.text(), self.confirm_over, self._money
        )

    def _quick_cash(self, button: QPushButton) -> None:
        amount = button.property("amount")
        if isinstance(amount, str):
            self._set_cash(Decimal(amount))

    def _set_cash(self, amount: Decimal) -> None:
        self.cash.setText(f"{amount:.2f}")
        self.confirm_button.setFocus()

    def pay_exact_cash(self) -> None:
        """Cash for exactly what the card (if any) leaves to pay; the card stays as typed
        (an unreadable or too large card amount keeps its error until it is fixed)."""
        if self.pages.currentIndex() != 0 or self._submitting:
            return
        card = parse_amount(self.card.text())
        usable = card if card is not None and card <= self.cart.total else Decimal("0.00")
        self._set_cash(self.cart.total - usable)

    def pay_by_card(self) -> None:
        """The card takes what the cash leaves to pay: all of it when no cash was typed."""
        if self.pages.currentIndex() != 0 or self._submitting:
            return
        check = self.check()
        if check.cash is None or check.card_room == 0:
            self.cash.setFocus()
            return
        self.card.setText(f"{check.card_room:.2f}")
        self.confirm_button.setFocus()

    def _amounts_edited(self) -> None:
        """The clerk changed an amount: an earlier refusal no longer applies."""
        if not self._submitting:
            self._hide_error()
        self._update_change()

    def _update_change(self) -> None:
        check = self.check()
        money = self._money
        if check.problem:
            self.change_caption.setText("Change due")
            self.change_label.setText("\u2014")
            state = "problem"
        elif not check.entered:
            self.change_caption.setText("To pay")
            self.change_label.setText(money(self.cart.total))
            state = "empty"
        elif check.short:
            self.change_caption.setText("Still to pay")
            self.change_label.setText(money(check.short))
            state = "short"
        else:
            self.change_caption.setText("Change due")
            self.change_label.setText(money(check.change))
            state = "ok"
        self.change_label.setProperty("state", state)
        # a fortune (a scan in the cash field) must still fit, if smaller
        self.change_label.setProperty("long", len(self.change_label.text()) > LONG_AMOUNT_CHARS)
        self.change_label.style().unpolish(self.change_label)
        self.change_label.style().polish(self.change_label)
        self.large_cash_note.setText(
            f"More than {money(self.confirm_over)} above the total: "
            "you will be asked to confirm the cash."
        )
        self.large_cash_note.setVisible(check.large_cash)
        self._show_check_error(check)
        for name, field in (("cash", self.cash), ("card", self.card)):
            mark_error(field, check.problem_field == name)
        self._update_quick_buttons(check)
        self.card_button.setText("Rest on c&ard  F6" if check.cash else "All on c&ard  F6")
        room = check.card_room if check.cash is not None else Decimal("0.00")
        self.card_button.setEnabled(room > 0 and check.card != room)
        self.card_button.setToolTip(
            f"Charge {money(room)} to the card (F6)" if room else "The cash covers the total."
        )
        self.confirm_button.setEnabled(
            check.can_confirm and not self._submitting and not self._delivery_pending
        )

    def _show_check_error(self, check: PaymentCheck) -> None:
        """Live: a mistake in the amounts shows at once and goes when it is fixed."""
        if check.problem:
            self._show_error(check.problem)
            self._error_is_live = True
        elif self._error_is_live:
            self._hide_error()

    def _update_quick_buttons(self, check: PaymentCheck) -> None:
        due = check.cash_due if check.card is not None else self.cart.total
        amounts = quick_cash(due)
        for i, button in enumerate(self.quick_buttons):
            if i < len(amounts):
                button.setText(self._money(amounts[i]))
                button.setToolTip(f"Customer hands over {self._money(amounts[i])} in cash")
                button.setProperty("amount", str(amounts[i]))
                button.show()
            else:
                button.setProperty("amount", None)
                button.hide()

    # -- delivery (off the GUI thread) -------------------------------------------------
    def set_delivery(self, delivery: bool) -> None:
        if self._submitting or self.pages.currentIndex() != 0:
            return
        self._delivery_pending = True
        self.delivery.setEnabled(False)
        self._update_change()
        store, actor = self._store, self._actor
        # A write of this counter: it runs after the cart changes already queued (and the
        # counter's later reads run after it), so no stale cart ever lands on screen.
        self._runner.write(
            lambda: store.cart.set_delivery(actor, delivery),
            self._delivery_set,
            self._delivery_failed,
        )

    def _delivery_set(self, cart: CartView) -> None:
        self._delivery_pending = False
        self.delivery.setEnabled(True)
        self.cart = cart
        self.cartChanged.emit(cart)
        self._show_totals()  # the typed amounts stay; "still to pay" follows the new total

    def _delivery_failed(self, err: object) -> None:
        self._delivery_pending = False
        self.delivery.setEnabled(True)
        self.delivery.blockSignals(True)
        self.delivery.setChecked(self.cart.delivery)
        self.delivery.blockSignals(False)
        self._update_change()
        self._show_error(err.message if isinstance(err, PosError) else str(err))

    @property
    def delivery_pending(self) -> bool:
        return self._delivery_pending

    # -- customer -------------------------------------------------------------------
    def _search_customers(self) -> None:
        text = self.customer_search.text().strip()
        if not text:
            self.customer_list.clear()
            self.customer_list.hide()
            self._set_customer(None)
            return
        store, actor = self._store, self._actor
        self._runner.query(
            lambda: store.customers.search(actor, text, limit=20),
            self._customers_found,
            lambda err: self._show_error(err.message if isinstance(err, PosError) else str(err)),
            key="checkout-customers",
        )

    def _customers_found(self, found: list[CustomerView]) -> None:
        self.customer_list.clear()
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

    # -- Enter -------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Enter is decided here, never by a Qt default button: on the payment page it
        confirms only from an amount field or the Confirm button (and `confirm()` checks
        the amounts); on the "Sale complete" page it always means "New sale"."""
        if event.key() in ENTER_KEYS and event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            if self.pages.currentIndex() == 1:
                self.accept()
            elif self.focusWidget() is self.confirm_button:
                self.confirm()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- confirm ------------------------------------------------------------------------
    def confirm(self) -> None:
        if self._submitting or self.order is not None:
            return  # one sale per dialog, however often Enter is pressed
        if self._delivery_pending:
            self._show_error("Wait a moment: the shipping is being updated.")
            return
        check = self.check()
        refusal = check.refusal()
        if refusal:
            self._show_error(refusal)  # the amounts stay exactly as typed
            return
        if check.large_cash and not self._confirm_large_cash(check):
            self._show_error("Check the cash tendered: nothing was recorded.")
            self.cash.setFocus()
            self.cash.selectAll()
            return
        self._submitting = True
        self.confirm_button.setEnabled(False)
        self.confirm_button.setText("Processing\u2026")
        self._hide_error()
        store, actor, cart_id = self._store, self._actor, self.cart.cart_id
        payments = check.payments
        customer_id = self.customer.id if self.customer else None
        delivery = self.delivery.isChecked()
        self._runner.write(  # ordered after the counter's queued cart changes
            lambda: store.checkout.complete(
                actor, payments, customer_id=customer_id, delivery=delivery, cart_id=cart_id
            ),
            self._done,
            self._failed,
        )

    def _confirm_large_cash(self, check: PaymentCheck) -> bool:
        money = self._money
        return self._dialogs.confirm(
            self,
            "Large cash amount",
            f"Cash tendered: {money(check.cash or Decimal(0))}\n"
            f"Total due: {money(self.cart.total)}\n"
            f"Change due: {money(check.change)}\n\n"
            f"That is more than {money(self.confirm_over)} above the total. "
            "Did the customer really hand over this much?",
        )

    @property
    def submitting(self) -> bool:
        return self._submitting

    def _failed(self, err: object) -> None:
        self._submitting = False
        self.confirm_button.setText("Confirm payment  \u21b5")
        self._update_change()
        self._show_error(err.message if isinstance(err, PosError) else str(err))

    def _show_error(self, message: str) -> None:
        self._error_is_live = False
        self.error.setText(message)
        self.error.show()

    def _hide_error(self) -> None:
        self._error_is_live = False
        self.error.hide()
        self.error.clear()

    def _done(self, order: OrderView) -> None:
        self._submitting = False
        self.order = order
        self.done_page.show_order(order)
        self.pages.setCurrentIndex(1)
        self.setWindowTitle(f"Sale complete \u2014 {order.order_number}")
        self.done_page.new_sale_button.setFocus()
        self.completed.emit(order)

    # -- the done page's parts, under the names callers know ---------------------------
    @property
    def order_label(self) -> QLabel:
        return self.done_page.order_label

    @property
    def new_sale_button(self) -> QPushButton:
        return self.done_page.new_sale_button

    def save_pdf(self) -> str | None:
        return self.done_page.save_pdf()

    def preview_receipt(self) -> None:
        self.done_page.preview_receipt()

    def print_receipt(self) -> None:
        self.done_page.print_receipt()

    def reject(self) -> None:
        if self._submitting:
            return  # the payment is being recorded: wait for the answer
        if self.order is not None:
            self.accept()
            return
        super().reject()
