"""Engines for the two backends: embedded SQLite and shared PostgreSQL.

Both get the same service code. SQLite is made safe for several writers (WAL,
busy timeout, BEGIN IMMEDIATE); PostgreSQL gets a pool (dead connections retried once) and lock
and statement timeouts so a counter waiting on a lock fails in seconds.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from pos import config, private_files
from pos.db_url import parse_database_url

# Read-only work opts out of BEGIN IMMEDIATE so it never waits for a writer.
READONLY = "pos_readonly"

SQLITE_BUSY_TIMEOUT_MS = 10_000
PG_LOCK_TIMEOUT_MS = 5_000
PG_STATEMENT_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_S = 5
# A server that vanishes without closing the socket (cable pulled, VM paused) is noticed
# by TCP keepalives and tcp_user_timeout in about 10 s; statement_timeout cannot help
# there because it runs on the server.
PG_TCP_OPTIONS: dict[str, Any] = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}
LOCK_TIMEOUT_ENV = "POS_LOCK_TIMEOUT_MS"
STATEMENT_TIMEOUT_ENV = "POS_STATEMENT_TIMEOUT_MS"


def normalize_url(url: str) -> str:
    """Accept postgres:// and postgresql:// and use the psycopg 3 driver for them."""
    return parse_database_url(url).render_as_string(hide_password=False)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_pos_engine(
    url: str,
    *,
    pool_size: int = 5,
    echo: bool = False,
    lock_timeout_ms: int | None = None,
    application_name: str | None = None,
) -> Engine:
    """lock_timeout_ms: how long to wait for a lock before LOCK_TIMEOUT; defaults to
    $POS_LOCK_TIMEOUT_MS, else 5 s on PostgreSQL and 10 s (busy_timeout) on SQLite.
    application_name (PostgreSQL, shown in pg_stat_activity) defaults to the URL's or "pos"."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        busy_ms = lock_timeout_ms or _env_ms(LOCK_TIMEOUT_ENV, SQLITE_BUSY_TIMEOUT_MS)
        return _sqlite_engine(url, echo=echo, busy_ms=busy_ms)
    if parsed.get_backend_name() == "postgresql":
        return _postgres_engine(
            url,
            pool_size=pool_size,
            echo=echo,
            lock_timeout_ms=lock_timeout_ms,
            application_name=application_name,
        )
    raise ValueError(
        f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql"
    )


def _sqlite_engine(url: str, *, echo: bool, busy_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        # 0600 in a 0700 folder (pos/private_files.py): the file holds password hashes.
        private_files.prepare_sqlite_file(Path(database), own_folder=config.data_dir())
    engine = create_engine(
        url,
        echo=echo,
        hide_parameters=True,  # errors are logged: keep hashes and customer data out
        poolclass=NullPool if not database or database == ":memory:" else None,
        connect_args={"timeout": busy_ms / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event emit BEGIN itself (documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Deferred transactions fail with SQLITE_BUSY_SNAPSHOT when two writers race;
        # taking the write lock up front makes them queue behind busy_timeout instead.
        readonly = conn.get_execution_options().get(READONLY, False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine


def _env_ms(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number of milliseconds, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be positive")
    return value


def _postgres_engine(
    url: str,
    *,
    pool_size: int,
    echo: bool,
    lock_timeout_ms: int | None,
    application_name: str | None,
) -> Engine:
    lock_ms = lock_timeout_ms or _env_ms(LOCK_TIMEOUT_ENV, PG_LOCK_TIMEOUT_MS)
    statement_ms = _env_ms(STATEMENT_TIMEOUT_ENV, PG_STATEMENT_TIMEOUT_MS)
    options = (
        f"-c lock_timeout={lock_ms} "
        f"-c statement_timeout={statement_ms} "
        "-c idle_in_transaction_session_timeout=60000"
    )
    # The name goes into the URL (not connect_args) so that engine.url carries it and the
    # live listener can derive its own name from it.
    parsed = make_url(url)
    given = application_name or parsed.query.get("application_name") or "pos"
    name = given if isinstance(given, str) else given[-1]
    parsed = parsed.update_query_dict({"application_name": name})
    return create_engine(
        parsed,
        echo=echo,
        hide_parameters=True,  # errors are logged: keep hashes and customer data out
        pool_size=pool_size,
        max_overflow=pool_size,
        # No pre-ping (a round trip per transaction): the unit of work retries once on a
        # fresh connection when a pooled one turns out dead before COMMIT.
        pool_pre_ping=False,
        pool_recycle=1800,
        connect_args={
            "options": options,
            "connect_timeout": PG_CONNECT_TIMEOUT_S,
            **PG_TCP_OPTIONS,
            **_passfile(),
        },
    )


def _passfile() -> dict[str, str]:
    """libpq reads the password from pos's own password file (pos configure writes it,
    mode 0600): no password in the URL, the settings or the command line."""
    path = config.libpq_passfile()
    return {"passfile": path} if path else {}
