"""Why a stock change returned no row: not found, no longer sold, too much, or not enough.

Runs only after a refusal (never on the selling path). For a cart it counts what this cart
already holds of the product and what other counters' open carts hold, so the clerk reads
"Only 94 more can be added (1 already in this cart)" rather than a bare "Only 94 left",
and "out of stock: the last one is in another counter's cart" rather than a bare "out of
stock" while a unit waits in someone else's basket.
"""

from __future__ import annotations

import uuid
from typing import NoReturn

from sqlalchemy import select

from pos.errors import ErrorCode, PosError
from pos.gateway import gateway
from pos.models import Product
from pos.services.plumbing.bounds import MAX_STOCK
from pos.services.plumbing.uow import Tx


def raise_refusal(
    tx: Tx, product_id: uuid.UUID, requested: int, cart_id: int | None = None
) -> NoReturn:
    """`requested` is the quantity asked for (negative when stock was being added)."""
    found = tx.session.execute(
        select(Product.active, Product.stock_quantity, Product.name).where(Product.id == product_id)
    ).first()
    pid = str(product_id)
    if found is None:
        raise PosError(ErrorCode.PRODUCT_NOT_FOUND, "Product not found.", {"product_id": pid})
    active, available, name = found
    if requested < 0 and available - requested > MAX_STOCK:
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            f"Stock cannot exceed {MAX_STOCK:,}: {available:,} plus {-requested:,} is more.",
            {
                "field": "delta",
                "stock": available,
                "delta": -requested,
                "max": MAX_STOCK,
                "product_id": pid,
            },
        )
    if not active:
        raise PosError(
            ErrorCode.PRODUCT_INACTIVE, f"{name} is no longer sold.", {"product_id": pid}
        )
    here, elsewhere, other_carts = _held_in_carts(tx, product_id, cart_id)
    details = {
        "requested": requested,
        "available": available,
        "in_this_cart": here,
        "in_other_carts": elsewhere,
        "product_id": pid,
    }
    raise PosError(
        ErrorCode.INSUFFICIENT_STOCK,
        insufficient_message(name, available, here, elsewhere, other_carts),
        details,
    )


def insufficient_message(
    name: str, available: int, here: int, elsewhere: int, other_carts: int
) -> str:
    where = "in another counter's cart" if other_carts == 1 else "in other counters' carts"
    if available == 0:
        if elsewhere == 1:
            return f"{name} is out of stock: the last one is {where}."
        if elsewhere:
            return f"{name} is out of stock: the last {elsewhere} are {where}."
        if here:
            return f"No more {name} in stock ({here} already in this cart)."
        return f"{name} is out of stock."
    if here:
        return f"Only {available} more of {name} can be added ({here} already in this cart)."
    return f"Only {available} left of {name}."


def _held_in_carts(tx: Tx, product_id: uuid.UUID, cart_id: int | None) -> tuple[int, int, int]:
    """(units in this cart, units in other open carts, how many other open carts): through
    the gateway, since on PostgreSQL a clerk cannot read other counters' carts."""
    return gateway(tx).held_in_carts(tx, product_id, cart_id)
