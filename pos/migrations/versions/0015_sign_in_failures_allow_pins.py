"""sign-in failures per typed name, and the store setting that allows PINs

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

Sign-in used to lock a known account for 5 minutes after 5 failures and say
ACCOUNT_LOCKED, which told anyone which names exist and let anyone lock anyone out.
Failures are now counted per typed name, known or not, in sign_in_failures, and each
further try waits an escalating delay (pos/services/people/lockout.py). users.failed_logins
and users.locked_until are no longer used. PINs (digits, shorter than 6) are allowed only
when store_settings.allow_pins is on (off by default).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("name_key", sa.String(length=64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("retry_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_sign_in_failures_last_failure_at", "sign_in_failures", ["last_failure_at"])
    with op.batch_alter_table("store_settings") as batch_op:
        batch_op.add_column(
            sa.Column("allow_pins", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("store_settings") as batch_op:
        batch_op.drop_column("allow_pins")
    op.drop_index("ix_sign_in_failures_last_failure_at", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
