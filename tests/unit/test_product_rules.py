"""The product field rules (catalog/rules.py) that both the catalog service and the CSV
import use: hostile values get VALIDATION_ERROR naming the field, never a raw exception."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos.errors import ErrorCode, PosError
from pos.services.catalog import rules


@pytest.mark.parametrize(
    "value",
    [
        "1e30",
        Decimal("1e30"),
        "92233720368547758.08",
        2**63,
        "NaN",
        "Infinity",
        "-1e400",
        Decimal("sNaN"),
        1.5,
        True,
        None,
        "",
        "-0.01",
        "0.001",
        "12,50",  # a decimal comma only where the caller says the text uses one
        [1],
    ],
)
def test_hostile_prices_are_validation_errors(value):
    with pytest.raises(PosError) as info:
        rules.price_cents(value)
    assert info.value.code == ErrorCode.VALIDATION_ERROR
    assert info.value.details["field"] in ("price", "Price")


def test_good_prices():
    assert rules.price_cents("12.50") == 1250
    assert rules.price_cents("12,50", decimal_comma=True) == 1250
    assert rules.price_cents(Decimal("0")) == 0
    assert rules.price_cents(7) == 700
    assert rules.price_cents("10000000.00") == rules.MAX_PRICE_CENTS


@pytest.mark.parametrize("value", [2**31, 2**63, -1, "x", 1.0, True, None, "1e3"])
def test_hostile_quantities(value):
    for rule in (rules.stock, rules.low_stock_threshold):
        with pytest.raises(PosError) as info:
            rule(value)
        assert info.value.code == ErrorCode.VALIDATION_ERROR


def test_text_fields():
    assert rules.sku(" A-1 ") == "A-1"
    assert rules.barcode("") is None and rules.category("  ") is None
    for bad in (lambda: rules.sku("A 1"), lambda: rules.sku(""), lambda: rules.name("x" * 201)):
        with pytest.raises(PosError):
            bad()
    assert rules.active("Yes") is True and rules.active("0") is False
    with pytest.raises(PosError):
        rules.active("maybe")


def test_product_fields_whole_and_partial():
    fields = rules.product_fields({"sku": "A-1", "name": "Apple", "price": "1.00"})
    assert fields == {
        "sku": "A-1",
        "barcode": None,
        "name": "Apple",
        "description": "",
        "price_cents": 100,
        "low_stock_threshold": rules.DEFAULT_THRESHOLD,
        "active": True,
    }
    assert rules.product_fields({"name": "B"}, partial=True) == {"name": "B"}
    with pytest.raises(PosError) as info:
        rules.product_fields({"name": "No SKU", "price": "1.00"})
    assert "SKU is required" in info.value.message
    with pytest.raises(PosError) as info:
        rules.product_fields({"colour": "red"}, partial=True)
    assert "Unknown fields" in info.value.message
