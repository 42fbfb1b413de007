"""Product lists page by key, never by OFFSET: the counter grid (catalog.search) and the
admin table (products_admin.rows), in every sort order either way, give the same rows
as one long listing, including ties (repeated names, prices, blank barcodes and
categories, units held in carts). Both share one search filter, FTS narrowing included."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import event

from pos.errors import ErrorCode, PosError
from pos.services.catalog.products_admin import SORT_KEYS, ProductQuery


@pytest.fixture
def mixed_catalog(store, manager, clerk, make_product):
    made = []
    for n in range(23):
        made.append(
            make_product(
                name=f"Widget {n % 7}",  # names repeat: the id breaks the tie
                price=f"{n % 4}.50",
                stock=n % 5 + 2,
                barcode=f"40{n:04d}" if n % 3 else None,
                category=None if n % 4 == 0 else f"Cat {n % 3}",
                low_stock_threshold=n % 6,
                active=n % 8 != 0,
            )
        )
    make_product(name="Gadget", stock=1)
    for p in made[1:6]:
        store.cart.add(clerk, p.id, 1)  # reserved units: the reserved / on-hand sorts
    return made


def _statements(store):
    seen: list[str] = []
    event.listen(
        store.engine, "before_cursor_execute", lambda *a: seen.append(a[2].upper()), retval=False
    )
    return seen


def _offsets(store):
    """The OFFSET of every SELECT run from now on (SQLite always writes `LIMIT ? OFFSET ?`,
    with 0 when there is none; PostgreSQL only writes OFFSET when there is one)."""
    offsets: list[object] = []

    def seen(conn, cursor, statement, params, context, executemany):
        if " OFFSET " in statement.upper():
            offsets.append(params[-1] if isinstance(params, (tuple, list)) else "named")

    event.listen(store.engine, "before_cursor_execute", seen)
    return offsets


def test_counter_key_paging_matches_one_listing_in_every_sort(store, clerk, mixed_catalog):
    for sort in ("name", "sku", "price", "stock", "category"):
        for descending in (False, True):
            whole = store.catalog.search(
                clerk, "widget", sort=sort, descending=descending, limit=1000
            )
            paged, after = [], None
            while True:
                page = store.catalog.search(
                    clerk, "widget", sort=sort, descending=descending, after=after, limit=4
                )
                paged += page
                if len(page) < 4:
                    break
                after = page[-1]
            assert len(whole) == 20  # the three inactive widgets are left out
            assert [p.id for p in paged] == [p.id for p in whole], (sort, descending)


def test_admin_key_paging_matches_one_listing_in_every_column(store, manager, mixed_catalog):
    offsets = _offsets(store)
    for sort in SORT_KEYS:
        for descending in (False, True):
            query = ProductQuery(text="widget", sort=sort, descending=descending)
            whole = store.products_admin.rows(manager, query, limit=1000)
            paged, after = [], None
            while True:
                page = store.products_admin.rows(manager, query, after=after, limit=5)
                paged += page
                if len(page) < 5:
                    break
                after = page[-1]
            assert len(whole) == 23
            assert [r.product.id for r in paged] == [r.product.id for r in whole], (
                sort,
                descending,
            )
    assert set(offsets) <= {0}  # never skips rows by OFFSET


def test_admin_sort_order_is_the_columns(store, manager, mixed_catalog):
    rows = store.products_admin.rows(manager, ProductQuery(sort="on_hand", descending=True))
    on_hand = [r.on_hand for r in rows]
    assert on_hand == sorted(on_hand, reverse=True)
    rows = store.products_admin.rows(manager, ProductQuery(sort="barcode"))
    barcodes = [r.product.barcode or "" for r in rows]
    assert barcodes == sorted(barcodes) and barcodes[0] == ""  # blanks first on both backends


def test_admin_and_counter_share_one_filter(store, manager, clerk, mixed_catalog):
    for text in ("widget 3", "WIDGET", "400004", "dget", ""):
        for inactive in (False, True):
            counter = store.catalog.count(clerk, text, include_inactive=inactive)
            admin = store.products_admin.count(
                manager, ProductQuery(text=text, include_inactive=inactive)
            )
            assert counter == admin, (text, inactive)
            ids = {p.id for p in store.catalog.search(clerk, text, include_inactive=inactive)}
            rows = store.products_admin.rows(
                manager, ProductQuery(text=text, include_inactive=inactive)
            )
            assert ids == {r.product.id for r in rows}


def test_admin_search_uses_the_trigram_index_on_sqlite(store, manager, mixed_catalog):
    if store.backend != "sqlite":
        pytest.skip("PostgreSQL serves the LIKE from its trigram index directly")
    seen = _statements(store)
    rows = store.products_admin.rows(manager, ProductQuery(text="idget 4"))
    assert {r.product.name for r in rows} == {"Widget 4"}
    assert store.products_admin.count(manager, ProductQuery(text="idget 4")) == len(rows)
    narrowed = [s for s in seen if "PRODUCT_SEARCH_FTS WHERE" in s]
    assert len(narrowed) == 2, seen  # the page and the count both narrow by the index


def test_paging_by_key_and_offset_together_is_refused(store, clerk, make_product):
    p = make_product(stock=1)
    with pytest.raises(PosError) as exc:
        store.catalog.search(clerk, after=p, offset=5)
    assert exc.value.code == ErrorCode.VALIDATION_ERROR
    assert store.catalog.search(clerk, after=p) == []
    assert p.price == Decimal("10.00")


@pytest.mark.parametrize(
    "options",
    [
        {"limit": "x"},
        {"limit": float("nan")},
        {"limit": 0},
        {"offset": 2**63},
        {"offset": -1},
        {"sort": ["name"]},
        {"sort": "colour"},
        {"after": "Widget 3"},
        {"text": "x" * 201},
    ],
)
def test_hostile_paging_arguments_are_validation_errors(store, manager, clerk, options):
    with pytest.raises(PosError) as exc:
        store.catalog.search(clerk, **options)
    assert exc.value.code == ErrorCode.VALIDATION_ERROR
    admin_options = {k: v for k, v in options.items() if k in ("limit", "after")}
    query = {k: v for k, v in options.items() if k in ("sort", "text")}
    if admin_options or query:
        with pytest.raises(PosError) as exc:
            store.products_admin.rows(manager, ProductQuery(**query), **admin_options)
        assert exc.value.code == ErrorCode.VALIDATION_ERROR
    with pytest.raises(PosError):
        store.products_admin.rows(manager, "not a query")  # type: ignore[arg-type]
