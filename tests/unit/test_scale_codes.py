"""Scale labels: price- and weight-embedded EAN-13 codes, decoded exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.devices.scale.codes import (
    Embedded,
    ScaleRule,
    check_digit,
    decode,
    encode,
    rules_from_values,
)
from pos.errors import ErrorCode, PosError

PRICE = ScaleRule("20", 5, Embedded.PRICE, 2)
WEIGHT = ScaleRule("21", 5, Embedded.WEIGHT, 3)
RULES = (PRICE, WEIGHT)


def test_check_digit_of_known_codes():
    assert check_digit("400638133393") == 1  # 4006381333931, a published example
    assert check_digit("978030640615") == 7  # 9780306406157 (ISBN-13)
    assert check_digit("200000000000") == 8


def test_price_embedded_code():
    code = "2012345012990"[:12]
    code += str(check_digit(code))
    found = decode(code, RULES)
    assert found is not None
    assert found.item == "12345" and found.price == Decimal("12.99")
    assert found.weight_kg is None and found.grams is None
    assert str(found.price) == "12.99"  # exact Decimal, never a float


def test_weight_embedded_code():
    code = encode(WEIGHT, "00042", Decimal("1.250"))
    assert code[:12] == "210004201250"
    found = decode(code, RULES)
    assert found is not None
    assert found.item == "00042"
    assert found.weight_kg == Decimal("1.250") and found.grams == 1250
    assert found.price is None


def test_bad_check_digit_is_refused_clearly():
    good = encode(PRICE, "12345", Decimal("3.49"))
    bad = good[:12] + str((int(good[12]) + 1) % 10)
    with pytest.raises(PosError) as caught:
        decode(bad, RULES)
    assert caught.value.code == ErrorCode.INVALID_BARCODE
    assert "check digit" in caught.value.message and bad in caught.value.message
    assert caught.value.details["expected"] == int(good[12])


def test_other_codes_are_not_scale_codes():
    assert decode("4006381333931", RULES) is None  # an ordinary product barcode
    assert decode("2212345012993", RULES) is None  # prefix 22 not configured
    assert decode("20123", RULES) is None
    assert decode("20123450129x0", RULES) is None
    assert decode("SKU-20", RULES) is None


@given(
    item=st.integers(0, 99999),
    cents=st.integers(0, 99999),
    prefix=st.sampled_from([str(n) for n in range(20, 30)]),
    item_digits=st.integers(3, 6),
    decimals=st.integers(0, 3),
)
def test_round_trip_is_exact(item, cents, prefix, item_digits, decimals):
    rule = ScaleRule(prefix, item_digits, Embedded.PRICE, decimals)
    item %= 10**item_digits
    cents %= 10**rule.value_digits
    value = Decimal(cents).scaleb(-decimals)
    found = decode(encode(rule, str(item), value), [rule])
    assert found is not None
    assert int(found.item) == item and found.value == value


def test_rules_from_settings():
    rules = rules_from_values({"scale_rules": "21:5:weight:3; 20:5:price:2;bad;30:5:price:2"})
    assert rules == (PRICE, WEIGHT)
    assert rules_from_values({}) == ()
    with pytest.raises(ValueError):
        ScaleRule("20", 7)
