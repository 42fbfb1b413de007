"""The inventory admin window: one tab per job, all data through manager-only services."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabWidget, QWidget

from pos.errors import ErrorCode, PosError
from pos.services.facade import Store
from pos.services.plumbing.events import Change, ChangeKind, new_initiator
from pos.ui.admin.alerts_panel import AlertsPanel
from pos.ui.admin.carts_panel import CartsPanel
from pos.ui.admin.labels_dialog import LabelsDialog
from pos.ui.admin.people_panel import PeoplePanel
from pos.ui.admin.products_panel import ProductsPanel
from pos.ui.admin.reports_panel import ReportsPanel
from pos.ui.admin.settings_panel import SettingsPanel
from pos.ui.admin.window_state import restore_geometry, save_geometry
from pos.ui.change_bus import ChangeBus
from pos.ui.dialogs import Dialogs
from pos.ui.plural import count_of
from pos.ui.worker import TaskRunner
from pos.views import Actor

log = logging.getLogger("pos.ui.admin")
MINIMUM_SIZE = (800, 560)
GEOMETRY_KEY = "admin_window"


class AdminWindow(QMainWindow):
    def __init__(
        self,
        store: Store,
        actor: Actor,
        dialogs: Dialogs | None = None,
        parent: QWidget | None = None,
        standalone: bool = False,
    ) -> None:
        if not actor.is_manager:  # checked before Qt builds anything (services check again)
            raise PosError(ErrorCode.FORBIDDEN, "Only a manager can open the admin window.")
        super().__init__(parent)
        self.store, self.actor = store, actor
        # Only the window a manager opened saves its place (open_admin_window sets this):
        # tests and the screenshot tool must not overwrite the user's.
        self.remember_place = False
        self.dialogs = dialogs or Dialogs()
        # This window's own changes come back tagged with its token (see _on_change).
        self.initiator = new_initiator("admin")
        self.tasks = TaskRunner(self, initiator=self.initiator)
        try:
            settings = store.settings.get(actor)
            currency, store_name = settings.currency, settings.store_name
        except PosError:
            currency, store_name = "USD", ""
        self.currency = currency
        self.setWindowTitle(f"{store_name or 'pos'} — inventory admin ({actor.username})")
        # An explicit minimum: otherwise every layout change (a badge in a tab title)
        # re-propagates size hints to the window system. Small enough for a 1024x768
        # screen with its panel and the title bar; every tab lays out in it.
        self.setMinimumSize(*MINIMUM_SIZE)
        self.resize(1280, 760)
        args = (store, actor, self.tasks, self.dialogs)
        self.products = ProductsPanel(*args, currency=currency)
        self.alerts = AlertsPanel(*args)
        self.carts = CartsPanel(*args, currency=currency)
        self.people = PeoplePanel(*args)
        self.settings_panel = SettingsPanel(*args)
        self.reports = ReportsPanel(*args, currency=currency)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for panel, title in (
            (self.products, "Products"),
            (self.alerts, "Low stock"),
            (self.carts, "Open carts"),
            (self.people, "People"),
            (self.settings_panel, "Settings"),
            (self.reports, "Reports"),
        ):
            self.tabs.addTab(panel, title)
        self.setCentralWidget(self.tabs)
        self._build_menus(standalone)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addWidget(self.status, 1)
        where = QLabel(f"{actor.username} · {store.backend}")
        where.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(where)

        self.products.changed.connect(self.alerts.refresh)
        self.carts.released.connect(self.products.model.refresh)
        self.carts.released.connect(self.alerts.refresh)
        self.alerts.countChanged.connect(self._show_alert_count)
        self.tabs.currentChanged.connect(self._tab_shown)
        self._loaded: set[int] = set()

        # Changes made elsewhere (counters in this process, the live-sync listener), on
        # the app's one change bus.
        self._bus = ChangeBus.of(store, actor=actor)
        self._bus.changed.connect(self._on_change)
        self._listening = True
        self._pending_stock: set[Any] = set()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self._flush_changes)

        self.products.start()
        self.alerts.refresh()
        self._loaded.add(0)

    def _build_menus(self, standalone: bool) -> None:
        """File and View menus with the usual keys; Quit only when the admin window is the
        whole app (`pos admin`): from a counter, Ctrl+Q would end the counter too."""
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction("&Import products…", lambda: self.products.csv.import_csv())
        file_menu.addAction("&Export products…", lambda: self.products.csv.export_csv())
        file_menu.addAction("Shelf &labels…", self.open_labels)
        file_menu.addSeparator()
        self.close_action = file_menu.addAction("&Close window", self.close)
        self.close_action.setShortcuts([QKeySequence("Ctrl+W"), QKeySequence("Ctrl+F4")])
        self.quit_action: QAction | None = None
        if standalone:
            self.quit_action = file_menu.addAction("&Quit", QApplication.closeAllWindows)
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        view = bar.addMenu("&View")
        for i in range(self.tabs.count()):
            action = view.addAction(self.tabs.tabText(i), partial(self.tabs.setCurrentIndex, i))
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
        view.addSeparator()
        refresh = view.addAction("&Refresh", self.refresh_all)
        refresh.setShortcut(QKeySequence("F5"))

    def open_labels(self) -> LabelsDialog:
        """Shelf and barcode labels on A4 sheets (pos.ui.admin.labels_dialog)."""
        dialog = LabelsDialog(
            self.store, self.actor, self.tasks, self.dialogs, currency=self.currency, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def refresh_all(self) -> None:
        self.products.start()
        self.alerts.refresh()
        widget = self.tabs.currentWidget()
        refresh = getattr(widget, "refresh", None)
        if widget not in (self.products, self.alerts) and callable(refresh):
            refresh()

    def _tab_shown(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if index in self._loaded and widget is not self.carts:
            return
        self._loaded.add(index)
        refresh = getattr(widget, "refresh", None)
        if callable(refresh):
            refresh()

    def _show_alert_count(self, count: int) -> None:
        self.tabs.setTabText(1, f"Low stock ({count})" if count else "Low stock")
        self.status.setText(f"{count_of(count, 'product')} at or below the low-stock threshold")

    def _on_change(self, change: Change) -> None:
        """Once per change: stock and product notices are gathered for 300 ms and then
        refresh only the rows named; lists are re-queried only when rows may be new."""
        if change.initiated_by(self.initiator):
            return  # our own action: the panel that acted has refreshed what it changed
        if change.kind in (ChangeKind.RESYNC, ChangeKind.CATALOG):
            self.products.start()
            self.alerts.refresh()
            self._refresh_carts_if_shown()
        elif change.kind in (ChangeKind.STOCK, ChangeKind.PRODUCT) and change.product_ids:
            self._pending_stock.update(change.product_ids)
            self._debounce.start()
        elif change.kind == ChangeKind.CARTS:
            self._refresh_carts_if_shown()

    def _flush_changes(self) -> None:
        ids, self._pending_stock = list(self._pending_stock), set()
        if ids:
            self.products.model.refresh_products(ids)
            self.alerts.refresh()
            self._refresh_carts_if_shown()  # counters' carts hold what stock changed for

    def _refresh_carts_if_shown(self) -> None:
        if self.tabs.currentWidget() is self.carts:
            self.carts.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.remember_place:
            save_geometry(self, GEOMETRY_KEY)
        if self._listening:  # close() may run twice (Ctrl+W, then the app quitting)
            self._listening = False
            self._bus.changed.disconnect(self._on_change)
        self.tasks.shutdown()
        super().closeEvent(event)


def open_admin_window(
    store: Store, actor: Actor, parent: QWidget | None = None, dialogs: Dialogs | None = None
) -> AdminWindow:
    """Build and show the admin window (the counter's menu and `pos admin` call this):
    where it was last time, or maximised the first time."""
    window = AdminWindow(store, actor, dialogs=dialogs, parent=parent, standalone=parent is None)
    if parent is not None:
        window.setWindowFlag(Qt.WindowType.Window, True)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    window.remember_place = True
    if restore_geometry(window, GEOMETRY_KEY):
        window.show()
    else:
        window.showMaximized()
    return window
