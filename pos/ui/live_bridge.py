"""Qt side of live sync: owns the store's listener and re-emits on the GUI thread.

The listener (pos.services.plumbing.live) publishes into `store.events` from its own thread; this
QObject forwards every Change through a queued signal, so slots run on the GUI thread and
may touch models. It also turns the listener's connection state into `onlineChanged`,
after a short grace period so a reconnect that takes a fraction of a second does not
flash an "offline" banner.

    bridge = LiveBridge(store, parent=window)
    bridge.onlineChanged.connect(window.set_online)       # False -> show banner
    bridge.resyncNeeded.connect(window.reload_everything)  # after any reconnect
    bridge.stockChanged.connect(lambda ids: ...)           # tuple of product UUIDs
    bridge.start()
    ...
    bridge.stop()   # on close: joins the listener thread quickly
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from pos.services.facade import Store
from pos.services.plumbing.events import Change
from pos.services.plumbing.live import LiveSync


class LiveBridge(QObject):
    changed = Signal(object)  # every Change (this counter's own and others'), GUI thread
    stockChanged = Signal(object)  # tuple[uuid.UUID, ...]
    productsChanged = Signal(object)  # tuple[uuid.UUID, ...] (price, name, active edits)
    catalogChanged = Signal()  # products added or imported on this counter
    settingsChanged = Signal()
    resyncNeeded = Signal()  # reconnected: reload everything shown
    onlineChanged = Signal(bool)

    _incoming = Signal(object)
    _state = Signal(bool)

    def __init__(
        self,
        store: Store,
        parent: QObject | None = None,
        *,
        live: LiveSync | None = None,
        offline_grace_ms: int = 1500,
        **options: Any,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.live = live if live is not None else store.live(**options)
        self._online = True  # what was last announced; a counter starts assuming online
        self._incoming.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        self._state.connect(self._on_state, Qt.ConnectionType.QueuedConnection)
        self._grace = QTimer(self)
        self._grace.setSingleShot(True)
        self._grace.setInterval(offline_grace_ms)
        self._grace.timeout.connect(self._announce_offline)
        self._unsubscribe_events = store.events.subscribe(self._incoming.emit)
        self._unsubscribe_state = self.live.subscribe_state(self._state.emit)
        self._stopped = False

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        self.live.start()

    def stop(self) -> None:
        """Unsubscribe and stop the listener thread (safe to call twice)."""
        if self._stopped:
            return
        self._stopped = True
        self._grace.stop()
        self._unsubscribe_events()
        self._unsubscribe_state()
        self.live.stop()

    @property
    def online(self) -> bool:
        """What was last announced with onlineChanged."""
        return self._online

    @property
    def mode(self) -> str:
        return self.live.mode  # "listen" (PostgreSQL) or "poll" (SQLite)

    # -- GUI thread ----------------------------------------------------------------------
    def _dispatch(self, change: Change) -> None:
        if self._stopped:
            return
        self.changed.emit(change)
        if change.kind == "stock":
            self.stockChanged.emit(change.product_ids)
        elif change.kind == "product":
            self.productsChanged.emit(change.product_ids)
        elif change.kind == "catalog":
            self.catalogChanged.emit()
        elif change.kind == "settings":
            self.settingsChanged.emit()
        elif change.kind == "resync":
            self.resyncNeeded.emit()

    def _on_state(self, online: bool) -> None:
        if self._stopped:
            return
        if online:
            self._grace.stop()
            if not self._online:
                self._online = True
                self.onlineChanged.emit(True)
        elif self._online and not self._grace.isActive():
            self._grace.start()

    def _announce_offline(self) -> None:
        if self._online and not self.live.online and not self._stopped:
            self._online = False
            self.onlineChanged.emit(False)
