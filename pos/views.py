"""Plain frozen views that services return: the UI never sees ORM objects."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Actor:
    """A signed-in user at a counter; every service call names who acts.

    Only the store's sign-in makes a working Actor: `session` is the opaque handle the
    unit of work checks on every call (an Actor built by hand, or copied with other
    fields, is refused with NOT_AUTHENTICATED)."""

    user_id: int
    username: str
    role: str  # "clerk" | "manager"
    counter_id: int | None = None
    counter_code: str | None = None
    session: Any = field(default=None, repr=False, compare=False)

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


@dataclass(frozen=True)
class ProductView:
    id: uuid.UUID
    sku: str
    barcode: str | None
    name: str
    description: str
    category: str | None
    price: Decimal
    stock_quantity: int
    active: bool
    image: str | None
    low_stock_threshold: int

    @property
    def low_stock(self) -> bool:
        return self.stock_quantity <= self.low_stock_threshold

    @property
    def sellable(self) -> bool:
        return self.active and self.stock_quantity > 0


@dataclass(frozen=True)
class ProductPage:
    """One page of a catalog query: the UI fetches more pages lazily."""

    items: tuple[ProductView, ...]
    total: int
    offset: int


@dataclass(frozen=True)
class CartLineView:
    product_id: uuid.UUID
    sku: str
    name: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal
    stock_quantity: int  # still free to sell, after what this cart holds


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    tax: Decimal
    shipping: Decimal
    total: Decimal


@dataclass(frozen=True)
class CartView:
    cart_id: int | None
    counter_code: str | None
    lines: tuple[CartLineView, ...]
    item_count: int
    subtotal: Decimal
    tax: Decimal
    shipping: Decimal
    total: Decimal
    delivery: bool = False
    customer_id: int | None = None
    currency: str = "USD"

    def line(self, product_id: uuid.UUID) -> CartLineView | None:
        return next((ln for ln in self.lines if ln.product_id == product_id), None)


@dataclass(frozen=True)
class OrderLineView:
    product_id: uuid.UUID
    sku: str
    name: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal


@dataclass(frozen=True)
class PaymentView:
    method: str  # "cash" | "card"
    amount: Decimal


@dataclass(frozen=True)
class OrderView:
    id: int
    order_number: str
    cart_id: int
    created_at: datetime
    counter_code: str
    clerk: str
    customer_id: int | None
    customer_name: str | None
    delivery: bool
    lines: tuple[OrderLineView, ...]
    payments: tuple[PaymentView, ...]
    subtotal: Decimal
    tax: Decimal
    shipping: Decimal
    total: Decimal
    tendered: Decimal
    change_due: Decimal
    currency: str = "USD"
    store_name: str = ""

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True)
class OpenCartView:
    cart_id: int
    counter_code: str
    clerk: str | None
    created_at: datetime
    updated_at: datetime
    item_count: int
    subtotal: Decimal
    lines: tuple[CartLineView, ...] = field(default=())
    # The last time a line was added or removed (or the cart was opened or changed): a
    # cart opened hours ago may be in use right now.
    last_activity_at: datetime | None = None

    @property
    def active_at(self) -> datetime:
        return self.last_activity_at or self.updated_at


@dataclass(frozen=True)
class PriceChangeView:
    """One row of a product's price history, newest first."""

    created_at: datetime
    old_price: Decimal
    new_price: Decimal
    username: str | None
    note: str = ""
    bulk_id: uuid.UUID | None = None


@dataclass(frozen=True)
class PricePreview:
    """What a bulk price change would do to one product (nothing written yet)."""

    product_id: uuid.UUID
    sku: str
    name: str
    old_price: Decimal
    new_price: Decimal


@dataclass(frozen=True)
class MovementView:
    id: int
    product_id: uuid.UUID
    delta: int
    reason: str
    stock_after: int
    username: str | None
    counter_code: str | None
    cart_id: int | None
    order_id: int | None
    note: str
    created_at: datetime


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    role: str
    active: bool
    locked_until: datetime | None
    must_set_password: bool = False  # PostgreSQL: carried over, no login until reset


@dataclass(frozen=True)
class CustomerView:
    id: int
    name: str
    phone: str
    email: str
    active: bool


@dataclass(frozen=True)
class StoreSettingsView:
    store_name: str
    tax_rate: Decimal
    shipping_fee: Decimal
    free_shipping_threshold: Decimal
    currency: str
    require_customer: bool
    # Cash tendered above total + this needs the clerk's explicit confirmation.
    cash_confirm_over_total: Decimal
    # failed_operations rows older than this are pruned (pos.services.plumbing.failure_log)
    failure_log_retention_days: int = 90
    # Clerks may sign in with a PIN of 4-5 digits (else 6+ characters for everyone).
    allow_pins: bool = False


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    problems: tuple[str, ...]
    checked_products: int = 0
    checked_orders: int = 0
    checked_carts: int = 0
