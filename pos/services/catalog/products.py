"""Products and categories: lookup and search for counters, edits for managers."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, insert, literal, literal_column, or_, select, tuple_, update
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError

from pos.errors import ErrorCode, PosError
from pos.models import Category, PriceChange, Product, utcnow
from pos.money import from_cents, to_cents
from pos.services.people.auth import require_active_manager
from pos.services.plumbing import validation
from pos.services.plumbing.events import Change, EventHub
from pos.services.plumbing.uow import Tx, UnitOfWork, records_failures
from pos.services.selling.stock import Ledger, change_stock
from pos.views import Actor, ProductPage, ProductView

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
SORTS = {
    "name": (Product.name, Product.id),
    "sku": (Product.sku,),
    "price": (Product.price_cents, Product.id),
    "stock": (Product.stock_quantity, Product.id),
    "category": (Category.name, Product.name, Product.id),
}


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


def category_id(tx: Tx, name: str | None) -> int | None:
    """Find or create a category by name (None or blank means uncategorised)."""
    if name is None or not str(name).strip():
        return None
    clean = validation.text(name, "category", max_length=80)
    # ON CONFLICT, not look-then-insert: two managers creating the same new category at
    # once must both succeed (READ COMMITTED would let both miss it, then one fail).
    tx.session.execute(
        tx.upsert(Category).values(name=clean).on_conflict_do_nothing(index_elements=["name"])
    )
    return int(tx.session.execute(select(Category.id).where(Category.name == clean)).scalar_one())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@records_failures("catalog")
class CatalogService:
    def __init__(self, uow: UnitOfWork, events: EventHub) -> None:
        self._uow = uow
        self._events = events
        self._sqlite_fts = False  # set once the FTS5 search index is seen

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
        """Scanner lookup: exact barcode first, then exact SKU."""
        validation.require_actor(actor)
        clean = str(code or "").strip()

        def work(tx: Tx) -> ProductView:
            if clean:
                for column in (Product.barcode, Product.sku):
                    row = tx.session.execute(product_select().where(column == clean)).first()
                    if row is not None:
                        return to_view(row)
            raise PosError(
                ErrorCode.PRODUCT_NOT_FOUND,
                f"No product has the code {clean!r}.",
                {"code": clean[:64]},
            )

        return self._uow.run(work, operation="catalog.find_code", actor=actor, write=False)

    def _filtered(
        self,
        stmt: Select[Any],
        text: str,
        category: str | None,
        include_inactive: bool,
        low_stock_only: bool = False,
        tx: Tx | None = None,
    ) -> Select[Any]:
        clean = (text or "").strip()
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
            narrowed = self._sqlite_name_candidates(tx, clean)
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
        if category:
            stmt = stmt.where(Category.name == category)
        if not include_inactive:
            stmt = stmt.where(Product.active.is_(True))
        if low_stock_only:
            stmt = stmt.where(Product.stock_quantity <= Product.low_stock_threshold)
        return stmt

    def _sqlite_name_candidates(self, tx: Tx | None, clean: str) -> Select[Any] | None:
        """Ids whose name contains `clean`, from the FTS5 trigram index (migration 0003).

        None where the index cannot help: PostgreSQL (its trigram index serves the LIKE
        itself), no index, fewer than 3 characters, or LIKE wildcards in the text.
        """
        if tx is None or tx.is_postgres or len(clean) < 3 or any(c in clean for c in "%_\\"):
            return None
        if not self._sqlite_fts:
            found = tx.session.execute(
                sql_text("SELECT 1 FROM sqlite_master WHERE name = 'product_search_fts'")
            ).scalar()
            if not found:
                return None
            self._sqlite_fts = True
        fts: Select[Any] = (
            select(literal_column("product_id"))
            .select_from(sql_text("product_search"))
            .where(
                sql_text(
                    "rowid IN (SELECT rowid FROM product_search_fts WHERE name LIKE :fts_pattern)"
                ).bindparams(fts_pattern=f"%{clean}%")
            )
        )
        return fts

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

        `after` pages by key (the rows after that product in name order) instead of OFFSET,
        so the 1,000th page costs what the first does: the counter grid scrolls this way.
        """
        validation.require_actor(actor)
        order = SORTS.get(sort)
        if order is None:
            raise PosError(ErrorCode.VALIDATION_ERROR, f"Unknown sort {sort!r}.", {"sort": sort})
        if after is not None and (sort != "name" or descending or offset):
            raise PosError(
                ErrorCode.VALIDATION_ERROR, "Key paging goes with ascending name order only."
            )

        def work(tx: Tx) -> list[ProductView]:
            stmt = self._filtered(
                product_select(), text, category, include_inactive, low_stock_only, tx
            )
            if after is not None:
                stmt = stmt.where(
                    tuple_(Product.name, Product.id) > tuple_(literal(after.name), after.id)
                )
            keys = [c.desc() if descending else c.asc() for c in order]
            stmt = stmt.order_by(*keys).offset(max(0, offset)).limit(max(1, min(limit, 1000)))
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

        def work(tx: Tx) -> int:
            stmt = select(func.count(Product.id)).outerjoin(
                Category, Category.id == Product.category_id
            )
            stmt = self._filtered(stmt, text, category, include_inactive, low_stock_only, tx)
            return int(tx.session.execute(stmt).scalar_one())

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
        image: str | None = None,
        low_stock_threshold: int = 5,
        active: bool = True,
    ) -> ProductView:
        fields = _product_fields(
            sku=sku,
            name=name,
            price=price,
            barcode=barcode,
            description=description,
            image=image,
            low_stock_threshold=low_stock_threshold,
            active=active,
        )
        initial = validation.whole_number(stock, "stock", minimum=0)

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
        self._events.publish(Change("catalog", (view.id,)))
        return view

    def update_product(self, actor: Actor, product_id: Any, **changes: Any) -> ProductView:
        """Edit fields (not stock: that goes through inventory). Price edits are recorded."""
        pid = validation.product_id(product_id)
        category_given = "category" in changes
        category = changes.pop("category", None)
        unknown = set(changes) - {
            "sku",
            "name",
            "price",
            "barcode",
            "description",
            "image",
            "low_stock_threshold",
            "active",
        }
        if unknown:
            raise PosError(ErrorCode.VALIDATION_ERROR, f"Unknown fields: {sorted(unknown)}")
        fields = _product_fields(partial=True, **changes)

        def work(tx: Tx) -> ProductView:
            require_active_manager(tx, actor)
            old_price = tx.session.execute(
                select(Product.price_cents).where(Product.id == pid).with_for_update(key_share=True)
            ).scalar()
            if old_price is None:
                raise PosError(
                    ErrorCode.PRODUCT_NOT_FOUND, "Product not found.", {"product_id": str(pid)}
                )
            values = dict(fields, updated_at=utcnow())
            if category_given:
                values["category_id"] = category_id(tx, category)
            _unique_insert(tx, update(Product).where(Product.id == pid).values(**values), fields)
            new_price = fields.get("price_cents")
            if new_price is not None and new_price != old_price:
                tx.session.execute(
                    insert(PriceChange).values(
                        product_id=pid,
                        old_price_cents=old_price,
                        new_price_cents=new_price,
                        user_id=actor.user_id,
                        created_at=utcnow(),
                    )
                )
            if tx.is_postgres:
                tx.session.execute(select(func.pg_notify("pos_product", str(pid))))
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


