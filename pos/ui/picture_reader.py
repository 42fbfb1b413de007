"""Reading a picture file for a window: off the GUI thread, with a timeout.

The file is read and checked by the catalog's rules (images.read_file: a regular file,
size-capped, a sound picture), then decoded with QImage (QImage may be used from any
thread). The answer comes back on the GUI thread by a queued signal; if none came within
the timeout the window is told so and a late answer is dropped.

The work runs on a daemon thread, not on a QThreadPool: a pool waits for its threads when
it is destroyed and at exit, so one read stuck in the kernel (a hung network share) would
freeze closing the window for ever. A daemon thread is simply left behind. The reader is
a parentless QObject that the thread keeps alive until it has answered, so the answer
never goes to a deleted object; `cancel` (when the dialog closes) drops the callbacks.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QImage

from pos.errors import ErrorCode, PosError
from pos.services.catalog import images

log = logging.getLogger("pos.ui.picture_reader")

TIMEOUT_MS = 10_000

ReadFile = Callable[[Path, Path | None], bytes]  # (path, folder it must be in) -> bytes
Done = Callable[[bytes, QImage], None]
Failed = Callable[[PosError], None]


def _read_checked(path: Path, inside: Path | None) -> bytes:
    return images.read_file(path, inside=inside)


def not_shown() -> PosError:
    return PosError(
        ErrorCode.VALIDATION_ERROR,
        "That file is not a picture this app can show.",
        {"field": "image"},
    )


def decoded(data: bytes | None) -> QImage | None:
    """Stored picture bytes checked like an upload and decoded (for a worker thread)."""
    if not data:
        return None
    try:
        raw = images.checked(data)[0]
    except PosError:
        return None
    image = QImage()
    return image if image.loadFromData(raw) else None


class PictureReader(QObject):
    _answer = Signal(int, object)

    def __init__(self, timeout_ms: int = TIMEOUT_MS, read: ReadFile = _read_checked) -> None:
        super().__init__(None)  # parentless: see the module's docstring
        self._timeout_ms = timeout_ms
        self._read = read
        self._serial = 0
        self._waiting: tuple[int, Done, Failed] | None = None
        self._answer.connect(self._deliver)

    @property
    def busy(self) -> bool:
        return self._waiting is not None

    def read(
        self, path: str | Path, on_done: Done, on_error: Failed, *, inside: Path | None = None
    ) -> None:
        """Start reading `path`; one of the callbacks runs later on the GUI thread. A new
        read replaces one still running (its answer is dropped)."""
        self._serial += 1
        serial = self._serial
        self._waiting = (serial, on_done, on_error)
        worker = threading.Thread(
            target=self._work,
            args=(serial, Path(path), inside),
            name="pos-picture-read",
            daemon=True,
        )
        worker.start()
        QTimer.singleShot(self._timeout_ms, self, lambda: self._timed_out(serial))

    def cancel(self) -> None:
        self._waiting = None

    def _work(self, serial: int, path: Path, inside: Path | None) -> None:
        result: object
        try:
            data = self._read(path, inside)
            image = QImage()
            if not image.loadFromData(data):
                raise not_shown()
            result = (data, image)
        except PosError as err:
            result = err
        except Exception:  # a bug: logged; the window says the file cannot be used
            log.exception("reading a picture failed")
            result = PosError(
                ErrorCode.VALIDATION_ERROR, "That file cannot be read.", {"field": "image"}
            )
        with contextlib.suppress(RuntimeError):  # the application is gone: nobody to tell
            self._answer.emit(serial, result)

    def _timed_out(self, serial: int) -> None:
        waiting = self._waiting
        if waiting is None or waiting[0] != serial:
            return
        self._waiting = None
        waiting[2](
            PosError(
                ErrorCode.VALIDATION_ERROR,
                f"The file did not answer within {self._timeout_ms / 1000:g} s; "
                "choose a picture on this computer.",
                {"field": "image", "timeout_ms": self._timeout_ms},
            )
        )

    @Slot(int, object)
    def _deliver(self, serial: int, result: object) -> None:
        waiting = self._waiting
        if waiting is None or waiting[0] != serial:
            return  # timed out, cancelled or replaced
        self._waiting = None
        if isinstance(result, PosError):
            waiting[2](result)
            return
        answer: tuple[bytes, QImage] = result  # type: ignore[assignment]
        waiting[1](*answer)
