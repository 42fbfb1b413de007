"""Writing every product to CSV: the import's columns, so an export imports back
unchanged; pictures as their stored reference or bundled name, never a machine path.

Text cells that a spreadsheet would run as a formula get a quote in front
(plumbing/csv_cells.py); the import takes it off again, so the round trip is exact.
Price, stock and threshold are numbers and written as numbers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from pos.models import Category, Product
from pos.money import from_cents
from pos.services.plumbing.csv_cells import safe_row
from pos.services.plumbing.uow import Tx


def export_rows(tx: Tx) -> Iterator[list[Any]]:
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
        yield safe_row(
            [
                r[0],
                r[1] or "",
                r[2],
                r[3] or "",
                r[4] or "",
                from_cents(r[5]),
                r[6],
                r[7],
                exported_image(r[8]),
                "1" if r[9] else "0",
            ]
        )


def exported_image(image: str | None) -> str:
    """A stored or bundled reference as it is; an old machine path (from before images
    were stored) is left out: it means nothing to another machine."""
    if not image or "/" in image or "\\" in image:
        return ""
    return image
