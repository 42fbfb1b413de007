"""The clerk's sale screen: product grid, scanner field, cart, totals and checkout."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pos.errors import ErrorCode, PosError
from pos.money import format_money
from pos.services.facade import Store
from pos.services.plumbing.events import Change, ChangeKind, initiated_by, new_initiator
from pos.ui import receipt
from pos.ui.cart_model import CartModel
from pos.ui.cart_view import CartTable
from pos.ui.change_bus import ChangeBus
from pos.ui.checkout_dialog import CheckoutDialog
from pos.ui.dialogs import Dialogs
from pos.ui.login_dialog import plain_label
from pos.ui.notifications import NoticeBar
from pos.ui.product_delegate import TILE, ProductDelegate
from pos.ui.product_model import ProductModel, ProductRole
from pos.ui.style import app_icon
from pos.ui.thumbnails import ThumbnailCache
from pos.ui.worker import TaskRunner
from pos.views import Actor, CartView, OrderView, ProductView

log = logging.getLogger("pos.ui.counter")

SEARCH_DEBOUNCE_MS = 250
QUANTITY_DEBOUNCE_MS = 400
ALL_CATEGORIES = "All categories"


class ProductGrid(QListView):
    """Icon-mode list of tiles; Enter (like a click) adds the current product."""

    addRequested = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("productGrid")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setUniformItemSizes(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setGridSize(TILE)
        self.setSpacing(0)
        self.setWrapping(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setMouseTracking(True)
        self.setItemDelegate(ProductDelegate(self))
        self.setAccessibleName("Products")
        self.clicked.connect(self.addRequested)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Plus):
            if self.currentIndex().isValid():
                self.addRequested.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


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
        self.actor = actor
        self.dialogs = dialogs or Dialogs()
        self.settings = store.settings.get()
        # Who causes this window's changes: its own notices come back tagged with it.
        self.initiator = new_initiator("counter")
        self.runner = TaskRunner(self, initiator=self.initiator)
        self.thumbnails = thumbnails or ThumbnailCache(self)
        self.thumbnails.set_source(lambda ref: store.catalog.image_data(actor, ref))
        zero = Decimal("0.00")
        self.cart = CartView(None, actor.counter_code, (), 0, zero, zero, zero, zero)
        self.last_order: OrderView | None = None
        self.checkout_dialog: CheckoutDialog | None = None
        self._pending_quantities: dict[uuid.UUID, int] = {}
        self._closed = False
        self._online = True  # set by live sync; offline refuses stock actions at once

        self.product_model = ProductModel(
            self._fetch_products,
            runner=self.runner,
            thumbnails=self.thumbnails,
            currency=self.settings.currency,
            parent=self,
        )
        self.product_model.pageLoaded.connect(self._show_result_count)
        self.product_model.loadFailed.connect(lambda err: self.notice.error(err.message))
        self.cart_model = CartModel(self)
        self.cart_model.quantityEdited.connect(self._quantity_edited)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.run_search)
        self._quantity_timer = QTimer(self, singleShot=True, interval=QUANTITY_DEBOUNCE_MS)
        self._quantity_timer.timeout.connect(self.flush_quantities)

        self.setWindowIcon(app_icon())
        self.setMinimumSize(QSize(1100, 640))
        self._build_ui()
        self._build_actions()
        self.bus = bus if bus is not None else ChangeBus.of(store)
        self.bus.changed.connect(self._on_change)
        self.set_actor(actor)
        self.load_categories()
        self.run_search()

    # -- building ------------------------------------------------------------------------
    def _build_ui(self) -> None:
        header = QFrame(objectName="header")
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

        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText("Search name, SKU or barcode  (F2)")
        self.search_field.setToolTip("Search products by name, SKU or barcode (F2)")
        self.search_field.setAccessibleName("Search products")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_field.returnPressed.connect(self._search_enter)
        self.category_box = QComboBox()
        self.category_box.setToolTip("Filter by category (Ctrl+G)")
        self.category_box.setAccessibleName("Category")
        self.category_box.setMinimumWidth(190)
        self.category_box.currentIndexChanged.connect(lambda _i: self.run_search())
        self.scan_field = QLineEdit(objectName="scanField")
        self.scan_field.setPlaceholderText("Scan or type a barcode / SKU, Enter  (F3)")
        self.scan_field.setToolTip("Scanner entry: barcode or SKU then Enter adds one (F3)")
        self.scan_field.setAccessibleName("Scanner code")
        self.scan_field.returnPressed.connect(self.scan)
        self.scan_field.textEdited.connect(lambda _t: self._mark_scan_error(False))
        self.scan_field.setMinimumWidth(320)

        self.product_view = ProductGrid()
        self.product_view.setModel(self.product_model)
        self.product_view.addRequested.connect(self.add_from_index)
        self.result_label = plain_label("", "muted")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(14, 12, 6, 8)
        left_layout.setSpacing(10)
        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.search_field, 3)
        filters.addWidget(self.category_box, 2)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.product_view, 1)
        left_layout.addWidget(self.result_label)

        # -- cart panel
        panel = QFrame(objectName="panel")
        self.cart_title = plain_label("Cart", "sectionTitle")
        self.badge = plain_label("0", "badge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setToolTip("Items in the cart")
        self.cart_view = CartTable()
        self.cart_view.setModel(self.cart_model)
        self.cart_view.removeRequested.connect(self.remove_row)
        self.cart_view.setAccessibleName("Cart")
        self.empty_label = plain_label("Scan a code or pick a product to start a sale.", "muted")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.delivery_box = QCheckBox("Deli&very (shipping)  Ctrl+D")
        self.delivery_box.setToolTip("Ship this sale: adds the shipping fee (Ctrl+D)")
        self.delivery_box.clicked.connect(self.set_delivery)

        totals = QGridLayout()
        totals.setHorizontalSpacing(10)
        totals.setVerticalSpacing(4)
        self.subtotal_value = plain_label()
        self.tax_value = plain_label()
        self.shipping_label = plain_label("Shipping")
        self.shipping_value = plain_label()
        self.total_value = plain_label("", "totalValue")
        self.tax_label = plain_label("Tax", "muted")  # its rate comes from live settings
        rows = [
            (plain_label("Subtotal", "muted"), self.subtotal_value),
            (self.tax_label, self.tax_value),
            (self.shipping_label, self.shipping_value),
            (plain_label("Total", "totalLabel"), self.total_value),
        ]
        for number, (label, value) in enumerate(rows):
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            totals.addWidget(label, number, 0)
            totals.addWidget(value, number, 1)
        self.shipping_label.setObjectName("muted")

        self.void_button = QPushButton("&Void sale")
        self.void_button.setObjectName("danger")
        self.void_button.setToolTip("Cancel this sale and put the items back (Ctrl+Shift+Del)")
        self.void_button.clicked.connect(self.void_sale)
        self.pay_button = QPushButton("Pay  F12")
        self.pay_button.setObjectName("primary")
        self.pay_button.setToolTip("Take payment (F12)")
        self.pay_button.clicked.connect(self.checkout)

        cart_layout = QVBoxLayout(panel)
        cart_layout.setContentsMargins(14, 12, 14, 14)
        cart_layout.setSpacing(10)
        title_row = QHBoxLayout()
        title_row.addWidget(self.cart_title)
        title_row.addWidget(self.badge)
        title_row.addStretch(1)
        cart_layout.addLayout(title_row)
        cart_layout.addWidget(self.scan_field)
        cart_layout.addWidget(self.cart_view, 1)
        cart_layout.addWidget(self.empty_label)
        cart_layout.addWidget(self.delivery_box)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #d6dae0;")
        cart_layout.addWidget(line)
        cart_layout.addLayout(totals)
        buttons = QHBoxLayout()
        buttons.addWidget(self.void_button)
        buttons.addWidget(self.pay_button, 1)
        cart_layout.addLayout(buttons)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 12, 14, 8)
        right_layout.setSpacing(8)
        self.notice = NoticeBar()
        right_layout.addWidget(panel, 1)
        right_layout.addWidget(self.notice)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setChildrenCollapsible(False)
        right.setMinimumWidth(540)
        splitter.setSizes([800, 560])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.status_label)

    def _action(
        self, menu, text: str, keys: str | list[str] | None, slot: Callable[[], object], tip: str
    ) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        if keys:
            sequences = [QKeySequence(k) for k in ([keys] if isinstance(keys, str) else keys)]
            action.setShortcuts(sequences)
            tip = f"{tip} ({sequences[0].toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        sale = bar.addMenu("&Sale")
        self.pay_action = self._action(sale, "&Pay\u2026", "F12", self.checkout, "Take payment")
        self._action(sale, "&Delivery", "Ctrl+D", self.toggle_delivery, "Delivery on or off")
        self._action(sale, "&Void sale\u2026", "Ctrl+Shift+Del", self.void_sale, "Void the sale")
        sale.addSeparator()
        self._action(
            sale, "Last &receipt\u2026", "Ctrl+R", self.preview_last_receipt, "Last receipt"
        )
        sale.addSeparator()
        self._action(sale, "Sign &out", "Ctrl+L", self.sign_out, "Sign out / switch clerk")
        self._action(sale, "&Quit", "Ctrl+Q", self.close, "Quit")
        go = bar.addMenu("&Go")
        self._action(go, "&Search products", "F2", self.focus_search, "Search products")
        self._action(go, "S&canner field", "F3", self.focus_scanner, "Scanner field")
        self._action(go, "&Category", "Ctrl+G", self.focus_category, "Category filter")
        self._action(go, "Product &grid", "Ctrl+1", self.focus_grid, "Product grid")
        self._action(go, "C&art", "Ctrl+2", self.focus_cart, "Cart lines")
        self._action(go, "Change &quantity", "F4", self.edit_quantity, "Change quantity")
        # Del and Esc are handled by the focused widget (an open quantity editor must get
        # them first), so these entries only show the key.
        self._action(go, "&Remove line\tDel", None, self.remove_current, "Remove the cart line")
        self._action(go, "&Back\tEsc", None, self.escape, "Back to the scanner field")
        self.manager_menu = bar.addMenu("&Manager")
        self.admin_action = self._action(
            self.manager_menu,
            "&Inventory admin\u2026",
            "Ctrl+I",
            self.open_admin,
            "Inventory admin",
        )
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", "F1", self.show_shortcuts, "Shortcuts")

    # -- actor and cart ----------------------------------------------------------------------
    def set_actor(self, actor: Actor) -> None:
        """A (possibly different) clerk signed in at this counter: the counter's cart comes back."""
        self.actor = actor
        self._refresh_settings()
        self._show_identity()
        self.manager_menu.menuAction().setVisible(actor.is_manager and admin_available())
        self.admin_action.setEnabled(actor.is_manager and admin_available())
        self.load_cart()
        self.focus_scanner()

    def _show_identity(self) -> None:
        actor = self.actor
        name = self.settings.store_name or "Point of sale"
        self.setWindowTitle(f"{name} \u2014 Counter {actor.counter_code} \u2014 {actor.username}")
        self.store_label.setText(name)
        role = "Manager" if actor.is_manager else "Clerk"
        self.user_label.setText(f"Counter {actor.counter_code}  \u00b7  {role} {actor.username}")

    def load_cart(self) -> None:
        try:
            self.apply_cart(self.store.cart.current(self.actor))
        except PosError as err:
            self.notice.error(err.message)

    def apply_cart(self, cart: CartView) -> None:
        """Show the newest CartView the service returned (adds run one at a time)."""
        self.cart = cart
        self.cart_model.set_cart(cart)
        money = self._money
        self.subtotal_value.setText(money(cart.subtotal))
        self.tax_value.setText(money(cart.tax))
        self.shipping_value.setText(money(cart.shipping))
        self.shipping_label.setVisible(cart.delivery)
        self.shipping_value.setVisible(cart.delivery)
        self.total_value.setText(money(cart.total))
        self.tax_label.setText(f"Tax ({percent(self.settings.tax_rate)})")
        self.badge.setText(str(cart.item_count))
        self.badge.setToolTip(f"{cart.item_count} item(s) in the cart")
        self.delivery_box.setChecked(cart.delivery)
        empty = not cart.lines
        self.empty_label.setVisible(empty)
        self.pay_button.setEnabled(not empty)
        self.void_button.setEnabled(not empty)
        for line in cart.lines:
            self.product_model.set_stock(line.product_id, line.stock_quantity)
        self.cartApplied.emit(cart)

    def _money(self, amount) -> str:  # noqa: ANN001
        return format_money(amount, self.cart.currency or self.settings.currency)

    # -- catalog -----------------------------------------------------------------------------
    def _fetch_products(
        self, text: str, category: str | None, after: ProductView | None, limit: int
    ) -> list[ProductView]:
        return self.store.catalog.search(self.actor, text, category, after=after, limit=limit)

    def load_categories(self) -> None:
        try:
            names = self.store.catalog.categories(self.actor)
        except PosError as err:
            self.notice.error(err.message)
            return
        current = self.category_box.currentData()
        self.category_box.blockSignals(True)
        self.category_box.clear()
        self.category_box.addItem(ALL_CATEGORIES, None)
        for name in names:
            self.category_box.addItem(name, name)
        found = self.category_box.findData(current)
        self.category_box.setCurrentIndex(max(found, 0))
        self.category_box.blockSignals(False)

    def run_search(self) -> None:
        self._search_timer.stop()
        self.product_model.set_query(self.search_field.text(), self.category_box.currentData())
        self.result_label.setText("Searching\u2026")

    def _show_result_count(self) -> None:
        rows = self.product_model.rowCount()
        more = "+" if self.product_model.canFetchMore() else ""
        self.result_label.setText(f"{rows}{more} product(s)" if rows else "No products match.")
        if rows and not self.product_view.currentIndex().isValid():
            self.product_view.setCurrentIndex(self.product_model.index(0, 0))

    def _refresh_settings(self) -> None:
        """Store settings, or the last known ones while the database cannot be reached.

        Nothing is copied into widgets when they are built: the tax label, the prices'
        currency and the store name follow the settings read here."""
        try:
            self.settings = self.store.settings.get()
        except PosError as err:
            log.warning("keeping last store settings: %s", err.code)
            return
        self.product_model.set_currency(self.settings.currency)
        self._show_identity()

    def _search_enter(self) -> None:
        self.run_search()
        self.focus_grid()

    def _on_change(self, change: Change) -> None:
        if self._closed:
            return
        if change.kind == ChangeKind.SETTINGS:
            self._refresh_settings()
            self.load_cart()
            return
        if change.kind == ChangeKind.RESYNC:
            self.reload_everything()
            return
        if change.kind == ChangeKind.CATALOG:
            self.load_categories()
            self.product_model.reload()
            return
        if change.kind not in (ChangeKind.STOCK, ChangeKind.PRODUCT):
            return
        ids = [pid for pid in change.ids if self.product_model.row_of(pid) is not None]
        if change.kind == ChangeKind.STOCK and change.initiated_by(self.initiator):
            # Our own cart action: the CartView it returned already carried the stock of
            # the products still in the cart.
            ids = [pid for pid in ids if self.cart.line(pid) is None]
        if not ids:
            return
        store, actor = self.store, self.actor
        self.runner.submit(
            lambda: store.catalog.get_many(actor, ids),
            self.product_model.refresh_products,
            lambda err: log.warning("stock refresh failed: %r", err),
        )

    def reload_everything(self) -> None:
        """After a reconnect (live sync): nothing shown can be trusted, fetch it again."""
        self._refresh_settings()
        self.load_categories()
        self.product_model.reload()
        self.load_cart()

    def set_online(self, online: bool) -> None:
        self._online = online
        if online:
            self.notice.success("Connected to the store database again.")
        else:
            self.notice.notify(
                "error",
                "Offline \u2014 reconnecting to the store database. The cart is kept; "
                "sales resume when the connection is back.",
                600_000,
            )

    # -- selling ---------------------------------------------------------------------
    def _can_sell(self) -> bool:
        """Offline, refuse at once (no network wait) and keep the cart shown as it is."""
        if self._online:
            return True
        self.notice.error(
            "Offline \u2014 nothing was changed. Sales resume when the store database is "
            "reachable again."
        )
        return False

    def _failed(self, err: PosError) -> None:
        self.notice.error(err.message)
        if err.code == ErrorCode.DATABASE_ERROR:
            # The outcome may be unknown (connection lost at commit): show what the database
            # holds rather than what this screen assumed.
            self.load_cart()

    def add_from_index(self, index: QModelIndex) -> bool:
        product = index.data(ProductRole) if index.isValid() else None
        return product is not None and self.add_product(product.id, product.name)

    def add_product(self, product_id: uuid.UUID, name: str = "", quantity: int = 1) -> bool:
        if not self._can_sell():
            return False
        self.flush_quantities()
        try:
            with initiated_by(self.initiator):
                cart = self.store.cart.add(self.actor, product_id, quantity)
        except PosError as err:
            self._failed(err)
            return False
        self.apply_cart(cart)
        line = cart.line(product_id)
        if line is not None:
            self.notice.success(f"Added {line.name} \u00b7 {line.quantity} in cart")
            row = self.cart_model.row_of(product_id)
            if row is not None:
                self.cart_view.selectRow(row)
        return True

    def scan(self) -> bool:
        code = self.scan_field.text().strip()
        if not code or not self._can_sell():
            return False
        try:
            product = self.store.catalog.find_code(self.actor, code)
        except PosError as err:
            self.notice.error(err.message)
            self._mark_scan_error(True)
            self.scan_field.selectAll()
            return False
        added = self.add_product(product.id, product.name)
        self._mark_scan_error(not added)
        if added:
            self.scan_field.clear()
        else:
            self.scan_field.selectAll()
        return added

    def _mark_scan_error(self, error: bool) -> None:
        if self.scan_field.property("error") == error:
            return
        self.scan_field.setProperty("error", error)
        self.scan_field.style().unpolish(self.scan_field)
        self.scan_field.style().polish(self.scan_field)

    def _quantity_edited(self, product_id: uuid.UUID, quantity: int) -> None:
        self._pending_quantities[product_id] = quantity
        self._quantity_timer.start()

    def flush_quantities(self) -> None:
        """Send debounced quantity edits now (before any other cart action)."""
        self._quantity_timer.stop()
        pending, self._pending_quantities = self._pending_quantities, {}
        if not pending:
            return
        cart, failed = self.cart, None
        for product_id, quantity in pending.items():
            try:
                with initiated_by(self.initiator):
                    cart = self.store.cart.update(self.actor, product_id, quantity)
            except PosError as err:
                failed = err
        self.apply_cart(cart)
        if failed is not None:
            self.notice.error(failed.message)
        elif len(pending) == 1:
            ((product_id, quantity),) = pending.items()
            line = cart.line(product_id)
            if line is not None:
                self.notice.success(f"{line.name}: quantity {quantity}")

    def remove_current(self) -> None:
        index = self.cart_view.currentIndex()
        if index.isValid():
            self.remove_row(index.row())
        else:
            self.notice.info("Select a cart line first (Ctrl+2).")

    def remove_row(self, row: int) -> bool:
        if not self._can_sell():
            return False
        self.flush_quantities()
        line = self.cart_model.line(row)
        if line is None:
            return False
        try:
            with initiated_by(self.initiator):
                cart = self.store.cart.remove(self.actor, line.product_id)
        except PosError as err:
            self.notice.error(err.message)
            self.load_cart()
            return False
        self.apply_cart(cart)
        self.notice.success(f"Removed {line.name}")
        if cart.lines:
            self.cart_view.selectRow(min(row, len(cart.lines) - 1))
        return True

    def set_delivery(self, delivery: bool) -> None:
        try:
            with initiated_by(self.initiator):
                self.apply_cart(self.store.cart.set_delivery(self.actor, delivery))
        except PosError as err:
            self.notice.error(err.message)
            self.delivery_box.setChecked(self.cart.delivery)
            return
        self.notice.info("Delivery: shipping added" if delivery else "Carry-out: no shipping")

    def toggle_delivery(self) -> None:
        self.set_delivery(not self.cart.delivery)

    def void_sale(self) -> bool:
        if not self._can_sell():
            return False
        self.flush_quantities()
        if not self.cart.lines or self.cart.cart_id is None:
            self.notice.info("There is no sale to void.")
            return False
        if not self.dialogs.confirm(
            self, "Void sale", "Void this sale? Every item goes back to stock."
        ):
            return False
        try:
            with initiated_by(self.initiator):
                self.store.carts.release(
                    self.actor, self.cart.cart_id, note="voided at the counter"
                )
        except PosError as err:
            self.notice.error(err.message)
            return False
        self.load_cart()
        self.notice.success("Sale voided; the items are back in stock.")
        return True

    def checkout(self) -> CheckoutDialog | None:
        if not self._can_sell():
            return None
        self.flush_quantities()
        if self.checkout_dialog is not None and self.checkout_dialog.isVisible():
            return self.checkout_dialog
        if not self.cart.lines:
            self.notice.error("The cart is empty: scan or pick a product before taking payment.")
            return None
        dialog = CheckoutDialog(self.store, self.actor, self.cart, self.runner, self.dialogs, self)
        dialog.cartChanged.connect(self.apply_cart)
        dialog.completed.connect(self._sale_completed)
        dialog.finished.connect(lambda _r: self.focus_scanner())
        self.checkout_dialog = dialog
        dialog.open()
        return dialog

    def _sale_completed(self, order: OrderView) -> None:
        self.last_order = order
        self.load_cart()
        change = f" \u00b7 change {self._money(order.change_due)}" if order.change_due else ""
        self.notice.success(f"Sale complete: order {order.order_number}{change}")
        self.status_label.setText(f"Last order {order.order_number}")

    def preview_last_receipt(self) -> None:
        if self.last_order is None:
            self.notice.info("No sale yet on this screen.")
            return
        self.dialogs.exec(receipt.preview_dialog(self.last_order, self))

    # -- focus and navigation -----------------------------------------------------------
    def focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

    def focus_scanner(self) -> None:
        self.scan_field.setFocus()
        self.scan_field.selectAll()

    def focus_category(self) -> None:
        self.category_box.setFocus()
        self.category_box.showPopup()

    def focus_grid(self) -> None:
        self.product_view.setFocus()
        if not self.product_view.currentIndex().isValid() and self.product_model.rowCount():
            self.product_view.setCurrentIndex(self.product_model.index(0, 0))

    def focus_cart(self) -> None:
        self.cart_view.setFocus()
        if not self.cart_view.currentIndex().isValid() and self.cart_model.rowCount():
            self.cart_view.selectRow(0)

    def edit_quantity(self) -> None:
        if not self.cart_view.edit_quantity():
            self.notice.info("The cart is empty.")

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
        self.dialogs.info(self, "Keyboard shortcuts", SHORTCUTS_TEXT)

    # -- closing ---------------------------------------------------------------------
    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.flush_quantities()
        self.bus.changed.disconnect(self._on_change)
        self.runner.shutdown()
        self.thumbnails.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)


def percent(rate: Decimal) -> str:
    """0.08 -> "8%", 0.0825 -> "8.25%" (no trailing zeros)."""
    return f"{(Decimal(rate) * 100).normalize():f}%"


def admin_available() -> bool:
    try:
        from pos.ui import admin
    except ImportError:
        return False
    return hasattr(admin, "open_admin_window")


SHORTCUTS_TEXT = """\
F2\tSearch products (Enter: go to the grid)
F3\tScanner field (code, then Enter)
Ctrl+G\tCategory filter
Ctrl+1 / Ctrl+2\tProduct grid / cart
Enter or +\tAdd the selected product
F4\tChange the quantity of the cart line
Del\tRemove the cart line
Ctrl+D\tDelivery on or off
F12\tPay
Esc\tBack to the scanner field
Ctrl+R\tLast receipt
Ctrl+L\tSign out / switch clerk
Ctrl+Q\tQuit"""
