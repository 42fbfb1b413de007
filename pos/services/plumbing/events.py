"""Typed "what changed" notices, published after a commit (Anki's operations pattern).

Services publish a `Change` (its kind, the ids it touched, and who initiated it) into the
store's `EventHub`; views refresh only the rows named. Other counters' changes reach the
same hub through the live-sync listener (pos.services.plumbing.live). The Qt side has one
bus per store (pos.ui.change_bus) that delivers every Change on the GUI thread.

Who initiated a change is an opaque token per window or session. A window runs its
service calls inside `initiated_by(token)`; every Change published meanwhile on that
thread carries the token, so the window that caused a change (and already shows its
result) need not refresh a second time.

The same commit can arrive twice: once published here by the service, once as the live
listener's echo of it (PostgreSQL notifies every listener, the sender's own process too).
The listener marks a notice that came from one of this process's own connections as an
echo; the hub drops the ids of an echo that this process already published itself.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

log = logging.getLogger("pos.events")


class ChangeKind(StrEnum):
    """What a Change is about (a StrEnum, so `change.kind == "stock"` also holds)."""

    STOCK = "stock"  # free-to-sell quantities of the products named (ids: product ids)
    PRODUCT = "product"  # name, price, active... of the products named (ids: product ids)
    CATALOG = "catalog"  # products added or imported: lists and categories may change
    SETTINGS = "settings"  # store settings (tax rate, currency, rules, store name)
    CARTS = "carts"  # carts released or closed by someone else (ids: cart ids)
    RESYNC = "resync"  # the live link was lost and is back: reload everything shown


# PostgreSQL NOTIFY channel for released carts (payload: the cart id); the live listener
# turns it into Change(CARTS). Here, not in live.py, so services need not import psycopg.
CARTS_CHANNEL = "pos_carts"

_current_initiator: ContextVar[str | None] = ContextVar("pos_change_initiator", default=None)


def new_initiator(label: str = "window") -> str:
    """A fresh opaque token naming one window or session as the cause of changes."""
    return f"{label}:{uuid.uuid4().hex[:12]}"


@contextlib.contextmanager
def initiated_by(token: str | None) -> Iterator[None]:
    """Changes published inside this block (on this thread) carry `token` as initiator."""
    reset = _current_initiator.set(token)
    try:
        yield
    finally:
        _current_initiator.reset(reset)


def current_initiator() -> str | None:
    return _current_initiator.get()


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    ids: tuple[Any, ...] = ()
    initiator: str | None = None  # opaque token of the window that caused it; None: unknown
    echo: bool = False  # the live listener's copy of a commit made by this very process

    def __post_init__(self) -> None:
        # Accept the plain strings older call sites and the live listener use.
        object.__setattr__(self, "kind", ChangeKind(self.kind))
        object.__setattr__(self, "ids", tuple(self.ids))

    @property
    def product_ids(self) -> tuple[Any, ...]:
        """The ids, for kinds about products (stock, product, catalog)."""
        return self.ids

    def initiated_by(self, token: str | None) -> bool:
        return token is not None and self.initiator == token


Listener = Callable[[Change], None]

ECHO_WINDOW_S = 5.0  # an echo later than this after the local notice is delivered anyway


class EventHub:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        # (kind, id or None) -> when this process last published it itself
        self._published: dict[tuple[ChangeKind, Any], float] = {}

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, change: Change) -> None:
        if change.echo:
            news = self._without_published(change)
            if news is None:
                return
            change = news
        else:
            if change.initiator is None and current_initiator() is not None:
                change = Change(change.kind, change.ids, current_initiator())
            self._remember(change)
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(change)
            except Exception:
                log.exception("change listener failed")

    def notify(self, kind: ChangeKind | str, ids: Iterable[Any] = ()) -> None:
        self.publish(Change(ChangeKind(kind), tuple(ids)))

    def stock_changed(self, product_ids: Iterable[uuid.UUID]) -> None:
        self.notify(ChangeKind.STOCK, product_ids)

    def products_changed(self, product_ids: Iterable[uuid.UUID]) -> None:
        self.notify(ChangeKind.PRODUCT, product_ids)

    # -- echoes of this process's own commits -------------------------------------------
    def _remember(self, change: Change) -> None:
        now = time.monotonic()
        keys = [(change.kind, i) for i in change.ids] or [(change.kind, None)]
        with self._lock:
            if len(self._published) > 10_000:
                self._prune(now)
            for key in keys:
                self._published[key] = now

    def _prune(self, now: float) -> None:
        for key in [k for k, t in self._published.items() if now - t > ECHO_WINDOW_S]:
            del self._published[key]

    def _without_published(self, change: Change) -> Change | None:
        """The echo minus what this process already announced (None if nothing is left)."""
        now = time.monotonic()
        with self._lock:

            def fresh(key: tuple[ChangeKind, Any]) -> bool:
                stamp = self._published.pop(key, None)
                return stamp is None or now - stamp > ECHO_WINDOW_S

            if not change.ids:
                if fresh((change.kind, None)):
                    return Change(change.kind)
                log.debug("dropped the echo of our own %s change", change.kind)
                return None
            left = tuple(i for i in change.ids if fresh((change.kind, i)))
        if not left:
            log.debug("dropped the echo of our own %s change", change.kind)
            return None
        return Change(change.kind, left)
