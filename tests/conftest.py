"""Shared fixtures: every service test runs on SQLite and on PostgreSQL, each test in a
database of its own (copied from a migrated template, so it is fast)."""

from __future__ import annotations

import os

# Qt must never try to open a real display in tests (set before any Qt import).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
import shutil
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pos.db import normalize_url
from pos.security.roles import drop_database_and_roles, drop_database_roles
from pos.services import Store, open_store
from pos.views import Actor, ProductView

PG_ENV = "POS_TEST_DATABASE_URL"
MANAGER_PASSWORD = "boss-password-1"
CLERK_PASSWORD = "alice-password"


@pytest.fixture(autouse=True)
def _private_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """platformdirs folders and the system settings file point into a temp dir: tests
    never touch the real home or /etc/pos (subprocesses inherit the same environment)."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("POS_DATABASE_URL", raising=False)
    monkeypatch.delenv("POS_COUNTER", raising=False)
    # The store-wide settings too (/etc/pos/settings.json on Linux): a machine's real ones
    # must never reach a test, and `configure --system` must never write them.
    monkeypatch.setenv("POS_SYSTEM_SETTINGS", str(home / "etc-pos" / "settings.json"))


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests create users all the time: the cheapest Argon2id parameters keep that fast. Only
    this fixture swaps the hasher; production code has no switch that could pick it up."""
    from argon2 import PasswordHasher, profiles

    from pos.services.people import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


# Fixtures that only a test driving Qt widgets asks for: such a test gets the `gui` marker
# whether or not its module says so (`pytest -m "not gui"` skips every one of them).
GUI_FIXTURES = frozenset({"qtbot", "qapp", "gui_store", "make_window", "window", "admin"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if GUI_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)


def pg_admin_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"CI requires {PG_ENV} so the PostgreSQL tests run")
        return None
    return normalize_url(url)


def _pg_exec(admin_url: str, *statements: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def drop_pg_database(admin_url: str, name: str) -> None:
    """DROP DATABASE and the roles pos made for it (roles outlive databases)."""
    drop_database_and_roles(admin_url, name)


def _drop_stale_test_roles(admin_url: str) -> None:
    """Roles of test databases that an interrupted run never dropped."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            stale = conn.execute(
                text(
                    "SELECT DISTINCT substring(rolname from '^(pos_[a-z]+_[0-9a-f]{10,12})_') "
                    "FROM pg_roles WHERE rolname ~ '^pos_[a-z]+_[0-9a-f]{10,12}_' "
                    "AND substring(rolname from '^(pos_[a-z]+_[0-9a-f]{10,12})_') "
                    "NOT IN (SELECT datname FROM pg_database)"
                )
            ).scalars()
            for database in [d for d in stale if d]:
                drop_database_roles(conn, database)
    finally:
        engine.dispose()


def _url_for(admin_url: str, database: str) -> str:
    return make_url(admin_url).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    store = open_store(f"sqlite:///{path}")
    store.migrate()
    store.close()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    admin = pg_admin_url()
    if admin is None:
        yield None
        return
    _drop_stale_test_roles(admin)
    name = f"pos_tmpl_{uuid.uuid4().hex[:10]}"
    _pg_exec(admin, f'CREATE DATABASE "{name}"')
    store = open_store(_url_for(admin, name))
    store.migrate()
    store.close()
    yield name
    drop_pg_database(admin, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(
    backend: str,
    tmp_path: Path,
    sqlite_template: Path,
    request: pytest.FixtureRequest,
) -> Iterator[str]:
    """A fresh, migrated, empty database for this test only."""
    if backend == "sqlite":
        target = tmp_path / "pos.sqlite3"
        shutil.copyfile(sqlite_template, target)
        yield f"sqlite:///{target}"
        return
    template = request.getfixturevalue("pg_template")
    admin = pg_admin_url()
    if template is None or admin is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (CI sets it)")
    name = f"pos_t_{uuid.uuid4().hex[:12]}"
    _pg_exec(admin, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _url_for(admin, name)
    finally:
        drop_pg_database(admin, name)


@pytest.fixture
def empty_db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (a first run), on this backend. The PostgreSQL URL
    carries a password (trust auth ignores it) so tests can check it is never shown."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    admin = pg_admin_url()
    if admin is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (CI sets it)")
    name = f"pos_e_{uuid.uuid4().hex[:12]}"
    _pg_exec(admin, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(_url_for(admin, name)).set(password="not-shown-1")
        yield url.render_as_string(hide_password=False)
    finally:
        drop_pg_database(admin, name)


@pytest.fixture
def missing_pg_url() -> str:
    """A PostgreSQL URL on the test server naming a database that does not exist."""
    admin = pg_admin_url()
    if admin is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (CI sets it)")
    return _url_for(admin, f"pos_missing_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = open_store(db_url)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def manager(store: Store) -> Actor:
    return store.auth.bootstrap_manager("boss", MANAGER_PASSWORD)


@pytest.fixture
def clerk(store: Store, manager: Actor) -> Actor:
    store.auth.add_user(manager, "alice", CLERK_PASSWORD, role="clerk")
    return store.auth.login("alice", CLERK_PASSWORD, counter="C1")


@pytest.fixture
def make_product(store: Store, manager: Actor) -> Callable[..., ProductView]:
    counter = iter(range(1, 1_000_000))

    def make(price: str = "10.00", stock: int = 10, **fields: object) -> ProductView:
        n = next(counter)
        fields.setdefault("sku", f"SKU-{n:04d}")
        fields.setdefault("name", f"Product {n}")
        return store.catalog.add_product(manager, price=Decimal(price), stock=stock, **fields)

    return make
