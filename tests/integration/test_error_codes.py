"""Every error code of DESIGN.md is reached, and the database is exactly as before."""

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import text

from pos.errors import ErrorCode, PosError
from pos.services import open_store
from tests.integration.helpers import count, snapshot


def refused(store, code, call, *args, **kwargs):
    before = snapshot(store)
    failures = count(store, "failed_operations")
    with pytest.raises(PosError) as exc:
        call(*args, **kwargs)
    assert exc.value.code == code, exc.value
    assert exc.value.to_dict()["success"] is False
    assert snapshot(store) == before, "a refused operation changed the database"
    assert count(store, "failed_operations") == failures + 1, "failure not recorded"
    return exc.value


def test_insufficient_stock_reports_requested_and_available(store, clerk, make_product):
    p = make_product(stock=3, name="Cyber Eye Implant")
    err = refused(store, ErrorCode.INSUFFICIENT_STOCK, store.cart.add, clerk, p.id, 5)
    assert err.details["requested"] == 5
    assert err.details["available"] == 3
    assert err.message == "Only 3 left of Cyber Eye Implant."


def test_insufficient_stock_on_update(store, clerk, make_product):
    p = make_product(stock=3)
    store.cart.add(clerk, p.id, 1)
    err = refused(store, ErrorCode.INSUFFICIENT_STOCK, store.cart.update, clerk, p.id, 9)
    assert err.details == {
        "requested": 8,
        "available": 2,
        "in_this_cart": 1,
        "in_other_carts": 0,
        "product_id": str(p.id),
    }


def test_product_not_found(store, clerk):
    refused(store, ErrorCode.PRODUCT_NOT_FOUND, store.cart.add, clerk, uuid.uuid4(), 1)


def test_product_inactive(store, manager, clerk, make_product):
    p = make_product(stock=3)
    store.catalog.set_active(manager, p.id, False)
    refused(store, ErrorCode.PRODUCT_INACTIVE, store.cart.add, clerk, p.id, 1)


def test_invalid_product_id(store, clerk):
    refused(store, ErrorCode.INVALID_PRODUCT_ID, store.cart.add, clerk, "12345", 1)


@pytest.mark.parametrize("qty", [0, 100, -3, "lots", 2.5])
def test_invalid_quantity(store, clerk, make_product, qty):
    p = make_product(stock=500)
    refused(store, ErrorCode.INVALID_QUANTITY, store.cart.add, clerk, p.id, qty)


def test_line_never_above_99(store, clerk, make_product):
    p = make_product(stock=500)
    store.cart.add(clerk, p.id, 60)
    err = refused(store, ErrorCode.INVALID_QUANTITY, store.cart.add, clerk, p.id, 40)
    assert err.details["max"] == 99


def test_item_not_in_cart(store, clerk, make_product):
    p = make_product(stock=5)
    q = make_product(stock=5)
    refused(store, ErrorCode.ITEM_NOT_IN_CART, store.cart.remove, clerk, p.id)
    store.cart.add(clerk, q.id, 1)
    refused(store, ErrorCode.ITEM_NOT_IN_CART, store.cart.update, clerk, p.id, 2)


def test_empty_cart(store, clerk, make_product):
    refused(store, ErrorCode.EMPTY_CART, store.checkout.complete, clerk, [("cash", "10")])
    p = make_product(stock=5)
    cart = store.cart.add(clerk, p.id, 1)
    store.cart.remove(clerk, p.id)
    refused(
        store,
        ErrorCode.EMPTY_CART,
        store.checkout.complete,
        clerk,
        [("cash", "10")],
        cart_id=cart.cart_id,
    )


def test_invalid_customer(store, manager, clerk, make_product):
    p = make_product(stock=5)
    cart = store.cart.add(clerk, p.id, 1)
    gone = store.customers.add(manager, "Old Customer", email="old@example.com")
    store.customers.update(manager, gone.id, active=False)
    for customer_id in (999_999, gone.id):
        refused(
            store,
            ErrorCode.INVALID_CUSTOMER,
            store.checkout.complete,
            clerk,
            [("cash", "100")],
            customer_id=customer_id,
            cart_id=cart.cart_id,
        )


def test_customer_required_by_store_setting(store, manager, clerk, make_product):
    store.settings.update(manager, require_customer=True)
    p = make_product(stock=5)
    cart = store.cart.add(clerk, p.id, 1)
    refused(
        store,
        ErrorCode.CUSTOMER_REQUIRED,
        store.checkout.complete,
        clerk,
        [("cash", "100")],
        cart_id=cart.cart_id,
    )
    buyer = store.customers.add(manager, "Registered Buyer", phone="555-0100")
    order = store.checkout.complete(
        clerk, [("cash", "100")], customer_id=buyer.id, cart_id=cart.cart_id
    )
    assert order.customer_name == "Registered Buyer"


