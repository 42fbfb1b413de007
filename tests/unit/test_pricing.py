from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.errors import PosError
from pos.money import from_cents, round_half_up, to_cents
from pos.services.pricing.totals import PriceRules, tax_cents, totals

SEED = PriceRules()  # 8% tax, 15.99 shipping, free over 200.00


def d(cents: int) -> Decimal:
    return from_cents(cents)


def test_seed_example_150_delivery():
    t = totals(to_cents("150.00"), SEED, delivery=True).as_decimal()
    assert (t.subtotal, t.tax, t.shipping, t.total) == (
        Decimal("150.00"),
        Decimal("12.00"),
        Decimal("15.99"),
        Decimal("177.99"),
    )


def test_carry_out_has_no_shipping():
    t = totals(to_cents("150.00"), SEED, delivery=False).as_decimal()
    assert t.shipping == Decimal("0.00")
    assert t.total == Decimal("162.00")


def test_exactly_200_still_pays_shipping():
    t = totals(to_cents("200.00"), SEED, delivery=True).as_decimal()
    assert t.shipping == Decimal("15.99")
    assert t.total == Decimal("231.99")


def test_200_01_ships_free():
    t = totals(to_cents("200.01"), SEED, delivery=True).as_decimal()
    assert t.shipping == Decimal("0.00")
    assert t.tax == Decimal("16.00")  # 16.0008 rounds to 16.00
    assert t.total == Decimal("216.01")


@pytest.mark.parametrize(
    ("subtotal", "tax"),
    [
        ("0.06", "0.00"),  # 0.0048
        ("0.07", "0.01"),  # 0.0056
        ("1.25", "0.10"),
    ],
)
def test_tax_rounds_half_up(subtotal, tax):
    assert d(tax_cents(to_cents(subtotal), 80_000)) == Decimal(tax)


def test_half_cent_rounds_up_not_to_even():
    # 0.25 at 10% is exactly 2.5 cents: half-up gives 3 (half-even would give 2).
    assert tax_cents(25, 100_000) == 3
    assert round_half_up(Decimal("0.025")) == Decimal("0.03")


def test_empty_cart_has_no_shipping_even_for_delivery():
    assert totals(0, SEED, delivery=True).total == 0


@given(
    subtotal=st.integers(min_value=0, max_value=10**9),
    rate=st.integers(min_value=0, max_value=999_999),
    delivery=st.booleans(),
)
def test_totals_add_up_and_match_decimal_arithmetic(subtotal, rate, delivery):
    rules = PriceRules(rate, 1599, 20_000)
    t = totals(subtotal, rules, delivery)
    assert t.total == t.subtotal + t.tax + t.shipping
    exact = d(subtotal) * Decimal(rate) / Decimal(1_000_000)
    assert d(t.tax) == round_half_up(exact)
    assert abs(d(t.tax) - exact) <= Decimal("0.005")
    if not delivery or subtotal == 0:
        assert t.shipping == 0
    else:
        assert t.shipping == (0 if subtotal > 20_000 else 1599)


@given(st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False))
def test_cents_round_trip(amount):
    assert from_cents(to_cents(amount)) == amount


def test_money_refuses_floats_and_extra_decimals():
    with pytest.raises(PosError):
        to_cents(1.5)  # type: ignore[arg-type]
    with pytest.raises(PosError):
        to_cents("1.234")
