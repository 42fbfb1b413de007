"""Hard bounds for every number a caller can hand a service, checked before any SQL.

The same checks run on both backends, so SQLite (64-bit integers, no overflow before 2**63)
and PostgreSQL (32-bit INTEGER columns) refuse exactly the same values. A refusal is a
PosError whose details name the field; nothing has been written when it is raised.

The bounds, and why:
- Money (prices, shipping fees, thresholds): whole cents from 0 to MAX_MONEY_CENTS
  (9,999,999,999.99). A line is at most 99 units, so one line is below 10**14 cents and
  about 90,000 such lines still fit a 64-bit total (9.2 * 10**18): sums of bounded
  amounts cannot overflow a BIGINT column or the order totals.
- Payments: 0.01 to MAX_PAYMENT_CENTS (10**16 - 1 cents), enough to pay any realistic
  total of bounded prices, and several of them still sum far below 2**63.
- Stock levels and thresholds: 0 to MAX_STOCK (10**9 units). Changes (deltas, receipts,
  stocktake differences): -MAX_STOCK to MAX_STOCK, and a change is refused if the level
  after it would leave 0..MAX_STOCK, so level + change always fits a 32-bit INTEGER
  (2**31 - 1 is about 2.1 * 10**9).
- Record ids (users, customers, carts): 1 to 2**31 - 1, the range of their INTEGER keys.
- Row counts asked for (limits): 1 to MAX_ROWS; offsets 0 to MAX_OFFSET.
- Ages (hours): a finite number from 0 to MAX_AGE_HOURS (ten years).

Floats are refused where exactness matters (money, counts): 0.1 has no exact binary value,
and a float quantity is a caller bug, not something to round silently. Booleans are refused
everywhere a number is expected (Python treats True as 1).
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from pos.errors import ErrorCode, PosError

MAX_MONEY_CENTS = 10**12 - 1
MAX_PAYMENT_CENTS = 10**16 - 1
MAX_STOCK = 10**9
MAX_ID = 2**31 - 1
MAX_ROWS = 10_000
MAX_OFFSET = 10**9
MAX_AGE_HOURS = 24 * 366 * 10

_CENT = Decimal("0.01")


def _refuse(field: str, message: str, code: str, **details: Any) -> PosError:
    return PosError(code, message, {"field": field, **details})


def _label(field: str, label: str | None) -> str:
    return label or field.replace("_", " ").capitalize()


def whole(value: Any) -> int | None:
    """An int from an int or its decimal text; None for anything else (floats, bools, NaN,
    exponents, None, containers)."""
    if isinstance(value, (bool, float)):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            return None
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        sign = text[:1] if text[:1] in "+-" else ""
        digits = text[len(sign) :]
        # Digits only (no "1e9", "_", or 4,000-digit strings that take time to parse).
        if not digits.isascii() or not digits.isdigit() or len(digits) > 19:
            return None
        return int(text)
    return None


def integer(
    value: Any,
    field: str,
    *,
    minimum: int,
    maximum: int,
    label: str | None = None,
    code: str = ErrorCode.VALIDATION_ERROR,
) -> int:
    """A whole number within [minimum, maximum], or a PosError naming the field."""
    number = whole(value)
    name = _label(field, label)
    if number is None:
        raise _refuse(field, f"{name} must be a whole number.", code, value=_shown(value))
    if not minimum <= number <= maximum:
        raise _refuse(
            field,
            _out_of_range(name, number < minimum, f"{minimum:,}", f"{maximum:,}"),
            code,
            value=_shown(number),
            min=minimum,
            max=maximum,
        )
    return number


def _out_of_range(name: str, too_small: bool, minimum: str, maximum: str) -> str:
    if too_small:
        return (
            f"{name} must not be negative."
            if minimum in ("0", "0.00")
            else (f"{name} must be at least {minimum}.")
        )
    return f"{name} must not be more than {maximum}."


def money(
    value: Any,
    field: str,
    *,
    label: str | None = None,
    minimum_cents: int = 0,
    maximum_cents: int = MAX_MONEY_CENTS,
    code: str = ErrorCode.VALIDATION_ERROR,
) -> int:
    """An amount with at most two decimals, as cents in [minimum_cents, maximum_cents]."""
    name = _label(field, label)
    amount = _decimal(value)
    if amount is None:
        raise _refuse(field, f"{name} is not an amount of money.", code, value=_shown(value))
    # Compare before quantize: quantize itself fails on 1e30 (beyond the context precision).
    low, high = Decimal(minimum_cents) / 100, Decimal(maximum_cents) / 100
    if not low <= amount <= high:
        raise _refuse(
            field,
            _out_of_range(name, amount < low, f"{low:,.2f}", f"{high:,.2f}"),
            code,
            value=_shown(value),
            min=str(low),
            max=str(high),
        )
    if amount != amount.quantize(_CENT):
        raise _refuse(field, f"{name} has more than two decimals.", code, value=_shown(value))
    return int(amount * 100)


def stock_level(value: Any, field: str, *, label: str | None = None) -> int:
    return integer(value, field, minimum=0, maximum=MAX_STOCK, label=label)


def stock_change(value: Any, field: str, *, label: str | None = None) -> int:
    return integer(value, field, minimum=-MAX_STOCK, maximum=MAX_STOCK, label=label)


def record_id(
    value: Any, field: str, *, label: str | None = None, code: str = ErrorCode.VALIDATION_ERROR
) -> int:
    return integer(value, field, minimum=1, maximum=MAX_ID, label=label, code=code)


def row_limit(value: Any, field: str = "limit", *, maximum: int = MAX_ROWS) -> int:
    return integer(value, field, minimum=1, maximum=maximum)


def row_offset(value: Any, field: str = "offset") -> int:
    return integer(value, field, minimum=0, maximum=MAX_OFFSET)


def hours(value: Any, field: str = "hours", *, label: str | None = None) -> float:
    """A finite age in hours, 0..MAX_AGE_HOURS (a float is fine here: it is not money)."""
    name = _label(field, label)
    number: float | None = None
    if not isinstance(value, bool) and isinstance(value, (int, float, Decimal, str)):
        try:
            number = float(value)
        except (ValueError, OverflowError, InvalidOperation):
            number = None
    if number is None or not math.isfinite(number) or not 0 <= number <= MAX_AGE_HOURS:
        raise _refuse(
            field,
            f"{name} must be a number of hours from 0 to {MAX_AGE_HOURS:,}.",
            ErrorCode.VALIDATION_ERROR,
            value=_shown(value),
            min=0,
            max=MAX_AGE_HOURS,
        )
    return number


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, (bool, float)):
        return None
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text or len(text) > 40:
            return None
        try:
            amount = Decimal(text)
        except (InvalidOperation, ValueError):
            return None
    else:
        return None
    return amount if amount.is_finite() else None


def _shown(value: Any) -> Any:
    """The refused value for details: numbers as they are if short, else a cut repr."""
    if isinstance(value, (int, str)) and not isinstance(value, bool) and len(str(value)) <= 32:
        return value
    return repr(value)[:32]
