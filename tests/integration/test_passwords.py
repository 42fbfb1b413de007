"""Argon2id for new hashes, scrypt hashes from earlier versions upgraded at the next sign-in."""

from __future__ import annotations

import base64
import hashlib
import os
import statistics
import time

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import select, update

from pos.errors import ErrorCode, PosError
from pos.models import User
from pos.services.people import passwords

OWASP_MIN_MEMORY_KIB = 19 * 1024


def _old_scrypt_hash(password: str) -> str:
    """A hash exactly as the previous version wrote it."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    b64 = base64.b64encode
    return f"scrypt$16384$8$1${b64(salt).decode()}${b64(digest).decode()}"


def _stored_hash(store, username: str) -> str:
    with store.engine.connect() as conn:
        return conn.execute(
            select(User.password_hash).where(User.username == username)
        ).scalar_one()


def _set_hash(store, username: str, value: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(User).where(User.username == username).values(password_hash=value))


def test_production_parameters_meet_owasp_minimum():
    params = passwords.PARAMETERS
    assert params.type.name == "ID"
    assert params.memory_cost >= OWASP_MIN_MEMORY_KIB
    assert params.time_cost >= 2
    assert params.parallelism >= 1
    real = PasswordHasher.from_parameters(params).hash("x")
    assert real.startswith(f"$argon2id$v=19$m={params.memory_cost},t={params.time_cost},")


def test_hash_verify_and_rehash_decisions():
    argon = passwords.hash_password("correct horse")
    assert passwords.verify_password("correct horse", argon)
    assert not passwords.verify_password("correct horsE", argon)
    assert not passwords.needs_rehash(argon)
    old = _old_scrypt_hash("correct horse")
    assert passwords.verify_password("correct horse", old)
    assert not passwords.verify_password("wrong", old)
    assert passwords.needs_rehash(old)
    assert not passwords.verify_password("x", "garbage")
    assert not passwords.verify_password("x", "scrypt$bad")
    assert passwords.needs_rehash("garbage")


# App-level passwords are SQLite's; PostgreSQL checks its roles' passwords itself (SCRAM),
# tested against a private cluster in test_pg_roles.py (the shared test server trusts all).
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_scrypt_hash_signs_in_and_is_replaced_by_argon2id(store, manager, clerk):
    old = _old_scrypt_hash("alice-password")
    _set_hash(store, "alice", old)
    with pytest.raises(PosError) as exc:
        store.auth.login("alice", "wrong-pin", counter="C1")
    assert exc.value.code == ErrorCode.NOT_AUTHENTICATED
    assert _stored_hash(store, "alice") == old  # a wrong password upgrades nothing
    assert store.auth.login("alice", "alice-password", counter="C1").username == "alice"
    upgraded = _stored_hash(store, "alice")
    assert upgraded.startswith("$argon2id$")
    assert not passwords.needs_rehash(upgraded)
    assert store.auth.login("alice", "alice-password", counter="C1").username == "alice"
    assert _stored_hash(store, "alice") == upgraded  # current hashes are left alone


# App-level passwords are SQLite's; PostgreSQL checks its roles' passwords itself (SCRAM),
# tested against a private cluster in test_pg_roles.py (the shared test server trusts all).
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_argon2_hash_with_other_parameters_is_upgraded(store, manager, clerk):
    weaker = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash("alice-password")
    _set_hash(store, "alice", weaker)
    store.auth.login("alice", "alice-password", counter="C1")
    upgraded = _stored_hash(store, "alice")
    assert upgraded != weaker
    assert not passwords.needs_rehash(upgraded)


# App-level passwords are SQLite's; PostgreSQL checks its roles' passwords itself (SCRAM),
# tested against a private cluster in test_pg_roles.py (the shared test server trusts all).
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_unknown_user_costs_as_much_as_a_wrong_password(store, manager, clerk, monkeypatch):
    # The real parameters, so a cheap or missing dummy check would show in the timing.
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
    )
    _set_hash(store, "alice", passwords.hash_password("alice-password"))
    passwords.verify_dummy("warm-up")  # the dummy hash is made once per parameter set

    def seconds(username: str) -> float:
        start = time.perf_counter()
        with pytest.raises(PosError):
            store.auth.login(username, "wrong-pin", counter="C1")
        return time.perf_counter() - start

    known = statistics.median(seconds("alice") for _ in range(3))
    unknown = statistics.median(seconds("nobody") for _ in range(3))
    assert unknown > 0.6 * known, (unknown, known)
