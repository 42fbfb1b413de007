"""Managers point this counter at the shop's database: URL, counter code, test, save.

The same as `pos configure --database URL --counter CODE`: the connection is tested
(off the GUI thread: a server that does not answer takes a while) before anything is
saved to the user's settings file in the platformdirs config folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos import config
from pos.connection_check import ConnectionCheck, check_connection
from pos.errors import PosError
from pos.limits import COUNTER_CODE_MAX
from pos.services.plumbing import validation
from pos.ui.login_dialog import plain_label
from pos.ui.style import app_icon, fix_minimum_size
from pos.ui.worker import TaskRunner

Checker = Callable[[str], ConnectionCheck]
Saver = Callable[..., Path]

MAX_COUNTER_CODE = COUNTER_CODE_MAX  # every order number made here must fit its column
NO_PASSWORD_IN_URL = (
    "Leave the password out of the URL: pos never saves one in its settings. Keep it in "
    "~/.pgpass (mode 0600), or save it with `pos configure --ask-password`."
)


class ConnectionDialog(QDialog):
    """Edit, test and save the database URL and counter code of this machine's user."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        checker: Checker = check_connection,
        saver: Saver = config.save_user_settings,
        settings: config.Settings | None = None,
    ) -> None:
        super().__init__(parent)
        self._checker = checker
        self._saver = saver
        self._runner = TaskRunner(self, max_threads=1)
        self.saved_to: Path | None = None
        self.last_check: ConnectionCheck | None = None
        current = settings or config.load_settings()
        self.setWindowTitle("Database connection")
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(520)

        intro = plain_label(
            "Which database this counter uses. Counters that share stock use the "
            "shop's PostgreSQL server, e.g. postgresql://shop@server/pos. The URL holds no "
            "password: pos never saves one in its settings (libpq reads it from ~/.pgpass).",
            "muted",
        )
        intro.setWordWrap(True)
        # An older settings file may still hold a password: never put it on screen (saving
        # from here keeps the URL without it; the password belongs in ~/.pgpass).
        self.database = QLineEdit(config.without_password(current.database_url))
        self.database.setPlaceholderText("postgresql://user@server/database")
        self.database.setAccessibleName("Database URL")
        self.counter = QLineEdit(current.counter_code)
        self.counter.setMaxLength(MAX_COUNTER_CODE)
        self.counter.setPlaceholderText("e.g. C2 (printed on receipts)")
        self.counter.setAccessibleName("Counter code")
        self.source = plain_label(f"Now in use from: {current.source}", "muted")
        self.source.setWordWrap(True)
        self.status = plain_label("", "formError")
        self.status.setWordWrap(True)
        self.status.hide()

        form = QFormLayout()
        form.setSpacing(10)
        for text, field in (("&Database URL", self.database), ("&Counter code", self.counter)):
            label = plain_label(text)
            label.setBuddy(field)
            form.addRow(label, field)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.test_button = QPushButton("&Test connection")
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("primary")
        self.save_button.setToolTip("Test the connection, then save (Enter)")
        self.test_button.clicked.connect(self.test_connection)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self._runner.busyChanged.connect(self._set_busy)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.source)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        fix_minimum_size(self, extra_height=60)
        self.database.setFocus()

    # --- actions -----------------------------------------------------------------------
    def test_connection(self) -> bool:
        """Start a check of the URL as typed; the result shows in the status line."""
        return self._start_check(save_after=False)

    def save(self) -> bool:
        """Check, then save and close if the database can be used."""
        return self._start_check(save_after=True)

    def _start_check(self, *, save_after: bool) -> bool:
        url = self.database.text().strip()
        code = self.counter.text().strip()
        if not url:
            self.show_status("Enter the database URL.", ok=False)
            self.database.setFocus()
            return False
        if not code:
            self.show_status("Enter this counter's code.", ok=False)
            self.counter.setFocus()
            return False
        if config.url_has_password(url):
            self.show_status(NO_PASSWORD_IN_URL, ok=False)
            self.database.setFocus()
            return False
        try:  # the same rule sign-in applies: refused here, not at the first sign-in
            code = validation.counter_code(code)
        except PosError as err:
            self.show_status(err.message, ok=False)
            self.counter.setFocus()
            return False
        self.show_status("Testing the connection\u2026", ok=True)
        self._runner.submit(
            lambda: self._checker(url),
            lambda result: self._checked(result, url, code, save_after),
            lambda err: self.show_status(getattr(err, "message", str(err)), ok=False),
            key="check",
        )
        return True

    def _checked(self, result: ConnectionCheck, url: str, code: str, save_after: bool) -> None:
        self.last_check = result
        self.show_status(result.message, ok=result.ok)
        if not (result.ok and save_after):
            return
        try:
            self.saved_to = self._saver(database_url=url, counter_code=code)
        except (OSError, PosError) as exc:
            reason = exc.message if isinstance(exc, PosError) else str(exc)
            self.show_status(f"Cannot save the settings: {reason}", ok=False)
            return
        self.accept()

    # --- view --------------------------------------------------------------------------
    def show_status(self, message: str, *, ok: bool) -> None:
        self.status.setObjectName("muted" if ok else "formError")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setText(message)
        self.status.show()

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.test_button, self.save_button, self.database, self.counter):
            widget.setEnabled(not busy)

    def done(self, result: int) -> None:
        self._runner.shutdown()
        super().done(result)


def run_connection_dialog(parent: QWidget | None = None) -> Path | None:
    """Show the dialog modally; the settings file it saved to, or None if cancelled."""
    dialog = ConnectionDialog(parent)
    dialog.exec()
    return dialog.saved_to
