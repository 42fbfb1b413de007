"""`pos`: the GUI by default, plus the admin sub-commands installers and managers use."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence

from pos import __version__, config
from pos.errors import ErrorCode, PosError
from pos.logs import configure_logging
from pos.services import Store, open_store
from pos.views import Actor


def _connection_options(default: object) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database",
        metavar="URL",
        default=default,
        help="database URL (overrides settings and POS_DATABASE_URL)",
    )
    common.add_argument("--counter", metavar="CODE", default=default, help="this counter's code")
    return common


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pos", parents=[_connection_options(None)], description=__doc__
    )
    # SUPPRESS: an option given before the sub-command is not reset by the sub-parser.
    common = _connection_options(argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=f"pos {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="start the GUI, open the database, render the sign-in dialog and exit "
        "(offscreen when there is no display; for installers' smoke tests)",
    )
    parser.add_argument(
        "--self-test-screenshot",
        metavar="PATH",
        help="with --self-test: also save the rendered sign-in dialog to this PNG file",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("gui", parents=[common], help="start the counter window (the default)")
    migrate = sub.add_parser(
        "migrate", parents=[common], help="create or upgrade the database schema"
    )
    _database_password(migrate, saved=False)

    seed = sub.add_parser("seed-demo", parents=[common], help="load the demo catalog and users")
    seed.add_argument("--with-sales", action="store_true", help="also make demo sales")
    _manager_login(seed)
    _ask_password(seed, " (the owner connection: used for this run only)")

    add = sub.add_parser("add-user", parents=[common], help="add a clerk or manager")
    add.add_argument("name")
    add.add_argument("--role", choices=["clerk", "manager"], default="clerk")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    _manager_login(add)
    _ask_password(add, " (the owner connection: used for this run only)")

    reset = sub.add_parser(
        "set-password",
        parents=[common],
        help="give a user a new password with the schema owner's connection (PostgreSQL: "
        "users carried over from before per-user roles, or a locked-out last manager)",
    )
    reset.add_argument("name")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    _ask_password(reset, " (the owner connection: used for this run only)")

    check = sub.add_parser("check", parents=[common], help="audit stock, carts and orders")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    _ask_password(check, " (used for this run only)")

    conf = sub.add_parser(
        "configure", parents=[common], help="save this counter's database and counter code"
    )
    conf.add_argument(
        "--system",
        action="store_true",
        help=f"write the store-wide defaults ({config.system_settings_path()})",
    )
    conf.add_argument("--show", action="store_true", help="print the settings in force")
    conf.add_argument("--no-test", action="store_true", help="save without testing the connection")
    _database_password(conf, saved=True)

    admin = sub.add_parser("admin", parents=[common], help="open the inventory admin window")
    _manager_login(admin)
    return parser


def _database_password(p: argparse.ArgumentParser, *, saved: bool) -> None:
    # Never an option taking the password itself: argv shows in `ps` to every user.
    where = (
        " and keep it in pos's own libpq password file (mode 0600) for later runs"
        if saved
        else " (used for this run only)"
    )
    way = p.add_mutually_exclusive_group()
    way.add_argument(
        "--password-stdin",
        dest="db_password_stdin",
        action="store_true",
        help=f"read the database user's password from stdin{where}",
    )
    _ask_password(way, where)


def _ask_password(
    p: argparse.ArgumentParser | argparse._MutuallyExclusiveGroup, where: str
) -> None:
    p.add_argument(
        "--ask-password",
        action="store_true",
        help=f"ask for the database user's password{where}",
    )


def _manager_login(p: argparse.ArgumentParser) -> None:
    p.add_argument("--manager", metavar="NAME", help="manager account that authorises this")
    p.add_argument(
        "--manager-password-env",
        metavar="VAR",
        help="read the manager's password from this environment variable instead of a prompt",
    )


def _open(
    args: argparse.Namespace, *, require_schema: bool = True, password: str | None = None
) -> Store:
    from pos.connection_check import diagnose, migrate_command, safe_url

    settings = config.load_settings(args.database, args.counter)
    if password is None:
        password = _database_password_from(args)
    # A password typed or piped in stays in this process's memory only.
    store = open_store(_with_password(settings.database_url, password))
    try:
        if require_schema:
            store.require_current_schema()
        else:
            store.schema_state()  # reachable at all? (diagnosed below, like pos configure)
    except PosError as err:
        store.close()
        where = safe_url(settings.database_url)
        states = {"empty": "has no pos tables yet", "outdated": "is older than this app"}
        state = states.get(err.details.get("state", ""))
        if err.code == ErrorCode.SCHEMA_MISMATCH and state:
            raise PosError(
                err.code,
                f"The database {where} {state}: run `{migrate_command(settings.database_url)}` "
                "first (on a shared server, a manager's job).",
                err.details,
            ) from None
        if err.code == ErrorCode.DATABASE_ERROR and err.__cause__ is not None:
            raise PosError(err.code, f"{diagnose(err)} (database {where})", err.details) from None
        raise
    return store


class UsageError(Exception):
    """A command that cannot go on as called: main() prints the message and exits 2."""


def _can_prompt() -> bool:
    # getpass falls back to reading stdin when there is no terminal, and input() raises
    # EOFError on a closed pipe: ask only when a person can answer.
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (OSError, ValueError):
        return False


def _no_terminal(what: str, fix: str) -> UsageError:
    return UsageError(f"pos: {what}, but stdin is not a terminal, so pos cannot ask. {fix}")


def _read_secret(prompt: str, *, from_stdin: bool = False) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not _can_prompt():
        raise _no_terminal(
            "this needs the new user's password",
            "Pass it on stdin with --password-stdin, e.g. "
            "`printf '%s\\n' \"$PW\" | pos add-user NAME --password-stdin`.",
        )
    first = getpass.getpass(prompt)
    if getpass.getpass("Repeat: ") != first:
        raise SystemExit("pos: the two entries differ")
    return first


def _with_password(url: str, password: str | None) -> str:
    if password is None:
        return url
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=password).render_as_string(hide_password=False)


def _database_password_from(args: argparse.Namespace) -> str | None:
    """The database password asked for with --password-stdin or --ask-password, or None."""
    if getattr(args, "db_password_stdin", False):
        secret = sys.stdin.readline().rstrip("\r\n")
    elif getattr(args, "ask_password", False):
        if not _can_prompt():
            raise _no_terminal(
                "--ask-password needs the database password",
                "Pipe it in with --password-stdin (pos migrate, pos configure), or keep it "
                "in a libpq password file (`pos configure --password-stdin` saves one).",
            )
        secret = getpass.getpass("Database password: ")
    else:
        return None
    if not secret:
        raise UsageError("pos: the database password is empty")
    return secret


def _refuse_password_on_argv(args: argparse.Namespace) -> None:
    url = getattr(args, "database", None)
    if isinstance(url, str) and config.url_has_password(url):
        raise UsageError(f"pos: {config.PASSWORD_IN_URL}")


def _authorise(store: Store, args: argparse.Namespace) -> Actor:
    import os

    if (not args.manager or not args.manager_password_env) and not _can_prompt():
        raise _no_terminal(
            "a manager must authorise this",
            "Give the manager's name with --manager NAME and the name of an environment "
            "variable holding the password with --manager-password-env VAR.",
        )
    name = args.manager or input("Manager name: ")
    secret = (
        os.environ.get(args.manager_password_env, "")
        if args.manager_password_env
        else getpass.getpass(f"Password for {name}: ")
    )
    actor = store.auth.login(name, secret)
    if not actor.is_manager:
        raise SystemExit("pos: that account is not a manager")
    return actor


def cmd_migrate(args: argparse.Namespace) -> int:
    with _open(args, require_schema=False) as store:
        before = store.schema_state()
        notes = store.migrate()
        print(f"database {store.url}: schema {before} -> current")
        for note in notes:  # e.g. a SKU renamed: its twin differs only in case
            print(f"renamed: {note}")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from pos.demo import seed_demo

    with _open(args) as store:
        manager = _authorise(store, args) if store.auth.has_users() else None
        result = seed_demo(store, manager=manager, with_sales=args.with_sales)
        print(f"demo catalog: {result.products_added} products added")
        if result.orders_made:
            print(f"demo sales: {result.orders_made} orders")
        if result.manager_password:
            print(f"manager login: {result.manager} / {result.manager_password}")
            print(f"clerk login:   {result.clerk} / {result.clerk_password}")
            print("(write these down: they are not stored anywhere readable)")
    return 0


def cmd_add_user(args: argparse.Namespace) -> int:
    with _open(args) as store:
        if store.auth.has_users():
            actor = _authorise(store, args)
            secret = _read_secret(f"Password for {args.name}: ", from_stdin=args.password_stdin)
            user = store.auth.add_user(actor, args.name, secret, role=args.role)
        else:
            if args.role != "manager":
                raise SystemExit("pos: the first user of a store must be a manager")
            secret = _read_secret(f"Password for {args.name}: ", from_stdin=args.password_stdin)
            store.auth.bootstrap_manager(args.name, secret)
            user = None
        print(f"added {args.role} {args.name}" + (f" (id {user.id})" if user else ""))
    return 0


def cmd_set_password(args: argparse.Namespace) -> int:
    with _open(args) as store:
        secret = _read_secret(f"New password for {args.name}: ", from_stdin=args.password_stdin)
        store.auth.reset_password(args.name, secret)
        print(f"new password set for {args.name}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    with _open(args) as store:
        report = store.audit.check()
    if args.json:
        print(
            json.dumps(
                {
                    "ok": report.ok,
                    "problems": list(report.problems),
                    "products": report.checked_products,
                    "orders": report.checked_orders,
                    "carts": report.checked_carts,
                }
            )
        )
    else:
        print(
            f"checked {report.checked_products} products, {report.checked_orders} orders, "
            f"{report.checked_carts} carts"
        )
        for problem in report.problems:
            print(f"PROBLEM: {problem}")
        print("audit ok" if report.ok else f"audit FAILED: {len(report.problems)} problem(s)")
    return 0 if report.ok else 1


def cmd_configure(args: argparse.Namespace) -> int:
    """Save the database URL (never with a password) and the counter code; a password
    given by prompt or stdin goes only into pos's libpq password file, 0600."""
    from pos.connection_check import check_connection, safe_url

    wants_password = args.db_password_stdin or args.ask_password
    if args.show or (args.database is None and args.counter is None and not wants_password):
        current = config.load_settings()
        print(f"database: {safe_url(current.database_url)}  (from {current.source})")
        print(f"counter:  {current.counter_code}")
        if config.url_has_password(current.database_url):
            print(
                f"warning: the database URL from {current.source} holds a password. "
                f"{config.PASSWORD_IN_URL}"
            )
        return 0
    if wants_password and args.system:
        raise UsageError(
            "pos: --system writes settings every account reads, so no password goes with "
            "it; save the password per user (pos configure --password-stdin without --system)."
        )
    password = _database_password_from(args)
    url = args.database or (config.load_settings().database_url if password else None)
    if password is not None and url is not None and url.startswith("sqlite"):
        raise UsageError("pos: an SQLite database has no password")
    if url and not args.no_test:
        result = check_connection(_with_password(url, password))
        print(result.message)
        if not result.ok:
            return 1
    if password is not None and url is not None:
        print(f"password kept in {config.save_password(url, password)} (mode 0600)")
    values = {"database_url": args.database, "counter_code": args.counter}
    if args.system:
        path = config.save_system_settings(**values)
    else:
        path = config.save_user_settings(**values)
    print(f"saved to {path}")
    return 0


