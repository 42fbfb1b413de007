"""What goes into and comes out of the stock/order gateway: named fields, no positions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Ledger:
    """Who and what a stock movement belongs to."""

    reason: str
    user_id: int | None
    counter_id: int | None = None
    cart_id: int | None = None
    order_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class StockChange:
    """A product row as a stock statement left it."""

    product_id: uuid.UUID
    stock_after: int
    price_cents: int
    name: str
    sku: str


@dataclass(frozen=True)
class CartLineChange:
    """A cart line written together with its stock: the line's quantity after the change
    (after a removal: the quantity that went back to stock) and its unit price."""

    stock: StockChange
    line_quantity: int
    unit_price_cents: int


@dataclass(frozen=True)
class ReleasedLine:
    """A line of a released cart, as it went back to stock."""

    product_id: uuid.UUID
    quantity: int
    unit_price_cents: int
    sku: str
    name: str
    stock_after: int


@dataclass(frozen=True)
class OrderLine:
    product_id: uuid.UUID
    sku: str
    name: str
    unit_price_cents: int
    quantity: int
    line_total_cents: int


@dataclass(frozen=True)
class NewOrder:
    """Everything an order row, its items, its payments and the closed cart need."""

    number: str
    cart_id: int
    counter_id: int
    user_id: int
    customer_id: int | None
    delivery: bool
    subtotal_cents: int
    tax_cents: int
    shipping_cents: int
    total_cents: int
    tendered_cents: int
    change_cents: int
    tax_rate_ppm: int
    currency: str
    created_at: datetime
    lines: tuple[OrderLine, ...]
    payments: tuple[tuple[str, int], ...]


class LineCapExceeded(Exception):
    """A cart line would pass its quantity cap; the statement changed nothing."""
