"""Issue 21's findings, tried on a shop set up the README's way: a private cluster with
SCRAM-SHA-256, an owner role that is not a superuser (LOGIN CREATEROLE, owns the database)
and runs `pos migrate`, users made through the app. A clerk connects with their own name
and password through psycopg (what they hold plus anything on the counter's disk) and
tries every write the issue lists; PostgreSQL refuses each, and `pos check` stays ok."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pos.errors import ErrorCode, PosError
from pos.security.names import user_role_name
from pos.services import Store, open_store
from tests.integration.live_worker import PrivatePostgres

SUPERUSER_PASSWORD = "cluster-superuser-secret"
OWNER, OWNER_PW = "shop_owner", "owner-password-1"
BOSS, BOSS_PW = "boss", "boss-password-1"
ALICE, ALICE_PW = "alice", "alice-password"
BOB, BOB_PW = "bob", "bob-password-1"
NOW = "(now() AT TIME ZONE 'UTC')::timestamp"

pytestmark = pytest.mark.skipif(not PrivatePostgres.available(), reason="no initdb")


@pytest.fixture(scope="module")
def shop() -> Iterator[dict[str, Any]]:
    server = PrivatePostgres(superuser_password=SUPERUSER_PASSWORD)
    server.init()
    try:
        name = f"shop_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:  # README step 1, as the server's superuser
            conn.execute(text(f"CREATE ROLE {OWNER} LOGIN CREATEROLE PASSWORD '{OWNER_PW}'"))
            conn.execute(text(f'CREATE DATABASE "{name}" OWNER {OWNER}'))
        admin.dispose()
        url = make_url(server.url).set(database=name)
        owner_url = url.set(username=OWNER, password=OWNER_PW)
        setup = open_store(owner_url.render_as_string(hide_password=False))
        setup.migrate()  # README step 2: the owner's connection only
        setup.auth.bootstrap_manager(BOSS, BOSS_PW)
        setup.close()
        counter_url = url.set(username=None, password=None).render_as_string()
        yield {
            "server": server,
            "db": name,
            "owner_url": owner_url.render_as_string(hide_password=False),
            "counter_url": counter_url,
        }
    finally:
        server.destroy()


@pytest.fixture(scope="module")
def world(shop: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Boss adds two clerks in the app; bob has goods in the cart of counter C2, alice
    sells at C1."""
    store = open_store(shop["counter_url"])
    other = open_store(shop["counter_url"])
    try:
        boss = store.auth.login(BOSS, BOSS_PW, counter="C9")
        store.auth.add_user(boss, ALICE, ALICE_PW, role="clerk")
        store.auth.add_user(boss, BOB, BOB_PW, role="clerk")
        apple = store.catalog.add_product(
            boss, sku="APPLE", name="Apple", price=Decimal("10.00"), stock=20
        )
        bob = other.auth.login(BOB, BOB_PW, counter="C2")
        bob_cart = other.cart.add(bob, apple.id, 2).cart_id
        alice = store.auth.login(ALICE, ALICE_PW, counter="C1")
        alice_cart = store.cart.add(alice, apple.id, 1).cart_id
        yield {
            "store": store, "boss": boss, "alice": alice, "apple": str(apple.id),
            "bob_cart": bob_cart, "alice_cart": alice_cart, "bob": bob,
        }  # fmt: skip
    finally:
        other.close()
        store.close()


def _as(shop: dict[str, Any], username: str, password: str) -> psycopg.Connection:
    url = make_url(shop["counter_url"])
    return psycopg.connect(
        host=url.host, port=url.port, dbname=url.database, autocommit=True,
        user=user_role_name(shop["db"], username), password=password,
    )  # fmt: skip


