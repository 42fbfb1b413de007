"""The smaller admin tabs: alerts and reordering, open carts, people, store settings."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pos.errors import PosError
from pos.money import format_money
from pos.services.catalog.reorder import ReorderLine, write_reorder_csv
from pos.ui.admin.list_model import Column, ListTableModel
from pos.ui.admin.product_dialog import plain_label
from pos.ui.admin.products_panel import table_view
from pos.ui.dialogs import Dialogs
from pos.ui.worker import TaskRunner
from pos.views import Actor, CustomerView, OpenCartView, UserView


def fit_columns(view: Any, stretch: int) -> None:
    """Short lists: columns fit their text, one column takes the rest of the width."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


class _Panel(QWidget):
    def __init__(
        self,
        store: Any,
        actor: Actor,
        tasks: TaskRunner,
        dialogs: Dialogs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.tasks, self.dialogs = store, actor, tasks, dialogs

    def show_error(self, err: object) -> None:
        text = err.message if isinstance(err, PosError) else str(err)
        self.dialogs.error(self, self.windowTitle() or "Admin", text)

    def call(self, fn: Any, done: Any = None) -> None:
        """Run a service call in the background; errors become a message box."""
        self.tasks.submit(fn, done, self.show_error)


def age_text(since: datetime, now: datetime | None = None) -> str:
    minutes = int(((now or datetime.now(UTC)) - since).total_seconds() // 60)
    if minutes < 60:
        return f"{max(0, minutes)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes // 1440} days"


# -- alerts and reordering ----------------------------------------------------------------
class AlertsPanel(_Panel):
    countChanged = Signal(int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setWindowTitle("Low stock")
        self.model: ListTableModel[ReorderLine] = ListTableModel(
            [
                Column("SKU", lambda r: r.sku),
                Column("Name", lambda r: r.name),
                Column("Category", lambda r: r.category or ""),
                Column("Free", lambda r: r.stock, numeric=True),
                Column("Reserved", lambda r: r.reserved, numeric=True),
                Column("Low at", lambda r: r.threshold, numeric=True),
                Column("Target", lambda r: r.target, numeric=True),
                Column("Order", lambda r: r.order_quantity, numeric=True),
            ],
            highlight=lambda r: r.stock == 0,
        )
        self.table = table_view(self.model)
        fit_columns(self.table, 1)
        self.summary = plain_label("")
        self.multiplier = QSpinBox()
        self.multiplier.setRange(1, 100)
        self.multiplier.setValue(2)
        self.multiplier.setPrefix("target = threshold x ")
        self.fixed = QSpinBox()
        self.fixed.setRange(0, 1_000_000)
        self.fixed.setSpecialValueText("no fixed target")
        self.refresh_button = QPushButton("Refresh")
        self.export_button = QPushButton("Export reorder list…")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export)
        self.multiplier.valueChanged.connect(self.refresh)
        self.fixed.valueChanged.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.multiplier)
        bar.addWidget(self.fixed)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        multiplier, fixed = self.multiplier.value(), self.fixed.value() or None
        self.tasks.submit(
            lambda: (
                self.store.reorder.low_stock_count(self.actor),
                self.store.reorder.reorder_list(self.actor, multiplier=multiplier, target=fixed),
            ),
            self._loaded,
            self.show_error,
            key="alerts",
        )

    def _loaded(self, result: tuple[int, list[ReorderLine]]) -> None:
        count, lines = result
        self.model.set_items(lines)
        units = sum(ln.order_quantity for ln in lines)
        self.summary.setText(
            f"{count} products at or below their low-stock threshold; "
            f"{units} units to order to reach the target."
        )
        self.countChanged.emit(count)

    def export(self, path: str | None = None) -> None:
        path = path or self.dialogs.save_file(
            self, "Export reorder list", "reorder.csv", "CSV files (*.csv)"
        )
        if path:
            try:
                n = write_reorder_csv(self.model.items(), path)
            except PosError as err:
                self.dialogs.error(self, "Reorder list", err.message)
                return
            self.dialogs.info(self, "Reorder list", f"Wrote {n} lines.")


# -- open carts -----------------------------------------------------------------------------
class CartsPanel(_Panel):
    released = Signal()

    def __init__(self, *args: Any, currency: str = "USD", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setWindowTitle("Open carts")
        self.model: ListTableModel[OpenCartView] = ListTableModel(
            [
                Column("Counter", lambda c: c.counter_code),
                Column("Clerk", lambda c: c.clerk or ""),
                Column("Opened", lambda c: c.created_at.astimezone().strftime("%Y-%m-%d %H:%M")),
                Column("Idle for", lambda c: age_text(c.updated_at)),
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
        self.summary.setText(f"{len(carts)} open carts holding {held} items.")

    def release_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        carts = [self.model.item(r) for r in rows]
        if not carts or not self.dialogs.confirm(
            self,
            "Release carts",
            f"Release {len(carts)} cart(s)? Their items go back to stock.",
        ):
            return

        def work() -> int:
            for cart in carts:
                self.store.carts.release(self.actor, cart.cart_id, note="released by manager")
            return len(carts)

        self.call(work, self._done)

    def release_old(self) -> None:
        hours = self.hours.value()
        if not self.dialogs.confirm(
            self,
            "Release carts",
            f"Release every cart idle for more than {hours:g} hours?",
        ):
            return
        self.call(lambda: len(self.store.carts.release_older_than(self.actor, hours)), self._done)

    def _done(self, count: int) -> None:
        self.refresh()
        self.released.emit()


# -- people ------------------------------------------------------------------------------------
class PeoplePanel(_Panel):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setWindowTitle("People")
        self.users: ListTableModel[UserView] = ListTableModel(
            [
                Column("User", lambda u: u.username),
                Column("Role", lambda u: u.role),
                Column("Active", lambda u: "yes" if u.active else "no"),
                Column(
                    "Locked until",
                    lambda u: (
                        u.locked_until.astimezone().strftime("%H:%M") if u.locked_until else ""
                    ),
                ),
            ],
            highlight=lambda u: not u.active,
        )
        self.user_table = table_view(self.users)
        fit_columns(self.user_table, 0)
        add_user = QPushButton("Add user…")
        toggle_user = QPushButton("Activate/deactivate")
        role = QPushButton("Switch role")
        reset = QPushButton("Reset password…")
        add_user.clicked.connect(self.add_user)
        toggle_user.clicked.connect(self.toggle_user)
        role.clicked.connect(self.switch_role)
        reset.clicked.connect(self.reset_password)
        ub = QHBoxLayout()
        for b in (add_user, toggle_user, role, reset):
            ub.addWidget(b)
        ub.addStretch(1)
        users_box = QGroupBox("Users")
        ul = QVBoxLayout(users_box)
        ul.addLayout(ub)
        ul.addWidget(self.user_table)

        self.customers: ListTableModel[CustomerView] = ListTableModel(
            [
                Column("Name", lambda c: c.name),
                Column("Phone", lambda c: c.phone),
                Column("E-mail", lambda c: c.email),
                Column("Active", lambda c: "yes" if c.active else "no"),
            ],
            highlight=lambda c: not c.active,
        )
        self.customer_table = table_view(self.customers)
        fit_columns(self.customer_table, 0)
        self.customer_search = QLineEdit()
        self.customer_search.setPlaceholderText("Search name, phone or e-mail")
        self.customer_search.returnPressed.connect(self.load_customers)
        add_c = QPushButton("Add customer…")
        edit_c = QPushButton("Edit…")
        toggle_c = QPushButton("Activate/deactivate")
        add_c.clicked.connect(self.add_customer)
        edit_c.clicked.connect(self.edit_customer)
        toggle_c.clicked.connect(self.toggle_customer)
        cb = QHBoxLayout()
        cb.addWidget(self.customer_search, 1)
        for b in (add_c, edit_c, toggle_c):
            cb.addWidget(b)
        customers_box = QGroupBox("Registered customers")
        cl = QVBoxLayout(customers_box)
        cl.addLayout(cb)
        cl.addWidget(self.customer_table)

        layout = QHBoxLayout(self)
        layout.addWidget(users_box, 2)
        layout.addWidget(customers_box, 3)

    def refresh(self) -> None:
        self.tasks.submit(
            lambda: self.store.auth.users(self.actor),
            self.users.set_items,
            self.show_error,
            key="users",
        )
        self.load_customers()

    def load_customers(self) -> None:
        text = self.customer_search.text()
        self.tasks.submit(
            lambda: self.store.customers.search(self.actor, text, include_inactive=True, limit=500),
            self.customers.set_items,
            self.show_error,
            key="customers",
        )

    def _selected(self, table: Any, model: Any) -> Any:
        rows = table.selectionModel().selectedRows()
        return model.item(rows[0].row()) if rows else None

    def _sync(self, fn: Any, after: Any) -> None:
        try:
            fn()
        except PosError as err:
            self.show_error(err)
            return
        after()

    def add_user(self) -> None:
        name = self.dialogs.ask_text(self, "Add user", "User name:")
        if not name:
            return
        role = self.dialogs.ask_text(self, "Add user", "Role (clerk or manager):", "clerk")
        password = self.dialogs.ask_secret(self, "Add user", "Password (clerks: 4+, managers: 8+):")
        if role and password:
            self._sync(
                lambda: self.store.auth.add_user(self.actor, name, password, role.strip()),
                self.refresh,
            )

    def toggle_user(self) -> None:
        user = self._selected(self.user_table, self.users)
        if user:
            self._sync(
                lambda: self.store.auth.update_user(self.actor, user.id, active=not user.active),
                self.refresh,
            )

    def switch_role(self) -> None:
        user = self._selected(self.user_table, self.users)
        if user:
            new = "manager" if user.role == "clerk" else "clerk"
            self._sync(
                lambda: self.store.auth.update_user(self.actor, user.id, role=new), self.refresh
            )

    def reset_password(self) -> None:
        user = self._selected(self.user_table, self.users)
        if not user:
            return
        password = self.dialogs.ask_secret(
            self, "Reset password", f"New password for {user.username}:"
        )
        if password:
            self._sync(
                lambda: self.store.auth.update_user(self.actor, user.id, password=password),
                self.refresh,
            )

    def add_customer(self) -> None:
        name = self.dialogs.ask_text(self, "Add customer", "Name:")
        if not name:
            return
        phone = self.dialogs.ask_text(self, "Add customer", "Phone:") or ""
        email = self.dialogs.ask_text(self, "Add customer", "E-mail:") or ""
        self._sync(
            lambda: self.store.customers.add(self.actor, name, phone, email), self.load_customers
        )

    def edit_customer(self) -> None:
        c = self._selected(self.customer_table, self.customers)
        if not c:
            return
        name = self.dialogs.ask_text(self, "Edit customer", "Name:", c.name)
        if name is None:
            return
        phone = self.dialogs.ask_text(self, "Edit customer", "Phone:", c.phone)
        email = self.dialogs.ask_text(self, "Edit customer", "E-mail:", c.email)
        self._sync(
            lambda: self.store.customers.update(
                self.actor, c.id, name=name, phone=phone or "", email=email or ""
            ),
            self.load_customers,
        )

    def toggle_customer(self) -> None:
        c = self._selected(self.customer_table, self.customers)
        if c:
            self._sync(
                lambda: self.store.customers.update(self.actor, c.id, active=not c.active),
                self.load_customers,
            )


# -- settings ------------------------------------------------------------------------------------
class SettingsPanel(_Panel):
    saved = Signal(object)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setWindowTitle("Store settings")
        self.store_name = QLineEdit()
        self.store_name.setMaxLength(120)
        self.tax = QLineEdit()
        self.tax.setPlaceholderText("8 for 8%")
        self.shipping = QLineEdit()
        self.free_over = QLineEdit()
        self.currency = QComboBox()
        self.currency.setEditable(True)
        self.currency.addItems(["USD", "EUR", "GBP", "JPY", "CHF", "CAD"])
        self.require_customer = QCheckBox("A registered customer is required at checkout")
        self.status = plain_label("")
        save = QPushButton("Save")
        save.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow("Store name", self.store_name)
        form.addRow("Tax rate (%)", self.tax)
        form.addRow("Shipping fee", self.shipping)
        form.addRow("Free shipping over", self.free_over)
        form.addRow("Currency", self.currency)
        form.addRow("", self.require_customer)
        box = QGroupBox("Store settings (apply to every counter)")
        box.setMaximumWidth(560)
        bl = QVBoxLayout(box)
        bl.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(save)
        bl.addLayout(row)
        connection = QGroupBox("This counter only")
        connection.setMaximumWidth(560)
        cl = QHBoxLayout(connection)
        hint = plain_label("Database server and counter code of this computer.")
        hint.setWordWrap(True)
        cl.addWidget(hint, 1)
        self.connection_button = QPushButton("Database connection\u2026")
        self.connection_button.clicked.connect(self.edit_connection)
        cl.addWidget(self.connection_button)
        layout = QVBoxLayout(self)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(connection, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def edit_connection(self) -> None:
        from pos.ui.connection_dialog import ConnectionDialog

        dialog = ConnectionDialog(self)
        if self.dialogs.exec(dialog) and dialog.saved_to is not None:
            self.dialogs.info(
                self,
                "Connection saved",
                f"Saved to {dialog.saved_to}. It applies the next time pos starts.",
            )

    def refresh(self) -> None:
        self.call(lambda: self.store.settings.get(self.actor), self._fill)

    def _fill(self, s: Any) -> None:
        self.store_name.setText(s.store_name)
        self.tax.setText(f"{(s.tax_rate * 100).normalize():f}")
        self.shipping.setText(f"{s.shipping_fee:.2f}")
        self.free_over.setText(f"{s.free_shipping_threshold:.2f}")
        self.currency.setCurrentText(s.currency)
        self.require_customer.setChecked(s.require_customer)

    def save(self) -> None:
        try:
            rate = Decimal(self.tax.text().strip() or "x") / 100
        except ArithmeticError:
            self.status.setText("Tax rate must be a number such as 8 or 7.25.")
            return
        try:
            view = self.store.settings.update(
                self.actor,
                store_name=self.store_name.text(),
                tax_rate=rate,
                shipping_fee=self.shipping.text().strip(),
                free_shipping_threshold=self.free_over.text().strip(),
                currency=self.currency.currentText(),
                require_customer=self.require_customer.isChecked(),
            )
        except PosError as err:
            self.status.setText(err.message)
            return
        self._fill(view)
        self.status.setText("Saved: every counter uses these now.")
        self.saved.emit(view)
