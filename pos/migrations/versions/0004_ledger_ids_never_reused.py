"""ledger ids are never reused on SQLite

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Counters on SQLite learn of other counters' stock changes by reading stock_movements
rows with an id above the last one they saw. Without AUTOINCREMENT, SQLite hands out
the id of a deleted last row again (removing a never-sold product deletes its ledger),
and such a change would be missed. PostgreSQL sequences never reuse ids: nothing to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "stock_movements", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "stock_movements", recreate="always", table_kwargs={"sqlite_autoincrement": False}
    ):
        pass
