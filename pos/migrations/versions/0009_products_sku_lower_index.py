"""products lower(sku) index: scanner lookups match SKUs whatever their case

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

A scanner or a clerk may send `syncof-002` for the SKU `SYNCOF-002`. The lookup compares
lower(sku) with lower(code); this expression index serves it on SQLite and PostgreSQL
alike (barcodes still match exactly, through their unique index).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_products_sku_lower", "products", [sa.text("lower(sku)")])


def downgrade() -> None:
    op.drop_index("ix_products_sku_lower", table_name="products")
