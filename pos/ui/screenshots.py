"""Render the screens to PNG files: `python -m pos.ui.screenshots OUTDIR`.

The counter's screens (login, counter window with a cart, checkout, receipt preview) at the
chosen size, then the admin window's (products, stock adjust, open carts, dashboard, ...)
at 1366x768 and 1920x1080; `--counter-only` skips the admin part; `--counter-sizes` renders
only the counter window at 1024x768, 1366x768 and 1920x1080 (the pictures in docs/).

Uses a throw-away SQLite store with the demo catalog, so it never touches real data.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def settle(seconds: float = 0.2) -> None:
    wait_for(lambda: False, seconds)


def save(widget: QWidget, path: Path) -> Path:
    settle()
    if not widget.grab().save(str(path), "PNG"):
        raise SystemExit(f"cannot write {path}")
    print(path)
    return path


def render(outdir: Path, width: int, height: int) -> list[Path]:
    from pos.demo import seed_demo
    from pos.services.facade import open_store
    from pos.ui import receipt
    from pos.ui.app import application, build_login_dialog
    from pos.ui.counter_window import CounterWindow
    from pos.ui.thumbnails import ThumbnailCache

    outdir.mkdir(parents=True, exist_ok=True)
    suffix = "" if (width, height) == (1366, 768) else f"-{width}x{height}"
    app = application(["pos-screenshots"])
    work = Path(tempfile.mkdtemp(prefix="pos-shots-"))
    store = open_store(f"sqlite:///{work / 'pos.sqlite3'}")
    store.migrate()
    seed_demo(store, manager_password="manager-pass-1", clerk_password="1234")
    written = []

    login = build_login_dialog(store, "COUNTER-1", username="clerk")
    login.password.setText("1234")
    login.show()
    written.append(save(login, outdir / f"login{suffix}.png"))
    login.close()

    actor = store.auth.login("clerk", "1234", "COUNTER-1")
    thumbs = ThumbnailCache(cache=work / "thumbnails")
    window = CounterWindow(store, actor, thumbnails=thumbs)
    window.resize(width, height)
    window.show()
    wait_for(lambda: window.product_model.rowCount() > 0)
    picks = ["Cyber Eye Implant", "Neural Link Headset", "Holo Watch"]
    for row in range(window.product_model.rowCount()):
        product = window.product_model.product(row)
        if product and product.sellable and (product.name in picks or row in (4, 9, 15)):
            window.add_product(product.id, product.name)
    wait_for(lambda: not window.sale.busy)
    first = window.cart_model.line(0)
    if first is not None:
        window.sale.set_quantities({first.product_id: 2})
    wait_for(lambda: not window.sale.busy)
    window.product_view.setCurrentIndex(window.product_model.index(2, 0))
    window.scan_field.setText("")
    window.focus_scanner()
    wait_for(lambda: thumbs.pending() == 0 and not window.runner.pending)
    settle(0.5)
    written.append(save(window, outdir / f"counter{suffix}.png"))

    dialog = window.checkout()
    assert dialog is not None
    wait_for(lambda: dialog.settings is not None)  # the shipping rule and the cash bound
    dialog.cash.setText(f"{(window.cart.total + 40).quantize(window.cart.total):.2f}")
    written.append(save(dialog, outdir / f"checkout{suffix}.png"))
    dialog.pay_exact_cash()
    dialog.cash.setText(f"{window.cart.total + 20:.2f}")
    dialog.confirm()
    wait_for(lambda: dialog.order is not None)
    written.append(save(dialog, outdir / f"checkout-done{suffix}.png"))
    order = dialog.order
    dialog.accept()
    assert order is not None

    preview = receipt.preview_dialog(order, window)
    preview.resize(min(width - 200, 900), height - 60)
    preview.show()
    settle(0.5)
    written.append(save(preview, outdir / f"receipt-preview{suffix}.png"))
    preview.close()
    receipt.save_pdf(order, outdir / f"receipt{suffix}.pdf")

    window.shutdown()
    window.close()
    store.close()
    app.processEvents()
    return written


COUNTER_SIZES = ((1024, 768), (1366, 768), (1920, 1080))


def counter_screens(outdir: Path) -> list[Path]:
    """The counter window with a sale in progress at 1024x768, 1366x768 and 1920x1080
    (counter-WxH.png): what docs/ shows a shop before it buys its screens."""
    from pos.demo import seed_demo
    from pos.services.facade import open_store
    from pos.ui.app import application
    from pos.ui.counter_window import CounterWindow
    from pos.ui.thumbnails import ThumbnailCache

    outdir.mkdir(parents=True, exist_ok=True)
    application(["pos-screenshots"])
    work = Path(tempfile.mkdtemp(prefix="pos-shots-"))
    store = open_store(f"sqlite:///{work / 'pos.sqlite3'}")
    store.migrate()
    seed_demo(store, manager_password="manager-pass-1", clerk_password="1234")
    actor = store.auth.login("clerk", "1234", "COUNTER-1")
    thumbs = ThumbnailCache(cache=work / "thumbnails")
    window = CounterWindow(store, actor, thumbnails=thumbs)
    window.resize(*COUNTER_SIZES[0])
    window.show()
    wait_for(lambda: window.product_model.rowCount() > 0)
    names = ["Armored Bomber Jacket", "Cold Storage Vault Drive", "Cyber Eye Implant"]
    for row in range(window.product_model.rowCount()):
        product = window.product_model.product(row)
        if product is not None and product.name in names:
            window.add_product(product.id)
    wait_for(lambda: not window.sale.busy)
    written = []
    for width, height in COUNTER_SIZES:
        window.resize(width, height)
        window.focus_scanner()
        wait_for(lambda: thumbs.pending() == 0 and not window.runner.pending)
        settle(0.4)
        written.append(save(window, outdir / f"counter-{width}x{height}.png"))
    window.shutdown()
    window.close()
    store.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--size", default="1366x768", help="window size, e.g. 1920x1080")
    parser.add_argument("--counter-only", action="store_true", help="skip the admin window")
    parser.add_argument(
        "--counter-sizes",
        action="store_true",
        help="only the counter window at 1024x768, 1366x768 and 1920x1080 (for docs/)",
    )
    args = parser.parse_args(argv)
    width, height = (int(x) for x in args.size.lower().split("x"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.counter_sizes:
        counter_screens(args.outdir)
        return 0
    render(args.outdir, width, height)
    if not args.counter_only:
        from pos.ui.admin.screenshots import admin_screenshots

        admin_screenshots(args.outdir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
