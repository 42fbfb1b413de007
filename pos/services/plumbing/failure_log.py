"""The failure log (`failed_operations`), bounded: rate-limited per user and pruned.

Every refused or failed operation is recorded for the error-rate metric and for a manager
looking into what went wrong. Without bounds a hostile loop wrote 27,138 rows in 120 s
(issue 21). Now:

- Rate limit: at most MAX_ROWS_PER_MINUTE rows per user and calendar minute (per counter
  code when there is no user, all sign-in failures of unknown callers sharing one
  bucket). Past that, each further failure adds 1 to the `occurrences` of one summary row
  per user, minute and error code (operation SUMMARY_OPERATION), so the metric still counts
  every failure (reports sum `occurrences`) while the table grows by a handful of rows a
  minute whatever a loop does. Several processes may race past the limit by a row or two:
  the bound is approximate, not a lock (a lock here would serialize every refusal).
- Retention: rows older than the store setting `failure_log_retention_days` (default 90)
  are deleted. The delete runs from this write path at most once per PRUNE_EVERY in each
  process, so it costs one indexed DELETE an hour, never a scan per failure. On PostgreSQL
  it goes through pos_prune_failed_operations() where that exists: pos roles have no
  DELETE on the log.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from pos.errors import PosError
from pos.limits import MAX_FAILURE_LOG_RETENTION_DAYS
from pos.models import FailedOperation, StoreSettings, utcnow
from pos.models.store import DEFAULT_FAILURE_LOG_RETENTION_DAYS
from pos.views import Actor

log = logging.getLogger("pos.ops")

MAX_ROWS_PER_MINUTE = 30
SUMMARY_OPERATION = "failure_log.more"
SUMMARY_MESSAGE = (
    "More refusals of this kind in this minute by the same user, counted here instead of "
    "one row each (see occurrences)."
)
DEFAULT_RETENTION_DAYS = DEFAULT_FAILURE_LOG_RETENTION_DAYS
MAX_RETENTION_DAYS = MAX_FAILURE_LOG_RETENTION_DAYS
PRUNE_EVERY = 3600.0  # seconds between two prunes by one process
PRUNE_FUNCTION = "pos_prune_failed_operations"  # PostgreSQL (pos/security/grants.py)

_pruned_at: dict[str, float] = {}  # database URL -> monotonic time of its last prune
_prune_lock = threading.Lock()


def record(session: Session, operation: str, err: PosError, actor: Actor | None) -> None:
    """Write one failure (or count it in its minute's summary row); prune when due."""
    now = utcnow()
    minute = now.replace(second=0, microsecond=0)
    user_id = actor.user_id if actor else None
    counter = actor.counter_code if actor else None
    same_caller = _same_caller(user_id, counter)
    logged = session.execute(
        select(func.count(FailedOperation.id)).where(
            FailedOperation.created_at >= minute,
            FailedOperation.operation != SUMMARY_OPERATION,
            *same_caller,
        )
    ).scalar_one()
    if logged < MAX_ROWS_PER_MINUTE:
        _insert(session, operation, err, user_id, counter, now)
    else:
        _count_in_summary(session, operation, err, user_id, counter, minute, now, same_caller)
    prune_if_due(session, now)


def _same_caller(user_id: int | None, counter: str | None) -> list[Any]:
    if user_id is not None:
        return [FailedOperation.user_id == user_id]
    return [
        FailedOperation.user_id.is_(None),
        FailedOperation.counter_code.is_(None)
        if counter is None
        else FailedOperation.counter_code == counter,
    ]


def _insert(
    session: Session,
    operation: str,
    err: PosError,
    user_id: int | None,
    counter: str | None,
    now: datetime,
    *,
    message: str | None = None,
) -> None:
    session.execute(
        insert(FailedOperation).values(
            operation=operation[:40],
            code=err.code,
            message=(message or err.message)[:500],
            user_id=user_id,
            counter_code=counter,
            details=json.dumps(err.details, default=str)[:2000],
            occurrences=1,
            created_at=now,
        )
    )


def _count_in_summary(
    session: Session,
    operation: str,
    err: PosError,
    user_id: int | None,
    counter: str | None,
    minute: datetime,
    now: datetime,
    same_caller: list[Any],
) -> None:
    counted = (
        session.connection()
        .execute(
            update(FailedOperation)
            .where(
                FailedOperation.operation == SUMMARY_OPERATION,
                FailedOperation.code == err.code,
                FailedOperation.created_at >= minute,
                *same_caller,
            )
            .values(occurrences=FailedOperation.occurrences + 1)
        )
        .rowcount
    )
    if not counted:
        first = PosError(err.code, SUMMARY_MESSAGE, {"first_operation": operation})
        _insert(session, SUMMARY_OPERATION, first, user_id, counter, now)


def _prune_function(session: Session) -> bool:
    """On PostgreSQL, pos roles may not DELETE from the log (it is evidence): a SECURITY
    DEFINER function owned by the schema owner deletes only what the retention allows."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    found = session.execute(
        text("SELECT to_regprocedure(:name) IS NOT NULL"), {"name": f"{PRUNE_FUNCTION}()"}
    ).scalar_one()
    return bool(found)


def prune_if_due(session: Session, now: datetime, *, force: bool = False) -> int:
    """Delete rows older than the retention setting, at most once per PRUNE_EVERY per
    process and database. Returns the number of rows deleted."""
    key = str(session.get_bind().engine.url)  # the bind may be an Engine or a Connection
    with _prune_lock:
        last = _pruned_at.get(key)
        if not force and last is not None and time.monotonic() - last < PRUNE_EVERY:
            return 0
        _pruned_at[key] = time.monotonic()
    try:
        # A savepoint: a prune that fails (a lock, a role without the right) must not take
        # the failure being recorded down with it.
        with session.begin_nested():
            if _prune_function(session):
                return int(session.execute(text(f"SELECT {PRUNE_FUNCTION}()")).scalar_one())
            days = session.execute(
                select(StoreSettings.failure_log_retention_days).where(StoreSettings.id == 1)
            ).scalar()
            cutoff = now - timedelta(days=int(days or DEFAULT_RETENTION_DAYS))
            stmt = delete(FailedOperation).where(FailedOperation.created_at < cutoff)
            return int(session.connection().execute(stmt).rowcount)
    except SQLAlchemyError:
        log.warning("could not prune the failure log", exc_info=True)
        return 0
