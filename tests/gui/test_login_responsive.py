"""Signing in never freezes the dialog: the call runs on a worker thread while the dialog
keeps answering (here the database is write-locked by another program for a while)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QTimer

from pos.ui.app import build_login_dialog

from .conftest import CLERK_PASSWORD, COUNTER

pytestmark = pytest.mark.gui


def test_sign_in_waiting_on_a_lock_keeps_the_dialog_responsive(qtbot, gui_store, tmp_path):
    database = str(gui_store.engine.url.database)
    blocker = sqlite3.connect(database, timeout=0, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    released: list[bool] = []

    def release() -> None:
        blocker.execute("ROLLBACK")
        released.append(True)

    ticks: list[int] = []
    ticker = QTimer(interval=10)
    ticker.timeout.connect(lambda: ticks.append(1))
    ticker.start()
    QTimer.singleShot(700, release)

    dialog = build_login_dialog(gui_store, COUNTER)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("clerk")
    dialog.password.setText(CLERK_PASSWORD)
    try:
        assert dialog.try_login()
    finally:
        ticker.stop()
        if not released:
            blocker.execute("ROLLBACK")
        blocker.close()
    assert released, "the sign-in finished before the lock was released"
    assert dialog.actor is not None and dialog.actor.username == "clerk"
    assert len(ticks) >= 20, f"the GUI thread stood still while signing in ({len(ticks)} ticks)"
    assert dialog.buttons.isEnabled()


def test_a_refused_sign_in_shows_the_message_and_allows_another_try(qtbot, gui_store):
    dialog = build_login_dialog(gui_store, COUNTER)
    qtbot.addWidget(dialog)
    dialog.username.setText("clerk")
    dialog.password.setText("wrong")
    assert not dialog.try_login()
    assert dialog.actor is None and dialog.error.text() and dialog.buttons.isEnabled()
    dialog.password.setText(CLERK_PASSWORD)
    assert dialog.try_login() and dialog.actor is not None
