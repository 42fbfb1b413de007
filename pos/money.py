"""Money is integer cents in the database and Decimal in Python; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pos.errors import ErrorCode, PosError

CENT = Decimal("0.01")
# Rates (tax) are stored as integer parts per million: 8% == 80_000.
PPM = Decimal(1_000_000)


def round_half_up(value: Decimal) -> Decimal:
    """Round to cents the way a receipt does (Python's default is half-even)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(value: Decimal | int | str, field: str = "amount") -> int:
    """Parse a money amount with at most two decimals into integer cents."""
    if isinstance(value, float):
        raise PosError(ErrorCode.VALIDATION_ERROR, f"{field} must not be a float", {"field": field})
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise PosError(
            ErrorCode.VALIDATION_ERROR, f"{field} is not a number", {"field": field}
        ) from None
    if not amount.is_finite():
        raise PosError(ErrorCode.VALIDATION_ERROR, f"{field} is not a number", {"field": field})
    if amount != amount.quantize(CENT):
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            f"{field} has more than two decimals",
            {"field": field, "value": str(amount)},
        )
    return int(amount * 100)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def rate_to_ppm(rate: Decimal | str, field: str = "rate") -> int:
    try:
        value = Decimal(str(rate))
    except InvalidOperation:
        raise PosError(ErrorCode.VALIDATION_ERROR, f"{field} is not a number") from None
    if not value.is_finite() or value < 0 or value >= 1:
        raise PosError(ErrorCode.VALIDATION_ERROR, f"{field} must be between 0 and 1 (0.08 is 8%)")
    ppm = value * PPM
    if ppm != ppm.to_integral_value():
        raise PosError(ErrorCode.VALIDATION_ERROR, f"{field} has too many decimals")
    return int(ppm)


def ppm_to_rate(ppm: int) -> Decimal:
    return (Decimal(ppm) / PPM).normalize()


def format_money(amount: Decimal, currency: str = "USD") -> str:
    symbol = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}.get(currency)
    text = f"{amount:,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency}"
