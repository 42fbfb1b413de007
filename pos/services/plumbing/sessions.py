"""Signed-in sessions: the opaque handle inside every Actor the store's sign-in makes.

A script in the counter's process can build an `Actor(1, "boss", "manager")`, or copy a
clerk's Actor with `role="manager"`; neither carries a handle this store issued for that
user and counter, so the unit of work refuses it before any SQL runs. On SQLite each unit
of work then also checks the session row (ended? user deactivated or locked?); on
PostgreSQL the handle carries the user's own connection pool, so the database itself
decides (a deactivated user's connections are ended and cannot log in again).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine

from pos.errors import ErrorCode, PosError


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(eq=False)
class Login:
    """One user's connection to the database (PostgreSQL: their own role's pool; None on
    SQLite, where every user shares the file's engine)."""

    engine: Engine | None = field(default=None, repr=False)
    read_engine: Engine | None = field(default=None, repr=False)
    handles: int = 0

    def dispose(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


@dataclass(eq=False)
class SessionHandle:
    user_id: int
    counter_id: int | None
    login: Login = field(repr=False)
    token: str = field(default_factory=new_token, repr=False)

    @property
    def token_hash(self) -> str:
        return hash_token(self.token)


class SessionBook:
    """The handles this store issued and not yet ended."""

    def __init__(self) -> None:
        self._live: set[SessionHandle] = set()
        self._lock = threading.Lock()

    def issue(self, handle: SessionHandle) -> SessionHandle:
        with self._lock:
            self._live.add(handle)
            handle.login.handles += 1
        return handle

    def verify(self, actor: object) -> SessionHandle:
        handle = getattr(actor, "session", None)
        with self._lock:
            known = isinstance(handle, SessionHandle) and handle in self._live
        if (
            not isinstance(handle, SessionHandle)
            or not known
            or handle.user_id != getattr(actor, "user_id", None)
            or handle.counter_id != getattr(actor, "counter_id", None)
        ):
            raise PosError(ErrorCode.NOT_AUTHENTICATED, "Please sign in first.")
        return handle

    def end(self, handle: SessionHandle) -> None:
        with self._lock:
            if handle not in self._live:
                return
            self._live.discard(handle)
            handle.login.handles -= 1
            last = handle.login.handles == 0
        if last:
            handle.login.dispose()

    def end_all(self) -> None:
        with self._lock:
            handles = list(self._live)
        for handle in handles:
            self.end(handle)
