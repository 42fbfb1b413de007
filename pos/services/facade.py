"""The service facade: one object per open database, handed to the UI and the CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from pos import schema
from pos.config import load_settings
from pos.db import create_pos_engine
from pos.errors import ErrorCode, PosError
from pos.services.catalog.bulk import BulkService  # admin window (issue 7)
from pos.services.catalog.csv_io import ProductIOService
from pos.services.catalog.inventory import InventoryService
from pos.services.catalog.labels import LabelService
from pos.services.catalog.products import CatalogService
from pos.services.catalog.products_admin import ProductsAdminService
from pos.services.catalog.reorder import ReorderService
from pos.services.people.auth import AuthService
from pos.services.people.customers import CustomerService
from pos.services.plumbing.events import EventHub
from pos.services.plumbing.uow import UnitOfWork, translate_error
from pos.services.selling.cart import CartService
from pos.services.selling.carts_admin import CartsAdminService
from pos.services.selling.checkout import CheckoutService
from pos.services.selling.orders import OrderService
from pos.services.store.audit import AuditService
from pos.services.store.reports import ReportService
from pos.services.store.settings import SettingsService

if TYPE_CHECKING:
    from pos.services.plumbing.live import LiveSync
    from pos.views import Actor


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = engine.url.difference_update_query(["application_name"]).render_as_string(
            hide_password=True
        )
        self.backend = engine.dialect.name
        self.events = EventHub()
        self.uow = UnitOfWork(engine)
        self.auth = AuthService(self.uow)
        self.catalog = CatalogService(self.uow, self.events)
        self.cart = CartService(self.uow, self.events)
        self.checkout = CheckoutService(self.uow, self.events)
        self.orders = OrderService(self.uow)
        self.inventory = InventoryService(self.uow, self.events)
        self.carts = CartsAdminService(self.uow, self.events)
        self.customers = CustomerService(self.uow)
        self.settings = SettingsService(self.uow, self.events)
        self.audit = AuditService(self.uow)
        # Manager-only services behind the admin window.
        self.products_admin = ProductsAdminService(self.uow, self.events)
        self.bulk = BulkService(self.uow, self.events)
        self.product_io = ProductIOService(self.uow, self.events)
        self.reorder = ReorderService(self.uow)
        self.labels = LabelService(self.uow)  # shelf labels (issue 17)
        self.reports = ReportService(self.uow)

    # -- schema --------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Create or upgrade the schema to this app's version; returns the data changes a
        manager must hear about (renamed case-twins, see migration 0011)."""
        if self.schema_state() == "too_new":
            raise _too_new()
        try:
            return schema.upgrade(self.engine)
        except SQLAlchemyError as exc:
            raise translate_error(exc) from exc

    @property
    def signs_in_users_itself(self) -> bool:
        """True for a PostgreSQL counter that keeps no credential of its own: nothing can
        be read before someone signs in (with their own role), so the schema check and the
        first-run questions wait until then."""
        return self.backend == "postgresql" and not self.engine.url.username

    def schema_state(self, actor: Actor | None = None) -> str:
        """'empty', 'current', 'outdated' (database older than the app) or 'too_new'
        (read through `actor`'s own connection when given).

        An unreachable server raises PosError DATABASE_ERROR (never a raw driver error)."""
        try:
            current = schema.current_revision(self.uow.engine_for(actor))
        except SQLAlchemyError as exc:
            raise translate_error(exc) from exc
        if current is None:
            return "empty"
        if current == schema.head_revision():
            return "current"
        return "outdated" if current in schema.known_revisions() else "too_new"

    def require_current_schema(self, actor: Actor | None = None) -> None:
        state = self.schema_state(actor)
        if state == "too_new":
            raise _too_new()
        if state != "current":
            raise PosError(
                ErrorCode.SCHEMA_MISMATCH,
                "The database schema is not up to date; a manager must run `pos migrate`.",
                {"state": state},
            )

    # -- live sync and health (issue 4) -------------------------------------------
    def live(self, actor: Actor | None = None, **options: float) -> LiveSync:
        """A not-yet-started listener that publishes other counters' changes into
        `self.events` (PostgreSQL LISTEN, or SQLite data_version polling), connected as
        `actor` when given (a counter without a credential of its own); see
        pos.services.plumbing.live."""
        from pos.services.plumbing.live import create_live_sync

        return create_live_sync(self.uow.engine_for(actor), self.events, **options)

    def ping(self, actor: Actor | None = None) -> float:
        """Seconds for one round trip to the database, or PosError DATABASE_ERROR."""
        from pos.services.store.health import ping

        return ping(self.uow.engine_for(actor))

    def close(self) -> None:
        self.uow.sessions.end_all()  # PostgreSQL: every signed-in user's own pool
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _too_new() -> PosError:
    return PosError(
        ErrorCode.SCHEMA_MISMATCH,
        "This database was upgraded by a newer pos; install the newer version on this counter.",
        {"state": "too_new"},
    )


def open_store(
    url: str | None = None,
    *,
    pool_size: int = 5,
    echo: bool = False,
    lock_timeout_ms: int | None = None,
    application_name: str | None = None,
) -> Store:
    """Open (not migrate) the configured database, or the given URL."""
    store = Store(
        create_pos_engine(
            url or load_settings().database_url,
            pool_size=pool_size,
            echo=echo,
            lock_timeout_ms=lock_timeout_ms,
            application_name=application_name,
        )
    )

    def user_engine(user_url: str, user_pool_size: int) -> Engine:
        # A signed-in user's own pool (PostgreSQL) keeps the store's timeouts and name.
        return create_pos_engine(
            user_url,
            pool_size=user_pool_size,
            echo=echo,
            lock_timeout_ms=lock_timeout_ms,
            application_name=application_name,
        )

    store.uow.make_engine = user_engine
    return store
