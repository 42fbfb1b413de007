"""The stock/order seam: every statement whose SQL differs between the backends.

Besides stock and orders: notifying other counters, serialising the first-run set-up and
the SQLite-only name search index. Each operation is one call (on PostgreSQL one
statement, later one SECURITY DEFINER function), so use cases never branch on the backend.
A call either did all of its work or none: None (or LineCapExceeded) means nothing was
written and the caller diagnoses why.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Select

from pos.gateway.types import CartLineChange, Ledger, NewOrder, ReleasedLine, StockChange
from pos.services.plumbing.uow import Tx


class StockGateway(Protocol):
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
        """stock += delta with its ledger row, if the result stays in 0..ceiling (and the
        product is active when required); None otherwise."""

    def take_for_cart(
        self, tx: Tx, product_id: uuid.UUID, qty: int, ledger: Ledger, now: datetime
    ) -> CartLineChange | None:
        """Take qty of an active product into ledger.cart_id's line (insert or add to it),
        with the ledger row; None if the stock is not there. LineCapExceeded if the line
        would pass its cap."""

    def return_from_cart(
        self, tx: Tx, product_id: uuid.UUID, ledger: Ledger, now: datetime
    ) -> CartLineChange | None:
        """Delete ledger.cart_id's line of the product and give its quantity back (in
        line_quantity), with the ledger row; None if the cart has no such line."""

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
        """Move diff units from stock into ledger.cart_id's existing line of the product
        (diff < 0 gives them back), with the ledger row; None (nothing written) if the cart
        has no such line or the stock would leave 0..ceiling (or, taking, the product is
        inactive)."""

    def open_stock(
        self, tx: Tx, quantities: list[tuple[uuid.UUID, int]], ledger: Ledger, now: datetime
    ) -> int:
        """Set the opening stock of products still at 0, each with its ledger row; how many
        products changed (-1 if the driver cannot tell)."""

    def open_cart(self, tx: Tx, counter_id: int, user_id: int, now: datetime) -> int | None:
        """Open the counter's cart; None if the counter has an open cart already."""

    def set_cart_fields(self, tx: Tx, cart_id: int, now: datetime, **values: Any) -> None:
        """Set an open cart's `delivery` and/or `customer_id` (only the ones given)."""

    def release_cart(
        self, tx: Tx, cart_id: int, ledger: Ledger, now: datetime
    ) -> list[ReleasedLine]:
        """Give every line of a locked open cart back to stock (ledger rows with
        ledger.reason) and mark the cart released; the lines, in ascending product id."""

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
        """New prices of locked products, each change with its price-history row (the
        old price as stored); how many prices changed."""

    def held_in_carts(
        self, tx: Tx, product_id: uuid.UUID, cart_id: int | None
    ) -> tuple[int, int, int]:
        """(units in this cart, units in other open carts, how many other open carts):
        counts only, which a clerk may learn even where other counters' carts are hidden."""

    def place_order(self, tx: Tx, order: NewOrder) -> int:
        """Insert the order, its items and payments and close its cart; the order id."""

    def notify(self, tx: Tx, channel: str, payloads: Sequence[str]) -> None:
        """Tell other counters, at COMMIT, one notification per payload on channel (the
        live listener, pos/services/plumbing/live.py, maps channels to changes). Nothing on
        SQLite: other counters see every commit by polling PRAGMA data_version."""

    def serialize_first_run(self, tx: Tx) -> None:
        """Hold writers of users until COMMIT, so two first-run set-ups at once cannot both
        see an empty users table and make two managers."""

    def name_candidates(self, tx: Tx, clean: str) -> Select[Any] | None:
        """Ids of products whose name may contain `clean` (at least 3 characters, no LIKE
        wildcards), from an index the LIKE cannot use by itself; None where there is no
        such index and the LIKE alone decides."""
