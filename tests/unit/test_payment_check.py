"""The checkout's payment rules without Qt: what can be confirmed, change, refusals."""

from decimal import Decimal

import pytest

from pos.ui.payment_check import check_payment, parse_amount, quick_cash
from pos.ui.plural import count_of, plural

D = Decimal
TOTAL = D("1620.00")
BOUND = D("1000.00")


def check(cash: str, card: str = ""):
    return check_payment(TOTAL, cash, card, BOUND)


@pytest.mark.parametrize(
    ("text", "value"),
    [("50", D("50.00")), ("$1,050.5", D("1050.50")), ("", D("0.00")), (" 7 ", D("7.00"))],
)
def test_parse_amount_reads_money(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["abc", "-5", "1.005", "NaN", "Infinity", "1e3x"])
def test_parse_amount_refuses_nonsense(text):
    assert parse_amount(text) is None


def test_short_cash_is_never_confirmable_and_says_by_how_much():
    c = check("20")
    assert not c.can_confirm and c.short == D("1600.00") and c.change == 0
    assert c.refusal() == "Payment is short by 1,600.00: nothing was recorded."


def test_nothing_entered_is_refused():
    c = check("")
    assert not c.can_confirm and not c.entered
    assert "Enter the cash tendered" in c.refusal()


def test_cash_with_change():
    c = check("1700")
    assert c.can_confirm and c.change == D("80.00") and not c.large_cash
    assert c.payments == [("cash", D("1700.00"))]


def test_card_never_above_the_total():
    c = check("", "1700")
    assert not c.can_confirm and c.change == 0
    assert "at most the total due, 1,620.00" in c.problem and c.problem_field == "card"
    assert check("12..5").problem_field == "cash"
    assert check("1700").problem_field == ""


def test_change_is_never_more_than_the_cash():
    for cash, card in [("1000", "700"), ("50", "1620"), ("2000", "10"), ("30", "1595")]:
        c = check(cash, card)
        assert c.can_confirm
        assert c.change == D(cash) + D(card) - TOTAL <= D(cash)


def test_large_cash_is_flagged_above_the_bound_only():
    assert not check("2620").large_cash  # exactly 1,000.00 over
    assert check("2620.01").large_cash
    assert check("2081008457513").large_cash  # a barcode in the cash field


def test_too_long_text_is_a_mistake_not_money():
    c = check("12345678901234567")
    assert c.problem and not c.can_confirm


def test_rest_on_card_room_and_cash_due():
    c = check("100", "")
    assert c.card_room == D("1520.00")
    c = check("", "1595")
    assert c.cash_due == D("25.00")


def test_quick_cash_amounts_above_what_is_due():
    assert quick_cash(D("1620.00")) == [D("1650"), D("1700")]
    assert quick_cash(D("12.93")) == [D("15"), D("20"), D("50")]
    assert quick_cash(D("0")) == []


@pytest.mark.parametrize(
    ("n", "noun", "text"),
    [
        (1, "product", "1 product"),
        (2, "product", "2 products"),
        (0, "open cart", "0 open carts"),
        (1, "open cart", "1 open cart"),
        (1200, "item", "1,200 items"),
        (3, "category", "3 categories"),
    ],
)
def test_counts_read_right(n, noun, text):
    assert count_of(n, noun) == text


def test_plural_with_an_explicit_form():
    assert plural(2, "person", "people") == "people"
    assert plural(1, "person", "people") == "person"


def test_shipping_words_always_give_the_rule():
    from pos.money import format_money
    from pos.ui.shipping_words import delivery_notice, shipping_amount, shipping_rule
    from pos.views import CartView, StoreSettingsView

    settings = StoreSettingsView(
        store_name="S",
        tax_rate=D("0.08"),
        shipping_fee=D("15.99"),
        free_shipping_threshold=D("200.00"),
        currency="USD",
        require_customer=False,
        cash_confirm_over_total=BOUND,
    )
    money = format_money

    def cart(shipping: str, delivery: bool = True) -> CartView:
        return CartView(1, "C1", (), 1, D("250"), D("20"), D(shipping), D("270"), delivery)

    assert shipping_rule(settings, money) == "Shipping $15.99, free over $200.00"
    assert shipping_amount(cart("0"), settings, money) == "free (orders over $200.00)"
    assert shipping_amount(cart("15.99"), settings, money) == "$15.99"
    assert delivery_notice(cart("0"), settings, money) == (
        "Delivery: shipping free (orders over $200.00)"
    )
    assert delivery_notice(cart("15.99"), settings, money) == "Delivery: shipping $15.99 added"
    assert delivery_notice(cart("0", delivery=False), settings, money) == "Carry-out: no shipping"
