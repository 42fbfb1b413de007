"""Reading a cart with its totals in one query (lines, products and store settings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select

from pos.models import Cart, CartLine, Product, StoreSettings
from pos.money import from_cents
from pos.services.plumbing.uow import Tx
from pos.services.pricing.totals import PriceRules, line_cents, totals
from pos.views import CartLineView, CartView


@dataclass(frozen=True)
class OpenCart:
    id: int
    delivery: bool
    customer_id: int | None


@dataclass(frozen=True)
class CartSnapshot:
    view: CartView
    rules: PriceRules
    require_customer: bool
    store_name: str


def lock_open_cart(tx: Tx, counter_id: int) -> OpenCart | None:
    """The counter's open cart, locked: always the first lock a cart operation takes."""
    row = tx.session.connection().execute(_LOCK_OPEN_CART, {"counter_id": counter_id}).first()
    return OpenCart(row[0], row[1], row[2]) if row else None


# Built once: a statement object reused keeps its cache key, so each call skips building
# the construct and re-deriving the compiled-SQL cache key.
_LOCK_OPEN_CART = (
    select(Cart.id, Cart.delivery, Cart.customer_id)
    .where(Cart.counter_id == bindparam("counter_id"), Cart.status == "open")
    .with_for_update()
)
_SNAPSHOT = (
    select(
        StoreSettings.tax_rate_ppm,
        StoreSettings.shipping_fee_cents,
        StoreSettings.free_shipping_over_cents,
        StoreSettings.currency,
        StoreSettings.require_customer,
        StoreSettings.store_name,
        CartLine.product_id,
        Product.sku,
        Product.name,
        CartLine.unit_price_cents,
        CartLine.quantity,
        Product.stock_quantity,
    )
    .select_from(StoreSettings)
    .outerjoin(CartLine, CartLine.cart_id == bindparam("cart_id"))
    .outerjoin(Product, Product.id == CartLine.product_id)
    .where(StoreSettings.id == 1)
    .order_by(CartLine.id)
)
_SETTINGS_ONLY = _SNAPSHOT.where(CartLine.id.is_(None))


def read_rows(tx: Tx, cart_id: int | None) -> list[tuple[Any, ...]]:
    """Settings left-joined to the cart's lines: one round trip even for an empty cart.

    Each row: 6 settings columns, then product_id, sku, name, unit_price_cents, quantity,
    stock_quantity (all None for the one row of an empty cart)."""
    # Core statements straight on the connection: the ORM execution path adds nothing here.
    execute = tx.session.connection().execute
    params = {"cart_id": cart_id}
    rows = [tuple(r) for r in execute(_SNAPSHOT, params)] if cart_id is not None else []
    if not rows:
        rows = [tuple(r) for r in execute(_SETTINGS_ONLY, params)]
    if not rows:
        raise RuntimeError("store settings row missing: run `pos migrate`")
    return rows


def with_line(
    rows: list[tuple[Any, ...]],
    product_id: Any,
    line: tuple[str, str, int, int, int] | None,
) -> list[tuple[Any, ...]]:
    """Rows as read, with one product's line replaced, appended (a new line is the newest,
    so it sorts last) or, with line=None, dropped. line: sku, name, unit price, quantity,
    stock."""
    settings = rows[0][:6]
    lines = [r for r in rows if r[6] is not None]
    changed = settings + ((product_id, *line) if line is not None else ())
    out = []
    replaced = False
    for r in lines:
        if r[6] == product_id:
            replaced = True
            if line is not None:
                out.append(changed)
        else:
            out.append(r)
    if not replaced and line is not None:
        out.append(changed)
    return out or [settings + (None,) * 6]


def snapshot(
    tx: Tx,
    cart_id: int | None,
    *,
    counter_code: str | None,
    delivery: bool = False,
    customer_id: int | None = None,
) -> CartSnapshot:
    """The cart with its totals, read in one query."""
    return build_snapshot(
        read_rows(tx, cart_id),
        cart_id,
        counter_code=counter_code,
        delivery=delivery,
        customer_id=customer_id,
    )


def build_snapshot(
    rows: list[tuple[Any, ...]],
    cart_id: int | None,
    *,
    counter_code: str | None,
    delivery: bool = False,
    customer_id: int | None = None,
) -> CartSnapshot:
    first = rows[0]
    rules = PriceRules(first[0], first[1], first[2])
    lines = tuple(
        CartLineView(
            product_id=r[6],
            sku=r[7],
            name=r[8],
            unit_price=from_cents(r[9]),
            quantity=r[10],
            line_total=from_cents(line_cents(r[9], r[10])),
            stock_quantity=r[11],
        )
        for r in rows
        if r[6] is not None
    )
    subtotal = sum(line_cents(r[9], r[10]) for r in rows if r[6] is not None)
    t = totals(subtotal, rules, delivery).as_decimal()
    view = CartView(
        cart_id=cart_id,
        counter_code=counter_code,
        lines=lines,
        item_count=sum(line.quantity for line in lines),
        subtotal=t.subtotal,
        tax=t.tax,
        shipping=t.shipping,
        total=t.total,
        delivery=delivery,
        customer_id=customer_id,
        currency=first[3],
    )
    return CartSnapshot(view, rules, bool(first[4]), first[5])
