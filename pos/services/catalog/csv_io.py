"""Products to and from CSV.

Import is two steps, so a manager sees every problem before anything is decided:
`preview` reads the whole file and checks it (row rules, duplicates within the file,
barcodes other products hold, pictures) and reports every error with its line number,
plus what an import would do (new, updated, stock that differs); `import_csv` checks it
all again and writes a clean file in one transaction, so nothing is half-imported.

A row whose SKU exists updates that product; a new SKU creates one. The stock column
is the quantity free to sell: for a new product it is its opening stock. For an existing
product it is ignored unless the manager asks for `set_stock` (a stocktake from a file):
re-importing an older export must never put back stock that counters sold since.
Stock moves through selling/stock.py like every other change (ledger row and log line
each). Export writes the same columns (images as stored references, never a machine
path), so an exported file imports back unchanged into the same database.
"""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from pos.files import write_text_file
from pos.models import Product, utcnow
from pos.services.catalog.bulk import lock_products, notify_products
from pos.services.catalog.csv_checks import (
    MAX_ERRORS_KEPT,
    checked,
    current_stock,
    rejected,
)
from pos.services.catalog.csv_export import export_rows
from pos.services.catalog.csv_format import CHUNK, COLUMNS, Progress, RowError, parse, read_text
from pos.services.catalog.csv_write import (
    free_moving_barcodes,
    insert_new,
    store_image_files,
    update_existing,
)
from pos.services.catalog.products import category_id
from pos.services.people.auth import require_active_manager
from pos.services.plumbing import validation
from pos.services.plumbing.events import Change, ChangeKind, EventHub
from pos.services.plumbing.uow import Tx, UnitOfWork
from pos.services.selling.stock import Ledger
from pos.views import Actor

__all__ = ["COLUMNS", "ImportPreview", "ImportResult", "ProductIOService", "RowError"]


@dataclass(frozen=True)
class ImportPreview:
    """What importing a file would do, or every reason it cannot (nothing written)."""

    rows: int
    new: int
    updated: int
    stock_differs: int  # existing products whose file stock differs from their stock now
    errors: tuple[RowError, ...]  # the first MAX_ERRORS_KEPT, by line
    error_count: int
    delimiter: str

    @property
    def ok(self) -> bool:
        return self.error_count == 0


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    updated: int
    stock_changes: int
    stock_ignored: int = 0  # existing products whose file stock differed, left unchanged


