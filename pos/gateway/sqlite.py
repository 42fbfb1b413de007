"""SQLite side of the stock/order seam: the same operations as plain statements (SQLite
has no data-modifying CTEs). The database-wide write lock (BEGIN IMMEDIATE) serialises
writers, so running an operation as two or three statements is as safe as one; other
counters see changes by polling PRAGMA data_version, so there is nothing to notify. The
FTS5 trigram index narrows name searches (a substring LIKE cannot use a B-tree index)."""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Select,
    Table,
    bindparam,
    delete,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from pos.gateway.types import CartLineChange, Ledger, LineCapExceeded, NewOrder, StockChange
from pos.models import Cart, CartLine, Order, OrderItem, Payment, Product, StockMovement
from pos.services.plumbing.bounds import MAX_ID
from pos.services.plumbing.uow import Tx

_PRODUCT_AFTER = (
    Product.id,
    Product.stock_quantity,
    Product.price_cents,
    Product.name,
    Product.sku,
)

# Engines (databases) already seen to have the FTS5 index; a database without one is
# asked again next time, since `pos migrate` may add it while the app runs.
_fts_seen: weakref.WeakSet[Any] = weakref.WeakSet()


def _stock(row: Any) -> StockChange:
    return StockChange(row.id, row.stock_quantity, row.price_cents, row.name, row.sku)


def _movement(
    tx: Tx, product_id: uuid.UUID, delta: int, after: int, ledger: Ledger, now: datetime
) -> None:
    tx.session.connection().execute(
        insert(StockMovement).values(
            product_id=product_id,
            delta=delta,
            reason=ledger.reason,
            stock_after=after,
            user_id=ledger.user_id,
            counter_id=ledger.counter_id,
            cart_id=ledger.cart_id,
            order_id=ledger.order_id,
            note=ledger.note,
            created_at=now,
        )
    )


class SqliteGateway:
    def change_stock(
        self,
        tx: Tx,
        product_id: uuid.UUID,
        delta: int,
        ledger: Ledger,
        *,
        require_active: bool,
        ceiling: int,
        now: datetime,
    ) -> StockChange | None:
        stmt = (
            update(Product)
            .where(
                Product.id == product_id,
                Product.stock_quantity + delta >= 0,
                Product.stock_quantity + delta <= ceiling,
            )
            .values(stock_quantity=Product.stock_quantity + delta, updated_at=now)
            .returning(*_PRODUCT_AFTER)
        )
        if require_active:
            stmt = stmt.where(Product.active.is_(True))
        row = tx.session.execute(stmt).first()
        if row is None:
            return None
        _movement(tx, product_id, delta, row.stock_quantity, ledger, now)
        return _stock(row)

    def take_for_cart(
        self, tx: Tx, product_id: uuid.UUID, qty: int, ledger: Ledger, now: datetime
    ) -> CartLineChange | None:
        change = self.change_stock(
            tx, product_id, -qty, ledger, require_active=True, ceiling=MAX_ID, now=now
        )
        if change is None:
            return None
        stmt = tx.upsert(CartLine).values(
            cart_id=ledger.cart_id,
            product_id=product_id,
            quantity=qty,
            unit_price_cents=change.price_cents,
            added_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[CartLine.cart_id, CartLine.product_id],
            set_={"quantity": CartLine.quantity + stmt.excluded.quantity},
        ).returning(CartLine.quantity, CartLine.unit_price_cents)
        try:
            # No savepoint (a round trip): the line cap is a CHECK constraint, and the
            # caller's refusal rolls the whole call back, stock included.
            line = tx.session.connection().execute(stmt).one()
        except IntegrityError:
            raise LineCapExceeded from None
        return CartLineChange(change, line.quantity, line.unit_price_cents)

    def return_from_cart(
        self, tx: Tx, product_id: uuid.UUID, ledger: Ledger, now: datetime
    ) -> CartLineChange | None:
        removed = (
            tx.session.connection()
            .execute(
                delete(CartLine)
                .where(CartLine.cart_id == ledger.cart_id, CartLine.product_id == product_id)
                .returning(CartLine.quantity, CartLine.unit_price_cents)
            )
            .first()
        )
        if removed is None:
            return None
        change = self.change_stock(
            tx, product_id, removed.quantity, ledger, require_active=False, ceiling=MAX_ID, now=now
        )
        if change is None:  # the line's product vanished: impossible with foreign keys
            raise RuntimeError(f"cart line of a missing product {product_id}")
        return CartLineChange(change, removed.quantity, removed.unit_price_cents)

    def open_stock(self, tx: Tx, quantities: list[tuple[uuid.UUID, int]], now: datetime) -> int:
        table = cast(Table, Product.__table__)
        result = tx.session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("pid"), table.c.stock_quantity == 0)
            .values(stock_quantity=bindparam("qty"), updated_at=now),
            [{"pid": pid, "qty": qty} for pid, qty in quantities],
        )
        return int(result.rowcount)

    def place_order(self, tx: Tx, order: NewOrder) -> int:
        order_id = int(
            tx.session.execute(
                insert(Order)
                .values(
                    order_number=order.number,
                    cart_id=order.cart_id,
                    counter_id=order.counter_id,
                    user_id=order.user_id,
                    customer_id=order.customer_id,
                    delivery=order.delivery,
                    subtotal_cents=order.subtotal_cents,
                    tax_cents=order.tax_cents,
                    shipping_cents=order.shipping_cents,
                    total_cents=order.total_cents,
                    tendered_cents=order.tendered_cents,
                    change_cents=order.change_cents,
                    tax_rate_ppm=order.tax_rate_ppm,
                    currency=order.currency,
                    created_at=order.created_at,
                )
                .returning(Order.id)
            ).scalar_one()
        )
        tx.session.execute(
            insert(OrderItem),
            [
                {
                    "order_id": order_id,
                    "product_id": line.product_id,
                    "sku": line.sku,
                    "name": line.name,
                    "unit_price_cents": line.unit_price_cents,
                    "quantity": line.quantity,
                    "line_total_cents": line.line_total_cents,
                }
                for line in order.lines
            ],
        )
        tx.session.execute(
            insert(Payment),
            [{"order_id": order_id, "method": m, "amount_cents": c} for m, c in order.payments],
        )
        tx.session.execute(
            update(Cart)
            .where(Cart.id == order.cart_id)
            .values(
                status="checked_out",
                closed_at=order.created_at,
                closed_by=order.user_id,
                updated_at=order.created_at,
                delivery=order.delivery,
                customer_id=order.customer_id,
            )
        )
        return order_id

    def notify(self, tx: Tx, channel: str, payloads: Sequence[str]) -> None:
        pass  # other counters poll PRAGMA data_version and see this commit

    def serialize_first_run(self, tx: Tx) -> None:
        pass  # the write transaction's BEGIN IMMEDIATE already holds the database write lock

    def name_candidates(self, tx: Tx, clean: str) -> Select[Any] | None:
        """Candidates from the FTS5 trigram index (migration 0003); None without it."""
        engine = tx.session.get_bind()
        if engine not in _fts_seen:
            found = tx.session.execute(
                text("SELECT 1 FROM sqlite_master WHERE name = 'product_search_fts'")
            ).scalar()
            if not found:
                return None
            _fts_seen.add(engine)
        fts: Select[Any] = (
            select(literal_column("product_id"))
            .select_from(text("product_search"))
            .where(
                text(
                    "rowid IN (SELECT rowid FROM product_search_fts WHERE name LIKE :fts_pattern)"
                ).bindparams(fts_pattern=f"%{clean}%")
            )
        )
        return fts
