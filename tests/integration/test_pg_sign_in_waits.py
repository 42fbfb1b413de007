"""PostgreSQL checks passwords (SCRAM, a private cluster): the counter applies lockout.py's
waits before it connects, counts refusals per typed name in the process, and answers the
same for unknown names and wrong passwords. And pos configure's libpq password file is
what lets a command connect without a password anywhere else."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy.engine import make_url

from pos import config
from pos.errors import ErrorCode, PosError
from pos.models import utcnow
from pos.services import Store
from tests.integration import test_pg_roles as pg_roles
from tests.integration.test_pg_roles import ALICE, ALICE_PW, BOSS, BOSS_PW, SUPERUSER_PASSWORD

# The private SCRAM cluster and its shop database, as test_pg_roles.py makes them.
cluster = pg_roles.cluster
shop_url = pg_roles.shop_url
counter = pg_roles.counter


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def answer(store: Store, name: str, password: str) -> tuple[str, str, dict]:
    with pytest.raises(PosError) as exc:
        store.auth.login(name, password, counter="C1")
    return exc.value.code, exc.value.message, exc.value.details


def test_waits_before_connecting_the_same_for_every_name(counter: Store) -> None:
    clock = Clock()
    counter.auth.clock = clock
    seen: dict[str, list] = {ALICE: [], "nobody": []}
    for step in range(6):
        for name in seen:
            seen[name].append(answer(counter, name, f"wrong-{step}"))
        clock.advance(step % 3)
    assert seen[ALICE] == seen["nobody"]
    assert {code for code, _, _ in seen[ALICE]} == {ErrorCode.NOT_AUTHENTICATED}
    waits = [d.get("retry_after_seconds") for _, _, d in seen[ALICE]]
    assert any(waits), waits
    # during a wait even the right password is refused before any connection is tried
    for _ in range(3):
        answer(counter, ALICE, "wrong")
    code, message, details = answer(counter, ALICE, ALICE_PW)
    assert message.startswith("Too many failed sign-ins with this name")
    clock.advance(details["retry_after_seconds"])
    actor = counter.auth.login(ALICE, ALICE_PW, counter="C1")
    assert actor.username == ALICE
    # signed in: the count is gone, and the store's PIN setting (off) now chooses the
    # policy: three failures before the first wait
    assert [answer(counter, ALICE, "wrong")[2] for _ in range(3)] == [
        {},
        {},
        {"retry_after_seconds": 2},
    ]


def test_a_manager_sees_the_wait_and_a_new_password_ends_it(counter: Store) -> None:
    clock = Clock()
    counter.auth.clock = clock
    boss = counter.auth.login(BOSS, BOSS_PW)
    for _ in range(3):
        answer(counter, ALICE, "wrong")
    listed = {u.username: u for u in counter.auth.users(boss)}
    assert listed[ALICE].locked_until == clock.now + timedelta(seconds=2)
    view = counter.auth.update_user(boss, listed[ALICE].id, password="a-fresh-secret")
    assert view.locked_until is None
    assert counter.auth.login(ALICE, "a-fresh-secret").username == ALICE


def test_configure_keeps_the_password_in_the_passfile_that_later_commands_use(
    shop_url: str,
) -> None:
    plain = config.without_password(shop_url)
    assert SUPERUSER_PASSWORD not in plain and make_url(plain).username == "postgres"

    def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pos", *args],
            capture_output=True,
            text=True,
            input=input,
            timeout=120,
        )

    refused = run("check", "--database", plain)
    assert refused.returncode == 2 and "wants a password" in refused.stderr
    saved = run(
        "configure",
        "--database",
        plain,
        "--counter",
        "C1",
        "--password-stdin",
        input=SUPERUSER_PASSWORD + "\n",
    )
    assert saved.returncode == 0, saved.stdout + saved.stderr
    assert json.loads(config.settings_path().read_text())["database_url"] == plain
    assert stat.S_IMODE(config.passfile_path().stat().st_mode) == 0o600
    checked = run("check")  # the URL from the settings, the password from the passfile
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "audit ok" in checked.stdout
    for path in config.config_dir().rglob("*"):
        if path.is_file() and path != config.passfile_path():
            assert SUPERUSER_PASSWORD not in path.read_text()
