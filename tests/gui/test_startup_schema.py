"""Start-up schema guard: embedded first run migrates; an older schema is upgraded only by
a manager who signs in; a newer schema is refused."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import text

from pos import schema
from pos.services import open_store
from pos.ui.app import prepare_schema

pytestmark = pytest.mark.gui


@pytest.fixture
def old_store(tmp_path):
    """A store at the first schema revision, with a manager and a clerk."""
    store = open_store(f"sqlite:///{tmp_path}/old.sqlite3")
    schema.upgrade(store.engine, "0001")
    boss = store.auth.bootstrap_manager("boss", "boss-password-1")
    store.auth.add_user(boss, "clerk", "1234", role="clerk")
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
