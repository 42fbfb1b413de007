"""The checks of a products CSV that need the database: which SKUs exist, barcodes other
products hold, pictures named by a reference this database lacks. With the file's own
row errors (csv_format.py) they make the one list of problems a manager sees at once."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, or_, select

from pos.errors import ErrorCode, PosError
from pos.models import Product, ProductImage
from pos.services.catalog import images
from pos.services.catalog.csv_format import CHUNK, ImportRow, ParsedFile, RowError
from pos.services.plumbing.uow import Tx

MAX_ERRORS_KEPT = 200
Existing = dict[str, tuple[uuid.UUID, str | None]]


def merged(errors: list[RowError]) -> list[RowError]:
    """One entry per line (a row may fail a rule and a database check), by line."""
    by_line: dict[int, list[str]] = {}
    for e in errors:
        by_line.setdefault(e.line, []).append(e.reason)
    return [RowError(line, "; ".join(reasons)) for line, reasons in sorted(by_line.items())]


def rejected(errors: list[RowError]) -> PosError:
    shown = errors[:MAX_ERRORS_KEPT]
    return PosError(
        ErrorCode.VALIDATION_ERROR,
        f"{len(errors)} row(s) have problems; nothing was imported.",
        {
            "errors": [{"line": e.line, "reason": e.reason} for e in shown],
            "error_count": len(errors),
        },
    )


def checked(tx: Tx, parsed: ParsedFile) -> tuple[list[RowError], Existing]:
    """Every error of the file: the rows' own and those only the database can see."""
    existing = existing_products(tx, parsed.rows)
    errors = parsed.errors + barcode_conflicts(tx, parsed.rows) + missing_images(tx, parsed.rows)
    return merged(errors), existing


def _same_whatever_the_case(column: Any, values: list[str]) -> Any:
    """Stored values equal to one of `values` but for case (unique lower() indexes): the
    exact spelling too, since SQLite's lower() folds ASCII letters only."""
    return or_(column.in_(values), func.lower(column).in_([v.lower() for v in values]))


def _file_spelling(stored: str, by_key: dict[str, str]) -> str | None:
    return by_key.get(stored) or by_key.get(stored.lower())


def existing_products(tx: Tx, rows: list[ImportRow]) -> Existing:
    """sku as the file spells it -> (id, barcode) for the file's SKUs that are already
    products, whatever the case the file writes them in (the stored spelling stays)."""
    found: Existing = {}
    skus = [r.sku for r in rows]
    by_key = {**{s.lower(): s for s in skus}, **{s: s for s in skus}}
    for start in range(0, len(skus), CHUNK):
        for pid, sku, barcode in tx.session.execute(
            select(Product.id, Product.sku, Product.barcode).where(
                _same_whatever_the_case(Product.sku, skus[start : start + CHUNK])
            )
        ):
            spelt = _file_spelling(sku, by_key)
            if spelt is not None:
                found[spelt] = (pid, barcode)
    return found


def barcode_conflicts(tx: Tx, rows: list[ImportRow]) -> list[RowError]:
    """A barcode in the file that another product (another SKU) already has."""
    by_barcode: dict[str, ImportRow] = {r.barcode: r for r in rows if r.barcode}
    codes = list(by_barcode)
    by_key = {**{c.lower(): c for c in codes}, **{c: c for c in codes}}
    in_file = {r.sku.lower() for r in rows}
    errors = []
    for start in range(0, len(codes), CHUNK):
        for code, sku in tx.session.execute(
            select(Product.barcode, Product.sku).where(
                _same_whatever_the_case(Product.barcode, codes[start : start + CHUNK])
            )
        ):
            spelt = _file_spelling(str(code), by_key)
            if spelt is None:
                continue
            row = by_barcode[spelt]
            # The owner may give the barcode up in this same file (a swap): that is fine.
            if sku.lower() != row.sku.lower() and sku.lower() not in in_file:
                errors.append(RowError(row.line, f"barcode already belongs to product {sku!r}"))
    return sorted(errors, key=lambda e: e.line)


def current_stock(tx: Tx, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
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


def missing_images(tx: Tx, rows: list[ImportRow]) -> list[RowError]:
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
