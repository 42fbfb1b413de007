"""Stock changes by managers: receive, adjust, return, stocktake. Each writes the ledger."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from pos.errors import ErrorCode, PosError
from pos.models import Cart, CartLine, Counter, Product, StockMovement, User
from pos.services.catalog.product_rows import load_product
from pos.services.people.auth import require_active_manager
from pos.services.plumbing import bounds, validation
from pos.services.plumbing.events import EventHub
from pos.services.plumbing.uow import Tx, UnitOfWork, records_failures
from pos.services.selling.stock import Ledger, change_stock
from pos.views import Actor, MovementView, ProductView

MANUAL_REASONS = ("receive", "adjust", "return")


@records_failures("inventory")
class InventoryService:
    def __init__(self, uow: UnitOfWork, events: EventHub) -> None:
        self._uow = uow
        self._events = events

    def adjust(
        self, actor: Actor, product_id: Any, delta: Any, reason: str = "adjust", note: str = ""
    ) -> ProductView:
        pid = validation.product_id(product_id)
        amount = bounds.stock_change(delta, "delta", label="The change")
        if reason not in MANUAL_REASONS:
            raise PosError(
                ErrorCode.VALIDATION_ERROR,
                f"Reason must be one of {', '.join(MANUAL_REASONS)}.",
                {"field": "reason", "allowed": list(MANUAL_REASONS)},
            )
        if amount == 0:
            raise PosError(
                ErrorCode.INVALID_QUANTITY, "The change must not be zero.", {"requested": 0}
            )
        if reason in ("receive", "return") and amount < 0:
            raise PosError(
                ErrorCode.INVALID_QUANTITY,
                f"A {reason} adds stock; use an adjustment to remove it.",
                {"requested": amount},
            )
        clean_note = validation.text(note, "note", max_length=500, required=False, multiline=True)

        def work(tx: Tx) -> ProductView:
            require_active_manager(tx, actor)
            change_stock(
                tx, pid, amount, Ledger(reason, actor.user_id, actor.counter_id, note=clean_note)
            )
            return load_product(tx, pid)

        view = self._uow.run(work, operation=f"inventory.{reason}", actor=actor)
        self._events.stock_changed([pid])
        return view

    def receive(self, actor: Actor, product_id: Any, quantity: Any, note: str = "") -> ProductView:
        return self.adjust(actor, product_id, quantity, reason="receive", note=note)

    def stocktake(self, actor: Actor, product_id: Any, counted: Any, note: str = "") -> ProductView:
        """Record a count of the units physically in the store; free-to-sell stock follows.

        What the manager counts: every unit in the shop that is not sold yet: shelves,
        stockroom, and units lying in open carts (a basket at a counter, a sale not paid
        yet), because until checkout those are still the shop's. The service subtracts
        what open carts hold: free to sell = counted - in open carts. So a cart released
        later puts its units back without inflating stock, and a cart checked out later
        takes them away (they were counted and leave with the customer). Counting fewer
        units than the carts hold is refused: release the abandoned carts first.
        Logged with its own reason, `stocktake`, the note saying what was counted.
        """
        pid = validation.product_id(product_id)
        target = bounds.stock_level(counted, "counted", label="The counted quantity")
        clean_note = validation.text(note, "note", max_length=500, required=False, multiline=True)

        def work(tx: Tx) -> ProductView:
            require_active_manager(tx, actor)
            # The product lock first: cart adds and removes change stock under the same
            # lock, so what the carts hold cannot change until this commits.
            current = tx.session.execute(
                select(Product.stock_quantity)
                .where(Product.id == pid)
                .with_for_update(key_share=True)
            ).scalar()
            if current is None:
                raise PosError(
                    ErrorCode.PRODUCT_NOT_FOUND, "Product not found.", {"product_id": str(pid)}
                )
            in_carts = in_open_carts(tx, pid)
            if target < in_carts:
                raise PosError(
                    ErrorCode.INVALID_QUANTITY,
                    f"Open carts hold {in_carts} units of this product, more than the "
                    f"{target} counted. Count the units in the carts too, or release "
                    "abandoned carts first.",
                    {"counted": target, "in_carts": in_carts},
                )
            free = target - in_carts
            if free != current:
                what = f"counted {target}" + (f", {in_carts} in open carts" if in_carts else "")
                change_stock(
                    tx,
                    pid,
                    free - current,
                    Ledger(
                        "stocktake",
                        actor.user_id,
                        actor.counter_id,
                        note="; ".join(part for part in (what, clean_note) if part),
                    ),
                )
            return load_product(tx, pid)

        view = self._uow.run(work, operation="inventory.stocktake", actor=actor)
        self._events.stock_changed([pid])
        return view

    def movements(self, actor: Actor, product_id: Any, limit: int = 500) -> list[MovementView]:
        pid = validation.product_id(product_id)
        limit = bounds.row_limit(limit)

        def work(tx: Tx) -> list[MovementView]:
            require_active_manager(tx, actor)
            rows = tx.session.execute(
                select(StockMovement, User.username, Counter.code)
                .outerjoin(User, User.id == StockMovement.user_id)
                .outerjoin(Counter, Counter.id == StockMovement.counter_id)
                .where(StockMovement.product_id == pid)
                .order_by(StockMovement.id.desc())
                .limit(limit)
            ).all()
            return [
                MovementView(
                    m.id,
                    m.product_id,
                    m.delta,
                    m.reason,
                    m.stock_after,
                    user,
                    code,
                    m.cart_id,
                    m.order_id,
                    m.note,
                    m.created_at,
                )
                for m, user, code in rows
            ]

        return self._uow.run(work, operation="inventory.movements", actor=actor, write=False)


def in_open_carts(tx: Tx, pid: Any) -> int:
    """Units of one product held by open carts (taken from free stock, not yet sold)."""
    held = tx.session.execute(
        select(func.coalesce(func.sum(CartLine.quantity), 0))
        .join(Cart, Cart.id == CartLine.cart_id)
        .where(CartLine.product_id == pid, Cart.status == "open")
    ).scalar()
    return int(held or 0)
