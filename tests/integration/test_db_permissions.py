"""PostgreSQL decides who may do what (issue 21 item 2).

With a clerk's own role, straight through psycopg (what a clerk holding everything on the
counter's disk could run), every forbidden write is refused by the database itself; the
ledger is append-only even for its owner; a clerk's role does not see another counter's
cart. Through the services a manager still does all of it, and the history rows are there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from pos.errors import ErrorCode, PosError
from pos.models import PriceChange, StockMovement
from pos.security.grants import apply_grants
from pos.security.roles import GroupRoles, group_roles
from pos.services import Store
from pos.views import Actor
from tests.conftest import MANAGER_PASSWORD

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

INSUFFICIENT_PRIVILEGE = "42501"
Sql = Callable[..., list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Roles:
    groups: GroupRoles
    clerk: str  # the clerk fixture's own login role
    manager: str  # the manager fixture's own login role


def _libpq(url: str, user: str) -> str:
    parsed = make_url(url).set(drivername="postgresql", username=user, password=None)
    return parsed.render_as_string(hide_password=False)


@pytest.fixture
def roles(db_url: str, store: Store, manager: Actor, clerk: Actor) -> Roles:
    """The database's groups and the two fixture users' login roles (the shared test
    server trusts local connections: a role name is all psycopg needs here)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            groups = group_roles(conn)
            apply_grants(conn, groups)  # idempotent: once more changes nothing
            conn.commit()
    finally:
        engine.dispose()
    clerk_role = store.auth.db_role(clerk.username)
    manager_role = store.auth.db_role(manager.username)
    assert clerk_role and manager_role
    return Roles(groups, clerk_role, manager_role)


def _sql_as(db_url: str, role: str) -> Iterator[Sql]:
    with psycopg.connect(_libpq(db_url, role), autocommit=True) as conn:

        def run(statement: str, params: Any = None) -> list[tuple[Any, ...]]:
            with conn.cursor() as cur:
                cur.execute(statement, params)
                return cur.fetchall() if cur.description else []

        yield run


@pytest.fixture
def clerk_sql(db_url: str, roles: Roles) -> Iterator[Sql]:
    yield from _sql_as(db_url, roles.clerk)


@pytest.fixture
def manager_sql(db_url: str, roles: Roles) -> Iterator[Sql]:
    yield from _sql_as(db_url, roles.manager)


def _refused(run: Sql, statement: str, params: Any = None) -> None:
    with pytest.raises(psycopg.Error) as info:
        run(statement, params)
    assert info.value.sqlstate == INSUFFICIENT_PRIVILEGE, (statement, info.value)


def test_a_clerk_role_cannot_change_prices_stock_users_settings_or_sales(
    store, manager, make_product, clerk_sql
):
    p = make_product(price="10.00", stock=5)
    pid = str(p.id)
    _refused(clerk_sql, "UPDATE products SET price_cents = 1 WHERE id = %s", (pid,))
    _refused(clerk_sql, "UPDATE products SET stock_quantity = 500 WHERE id = %s", (pid,))
    _refused(
        clerk_sql,
        "INSERT INTO users (username, password_hash, role, active, failed_logins, created_at)"
        " VALUES ('mallory', 'x', 'manager', true, 0, now())",
    )
    _refused(clerk_sql, "UPDATE users SET role = 'manager'")
    _refused(clerk_sql, "SELECT password_hash FROM users")
    _refused(
        clerk_sql,
        "INSERT INTO price_changes (product_id, old_price_cents, new_price_cents, created_at)"
        " VALUES (%s, 1, 2, now())",
        (pid,),
    )
    _refused(clerk_sql, "UPDATE store_settings SET tax_rate_ppm = 0")
    _refused(clerk_sql, "DELETE FROM orders")
    _refused(clerk_sql, "UPDATE carts SET status = 'released'")
    _refused(
        clerk_sql, "INSERT INTO payments (order_id, method, amount_cents) VALUES (1, 'cash', 1)"
    )
    # The manager-only functions are not even callable by a clerk's role.
    _refused(
        clerk_sql,
        "SELECT * FROM pos_change_stock(%s, 100, 'receive', NULL, NULL, NULL, NULL, '',"
        " false, 1000000, now()::timestamp)",
        (pid,),
    )
    _refused(
        clerk_sql,
        "SELECT pos_set_prices(ARRAY[%s]::uuid[], ARRAY[1]::bigint[], NULL, NULL, '',"
        " now()::timestamp)",
        (pid,),
    )
    # What the counter needs to read, it reads.
    assert clerk_sql("SELECT price_cents, stock_quantity FROM products WHERE id = %s", (pid,)) == [
        (1000, 5)
    ]
    assert clerk_sql("SELECT username FROM users WHERE id = %s", (manager.user_id,)) == [("boss",)]
    product = store.catalog.get(manager, p.id)
    assert (product.price, product.stock_quantity) == (Decimal("10.00"), 5)


