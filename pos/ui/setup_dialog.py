"""First run on an empty store: create the first manager, optionally the first clerk and the
demo catalog, then say what was created."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pos.demo import seed_demo
from pos.errors import PosError
from pos.services.facade import Store
from pos.services.people.secret_rules import MIN_PASSWORD, hint
from pos.ui.dialogs import Dialogs
from pos.ui.login_dialog import plain_label
from pos.ui.style import app_icon, fix_minimum_size
from pos.views import Actor


def _secret_field(name: str, placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    field.setAccessibleName(name)
    return field


class SetupDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.manager: Actor | None = None
        self.clerk_name: str | None = None  # set once the clerk exists
        self.products_added = 0
        self._demo_loaded = False
        self.setWindowTitle("Set up this store")
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(460)

        intro = plain_label(
            "This database is new. Create the first manager account and, if you like, the "
            "first clerk; managers add more clerks and products in the inventory admin.",
            "muted",
        )
        intro.setWordWrap(True)
        self.username = QLineEdit("manager")
        self.username.setAccessibleName("Manager user name")
        self.password = _secret_field("Password", hint("manager"))
        self.repeat = _secret_field("Repeat password")

        self.clerk = QCheckBox("Also create the first &clerk (who sells at the counter)")
        self.clerk.setChecked(True)
        self.clerk_username = QLineEdit("clerk")
        self.clerk_username.setAccessibleName("Clerk user name")
        # A new store allows no PINs (a manager may turn them on in the store settings).
        self.clerk_pin = _secret_field("Clerk password", hint("clerk"))
        self.clerk_repeat = _secret_field("Repeat clerk password")
        self.demo = QCheckBox("Load the &demo catalog (products with pictures)")
        self.demo.setChecked(True)
        self.error = plain_label("", "formError")
        self.error.setWordWrap(True)
        self.error.hide()

        form = QFormLayout()
        form.setSpacing(10)
        form.addRow("Manager &name", self.username)
        form.addRow("&Password", self.password)
        form.addRow("&Repeat", self.repeat)
        form.addRow(self.clerk)  # one form, so both groups' fields line up
        form.addRow("Cler&k name", self.clerk_username)
        form.addRow("Clerk pass&word", self.clerk_pin)
        form.addRow("Repea&t", self.clerk_repeat)
        form.addRow(self.demo)
        self._clerk_fields = (self.clerk_username, self.clerk_pin, self.clerk_repeat)
        self.clerk.toggled.connect(self._clerk_toggled)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.create_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText("Create store")
        self.create_button.setObjectName("primary")
        buttons.accepted.connect(self.create_store)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        layout.addWidget(plain_label("Welcome", "sectionTitle"))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        fix_minimum_size(self, extra_height=40)
        self.password.setFocus()

    def _clerk_toggled(self, on: bool) -> None:
        for field in self._clerk_fields:
            field.setEnabled(on)

    def _problem(self) -> str | None:
        """What is wrong with the form, checked before anything is created."""
        if self.password.text() != self.repeat.text():
            return "The two manager passwords differ."
        if not self.clerk.isChecked() or self.clerk_name is not None:
            return None
        name = self.clerk_username.text().strip()
        if not name:
            return "Give the clerk a user name (or untick “Also create the first clerk”)."
        if name.casefold() == self.username.text().strip().casefold():
            return "The clerk needs a user name of their own."
        if self.clerk_pin.text() != self.clerk_repeat.text():
            return "The two clerk passwords differ."
        if len(self.clerk_pin.text()) < MIN_PASSWORD["clerk"]:
            return f"A clerk password needs at least {MIN_PASSWORD['clerk']} characters."
        return None

    def create_store(self) -> bool:
        problem = self._problem()
        if problem:
            return self._fail(problem)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            # Step by step, each done once: after an error the manager may fix a field and
            # press Create again without the finished steps being repeated.
            if self.manager is None:
                self.manager = self._store.auth.bootstrap_manager(
                    self.username.text().strip(), self.password.text()
                )
            if self.clerk.isChecked() and self.clerk_name is None:
                name = self.clerk_username.text().strip()
                self._store.auth.add_user(self.manager, name, self.clerk_pin.text(), role="clerk")
                self.clerk_name = name
            if self.demo.isChecked() and not self._demo_loaded:
                self.products_added = seed_demo(self._store, manager=self.manager).products_added
                self._demo_loaded = True
        except PosError as err:
            return self._fail(err.message)
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()
        return True

    def summary(self) -> str:
        """What was created, in words, for the message after the dialog."""
        if self.manager is None:
            return "Nothing was created."
        made = [f"the manager “{self.manager.username}”"]
        if self.clerk_name is not None:
            made.append(f"the clerk “{self.clerk_name}”")
        if self._demo_loaded:
            made.append(f"{self.products_added} demo products")
        listed = made[0] if len(made) == 1 else ", ".join(made[:-1]) + " and " + made[-1]
        more = (
            "Sign in as the clerk to sell"
            if self.clerk_name is not None
            else "Sign in as the manager and add clerks in the inventory admin (People)"
        )
        return f"Created {listed}. {more}."

    def _fail(self, message: str) -> bool:
        self.error.setText(message)
        self.error.show()
        return False


def run_first_setup(store: Store, dialogs: Dialogs) -> str | None:
    """The first-run dialog, then what it created; returns the user name to sign in with
    (the clerk when there is one, so the counter opens ready to sell), None if cancelled."""
    setup = SetupDialog(store)
    if dialogs.exec(setup) != QDialog.DialogCode.Accepted or setup.manager is None:
        return None
    dialogs.info(None, "Store created", setup.summary())
    return setup.clerk_name or setup.manager.username
