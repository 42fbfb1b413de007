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

from pos.gateway.types import CartLineChange, Ledger, NewOrder, StockChange
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

    def open_stock(self, tx: Tx, quantities: list[tuple[uuid.UUID, int]], now: datetime) -> int:
        """Set the opening stock of products still at 0; how many rows changed (-1 if the
        driver cannot tell). The caller writes the ledger rows."""

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
