"""Bootstrap: QApplication, store, schema check, first-run setup, sign-in, counter window."""

from __future__ import annotations

import logging
import sys
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QDialog

from pos.connection_check import diagnose, migrate_command
from pos.errors import PosError
from pos.services.facade import Store, open_store
from pos.ui import style
from pos.ui.bug_reports import BUG_MESSAGE, BugReporter
from pos.ui.change_bus import ChangeBus
from pos.ui.counter_place import show_counter
from pos.ui.counter_window import CounterWindow
from pos.ui.dialogs import Dialogs
from pos.ui.login_dialog import LoginDialog
from pos.ui.setup_dialog import run_first_setup
from pos.views import Actor

log = logging.getLogger("pos.ui.app")


def application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setApplicationName("pos")
    app.setApplicationDisplayName("Point of sale")
    app.setOrganizationName("pos")
    style.apply(app)
    return app


def store_name(store: Store) -> str:
    if store.signs_in_users_itself:
        return ""  # nothing is readable before someone signs in
    try:
        return store.settings.get().store_name
    except PosError:
        return ""


def build_login_dialog(
    store: Store, counter_code: str, username: str = "", sign_in: Any = None
) -> LoginDialog:
    """The sign-in dialog, not executed (used by run_gui, screenshots and --self-test)."""
    return LoginDialog(
        store, counter_code, store_name=store_name(store), username=username, sign_in=sign_in
    )


def prepare_schema(store: Store, dialogs: Dialogs, counter_code: str = "") -> bool:
    """Migrate an empty embedded database; offer to create an empty shared one (it has no
    users yet, so whoever sets it up asks); offer a manager the upgrade of an older schema;
    never touch a shared server's schema without someone's say-so.

    A PostgreSQL counter holding no credential of its own can read nothing yet: its
    schema is checked once someone signs in (check_schema_signed_in)."""
    if store.signs_in_users_itself:
        return True
    try:
        state = store.schema_state()
    except PosError as err:
        dialogs.error(None, "Cannot open the database", diagnose(err))
        return False
    if state == "current":
        return True
    if state == "empty" and store.backend == "sqlite":
        store.migrate()
        return True
    if state == "outdated":
        return upgrade_with_manager(store, dialogs, counter_code)
    if state == "empty":
        return create_on_empty_server(store, dialogs)
    message = (
        "This database was upgraded by a newer pos. Install the newer version on this counter."
    )
    dialogs.error(None, "Database not ready", message)
    return False


def create_on_empty_server(store: Store, dialogs: Dialogs) -> bool:
    """An empty shared database gets the same first run as the embedded one (schema, then
    the first manager), but only after someone says yes: it may be the wrong database."""
    command = migrate_command(store.url)
    question = (
        f"The database {store.url} has no pos tables yet.\n\n"
        "Create the store's tables there now? You then create the first manager account.\n\n"
        f"(The same from a terminal: {command})"
    )
    if not dialogs.confirm(None, "New store database", question):
        dialogs.error(
            None,
            "Database not ready",
            f"This database has no pos tables yet. Create them with:\n{command}",
        )
        return False
    try:
        store.migrate()
    except PosError as err:
        dialogs.error(None, "Database not created", diagnose(err))
        return False
    return True


def upgrade_with_manager(store: Store, dialogs: Dialogs, counter_code: str) -> bool:
    """The database is older than this app: a manager may upgrade it (every counter then
    needs this version), nobody else."""
    question = (
        "The store database was made by an older pos and must be upgraded before this "
        "counter can sell. After the upgrade, every counter needs this version of pos.\n\n"
        "Sign in as a manager to upgrade now?"
    )
    if not dialogs.confirm(None, "Database upgrade", question):
        return False
    # The old schema may predate sign-in sessions: only the manager's password is checked.
    dialog = build_login_dialog(
        store, counter_code, sign_in=lambda name, pw, _c: store.auth.verify_manager(name, pw)
    )
    dialog.setWindowTitle("Manager sign-in: upgrade the database")
    if dialogs.exec(dialog) != QDialog.DialogCode.Accepted or dialog.actor is None:
        return False
    if not dialog.actor.is_manager:
        dialogs.error(None, "Database not upgraded", "Only a manager can upgrade the database.")
        return False
    try:
        store.migrate()
    except PosError as err:
        dialogs.error(None, "Database not upgraded", err.message)
        return False
    return True


def check_schema_signed_in(store: Store, actor: Actor, dialogs: Dialogs) -> bool:
    """The schema check of a counter without a credential of its own, through the user's
    connection. Upgrading needs the schema owner's credential, which counters never hold."""
    try:
        store.require_current_schema(actor)
    except PosError as err:
        if err.code == "SCHEMA_MISMATCH" and err.details.get("state") != "too_new":
            message = (
                "The store database is older than this pos. The person who set up the server "
                f"upgrades it with the schema owner's credential:\n{migrate_command(store.url)}"
            )
        else:
            message = err.message
        dialogs.error(None, "Database not ready", message)
        return False
    return True


