"""The counter's two hot-path stock statements as they were before the SECURITY DEFINER
functions (issue 21): one data-modifying statement each, no permission checks. Kept only
so hot_product can measure the functions against them in the same run; they need direct
write grants on products, the ledger and cart lines, which no pos role has any more, so
this variant runs as the bench's owner connection."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from pos.gateway.postgresql import PostgresGateway, _first, _ledger_params, _line
from pos.gateway.types import CartLineChange, Ledger, LineCapExceeded
from pos.services.plumbing.uow import Tx

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


class StatementsGateway(PostgresGateway):
    """The PostgreSQL gateway with the old plain statements on the hot path."""

    def take_for_cart(
        self, tx: Tx, product_id: uuid.UUID, qty: int, ledger: Ledger, now: datetime
    ) -> CartLineChange | None:
        params: dict[str, Any] = _ledger_params(ledger, now)
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
        params: dict[str, Any] = _ledger_params(ledger, now)
        params["product_id"] = product_id
        row = _first(tx, _RETURN_FROM_CART, params)
        return _line(row) if row is not None else None


def use_plain_statements() -> None:
    """Make this process's PostgreSQL use cases run the old statements."""
    import pos.gateway

    pos.gateway._POSTGRES = StatementsGateway()  # type: ignore[attr-defined]