def test_payment_short_and_card_over(store, clerk, make_product):
    p = make_product(price="10.00", stock=5)
    cart = store.cart.add(clerk, p.id, 1)  # total 10.80
    err = refused(
        store,
        ErrorCode.PAYMENT_INSUFFICIENT,
        store.checkout.complete,
        clerk,
        [("cash", Decimal("10.79"))],
        cart_id=cart.cart_id,
    )
    assert err.details == {"due": "10.80", "tendered": "10.79"}
    refused(
        store,
        ErrorCode.INVALID_PAYMENT,
        store.checkout.complete,
        clerk,
        [("card", Decimal("20.00"))],
        cart_id=cart.cart_id,
    )


# App-level passwords are SQLite's; PostgreSQL checks its roles' passwords itself (SCRAM),
# tested against a private cluster in test_pg_roles.py (the shared test server trusts all).
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_not_authenticated(store, clerk):
    before = snapshot(store)
    with pytest.raises(PosError) as exc:
        store.auth.login("alice", "wrong-password", counter="C1")
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
    with pytest.raises(PosError) as exc:
        store.auth.login("nobody", "whatever", counter="C1")
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
    assert exc.value.message == "Wrong user name or password."
    # only the failure counts moved (outside the snapshot): one per typed name, known or
    # not (lockout.py)
    assert snapshot(store) == before
    assert count(store, "sign_in_failures") == 2
    with pytest.raises(PosError) as exc:
        store.cart.add(None, uuid.uuid4(), 1)  # type: ignore[arg-type]
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED


def test_forbidden_for_clerks(store, manager, clerk, make_product):
    p = make_product(stock=5)
    refused(store, ErrorCode.FORBIDDEN, store.inventory.adjust, clerk, p.id, 5, "receive")
    refused(
        store,
        ErrorCode.FORBIDDEN,
        store.catalog.add_product,
        clerk,
        sku="X-1",
        name="X",
        price=Decimal("1.00"),
    )
    refused(store, ErrorCode.FORBIDDEN, store.catalog.update_product, clerk, p.id, name="Y")
    refused(store, ErrorCode.FORBIDDEN, store.auth.add_user, clerk, "mallory", "pw-pw-pw-pw")
    other = store.auth.login("boss", "boss-password-1", counter="C2")
    cart = store.cart.add(other, p.id, 1)
    refused(store, ErrorCode.FORBIDDEN, store.carts.release, clerk, cart.cart_id)
    refused(store, ErrorCode.FORBIDDEN, store.settings.update, clerk, tax_rate="0.5")


def test_demoted_manager_loses_rights_at_once(store, manager, make_product):
    store.auth.add_user(manager, "second", "second-password", role="manager")
    second = store.auth.login("second", "second-password")
    user = next(u for u in store.auth.users(manager) if u.username == "second")
    store.auth.update_user(manager, user.id, role="clerk")
    refused(store, ErrorCode.FORBIDDEN, store.auth.users, second)


def _install_failing_trigger(store):
    """A real database failure in the middle of a transaction (after the stock UPDATE)."""
    with store.engine.begin() as conn:
        if store.backend == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER boom BEFORE INSERT ON stock_movements "
                    "WHEN NEW.note = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END"
                )
            )
        else:
            conn.execute(
                text(
                    "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN "
                    "IF NEW.note = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; "
                    "RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER boom BEFORE INSERT ON stock_movements "
                    "FOR EACH ROW EXECUTE FUNCTION boom()"
                )
            )


def test_database_error_rolls_back_everything(store, manager, make_product):
    p = make_product(stock=5)
    _install_failing_trigger(store)
    err = refused(
        store, ErrorCode.DATABASE_ERROR, store.inventory.adjust, manager, p.id, 3, "receive", "boom"
    )
    assert "nothing was saved" in err.message
    assert store.audit.check().ok


def test_unreachable_server_is_database_error(backend, tmp_path):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path}/missing-dir/../nope/x.sqlite3"
        store = open_store(f"sqlite:///{tmp_path}/empty.sqlite3")  # never migrated
    else:
        url = "postgresql+psycopg://postgres@127.0.0.1:1/none"
        store = open_store(url)
    try:
        with pytest.raises(PosError) as exc:
            store.auth.login("a", "b")
        assert exc.value.code == ErrorCode.DATABASE_ERROR
    finally:
        store.close()
    assert url
