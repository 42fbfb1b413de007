"""The one op helper: every database call from a window runs on a QThreadPool, and its
result comes back on the GUI thread by signal.

Two kinds of op:
- a query (`query`, or `submit`): reads; one submitted under a key supersedes older ones
  with that key, whose results are dropped (a slow search never overwrites a newer one);
- a write (`write`): one window's writes run one at a time, in the order given, and are
  never dropped or superseded; `writingChanged` tells the view to show a busy state.

A task never touches widgets: it only calls the service and returns a value. The runner
lives in the GUI thread, so its queued `_finished` signal delivers results there.

Errors: a PosError is an expected refusal and reaches `on_error` as it is. Anything else
is a bug (or a failure the services did not translate): it is logged here with its
traceback and reaches `on_error` as an `UnexpectedError`, a PosError whose message says the
outcome is unknown (never "nothing was saved", which may be false).
"""

from __future__ import annotations

import itertools
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from pos.errors import ErrorCode, PosError
from pos.services.plumbing.events import initiated_by

log = logging.getLogger("pos.ui.worker")

UNEXPECTED_MESSAGE = "Unexpected error; the outcome is unknown."


class UnexpectedError(PosError):
    """Not a refusal but a bug: the details are in pos.log, the outcome is unknown."""

    def __init__(self, exc: BaseException) -> None:
        super().__init__(
            ErrorCode.UNEXPECTED, UNEXPECTED_MESSAGE, {"exception": type(exc).__name__}
        )


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
        except Exception as exc:  # a bug: it must still reach the user, and the log
            # The details go to the log only: driver messages can carry data.
            log.exception("unexpected error in a background task")
            result, ok = UnexpectedError(exc), False
        self._runner._finished.emit(self._task_id, ok, result)


class TaskRunner(QObject):
    """Submit callables; `busyChanged` tells views when work starts and ends."""

    _finished = Signal(int, bool, object)
    _progress = Signal(int, int, int)
    busyChanged = Signal(bool)
    writingChanged = Signal(bool)  # a write is running or queued (the cart shows "busy")
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
        self._writes: deque[tuple[Callable[[], Any], Callback | None, Callback | None]] = deque()
        self._write_running = False
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

    def query(
        self,
        fn: Callable[[], Any],
        on_done: Callback | None = None,
        on_error: Callback | None = None,
        *,
        key: str | None = None,
    ) -> int:
        """A read: runs at once, in parallel with others; a newer one with `key` wins."""
        return self.submit(fn, on_done, on_error, key=key)

    def write(
        self,
        fn: Callable[[], Any],
        on_done: Callback | None = None,
        on_error: Callback | None = None,
    ) -> None:
        """A change: runs after every write given before it, never dropped or superseded.

        Its callback runs before the next write starts, so each write sees the screen
        its predecessor left."""
        if self._closed:
            return
        self._writes.append((fn, on_done, on_error))
        if not self._write_running:
            self._next_write()

    @property
    def writing(self) -> bool:
        return self._write_running or bool(self._writes)

    @property
    def queued_writes(self) -> int:
        return len(self._writes)

    def _next_write(self) -> None:
        was_writing = self._write_running
        if not self._writes or self._closed:
            self._write_running = False
            if was_writing:
                self.writingChanged.emit(False)
            return
        fn, on_done, on_error = self._writes.popleft()
        self._write_running = True
        if not was_writing:
            self.writingChanged.emit(True)

        def done(result: Any) -> None:
            try:
                if on_done is not None:
                    on_done(result)
            finally:
                self._next_write()

        def failed(err: Any) -> None:
            try:
                if on_error is not None:
                    on_error(err)
                else:
                    log.warning("unhandled write error: %r", err)
            finally:
                self._next_write()

        self.submit(fn, done, failed)

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

    def finish_writes(self, timeout_ms: int = 15_000) -> bool:
        """Keep the event loop turning until every queued write is done (on close)."""
        if not self.writing:
            return True
        loop = QEventLoop()
        self.writingChanged.connect(lambda writing: None if writing else loop.quit())
        QTimer.singleShot(timeout_ms, loop.quit)
        if self.writing:
            loop.exec()
        if self.writing:
            log.warning("closing with cart changes not saved: %d", len(self._writes) + 1)
        return not self.writing

    def wait(self) -> None:
        self._pool.waitForDone()

    def shutdown(self) -> None:
        """Drop queued work and wait for running tasks (before the store is closed)."""
        self._closed = True
        self._writes.clear()
        self._pool.clear()
        self._pool.waitForDone()
