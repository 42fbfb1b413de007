"""Live sync between counters: other counters' changes published into this store's EventHub.

PostgreSQL: the transactions that change stock, products or settings run `pg_notify` (sent
at commit, in commit order). `PgListener` keeps one autocommit psycopg connection that
LISTENs, in a daemon thread, coalesces ids over a few milliseconds and publishes
Change("stock" | "product" | "settings", ids). A lost connection is reported as offline;
the listener reconnects with backoff and then publishes Change(ChangeKind.RESYNC): nothing is queued
for a session that was not listening, so views must reload everything they show.

SQLite: `SqlitePoller` reads `PRAGMA data_version` (it changes when another connection
commits) and, when it moved, finds what changed from the ledger (stock_movements ids only
grow, in commit order, because writers are serialized) and products.updated_at, and
compares the one settings row.

Subscribers run on the listener thread; Qt code hops to the GUI thread with a queued
signal (see pos.ui.live_bridge). Connection state (online/offline) goes to the callbacks
given to `subscribe_state`, on the same thread.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterable
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo
from sqlalchemy import Engine, event
from sqlalchemy.engine import URL

from pos import config
from pos.db import PG_TCP_OPTIONS
from pos.services.plumbing.events import CARTS_CHANNEL, Change, ChangeKind, EventHub

log = logging.getLogger("pos.live")

STOCK_CHANNEL = "pos_stock"
PRODUCT_CHANNEL = "pos_product"
SETTINGS_CHANNEL = "pos_settings"
CHANNEL_KINDS = {
    STOCK_CHANNEL: ChangeKind.STOCK,
    PRODUCT_CHANNEL: ChangeKind.PRODUCT,
    SETTINGS_CHANNEL: ChangeKind.SETTINGS,
    CARTS_CHANNEL: ChangeKind.CARTS,
}

StateListener = Callable[[bool], None]


class LiveSync:
    """Common part: thread, stop flag, and online/offline state with listeners."""

    mode = "none"

    def __init__(self, events: EventHub) -> None:
        self.events = events
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state_lock = threading.Lock()
        self._state_listeners: list[StateListener] = []
        self._online: bool | None = None  # None until the first attempt
        self._online_event = threading.Event()
        self.reconnects = 0  # successful connections after a loss (for tests and logs)

    # -- state -------------------------------------------------------------------------
    @property
    def online(self) -> bool:
        return bool(self._online)

    def subscribe_state(self, listener: StateListener) -> Callable[[], None]:
        """listener(online) on every change of state, from the listener thread."""
        with self._state_lock:
            self._state_listeners.append(listener)

        def unsubscribe() -> None:
            with self._state_lock:
                if listener in self._state_listeners:
                    self._state_listeners.remove(listener)

        return unsubscribe

    def wait_online(self, timeout: float) -> bool:
        return self._online_event.wait(timeout)

    def _set_online(self, online: bool) -> None:
        with self._state_lock:
            if self._online == online:
                return
            self._online = online
            listeners = list(self._state_listeners)
        if online:
            self._online_event.set()
        else:
            self._online_event.clear()
        log.info("live sync %s", "online" if online else "offline")
        for listener in listeners:
            try:
                listener(online)
            except Exception:
                log.exception("live state listener failed")

    # -- thread ------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> LiveSync:
        if self.running:
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"pos-live-{self.mode}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Ask the thread to finish and wait for it (it checks the flag every ~0.2 s)."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                log.warning("live sync thread did not stop within %.1f s", timeout)

    def __enter__(self) -> LiveSync:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _publish(self, change: Change) -> None:
        self.events.publish(change)


# -- PostgreSQL -------------------------------------------------------------------------
def conninfo_from_url(url: URL, *, application_name: str | None = None) -> str:
    """A libpq conninfo for a SQLAlchemy URL (the "+psycopg" driver part is dropped)."""
    params: dict[str, Any] = {
        "host": url.host,
        "port": url.port,
        "dbname": url.database,
        "user": url.username,
        "password": url.password,
        # The same password file as the pool's connections (pos/db.py), else none.
        "passfile": config.libpq_passfile(),
    }
    for key, value in url.query.items():
        params[key] = value if isinstance(value, str) else value[-1]
    if application_name:
        params["application_name"] = application_name
    return make_conninfo(**{k: v for k, v in params.items() if v is not None})


class PgListener(LiveSync):
    mode = "listen"

    def __init__(
        self,
        conninfo: str,
        events: EventHub,
        *,
        poll: float = 0.2,
        coalesce: float = 0.01,
        heartbeat: float = 5.0,
        backoff_min: float = 0.1,
        backoff_max: float = 2.0,
        connect_timeout: float = 3.0,
        own_pids: Callable[[], Collection[int]] = frozenset,
    ) -> None:
        super().__init__(events)
        self.conninfo = conninfo
        # Backend pids of this process's own pool: their notifies echo our own commits.
        self.own_pids = own_pids
        self.poll = poll  # how often the stop flag is checked while idle
        self.coalesce = coalesce  # ids arriving this soon after the first are sent together
        self.heartbeat = heartbeat  # idle seconds before a SELECT 1 proves the link alive
        self.backoff_min = backoff_min
        self.backoff_max = backoff_max
        self.connect_timeout = connect_timeout
        self.backend_pid: int | None = None

    def _run(self) -> None:
        delay = self.backoff_min
        connected_before = False
        while not self._stop.is_set():
            try:
                conn = psycopg.connect(
                    self.conninfo,
                    autocommit=True,
                    connect_timeout=max(1, int(self.connect_timeout)),
                    **PG_TCP_OPTIONS,
                )
            except psycopg.Error as exc:
                log.info("live listener cannot connect: %s", exc)
                self._set_online(False)
                self._stop.wait(delay)
                delay = min(delay * 2, self.backoff_max)
                continue
            try:
                with conn:
                    for channel in CHANNEL_KINDS:
                        conn.execute(f"LISTEN {channel}")
                    self.backend_pid = conn.info.backend_pid
                    delay = self.backoff_min
                    self._set_online(True)
                    if connected_before:
                        self.reconnects += 1
                        self._publish(Change(ChangeKind.RESYNC))
                    connected_before = True
                    self._listen(conn)
            except psycopg.Error as exc:
                log.warning("live listener lost its connection: %s", exc)
                self._set_online(False)
                self._stop.wait(delay)
            except Exception:
                log.exception("live listener failed")
                self._set_online(False)
                self._stop.wait(delay)
            finally:
                self.backend_pid = None

    def _listen(self, conn: psycopg.Connection[Any]) -> None:
        last_seen = time.monotonic()
        while not self._stop.is_set():
            batch: dict[tuple[str, bool], set[str]] = {}
            for notify in conn.notifies(timeout=self.poll, stop_after=1):
                self._collect(batch, notify)
            if batch:
                for notify in conn.notifies(timeout=self.coalesce):
                    self._collect(batch, notify)
                self._deliver(batch)
                last_seen = time.monotonic()
            elif time.monotonic() - last_seen > self.heartbeat:
                conn.execute("SELECT 1")
                last_seen = time.monotonic()

    def _collect(self, batch: dict[tuple[str, bool], set[str]], notify: psycopg.Notify) -> None:
        echo = notify.pid in self.own_pids()
        batch.setdefault((notify.channel, echo), set()).add(notify.payload)

    def _deliver(self, batch: dict[tuple[str, bool], set[str]]) -> None:
        for (channel, echo), payloads in batch.items():
            kind = CHANNEL_KINDS.get(channel)
            if kind is None:
                continue
            if kind == "settings":
                self._publish(Change(ChangeKind.SETTINGS, echo=echo))
            else:
                ids = _parse_cart_ids(payloads) if kind == "carts" else _parse_ids(payloads)
                if ids:
                    self._publish(Change(kind, ids, echo=echo))


def _parse_cart_ids(payloads: Iterable[str | bytes]) -> tuple[int, ...]:
    ids: set[int] = set()
    for payload in payloads:
        try:
            ids.add(int(payload.decode() if isinstance(payload, bytes) else payload))
        except (ValueError, UnicodeDecodeError):
            log.warning("ignoring cart notification payload %r", payload)
    return tuple(sorted(ids))


def _parse_ids(payloads: Iterable[str | bytes]) -> tuple[uuid.UUID, ...]:
    ids: set[uuid.UUID] = set()
    for payload in payloads:
        try:
            text = payload.decode() if isinstance(payload, bytes) else payload
            ids.add(uuid.UUID(text))
        except (ValueError, AttributeError, UnicodeDecodeError):
            log.warning("ignoring notification payload %r", payload)
    return tuple(sorted(ids))


# -- SQLite -----------------------------------------------------------------------------
PRODUCT_LOOKBACK = timedelta(seconds=10)  # clock order of updated_at is not commit order


class SqlitePoller(LiveSync):
    mode = "poll"

    def __init__(self, path: str, events: EventHub, *, interval: float = 0.25) -> None:
        super().__init__(events)
        self.path = path
        self.interval = interval
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._version: int | None = None
        self._last_movement = 0
        self._recent: dict[str, str] = {}  # product id -> updated_at within the lookback
        self._settings: tuple[Any, ...] | None = None
        self._released: set[int] = set()  # carts released within the lookback
        self._lost = False

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll_once()
            self._stop.wait(self.interval)
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def poll_once(self) -> list[Change]:
        """Check once (from a thread or a QTimer); publish and return what changed."""
        try:
            with self._lock:
                changes = self._poll()
        except sqlite3.Error as exc:
            log.warning("live poll failed: %s", exc)
            self.close()
            self._lost = True
            self._set_online(False)
            return []
        if self._lost:
            self._lost = False
            changes = [Change(ChangeKind.RESYNC)]
            self.reconnects += 1
        self._set_online(True)
        for change in changes:
            self._publish(change)
        return changes

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            uri = f"file:{self.path}?mode=rw"
            conn = sqlite3.connect(uri, uri=True, timeout=5, check_same_thread=False)
            conn.isolation_level = None
            self._conn = conn
            self._version = None
        return self._conn

    def _poll(self) -> list[Change]:
        conn = self._connect()
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        if version == self._version:
            return []
        first = self._version is None
        self._version = version
        conn.execute("BEGIN")
        try:
            stock = self._new_movements(conn)
            edited = self._edited_products(conn)
            settings = tuple(conn.execute("SELECT * FROM store_settings ORDER BY id").fetchall())
            released = self._released_carts(conn)
        finally:
            conn.execute("COMMIT")
        settings_changed = self._settings is not None and settings != self._settings
        self._settings = settings
        if first:
            return []  # the baseline: what the views loaded is already current
        changes = []
        if stock:
            changes.append(Change(ChangeKind.STOCK, tuple(sorted(stock))))
        products = edited - stock
        if products:
            changes.append(Change(ChangeKind.PRODUCT, tuple(sorted(products))))
        if settings_changed:
            changes.append(Change(ChangeKind.SETTINGS))
        if released:
            # Marked as a possible echo: this poller cannot tell whose commit it saw, and a
            # cart this process released itself was already announced by the service.
            changes.append(Change(ChangeKind.CARTS, tuple(sorted(released)), echo=True))
        return changes

    def _released_carts(self, conn: sqlite3.Connection) -> set[int]:
        """Carts released since the last poll (checked-out carts are not news)."""
        newest = conn.execute(
            "SELECT max(closed_at) FROM carts WHERE status = 'released'"
        ).fetchone()[0]
        if newest is None:
            return set()
        since = _shift(newest, -PRODUCT_LOOKBACK)
        rows = conn.execute(
            "SELECT id FROM carts WHERE status = 'released' AND closed_at >= ?", (since,)
        ).fetchall()
        recent = {row[0] for row in rows}
        new, self._released = recent - self._released, recent
        return new

    def _new_movements(self, conn: sqlite3.Connection) -> set[uuid.UUID]:
        rows = conn.execute(
            "SELECT id, product_id FROM stock_movements WHERE id > ? ORDER BY id",
            (self._last_movement,),
        ).fetchall()
        if rows:
            self._last_movement = rows[-1][0]
        return {uuid.UUID(str(pid)) for _, pid in rows}

    def _edited_products(self, conn: sqlite3.Connection) -> set[uuid.UUID]:
        newest = conn.execute("SELECT max(updated_at) FROM products").fetchone()[0]
        if newest is None:
            return set()
        since = _shift(newest, -PRODUCT_LOOKBACK)
        rows = conn.execute(
            "SELECT id, updated_at FROM products WHERE updated_at >= ?", (since,)
        ).fetchall()
        changed = {str(pid) for pid, stamp in rows if self._recent.get(str(pid)) != stamp}
        self._recent = {str(pid): stamp for pid, stamp in rows}
        return {uuid.UUID(pid) for pid in changed}


def _shift(stamp: str, delta: timedelta) -> str:
    """SQLAlchemy stores SQLite datetimes as ISO text, so text order is time order."""
    try:
        moved = datetime.fromisoformat(stamp) + delta
    except ValueError:
        return ""
    return moved.isoformat(sep=" ")


# -- this process's own PostgreSQL backends ---------------------------------------------
_OWN_PIDS = "pos_own_pids"


def own_backend_pids(engine: Engine) -> Callable[[], Collection[int]]:
    """The backend pids of the engine's pooled connections (kept current by pool events),
    and of every engine later joined to it with `share_backend_pids` (the signed-in users'
    own pools on PostgreSQL: their NOTIFYs are this process's own too).

    A connection's pid is recorded each time it is checked out, before a service can send
    a NOTIFY on it, and forgotten when the connection is closed or invalidated."""
    existing = engine.__dict__.get(_OWN_PIDS)
    if existing is not None:
        return existing  # type: ignore[no-any-return]
    pids: set[int] = set()
    lock = threading.Lock()

    def snapshot() -> Collection[int]:
        with lock:
            return frozenset(pids)

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        pid = getattr(getattr(dbapi_connection, "info", None), "backend_pid", None)
        if isinstance(pid, int):
            record.info[_OWN_PIDS] = pid
            with lock:
                pids.add(pid)

    def forget(_dbapi_connection: Any, record: Any, *_rest: Any) -> None:
        pid = record.info.pop(_OWN_PIDS, None)
        if pid is not None:
            with lock:
                pids.discard(pid)

    def join(other: Engine) -> None:
        event.listen(other, "checkout", checkout)
        event.listen(other, "close", forget)
        event.listen(other, "invalidate", forget)
        other.__dict__[_OWN_PIDS] = snapshot

    join(engine)
    engine.__dict__[_OWN_PIDS + "_join"] = join
    return snapshot


def share_backend_pids(source: Engine, target: Engine) -> None:
    """Count `target`'s connections as `source`'s own (see own_backend_pids)."""
    own_backend_pids(source)
    source.__dict__[_OWN_PIDS + "_join"](target)


# -- factory ----------------------------------------------------------------------------
def create_live_sync(engine: Engine, events: EventHub, **options: Any) -> LiveSync:
    """The right live sync for this engine (not started). Options go to the class."""
    if engine.dialect.name == "postgresql":
        base = engine.url.query.get("application_name") or "pos"
        name = base if isinstance(base, str) else base[-1]
        conninfo = conninfo_from_url(engine.url, application_name=f"{name}-live")
        return PgListener(conninfo, events, own_pids=own_backend_pids(engine), **options)
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:":
            raise ValueError("live sync needs a SQLite file, not an in-memory database")
        return SqlitePoller(database, events, **options)
    raise ValueError(f"no live sync for {engine.dialect.name}")
