"""The counter as a real X client, for the Xvfb test: `python counter_under_x.py URL PDF`.

It signs the demo clerk in, shows the counter window with the scanner input started (as
the app's bootstrap does) and prints "READY <X window id>" once the window is up. The only
thing not real is the file chooser: "Save as PDF" gets the path given on the command line.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from pos.services import open_store
from pos.ui.app import application
from pos.ui.counter_window import CounterWindow
from pos.ui.dialogs import Dialogs

CLERK_PASSWORD = "135790"


class PresetPathDialogs(Dialogs):
    def __init__(self, pdf_path: str) -> None:
        self.pdf_path = pdf_path

    def save_file(
        self, parent: QWidget | None, title: str, suggested: str, filters: str
    ) -> str | None:
        return self.pdf_path


def main(url: str, pdf_path: str) -> int:
    app = application([sys.argv[0]])
    store = open_store(url)
    try:
        actor = store.auth.login("clerk", CLERK_PASSWORD, "C1")
        window = CounterWindow(store, actor, dialogs=PresetPathDialogs(pdf_path))
        window.resize(1366, 768)
        window.show()
        window.scanning.start()
        # What the recogniser made of each burst, for the test's failure message.
        window.scanning.keyboard.burstSeen.connect(
            lambda b: print(f"burst {b.code!r} scan={b.is_scan} {b.reason}", file=sys.stderr)
        )

        def ready() -> None:
            if window.product_model.rowCount() == 0:
                QTimer.singleShot(100, ready)
                return
            print(f"READY {int(window.winId())}", flush=True)

        QTimer.singleShot(300, ready)
        code = app.exec()
        window.shutdown()
        return code
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
