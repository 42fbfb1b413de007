"""Product thumbnails: scaled off the GUI thread, kept on disk and in QPixmapCache.

QImage may be used from any thread; QPixmap only on the GUI thread. Workers scale
the image (or read the scaled copy from the disk cache) and hand a QImage back by
queued signal; the GUI thread turns it into a pixmap and tells views it is ready.

A picture stored in the database (``sha256:<hex>``) is fetched by the worker through
the source the window sets (`set_source`), once: its thumbnail is cached on disk under
its content hash, which never goes stale. Bundled pictures are read from the app's
images folder only (images.bundled_path), never from a path a product row names.

Every file is read through the catalog's safe reader (a regular file, size-capped, opened
non-blocking): a FIFO or a device named as a picture cannot block a worker, so closing
the window never waits on one; `shutdown` waits for running loads at most
SHUTDOWN_WAIT_MS all the same. Stored bytes are checked like an upload before decoding.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage, QPixmap, QPixmapCache

from pos import config
from pos.errors import PosError
from pos.services.catalog import images
from pos.services.catalog.safe_files import read_regular_file

log = logging.getLogger("pos.ui.thumbnails")

THUMB_SIZE = QSize(112, 112)
STORED = "sha256:"
SHUTDOWN_WAIT_MS = 3000

# Reads a stored picture's bytes (None when it is gone); called on a worker thread.
ImageSource = Callable[[str], bytes | None]


def disk_cache_dir() -> Path:
    return config.cache_dir() / "thumbnails"


class _Load(QRunnable):
    def __init__(
        self, owner: ThumbnailCache, name: str, source: Path | ImageSource, target: Path
    ) -> None:
        super().__init__()
        self._owner, self._name, self._source, self._target = owner, name, source, target

    def _read_source(self, image: QImage) -> bool:
        try:
            if isinstance(self._source, Path):
                data = images.read_file(self._source, inside=images.bundled_dir())
            else:
                fetched = self._source(self._name)
                if not fetched:
                    return False
                data = images.checked(fetched)[0]
        except PosError as err:
            log.warning("no thumbnail for %s: %s", self._name[:80], err.message)
            return False
        except Exception:  # noqa: BLE001 - no thumbnail is the only consequence
            log.warning("cannot read stored picture %s", self._name[:80], exc_info=True)
            return False
        return image.loadFromData(data)

    def _read_cached(self, image: QImage) -> None:
        """The scaled copy from the disk cache, if there is a sound one."""
        if not os.path.lexists(self._target):
            return
        try:
            image.loadFromData(read_regular_file(self._target, max_bytes=images.MAX_IMAGE_BYTES))
        except PosError:
            log.warning("ignoring thumbnail cache entry %s", self._target.name)

    def run(self) -> None:
        image = QImage()
        self._read_cached(image)
        if image.isNull() and self._read_source(image):
            image = image.scaled(
                self._owner.size,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            try:
                self._target.parent.mkdir(parents=True, exist_ok=True)
                partial = self._target.with_suffix(".part")
                if image.save(str(partial), "PNG"):  # type: ignore[call-overload]
                    partial.replace(self._target)
            except OSError:
                log.warning("cannot write thumbnail cache %s", self._target)
        self._owner._loaded.emit(self._name, image)


class ThumbnailCache(QObject):
    """`pixmap(name)` answers at once: the pixmap, or None and a load starts in the pool."""

    ready = Signal(str)
    _loaded = Signal(str, QImage)

    def __init__(
        self, parent: QObject | None = None, size: QSize = THUMB_SIZE, cache: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.size = QSize(size)
        self._cache = cache or disk_cache_dir()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._in_flight: set[str] = set()
        self._missing: set[str] = set()
        self._closed = False
        self._fetch: ImageSource | None = None
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), 64 * 1024))
        self._loaded.connect(self._store)

    def _key(self, name: str) -> str:
        return f"pos-thumb:{self.size.width()}x{self.size.height()}:{name}"

    def pixmap(self, name: str | None) -> QPixmap | None:
        if not name or name in self._missing:
            return None
        found = QPixmap()
        if QPixmapCache.find(self._key(name), found) and not found.isNull():
            return found
        if name not in self._in_flight and not self._closed:
            self._start(name)
        return None

    def set_source(self, fetch: ImageSource) -> None:
        """Where pictures stored in the database come from (e.g. catalog.image_data)."""
        self._fetch = fetch
        self._missing = {name for name in self._missing if not name.startswith(STORED)}

    def pending(self) -> int:
        return len(self._in_flight)

    def _start(self, name: str) -> None:
        if name.startswith(STORED):
            if self._fetch is None:
                self._missing.add(name)
                return
            digest = name.removeprefix(STORED)[:40]
            target = self._cache / f"{digest}-{self.size.width()}x{self.size.height()}.png"
            self._in_flight.add(name)
            self._pool.start(_Load(self, name, self._fetch, target))
            return
        source = images.bundled_path(name)  # None for paths, .., links out, FIFOs
        if source is None:
            self._missing.add(name)
            return
        stamp = f"{source.resolve()}|{source.stat().st_mtime_ns}|{self.size.width()}"
        digest = hashlib.sha1(stamp.encode("utf-8")).hexdigest()[:20]
        self._in_flight.add(name)
        self._pool.start(_Load(self, name, source, self._cache / f"{digest}.png"))

    @Slot(str, QImage)
    def _store(self, name: str, image: QImage) -> None:
        self._in_flight.discard(name)
        if self._closed:
            return
        if image.isNull():
            self._missing.add(name)
            return
        QPixmapCache.insert(self._key(name), QPixmap.fromImage(image))
        self.ready.emit(name)

    def shutdown(self, wait_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """Drop queued loads and wait for running ones at most `wait_ms`; False if some
        were still running (a thumbnail is never worth a window that will not close)."""
        self._closed = True
        self._pool.clear()
        done = bool(self._pool.waitForDone(wait_ms))
        if not done:
            log.warning("closing with thumbnail loads still running: %d", len(self._in_flight))
        return done
