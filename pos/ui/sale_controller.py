"""The sale at one counter, without widgets: the actor, the cart, the ops, the scan queue.

Every cart call runs off the GUI thread as a write op of the window's TaskRunner, so one
counter's changes run one at a time in the order the clerk made them, and a held row lock
never freezes the screen. A scan made while a write is in flight is queued behind it,
never lost. Results come back as signals; the window only draws them.

Errors: a PosError is a refusal (its message is shown, nothing changed); an
UnexpectedError is a bug whose outcome is unknown, so the cart is read again and the clerk
is told so; a DATABASE_ERROR may also hide a commit that happened, so the cart is reloaded
as well.
"""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal

from PySide6.QtCore import QObject, Signal

from pos.devices.scale.codes import ScaleRule
from pos.errors import ErrorCode, PosError
from pos.money import format_money
from pos.services.facade import Store
from pos.services.plumbing.events import Change, ChangeKind
from pos.ui.scale_scanning import resolve_scan
from pos.ui.shipping_words import delivery_notice
from pos.ui.worker import TaskRunner, UnexpectedError
from pos.views import Actor, CartView, StoreSettingsView

log = logging.getLogger("pos.ui.sale")

UNEXPECTED_NOTICE = "Unexpected error; the outcome is unknown, the cart has been reloaded."
RELEASED_NOTICE = "This sale was released by a manager; the cart is empty again."
OFFLINE_NOTICE = (
    "Offline \u2014 nothing was changed. Sales resume when the store database is reachable again."
)


def empty_cart(counter_code: str | None) -> CartView:
    zero = Decimal("0.00")
    return CartView(None, counter_code, (), 0, zero, zero, zero, zero)


