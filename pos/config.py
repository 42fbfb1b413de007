"""Where things live (platformdirs) and which database this counter uses.

Precedence for the database URL: --database flag, then POS_DATABASE_URL, then the
user's settings file, then the system-wide file, then an embedded SQLite file.

No settings file holds a password: a clerk can read every file on a counter, and the
store-wide file is readable by every account. A database password lives only in a libpq
password file (pos's own `pgpass` in the config folder, mode 0600, see `save_password`),
which pos points libpq at.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from pos import private_files
from pos.errors import ConfigError
from pos.limits import COUNTER_CODE_MAX

APP_NAME = "pos"
SETTINGS_FILE = "settings.json"
PASSFILE = "pgpass"


ENV_DATABASE = "POS_DATABASE_URL"
ENV_COUNTER = "POS_COUNTER"
# Another file instead of the store-wide one: tests point it into a temp folder so a
# machine's real /etc/pos never leaks into them (and an installer can try a file first).
ENV_SYSTEM_SETTINGS = "POS_SYSTEM_SETTINGS"


def _default_system_settings_path() -> Path:
    """Store-wide defaults an installer writes: /etc/pos on Linux (what the .deb ships and
    removes on purge), the platform's site config folder elsewhere."""
    if sys.platform.startswith("linux"):
        return Path("/etc/pos") / SETTINGS_FILE
    return Path(PlatformDirs(APP_NAME, appauthor=False).site_config_dir) / SETTINGS_FILE


SYSTEM_SETTINGS = _default_system_settings_path()


def system_settings_path() -> Path:
    override = os.environ.get(ENV_SYSTEM_SETTINGS)
    return Path(override) if override else SYSTEM_SETTINGS


def dirs() -> PlatformDirs:
    return PlatformDirs(APP_NAME, appauthor=False)


def config_dir() -> Path:
    return Path(dirs().user_config_dir)


def data_dir() -> Path:
    return Path(dirs().user_data_dir)


def log_dir() -> Path:
    return Path(dirs().user_log_dir)


def cache_dir() -> Path:
    return Path(dirs().user_cache_dir)


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'pos.sqlite3'}"


def passfile_path() -> Path:
    """pos's own libpq password file (the ~/.pgpass format), private to the user."""
    return config_dir() / PASSFILE


def libpq_passfile() -> str | None:
    """The password file libpq should read for pos's connections: pos's own when it
    exists, unless PGPASSFILE names another (then libpq reads that one itself)."""
    if os.environ.get("PGPASSFILE"):
        return None
    path = passfile_path()
    return str(path) if path.is_file() else None


def default_counter_code() -> str:
    """A counter code from the host name: short, upper case, safe to print on receipts."""
    host = socket.gethostname().split(".")[0]
    code = re.sub(r"[^A-Za-z0-9-]", "", host).upper()[:COUNTER_CODE_MAX]
    return code or "COUNTER-1"


@dataclass(frozen=True)
class Settings:
    database_url: str
    counter_code: str
    source: str  # where the database URL came from, for "pos configure --show"


