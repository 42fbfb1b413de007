"""The stock ledger and the failed-operations log."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from pos.models.base import Base, UtcDateTime, utcnow

MOVEMENT_REASONS = (
    "cart_add",
    "cart_remove",
    "cart_release",
    "receive",
    "adjust",
    "return",
    "import",
    "stocktake",
)
CART_REASONS = ("cart_add", "cart_remove", "cart_release")


class StockMovement(Base):
    """Every change of products.stock_quantity, written in the same transaction."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint(
            "reason IN (" + ", ".join(f"'{r}'" for r in MOVEMENT_REASONS) + ")",
            name="reason_known",
        ),
        CheckConstraint("delta <> 0", name="delta_not_zero"),
        CheckConstraint("stock_after >= 0", name="stock_after_not_negative"),
        Index("ix_stock_movements_product_id_id", "product_id", "id"),
        Index("ix_stock_movements_cart_id", "cart_id"),
        Index("ix_stock_movements_created_at", "created_at"),
        # Ids only grow, even after deletes: SQLite counters poll "id > last seen".
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(16))
    stock_after: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"))
    cart_id: Mapped[int | None] = mapped_column(ForeignKey("carts.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class FailedOperation(Base):
    """One row per refused or failed operation: the error-rate metric reads these."""

    __tablename__ = "failed_operations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    operation: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(40), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(Integer)
    counter_code: Mapped[str | None] = mapped_column(String(32))
    details: Mapped[str] = mapped_column(Text, default="{}")
    # 1, or how many refusals this row counts past the per-user rate limit (failure_log.py)
    occurrences: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
