"""Product field rules: the one place that says what a valid SKU, name, price ... is.

The catalog service (add and edit) stops at the first bad field and raises its PosError;
the CSV import runs the same rules on every row and collects every message with its line
number. Each rule takes what the user gave and returns the value to store, or raises
VALIDATION_ERROR naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pos.errors import ErrorCode, PosError
from pos.services.plumbing import bounds, validation

SKU_MAX = 64
BARCODE_MAX = 64
NAME_MAX = 200
DESCRIPTION_MAX = 5000
CATEGORY_MAX = 80
# Prices up to 10 million with cents: a line of 99 and an order's total still fit easily
# in the 64-bit cents columns, and a typo like 1e30 is refused instead of overflowing.
# (Below bounds.MAX_MONEY_CENTS, the limit for every amount of money.)
MAX_PRICE_CENTS = 10_000_000_00
# Stock and thresholds: the stock bound (32-bit columns with room for any one change).
MAX_QUANTITY = bounds.MAX_STOCK
DEFAULT_THRESHOLD = 5
TRUE_WORDS = frozenset({"1", "true", "yes", "y"})
FALSE_WORDS = frozenset({"0", "false", "no", "n"})


def _invalid(message: str, field: str, **details: Any) -> PosError:
    return PosError(ErrorCode.VALIDATION_ERROR, message, {"field": field, **details})


def sku(raw: Any) -> str:
    value = validation.text(raw, "SKU", max_length=SKU_MAX)
    if any(ch.isspace() for ch in value):
        raise _invalid("SKU must not contain spaces.", "sku")
    return value


def barcode(raw: Any) -> str | None:
    value = validation.text(raw, "Barcode", max_length=BARCODE_MAX, required=False)
    if any(ch.isspace() for ch in value):
        raise _invalid("Barcode must not contain spaces.", "barcode")
    return value or None


def name(raw: Any) -> str:
    return validation.text(raw, "Name", max_length=NAME_MAX)


def description(raw: Any) -> str:
    return validation.text(
        raw, "Description", max_length=DESCRIPTION_MAX, required=False, multiline=True
    )


def category(raw: Any) -> str | None:
    """A category name, or None for uncategorised (blank)."""
    return validation.text(raw, "Category", max_length=CATEGORY_MAX, required=False) or None


def price_cents(raw: Any, *, decimal_comma: bool = False) -> int:
    """A price such as 4.99 (or "4,99" where the file or the locale writes decimal commas)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise _invalid("Price is required.", "price")
    if decimal_comma and isinstance(raw, str):
        raw = raw.strip().replace(",", ".")
    return bounds.money(raw, "price", label="Price", maximum_cents=MAX_PRICE_CENTS)


def _quantity(raw: Any, label: str, field: str) -> int:
    return bounds.stock_level(raw, field, label=label)


def stock(raw: Any) -> int:
    return _quantity(raw, "Stock", "stock")


def low_stock_threshold(raw: Any) -> int:
    return _quantity(raw, "Low-stock threshold", "low_stock_threshold")


def active(raw: Any) -> bool:
    """True/False, or the words a spreadsheet uses (yes/no, 1/0, true/false)."""
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _invalid(f"Active {word[:10]!r} is not yes or no.", "active")


# The product columns a manager edits, with their rule. `image` is resolved inside the
# transaction by the images module (new bytes are stored); `stock` only opens a product.
EDITABLE: dict[str, Callable[[Any], Any]] = {
    "sku": sku,
    "barcode": barcode,
    "name": name,
    "description": description,
    "price": price_cents,
    "low_stock_threshold": low_stock_threshold,
    "active": active,
}
DEFAULTS: dict[str, Any] = {
    "barcode": None,
    "description": "",
    "low_stock_threshold": DEFAULT_THRESHOLD,
    "active": True,
}
COLUMN_OF = {"price": "price_cents"}  # the database column where it differs


def product_fields(raw: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """The checked column values of `raw` (all but image); with partial=True only the
    fields given. Unknown fields are refused: a typo must not go silently unsaved."""
    unknown = set(raw) - set(EDITABLE) - {"image"}
    if unknown:
        raise PosError(ErrorCode.VALIDATION_ERROR, f"Unknown fields: {sorted(unknown)}")
    given = dict(raw) if partial else {**DEFAULTS, **raw}
    out: dict[str, Any] = {}
    for field, rule in EDITABLE.items():
        if field in given:
            out[COLUMN_OF.get(field, field)] = rule(given[field])
        elif not partial:
            rule(None)  # a required field is missing: its rule says so
    return out
