"""`pos check`: the invariants of DESIGN.md, verified against the whole database."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select

from pos.models import (
    CART_REASONS,
    Cart,
    CartLine,
    Order,
    OrderItem,
    Payment,
    Product,
    StockMovement,
)
from pos.services.plumbing.uow import Tx, UnitOfWork
from pos.services.pricing.totals import tax_cents
from pos.views import AuditReport

MAX_LISTED = 50  # per kind of problem; the count says how many more


class AuditService:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def check(self) -> AuditReport:
        return self._uow.run(_check, operation="audit.check", write=False)


def _check(tx: Tx) -> AuditReport:
    problems: list[str] = []
    s = tx.session

    negative = s.execute(
        select(Product.sku, Product.stock_quantity).where(Product.stock_quantity < 0)
    ).all()
    problems += [f"product {sku}: stock {q} is negative" for sku, q in negative]

    ledger = (
        select(StockMovement.product_id, func.sum(StockMovement.delta).label("total"))
        .group_by(StockMovement.product_id)
        .subquery()
    )
    mismatched = s.execute(
        select(Product.sku, Product.stock_quantity, func.coalesce(ledger.c.total, 0))
        .outerjoin(ledger, ledger.c.product_id == Product.id)
        .where(Product.stock_quantity != func.coalesce(ledger.c.total, 0))
    ).all()
    problems += _capped(
        [f"product {sku}: stock {q} but ledger sums to {t}" for sku, q, t in mismatched]
    )

    products = s.execute(select(func.count(Product.id))).scalar_one()
    carts_checked = _check_carts(tx, problems)
    orders_checked = _check_orders(tx, problems)
    return AuditReport(not problems, tuple(problems), products, orders_checked, carts_checked)


def _check_carts(tx: Tx, problems: list[str]) -> int:
    """Stock a cart holds must equal what its cart movements took and did not give back."""
    s = tx.session
    status = dict(s.execute(select(Cart.id, Cart.status)).all())
    taken: dict[tuple[int | None, Any], int] = defaultdict(int)
    for cart_id, pid, total in s.execute(
        select(StockMovement.cart_id, StockMovement.product_id, func.sum(StockMovement.delta))
        .where(StockMovement.cart_id.is_not(None), StockMovement.reason.in_(CART_REASONS))
        .group_by(StockMovement.cart_id, StockMovement.product_id)
    ):
        taken[(cart_id, pid)] = -int(total)
    held: dict[tuple[int | None, Any], int] = defaultdict(int)
    for cart_id, pid, qty in s.execute(
        select(CartLine.cart_id, CartLine.product_id, CartLine.quantity)
    ):
        if status.get(cart_id) == "open":
            held[(cart_id, pid)] = qty
    sold: dict[tuple[int | None, Any], int] = defaultdict(int)
    for cart_id, pid, qty in s.execute(
        select(Order.cart_id, OrderItem.product_id, OrderItem.quantity).join(
            Order, Order.id == OrderItem.order_id
        )
    ):
        sold[(cart_id, pid)] += qty
    found = []
    for key in set(taken) | set(held) | set(sold):
        cart_id, pid = key
        state = status.get(cart_id) if cart_id is not None else None
        expected = {"open": held[key], "checked_out": sold[key], "released": 0}.get(state or "", 0)
        if taken[key] != expected:
            found.append(
                f"cart {cart_id} ({state}): product {pid} holds {expected} "
                f"but its movements took {taken[key]}"
            )
    problems += _capped(sorted(found))
    return len(status)


def _check_orders(tx: Tx, problems: list[str]) -> int:
    s = tx.session
    items: dict[int, int] = defaultdict(int)
    found = []
    for order_id, unit, qty, line_total in s.execute(
        select(
            OrderItem.order_id,
            OrderItem.unit_price_cents,
            OrderItem.quantity,
            OrderItem.line_total_cents,
        )
    ):
        if unit * qty != line_total:
            found.append(f"order {order_id}: line total {line_total} != {unit} x {qty}")
        items[order_id] += line_total
    paid: dict[int, int] = defaultdict(int)
    for order_id, amount in s.execute(select(Payment.order_id, Payment.amount_cents)):
        paid[order_id] += amount
    orders = s.execute(select(Order)).scalars().all()
    for o in orders:
        n = o.order_number
        if items[o.id] != o.subtotal_cents:
            found.append(f"order {n}: subtotal {o.subtotal_cents} != items {items[o.id]}")
        if o.subtotal_cents + o.tax_cents + o.shipping_cents != o.total_cents:
            found.append(f"order {n}: total {o.total_cents} != subtotal + tax + shipping")
        if tax_cents(o.subtotal_cents, o.tax_rate_ppm) != o.tax_cents:
            found.append(f"order {n}: tax {o.tax_cents} does not match its rate")
        if paid[o.id] != o.tendered_cents or o.tendered_cents - o.change_cents != o.total_cents:
            found.append(
                f"order {n}: payments {paid[o.id]} - change {o.change_cents} "
                f"!= total {o.total_cents}"
            )
        if o.change_cents < 0:
            found.append(f"order {n}: negative change")
    problems += _capped(found)
    return len(orders)


def _capped(found: list[str]) -> list[str]:
    if len(found) <= MAX_LISTED:
        return found
    return found[:MAX_LISTED] + [f"... and {len(found) - MAX_LISTED} more like these"]
