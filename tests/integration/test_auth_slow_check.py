"""The slow password check (Argon2id) runs with no lock held: one sign-in must never queue the
other counters (or, on SQLite, every writer) behind its key derivation."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pos.errors import ErrorCode, PosError
from pos.models import utcnow
from pos.services.people import auth as auth_module
from pos.services.people import lockout
from tests.conftest import CLERK_PASSWORD


def _assert_nothing_locked(db_url: str, user_id: int) -> None:
    """Take the user's row lock (PostgreSQL) or the database write lock (SQLite) without
    waiting: it fails at once if the sign-in holds it."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        conn = sqlite3.connect(url.database or "", timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        finally:
            conn.close()
        return
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '1ms'"))
            conn.execute(text("SELECT id FROM users WHERE id = :id FOR UPDATE"), {"id": user_id})
    finally:
        engine.dispose()


# App-level passwords are SQLite's; PostgreSQL checks its roles' passwords itself (SCRAM),
# tested against a private cluster in test_pg_roles.py (the shared test server trusts all).
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_password_check_holds_no_lock(store, clerk, db_url, monkeypatch):
    checked: list[bool] = []
    real_verify = auth_module.verify_password

    def verify(password: str, stored: str) -> bool:
        _assert_nothing_locked(db_url, clerk.user_id)
        checked.append(True)
        return real_verify(password, stored)

    monkeypatch.setattr(auth_module, "verify_password", verify)
    actor = store.auth.login("alice", CLERK_PASSWORD, counter="C1")
    assert actor.user_id == clerk.user_id and checked == [True]
    with pytest.raises(PosError) as exc:
        store.auth.login("alice", "wrong", counter="C1")
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED and checked == [True, True]


# App-level passwords are SQLite's; PostgreSQL checks its roles' passwords itself (SCRAM),
# tested against a private cluster in test_pg_roles.py (the shared test server trusts all).
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_wait_starting_during_the_check_refuses_the_right_password(store, clerk, monkeypatch):
    real_verify = auth_module.verify_password

    def verify(password: str, stored: str) -> bool:
        # Another counter's third wrong guess commits while this check runs.
        def three_failures(tx):
            for _ in range(lockout.PASSWORDS.free_failures):
                lockout.book_failure(tx, "alice", utcnow(), lockout.PASSWORDS)

        store.uow.run(three_failures, operation="test.other_counter")
        return real_verify(password, stored)

    monkeypatch.setattr(auth_module, "verify_password", verify)
    with pytest.raises(PosError) as exc:
        store.auth.login("alice", CLERK_PASSWORD, counter="C1")
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
    assert exc.value.details["retry_after_seconds"] == 2


# App-level passwords are SQLite's; PostgreSQL checks its roles' passwords itself (SCRAM),
# tested against a private cluster in test_pg_roles.py (the shared test server trusts all).
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_password_changed_during_the_check_is_not_accepted(store, manager, clerk, monkeypatch):
    real_verify = auth_module.verify_password

    def verify(password: str, stored: str) -> bool:
        store.auth.update_user(manager, clerk.user_id, password="a-new-secret")
        return real_verify(password, stored)

    monkeypatch.setattr(auth_module, "verify_password", verify)
    with pytest.raises(PosError) as exc:
        store.auth.login("alice", CLERK_PASSWORD, counter="C1")
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
    monkeypatch.setattr(auth_module, "verify_password", real_verify)
    assert store.auth.login("alice", "a-new-secret", counter="C1").user_id == clerk.user_id
