"""products (name, id) index for key paging

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

The counter grid pages by key: `WHERE (name, id) > (:name, :id) ORDER BY name, id LIMIT n`.
An index on exactly (name, id) serves that at any depth; it also serves everything the
old index on name alone did, which it replaces.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_products_name_id", "products", ["name", "id"])
    op.drop_index("ix_products_name", table_name="products")


def downgrade() -> None:
    op.create_index("ix_products_name", "products", ["name"])
    op.drop_index("ix_products_name_id", table_name="products")
