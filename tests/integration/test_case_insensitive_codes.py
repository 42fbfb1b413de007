"""SKUs, barcodes and user names are unique whatever their case (issue 21 item 7): `P1`
and `p1` are one product, `Alice` and `alice` one user, on both backends. Migration 0010
renames the twins an existing database already holds, by a rule it prints."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.exc import IntegrityError

from pos import schema
from pos.errors import ErrorCode, PosError
from pos.models.base import UtcDateTime
from pos.services import open_store
from tests.conftest import CLERK_PASSWORD
from tests.integration.helpers import snapshot


def _refused(store, call, code=ErrorCode.DUPLICATE) -> PosError:
    before = snapshot(store)
    with pytest.raises(PosError) as err:
        call()
    assert err.value.code == code
    assert snapshot(store) == before
    return err.value


def test_a_sku_differing_only_in_case_is_a_duplicate(store, manager, make_product):
    first = make_product(sku="P1", name="Plain one")
    err = _refused(store, lambda: make_product(sku="p1"))
    assert err.details == {"field": "sku", "value": "p1", "held_by": "P1"}
    assert "(P1, Plain one)" in err.message
    other = make_product(sku="P2")
    _refused(store, lambda: store.catalog.update_product(manager, other.id, sku="p1"))
    # A zero-width space is no way around it: refused as a character.
    _refused(store, lambda: make_product(sku="P1\u200b"), ErrorCode.VALIDATION_ERROR)
    # The product itself may change the case of its own SKU.
    assert store.catalog.update_product(manager, first.id, sku="p1").sku == "p1"


def test_a_barcode_differing_only_in_case_is_a_duplicate(store, manager, make_product):
    make_product(sku="B-1", barcode="AbC123")
    err = _refused(store, lambda: make_product(sku="B-2", barcode="abc123"))
    assert (err.details["field"], err.details["held_by"]) == ("barcode", "AbC123")
    other = make_product(sku="B-3")
    _refused(store, lambda: store.catalog.update_product(manager, other.id, barcode="ABC123"))


def test_sku_holding_the_word_barcode_is_reported_as_a_sku(store, make_product):
    make_product(sku="barcode-7")
    err = _refused(store, lambda: make_product(sku="BARCODE-7"))
    assert err.details["field"] == "sku"


def test_a_user_name_differing_only_in_case_is_taken(store, manager):
    store.auth.add_user(manager, "Alice", CLERK_PASSWORD)
    err = _refused(store, lambda: store.auth.add_user(manager, "alice", CLERK_PASSWORD))
    assert "taken" in err.message
    _refused(
        store,
        lambda: store.auth.add_user(manager, "Alice\u200d", CLERK_PASSWORD),
        ErrorCode.VALIDATION_ERROR,
    )
    # One account, whatever case the name is typed in at sign-in.
    signed_in = store.auth.login("ALICE", CLERK_PASSWORD, counter="C1")
    assert signed_in.username == "Alice"


# -- the migration -------------------------------------------------------------------------
def _revision_before_case_insensitive_codes() -> str:
    for rev in ScriptDirectory.from_config(schema.alembic_config()).walk_revisions():
        if "unique whatever their case" in (rev.doc or ""):
            return str(rev.down_revision)
    raise AssertionError("the case-insensitive codes migration is missing")


PRODUCTS = sa.table(
    "products",
    sa.column("id", sa.Uuid),
    sa.column("sku", sa.String),
    sa.column("barcode", sa.String),
    sa.column("name", sa.String),
    sa.column("description", sa.String),
    sa.column("price_cents", sa.BigInteger),
    sa.column("stock_quantity", sa.Integer),
    sa.column("active", sa.Boolean),
    sa.column("low_stock_threshold", sa.Integer),
    sa.column("created_at", UtcDateTime),
    sa.column("updated_at", UtcDateTime),
)
USERS = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("username", sa.String),
    sa.column("password_hash", sa.String),
    sa.column("role", sa.String),
    sa.column("active", sa.Boolean),
    sa.column("failed_logins", sa.Integer),
    sa.column("created_at", UtcDateTime),
)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _product(n: int, sku: str, barcode: str | None = None) -> dict:
    when = T0 + timedelta(days=n)  # n orders who came first
    return {
        "id": uuid.UUID(int=n),
        "sku": sku,
        "barcode": barcode,
        "name": f"Product {n}",
        "description": "",
        "price_cents": 100,
        "stock_quantity": 0,
        "active": True,
        "low_stock_threshold": 5,
        "created_at": when,
        "updated_at": when,
    }


def _user(n: int, name: str) -> dict:
    return {
        "id": n,
        "username": name,
        "password_hash": "x",
        "role": "clerk",
        "active": True,
        "failed_logins": 0,
        "created_at": T0,
    }


def _n(product_id: object) -> int:
    """The n of uuid.UUID(int=n): PostgreSQL hands back a UUID, SQLite its hex text."""
    return (product_id if isinstance(product_id, uuid.UUID) else uuid.UUID(str(product_id))).int


def test_the_migration_renames_existing_twins_by_its_rule(empty_db_url):
    store = open_store(empty_db_url)
    try:
        schema.upgrade(store.engine, _revision_before_case_insensitive_codes())
        with store.engine.begin() as conn:
            conn.execute(
                sa.insert(PRODUCTS),
                [
                    _product(3, "p1", "abc"),  # younger than P1: renamed
                    _product(1, "P1", "ABC"),  # the oldest keeps its spelling
                    _product(2, "P1\u200b"),  # the same once its invisible character goes
                    _product(4, "p1~2"),  # the first free suffix is then ~3
                    _product(5, "\u200b\u200b", "\ufeff"),  # nothing visible left
                    _product(6, "Q" * 64),  # renamed, cut to fit the column
                    _product(7, "q" * 64),
                ],
            )
            conn.execute(
                sa.insert(USERS),
                [_user(1, "Alice"), _user(2, "alice"), _user(3, "ALICE"), _user(4, "bob\x07")],
            )
        notes = store.migrate()
        with store.engine.connect() as conn:
            skus = dict(conn.execute(sa.text("SELECT id, sku FROM products")).all())
            barcodes = dict(conn.execute(sa.text("SELECT id, barcode FROM products")).all())
            users = dict(conn.execute(sa.text("SELECT id, username FROM users")).all())
        assert {_n(k): v for k, v in skus.items()} == {
            1: "P1",  # the oldest keeps its spelling
            2: "P1~3",  # P1 once its zero-width space went; ~2 was taken by product 4
            3: "p1~4",
            4: "p1~2",
            5: "SKU-00000000",  # nothing visible left: SKU- and its id
            6: "Q" * 64,
            7: "q" * 62 + "~2",  # cut to fit the column
        }
        assert {_n(k): v for k, v in barcodes.items() if v} == {1: "ABC", 3: "abc~2"}
        assert users == {1: "Alice", 2: "alice~2", 3: "ALICE~3", 4: "bob"}
        assert len(notes) == 10
        assert any("'alice' equals another but for case -> 'alice~2'" in n for n in notes)
        assert any("'P1\\u200b' had invisible characters -> 'P1'" in n for n in notes)
        # From now on the database itself refuses a twin, whatever writes it.
        with pytest.raises(IntegrityError), store.engine.begin() as conn:
            conn.execute(sa.insert(PRODUCTS), [_product(9, "q" * 64)])
        with pytest.raises(IntegrityError), store.engine.begin() as conn:
            conn.execute(sa.insert(USERS), [_user(9, "BOB")])
    finally:
        store.close()


# -- the CSV import matches the same way -----------------------------------------------------
def test_a_csv_row_in_another_case_updates_the_product_it_names(store, manager, make_product):
    p1 = make_product(sku="P1", name="Old name", barcode="ABC")
    result = store.product_io.import_text(manager, "sku,name,price,barcode\np1,New name,2.00,ABC\n")
    assert (result.created, result.updated) == (0, 1)
    again = store.catalog.get(manager, p1.id)
    assert (again.sku, again.name, again.price) == ("P1", "New name", 2)  # stored spelling stays


def test_csv_case_twins_are_line_errors_not_database_errors(store, manager, make_product):
    make_product(sku="HOLDER", barcode="ABC")
    preview = store.product_io.preview_text(
        manager, "sku,name,price,barcode\nA1,x,1.00,\na1,y,1.00,\nZ9,z,1.00,abc\n"
    )
    assert {(e.line, e.reason) for e in preview.errors} == {
        (3, "duplicate SKU 'a1' (also on line 2)"),
        (4, "barcode already belongs to product 'HOLDER'"),
    }
    before = snapshot(store)
    with pytest.raises(PosError) as err:
        store.product_io.import_text(manager, "sku,name,price,barcode\nZ9,z,1.00,abc\n")
    assert err.value.code == ErrorCode.VALIDATION_ERROR
    assert err.value.details["errors"] == [
        {"line": 2, "reason": "barcode already belongs to product 'HOLDER'"}
    ]
    assert snapshot(store) == before


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_pos_migrate_prints_every_rename(empty_db_url, capsys):
    from pos.cli import main

    store = open_store(empty_db_url)
    try:
        schema.upgrade(store.engine, _revision_before_case_insensitive_codes())
        with store.engine.begin() as conn:
            conn.execute(sa.insert(PRODUCTS), [_product(1, "P1"), _product(2, "p1")])
    finally:
        store.close()
    assert main(["migrate", "--database", empty_db_url]) == 0
    out = capsys.readouterr().out
    assert "renamed: products 00000000-0000-0000-0000-000000000002: SKU 'p1' equals another" in out
    assert "-> 'p1~2'" in out
