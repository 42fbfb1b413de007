"""What every admin tab has: the store, the signed-in manager, background calls, dialogs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from pos.services.facade import Store
from pos.ui.admin.words import error_text
from pos.ui.dialogs import Dialogs
from pos.ui.worker import TaskRunner
from pos.views import Actor


class AdminPanel(QWidget):
    def __init__(
        self,
        store: Store,
        actor: Actor,
        tasks: TaskRunner,
        dialogs: Dialogs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.tasks, self.dialogs = store, actor, tasks, dialogs

    def show_error(self, err: object) -> None:
        self.dialogs.error(self, self.windowTitle() or "Admin", error_text(err))

    def call(self, fn: Callable[[], Any], done: Callable[[Any], None] | None = None) -> None:
        """Run a service call in the background; errors become a message box."""
        self.tasks.submit(fn, done, self.show_error)

    def write(self, fn: Callable[[], Any], after: Callable[[], None]) -> None:
        """A change (add a user...): off the GUI thread, in order with this window's
        other changes; `after` runs once it is saved, errors become a message box."""
        self.tasks.write(fn, lambda _result: after(), self.show_error)
