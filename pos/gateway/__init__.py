"""One stock/order seam, one implementation per backend (DESIGN.md "pos/gateway/").

Use cases call `gateway(tx)` and never ask which backend they run on; this is the only
place that does.
"""

from __future__ import annotations

from pos.gateway.base import StockGateway
from pos.gateway.postgresql import PostgresGateway
from pos.gateway.sqlite import SqliteGateway
from pos.gateway.types import (
    CartLineChange,
    Ledger,
    LineCapExceeded,
    NewOrder,
    OrderLine,
    ReleasedLine,
    StockChange,
)
from pos.services.plumbing.uow import Tx

__all__ = [
    "CartLineChange",
    "Ledger",
    "LineCapExceeded",
    "NewOrder",
    "OrderLine",
    "ReleasedLine",
    "StockChange",
    "StockGateway",
    "gateway",
]

_POSTGRES = PostgresGateway()
_SQLITE = SqliteGateway()


def gateway(tx: Tx) -> StockGateway:
    return _POSTGRES if tx.is_postgres else _SQLITE
