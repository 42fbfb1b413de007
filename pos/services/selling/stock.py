"""The one place that changes products.stock_quantity, always with its ledger row.

A single conditional UPDATE, never read-then-write: under concurrency a blocked
UPDATE re-checks its WHERE once the other transaction commits, so stock cannot go
below zero. On PostgreSQL the update, the ledger insert and the NOTIFY for other
counters are one statement (one round trip); SQLite runs them as two. The SQL itself lives
in the gateway (pos/gateway/), one implementation per backend; this module adds the
refusal diagnosis and the log lines.
"""

from __future__ import annotations

import uuid

from pos.errors import ErrorCode, PosError
from pos.gateway import CartLineChange, Ledger, StockChange, gateway
from pos.logs import log_stock_update
from pos.models import utcnow
from pos.services.plumbing.bounds import MAX_ID, MAX_STOCK
from pos.services.plumbing.uow import Tx
from pos.services.selling.refusals import raise_refusal

__all__ = [
    "CartLineChange",
    "Ledger",
    "StockChange",
    "change_cart_line",
    "change_stock",
    "open_stock",
    "return_from_cart",
    "take_for_cart",
]

STOCK_CHANNEL = "pos_stock"


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
    change = gateway(tx).change_stock(
        tx,
        product_id,
        delta,
        ledger,
        require_active=require_active,
        ceiling=_ceiling(delta),
        now=utcnow(),
    )
    if change is None:
        raise_refusal(tx, product_id, -delta, ledger.cart_id)
    return _logged(tx, change, delta, ledger.reason)


def _ceiling(delta: int) -> int:
    """The highest level a change may leave: MAX_STOCK for additions; a removal is never
    refused for a level that an older version let above the bound."""
    return MAX_STOCK if delta > 0 else MAX_ID


def take_for_cart(tx: Tx, product_id: uuid.UUID, qty: int, ledger: Ledger) -> CartLineChange:
    """Take `qty` of an active product into the ledger's cart line (insert or add to it).

    Raises like change_stock when nothing was taken; LineCapExceeded if the line would
    pass its cap (nothing written)."""
    taken = gateway(tx).take_for_cart(tx, product_id, qty, ledger, utcnow())
    if taken is None:
        raise_refusal(tx, product_id, qty, ledger.cart_id)
    _logged(tx, taken.stock, -qty, ledger.reason)
    return taken


def change_cart_line(tx: Tx, product_id: uuid.UUID, diff: int, ledger: Ledger) -> StockChange:
    """Move `diff` units from stock into the ledger's existing cart line of a product (a
    negative diff gives them back), or raise like change_stock without writing anything."""
    if diff == 0:
        raise ValueError("a line change needs a non-zero difference")
    change = gateway(tx).change_cart_line(
        tx, product_id, diff, ledger, ceiling=_ceiling(-diff), now=utcnow()
    )
    if change is None:
        raise_refusal(tx, product_id, diff, ledger.cart_id)
    return _logged(tx, change, -diff, ledger.reason)


def return_from_cart(tx: Tx, product_id: uuid.UUID, ledger: Ledger) -> CartLineChange | None:
    """Delete the ledger's cart line of a product and give its quantity back (in
    line_quantity); None if the cart had no such line (nothing written)."""
    returned = gateway(tx).return_from_cart(tx, product_id, ledger, utcnow())
    if returned is not None:
        _logged(tx, returned.stock, returned.line_quantity, ledger.reason)
    return returned


def _logged(tx: Tx, change: StockChange, delta: int, reason: str) -> StockChange:
    """The change a statement returned, with the seed's stock log line after the commit."""
    tx.after_commit(
        lambda: log_stock_update(
            change.product_id, change.stock_after - delta, change.stock_after, reason
        )
    )
    return change


def open_stock(tx: Tx, quantities: list[tuple[uuid.UUID, int]], ledger: Ledger) -> None:
    """Opening stock of products created in this same transaction (stock 0, no other
    counter can see them yet): batched, with their ledger rows, a log line each. A CSV of
    10,000 new products is a few statements instead of 20,000 round trips; a product
    whose stock is no longer 0 is refused (its ledger row would be wrong)."""
    if not quantities:
        return
    if any(qty <= 0 for _, qty in quantities):
        raise ValueError("opening stock must be positive")
    moved = gateway(tx).open_stock(tx, quantities, ledger, utcnow())
    if moved >= 0 and moved != len(quantities):
        raise PosError(
            ErrorCode.VALIDATION_ERROR, "Opening stock is only for products without stock."
        )

    def log_lines() -> None:
        for pid, qty in quantities:
            log_stock_update(pid, 0, qty, ledger.reason)

    tx.after_commit(log_lines)
