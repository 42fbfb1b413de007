"""The demo store: catalog from resources/demo_catalog.csv, a manager, a clerk, and
optionally some history of sales so the reports have something to show."""

from __future__ import annotations

import csv
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update

from pos.errors import ErrorCode, PosError
from pos.models import Cart, Order, utcnow
from pos.paths import resources_dir
from pos.services.facade import Store
from pos.views import Actor

DEMO_MANAGER = "manager"
DEMO_CLERK = "clerk"


@dataclass(frozen=True)
class DemoResult:
    manager: str
    manager_password: str | None  # None when the manager already existed
    clerk: str
    clerk_password: str | None
    products_added: int
    orders_made: int


def demo_rows() -> list[dict[str, str]]:
    with open(resources_dir() / "demo_catalog.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def seed_demo(
    store: Store,
    *,
    manager: Actor | None = None,
    manager_password: str | None = None,
    clerk_password: str | None = None,
    with_sales: bool = False,
    counter: str = "DEMO-1",
) -> DemoResult:
    """Load the demo data; on an empty store also create the demo manager and clerk."""
    started = utcnow()
    new_manager_pw = new_clerk_pw = None
    if manager is None:
        if store.auth.has_users():
            raise PosError(
                ErrorCode.ALREADY_INITIALIZED,
                "This store has users already: sign in as a manager to load the demo catalog.",
            )
        new_manager_pw = manager_password or secrets.token_urlsafe(9)
        new_clerk_pw = clerk_password or f"{secrets.randbelow(10**6):06d}"
        manager = store.auth.bootstrap_manager(DEMO_MANAGER, new_manager_pw)
        store.auth.add_user(manager, DEMO_CLERK, new_clerk_pw, role="clerk")
    existing = {p.sku for p in store.catalog.search(manager, limit=1000, include_inactive=True)}
    added = 0
    for row in demo_rows():
        if row["sku"] in existing:
            continue
        store.catalog.add_product(
            manager,
            sku=row["sku"],
            barcode=row["barcode"] or None,
            name=row["name"],
            description=row["description"],
            category=row["category"],
            price=Decimal(row["price"]),
            stock=int(row["stock"]),
            low_stock_threshold=int(row["low_stock_threshold"]),
            image=row["image"] or None,
        )
        added += 1
    orders = _demo_sales(store, manager, counter, since=started) if with_sales else 0
    return DemoResult(DEMO_MANAGER, new_manager_pw, DEMO_CLERK, new_clerk_pw, added, orders)


def _demo_sales(
    store: Store, manager: Actor, counter: str, count: int = 40, since: datetime | None = None
) -> int:
    """A few dozen real sales and one abandoned cart, through the same services a clerk uses."""
    rng = random.Random(7)
    seller = store.auth.at_counter(manager, counter)
    products = [p for p in store.catalog.search(manager, limit=1000) if p.stock_quantity > 5]
    made = 0
    order_ids: list[int] = []
    for _ in range(count):
        for product in rng.sample(products, k=min(len(products), rng.randint(1, 4))):
            try:
                store.cart.add(seller, product.id, rng.randint(1, 2))
            except PosError:
                continue
        cart = store.cart.current(seller)
        if not cart.lines:
            continue
        order = store.checkout.complete(
            seller, payments=[("cash", cart.total + Decimal("5.00"))], cart_id=cart.cart_id
        )
        order_ids.append(order.id)
        made += 1
    _spread_over_days(store, rng, order_ids, since or utcnow())
    if products:
        store.cart.add(seller, products[0].id, 1)
        store.carts.release(manager, store.cart.current(seller).cart_id)
    return made


def _spread_over_days(
    store: Store, rng: random.Random, order_ids: list[int], since: datetime, days: int = 30
) -> None:
    """Move the demo orders onto the past `days` days so the reports show a history.

    Demo data only: a direct UPDATE of the timestamps of each order and its cart (all to
    the same moment); quantities are untouched, so the audit invariants still hold. The
    stock ledger keeps the times it was written at: it is append-only (on PostgreSQL the
    database refuses any change), so the demo does not rewrite it. `since` is unused now
    and kept for callers.
    """

    def work(tx: Any) -> None:
        now = utcnow()
        orders = tx.session.execute(
            select(Order.id, Order.cart_id).where(Order.id.in_(order_ids)).order_by(Order.id)
        ).all()
        moments = sorted(
            now - timedelta(days=rng.randint(0, days - 1), minutes=rng.randint(0, 600))
            for _ in orders
        )
        for (order_id, cart_id), when in zip(orders, moments, strict=True):
            tx.session.execute(update(Order).where(Order.id == order_id).values(created_at=when))
            tx.session.execute(
                update(Cart)
                .where(Cart.id == cart_id)
                .values(created_at=when, updated_at=when, closed_at=when)
            )

    store.uow.run(work, operation="demo.spread_sales")
