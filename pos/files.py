"""Writing user-chosen files (CSV exports): whole or not at all, with a clear error."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from pos.errors import ErrorCode, PosError


@contextmanager
def write_text_file(path: str | Path) -> Iterator[TextIO]:
    """A text file written next to its target and renamed into place only when complete,
    so a failed export never leaves half a file; OSError becomes FILE_ERROR."""
    target = Path(path)
    try:
        fd, tmp = _create_beside(target)
    except OSError as exc:
        raise _file_error(target, exc) from None
    except ValueError:  # NUL or a character the file system encoding cannot carry
        raise PosError(
            ErrorCode.FILE_ERROR, "That file name cannot be written.", {"path": repr(path)}
        ) from None
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            yield fh
        os.replace(tmp, target)
    except OSError as exc:
        raise _file_error(target, exc) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _create_beside(target: Path) -> tuple[int, str]:
    """A new, empty temporary file next to the target, readable as the umask allows.

    Not tempfile.mkstemp: that creates mode 0600, and an export is a file the manager
    means to share (a reorder list for the supplier). os.open's 0o666 is filtered by the
    process umask, as for any file a program writes; no umask is read or changed (that
    would race with other threads).
    """
    folder = target.parent or Path(".")
    for _ in range(100):
        tmp = str(folder / f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


def _file_error(path: Path, exc: OSError) -> PosError:
    return PosError(
        ErrorCode.FILE_ERROR,
        f"Cannot write {path}: {exc.strerror or exc}.",
        {"path": str(path)},
    )
