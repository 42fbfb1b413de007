"""Input checks shared by services: ids, quantities, roles, plain text fields (bounded, no
control or invisible characters), passwords, counter codes and file paths."""

from __future__ import annotations

import os
import unicodedata
import uuid
from pathlib import Path
from typing import Any

from pos.errors import ErrorCode, PosError
from pos.limits import COUNTER_CODE_MAX
from pos.models import MAX_LINE_QUANTITY
from pos.views import Actor

# Cc control, Cf format (zero-width, bidi, BOM), Cs surrogate, Zl/Zp line/paragraph separator.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_LINE_CHARACTERS = frozenset("\t\n\r")


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


def hidden_character(value: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """The first character no text field may hold, as (position, "U+XXXX"), or None.

    Refused: control characters (C0, DEL, C1; tab, newline and carriage return only where a
    field holds several lines), format characters (zero-width space and joiners U+200B-D,
    word joiner U+2060, byte-order mark U+FEFF, soft hyphen, bidi embeddings, overrides and
    isolates U+202A-E and U+2066-9), lone surrogates, and the Unicode line and paragraph
    separators. Why: PostgreSQL refuses NUL outright (a DATABASE_ERROR instead of a clear
    answer) while SQLite stores it; invisible characters make `P1` and `P1` + U+200B two
    different SKUs or user names that look the same; bidi overrides make a receipt or a log
    line read differently from what it holds; a lone surrogate cannot be encoded at all.
    """
    if value.isprintable():  # the usual case, in C: no control, format or separator
        return None
    for position, char in enumerate(value):
        if multiline and char in _LINE_CHARACTERS:
            continue
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            return position, f"U+{ord(char):04X}"
    return None


def text(
    value: Any,
    field: str,
    *,
    max_length: int,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """Text a user typed, stripped, within max_length characters and free of control and
    invisible characters (multiline=True allows tab and line breaks: notes, descriptions)."""
    if isinstance(value, (bytes, bytearray, memoryview, list, tuple, dict, set)):
        # str() would store "b'P1'" or "['x']": a caller's mistake, not text a user typed.
        raise PosError(ErrorCode.VALIDATION_ERROR, f"{field} must be text.", {"field": field})
    cleaned = "" if value is None else str(value).strip()
    if required and not cleaned:
        raise PosError(ErrorCode.VALIDATION_ERROR, f"{field} is required.", {"field": field})
    if len(cleaned) > max_length:
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            f"{field} is longer than {max_length} characters.",
            {"field": field, "max_length": max_length},
        )
    refuse_hidden(cleaned, field, multiline=multiline)
    return cleaned


def refuse_hidden(value: str, field: str, *, multiline: bool = False) -> None:
    """VALIDATION_ERROR naming the field and the character (never echoing the value: it
    may be a password)."""
    found = hidden_character(value, multiline=multiline)
    if found is not None:
        position, code = found
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            f"{field[:1].upper()}{field[1:]} contains an invisible or control character "
            f"({code} at position {position + 1}); retype it without that character.",
            {"field": field, "character": code, "position": position + 1},
        )


def secret(value: Any, field: str = "password", *, max_length: int = 1024) -> str:
    """A password as typed (not stripped: spaces count), free of control and invisible
    characters: such a password could never be typed again at another keyboard, and NUL
    cannot reach a PostgreSQL connection. The length cap keeps a 10 MB "password" from
    reaching the deliberately slow hash."""
    if not isinstance(value, str):
        raise PosError(ErrorCode.VALIDATION_ERROR, f"The {field} must be text.", {"field": field})
    if len(value) > max_length:
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            f"The {field} is longer than {max_length} characters.",
            {"field": field, "max_length": max_length},
        )
    refuse_hidden(value, field)
    return value


def file_path(value: Any, label: str = "The file") -> Path:
    """A path the operating system can take. File names are not text fields (a name with
    odd bytes decodes to lone surrogates and is still a real file), so only what no file
    name can hold is refused: NUL, and characters the file system encoding cannot carry.
    Without this, os.stat raised a raw ValueError or UnicodeEncodeError."""
    if not isinstance(value, (str, Path)):
        raise PosError(ErrorCode.VALIDATION_ERROR, f"{label} must be a path.", {"field": "path"})
    try:
        encoded = os.fsencode(value)
    except UnicodeError:
        encoded = b"\0"
    if b"\0" in encoded or not encoded:
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            f"{label} has a name no file can have (empty, NUL or an unencodable character).",
            {"field": "path"},
        )
    return Path(value)


def counter_code(value: Any) -> str:
    """A counter code short enough that every order number made at it fits its column
    (see pos.models.sales.COUNTER_CODE_MAX): refused at sign-in, not at the first sale."""
    code = text(value, "counter code", max_length=10 * COUNTER_CODE_MAX)
    if len(code) > COUNTER_CODE_MAX:
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            f"The counter code {code[:COUNTER_CODE_MAX]}... is longer than {COUNTER_CODE_MAX} "
            "characters: every order number starts with it and must fit. Choose a shorter "
            "one (pos configure --counter CODE).",
            {"field": "counter code", "max_length": COUNTER_CODE_MAX, "length": len(code)},
        )
    return code


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
