"""Issue 21, tried as its attacker: a clerk with their own role and psycopg, after the
lanes' work landed. Each test is a hole the review found (it failed before its fix):
an order that gives the goods away with `pos check` ok, ledger rows and orders dated as
the caller likes, the failure log filled or rewritten around the app's cap, counters
registered without signing in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, text

from tests.integration.test_db_permissions import INSUFFICIENT_PRIVILEGE, Sql, _sql_as

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

NOW = "(now() AT TIME ZONE 'UTC')::timestamp"


@pytest.fixture
def clerk_sql(db_url, store, clerk) -> Iterator[Sql]:
    """The clerk fixture's own login role, straight through psycopg."""
    role = store.auth.db_role(clerk.username)
    assert role
    yield from _sql_as(db_url, role)


def _refused(run: Sql, statement: str, params: Any = None) -> None:
    with pytest.raises(psycopg.Error) as info:
        run(statement, params)
    assert info.value.sqlstate == INSUFFICIENT_PRIVILEGE, (statement, info.value)


def _as_owner(db_url: str, statement: str, params: dict[str, Any] | None = None) -> Any:
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params or {})
            return result.all() if result.returns_rows else None
    finally:
        engine.dispose()


def _order_sql(number: str) -> str:
    return (
        f"SELECT pos_place_order('{number}', %(cart)s, %(counter)s, NULL, NULL, false,"
        " %(sub)s, %(tax)s, %(ship)s, %(total)s, %(paid)s, 0, %(rate)s, %(cur)s, "
        f"{NOW}, ARRAY[%(pid)s]::uuid[], ARRAY['X']::varchar[], ARRAY['X']::varchar[],"
        " ARRAY[%(unit)s]::bigint[], ARRAY[%(qty)s]::integer[], ARRAY[%(sub)s]::bigint[],"
        " %(methods)s::varchar[], %(amounts)s::bigint[])"
    )


def test_a_clerk_cannot_place_an_order_that_gives_the_goods_away(
    store, clerk, make_product, clerk_sql
):
    """Lines, line totals and payments match the cart, but tax, shipping, rate or
    currency are the caller's: before the fix shipping = -subtotal gave total 0, no
    payment, and `pos check` ok."""
    p = make_product(price="10.00", stock=5)
    cart_id = store.cart.add(clerk, p.id, 2).cart_id
    base = {
        "cart": cart_id, "counter": clerk.counter_id, "pid": str(p.id), "unit": 1000,
        "qty": 2, "sub": 2000, "cur": "USD", "methods": ["cash"],
    }  # fmt: skip
    settings = _as_owner(store.url, "SELECT tax_rate_ppm, currency FROM store_settings")
    rate, currency = settings[0]
    tax = round(2000 * rate / 1_000_000)
    forgeries = [
        dict(tax=0, ship=-2000, total=0, paid=0, rate=0, methods=[], cur=currency),
        dict(tax=0, ship=0, total=2000, paid=2000, rate=0, cur=currency),
        dict(tax=tax, ship=-1000, total=1000 + tax, paid=1000 + tax, rate=rate, cur=currency),
        dict(tax=tax - 1, ship=0, total=1999 + tax, paid=1999 + tax, rate=rate, cur=currency),
        dict(tax=tax, ship=0, total=2000 + tax, paid=2000 + tax, rate=rate, cur="XXX"),
    ]
    for n, forged in enumerate(forgeries):
        params = {**base, **forged}
        params["amounts"] = [params["paid"]] if params["methods"] else []
        _refused(clerk_sql, _order_sql(f"FORGED-{n}"), params)
    assert store.audit.check().checked_orders == 0
    assert store.cart.current(clerk).cart_id == cart_id  # still open
    order = store.checkout.complete(clerk, payments=[("cash", "100.00")])
    assert order.subtotal == Decimal("20.00")
    assert store.audit.check().ok


def test_a_clerk_cannot_date_ledger_rows_or_orders(store, clerk, make_product, clerk_sql):
    p = make_product(stock=5)
    cart_id = store.cart.add(clerk, p.id, 1).cart_id
    clerk_sql(
        "SELECT * FROM pos_take_for_cart(%s, 1, 'cart_add', NULL, %s, %s, '2001-01-01')",
        (str(p.id), clerk.counter_id, cart_id),
    )
    dated = _as_owner(
        store.url,
        "SELECT min(created_at) FROM stock_movements WHERE product_id = :p",
        {"p": str(p.id)},
    )[0][0]
    assert dated > datetime.utcnow() - timedelta(hours=1)
    lines = store.cart.current(clerk).lines
    assert [line.quantity for line in lines] == [2]


def test_a_clerk_cannot_flood_or_rewrite_the_failure_log(store, clerk, manager, clerk_sql):
    insert = (
        "INSERT INTO failed_operations (operation, code, message, user_id, counter_code,"
        " details, occurrences, created_at)"
        " SELECT 'forged', 'X', 'x', %s, NULL, '{}', 1, '2099-01-01' FROM generate_series(1, %s)"
    )
    clerk_sql(insert, (manager.user_id, 5000))
    rows = _as_owner(
        store.url,
        "SELECT user_id, count(*), max(created_at) FROM failed_operations"
        " WHERE operation = 'forged' GROUP BY user_id",
    )
    assert len(rows) == 1
    user_id, count, latest = rows[0]
    assert user_id == clerk.user_id  # signed by the database, not the caller
    assert count <= 200
    assert latest < datetime.utcnow() + timedelta(hours=1)
    _refused(clerk_sql, "UPDATE failed_operations SET occurrences = 0")
    _as_owner(
        store.url,
        "INSERT INTO failed_operations (operation, code, message, user_id, details,"
        " occurrences, created_at) VALUES ('real', 'X', 'x', :m, '{}', 3,"
        " now() AT TIME ZONE 'UTC')",
        {"m": manager.user_id},
    )
    _refused(clerk_sql, "UPDATE failed_operations SET occurrences = 99 WHERE operation = 'real'")


def test_a_clerk_cannot_register_counters_without_signing_in(store, clerk, clerk_sql):
    _refused(
        clerk_sql,
        "INSERT INTO counters (code, created_at, last_seen_at) VALUES ('ZZ', now(), now())",
    )
    _refused(clerk_sql, "UPDATE counters SET last_seen_at = now()")
