"""Low-stock alerts and the reorder list (what to order to get back to a target level).

A product is low when its stock free to sell is at or below its low-stock threshold
(the same rule as the counters' low-stock filter). There is no per-product target
column: the target level is the threshold times a multiplier (default 2, at least
threshold + 1), or one level given for all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from pos.files import write_text_file
from pos.models import Cart, CartLine, Category, Product
from pos.services.people.auth import require_active_manager
from pos.services.plumbing import bounds
from pos.services.plumbing.csv_cells import SafeCsvWriter
from pos.services.plumbing.uow import Tx, UnitOfWork
from pos.views import Actor

ALERT_LIMIT = 1000


@dataclass(frozen=True)
class ReorderLine:
    product_id: uuid.UUID
    sku: str
    name: str
    category: str | None
    stock: int  # free to sell
    reserved: int  # in open carts
    threshold: int
    target: int
    order_quantity: int


def target_level(threshold: int, multiplier: int, fixed: int | None) -> int:
    if fixed is not None:
        return fixed
    return max(threshold * multiplier, threshold + 1)


class ReorderService:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def low_stock_count(self, actor: Actor) -> int:
        """The alert badge: active products at or below their threshold."""

        def work(tx: Tx) -> int:
            require_active_manager(tx, actor)
            return int(
                tx.session.execute(
                    select(func.count(Product.id)).where(
                        Product.active.is_(True),
                        Product.stock_quantity <= Product.low_stock_threshold,
                    )
                ).scalar_one()
            )

        return self._uow.run(work, operation="reorder.count", actor=actor, write=False)

    def reorder_list(
        self,
        actor: Actor,
        *,
        multiplier: int = 2,
        target: int | None = None,
        limit: int = ALERT_LIMIT,
    ) -> list[ReorderLine]:
        """Active low-stock products, lowest stock first, with the quantity to order."""
        multiplier = bounds.integer(multiplier, "multiplier", minimum=1, maximum=100)
        if target is not None:
            target = bounds.stock_level(target, "target", label="Target level")
        limit = bounds.row_limit(limit)

        def work(tx: Tx) -> list[ReorderLine]:
            require_active_manager(tx, actor)
            reserved = (
                select(CartLine.product_id, func.sum(CartLine.quantity).label("held"))
                .join(Cart, Cart.id == CartLine.cart_id)
                .where(Cart.status == "open")
                .group_by(CartLine.product_id)
                .subquery()
            )
            rows = tx.session.execute(
                select(
                    Product.id,
                    Product.sku,
                    Product.name,
                    Category.name,
                    Product.stock_quantity,
                    func.coalesce(reserved.c.held, 0),
                    Product.low_stock_threshold,
                )
                .outerjoin(Category, Category.id == Product.category_id)
                .outerjoin(reserved, reserved.c.product_id == Product.id)
                .where(
                    Product.active.is_(True),
                    Product.stock_quantity <= Product.low_stock_threshold,
                )
                .order_by(Product.stock_quantity, Product.sku)
                .limit(limit)
            ).all()
            lines = []
            for pid, sku, name, cat, stock, held, threshold in rows:
                level = target_level(threshold, multiplier, target)
                lines.append(
                    ReorderLine(
                        pid,
                        sku,
                        name,
                        cat,
                        stock,
                        int(held),
                        threshold,
                        level,
                        max(0, level - stock),
                    )
                )
            return lines

        return self._uow.run(work, operation="reorder.list", actor=actor, write=False)


REORDER_COLUMNS = ("sku", "name", "category", "stock", "reserved", "threshold", "target", "order")


def write_reorder_csv(lines: Iterable[ReorderLine], path: str | Path) -> int:
    """The reorder list as CSV for a supplier; returns the number of lines written.

    Text cells are escaped against spreadsheet formulas (plumbing/csv_cells.py); the
    quantities are numbers and written as numbers."""
    count = 0
    with write_text_file(path) as fh:
        out = SafeCsvWriter(fh)
        out.writerow(REORDER_COLUMNS)
        for ln in lines:
            if ln.order_quantity <= 0:
                continue
            row: list[Any] = [
                ln.sku,
                ln.name,
                ln.category or "",
                ln.stock,
                ln.reserved,
                ln.threshold,
                ln.target,
                ln.order_quantity,
            ]
            out.writerow(row)
            count += 1
    return count
