"""The shipped migrations build exactly the schema the models describe."""

import warnings
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import SAWarning

from pos.errors import ErrorCode, PosError
from pos.models import Base
from pos.services import open_store
from pos.services.catalog.products import CASE_INSENSITIVE_INDEXES
from pos.services.catalog.search import SEARCH_INDEX_OBJECTS


def test_migrations_match_models(store):
    # Objects only migrations make (the models cannot describe them): the search index
    # objects and the unique lower(...) expression indexes, which SQLite's reflection skips;
    # and PostgreSQL's record of its group roles (pos.security.roles), which no service maps.
    migration_only = SEARCH_INDEX_OBJECTS | CASE_INSENSITIVE_INDEXES | {"pos_db_roles"}
    with store.engine.connect() as conn, warnings.catch_warnings():
        for name in CASE_INSENSITIVE_INDEXES:
            warnings.filterwarnings("ignore", f".*index {name}", category=SAWarning)
        context = MigrationContext.configure(
            conn, opts={"include_name": lambda name, *_: name not in migration_only}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_schema_state_and_guard(db_url):
    store = open_store(db_url)
    try:
        assert store.schema_state() == "current"
        store.require_current_schema()
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
        assert store.schema_state() == "too_new"
        with pytest.raises(PosError) as exc:
            store.migrate()
        assert exc.value.code == ErrorCode.SCHEMA_MISMATCH
        with pytest.raises(PosError):
            store.require_current_schema()
    finally:
        store.close()


def test_new_database_is_empty_then_migrates(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/new.sqlite3")
    try:
        assert store.schema_state() == "empty"
        store.migrate()
        assert store.schema_state() == "current"
        names = set(inspect(store.engine).get_table_names())
        assert {"products", "carts", "cart_lines", "orders", "stock_movements"} <= names
        assert store.settings.get().tax_rate == Decimal("0.08")
    finally:
        store.close()


def test_indexes_the_seed_asks_for(store):
    insp = inspect(store.engine)
    with warnings.catch_warnings():  # SQLite's reflection skips the lower(...) indexes
        warnings.filterwarnings("ignore", ".*expression-based index", category=SAWarning)
        indexed = {tuple(ix["column_names"]) for ix in insp.get_indexes("products")}
        unique = {tuple(u["column_names"]) for u in insp.get_unique_constraints("products")}
    assert {("stock_quantity",), ("category_id",)} <= indexed
    assert {("sku",), ("barcode",)} <= unique | indexed


def test_sqlite_pragmas(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/p.sqlite3")
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        store.close()


def test_ledger_ids_are_never_reused(store, manager, make_product):
    """Counters on SQLite poll ledger rows above the last id they saw: ids must only grow,
    even after the newest row went (nothing in the app deletes ledger rows any more; a
    script on the file could)."""
    from sqlalchemy import delete, func, select

    from pos.models import StockMovement
    from tests.integration.helpers import rewriting_history

    make_product(stock=3)
    with store.engine.connect() as conn:
        first = conn.execute(select(func.max(StockMovement.id))).scalar_one()
    with rewriting_history(store) as session:
        session.execute(delete(StockMovement).where(StockMovement.id == first))
    make_product(stock=2)
    with store.engine.connect() as conn:
        assert conn.execute(select(func.max(StockMovement.id))).scalar_one() > first
