"""Test helpers that read the database directly (tests may; the UI may not)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text

from pos.models import Base, Product
from pos.services import Store

# failed_operations changes on purpose when something is refused.
IGNORED = {"failed_operations", "alembic_version"}


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but the failure log), to prove nothing was half-written."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.engine.connect() as conn:
        for name, table in Base.metadata.tables.items():
            if name in IGNORED:
                continue
            rows = conn.execute(select(table)).all()
            out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def stock_of(store: Store, product_id: Any) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                select(Product.stock_quantity).where(Product.id == product_id)
            ).scalar_one()
        )


def count(store: Store, table: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
