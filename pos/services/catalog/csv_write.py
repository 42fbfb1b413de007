"""Writing a checked products CSV: new products, updates of existing ones (locked in
ascending id order by the caller), barcodes that move, pictures stored from files, and
stock through selling/stock.py (a ledger row and a log line per change)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update

from pos.errors import ErrorCode, PosError
from pos.gateway import gateway
from pos.models import Product
from pos.services.catalog import images
from pos.services.catalog.csv_checks import Existing, current_stock
from pos.services.catalog.csv_format import CHUNK, ImportRow, Progress
from pos.services.catalog.rules import DEFAULT_THRESHOLD
from pos.services.plumbing.uow import Tx
from pos.services.selling.stock import Ledger, change_stock, open_stock
from pos.views import Actor


def free_moving_barcodes(tx: Tx, rows: list[ImportRow], existing: Existing) -> None:
    """Clear only the barcodes that change, in ascending id order, so a barcode can move to
    another product of the file (an existing one or a new one) without a conflict."""
    moving = sorted(
        existing[r.sku][0]
        for r in rows
        if existing[r.sku][1] is not None and existing[r.sku][1] != r.barcode
    )
    if moving:
        table = cast(Table, Product.__table__)
        tx.session.connection().execute(
            update(table).where(table.c.id == bindparam("pid")).values(barcode=None),
            [{"pid": pid} for pid in moving],
        )


def store_image_files(tx: Tx, rows: list[ImportRow]) -> dict[int, str]:
    """Store the picture files the file names (each file once): line -> reference."""
    stored: dict[Path, str] = {}
    by_line: dict[int, str] = {}
    for r in rows:
        if r.image_file is None:
            continue
        if r.image_file not in stored:
            # Read again (the file may have changed since the preview), under the same
            # rules: a regular picture file inside the CSV's folder.
            try:
                data = images.read_file(r.image_file, inside=r.folder)
            except PosError as err:
                raise PosError(
                    ErrorCode.VALIDATION_ERROR,
                    f"Line {r.line}: {err.message}",
                    {"line": r.line, **err.details},
                ) from None
            stored[r.image_file] = images.store(tx, data)
        by_line[r.line] = stored[r.image_file]
    return by_line


def insert_new(
    tx: Tx,
    rows: list[ImportRow],
    categories: dict[str, int | None],
    pictures: dict[int, str],
    ledger: Ledger,
    now: Any,
    progress: Progress | None = None,
) -> list[uuid.UUID]:
    """Insert the new products in batches, then give each its opening stock through the
    stock module. Returns their ids."""
    made: list[uuid.UUID] = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        ids = [uuid.uuid4() for _ in chunk]
        tx.session.execute(
            insert(Product),
            [
                {
                    "id": pid,
                    "sku": r.sku,
                    "barcode": r.barcode,
                    "name": r.name,
                    "description": r.description,
                    "category_id": categories[r.category or ""],
                    "price_cents": r.price_cents,
                    "stock_quantity": 0,
                    "active": r.active,
                    "image": pictures.get(r.line, r.image),
                    "low_stock_threshold": (
                        DEFAULT_THRESHOLD if r.threshold is None else r.threshold
                    ),
                    "created_at": now,
                    "updated_at": now,
                }
                for pid, r in zip(ids, chunk, strict=True)
            ],
        )
        # Opening stock through the stock module: a ledger row and a log line each.
        open_stock(
            tx, [(pid, r.stock) for pid, r in zip(ids, chunk, strict=True) if r.stock], ledger
        )
        made.extend(ids)
        if progress:
            progress(len(made), len(rows))
    return made


def update_existing(
    tx: Tx,
    actor: Actor,
    rows: list[ImportRow],
    existing: Existing,
    locked: dict[uuid.UUID, int],
    categories: dict[str, int | None],
    pictures: dict[int, str],
    ledger: Ledger,
    now: Any,
    set_stock: bool,
) -> tuple[int, int]:
    """Update the locked products' fields, record price changes and, with set_stock, move
    stock to the file's quantity. Returns (stock changes, file stocks left unapplied)."""
    # Re-read under the lock: counters may have sold since the preview.
    stock_now = current_stock(tx, [existing[r.sku][0] for r in rows])
    table = cast(Table, Product.__table__)
    values = []
    price_changes = []
    for r in rows:
        pid = existing[r.sku][0]
        old_price = locked[pid]
        values.append(
            {
                "pid": pid,
                "barcode": r.barcode,
                "name": r.name,
                "description": r.description,
                "category_id": categories[r.category or ""],
                "active": r.active,
                "image": pictures.get(r.line, r.image),
                "now": now,
            }
        )
        if r.price_cents != old_price:
            price_changes.append((pid, r.price_cents))
    tx.session.connection().execute(
        update(table)
        .where(table.c.id == bindparam("pid"))
        .values(
            barcode=bindparam("barcode"),
            name=bindparam("name"),
            description=bindparam("description"),
            category_id=bindparam("category_id"),
            active=bindparam("active"),
            image=bindparam("image"),
            updated_at=bindparam("now"),
        ),
        values,
    )
    thresholds = [
        {"pid": existing[r.sku][0], "threshold": r.threshold}
        for r in rows
        if r.threshold is not None
    ]
    if thresholds:
        tx.session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("pid"))
            .values(low_stock_threshold=bindparam("threshold")),
            thresholds,
        )
    if price_changes:  # through the gateway, which writes the price-history rows
        gateway(tx).set_prices(tx, price_changes, actor.user_id, now)
    moved = ignored = 0
    for r in sorted(rows, key=lambda r: existing[r.sku][0]):  # ascending id order
        pid = existing[r.sku][0]
        current = stock_now[pid]
        if r.stock is None or r.stock == current:
            continue
        if not set_stock:
            ignored += 1
            continue
        change_stock(tx, pid, r.stock - current, ledger)
        moved += 1
    return moved, ignored
