"""Bugs never die silently: sys.excepthook and threading.excepthook, installed by the app.

An exception that escapes a Qt slot (PySide6 hands it to sys.excepthook) or a thread is a
bug, not a refusal: it is logged with its traceback (pos.log) and `bugCaught` is emitted
on the GUI thread, where the app shows a message (the counter also reloads its cart: the
outcome of what was going on is unknown). Expected failures are PosError and never get
here: they are shown where they happen.
"""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger("pos.ui.bugs")

BUG_MESSAGE = "Unexpected error; the outcome is unknown. The details are in pos.log."


class BugReporter(QObject):
    bugCaught = Signal(str)  # the exception's type name, on the GUI thread

    _caught = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._caught.connect(self.bugCaught, Qt.ConnectionType.QueuedConnection)
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self.installed = False
        self.count = 0

    def install(self) -> BugReporter:
        if not self.installed:
            self._previous_hook = sys.excepthook
            self._previous_thread_hook = threading.excepthook
            sys.excepthook = self._hook
            threading.excepthook = self._thread_hook
            self.installed = True
        return self

    def uninstall(self) -> None:
        if self.installed:
            sys.excepthook = self._previous_hook
            threading.excepthook = self._previous_thread_hook
            self.installed = False

    def _hook(
        self,
        kind: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt | SystemExit):
            self._previous_hook(kind, value, tb)
            return
        self.count += 1
        log.error("unexpected error in the user interface", exc_info=(kind, value, tb))
        self._caught.emit(kind.__name__)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        self.count += 1
        name = args.thread.name if args.thread is not None else "?"
        log.error(
            "unexpected error in thread %s",
            name,
            exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback),
        )
        self._caught.emit(args.exc_type.__name__)
