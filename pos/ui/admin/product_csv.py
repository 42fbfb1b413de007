"""The products tab's CSV buttons: import and export in the background, with progress."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressBar, QPushButton, QWidget

from pos.errors import PosError
from pos.services.catalog.csv_io import ImportPreview
from pos.services.facade import Store
from pos.ui.admin.words import error_text
from pos.ui.dialogs import Dialogs
from pos.ui.plural import count_of, plural
from pos.ui.worker import TaskRunner
from pos.views import Actor

SHOWN_ERRORS = 40


class CsvTransfer(QObject):
    imported = Signal()  # products were created or changed: the table reloads once

    def __init__(
        self, store: Store, actor: Actor, tasks: TaskRunner, dialogs: Dialogs, parent: QWidget
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

    # -- import: check the whole file, show every problem, then ask, then write ---------
    def import_csv(self, path: str | None = None) -> None:
        path = path or self.dialogs.open_file(
            self._parent, "Import products", "CSV files (*.csv *.txt)"
        )
        if not path:
            return
        self._busy(True)
        self.tasks.submit_with_progress(
            lambda progress: self.store.product_io.preview(self.actor, path, progress),
            lambda preview: self._checked(path, preview),
            self._import_failed,
            self._progress,
        )

    def _checked(self, path: str, preview: ImportPreview) -> None:
        self._busy(False)
        if not preview.ok:
            self.dialogs.error(self._parent, "Import rejected", preview_errors_text(preview))
            return
        if not self.dialogs.confirm(
            self._parent,
            "Import products",
            f"The file is fine: {count_of(preview.rows, 'row')}, {preview.new} new and "
            f"{preview.updated} existing {plural(preview.updated, 'product')}. Import it?",
        ):
            return
        set_stock = False
        if preview.stock_differs:
            set_stock = self.dialogs.confirm(
                self._parent,
                "Import products",
                f"For {count_of(preview.stock_differs, 'existing product')} "
                "the file's stock differs from the stock now. Set their stock to the file's "
                "quantities (a stocktake from the file)?\n\nChoose No to update names, prices "
                "and other fields only: an older export must not put back stock sold since. "
                "New products get the file's stock either way.",
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


def _by_line(pairs: list[tuple[int, str]], total: int) -> str:
    lines = [f"line {line}: {reason}" for line, reason in pairs[:SHOWN_ERRORS]]
    if total > len(lines):
        lines.append(f"... and {total - len(lines)} more")
    return "\n".join(lines)


def preview_errors_text(preview: ImportPreview) -> str:
    """Every problem the check found, all at once (nothing was imported)."""
    pairs = [(e.line, e.reason) for e in preview.errors]
    return (
        f"Nothing was imported: the file has "
        f"{count_of(preview.error_count, 'problem')}. Fix them all and import "
        f"it again.\n\n" + _by_line(pairs, preview.error_count)
    )


def rejection_text(err: PosError) -> str:
    """A file that changed between the check and the import, or a database refusal."""
    pairs = [(e["line"], e["reason"]) for e in err.details["errors"]]
    return err.message + "\n\n" + _by_line(pairs, err.details.get("error_count", len(pairs)))
