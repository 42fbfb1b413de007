"""Which secrets an account may have: at least 6 characters for every account (8 for
managers), or, only where the store allows PINs, a clerk PIN of 4 or 5 digits.

The shape is checked before the (slow) hash; whether the store allows PINs is read in the
same transaction that stores the hash, so a setting switched off meanwhile still counts.
A store that allows PINs also gets the stronger sign-in delays (lockout.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from pos.errors import ErrorCode, PosError
from pos.models import StoreSettings
from pos.services.plumbing import validation
from pos.services.plumbing.uow import Tx

MIN_PASSWORD = {"clerk": 6, "manager": 8}
MIN_PIN = 4


def is_pin(secret: str) -> bool:
    """Digits only and shorter than a clerk's password: what a store must allow first."""
    return secret.isascii() and secret.isdigit() and MIN_PIN <= len(secret) < MIN_PASSWORD["clerk"]


def check_shape(secret: Any, role: str) -> bool:
    """The secret if it is long enough for the role, or a clerk PIN; True for a PIN (the
    caller then calls require_pins_allowed in its transaction)."""
    secret = validation.secret(secret)  # text, no hidden characters, at most 1024
    if len(secret) >= MIN_PASSWORD[role]:
        return False
    if role == "clerk" and is_pin(secret):
        return True
    raise _too_short(role)


def pins_allowed(tx: Tx) -> bool:
    row = tx.session.execute(select(StoreSettings.allow_pins).where(StoreSettings.id == 1))
    return bool(row.scalar())


def require_pins_allowed(tx: Tx) -> None:
    if not pins_allowed(tx):
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            f"This store does not allow PINs: a password needs at least "
            f"{MIN_PASSWORD['clerk']} characters. A manager can allow clerk PINs in the "
            "store settings.",
            {"field": "password"},
        )


def hint(role: str, *, pins: bool = False) -> str:
    """What a password field asks for, in the words the refusals use."""
    text = f"At least {MIN_PASSWORD[role]} characters"
    if pins and role == "clerk":
        text += f" (or a PIN of {MIN_PIN}\u2013{MIN_PASSWORD['clerk'] - 1} digits)"
    return text


def _too_short(role: str) -> PosError:
    pin = (
        f" (or, where the store allows PINs, {MIN_PIN}\u2013{MIN_PASSWORD['clerk'] - 1} digits)"
        if role == "clerk"
        else ""
    )
    return PosError(
        ErrorCode.VALIDATION_ERROR,
        f"A {role} password needs at least {MIN_PASSWORD[role]} characters{pin}.",
        {"field": "password"},
    )
