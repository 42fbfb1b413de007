"""Reading a file a user named (a CSV to import, a picture) without trusting the name.

A name can point at anything: `/etc/passwd`, `../../..`, a FIFO (whose open() waits for a
writer forever, and with it the thread and the window's shutdown that waits for the
thread), a device such as /dev/zero (endless), a folder, or a link from a picture folder
to a file elsewhere. So a read here:
- takes only a regular file: stat() first (a device is never opened: opening some has side
  effects), then the file is opened non-blocking, so even a FIFO swapped in after the stat
  cannot block, and fstat() on the open file checks again;
- with `inside`, takes only a file whose real path (links followed) is in that folder;
- reads at most `max_bytes` (+1 to notice a file that grew past the cap after the stat).
Every refusal is VALIDATION_ERROR with a sentence a manager can act on; nothing is written.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pos.errors import ErrorCode, PosError
from pos.services.plumbing import validation

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_CHUNK = 1 << 16


def refused(message: str, path: Path | str, **details: object) -> PosError:
    return PosError(ErrorCode.VALIDATION_ERROR, message, {"path": str(path), **details})


def kind_of(mode: int) -> str:
    """What a non-regular file is, in a manager's words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def mib(size: int) -> str:
    return f"{size / 1048576:.1f} MiB"


def size_against_cap(size: int, cap: int) -> str:
    """'3.4 MiB; at most 2.0 MiB', with the bytes when the rounded sizes look equal."""
    if mib(size) == mib(cap):
        return f"{mib(size)} ({size:,} bytes); at most {mib(cap)} ({cap:,} bytes)"
    return f"{mib(size)}; at most {mib(cap)}"


def real_path_inside(path: Path, folder: Path, label: str) -> Path:
    """`path` with its links resolved, if that is inside `folder`; else VALIDATION_ERROR."""
    try:
        real = path.resolve(strict=True)
        base = folder.resolve(strict=True)
    except FileNotFoundError:
        raise refused(f"{label} cannot be found.", path) from None
    except (OSError, RuntimeError):  # a loop of links, a folder we may not enter
        raise refused(f"{label} cannot be read.", path) from None
    if not real.is_relative_to(base):
        raise refused(f"{label} is a link to a file outside {folder.name or folder}.", path)
    return real


def read_regular_file(
    path: str | Path, *, max_bytes: int, label: str = "The file", inside: Path | None = None
) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, or VALIDATION_ERROR."""
    target = validation.file_path(path, label)
    if inside is not None:
        target = real_path_inside(target, inside, label)
    try:
        before = os.stat(target)
    except FileNotFoundError:
        raise refused(f"{label} cannot be found.", path) from None
    except OSError as exc:
        raise refused(f"{label} cannot be read ({exc.strerror}).", path) from None
    _check_stat(before, path, label, max_bytes)
    try:
        fd = os.open(target, _OPEN_FLAGS)
    except OSError as exc:
        raise refused(f"{label} cannot be read ({exc.strerror}).", path) from None
    try:
        _check_stat(os.fstat(fd), path, label, max_bytes)  # the file we opened, not the name
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise refused(f"{label} cannot be read ({exc.strerror}).", path) from None
    finally:
        os.close(fd)
    if size > max_bytes:
        raise _too_big(path, label, size, max_bytes)
    return b"".join(chunks)


def _check_stat(st: os.stat_result, path: str | Path, label: str, max_bytes: int) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise refused(
            f"{label} is {kind_of(st.st_mode)}, not a regular file.",
            path,
            kind=kind_of(st.st_mode),
        )
    if st.st_size > max_bytes:
        raise _too_big(path, label, st.st_size, max_bytes)


def _too_big(path: str | Path, label: str, size: int, max_bytes: int) -> PosError:
    return refused(
        f"{label} is {size_against_cap(size, max_bytes)} is accepted.",
        path,
        size=size,
        max_size=max_bytes,
    )
