"""Input checks shared by services: ids, quantities, roles, plain text fields."""

from __future__ import annotations

import uuid
from typing import Any

from pos.errors import ErrorCode, PosError
from pos.models import MAX_LINE_QUANTITY
from pos.views import Actor


def product_id(value: Any) -> uuid.UUID:
    """The seed requires UUID product ids; anything else is INVALID_PRODUCT_ID."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except (ValueError, AttributeError, TypeError):
        raise PosError(
            ErrorCode.INVALID_PRODUCT_ID,
            "Invalid product id.",
            {"product_id": str(value)[:64]},
        ) from None


def _as_int(value: Any) -> int | None:
    """A whole number from an int or its text; floats and bools are refused, not rounded."""
    if isinstance(value, (bool, float)):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (ValueError, TypeError):
        return None


def line_quantity(value: Any) -> int:
    """An integer 1..99: the seed's per-item quantity limits."""
    number = _as_int(value)
    if number is None or not 1 <= number <= MAX_LINE_QUANTITY:
        raise PosError(
            ErrorCode.INVALID_QUANTITY,
            f"Quantity must be a whole number from 1 to {MAX_LINE_QUANTITY}.",
            {
                "requested": number if number is not None else str(value)[:32],
                "min": 1,
                "max": MAX_LINE_QUANTITY,
            },
        )
    return number


def whole_number(value: Any, field: str, *, minimum: int | None = None) -> int:
    number = _as_int(value)
    if number is None:
        raise PosError(
            ErrorCode.VALIDATION_ERROR, f"{field} must be a whole number.", {"field": field}
        )
    if minimum is not None and number < minimum:
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            f"{field} must be at least {minimum}.",
            {"field": field, "value": number},
        )
    return number


def text(value: Any, field: str, *, max_length: int, required: bool = True) -> str:
    cleaned = "" if value is None else str(value).strip()
    if required and not cleaned:
        raise PosError(ErrorCode.VALIDATION_ERROR, f"{field} is required.", {"field": field})
    if len(cleaned) > max_length:
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            f"{field} is longer than {max_length} characters.",
            {"field": field, "max_length": max_length},
        )
    return cleaned


def require_manager(actor: Actor) -> None:
    if not isinstance(actor, Actor):
        raise PosError(ErrorCode.NOT_AUTHENTICATED, "Please sign in first.")
    if actor.role != "manager":
        raise PosError(
            ErrorCode.FORBIDDEN,
            "Only a manager can do that.",
            {"user": actor.username, "role": actor.role},
        )


def require_actor(actor: Actor) -> None:
    if not isinstance(actor, Actor):
        raise PosError(ErrorCode.NOT_AUTHENTICATED, "Please sign in first.")


def require_counter(actor: Actor) -> int:
    require_actor(actor)
    if actor.counter_id is None:
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            "Sign in at a counter to sell.",
            {"user": actor.username},
        )
    return actor.counter_id
