"""Sign-in without enumeration: unknown names and wrong passwords get the same answers,
and every name waits 2, 4, 8, ... seconds after its third failure (lockout.py). The clock
is the service's own (`store.auth.clock`), moved by the test instead of sleeping."""

from __future__ import annotations

import json
import statistics
import threading
import time
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from pos import config
from pos.errors import ErrorCode, PosError
from pos.models import FailedOperation, SignInFailure, utcnow
from pos.services import open_store
from pos.services.people import auth as auth_module
from pos.services.people import lockout, passwords
from tests.conftest import CLERK_PASSWORD

# The app checks passwords itself on SQLite only; on PostgreSQL the server does (the shared
# test server trusts everyone), so the waits there are tested on a private SCRAM cluster in
# test_pg_sign_in_waits.py.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(store) -> Clock:
    c = Clock()
    store.auth.clock = c
    return c


def answer(store, name: str, password: str) -> tuple[str, str, dict]:
    with pytest.raises(PosError) as exc:
        store.auth.login(name, password, counter="C1")
    return exc.value.code, exc.value.message, exc.value.details


def test_unknown_name_and_wrong_password_get_identical_answers(store, manager, clerk, clock):
    store.auth.add_user(manager, "gone", "gone-password")
    gone_id = next(u.id for u in store.auth.users(manager) if u.username == "gone")
    store.auth.update_user(manager, gone_id, active=False)
    seen = {"alice": [], "nobody": [], "gone": []}
    for step in range(8):
        for name in seen:
            seen[name].append(answer(store, name, f"wrong-{step}"))
        clock.advance(1 if step % 2 else 0)  # some tries inside a wait, some after
    assert seen["alice"] == seen["nobody"] == seen["gone"]
    codes = {code for code, _, _ in seen["alice"]}
    assert codes == {ErrorCode.NOT_AUTHENTICATED}
    assert any("retry_after_seconds" in details for _, _, details in seen["alice"])


def test_waits_escalate_after_three_failures_and_a_right_password_clears_them(store, clerk, clock):
    for _ in range(2):
        assert answer(store, "alice", "nope") == (
            ErrorCode.NOT_AUTHENTICATED,
            "Wrong user name or password.",
            {},
        )
    waits = []
    for _ in range(6):
        code, message, details = answer(store, "alice", "nope")
        assert code == ErrorCode.NOT_AUTHENTICATED and "Wait" in message
        waits.append(details["retry_after_seconds"])
        # during the wait even the right password is refused, before any check
        code, message, details = answer(store, "alice", CLERK_PASSWORD)
        assert code == ErrorCode.NOT_AUTHENTICATED
        assert message.startswith("Too many failed sign-ins with this name")
        assert details["retry_after_seconds"] == waits[-1]
        clock.advance(waits[-1] - 1)
        assert answer(store, "alice", CLERK_PASSWORD)[2]["retry_after_seconds"] == 1
        clock.advance(1)
    assert waits == [2, 4, 8, 16, 32, 64]
    assert store.auth.login("alice", CLERK_PASSWORD, counter="C1").username == "alice"
    # a clean slate: two more failures wait for nothing
    assert answer(store, "alice", "nope")[2] == {}
    assert answer(store, "alice", "nope")[2] == {}


def test_the_wait_is_capped_and_a_quiet_day_forgets_the_count(store, clerk, clock):
    for _ in range(30):
        details = answer(store, "Alice", "nope")[2]  # any case: the same name
        clock.advance(details.get("retry_after_seconds", 0))
    assert details == {"retry_after_seconds": lockout.PASSWORDS.cap_seconds}
    clock.advance(lockout.FORGET_AFTER.total_seconds() + 1)
    assert answer(store, "alice", "nope")[2] == {}  # counting starts again at 1


def test_a_try_during_a_wait_checks_no_password(store, clerk, clock, monkeypatch):
    for _ in range(3):
        answer(store, "alice", "nope")
    checked: list[str] = []
    real_verify, real_dummy = auth_module.verify_password, auth_module.verify_dummy
    monkeypatch.setattr(auth_module, "verify_password", lambda p, s: checked.append(p))
    monkeypatch.setattr(auth_module, "verify_dummy", lambda p: checked.append(p))
    answer(store, "alice", CLERK_PASSWORD)
    assert checked == []
    monkeypatch.setattr(auth_module, "verify_password", real_verify)
    monkeypatch.setattr(auth_module, "verify_dummy", real_dummy)


