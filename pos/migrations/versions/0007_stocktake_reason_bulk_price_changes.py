"""stocktake ledger reason; price changes carry who-what note and a bulk change id

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

A stocktake was logged as "adjust", so a manager could not tell a count from a
correction: it gets its own reason. A bulk "change price by %" wrote one price_changes
row per product with nothing tying them together: rows of one bulk change now share a
bulk_id and say what was done in `note`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_REASONS = ("cart_add", "cart_remove", "cart_release", "receive", "adjust", "return", "import")
NEW_REASONS = (*OLD_REASONS, "stocktake")


def _reasons(reasons: tuple[str, ...]) -> str:
    return "reason IN (" + ", ".join(f"'{r}'" for r in reasons) + ")"


def _set_reasons(reasons: tuple[str, ...]) -> None:
    # SQLite rebuilds the table: keep AUTOINCREMENT (migration 0004) while doing so.
    with op.batch_alter_table(
        "stock_movements", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.drop_constraint(op.f("ck_stock_movements_reason_known"), type_="check")
        batch.create_check_constraint(op.f("ck_stock_movements_reason_known"), _reasons(reasons))


def upgrade() -> None:
    _set_reasons(NEW_REASONS)
    with op.batch_alter_table("price_changes") as batch:
        batch.add_column(sa.Column("bulk_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
        batch.create_index("ix_price_changes_bulk_id", ["bulk_id"])


def downgrade() -> None:
    op.execute("UPDATE stock_movements SET reason = 'adjust' WHERE reason = 'stocktake'")
    _set_reasons(OLD_REASONS)
    with op.batch_alter_table("price_changes") as batch:
        batch.drop_index("ix_price_changes_bulk_id")
        batch.drop_column("note")
        batch.drop_column("bulk_id")
