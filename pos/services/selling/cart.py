"""The counter's cart: add, update, remove, following the seed's stock flows.

Adding takes stock at once (the item is in the customer's hands at the counter);
removing or lowering a quantity gives it back. Each call is one transaction that
locks the cart row first, then the product.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from pos.errors import ErrorCode, PosError
from pos.gateway import LineCapExceeded, gateway
from pos.logs import log_cart_action
from pos.models import MAX_LINE_QUANTITY, Cart, CartLine, Customer, utcnow
from pos.services.plumbing import bounds, validation
from pos.services.plumbing.events import EventHub
from pos.services.plumbing.uow import Tx, UnitOfWork, records_failures
from pos.services.selling.cart_reads import (
    CartRows,
    LineRow,
    OpenCart,
    build_snapshot,
    lock_open_cart,
    read_rows,
    snapshot,
    with_line,
)
from pos.services.selling.stock import Ledger, change_cart_line, return_from_cart, take_for_cart
from pos.views import Actor, CartView


@records_failures("cart")
class CartService:
    def __init__(self, uow: UnitOfWork, events: EventHub) -> None:
        self._uow = uow
        self._events = events

    # -- reads -----------------------------------------------------------------------
    def current(self, actor: Actor) -> CartView:
        """The counter's open cart (found again after a crash or sign-out), or an empty one."""
        counter_id = validation.require_counter(actor)

        def work(tx: Tx) -> CartView:
            row = tx.session.execute(
                select(Cart.id, Cart.delivery, Cart.customer_id).where(
                    Cart.counter_id == counter_id, Cart.status == "open"
                )
            ).first()
            if row is None:
                return snapshot(tx, None, counter_code=actor.counter_code).view
            return self._view(tx, actor, OpenCart(row.id, row.delivery, row.customer_id))

        return self._uow.run(work, operation="cart.current", actor=actor, write=False)

    # -- writes ----------------------------------------------------------------------
    def add(self, actor: Actor, product_id: Any, quantity: Any = 1) -> CartView:
        counter_id = validation.require_counter(actor)
        pid = validation.product_id(product_id)
        qty = validation.line_quantity(quantity)

        # The cart row is locked first, so its lines cannot change under us: read them (and
        # the settings) before touching the product, and build the view from that read and
        # what the stock call returned. The hot product row is then locked only from that
        # one call to COMMIT.
        def work(tx: Tx) -> CartView:
            cart = self._lock_or_open(tx, actor, counter_id)
            rows = read_rows(tx, cart.id)
            ledger = Ledger("cart_add", actor.user_id, counter_id, cart_id=cart.id)
            try:
                taken = take_for_cart(tx, pid, qty, ledger)
            except LineCapExceeded:
                raise _line_cap(pid, qty) from None
            stock = taken.stock
            line = LineRow(
                pid,
                stock.sku,
                stock.name,
                taken.unit_price_cents,
                taken.line_quantity,
                stock.stock_after,
            )
            tx.after_commit(lambda: log_cart_action("add", actor.user_id, pid, qty))
            return self._view_of(actor, cart, with_line(rows, pid, line))

        return self._run(work, "cart.add", actor, pid)

    def update(self, actor: Actor, product_id: Any, quantity: Any) -> CartView:
        """Set a line's quantity; a decrease gives the difference back to stock."""
        counter_id = validation.require_counter(actor)
        pid = validation.product_id(product_id)
        qty = validation.line_quantity(quantity)

        def work(tx: Tx) -> CartView:
            cart = self._require_cart(tx, counter_id, pid)
            current = tx.session.execute(
                select(CartLine.quantity).where(
                    CartLine.cart_id == cart.id, CartLine.product_id == pid
                )
            ).scalar_one_or_none()
            if current is None:
                raise _not_in_cart(pid)
            diff = qty - current
            if diff == 0:
                return self._view(tx, actor, cart)
            reason = "cart_add" if diff > 0 else "cart_remove"
            change_cart_line(
                tx, pid, diff, Ledger(reason, actor.user_id, counter_id, cart_id=cart.id)
            )
            tx.after_commit(lambda: log_cart_action("update", actor.user_id, pid, qty))
            return self._view(tx, actor, cart)

        return self._run(work, "cart.update", actor, pid)

    def remove(self, actor: Actor, product_id: Any) -> CartView:
        counter_id = validation.require_counter(actor)
        pid = validation.product_id(product_id)

        def work(tx: Tx) -> CartView:
            cart = self._require_cart(tx, counter_id, pid)
            rows = read_rows(tx, cart.id)
            if not any(r.product_id == pid for r in rows.lines):
                raise _not_in_cart(pid)
            ledger = Ledger("cart_remove", actor.user_id, counter_id, cart_id=cart.id)
            returned = return_from_cart(tx, pid, ledger)
            if returned is None:
                raise _not_in_cart(pid)
            removed = returned.line_quantity
            tx.after_commit(lambda: log_cart_action("remove", actor.user_id, pid, removed))
            return self._view_of(actor, cart, with_line(rows, pid, None))

        return self._run(work, "cart.remove", actor, pid)

    def set_delivery(self, actor: Actor, delivery: bool) -> CartView:
        return self._set_cart_fields(actor, "cart.set_delivery", delivery=bool(delivery))

    def set_customer(self, actor: Actor, customer_id: int | None) -> CartView:
        number = None if customer_id is None else customer_number(customer_id)
        return self._set_cart_fields(actor, "cart.set_customer", customer_id=number)

    # -- helpers ---------------------------------------------------------------------
    def _set_cart_fields(self, actor: Actor, operation: str, **values: Any) -> CartView:
        counter_id = validation.require_counter(actor)

        def work(tx: Tx) -> CartView:
            cart = self._lock_or_open(tx, actor, counter_id)
            if values.get("customer_id") is not None:
                _require_active_customer(tx, values["customer_id"])
            gateway(tx).set_cart_fields(tx, cart.id, utcnow(), **values)
            merged = OpenCart(
                cart.id,
                values.get("delivery", cart.delivery),
                values.get("customer_id", cart.customer_id),
            )
            return self._view(tx, actor, merged)

        return self._uow.run(work, operation=operation, actor=actor)

    def _run(self, work: Any, operation: str, actor: Actor, pid: uuid.UUID) -> CartView:
        view: CartView = self._uow.run(work, operation=operation, actor=actor)
        self._events.stock_changed([pid])
        return view

    def _view_of(self, actor: Actor, cart: OpenCart, rows: CartRows) -> CartView:
        return build_snapshot(
            rows,
            cart.id,
            counter_code=actor.counter_code,
            delivery=cart.delivery,
            customer_id=cart.customer_id,
        ).view

    def _view(self, tx: Tx, actor: Actor, cart: OpenCart) -> CartView:
        return self._view_of(actor, cart, read_rows(tx, cart.id))

    def _lock_or_open(self, tx: Tx, actor: Actor, counter_id: int) -> OpenCart:
        cart = lock_open_cart(tx, counter_id)
        if cart is not None:
            return cart
        # Two sessions at one counter code may open its cart at the same moment: the second
        # waits for the first, then finds and locks that cart instead of failing.
        new_id = gateway(tx).open_cart(tx, counter_id, actor.user_id, utcnow())
        if new_id is None:
            cart = lock_open_cart(tx, counter_id)
            if cart is None:  # opened and closed again in between: vanishingly rare
                raise PosError(ErrorCode.CART_CLOSED, "The counter's cart changed; try again.")
            return cart
        return OpenCart(new_id, False, None)

    def _require_cart(self, tx: Tx, counter_id: int, pid: uuid.UUID) -> OpenCart:
        cart = lock_open_cart(tx, counter_id)
        if cart is None:
            raise _not_in_cart(pid)
        return cart


