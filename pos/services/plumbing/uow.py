"""One service call = one transaction: commit, or roll back and raise PosError.

Database failures become DATABASE_ERROR (or LOCK_TIMEOUT) with nothing half-written;
deadlocks and serialization failures are retried; every refused or failed operation
is recorded for the error-rate metric. Work to do only after a commit (log lines,
change notices) is queued on the Tx and run once the commit succeeded.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from pos.db import READONLY
from pos.errors import ErrorCode, PosError
from pos.models import User, UserSession, utcnow
from pos.services.plumbing import failure_log
from pos.services.plumbing.sessions import SessionBook, SessionHandle
from pos.views import Actor

T = TypeVar("T")
log = logging.getLogger("pos.ops")

RETRYABLE_PG = {"40P01", "40001"}  # deadlock_detected, serialization_failure
LOCK_TIMEOUT_PG = {"55P03"}  # lock_not_available
STATEMENT_TIMEOUT_PG = {"57014"}  # query_canceled (statement_timeout)
# admin_shutdown (pg_terminate_backend, server stop), crash_shutdown, cannot_connect_now
CONNECTION_LOST_PG = {"57P01", "57P02", "57P03"}
INSUFFICIENT_PRIVILEGE_PG = "42501"
RAISED_BY_POS_PG = "P0001"  # RAISE EXCEPTION USING MESSAGE = 'pos:<ERROR_CODE>'
MAX_ATTEMPTS = 3


@dataclass
class Tx:
    """What a service function gets: the session, the backend, and after-commit work."""

    session: Session
    backend: str  # "sqlite" | "postgresql"
    _after_commit: list[Callable[[], None]] = field(default_factory=list)

    def after_commit(self, fn: Callable[[], None]) -> None:
        self._after_commit.append(fn)

    @property
    def is_postgres(self) -> bool:
        return self.backend == "postgresql"

    def upsert(self, model: Any) -> Any:
        """INSERT with ON CONFLICT support; both backends spell it the same way."""
        return pg_insert(model) if self.is_postgres else sqlite_insert(model)


def _pgcode(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)


def _is_retryable(exc: DBAPIError) -> bool:
    return _pgcode(exc) in RETRYABLE_PG


def translate_error(exc: SQLAlchemyError) -> PosError:
    """A driver error as the PosError a user sees (nothing was saved)."""
    if isinstance(exc, DBAPIError):
        code = _pgcode(exc)
        raised = _raised_by_pos(exc)
        if raised is not None:
            return raised
        if code == INSUFFICIENT_PRIVILEGE_PG:
            return PosError(
                ErrorCode.FORBIDDEN,
                "You are not allowed to do that.",
                {"sqlstate": code},
            )
        message = str(exc.orig).lower()
        if _login_refused(message):
            return PosError(
                ErrorCode.NOT_AUTHENTICATED,
                "Your sign-in is no longer valid; please sign in again.",
            )
        if code in STATEMENT_TIMEOUT_PG:
            return PosError(
                ErrorCode.LOCK_TIMEOUT,
                "The database took too long to answer; nothing was saved. Please try again.",
                {"sqlstate": code, "reason": "statement_timeout"},
            )
        if code in LOCK_TIMEOUT_PG or "database is locked" in message:
            return PosError(
                ErrorCode.LOCK_TIMEOUT,
                "The database is busy (another counter holds a lock); please try again.",
                {"sqlstate": code},
            )
        if (
            exc.connection_invalidated
            or (code is not None and code[:2] == "08")  # connection_exception class
            or code in CONNECTION_LOST_PG
            or (code is None and "connect" in message)
        ):
            return PosError(
                ErrorCode.DATABASE_ERROR,
                "The database server cannot be reached; nothing was saved.",
                {"reason": "connection"},
            )
    return PosError(
        ErrorCode.DATABASE_ERROR,
        "A database error occurred; nothing was saved.",
        {"reason": type(exc).__name__},
    )


def _raised_by_pos(exc: DBAPIError) -> PosError | None:
    """A refusal raised on purpose by one of our PostgreSQL functions."""
    diag = getattr(exc.orig, "diag", None)
    primary = getattr(diag, "message_primary", None) or ""
    if not primary.startswith("pos:"):
        return None
    code = primary[4:]
    if not code.isupper() or getattr(ErrorCode, code, None) != code:
        return None
    detail = getattr(diag, "message_detail", None) or "That was refused."
    return PosError(code, detail)


def _login_refused(message: str) -> bool:
    # A pooled connection of a user who was deactivated (NOLOGIN) or whose password
    # changed reconnects and is refused by the server.
    return "password authentication failed" in message or "not permitted to log in" in message


# Checked at the start of every unit of work of a signed-in Actor on SQLite, where the
# database cannot tell users apart: the session still open, its user active, not locked.
_SESSION_CHECK = (
    select(User.active, User.locked_until, UserSession.ended_at)
    .join(User, User.id == UserSession.user_id)
    .where(UserSession.token_hash == bindparam("token_hash"))
)


def _check_session(tx: Tx, handle: SessionHandle) -> None:
    row = tx.session.execute(_SESSION_CHECK, {"token_hash": handle.token_hash}).first()
    if row is None or not row.active or row.ended_at is not None or _locked(row.locked_until):
        raise PosError(
            ErrorCode.NOT_AUTHENTICATED,
            "Your session has ended (signed out, deactivated or locked); please sign in again.",
        )


def _locked(until: Any) -> bool:
    if until is None:
        return False
    now = utcnow()
    return bool((until.replace(tzinfo=now.tzinfo) if until.tzinfo is None else until) > now)


def _default_engine(url: str, pool_size: int) -> Engine:
    from pos.db import create_pos_engine

    return create_pos_engine(url, pool_size=pool_size)


class UnitOfWork:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.backend = engine.dialect.name
        self._read_engine = engine.execution_options(**{READONLY: True})
        self.sessions = SessionBook()
        # How a signed-in user's own engine is made (PostgreSQL); open_store sets one that
        # keeps its timeouts.
        self.make_engine: Callable[[str, int], Engine] = _default_engine

    def engine_for(self, actor: Actor | None) -> Engine:
        """The engine a signed-in user's work runs on (the store's own without one)."""
        return self._binds(actor)[1]

    def _binds(self, actor: Actor | None) -> tuple[SessionHandle | None, Engine, Engine]:
        """The connection a call runs on: the signed-in user's own (PostgreSQL), else the
        store's. An Actor the store did not sign in is refused here, before any SQL."""
        if actor is None:
            return None, self.engine, self._read_engine
        handle = self.sessions.verify(actor)
        login = handle.login
        if login.engine is None or login.read_engine is None:
            return handle, self.engine, self._read_engine
        return handle, login.engine, login.read_engine

    def run(
        self,
        fn: Callable[[Tx], T],
        *,
        operation: str,
        actor: Actor | None = None,
        write: bool = True,
    ) -> T:
        try:
            handle, engine, read_engine = self._binds(actor)
        except PosError as err:
            self.record_failure(operation, err, None)
            raise
        bind = engine if write else read_engine
        check_rows = handle is not None and handle.login.engine is None
        for attempt in range(1, MAX_ATTEMPTS + 1):
            tx = Tx(Session(bind=bind, expire_on_commit=False, autoflush=False), self.backend)
            committing = False
            try:
                with tx.session.begin():
                    if check_rows and handle is not None:
                        _check_session(tx, handle)
                    result = fn(tx)
                    committing = True
            except PosError as err:
                self.record_failure(operation, err, actor)
                raise
            except DBAPIError as exc:
                if _is_retryable(exc) and attempt < MAX_ATTEMPTS:
                    log.warning(
                        "retrying %s after %s (attempt %d)", operation, _pgcode(exc), attempt
                    )
                    continue
                if exc.connection_invalidated and not committing and attempt == 1:
                    # A pooled connection that died (server restart, idle cut) fails on first
                    # use; the server rolled back whatever this transaction had sent, so one
                    # more try on a fresh connection is safe. This replaces a pre-ping round
                    # trip on every transaction. A failure during COMMIT is never retried.
                    log.warning("retrying %s on a fresh connection", operation)
                    continue
                raise self._failed(operation, exc, actor, committing) from exc
            except SQLAlchemyError as exc:
                raise self._failed(operation, exc, actor, committing) from exc
            finally:
                tx.session.close()
            for callback in tx._after_commit:
                try:
                    callback()
                except Exception:  # a notice must never turn a committed sale into an error
                    log.exception("after-commit callback failed for %s", operation)
            return result
        raise AssertionError("unreachable")

    def _failed(
        self, operation: str, exc: SQLAlchemyError, actor: Actor | None, committing: bool = False
    ) -> PosError:
        failure = translate_error(exc)
        if committing and failure.details.get("reason") == "connection":
            # The link broke during COMMIT: the server may have committed all of it (never
            # part of it). Callers reload what they show instead of assuming either way.
            failure = PosError(
                ErrorCode.DATABASE_ERROR,
                "The connection to the database broke while saving; "
                "the last action may or may not have been saved.",
                {"reason": "connection", "outcome": "unknown"},
            )
        log.error("%s failed: %s", operation, exc.__class__.__name__, exc_info=True)
        self.record_failure(operation, failure, actor)
        return failure

    def record_failure(self, operation: str, err: PosError, actor: Actor | None) -> None:
        """Best effort, in its own transaction: the failed work itself was rolled back."""
        if getattr(err, "recorded", False):
            return
        err.recorded = True  # type: ignore[attr-defined]
        log.info("%s refused: %s %s", operation, err.code, json.dumps(err.details, default=str))
        if err.code == ErrorCode.DATABASE_ERROR and err.details.get("reason") == "connection":
            return
        engine = self.engine
        if actor is not None:
            try:  # on PostgreSQL the store's own URL may carry no credential at all
                engine = self.sessions.verify(actor).login.engine or self.engine
            except PosError:
                actor = None  # not a session of ours: do not book it in someone's name
        try:
            with engine.connect() as conn:
                # On SQLite the lock that timed out is probably still held: a full second
                # busy wait here would double the counter's wait, so try only briefly.
                raw = None
                if self.backend == "sqlite" and err.code == ErrorCode.LOCK_TIMEOUT:
                    raw = conn.connection.driver_connection
                if raw is not None:
                    busy = raw.execute("PRAGMA busy_timeout").fetchone()[0]
                    raw.execute("PRAGMA busy_timeout=200")
                try:
                    with Session(bind=conn) as session, session.begin():
                        failure_log.record(session, operation, err, actor)  # rate-limited
                finally:
                    if raw is not None:
                        raw.execute(f"PRAGMA busy_timeout={int(busy)}")
        except SQLAlchemyError as exc:
            # E.g. a PostgreSQL counter before anyone signed in: it holds no credential.
            log.warning("could not record failed operation %s: %s", operation, type(exc).__name__)
        except Exception:
            log.warning("could not record failed operation %s", operation, exc_info=True)


S = TypeVar("S")


def records_failures(prefix: str) -> Callable[[type[S]], type[S]]:
    """Class decorator: a PosError raised by a public method before its transaction began
    (bad input, no actor) is recorded for the error-rate metric like any other refusal."""

    def decorate(cls: type[S]) -> type[S]:
        for name, fn in list(vars(cls).items()):
            if name.startswith("_") or not inspect.isfunction(fn):
                continue
            setattr(cls, name, _recording(fn, f"{prefix}.{name}"))
        return cls

    return decorate


def _recording(fn: Callable[..., T], operation: str) -> Callable[..., T]:
    @functools.wraps(fn)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> T:
        try:
            return fn(self, *args, **kwargs)
        except PosError as err:
            actor = args[0] if args and isinstance(args[0], Actor) else kwargs.get("actor")
            self._uow.record_failure(operation, err, actor if isinstance(actor, Actor) else None)
            raise

    return wrapper
