"""Without a pre-ping per transaction, a pooled connection the server dropped must still
cost the clerk nothing: the call is retried once on a fresh connection."""

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import pg_admin_url
from tests.integration.helpers import stock_of


def _drop_all_connections(db_url: str) -> int:
    database = db_url.rsplit("/", 1)[1]
    engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return len(
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :db AND pid <> pg_backend_pid()"
                    ),
                    {"db": database},
                ).all()
            )
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["postgresql"])  # SQLite has no server connections
def test_dropped_pool_connections_are_replaced_transparently(store, db_url, clerk, make_product):
    p = make_product(stock=5)
    store.cart.add(clerk, p.id, 1)  # the pool now holds a live connection
    assert _drop_all_connections(db_url) >= 1
    cart = store.cart.add(clerk, p.id, 1)  # first use of the dead connection: retried
    assert cart.line(p.id).quantity == 2
    assert stock_of(store, p.id) == 3
    assert store.audit.check().ok
