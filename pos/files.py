"""Writing user-chosen files (CSV exports): whole or not at all, with a clear error."""

from __future__ import annotations

import os
import tempfile
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
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    except OSError as exc:
        raise _file_error(target, exc) from None
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            yield fh
        os.replace(tmp, target)
    except OSError as exc:
        raise _file_error(target, exc) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _file_error(path: Path, exc: OSError) -> PosError:
    return PosError(
        ErrorCode.FILE_ERROR,
        f"Cannot write {path}: {exc.strerror or exc}.",
        {"path": str(path)},
    )