def _read(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        # A PosError, not SystemExit: library code never exits; the CLI (and the GUI's
        # connection dialog) turn it into a message.
        message = f"Cannot read the settings file {path}: {exc}"
        raise ConfigError(message, {"path": str(path)}) from None
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def load_settings(database: str | None = None, counter: str | None = None) -> Settings:
    system_path = system_settings_path()
    system = _read(system_path)
    user = _read(settings_path())
    candidates = [
        (database, "--database"),
        (os.environ.get(ENV_DATABASE), ENV_DATABASE),
        (user.get("database_url"), str(settings_path())),
        (system.get("database_url"), str(system_path)),
    ]
    url, source = next(((u, s) for u, s in candidates if u), (default_database_url(), "default"))
    code = (
        counter
        or os.environ.get(ENV_COUNTER)
        or user.get("counter_code")
        or system.get("counter_code")
        or default_counter_code()
    )
    return Settings(database_url=url, counter_code=code, source=source)


def load_values() -> dict[str, str]:
    """Every string setting of this counter: the system-wide file, then the user's over it
    (device settings such as the scanner's live here beside the database URL)."""
    return {**_read(system_settings_path()), **_read(settings_path())}


def save_user_settings(**values: str | None) -> Path:
    """Merge values into the user's settings file (written atomically, mode 0600 in a 0700
    folder: device settings and the counter code are nobody else's business)."""
    _refuse_secrets(values)
    return _merge_into(settings_path(), values, mode=0o600)


def save_system_settings(**values: str | None) -> Path:
    """The store-wide defaults an installer writes once per machine (needs root). Every
    counter account must read them, so the file is 0644 and may hold nothing secret: a
    URL with a password is refused like everywhere else."""
    _refuse_secrets(values)
    return _merge_into(system_settings_path(), values, mode=0o644)


def _refuse_secrets(values: dict[str, str | None]) -> None:
    url = values.get("database_url")
    if url and url_has_password(url):
        raise ConfigError(PASSWORD_IN_URL, {"field": "database_url"})


# What to do instead, said wherever a URL with a password is refused (settings, argv).
PASSWORD_IN_URL = (
    "The database URL holds a password: pos never keeps one in a settings file or takes it "
    "on the command line (other users of the machine can read those). Give the URL without "
    "it (postgresql://USER@HOST/DATABASE) and either let `pos configure` or `pos migrate` "
    "ask for it (--ask-password) or read it from stdin (--password-stdin; `pos configure` "
    "then keeps it in pos's own libpq password file, mode 0600), or keep it in ~/.pgpass "
    "or a pg_service.conf service yourself."
)


def url_has_password(url: str) -> bool:
    """True when the URL carries a password (`user:secret@` or a password= parameter)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        # Not a URL pos can parse (its own checks say so later); still never keep
        # anything that looks like `user:secret@`.
        credentials = url.split("//", 1)[-1].rpartition("@")[0]
        return ":" in credentials
    return bool(parsed.password) or "password" in parsed.query


def without_password(url: str) -> str:
    """The URL as given, minus any password (for showing and saving)."""
    if not url_has_password(url):
        return url
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return "(not a database URL)"
    # URL.set(password=None) keeps the old one: build it again without.
    bare = URL.create(
        parsed.drivername,
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query={k: v for k, v in parsed.query.items() if k != "password"},
    )
    return bare.render_as_string(hide_password=False)


def save_password(url: str, password: str) -> Path:
    """Keep the password of a PostgreSQL URL in pos's libpq password file (mode 0600),
    replacing the line for the same host, port, database and user; returns the file."""
    parsed = make_url(url)
    if not parsed.username:
        raise ConfigError(
            "A password needs a user name in the URL (postgresql://USER@HOST/DATABASE).",
            {"field": "database_url"},
        )
    if "\n" in password or "\r" in password:
        raise ConfigError("A password cannot contain a line break.", {"field": "password"})
    key = [
        parsed.host or "localhost",
        str(parsed.port or 5432),
        parsed.database or "*",
        parsed.username,
    ]
    prefix = ":".join(_pgpass_escape(part) for part in key) + ":"
    path = passfile_path()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    kept = [line for line in lines if not line.startswith(prefix)]
    kept.append(prefix + _pgpass_escape(password))
    private_files.write_text(path, "\n".join(kept) + "\n", mode=0o600)
    return path


def _pgpass_escape(part: str) -> str:
    # The ~/.pgpass format: fields split by ':', with '\\' escaping ':' and itself.
    return part.replace("\\", "\\\\").replace(":", "\\:")


def _merge_into(path: Path, values: dict[str, str | None], *, mode: int) -> Path:
    current = _read(path)
    current.update({k: v for k, v in values.items() if v is not None})
    private_files.write_text(path, json.dumps(current, indent=2, sort_keys=True), mode=mode)
    return path
