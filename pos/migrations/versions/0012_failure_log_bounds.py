"""failure log: a count per row (rate-limit summaries) and a retention setting

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

A hostile loop wrote 27,138 failed_operations rows in 120 s (issue 21). The log now keeps
at most a few dozen rows per user and minute; the refusals past that are counted in one
summary row per error code (`occurrences`), and rows older than the store setting
`failure_log_retention_days` (default 90) are pruned (pos/services/plumbing/failure_log.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("failed_operations") as batch_op:
        batch_op.add_column(
            sa.Column("occurrences", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
    with op.batch_alter_table("store_settings") as batch_op:
        batch_op.add_column(
            sa.Column(
                "failure_log_retention_days",
                sa.Integer(),
                nullable=False,
                server_default=sa.text("90"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("store_settings") as batch_op:
        batch_op.drop_column("failure_log_retention_days")
    with op.batch_alter_table("failed_operations") as batch_op:
        batch_op.drop_column("occurrences")
