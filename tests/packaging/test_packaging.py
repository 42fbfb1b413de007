"""Fast checks of packaging/ without running PyInstaller: the spec's data files and Qt
exclusions, the .desktop entry, the .deb control file, the maintainer scripts, the version."""

from __future__ import annotations

import configparser
import importlib.util
import re
import shutil
import subprocess
import sys
import types
from importlib.metadata import version
from pathlib import Path

import pytest

import pos

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
LINUX = PACKAGING / "linux"


def load_module(name: str, path: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build() -> types.ModuleType:
    return load_module("pos_packaging_build", PACKAGING / "build.py")


class _Recorder:
    """Stands in for PyInstaller's Analysis/PYZ/EXE/COLLECT/BUNDLE: records its arguments."""

    calls: list[tuple[str, tuple, dict]] = []

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __call__(self, *args, **kwargs):
        _Recorder.calls.append((self.kind, args, kwargs))
        result = types.SimpleNamespace(args=args, kwargs=kwargs, pure=[], scripts=[])
        result.datas = list(kwargs.get("datas", []))
        result.binaries = [
            ("PySide6/Qt/lib/libQt6Widgets.so.6", "/x", "BINARY"),
            ("PySide6/Qt/lib/libQt6Qml.so.6", "/x", "BINARY"),
            ("PySide6/Qt/lib/libQt6Network.so.6", "/x", "BINARY"),
            ("PySide6/Qt/plugins/platforms/libqxcb.so", "/x", "BINARY"),
        ]
        result.datas += [
            ("PySide6/Qt/translations/qtbase_de.qm", "/x", "DATA"),
            ("PySide6/Qt/plugins/imageformats/libqjpeg.so", "/x", "DATA"),
        ]
        return result


@pytest.fixture(scope="module")
def spec(monkeypatch_module) -> dict:
    """Execute packaging/pos.spec with PyInstaller's classes and hooks stubbed out."""
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package, **kw: [package]  # type: ignore[attr-defined]
    hooks.copy_metadata = lambda dist: [(f"<metadata {dist}>", f"{dist}.dist-info")]  # type: ignore[attr-defined]
    hooks.collect_data_files = lambda package, **kw: [(f"<data {package}>", package)]  # type: ignore[attr-defined]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch_module.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch_module.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    _Recorder.calls = []
    namespace = {
        "__name__": "__main__",
        "SPECPATH": str(PACKAGING),
        **{k: _Recorder(k) for k in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")},
    }
    source = (PACKAGING / "pos.spec").read_text(encoding="utf-8")
    exec(compile(source, "pos.spec", "exec"), namespace)
    namespace["calls"] = list(_Recorder.calls)
    return namespace


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def analysis_kwargs(spec: dict) -> dict:
    return next(kw for kind, _, kw in spec["calls"] if kind == "Analysis")


def test_spec_bundles_migrations_resources_and_metadata(spec):
    datas = analysis_kwargs(spec)["datas"]
    dests = {(Path(src).name, Path(dest).as_posix()) for src, dest in datas}
    migrations = sorted(p.name for p in (ROOT / "pos" / "migrations" / "versions").glob("*.py"))
    assert migrations
    for name in migrations:
        assert (name, "pos/migrations/versions") in dests
    assert ("env.py", "pos/migrations") in dests
    assert ("script.py.mako", "pos/migrations") in dests
    assert ("demo_catalog.csv", "resources") in dests
    assert ("pos.png", "resources/icons") in dests
    images = [d for d in dests if d[1] == "resources/images"]
    assert len(images) == len(list((ROOT / "pos" / "resources" / "images").glob("*.png")))
    assert not [src for src, _ in datas if "__pycache__" in src or src.endswith(".pyc")]
    assert ("<metadata pos>", "pos.dist-info") in datas  # what pos --version reads
    assert ("<data escpos>", "escpos") in datas  # python-escpos' printer database


def test_spec_hidden_imports_cover_drivers_and_dialects(spec):
    hidden = set(analysis_kwargs(spec)["hiddenimports"])
    for module in (
        "psycopg_binary",
        "sqlalchemy.dialects.sqlite",
        "sqlalchemy.dialects.postgresql.psycopg",
        "logging.handlers",
        "alembic.ddl.postgresql",
        "alembic.ddl.sqlite",
        "platformdirs",
    ):
        assert module in hidden


def qt_modules_the_app_imports() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "pos").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"PySide6\.(Qt\w+)", text))
        found |= {
            name.strip()
            for group in re.findall(r"from PySide6 import ([\w, ]+)", text)
            for name in group.split(",")
        }
    return found


