"""PostgreSQL side of the stock/order seam: each operation is one call (one round trip) of
a SECURITY DEFINER function (migration 0013) that does the conditional update, the ledger
row and the NOTIFY for other counters, and checks that the caller may. The pos roles
cannot write these tables otherwise (pos/security/grants.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, Integer, Select, bindparam, text
from sqlalchemy.exc import IntegrityError

from pos.gateway.types import (
    CartLineChange,
    Ledger,
    LineCapExceeded,
    NewOrder,
    ReleasedLine,
    StockChange,
)
from pos.models.base import UtcDateTime
from pos.services.plumbing.uow import Tx

# The statements that wrote these tables directly are now functions (migration 0013,
# SECURITY DEFINER): the pos roles have no write grants on stock, the ledger, carts,
# orders or prices, and each function checks who calls it. Still one round trip each.
_CHANGE = text(
    """
    SELECT * FROM pos_change_stock(
        CAST(:product_id AS uuid), CAST(:delta AS integer), CAST(:reason AS varchar),
        CAST(:user_id AS integer), CAST(:counter_id AS integer), CAST(:cart_id AS integer),
        CAST(:order_id AS integer), CAST(:note AS text), CAST(:require_active AS boolean),
        CAST(:ceiling AS integer), CAST(:now AS timestamp))
    """
)

# The product row stays locked only from here to COMMIT, which is what limits throughput
# when many counters sell the same product.
_TAKE_FOR_CART = text(
    """
    SELECT id, stock_quantity, price_cents, name, sku, line_quantity, unit_price_cents
      FROM pos_take_for_cart(
        CAST(:product_id AS uuid), CAST(:qty AS integer), CAST(:reason AS varchar),
        CAST(:user_id AS integer), CAST(:counter_id AS integer), CAST(:cart_id AS integer),
        CAST(:now AS timestamp))
    """
)

_RETURN_FROM_CART = text(
    """
    SELECT id, stock_quantity, price_cents, name, sku, line_quantity, unit_price_cents
      FROM pos_return_from_cart(
        CAST(:product_id AS uuid), CAST(:reason AS varchar), CAST(:user_id AS integer),
        CAST(:counter_id AS integer), CAST(:cart_id AS integer), CAST(:now AS timestamp))
    """
)

_CHANGE_CART_LINE = text(
    """
    SELECT * FROM pos_change_cart_line(
        CAST(:product_id AS uuid), CAST(:diff AS integer), CAST(:reason AS varchar),
        CAST(:user_id AS integer), CAST(:counter_id AS integer), CAST(:cart_id AS integer),
        CAST(:ceiling AS integer), CAST(:now AS timestamp))
    """
)

_OPEN_STOCK = text(
    """
    SELECT pos_open_stock(
        CAST(:ids AS uuid[]), CAST(:qtys AS integer[]), CAST(:reason AS varchar),
        CAST(:user_id AS integer), CAST(:counter_id AS integer), CAST(:cart_id AS integer),
        CAST(:order_id AS integer), CAST(:note AS text), CAST(:now AS timestamp))
    """
)

_PLACE_ORDER = text(
    """
    SELECT pos_place_order(
        CAST(:number AS varchar), CAST(:cart_id AS integer), CAST(:counter_id AS integer),
        CAST(:user_id AS integer), CAST(:customer_id AS integer),
        CAST(:delivery AS boolean), CAST(:subtotal AS bigint), CAST(:tax AS bigint),
        CAST(:shipping AS bigint), CAST(:total AS bigint), CAST(:tendered AS bigint),
        CAST(:change AS bigint), CAST(:tax_rate_ppm AS integer), CAST(:currency AS varchar),
        CAST(:now AS timestamp), CAST(:product_ids AS uuid[]), CAST(:skus AS varchar[]),
        CAST(:names AS varchar[]), CAST(:units AS bigint[]), CAST(:quantities AS integer[]),
        CAST(:line_totals AS bigint[]), CAST(:methods AS varchar[]),
        CAST(:amounts AS bigint[]))
    """
).bindparams(
    bindparam("now", type_=UtcDateTime()),
    bindparam("delivery", type_=Boolean()),
    bindparam("customer_id", type_=Integer()),
)

_OPEN_CART = text(
    """
    SELECT pos_open_cart(
        CAST(:counter_id AS integer), CAST(:user_id AS integer), CAST(:now AS timestamp))
    """
)

_SET_CART_FIELDS = text(
    """
    SELECT pos_set_cart_fields(
        CAST(:cart_id AS integer), CAST(:set_delivery AS boolean),
        CAST(:delivery AS boolean), CAST(:set_customer AS boolean),
        CAST(:customer_id AS integer), CAST(:now AS timestamp))
    """
)

_RELEASE_CART = text(
    """
    SELECT product_id, line_quantity, unit_price_cents, sku, name, stock_after
      FROM pos_release_cart(
        CAST(:cart_id AS integer), CAST(:reason AS varchar), CAST(:user_id AS integer),
        CAST(:counter_id AS integer), CAST(:note AS text), CAST(:now AS timestamp))
    """
)

_SET_PRICES = text(
    """
    SELECT pos_set_prices(
        CAST(:ids AS uuid[]), CAST(:prices AS bigint[]), CAST(:user_id AS integer),
        CAST(:bulk_id AS uuid), CAST(:note AS text), CAST(:now AS timestamp))
    """
)

_HELD_IN_CARTS = text(
    "SELECT here, elsewhere, other_carts "
    "FROM pos_held_in_carts(CAST(:product_id AS uuid), CAST(:cart_id AS integer))"
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
        "now": _naive(now),
    }


def _naive(now: datetime) -> datetime:
    """The columns are timestamp without time zone, holding UTC."""
    return now.astimezone(UTC).replace(tzinfo=None)


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

    def change_cart_line(
        self,
        tx: Tx,
        product_id: uuid.UUID,
        diff: int,
        ledger: Ledger,
        *,
        ceiling: int,
        now: datetime,
    ) -> StockChange | None:
        params = _ledger_params(ledger, now)
        params.update(product_id=product_id, diff=diff, ceiling=ceiling)
        row = _first(tx, _CHANGE_CART_LINE, params)
        return _stock(row) if row is not None else None

    def open_stock(
        self, tx: Tx, quantities: list[tuple[uuid.UUID, int]], ledger: Ledger, now: datetime
    ) -> int:
        # One call for all of them: executemany would be a round trip per row.
        params = _ledger_params(ledger, now)
        params.update(ids=[str(pid) for pid, _ in quantities], qtys=[qty for _, qty in quantities])
        return int(_first(tx, _OPEN_STOCK, params)[0])

    def open_cart(self, tx: Tx, counter_id: int, user_id: int, now: datetime) -> int | None:
        params = {"counter_id": counter_id, "user_id": user_id, "now": _naive(now)}
        opened = _first(tx, _OPEN_CART, params)[0]
        return None if opened is None else int(opened)

    def set_cart_fields(self, tx: Tx, cart_id: int, now: datetime, **values: Any) -> None:
        unknown = set(values) - {"delivery", "customer_id"}
        if unknown:
            raise ValueError(f"not a cart field: {sorted(unknown)}")
        _first(
            tx,
            _SET_CART_FIELDS,
            {
                "cart_id": cart_id,
                "set_delivery": "delivery" in values,
                "delivery": values.get("delivery"),
                "set_customer": "customer_id" in values,
                "customer_id": values.get("customer_id"),
                "now": _naive(now),
            },
        )

    def release_cart(
        self, tx: Tx, cart_id: int, ledger: Ledger, now: datetime
    ) -> list[ReleasedLine]:
        params = _ledger_params(ledger, now)
        params["cart_id"] = cart_id
        rows = tx.session.connection().execute(_RELEASE_CART, params)
        return [ReleasedLine(*row) for row in rows]

    def set_prices(
        self,
        tx: Tx,
        prices: Sequence[tuple[uuid.UUID, int]],
        user_id: int | None,
        now: datetime,
        *,
        bulk_id: uuid.UUID | None = None,
        note: str = "",
    ) -> int:
        params = {
            "ids": [str(pid) for pid, _ in prices],
            "prices": [cents for _, cents in prices],
            "user_id": user_id,
            "bulk_id": None if bulk_id is None else str(bulk_id),
            "note": note,
            "now": _naive(now),
        }
        return int(_first(tx, _SET_PRICES, params)[0])

    def held_in_carts(
        self, tx: Tx, product_id: uuid.UUID, cart_id: int | None
    ) -> tuple[int, int, int]:
        row = _first(tx, _HELD_IN_CARTS, {"product_id": product_id, "cart_id": cart_id})
        return int(row[0]), int(row[1]), int(row[2])

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
        return int(tx.session.connection().execute(_PLACE_ORDER, params).scalar_one())

    def notify(self, tx: Tx, channel: str, payloads: Sequence[str]) -> None:
        connection = tx.session.connection()
        for start in range(0, len(payloads), NOTIFY_CHUNK):
            chunk = list(payloads[start : start + NOTIFY_CHUNK])
            connection.execute(_NOTIFY, {"channel": channel, "payloads": chunk})

    def serialize_first_run(self, tx: Tx) -> None:
        tx.session.execute(_LOCK_USERS)

    def name_candidates(self, tx: Tx, clean: str) -> Select[Any] | None:
        return None  # the trigram index on lower(name) (migration 0003) serves the LIKE
