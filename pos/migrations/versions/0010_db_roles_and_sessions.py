"""per-user PostgreSQL roles, sign-in sessions and approvals

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

Every pos user gets a PostgreSQL login role (users.db_role) so that the database, not a
credential every counter holds, decides who may do what (issue 21). Sign-ins become rows
(user_sessions) that units of work are checked against and that bind a user to a counter;
a manager's approval at a clerk's counter is a row written under the manager's own role.

On PostgreSQL this also creates the functions through which users are managed and signed
in (SECURITY DEFINER, owned by the schema owner; pos.security.setup hands them over after
every upgrade). Users carried over from before keep their rows but must get a new password
from a manager: an old Argon2/scrypt hash cannot become a SCRAM verifier.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pos.security.names import USER_ROLE_NAME_SQL
from pos.security.sql_functions import IDENTITY_FUNCTIONS

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("db_role", sa.String(63), nullable=True))
        batch.add_column(
            sa.Column("must_set_password", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_unique_constraint(op.f("uq_users_db_role"), ["db_role"])
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("counter_id", sa.Integer(), sa.ForeignKey("counters.id"), nullable=True),
        sa.Column("approved_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    op.create_index("ix_user_sessions_user_id", "user_sessions", ["user_id"])
    op.create_index("ix_user_sessions_counter_id", "user_sessions", ["counter_id"])
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("manager_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("used_for", sa.String(64), nullable=False, server_default=""),
        sa.UniqueConstraint("token_hash", name=op.f("uq_approvals_token_hash")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_table(
        "pos_db_roles",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("role_name", sa.String(63), nullable=False),
    )
    op.execute(USER_ROLE_NAME_SQL)
    for statement in IDENTITY_FUNCTIONS:
        op.execute(statement)
    # Existing users: their role is created by pos.security.setup (NOLOGIN until a
    # manager gives them a new password).
    op.execute("UPDATE users SET must_set_password = true WHERE db_role IS NULL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in reversed(
            [s.split("FUNCTION ", 1)[1].split("(", 1)[0] for s in IDENTITY_FUNCTIONS]
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {name} CASCADE")
        op.execute("DROP FUNCTION IF EXISTS pos_user_role_name(text)")
        op.drop_table("pos_db_roles")
    op.drop_table("approvals")
    op.drop_index("ix_user_sessions_counter_id", table_name="user_sessions")
    op.drop_index("ix_user_sessions_user_id", table_name="user_sessions")
    op.drop_table("user_sessions")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("uq_users_db_role"), type_="unique")
        batch.drop_column("must_set_password")
        batch.drop_column("db_role")