def test_spec_excludes_only_qt_modules_the_app_does_not_import(spec):
    excluded = {name.split(".", 1)[1] for name in spec["excludes"] if name.startswith("PySide6.")}
    used = qt_modules_the_app_imports()
    assert {"QtCore", "QtGui", "QtWidgets"} <= used
    assert used.isdisjoint(excluded), f"excluded but imported by pos/: {used & excluded}"
    # pyqtgraph loads these with importlib.import_module (the frozen `pos admin` needs them)
    hidden = set(analysis_kwargs(spec)["hiddenimports"])
    assert {"PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"} <= hidden - set(spec["excludes"])
    for heavy in ("QtNetwork", "QtQml", "QtQuick", "QtWebEngineCore", "Qt3DCore", "QtMultimedia"):
        assert heavy in excluded


def test_spec_drops_translations_and_unused_qt_libraries(spec):
    coll = next(args for kind, args, _ in spec["calls"] if kind == "COLLECT")
    kept = [entry[0] for group in coll if isinstance(group, list) for entry in group]
    assert "PySide6/Qt/lib/libQt6Widgets.so.6" in kept
    assert "PySide6/Qt/plugins/platforms/libqxcb.so" in kept
    assert "PySide6/Qt/plugins/imageformats/libqjpeg.so" in kept
    assert not [k for k in kept if "translations" in k or "Qt6Qml" in k or "Qt6Network" in k]


def test_spec_builds_a_console_pos_executable_one_folder(spec):
    exes = [kw for kind, _, kw in spec["calls"] if kind == "EXE"]
    assert exes[0]["name"] == "pos" and exes[0]["console"] is True
    assert all(kw["exclude_binaries"] for kw in exes)  # one-folder: binaries go to COLLECT
    coll = next(kw for kind, _, kw in spec["calls"] if kind == "COLLECT")
    assert coll["name"] == "pos"


def test_desktop_entry_is_valid():
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(LINUX / "pos.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "pos" and entry["TryExec"] == "pos"
    assert entry["Icon"] == "pos"  # /usr/share/icons/hicolor/*/apps/pos.png from the .deb
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")
    assert parser["Desktop Action admin"]["Exec"] == "pos admin"
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(
            ["desktop-file-validate", str(LINUX / "pos.desktop")], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_deb_control_fields(build):
    text = (
        (LINUX / "control.in")
        .read_text(encoding="utf-8")
        .format(
            version="1.2.3", arch="amd64", installed_size=1234, depends=", ".join(build.DEB_DEPENDS)
        )
    )
    fields: dict[str, str] = {}
    last = None
    for line in text.splitlines():
        assert line.strip(), "a blank line would end the control paragraph"
        if line.startswith(" "):
            assert last == "Description", "only Description continues on further lines"
            fields[last] += "\n" + line
        else:
            key, sep, value = line.partition(": ")
            assert sep and re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", key), line
            assert key not in fields, f"{key} twice"
            fields[key], last = value, key
    for key in ("Package", "Version", "Architecture", "Maintainer", "Description", "Depends"):
        assert fields.get(key), key
    assert fields["Package"] == "pos"
    assert (fields["Version"], fields["Architecture"], fields["Installed-Size"]) == (
        "1.2.3",
        "amd64",
        "1234",
    )
    summary = fields["Description"].splitlines()[0]
    assert 0 < len(summary) <= 80
    # what the Qt wheels' xcb and offscreen platforms load from the system
    depends = {d.split(" ")[0] for d in fields["Depends"].split(", ")}
    for lib in ("libegl1", "libxkbcommon0", "libfontconfig1", "libglib2.0-0", "libdbus-1-3"):
        assert lib in depends
    assert "libxcb-cursor0" in depends  # Qt >= 6.5 refuses the xcb plugin without it


@pytest.mark.parametrize(
    ("pep440", "debian"),
    [("0.1.0", "0.1.0"), ("1.0rc1", "1.0~rc1"), ("2.1.0.dev3", "2.1.0~dev3"), ("1.0a2", "1.0~a2")],
)
def test_deb_version_sorts_prereleases_first(build, pep440, debian):
    assert build.deb_version(pep440) == debian


@pytest.mark.parametrize("script", ["postinst", "postrm"])
def test_maintainer_scripts_are_posix_sh(script):
    path = LINUX / script
    assert path.read_text(encoding="utf-8").startswith("#!/bin/sh\n")
    if shutil.which("sh"):
        assert subprocess.run(["sh", "-n", str(path)]).returncode == 0


def test_version_comes_from_the_package_metadata(build):
    assert pos.__version__ == version("pos")
    out = subprocess.run(
        [sys.executable, "-m", "pos", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"pos {pos.__version__}"
    # the build reads the same metadata from the build venv and the smoke test compares
    assert "version('pos')" in (PACKAGING / "build.py").read_text()
    assert build.deb_version(pos.__version__)


def test_build_script_ignores_its_venv_and_uses_no_shell():
    ignored = (PACKAGING / ".gitignore").read_text().split()
    assert ".build-venv/" in ignored
    for name in ("build.py", "smoke_test.py"):
        text = (PACKAGING / name).read_text(encoding="utf-8")
        assert "shell=True" not in text and "os.system" not in text