def _product_fields(partial: bool = False, **raw: Any) -> dict[str, Any]:
    """Validate product fields; with partial=True only the given ones."""
    out: dict[str, Any] = {}
    if "sku" in raw or not partial:
        sku = validation.text(raw.get("sku"), "SKU", max_length=64)
        if any(ch.isspace() for ch in sku):
            raise PosError(
                ErrorCode.VALIDATION_ERROR, "SKU must not contain spaces.", {"field": "sku"}
            )
        out["sku"] = sku
    if "name" in raw or not partial:
        out["name"] = validation.text(raw.get("name"), "Name", max_length=200)
    if "price" in raw or not partial:
        price = raw.get("price")
        cents = to_cents(price if price is not None else "", "Price")
        if cents < 0:
            raise PosError(
                ErrorCode.VALIDATION_ERROR, "Price must not be negative.", {"field": "price"}
            )
        out["price_cents"] = cents
    if "barcode" in raw or not partial:
        barcode = validation.text(raw.get("barcode"), "Barcode", max_length=64, required=False)
        out["barcode"] = barcode or None
    if "description" in raw or not partial:
        out["description"] = validation.text(
            raw.get("description"), "Description", max_length=5000, required=False
        )
    if "image" in raw or not partial:
        out["image"] = (
            validation.text(raw.get("image"), "Image", max_length=255, required=False) or None
        )
    if "low_stock_threshold" in raw or not partial:
        out["low_stock_threshold"] = validation.whole_number(
            raw.get("low_stock_threshold", 5), "Low-stock threshold", minimum=0
        )
    if "active" in raw or not partial:
        out["active"] = bool(raw.get("active", True))
    return out


def _unique_insert(tx: Tx, stmt: Any, fields: dict[str, Any]) -> None:
    """Run an insert/update whose only expected failure is a duplicate SKU or barcode."""
    try:
        with tx.session.begin_nested():
            tx.session.execute(stmt)
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        field = "barcode" if "barcode" in text else "sku"
        raise PosError(
            ErrorCode.DUPLICATE,
            f"Another product already has this {field.upper() if field == 'sku' else field}.",
            {"field": field, "value": fields.get(field)},
        ) from None