ATTEMPTS = {
    "read password hashes": "SELECT password_hash FROM users",
    "read verifiers": "SELECT rolpassword FROM pg_authid",
    "read sign-in tokens": "SELECT token_hash FROM user_sessions",
    "read approvals": "SELECT token_hash FROM approvals",
    "price without history": "UPDATE products SET price_cents = 1",
    "stock without ledger": "UPDATE products SET stock_quantity = 0",
    "promote self": "UPDATE users SET role = 'manager' WHERE db_role = session_user",
    "insert a user": "INSERT INTO users (username, password_hash, role, active, failed_logins,"
    " created_at) VALUES ('mallory', '', 'manager', true, 0, now())",
    "grant the manager group": "GRANT {manager} TO {me}",
    "create a role": "CREATE ROLE intruder LOGIN PASSWORD 'intruder-1'",
    "user function": "SELECT pos_create_user('mallory', NULL, 'manager')",
    "role function": "SELECT pos_set_user_role(pos_current_user_id(), 'manager')",
    "ledger row in the boss's name": "INSERT INTO stock_movements (product_id, delta, reason,"
    " stock_after, user_id, created_at, note) VALUES ({apple}, -1, 'adjust', 0, {boss}, now(),"
    " '')",
    "update a ledger row": "UPDATE stock_movements SET user_id = {boss}",
    "delete a ledger row": "DELETE FROM stock_movements",
    "truncate the ledger": "TRUNCATE stock_movements",
    "stock function": "SELECT * FROM pos_change_stock({apple}, -5, 'adjust', {boss}, NULL, NULL,"
    f" NULL, '', false, 100000, {NOW})",
    "price function": f"SELECT pos_set_prices(ARRAY[{{apple}}]::uuid[], ARRAY[1]::bigint[],"
    f" {{boss}}, NULL, '', {NOW})",
    "take into another counter's cart": "SELECT * FROM pos_take_for_cart({apple}, 1, 'cart_add',"
    f" {{boss}}, NULL, {{bob_cart}}, {NOW})",
    "release another counter's cart": "SELECT * FROM pos_release_cart({bob_cart},"
    f" 'cart_release', {{boss}}, NULL, '', {NOW})",
    "change another counter's cart": f"SELECT pos_set_cart_fields({{bob_cart}}, true, true, false,"
    f" NULL, {NOW})",
    "stock leaves as a cart release": "SELECT * FROM pos_return_from_cart({apple}, 'adjust',"
    f" {{boss}}, NULL, {{alice_cart}}, {NOW})",
    "a free order": "SELECT pos_place_order('FREE-1', {alice_cart}, {counter}, NULL, NULL, false,"
    f" 1000, 0, -1000, 0, 0, 0, 0, 'USD', {NOW}, ARRAY[{{apple}}]::uuid[],"
    " ARRAY['X']::varchar[], ARRAY['X']::varchar[], ARRAY[1000]::bigint[],"
    " ARRAY[1]::integer[], ARRAY[1000]::bigint[], ARRAY[]::varchar[], ARRAY[]::bigint[])",
    "register a counter": "INSERT INTO counters (code, created_at, last_seen_at)"
    " VALUES ('ZZ', now(), now())",
    "write the schema": "CREATE TABLE public.mine (id int)",
}


@pytest.mark.parametrize("attempt", list(ATTEMPTS))
def test_postgresql_refuses_the_clerk_every_finding(shop, world, attempt):
    with _as(shop, ALICE, ALICE_PW) as conn:
        manager, me = conn.execute(
            "SELECT quote_ident(pos_role_of('manager')), quote_ident(session_user)"
        ).fetchone()
        statement = ATTEMPTS[attempt].format(
            manager=manager, me=me, apple=f"'{world['apple']}'", boss=world["boss"].user_id,
            bob_cart=world["bob_cart"], alice_cart=world["alice_cart"],
            counter=world["alice"].counter_id,
        )  # fmt: skip
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)
    owner = open_store(shop["owner_url"])
    try:
        report = owner.audit.check()
    finally:
        owner.close()
    assert report.ok, report.problems


def test_the_clerk_sees_no_other_counters_cart(shop, world):
    with _as(shop, ALICE, ALICE_PW) as conn:
        carts = conn.execute("SELECT id FROM carts WHERE status = 'open'").fetchall()
        lines = conn.execute("SELECT DISTINCT cart_id FROM cart_lines").fetchall()
    assert carts == [(world["alice_cart"],)]
    assert lines == [(world["alice_cart"],)]


def test_deactivation_by_a_manager_ends_an_open_connection_with_a_non_superuser_owner(shop, world):
    """The owner that runs the user functions is not a superuser here: it must still end
    the deactivated clerk's backends at once."""
    store: Store = world["store"]
    boss = world["boss"]
    conn = _as(shop, BOB, BOB_PW)
    try:
        assert conn.execute("SELECT pos_current_role()").fetchone() == ("clerk",)
        bob_id = world["bob"].user_id
        store.auth.update_user(boss, bob_id, active=False)
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    finally:
        conn.close()
    with pytest.raises(PosError) as exc:
        store.auth.login(BOB, BOB_PW, counter="C2")
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
