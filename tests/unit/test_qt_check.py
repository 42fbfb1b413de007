"""`pos` without a usable window system says what to do (exit 2) instead of a Qt core dump."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pos import qt_check

ROOT = Path(__file__).resolve().parents[2]
NO_WINDOW_ENV = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE")


def _pos(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in NO_WINDOW_ENV}
    return subprocess.run(
        [sys.executable, "-m", "pos", *args, "--database", f"sqlite:///{tmp_path}/p.sqlite3"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **env},
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("command", [(), ("admin",)])
def test_no_display_gives_the_fix_not_a_core_dump(tmp_path, command):
    result = _pos(*command, tmp_path=tmp_path)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "no display" in result.stderr
    assert "QT_QPA_PLATFORM=offscreen" in result.stderr


def _free_display_number() -> int:
    return next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())


def test_a_display_that_does_not_answer_is_named(tmp_path):
    display = f":{_free_display_number()}"
    result = _pos(tmp_path=tmp_path, DISPLAY=display)
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"X display {display} does not answer" in result.stderr


def test_offscreen_and_other_chosen_platforms_are_not_second_guessed():
    assert qt_check.problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert qt_check.problem({"QT_QPA_PLATFORM": "minimal"}) is None


@pytest.fixture
def plugin_missing_a_library(tmp_path: Path) -> Path:
    """A real shared object linked against a library that is then removed."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("needs a C compiler to build a plugin with a missing library")
    (tmp_path / "dep.c").write_text("int pos_dep(void) { return 1; }\n")
    (tmp_path / "plug.c").write_text("int pos_dep(void);\nint plug(void) { return pos_dep(); }\n")
    subprocess.run(
        [cc, "-shared", "-fPIC", "-o", "libposgone.so", "dep.c"], cwd=tmp_path, check=True
    )
    subprocess.run(
        [cc, "-shared", "-fPIC", "-o", "libqxcb.so", "plug.c", "-L.", "-lposgone"],
        cwd=tmp_path,
        check=True,
    )
    (tmp_path / "libposgone.so").unlink()
    return tmp_path / "libqxcb.so"


@pytest.fixture
def live_display() -> object:
    """Something listening where a local X server would, so only the libraries can fail."""
    number = _free_display_number()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(f"\0/tmp/.X11-unix/X{number}")
    server.listen(1)
    yield f":{number}"
    server.close()


def test_missing_plugin_libraries_are_named_with_the_apt_line(
    plugin_missing_a_library, live_display, monkeypatch
):
    monkeypatch.setattr(qt_check, "plugin_path", lambda name: plugin_missing_a_library)
    message = qt_check.problem({"DISPLAY": live_display})
    assert message is not None
    assert "libposgone.so" in message
    assert "sudo apt-get install " in message and "libxcb-cursor0" in message


def test_without_ldd_the_loader_names_the_missing_library(plugin_missing_a_library, monkeypatch):
    monkeypatch.setattr(qt_check.shutil, "which", lambda name: None)
    assert qt_check.missing_libraries(plugin_missing_a_library) == ["libposgone.so"]


def test_ldd_output_parsing_ignores_what_the_wheels_bring():
    out = (
        "\tlibxcb-icccm.so.4 => not found\n"
        "\tlibQt6XcbQpa.so.6 => not found\n"
        "\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x0)\n"
        "\tlibxcb-icccm.so.4 => not found\n"
    )
    assert qt_check.parse_ldd_missing(out) == ["libxcb-icccm.so.4"]


def test_the_apt_line_is_the_debs_dependency_list_and_in_the_readme():
    spec = importlib.util.spec_from_file_location("pos_build", ROOT / "packaging" / "build.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    depends = [d.split(" ")[0] for d in build.DEB_DEPENDS if not d.startswith("libc6")]
    assert tuple(depends) == qt_check.APT_PACKAGES
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert " ".join(qt_check.APT_PACKAGES) in readme


def test_a_plugin_qt_finds_elsewhere_is_not_refused(live_display, monkeypatch):
    monkeypatch.setattr(qt_check, "plugin_path", lambda name: None)
    assert qt_check.problem({"DISPLAY": live_display}) is None
