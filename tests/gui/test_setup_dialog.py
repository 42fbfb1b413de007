"""First run on an empty store: the first manager, the first clerk and the demo catalog,
then a message that says what was created."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from pos.services import open_store
from pos.ui.setup_dialog import SetupDialog, run_first_setup


@pytest.fixture
def empty_store(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/first.sqlite3")
    store.migrate()
    yield store
    store.close()


def fill(dialog: SetupDialog, *, clerk_pin: str = "246810", clerk_repeat: str | None = None):
    dialog.password.setText("owner-password")
    dialog.repeat.setText("owner-password")
    dialog.clerk_username.setText("sam")
    dialog.clerk_pin.setText(clerk_pin)
    dialog.clerk_repeat.setText(clerk_pin if clerk_repeat is None else clerk_repeat)


def test_first_run_creates_manager_clerk_and_demo_and_says_so(qtbot, empty_store, dialogs):
    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, SetupDialog)
        qtbot.addWidget(dialog)
        fill(dialog)
        return QDialog.DialogCode.Accepted if dialog.create_store() else 0

    dialogs.on_exec = answer
    assert run_first_setup(empty_store, dialogs) == "sam"  # the counter opens for the clerk
    clerk = empty_store.auth.login("sam", "246810", counter="C1")
    assert not clerk.is_manager
    assert empty_store.auth.login("manager", "owner-password").is_manager
    kind, title, text = dialogs.messages[-1]
    assert (kind, title) == ("info", "Store created")
    products = len(empty_store.catalog.search(clerk, limit=1000))
    assert products > 60
    assert text.startswith(
        f"Created the manager “manager”, the clerk “sam” and {products} demo products."
    )


def test_clerk_pins_that_differ_create_nothing(qtbot, empty_store):
    dialog = SetupDialog(empty_store)
    qtbot.addWidget(dialog)
    fill(dialog, clerk_pin="246810", clerk_repeat="246811")
    assert not dialog.create_store()
    assert dialog.error.text() == "The two clerk passwords differ."
    assert not empty_store.auth.has_users()


def test_a_short_clerk_pin_is_refused_before_anything_is_made(qtbot, empty_store):
    dialog = SetupDialog(empty_store)
    qtbot.addWidget(dialog)
    fill(dialog, clerk_pin="12")
    assert not dialog.create_store()
    assert "at least 6" in dialog.error.text()
    assert not empty_store.auth.has_users()


def test_without_the_clerk_only_the_manager_is_made(qtbot, empty_store):
    dialog = SetupDialog(empty_store)
    qtbot.addWidget(dialog)
    fill(dialog)
    dialog.clerk.setChecked(False)
    dialog.demo.setChecked(False)
    assert not dialog.clerk_pin.isEnabled()
    assert dialog.create_store()
    assert [u.username for u in empty_store.auth.users(dialog.manager)] == ["manager"]
    assert dialog.summary().startswith("Created the manager “manager”. Sign in as the manager")


def test_a_failed_step_is_not_repeated_on_retry(qtbot, empty_store):
    dialog = SetupDialog(empty_store)
    qtbot.addWidget(dialog)
    fill(dialog)
    dialog.clerk_username.setText("x" * 500)  # the service refuses the name
    dialog.demo.setChecked(False)
    assert not dialog.create_store()
    assert dialog.error.isVisibleTo(dialog)
    dialog.clerk_username.setText("sam")
    assert dialog.create_store()  # the manager made the first time is kept, not re-made
    assert empty_store.auth.login("sam", "246810").username == "sam"