def _refuse_bad_values(args: argparse.Namespace) -> None:
    """A URL or counter code that could never work is refused before it is saved, even with
    --no-test (ConfigError / VALIDATION_ERROR: one line, exit 2)."""
    from pos.db_url import parse_database_url
    from pos.services.plumbing.validation import counter_code

    if getattr(args, "database", None) is not None:
        parse_database_url(args.database)
    if getattr(args, "counter", None) is not None:
        counter_code(args.counter)


def _require_a_window_system() -> None:
    """Qt aborts the process (a core dump) when it cannot open a window: say why first."""
    from pos import qt_check

    problem = qt_check.problem()
    if problem is not None:
        raise UsageError(problem)


def cmd_gui(args: argparse.Namespace) -> int:
    _require_a_window_system()
    from pos.ui.app import run_gui

    settings = config.load_settings(args.database, args.counter)
    return run_gui(settings.database_url, settings.counter_code, sys.argv[:1])


def cmd_self_test(args: argparse.Namespace) -> int:
    """Prove the GUI stack works here (Qt plugins, fonts, the database) without a person."""
    import os
    import time

    from pos.connection_check import safe_url

    started = time.perf_counter()
    has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if (
        sys.platform.startswith("linux")
        and not has_display
        and not os.environ.get("QT_QPA_PLATFORM")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _require_a_window_system()
    from pos.ui.app import application, build_login_dialog

    settings = config.load_settings(args.database, args.counter)
    app = application(sys.argv[:1])
    with open_store(settings.database_url) as store:
        state = store.schema_state()
        dialog = build_login_dialog(store, settings.counter_code)
        dialog.show()
        app.processEvents()
        image = dialog.grab()
        dialog.close()
    elapsed = (time.perf_counter() - started) * 1000
    import pos.ui.admin  # noqa: F401  (the admin window's modules, pyqtgraph: in the build?)
    from pos.devices.printer.self_check import sample_receipt_bytes

    receipt_bytes = sample_receipt_bytes()  # python-escpos and its data: in the build?

    if image.isNull() or image.width() < 100:
        print("pos self-test: the sign-in dialog did not render", file=sys.stderr)
        return 1
    if args.self_test_screenshot and not image.save(args.self_test_screenshot, "PNG"):
        print(f"pos self-test: cannot write {args.self_test_screenshot}", file=sys.stderr)
        return 1
    print(
        f"pos self-test ok: {app.platformName()} platform, sign-in dialog "
        f"{image.width()}x{image.height()} in {elapsed:.0f} ms, schema {state}, "
        f"database {safe_url(settings.database_url)}, ESC/POS receipt {receipt_bytes} bytes"
    )
    return 0


def cmd_admin(args: argparse.Namespace) -> int:
    _require_a_window_system()
    from pos.ui.app import run_admin

    settings = config.load_settings(args.database, args.counter)
    return run_admin(settings.database_url, settings.counter_code, sys.argv[:1])


COMMANDS = {
    None: cmd_gui,
    "gui": cmd_gui,
    "migrate": cmd_migrate,
    "seed-demo": cmd_seed_demo,
    "add-user": cmd_add_user,
    "set-password": cmd_set_password,
    "check": cmd_check,
    "configure": cmd_configure,
    "admin": cmd_admin,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging()
    try:
        _refuse_bad_values(args)  # before any command (the GUI ones too) starts work
        _refuse_password_on_argv(args)
        if args.self_test:
            return cmd_self_test(args)
        return COMMANDS[args.command](args)
    except PosError as err:
        print(f"pos: {err.message} [{err.code}]", file=sys.stderr)
        return 2
    except UsageError as err:
        print(err, file=sys.stderr)
        return 2
    except EOFError:  # stdin closed in the middle of a prompt
        print("pos: stdin ended before the answer was read", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
