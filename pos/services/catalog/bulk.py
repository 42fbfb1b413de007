"""Changes to many products at once, each in one transaction: all rows or none.

Products are locked in ascending id order (the store-wide lock order, so a bulk edit
never deadlocks with counters or with another bulk edit).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select, update

from pos.errors import ErrorCode, PosError
from pos.gateway import gateway
from pos.models import Product, utcnow
from pos.money import from_cents, round_half_up
from pos.services.catalog import rules
from pos.services.catalog.products import category_id
from pos.services.people.auth import require_active_manager
from pos.services.plumbing import bounds, validation
from pos.services.plumbing.events import EventHub
from pos.services.plumbing.uow import Tx, UnitOfWork
from pos.services.selling.stock import Ledger, change_stock
from pos.views import Actor, PricePreview

MAX_BULK = 100_000
CHUNK = 500
MIN_PERCENT = Decimal("-99.99")
MAX_PERCENT = Decimal("1000")


def product_ids(values: Any) -> list[uuid.UUID]:
    ids = sorted({validation.product_id(v) for v in values})
    if not ids:
        raise PosError(ErrorCode.VALIDATION_ERROR, "Select at least one product.")
    if len(ids) > MAX_BULK:
        raise PosError(ErrorCode.VALIDATION_ERROR, f"At most {MAX_BULK} products at a time.")
    return ids


def lock_products(tx: Tx, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Lock the given products in ascending id order; return id -> price in cents.

    FOR NO KEY UPDATE (not FOR UPDATE) so counters can still insert rows that refer to
    these products. Raises PRODUCT_NOT_FOUND naming the ids that are gone.
    """
    prices: dict[uuid.UUID, int] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        rows = tx.session.execute(
            select(Product.id, Product.price_cents)
            .where(Product.id.in_(chunk))
            .order_by(Product.id)
            .with_for_update(key_share=True)
        ).all()
        prices.update({r[0]: r[1] for r in rows})
    missing = [str(i) for i in ordered if i not in prices]
    if missing:
        raise PosError(
            ErrorCode.PRODUCT_NOT_FOUND,
            f"{len(missing)} of the selected products no longer exist.",
            {"product_ids": missing[:20]},
        )
    return prices


def notify_products(tx: Tx, ids: list[uuid.UUID]) -> None:
    """Tell other counters which products changed: ids only, one statement per chunk."""
    gateway(tx).notify(tx, "pos_product", [str(i) for i in ids])


def percent_value(value: Any) -> Decimal:
    if isinstance(value, float):
        value = str(value)
    try:
        pct = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        raise PosError(
            ErrorCode.VALIDATION_ERROR, "The percentage is not a number.", {"field": "percent"}
        ) from None
    if not pct.is_finite() or not MIN_PERCENT <= pct <= MAX_PERCENT or pct == 0:
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            f"The percentage must be between {MIN_PERCENT} and {MAX_PERCENT}, and not zero.",
            {"field": "percent"},
        )
    return pct


def new_price_cents(old_cents: int, pct: Decimal) -> int:
    """old * (1 + pct/100), rounded half-up to the cent; never below zero."""
    price = Decimal(old_cents) / 100 * (1 + pct / 100)
    cents = max(0, int(round_half_up(price) * 100))
    if cents > rules.MAX_PRICE_CENTS:
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            "The new price would exceed the largest price allowed.",
            {"field": "percent", "max": str(Decimal(rules.MAX_PRICE_CENTS) / 100)},
        )
    return cents


