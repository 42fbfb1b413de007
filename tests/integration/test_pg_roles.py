"""Who is signed in, decided by PostgreSQL: a private cluster that checks passwords with
SCRAM-SHA-256 (the shared test server trusts everyone, so it cannot show this), pos users
as login roles of their own, and what a clerk holding their own credentials can try with
psycopg directly."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from pos.errors import ErrorCode, PosError
from pos.security.names import user_role_name
from pos.services import Store, open_store
from tests.integration.live_worker import PrivatePostgres

SUPERUSER_PASSWORD = "cluster-superuser-secret"
BOSS, BOSS_PW = "boss", "boss-password-1"
ALICE, ALICE_PW = "alice", "alice-password"


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres(superuser_password=SUPERUSER_PASSWORD)
    server.init()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def shop_url(cluster: PrivatePostgres) -> Iterator[str]:
    """A migrated shop database; the URL carries the superuser's credential (what an
    installer's `pos migrate` uses), and the fixture drops it afterwards."""
    name = f"shop_{uuid.uuid4().hex[:8]}"
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(cluster.url).set(database=name).render_as_string(hide_password=False)
    setup = open_store(url)
    setup.migrate()
    boss = setup.auth.bootstrap_manager(BOSS, BOSS_PW)
    setup.auth.add_user(boss, ALICE, ALICE_PW, role="clerk")
    setup.close()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            from pos.security.roles import drop_database_roles

            drop_database_roles(conn, name)
        admin.dispose()


def counter_url(url: str) -> str:
    """What a counter keeps: host, port and database, no user and no password."""
    full = make_url(url)
    return URL.create(
        full.drivername, host=full.host, port=full.port, database=full.database
    ).render_as_string()


@pytest.fixture
def counter(shop_url: str) -> Iterator[Store]:
    store = open_store(counter_url(shop_url))
    try:
        yield store
    finally:
        store.close()


def connect_as(shop_url: str, username: str, password: str) -> psycopg.Connection:
    url = make_url(shop_url)
    role = user_role_name(str(url.database), username)
    return psycopg.connect(
        host=url.host, port=url.port, dbname=url.database, user=role, password=password
    )


def test_a_counter_without_any_credential_signs_users_in_with_their_own_roles(
    shop_url: str, counter: Store
) -> None:
    clerk = counter.auth.login(ALICE, ALICE_PW, counter="C1")
    assert (clerk.username, clerk.role, clerk.counter_code) == (ALICE, "clerk", "C1")
    role = counter.auth.db_role(ALICE)
    assert role == user_role_name(str(make_url(shop_url).database), ALICE)
    with connect_as(shop_url, ALICE, ALICE_PW) as conn:
        assert conn.execute("SELECT session_user").fetchone() == (role,)
        member = conn.execute(
            "SELECT pg_has_role(session_user, pos_role_of('clerk'), 'MEMBER'), "
            "pg_has_role(session_user, pos_role_of('manager'), 'MEMBER')"
        ).fetchone()
    assert member == (True, False)
    # The counter's store has no credential of its own: only signed-in Actors reach data.
    assert make_url(counter.url).username is None


def test_sign_in_answers_the_same_for_an_unknown_name_and_a_wrong_password(
    counter: Store,
) -> None:
    answers = []
    for name, password in ((ALICE, "not-her-password"), ("nobody", "whatever-1")):
        with pytest.raises(PosError) as exc:
            counter.auth.login(name, password, counter="C1")
        answers.append((exc.value.code, exc.value.message, exc.value.details))
    assert answers[0] == answers[1]
    assert answers[0][0] == ErrorCode.NOT_AUTHENTICATED


