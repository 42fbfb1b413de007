"""Checkout: the open cart becomes an order. Stock was taken when items were added.

Submitting twice cannot create two orders: the cart row is locked, orders.cart_id
is unique, and a repeat of a finished checkout (same cart_id) returns the order
that was already made.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from pos.errors import ErrorCode, PosError
from pos.gateway import NewOrder, OrderLine, gateway
from pos.limits import order_number
from pos.models import Cart, Order, User, utcnow
from pos.money import from_cents, to_cents
from pos.services.plumbing import bounds, validation
from pos.services.plumbing.events import EventHub
from pos.services.plumbing.uow import Tx, UnitOfWork, records_failures
from pos.services.pricing.totals import totals
from pos.services.selling.cart import _require_active_customer, customer_number
from pos.services.selling.cart_reads import CartSnapshot, OpenCart, lock_open_cart, snapshot
from pos.services.selling.orders import load_order
from pos.views import Actor, OrderLineView, OrderView, PaymentView

PAYMENT_METHODS = ("cash", "card")


def parse_payments(payments: Any) -> list[tuple[str, int]]:
    try:
        items = [(str(method).strip().lower(), amount) for method, amount in payments]
    except (TypeError, ValueError):
        raise PosError(
            ErrorCode.INVALID_PAYMENT, "Payments must be (method, amount) pairs."
        ) from None
    parsed = []
    for method, amount in items:
        if method not in PAYMENT_METHODS:
            raise PosError(
                ErrorCode.INVALID_PAYMENT,
                f"Unknown payment method {method!r}.",
                {"method": method, "allowed": list(PAYMENT_METHODS)},
            )
        cents = bounds.money(
            amount,
            "payment",
            label="A payment",
            minimum_cents=1,
            maximum_cents=bounds.MAX_PAYMENT_CENTS,
        )
        parsed.append((method, cents))
    if not parsed:
        raise PosError(ErrorCode.INVALID_PAYMENT, "No payment was given.")
    return parsed


def change_due(payments: list[tuple[str, int]], total_cents: int) -> int:
    """Cash may exceed the total (change is given); cards may not pay more than is due."""
    tendered = sum(cents for _, cents in payments)
    card = sum(cents for method, cents in payments if method == "card")
    if tendered < total_cents:
        raise PosError(
            ErrorCode.PAYMENT_INSUFFICIENT,
            f"Payment is short by {Decimal(total_cents - tendered) / 100:.2f}.",
            {
                "due": f"{Decimal(total_cents) / 100:.2f}",
                "tendered": f"{Decimal(tendered) / 100:.2f}",
            },
        )
    if card > total_cents:
        raise PosError(
            ErrorCode.INVALID_PAYMENT,
            "A card cannot be charged more than the amount due.",
            {"due": f"{Decimal(total_cents) / 100:.2f}", "card": f"{Decimal(card) / 100:.2f}"},
        )
    return tendered - total_cents


@records_failures("checkout")
class CheckoutService:
    def __init__(self, uow: UnitOfWork, events: EventHub) -> None:
        self._uow = uow
        self._events = events

    def complete(
        self,
        actor: Actor,
        payments: Any,
        customer_id: int | None = None,
        delivery: bool | None = None,
        cart_id: int | None = None,
    ) -> OrderView:
        counter_id = validation.require_counter(actor)
        parsed = parse_payments(payments)
        if customer_id is not None:
            customer_id = customer_number(customer_id)
        if cart_id is not None:
            cart_id = bounds.record_id(cart_id, "cart_id", label="Cart number")

        def work(tx: Tx) -> OrderView:
            cart = self._lock_cart(tx, actor, counter_id, cart_id)
            if isinstance(cart, OrderView):
                return cart  # this cart was already checked out: same order, nothing new
            clerk = tx.session.execute(
                select(User.active, User.username).where(User.id == actor.user_id)
            ).first()
            if clerk is None or not clerk.active:
                raise PosError(
                    ErrorCode.NOT_AUTHENTICATED,
                    "This clerk account is not active; sign in again.",
                    {"user": actor.username},
                )
            ship = cart.delivery if delivery is None else bool(delivery)
            customer = customer_id if customer_id is not None else cart.customer_id
            snap = snapshot(
                tx, cart.id, counter_code=actor.counter_code, delivery=ship, customer_id=customer
            )
            view = snap.view
            if not view.lines:
                raise PosError(ErrorCode.EMPTY_CART, "The cart is empty.", {"cart_id": cart.id})
            customer_name = None
            if customer is not None:
                customer_name = _require_active_customer(tx, customer)
            elif snap.require_customer:
                raise PosError(
                    ErrorCode.CUSTOMER_REQUIRED,
                    "This store requires a registered customer for every sale.",
                )
            subtotal = to_cents(view.subtotal)
            t = totals(subtotal, snap.rules, ship)
            change = change_due(parsed, t.total)
            now = utcnow()
            number = order_number(str(actor.counter_code), now, cart.id)
            lines = tuple(
                OrderLine(
                    line.product_id,
                    line.sku,
                    line.name,
                    to_cents(line.unit_price),
                    line.quantity,
                    to_cents(line.line_total),
                )
                for line in view.lines
            )
            order = NewOrder(
                number=number,
                cart_id=cart.id,
                counter_id=counter_id,
                user_id=actor.user_id,
                customer_id=customer,
                delivery=ship,
                subtotal_cents=t.subtotal,
                tax_cents=t.tax,
                shipping_cents=t.shipping,
                total_cents=t.total,
                tendered_cents=sum(c for _, c in parsed),
                change_cents=change,
                tax_rate_ppm=snap.rules.tax_rate_ppm,
                currency=view.currency,
                created_at=now,
                lines=lines,
                payments=tuple(parsed),
            )
            order_id = gateway(tx).place_order(tx, order)
            # Everything the receipt shows is known here: build it instead of reading the
            # order back (what orders.get returns, without three queries; a test holds
            # them equal on both backends).
            return _order_view(order_id, order, actor, clerk.username, customer_name, snap)

        return self._uow.run(work, operation="checkout.complete", actor=actor)

    def _lock_cart(
        self, tx: Tx, actor: Actor, counter_id: int, cart_id: int | None
    ) -> OpenCart | OrderView:
        if cart_id is None:
            cart = lock_open_cart(tx, counter_id)
            if cart is None:
                raise PosError(ErrorCode.EMPTY_CART, "The cart is empty.")
            return cart
        row = tx.session.execute(
            select(Cart.id, Cart.status, Cart.counter_id, Cart.delivery, Cart.customer_id)
            .where(Cart.id == cart_id)
            .with_for_update()
        ).first()
        if row is None:  # on PostgreSQL also another counter's cart, which a clerk cannot see
            raise PosError(
                ErrorCode.CART_NOT_FOUND, "That cart does not exist.", {"cart_id": cart_id}
            )
        if row.counter_id != counter_id:
            raise PosError(
                ErrorCode.FORBIDDEN,
                "That cart belongs to another counter.",
                {"cart_id": cart_id},
            )
        if row.status == "checked_out":
            order_id = tx.session.execute(
                select(Order.id).where(Order.cart_id == cart_id)
            ).scalar_one()
            return load_order(tx, order_id)
        if row.status != "open":
            raise PosError(
                ErrorCode.CART_CLOSED,
                "That cart was released; its items went back to stock.",
                {"cart_id": cart_id, "status": row.status},
            )
        return OpenCart(row.id, row.delivery, row.customer_id)


def _order_view(
    order_id: int,
    order: NewOrder,
    actor: Actor,
    clerk: str,
    customer_name: str | None,
    snap: CartSnapshot,
) -> OrderView:
    return OrderView(
        id=order_id,
        order_number=order.number,
        cart_id=order.cart_id,
        created_at=order.created_at,
        counter_code=str(actor.counter_code),
        clerk=clerk,
        customer_id=order.customer_id,
        customer_name=customer_name,
        delivery=order.delivery,
        lines=tuple(
            OrderLineView(
                line.product_id,
                line.sku,
                line.name,
                from_cents(line.unit_price_cents),
                line.quantity,
                from_cents(line.line_total_cents),
            )
            for line in order.lines
        ),
        payments=tuple(PaymentView(m, from_cents(c)) for m, c in order.payments),
        subtotal=from_cents(order.subtotal_cents),
        tax=from_cents(order.tax_cents),
        shipping=from_cents(order.shipping_cents),
        total=from_cents(order.total_cents),
        tendered=from_cents(order.tendered_cents),
        change_due=from_cents(order.change_cents),
        currency=order.currency,
        store_name=snap.store_name or "",
    )
