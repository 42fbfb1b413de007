"""Checkout: the open cart becomes an order. Stock was taken when items were added.

Submitting twice cannot create two orders: the cart row is locked, orders.cart_id
is unique, and a repeat of a finished checkout (same cart_id) returns the order
that was already made.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Integer, bindparam, insert, select, text, update

from pos.errors import ErrorCode, PosError
from pos.models import Cart, Order, OrderItem, Payment, User, utcnow
from pos.models.base import UtcDateTime
from pos.money import from_cents, to_cents
from pos.services.plumbing import bounds, validation
from pos.services.plumbing.events import EventHub
from pos.services.plumbing.uow import Tx, UnitOfWork, records_failures
from pos.services.pricing.totals import totals
from pos.services.selling.cart import _require_active_customer
from pos.services.selling.cart_reads import OpenCart, lock_open_cart, snapshot
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
            code=ErrorCode.INVALID_PAYMENT,
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


# PostgreSQL: the order, its items, its payments and the cart's new status in one statement.
_PG_PLACE_ORDER = text(
    """
    WITH placed AS (
        INSERT INTO orders (order_number, cart_id, counter_id, user_id, customer_id, delivery,
                            subtotal_cents, tax_cents, shipping_cents, total_cents,
                            tendered_cents, change_cents, tax_rate_ppm, currency, created_at)
        VALUES (:number, :cart_id, :counter_id, :user_id, :customer_id, :delivery,
                :subtotal, :tax, :shipping, :total, :tendered, :change, :tax_rate_ppm,
                :currency, :now)
        RETURNING id
    ), items AS (
        INSERT INTO order_items (order_id, product_id, sku, name, unit_price_cents, quantity,
                                 line_total_cents)
        SELECT placed.id, x.product_id, x.sku, x.name, x.unit, x.quantity, x.line_total
          FROM placed,
               unnest(CAST(:product_ids AS UUID[]), CAST(:skus AS VARCHAR[]),
                      CAST(:names AS VARCHAR[]), CAST(:units AS BIGINT[]),
                      CAST(:quantities AS INTEGER[]), CAST(:line_totals AS BIGINT[]))
                   WITH ORDINALITY AS x(product_id, sku, name, unit, quantity, line_total, n)
         ORDER BY x.n
    ), paid AS (
        INSERT INTO payments (order_id, method, amount_cents)
        SELECT placed.id, y.method, y.amount
          FROM placed,
               unnest(CAST(:methods AS VARCHAR[]), CAST(:amounts AS BIGINT[]))
                   WITH ORDINALITY AS y(method, amount, n)
         ORDER BY y.n
    ), closed AS (
        UPDATE carts
           SET status = 'checked_out', closed_at = :now, closed_by = :user_id,
               updated_at = :now, delivery = :delivery, customer_id = :customer_id
         WHERE id = :cart_id
    )
    SELECT id FROM placed
    """
).bindparams(
    bindparam("now", type_=UtcDateTime()),
    bindparam("delivery", type_=Boolean()),
    bindparam("customer_id", type_=Integer()),
)


def _place_order_pg(
    tx: Tx,
    actor: Actor,
    counter_id: int,
    cart_id: int,
    number: str,
    customer: int | None,
    ship: bool,
    t: Any,
    parsed: list[tuple[str, int]],
    change: int,
    tax_rate_ppm: int,
    view: Any,
    now: Any,
) -> int:
    lines = view.lines
    return int(
        tx.session.execute(
            _PG_PLACE_ORDER,
            {
                "number": number,
                "cart_id": cart_id,
                "counter_id": counter_id,
                "user_id": actor.user_id,
                "customer_id": customer,
                "delivery": ship,
                "subtotal": t.subtotal,
                "tax": t.tax,
                "shipping": t.shipping,
                "total": t.total,
                "tendered": sum(c for _, c in parsed),
                "change": change,
                "tax_rate_ppm": tax_rate_ppm,
                "currency": view.currency,
                "now": now,
                "product_ids": [line.product_id for line in lines],
                "skus": [line.sku for line in lines],
                "names": [line.name for line in lines],
                "units": [to_cents(line.unit_price) for line in lines],
                "quantities": [line.quantity for line in lines],
                "line_totals": [to_cents(line.line_total) for line in lines],
                "methods": [m for m, _ in parsed],
                "amounts": [c for _, c in parsed],
            },
        ).scalar_one()
    )


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
            number = f"{actor.counter_code}-{now:%y%m%d}-{cart.id:06d}"
            if tx.is_postgres:
                order_id = _place_order_pg(
                    tx,
                    actor,
                    counter_id,
                    cart.id,
                    number,
                    customer,
                    ship,
                    t,
                    parsed,
                    change,
                    snap.rules.tax_rate_ppm,
                    view,
                    now,
                )
                # Everything the receipt shows is known here: build it instead of reading
                # the order back (what load_order would return, without three queries).
                return OrderView(
                    id=order_id,
                    order_number=number,
                    cart_id=cart.id,
                    created_at=now,
                    counter_code=str(actor.counter_code),
                    clerk=clerk.username,
                    customer_id=customer,
                    customer_name=customer_name,
                    delivery=ship,
                    lines=tuple(
                        OrderLineView(
                            line.product_id,
                            line.sku,
                            line.name,
                            line.unit_price,
                            line.quantity,
                            line.line_total,
                        )
                        for line in view.lines
                    ),
                    payments=tuple(PaymentView(m, from_cents(c)) for m, c in parsed),
                    subtotal=from_cents(t.subtotal),
                    tax=from_cents(t.tax),
                    shipping=from_cents(t.shipping),
                    total=from_cents(t.total),
                    tendered=from_cents(sum(c for _, c in parsed)),
                    change_due=from_cents(change),
                    currency=view.currency,
                    store_name=snap.store_name or "",
                )
            order_id = tx.session.execute(
                insert(Order)
                .values(
                    order_number=number,
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
                )
                .returning(Order.id)
            ).scalar_one()
            tx.session.execute(
                insert(OrderItem),
                [
                    {
                        "order_id": order_id,
                        "product_id": line.product_id,
                        "sku": line.sku,
                        "name": line.name,
                        "unit_price_cents": to_cents(line.unit_price),
                        "quantity": line.quantity,
                        "line_total_cents": to_cents(line.line_total),
                    }
                    for line in view.lines
                ],
            )
            tx.session.execute(
                insert(Payment),
                [{"order_id": order_id, "method": m, "amount_cents": c} for m, c in parsed],
            )
            tx.session.execute(
                update(Cart)
                .where(Cart.id == cart.id)
                .values(
                    status="checked_out",
                    closed_at=now,
                    closed_by=actor.user_id,
                    updated_at=now,
                    delivery=ship,
                    customer_id=customer,
                )
            )
            return load_order(tx, order_id)

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
        if row is None:
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
