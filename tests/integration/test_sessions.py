"""The signed-in user is an opaque session, not a dataclass a script can build; sign-ins
bind a user to a counter, and taking over someone else's counter needs a manager."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from pos.errors import ErrorCode, PosError
from pos.views import Actor
from tests.conftest import CLERK_PASSWORD, MANAGER_PASSWORD


def test_a_hand_built_manager_is_refused_before_any_sql(store, manager, make_product):
    product = make_product(stock=5)
    forged = Actor(manager.user_id, manager.username, "manager")
    with pytest.raises(PosError) as exc:
        store.catalog.update_product(forged, product.id, price=Decimal("0.01"))
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
    with pytest.raises(PosError) as exc:
        store.auth.add_user(forged, "mallory", "mallory-password", role="manager")
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
    assert store.catalog.get(manager, product.id).price == Decimal("10.00")


def test_a_clerk_copied_with_another_user_or_counter_is_refused(store, manager, clerk):
    for forged in (
        dataclasses.replace(clerk, user_id=manager.user_id, role="manager"),
        dataclasses.replace(clerk, counter_id=(clerk.counter_id or 0) + 1),
    ):
        with pytest.raises(PosError) as exc:
            store.cart.current(forged)
        assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
    # Claiming to be a manager without being one changes nothing either.
    promoted = dataclasses.replace(clerk, role="manager")
    with pytest.raises(PosError) as exc:
        store.auth.add_user(promoted, "mallory", "mallory-password", role="manager")
    assert exc.value.code in (ErrorCode.FORBIDDEN, ErrorCode.NOT_AUTHENTICATED)
    assert [u.username for u in store.auth.users(manager)] == ["alice", "boss"]


def test_a_session_from_another_store_object_is_refused(store, clerk, db_url):
    from pos.services import open_store

    other = open_store(db_url)
    try:
        with pytest.raises(PosError) as exc:
            other.cart.current(clerk)
        assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
    finally:
        other.close()


def test_after_sign_out_the_actor_is_refused_and_the_cart_stays(store, clerk, make_product):
    product = make_product(stock=5)
    store.cart.add(clerk, product.id, 2)
    store.auth.logout(clerk)
    with pytest.raises(PosError) as exc:
        store.cart.add(clerk, product.id, 1)
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
    again = store.auth.login("alice", CLERK_PASSWORD, counter="C1")
    assert [line.quantity for line in store.cart.current(again).lines] == [2]


def test_deactivation_ends_the_users_sessions(store, manager, clerk, make_product):
    product = make_product(stock=5)
    store.auth.update_user(manager, clerk.user_id, active=False)
    with pytest.raises(PosError) as exc:
        store.cart.add(clerk, product.id, 1)
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
    assert store.catalog.get(manager, product.id).stock_quantity == 5


def test_taking_over_a_counter_with_goods_needs_a_manager_once(store, manager, clerk, make_product):
    product = make_product(stock=5)
    store.cart.add(clerk, product.id, 2)
    store.auth.add_user(manager, "bob", "bob-password", role="clerk")
    with pytest.raises(PosError) as exc:
        store.auth.login("bob", "bob-password", counter="C1")
    assert exc.value.code == ErrorCode.APPROVAL_REQUIRED
    with pytest.raises(PosError) as exc:
        store.auth.authorize("bob", "bob-password")  # a clerk cannot approve
    assert exc.value.code == ErrorCode.FORBIDDEN
    approval = store.auth.authorize("boss", MANAGER_PASSWORD)
    bob = store.auth.login("bob", "bob-password", counter="C1", approver=approval)
    assert [line.quantity for line in store.cart.current(bob).lines] == [2]
    with pytest.raises(PosError) as exc:  # used once; alice needs a new approval to go back
        store.auth.login("alice", CLERK_PASSWORD, counter="C1", approver=approval)
    assert exc.value.code == ErrorCode.APPROVAL_REQUIRED


def test_an_empty_counter_or_a_signed_out_holder_needs_no_approval(store, manager, clerk):
    store.auth.add_user(manager, "bob", "bob-password", role="clerk")
    bob = store.auth.login("bob", "bob-password", counter="C1")  # alice's cart is empty
    assert bob.counter_code == "C1"
    store.auth.logout(bob)
    assert store.auth.login("alice", CLERK_PASSWORD, counter="C1").counter_code == "C1"


def test_at_counter_moves_the_same_user(store, manager, make_product):
    product = make_product(stock=5)
    seller = store.auth.at_counter(manager, "C7")
    cart = store.cart.add(seller, product.id, 1)
    assert cart.counter_code == "C7"
    assert store.auth.db_role("boss") in (None, store.auth.db_role("BOSS"))


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_the_app_and_the_database_name_a_users_role_alike(store):
    from sqlalchemy import text

    from pos.security.names import user_role_name

    names = [
        "alice",
        "Alice",
        "  bob  ",
        "o'brien",
        "Zoë",
        "ЮЛИЯ",
        "a.b-c_d",
        "x" * 64,
        "with space",
        'quote"d',
        "ÉMILE",
    ]
    database = store.engine.url.database
    with store.engine.connect() as conn:
        for name in names:
            in_sql = conn.execute(text("SELECT pos_user_role_name(:n)"), {"n": name}).scalar()
            assert in_sql == user_role_name(database, name), name
            assert len(in_sql.encode()) <= 63
    assert store.auth.db_role("Alice") == store.auth.db_role("alice")
