#!/usr/bin/env python3
"""Smoke test of a built `pos` artifact (the .tar.gz or .zip from packaging/build.py).

    python packaging/smoke_test.py dist/pos-0.1.0-linux-x86_64.tar.gz --version 0.1.0 \
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--deb dist/pos.deb]

Unpacks the artifact into a temporary folder and, with HOME and the XDG folders pointing
into it (nothing of the real user is read or written), runs the frozen binary:
--version, configure (test + save, and a refused server), migrate, seed-demo, add-user,
check, and --self-test (GUI offscreen, sign-in dialog rendered to a PNG). With --postgres
(a server the test may create a scratch database on) it does the same on PostgreSQL. With
--deb it checks the package's control fields and file list. Exit status 0 when all passed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

TIMEOUT = 180


class SmokeFailure(Exception):
    pass


class Runner:
    def __init__(self, binary: Path, home: Path) -> None:
        self.binary = binary
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("POS_", "XDG_"))}
        self.env.update(
            HOME=str(home),
            USERPROFILE=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            XDG_STATE_HOME=str(home / ".local" / "state"),
            XDG_CACHE_HOME=str(home / ".cache"),
            QT_QPA_PLATFORM="offscreen",
        )
        self.env.pop("DISPLAY", None)
        self.env.pop("WAYLAND_DISPLAY", None)

    def __call__(
        self, *args: str, expect: int = 0, stdin: str | None = None, env: dict | None = None
    ) -> str:
        started = time.monotonic()
        proc = subprocess.run(
            [str(self.binary), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env={**self.env, **(env or {})},
        )
        took = time.monotonic() - started
        shown = " ".join(a if "://" not in a else _hide(a) for a in args)
        print(f"  pos {shown}  -> exit {proc.returncode} ({took:.1f} s)", flush=True)
        if proc.returncode != expect:
            raise SmokeFailure(
                f"`pos {shown}` exited {proc.returncode}, expected {expect}\n"
                f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
            )
        return proc.stdout + proc.stderr


def _hide(url: str) -> str:
    return re.sub(r"://([^:@/]+):[^@/]+@", r"://\1:***@", url)


def check(condition: bool, what: str, output: str = "") -> None:
    if not condition:
        raise SmokeFailure(f"{what}\n{output}")


def unpack(artifact: Path, into: Path) -> Path:
    if artifact.name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(artifact) as tar:
            tar.extractall(into, filter="tar")
    elif artifact.suffix == ".zip":
        with zipfile.ZipFile(artifact) as archive:
            archive.extractall(into)
    else:
        raise SmokeFailure(f"unknown artifact type: {artifact}")
    names = ("pos.exe",) if sys.platform == "win32" else ("pos",)
    for path in sorted(into.rglob("*")):
        if path.name in names and path.is_file() and os.access(path, os.X_OK):
            return path
    raise SmokeFailure(f"no pos executable inside {artifact}")


def exercise_database(pos: Runner, url: str | None, work: Path, label: str) -> None:
    """migrate, seed-demo, add-user, check, --self-test on one database."""
    print(f"- {label}", flush=True)
    db = ["--database", url] if url else []
    out = pos(*db, "migrate")
    check("-> current" in out, "migrate did not reach the current schema", out)
    out = pos(*db, "seed-demo")
    check("69 products added" in out, "seed-demo did not load the demo catalog", out)
    found = re.search(r"manager login: (\S+) / (\S+)", out)
    check(found is not None, "seed-demo printed no manager login", out)
    assert found is not None
    manager, secret = found.groups()
    out = pos(
        *db,
        "add-user",
        "smoke-clerk",
        "--role",
        "clerk",
        "--password-stdin",
        "--manager",
        manager,
        "--manager-password-env",
        "POS_SMOKE_MANAGER_PASSWORD",
        stdin="smoke-pin-1234\n",
        env={"POS_SMOKE_MANAGER_PASSWORD": secret},
    )
    check("added clerk smoke-clerk" in out, "add-user failed", out)
    out = pos(*db, "check")
    check("audit ok" in out, "check did not pass", out)
    out = pos(*db, "check", "--json")
    check('"ok": true' in out, "check --json did not report ok", out)
    shot = work / f"login-{label.split()[0].lower()}.png"
    out = pos(*db, "--self-test", "--self-test-screenshot", str(shot))
    check("pos self-test ok" in out and "schema current" in out, "self-test failed", out)
    check("ESC/POS receipt" in out, "self-test printed no ESC/POS receipt", out)
    check(shot.exists() and shot.stat().st_size > 2000, f"no login screenshot at {shot}", out)
    print(f"    {out.strip().splitlines()[-1]}")


def scratch_postgres(admin_url: str) -> tuple[str, object]:
    """Create an empty database for this run (needs psycopg: run with the build venv)."""
    import psycopg  # noqa: PLC0415 - only needed with --postgres

    conninfo = re.sub(r"^postgresql\+\w+://", "postgresql://", admin_url)
    name = f"pos_smoke_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            # pos migrate made roles for it (<database>_owner, _clerk, _manager, users
            # <database>_u_<name>); roles outlive databases. Users first, groups last.
            roles = conn.execute(
                "SELECT quote_ident(rolname) FROM pg_roles WHERE rolname LIKE %s "
                "ORDER BY (rolname LIKE %s) DESC",
                (name + "\\_%", "%\\_u\\_%"),
            ).fetchall()
            for (role,) in roles:
                conn.execute(f"DROP ROLE IF EXISTS {role}")

    scheme, rest = admin_url.split("://", 1)
    base = rest.rsplit("/", 1)[0] if "/" in rest else rest
    return f"{scheme}://{base}/{name}", drop


def check_deb(deb: Path, version: str) -> None:
    """Control fields and the file list (installing it is packaging/verify_deb_chroot.sh)."""
    print(f"- package {deb.name}", flush=True)
    if not shutil.which("dpkg-deb"):
        print("    dpkg-deb not found: skipped")
        return
    fields = {}
    for line in subprocess.run(
        ["dpkg-deb", "--field", str(deb)], capture_output=True, text=True, check=True
    ).stdout.splitlines():
        if ":" in line and not line.startswith(" "):
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    check(fields.get("Package") == "pos", "deb: Package is not pos", str(fields))
    check(fields.get("Version") == version, f"deb: Version is not {version}", str(fields))
    for needed in ("Architecture", "Maintainer", "Depends", "Description", "Installed-Size"):
        check(bool(fields.get(needed)), f"deb: no {needed} field", str(fields))
    listing = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    for path in (
        "./opt/pos/pos",
        "./usr/bin/pos -> /opt/pos/pos",
        "./usr/share/applications/pos.desktop",
        "./usr/share/icons/hicolor/256x256/apps/pos.png",
        "./usr/share/icons/hicolor/scalable/apps/pos.svg",
        "./opt/pos/_internal/pos/migrations/env.py",
        "./opt/pos/_internal/resources/demo_catalog.csv",
    ):
        check(path in listing, f"deb: {path} missing", "")
    check(" root/root " in listing, "deb: files not owned by root", "")
    print(f"    fields ok (Version {fields['Version']}), {listing.count(chr(10))} entries")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("artifact", type=Path)
    parser.add_argument("--version", required=True, help="the version pos --version must print")
    parser.add_argument("--postgres", metavar="URL", help="server for a scratch database")
    parser.add_argument("--deb", type=Path, help="also check this .deb's fields and files")
    parser.add_argument("--deb-version", help="the .deb's Version field (default: --version)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="pos-smoke-"))
    drop = None
    try:
        home = work / "home"
        home.mkdir()
        binary = unpack(args.artifact.resolve(), work / "unpacked")
        print(f"- binary {binary}", flush=True)
        pos = Runner(binary, home)

        out = pos("--version")
        check(out.strip() == f"pos {args.version}", f"--version is not {args.version}", out)
        out = pos("configure", "--show")
        check(str(home) in out and "(from default)" in out, "default not in temp HOME", out)

        print("- configure", flush=True)
        sqlite_file = work / "smoke.sqlite3"
        url = f"sqlite:///{sqlite_file.as_posix()}"
        out = pos("configure", "--database", url, "--counter", "SMOKE-1")
        check("Connected" in out and "saved to" in out, "configure did not test and save", out)
        saved = out.strip().splitlines()[-1].removeprefix("saved to ").strip()
        check(Path(saved).is_relative_to(home), f"settings saved outside HOME: {saved}", out)
        out = pos("configure", "--show")
        check("SMOKE-1" in out and "smoke.sqlite3" in out, "configure --show", out)
        out = pos(
            "configure",
            "--database",
            "postgresql+psycopg://pos@127.0.0.1:9/pos",
            expect=1,
        )
        check("does not answer" in out, "refused server: no clear message", out)

        exercise_database(pos, None, work, "SQLite (from the saved settings)")
        if args.postgres:
            url, drop = scratch_postgres(args.postgres)
            exercise_database(pos, url, work, "PostgreSQL")
        if args.deb:
            check_deb(args.deb, args.deb_version or args.version)
    except SmokeFailure as failure:
        print(f"SMOKE TEST FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        if drop is not None:
            drop()  # type: ignore[operator]
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"smoke test passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
