"""The admin window on real screen sizes: every tab usable, nothing clipped, status bar shown;
it opens maximised, remembers its place, and has a menu with Ctrl+W (and Ctrl+Q alone)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QTableView,
    QWidget,
)

from pos.ui.admin.widgets import header_width
from pos.ui.admin.window import AdminWindow, open_admin_window
from tests.gui.admin.conftest import wait_idle

pytestmark = pytest.mark.gui

# Screen sizes from the trial, and the room a maximised window gets on them once the
# desktop panel and the title bar are taken (about 70 px).
SCREENS = [(1024, 768), (1366, 768), (1920, 1080)]
DECORATION = 70


def _inside(widget: QWidget, window: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


def _problems(window: AdminWindow, tab: QWidget) -> list[str]:
    found = []
    for button in tab.findChildren(QAbstractButton):
        if button.isVisibleTo(window) and button.text():
            if not _inside(button, window):
                found.append(f"button {button.text()!r} off the window")
            if button.width() < button.minimumSizeHint().width():
                found.append(f"button {button.text()!r} clipped")
    for field in tab.findChildren(QLineEdit) + tab.findChildren(QComboBox):
        inner = isinstance(field.parent(), QComboBox | QAbstractSpinBox)  # a part of one
        if (
            field.isVisibleTo(window)
            and not inner
            and (field.width() < 120 or not _inside(field, window))
        ):
            found.append(f"{type(field).__name__} {field.objectName()!r} too narrow")
    for view in tab.findChildren(QTableView):
        if not view.isVisibleTo(window):
            continue
        header = view.horizontalHeader()
        model = view.model()
        for column in range(model.columnCount()):
            if view.isColumnHidden(column):
                continue
            title = model.headerData(column, Qt.Orientation.Horizontal)
            if header.sectionSize(column) < header_width(view, column):
                found.append(f"header {title!r} clipped ({header.sectionSize(column)} px)")
    return found


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_every_tab_fits_the_screen(qtbot, admin, width, height):
    usable = (width, height - DECORATION)
    assert admin.minimumSize().width() <= usable[0]
    assert admin.minimumSize().height() <= usable[1]
    admin.resize(*usable)
    qtbot.waitUntil(lambda: admin.size().width() == usable[0])
    status = admin.statusBar()
    assert status.isVisible() and _inside(status, admin)
    assert status.mapTo(admin, QPoint(0, status.height())).y() <= admin.height()
    problems = {}
    for index in range(admin.tabs.count()):
        admin.tabs.setCurrentIndex(index)
        wait_idle(qtbot, admin)
        qtbot.wait(5)  # layouts settle
        found = _problems(admin, admin.tabs.widget(index))
        if found:
            problems[admin.tabs.tabText(index)] = found
    assert problems == {}
    admin.tabs.setCurrentIndex(0)
    name = admin.products.table.horizontalHeader().sectionSize(2)
    assert name >= 200, "product names need room to be read"


def test_opens_maximised_then_where_it_was(qtbot, gui_store, manager_actor, admin_dialogs):
    first = open_admin_window(gui_store, manager_actor, dialogs=admin_dialogs)
    qtbot.addWidget(first)
    qtbot.waitUntil(first.isVisible)
    assert first.windowState() & Qt.WindowState.WindowMaximized
    first.showNormal()
    # (the offscreen test screen is 800x800: a place that fits on it)
    first.setGeometry(0, 60, 800, 640)
    qtbot.waitUntil(lambda: first.size().height() == 640)
    wait_idle(qtbot, first)
    first.close()  # it deletes itself (WA_DeleteOnClose): nothing may touch it after this
    again = open_admin_window(gui_store, manager_actor, dialogs=admin_dialogs)
    qtbot.addWidget(again)
    qtbot.waitUntil(again.isVisible)
    assert not again.windowState() & Qt.WindowState.WindowMaximized
    assert (again.width(), again.height()) == (800, 640)
    again.close()


def _shortcuts(window: AdminWindow) -> dict[str, list[str]]:
    out = {}
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.text():
                keys = [
                    k.toString(QKeySequence.SequenceFormat.PortableText) for k in action.shortcuts()
                ]
                out[action.text().replace("&", "")] = keys
    return out


def test_menu_bar_and_keys(qtbot, gui_store, manager_actor, admin_dialogs):
    alone = AdminWindow(gui_store, manager_actor, dialogs=admin_dialogs, standalone=True)
    qtbot.addWidget(alone)
    keys = _shortcuts(alone)
    assert "Ctrl+W" in keys["Close window"] and keys["Quit"] == ["Ctrl+Q"]
    assert keys["Products"] == ["Ctrl+1"] and keys["Refresh"] == ["F5"]
    assert {"Import products…", "Export products…"} <= set(keys)
    alone.show()
    qtbot.waitExposed(alone)
    wait_idle(qtbot, alone)
    qtbot.keyClick(alone, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert alone.tabs.currentIndex() == 2
    qtbot.keyClick(alone, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not alone.isVisible())
    # Opened from a counter, Ctrl+Q is the counter's: the admin window has no Quit.
    from_counter = AdminWindow(gui_store, manager_actor, dialogs=admin_dialogs)
    qtbot.addWidget(from_counter)
    assert "Quit" not in _shortcuts(from_counter)
    assert "Ctrl+W" in _shortcuts(from_counter)["Close window"]
