"""store setting: cash above the total that needs a confirmation

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

A scanned barcode or a slipped key in "cash tendered" turns into a fortune in change.
Counters ask before recording cash more than this amount above the total (default
1,000.00); a manager may change it in the store settings.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("store_settings") as batch_op:
        batch_op.add_column(
            sa.Column(
                "cash_confirm_over_total_cents",
                sa.BigInteger(),
                nullable=False,
                server_default=sa.text("100000"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("store_settings") as batch_op:
        batch_op.drop_column("cash_confirm_over_total_cents")
