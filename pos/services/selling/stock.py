"""The one place that changes products.stock_quantity, always with its ledger row.

A single conditional UPDATE, never read-then-write: under concurrency a blocked
UPDATE re-checks its WHERE once the other transaction commits, so stock cannot go
below zero. On PostgreSQL the update, the ledger insert and the NOTIFY for other
counters are one statement (one round trip); SQLite runs them as two.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, text, update

from pos.errors import ErrorCode, PosError
from pos.logs import log_stock_update
from pos.models import Product, StockMovement, utcnow
from pos.services.plumbing.bounds import MAX_ID, MAX_STOCK
from pos.services.plumbing.uow import Tx
from pos.services.selling.refusals import raise_refusal

STOCK_CHANNEL = "pos_stock"


@dataclass(frozen=True)
class StockChange:
    product_id: uuid.UUID
    stock_after: int
    price_cents: int
    name: str
    sku: str


@dataclass(frozen=True)
class Ledger:
    """Who and what a movement belongs to."""

    reason: str
    user_id: int | None
    counter_id: int | None = None
    cart_id: int | None = None
    order_id: int | None = None
    note: str = ""


_PG_CHANGE = text(
    """
    WITH changed AS (
        UPDATE products
           SET stock_quantity = stock_quantity + CAST(:delta AS INTEGER),
               updated_at = CAST(:now AS TIMESTAMP)
         WHERE id = :product_id
           AND stock_quantity + CAST(:delta AS INTEGER) BETWEEN 0 AND CAST(:max_stock AS INTEGER)
           AND (active OR NOT CAST(:require_active AS BOOLEAN))
     RETURNING id, stock_quantity, price_cents, name, sku
    ), moved AS (
        INSERT INTO stock_movements
               (product_id, delta, reason, stock_after, user_id, counter_id,
                cart_id, order_id, note, created_at)
        SELECT id, CAST(:delta AS INTEGER), CAST(:reason AS VARCHAR), stock_quantity,
               CAST(:user_id AS INTEGER), CAST(:counter_id AS INTEGER),
               CAST(:cart_id AS INTEGER), CAST(:order_id AS INTEGER),
               CAST(:note AS TEXT), CAST(:now AS TIMESTAMP)
          FROM changed
    )
    SELECT id, stock_quantity, price_cents, name, sku,
           pg_notify('pos_stock', id::text) AS notified
      FROM changed
    """
)


def change_stock(
    tx: Tx,
    product_id: uuid.UUID,
    delta: int,
    ledger: Ledger,
    *,
    require_active: bool = False,
) -> StockChange:
    """Apply delta to one product (and its ledger) or raise without writing anything."""
    if delta == 0:
        raise ValueError("a stock movement needs a non-zero delta")
    now = utcnow()
    if tx.is_postgres:
        found = tx.session.execute(
            _PG_CHANGE,
            {
                "delta": delta,
                "max_stock": _ceiling(delta),
                "now": now.replace(tzinfo=None),
                "product_id": product_id,
                "require_active": require_active,
                "reason": ledger.reason,
                "user_id": ledger.user_id,
                "counter_id": ledger.counter_id,
                "cart_id": ledger.cart_id,
                "order_id": ledger.order_id,
                "note": ledger.note,
            },
        ).first()
        row = tuple(found) if found is not None else None
    else:
        row = _sqlite_change(tx, product_id, delta, ledger, now, require_active)
    if row is None:
        raise_refusal(tx, product_id, -delta, ledger.cart_id)
    return _logged(tx, row, delta, ledger.reason)


def _ceiling(delta: int) -> int:
    """The highest level a change may leave: MAX_STOCK for additions; a removal is never
    refused for a level that an older version let above the bound."""
    return MAX_STOCK if delta > 0 else MAX_ID


def _sqlite_change(
    tx: Tx,
    product_id: uuid.UUID,
    delta: int,
    ledger: Ledger,
    now: datetime,
    require_active: bool,
) -> tuple[uuid.UUID, int, int, str, str] | None:
    stmt = (
        update(Product)
        .where(
            Product.id == product_id,
            Product.stock_quantity + delta >= 0,
            Product.stock_quantity + delta <= _ceiling(delta),
        )
        .values(stock_quantity=Product.stock_quantity + delta, updated_at=now)
        .returning(
            Product.id, Product.stock_quantity, Product.price_cents, Product.name, Product.sku
        )
    )
    if require_active:
        stmt = stmt.where(Product.active.is_(True))
    row = tx.session.execute(stmt).first()
    if row is None:
        return None
    tx.session.execute(
        insert(StockMovement).values(
            product_id=product_id,
            delta=delta,
            reason=ledger.reason,
            stock_after=row[1],
            user_id=ledger.user_id,
            counter_id=ledger.counter_id,
            cart_id=ledger.cart_id,
            order_id=ledger.order_id,
            note=ledger.note,
            created_at=now,
        )
    )
    return (row[0], row[1], row[2], row[3], row[4])


# -- cart lines with their stock, one statement each on PostgreSQL ----------------------
# Same conditional UPDATE and ledger row as _PG_CHANGE, with the cart line written in the
# same statement: the product row stays locked only from here to COMMIT, which is what
# limits throughput when many counters sell the same product.

_PG_TAKE_FOR_CART = text(
    """
    WITH changed AS (
        UPDATE products
           SET stock_quantity = stock_quantity - CAST(:qty AS INTEGER),
               updated_at = CAST(:now AS TIMESTAMP)
         WHERE id = :product_id
           AND stock_quantity >= CAST(:qty AS INTEGER)
           AND active
     RETURNING id, stock_quantity, price_cents, name, sku
    ), moved AS (
        INSERT INTO stock_movements
               (product_id, delta, reason, stock_after, user_id, counter_id,
                cart_id, order_id, note, created_at)
        SELECT id, -CAST(:qty AS INTEGER), 'cart_add', stock_quantity,
               CAST(:user_id AS INTEGER), CAST(:counter_id AS INTEGER),
               CAST(:cart_id AS INTEGER), NULL, '', CAST(:now AS TIMESTAMP)
          FROM changed
    ), line AS (
        INSERT INTO cart_lines (cart_id, product_id, quantity, unit_price_cents, added_at)
        SELECT CAST(:cart_id AS INTEGER), id, CAST(:qty AS INTEGER), price_cents,
               CAST(:now AS TIMESTAMP)
          FROM changed
            ON CONFLICT (cart_id, product_id)
            DO UPDATE SET quantity = cart_lines.quantity + excluded.quantity
     RETURNING quantity, unit_price_cents
    )
    SELECT changed.id, changed.stock_quantity, changed.price_cents, changed.name, changed.sku,
           line.quantity, line.unit_price_cents, pg_notify('pos_stock', changed.id::text)
      FROM changed, line
    """
)

_PG_RETURN_FROM_CART = text(
    """
    WITH removed AS (
        DELETE FROM cart_lines
         WHERE cart_id = CAST(:cart_id AS INTEGER) AND product_id = :product_id
     RETURNING quantity
    ), changed AS (
        UPDATE products
           SET stock_quantity = stock_quantity + removed.quantity,
               updated_at = CAST(:now AS TIMESTAMP)
          FROM removed
         WHERE id = :product_id
     RETURNING products.id, products.stock_quantity, products.price_cents, products.name,
               products.sku, removed.quantity
    ), moved AS (
        INSERT INTO stock_movements
               (product_id, delta, reason, stock_after, user_id, counter_id,
                cart_id, order_id, note, created_at)
        SELECT id, quantity, 'cart_remove', stock_quantity,
               CAST(:user_id AS INTEGER), CAST(:counter_id AS INTEGER),
               CAST(:cart_id AS INTEGER), NULL, '', CAST(:now AS TIMESTAMP)
          FROM changed
    )
    SELECT id, stock_quantity, price_cents, name, sku, quantity,
           pg_notify('pos_stock', id::text)
      FROM changed
    """
)


@dataclass(frozen=True)
class CartLineChange:
    stock: StockChange
    line_quantity: int  # the line's quantity after the change
    unit_price_cents: int


def take_for_cart(
    tx: Tx, product_id: uuid.UUID, qty: int, user_id: int | None, counter_id: int, cart_id: int
) -> CartLineChange:
    """PostgreSQL: take `qty` of an active product into a cart line (insert or add to it).

    Raises like change_stock when nothing was taken; a line pushed over its cap raises
    IntegrityError (the statement, stock included, did nothing)."""
    row = _run_cart_statement(
        tx, _PG_TAKE_FOR_CART, product_id, user_id, counter_id, cart_id, qty=qty
    )
    if row is None:
        raise_refusal(tx, product_id, qty, cart_id)
    return CartLineChange(_logged(tx, row, -qty, "cart_add"), row[5], row[6])


def return_from_cart(
    tx: Tx, product_id: uuid.UUID, user_id: int | None, counter_id: int, cart_id: int
) -> tuple[StockChange, int] | None:
    """PostgreSQL: delete a cart line and give its quantity back (the change and that
    quantity); None if the cart had no such line (nothing written)."""
    row = _run_cart_statement(tx, _PG_RETURN_FROM_CART, product_id, user_id, counter_id, cart_id)
    if row is None:
        return None
    given_back = int(row[5])
    return _logged(tx, row, given_back, "cart_remove"), given_back


def _run_cart_statement(
    tx: Tx,
    statement: Any,
    product_id: uuid.UUID,
    user_id: int | None,
    counter_id: int,
    cart_id: int,
    **extra: Any,
) -> Any:
    """One of the PostgreSQL cart statements, on the session's connection (no ORM layer)."""
    params = {
        "now": utcnow().replace(tzinfo=None),
        "product_id": product_id,
        "user_id": user_id,
        "counter_id": counter_id,
        "cart_id": cart_id,
        **extra,
    }
    return tx.session.connection().execute(statement, params).first()