class SaleController(QObject):
    cartChanged = Signal(object)  # CartView, the newest the database gave back
    busyChanged = Signal(bool)  # a cart change is running or queued
    noticed = Signal(str, str)  # kind ("success" | "info" | "error"), plain text
    lineAdded = Signal(object)  # product id of the line just added or increased
    scanFailed = Signal(str)  # the code that was refused (the view marks it)
    scanRefused = Signal(str, object)  # code, PosError: details carry "product_id" if found
    scanAdded = Signal(str, object)  # code, product id: one unit of it is in the cart
    saleReleased = Signal()  # a manager released this counter's open cart

    def __init__(
        self, store: Store, actor: Actor, runner: TaskRunner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.runner = runner
        # Scale label layouts (pos.devices.scale.codes); the counter window sets them.
        self.scale_rules: tuple[ScaleRule, ...] = ()
        self.cart = empty_cart(actor.counter_code)
        self.online = True
        self.pending_scans = 0
        self._voiding: set[int] = set()  # carts this counter is releasing itself
        self.settings: StoreSettingsView | None = None  # set by the window when read
        runner.writingChanged.connect(self.busyChanged)

    # -- state -------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.runner.writing

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        self.load_cart()

    def can_sell(self) -> bool:
        """Offline, refuse at once (no network wait) and keep the cart shown as it is."""
        if not self.online:
            self.noticed.emit("error", OFFLINE_NOTICE)
        return self.online

    def show(self, cart: CartView) -> None:
        """A cart another part changed (the checkout dialog's delivery box)."""
        self._apply(cart)

    def _apply(self, cart: CartView) -> None:
        self.cart = cart
        self.cartChanged.emit(cart)

    def _failed(self, err: PosError) -> None:
        if isinstance(err, UnexpectedError):
            self.noticed.emit("error", UNEXPECTED_NOTICE)
            self.load_cart()
            return
        self.noticed.emit("error", err.message)
        if err.code == ErrorCode.DATABASE_ERROR:
            # The outcome may be unknown (connection lost at commit): show what the
            # database holds rather than what this screen assumed.
            self.load_cart()

    # -- ops -----------------------------------------------------------------------------
    def load_cart(self) -> None:
        """Read the counter's cart again (after the writes already queued)."""
        store, actor = self.store, self.actor
        self.runner.write(lambda: store.cart.current(actor), self._apply, self._load_failed)

    def _load_failed(self, err: PosError) -> None:
        if isinstance(err, UnexpectedError):
            self.noticed.emit("error", "Unexpected error while reading the cart; see pos.log.")
        else:
            self.noticed.emit("error", err.message)

    def scan(self, code: str) -> bool:
        """Queue one unit of the product with this barcode or SKU; False if refused now."""
        code = code.strip()
        if not code or not self.can_sell():
            return False
        store, actor = self.store, self.actor
        self.pending_scans += 1

        rules, currency = self.scale_rules, self.settings.currency if self.settings else "USD"

        def work() -> tuple[CartView, uuid.UUID]:
            product, quantity = resolve_scan(store, actor, code, rules, currency)
            try:
                return store.cart.add(actor, product.id, quantity), product.id
            except PosError as err:  # the scan problem row needs to know which product
                err.details.setdefault("product_id", str(product.id))
                raise

        def done(result: tuple[CartView, uuid.UUID]) -> None:
            self.pending_scans -= 1
            cart, product_id = result
            self._added(cart, product_id)
            self.scanAdded.emit(code, product_id)

        def failed(err: PosError) -> None:
            self.pending_scans -= 1
            self.scanFailed.emit(code)
            self.scanRefused.emit(code, err)
            self._failed(err)

        self.runner.write(work, done, failed)
        return True

    def add(self, product_id: uuid.UUID, quantity: int = 1) -> bool:
        """Queue adding `quantity` of a product; False if refused now (offline)."""
        if not self.can_sell():
            return False
        store, actor = self.store, self.actor
        self.runner.write(
            lambda: store.cart.add(actor, product_id, quantity),
            lambda cart: self._added(cart, product_id),
            self._failed,
        )
        return True

    def _added(self, cart: CartView, product_id: uuid.UUID) -> None:
        self._apply(cart)
        line = cart.line(product_id)
        if line is not None:
            self.noticed.emit("success", f"Added {line.name} \u00b7 {line.quantity} in cart")
            self.lineAdded.emit(product_id)

    def set_quantities(self, quantities: dict[uuid.UUID, int]) -> None:
        """Send edited quantities (one write, every line tried; the first refusal shown)."""
        if not quantities:
            return
        store, actor = self.store, self.actor

        def work() -> tuple[CartView | None, PosError | None]:
            cart, failed = None, None
            for product_id, quantity in quantities.items():
                try:
                    cart = store.cart.update(actor, product_id, quantity)
                except PosError as err:
                    failed = failed or err
            if cart is None:
                cart = store.cart.current(actor)
            return cart, failed

        def done(result: tuple[CartView, PosError | None]) -> None:
            cart, failed = result
            self._apply(cart)
            if failed is not None:
                self.noticed.emit("error", failed.message)
            elif len(quantities) == 1:
                ((product_id, quantity),) = quantities.items()
                line = cart.line(product_id)
                if line is not None:
                    self.noticed.emit("success", f"{line.name}: quantity {quantity}")

        self.runner.write(work, done, self._failed)

    def remove(self, product_id: uuid.UUID, name: str) -> bool:
        if not self.can_sell():
            return False
        store, actor = self.store, self.actor

        def done(cart: CartView) -> None:
            self._apply(cart)
            self.noticed.emit("success", f"Removed {name}")

        def failed(err: PosError) -> None:
            self._failed(err)
            if not isinstance(err, UnexpectedError) and err.code != ErrorCode.DATABASE_ERROR:
                self.load_cart()

        self.runner.write(lambda: store.cart.remove(actor, product_id), done, failed)
        return True

    def set_delivery(self, delivery: bool) -> None:
        store, actor = self.store, self.actor

        def done(cart: CartView) -> None:
            self._apply(cart)

            def money(amount: Decimal) -> str:
                return format_money(amount, cart.currency)

            self.noticed.emit("info", delivery_notice(cart, self.settings, money))

        def failed(err: PosError) -> None:
            self._apply(self.cart)  # the box goes back to what the cart says
            self._failed(err)

        self.runner.write(lambda: store.cart.set_delivery(actor, delivery), done, failed)

    def void(self) -> bool:
        """Release this counter's cart (the view asked the clerk first)."""
        cart_id = self.cart.cart_id
        if not self.can_sell() or cart_id is None:
            return False
        store, actor = self.store, self.actor
        self._voiding.add(cart_id)

        def work() -> CartView:
            store.carts.release(actor, cart_id, note="voided at the counter")
            return store.cart.current(actor)

        def done(cart: CartView) -> None:
            self._voiding.discard(cart_id)
            self._apply(cart)
            self.noticed.emit("success", "Sale voided; the items are back in stock.")

        def failed(err: PosError) -> None:
            self._voiding.discard(cart_id)
            self._failed(err)

        self.runner.write(work, done, failed)
        return True

    # -- changes made elsewhere ----------------------------------------------------------
    def on_change(self, change: Change, initiator: str | None) -> None:
        """A manager released this counter's cart: say so at once and show it empty."""
        if change.kind != ChangeKind.CARTS or change.initiated_by(initiator):
            return
        cart_id = self.cart.cart_id
        if cart_id is None or cart_id not in change.ids or cart_id in self._voiding:
            return
        self._apply(empty_cart(self.actor.counter_code))
        self.noticed.emit("error", RELEASED_NOTICE)
        self.saleReleased.emit()
        self.load_cart()