class ProductIOService:
    def __init__(self, uow: UnitOfWork, events: EventHub) -> None:
        self._uow = uow
        self._events = events

    # -- step 1: check the whole file ------------------------------------------------
    def preview(
        self, actor: Actor, path: str | Path, progress: Progress | None = None
    ) -> ImportPreview:
        """Check the whole file against the rules and the database; write nothing."""
        return self.preview_text(actor, read_text(path), Path(path).parent, progress)

    def preview_text(
        self,
        actor: Actor,
        text: str,
        folder: Path | None = None,
        progress: Progress | None = None,
    ) -> ImportPreview:
        lines = max(1, text.count("\n"))
        parsed = parse(text, folder, progress, lines)

        def work(tx: Tx) -> ImportPreview:
            require_active_manager(tx, actor)
            errors, existing = checked(tx, parsed)
            old = [r for r in parsed.rows if r.sku in existing]
            current = current_stock(tx, [existing[r.sku][0] for r in old])
            differs = sum(
                1 for r in old if r.stock is not None and r.stock != current[existing[r.sku][0]]
            )
            if progress:
                progress(lines, lines)
            return ImportPreview(
                rows=len(parsed.rows) + len({e.line for e in parsed.errors if e.line > 1}),
                new=len(parsed.rows) - len(old),
                updated=len(old),
                stock_differs=differs,
                errors=tuple(errors[:MAX_ERRORS_KEPT]),
                error_count=len(errors),
                delimiter=parsed.delimiter,
            )

        return self._uow.run(work, operation="product_io.preview", actor=actor, write=False)

    # -- step 2: write it --------------------------------------------------------------
    def import_csv(
        self,
        actor: Actor,
        path: str | Path,
        progress: Progress | None = None,
        *,
        set_stock: bool = False,
    ) -> ImportResult:
        return self.import_text(
            actor,
            read_text(path),
            progress,
            source=Path(path).name,
            set_stock=set_stock,
            folder=Path(path).parent,
        )

    def import_text(
        self,
        actor: Actor,
        text: str,
        progress: Progress | None = None,
        *,
        source: str = "csv",
        set_stock: bool = False,
        folder: Path | None = None,
    ) -> ImportResult:
        """Check the whole file again (it or the database may have changed since the
        preview) and import it, or raise VALIDATION_ERROR listing every problem."""
        lines = max(1, text.count("\n"))
        total = lines * 2  # checking, then writing
        parsed = parse(text, folder, progress, total)
        if parsed.errors and parsed.errors[0].line == 1:  # the header: no rows to check
            err = rejected(parsed.errors)
            self._uow.record_failure("product_io.import", err, actor)
            raise err
        rows = parsed.rows
        if progress:
            progress(lines, total)
        note = "import " + validation.text(source, "source", max_length=400, required=False)
        touched: list[uuid.UUID] = []

        def work(tx: Tx) -> ImportResult:
            require_active_manager(tx, actor)
            touched.clear()
            errors, existing = checked(tx, parsed)
            if errors:
                raise rejected(errors)
            categories = {
                name: category_id(tx, name) for name in sorted({r.category or "" for r in rows})
            }
            categories[""] = None
            pictures = store_image_files(tx, rows)
            now = utcnow()
            new = [r for r in rows if r.sku not in existing]
            old = [r for r in rows if r.sku in existing]
            locked: dict[uuid.UUID, int] = {}
            if old:
                # Lock order: products in ascending id, before anything else is written.
                locked = lock_products(tx, [existing[r.sku][0] for r in old])
                free_moving_barcodes(tx, old, existing)  # before new rows may take them
            ledger = Ledger("import", actor.user_id, actor.counter_id, note=note)
            made = insert_new(
                tx,
                new,
                categories,
                pictures,
                ledger,
                now,
                (lambda done, _all: progress(lines + done, total)) if progress else None,
            )
            touched.extend(made)
            stock_changes = sum(1 for r in new if r.stock)
            ignored = 0
            if old:
                moved, ignored = update_existing(
                    tx, actor, old, existing, locked, categories, pictures, ledger, now, set_stock
                )
                stock_changes += moved
                touched.extend(existing[r.sku][0] for r in old)
                notify_products(tx, [existing[r.sku][0] for r in old])
            if progress:
                progress(total, total)
            return ImportResult(len(rows), len(new), len(old), stock_changes, ignored)

        result = self._uow.run(work, operation="product_io.import", actor=actor)
        self._events.publish(Change(ChangeKind.CATALOG, tuple(touched)))
        return result

    # -- export ------------------------------------------------------------------------
    def export_csv(self, actor: Actor, path: str | Path, progress: Progress | None = None) -> int:
        """Every product (active or not), by SKU. Returns the number of rows written."""
        with write_text_file(path) as fh:
            return self.export_to(actor, fh, progress)

    def export_to(self, actor: Actor, fh: Any, progress: Progress | None = None) -> int:
        def work(tx: Tx) -> int:
            require_active_manager(tx, actor)
            total = int(tx.session.execute(select(func.count(Product.id))).scalar_one())
            out = csv.writer(fh)
            out.writerow(COLUMNS)
            written = 0
            for row in export_rows(tx):
                out.writerow(row)
                written += 1
                if progress and written % CHUNK == 0:
                    progress(written, total)
            if progress:
                progress(written, max(total, written))
            return written

        return self._uow.run(work, operation="product_io.export", actor=actor, write=False)
