"""The demo store: catalog from resources/demo_catalog.csv, a manager, a clerk, and
optionally some history of sales so the reports have something to show."""

from __future__ import annotations

import csv
import random
import secrets
from dataclasses import dataclass
from decimal import Decimal

from pos.errors import ErrorCode, PosError
from pos.models.views import Actor
from pos.paths import resources_dir
from pos.services.store import Store

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
    orders = _demo_sales(store, manager, counter) if with_sales else 0
    return DemoResult(DEMO_MANAGER, new_manager_pw, DEMO_CLERK, new_clerk_pw, added, orders)


def _demo_sales(store: Store, manager: Actor, counter: str, count: int = 40) -> int:
    """A few dozen real sales and one abandoned cart, through the same services a clerk uses."""
    rng = random.Random(7)
    seller = store.auth.at_counter(manager, counter)
    products = [p for p in store.catalog.search(manager, limit=1000) if p.stock_quantity > 5]
    made = 0
    for _ in range(count):
        for product in rng.sample(products, k=min(len(products), rng.randint(1, 4))):
            try:
                store.cart.add(seller, product.id, rng.randint(1, 2))
            except PosError:
                continue
        cart = store.cart.current(seller)
        if not cart.lines:
            continue
        store.checkout.complete(
            seller, payments=[("cash", cart.total + Decimal("5.00"))], cart_id=cart.cart_id
        )
        made += 1
    if products:
        store.cart.add(seller, products[0].id, 1)
        store.carts.release(manager, store.cart.current(seller).cart_id)
    return made
