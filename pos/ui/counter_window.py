"""The clerk's sale screen: it puts the parts together and routes what the clerk does.

The parts, one job each: the product side (pos.ui.product_grid), the cart side
(pos.ui.cart_panel), the sale itself without widgets (pos.ui.sale_controller), and the
actions table that makes the menus and the shortcut help (pos.ui.counter_actions).
Every database call runs off the GUI thread through the window's TaskRunner.
"""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pos.devices.display import settings as display_settings
from pos.devices.printer import settings as printer_settings
from pos.devices.printer.settings_dialog import PrinterSettingsDialog
from pos.devices.scale import codes as scale_codes
from pos.devices.scale.settings_dialog import ScaleRulesDialog
from pos.errors import ErrorCode, PosError
from pos.money import format_money
from pos.services.facade import Store
from pos.services.plumbing.events import Change, ChangeKind, new_initiator
from pos.ui import receipt
from pos.ui.cart_panel import CartPanel
from pos.ui.change_bus import ChangeBus
from pos.ui.checkout_dialog import CheckoutDialog
from pos.ui.counter_actions import ShortcutsDialog, build_menus, manager_menu
from pos.ui.counter_place import remember_counter
from pos.ui.customer_display import CustomerDisplayDialog, CustomerDisplayLink
from pos.ui.dialogs import Dialogs
from pos.ui.login_dialog import plain_label
from pos.ui.notifications import NoticeBar
from pos.ui.product_grid import ProductBrowser
from pos.ui.product_model import ProductRole
from pos.ui.receipt_printing import ReceiptPrinting
from pos.ui.sale_controller import (
    OFFLINE_NOTICE,
    RELEASED_NOTICE,
    UNEXPECTED_NOTICE,
    SaleController,
)
from pos.ui.scan_problems import ScanProblemsPanel
from pos.ui.scanning import CounterScanning
from pos.ui.style import app_icon
from pos.ui.thumbnails import ThumbnailCache
from pos.ui.worker import TaskRunner
from pos.views import Actor, CartView, OrderView

log = logging.getLogger("pos.ui.counter")

QUANTITY_DEBOUNCE_MS = 400
RELEASED_NOTICE_MS = 60_000
MINIMUM_SIZE = QSize(1000, 600)  # fits a 1024x768 till with its window frame


