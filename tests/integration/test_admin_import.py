"""CSV import/export of products: whole-file validation, all-or-nothing, round trip."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pos.errors import ErrorCode, PosError
from pos.models import Product, StockMovement
from pos.services.catalog.csv_io import COLUMNS

HEADER = ",".join(COLUMNS)


def _write(tmp_path, text, name="products.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _counts(store):
    with Session(store.engine) as s:
        return (
            s.execute(select(func.count(Product.id))).scalar_one(),
            s.execute(select(func.count(StockMovement.id))).scalar_one(),
        )


def test_good_file_imports(store, manager, tmp_path):
    path = _write(
        tmp_path,
        HEADER
        + "\n"
        + "A-1,111,Apple,Red,Fruit,1.20,40,5,,1\n"
        + 'B-1,,"<b>Bold</b> & ""quoted""",,Fruit,0.99,,2,,yes\n'
        + "C-1,333,Cable,,,15.00,3,5,c.png,0\n",
    )
    seen = []
    result = store.product_io.import_csv(manager, path, progress=lambda d, t: seen.append((d, t)))
    assert (result.rows, result.created, result.updated, result.stock_changes) == (3, 3, 0, 2)
    assert seen[-1][0] == seen[-1][1]
    apple = store.catalog.find_code(manager, "111")
    assert (apple.name, apple.price, apple.stock_quantity, apple.category) == (
        "Apple",
        Decimal("1.20"),
        40,
        "Fruit",
    )
    bold = store.catalog.find_code(manager, "B-1")
    assert bold.name == '<b>Bold</b> & "quoted"'  # kept as text
    assert bold.stock_quantity == 0 and bold.low_stock_threshold == 2
    assert store.catalog.find_code(manager, "C-1").active is False
    history = store.inventory.movements(manager, apple.id)
    assert [(m.reason, m.delta, m.stock_after) for m in history] == [("import", 40, 40)]
    assert store.audit.check().ok


def test_bad_rows_reject_the_whole_file(store, manager, make_product, tmp_path):
    make_product(sku="EXIST", barcode="999")
    before = _counts(store)
    path = _write(
        tmp_path,
        HEADER
        + "\n"
        + "OK-1,,Fine,,,1.00,1,5,,1\n"  # line 2: fine
        + ",,No sku,,,1.00,1,5,,1\n"  # line 3
        + "NEG,,Negative,,,-1.00,1,5,,1\n"  # line 4
        + "OK-1,,Again,,,1.00,1,5,,1\n"  # line 5: duplicate of line 2
        + "STK,,Stock,,,1.00,many,5,,1\n"  # line 6
        + "HTML,,<script>alert(1)</script>,,,2.00,1,5,,1\n"  # line 7: fine (text)
        + "BAR,999,Barcode taken,,,2.00,1,5,,1\n",  # line 8: barcode of EXIST
    )
    with pytest.raises(PosError) as info:
        store.product_io.import_csv(manager, path)
    err = info.value
    assert err.code == ErrorCode.VALIDATION_ERROR
    reasons = {e["line"]: e["reason"] for e in err.details["errors"]}
    assert sorted(reasons) == [3, 4, 5, 6]
    assert "SKU is missing" in reasons[3]
    assert "negative" in reasons[4]
    assert "duplicate SKU" in reasons[5] and "line 2" in reasons[5]
    assert "not a whole number" in reasons[6]
    assert _counts(store) == before
    # With the row-level problems fixed, the database check finds the barcode clash.
    fixed = _write(
        tmp_path,
        HEADER
        + "\n"
        + "HTML,,<script>alert(1)</script>,,,2.00,1,5,,1\n"
        + "BAR,999,Barcode taken,,,2.00,1,5,,1\n",
        "fixed.csv",
    )
    with pytest.raises(PosError) as info:
        store.product_io.import_csv(manager, fixed)
    assert [e["line"] for e in info.value.details["errors"]] == [3]
    assert _counts(store) == before


def test_bad_header_and_clerk(store, manager, clerk, tmp_path):
    path = _write(tmp_path, "sku,name,colour\nA,B,red\n")
    with pytest.raises(PosError) as info:
        store.product_io.import_csv(manager, path)
    assert info.value.details["errors"][0]["line"] == 1
    good = _write(tmp_path, "sku,name,price\nA,Apple,1.00\n", "good.csv")
    with pytest.raises(PosError) as info:
        store.product_io.import_csv(clerk, good)
    assert info.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(PosError) as info:
        store.product_io.export_csv(clerk, tmp_path / "out.csv")
    assert info.value.code == ErrorCode.FORBIDDEN


