"""Reading product rows: the columns a ProductView is built from, and loading one product."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select

from pos.errors import ErrorCode, PosError
from pos.models import Category, Product
from pos.money import from_cents
from pos.services.plumbing.uow import Tx
from pos.views import ProductView

PRODUCT_COLUMNS = (
    Product.id,
    Product.sku,
    Product.barcode,
    Product.name,
    Product.description,
    Category.name,
    Product.price_cents,
    Product.stock_quantity,
    Product.active,
    Product.image,
    Product.low_stock_threshold,
)


def product_select() -> Select[Any]:
    stmt: Select[Any] = select(*PRODUCT_COLUMNS)  # type: ignore[assignment]
    return stmt.outerjoin(Category, Category.id == Product.category_id)


def to_view(row: Any) -> ProductView:
    return ProductView(
        id=row[0],
        sku=row[1],
        barcode=row[2],
        name=row[3],
        description=row[4] or "",
        category=row[5],
        price=from_cents(row[6]),
        stock_quantity=row[7],
        active=row[8],
        image=row[9],
        low_stock_threshold=row[10],
    )


def load_product(tx: Tx, pid: uuid.UUID) -> ProductView:
    row = tx.session.execute(product_select().where(Product.id == pid)).first()
    if row is None:
        raise PosError(ErrorCode.PRODUCT_NOT_FOUND, "Product not found.", {"product_id": str(pid)})
    return to_view(row)
