"""Password and PIN hashing: Argon2id (argon2-cffi) for new hashes, scrypt still verified.

Argon2id with RFC 9106's low-memory profile (t=3, m=64 MiB, p=4) exceeds OWASP's current
minimum (m=19 MiB, t=2, p=1). Hashes written by earlier versions (`scrypt$N$r$p$salt$digest`)
still verify; `needs_rehash` tells the sign-in to replace them with Argon2id once the clerk
has typed the right password, so old hashes disappear as people sign in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

# The production parameters. Tests swap `_hasher` for a cheap one through a fixture; nothing
# in the program reads an environment variable or setting that could weaken it.
PARAMETERS = profiles.RFC_9106_LOW_MEMORY
_hasher = PasswordHasher.from_parameters(PARAMETERS)

_SCRYPT_MAXMEM = 256 * 1024 * 1024
_dummy_hashes: dict[str, str] = {}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, stored: str) -> bool:
    if stored.startswith("scrypt$"):
        return _verify_scrypt(password, stored)
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True for scrypt hashes and for Argon2 hashes made with weaker or other parameters."""
    if not stored.startswith("$argon2id$"):
        return True
    try:
        return _hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def verify_dummy(password: str) -> None:
    """Spend the same time as a real check when the user name is unknown, so timing does not
    tell names apart. The dummy hash uses the current parameters (made once per set)."""
    key = _parameters_key()
    dummy = _dummy_hashes.get(key)
    if dummy is None:
        dummy = _dummy_hashes[key] = _hasher.hash("not-a-real-password")
    verify_password(password, dummy)


def _parameters_key() -> str:
    h = _hasher
    return f"{h.type}:{h.time_cost}:{h.memory_cost}:{h.parallelism}:{h.hash_len}"


def _verify_scrypt(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=_SCRYPT_MAXMEM,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)
