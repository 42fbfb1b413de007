"""Products and categories: lookup and search for counters, edits for managers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from pos.errors import ErrorCode, PosError
from pos.gateway import gateway
from pos.models import Category, PriceChange, Product, User, utcnow
from pos.money import from_cents
from pos.services.catalog import images, rules
from pos.services.catalog.product_rows import load_product, product_select, to_view
from pos.services.catalog.search import (
    SEARCH_INDEX_OBJECTS,
    ProductFilter,
    apply_filter,
    count_select,
    ordered_page,
    page_limit,
    page_offset,
)
from pos.services.people.auth import require_active_manager
from pos.services.plumbing import validation
from pos.services.plumbing.events import Change, ChangeKind, EventHub
from pos.services.plumbing.uow import Tx, UnitOfWork, records_failures
from pos.services.selling.stock import Ledger, change_stock
from pos.views import Actor, PriceChangeView, ProductPage, ProductView

__all__ = ["SEARCH_INDEX_OBJECTS", "CatalogService", "category_id"]

# The unique expression index on lower(sku) that serves case-insensitive scans (migration
# 0011; 0009 made it, not yet unique).
SKU_LOOKUP_INDEX = "ux_products_sku_lower"
# Every unique lower(...) index of that migration (the models cannot describe them).
CASE_INSENSITIVE_INDEXES = frozenset(
    {SKU_LOOKUP_INDEX, "ux_products_barcode_lower", "ux_users_username_lower"}
)
SCAN_MAX = 200  # characters a scanner or the code box may send (codes are at most 64)

# Each sort: the SQL key (ending in the unique id, for key paging) and how to read the
# same key from a ProductView (the `after` row of the previous page).
SORTS: dict[str, tuple[tuple[Any, Callable[[ProductView], Any]], ...]] = {
    "name": ((Product.name, lambda p: p.name), (Product.id, lambda p: p.id)),
    "sku": ((Product.sku, lambda p: p.sku), (Product.id, lambda p: p.id)),
    "price": ((Product.price_cents, lambda p: int(p.price * 100)), (Product.id, lambda p: p.id)),
    "stock": ((Product.stock_quantity, lambda p: p.stock_quantity), (Product.id, lambda p: p.id)),
    "category": (
        (func.coalesce(Category.name, ""), lambda p: p.category or ""),
        (Product.name, lambda p: p.name),
        (Product.id, lambda p: p.id),
    ),
}


def category_id(tx: Tx, name: str | None) -> int | None:
    """Find or create a category by name (None or blank means uncategorised)."""
    clean = rules.category(name)
    if clean is None:
        return None
    # ON CONFLICT, not look-then-insert: two managers creating the same new category at
    # once must both succeed (READ COMMITTED would let both miss it, then one fail).
    tx.session.execute(
        tx.upsert(Category).values(name=clean).on_conflict_do_nothing(index_elements=["name"])
    )
    return int(tx.session.execute(select(Category.id).where(Category.name == clean)).scalar_one())


@records_failures("catalog")
class CatalogService:
    def __init__(self, uow: UnitOfWork, events: EventHub) -> None:
        self._uow = uow
        self._events = events

    # -- reads ---------------------------------------------------------------------
    def get(self, actor: Actor, product_id: Any) -> ProductView:
        validation.require_actor(actor)
        pid = validation.product_id(product_id)
        return self._uow.run(
            lambda tx: load_product(tx, pid), operation="catalog.get", actor=actor, write=False
        )

    def get_many(self, actor: Actor, product_ids: list[uuid.UUID]) -> list[ProductView]:
        validation.require_actor(actor)
        ids = [validation.product_id(p) for p in product_ids]
        if not ids:
            return []

        def work(tx: Tx) -> list[ProductView]:
            rows = tx.session.execute(product_select().where(Product.id.in_(ids))).all()
            return [to_view(r) for r in rows]

        return self._uow.run(work, operation="catalog.get_many", actor=actor, write=False)

    def find_code(self, actor: Actor, code: str) -> ProductView:
        """Scanner lookup: exact barcode first, then the SKU whatever its case (the exact
        spelling wins if two SKUs differ only in case)."""
        validation.require_actor(actor)
        # A scanned or typed code: longer than any SKU or barcode can be is simply not found.
        clean = validation.text(code, "code", max_length=SCAN_MAX, required=False)

        def work(tx: Tx) -> ProductView:
            if clean:
                row = tx.session.execute(product_select().where(Product.barcode == clean)).first()
                if row is not None:
                    return to_view(row)
                rows = tx.session.execute(
                    product_select()
                    .where(func.lower(Product.sku) == func.lower(clean))  # SKU_LOOKUP_INDEX
                    .order_by((Product.sku == clean).desc(), Product.sku)
                    .limit(2)
                ).all()
                if len(rows) == 1 or (rows and rows[0].sku == clean):
                    return to_view(rows[0])
                if rows:
                    raise PosError(
                        ErrorCode.PRODUCT_NOT_FOUND,
                        f"Several products have the code {clean!r} in other cases; "
                        "type the SKU exactly.",
                        {"code": clean[:64], "matches": [r.sku for r in rows]},
                    )
            raise PosError(
                ErrorCode.PRODUCT_NOT_FOUND,
                f"No product has the code {clean!r}.",
                {"code": clean[:64]},
            )

        return self._uow.run(work, operation="catalog.find_code", actor=actor, write=False)

    def search(
        self,
        actor: Actor,
        text: str = "",
        category: str | None = None,
        *,
        offset: int = 0,
        limit: int = 100,
        include_inactive: bool = False,
        low_stock_only: bool = False,
        sort: str = "name",
        descending: bool = False,
        after: ProductView | None = None,
    ) -> list[ProductView]:
        """Name substring, exact SKU or exact barcode; filtered and sorted in SQL.

        `after` pages by key (the rows after that product in the chosen order) instead of
        OFFSET, so the 1,000th page costs what the first does: the counter grid scrolls
        this way.
        """
        validation.require_actor(actor)
        order = SORTS.get(sort) if isinstance(sort, str) else None
        if order is None:
            raise PosError(ErrorCode.VALIDATION_ERROR, f"Unknown sort {sort!r}.", {"sort": sort})
        limit, offset = page_limit(limit), page_offset(offset)
        if after is not None and offset:
            raise PosError(ErrorCode.VALIDATION_ERROR, "Page by key or by offset, not both.")
        if after is not None and not isinstance(after, ProductView):
            raise PosError(ErrorCode.VALIDATION_ERROR, "Page after a product shown.")
        wanted = ProductFilter.of(text, category, include_inactive, low_stock_only)
        keys = [expr for expr, _ in order]
        after_key = [read(after) for _, read in order] if after is not None else None

        def work(tx: Tx) -> list[ProductView]:
            stmt = apply_filter(tx, product_select(), wanted)
            stmt = ordered_page(
                stmt, keys, descending=bool(descending), after=after_key, limit=limit
            )
            if offset:
                stmt = stmt.offset(offset)
            return [to_view(r) for r in tx.session.execute(stmt)]

        return self._uow.run(work, operation="catalog.search", actor=actor, write=False)

    def count(
        self,
        actor: Actor,
        text: str = "",
        category: str | None = None,
        *,
        include_inactive: bool = False,
        low_stock_only: bool = False,
    ) -> int:
        validation.require_actor(actor)

        wanted = ProductFilter.of(text, category, include_inactive, low_stock_only)

        def work(tx: Tx) -> int:
            return int(tx.session.execute(apply_filter(tx, count_select(), wanted)).scalar_one())

        return self._uow.run(work, operation="catalog.count", actor=actor, write=False)

    def page(
        self,
        actor: Actor,
        text: str = "",
        category: str | None = None,
        *,
        offset: int = 0,
        limit: int = 100,
        **options: Any,
    ) -> ProductPage:
        items = self.search(actor, text, category, offset=offset, limit=limit, **options)
        filters = {k: v for k, v in options.items() if k in ("include_inactive", "low_stock_only")}
        total = self.count(actor, text, category, **filters)
        return ProductPage(tuple(items), total, offset)

    def categories(self, actor: Actor) -> list[str]:
        validation.require_actor(actor)
        return self._uow.run(
            lambda tx: list(
                tx.session.execute(select(Category.name).order_by(Category.name)).scalars()
            ),
            operation="catalog.categories",
            actor=actor,
            write=False,
        )

    def image_data(self, actor: Actor, reference: str) -> bytes | None:
        """The stored bytes of a product's ``sha256:`` image (None for other references
        or an image no longer stored); counters cache the thumbnails they make of it."""
        validation.require_actor(actor)
        if not images.is_reference(reference):
            return None
        return self._uow.run(
            lambda tx: images.load(tx, reference),
            operation="catalog.image_data",
            actor=actor,
            write=False,
        )

    # -- writes (managers) -----------------------------------------------------------
    def add_product(
        self,
        actor: Actor,
        *,
        sku: str,
        name: str,
        price: Decimal | str | int,
        stock: int = 0,
        category: str | None = None,
        barcode: str | None = None,
        description: str = "",
        image: str | bytes | None = None,
        low_stock_threshold: int = rules.DEFAULT_THRESHOLD,
        active: bool = True,
    ) -> ProductView:
        """A new product. `image` is picture bytes (stored in the database), a stored
        ``sha256:`` reference or a bundled image name."""
        fields = rules.product_fields(
            {
                "sku": sku,
                "name": name,
                "price": price,
                "barcode": barcode,
                "description": description,
                "low_stock_threshold": low_stock_threshold,
                "active": active,
            }
        )
        initial = rules.stock(stock)
        shape_checked(image)

        def work(tx: Tx) -> ProductView:
            require_active_manager(tx, actor)
            pid = uuid.uuid4()
            now = utcnow()
            _unique_insert(
                tx,
                insert(Product).values(
                    id=pid,
                    category_id=category_id(tx, category),
                    stock_quantity=0,
                    image=images.resolve(tx, image),
                    created_at=now,
                    updated_at=now,
                    **fields,
                ),
                fields,
            )
            if initial:
                change_stock(
                    tx,
                    pid,
                    initial,
                    Ledger("receive", actor.user_id, actor.counter_id, note="initial stock"),
                )
            return load_product(tx, pid)

        view = self._uow.run(work, operation="catalog.add_product", actor=actor)
        self._events.publish(Change(ChangeKind.CATALOG, (view.id,)))
        return view

    def update_product(self, actor: Actor, product_id: Any, **changes: Any) -> ProductView:
        """Edit fields (not stock: that goes through inventory). Price edits are recorded.

        `image` takes what add_product takes; None removes the picture."""
        pid = validation.product_id(product_id)
        category_given = "category" in changes
        category = changes.pop("category", None)
        image_given = "image" in changes
        image = changes.pop("image", None)
        fields = rules.product_fields(changes, partial=True)
        if category_given:
            rules.category(category)
        shape_checked(image)

        def work(tx: Tx) -> ProductView:
            require_active_manager(tx, actor)
            old_price = tx.session.execute(
                select(Product.price_cents).where(Product.id == pid).with_for_update(key_share=True)
            ).scalar()
            if old_price is None:
                raise PosError(
                    ErrorCode.PRODUCT_NOT_FOUND, "Product not found.", {"product_id": str(pid)}
                )
            now = utcnow()
            # The price goes through the gateway, which writes its history row; the other
            # fields are a plain update (managers may change those directly).
            values = {k: v for k, v in fields.items() if k != "price_cents"}
            values["updated_at"] = now
            if category_given:
                values["category_id"] = category_id(tx, category)
            if image_given:
                values["image"] = images.resolve(tx, image)
            _unique_insert(tx, update(Product).where(Product.id == pid).values(**values), fields)
            new_price = fields.get("price_cents")
            if new_price is not None and new_price != old_price:
                gateway(tx).set_prices(tx, [(pid, new_price)], actor.user_id, now)
            gateway(tx).notify(tx, "pos_product", [str(pid)])
            return load_product(tx, pid)

        view = self._uow.run(work, operation="catalog.update_product", actor=actor)
        self._events.products_changed([pid])
        return view

    def set_active(self, actor: Actor, product_id: Any, active: bool) -> ProductView:
        return self.update_product(actor, product_id, active=bool(active))

    def price_history(self, actor: Actor, product_id: Any) -> list[tuple[Any, Decimal, Decimal]]:
        pid = validation.product_id(product_id)

        def work(tx: Tx) -> list[tuple[Any, Decimal, Decimal]]:
            require_active_manager(tx, actor)
            rows = tx.session.execute(
                select(
                    PriceChange.created_at, PriceChange.old_price_cents, PriceChange.new_price_cents
                )
                .where(PriceChange.product_id == pid)
                .order_by(PriceChange.id)
            )
            return [(r[0], from_cents(r[1]), from_cents(r[2])) for r in rows]

        return self._uow.run(work, operation="catalog.price_history", actor=actor, write=False)

    def price_changes(self, actor: Actor, product_id: Any) -> list[PriceChangeView]:
        """The price history newest first, with who made each change and any note."""
        pid = validation.product_id(product_id)

        def work(tx: Tx) -> list[PriceChangeView]:
            require_active_manager(tx, actor)
            rows = tx.session.execute(
                select(PriceChange, User.username)
                .outerjoin(User, User.id == PriceChange.user_id)
                .where(PriceChange.product_id == pid)
                .order_by(PriceChange.id.desc())
            ).all()
            return [
                PriceChangeView(
                    c.created_at,
                    from_cents(c.old_price_cents),
                    from_cents(c.new_price_cents),
                    username,
                    c.note,
                    c.bulk_id,
                )
                for c, username in rows
            ]

        return self._uow.run(work, operation="catalog.price_changes", actor=actor, write=False)


def shape_checked(image: object) -> None:
    """Refuse a bad image before a transaction opens (bytes, or a reference's form)."""
    if isinstance(image, (bytes, bytearray, memoryview)):
        images.checked(image)
    else:
        images.reference_shape(image)


def _unique_insert(tx: Tx, stmt: Any, fields: dict[str, Any]) -> None:
    """Run an insert/update whose only expected failure is a duplicate SKU or barcode."""
    try:
        with tx.session.begin_nested():
            tx.session.execute(stmt)
    except IntegrityError as exc:
        # The constraint's name (PostgreSQL) or SQLite's message names the column; the
        # rest of PostgreSQL's message holds the value, which may itself say "barcode".
        name = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
        field = "barcode" if "barcode" in str(name or exc.orig).lower() else "sku"
        raise _duplicate(tx, field, fields.get(field)) from None


def _duplicate(tx: Tx, field: str, value: Any) -> PosError:
    """DUPLICATE naming the product that holds the code, spelt as it is stored: SKUs and
    barcodes are the same whatever their case (unique indexes on lower(), migration 0011)."""
    column = Product.barcode if field == "barcode" else Product.sku
    held = tx.session.execute(
        select(column, Product.name).where(func.lower(column) == func.lower(value)).limit(1)
    ).first()
    label = "SKU" if field == "sku" else "barcode"
    owner = f" ({held[0]}, {held[1]})" if held is not None else ""
    return PosError(
        ErrorCode.DUPLICATE,
        f"Another product{owner} already has this {label}; {label}s differing only in "
        "upper and lower case count as the same.",
        {"field": field, "value": value, "held_by": held[0] if held is not None else None},
    )
