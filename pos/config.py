"""Where things live (platformdirs) and which database this counter uses.

Precedence for the database URL: --database flag, then POS_DATABASE_URL, then the
user's settings file, then the system-wide file, then an embedded SQLite file.
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

from pos.errors import ConfigError

APP_NAME = "pos"
SETTINGS_FILE = "settings.json"


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


def default_counter_code() -> str:
    """A counter code from the host name: short, upper case, safe to print on receipts."""
    host = socket.gethostname().split(".")[0]
    code = re.sub(r"[^A-Za-z0-9-]", "", host).upper()[:32]
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
    return {**_read(SYSTEM_SETTINGS), **_read(settings_path())}


def save_user_settings(**values: str | None) -> Path:
    """Merge values into the user's settings file (written atomically)."""
    # Private to the user: the URL may hold the database password.
    return _merge_into(settings_path(), values, mode=0o600)


def save_system_settings(**values: str | None) -> Path:
    """The store-wide defaults an installer writes once per machine (needs root); every
    counter account must read them."""
    return _merge_into(system_settings_path(), values, mode=0o644)


def _merge_into(path: Path, values: dict[str, str | None], *, mode: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    current = _read(path)
    current.update({k: v for k, v in values.items() if v is not None})
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(current, indent=2, sort_keys=True))
    os.chmod(tmp, mode)  # os.open's mode is filtered by the umask
    tmp.replace(path)
    return path
