"""Screenshots of the admin window on a demo store with sales history.

`python -m pos.ui.admin.screenshots OUT_DIR` (also called by `python -m pos.ui.screenshots`
through `admin_screenshots`). Sizes: 1024x768, 1366x768 and 1920x1080.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QWidget

from pos.demo import seed_demo
from pos.services import open_store
from pos.ui.admin.window import AdminWindow
from pos.ui.dialogs import Dialogs

SIZES = ((1024, 768), (1366, 768), (1920, 1080))
DIALOG_SIZE = (1366, 768)
PASSWORD = "manager-pass-1"


def _settle(window: AdminWindow, until: Callable[[], bool] | None = None) -> None:
    """Let background work finish and its results arrive (bounded, no fixed sleeps)."""
    for _ in range(200):
        window.tasks.wait()
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if not window.tasks.busy and (until is None or until()):
            break
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def _has_rows(window: AdminWindow) -> bool:
    return window.products.model.rowCount() > 0


def _grab(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


def _dialog_shots(window: AdminWindow, out: Path) -> list[Path]:
    panel = window.products
    row = next(i for i in range(panel.model.rowCount()) if panel.model.row_at(i).reserved)
    shots: list[tuple[str, QWidget]] = []
    adjust = panel.stock_dialog(row, "adjust")
    adjust.amount.setValue(-1)
    adjust.note.setText("dropped, glass broken")
    shots.append(("stock-adjust", adjust))
    count = panel.stock_dialog(row, "stocktake")
    count.amount.setValue(count.amount.value() - 1)
    shots.append(("stock-stocktake", count))
    shots.append(("product-edit", panel.edit_dialog(panel.model.row_at(0).product)))
    ids = [panel.model.row_at(i).product.id for i in range(6)]
    bulk = panel.bulk.price_dialog(ids)
    bulk.percent.setText("-15")
    bulk.refresh_preview()
    shots.append(("bulk-price", bulk))
    written = []
    for name, dialog in shots:
        dialog.show()
        _settle(window)
        path = out / f"admin-{name}.png"
        _grab(dialog, path)
        written.append(path)
        dialog.close()
    return written


def admin_screenshots(out_dir: str | Path) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    from pos.ui.app import application  # the same style as the running app

    app = application(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/demo.sqlite3")
        store.migrate()
        seed_demo(store, manager_password=PASSWORD, clerk_password="1234", with_sales=True)
        manager = store.auth.login("manager", PASSWORD, "ADMIN")
        store.customers.add(manager, "Ada Quinn", phone="555-0101", email="ada@example.org")
        store.customers.add(manager, "Ben <b>Ortiz</b>", phone="555-0102")
        # Two counters with carts left open, for the open-carts view.
        products = store.catalog.search(manager, limit=6)
        for code, items in (("C2", products[:2]), ("C3", products[2:5])):
            seller = store.auth.at_counter(manager, code)
            for p in items:
                if p.stock_quantity > 1:
                    store.cart.add(seller, p.id, 1)
        written: list[Path] = []
        for width, height in SIZES:
            window = AdminWindow(store, manager, dialogs=Dialogs())
            window.resize(width, height)
            window.show()
            _settle(window, partial(_has_rows, window))
            tag = f"{width}x{height}"
            shots = [
                ("products", 0),
                ("low-stock", 1),
                ("open-carts", 2),
                ("people", 3),
                ("settings", 4),
                ("dashboard", 5),
            ]
            for name, tab in shots:
                window.tabs.setCurrentIndex(tab)
                _settle(window)
                if name == "products":
                    window.products.table.selectRow(1)
                    _settle(window)
                path = out / f"admin-{name}-{tag}.png"
                _grab(window, path)
                written.append(path)
            window.tabs.setCurrentIndex(0)
            if (width, height) == DIALOG_SIZE:  # dialogs look the same on every screen
                written += _dialog_shots(window, out)
            window.close()
        store.close()
    del app
    return written


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    admin_screenshots(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
