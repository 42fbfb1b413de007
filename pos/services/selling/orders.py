"""Reading finished orders back as OrderView (receipts, reprints, reports)."""

from __future__ import annotations

from sqlalchemy import select

from pos.errors import ErrorCode, PosError
from pos.limits import ORDER_NUMBER_MAX
from pos.models import Counter, Customer, Order, OrderItem, Payment, StoreSettings, User
from pos.money import from_cents
from pos.services.plumbing import bounds, validation
from pos.services.plumbing.uow import Tx, UnitOfWork, records_failures
from pos.views import Actor, OrderLineView, OrderView, PaymentView


def load_order(tx: Tx, order_id: int) -> OrderView:
    row = tx.session.execute(
        select(Order, Counter.code, User.username, Customer.name, StoreSettings.store_name)
        .join(Counter, Counter.id == Order.counter_id)
        .join(User, User.id == Order.user_id)
        .outerjoin(Customer, Customer.id == Order.customer_id)
        .outerjoin(StoreSettings, StoreSettings.id == 1)
        .where(Order.id == order_id)
    ).first()
    if row is None:
        raise PosError(ErrorCode.NOT_FOUND, "Order not found.", {"order_id": order_id})
    order, counter_code, clerk, customer_name, store_name = row
    items = tx.session.execute(
        select(OrderItem).where(OrderItem.order_id == order_id).order_by(OrderItem.id)
    ).scalars()
    pays = tx.session.execute(
        select(Payment).where(Payment.order_id == order_id).order_by(Payment.id)
    ).scalars()
    return OrderView(
        id=order.id,
        order_number=order.order_number,
        cart_id=order.cart_id,
        created_at=order.created_at,
        counter_code=counter_code,
        clerk=clerk,
        customer_id=order.customer_id,
        customer_name=customer_name,
        delivery=order.delivery,
        lines=tuple(
            OrderLineView(
                product_id=i.product_id,
                sku=i.sku,
                name=i.name,
                unit_price=from_cents(i.unit_price_cents),
                quantity=i.quantity,
                line_total=from_cents(i.line_total_cents),
            )
            for i in items
        ),
        payments=tuple(PaymentView(p.method, from_cents(p.amount_cents)) for p in pays),
        subtotal=from_cents(order.subtotal_cents),
        tax=from_cents(order.tax_cents),
        shipping=from_cents(order.shipping_cents),
        total=from_cents(order.total_cents),
        tendered=from_cents(order.tendered_cents),
        change_due=from_cents(order.change_cents),
        currency=order.currency,
        store_name=store_name or "",
    )


@records_failures("orders")
class OrderService:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def get(self, actor: Actor, order_number: str) -> OrderView:
        validation.require_actor(actor)
        order_number = validation.text(order_number, "order number", max_length=ORDER_NUMBER_MAX)

        def work(tx: Tx) -> OrderView:
            order_id = tx.session.execute(
                select(Order.id).where(Order.order_number == order_number)
            ).scalar()
            if order_id is None:
                raise PosError(
                    ErrorCode.NOT_FOUND, "Order not found.", {"order_number": order_number}
                )
            return load_order(tx, order_id)

        return self._uow.run(work, operation="orders.get", actor=actor, write=False)

    def recent(self, actor: Actor, limit: int = 20) -> list[OrderView]:
        """This counter's latest orders (a manager without a counter sees every counter's)."""
        validation.require_actor(actor)
        limit = bounds.row_limit(limit)

        def work(tx: Tx) -> list[OrderView]:
            stmt = select(Order.id).order_by(Order.id.desc()).limit(limit)
            if not actor.is_manager or actor.counter_id is not None:
                stmt = stmt.where(Order.counter_id == actor.counter_id)
            return [load_order(tx, oid) for oid in tx.session.execute(stmt).scalars()]

        return self._uow.run(work, operation="orders.recent", actor=actor, write=False)