class CounterWindow(QMainWindow):
    signOutRequested = Signal()
    cartApplied = Signal(object)  # CartView, after the screen shows it

    def __init__(
        self,
        store: Store,
        actor: Actor,
        *,
        dialogs: Dialogs | None = None,
        thumbnails: ThumbnailCache | None = None,
        bus: ChangeBus | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.dialogs = dialogs or Dialogs()
        self.settings = store.settings.get(actor)
        # Who causes this window's changes: its own notices come back tagged with it.
        self.initiator = new_initiator("counter")
        self.runner = TaskRunner(self, initiator=self.initiator)
        self.thumbnails = thumbnails or ThumbnailCache(self)
        # Stored product pictures come from the database, for whoever is signed in.
        self.thumbnails.set_source(lambda ref: store.catalog.image_data(self.actor, ref))
        self.sale = SaleController(store, actor, self.runner, self)
        self.sale.settings = self.settings
        self.sale.scale_rules = scale_codes.load()  # scale labels (pos.ui.scale_scanning)
        self.last_order: OrderView | None = None
        self.checkout_dialog: CheckoutDialog | None = None
        self._pending_quantities: dict[uuid.UUID, int] = {}
        self._pay_when_idle = False
        self._own_stock_ids: set[uuid.UUID] = set()  # our own changes, shown by the next cart
        self._closed = False
        self.remember_place = False  # the app sets it: only a real counter saves its place

        self._quantity_timer = QTimer(self, singleShot=True, interval=QUANTITY_DEBOUNCE_MS)
        self._quantity_timer.timeout.connect(self.flush_quantities)

        self.setWindowIcon(app_icon())
        self.setMinimumSize(MINIMUM_SIZE)
        self._build_ui()
        self.actions_by_slot = build_menus(self)
        self.pay_action = self.actions_by_slot["checkout"]
        self.admin_action = self.actions_by_slot["open_admin"]
        self.manager_menu = manager_menu(self)

        self.sale.cartChanged.connect(self.apply_cart)
        self.sale.busyChanged.connect(self._busy_changed)
        self.sale.noticed.connect(self.notice.notify)
        self.sale.lineAdded.connect(self._select_line)
        self.sale.scanFailed.connect(self.cart_panel.show_failed_scan)
        self.sale.saleReleased.connect(self._sale_released)
        # Scanner input (key bursts from any widget, serial ports); the bootstrap starts it.
        self.scanning = CounterScanning(self, parent=self)
        self.sale.scanRefused.connect(self._scan_refused)
        self.sale.scanAdded.connect(lambda code, pid: self.scan_problems.resolve(code, pid))
        self.sale.lineAdded.connect(lambda pid: self.scan_problems.resolve(product_id=pid))
        self.scan_problems.retryRequested.connect(self.scan_code)
        # The ESC/POS receipt printer and its drawer (pos.devices.printer), off the GUI thread.
        self.receipt_printing = ReceiptPrinting(printer_settings.load(), self)
        self.receipt_printing.failed.connect(self.notice.error)
        # The customer-facing screen follows what this window shows (pos.ui.customer_display).
        self.customer_display = CustomerDisplayLink(self)
        self.cartApplied.connect(self.customer_display.show_cart)
        self.open_customer_display(display_settings.load())
        self.bus = bus if bus is not None else ChangeBus.of(store, actor=actor)
        self.bus.changed.connect(self._on_change)
        self.set_actor(actor)
        self.browser.load_categories()
        self.run_search()

    # -- building ------------------------------------------------------------------------
    def _build_ui(self) -> None:
        header = QFrame()
        header.setObjectName("header")
        header.setFixedHeight(54)
        self.store_label = plain_label("", "storeTitle")
        self.user_label = plain_label("")
        self.sign_out_button = QPushButton("Sign out  Ctrl+L")
        self.sign_out_button.setToolTip("Sign out; the open cart stays on this counter (Ctrl+L)")
        self.sign_out_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.sign_out_button.clicked.connect(self.sign_out)
        top = QHBoxLayout(header)
        top.setContentsMargins(18, 6, 18, 6)
        top.addWidget(self.store_label)
        top.addStretch(1)
        top.addWidget(self.user_label)
        top.addSpacing(12)
        top.addWidget(self.sign_out_button)

        self.browser = ProductBrowser(
            self.store, lambda: self.actor, self.runner, self.thumbnails, self.settings.currency
        )
        self.browser.failed.connect(self._error)
        self.browser.grid.addRequested.connect(self.add_from_index)
        self.cart_panel = CartPanel()
        self.cart_panel.scanned.connect(lambda code: self.scan(code))
        self.cart_panel.removeRequested.connect(self.remove_row)
        self.cart_panel.deliveryClicked.connect(self.set_delivery)
        self.cart_panel.payClicked.connect(self.checkout)
        self.cart_panel.voidClicked.connect(self.void_sale)
        self.cart_panel.model.quantityEdited.connect(self._quantity_edited)

        # Names the rest of the app and the tests use for the parts' widgets.
        self.product_model = self.browser.model
        self.product_view = self.browser.grid
        self.search_field = self.browser.search_field
        self.category_box = self.browser.category_box
        self.result_label = self.browser.result_label
        self.cart_model = self.cart_panel.model
        self.cart_view = self.cart_panel.table
        self.scan_field = self.cart_panel.scan_field
        self.badge = self.cart_panel.badge
        self.delivery_box = self.cart_panel.delivery_box
        self.tax_label = self.cart_panel.tax_label
        self.total_value = self.cart_panel.total_value
        self.pay_button = self.cart_panel.pay_button
        self.void_button = self.cart_panel.void_button
        # Failed scans stay under the scanner field until seen (pos.ui.scan_problems).
        self.scan_problems = ScanProblemsPanel()
        panel_layout = self.cart_panel.layout()
        assert isinstance(panel_layout, QVBoxLayout)
        panel_layout.insertWidget(panel_layout.indexOf(self.scan_field) + 1, self.scan_problems)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 10, 14, 8)
        right_layout.setSpacing(6)
        self.notice = NoticeBar()
        right_layout.addWidget(self.cart_panel, 1)
        right_layout.addWidget(self.notice)
        right.setMinimumWidth(420)

        self.splitter = QSplitter()
        self.splitter.addWidget(self.browser)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self._cart_width_chosen = False  # the clerk moved the splitter: keep their choice
        self.splitter.splitterMoved.connect(self._splitter_moved)
        self.splitter.setChildrenCollapsible(False)
        self.browser.setMinimumWidth(300)
        self.splitter.setSizes([800, 560])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.status_label)

    # -- actor, settings and cart ----------------------------------------------------
    @property
    def actor(self) -> Actor:
        return self.sale.actor

    @property
    def cart(self) -> CartView:
        return self.sale.cart

    def set_actor(self, actor: Actor) -> None:
        """A (possibly different) clerk signed in at this counter: the counter's cart comes back."""
        self.flush_quantities()
        self.sale.set_actor(actor)
        self._show_identity()
        visible = actor.is_manager and admin_available()
        if self.manager_menu is not None:
            self.manager_menu.menuAction().setVisible(visible)
        self.admin_action.setEnabled(visible)
        self.refresh_settings()
        self.focus_scanner()

    def _show_identity(self) -> None:
        actor = self.actor
        name = self.settings.store_name or "Point of sale"
        self.setWindowTitle(f"{name} \u2014 Counter {actor.counter_code} \u2014 {actor.username}")
        self.store_label.setText(name)
        role = "Manager" if actor.is_manager else "Clerk"
        self.user_label.setText(f"Counter {actor.counter_code}  \u00b7  {role} {actor.username}")

    def refresh_settings(self) -> None:
        """Read the store settings (off the GUI thread) and show them everywhere.

        Nothing is copied into widgets when they are built: the tax label, the prices'
        currency and the store name follow the settings read here."""
        store = self.store
        self.runner.query(
            lambda: store.settings.get(self.actor),
            self._apply_settings,
            lambda err: log.warning("keeping the last store settings: %s", err.code),
            key="settings",
        )

    def _apply_settings(self, settings: object) -> None:
        self.settings = settings  # type: ignore[assignment]
        self.sale.settings = self.settings  # the delivery notice names the shipping rule
        self.product_model.set_currency(self.settings.currency)
        self._show_identity()
        self.customer_display.set_store_name(self.settings.store_name)
        self.apply_cart(self.cart)

    def load_cart(self) -> None:
        self.sale.load_cart()

    def apply_cart(self, cart: CartView) -> None:
        """Show the newest CartView the service returned (cart changes run one at a time)."""
        self.cart_panel.show_cart(
            cart, self.settings.tax_rate, self.settings.currency, settings=self.settings
        )
        for line in cart.lines:
            self.product_model.set_stock(line.product_id, line.stock_quantity)
        # Products our own change touched that this cart does not carry (a removed line,
        # a voided sale): read those rows again.
        gone, self._own_stock_ids = self._own_stock_ids, set()
        self.browser.refresh(pid for pid in gone if cart.line(pid) is None)
        self.pay_button.setEnabled(bool(cart.lines) and not self.sale.busy)
        self.cartApplied.emit(cart)

    def _money(self, amount: object) -> str:
        return format_money(amount, self.cart.currency or self.settings.currency)  # type: ignore[arg-type]

    def _busy_changed(self, busy: bool) -> None:
        self.cart_panel.set_busy(busy)
        self.pay_button.setEnabled(bool(self.cart.lines) and not busy)
        if not busy and self._pay_when_idle:
            self._pay_when_idle = False
            self.checkout()

    def _select_line(self, product_id: uuid.UUID) -> None:
        row = self.cart_model.row_of(product_id)
        if row is not None:
            self.cart_view.selectRow(row)

    def _error(self, text: str) -> None:
        self.notice.error(text)

    # -- catalog -----------------------------------------------------------------------------
    def load_categories(self) -> None:
        self.browser.load_categories()

    def run_search(self) -> None:
        self.browser.run_search()

    def reload_everything(self) -> None:
        """After a reconnect (live sync): nothing shown can be trusted, fetch it again."""
        self.refresh_settings()
        self.browser.reload()
        self.load_cart()

    # -- changes made elsewhere (the app's one change bus) -----------------------------
    def _on_change(self, change: Change) -> None:
        if self._closed:
            return
        if change.kind == ChangeKind.SETTINGS:
            self.refresh_settings()
            self.load_cart()  # the totals follow the new tax rate and rules
        elif change.kind == ChangeKind.RESYNC:
            self.reload_everything()
        elif change.kind == ChangeKind.CATALOG:
            self.browser.reload()
        elif change.kind == ChangeKind.CARTS:
            self.sale.on_change(change, self.initiator)
        elif change.kind in (ChangeKind.STOCK, ChangeKind.PRODUCT):
            if change.kind == ChangeKind.STOCK and change.initiated_by(self.initiator):
                # Our own cart action: the CartView it returns carries the stock of the
                # products still in the cart; apply_cart reads the others.
                self._own_stock_ids.update(change.ids)
                return
            self.browser.refresh(change.ids)

    def set_online(self, online: bool) -> None:
        self.sale.online = online
        if online:
            self.notice.success("Connected to the store database again.")
        else:
            self.notice.notify(
                "error",
                "Offline \u2014 reconnecting to the store database. The cart is kept; "
                "sales resume when the connection is back.",
                600_000,
            )

    def unexpected_error(self, name: str = "") -> None:
        """A bug (logged already by the bug reporter): say so, and show the database's cart."""
        self.notice.error(UNEXPECTED_NOTICE)
        self.load_cart()

    def _sale_released(self) -> None:
        self.cart_panel.clear_failed_scan()
        if self.checkout_dialog is not None and self.checkout_dialog.isVisible():
            self.checkout_dialog.reject()
        # A minute, not the usual few seconds: the clerk may be looking at the customer.
        self.notice.notify("error", RELEASED_NOTICE, RELEASED_NOTICE_MS)

    # -- selling ---------------------------------------------------------------------
    def add_from_index(self, index: QModelIndex) -> bool:
        product = index.data(ProductRole) if index.isValid() else None
        return product is not None and self.add_product(product.id, product.name)

    def add_current(self) -> bool:
        return self.add_from_index(self.product_view.currentIndex())

    def add_product(self, product_id: uuid.UUID, name: str = "", quantity: int = 1) -> bool:
        """Queue the add (it runs off the GUI thread); False if refused at once."""
        self.flush_quantities()
        return self.sale.add(product_id, quantity)

    def scan(self, code: str | None = None) -> bool:
        """One unit of the product with this barcode or SKU (default: the scanner field's
        text). The scan is queued behind any change still on its way, never lost."""
        from_field = code is None
        text = (self.scan_field.text() if code is None else code).strip()
        if not text:
            return False
        self.flush_quantities()
        accepted = self.sale.scan(text)
        if accepted and (from_field or self.scan_field.text().strip() == text):
            self.scan_field.clear()
            self.cart_panel.mark_scan_error(False)
        return accepted

    def scan_code(self, code: str) -> bool:
        """A scanner's code, whatever had focus: one unit of its product into the sale.
        A refusal stays on screen (with a sound) until the clerk has seen it."""
        code = code.strip()
        if code and not self.sale.online:
            self._scan_refused(code, PosError(ErrorCode.DATABASE_ERROR, OFFLINE_NOTICE))
            return False
        return self.scan(code)

    def _scan_refused(self, code: str, err: PosError) -> None:
        raw_id = err.details.get("product_id")
        product_id = uuid.UUID(raw_id) if isinstance(raw_id, str) else None
        self.scan_problems.add(code, err, product_id)
        self.scanning.sound.play()

    def retry_scan(self) -> None:
        if not self.scan_problems.retry_first():
            self.notice.info("No failed scan to try again.")

    def acknowledge_scans(self) -> None:
        self.scan_problems.acknowledge_all()

    def open_scanner_settings(self) -> None:
        self.scanning.open_settings(self)

    def _quantity_edited(self, product_id: uuid.UUID, quantity: int) -> None:
        self._pending_quantities[product_id] = quantity
        self._quantity_timer.start()

    def flush_quantities(self) -> None:
        """Send debounced quantity edits now (before any other cart action)."""
        self._quantity_timer.stop()
        pending, self._pending_quantities = self._pending_quantities, {}
        self.sale.set_quantities(pending)

    def remove_current(self) -> None:
        index = self.cart_view.currentIndex()
        if index.isValid():
            self.remove_row(index.row())
        else:
            self.notice.info("Select a cart line first (Ctrl+2).")

    def remove_row(self, row: int) -> bool:
        self.flush_quantities()
        line = self.cart_model.line(row)
        if line is None:
            return False
        return self.sale.remove(line.product_id, line.name)

    def set_delivery(self, delivery: bool) -> None:
        self.flush_quantities()
        self.sale.set_delivery(delivery)

    def toggle_delivery(self) -> None:
        self.set_delivery(not self.cart.delivery)

    def void_sale(self) -> bool:
        # A scan during "Void this sale?" is for the sale after the void (if any).
        with self.scanning.router.hold():
            return self._void_sale()

    def _void_sale(self) -> bool:
        if not self.sale.can_sell():
            return False
        self.flush_quantities()
        if not self.cart.lines or self.cart.cart_id is None:
            self.notice.info("There is no sale to void.")
            return False
        if not self.dialogs.confirm(
            self, "Void sale", "Void this sale? Every item goes back to stock."
        ):
            return False
        self.cart_panel.clear_failed_scan()
        return self.sale.void()

    def checkout(self) -> CheckoutDialog | None:
        if not self.sale.can_sell():
            return None
        self.flush_quantities()
        if self.checkout_dialog is not None and self.checkout_dialog.isVisible():
            return self.checkout_dialog
        if self.sale.busy:
            # Pay for what the database holds: open once the queued changes are saved.
            self._pay_when_idle = True
            self.notice.info("Saving the last change\u2026 payment opens in a moment.")
            return None
        if not self.cart.lines:
            self.notice.error("The cart is empty: scan or pick a product before taking payment.")
            return None
        dialog = CheckoutDialog(self.store, self.actor, self.cart, self.runner, self.dialogs, self)
        dialog.cartChanged.connect(self.sale.show)
        dialog.completed.connect(self._sale_completed)
        page = dialog.done_page
        self.receipt_printing.printed.connect(lambda text: page.show_printer_status(text, True))
        self.receipt_printing.failed.connect(lambda text: page.show_printer_status(text, False))
        page.reprintRequested.connect(self.reprint_last_receipt)
        for field in (dialog.cash, dialog.card):  # the customer sees the change as it is typed
            field.textChanged.connect(lambda _text: self._show_tendering(dialog))
        dialog.finished.connect(lambda _r: self.focus_scanner())
        self.checkout_dialog = dialog
        dialog.open()
        return dialog

    def _sale_completed(self, order: OrderView) -> None:
        self.last_order = order
        self.cart_panel.clear_failed_scan()  # the next sale starts clean
        self.load_cart()
        change = f" \u00b7 change {self._money(order.change_due)}" if order.change_due else ""
        self.notice.success(f"Sale complete: order {order.order_number}{change}")
        self.status_label.setText(f"Last order {order.order_number}")
        self.receipt_printing.print_sale(order)
        self.customer_display.show_order(order)

    def preview_last_receipt(self) -> None:
        if self.last_order is None:
            self.notice.info("No sale yet on this screen.")
            return
        dialog = receipt.preview_dialog(self.last_order, self)
        self.receipt_printing.add_reprint_action(dialog, self.last_order)
        self.dialogs.exec(dialog)

    def reprint_last_receipt(self) -> None:
        if self.last_order is None:
            self.notice.info("No sale yet on this screen.")
        elif not self.receipt_printing.reprint(self.last_order):
            self.notice.info("No receipt printer is set (Settings > Receipt printer).")

    def open_drawer(self) -> None:
        self.receipt_printing.open_drawer(self.actor)

    def open_printer_settings(self) -> PrinterSettingsDialog:
        dialog = PrinterSettingsDialog(
            self.receipt_printing.settings,
            save=self._save_printer_settings,
            store_name=self.settings.store_name,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _save_printer_settings(self, settings: printer_settings.PrinterSettings) -> None:
        printer_settings.save(settings)
        self.receipt_printing.apply_settings(settings)

    def open_scale_settings(self) -> ScaleRulesDialog | None:
        if not self.actor.is_manager:
            self.notice.error("Only a manager can set the scale labels.")
            return None

        def save(rules: tuple[scale_codes.ScaleRule, ...]) -> None:
            scale_codes.save(rules)
            self.sale.scale_rules = rules

        dialog = ScaleRulesDialog(self.sale.scale_rules, save=save, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_customer_display(self, screen: int) -> None:
        """0 closes it; else it opens full screen on that monitor, showing the cart now."""
        if not screen:
            self.customer_display.close()
            return
        self.customer_display.open(screen, self.settings.store_name, self.settings.currency)
        self.customer_display.show_cart(self.cart)
        self.activateWindow()  # the clerk keeps the keyboard

    def _show_tendering(self, dialog: CheckoutDialog) -> None:
        check = dialog.check()
        given = (check.cash or 0) + (check.card or 0)
        if check.problem:
            given = 0
        self.customer_display.show_tendering(Decimal(given), check.change, check.short)

    def open_display_settings(self) -> CustomerDisplayDialog:
        dialog = CustomerDisplayDialog(self.customer_display.screen_number, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def save() -> None:
            display_settings.save(dialog.chosen())
            self.open_customer_display(dialog.chosen())

        dialog.accepted.connect(save)
        dialog.open()
        return dialog

    # -- focus and navigation -----------------------------------------------------------
    def focus_search(self) -> None:
        self.browser.focus_search()

    def focus_scanner(self) -> None:
        self.scan_field.setFocus()
        self.scan_field.selectAll()

    def focus_category(self) -> None:
        self.browser.focus_category()

    def focus_grid(self) -> None:
        self.browser.focus_grid()

    def focus_cart(self) -> None:
        self.cart_view.setFocus()
        if not self.cart_view.currentIndex().isValid() and self.cart_model.rowCount():
            self.cart_view.selectRow(0)

    def edit_quantity(self) -> None:
        if not self.cart_view.edit_quantity():
            self.notice.info("The cart is empty.")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if not self._cart_width_chosen:
            # The cart keeps about 540 px on small tills and grows to 40 % on big screens.
            width = self.splitter.width()
            cart = max(540, min(int(width * 0.4), 820))
            self.splitter.setSizes([max(width - cart, 1), cart])

    def _splitter_moved(self, _pos: int, _index: int) -> None:
        self._cart_width_chosen = True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.escape()
            return
        super().keyPressEvent(event)

    def escape(self) -> None:
        if self.search_field.hasFocus() and self.search_field.text():
            self.search_field.clear()
        self.focus_scanner()

    def sign_out(self) -> None:
        self.flush_quantities()
        self.notice.info(f"{self.actor.username} signed out; the cart stays on this counter.")
        self.signOutRequested.emit()

    def open_admin(self) -> None:
        try:
            from pos.ui import admin  # written separately; optional until it exists
        except ImportError:
            self.notice.error("The inventory admin is not installed.")
            return
        try:
            admin.open_admin_window(self.store, self.actor, self)
        except PosError as err:
            self.notice.error(err.message)

    def show_shortcuts(self) -> None:
        self.dialogs.exec(ShortcutsDialog(self, manager=self.actor.is_manager))

    # -- closing ---------------------------------------------------------------------
    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.scanning.stop()
        self.receipt_printing.shutdown()
        self.customer_display.close()
        if self.remember_place:
            remember_counter(self)
        self.flush_quantities()
        self.bus.changed.disconnect(self._on_change)
        self.runner.finish_writes()  # the clerk's last changes are saved, not dropped
        self.runner.shutdown()
        self.thumbnails.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)


def admin_available() -> bool:
    try:
        from pos.ui import admin
    except ImportError:
        return False
    return hasattr(admin, "open_admin_window")
