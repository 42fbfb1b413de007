"""The product search filter and key paging, shared by the counter grid and the admin table.

Search text matches a name substring (case-insensitive), an exact SKU or an exact barcode.
PostgreSQL serves the substring from its trigram index on lower(name) (migration 0003).
SQLite cannot index a substring LIKE, so the filter first narrows to candidates from the
FTS5 trigram index (plus exact codes) and lets the LIKE decide among those: without that a
search over 100,000 products is a full scan.

Pages go by key, never by OFFSET: `WHERE (sort key, id) > (last row's key, id)` costs the
same on page 1 and page 1,000. Every sort ends in the product id, so the key is unique.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, or_, select, tuple_

from pos.errors import ErrorCode, PosError
from pos.gateway import gateway
from pos.models import Category, Product
from pos.services.plumbing import validation
from pos.services.plumbing.uow import Tx

# Search index objects migration 0003 adds outside the ORM models (SQLite FTS5 tables and
# triggers, the PostgreSQL trigram index); schema comparisons leave them out.
SEARCH_INDEX_OBJECTS = frozenset(
    {
        "ix_products_name_trgm",
        "product_search",
        "product_search_fts",
        "product_search_fts_config",
        "product_search_fts_data",
        "product_search_fts_docsize",
        "product_search_fts_idx",
    }
)
FTS_MIN_LENGTH = 3  # a trigram index needs three characters to narrow anything
MAX_PAGE = 1000  # rows one call returns at most
SEARCH_MAX = 200  # characters of search text (a product name's length)
MAX_OFFSET = 2**31 - 1


@dataclass(frozen=True)
class ProductFilter:
    """What a product list shows: search text, a category, and two switches."""

    text: str = ""
    category: str | None = None
    include_inactive: bool = False
    low_stock_only: bool = False

    @classmethod
    def of(
        cls, text: Any, category: Any, include_inactive: Any, low_stock_only: Any
    ) -> ProductFilter:
        """A filter from what a caller passed: text as text (search boxes hold at most
        SEARCH_MAX characters), a blank category as none."""
        clean = validation.text(text, "search text", max_length=SEARCH_MAX, required=False)
        group = validation.text(category, "category", max_length=SEARCH_MAX, required=False)
        return cls(clean, group or None, bool(include_inactive), bool(low_stock_only))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def apply_filter(tx: Tx, stmt: Select[Any], wanted: ProductFilter) -> Select[Any]:
    """`stmt` (over products, outer-joined to categories) narrowed to what `wanted` asks."""
    clean = (wanted.text or "").strip()
    if clean:
        pattern = f"%{_escape_like(clean.lower())}%"
        stmt = stmt.where(
            or_(
                func.lower(Product.name).like(pattern, escape="\\"),
                Product.sku == clean.upper(),
                Product.sku == clean,
                Product.barcode == clean,
            )
        )
        narrowed = _name_candidates(tx, clean)
        if narrowed is not None:
            # Candidates: the trigram index's name matches plus exact codes, a superset
            # of the rows the condition above accepts, which still decides.
            codes = Product.__table__.alias("by_code")
            by_code = select(codes.c.id).where(
                or_(
                    codes.c.sku == clean.upper(),
                    codes.c.sku == clean,
                    codes.c.barcode == clean,
                )
            )
            stmt = stmt.where(Product.id.in_(narrowed.union_all(by_code)))
    if wanted.category:
        stmt = stmt.where(Category.name == wanted.category)
    if not wanted.include_inactive:
        stmt = stmt.where(Product.active.is_(True))
    if wanted.low_stock_only:
        stmt = stmt.where(Product.stock_quantity <= Product.low_stock_threshold)
    return stmt


def _name_candidates(tx: Tx, clean: str) -> Select[Any] | None:
    """Ids whose name may contain `clean`, from the backend's narrowing index (SQLite's
    FTS5 trigram table); None where it cannot help: PostgreSQL (its trigram index serves
    the LIKE itself), no index, fewer than 3 characters, or LIKE wildcards in the text.
    """
    if len(clean) < FTS_MIN_LENGTH or any(c in clean for c in "%_\\"):
        return None
    return gateway(tx).name_candidates(tx, clean)


def count_select() -> Select[Any]:
    """SELECT count(*) over products joined like the row queries, ready for apply_filter."""
    return select(func.count(Product.id)).outerjoin(Category, Category.id == Product.category_id)


def page_limit(value: Any) -> int:
    """Rows wanted on a page: a whole number, at least 1; more than MAX_PAGE gets MAX_PAGE."""
    return min(validation.whole_number(value, "limit", minimum=1), MAX_PAGE)


def page_offset(value: Any) -> int:
    offset = validation.whole_number(value, "offset", minimum=0)
    if offset > MAX_OFFSET:
        raise PosError(ErrorCode.VALIDATION_ERROR, "offset is too large.", {"field": "offset"})
    return offset


def ordered_page(
    stmt: Select[Any],
    keys: Sequence[ColumnElement[Any]],
    *,
    descending: bool = False,
    after: Sequence[Any] | None = None,
    limit: int = 100,
) -> Select[Any]:
    """Order by `keys` (the last one unique, e.g. the id) and take the page after `after`,
    the key values of the last row already shown (None: the first page)."""
    if after is not None:
        if len(after) != len(keys):
            raise PosError(ErrorCode.VALIDATION_ERROR, "The page key does not fit the sort.")
        here = tuple_(*keys)
        there = tuple_(*[literal(v, type_=k.type) for k, v in zip(keys, after, strict=True)])
        stmt = stmt.where(here < there if descending else here > there)
    stmt = stmt.order_by(*[k.desc() if descending else k.asc() for k in keys])
    return stmt.limit(page_limit(limit))
