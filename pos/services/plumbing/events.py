"""In-process "what changed" notices, sent after a commit (Anki's operations pattern).

Views subscribe and refresh only the rows named. Other counters learn of changes
through the live-sync listener, which publishes into the same hub.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

log = logging.getLogger("pos.events")


@dataclass(frozen=True)
class Change:
    kind: str  # "stock" | "product" | "catalog" | "settings" | "carts"
    product_ids: tuple[uuid.UUID, ...] = ()


Listener = Callable[[Change], None]


class EventHub:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, change: Change) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(change)
            except Exception:
                log.exception("change listener failed")

    def stock_changed(self, product_ids: Iterable[uuid.UUID]) -> None:
        self.publish(Change("stock", tuple(product_ids)))

    def products_changed(self, product_ids: Iterable[uuid.UUID]) -> None:
        self.publish(Change("product", tuple(product_ids)))
