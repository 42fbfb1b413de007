"""Start-up schema guard: embedded first run migrates; an older schema is upgraded only by
a manager who signs in; a newer schema is refused."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import text

from pos import schema
from pos.services import open_store
from pos.services.people.passwords import hash_password
from pos.ui.app import prepare_schema

pytestmark = pytest.mark.gui


@pytest.fixture
def old_store(tmp_path):
    """A store at the first schema revision, with a manager and a clerk."""
    store = open_store(f"sqlite:///{tmp_path}/old.sqlite3")
    schema.upgrade(store.engine, "0001")
    # Users as the pos of that revision wrote them (today's services expect today's schema).
    with store.engine.begin() as conn:
        for name, secret, role in (
            ("boss", "boss-password-1", "manager"),
            ("clerk", "1234", "clerk"),
        ):
            conn.execute(
                text(
                    "INSERT INTO users (username, password_hash, role, active, failed_logins, "
                    "created_at) VALUES (:u, :h, :r, 1, 0, CURRENT_TIMESTAMP)"
                ),
                {"u": name, "h": hash_password(secret), "r": role},
            )
    yield store
    store.close()


def sign_in_as(name, password):
    def answer(dialog: QDialog) -> int:
        dialog.username.setText(name)
        dialog.password.setText(password)
        return QDialog.DialogCode.Accepted if dialog.try_login() else QDialog.DialogCode.Rejected

    return answer


def test_empty_embedded_database_is_created(qapp, tmp_path, dialogs):
    store = open_store(f"sqlite:///{tmp_path}/new.sqlite3")
    try:
        assert prepare_schema(store, dialogs, "C1")
        assert store.schema_state() == "current"
        assert dialogs.messages == []
    finally:
        store.close()


def test_manager_upgrades_an_older_schema(qapp, old_store, dialogs):
    assert old_store.schema_state() == "outdated"
    dialogs.on_exec = sign_in_as("boss", "boss-password-1")
    assert prepare_schema(old_store, dialogs, "C1")
    assert old_store.schema_state() == "current"
    assert dialogs.messages[0][0] == "confirm"


def test_clerk_cannot_upgrade(qapp, old_store, dialogs):
    dialogs.on_exec = sign_in_as("clerk", "1234")
    assert not prepare_schema(old_store, dialogs, "C1")
    assert old_store.schema_state() == "outdated"
    assert ("error", "Database not upgraded", "Only a manager can upgrade the database.") in (
        dialogs.messages
    )


def test_declining_leaves_the_schema_alone(qapp, old_store, dialogs):
    dialogs.confirm_answer = False
    assert not prepare_schema(old_store, dialogs, "C1")
    assert old_store.schema_state() == "outdated"
    assert dialogs.executed == []


def test_newer_schema_is_refused(qapp, tmp_path, dialogs):
    store = open_store(f"sqlite:///{tmp_path}/newer.sqlite3")
    try:
        store.migrate()
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
        assert not prepare_schema(store, dialogs, "C1")
        assert dialogs.messages[-1][1] == "Database not ready"
        assert "newer pos" in dialogs.messages[-1][2]
    finally:
        store.close()


def test_unreachable_server_is_explained(qapp, dialogs):
    store = open_store("postgresql+psycopg://postgres@127.0.0.1:9/none")
    try:
        assert not prepare_schema(store, dialogs, "C1")
        assert dialogs.messages[-1][1] == "Cannot open the database"
    finally:
        store.close()


@pytest.fixture
def empty_pg_store(empty_db_url):
    """An empty database on the PostgreSQL server (the embedded one is created unasked)."""
    store = open_store(empty_db_url)
    yield store
    store.close()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_empty_server_database_gets_the_same_first_run(qapp, empty_pg_store, dialogs):
    assert prepare_schema(empty_pg_store, dialogs, "C1")
    assert empty_pg_store.schema_state() == "current"
    kind, title, question = dialogs.messages[0]
    assert kind == "confirm" and "no pos tables yet" in question
    assert "pos migrate --database postgresql+psycopg://postgres:***@" in question
    assert "not-shown-1" not in question
    assert not empty_pg_store.auth.has_users()  # next: the setup dialog, as on SQLite


@pytest.mark.parametrize("backend", ["postgresql"])
def test_declining_an_empty_server_prints_the_exact_command(qapp, empty_pg_store, dialogs):
    dialogs.confirm_answer = False
    assert not prepare_schema(empty_pg_store, dialogs, "C1")
    assert empty_pg_store.schema_state() == "empty"
    kind, title, text_ = dialogs.messages[-1]
    assert kind == "error"
    assert f"pos migrate --database {empty_pg_store.url}" in text_
    assert "not-shown-1" not in text_


def test_a_missing_server_database_is_diagnosed(qapp, missing_pg_url, dialogs):
    store = open_store(missing_pg_url)
    try:
        assert not prepare_schema(store, dialogs, "C1")
    finally:
        store.close()
    assert dialogs.messages[-1][1] == "Cannot open the database"
    assert "no database of that name" in dialogs.messages[-1][2]