def _line_cap(pid: uuid.UUID, qty: int) -> PosError:
    return PosError(
        ErrorCode.INVALID_QUANTITY,
        f"A cart line can hold at most {MAX_LINE_QUANTITY}.",
        {"requested": qty, "max": MAX_LINE_QUANTITY, "product_id": str(pid)},
    )


def _not_in_cart(pid: uuid.UUID) -> PosError:
    return PosError(
        ErrorCode.ITEM_NOT_IN_CART, "That item is not in the cart.", {"product_id": str(pid)}
    )


def customer_number(value: Any) -> int:
    """A customer number as the int the database stores (Decimal("1") or "1" become 1), or
    VALIDATION_ERROR for a number no customer can have; checked before any SQL."""
    return bounds.record_id(value, "customer_id", label="Customer number")


def _require_active_customer(tx: Tx, customer_id: Any) -> str:
    """The customer's name, or INVALID_CUSTOMER unless registered and active."""
    # A number no customer can have is an input error (VALIDATION_ERROR); a well-formed
    # number of an unknown or inactive customer is INVALID_CUSTOMER below.
    cid = customer_number(customer_id)
    row = tx.session.execute(
        select(Customer.active, Customer.name).where(Customer.id == cid)
    ).first()
    if row is None or not row.active:
        raise PosError(
            ErrorCode.INVALID_CUSTOMER,
            "That customer is not a registered, active customer.",
            {"customer_id": customer_id},
        )
    return str(row.name)
