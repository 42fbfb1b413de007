"""Is the database there? A cheap round trip with the same error translation as services."""

from __future__ import annotations

import time

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from pos.services.plumbing.uow import translate_error


def ping(engine: Engine) -> float:
    """Seconds for `SELECT 1`; raises PosError DATABASE_ERROR when the server is not reachable.

    Uses the pool. A pooled connection that died (server restart) is replaced and tried once
    more, so after a restart the first ping already reconnects.
    """
    started = time.monotonic()
    for attempt in (1, 2):
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            break
        except DBAPIError as exc:
            if exc.connection_invalidated and attempt == 1:
                continue
            raise translate_error(exc) from exc
        except SQLAlchemyError as exc:
            raise translate_error(exc) from exc
    return time.monotonic() - started
