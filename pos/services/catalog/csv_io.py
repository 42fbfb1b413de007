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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update

from pos.errors import ErrorCode, PosError
from pos.files import write_text_file
from pos.models import Category, PriceChange, Product, ProductImage, utcnow
from pos.money import from_cents
from pos.services.catalog import images
from pos.services.catalog.bulk import lock_products, notify_products
from pos.services.catalog.csv_format import (
    CHUNK,
    COLUMNS,
    ImportRow,
    ParsedFile,
    Progress,
    RowError,
    parse,
    read_text,
)
from pos.services.catalog.products import category_id
from pos.services.catalog.rules import DEFAULT_THRESHOLD
from pos.services.people.auth import require_active_manager
from pos.services.plumbing.events import Change, ChangeKind, EventHub
from pos.services.plumbing.uow import Tx, UnitOfWork
from pos.services.selling.stock import Ledger, change_stock
from pos.views import Actor

__all__ = ["COLUMNS", "ImportPreview", "ImportResult", "ProductIOService", "RowError"]

MAX_ERRORS_KEPT = 200


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


def _merged(errors: list[RowError]) -> list[RowError]:
    """One entry per line (a row may fail a rule and a database check), by line."""
    by_line: dict[int, list[str]] = {}
    for e in errors:
        by_line.setdefault(e.line, []).append(e.reason)
    return [RowError(line, "; ".join(reasons)) for line, reasons in sorted(by_line.items())]


def _rejected(errors: list[RowError]) -> PosError:
    shown = errors[:MAX_ERRORS_KEPT]
    return PosError(
        ErrorCode.VALIDATION_ERROR,
        f"{len(errors)} row(s) have problems; nothing was imported.",
        {
            "errors": [{"line": e.line, "reason": e.reason} for e in shown],
            "error_count": len(errors),
        },
    )


