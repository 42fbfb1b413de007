"""Can Qt open a window here? Asked before QApplication exists, because when it cannot, Qt
aborts the whole process (SIGABRT, a core dump) with a hint buried in its log.

Two things go wrong on a fresh Linux machine: no display at all (a server, ssh, a container),
or the xcb platform plugin's shared libraries are not installed (the Qt wheels do not ship
libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1 and friends). Both get a message that says
what to do.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

# What a Debian/Ubuntu desktop needs for the Qt wheels' xcb plugin (and fonts for offscreen
# use). The same list is the .deb's Depends in packaging/build.py; a test keeps them equal.
APT_PACKAGES = (
    "libglib2.0-0",
    "libfontconfig1",
    "libfreetype6",
    "libdbus-1-3",
    "libegl1",
    "libgl1",
    "libopengl0",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libx11-6",
    "libx11-xcb1",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libxcb-sync1",
    "libxcb-xinput0",
    "libxrender1",
    "libsm6",
    "libice6",
    "fonts-dejavu-core",
)

APT_LINE = "sudo apt-get install " + " ".join(APT_PACKAGES)
HEADLESS_HINT = (
    "Without a screen (a server, CI, an ssh session) run it offscreen: "
    "QT_QPA_PLATFORM=offscreen pos ..."
)
# Libraries that come with the Qt wheels (or the packaged bundle) themselves: if one of those
# is missing, the installation is broken in a way no apt line fixes, and Qt says so itself.
_BUNDLED = re.compile(r"^(libQt6|libpyside|libshiboken|libicu)")
_LOCAL_X = re.compile(r"^(?:unix)?:(\d+)(?:\.\d+)?$")


def problem(env: Mapping[str, str] | None = None) -> str | None:
    """Why Qt cannot start its window here, with the fix; None when it should start."""
    if not sys.platform.startswith("linux"):
        return None
    env = os.environ if env is None else env
    reasons: list[str] = []
    for name in _candidate_platforms(env):
        reason = _platform_problem(name, env)
        if reason is None:
            return None
        reasons.append(reason)
    return "pos cannot open its window: " + " ".join(reasons)


def _candidate_platforms(env: Mapping[str, str]) -> list[str]:
    """The platform plugins Qt will try, in its order."""
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return [p.split(":", 1)[0].strip() for p in chosen.split(";") if p.strip()]
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        return ["wayland", "xcb"]
    return ["xcb"]


def _platform_problem(name: str, env: Mapping[str, str]) -> str | None:
    if name == "xcb":
        display = env.get("DISPLAY", "")
        if not display:
            return f"there is no display (DISPLAY is not set). {HEADLESS_HINT}"
        if not _x_display_answers(display):
            return (
                f"the X display {display} does not answer (is the X server running?). "
                f"{HEADLESS_HINT}"
            )
    elif name == "wayland":
        if not env.get("WAYLAND_DISPLAY"):
            return "there is no Wayland display (WAYLAND_DISPLAY is not set)."
    else:
        return None  # offscreen, minimal, vnc, eglfs...: nothing we can check cheaply
    plugin = plugin_path(name)
    if plugin is None:
        # Not where QLibraryInfo says (a bundle may lay plugins out its own way): let Qt
        # look, rather than refuse a window that might well open.
        return None
    missing = missing_libraries(plugin)
    if missing:
        return (
            f"Qt's {name} platform plugin needs system libraries that are not installed "
            f"({', '.join(missing)}). On Debian or Ubuntu: {APT_LINE}"
        )
    return None


def _x_display_answers(display: str) -> bool:
    """A local display (":0") must have its server's socket; a remote one we trust."""
    match = _LOCAL_X.match(display)
    if match is None:
        return True
    path = f"/tmp/.X11-unix/X{match.group(1)}"
    for address in ("\0" + path, path):  # abstract socket first, then the file
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            try:
                sock.connect(address)
            except OSError:
                continue
            return True
    return False


def plugin_path(name: str) -> Path | None:
    from PySide6.QtCore import QLibraryInfo  # QtCore alone never aborts

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    path = plugins / "platforms" / f"libq{name}.so"
    return path if path.is_file() else None


def missing_libraries(path: Path) -> list[str]:
    """The shared libraries `path` needs that the dynamic linker cannot find."""
    ldd = shutil.which("ldd")
    if ldd is not None:
        try:
            out = subprocess.run(
                [ldd, str(path)], capture_output=True, text=True, timeout=20, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = None
        if out is not None:
            return parse_ldd_missing(out)
    try:  # no ldd: the loader's own error names the first missing library
        ctypes.CDLL(str(path))
    except OSError as exc:
        first = str(exc).split(":", 1)[0].strip()
        return [] if _BUNDLED.match(first) else [first]
    return []


def parse_ldd_missing(output: str) -> list[str]:
    missing: list[str] = []
    for line in output.splitlines():
        if "=> not found" in line:
            lib = line.split("=>", 1)[0].strip()
            if lib not in missing and not _BUNDLED.match(lib):
                missing.append(lib)
    return missing
