"""`pos configure` and `pos migrate` keep database passwords off argv and out of settings:
a URL with a password on the command line is refused, a password comes by prompt or
stdin and is kept only in pos's libpq password file (0600)."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from pos import config

SECRET = "Zq-not-on-disk-7"


def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pos", *args],
        capture_output=True,
        text=True,
        input=input,
        timeout=120,
    )


def _everything_pos_wrote() -> str:
    """Every file under the test's config, data and state (log) folders."""
    roots = [config.config_dir(), config.data_dir(), config.log_dir()]
    texts = []
    for root in roots:
        for path in Path(root).rglob("*") if Path(root).exists() else ():
            if path.is_file() and path != config.passfile_path():
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(texts)


@pytest.mark.parametrize("command", ["configure", "migrate", "check", "add-user"])
def test_a_password_on_the_command_line_is_refused(command):
    extra = ["owner"] if command == "add-user" else []
    url = f"postgresql://owner:{SECRET}@127.0.0.1:9/pos"
    result = run(command, *extra, "--database", url)
    assert result.returncode == 2
    assert "never keeps one in a settings file or takes it on the command line" in result.stderr
    assert "--password-stdin" in result.stderr and ".pgpass" in result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert not config.settings_path().exists()
    assert SECRET not in _everything_pos_wrote()


def test_configure_password_stdin_keeps_it_only_in_the_passfile(db_url, backend):
    if backend == "sqlite":
        result = run("configure", "--database", db_url, "--password-stdin", input=SECRET + "\n")
        assert result.returncode == 2 and "SQLite database has no password" in result.stderr
        return
    url = make_url(db_url).set(username="postgres")  # trust auth: any password connects
    plain = url.render_as_string(hide_password=False)
    result = run(
        *("configure", "--database", plain, "--counter", "C5", "--password-stdin"),
        input=SECRET + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert "schema is up to date" in result.stdout
    saved = json.loads(config.settings_path().read_text())
    assert saved == {"database_url": plain, "counter_code": "C5"}
    assert stat.S_IMODE(config.settings_path().stat().st_mode) == 0o600
    passfile = config.passfile_path()
    assert stat.S_IMODE(passfile.stat().st_mode) == 0o600
    assert passfile.read_text().strip().endswith(f":postgres:{SECRET}")
    assert SECRET not in result.stdout + result.stderr
    assert SECRET not in _everything_pos_wrote()  # settings, logs, database folder
    # --show reads it back, still without a password, and later commands reach the server
    shown = run("configure", "--show")
    assert plain in shown.stdout and "warning" not in shown.stdout
    assert run("check").returncode == 0


def test_configure_system_takes_no_password(db_url):
    result = run(
        "configure", "--system", "--database", db_url, "--password-stdin", input=SECRET + "\n"
    )
    assert result.returncode == 2
    assert "--system writes settings every account reads" in result.stderr
    assert not config.system_settings_path().exists()
    assert not config.passfile_path().exists()


def test_migrate_takes_the_password_from_stdin_for_this_run_only(db_url, backend):
    if backend == "sqlite":
        pytest.skip("an SQLite file has no password")
    result = run("migrate", "--database", db_url, "--password-stdin", input=SECRET + "\n")
    assert result.returncode == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert not config.passfile_path().exists()
    assert SECRET not in _everything_pos_wrote()


@pytest.mark.parametrize("command", [["migrate"], ["check"], ["add-user", "x"], ["seed-demo"]])
def test_ask_password_without_a_terminal_says_how(command):
    url = "postgresql://owner@127.0.0.1:9/pos"
    result = run(*command, "--database", url, "--ask-password", input="")
    assert result.returncode == 2, result.stderr
    assert "--ask-password needs the database password" in result.stderr
    assert "--password-stdin" in result.stderr and "Traceback" not in result.stderr


def test_show_warns_about_a_password_left_in_an_old_settings_file():
    path = config.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"database_url": f"postgresql://shop:{SECRET}@db/pos"}))
    result = run("configure", "--show")
    assert result.returncode == 0
    assert "warning: the database URL" in result.stdout and SECRET not in result.stdout
