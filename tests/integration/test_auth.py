import pytest
from sqlalchemy import select

from pos.errors import ErrorCode, PosError
from pos.models import User
from pos.services.people.passwords import hash_password, verify_password


# App-level passwords are SQLite's; PostgreSQL checks its roles' passwords itself (SCRAM),
# tested against a private cluster in test_pg_roles.py (the shared test server trusts all).
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_passwords_are_argon2id_hashed(store, manager, clerk):
    with store.engine.connect() as conn:
        hashes = conn.execute(select(User.password_hash)).scalars().all()
    assert len(hashes) == 2
    assert all(h.startswith("$argon2id$v=19$") for h in hashes)
    assert not any("alice-password" in h for h in hashes)


def test_hash_verify_round_trip():
    stored = hash_password("correct horse")
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horsE", stored)
    assert hash_password("same") != hash_password("same")  # salted


def test_bootstrap_only_once(store, manager):
    with pytest.raises(PosError) as exc:
        store.auth.bootstrap_manager("again", "another-long-password")
    assert exc.value.code == ErrorCode.ALREADY_INITIALIZED


def test_deactivated_user_cannot_sign_in_or_check_out(store, manager, clerk, make_product):
    p = make_product(stock=3)
    cart = store.cart.add(clerk, p.id, 1)
    store.auth.update_user(manager, clerk.user_id, active=False)
    with pytest.raises(PosError) as exc:
        store.auth.login("alice", "alice-password", counter="C1")
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
    with pytest.raises(PosError) as exc:
        store.checkout.complete(clerk, [("cash", "10")], cart_id=cart.cart_id)
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED


def test_duplicate_user_and_short_password(store, manager, clerk):
    with pytest.raises(PosError) as exc:
        store.auth.add_user(manager, "alice", "whatever-long", role="clerk")
    assert exc.value.code == ErrorCode.DUPLICATE
    with pytest.raises(PosError) as exc:
        store.auth.add_user(manager, "bob", "short", role="manager")
    assert exc.value.code == ErrorCode.VALIDATION_ERROR