class CounterSession(QObject):
    """Sign-in loop: sign out shows the login again; the counter's cart stays in the database."""

    def __init__(self, store: Store, counter_code: str, dialogs: Dialogs) -> None:
        super().__init__()
        self.store, self.counter_code, self.dialogs = store, counter_code, dialogs
        self.window: CounterWindow | None = None
        self.bus: ChangeBus | None = None

    def report_bug(self, name: str) -> None:
        """A bug escaped a slot or a thread (already logged): tell the clerk, never die."""
        window = self.window
        if window is not None and window.isVisible():
            window.unexpected_error(name)
        else:
            self.dialogs.error(window, "Unexpected error", BUG_MESSAGE)

    def login(self, username: str = "") -> Actor | None:
        dialog = build_login_dialog(self.store, self.counter_code, username)
        if self.dialogs.exec(dialog) != QDialog.DialogCode.Accepted:
            return None
        return dialog.actor

    def start(self, actor: Actor) -> CounterWindow:
        # Listen before the first load, so no other counter's change falls in between.
        # The window hears resync (reconnects) on the bus itself: nothing wired twice here.
        self.bus = ChangeBus.of(self.store, actor=actor)
        self.bus.start()
        self.window = CounterWindow(self.store, actor, dialogs=self.dialogs, bus=self.bus)
        self.bus.onlineChanged.connect(self.window.set_online)
        self.window.signOutRequested.connect(self.switch_clerk)
        self.window.remember_place = True  # tests and the screenshot tool leave it False
        show_counter(self.window)
        self.window.scanning.start()  # scanner bursts reach the sale from any widget
        return self.window

    def stop(self) -> None:
        if self.window is not None:
            self.window.shutdown()
        if self.bus is not None:
            self.bus.stop()

    def switch_clerk(self) -> None:
        window = self.window
        if window is None:
            return
        window.hide()
        actor = self.login()
        if actor is None:
            window.close()
            QApplication.quit()
            return
        previous = window.actor
        try:
            window.set_actor(actor)
            if self.store.signs_in_users_itself and self.bus is not None:
                self.bus.listen_as(actor)  # before the previous clerk's session ends
        finally:
            window.show()  # never leave a running counter without a window
        if previous.session is not actor.session:
            try:  # the signed-out clerk's session ends (PostgreSQL: their pool closes)
                self.store.auth.logout(previous)
            except PosError as err:
                log.warning("sign-out of the previous user not recorded: %s", err.code)


def install_bug_reporter(app: QApplication) -> BugReporter:
    """sys.excepthook + threading.excepthook for the app's lifetime (see bug_reports)."""
    return BugReporter(app).install()


def run_gui(database_url: str, counter_code: str, argv: list[str] | None = None) -> int:
    app = application(argv)
    reporter = install_bug_reporter(app)
    dialogs = Dialogs()
    try:
        store = open_store(database_url)
    except PosError as err:
        dialogs.error(None, "Cannot open the database", err.message)
        return 2
    try:
        if not prepare_schema(store, dialogs, counter_code):
            return 2
        username = ""
        if not store.signs_in_users_itself and not store.auth.has_users():
            first = run_first_setup(store, dialogs)
            if first is None:
                return 1
            username = first
        session = CounterSession(store, counter_code, dialogs)
        reporter.bugCaught.connect(session.report_bug)
        actor = session.login(username)
        if actor is None:
            return 0
        if store.signs_in_users_itself and not check_schema_signed_in(store, actor, dialogs):
            return 2
        session.start(actor)
        try:
            return app.exec()
        finally:
            session.stop()
    except PosError as err:
        dialogs.error(None, "pos", err.message)
        return 2
    finally:
        store.close()


def run_admin(database_url: str, counter_code: str, argv: list[str] | None = None) -> int:
    """`pos admin`: a manager signs in and gets the inventory admin window alone."""
    from pos.ui.admin import open_admin_window

    app = application(argv)
    reporter = install_bug_reporter(app)
    dialogs = Dialogs()
    reporter.bugCaught.connect(lambda _name: dialogs.error(None, "Unexpected error", BUG_MESSAGE))
    store = open_store(database_url)
    try:
        if not prepare_schema(store, dialogs, counter_code):
            return 2
        first_run = not store.signs_in_users_itself and not store.auth.has_users()
        if first_run and run_first_setup(store, dialogs) is None:
            return 1
        session = CounterSession(store, counter_code, dialogs)
        while True:
            actor = session.login()
            if actor is None:
                return 0
            if actor.is_manager:
                if store.signs_in_users_itself and not check_schema_signed_in(
                    store, actor, dialogs
                ):
                    return 2
                break
            dialogs.error(None, "Managers only", "The admin window is for manager accounts.")
        bus = ChangeBus.of(store, actor=actor)  # other counters' sales and edits show up
        bus.start()
        try:
            open_admin_window(store, actor)  # maximised, or where it was last time
            return app.exec()
        finally:
            bus.stop()
    except PosError as err:
        dialogs.error(None, "pos", err.message)
        return 2
    finally:
        store.close()
