"""Reading a cart with its totals in one query (lines, products and store settings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

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
    return OpenCart(row.id, row.delivery, row.customer_id) if row else None


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


class SettingsRow(NamedTuple):
    tax_rate_ppm: int
    shipping_fee_cents: int
    free_shipping_over_cents: int
    currency: str
    require_customer: bool
    store_name: str


class LineRow(NamedTuple):
    product_id: Any
    sku: str
    name: str
    unit_price_cents: int
    quantity: int
    stock_quantity: int


class CartRows(NamedTuple):
    """The store settings and the cart's lines (oldest first), as one query read them.

    Named tuples, not dataclasses: built on every cart call, and tuples are the cheapest
    named records Python has (the hot-product benchmark notices)."""

    settings: SettingsRow
    lines: tuple[LineRow, ...]


_SETTINGS_WIDTH = len(SettingsRow._fields)


def read_rows(tx: Tx, cart_id: int | None) -> CartRows:
    """Settings left-joined to the cart's lines: one round trip even for an empty cart."""
    # Core statements straight on the connection: the ORM execution path adds nothing here.
    execute = tx.session.connection().execute
    params = {"cart_id": cart_id}
    rows = list(execute(_SNAPSHOT, params)) if cart_id is not None else []
    if not rows:
        rows = list(execute(_SETTINGS_ONLY, params))
    if not rows:
        raise RuntimeError("store settings row missing: run `pos migrate`")
    # _SNAPSHOT's columns are the settings' fields, then the line's, in these records' field
    # order (checked by test_gateway): slicing the row is the cheapest way to name them.
    settings = SettingsRow._make(rows[0][:_SETTINGS_WIDTH])
    lines = tuple(
        LineRow._make(r[_SETTINGS_WIDTH:]) for r in rows if r[_SETTINGS_WIDTH] is not None
    )
    return CartRows(settings, lines)


def with_line(rows: CartRows, product_id: Any, line: LineRow | None) -> CartRows:
    """The rows as read, with one product's line replaced, appended (a new line is the
    newest, so it sorts last) or, with line=None, dropped."""
    lines = [r for r in rows.lines if r.product_id != product_id or line is not None]
    for i, r in enumerate(lines):
        if r.product_id == product_id and line is not None:
            lines[i] = line
            break
    else:
        if line is not None:
            lines.append(line)
    return CartRows(rows.settings, tuple(lines))


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
    rows: CartRows,
    cart_id: int | None,
    *,
    counter_code: str | None,
    delivery: bool = False,
    customer_id: int | None = None,
) -> CartSnapshot:
    settings = rows.settings
    rules = PriceRules(
        settings.tax_rate_ppm, settings.shipping_fee_cents, settings.free_shipping_over_cents
    )
    lines = tuple(
        CartLineView(
            product_id=r.product_id,
            sku=r.sku,
            name=r.name,
            unit_price=from_cents(r.unit_price_cents),
            quantity=r.quantity,
            line_total=from_cents(line_cents(r.unit_price_cents, r.quantity)),
            stock_quantity=r.stock_quantity,
        )
        for r in rows.lines
    )
    subtotal = sum(line_cents(r.unit_price_cents, r.quantity) for r in rows.lines)
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
        currency=settings.currency,
    )
    return CartSnapshot(view, rules, bool(settings.require_customer), settings.store_name)