def test_reimport_updates_prices_and_stock(store, manager, make_product, tmp_path):
    p = make_product(sku="A-1", price="1.00", stock=10, barcode="111")
    q = make_product(sku="B-1", price="2.00", stock=4, barcode="222")
    path = _write(
        tmp_path,
        "sku,barcode,name,price,stock\n"
        "A-1,222,Apple v2,1.50,7\n"  # barcodes swapped between A-1 and B-1
        "B-1,111,Banana,2.00,\n",
    )
    result = store.product_io.import_csv(manager, path, set_stock=True)  # a stocktake file
    assert (result.created, result.updated, result.stock_changes) == (0, 2, 1)
    a = store.catalog.get(manager, p.id)
    assert (a.name, a.price, a.stock_quantity, a.barcode) == ("Apple v2", Decimal("1.50"), 7, "222")
    assert store.catalog.get(manager, q.id).stock_quantity == 4
    assert [(m.reason, m.delta) for m in store.inventory.movements(manager, p.id)][0] == (
        "import",
        -3,
    )
    assert len(store.catalog.price_history(manager, p.id)) == 1
    assert store.audit.check().ok


def test_export_round_trips(store, manager, make_product, tmp_path):
    make_product(sku="A-1", name='Comma, "quote"\nnewline', price="3.10", category="X")
    make_product(sku="B-1", name="<i>html</i>", price="0.00", stock=0, barcode="42")
    store.catalog.set_active(manager, store.catalog.find_code(manager, "B-1").id, False)
    out = tmp_path / "export.csv"
    assert store.product_io.export_csv(manager, out) == 2
    before = {p.sku: p for p in store.catalog.search(manager, include_inactive=True, sort="sku")}
    # Importing the export into the same store changes nothing.
    result = store.product_io.import_csv(manager, out)
    assert (result.updated, result.stock_changes) == (2, 0)
    after = {p.sku: p for p in store.catalog.search(manager, include_inactive=True, sort="sku")}
    assert after == before
    # A second export is byte-identical.
    again = tmp_path / "again.csv"
    store.product_io.export_csv(manager, again)
    assert again.read_bytes() == out.read_bytes()


def test_ten_thousand_rows(store, manager, tmp_path):
    lines = [HEADER]
    for i in range(10_000):
        lines.append(
            f"BULK-{i:05d},{8800000000000 + i},Item {i},,Cat {i % 7},{i % 50}.99,{i % 9},3,,1"
        )
    path = _write(tmp_path, "\n".join(lines) + "\n")
    seen = []
    started = time.perf_counter()
    result = store.product_io.import_csv(manager, path, progress=lambda d, t: seen.append(d))
    elapsed = time.perf_counter() - started
    assert result.created == 10_000
    assert len(seen) >= 10 and seen == sorted(seen)
    assert elapsed < 60, elapsed
    assert _counts(store)[0] == 10_000
    assert store.audit.check().ok
    print(f"10,000-row import on {store.backend}: {elapsed:.2f} s")


def test_reimporting_an_old_export_never_undoes_sales(
    store, manager, clerk, make_product, tmp_path
):
    p = make_product(sku="A-1", price="1.00", stock=5)
    path = tmp_path / "export.csv"
    store.product_io.export_csv(manager, path)
    store.cart.add(clerk, p.id, 3)  # sold (held at a counter) after the export
    result = store.product_io.import_csv(manager, path)
    assert (result.updated, result.stock_changes, result.stock_ignored) == (1, 0, 1)
    assert store.catalog.get(manager, p.id).stock_quantity == 2
    assert store.audit.check().ok


def test_barcode_moves_from_an_existing_to_a_new_product(store, manager, make_product, tmp_path):
    old = make_product(sku="OLD-1", price="1.00", stock=1, barcode="123")
    path = _write(
        tmp_path,
        "sku,barcode,name,price,stock\nOLD-1,,Old,1.00,\nNEW-1,123,New,2.00,4\n",
    )
    result = store.product_io.import_csv(manager, path)
    assert (result.created, result.updated) == (1, 1)
    assert store.catalog.get(manager, old.id).barcode is None
    assert store.catalog.find_code(manager, "123").sku == "NEW-1"
    assert store.audit.check().ok
