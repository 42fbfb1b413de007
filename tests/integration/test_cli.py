"""`pos migrate && pos seed-demo && pos check`, as an installer runs them."""

import json
import subprocess
import sys

from sqlalchemy import text

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