def _checked(tx: Tx, parsed: ParsedFile) -> tuple[list[RowError], Existing]:
    """Every error of the file: the rows' own and those only the database can see."""
    existing = _existing(tx, parsed.rows)
    errors = parsed.errors + _barcode_conflicts(tx, parsed.rows) + _missing_images(tx, parsed.rows)
    return _merged(errors), existing


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
            errors, existing = _checked(tx, parsed)
            old = [r for r in parsed.rows if r.sku in existing]
            current = _current_stock(tx, [existing[r.sku][0] for r in old])
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
            err = _rejected(parsed.errors)
            self._uow.record_failure("product_io.import", err, actor)
            raise err
        rows = parsed.rows
        if progress:
            progress(lines, total)
        note = f"import {source}"[:500]
        touched: list[uuid.UUID] = []

        def work(tx: Tx) -> ImportResult:
            require_active_manager(tx, actor)
            touched.clear()
            errors, existing = _checked(tx, parsed)
            if errors:
                raise _rejected(errors)
            categories = {
                name: category_id(tx, name) for name in sorted({r.category or "" for r in rows})
            }
            categories[""] = None
            pictures = _store_image_files(tx, rows)
            now = utcnow()
            new = [r for r in rows if r.sku not in existing]
            old = [r for r in rows if r.sku in existing]
            locked: dict[uuid.UUID, int] = {}
            if old:
                # Lock order: products in ascending id, before anything else is written.
                locked = lock_products(tx, [existing[r.sku][0] for r in old])
                _free_moving_barcodes(tx, old, existing)  # before new rows may take them
            ledger = Ledger("import", actor.user_id, actor.counter_id, note=note)
            done = 0
            for start in range(0, len(new), CHUNK):
                chunk = new[start : start + CHUNK]
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
                for pid, r in zip(ids, chunk, strict=True):
                    if r.stock:  # opening stock: a ledger row and a log line, like any change
                        change_stock(tx, pid, r.stock, ledger)
                touched.extend(ids)
                done += len(chunk)
                if progress:
                    progress(lines + done, total)
            stock_changes = sum(1 for r in new if r.stock)
            ignored = 0
            if old:
                moved, ignored = _update_existing(
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
            for row in _export_rows(tx):
                out.writerow(row)
                written += 1
                if progress and written % CHUNK == 0:
                    progress(written, total)
            if progress:
                progress(written, max(total, written))
            return written

        return self._uow.run(work, operation="product_io.export", actor=actor, write=False)


def _export_rows(tx: Tx) -> Iterator[list[Any]]:
    stmt = (
        select(
            Product.sku,
            Product.barcode,
            Product.name,
            Product.description,
            Category.name,
            Product.price_cents,
            Product.stock_quantity,
            Product.low_stock_threshold,
            Product.image,
            Product.active,
        )
        .outerjoin(Category, Category.id == Product.category_id)
        .order_by(Product.sku)
        .execution_options(yield_per=1000)
    )
    for r in tx.session.execute(stmt):
        yield [
            r[0],
            r[1] or "",
            r[2],
            r[3] or "",
            r[4] or "",
            str(from_cents(r[5])),
            r[6],
            r[7],
            _exported_image(r[8]),
            "1" if r[9] else "0",
        ]


def _exported_image(image: str | None) -> str:
    """A stored or bundled reference as it is; an old machine path (from before images
    were stored) is left out: it means nothing to another machine."""
    if not image or "/" in image or "\\" in image:
        return ""
    return image


Existing = dict[str, tuple[uuid.UUID, str | None]]


def _existing(tx: Tx, rows: list[ImportRow]) -> Existing:
    """sku -> (id, barcode) for the file's SKUs that are already products."""
    found: Existing = {}
    skus = [r.sku for r in rows]
    for start in range(0, len(skus), CHUNK):
        for pid, sku, barcode in tx.session.execute(
            select(Product.id, Product.sku, Product.barcode).where(
                Product.sku.in_(skus[start : start + CHUNK])
            )
        ):
            found[sku] = (pid, barcode)
    return found


def _free_moving_barcodes(tx: Tx, rows: list[ImportRow], existing: Existing) -> None:
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


def _barcode_conflicts(tx: Tx, rows: list[ImportRow]) -> list[RowError]:
    """A barcode in the file that another product (another SKU) already has."""
    by_barcode: dict[str, ImportRow] = {r.barcode: r for r in rows if r.barcode}
    codes = list(by_barcode)
    in_file = {r.sku for r in rows}
    errors = []
    for start in range(0, len(codes), CHUNK):
        for code, sku in tx.session.execute(
            select(Product.barcode, Product.sku).where(
                Product.barcode.in_(codes[start : start + CHUNK])
            )
        ):
            row = by_barcode[str(code)]
            # The owner may give the barcode up in this same file (a swap): that is fine.
            if sku != row.sku and sku not in in_file:
                errors.append(RowError(row.line, f"barcode already belongs to product {sku!r}"))
    return sorted(errors, key=lambda e: e.line)


def _current_stock(tx: Tx, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    found: dict[uuid.UUID, int] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        for pid, stock in tx.session.execute(
            select(Product.id, Product.stock_quantity).where(
                Product.id.in_(ordered[start : start + CHUNK])
            )
        ):
            found[pid] = stock
    return found


def _missing_images(tx: Tx, rows: list[ImportRow]) -> list[RowError]:
    """Rows naming a ``sha256:`` picture this database does not hold (from another one)."""
    wanted: dict[str, list[int]] = {}
    for r in rows:
        if r.image and images.is_reference(r.image):
            wanted.setdefault(r.image.removeprefix(images.PREFIX), []).append(r.line)
    digests = list(wanted)
    for start in range(0, len(digests), CHUNK):
        for digest in tx.session.execute(
            select(ProductImage.digest).where(
                ProductImage.digest.in_(digests[start : start + CHUNK])
            )
        ).scalars():
            wanted.pop(digest, None)
    return [
        RowError(
            line,
            "image is not stored in this database (put the picture file next to "
            "the CSV and give its name)",
        )
        for lines in wanted.values()
        for line in lines
    ]


def _store_image_files(tx: Tx, rows: list[ImportRow]) -> dict[int, str]:
    """Store the picture files the file names (each file once): line -> reference."""
    stored: dict[Path, str] = {}
    by_line: dict[int, str] = {}
    for r in rows:
        if r.image_file is None:
            continue
        if r.image_file not in stored:
            try:
                data = r.image_file.read_bytes()
            except OSError as exc:
                raise PosError(
                    ErrorCode.VALIDATION_ERROR,
                    f"Line {r.line}: the image file cannot be read ({exc.strerror}).",
                    {"line": r.line},
                ) from None
            stored[r.image_file] = images.store(tx, data)
        by_line[r.line] = stored[r.image_file]
    return by_line


def _update_existing(
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
    current_stock = _current_stock(tx, [existing[r.sku][0] for r in rows])
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
                "price_cents": r.price_cents,
                "active": r.active,
                "image": pictures.get(r.line, r.image),
                "now": now,
            }
        )
        if r.price_cents != old_price:
            price_changes.append(
                {
                    "product_id": pid,
                    "old_price_cents": old_price,
                    "new_price_cents": r.price_cents,
                    "user_id": actor.user_id,
                    "created_at": now,
                }
            )
    tx.session.connection().execute(
        update(table)
        .where(table.c.id == bindparam("pid"))
        .values(
            barcode=bindparam("barcode"),
            name=bindparam("name"),
            description=bindparam("description"),
            category_id=bindparam("category_id"),
            price_cents=bindparam("price_cents"),
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
    if price_changes:
        tx.session.execute(insert(PriceChange), price_changes)
    moved = ignored = 0
    for r in sorted(rows, key=lambda r: existing[r.sku][0]):  # ascending id order
        pid = existing[r.sku][0]
        current = current_stock[pid]
        if r.stock is None or r.stock == current:
            continue
        if not set_stock:
            ignored += 1
            continue
        change_stock(tx, pid, r.stock - current, ledger)
        moved += 1
    return moved, ignored
