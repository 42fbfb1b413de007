"""Open carts across counters: list them, and release abandoned ones (stock goes back)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from pos.errors import ErrorCode, PosError
from pos.gateway import Ledger, ReleasedLine, gateway
from pos.logs import log_stock_update
from pos.models import Cart, CartLine, Counter, Product, StockMovement, User, utcnow
from pos.money import from_cents
from pos.services.people.auth import require_active_manager
from pos.services.plumbing import bounds, validation
from pos.services.plumbing.events import CARTS_CHANNEL, Change, ChangeKind, EventHub
from pos.services.plumbing.uow import Tx, UnitOfWork, records_failures
from pos.views import Actor, CartLineView, OpenCartView


@records_failures("carts")
class CartsAdminService:
    def __init__(self, uow: UnitOfWork, events: EventHub) -> None:
        self._uow = uow
        self._events = events

    def open_carts(self, actor: Actor) -> list[OpenCartView]:
        """Managers see every counter's open cart; a clerk sees the own counter's."""
        validation.require_actor(actor)

        def work(tx: Tx) -> list[OpenCartView]:
            stmt = (
                select(Cart.id, Counter.code, User.username, Cart.created_at, Cart.updated_at)
                .join(Counter, Counter.id == Cart.counter_id)
                .outerjoin(User, User.id == Cart.user_id)
                .where(Cart.status == "open")
                .order_by(Cart.created_at)
            )
            if not actor.is_manager:
                stmt = stmt.where(Cart.counter_id == actor.counter_id)
            carts = tx.session.execute(stmt).all()
            lines: dict[int, list[CartLineView]] = {c[0]: [] for c in carts}
            touched: dict[int | None, Any] = {}
            if carts:  # line changes do not touch the cart row: their ledger rows tell
                touched = {
                    cart_id: when
                    for cart_id, when in tx.session.execute(
                        select(StockMovement.cart_id, func.max(StockMovement.created_at))
                        .where(StockMovement.cart_id.in_(list(lines)))
                        .group_by(StockMovement.cart_id)
                    )
                }
            if carts:
                for r in tx.session.execute(
                    select(
                        CartLine.cart_id,
                        CartLine.product_id,
                        Product.sku,
                        Product.name,
                        CartLine.unit_price_cents,
                        CartLine.quantity,
                        Product.stock_quantity,
                    )
                    .join(Product, Product.id == CartLine.product_id)
                    .where(CartLine.cart_id.in_(list(lines)))
                    .order_by(CartLine.id)
                ):
                    lines[r[0]].append(
                        CartLineView(
                            r[1], r[2], r[3], from_cents(r[4]), r[5], from_cents(r[4] * r[5]), r[6]
                        )
                    )
            return [
                OpenCartView(
                    cart_id=c[0],
                    counter_code=c[1],
                    clerk=c[2],
                    created_at=c[3],
                    updated_at=c[4],
                    item_count=sum(ln.quantity for ln in lines[c[0]]),
                    subtotal=sum((ln.line_total for ln in lines[c[0]]), from_cents(0)),
                    lines=tuple(lines[c[0]]),
                    last_activity_at=max(c[4], touched.get(c[0]) or c[4]),
                )
                for c in carts
            ]

        return self._uow.run(work, operation="carts.open_carts", actor=actor, write=False)

    def release(self, actor: Actor, cart_id: Any, note: str = "") -> OpenCartView:
        """Give every line's stock back and close the cart. Clerks: own counter only."""
        validation.require_actor(actor)
        cid = bounds.record_id(cart_id, "cart_id", label="Cart number")
        clean_note = validation.text(note, "note", max_length=500, required=False, multiline=True)

        def work(tx: Tx) -> tuple[OpenCartView, list[Any]]:
            row = tx.session.execute(
                select(
                    Cart.id,
                    Cart.status,
                    Cart.counter_id,
                    Cart.created_at,
                    Cart.updated_at,
                    Counter.code,
                )
                .join(Counter, Counter.id == Cart.counter_id)
                .where(Cart.id == cid)
                .with_for_update(of=Cart)
            ).first()
            if row is None:
                # On PostgreSQL a clerk cannot see other counters' carts at all: unseen is
                # "not yours" unless a manager (who sees every cart) finds nothing.
                require_active_manager(tx, actor)
                raise PosError(
                    ErrorCode.CART_NOT_FOUND, "That cart does not exist.", {"cart_id": cid}
                )
            if row.counter_id != actor.counter_id:  # a clerk may void only the own counter's
                require_active_manager(tx, actor)
            if row.status != "open":
                raise PosError(
                    ErrorCode.CART_CLOSED,
                    "That cart is already closed.",
                    {"cart_id": cid, "status": row.status},
                )
            # Lock order: cart first (above), then products in ascending id (the gateway).
            now = utcnow()
            ledger = Ledger(
                "cart_release",
                actor.user_id,
                actor.counter_id,
                cart_id=cid,
                note=clean_note,
            )
            released = gateway(tx).release_cart(tx, cid, ledger, now)
            views = [
                CartLineView(
                    line.product_id,
                    line.sku,
                    line.name,
                    from_cents(line.unit_price_cents),
                    line.quantity,
                    from_cents(line.unit_price_cents * line.quantity),
                    line.stock_after,
                )
                for line in released
            ]
            tx.after_commit(lambda: _log_released(released))
            # The counter whose cart this was hears it at once.
            gateway(tx).notify(tx, CARTS_CHANNEL, [str(cid)])
            view = OpenCartView(
                cid,
                row.code,
                actor.username,
                row.created_at,
                now,
                sum(v.quantity for v in views),
                sum((v.line_total for v in views), from_cents(0)),
                tuple(views),
            )
            return view, [v.product_id for v in views]

        view, pids = self._uow.run(work, operation="carts.release", actor=actor)
        self._events.stock_changed(pids)
        self._events.publish(Change(ChangeKind.CARTS, (view.cart_id,)))
        return view

    def release_older_than(self, actor: Actor, hours: float) -> list[OpenCartView]:
        validation.require_manager(actor)
        cutoff = utcnow() - timedelta(hours=bounds.hours(hours, "hours", label="Age"))
        stale = [c for c in self.open_carts(actor) if c.active_at <= cutoff]
        released = []
        for cart in stale:
            try:
                released.append(self.release(actor, cart.cart_id, note="abandoned"))
            except PosError as err:
                if err.code != ErrorCode.CART_CLOSED:  # checked out meanwhile: fine
                    raise
        return released


def _log_released(lines: list[ReleasedLine]) -> None:
    for line in lines:
        log_stock_update(
            line.product_id, line.stock_after - line.quantity, line.stock_after, "cart_release"
        )