def test_a_clerk_role_cannot_touch_the_ledger(store, manager, make_product, clerk_sql):
    p = make_product(stock=5)
    _refused(clerk_sql, "UPDATE stock_movements SET delta = 100")
    _refused(clerk_sql, "DELETE FROM stock_movements")
    # A ledger row in the manager's name: no INSERT on the ledger at all.
    _refused(
        clerk_sql,
        "INSERT INTO stock_movements (product_id, delta, reason, stock_after, user_id, note,"
        " created_at) VALUES (%s, -1, 'adjust', 4, %s, '', now())",
        (str(p.id), manager.user_id),
    )
    assert store.audit.check().ok


def test_a_clerk_role_cannot_grant_itself_the_manager_group(roles, clerk_sql):
    with pytest.raises(psycopg.Error) as info:
        clerk_sql(f'GRANT "{roles.groups.manager}" TO "{roles.clerk}"')
    assert info.value.sqlstate == INSUFFICIENT_PRIVILEGE


def test_a_clerk_role_cannot_see_or_change_another_counters_cart(
    store, manager, make_product, clerk_sql
):
    p = make_product(stock=5)
    other = store.auth.at_counter(manager, "C2")
    cart_id = store.cart.add(other, p.id, 2).cart_id
    assert clerk_sql("SELECT id FROM carts WHERE id = %s", (cart_id,)) == []
    assert clerk_sql("SELECT id FROM cart_lines WHERE cart_id = %s", (cart_id,)) == []
    for statement in (
        "SELECT * FROM pos_take_for_cart(%s, 1, 'cart_add', NULL, NULL, %s, now()::timestamp)",
        "SELECT * FROM pos_return_from_cart(%s, 'cart_remove', NULL, NULL, %s, now()::timestamp)",
    ):
        _refused(clerk_sql, statement, (str(p.id), cart_id))
    _refused(
        clerk_sql,
        "SELECT * FROM pos_release_cart(%s, 'cart_release', NULL, NULL, '', now()::timestamp)",
        (cart_id,),
    )
    assert [line.quantity for line in store.cart.current(other).lines] == [2]
    assert store.catalog.get(manager, p.id).stock_quantity == 3


def test_a_manager_role_writes_the_catalog_but_not_stock_or_prices(
    store, manager, make_product, manager_sql
):
    p = make_product(price="10.00", stock=5)
    pid = str(p.id)
    manager_sql("UPDATE products SET name = 'Renamed' WHERE id = %s", (pid,))
    _refused(manager_sql, "UPDATE products SET price_cents = 1 WHERE id = %s", (pid,))
    _refused(manager_sql, "UPDATE products SET stock_quantity = 99 WHERE id = %s", (pid,))
    # A product is born without stock: its stock arrives with a ledger row.
    insert = (
        "INSERT INTO products (id, sku, name, description, price_cents, stock_quantity,"
        " active, low_stock_threshold, created_at, updated_at)"
        " VALUES (gen_random_uuid(), %s, 'New', '', 100, %s, true, 5, now(), now())"
    )
    _refused(manager_sql, insert, ("BORN-FULL", 7))
    manager_sql(insert, ("BORN-EMPTY", 0))
    _refused(manager_sql, "DELETE FROM stock_movements")
    product = store.catalog.get(manager, p.id)
    assert (product.name, product.price, product.stock_quantity) == (
        "Renamed",
        Decimal("10.00"),
        5,
    )


def test_the_ledger_is_append_only_even_for_its_owner(store, manager, make_product):
    make_product(stock=5)
    with store.engine.connect() as conn:
        for statement in (
            "UPDATE stock_movements SET delta = 100",
            "DELETE FROM stock_movements",
            "TRUNCATE stock_movements CASCADE",
        ):
            with pytest.raises(Exception) as info, conn.begin():
                conn.execute(text(statement))
            diag = info.value.orig.diag  # type: ignore[union-attr]
            assert diag.sqlstate == INSUFFICIENT_PRIVILEGE, statement
            assert "append-only" in (diag.message_detail or ""), statement
        assert conn.execute(select(StockMovement.delta)).scalars().all() == [5]


