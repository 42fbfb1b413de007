"""The README's shared-server steps run `pos add-user ... --ask-password` and
`pos set-password ... --ask-password` with the schema owner's URL: the database password is
asked on the terminal (stdin stays for the new user's password). Before, both commands
stopped with "unrecognized arguments: --ask-password"."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

import pytest

from pos.services import Store, open_store
from tests.conftest import MANAGER_PASSWORD

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def _on_a_terminal(args: list[str], answers: list[str], env: dict[str, str]) -> str:
    """Run `pos` with a pseudo-terminal for stdin/stdout, answering each prompt in turn."""
    master, slave = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pos", *args],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    pending = list(answers)
    answered = 0
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            # getpass flushes what was typed ahead: answer each prompt once it is shown.
            if pending and seen[answered:].rstrip().endswith(b":"):
                os.write(master, pending.pop(0).encode() + b"\n")
                answered = len(seen)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == 0, seen.decode(errors="replace")
    assert not pending, seen.decode(errors="replace")
    return seen.decode(errors="replace")


@pytest.mark.parametrize("command", ["add-user", "set-password"])
def test_add_user_and_set_password_ask_for_the_database_password(db_url, store, manager, command):
    env = dict(os.environ, POS_R21_MANAGER_PW=MANAGER_PASSWORD)
    if command == "add-user":
        args = ["add-user", "carol", "--role", "clerk", "--database", db_url, "--ask-password",
                "--manager", "boss", "--manager-password-env", "POS_R21_MANAGER_PW"]  # fmt: skip
    else:
        args = ["set-password", "boss", "--database", db_url, "--ask-password"]
    # The shared test server trusts local connections: the typed database password is
    # asked and passed, not checked (tests/integration/test_pg_roles.py checks SCRAM).
    out = _on_a_terminal(args, ["owner-password", "carol-password-1", "carol-password-1"], env)
    assert "Database password:" in out
    assert "owner-password" not in out and "carol-password-1" not in out  # not echoed
    counter: Store = open_store(db_url)
    try:
        name = "carol" if command == "add-user" else "boss"
        actor = counter.auth.login(name, "carol-password-1", counter="C7")
        assert actor.username == name
    finally:
        counter.close()


def test_ask_password_without_a_terminal_says_how(db_url):
    result = subprocess.run(
        [sys.executable, "-m", "pos", "add-user", "carol", "--database", db_url, "--ask-password"],
        capture_output=True, text=True, input="carol-password-1\n", timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert "pos configure" in result.stderr and "Traceback" not in result.stderr
