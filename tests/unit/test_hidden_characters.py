"""The one check for control and invisible characters in text fields (issue 21 item 7)."""

from __future__ import annotations

import pytest

from pos.errors import ErrorCode, PosError
from pos.limits import COUNTER_CODE_MAX, ORDER_NUMBER_MAX, order_number
from pos.services.plumbing import validation

REFUSED = {
    "NUL": "\x00",
    "bell": "\x07",
    "escape": "\x1b",
    "DEL": "\x7f",
    "C1 CSI": "\x9b",
    "zero-width space": "\u200b",
    "zero-width non-joiner": "\u200c",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "byte-order mark": "\ufeff",
    "soft hyphen": "\u00ad",
    "right-to-left override": "\u202e",
    "left-to-right embedding": "\u202a",
    "first strong isolate": "\u2068",
    "line separator": "\u2028",
    "lone surrogate": "\udc80",
}


@pytest.mark.parametrize("char", REFUSED.values(), ids=REFUSED.keys())
def test_refused_everywhere_even_in_multi_line_fields(char):
    for multiline in (False, True):
        with pytest.raises(PosError) as err:
            validation.text(f"P1{char}x", "SKU", max_length=64, multiline=multiline)
        assert err.value.code == ErrorCode.VALIDATION_ERROR
        assert err.value.details == {
            "field": "SKU",
            "character": f"U+{ord(char):04X}",
            "position": 3,
        }


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_tabs_and_line_breaks_only_in_multi_line_fields(char):
    assert validation.text(f"a{char}b", "note", max_length=9, multiline=True) == f"a{char}b"
    with pytest.raises(PosError) as err:
        validation.text(f"a{char}b", "Name", max_length=9)
    assert err.value.code == ErrorCode.VALIDATION_ERROR


@pytest.mark.parametrize(
    "value", ["Café crème", "a\u00a0b", "e\u0301", "😀 ok", "中文", "עברית", "x" * 64]
)
def test_ordinary_text_of_any_script_passes(value):
    assert validation.text(value, "Name", max_length=64) == value


def test_a_password_is_checked_but_never_echoed_or_stripped():
    assert validation.secret("  spaced out  ") == "  spaced out  "
    with pytest.raises(PosError) as err:
        validation.secret("hunter2\x00")
    assert "hunter2" not in err.value.message and "hunter2" not in str(err.value.details)
    with pytest.raises(PosError):
        validation.secret(b"bytes")
    with pytest.raises(PosError) as err:
        validation.secret("x" * 1025)
    assert err.value.details["max_length"] == 1024


def test_the_longest_counter_code_still_makes_an_order_number_that_fits():
    from datetime import UTC, datetime

    code = validation.counter_code("C" * COUNTER_CODE_MAX)
    longest = order_number(code, datetime(2099, 12, 31, tzinfo=UTC), 2**31 - 1)
    assert len(longest) == ORDER_NUMBER_MAX
    with pytest.raises(PosError) as err:
        validation.counter_code("C" * (COUNTER_CODE_MAX + 1))
    assert err.value.code == ErrorCode.VALIDATION_ERROR
    assert err.value.details["max_length"] == COUNTER_CODE_MAX
    with pytest.raises(PosError):
        validation.counter_code("C\u200b1")


def test_the_order_number_column_is_the_length_the_bound_assumes():
    from pos.models import Order

    assert Order.__table__.c.order_number.type.length == ORDER_NUMBER_MAX


def test_the_default_counter_code_from_a_long_host_name_is_short_enough(monkeypatch):
    from pos import config

    monkeypatch.setattr(config.socket, "gethostname", lambda: "a" * 63 + ".example.com")
    assert len(config.default_counter_code()) == COUNTER_CODE_MAX


@pytest.mark.parametrize("value", [b"P1", bytearray(b"P1"), ["P1"], ("P1",), {"P1": 1}])
def test_bytes_and_containers_are_not_text(value):
    with pytest.raises(PosError) as err:
        validation.text(value, "SKU", max_length=64)
    assert err.value.code == ErrorCode.VALIDATION_ERROR
