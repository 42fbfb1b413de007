"""The app's one change bus: every store Change, delivered on the GUI thread.

Services publish typed changes into `store.events` from whatever thread committed; the
live-sync listener publishes other counters' changes into the same hub. The bus
subscribes once per store and re-emits each Change through a queued signal, so slots run
on the GUI thread and may touch models. Every window of the app (counter, admin) listens
here; nothing else relays changes. It also owns the live listener and turns its
connection state into `onlineChanged`, after a short grace period so a reconnect that
takes a fraction of a second does not flash an "offline" banner.

    bus = ChangeBus.of(store)                 # the one bus of this store in this app
    bus.changed.connect(window.on_change)     # every Change (kind, ids, initiator)
    bus.onlineChanged.connect(window.set_online)
    bus.start()                               # the live listener (other counters)
    ...
    bus.stop()   # on close: joins the listener thread quickly
"""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from pos.services.facade import Store
from pos.services.plumbing.events import Change, ChangeKind
from pos.services.plumbing.live import LiveSync

_BUSES: weakref.WeakKeyDictionary[Store, ChangeBus] = weakref.WeakKeyDictionary()


class ChangeBus(QObject):
    changed = Signal(object)  # every Change (this process's own and others'), GUI thread
    stockChanged = Signal(object)  # tuple[uuid.UUID, ...]
    productsChanged = Signal(object)  # tuple[uuid.UUID, ...] (price, name, active edits)
    catalogChanged = Signal()  # products added or imported
    settingsChanged = Signal()
    cartsChanged = Signal(object)  # tuple of cart ids released or closed by someone
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
        self._store = weakref.ref(store)  # the registry is keyed weakly by the store
        self._live = live
        self._options = options
        self._online = True  # what was last announced; a counter starts assuming online
        self._incoming.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        self._state.connect(self._on_state, Qt.ConnectionType.QueuedConnection)
        self._grace = QTimer(self)
        self._grace.setSingleShot(True)
        self._grace.setInterval(offline_grace_ms)
        self._grace.timeout.connect(self._announce_offline)
        self._unsubscribe_events = store.events.subscribe(self._incoming.emit)
        _BUSES.setdefault(store, self)  # a bus made directly is the store's bus too
        self._unsubscribe_state: Any = None
        self._stopped = False
        if live is not None:
            self._unsubscribe_state = live.subscribe_state(self._state.emit)

    @classmethod
    def of(cls, store: Store, **options: Any) -> ChangeBus:
        """The one bus of `store` in this app (made on first use, in the GUI thread)."""
        bus = _BUSES.get(store)
        if bus is None or bus._stopped:
            bus = cls(store, **options)
            _BUSES[store] = bus
        return bus

    @property
    def live(self) -> LiveSync:
        """The live listener (made on first use; not started until `start`)."""
        if self._live is None:
            store = self._store()
            if store is None:
                raise RuntimeError("the store of this change bus is gone")
            self._live = store.live(**self._options)
            self._unsubscribe_state = self._live.subscribe_state(self._state.emit)
        return self._live

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        """Start hearing other counters' changes (safe to call twice)."""
        if not self._stopped:
            self.live.start()

    def stop(self) -> None:
        """Unsubscribe and stop the listener thread (safe to call twice)."""
        if self._stopped:
            return
        self._stopped = True
        self._grace.stop()
        self._unsubscribe_events()
        if self._unsubscribe_state is not None:
            self._unsubscribe_state()
        if self._live is not None:
            self._live.stop()
        store = self._store()
        if store is not None and _BUSES.get(store) is self:
            del _BUSES[store]

    def listen_as(self, actor: Any) -> None:
        """Reconnect the listener with `actor`'s own credentials. A PostgreSQL counter
        keeps none of its own: it listens as whoever is signed in, so after a change of
        clerk the listener must not hang on the previous clerk's role (deactivate them,
        and this counter would go offline)."""
        self._options["actor"] = actor
        if self._live is None or self._stopped:
            return
        if self._unsubscribe_state is not None:
            self._unsubscribe_state()
            self._unsubscribe_state = None
        self._live.stop()
        self._live = None
        self.live.start()
        # Whatever changed while the listener was reconnecting: reload what is shown.
        self.resyncNeeded.emit()

    @property
    def stopped(self) -> bool:
        return self._stopped

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
        if change.kind == ChangeKind.STOCK:
            self.stockChanged.emit(change.ids)
        elif change.kind == ChangeKind.PRODUCT:
            self.productsChanged.emit(change.ids)
        elif change.kind == ChangeKind.CATALOG:
            self.catalogChanged.emit()
        elif change.kind == ChangeKind.SETTINGS:
            self.settingsChanged.emit()
        elif change.kind == ChangeKind.CARTS:
            self.cartsChanged.emit(change.ids)
        elif change.kind == ChangeKind.RESYNC:
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