def test_parallel_wrong_guesses_each_count(db_url, clerk):
    stores = [open_store(db_url) for _ in range(4)]
    wrong: list[int] = []
    lock = threading.Lock()

    def guess(s):
        for _ in range(3):
            try:
                s.auth.login("alice", "nope")
            except PosError as err:
                if not err.message.startswith("Too many"):
                    with lock:
                        wrong.append(1)

    threads = [threading.Thread(target=guess, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        with stores[0].engine.connect() as conn:
            failures = conn.execute(select(SignInFailure.failures)).scalar_one()
        assert failures == len(wrong) >= lockout.PASSWORDS.free_failures
    finally:
        for s in stores:
            s.close()


def test_managers_see_the_wait_and_a_new_password_ends_it(store, manager, clerk, clock):
    for _ in range(4):  # the fourth comes during the wait: refused, not counted
        answer(store, "alice", "nope")
    listed = {u.username: u for u in store.auth.users(manager)}
    assert listed["alice"].locked_until == clock.now + timedelta(seconds=2)
    assert listed["boss"].locked_until is None
    view = store.auth.update_user(manager, clerk.user_id, password="a-fresh-secret")
    assert view.locked_until is None
    assert store.auth.login("alice", "a-fresh-secret").username == "alice"


def test_pins_allowed_means_waits_after_two_failures(store, manager, clerk, clock):
    store.settings.update(manager, allow_pins=True)
    assert answer(store, "alice", "nope")[2] == {}
    assert answer(store, "alice", "nope")[2] == {"retry_after_seconds": 2}
    assert answer(store, "nobody", "nope")[2] == {}
    assert answer(store, "nobody", "nope")[2] == {"retry_after_seconds": 2}


def test_no_password_reaches_the_failure_log_or_the_log_file(store, clerk, clock):
    secret = "Kx-typed-password-9"
    for name in ("alice", "nobody"):
        for _ in range(4):
            answer(store, name, secret)
    with store.engine.connect() as conn:
        rows = conn.execute(select(FailedOperation.message, FailedOperation.details)).all()
    assert rows and not any(secret in m or secret in d for m, d in rows)
    assert all(json.loads(d).keys() <= {"retry_after_seconds"} for _, d in rows)
    logs = config.log_dir()
    for path in logs.rglob("*") if logs.exists() else ():
        assert secret not in path.read_text(errors="replace")


def test_unknown_names_take_as_long_as_wrong_passwords(store, clerk, monkeypatch):
    # the production parameters: the cheap test hasher is too fast to measure
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher.from_parameters(passwords.PARAMETERS))
    store.auth.update_user(
        store.auth.login("boss", "boss-password-1"), clerk.user_id, password=CLERK_PASSWORD
    )
    clock = Clock()
    store.auth.clock = clock
    answer(store, "nobody-warm-up", "x")  # the dummy hash is made once, not timed
    times: dict[str, list[float]] = {"alice": [], "nobody": []}
    for _ in range(7):
        for name in times:
            clock.advance(3600)  # past any wait: every try reaches the password check
            started = time.perf_counter()
            answer(store, name, "wrong-password")
            times[name].append(time.perf_counter() - started)
    ratio = statistics.median(times["nobody"]) / statistics.median(times["alice"])
    # without the dummy check an unknown name would answer ~100x sooner; the margin is
    # for a busy machine
    assert 0.5 < ratio < 2.0, times


def test_a_manager_is_still_checked_on_an_older_schema(tmp_path, backend):
    """A manager proves who they are on an outdated schema to approve the upgrade
    (verify_manager, pos/ui/app.py): without the failures table there are no waits, but
    the same answers and no database error."""
    from sqlalchemy import text

    from pos import schema

    store = open_store(f"sqlite:///{tmp_path}/old.sqlite3")
    try:
        schema.upgrade(store.engine, "0001")
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (username, password_hash, role, active, failed_logins, "
                    "created_at) VALUES ('boss', :h, 'manager', 1, 0, CURRENT_TIMESTAMP)"
                ),
                {"h": passwords.hash_password("boss-password-1")},
            )
        for name in ("boss", "nobody", "boss", "nobody", "boss", "nobody"):
            with pytest.raises(PosError) as exc:
                store.auth.verify_manager(name, "wrong")
            assert (exc.value.code, exc.value.message, exc.value.details) == (
                ErrorCode.NOT_AUTHENTICATED,
                "Wrong user name or password.",
                {},
            )
        assert store.auth.verify_manager("boss", "boss-password-1").role == "manager"
    finally:
        store.close()
