#!/usr/bin/env python3
"""Build the packaged `pos`: one command from a fresh checkout.

    python3 packaging/build.py                 # Linux: dist/pos-VERSION-linux-ARCH.tar.gz + .deb
    python3 packaging/build.py --postgres URL  # also smoke-test against a PostgreSQL server

Steps: a build virtualenv (packaging/.build-venv) with `pip install .` and PyInstaller,
PyInstaller with packaging/pos.spec (one-folder bundle), the artifacts in dist/, then
packaging/smoke_test.py on the built artifact. Standard library only, no shell: the same
script is meant to run on Windows and macOS (zip artifacts there; not yet verified).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

# pos.qt_check needs nothing outside the standard library, so the source tree's copy can be
# read here before any venv exists.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pos.qt_check import APT_PACKAGES  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = HERE / ".build-venv"
WORK = ROOT / "build" / "pyinstaller"
DIST = ROOT / "dist"
PYINSTALLER = "pyinstaller>=6.10,<7"

# Shared libraries the bundle loads from the system (everything else is inside it): the list
# pos itself names when Qt cannot start (pos/qt_check.py, the README's apt line), plus libc.
DEB_DEPENDS = ["libc6 (>= 2.28)", *APT_PACKAGES]


def log(message: str) -> None:
    print(f"== {message}", flush=True)


def run(*cmd: object, cwd: Path | None = None) -> None:
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=cwd, check=True)


def venv_python() -> Path:
    if sys.platform == "win32":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def make_venv(recreate: bool) -> Path:
    if recreate and VENV.exists():
        shutil.rmtree(VENV)
    if not venv_python().exists():
        log(f"build virtualenv {VENV}")
        run(sys.executable, "-m", "venv", VENV)
    py = venv_python()
    run(py, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    extra = [] if sys.platform.startswith("linux") else ["pillow"]  # .ico / .icns icons
    # setuptools builds in-tree: stale files in build/lib would end up in the wheel.
    shutil.rmtree(ROOT / "build" / "lib", ignore_errors=True)
    # The versions the test suite passed with (constraints.txt), as CI installs them: the
    # bundle ships what was tested.
    constraints = ROOT / "constraints.txt"
    pins = ["-c", constraints] if constraints.exists() else []
    run(py, "-m", "pip", "install", "--quiet", *pins, PYINSTALLER, *extra, ROOT)
    # pip may keep an installed copy of the same version: always take this checkout's code.
    run(py, "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", ROOT)
    return py


def package_version(py: Path) -> str:
    out = subprocess.run(
        [str(py), "-c", "from importlib.metadata import version; print(version('pos'))"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def freeze(py: Path, clean: bool) -> Path:
    log("PyInstaller (one-folder)")
    WORK.mkdir(parents=True, exist_ok=True)
    args = [py, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    if clean:
        args.append("--clean")
    args += ["--distpath", WORK / "dist", "--workpath", WORK / "work", HERE / "pos.spec"]
    # cwd outside the checkout: the spec must freeze the installed package, not ./pos
    run(*args, cwd=WORK)
    if sys.platform == "darwin":
        return WORK / "dist" / "pos.app"
    return WORK / "dist" / "pos"


def machine() -> str:
    arch = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(arch, arch)


def deb_arch() -> str:
    if shutil.which("dpkg"):
        out = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.strip()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(machine(), machine())


def deb_version(version: str) -> str:
    """PEP 440 -> Debian: pre-releases sort before the release (1.0rc1 -> 1.0~rc1)."""
    for tag in (".dev", "a", "b", "rc"):
        if tag in version.split("+")[0]:
            head, _, tail = version.partition(tag)
            if head and head[-1].isdigit():
                return f"{head}~{tag.lstrip('.')}{tail}"
    return version


def _tar_filter(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def make_tarball(bundle: Path, version: str) -> Path:
    name = f"pos-{version}-linux-{machine()}"
    target = DIST / f"{name}.tar.gz"
    log(f"tarball {target.name}")
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=name, filter=_tar_filter)
    return target


def make_zip(bundle: Path, version: str) -> Path:
    system = "macos" if sys.platform == "darwin" else "windows"
    base = DIST / f"pos-{version}-{system}-{machine()}"
    log(f"zip {base.name}.zip")
    return Path(shutil.make_archive(str(base), "zip", bundle.parent, bundle.name))


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def make_deb(bundle: Path, version: str) -> Path:
    arch = deb_arch()
    dversion = deb_version(version)
    stage = ROOT / "build" / "deb" / f"pos_{dversion}_{arch}"
    log(f"deb pos_{dversion}_{arch}.deb")
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(bundle, stage / "opt" / "pos", symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / "pos").symlink_to("/opt/pos/pos")
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy2(HERE / "linux" / "pos.desktop", apps / "pos.desktop")
    icons = stage / "usr" / "share" / "icons" / "hicolor"
    icon_src = ROOT / "pos" / "resources" / "icons"
    for size, src, name in (
        ("48x48", "pos-48.png", "pos.png"),
        ("256x256", "pos.png", "pos.png"),
        ("scalable", "pos.svg", "pos.svg"),
    ):
        (icons / size / "apps").mkdir(parents=True)
        shutil.copy2(icon_src / src, icons / size / "apps" / name)
    doc = stage / "usr" / "share" / "doc" / "pos"
    doc.mkdir(parents=True)
    shutil.copy2(HERE / "linux" / "copyright", doc / "copyright")

    control_dir = stage / "DEBIAN"
    control_dir.mkdir()
    installed_kib = (tree_size(stage) + 1023) // 1024
    template = (HERE / "linux" / "control.in").read_text(encoding="utf-8")
    control = template.format(
        version=dversion,
        arch=arch,
        installed_size=installed_kib,
        depends=", ".join(DEB_DEPENDS),
    )
    (control_dir / "control").write_text(control, encoding="utf-8")
    for script in ("postinst", "postrm"):
        shutil.copy2(HERE / "linux" / script, control_dir / script)
        (control_dir / script).chmod(0o755)
    for path in stage.rglob("*"):  # dpkg-deb wants sane modes whatever the umask was
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)

    target = DIST / f"pos_{dversion}_{arch}.deb"
    run(
        "dpkg-deb",
        "--root-owner-group",
        "-Zxz",
        "-z6",
        f"--threads-max={os.cpu_count() or 1}",  # xz of ~240 MB: minutes on one core
        "--build",
        stage,
        target,
    )
    return target


def human(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="also smoke-test on this server")
    parser.add_argument("--recreate-venv", action="store_true", help="start the venv afresh")
    parser.add_argument("--clean", action="store_true", help="PyInstaller --clean (no cache)")
    parser.add_argument("--no-deb", action="store_true", help="skip the .deb (Linux)")
    parser.add_argument("--skip-smoke", action="store_true", help="build only")
    args = parser.parse_args()

    started = time.monotonic()
    py = make_venv(args.recreate_venv)
    version = package_version(py)
    log(f"pos {version}")
    bundle = freeze(py, args.clean)
    DIST.mkdir(exist_ok=True)
    artifacts: list[Path] = []
    if sys.platform.startswith("linux"):
        artifacts.append(make_tarball(bundle, version))
        if not args.no_deb:
            if shutil.which("dpkg-deb"):
                artifacts.append(make_deb(bundle, version))
            else:
                log("dpkg-deb not found: no .deb (apt-get install dpkg-dev, or --no-deb)")
                return 1
    else:
        artifacts.append(make_zip(bundle, version))
    built = time.monotonic() - started

    log("artifacts")
    print(f"bundle {bundle}: {human(tree_size(bundle))} unpacked")
    for artifact in artifacts:
        print(f"{artifact.relative_to(ROOT)}: {human(artifact.stat().st_size)}")
    print(f"build took {built:.0f} s")

    if args.skip_smoke:
        return 0
    log("smoke test")
    smoke = [py, HERE / "smoke_test.py", "--version", version, artifacts[0]]
    if args.postgres:
        smoke += ["--postgres", args.postgres]
    deb = [a for a in artifacts if a.suffix == ".deb"]
    if deb:
        smoke += ["--deb", deb[0], "--deb-version", deb_version(version)]
    run(*smoke)
    print(f"build + smoke test took {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