def test_password_verifiers_stay_out_of_reach_and_out_of_the_users_table(
    shop_url: str, counter: Store
) -> None:
    with (
        connect_as(shop_url, ALICE, ALICE_PW) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("SELECT rolpassword FROM pg_authid")
    setup = create_engine(shop_url)
    with setup.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users")).scalars().all()
        verifiers = conn.execute(
            text("SELECT rolpassword FROM pg_authid WHERE rolname IN (SELECT db_role FROM users)")
        ).scalars()
        assert all(v.startswith("SCRAM-SHA-256$") for v in verifiers)
    setup.dispose()
    assert stored == ["", ""]  # the app keeps no password hash at all on PostgreSQL


@pytest.mark.parametrize(
    "attempt",
    [
        "CREATE ROLE intruder LOGIN PASSWORD 'x'",
        "SELECT pos_create_user('mallory', NULL, 'manager')",
        "SELECT pos_set_user_role(2, 'manager')",
        "GRANT {manager} TO {me}",
        "ALTER ROLE {me} CREATEROLE",
    ],
)
def test_a_clerk_with_their_own_credentials_cannot_make_managers(
    shop_url: str, attempt: str
) -> None:
    with connect_as(shop_url, ALICE, ALICE_PW) as conn:
        manager, me = conn.execute(
            "SELECT quote_ident(pos_role_of('manager')), quote_ident(session_user)"
        ).fetchone()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(attempt.format(manager=manager, me=me))


def test_a_deactivated_users_open_session_is_refused_at_its_next_call(
    counter: Store,
) -> None:
    boss = counter.auth.login(BOSS, BOSS_PW)
    clerk = counter.auth.login(ALICE, ALICE_PW, counter="C1")
    counter.cart.current(clerk)  # the clerk's pool holds an open connection
    counter.auth.update_user(boss, clerk.user_id, active=False)
    with pytest.raises(PosError) as exc:
        counter.cart.current(clerk)
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
    with pytest.raises(PosError) as exc:
        counter.auth.login(ALICE, ALICE_PW, counter="C1")
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
    counter.auth.update_user(boss, clerk.user_id, active=True)
    assert counter.auth.login(ALICE, ALICE_PW, counter="C1").username == ALICE


def test_a_role_change_is_live_and_a_new_password_works_at_once(counter: Store) -> None:
    boss = counter.auth.login(BOSS, BOSS_PW)
    counter.auth.update_user(boss, 2, role="manager", password="alice-new-password")
    with pytest.raises(PosError):
        counter.auth.login(ALICE, ALICE_PW)
    promoted = counter.auth.login(ALICE, "alice-new-password")
    assert promoted.role == "manager"
    assert [u.username for u in counter.auth.users(promoted)] == [ALICE, BOSS]


def test_approval_is_checked_by_postgresql_and_recorded_under_the_manager(
    shop_url: str, counter: Store
) -> None:
    with pytest.raises(PosError) as exc:
        counter.auth.authorize(BOSS, "wrong-password")
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
    with pytest.raises(PosError) as exc:
        counter.auth.authorize(ALICE, ALICE_PW)  # a clerk cannot approve
    assert exc.value.code == ErrorCode.FORBIDDEN
    approval = counter.auth.authorize(BOSS, BOSS_PW)
    assert approval.role == "manager" and approval.counter_id is None
    setup = create_engine(shop_url)
    with setup.connect() as conn:
        row = conn.execute(text("SELECT manager_id, used_at FROM approvals")).one()
    setup.dispose()
    assert row.manager_id == approval.user_id and row.used_at is None


def test_taking_over_a_counter_with_a_sale_in_progress_needs_a_manager(
    shop_url: str, counter: Store
) -> None:
    boss = counter.auth.login(BOSS, BOSS_PW, counter="BACK")
    product = counter.catalog.add_product(
        boss, sku="TAKE-1", name="Thing", price=Decimal("2.00"), stock=5
    )
    clerk = counter.auth.login(ALICE, ALICE_PW, counter="C1")
    counter.cart.add(clerk, product.id, 2)
    counter.auth.add_user(boss, "bob", "bob-password", role="clerk")
    with pytest.raises(PosError) as exc:
        counter.auth.login("bob", "bob-password", counter="C1")
    assert exc.value.code == ErrorCode.APPROVAL_REQUIRED
    approval = counter.auth.authorize(BOSS, BOSS_PW)
    bob = counter.auth.login("bob", "bob-password", counter="C1", approver=approval)
    assert [line.quantity for line in counter.cart.current(bob).lines] == [2]
    with pytest.raises(PosError) as exc:  # the approval was good once
        counter.auth.login(ALICE, ALICE_PW, counter="C1", approver=approval)
    assert exc.value.code == ErrorCode.APPROVAL_REQUIRED


def test_an_existing_install_moves_its_users_to_roles_and_new_passwords(
    cluster: PrivatePostgres,
) -> None:
    from pos import schema
    from pos.security.roles import drop_database_roles
    from pos.services.people.passwords import hash_password

    name = f"old_{uuid.uuid4().hex[:8]}"
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(cluster.url).set(database=name).render_as_string(hide_password=False)
    old = create_engine(url)
    try:
        schema.upgrade(old, "0009")  # before per-user roles: app-level hashes
        with old.begin() as conn:
            for username, secret, role in ((BOSS, BOSS_PW, "manager"), (ALICE, ALICE_PW, "clerk")):
                conn.execute(
                    text(
                        "INSERT INTO users (username, password_hash, role, active, "
                        "failed_logins, created_at) VALUES (:u, :h, :r, true, 0, now())"
                    ),
                    {"u": username, "h": hash_password(secret), "r": role},
                )
        setup = open_store(url)
        setup.migrate()
        with old.connect() as conn:
            rows = conn.execute(
                text("SELECT username, db_role, must_set_password FROM users ORDER BY id")
            ).all()
        assert [(r.username, r.must_set_password) for r in rows] == [(BOSS, True), (ALICE, True)]
        assert all(r.db_role == setup.auth.db_role(r.username) for r in rows)
        shop = open_store(counter_url(url))
        with pytest.raises(PosError) as exc:  # an old hash cannot become a SCRAM verifier
            shop.auth.login(BOSS, BOSS_PW)
        assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
        setup.auth.reset_password(BOSS, "boss-new-password")  # `pos set-password boss`
        boss = shop.auth.login(BOSS, "boss-new-password")
        waiting = {u.username: u.must_set_password for u in shop.auth.users(boss)}
        assert waiting == {ALICE: True, BOSS: False}  # People shows who needs one
        shop.auth.update_user(boss, 2, password="alice-new-password")
        assert shop.auth.login(ALICE, "alice-new-password", counter="C1").role == "clerk"
        shop.close()
        setup.close()
    finally:
        old.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            drop_database_roles(conn, name)
        admin.dispose()
