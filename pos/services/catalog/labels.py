"""What goes on shelf labels: the products a manager picks, or every product whose price
changed since a date (from the price history), in name order. Read-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from pos.errors import ErrorCode, PosError
from pos.models import PriceChange, Product
from pos.services.catalog.product_rows import product_select, to_view
from pos.services.people.auth import require_active_manager
from pos.services.plumbing import validation
from pos.services.plumbing.uow import Tx, UnitOfWork
from pos.views import Actor, ProductView

MAX_LABEL_PRODUCTS = 5000  # 125 A4 sheets of 40: a whole shop's relabelling


class LabelService:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def repriced_since(self, actor: Actor, since: datetime) -> list[ProductView]:
        """Active products with a price change at or after `since` (an aware datetime)."""
        if not isinstance(since, datetime) or since.tzinfo is None:
            raise PosError(
                ErrorCode.VALIDATION_ERROR, "Give the date with its time zone.", {"field": "since"}
            )

        def work(tx: Tx) -> list[ProductView]:
            require_active_manager(tx, actor)
            changed = select(PriceChange.product_id).where(PriceChange.created_at >= since)
            rows = tx.session.execute(
                product_select()
                .where(Product.id.in_(changed), Product.active)
                .order_by(Product.name, Product.id)
                .limit(MAX_LABEL_PRODUCTS)
            ).all()
            return [to_view(r) for r in rows]

        return self._uow.run(work, operation="labels.repriced_since", actor=actor, write=False)

    def products(self, actor: Actor, product_ids: list[Any]) -> list[ProductView]:
        """The picked products in name order (unknown ids are left out)."""
        ids = [validation.product_id(pid) for pid in product_ids[:MAX_LABEL_PRODUCTS]]

        def work(tx: Tx) -> list[ProductView]:
            require_active_manager(tx, actor)
            rows = tx.session.execute(
                product_select().where(Product.id.in_(ids)).order_by(Product.name, Product.id)
            ).all()
            return [to_view(r) for r in rows]

        return self._uow.run(work, operation="labels.products", actor=actor, write=False)