def test_a_manager_through_the_services_writes_with_history(store, manager, make_product):
    p = make_product(price="10.00", stock=5)
    store.catalog.update_product(manager, p.id, price="12.50")
    store.bulk.change_price_percent(manager, [p.id], "10")
    store.inventory.receive(manager, p.id, 3)
    store.settings.update(manager, tax_rate="0.1")
    with store.engine.connect() as conn:
        prices = conn.execute(
            select(PriceChange.old_price_cents, PriceChange.new_price_cents, PriceChange.user_id)
            .where(PriceChange.product_id == p.id)
            .order_by(PriceChange.id)
        ).all()
        moves = conn.execute(
            select(StockMovement.reason, StockMovement.delta, StockMovement.user_id)
            .where(StockMovement.product_id == p.id)
            .order_by(StockMovement.id)
        ).all()
    assert prices == [(1000, 1250, manager.user_id), (1250, 1375, manager.user_id)]
    assert moves == [("receive", 5, manager.user_id), ("receive", 3, manager.user_id)]
    assert store.settings.get().tax_rate == Decimal("0.1")
    assert store.audit.check().ok


def test_a_clerk_role_signs_the_ledger_as_itself(store, manager, clerk, make_product, clerk_sql):
    """Whatever user id the caller passes, the ledger row names the caller's own user."""
    p = make_product(stock=5)
    cart_id = store.cart.add(clerk, p.id, 1).cart_id
    rows = clerk_sql(
        "SELECT line_quantity FROM pos_take_for_cart(%s, 1, 'cart_add', %s, %s, %s,"
        " (now() AT TIME ZONE 'UTC')::timestamp)",
        (str(p.id), manager.user_id, clerk.counter_id, cart_id),
    )
    assert rows == [(2,)]
    with store.engine.connect() as conn:
        signed = conn.execute(
            select(StockMovement.user_id)
            .where(StockMovement.cart_id == cart_id)
            .order_by(StockMovement.id)
        ).scalars()
        assert list(signed) == [clerk.user_id, clerk.user_id]
    assert store.audit.check().ok


def test_a_clerk_role_cannot_record_an_order_other_than_its_cart(
    store, clerk, make_product, clerk_sql
):
    p = make_product(price="10.00", stock=5)
    cart_id = store.cart.add(clerk, p.id, 2).cart_id
    forged = (
        "SELECT pos_place_order('FORGED-1', %s, %s, NULL, NULL, false, 100, 8, 0, 108, 108, 0,"
        " 80000, 'USD', (now() AT TIME ZONE 'UTC')::timestamp, ARRAY[%s]::uuid[],"
        " ARRAY['X']::varchar[], ARRAY['X']::varchar[], ARRAY[50]::bigint[],"
        " ARRAY[2]::integer[], ARRAY[100]::bigint[], ARRAY['cash']::varchar[],"
        " ARRAY[108]::bigint[])"
    )
    _refused(clerk_sql, forged, (cart_id, clerk.counter_id, str(p.id)))
    assert store.cart.current(clerk).cart_id == cart_id  # still open, no order
    order = store.checkout.complete(clerk, payments=[("cash", "21.60")])
    assert order.total == Decimal("21.60")


def test_a_clerk_whose_counter_was_taken_over_cannot_change_its_cart(
    store, manager, clerk, make_product, clerk_sql
):
    """Another user signing in at the counter ends the first one's session there; the
    database then refuses the first one's role the counter's cart (whatever the app does)."""
    p = make_product(stock=5)
    cart_id = store.cart.add(clerk, p.id, 1).cart_id
    assert clerk_sql("SELECT id FROM carts WHERE id = %s", (cart_id,)) == [(cart_id,)]
    store.auth.add_user(manager, "bob", "bob-password-1", role="clerk")
    approval = store.auth.authorize(manager.username, MANAGER_PASSWORD)
    bob = store.auth.login("bob", "bob-password-1", counter=clerk.counter_code, approver=approval)
    assert clerk_sql("SELECT id FROM carts WHERE id = %s", (cart_id,)) == []
    _refused(
        clerk_sql,
        "SELECT * FROM pos_take_for_cart(%s, 1, 'cart_add', NULL, NULL, %s,"
        " (now() AT TIME ZONE 'UTC')::timestamp)",
        (str(p.id), cart_id),
    )
    with pytest.raises(PosError) as info:
        store.cart.add(clerk, p.id, 1)
    assert info.value.code in (ErrorCode.FORBIDDEN, ErrorCode.NOT_AUTHENTICATED)
    assert [line.quantity for line in store.cart.current(bob).lines] == [1]
    assert store.catalog.get(manager, p.id).stock_quantity == 4
