"""Files only this account may read: settings, the libpq password file and the embedded
SQLite database (0600), in folders pos creates 0700.

A counter's data (sales, customers, password hashes) and settings are nobody else's
business on a shared machine; the modes are set when the file is created, so there is no
moment in which another account could open it.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def write_text(path: Path, text: str, *, mode: int = PRIVATE_FILE) -> None:
    """Write atomically (a temporary file renamed over the target) with the given mode
    from the first byte. A folder made for it is 0700, or 0755 for a file others must read
    (the store-wide settings in /etc/pos)."""
    path.parent.mkdir(mode=0o755 if mode & 0o044 else PRIVATE_FOLDER, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)  # a left-over one would keep its old mode
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, mode)  # os.open's mode is filtered by the umask
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)


def prepare_sqlite_file(path: Path, *, own_folder: Path | None = None) -> None:
    """Create the database file empty with mode 0600 before SQLite opens it (SQLite gives
    its -wal and -shm files the database file's mode). own_folder is pos's own data
    folder: made 0700, and tightened to 0700 with the file to 0600 when an older version
    left them readable. Elsewhere (a path the user chose) only what pos creates is set."""
    path = path.expanduser()
    folder = path.parent
    ours = own_folder is not None and folder.resolve() == own_folder.expanduser().resolve()
    if not folder.exists():
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        os.chmod(folder, PRIVATE_FOLDER)  # mkdir's mode is filtered by the umask too
    elif ours:
        _tighten(folder, PRIVATE_FOLDER)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        if ours:
            for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                _tighten(name, PRIVATE_FILE)
        return
    os.close(fd)
    os.chmod(path, PRIVATE_FILE)


def _tighten(path: Path, mode: int) -> None:
    """Take group and other rights away from a file or folder this account owns."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if hasattr(os, "getuid") and info.st_uid == os.getuid() and info.st_mode & 0o077:
        os.chmod(path, mode)
