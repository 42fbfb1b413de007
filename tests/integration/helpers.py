"""Test helpers that read the database directly (tests may; the UI may not)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from pos.models import Base, Product
from pos.services import Store

# failed_operations changes on purpose when something is refused, and so does
# sign_in_failures when a sign-in is (the per-name count behind the waits, lockout.py).
IGNORED = {"failed_operations", "sign_in_failures", "alembic_version"}


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but the failure log), to prove nothing was half-written."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.engine.connect() as conn:
        for name, table in Base.metadata.tables.items():
            if name in IGNORED:
                continue
            rows = conn.execute(select(table)).all()
            out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def stock_of(store: Store, product_id: Any) -> int:
    """Read with the store's own (setup) connection. Its pool may hold a connection a
    fault test killed (services run on the users' own pools): one retry on a fresh one."""
    for attempt in (1, 2):
        try:
            with store.engine.connect() as conn:
                return int(
                    conn.execute(
                        select(Product.stock_quantity).where(Product.id == product_id)
                    ).scalar_one()
                )
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
    raise AssertionError("unreachable")


def count(store: Store, table: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def tiny_png(rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A real 2x2 PNG built by hand (integration tests do not need Qt to make one)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\0" + bytes(rgb) * 2
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * 2))
        + chunk(b"IEND", b"")
    )


def within_seconds(seconds, fn, *args):
    """fn(*args) on a helper thread; a hang fails the test instead of freezing it."""
    box: dict[str, object] = {}

    def run():
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test thread
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box.get("value")


@contextmanager
def rewriting_history(store: Store) -> Iterator[Session]:
    """A session (committed on exit) that may backdate or delete ledger rows, for test
    set-up only. On PostgreSQL the ledger is append-only for everyone, by a trigger; a
    superuser's session in replica mode skips ordinary triggers (the tests' server
    connection is a superuser's)."""
    with Session(store.engine) as session, session.begin():
        if store.engine.dialect.name == "postgresql":
            session.execute(text("SET LOCAL session_replication_role = replica"))
        yield session
