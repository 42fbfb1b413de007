"""The products tab's CSV buttons: import and export in the background, with progress."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressBar, QPushButton, QWidget

from pos.errors import PosError
from pos.ui.admin.words import error_text
from pos.ui.dialogs import Dialogs
from pos.ui.plural import count_of
from pos.ui.worker import TaskRunner
from pos.views import Actor

SHOWN_ERRORS = 40


class CsvTransfer(QObject):
    imported = Signal()  # products were created or changed: the table reloads once

    def __init__(
        self, store: Any, actor: Actor, tasks: TaskRunner, dialogs: Dialogs, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.tasks, self.dialogs = store, actor, tasks, dialogs
        self._parent = parent
        self.import_button = QPushButton("Import CSV…")
        self.export_button = QPushButton("Export CSV…")
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress.setMaximumWidth(220)
        self.import_button.clicked.connect(lambda: self.import_csv())
        self.export_button.clicked.connect(lambda: self.export_csv())

    def _progress(self, done: int, total: int) -> None:
        self.progress.setVisible(True)
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(min(done, max(1, total)))

    def _busy(self, busy: bool) -> None:
        self.import_button.setEnabled(not busy)
        self.export_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        if busy:
            self.progress.setValue(0)

    # -- import -----------------------------------------------------------------------
    def import_csv(self, path: str | None = None) -> None:
        path = path or self.dialogs.open_file(self._parent, "Import products", "CSV files (*.csv)")
        if not path:
            return
        set_stock = self.dialogs.confirm(
            self._parent,
            "Import products",
            "Also set the stock of products that already exist to the file's quantities "
            "(a stocktake from the file)?\n\nChoose No to update names, prices and other "
            "fields only: an older export must not put back stock sold since. New products "
            "get the file's stock either way.",
        )
        self._busy(True)
        self.tasks.submit_with_progress(
            lambda progress: self.store.product_io.import_csv(
                self.actor, path, progress, set_stock=set_stock
            ),
            self._imported,
            self._import_failed,
            self._progress,
        )

    def _imported(self, result: Any) -> None:
        self._busy(False)
        self.imported.emit()
        self.dialogs.info(
            self._parent,
            "Import",
            f"Imported {count_of(result.rows, 'row')}: {result.created} new, "
            f"{result.updated} updated, {count_of(result.stock_changes, 'stock change')}."
            + (
                f" The stock column of {count_of(result.stock_ignored, 'existing product')} "
                "was left unchanged."
                if result.stock_ignored
                else ""
            ),
        )

    def _import_failed(self, err: object) -> None:
        self._busy(False)
        if isinstance(err, PosError) and "errors" in err.details:
            self.dialogs.error(self._parent, "Import rejected", rejection_text(err))
        else:
            self.dialogs.error(self._parent, "Import", error_text(err))

    # -- export -----------------------------------------------------------------------
    def export_csv(self, path: str | None = None) -> None:
        path = path or self.dialogs.save_file(
            self._parent, "Export products", "products.csv", "CSV files (*.csv)"
        )
        if not path:
            return
        self._busy(True)
        self.tasks.submit_with_progress(
            lambda progress: self.store.product_io.export_csv(self.actor, path, progress),
            lambda count: self._exported(path, count),
            self._export_failed,
            self._progress,
        )

    def _exported(self, path: str, count: int) -> None:
        self._busy(False)
        self.dialogs.info(self._parent, "Export", f"Wrote {count_of(count, 'product')} to {path}.")

    def _export_failed(self, err: object) -> None:
        self._busy(False)
        self.dialogs.error(self._parent, "Export", error_text(err))


def rejection_text(err: PosError) -> str:
    """Every problem of a rejected file, by line (the first SHOWN_ERRORS of them)."""
    lines = [f"line {e['line']}: {e['reason']}" for e in err.details["errors"][:SHOWN_ERRORS]]
    more = err.details.get("error_count", 0) - len(lines)
    if more > 0:
        lines.append(f"... and {more} more")
    return err.message + "\n\n" + "\n".join(lines)
