"""search indexes: pg_trgm on lower(name) (PostgreSQL), FTS5 trigram (SQLite)

Counter search is `lower(name) LIKE '%text%' OR sku = text OR barcode = text`. A
substring LIKE cannot use a b-tree, so on a big catalog it scanned every row. PostgreSQL
gets a GIN trigram index on lower(name), which the unchanged query uses directly. SQLite
gets an FTS5 trigram index the search uses to narrow candidates (pos.services.catalog.products);
it indexes `product_search`, a copy of the names keyed by an INTEGER PRIMARY KEY so
VACUUM cannot renumber it, kept in step with products by triggers.

Both are optional: a PostgreSQL server without pg_trgm, or a SQLite built without FTS5,
migrates fine and searches by scanning as before.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = (
    """CREATE TABLE product_search (
           rowid INTEGER PRIMARY KEY,
           product_id CHAR(32) NOT NULL UNIQUE,
           name TEXT NOT NULL)""",
    """CREATE VIRTUAL TABLE product_search_fts USING fts5(
           name, content='product_search', content_rowid='rowid', tokenize='trigram')""",
    """CREATE TRIGGER product_search_ai AFTER INSERT ON product_search BEGIN
           INSERT INTO product_search_fts (rowid, name) VALUES (new.rowid, new.name);
       END""",
    """CREATE TRIGGER product_search_ad AFTER DELETE ON product_search BEGIN
           INSERT INTO product_search_fts (product_search_fts, rowid, name)
           VALUES ('delete', old.rowid, old.name);
       END""",
    """CREATE TRIGGER product_search_au AFTER UPDATE ON product_search BEGIN
           INSERT INTO product_search_fts (product_search_fts, rowid, name)
           VALUES ('delete', old.rowid, old.name);
           INSERT INTO product_search_fts (rowid, name) VALUES (new.rowid, new.name);
       END""",
    """CREATE TRIGGER products_search_ai AFTER INSERT ON products BEGIN
           INSERT INTO product_search (product_id, name) VALUES (new.id, new.name);
       END""",
    """CREATE TRIGGER products_search_au AFTER UPDATE OF id, name ON products BEGIN
           UPDATE product_search SET product_id = new.id, name = new.name
            WHERE product_id = old.id;
       END""",
    """CREATE TRIGGER products_search_ad AFTER DELETE ON products BEGIN
           DELETE FROM product_search WHERE product_id = old.id;
       END""",
    "INSERT INTO product_search (product_id, name) SELECT id, name FROM products",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS products_search_ad",
    "DROP TRIGGER IF EXISTS products_search_au",
    "DROP TRIGGER IF EXISTS products_search_ai",
    "DROP TABLE IF EXISTS product_search_fts",
    "DROP TABLE IF EXISTS product_search",
)


def _sqlite_has_fts5() -> bool:
    options = op.get_bind().exec_driver_sql("PRAGMA compile_options").scalars().all()
    return "ENABLE_FTS5" in options


def _pg_has_trgm() -> bool:
    bind = op.get_bind()
    installed = bind.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))
    if installed.scalar():
        return True
    available = bind.execute(
        text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).scalar()
    if not available:
        return False
    try:
        # A role that may not create extensions must not break the whole migration.
        with bind.begin_nested():
            bind.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except Exception:
        return False
    return True


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        if _pg_has_trgm():
            op.execute(
                "CREATE INDEX IF NOT EXISTS ix_products_name_trgm "
                "ON products USING gin (lower(name) gin_trgm_ops)"
            )
    elif bind.dialect.name == "sqlite" and _sqlite_has_fts5():
        for statement in SQLITE_UP:
            bind.exec_driver_sql(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_products_name_trgm")
    elif bind.dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            bind.exec_driver_sql(statement)
