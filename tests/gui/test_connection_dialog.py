"""The managers' connection dialog: test the URL, save only what works, plain text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel

from pos import config
from pos.connection_check import ConnectionCheck
from pos.services import open_store
from pos.ui.connection_dialog import ConnectionDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def make_dialog(qtbot):
    def make(**kwargs) -> ConnectionDialog:
        dialog = ConnectionDialog(**kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def wait_idle(qtbot, dialog: ConnectionDialog) -> None:
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled() and dialog.last_check is not None)


def test_shows_the_settings_in_force_as_plain_text(make_dialog):
    config.save_user_settings(database_url="sqlite:////shop/pos.db", counter_code="C9")
    dialog = make_dialog()
    assert dialog.database.text() == "sqlite:////shop/pos.db"
    assert dialog.counter.text() == "C9"
    assert str(config.settings_path()) in dialog.source.text()
    labels = dialog.findChildren(QLabel)
    assert labels
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)


def test_test_connection_reports_without_saving(qtbot, make_dialog, tmp_path: Path):
    dialog = make_dialog()
    dialog.database.setText(f"sqlite:///{tmp_path}/new.sqlite3")
    dialog.counter.setText("C2")
    dialog.test_button.click()
    wait_idle(qtbot, dialog)
    assert dialog.last_check is not None and dialog.last_check.ok
    assert "database is empty" in dialog.status.text()
    assert dialog.status.objectName() == "muted"
    assert not config.settings_path().exists()
    assert dialog.isVisible()


def test_save_tests_then_writes_the_user_settings(qtbot, make_dialog, tmp_path: Path):
    url = f"sqlite:///{tmp_path}/shop.sqlite3"
    with open_store(url) as store:
        store.migrate()
    dialog = make_dialog()
    dialog.database.setText(url)
    dialog.counter.setText("  C3 ")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert dialog.saved_to == config.settings_path()
    saved = json.loads(config.settings_path().read_text())
    assert saved == {"database_url": url, "counter_code": "C3"}
    settings = config.load_settings()
    assert (settings.database_url, settings.counter_code) == (url, "C3")


def test_a_refused_connection_is_explained_and_nothing_saved(qtbot, make_dialog):
    saved: list[dict] = []
    dialog = make_dialog(saver=lambda **values: saved.append(values) or Path("/nowhere"))
    # port 9 (discard) on this machine refuses at once: the real check, the real message
    dialog.database.setText("postgresql+psycopg://shop@127.0.0.1:9/pos")
    dialog.counter.setText("C4")
    dialog.save_button.click()
    wait_idle(qtbot, dialog)
    assert not dialog.last_check.ok
    assert (
        dialog.status.text()
        == "The server does not answer (is it running, and is the port right?)."
    )
    assert dialog.status.objectName() == "formError"
    assert saved == [] and dialog.saved_to is None
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted


@pytest.mark.parametrize(
    "message",
    [
        "The server refused the user name or password.",
        "The database was upgraded by a newer pos; install that version here.",
    ],
)
def test_checker_failures_block_saving(qtbot, make_dialog, message):
    calls: list[str] = []

    def checker(url: str) -> ConnectionCheck:
        calls.append(url)
        return ConnectionCheck(False, message)

    dialog = make_dialog(checker=checker, saver=lambda **v: pytest.fail("must not save"))
    dialog.database.setText("postgresql://shop@server/pos")
    dialog.save_button.click()
    wait_idle(qtbot, dialog)
    assert calls == ["postgresql://shop@server/pos"]
    assert dialog.status.text() == message
    assert dialog.isVisible()


def test_empty_fields_are_refused_before_any_check(make_dialog):
    dialog = make_dialog(checker=lambda url: pytest.fail("no check expected"))
    dialog.database.setText("  ")
    assert dialog.save() is False
    assert dialog.status.text() == "Enter the database URL."
    dialog.database.setText("sqlite:///x.db")
    dialog.counter.setText("")
    assert dialog.test_connection() is False
    assert dialog.status.text() == "Enter this counter's code."


@pytest.mark.parametrize("code", ["C\u200b1", "C\x001"])
def test_a_counter_code_sign_in_would_refuse_is_refused_before_any_check(make_dialog, code):
    dialog = make_dialog(
        checker=lambda url: pytest.fail("no check expected"),
        saver=lambda **v: pytest.fail("must not save"),
    )
    dialog.database.setText("sqlite:///x.db")
    dialog.counter.setText(code)
    assert dialog.save() is False
    assert "invisible or control character" in dialog.status.text()
    assert dialog.counter.maxLength() == 22  # longer codes cannot even be typed


def test_a_url_with_a_password_is_refused_before_any_check(make_dialog):
    dialog = make_dialog(
        checker=lambda url: pytest.fail("no check expected"),
        saver=lambda **v: pytest.fail("must not save"),
    )
    dialog.database.setText("postgresql://shop:secret@server/pos")
    assert dialog.save() is False
    assert "Leave the password out of the URL" in dialog.status.text()
    assert "secret" not in dialog.status.text()


def test_markup_in_a_message_stays_literal(qtbot, make_dialog):
    text = "<b>no</b> <img src=x>"
    dialog = make_dialog(checker=lambda url: ConnectionCheck(False, text))
    dialog.database.setText("postgresql://x/y")
    dialog.test_button.click()
    wait_idle(qtbot, dialog)
    assert dialog.status.text() == text
    assert dialog.status.textFormat() == Qt.TextFormat.PlainText


def test_a_password_left_in_old_settings_is_never_shown(make_dialog):
    path = config.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"database_url": "postgresql://shop:hunter22@db/pos"}))
    dialog = make_dialog()
    assert dialog.database.text() == "postgresql://shop@db/pos"
