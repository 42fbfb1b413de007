"""The counter window on a big catalog, in a process of its own (so its RSS is the GUI's).

`python -m bench.gui_probe URL [--scroll-limit S]` prints one JSON object:
login_to_grid_s (sign-in through the first page of the grid painted), scroll_s (scrolling
the grid to its very end, page by page as the view asks for more), rows_loaded,
rss_grid_mb (after the first page) and peak_rss_mb (the process's high-water mark).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def probe(url: str, scroll_limit_s: float) -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    from bench.common import CLERK
    from pos.services import open_store
    from pos.ui.app import application
    from pos.ui.counter_window import CounterWindow

    app = application([sys.argv[0]])
    store = open_store(url)
    out: dict[str, Any] = {"rss_start_mb": _rss_mb()}
    started = time.perf_counter()
    actor = store.auth.login(CLERK[0], CLERK[1], counter="G1")
    window = CounterWindow(store, actor)
    window.resize(1366, 768)
    window.show()
    model, view = window.product_model, window.product_view
    deadline = started + 60
    while model.rowCount() == 0 and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)
    window.repaint()
    app.processEvents()
    out["login_to_grid_s"] = round(time.perf_counter() - started, 3)
    out["rss_grid_mb"] = _rss_mb()

    if scroll_limit_s > 0:
        began = time.perf_counter()
        limit = began + scroll_limit_s
        while time.perf_counter() < limit:
            view.scrollToBottom()
            app.processEvents()
            if not model.loading and not model.canFetchMore():
                break
            if not model.loading:
                model.fetchMore()  # in case the view did not ask (it normally does)
            time.sleep(0.0005)
        view.scrollToBottom()
        app.processEvents()
        out["scroll_s"] = round(time.perf_counter() - began, 3)
        out["scroll_complete"] = not model.canFetchMore() and not model.loading
    out["rows_loaded"] = model.rowCount()
    out["rss_end_mb"] = _rss_mb()
    out["peak_rss_mb"] = _peak_rss_mb()
    window.shutdown()
    window.close()
    store.close()
    QApplication.processEvents()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gui_probe")
    parser.add_argument("url")
    parser.add_argument("--scroll-limit", type=float, default=0.0)
    args = parser.parse_args(argv)
    print(json.dumps(probe(args.url, args.scroll_limit)), flush=True)
    os._exit(0)  # skip Qt/pool teardown noise; everything is already reported


if __name__ == "__main__":
    raise SystemExit(main())
