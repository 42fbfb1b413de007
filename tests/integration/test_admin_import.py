"""CSV import/export of products: whole-file validation, all-or-nothing, round trip."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pos.errors import ErrorCode, PosError
from pos.models import Product, ProductImage, StockMovement
from pos.services.catalog.csv_io import COLUMNS
from pos.services.selling.stock import Ledger, open_stock
from tests.integration.helpers import tiny_png

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
    (tmp_path / "c.png").write_bytes(tiny_png())  # a picture next to the CSV file
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
    cable = store.catalog.find_code(manager, "C-1")
    assert cable.active is False
    assert cable.image is not None and cable.image.startswith("sha256:")  # stored, no path
    assert store.catalog.image_data(manager, cable.image) == tiny_png()
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
    # Every problem at once: the barcode another product holds comes with the others.
    assert sorted(reasons) == [3, 4, 5, 6, 8]
    assert err.details["error_count"] == 5
    assert "SKU is required" in reasons[3]
    assert "negative" in reasons[4]
    assert "duplicate SKU" in reasons[5] and "line 2" in reasons[5]
    assert "whole number" in reasons[6]
    assert "barcode already belongs to product 'EXIST'" in reasons[8]
    assert _counts(store) == before
    # The preview finds the same, and writes nothing either.
    preview = store.product_io.preview(manager, path)
    assert not preview.ok and preview.error_count == 5
    assert [e.line for e in preview.errors] == [3, 4, 5, 6, 8]
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
    make_product(
        sku="A-1",
        name='Comma, "quote"',
        description="first line\nsecond line",
        price="3.10",
        category="X",
    )
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


def test_preview_counts_what_an_import_would_do(store, manager, make_product, tmp_path):
    make_product(sku="A-1", price="1.00", stock=10)
    make_product(sku="B-1", price="2.00", stock=4)
    path = _write(
        tmp_path,
        "sku,name,price,stock\nA-1,Apple,1.00,7\nB-1,Banana,2.00,4\nC-1,Cherry,3.00,9\n",
    )
    before = _counts(store)
    preview = store.product_io.preview(manager, path)
    assert preview.ok and preview.errors == ()
    assert (preview.rows, preview.new, preview.updated, preview.stock_differs) == (3, 1, 2, 1)
    assert _counts(store) == before  # a preview writes nothing
    result = store.product_io.import_csv(manager, path, set_stock=True)
    assert (result.created, result.updated, result.stock_changes) == (1, 2, 2)


def test_semicolons_and_decimal_commas(store, manager, tmp_path):
    path = _write(
        tmp_path,
        "sku;name;price;stock;category\n"
        "S-1;Seife;12,50;3;Bad\n"
        "S-2;Schwamm, gelb;0,5;;Bad\n"  # a comma inside a field is text here
        "S-3;Bürste;4.99;1;\n",
    )
    preview = store.product_io.preview(manager, path)
    assert preview.ok and preview.delimiter == ";"
    assert store.product_io.import_csv(manager, path).created == 3
    assert store.catalog.find_code(manager, "S-1").price == Decimal("12.50")
    sponge = store.catalog.find_code(manager, "S-2")
    assert (sponge.name, sponge.price) == ("Schwamm, gelb", Decimal("0.50"))
    assert store.catalog.find_code(manager, "S-3").price == Decimal("4.99")
    # A comma-separated file may quote a decimal comma; tabs work too.
    quoted = _write(tmp_path, 'sku,name,price\nQ-1,Quoted,"7,25"\n', "quoted.csv")
    store.product_io.import_csv(manager, quoted)
    assert store.catalog.find_code(manager, "Q-1").price == Decimal("7.25")
    tabs = _write(tmp_path, "sku\tname\tprice\nT-1\tTabbed\t1,10\n", "tabs.csv")
    store.product_io.import_csv(manager, tabs)
    assert store.catalog.find_code(manager, "T-1").price == Decimal("1.10")
    # A thousands separator is not a decimal comma: refused, not read as 1.234.
    odd = _write(tmp_path, "sku;name;price\nX-1;Odd;1,234\n", "odd.csv")
    with pytest.raises(PosError) as info:
        store.product_io.import_csv(manager, odd)
    assert info.value.details["errors"][0]["line"] == 2


def test_stock_goes_through_the_stock_module_with_log_lines(store, manager, tmp_path, caplog):
    path = _write(tmp_path, "sku,name,price,stock\nL-1,Logged,1.00,6\nL-2,None,1.00,0\n")
    with caplog.at_level("INFO", logger="pos"):
        store.product_io.import_csv(manager, path)
    p = store.catalog.find_code(manager, "L-1")
    assert f"Stock Update: Product {p.id} | Old: 0 | New: 6 | Reason: import" in caplog.text
    assert caplog.text.count("Stock Update:") == 1  # no movement for a zero opening stock
    assert [
        (m.reason, m.delta, m.stock_after) for m in store.inventory.movements(manager, p.id)
    ] == [("import", 6, 6)]
    assert store.audit.check().ok


def test_images_in_csv_never_carry_a_machine_path(store, manager, make_product, tmp_path):
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "ok.png").write_bytes(tiny_png())
    (tmp_path / "notes.png").write_bytes(b"just some text, not a picture")
    (tmp_path / "huge.png").write_bytes(tiny_png() + b"\0" * (2 * 1024 * 1024))
    path = _write(
        tmp_path,
        "sku,name,price,image\n"
        "I-1,Good,1.00,pics/ok.png\n"  # line 2: a file in a folder beside the CSV
        f"I-2,Absolute,1.00,{tmp_path / 'pics' / 'ok.png'}\n"  # line 3: a machine path
        "I-3,Text,1.00,notes.png\n"  # line 4: not a picture
        "I-4,Huge,1.00,huge.png\n"  # line 5: over the cap
        "I-5,Missing,1.00,gone.png\n"  # line 6: no such file
        "I-6,Demo,1.00,CYBEYE-001.png\n"  # line 7: a bundled demo image
        "I-7,Elsewhere,1.00,sha256:" + "ab" * 32 + "\n",  # line 8: not stored here
    )
    with pytest.raises(PosError) as info:
        store.product_io.import_csv(manager, path)
    reasons = {e["line"]: e["reason"] for e in info.value.details["errors"]}
    assert sorted(reasons) == [3, 4, 5, 6, 8]
    assert "path on one machine" in reasons[3]
    assert "not a picture" in reasons[4]
    assert "MiB" in reasons[5]
    assert "not next to the CSV" in reasons[6]
    assert "not stored in this database" in reasons[8]
    good = _write(
        tmp_path,
        "sku,name,price,image\nI-1,Good,1.00,pics/ok.png\nI-6,Demo,1.00,CYBEYE-001.png\n",
        "good.csv",
    )
    store.product_io.import_csv(manager, good)
    stored = store.catalog.find_code(manager, "I-1").image
    assert stored is not None and stored.startswith("sha256:")
    assert store.catalog.find_code(manager, "I-6").image == "CYBEYE-001.png"
    # An old product still holding a machine path exports without it.
    legacy = make_product(sku="OLD-1")
    with Session(store.engine) as s, s.begin():
        s.execute(
            Product.__table__.update()
            .where(Product.id == legacy.id)
            .values(image="/home/manager/Pictures/old.png")
        )
    out = tmp_path / "export.csv"
    store.product_io.export_csv(manager, out)
    text = out.read_text(encoding="utf-8")
    assert "/home/manager" not in text and stored in text and "CYBEYE-001.png" in text
    # The export imports back into the same database (images by their stored reference).
    result = store.product_io.import_csv(manager, out)
    assert result.updated == 3
    with Session(store.engine) as s:
        assert s.execute(select(func.count()).select_from(ProductImage)).scalar_one() == 1


def test_hostile_numbers_are_line_errors_and_service_errors(store, manager, tmp_path):
    before = _counts(store)
    path = _write(
        tmp_path,
        "sku,name,price,stock,low_stock_threshold\n"
        "H-1,Huge price,1e30,1,1\n"
        "H-2,Huge stock,1.00,9223372036854775808,1\n"
        "H-3,Huge threshold,1.00,1,2147483648\n"
        "H-4,Not a number,NaN,1,1\n",
    )
    with pytest.raises(PosError) as info:
        store.product_io.import_csv(manager, path)
    assert [e["line"] for e in info.value.details["errors"]] == [2, 3, 4, 5]
    # The catalog service runs the same rules.
    for fields in ({"price": "1e30"}, {"price": "1.00", "stock": 2**63}):
        with pytest.raises(PosError) as info:
            store.catalog.add_product(manager, sku="H-9", name="Huge", **fields)
        assert info.value.code == ErrorCode.VALIDATION_ERROR
    assert _counts(store) == before


def test_opening_stock_is_only_for_products_without_stock(store, manager, make_product):
    fresh = make_product(sku="F-1", stock=0)
    stocked = make_product(sku="S-1", stock=3)
    ledger = Ledger("import", manager.user_id, None, note="test")
    before = _counts(store)
    with pytest.raises(PosError):
        store.uow.run(
            lambda tx: open_stock(tx, [(fresh.id, 5), (stocked.id, 5)], ledger),
            operation="test.open_stock",
        )
    assert _counts(store) == before  # both or neither
    assert store.catalog.get(manager, fresh.id).stock_quantity == 0
    store.uow.run(lambda tx: open_stock(tx, [(fresh.id, 5)], ledger), operation="test.open")
    assert store.catalog.get(manager, fresh.id).stock_quantity == 5
    assert store.audit.check().ok
