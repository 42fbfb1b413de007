"""A database URL checked before anything connects: a malformed one is a ConfigError with
a one-line message (the CLI prints it and exits 2, the connection dialog shows it), never a
driver traceback.

The message never repeats the URL: a malformed one cannot be parsed to hide its password.
"""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from pos.errors import ConfigError

BACKENDS = ("sqlite", "postgresql")
EXAMPLES = "postgresql://HOST/DATABASE or sqlite:///PATH/TO/FILE"


def _bad(problem: str) -> ConfigError:
    return ConfigError(f"The database URL is not valid: {problem} (expected {EXAMPLES}).")


def parse_database_url(url: object) -> URL:
    """The parsed URL (postgres:// and postgresql:// use the psycopg 3 driver)."""
    if not isinstance(url, (str, URL)):
        raise _bad("it is not text")
    if isinstance(url, str) and (not url.strip() or any(ord(c) < 32 for c in url)):
        raise _bad("it is empty or holds control characters")
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise _bad("it does not have the form SCHEME://...") from None
    except ValueError as exc:  # e.g. a port that is not a number
        port = "the port is not a number" if "int()" in str(exc) else "it cannot be read"
        raise _bad(port) from None
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    backend = parsed.get_backend_name()
    if backend not in BACKENDS:
        raise _bad(f"the database kind {backend!r} is not supported, only {' or '.join(BACKENDS)}")
    try:
        parsed.get_dialect()
    except NoSuchModuleError:
        raise _bad(f"the driver {parsed.get_driver_name()!r} is not available") from None
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise _bad("the port must be from 1 to 65535")
    return parsed
