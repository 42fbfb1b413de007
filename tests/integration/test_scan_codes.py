"""Scanner codes: SKUs match whatever their case, barcodes exactly (issue 11 item 9)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from pos.errors import ErrorCode, PosError


def test_sku_matches_in_any_case(store, clerk, make_product):
    p = make_product(sku="SYNCOF-002", barcode="AbC123")
    assert store.catalog.find_code(clerk, "syncof-002").id == p.id
    assert store.catalog.find_code(clerk, " Syncof-002 ").id == p.id
    assert store.catalog.find_code(clerk, "SYNCOF-002").id == p.id


def test_barcodes_match_exactly(store, clerk, make_product):
    p = make_product(sku="B-1", barcode="AbC123")
    assert store.catalog.find_code(clerk, "AbC123").id == p.id
    with pytest.raises(PosError) as exc:
        store.catalog.find_code(clerk, "abc123")
    assert exc.value.code == ErrorCode.PRODUCT_NOT_FOUND


def test_case_twins_cannot_exist_so_any_case_finds_the_one(store, clerk, make_product):
    upper = make_product(sku="TWIN-1")
    with pytest.raises(PosError) as exc:
        make_product(sku="twin-1")  # issue 21: unique whatever the case
    assert exc.value.code == ErrorCode.DUPLICATE
    for typed in ("TWIN-1", "twin-1", "Twin-1"):
        assert store.catalog.find_code(clerk, typed).id == upper.id


def test_the_case_insensitive_lookup_uses_the_index(store, backend):
    with store.engine.connect() as conn:
        if backend == "sqlite":
            plan = conn.execute(
                text("EXPLAIN QUERY PLAN SELECT id FROM products WHERE lower(sku) = lower('x')")
            ).all()
            assert "ux_products_sku_lower" in " ".join(str(r[-1]) for r in plan)
        else:
            conn.execute(text("SET enable_seqscan = off"))  # an empty table: force the choice
            plan = conn.execute(
                text("EXPLAIN SELECT id FROM products WHERE lower(sku) = lower('x')")
            ).scalars()
            assert "ux_products_sku_lower" in " ".join(plan)
