"""Run service calls on a QThreadPool; results come back on the GUI thread by signal.

A task never touches widgets: it only calls the service and returns a value. The
runner lives in the GUI thread, so its queued `_finished` signal delivers results
there. A task submitted under a key supersedes older tasks with that key: their
results are dropped (a slow search never overwrites a newer one).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from pos.errors import ErrorCode, PosError
from pos.services.plumbing.events import initiated_by

log = logging.getLogger("pos.ui.worker")

Callback = Callable[[Any], None]
ProgressCallback = Callable[[int, int], None]
# Long work (imports, exports) gets a progress function it may call from the worker thread.
Work = Callable[[ProgressCallback], Any]


class _Task(QRunnable):
    def __init__(self, runner: TaskRunner, task_id: int, fn: Work) -> None:
        super().__init__()
        self._runner = runner
        self._task_id = task_id
        self._fn = fn

    def run(self) -> None:
        def progress(done: int, total: int) -> None:
            self._runner._progress.emit(self._task_id, int(done), int(total))

        try:
            with initiated_by(self._runner.initiator):
                result, ok = self._fn(progress), True
        except PosError as err:
            result, ok = err, False
        except Exception as exc:  # a bug or a lost connection must still reach the user
            log.exception("background task failed")
            # The details go to the log only: driver messages can carry data.
            message = f"Something went wrong ({type(exc).__name__}); nothing was saved."
            result, ok = PosError(ErrorCode.DATABASE_ERROR, message), False
        self._runner._finished.emit(self._task_id, ok, result)


class TaskRunner(QObject):
    """Submit callables; `busyChanged` tells views when work starts and ends."""

    _finished = Signal(int, bool, object)
    _progress = Signal(int, int, int)
    busyChanged = Signal(bool)
    finished = Signal()  # after any task's callback ran (tests and screenshots wait on it)

    def __init__(
        self, parent: QObject | None = None, max_threads: int = 2, *, initiator: str | None = None
    ) -> None:
        super().__init__(parent)
        # Changes the tasks publish carry this token (pos.services.plumbing.events), so the
        # window that submitted them can tell its own changes from others'.
        self.initiator = initiator
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._ids = itertools.count(1)
        self._pending: dict[
            int, tuple[str | None, Callback | None, Callback | None, ProgressCallback | None]
        ] = {}
        self._latest: dict[str, int] = {}
        self._closed = False
        self._finished.connect(self._deliver)
        self._progress.connect(self._on_progress)

    @property
    def pending(self) -> int:
        return len(self._pending)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callback | None = None,
        on_error: Callback | None = None,
        *,
        key: str | None = None,
    ) -> int:
        return self.submit_with_progress(lambda _progress: fn(), on_done, on_error, key=key)

    def submit_with_progress(
        self,
        fn: Work,
        on_done: Callback | None = None,
        on_error: Callback | None = None,
        on_progress: ProgressCallback | None = None,
        *,
        key: str | None = None,
    ) -> int:
        if self._closed:
            return 0
        task_id = next(self._ids)
        was_idle = not self._pending
        self._pending[task_id] = (key, on_done, on_error, on_progress)
        if key is not None:
            self._latest[key] = task_id
        self._pool.start(_Task(self, task_id, fn))
        if was_idle:
            self.busyChanged.emit(True)
        return task_id

    def is_latest(self, key: str, task_id: int) -> bool:
        return self._latest.get(key) == task_id

    @Slot(int, int, int)
    def _on_progress(self, task_id: int, done: int, total: int) -> None:
        entry = self._pending.get(task_id)
        if entry is not None and entry[3] is not None and not self._closed:
            entry[3](done, total)

    @Slot(int, bool, object)
    def _deliver(self, task_id: int, ok: bool, result: object) -> None:
        key, on_done, on_error, _ = self._pending.pop(task_id, (None, None, None, None))
        try:
            if self._closed or (key is not None and self._latest.get(key) != task_id):
                return
            callback = on_done if ok else on_error
            if callback is not None:
                callback(result)
            elif not ok:
                log.warning("unhandled background error: %r", result)
        finally:
            if not self._pending:
                self.busyChanged.emit(False)
            self.finished.emit()

    def wait(self) -> None:
        self._pool.waitForDone()

    def shutdown(self) -> None:
        """Drop queued work and wait for running tasks (before the store is closed)."""
        self._closed = True
        self._pool.clear()
        self._pool.waitForDone()
