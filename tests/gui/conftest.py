"""GUI fixtures: a fresh demo store per test, a counter window, scripted modal dialogs."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QPixmapCache
from PySide6.QtWidgets import QDialog, QWidget

from pos import config
from pos.demo import seed_demo
from pos.services import Store, open_store
from pos.ui import style
from pos.ui.counter_window import CounterWindow
from pos.ui.dialogs import Dialogs
from pos.views import Actor, ProductView

MANAGER_PASSWORD = "manager-pass-1"
CLERK_PASSWORD = "135790"
COUNTER = "C1"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setattr(config, "cache_dir", lambda: cache)
    QPixmapCache.clear()  # the pixmap cache is process-wide: start each test cold
    return cache


@pytest.fixture(scope="session")
def gui_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store (manager, clerk, catalog), seeded once per test process: seeding
    hashes two passwords and adds 69 products (~2 s); copying the file takes milliseconds."""
    path = tmp_path_factory.mktemp("gui-template") / "pos.sqlite3"
    store = open_store(f"sqlite:///{path}")
    store.migrate()
    seed_demo(store, manager_password=MANAGER_PASSWORD, clerk_password=CLERK_PASSWORD)
    store.close()  # checkpoints the WAL into the file, so a plain copy is complete
    return path


@pytest.fixture
def gui_store(tmp_path: Path, gui_template: Path) -> Iterator[Store]:
    """A fresh copy of the seeded demo store for this test only."""
    target = tmp_path / "pos.sqlite3"
    shutil.copyfile(gui_template, target)
    store = open_store(f"sqlite:///{target}")
    yield store
    store.close()


@pytest.fixture
def clerk_actor(gui_store: Store) -> Actor:
    return gui_store.auth.login("clerk", CLERK_PASSWORD, COUNTER)


class ScriptedDialogs(Dialogs):
    """Answers modal dialogs without exec(): records messages, returns preset answers."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str, str]] = []
        self.confirm_answer = True
        self.save_path: str | None = None
        self.executed: list[QDialog] = []
        self.on_exec: Callable[[QDialog], int] | None = None

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.messages.append(("info", title, text))

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self.messages.append(("error", title, text))

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        self.messages.append(("confirm", title, text))
        return self.confirm_answer

    def save_file(
        self, parent: QWidget | None, title: str, suggested: str, filters: str
    ) -> str | None:
        return self.save_path

    def exec(self, dialog: QDialog) -> int:
        self.executed.append(dialog)
        if self.on_exec is not None:
            return self.on_exec(dialog)
        return QDialog.DialogCode.Rejected


@pytest.fixture
def dialogs() -> ScriptedDialogs:
    return ScriptedDialogs()


@pytest.fixture
def make_window(qtbot, gui_store: Store, dialogs: ScriptedDialogs, qapp):
    style.apply(qapp)
    windows: list[CounterWindow] = []

    def make(actor: Actor, store: Store | None = None) -> CounterWindow:
        window = CounterWindow(store or gui_store, actor, dialogs=dialogs)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitUntil(lambda: window.product_model.rowCount() > 0)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.shutdown()
        window.close()


@pytest.fixture
def window(make_window, clerk_actor: Actor) -> CounterWindow:
    return make_window(clerk_actor)


def product_named(store: Store, actor: Actor, name: str) -> ProductView:
    found = [p for p in store.catalog.search(actor, name, limit=50) if p.name == name]
    assert found, f"demo catalog has no {name!r}"
    return found[0]


def settle(qtbot, window: CounterWindow, timeout: int = 10_000) -> None:
    """Wait until the window's queued cart changes are saved and drawn."""
    qtbot.waitUntil(lambda: not window.sale.busy, timeout=timeout)