class BulkService:
    def __init__(self, uow: UnitOfWork, events: EventHub) -> None:
        self._uow = uow
        self._events = events

    def set_category(self, actor: Actor, product_ids_: Any, category: str | None) -> int:
        return self._set_fields(
            actor,
            product_ids_,
            "bulk.set_category",
            lambda tx: {"category_id": category_id(tx, category)},
        )

    def set_active(self, actor: Actor, product_ids_: Any, active: bool) -> int:
        return self._set_fields(
            actor, product_ids_, "bulk.set_active", lambda _tx: {"active": bool(active)}
        )

    def _set_fields(
        self,
        actor: Actor,
        product_ids_: Any,
        operation: str,
        values: Callable[[Tx], dict[str, Any]],
    ) -> int:
        """The same column values for many products, in one transaction (locked in id order).
        `values` runs after the locks, inside the transaction (a category may be created)."""
        ids = product_ids(product_ids_)

        def work(tx: Tx) -> int:
            require_active_manager(tx, actor)
            lock_products(tx, ids)
            fields = values(tx)
            for start in range(0, len(ids), CHUNK):
                tx.session.execute(
                    update(Product)
                    .where(Product.id.in_(ids[start : start + CHUNK]))
                    .values(updated_at=utcnow(), **fields)
                )
            notify_products(tx, ids)
            return len(ids)

        done = self._uow.run(work, operation=operation, actor=actor)
        self._events.products_changed(ids)
        return done

    def preview_price_percent(
        self, actor: Actor, product_ids_: Any, percent: Any
    ) -> list[PricePreview]:
        """What change_price_percent would do, by name (nothing is written)."""
        ids = product_ids(product_ids_)
        pct = percent_value(percent)

        def work(tx: Tx) -> list[PricePreview]:
            require_active_manager(tx, actor)
            out: list[PricePreview] = []
            for start in range(0, len(ids), CHUNK):
                rows = tx.session.execute(
                    select(Product.id, Product.sku, Product.name, Product.price_cents)
                    .where(Product.id.in_(ids[start : start + CHUNK]))
                    .order_by(Product.name, Product.id)
                ).all()
                out.extend(
                    PricePreview(
                        r[0], r[1], r[2], from_cents(r[3]), from_cents(new_price_cents(r[3], pct))
                    )
                    for r in rows
                )
            if len(out) < len(ids):
                raise PosError(
                    ErrorCode.PRODUCT_NOT_FOUND,
                    f"{len(ids) - len(out)} of the selected products no longer exist.",
                )
            return sorted(out, key=lambda p: (p.name, p.sku))

        return self._uow.run(work, operation="bulk.preview_price", actor=actor, write=False)

    def change_price_percent(self, actor: Actor, product_ids_: Any, percent: Any) -> int:
        """Raise (or with a negative percentage lower) prices: one bulk change in price
        history (its rows share a bulk id and a note saying what was done)."""
        ids = product_ids(product_ids_)
        pct = percent_value(percent)

        def work(tx: Tx) -> int:
            require_active_manager(tx, actor)
            prices = lock_products(tx, ids)
            now = utcnow()
            changes = [
                (pid, old, new_price_cents(old, pct))
                for pid, old in sorted(prices.items())
                if new_price_cents(old, pct) != old
            ]
            if not changes:
                return 0
            bulk_id = uuid.uuid4()
            note = f"bulk change {pct:+f}% on {len(ids)} products"
            gateway(tx).set_prices(
                tx,
                [(pid, new) for pid, _, new in changes],
                actor.user_id,
                now,
                bulk_id=bulk_id,
                note=note,
            )
            notify_products(tx, [c[0] for c in changes])
            return len(changes)

        done = self._uow.run(work, operation="bulk.change_price", actor=actor)
        self._events.products_changed(ids)
        return done

    def adjust_stock(
        self, actor: Actor, deltas: dict[Any, int], reason: str = "adjust", note: str = ""
    ) -> int:
        """Several stock changes in one transaction (ledger rows through change_stock)."""
        if reason not in ("receive", "adjust", "return"):
            raise PosError(ErrorCode.VALIDATION_ERROR, "Unknown reason.", {"field": "reason"})
        clean: dict[uuid.UUID, int] = {}
        for key, value in deltas.items():
            amount = bounds.stock_change(value, "change", label="The change")
            if amount:
                clean[validation.product_id(key)] = amount
        ids = product_ids(clean)
        clean_note = validation.text(note, "note", max_length=500, required=False, multiline=True)

        def work(tx: Tx) -> int:
            require_active_manager(tx, actor)
            lock_products(tx, ids)
            for pid in ids:  # ascending id order
                change_stock(
                    tx,
                    pid,
                    clean[pid],
                    Ledger(reason, actor.user_id, actor.counter_id, note=clean_note),
                )
            return len(ids)

        done = self._uow.run(work, operation="bulk.adjust_stock", actor=actor)
        self._events.stock_changed(ids)
        return done
