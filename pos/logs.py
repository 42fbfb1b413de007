"""Log files: the seed's cart and stock lines go to a rotating file in the log folder."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from pos import config

cart_log = logging.getLogger("pos.cart")
stock_log = logging.getLogger("pos.stock")
ops_log = logging.getLogger("pos.ops")

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Attach the rotating file handler once; returns the log file path."""
    folder = folder or config.log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pos.log"
    root = logging.getLogger("pos")
    if not any(getattr(h, "_pos_file", None) == path for h in root.handlers):
        handler = RotatingFileHandler(path, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler._pos_file = path  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    return path


def log_cart_action(action: str, user_id: int, product_id: object, quantity: int) -> None:
    cart_log.info(
        "Cart Action: %s | User: %s | Product: %s | Quantity: %s",
        action,
        user_id,
        product_id,
        quantity,
    )


def log_stock_update(product_id: object, old: int, new: int, reason: str) -> None:
    stock_log.info(
        "Stock Update: Product %s | Old: %s | New: %s | Reason: %s", product_id, old, new, reason
    )
