"""The products tab's Bulk menu: category, price by %, activate or deactivate the selection."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QMenu, QPushButton, QWidget

from pos.services.facade import Store
from pos.ui.admin.bulk_price_dialog import BulkPriceDialog
from pos.ui.admin.words import error_text
from pos.ui.dialogs import Dialogs
from pos.ui.plural import count_of
from pos.ui.worker import TaskRunner
from pos.views import Actor


class BulkActions(QObject):
    changed = Signal(list)  # the product ids a bulk change touched

    def __init__(
        self,
        store: Store,
        actor: Actor,
        tasks: TaskRunner,
        dialogs: Dialogs,
        selected_ids: Callable[[], list[uuid.UUID]],
        currency: str,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.tasks, self.dialogs = store, actor, tasks, dialogs
        self._selected_ids = selected_ids
        self._currency = currency
        self._parent = parent
        self.button = QPushButton("Bulk")
        menu = QMenu(self.button)
        menu.addAction("Set category…", self.set_category)
        menu.addAction("Change price by %…", self.change_price)
        menu.addAction("Activate", lambda: self.set_active(True))
        menu.addAction("Deactivate", lambda: self.set_active(False))
        self.button.setMenu(menu)

    def _run(self, ids: list[uuid.UUID], work: Callable[[], Any], done: Any = None) -> None:
        def finished(result: Any) -> None:
            self.changed.emit(ids)
            if done is not None:
                done(result)

        self.tasks.write(work, finished, self._failed)

    def _failed(self, err: object) -> None:
        self.dialogs.error(self._parent, "Bulk change", error_text(err))

    def set_category(self) -> None:
        ids = self._selected_ids()
        if not ids:
            return
        name = self.dialogs.ask_text(
            self._parent,
            "Set category",
            f"Category for {count_of(len(ids), 'product')} (empty for none):",
        )
        if name is not None:
            category = name.strip() or None
            self._run(ids, lambda: self.store.bulk.set_category(self.actor, ids, category))

    def price_dialog(self, ids: list[uuid.UUID]) -> BulkPriceDialog:
        return BulkPriceDialog(
            len(ids),
            lambda pct: self.store.bulk.preview_price_percent(self.actor, ids, pct),
            self.tasks,
            self._currency,
            parent=self._parent,
        )

    def change_price(self) -> None:
        ids = self._selected_ids()
        if not ids:
            return
        dialog = self.price_dialog(ids)
        if self.dialogs.exec(dialog) != QDialog.DialogCode.Accepted:
            return
        percent = dialog.previewed_percent
        if percent is None:
            return
        self._run(
            ids,
            lambda: self.store.bulk.change_price_percent(self.actor, ids, percent),
            lambda n: self.dialogs.info(
                self._parent,
                "Change price by %",
                f"Changed {count_of(n, 'price')} by {percent}%: one bulk "
                "change in each product's price history.",
            ),
        )

    def set_active(self, active: bool) -> None:
        ids = self._selected_ids()
        if ids:
            self._run(ids, lambda: self.store.bulk.set_active(self.actor, ids, active))
