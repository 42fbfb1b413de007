"""Sign in at this counter: user name, password; the service's message on failure."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pos.errors import PosError
from pos.services.facade import Store
from pos.ui.style import app_icon, fix_minimum_size
from pos.ui.worker import TaskRunner
from pos.views import Actor


def plain_label(text: str = "", name: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    return label


class LoginDialog(QDialog):
    def __init__(
        self,
        store: Store,
        counter_code: str,
        parent: QWidget | None = None,
        *,
        store_name: str = "",
        username: str = "",
        sign_in: Callable[[str, str, str], Actor] | None = None,
    ) -> None:
        """sign_in(name, password, counter): store.auth.login unless given."""
        super().__init__(parent)
        self._store = store
        self._sign_in = sign_in or store.auth.login
        self._runner = TaskRunner(self, max_threads=1)
        self.counter_code = counter_code
        self.actor: Actor | None = None
        self.setWindowTitle(f"Sign in \u2014 {store_name or 'pos'}")
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(420)

        title = plain_label(store_name or "Point of sale", "sectionTitle")
        subtitle = plain_label(f"Counter {counter_code}", "muted")
        self.username = QLineEdit(username)
        self.username.setPlaceholderText("User name")
        self.username.setAccessibleName("User name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Password or PIN")
        self.password.setAccessibleName("Password")
        self.error = plain_label("", "formError")
        self.error.setWordWrap(True)
        self.error.hide()

        form = QFormLayout()
        form.setSpacing(10)
        form.addRow("&User", self.username)
        form.addRow("&Password", self.password)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText("Sign in")
        self.sign_in_button.setObjectName("primary")
        self.sign_in_button.setToolTip("Sign in (Enter)")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Quit")
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        fix_minimum_size(self, extra_height=40)
        (self.password if username else self.username).setFocus()

    def try_login(self) -> bool:
        name = self.username.text().strip()
        if not name:
            self.show_error("Enter your user name.")
            self.username.setFocus()
            return False
        outcome = self._sign_in_off_gui_thread(name, self.password.text())
        if isinstance(outcome, PosError):
            self.show_error(outcome.message)
            self.password.selectAll()
            self.password.setFocus()
            return False
        self.actor = outcome
        self.accept()
        return True

    def _sign_in_off_gui_thread(self, name: str, password: str) -> Actor | PosError:
        """The sign-in (a deliberately slow password check, and a server that may not
        answer) runs on a worker thread; this dialog keeps painting and answering in a
        local event loop meanwhile, with its buttons off so nobody signs in twice."""
        sign_in, counter = self._sign_in, self.counter_code
        outcome: list[Actor | PosError] = []
        loop = QEventLoop(self)

        def finish(result: Actor | PosError) -> None:
            outcome.append(result)
            loop.quit()

        self.buttons.setEnabled(False)
        self.error.hide()
        try:
            self._runner.submit(lambda: sign_in(name, password, counter), finish, finish)
            loop.exec()
        finally:
            self.buttons.setEnabled(True)
        return outcome[0]

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
