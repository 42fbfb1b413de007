"""First run on an empty store: create the first manager and offer the demo catalog."""

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
from pos.ui.login_dialog import plain_label
from pos.ui.style import app_icon, fix_minimum_size
from pos.views import Actor


class SetupDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.manager: Actor | None = None
        self.products_added = 0
        self.setWindowTitle("Set up this store")
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(460)

        intro = plain_label(
            "This database is new. Create the first manager account; managers add "
            "clerks and products in the inventory admin.",
            "muted",
        )
        intro.setWordWrap(True)
        self.username = QLineEdit("manager")
        self.username.setAccessibleName("Manager user name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("At least 8 characters")
        self.password.setAccessibleName("Password")
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName("Repeat password")
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

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.create_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText("Create store")
        self.create_button.setObjectName("primary")
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        layout.addWidget(plain_label("Welcome", "sectionTitle"))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.demo)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        fix_minimum_size(self, extra_height=40)
        self.password.setFocus()

    def create(self) -> bool:
        if self.password.text() != self.repeat.text():
            return self._fail("The two passwords differ.")
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.manager = self._store.auth.bootstrap_manager(
                self.username.text().strip(), self.password.text()
            )
            if self.demo.isChecked():
                self.products_added = seed_demo(self._store, manager=self.manager).products_added
        except PosError as err:
            return self._fail(err.message)
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()
        return True

    def _fail(self, message: str) -> bool:
        self.error.setText(message)
        self.error.show()
        return False
