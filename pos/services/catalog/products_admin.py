"""The manager's product table: catalog rows with stock reserved in open carts and on hand.

Filtered, sorted and paged in SQL so the admin table stays fast on 100,000+ products.
Reserved stock is summed from open carts only (a few rows), joined as a subquery.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, func, select, update

from pos.errors import ErrorCode, PosError
from pos.models import (
    Cart,
    CartLine,
    Category,
    OrderItem,
    PriceChange,
    Product,
    StockMovement,
    utcnow,
)
from pos.services.catalog.product_rows import PRODUCT_COLUMNS, to_view
from pos.services.catalog.search import (
    ProductFilter,
    apply_filter,
    count_select,
    ordered_page,
    page_limit,
)
from pos.services.people.auth import require_active_manager
from pos.services.plumbing import validation
from pos.services.plumbing.events import Change, ChangeKind, EventHub
from pos.services.plumbing.uow import Tx, UnitOfWork
from pos.views import Actor, ProductView


@dataclass(frozen=True)
class AdminProductRow:
    """One row of the admin table: the product, plus what open carts hold of it."""

    product: ProductView
    reserved: int

    @property
    def on_hand(self) -> int:
        return self.product.stock_quantity + self.reserved


@dataclass(frozen=True)
class ProductQuery:
    """What the admin table shows: filters and sort, all applied in SQL."""

    text: str = ""
    category: str | None = None
    include_inactive: bool = True
    low_stock_only: bool = False
    sort: str = "name"
    descending: bool = False

    @classmethod
    def checked(cls, query: object) -> ProductQuery:
        if not isinstance(query, cls):
            raise PosError(ErrorCode.VALIDATION_ERROR, "Not a product table query.")
        return query

    @property
    def filter(self) -> ProductFilter:
        return ProductFilter.of(
            self.text, self.category, self.include_inactive, self.low_stock_only
        )


def _reserved_subquery() -> Any:
    return (
        select(CartLine.product_id, func.sum(CartLine.quantity).label("reserved"))
        .join(Cart, Cart.id == CartLine.cart_id)
        .where(Cart.status == "open")
        .group_by(CartLine.product_id)
        .subquery("reserved_by_carts")
    )


Read = Callable[[AdminProductRow], Any]


def _sort_keys(sort: str, reserved: Any) -> tuple[tuple[Any, Read], ...]:
    """The SQL key of a column sort (ending in the unique id, so rows page by key), each
    part with how to read it from a row already shown. Nullable columns sort as "" so
    both backends put blanks first, and a key never holds a NULL."""
    held = func.coalesce(reserved, 0)
    by_id: tuple[Any, Read] = (Product.id, lambda r: r.product.id)
    by_name: tuple[Any, Read] = (Product.name, lambda r: r.product.name)
    keys: dict[str, tuple[tuple[Any, Read], ...]] = {
        "sku": ((Product.sku, lambda r: r.product.sku), by_id),
        "barcode": ((func.coalesce(Product.barcode, ""), lambda r: r.product.barcode or ""), by_id),
        "name": (by_name, by_id),
        "category": (
            (func.coalesce(Category.name, ""), lambda r: r.product.category or ""),
            by_name,
            by_id,
        ),
        "price": ((Product.price_cents, lambda r: int(r.product.price * 100)), by_id),
        "stock": ((Product.stock_quantity, lambda r: r.product.stock_quantity), by_id),
        "reserved": ((held, lambda r: r.reserved), by_id),
        "on_hand": ((Product.stock_quantity + held, lambda r: r.on_hand), by_id),
        "threshold": (
            (Product.low_stock_threshold, lambda r: r.product.low_stock_threshold),
            by_id,
        ),
        "active": ((Product.active, lambda r: r.product.active), by_name, by_id),
    }
    if not isinstance(sort, str) or sort not in keys:
        raise PosError(ErrorCode.VALIDATION_ERROR, f"Unknown sort {sort!r}.", {"sort": sort})
    return keys[sort]


SORT_KEYS = (
    "sku",
    "barcode",
    "name",
    "category",
    "price",
    "stock",
    "reserved",
    "on_hand",
    "threshold",
    "active",
)


def _row_select() -> tuple[Select[Any], Any]:
    reserved = _reserved_subquery()
    stmt: Select[Any] = select(*PRODUCT_COLUMNS, func.coalesce(reserved.c.reserved, 0))  # type: ignore[assignment]
    stmt = stmt.outerjoin(Category, Category.id == Product.category_id).outerjoin(
        reserved, reserved.c.product_id == Product.id
    )
    return stmt, reserved.c.reserved


def _to_row(row: Any) -> AdminProductRow:
    return AdminProductRow(to_view(row), int(row[len(PRODUCT_COLUMNS)]))


class ProductsAdminService:
    def __init__(self, uow: UnitOfWork, events: EventHub) -> None:
        self._uow = uow
        self._events = events

    def rows(
        self,
        actor: Actor,
        query: ProductQuery,
        *,
        after: AdminProductRow | None = None,
        limit: int = 200,
    ) -> list[AdminProductRow]:
        """One page in the query's order: the first, or the one after the row `after`
        (by key, so a page deep into 100,000 products costs what the first does)."""
        query = ProductQuery.checked(query)
        readers = [read for _, read in _sort_keys(query.sort, None)]  # checked before SQL
        limit = page_limit(limit)
        wanted = query.filter
        if after is not None and not isinstance(after, AdminProductRow):
            raise PosError(ErrorCode.VALIDATION_ERROR, "Page after a row shown.")
        after_key = [read(after) for read in readers] if after is not None else None

        def work(tx: Tx) -> list[AdminProductRow]:
            require_active_manager(tx, actor)
            stmt, reserved = _row_select()
            keys = [expr for expr, _ in _sort_keys(query.sort, reserved)]
            stmt = apply_filter(tx, stmt, wanted)
            stmt = ordered_page(
                stmt, keys, descending=bool(query.descending), after=after_key, limit=limit
            )
            return [_to_row(r) for r in tx.session.execute(stmt)]

        return self._uow.run(work, operation="products_admin.rows", actor=actor, write=False)

    def count(self, actor: Actor, query: ProductQuery) -> int:
        wanted = ProductQuery.checked(query).filter

        def work(tx: Tx) -> int:
            require_active_manager(tx, actor)
            stmt = apply_filter(tx, count_select(), wanted)
            return int(tx.session.execute(stmt).scalar_one())

        return self._uow.run(work, operation="products_admin.count", actor=actor, write=False)

    def rows_by_id(self, actor: Actor, product_ids: list[uuid.UUID]) -> list[AdminProductRow]:
        """Fresh rows for the products named (a view refreshes only what changed)."""
        ids = [validation.product_id(p) for p in product_ids]

        def work(tx: Tx) -> list[AdminProductRow]:
            require_active_manager(tx, actor)
            if not ids:
                return []
            stmt, _ = _row_select()
            return [_to_row(r) for r in tx.session.execute(stmt.where(Product.id.in_(ids)))]

        return self._uow.run(work, operation="products_admin.rows_by_id", actor=actor, write=False)

    def ever_sold(self, actor: Actor, product_id: Any) -> bool:
        pid = validation.product_id(product_id)

        def work(tx: Tx) -> bool:
            require_active_manager(tx, actor)
            return _ever_sold(tx, pid)

        return self._uow.run(work, operation="products_admin.ever_sold", actor=actor, write=False)

    def remove(self, actor: Actor, product_id: Any) -> str:
        """Delete a product that was never sold nor put in a cart; otherwise deactivate it.

        Returns "deleted" or "deactivated". Only a product without any history is deleted:
        the stock ledger is append-only (nothing may delete its rows, the database refuses),
        so a product that ever had stock keeps its rows and is deactivated, as is one whose
        price history says something.
        """
        pid = validation.product_id(product_id)

        def work(tx: Tx) -> str:
            require_active_manager(tx, actor)
            found = tx.session.execute(
                select(Product.id).where(Product.id == pid).with_for_update()
            ).scalar()
            if found is None:
                raise PosError(
                    ErrorCode.PRODUCT_NOT_FOUND, "Product not found.", {"product_id": str(pid)}
                )
            if _ever_sold(tx, pid) or _has_history(tx, pid):
                tx.session.execute(
                    update(Product)
                    .where(Product.id == pid)
                    .values(active=False, updated_at=utcnow())
                )
                return "deactivated"
            tx.session.execute(delete(Product).where(Product.id == pid))
            return "deleted"

        outcome = self._uow.run(work, operation="products_admin.remove", actor=actor)
        self._events.publish(Change(ChangeKind.CATALOG, (pid,)))
        return outcome


def _has_history(tx: Tx, pid: uuid.UUID) -> bool:
    """Ledger rows or price changes: rows the product's deletion would have to remove."""
    moved = tx.session.execute(
        select(StockMovement.id).where(StockMovement.product_id == pid).limit(1)
    ).first()
    priced = tx.session.execute(
        select(PriceChange.id).where(PriceChange.product_id == pid).limit(1)
    ).first()
    return moved is not None or priced is not None


def _ever_sold(tx: Tx, pid: uuid.UUID) -> bool:
    in_orders = tx.session.execute(
        select(OrderItem.id).where(OrderItem.product_id == pid).limit(1)
    ).first()
    in_carts = tx.session.execute(
        select(CartLine.id).where(CartLine.product_id == pid).limit(1)
    ).first()
    in_ledger = tx.session.execute(
        select(StockMovement.id)
        .where(StockMovement.product_id == pid, StockMovement.cart_id.is_not(None))
        .limit(1)
    ).first()
    return in_orders is not None or in_carts is not None or in_ledger is not None
