"""`pos migrate && pos seed-demo && pos check`, as an installer runs them."""

import json
import os
import subprocess
import sys

from sqlalchemy import text
from sqlalchemy.engine import make_url

from pos.services import open_store


def pos(*args, db_url, input=None):
    return subprocess.run(
        [sys.executable, "-m", "pos", *args, "--database", db_url],
        capture_output=True,
        text=True,
        input=input,
        timeout=180,
    )


def test_migrate_seed_check(db_url):
    # the fixture database is already migrated: migrate is idempotent
    assert pos("migrate", db_url=db_url).returncode == 0
    seeded = pos("seed-demo", db_url=db_url)
    assert seeded.returncode == 0, seeded.stderr
    assert "manager login: manager / " in seeded.stdout
    checked = pos("check", "--json", db_url=db_url)
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    assert report["ok"] is True
    assert report["products"] >= 60


def test_check_exits_1_on_a_problem(db_url):
    store = open_store(db_url)
    boss = store.auth.bootstrap_manager("boss", "boss-password-1")
    from decimal import Decimal

    store.catalog.add_product(boss, sku="A-1", name="A", price=Decimal("1.00"), stock=4)
    with store.engine.begin() as conn:  # a change that bypassed the ledger
        conn.execute(text("UPDATE products SET stock_quantity = 9"))
    store.close()
    result = pos("check", db_url=db_url)
    assert result.returncode == 1
    assert "stock 9 but ledger sums to 4" in result.stdout


def test_add_user_from_stdin(db_url):
    first = pos(
        "add-user",
        "owner",
        "--role",
        "manager",
        "--password-stdin",
        db_url=db_url,
        input="owner-password\n",
    )
    assert first.returncode == 0, first.stderr
    env_run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pos",
            "add-user",
            "carol",
            "--role",
            "clerk",
            "--password-stdin",
            "--manager",
            "owner",
            "--manager-password-env",
            "OWNER_PW",
            "--database",
            db_url,
        ],
        capture_output=True,
        text=True,
        input="carol-pin\n",
        timeout=120,
        env={**__import__("os").environ, "OWNER_PW": "owner-password"},
    )
    assert env_run.returncode == 0, env_run.stderr
    store = open_store(db_url)
    try:
        assert store.auth.login("carol", "carol-pin").role == "clerk"
    finally:
        store.close()


def test_schema_too_new_is_refused(db_url):
    store = open_store(db_url)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    store.close()
    result = pos("check", db_url=db_url)
    assert result.returncode == 2
    assert "newer pos" in result.stderr


def test_configure_tests_the_connection_before_saving(db_url, tmp_path):
    env = {**__import__("os").environ, "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    settings = tmp_path / "cfg" / "pos" / "settings.json"

    def configure(url):
        return subprocess.run(
            [sys.executable, "-m", "pos", "configure", "--database", url, "--counter", "C4"],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )

    bad = configure("postgresql+psycopg://postgres@127.0.0.1:1/none")
    assert bad.returncode == 1
    assert "does not answer" in bad.stdout
    assert not settings.exists()
    good = configure(db_url)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "schema is up to date" in good.stdout
    saved = json.loads(settings.read_text())
    assert saved == {"database_url": db_url, "counter_code": "C4"}


def _no_terminal_run(*args: str, db_url: str) -> subprocess.CompletedProcess[str]:
    """stdin is a closed pipe, as under cron, CI or `ssh host pos ...`."""
    return subprocess.run(
        [sys.executable, "-m", "pos", *args, "--database", db_url],
        capture_output=True,
        text=True,
        input="",
        timeout=120,
    )


def test_add_user_without_a_terminal_says_how(db_url):
    store = open_store(db_url)
    store.auth.bootstrap_manager("owner", "owner-password")
    store.close()
    first = _no_terminal_run("add-user", "boss", "--role", "manager", db_url=db_url)
    assert first.returncode == 2
    assert "Traceback" not in first.stderr and "EOFError" not in first.stderr
    assert "--manager NAME" in first.stderr and "--manager-password-env" in first.stderr

    second = subprocess.run(
        [
            *(sys.executable, "-m", "pos", "add-user", "carol", "--manager", "owner"),
            *("--manager-password-env", "OWNER_PW", "--database", db_url),
        ],
        capture_output=True,
        text=True,
        input="",
        timeout=120,
        env={**os.environ, "OWNER_PW": "owner-password"},
    )
    assert second.returncode == 2
    assert "Traceback" not in second.stderr
    assert "--password-stdin" in second.stderr


def test_first_manager_without_a_terminal_says_how(db_url):
    result = _no_terminal_run("add-user", "owner", "--role", "manager", db_url=db_url)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "--password-stdin" in result.stderr


def test_seed_demo_without_a_terminal_says_how(db_url):
    store = open_store(db_url)
    store.auth.bootstrap_manager("owner", "owner-password")
    store.close()
    result = _no_terminal_run("seed-demo", db_url=db_url)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "EOFError" not in result.stderr
    assert "--manager-password-env" in result.stderr


def test_check_on_a_missing_database_says_no_database_of_that_name(missing_pg_url, tmp_path):
    checked = pos("check", db_url=missing_pg_url)
    assert checked.returncode == 2
    assert "no database of that name" in checked.stderr
    configured = subprocess.run(
        [sys.executable, "-m", "pos", "configure", "--database", missing_pg_url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert configured.returncode == 1
    assert "no database of that name" in configured.stdout  # the same diagnosis


def test_check_on_an_empty_database_prints_the_migrate_command(empty_db_url):
    # A URL with a password is refused on the command line (`ps` shows argv): it comes
    # from the environment here, which only this account can read.
    result = subprocess.run(
        [sys.executable, "-m", "pos", "check"],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "POS_DATABASE_URL": empty_db_url},
    )
    assert result.returncode == 2
    shown = make_url(empty_db_url).render_as_string(hide_password=True)
    assert f"`pos migrate --database {shown}`" in result.stderr
    assert "not-shown-1" not in result.stderr
