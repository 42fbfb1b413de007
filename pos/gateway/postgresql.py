"""PostgreSQL side of the stock/order seam: each operation is one statement (one round
trip) that does the conditional update, the ledger row and the NOTIFY for other counters.
Shaped so each can become one SECURITY DEFINER function with the same parameters."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Integer, Select, bindparam, text
from sqlalchemy.exc import IntegrityError

from pos.gateway.types import CartLineChange, Ledger, LineCapExceeded, NewOrder, StockChange
from pos.models.base import UtcDateTime
from pos.services.plumbing.uow import Tx

_CHANGE = text(
    """
    WITH changed AS (
        UPDATE products
           SET stock_quantity = stock_quantity + CAST(:delta AS INTEGER),
               updated_at = CAST(:now AS TIMESTAMP)
         WHERE id = :product_id
           AND stock_quantity + CAST(:delta AS INTEGER) BETWEEN 0 AND CAST(:ceiling AS INTEGER)
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

# Same conditional UPDATE and ledger row, with the cart line written in the same statement:
# the product row stays locked only from here to COMMIT, which is what limits throughput
# when many counters sell the same product.
_TAKE_FOR_CART = text(
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
        SELECT id, -CAST(:qty AS INTEGER), CAST(:reason AS VARCHAR), stock_quantity,
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
           line.quantity AS line_quantity, line.unit_price_cents,
           pg_notify('pos_stock', changed.id::text) AS notified
      FROM changed, line
    """
)

_RETURN_FROM_CART = text(
    """
    WITH removed AS (
        DELETE FROM cart_lines
         WHERE cart_id = CAST(:cart_id AS INTEGER) AND product_id = :product_id
     RETURNING quantity, unit_price_cents
    ), changed AS (
        UPDATE products
           SET stock_quantity = stock_quantity + removed.quantity,
               updated_at = CAST(:now AS TIMESTAMP)
          FROM removed
         WHERE id = :product_id
     RETURNING products.id, products.stock_quantity, products.price_cents, products.name,
               products.sku, removed.quantity AS line_quantity, removed.unit_price_cents
    ), moved AS (
        INSERT INTO stock_movements
               (product_id, delta, reason, stock_after, user_id, counter_id,
                cart_id, order_id, note, created_at)
        SELECT id, line_quantity, CAST(:reason AS VARCHAR), stock_quantity,
               CAST(:user_id AS INTEGER), CAST(:counter_id AS INTEGER),
               CAST(:cart_id AS INTEGER), NULL, '', CAST(:now AS TIMESTAMP)
          FROM changed
    )
    SELECT id, stock_quantity, price_cents, name, sku, line_quantity, unit_price_cents,
           pg_notify('pos_stock', id::text) AS notified
      FROM changed
    """
)

_OPEN_STOCK = text(
    """
    UPDATE products AS p
       SET stock_quantity = v.qty, updated_at = CAST(:now AS TIMESTAMP)
      FROM unnest(CAST(:ids AS uuid[]), CAST(:qtys AS integer[])) AS v(id, qty)
     WHERE p.id = v.id AND p.stock_quantity = 0
    """
)

# The order, its items, its payments and the cart's new status in one statement.
_PLACE_ORDER = text(
    """
    WITH placed AS (
        INSERT INTO orders (order_number, cart_id, counter_id, user_id, customer_id, delivery,
                            subtotal_cents, tax_cents, shipping_cents, total_cents,
                            tendered_cents, change_cents, tax_rate_ppm, currency, created_at)
        VALUES (:number, :cart_id, :counter_id, :user_id, :customer_id, :delivery,
                :subtotal, :tax, :shipping, :total, :tendered, :change, :tax_rate_ppm,
                :currency, :now)
        RETURNING id
    ), items AS (
        INSERT INTO order_items (order_id, product_id, sku, name, unit_price_cents, quantity,
                                 line_total_cents)
        SELECT placed.id, x.product_id, x.sku, x.name, x.unit, x.quantity, x.line_total
          FROM placed,
               unnest(CAST(:product_ids AS UUID[]), CAST(:skus AS VARCHAR[]),
                      CAST(:names AS VARCHAR[]), CAST(:units AS BIGINT[]),
                      CAST(:quantities AS INTEGER[]), CAST(:line_totals AS BIGINT[]))
                   WITH ORDINALITY AS x(product_id, sku, name, unit, quantity, line_total, n)
         ORDER BY x.n
    ), paid AS (
        INSERT INTO payments (order_id, method, amount_cents)
        SELECT placed.id, y.method, y.amount
          FROM placed,
               unnest(CAST(:methods AS VARCHAR[]), CAST(:amounts AS BIGINT[]))
                   WITH ORDINALITY AS y(method, amount, n)
         ORDER BY y.n
    ), closed AS (
        UPDATE carts
           SET status = 'checked_out', closed_at = :now, closed_by = :user_id,
               updated_at = :now, delivery = :delivery, customer_id = :customer_id
         WHERE id = :cart_id
    )
    SELECT id FROM placed
    """
).bindparams(
    bindparam("now", type_=UtcDateTime()),
    bindparam("delivery", type_=Boolean()),
    bindparam("customer_id", type_=Integer()),
)

# One statement however many payloads; NOTIFY itself is delivered at COMMIT.
_NOTIFY = text("SELECT pg_notify(:channel, x) FROM unnest(CAST(:payloads AS text[])) AS x")
NOTIFY_CHUNK = 500  # payloads per statement: keeps one statement's parameters small

# SHARE ROW EXCLUSIVE conflicts with itself and with row writes, not with reads (sign-ins).
_LOCK_USERS = text("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")


def _ledger_params(ledger: Ledger, now: datetime) -> dict[str, Any]:
    return {
        "reason": ledger.reason,
        "user_id": ledger.user_id,
        "counter_id": ledger.counter_id,
        "cart_id": ledger.cart_id,
        "order_id": ledger.order_id,
        "note": ledger.note,
        "now": now.replace(tzinfo=None),
    }


def _first(tx: Tx, statement: Any, params: dict[str, Any]) -> Any:
    # Core statements on the session's connection: the ORM execution path adds nothing.
    return tx.session.connection().execute(statement, params).first()


def _stock(row: Any) -> StockChange:
    return StockChange(row.id, row.stock_quantity, row.price_cents, row.name, row.sku)


def _line(row: Any) -> CartLineChange:
    return CartLineChange(_stock(row), row.line_quantity, row.unit_price_cents)


class PostgresGateway:
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
        params = _ledger_params(ledger, now)
        params.update(
            product_id=product_id, delta=delta, ceiling=ceiling, require_active=require_active
        )
        row = _first(tx, _CHANGE, params)
        return _stock(row) if row is not None else None

    def take_for_cart(
        self, tx: Tx, product_id: uuid.UUID, qty: int, ledger: Ledger, now: datetime
    ) -> CartLineChange | None:
        params = _ledger_params(ledger, now)
        params.update(product_id=product_id, qty=qty)
        try:
            row = _first(tx, _TAKE_FOR_CART, params)
        except IntegrityError as exc:
            if "quantity_range" not in str(exc.orig):
                raise
            raise LineCapExceeded from None
        return _line(row) if row is not None else None

    def return_from_cart(
        self, tx: Tx, product_id: uuid.UUID, ledger: Ledger, now: datetime
    ) -> CartLineChange | None:
        params = _ledger_params(ledger, now)
        params["product_id"] = product_id
        row = _first(tx, _RETURN_FROM_CART, params)
        return _line(row) if row is not None else None

    def open_stock(self, tx: Tx, quantities: list[tuple[uuid.UUID, int]], now: datetime) -> int:
        # One statement: executemany would be a round trip per row.
        result = tx.session.connection().execute(
            _OPEN_STOCK,
            {
                "ids": [str(pid) for pid, _ in quantities],
                "qtys": [qty for _, qty in quantities],
                "now": now.replace(tzinfo=None),
            },
        )
        return int(result.rowcount)

    def place_order(self, tx: Tx, order: NewOrder) -> int:
        lines = order.lines
        params = {
            "number": order.number,
            "cart_id": order.cart_id,
            "counter_id": order.counter_id,
            "user_id": order.user_id,
            "customer_id": order.customer_id,
            "delivery": order.delivery,
            "subtotal": order.subtotal_cents,
            "tax": order.tax_cents,
            "shipping": order.shipping_cents,
            "total": order.total_cents,
            "tendered": order.tendered_cents,
            "change": order.change_cents,
            "tax_rate_ppm": order.tax_rate_ppm,
            "currency": order.currency,
            "now": order.created_at,
            "product_ids": [line.product_id for line in lines],
            "skus": [line.sku for line in lines],
            "names": [line.name for line in lines],
            "units": [line.unit_price_cents for line in lines],
            "quantities": [line.quantity for line in lines],
            "line_totals": [line.line_total_cents for line in lines],
            "methods": [m for m, _ in order.payments],
            "amounts": [c for _, c in order.payments],
        }
        return int(tx.session.execute(_PLACE_ORDER, params).scalar_one())

    def notify(self, tx: Tx, channel: str, payloads: Sequence[str]) -> None:
        connection = tx.session.connection()
        for start in range(0, len(payloads), NOTIFY_CHUNK):
            chunk = list(payloads[start : start + NOTIFY_CHUNK])
            connection.execute(_NOTIFY, {"channel": channel, "payloads": chunk})

    def serialize_first_run(self, tx: Tx) -> None:
        tx.session.execute(_LOCK_USERS)

    def name_candidates(self, tx: Tx, clean: str) -> Select[Any] | None:
        return None  # the trigram index on lower(name) (migration 0003) serves the LIKE
