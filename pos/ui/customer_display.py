"""The customer display: a second window, full screen on the monitor facing the customer.

It follows the counter window live: every cart the counter shows (cartApplied) appears
here at once, the line just scanned on top; after payment it shows the total, what was
paid and the change due, then falls back to an idle screen with the store's name. All
text is plain (product and store names are user text). It has no keys of its own and never
takes the focus from the counter.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication, QScreen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos.money import format_money
from pos.ui.style import ACCENT_DARK
from pos.views import CartLineView, CartView, OrderView

log = logging.getLogger("pos.ui.customer_display")

THANK_YOU_MS = 20_000  # how long "Thank you / change" stays before the idle screen
WELCOME = "Welcome"

STYLE = f"""
QWidget#customerDisplay {{ background: #0f1722; }}
QWidget#customerDisplay QLabel {{ color: #e8edf3; }}
QWidget#customerDisplay QLabel#cdStore {{ font-size: 20pt; font-weight: bold; }}
QWidget#customerDisplay QLabel#cdIdleStore {{ font-size: 48pt; font-weight: bold; }}
QWidget#customerDisplay QLabel#cdIdleText {{ font-size: 24pt; color: #9fb3c8; }}
QWidget#customerDisplay QLabel#cdLast {{ font-size: 22pt; font-weight: bold; color: #ffffff; }}
QWidget#customerDisplay QLabel#cdLastPrice {{ font-size: 22pt; font-weight: bold; color: #7fb2ff; }}
QWidget#customerDisplay QLabel#cdLabel {{ font-size: 18pt; color: #9fb3c8; }}
QWidget#customerDisplay QLabel#cdValue {{ font-size: 18pt; }}
QWidget#customerDisplay QLabel#cdTotal {{ font-size: 40pt; font-weight: bold; color: #ffffff; }}
QWidget#customerDisplay QLabel#cdChange {{ font-size: 40pt; font-weight: bold; color: #5fd37a; }}
QWidget#customerDisplay QLabel#cdThanks {{ font-size: 32pt; font-weight: bold; }}
QTableWidget#cdLines {{
    background: #172232; color: #e8edf3; font-size: 16pt; border: none;
    gridline-color: #22324a; alternate-background-color: #1b2839;
}}
QTableWidget#cdLines::item {{ padding: 0 10px; }}
QTableWidget#cdLines::item:selected {{ background: {ACCENT_DARK}; color: white; }}
QTableWidget#cdLines QScrollBar:vertical {{ background: #172232; width: 12px; margin: 0; }}
QTableWidget#cdLines QScrollBar::handle:vertical {{
    background: #3a4d68; border-radius: 5px; min-height: 32px;
}}
QTableWidget#cdLines QScrollBar::add-line, QTableWidget#cdLines QScrollBar::sub-line {{
    height: 0; border: none;
}}
"""


def _label(name: str, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # names are user text
    label.setObjectName(name)
    label.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    return label


class CustomerDisplay(QWidget):
    IDLE, SALE = 0, 1

    def __init__(self, store_name: str = "", currency: str = "USD") -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("customerDisplay")
        self.setWindowTitle("Customer display")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setStyleSheet(STYLE)
        self.currency = currency
        self._last_lines: dict[object, int] = {}
        self.order: OrderView | None = None

        self.pages = QStackedWidget()
        # idle
        idle = QWidget()
        self.idle_store = _label("cdIdleStore", Qt.AlignmentFlag.AlignHCenter)
        self.idle_store.setWordWrap(True)
        self.idle_text = _label("cdIdleText", Qt.AlignmentFlag.AlignHCenter)
        self.idle_text.setText(WELCOME)
        idle_layout = QVBoxLayout(idle)
        idle_layout.addStretch(1)
        idle_layout.addWidget(self.idle_store)
        idle_layout.addWidget(self.idle_text)
        idle_layout.addStretch(1)
        self.pages.addWidget(idle)
        # sale
        sale = QWidget()
        self.store_label = _label("cdStore")
        self.last_name = _label("cdLast")
        self.last_price = _label("cdLastPrice", Qt.AlignmentFlag.AlignRight)
        self.last_row = last_row = QFrame()
        last_layout = QGridLayout(last_row)
        last_layout.setContentsMargins(0, 0, 0, 0)
        last_layout.addWidget(self.last_name, 0, 0)
        last_layout.addWidget(self.last_price, 0, 1)
        last_layout.setColumnStretch(0, 1)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("cdLines")
        self.table.setHorizontalHeaderLabels(["Item", "Qty", "Amount"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(44)

        totals = QGridLayout()
        self.values: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        for row, (key, caption) in enumerate(
            (("subtotal", "Subtotal"), ("tax", "Tax"), ("shipping", "Shipping"))
        ):
            self.captions[key] = _label("cdLabel")
            self.captions[key].setText(caption)
            self.values[key] = _label("cdValue", Qt.AlignmentFlag.AlignRight)
            totals.addWidget(self.captions[key], row, 0)
            totals.addWidget(self.values[key], row, 1)
        total_caption = _label("cdTotal")
        total_caption.setText("Total")
        self.total = _label("cdTotal", Qt.AlignmentFlag.AlignRight)
        totals.addWidget(total_caption, 3, 0)
        totals.addWidget(self.total, 3, 1)
        self.paid_caption = _label("cdLabel")
        self.paid = _label("cdValue", Qt.AlignmentFlag.AlignRight)
        totals.addWidget(self.paid_caption, 4, 0)
        totals.addWidget(self.paid, 4, 1)
        self.change_caption = _label("cdChange")
        self.change_caption.setText("Change")
        self.change = _label("cdChange", Qt.AlignmentFlag.AlignRight)
        totals.addWidget(self.change_caption, 5, 0)
        totals.addWidget(self.change, 5, 1)
        self.thanks = _label("cdThanks", Qt.AlignmentFlag.AlignHCenter)
        self.thanks.setText("Thank you!")

        sale_layout = QVBoxLayout(sale)
        sale_layout.setContentsMargins(32, 24, 32, 24)
        sale_layout.setSpacing(14)
        sale_layout.addWidget(self.store_label)
        sale_layout.addWidget(last_row)
        sale_layout.addWidget(self.table, 1)
        sale_layout.addLayout(totals)
        sale_layout.addWidget(self.thanks)
        self.pages.addWidget(sale)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self._idle_timer = QTimer(self, singleShot=True, interval=THANK_YOU_MS)
        self._idle_timer.timeout.connect(self.show_idle)
        self.set_store_name(store_name)
        self.show_idle()

    # -- what the counter tells it -----------------------------------------------------------
    def set_store_name(self, name: str) -> None:
        self.store_name = name
        self.idle_store.setText(name or WELCOME)
        self.idle_text.setText(WELCOME if name else "")
        self.store_label.setText(name)

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.currency)

    def show_idle(self) -> None:
        self._idle_timer.stop()
        self.order = None
        self._last_lines = {}
        self.pages.setCurrentIndex(self.IDLE)

    def show_cart(self, cart: CartView) -> None:
        """The cart as the counter shows it; an empty cart is the idle screen, except right
        after a sale, while the change is still on screen."""
        self.currency = cart.currency or self.currency
        if not cart.lines:
            if self.order is None:
                self.show_idle()
            return
        self._idle_timer.stop()
        self.order = None
        latest = self._latest_change(cart)
        self._last_lines = {line.product_id: line.quantity for line in cart.lines}
        self._fill(
            [(ln.name, ln.quantity, ln.line_total) for ln in cart.lines],
            latest_row=cart.lines.index(latest) if latest is not None else None,
        )
        self.last_row.show()
        if latest is not None:
            self.last_name.setText(latest.name)
            self.last_price.setText(
                f"{latest.quantity} \u00d7 {self.money(latest.unit_price)}"
                if latest.quantity != 1
                else self.money(latest.unit_price)
            )
        self._totals(cart.subtotal, cart.tax, cart.shipping, cart.total, cart.delivery)
        for widget in (self.paid_caption, self.paid, self.change_caption, self.change):
            widget.hide()
        self.thanks.hide()
        self.pages.setCurrentIndex(self.SALE)

    def show_tendering(self, tendered: Decimal, change: Decimal, short: Decimal) -> None:
        """While the clerk types the payment: what is given, and the change or what is
        still to pay (nothing shown until an amount is typed)."""
        if self.order is not None or self.pages.currentIndex() != self.SALE:
            return
        shown = tendered > 0
        self.paid_caption.setText("Given")
        self.paid.setText(self.money(tendered))
        self.change_caption.setText("Still to pay" if short else "Change")
        self.change.setText(self.money(short or change))
        for widget in (self.paid_caption, self.paid, self.change_caption, self.change):
            widget.setVisible(shown)

    def show_order(self, order: OrderView) -> None:
        """Paid: the lines, total, what was tendered and the change; idle after a while."""
        self.currency = order.currency or self.currency
        self.order = order
        self._fill([(ln.name, ln.quantity, ln.line_total) for ln in order.lines], None)
        self.last_row.hide()
        self._totals(order.subtotal, order.tax, order.shipping, order.total, order.delivery)
        methods = ", ".join(sorted({p.method.capitalize() for p in order.payments}))
        self.paid_caption.setText(f"Paid ({methods})" if methods else "Paid")
        self.change_caption.setText("Change")
        self.paid.setText(self.money(order.tendered))
        self.change.setText(self.money(order.change_due))
        for widget in (self.paid_caption, self.paid):
            widget.show()
        self.change_caption.setVisible(bool(order.change_due))
        self.change.setVisible(bool(order.change_due))
        self.thanks.show()
        self.pages.setCurrentIndex(self.SALE)
        self._idle_timer.start()

    # -- parts -------------------------------------------------------------------------------
    def _latest_change(self, cart: CartView) -> CartLineView | None:
        """The line that is new or whose quantity changed since the last cart shown."""
        changed = [
            line for line in cart.lines if self._last_lines.get(line.product_id) != line.quantity
        ]
        return changed[-1] if changed else None

    def _fill(self, rows: list[tuple[str, int, Decimal]], latest_row: int | None) -> None:
        self.table.setRowCount(len(rows))
        for row, (name, quantity, amount) in enumerate(rows):
            cells = (name, str(quantity), self.money(amount))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)  # items are plain text
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        latest = self.table.item(latest_row, 0) if latest_row is not None else None
        if latest_row is not None and latest is not None:
            self.table.selectRow(latest_row)
            self.table.scrollToItem(latest)
        else:
            self.table.clearSelection()

    def _totals(
        self, subtotal: Decimal, tax: Decimal, shipping: Decimal, total: Decimal, delivery: bool
    ) -> None:
        self.values["subtotal"].setText(self.money(subtotal))
        self.values["tax"].setText(self.money(tax))
        self.values["shipping"].setText(self.money(shipping))
        self.captions["shipping"].setVisible(delivery)
        self.values["shipping"].setVisible(delivery)
        self.total.setText(self.money(total))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._idle_timer.stop()
        super().closeEvent(event)


def pick_screen(number: int) -> QScreen | None:
    """The 1-based monitor, or the last one there is when it is unplugged."""
    screens = QGuiApplication.screens()
    if not screens or number < 1:
        return None
    if number > len(screens):
        log.warning(
            "customer display: screen %d is not there; using screen %d", number, len(screens)
        )
        return screens[-1]
    return screens[number - 1]


def screen_names() -> list[str]:
    return [
        f"Screen {i}: {s.name() or 'unnamed'} ({s.geometry().width()}x{s.geometry().height()})"
        for i, s in enumerate(QGuiApplication.screens(), start=1)
    ]


class CustomerDisplayDialog(QDialog):
    """Settings > Customer display: off, or which monitor faces the customer."""

    def __init__(self, current: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Customer display")
        self.monitor = QComboBox()
        self.monitor.addItem("Off", 0)
        for number, name in enumerate(screen_names(), start=1):
            self.monitor.addItem(name, number)
        if current and self.monitor.findData(current) < 0:
            self.monitor.addItem(f"Screen {current} (not connected now)", current)
        self.monitor.setCurrentIndex(max(self.monitor.findData(current), 0))
        hint = QLabel(
            "The customer display opens full screen on this monitor and follows the sale: "
            "the items as they are scanned, the totals and the change."
        )
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        hint.setObjectName("muted")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Monitor", self.monitor)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def chosen(self) -> int:
        return int(self.monitor.currentData())


class CustomerDisplayLink(QObject):
    """Owns the display window of one counter window and feeds it (a small adapter so the
    counter window only needs to call `attach`)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.display: CustomerDisplay | None = None
        self.screen_number = 0

    def open(self, screen_number: int, store_name: str, currency: str) -> CustomerDisplay | None:
        self.close()
        self.screen_number = screen_number
        screen = pick_screen(screen_number)
        if screen is None:
            return None
        display = CustomerDisplay(store_name, currency)
        display.setScreen(screen)
        display.setGeometry(screen.geometry())
        display.showFullScreen()
        self.display = display
        return display

    def show_cart(self, cart: CartView) -> None:
        if self.display is not None:
            self.display.show_cart(cart)

    def show_order(self, order: OrderView) -> None:
        if self.display is not None:
            self.display.show_order(order)

    def show_tendering(self, tendered: Decimal, change: Decimal, short: Decimal) -> None:
        if self.display is not None:
            self.display.show_tendering(tendered, change, short)

    def set_store_name(self, name: str) -> None:
        if self.display is not None:
            self.display.set_store_name(name)

    def close(self) -> None:
        if self.display is not None:
            self.display.close()
            self.display.deleteLater()
            self.display = None
