"""Is the database there? A cheap round trip with the same error translation as services."""

from __future__ import annotations

import time

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from pos.services.uow import translate_error


def ping(engine: Engine) -> float:
    """Seconds for `SELECT 1`; raises PosError DATABASE_ERROR when the server is not reachable.

    Uses the pool (pre-ping replaces dead connections), so after a server restart the
    first ping already reconnects.
    """
    started = time.monotonic()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise translate_error(exc) from exc
    return time.monotonic() - started
