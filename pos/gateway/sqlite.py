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
    case,
    delete,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from pos.gateway.types import (
    CartLineChange,
    Ledger,
    LineCapExceeded,
    NewOrder,
    ReleasedLine,
    StockChange,
)
from pos.models import (
    Cart,
    CartLine,
    Order,
    OrderItem,
    Payment,
    PriceChange,
    Product,
    StockMovement,
)
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
        line = CartLine.cart_id == ledger.cart_id, CartLine.product_id == product_id
        if tx.session.execute(select(CartLine.id).where(*line)).first() is None:
            return None
        change = self.change_stock(
            tx, product_id, -diff, ledger, require_active=diff > 0, ceiling=ceiling, now=now
        )
        if change is not None:
            tx.session.execute(
                update(CartLine).where(*line).values(quantity=CartLine.quantity + diff)
            )
        return change

    def open_stock(
        self, tx: Tx, quantities: list[tuple[uuid.UUID, int]], ledger: Ledger, now: datetime
    ) -> int:
        table = cast(Table, Product.__table__)
        result = tx.session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("pid"), table.c.stock_quantity == 0)
            .values(stock_quantity=bindparam("qty"), updated_at=now),
            [{"pid": pid, "qty": qty} for pid, qty in quantities],
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
        return int(result.rowcount)

    def open_cart(self, tx: Tx, counter_id: int, user_id: int, now: datetime) -> int | None:
        opened = tx.session.execute(
            tx.upsert(Cart)
            .values(
                counter_id=counter_id,
                user_id=user_id,
                status="open",
                delivery=False,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(
                index_elements=[Cart.counter_id], index_where=text("status = 'open'")
            )
            .returning(Cart.id)
        ).scalar()
        return None if opened is None else int(opened)

    def set_cart_fields(self, tx: Tx, cart_id: int, now: datetime, **values: Any) -> None:
        unknown = set(values) - {"delivery", "customer_id"}
        if unknown:
            raise ValueError(f"not a cart field: {sorted(unknown)}")
        tx.session.execute(update(Cart).where(Cart.id == cart_id).values(updated_at=now, **values))

    def release_cart(
        self, tx: Tx, cart_id: int, ledger: Ledger, now: datetime
    ) -> list[ReleasedLine]:
        lines = tx.session.execute(
            select(CartLine.product_id, CartLine.quantity, CartLine.unit_price_cents)
            .where(CartLine.cart_id == cart_id)
            .order_by(CartLine.product_id)
        ).all()
        released = []
        for line in lines:
            change = self.change_stock(
                tx,
                line.product_id,
                line.quantity,
                ledger,
                require_active=False,
                ceiling=MAX_ID,
                now=now,
            )
            if change is None:  # the line's product vanished: impossible with foreign keys
                raise RuntimeError(f"cart line of a missing product {line.product_id}")
            released.append(
                ReleasedLine(
                    line.product_id,
                    line.quantity,
                    line.unit_price_cents,
                    change.sku,
                    change.name,
                    change.stock_after,
                )
            )
        tx.session.execute(
            update(Cart)
            .where(Cart.id == cart_id)
            .values(status="released", closed_at=now, closed_by=ledger.user_id, updated_at=now)
        )
        return released

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
        wanted = dict(prices)
        old: dict[uuid.UUID, int] = {}
        ids = list(wanted)
        for start in range(0, len(ids), 500):
            rows = tx.session.execute(
                select(Product.id, Product.price_cents).where(
                    Product.id.in_(ids[start : start + 500])
                )
            )
            old.update((pid, cents) for pid, cents in rows)
        changes = [
            (pid, old[pid], cents) for pid, cents in prices if pid in old and old[pid] != cents
        ]
        if not changes:
            return 0
        table = cast(Table, Product.__table__)
        tx.session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("pid"))
            .values(price_cents=bindparam("new_price"), updated_at=now),
            [{"pid": pid, "new_price": new} for pid, _, new in changes],
        )
        tx.session.execute(
            insert(PriceChange),
            [
                {
                    "product_id": pid,
                    "old_price_cents": before,
                    "new_price_cents": new,
                    "user_id": user_id,
                    "created_at": now,
                    "bulk_id": bulk_id,
                    "note": note,
                }
                for pid, before, new in changes
            ],
        )
        return len(changes)

    def held_in_carts(
        self, tx: Tx, product_id: uuid.UUID, cart_id: int | None
    ) -> tuple[int, int, int]:
        mine = CartLine.cart_id == (cart_id if cart_id is not None else -1)
        row = tx.session.execute(
            select(
                func.coalesce(func.sum(case((mine, CartLine.quantity), else_=0)), 0),
                func.coalesce(func.sum(case((mine, 0), else_=CartLine.quantity)), 0),
                func.count(case((mine, None), else_=CartLine.cart_id)),
            )
            .join(Cart, Cart.id == CartLine.cart_id)
            .where(CartLine.product_id == product_id, Cart.status == "open")
        ).one()
        return int(row[0]), int(row[1]), int(row[2])

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
