"""Admin window fixtures: a signed-in manager, scripted dialogs, the window at a size."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QDialog, QWidget

from pos.ui.admin.window import AdminWindow
from pos.ui.dialogs import Dialogs

MANAGER_PASSWORD = "manager-pass-1"


class ScriptedAdminDialogs(Dialogs):
    def __init__(self) -> None:
        self.messages: list[tuple[str, str, str]] = []
        self.answers: list[str | None] = []
        self.confirm_answer = True
        self.confirm_answers: list[bool] = []  # answered in order first, then confirm_answer
        self.executed: list[QDialog] = []
        self.on_exec: Callable[[QDialog], int] | None = None

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.messages.append(("info", title, text))

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self.messages.append(("error", title, text))

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        self.messages.append(("confirm", title, text))
        if self.confirm_answers:
            return self.confirm_answers.pop(0)
        return self.confirm_answer

    def ask_text(self, parent, title, label, value=""):
        return self.answers.pop(0) if self.answers else None

    def ask_secret(self, parent, title, label):
        return self.answers.pop(0) if self.answers else None

    def exec(self, dialog: QDialog) -> int:
        self.executed.append(dialog)
        if self.on_exec is not None:
            return self.on_exec(dialog)
        return QDialog.DialogCode.Rejected


@pytest.fixture
def manager_actor(gui_store):
    return gui_store.auth.login("manager", MANAGER_PASSWORD, "ADMIN")


@pytest.fixture
def admin_dialogs():
    return ScriptedAdminDialogs()


@pytest.fixture
def admin(qtbot, gui_store, manager_actor, admin_dialogs):
    window = AdminWindow(gui_store, manager_actor, dialogs=admin_dialogs)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.products.model.rowCount() > 0)
    qtbot.waitUntil(lambda: not window.tasks.busy)
    yield window
    window.close()


def wait_idle(qtbot, window):
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=30_000)
