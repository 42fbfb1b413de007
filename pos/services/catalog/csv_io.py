"""Products to and from CSV.

Import checks the whole file first and reports every bad row with its line number;
only a clean file is written, in one transaction, so nothing is half-imported.
A row whose SKU exists updates that product; a new SKU creates one. The stock column
is the quantity free to sell: for a new product it is its opening stock. For an existing
product it is ignored unless the manager asks for `set_stock` (a stocktake from a file):
re-importing an older export must never put back stock that counters sold since.
New products and their ledger rows go in as batched inserts (10,000 rows are a few
statements, not 20,000 round trips); stock_quantity still equals the ledger's sum.
Export writes the same columns, so an exported file imports back unchanged.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update

from pos.errors import ErrorCode, PosError
from pos.files import write_text_file
from pos.models import Category, PriceChange, Product, StockMovement, utcnow
from pos.money import CENT, from_cents
from pos.services.catalog.bulk import lock_products, notify_products
from pos.services.catalog.products import category_id
from pos.services.people.auth import require_active_manager
from pos.services.plumbing.events import Change, ChangeKind, EventHub
from pos.services.plumbing.uow import Tx, UnitOfWork
from pos.services.selling.stock import Ledger, change_stock
from pos.views import Actor

COLUMNS = (
    "sku",
    "barcode",
    "name",
    "description",
    "category",
    "price",
    "stock",
    "low_stock_threshold",
    "image",
    "active",
)
REQUIRED = ("sku", "name", "price")
CHUNK = 500
MAX_ERRORS_KEPT = 200
TRUE = {"1", "true", "yes", "y"}
FALSE = {"0", "false", "no", "n"}

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass
class ImportRow:
    line: int
    sku: str
    name: str
    price_cents: int
    barcode: str | None
    description: str
    category: str | None
    stock: int | None
    threshold: int | None
    image: str | None
    active: bool


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    updated: int
    stock_changes: int
    stock_ignored: int = 0  # existing products whose file stock differed, left unchanged


@dataclass
class _Checked:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _whole(raw: str, label: str, errors: list[str]) -> int | None:
    if raw == "":
        return None
    try:
        number = int(raw)
    except ValueError:
        errors.append(f"{label} {raw[:20]!r} is not a whole number")
        return None
    if number < 0:
        errors.append(f"{label} must not be negative")
        return None
    return number


def _price(raw: str, errors: list[str]) -> int:
    if raw == "":
        errors.append("price is missing")
        return 0
    try:
        value = Decimal(raw)
    except InvalidOperation:
        errors.append(f"price {raw[:20]!r} is not a number")
        return 0
    if not value.is_finite():
        errors.append(f"price {raw[:20]!r} is not a number")
    elif value < 0:
        errors.append("price must not be negative")
    elif value != value.quantize(CENT):
        errors.append("price has more than two decimals")
    else:
        return int(value * 100)
    return 0


def _text(raw: str, label: str, limit: int, errors: list[str]) -> str:
    if len(raw) > limit:
        errors.append(f"{label} is longer than {limit} characters")
    return raw


def parse_csv(text: str, progress: Progress | None = None, total: int = 0) -> _Checked:
    """Check every row; nothing touches the database here."""
    checked = _Checked()
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        checked.errors.append(RowError(1, "the file is empty"))
        return checked
    unknown = [h for h in header if h not in COLUMNS]
    missing = [h for h in REQUIRED if h not in header]
    if unknown or missing:
        parts = []
        if missing:
            parts.append("missing columns: " + ", ".join(missing))
        if unknown:
            parts.append("unknown columns: " + ", ".join(repr(u[:30]) for u in unknown))
        checked.errors.append(RowError(1, "; ".join(parts)))
        return checked
    seen_sku: dict[str, int] = {}
    seen_barcode: dict[str, int] = {}
    line = reader.line_num + 1
    for record in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            checked.errors.append(
                RowError(start, f"has {len(record)} fields, the header has {len(header)}")
            )
            continue
        cell = {k: v.strip() for k, v in zip(header, record, strict=True)}
        problems: list[str] = []
        sku = cell.get("sku", "")
        if not sku:
            problems.append("SKU is missing")
        elif any(ch.isspace() for ch in sku):
            problems.append("SKU must not contain spaces")
        elif len(sku) > 64:
            problems.append("SKU is longer than 64 characters")
        elif sku in seen_sku:
            problems.append(f"duplicate SKU {sku!r} (also on line {seen_sku[sku]})")
        else:
            seen_sku[sku] = start
        name = _text(cell.get("name", ""), "name", 200, problems)
        if not name:
            problems.append("name is missing")
        price = _price(cell.get("price", ""), problems)
        barcode = _text(cell.get("barcode", ""), "barcode", 64, problems) or None
        if barcode is not None:
            if barcode in seen_barcode:
                problems.append(f"duplicate barcode (also on line {seen_barcode[barcode]})")
            else:
                seen_barcode[barcode] = start
        stock = _whole(cell.get("stock", ""), "stock", problems)
        threshold = _whole(cell.get("low_stock_threshold", ""), "low-stock threshold", problems)
        active_raw = cell.get("active", "").lower()
        if active_raw and active_raw not in TRUE | FALSE:
            problems.append(f"active {active_raw[:10]!r} is not yes/no")
        row = ImportRow(
            line=start,
            sku=sku,
            name=name,
            price_cents=price,
            barcode=barcode,
            description=_text(cell.get("description", ""), "description", 5000, problems),
            category=_text(cell.get("category", ""), "category", 80, problems) or None,
            stock=stock,
            threshold=threshold,
            image=_text(cell.get("image", ""), "image", 255, problems) or None,
            active=active_raw not in FALSE,
        )
        if problems:
            checked.errors.append(RowError(start, "; ".join(problems)))
        else:
            checked.rows.append(row)
        done = len(checked.rows) + len(checked.errors)
        if progress and done % CHUNK == 0:
            progress(done, total)
    return checked


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


def _read(path: str | Path) -> str:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return fh.read()
    except UnicodeDecodeError:
        raise PosError(
            ErrorCode.VALIDATION_ERROR, "The file is not UTF-8 text.", {"path": str(path)}
        ) from None
    except OSError as exc:
        raise PosError(
            ErrorCode.VALIDATION_ERROR, f"Cannot read the file: {exc.strerror}.", {}
        ) from None


class ProductIOService:
    def __init__(self, uow: UnitOfWork, events: EventHub) -> None:
        self._uow = uow
        self._events = events

    def import_csv(
        self,
        actor: Actor,
        path: str | Path,
        progress: Progress | None = None,
        *,
        set_stock: bool = False,
    ) -> ImportResult:
        return self.import_text(
            actor, _read(path), progress, source=Path(path).name, set_stock=set_stock
        )

    def import_text(
        self,
        actor: Actor,
        text: str,
        progress: Progress | None = None,
        *,
        source: str = "csv",
        set_stock: bool = False,
    ) -> ImportResult:
        lines = max(1, text.count("\n"))
        total = lines * 2  # checking, then writing
        checked = parse_csv(text, progress, total)
        if checked.errors:
            err = _rejected(checked.errors)
            self._uow.record_failure("product_io.import", err, actor)
            raise err
        rows = checked.rows
        if progress:
            progress(lines, total)
        note = f"import {source}"[:500]
        touched: list[uuid.UUID] = []

        def work(tx: Tx) -> ImportResult:
            require_active_manager(tx, actor)
            touched.clear()
            existing = _existing(tx, rows)
            errors = _barcode_conflicts(tx, rows)
            if errors:
                raise _rejected(errors)
            categories = {
                name: category_id(tx, name) for name in sorted({r.category or "" for r in rows})
            }
            categories[""] = None
            now = utcnow()
            new = [r for r in rows if r.sku not in existing]
            old = [r for r in rows if r.sku in existing]
            locked: dict[uuid.UUID, int] = {}
            if old:
                # Lock order: products in ascending id, before anything else is written.
                locked = lock_products(tx, [existing[r.sku][0] for r in old])
                _free_moving_barcodes(tx, old, existing)  # before new rows may take them
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
                            "stock_quantity": r.stock or 0,
                            "active": r.active,
                            "image": r.image,
                            "low_stock_threshold": 5 if r.threshold is None else r.threshold,
                            "created_at": now,
                            "updated_at": now,
                        }
                        for pid, r in zip(ids, chunk, strict=True)
                    ],
                )
                movements = [
                    {
                        "product_id": pid,
                        "delta": r.stock,
                        "reason": "import",
                        "stock_after": r.stock,
                        "user_id": actor.user_id,
                        "counter_id": actor.counter_id,
                        "note": note,
                        "created_at": now,
                    }
                    for pid, r in zip(ids, chunk, strict=True)
                    if r.stock
                ]
                if movements:
                    tx.session.execute(insert(StockMovement), movements)
                touched.extend(ids)
                done += len(chunk)
                if progress:
                    progress(lines + done, total)
            stock_changes = sum(1 for r in new if r.stock)
            ignored = 0
            if old:
                moved, ignored = _update_existing(
                    tx, actor, old, existing, locked, categories, note, now, set_stock
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
            r[8] or "",
            "1" if r[9] else "0",
        ]


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


def _update_existing(
    tx: Tx,
    actor: Actor,
    rows: list[ImportRow],
    existing: Existing,
    locked: dict[uuid.UUID, int],
    categories: dict[str, int | None],
    note: str,
    now: Any,
    set_stock: bool,
) -> tuple[int, int]:
    """Update the locked products' fields, record price changes and, with set_stock, move
    stock to the file's quantity. Returns (stock changes, file stocks left unapplied)."""
    ids = sorted(existing[r.sku][0] for r in rows)
    current_stock: dict[uuid.UUID, int] = {}
    for start in range(0, len(ids), CHUNK):  # re-read under the lock: counters may have sold
        for pid, stock in tx.session.execute(
            select(Product.id, Product.stock_quantity).where(
                Product.id.in_(ids[start : start + CHUNK])
            )
        ):
            current_stock[pid] = stock
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
                "image": r.image,
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
        change_stock(
            tx,
            pid,
            r.stock - current,
            Ledger("import", actor.user_id, actor.counter_id, note=note),
        )
        moved += 1
    return moved, ignored