def _logged(tx: Tx, row: Any, delta: int, reason: str) -> StockChange:
    """The change a statement returned, with the seed's stock log line after the commit."""
    change = StockChange(row[0], row[1], row[2], row[3], row[4])
    tx.after_commit(
        lambda: log_stock_update(
            change.product_id, change.stock_after - delta, change.stock_after, reason
        )
    )
    return change


_PG_OPEN_STOCK = text(
    """
    UPDATE products AS p
       SET stock_quantity = v.qty, updated_at = CAST(:now AS TIMESTAMP)
      FROM unnest(CAST(:ids AS uuid[]), CAST(:qtys AS integer[])) AS v(id, qty)
     WHERE p.id = v.id AND p.stock_quantity = 0
    """
)


def open_stock(tx: Tx, quantities: list[tuple[uuid.UUID, int]], ledger: Ledger) -> None:
    """Opening stock of products created in this same transaction (stock 0, no other
    counter can see them yet): batched UPDATEs and ledger rows, a log line each. A CSV of
    10,000 new products is a few statements instead of 20,000 round trips; a product
    whose stock is no longer 0 is refused (its ledger row would be wrong)."""
    if not quantities:
        return
    if any(qty <= 0 for _, qty in quantities):
        raise ValueError("opening stock must be positive")
    now = utcnow()
    if tx.is_postgres:  # one statement; executemany would be a round trip per row
        moved = tx.session.connection().execute(
            _PG_OPEN_STOCK,
            {
                "ids": [str(pid) for pid, _ in quantities],
                "qtys": [qty for _, qty in quantities],
                "now": now.replace(tzinfo=None),
            },
        )
    else:
        table = cast(Table, Product.__table__)
        moved = tx.session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("pid"), table.c.stock_quantity == 0)
            .values(stock_quantity=bindparam("qty"), updated_at=now),
            [{"pid": pid, "qty": qty} for pid, qty in quantities],
        )
    if moved.rowcount >= 0 and moved.rowcount != len(quantities):
        raise PosError(
            ErrorCode.VALIDATION_ERROR, "Opening stock is only for products without stock."
        )
    tx.session.execute(
        insert(StockMovement),
        [
            {
                "product_id": pid,
                "delta": qty,
                "reason": ledger.reason,
                "stock_after": qty,
                "user_id": ledger.user_id,
                "counter_id": ledger.counter_id,
                "cart_id": ledger.cart_id,
                "order_id": ledger.order_id,
                "note": ledger.note,
                "created_at": now,
            }
            for pid, qty in quantities
        ],
    )

    def log_lines() -> None:
        for pid, qty in quantities:
            log_stock_update(pid, 0, qty, ledger.reason)

    tx.after_commit(log_lines)
