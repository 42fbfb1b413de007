"""The counter's actions in one table: it makes the menus and the keyboard-shortcut help.

A row names the menu, the text, the keys and the window method it calls. Keys a focused
widget handles itself (Del in the cart, Esc, Enter on a tile) are listed with `shown`
only: they appear in the menu and the help but are not bound as window shortcuts, so an
open quantity editor still gets them first. Keys of the checkout dialog are listed in the
help under their own heading (the dialog binds them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos.ui.sale_complete_page import SALE_COMPLETE_KEYS


@dataclass(frozen=True)
class CounterAction:
    menu: str  # menu title with its mnemonic, e.g. "&Sale"
    text: str  # menu entry, e.g. "&Pay\u2026"
    slot: str  # name of the window method it calls
    help: str  # what the shortcut help says it does
    keys: tuple[str, ...] = ()  # bound as window shortcuts
    shown: str = ""  # a key the focused widget handles: shown, not bound
    separator_before: bool = False
    manager_only: bool = False


ACTIONS: tuple[CounterAction, ...] = (
    CounterAction("&Sale", "&Pay\u2026", "checkout", "Pay", ("F12",)),
    CounterAction("&Sale", "&Delivery", "toggle_delivery", "Delivery on or off", ("Ctrl+D",)),
    CounterAction("&Sale", "&Void sale\u2026", "void_sale", "Void the sale", ("Ctrl+Shift+Del",)),
    CounterAction(
        "&Sale",
        "Last &receipt\u2026",
        "preview_last_receipt",
        "Last receipt",
        ("Ctrl+R",),
        separator_before=True,
    ),
    CounterAction(
        "&Sale",
        "Re&print last receipt",
        "reprint_last_receipt",
        "Reprint the last receipt on the receipt printer",
        ("Ctrl+Shift+R",),
    ),
    CounterAction(
        "&Sale",
        "Sign &out",
        "sign_out",
        "Sign out / switch clerk",
        ("Ctrl+L",),
        separator_before=True,
    ),
    CounterAction("&Sale", "&Quit", "close", "Quit", ("Ctrl+Q",)),
    CounterAction(
        "&Go",
        "&Search products",
        "focus_search",
        "Search products (Enter: go to the grid)",
        ("F2",),
    ),
    CounterAction(
        "&Go", "S&canner field", "focus_scanner", "Scanner field (code, then Enter)", ("F3",)
    ),
    CounterAction("&Go", "&Category", "focus_category", "Category filter", ("Ctrl+G",)),
    CounterAction("&Go", "Product &grid", "focus_grid", "Product grid", ("Ctrl+1",)),
    CounterAction("&Go", "C&art", "focus_cart", "Cart lines", ("Ctrl+2",)),
    CounterAction(
        "&Go", "&Add product", "add_current", "Add the selected product", shown="Enter or +"
    ),
    CounterAction(
        "&Go", "Change &quantity", "edit_quantity", "Change the quantity of the cart line", ("F4",)
    ),
    CounterAction("&Go", "&Remove line", "remove_current", "Remove the cart line", shown="Del"),
    CounterAction("&Go", "&Back", "escape", "Back to the scanner field", shown="Esc"),
    CounterAction(
        "&Go",
        "&Try failed scan again",
        "retry_scan",
        "Try a failed scan again",
        ("F7",),
        separator_before=True,
    ),
    CounterAction("&Go", "Failed scans &seen", "acknowledge_scans", "Failed scans seen", ("F8",)),
    CounterAction(
        "Se&ttings", "&Scanner\u2026", "open_scanner_settings", "Scanner settings and test"
    ),
    CounterAction(
        "Se&ttings",
        "&Receipt printer\u2026",
        "open_printer_settings",
        "Receipt printer settings and test page",
    ),
    CounterAction(
        "Se&ttings",
        "C&ustomer display\u2026",
        "open_display_settings",
        "Customer display: which monitor faces the customer",
    ),
    CounterAction(
        "&Manager",
        "&Inventory admin\u2026",
        "open_admin",
        "Inventory admin (managers)",
        ("Ctrl+I",),
        manager_only=True,
    ),
    CounterAction(
        "&Manager",
        "Open cash &drawer",
        "open_drawer",
        "Open the cash drawer without a sale (managers; logged)",
        ("Ctrl+Shift+O",),
        manager_only=True,
    ),
    CounterAction(
        "&Manager",
        "&Scale labels\u2026",
        "open_scale_settings",
        "Scale labels: price and weight barcodes (managers)",
        manager_only=True,
    ),
    CounterAction("&Help", "&Keyboard shortcuts", "show_shortcuts", "This list", ("F1",)),
)

# Keys bound by the checkout dialog (pos/ui/checkout_dialog.py), for the help only.
CHECKOUT_KEYS: tuple[tuple[str, str], ...] = (
    ("F5", "Exact cash"),
    ("F6", "Rest (or all) on card"),
    ("Ctrl+D", "Delivery on or off"),
    ("Enter", "Confirm the payment"),
    ("Esc", "Back to the sale"),
)


def native(keys: str) -> str:
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def key_text(action: CounterAction) -> str:
    if action.shown:
        return action.shown
    return " / ".join(native(k) for k in action.keys)


def build_menus(window: QMainWindow) -> dict[str, QAction]:
    """Menus and window shortcuts from ACTIONS; returns the QActions by slot name."""
    menus: dict[str, QMenu] = {}
    made: dict[str, QAction] = {}
    for spec in ACTIONS:
        menu = menus.get(spec.menu)
        if menu is None:
            menu = menus[spec.menu] = window.menuBar().addMenu(spec.menu)
        if spec.separator_before:
            menu.addSeparator()
        text = f"{spec.text}\t{spec.shown}" if spec.shown else spec.text
        action = QAction(text, window)
        tip = spec.help
        if spec.keys:
            action.setShortcuts([QKeySequence(k) for k in spec.keys])
            tip = f"{tip} ({key_text(spec)})"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        slot: Callable[[], object] = getattr(window, spec.slot)
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
        menu.addAction(action)
        window.addAction(action)
        made[spec.slot] = action
    return made


def manager_menu(window: QMainWindow) -> QMenu | None:
    titles = {a.menu for a in ACTIONS if a.manager_only}
    for action in window.menuBar().actions():
        if action.text() in titles:
            return action.menu()  # type: ignore[return-value]
    return None


def help_rows(*, manager: bool = True) -> list[tuple[str, str, str]]:
    """(section, keys, what) for every action with a key, then the checkout keys."""
    rows = [
        (spec.menu.replace("&", ""), key_text(spec), spec.help)
        for spec in ACTIONS
        if (spec.keys or spec.shown) and (manager or not spec.manager_only)
    ]
    rows += [("Checkout", keys, what) for keys, what in CHECKOUT_KEYS]
    rows += [("Sale complete", keys, what) for keys, what in SALE_COMPLETE_KEYS]
    return rows


class ShortcutsDialog(QDialog):
    """The shortcut help: one table row per key, columns that always line up."""

    def __init__(self, parent: QWidget | None = None, *, manager: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = help_rows(manager=manager)
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels(["Where", "Keys", "Does"])
        for number, row in enumerate(rows):
            for column, text in enumerate(row):
                item = QTableWidgetItem(text)  # items are plain text
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(number, column, item)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, min(720, 90 + 30 * len(rows)))

    def rows(self) -> list[tuple[str, ...]]:
        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [
            tuple(text(r, c) for c in range(self.table.columnCount()))
            for r in range(self.table.rowCount())
        ]
