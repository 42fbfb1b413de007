"""Open-carts tab: every counter's open cart, and releasing abandoned ones (stock goes back).

Releasing a cart that a counter used a moment ago takes a sale away from a clerk who
may be standing at it, so the confirmation says so first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QPushButton, QVBoxLayout

from pos.money import format_money
from pos.ui.admin.list_model import Column, ListTableModel
from pos.ui.admin.panel import AdminPanel
from pos.ui.admin.widgets import fit_columns, plain_label, table_view
from pos.ui.plural import count_of, plural
from pos.views import OpenCartView

# A cart touched this recently is probably a sale in progress, not an abandoned one.
RECENT = timedelta(minutes=10)


def age_text(since: datetime, now: datetime | None = None) -> str:
    minutes = int(((now or datetime.now(UTC)) - since).total_seconds() // 60)
    if minutes < 60:
        return f"{max(0, minutes)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes // 1440} days"


def release_question(carts: Sequence[OpenCartView], now: datetime | None = None) -> str:
    """The confirmation text; it warns about carts used in the last few minutes."""
    now = now or datetime.now(UTC)
    text = f"Release {count_of(len(carts), 'cart')}? Their items go back to stock."
    recent = [c for c in carts if now - c.active_at < RECENT]
    if recent:
        used = "; ".join(
            f"counter {c.counter_code} ({c.clerk or 'no clerk'}) {age_text(c.active_at, now)} ago"
            for c in recent
        )
        text = (
            f"Warning: {count_of(len(recent), 'cart')} {plural(len(recent), 'was', 'were')} "
            "used in the last "
            f"{int(RECENT.total_seconds() // 60)} minutes: {used}. A sale may be in progress "
            f"there; the clerk will lose it.\n\n" + text
        )
    return text


class CartsPanel(AdminPanel):
    released = Signal()

    def __init__(self, *args: Any, currency: str = "USD", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setWindowTitle("Open carts")
        self.model: ListTableModel[OpenCartView] = ListTableModel(
            [
                Column("Counter", lambda c: c.counter_code),
                Column("Clerk", lambda c: c.clerk or ""),
                Column("Opened", lambda c: c.created_at.astimezone().strftime("%Y-%m-%d %H:%M")),
                Column("Idle for", lambda c: age_text(c.active_at)),
                Column("Items", lambda c: c.item_count, numeric=True),
                Column("Subtotal", lambda c: format_money(c.subtotal, currency), numeric=True),
                Column(
                    "Lines", lambda c: ", ".join(f"{ln.quantity} x {ln.name}" for ln in c.lines)
                ),
            ]
        )
        self.table = table_view(self.model)
        fit_columns(self.table, 6)
        self.release_button = QPushButton("Release selected")
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 720)
        self.hours.setValue(4)
        self.hours.setSuffix(" h")
        self.release_old_button = QPushButton("Release all idle longer than")
        refresh = QPushButton("Refresh")
        self.summary = plain_label("")
        self.summary.setWordWrap(True)
        self.release_button.clicked.connect(self.release_selected)
        self.release_old_button.clicked.connect(self.release_old)
        refresh.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.release_button)
        bar.addWidget(self.release_old_button)
        bar.addWidget(self.hours)
        bar.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        self.tasks.submit(
            lambda: self.store.carts.open_carts(self.actor),
            self._loaded,
            self.show_error,
            key="carts",
        )

    def _loaded(self, carts: list[OpenCartView]) -> None:
        self.model.set_items(carts)
        held = sum(c.item_count for c in carts)
        self.summary.setText(
            f"{count_of(len(carts), 'open cart')} holding {count_of(held, 'item')}."
        )

    def release_selected(self) -> None:
        """Re-read the selected carts first: the warning must use their latest activity,
        not the time this list was loaded."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        chosen = {self.model.item(r).cart_id for r in rows}
        if chosen:
            self.tasks.submit(
                lambda: self.store.carts.open_carts(self.actor),
                lambda carts: self._confirm_release([c for c in carts if c.cart_id in chosen]),
                self.show_error,
            )

    def _confirm_release(self, carts: list[OpenCartView]) -> None:
        if not carts:
            self.dialogs.info(self, "Release carts", "Those carts are closed already.")
            self.refresh()
            return
        if not self.dialogs.confirm(self, "Release carts", release_question(carts)):
            return

        def work() -> int:
            for cart in carts:
                self.store.carts.release(self.actor, cart.cart_id, note="released by manager")
            return len(carts)

        self.tasks.write(work, self._done, self.show_error)

    def release_old(self) -> None:
        hours = self.hours.value()
        if not self.dialogs.confirm(
            self,
            "Release carts",
            f"Release every cart idle for more than {hours:g} {'hour' if hours == 1 else 'hours'}? "
            "Their items go back to stock.",
        ):
            return
        self.tasks.write(
            lambda: len(self.store.carts.release_older_than(self.actor, hours)),
            self._done,
            self.show_error,
        )

    def _done(self, count: int) -> None:
        self.refresh()
        self.released.emit()
